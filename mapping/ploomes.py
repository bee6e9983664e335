"""The Ploomes schema: every entity read from the API and its default map to Odoo 18.

Objects are defined by domain (CRM core, sales, activities) and loaded in the
order of their sequence, which is their dependency order.
"""
from . import ploomes_activities, ploomes_crm, ploomes_sales
from .schema import Entity, SourceSchema

DOMAINS = (ploomes_crm, ploomes_sales, ploomes_activities)


def _entities():
    seen = {}
    for domain in DOMAINS:
        for entity in domain.ENTITIES:
            seen.setdefault(entity.name, entity)
    return tuple(seen.values())


METADATA = (
    Entity("Fields", expand="OptionsTable($expand=Options)", filter="Dynamic eq true", delta=False),
    Entity("Fields@Types", lookup=True, delta=False),
    Entity("Fields@OptionsTables@Options", lookup=True, delta=False),
)

SCHEMA = SourceSchema(
    "ploomes", "Ploomes", _entities() + METADATA,
    tuple(sorted((obj for domain in DOMAINS for obj in domain.OBJECTS), key=lambda o: o.sequence)),
    prefix="x_ploomes_", metadata=METADATA,
)
