# pylint: disable=prefer-env-translation  # pure code without Odoo: _ marks templates Odoo translates when it logs them
"""Bloomr: a CRM without public API docs, read through its API (profiled live) or its CSV
export.

The API path: :func:`probe` profiles the API (``profiler.py``) for the admin to confirm;
:class:`~.client.RestClient` then reads it by that profile. Its objects are in ``crm.py``,
its custom fields in ``fields.py``; the CSV export reader in ``csv_export.py``.

The CSV path (:data:`CSV_SPEC`): the files of an export are profiled (which file is which
object, which column which field: ``csv_source.py``) for the admin to confirm, then read
as the API's records, so that both paths share the schema, the map and the converters.
"""
from ...mapping.converters import GENERIC, timestamp_at
from ...mapping.messages import _
from ...mapping.schema import SourceSchema
from ...mapping.spec import ApiProbe, Defaults, SourceSpec, UserFields
from ..errors import InvalidConfiguration
from . import activities, crm, csv_source, fields, profile_edit
from .client import RestClient
from .profile import ApiProfile, Credentials
from .profiler import profile_api, render_profile

RATE_LIMIT = 60  # requests a minute: the profiler's default of one a second
PAGE_CAP = 100
NOT_EXPORTED = ("files",)  # the CSV export carries no files

SCHEMA = SourceSchema("bloomr", "Bloomr", crm.ENTITIES + activities.ENTITIES + crm.METADATA,
                      crm.OBJECTS + activities.OBJECTS, prefix="x_bloomr_cf_",
                      metadata=crm.METADATA)
CONVERTERS = GENERIC | crm.CONVERTERS | activities.CONVERTERS | fields.CONVERTERS


def credentials(config):
    """The :class:`Credentials` of a source's settings: the key is a password when a user
    is set (Basic, a session login, OAuth2 client credentials), else a key or a token."""
    if config.user:
        return Credentials(user=config.user, password=config.key, token_url=config.token_url)
    return Credentials(key=config.key, token=config.key, token_url=config.token_url)


def make_client(config):
    """A :class:`RestClient` of the source's confirmed API profile."""
    if not config.profile:
        raise InvalidConfiguration("The API has not been profiled yet: probe it and confirm "
                                   "its profile before reading it.")
    return RestClient(ApiProfile.from_dict(config.profile), credentials(config), config,
                      download_hosts=config.download_hosts,
                      max_download_bytes=config.max_download_bytes)


def probe(config):
    """Profile the API at the source's URL, read-only, within its rate limit."""
    profile = profile_api(config.url, credentials(config), rate=config.rate_limit / 60,
                          retries=min(config.retries, 2))
    return ApiProbe(profile.as_dict(), render_profile(profile), profile.usable)


def _odoo_parts():
    from . import models  # noqa: F401  (Odoo models: imported by the addon only)


def record_key(payload):
    """A Bloomr record's ``id``."""
    return payload.get("id")


SPEC = SourceSpec(
    kind="bloomr",
    label="Bloomr (API)",
    schema=SCHEMA,
    defaults=Defaults(url="https://api.bloomr.example/api/v1", rate_limit=RATE_LIMIT,
                      page_size=PAGE_CAP, page_cap=PAGE_CAP),
    make_client=make_client,
    record_key=record_key,
    updated_at=lambda payload: timestamp_at(payload, "updated_at"),
    users=UserFields("users", name=lambda user: user.get("name"),
                     email=lambda user: user.get("email"),
                     suspended=lambda user: user.get("active") is False, owner_column="owner_id",
                     role=lambda user: user.get("role"), sales_access=crm.sales_access),
    converters=CONVERTERS,
    custom_fields=fields.BloomrCustomFields(),
    row_value=fields.row_value,
    paging="profiled",
    key_label="API key, token or password",
    key_help=_("Bloomr has no public API documentation: the API is probed with these "
               "credentials (an API key or token; with an API user, its password or the "
               "OAuth2 client secret) and its profile confirmed before any record is read."),
    sandbox="sandbox.bloomr",
    probe=probe,
    profile_rows=profile_edit.profile_rows,
    edit_profile=profile_edit.edit_profile,
    odoo_parts=_odoo_parts,
)


CSV_SCHEMA = SourceSchema(
    "bloomr-csv", "Bloomr (CSV export)",
    tuple(entity for entity in SCHEMA.entities if entity.name not in NOT_EXPORTED),
    tuple(obj for obj in SCHEMA.objects if obj.entity not in NOT_EXPORTED),
    prefix=SCHEMA.prefix, metadata=crm.METADATA)

CSV_SPEC = SourceSpec(
    kind="bloomr-csv",
    label="Bloomr (CSV export)",
    schema=CSV_SCHEMA,
    defaults=Defaults(url="file:bloomr-export", rate_limit=0, page_size=500, page_cap=5000),
    make_client=csv_source.ExportClient,
    record_key=record_key,
    updated_at=SPEC.updated_at,
    users=SPEC.users,
    converters=CONVERTERS,
    custom_fields=SPEC.custom_fields,
    row_value=fields.row_value,
    paging="offset",
    key_label="No key",
    key_help=_("A Bloomr export is read from its CSV files (several files, or one zip): "
               "they are profiled (which file is which object, which column which field) "
               "and the profile confirmed before any record is read."),
    sandbox="sandbox.bloomr",
    probe=csv_source.probe,
    profile_rows=csv_source.profile_rows,
    edit_profile=csv_source.edit_profile,
    odoo_parts=_odoo_parts,
    reads_export=True,
)
