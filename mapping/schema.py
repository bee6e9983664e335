"""What a source looks like: its entities, the objects a migration moves and their fields."""
from dataclasses import dataclass, field

#: Normalized source types: what a source plugin says its fields hold.
SOURCE_TYPES = (
    "string", "text", "integer", "money", "decimal", "percent", "option", "options", "date",
    "time", "datetime", "boolean", "cpf", "cnpj", "address", "image", "attachment", "color",
    "user", "contact", "product", "signature", "formula", "unknown",
)


@dataclass(frozen=True)
class Entity:
    """A collection read from the source API and staged as-is."""

    name: str                 # the staging entity, e.g. "Contacts" (a source's client
                              # may subclass Entity with how to read it)
    lookup: bool = False      # small reference table, read fully on every run
    delta: bool = True        # has an updated-at the API filters on, so deltas can read it alone
    nested_in: str = None     # staged from the payloads of this entity, not read on its own
    nested_path: str = None   # where the rows are in a payload of ``nested_in``
    nested_key: str = None    # column of a nested row naming its parent's key


@dataclass(frozen=True)
class SourceField:
    """A field of a source object and its default destination in Odoo."""

    path: str                 # where the value is in a payload ("A.B"; custom paths: the source's)
    label: str                # English label
    label_pt: str             # label as the source shows it (pt_BR)
    type: str                 # source type, one of SOURCE_TYPES
    target: str = None        # Odoo field (existing or new x_ field); None: not migrated
    converter: str = "direct"
    params: dict = field(default_factory=dict)
    new_field: tuple = None   # (ttype, label[, label_pt]) when target is an x_ field to create;
                              # without label_pt, the field's own when label is its label
    aux_fields: tuple = ()    # ((name, ttype, label[, label_pt]), ...) x_ fields the converter
                              # also fills
    required: bool = False    # the record cannot be created without it
    note: str = ""            # why this choice (shown in the map, listed in the README)


@dataclass(frozen=True)
class SourceObject:
    """A kind of source record and the Odoo model it becomes."""

    key: str                  # "companies"
    entity: str               # staging entity the records come from
    label: str
    label_pt: str
    model: str                # target Odoo model
    sequence: int             # load order (dependency order)
    fields: tuple = ()
    where: dict = None        # payload filter: a JSON subset its payloads hold
    defaults: dict = None     # constant values on create and write
    match_on: tuple = ()      # Odoo fields that identify an existing record to reuse
    loader: str = "crm.migration.loader"
    requires: tuple = ()      # Odoo modules needed; the phase is skipped without them
    needs: tuple = ()         # reference tables (entities) its converters read
    identity: str = None      # identity-map namespace when two objects share one entity
    optional: tuple = ()      # Odoo fields left out (and flagged) when Odoo refuses the record
    creates: bool = True      # False: only updates records another object created
    custom_scope: object = None  # which custom-field definitions apply (the source's own value)
    loader_fills: tuple = ()  # Odoo fields its loader fills itself (not from the map)
    option: str = None        # boolean option of the map that turns the object on
    required: bool = False    # a migration without it is pointless: an entity it reads that the
                              # source refuses stops the run instead of leaving it out

    @property
    def identity_entity(self):
        return self.identity or self.entity

    def label_in(self, lang):
        """The object's name in ``lang`` (an Odoo language code): Portuguese or English."""
        return self.label_pt if (lang or "").startswith("pt") else self.label

    def accepts(self, payload):
        """Whether a staged payload belongs to this object."""
        return all(payload.get(key) == value for key, value in (self.where or {}).items())


@dataclass(frozen=True)
class SourceSchema:
    """Everything the migration knows of one kind of source."""

    kind: str
    label: str
    entities: tuple
    objects: tuple
    prefix: str               # technical prefix of the x_ fields it creates
    metadata: tuple = ()      # entities always read: custom-field definitions and their types

    def entity(self, name):
        return next(entity for entity in self.entities if entity.name == name)

    def object(self, key):
        return next(obj for obj in self.objects if obj.key == key)

    def entities_of(self, obj):
        """Names of the entities ``obj`` reads: its own (and those it is staged from), its
        reference tables, and the custom-field definitions when it has custom fields."""
        names = {obj.entity, *obj.needs}
        if obj.custom_scope is not None:
            names.update(entity.name for entity in self.metadata)
        for name in tuple(names):
            parent = next((e.nested_in for e in self.entities if e.name == name), None)
            while parent:
                names.add(parent)
                parent = self.entity(parent).nested_in
        return names

    def objects_reading(self, name, objects=None):
        """The objects (of ``objects``, default all) that read the entity ``name``."""
        objects = self.objects if objects is None else objects
        return tuple(obj for obj in objects if name in self.entities_of(obj))
