"""The engine's schema types, with what the Ploomes client needs to read an entity."""
from dataclasses import dataclass

from ...mapping.schema import Entity as BaseEntity, SourceField, SourceObject, SourceSchema

__all__ = ["Entity", "SourceField", "SourceObject", "SourceSchema"]


@dataclass(frozen=True)
class Entity(BaseEntity):
    """An entity set of the Ploomes API (its path is the staging entity's name)."""

    expand: str = None        # $expand of bulk pages
    filter: str = None        # fixed $filter (e.g. "Dynamic eq true")
    counted: bool = True      # $count is cheap (unfiltered /Attachments times out: it is not)
