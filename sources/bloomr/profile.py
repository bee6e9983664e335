"""The shapes of an API profile: plain dataclasses that round-trip through JSON.

An :class:`ApiProfile` is what the profiler found out about an undocumented REST API
and what the :class:`~.client.RestClient` reads it with; it is stored on a record the
admin reviews, edits and confirms.
"""
from dataclasses import asdict, dataclass, field, fields

#: Paging styles by name (``""``: a single page, or not found).
PAGING_STYLES = ("page", "offset", "cursor", "link")
#: Auth styles by name (``""``: none worked).
AUTH_STYLES = ("apikey", "bearer", "oauth", "oauth-refresh", "basic", "session", "none")


#: Collection names read as one object: the first name is the object's.
SYNONYMS = (("contacts", "people", "persons"), ("companies", "accounts", "organizations"),
            ("deals", "opportunities"), ("users", "members"), ("tags", "labels"),
            ("custom_fields", "custom-fields", "fields"), ("files", "attachments"))


def entity_of(name):
    """The object a collection named ``name`` is proposed to be read as."""
    return next((names[0] for names in SYNONYMS if name in names), name)


def claim_entities(collections):
    """Propose each collection as the object its name says; an object is read from one
    collection only: a readable one first, under the object's own name first."""
    def rank(collection):
        names = next((names for names in SYNONYMS if collection.name in names), (collection.name,))
        return not collection.ok, names.index(collection.name)

    taken = set()
    for collection in sorted(collections, key=rank):
        entity = entity_of(collection.name)
        collection.entity = "" if entity in taken else entity
        taken.add(entity)


@dataclass
class Credentials:
    """What the admin gives to reach the API (user/password: OAuth client id/secret when
    ``token_url`` is given; ``header``: the header the key goes in, if the admin knows)."""

    key: str = None
    token: str = None
    user: str = None
    password: str = None
    header: str = None
    token_url: str = None
    refresh_token: str = None

    def secrets(self):
        """The values to mask in every message and log line."""
        return [value for value in (self.key, self.token, self.password, self.refresh_token)
                if value]

    def __repr__(self):
        given = [f.name for f in fields(self) if getattr(self, f.name)]
        return f"Credentials({', '.join(given)})"


@dataclass
class AuthProfile:
    """The auth style that works, and where it needs to go."""

    style: str = ""              # one of AUTH_STYLES, "" if none worked
    header: str = ""             # apikey/bearer: the header name
    scheme: str = ""             # apikey in Authorization: "Token"; bearer: "Bearer"
    login_path: str = ""         # session: the login call, relative to the origin
    login_body: str = ""         # session: "json" or "form"
    login_fields: list = field(default_factory=list)  # session: [user field, password field]
    token_url: str = ""          # oauth: where tokens come from
    account_path: str = ""       # the credential's own user (me, users/me...), "" if none
    description: str = ""        # for people: "API key in the X-API-Key header"


@dataclass
class FieldGuess:
    """A field seen in sample records: dotted path, inferred type, referenced collection."""

    path: str
    type: str
    reference: str = ""          # the collection its values are ids of
    samples: list = field(default_factory=list)
    fill: float = 0.0            # share of the sample records holding a value


@dataclass
class CollectionProfile:
    """One collection (``path`` relative to the profile's ``base_url``): how to page it,
    where its records are and what they hold. ``status``: the HTTP status it answered."""

    name: str
    path: str
    status: int
    paging: str = ""             # one of PAGING_STYLES, "" for a single page
    params: dict = field(default_factory=dict)  # role -> name: page, size, offset, cursor...
    page_cap: int = None         # the largest page the API serves, None if none was seen
    records_path: str = ""       # dotted path of the record list in the body ("": the body)
    total: int = None            # record count, None if unknown
    record_key: str = ""
    updated_at: str = ""
    delta_param: str = ""        # filters on the update date, "" if none works
    fields: list = field(default_factory=list)  # FieldGuess
    entity: str = None           # the object its records are read as ("": none; None: as named)

    def __post_init__(self):
        if self.entity is None:
            self.entity = entity_of(self.name)

    @property
    def ok(self):
        return 200 <= self.status < 300

    @classmethod
    def from_dict(cls, data):
        data = dict(data)
        data["fields"] = [FieldGuess(**guess) for guess in data.get("fields", ())]
        return cls(**data)


@dataclass
class ApiProfile:
    """What the profiler found out about one API."""

    base_url: str                # origin and prefix the collections' paths follow
    auth: AuthProfile = field(default_factory=AuthProfile)
    discovery: str = ""          # URL of the OpenAPI/Swagger document, "" if none
    collections: list = field(default_factory=list)  # CollectionProfile
    rate_limit: dict = field(default_factory=dict)   # rate-limit headers seen
    problems: list = field(default_factory=list)     # plain-words reasons, for the admin

    @property
    def usable(self):
        """Whether the API can be read: an auth style works and a collection answers."""
        return bool(self.auth.style) and any(c.ok for c in self.collections)

    def collection(self, entity):
        """The profile of the collection read as ``entity``, or None."""
        return next((c for c in self.collections if c.entity == entity), None)

    def as_dict(self):
        """JSON-serializable form (``usable`` included for readers, ignored on load)."""
        return dict(asdict(self), usable=self.usable)

    @classmethod
    def from_dict(cls, data):
        return cls(
            base_url=data["base_url"],
            auth=AuthProfile(**data.get("auth", {})),
            discovery=data.get("discovery", ""),
            collections=[CollectionProfile.from_dict(c) for c in data.get("collections", ())],
            rate_limit=dict(data.get("rate_limit", {})),
            problems=list(data.get("problems", ())),
        )
