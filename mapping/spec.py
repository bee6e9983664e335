"""What a source plugin tells the engine, and the registry of plugins (pure Python, no Odoo).

The engine (staging, profile, map, load, verify, rollback, delta, wizard, CLI) reads a
source only through its :class:`SourceSpec`: it never names a source nor reads a payload
key itself. A plugin is a package that builds one spec; ``sources/__init__.py`` lists them.
"""
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from .converters import GENERIC, Converters, value_at
from .schema import SourceSchema


@dataclass(frozen=True)
class ClientConfig:
    """How to reach one source account: what the source form holds."""

    url: str
    key: str
    rate_limit: int
    page_size: int
    timeout: int = 60
    retries: int = 6
    backoff: float = 1.0
    download_hosts: tuple = ()          # hosts files may come from, besides the source's own
    max_download_bytes: int = 25 * 1024 * 1024
    user: str = None                    # the API user when the key is a password
    token_url: str = None               # OAuth2: where tokens come from
    profile: dict = None                # the confirmed API profile (sources profiled live)
    files: tuple = ()                   # an export's ``(name, bytes)`` (sources read from files)


@dataclass(frozen=True)
class ApiProbe:
    """What probing a source's API found: the profile to review (JSON), the same in words,
    and whether the API can be read with it."""

    profile: dict
    text: str
    usable: bool


@dataclass
class Page:
    """One page of an entity: its records and where the next page starts.

    ``cursor`` is opaque to the engine (an id, an offset, a token, a URL): it is stored
    on the extraction phase as text and handed back to resume. ``problems`` are what the
    page could not read (``code``, ``message``, ``level``, ``source_key``): issue lines.
    """

    records: list
    cursor: str | None
    more: bool
    problems: list = field(default_factory=list)  # what could not be read: issue values


class SourceClient(Protocol):
    """The wire protocol every source client speaks to the engine."""

    def account_user(self) -> dict:
        """Check the credentials: ``{"name", "email"}`` of the account they belong to."""

    def read_page(self, entity, cursor=None, changed_since=None) -> Page:
        """The page of a schema entity after ``cursor`` (None: the first page);
        ``changed_since``: only records changed since that aware datetime."""

    def download(self, url) -> bytes:
        """The bytes of a file the source links to."""

    def count_records(self, entity, changed_since=None) -> int | None:
        """Optional: how many records :meth:`read_page` will read (the progress total);
        None when the source cannot say cheaply."""

    def close(self):
        """Release the connection pool."""


class CustomFields(Protocol):
    """Where an account's own fields are defined and where their values sit in a payload."""

    option_entity: str | None  # staging entity of the options of option fields

    def is_custom(self, path) -> bool:
        """Whether a source path names a custom field."""

    def key_of(self, path) -> str | None:
        """The field key of a custom path (None for a standard path)."""

    def infos(self, staged, obj, payloads) -> list:
        """:class:`~.profile.SourceFieldInfo` of the custom fields of ``obj``.

        ``staged(entity, contains=None)`` reads staged payloads of an entity (those
        holding ``contains``, a JSON subset); ``payloads`` are sample records of ``obj``.
        """

    def value_at(self, record, path) -> Any:
        """The value of a custom path in a payload."""



class NoCustomFields:
    """A source without custom fields."""

    option_entity = None

    def is_custom(self, path):
        return False

    def key_of(self, path):
        return None

    def infos(self, staged, obj, payloads):
        return []

    def value_at(self, record, path):
        return value_at(record, path)


@dataclass(frozen=True)
class Defaults:
    """A new source's settings, and the page size its API accepts at most."""

    url: str
    rate_limit: int
    page_size: int
    page_cap: int
    timeout: int = 60
    retries: int = 6
    backoff: float = 1.0


@dataclass(frozen=True)
class UserFields:
    """Where a user record of the source keeps what the user match reads."""

    entity: str                                 # staging entity of the users
    name: Callable[[dict], str]
    email: Callable[[dict], str]
    suspended: Callable[[dict], bool] = lambda payload: False
    owner_column: str = None                    # top-level column of a record naming its owner
    role: Callable[[dict], str] = lambda payload: None    # the user's role, as the source names it
    #: The Odoo sales rights proposed for that role: "own", "all", "admin" or None.
    sales_access: Callable[[dict], str] = lambda payload: None


@dataclass(frozen=True)
class SourceSpec:
    """Everything the engine knows of one kind of source."""

    kind: str                                   # stored on crm.migration.source
    label: str                                  # shown in the kind selection
    schema: SourceSchema                        # entities, objects in dependency order, fields
    defaults: Defaults
    make_client: Callable[[ClientConfig], SourceClient]
    record_key: Callable[[dict], Any]           # a payload's id in the source (None: none)
    updated_at: Callable[[dict], Any]           # a payload's last change (aware datetime) or None
    users: UserFields
    converters: Converters = field(default_factory=lambda: GENERIC)
    custom_fields: CustomFields = field(default_factory=NoCustomFields)
    row_value: Callable[[dict], Any] = None     # what a nested row shows when profiled
    paging: str = "keyset"                      # keyset, page, offset, cursor or next_link
    key_label: str = "API key"
    key_help: str = ""
    sandbox: str = None                         # ``python -m <sandbox>`` serves a local copy
    probe: Callable[[ClientConfig], ApiProbe] = None  # sources without API docs: profiled first
    #: The probed profile as rows the admin edits (one a collection), and the profile with
    #: the edited rows (an ApiProbe; InvalidConfiguration when it cannot be read so).
    profile_rows: Callable[[dict], list] = None
    edit_profile: Callable[[dict, list], ApiProbe] = None
    reads_export: bool = False                  # read from uploaded files, not an API
    odoo_parts: Callable[[], None] = None       # imports the plugin's Odoo models (the addon calls it)

    def value_at(self, record, path):
        """The value of a source path in a payload, custom fields included."""
        if self.custom_fields.is_custom(path):
            return self.custom_fields.value_at(record, path)
        return value_at(record, path)


class Registry:
    """The source plugins the addon offers, by kind, in the order they were listed."""

    def __init__(self, *specs):
        self._specs = {}
        for spec in specs:
            self._add(spec)

    def _add(self, spec):
        if spec.kind in self._specs:
            raise ValueError(f"Two sources of kind {spec.kind!r}.")
        self._specs[spec.kind] = spec

    def __getitem__(self, kind):
        try:
            return self._specs[kind]
        except KeyError:
            raise KeyError(f"No source of kind {kind!r}; known: {', '.join(self._specs)}.") from None

    def __iter__(self):
        return iter(tuple(self._specs.values()))

    def __contains__(self, kind):
        return kind in self._specs

    def kinds(self):
        return list(self._specs)

    def selection(self):
        """``[(kind, label)]`` for a selection field."""
        return [(spec.kind, spec.label) for spec in self]

    def converter_names(self):
        """Every converter name some source knows."""
        return sorted({name for spec in self for name in spec.converters})

    @property
    def default(self):
        return next(iter(self._specs.values()))

    @contextmanager
    def added(self, spec):
        """``spec`` registered for the ``with`` block only (tests of a toy source)."""
        self._add(spec)
        try:
            yield spec
        finally:
            del self._specs[spec.kind]

    def load_odoo_parts(self):
        """Import every plugin's Odoo models (called once, by the addon's models)."""
        for spec in self:
            if spec.odoo_parts:
                spec.odoo_parts()
