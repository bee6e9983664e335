"""An in-memory destination for the converters' tests: what Odoo answers, held in dicts."""
from crm_migration.mapping.converters import ConversionContext
from crm_migration.mapping.transform import ProblemCollector


class MemoryContext(ProblemCollector, ConversionContext):
    """Identities, staged rows, lookups, users, countries and states held in dicts."""

    users = {7: 70}

    def __init__(self, identities=None, staged=None, lookups=None, spec=None):
        self.spec = spec or self.spec
        self.identities = identities or {}
        self.staged = staged or {}
        self.lookups = lookups or {}
        self.start_record()

    def resolve(self, entity, key):
        return self.identities.get((entity, str(key)))

    def exists_in_source(self, entity, key):
        return (entity, str(key)) in self.staged

    def lookup(self, entity, key):
        return self.lookups.get((entity, str(key))) or self.staged.get((entity, str(key)))

    def user(self, source_user_id):
        return self.users.get(source_user_id)

    def state_id(self, country_code, state_code):
        return {("BR", "SP"): 35}.get((country_code, state_code))

    def country_id(self, country_code):
        return {"BR": 31}.get(country_code)

    def identification_type_id(self, code):
        return {"cnpj": 1, "cpf": 2}[code]
