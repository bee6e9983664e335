"""The Ploomes schema: entities read from the API and the default map to Odoo 18."""
from .schema import Entity, SourceField as F, SourceObject, SourceSchema

CONTACTS_EXPAND = "Phones,OtherProperties,Tags"

ENTITIES = (
    Entity("Users", expand="OtherProperties"),
    Entity("Tags", lookup=True, delta=False),
    Entity("Roles", lookup=True),
    Entity("PhoneTypes", lookup=True, delta=False),
    Entity("Cities", lookup=True),
    Entity("Cities@Countries", lookup=True, delta=False),
    Entity("Cities@Countries@States", lookup=True, delta=False),
    Entity("Contacts", expand=CONTACTS_EXPAND),
)

ADDRESS_FIELDS = (
    F("StreetAddress", "Street", "Logradouro", "string", "street", "street",
      note="Street, number and complement are joined in Odoo's street line."),
    F("Neighborhood", "Neighbourhood", "Bairro", "string", "street2", "text"),
    F("ZipCode", "ZIP code", "CEP", "zip", "zip", "cep",
      note="Ploomes stores the CEP as a number; leading zeros are restored."),
    F("CityId", "City", "Cidade", "reference", "city", "lookup_name", {"entity": "Cities"}),
    F("StateId", "State", "Estado", "reference", "state_id", "state"),
    F("CountryId", "Country", "País", "reference", "country_id", "country"),
)

PARTNER_FIELDS = (
    F("Id", "Ploomes ID", "ID Ploomes", "id", "x_ploomes_id", "source_id",
      new_field=("char", "Ploomes ID")),
    F("Name", "Name", "Nome", "string", "name", "name",
      {"fallback_paths": ["LegalName", "Email"], "placeholder": "Ploomes contact"}, required=True,
      note="A contact without a name is named after its legal name or e-mail, else "
           "'Ploomes contact <id>', and flagged."),
    F("Email", "E-mail", "E-mail", "email", "email", "email"),
    F("Phones", "Phones", "Telefones", "phones", "phone", "phones",
      {"mobile_target": "mobile", "extra_target": "x_ploomes_other_phones"},
      aux_fields=(("x_ploomes_other_phones", "char", "Other phones"),),
      note="Odoo has one phone and one mobile: further numbers go to 'Other phones'."),
    F("OwnerId", "Owner", "Responsável", "user", "user_id", "user"),
    F("Tags", "Tags", "Marcadores", "tags", "category_id", "tags", {"entity": "Tags"}),
    F("Note", "Notes", "Observações", "text", "comment", "html"),
)

COMPANY_FIELDS = PARTNER_FIELDS + ADDRESS_FIELDS + (
    F("Register", "CNPJ/CPF", "CNPJ/CPF", "register", "vat", "cnpj_cpf"),
    F("LegalName", "Legal name", "Razão social", "string", "x_ploomes_legal_name", "text",
      new_field=("char", "Legal name")),
    F("Website", "Website", "Site", "url", "website", "direct"),
)

PERSON_FIELDS = PARTNER_FIELDS + ADDRESS_FIELDS + (
    F("CompanyId", "Company", "Empresa", "reference", "parent_id", "parent_partner",
      {"entity": "Contacts"},
      note="A company id that does not exist leaves the person standalone, flagged. "
           "A person with an address of their own becomes an 'Other address' contact "
           "of the company, since Odoo gives plain contacts the company's address."),
    F("Register", "CPF", "CPF", "register", "vat", "cnpj_cpf",
      {"child_target": "x_ploomes_cpf", "parent_path": "CompanyId"},
      aux_fields=(("x_ploomes_cpf", "char", "CPF"),),
      note="Odoo copies the company's Tax ID onto its contacts: the CPF of a person "
           "with a company goes to the 'CPF' field."),
    F("RoleId", "Job title", "Cargo", "reference", "function", "lookup_name", {"entity": "Roles"}),
)

OBJECTS = (
    SourceObject(
        "users", "Users", "Users", "Usuários", "res.users", 10,
        loader="crm.migration.loader.users",
    ),
    SourceObject(
        "contact_tags", "Tags", "Contact tags", "Marcadores de clientes",
        "res.partner.category", 20, where={"EntityId": 1}, match_on=("name",),
        fields=(
            F("Name", "Name", "Nome", "string", "name", "text", required=True),
            F("Color", "Colour", "Cor", "string", "color", "color"),
        ),
    ),
    SourceObject(
        "companies", "Contacts", "Companies", "Empresas", "res.partner", 30,
        where={"TypeId": 1}, defaults={"is_company": True}, fields=COMPANY_FIELDS,
        loader="crm.migration.loader.partner",
        needs=("Roles", "PhoneTypes", "Cities", "Cities@Countries", "Cities@Countries@States"),
    ),
    SourceObject(
        "people", "Contacts", "People", "Pessoas", "res.partner", 40,
        where={"TypeId": 2}, defaults={"is_company": False},
        fields=PERSON_FIELDS, loader="crm.migration.loader.partner",
        needs=("Roles", "PhoneTypes", "Cities", "Cities@Countries", "Cities@Countries@States"),
    ),
)

SCHEMA = SourceSchema("ploomes", "Ploomes", ENTITIES, OBJECTS, prefix="x_ploomes_")
