# pylint: disable=prefer-env-translation  # pure code without Odoo: _ marks templates Odoo translates when it logs them
"""Ploomes CRM as a source: its client, schema, converters, custom fields and Odoo parts.

Pure Python but for ``models/`` (the loaders that read Ploomes payloads, the map's
Ploomes options), which only the addon imports, through :attr:`SPEC.odoo_parts`.
"""
from ...mapping.converters import GENERIC, timestamp_at
from ...mapping.messages import _
from ...mapping.schema import SourceSchema
from ...mapping.spec import Defaults, SourceSpec, UserFields
from . import activities, automations, converters, crm, custom_fields, sales
from .client import PAGE_CAP, RATE_LIMIT, PloomesClient
from .fields import PloomesCustomFields, row_value
from .schema import Entity

DOMAINS = (crm, sales, activities)

METADATA = (
    Entity("Fields", expand="OptionsTable($expand=Options)", filter="Dynamic eq true", delta=False),
    Entity("Fields@Types", lookup=True, delta=False),
    Entity("Fields@OptionsTables@Options", lookup=True, delta=False),
)


def _entities():
    seen = {}
    for domain in DOMAINS:
        for entity in domain.ENTITIES:
            seen.setdefault(entity.name, entity)
    return tuple(seen.values())


SCHEMA = SourceSchema(
    "ploomes", "Ploomes", _entities() + METADATA,
    tuple(sorted((obj for domain in DOMAINS for obj in domain.OBJECTS), key=lambda o: o.sequence)),
    prefix="x_ploomes_", metadata=METADATA,
)

CONVERTERS = (GENERIC.with_params(converters.GENERIC_PARAMS) | converters.CONVERTERS
              | crm.CONVERTERS | sales.CONVERTERS | activities.CONVERTERS
              | custom_fields.CONVERTERS | automations.CONVERTERS)


def record_key(payload):
    """A Ploomes record's ``Id`` (None when it has none)."""
    return payload.get("Id")


def _odoo_parts():
    from . import models  # noqa: F401  (Odoo models: imported by the addon only)


SPEC = SourceSpec(
    kind="ploomes",
    label="Ploomes (API)",
    schema=SCHEMA,
    defaults=Defaults(url="https://api2.ploomes.com", rate_limit=RATE_LIMIT, page_size=PAGE_CAP,
                      page_cap=PAGE_CAP),
    make_client=PloomesClient.from_config,
    record_key=record_key,
    updated_at=lambda payload: timestamp_at(payload, "LastUpdateDate"),
    users=UserFields("Users", name=lambda user: user.get("Name"),
                     email=lambda user: user.get("Email"),
                     suspended=lambda user: bool(user.get("Suspended")), owner_column="OwnerId"),
    converters=CONVERTERS,
    custom_fields=PloomesCustomFields(),
    row_value=row_value,
    paging="keyset",
    key_label="User-Key",
    key_help=_("The User-Key of a Ploomes integration user with the Administrator profile "
               "(Administração › Integração › API)."),
    sandbox="sandbox.ploomes",
    odoo_parts=_odoo_parts,
)
