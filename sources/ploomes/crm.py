# pylint: disable=prefer-env-translation  # pure code without Odoo: _ marks templates Odoo translates when it logs them
"""Ploomes CRM core: users, tags, companies, people, pipelines and deals."""
from ...mapping.converters import Converters, convert_ref, is_empty, value_at
from ...mapping.messages import _
from .schema import Entity, SourceField as F, SourceObject

CONVERTERS = Converters()
converter = CONVERTERS.register

DEAL_OPEN, DEAL_WON, DEAL_LOST = 1, 2, 3

CONTACTS_EXPAND = "Phones,OtherProperties,Tags"

ENTITIES = (
    Entity("Users", expand="OtherProperties"),
    Entity("Tags", lookup=True, delta=False),
    Entity("Roles", lookup=True),
    Entity("PhoneTypes", lookup=True, delta=False),
    Entity("Cities", lookup=True),
    Entity("Cities@Countries", lookup=True, delta=False),
    Entity("Cities@Countries@States", lookup=True, delta=False),
    Entity("Contacts@Status", lookup=True, delta=False),
    Entity("Contacts@Classes", lookup=True, delta=False),
    Entity("Contacts@Relationships", lookup=True, delta=False),
    Entity("Contacts@LinesOfBusiness", lookup=True, delta=False),
    Entity("Contacts@NumbersOfEmployees", lookup=True),
    Entity("Departments", lookup=True),
    Entity("Contacts", expand=CONTACTS_EXPAND),
    Entity("Currencies", lookup=True, delta=False),
    Entity("Contacts@Origins", lookup=True, delta=False),
    Entity("Deals@Status", lookup=True, delta=False),
    Entity("Deals@Pipelines", lookup=True),
    Entity("Deals@Stages", lookup=True, delta=False),
    Entity("Deals@LossReasons", lookup=True),
    Entity("Deals", expand="OtherProperties,Tags"),
    Entity("Deals/GetDeletedDeals", counted=False),
    Entity("Fields@Entities", lookup=True, delta=False),
    Entity("Automations@Triggers", lookup=True, delta=False),
    Entity("Automations@Actions@Actions", lookup=True, delta=False),
    Entity("Automations", expand="Actions"),
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
      aux_fields=(("x_ploomes_other_phones", "char", "Other phones", "Outros telefones"),),
      note="Odoo has one phone and one mobile: further numbers go to 'Other phones'."),
    F("OwnerId", "Owner", "Responsável", "user", "user_id", "user"),
    F("Tags", "Tags", "Marcadores", "tags", "category_id", "tags", {"entity": "Tags"}),
    F("Note", "Notes", "Observações", "text", "comment", "html"),
    F("StatusId", "Status", "Situação", "reference", "x_ploomes_status", "lookup_name",
      {"entity": "Contacts@Status"}, new_field=("char", "Ploomes status", "Situação (Ploomes)")),
    F("OriginId", "Origin", "Origem", "reference", "x_ploomes_origin", "lookup_name",
      {"entity": "Contacts@Origins"}, new_field=("char", "Origin")),
    F("RelationshipId", "Relationship", "Relacionamento", "reference", "x_ploomes_relationship",
      "lookup_name", {"entity": "Contacts@Relationships"}, new_field=("char", "Relationship")),
    F("ClassId", "Rating", "Classificação", "reference", "x_ploomes_class", "lookup_name",
      {"entity": "Contacts@Classes"}, new_field=("char", "Rating")),
    F("Skype", "Skype", "Skype", "string", "x_ploomes_skype", "text", new_field=("char", "Skype")),
    F("Facebook", "Facebook", "Facebook", "url", "x_ploomes_facebook", "text",
      new_field=("char", "Facebook")),
    F("EmailMarketing", "Accepts e-mail marketing", "Aceita e-mail marketing", "boolean",
      "x_ploomes_email_marketing", "boolean", new_field=("boolean", "Accepts e-mail marketing")),
    F("Latitude", "Latitude", "Latitude", "decimal", "partner_latitude", "float"),
    F("Longitude", "Longitude", "Longitude", "decimal", "partner_longitude", "float"),
    F("CreateDate", "Created on", "Criado em", "datetime", "create_date", "datetime",
      note="The original creation date replaces the migration date."),
)

COMPANY_FIELDS = PARTNER_FIELDS + ADDRESS_FIELDS + (
    F("Register", "CNPJ/CPF", "CNPJ/CPF", "register", "vat", "cnpj_cpf"),
    F("LegalName", "Legal name", "Razão social", "string", "x_ploomes_legal_name", "text",
      new_field=("char", "Legal name")),
    F("Website", "Website", "Site", "url", "website", "direct"),
    F("LineOfBusinessId", "Industry", "Segmento", "reference", "industry_id", "record_by_name",
      {"entity": "Contacts@LinesOfBusiness", "model": "res.partner.industry", "create": True}),
    F("NumberOfEmployeesId", "Employees", "Número de funcionários", "reference",
      "x_ploomes_employees", "lookup_name", {"entity": "Contacts@NumbersOfEmployees"},
      new_field=("char", "Employees")),
    F("CNAECode", "CNAE code", "Código CNAE", "string", "x_ploomes_cnae", "text",
      new_field=("char", "CNAE")),
    F("CNAEName", "CNAE activity", "Atividade CNAE", "string", "x_ploomes_cnae_name", "text",
      new_field=("char", "CNAE activity")),
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
    F("DepartmentId", "Department", "Departamento", "reference", "x_ploomes_department",
      "lookup_name", {"entity": "Departments"}, new_field=("char", "Department")),
    F("Birthday", "Birthday", "Aniversário", "date", "x_ploomes_birthday", "date",
      new_field=("date", "Birthday")),
    F("IdentityDocument", "Identity document (RG)", "RG", "string", "x_ploomes_rg", "text",
      new_field=("char", "Identity document (RG)")),
)

TAG_FIELDS = (
    F("Name", "Name", "Nome", "string", "name", "text", required=True),
    F("Color", "Colour", "Cor", "string", "color", "color"),
)

CONTACT_LOOKUPS = ("PhoneTypes", "Cities", "Cities@Countries", "Cities@Countries@States",
                   "Contacts@Status", "Contacts@Origins", "Contacts@Relationships", "Contacts@Classes")

# Odoo validates a Tax ID against the partner's country (base_vat): a CNPJ on a
# company with a foreign address is refused; the partner then loads without it.
PARTNER_OPTIONAL = ("vat", "l10n_latam_identification_type_id")

OBJECTS = (
    SourceObject(
        "users", "Users", "Users", "Usuários", "res.users", 10,
        loader="crm.migration.loader.users",
    ),
    SourceObject(
        "contact_tags", "Tags", "Contact tags", "Marcadores de clientes",
        "res.partner.category", 20, where={"EntityId": 1}, match_on=("name",),
        fields=TAG_FIELDS,
    ),
    SourceObject(
        "companies", "Contacts", "Companies", "Empresas", "res.partner", 30,
        where={"TypeId": 1}, defaults={"is_company": True}, fields=COMPANY_FIELDS,
        loader="crm.migration.loader.partner", optional=PARTNER_OPTIONAL, custom_scope=1,
        needs=CONTACT_LOOKUPS + ("Contacts@LinesOfBusiness", "Contacts@NumbersOfEmployees"),
        required=True,
    ),
    SourceObject(
        "people", "Contacts", "People", "Pessoas", "res.partner", 40,
        where={"TypeId": 2}, defaults={"is_company": False},
        fields=PERSON_FIELDS, loader="crm.migration.loader.partner", optional=PARTNER_OPTIONAL,
        custom_scope=1, needs=CONTACT_LOOKUPS + ("Roles", "Departments"), required=True,
    ),
)


# -- deals ------------------------------------------------------------------------------

@converter("won_stage")
def convert_won_stage(value, line, record, ctx):
    """The won stage of a pipeline: Odoo needs one, Ploomes marks won deals by status."""
    status = ctx.lookup("Deals@Status", DEAL_WON) or {}
    return {
        "name": status.get("Name") or "Won",
        "is_won": True,
        "sequence": 1000,
        line.target: ctx.resolve(line.params.get("entity", "Deals@Pipelines"), value) or False,
    }


@converter("deal_stage")
def convert_deal_stage(value, line, record, ctx):
    """The stage of a deal; a won deal goes to its pipeline's won stage."""
    if record.get("StatusId") == DEAL_WON:
        won = ctx.resolve("Deals@Pipelines#won", record.get("PipelineId"))
        if won:
            return {line.target: won}
        ctx.problem("no_won_stage", _("The deal is won but its pipeline has no won stage."))
    return convert_ref(value, line, record, ctx)


@converter("deal_status")
def convert_deal_status(value, line, record, ctx):
    """Open, won or lost: lost deals are archived with probability 0, as Odoo does."""
    if value == DEAL_WON:
        return {"active": True, "probability": 100.0}
    if value == DEAL_LOST:
        return {"active": False, "probability": 0.0}
    if value not in (DEAL_OPEN, None):
        ctx.problem("unknown_status", _("Unknown deal status %(value)s: loaded as open."), value=value)
    return {"active": True}


@converter("deal_partner")
def convert_deal_partner(value, line, record, ctx):
    """The deal's customer: its contact person when loaded, else its company."""
    person = value_at(record, line.params.get("person_path", "PersonId"))
    if not is_empty(person):
        person_id = ctx.resolve("Contacts", person)
        if person_id:
            return {line.target: person_id}
    return convert_ref(value, line, record, ctx)


@converter("inverse_boolean")
def convert_inverse_boolean(value, line, record, ctx):
    """``not value``, e.g. Ploomes ``Archived`` into Odoo ``active``."""
    return {line.target: not value}


OBJECTS += (
    SourceObject(
        "deal_tags", "Tags", "Deal tags", "Marcadores de negócios", "crm.tag", 21,
        where={"EntityId": 2}, match_on=("name",),
        fields=TAG_FIELDS,
    ),
    # One shared taxonomy (map option): every tag also exists on the other side.
    SourceObject(
        "shared_contact_tags", "Tags", "Deal tags as contact tags",
        "Marcadores de negócios como marcadores de clientes", "res.partner.category", 22,
        where={"EntityId": 2}, match_on=("name",), identity="Tags#contacts", option="shared_tags",
        fields=TAG_FIELDS,
    ),
    SourceObject(
        "shared_deal_tags", "Tags", "Contact tags as deal tags",
        "Marcadores de clientes como marcadores de negócios", "crm.tag", 23,
        where={"EntityId": 1}, match_on=("name",), identity="Tags#deals", option="shared_tags",
        fields=TAG_FIELDS,
    ),
    SourceObject(
        "pipelines", "Deals@Pipelines", "Pipelines", "Funis", "crm.team", 50,
        match_on=("name",), defaults={"use_opportunities": True},
        fields=(
            F("Name", "Name", "Nome", "string", "name", "text", required=True),
            F("Ordination", "Order", "Ordem", "integer", "sequence", "integer"),
            F("Archived", "Archived", "Arquivado", "boolean", "active", "inverse_boolean"),
            F("Color", "Colour", "Cor", "string", "color", "color"),
        ),
    ),
    SourceObject(
        "won_stages", "Deals@Pipelines", "Won stages", "Etapas de ganho", "crm.stage", 51,
        identity="Deals@Pipelines#won", match_on=("name", "team_id"),
        fields=(
            F("Id", "Won stage", "Etapa de ganho", "id", "team_id", "won_stage",
              {"entity": "Deals@Pipelines", "fills": ["name", "is_won", "sequence"]}, required=True,
              note="Ploomes marks won deals by status; Odoo by a won stage, added to each pipeline."),
        ),
    ),
    SourceObject(
        "stages", "Deals@Stages", "Stages", "Etapas", "crm.stage", 52,
        match_on=("name", "team_id"),
        fields=(
            F("Name", "Name", "Nome", "string", "name", "text", required=True),
            F("Ordination", "Order", "Ordem", "integer", "sequence", "integer"),
            F("PipelineId", "Pipeline", "Funil", "reference", "team_id", "ref",
              {"entity": "Deals@Pipelines"},
              note="Odoo stages belong to one sales team; each pipeline becomes a team."),
        ),
    ),
    SourceObject(
        "loss_reasons", "Deals@LossReasons", "Loss reasons", "Motivos de perda",
        "crm.lost.reason", 53, match_on=("name",),
        fields=(
            F("Name", "Name", "Nome", "string", "name", "text", required=True,
              note="Odoo lost reasons are shared by every team; equal names are merged."),
        ),
    ),
    SourceObject(
        "deals", "Deals", "Deals", "Negócios", "crm.lead", 80,
        defaults={"type": "opportunity"}, loader="crm.migration.loader.lead", custom_scope=2,
        needs=("Currencies", "Contacts@Origins", "Deals@Status"), required=True,
        fields=(
            F("Id", "Ploomes ID", "ID Ploomes", "id", "x_ploomes_id", "source_id",
              new_field=("char", "Ploomes ID")),
            F("Title", "Title", "Título", "string", "name", "name",
              {"placeholder": "Ploomes deal"}, required=True),
            F("Amount", "Amount", "Valor", "money", "expected_revenue", "money",
              note="Odoo keeps opportunity amounts in the company currency: an amount in "
                   "another currency is kept as is and flagged."),
            F("PipelineId", "Pipeline", "Funil", "reference", "team_id", "ref",
              {"entity": "Deals@Pipelines"}),
            F("StageId", "Stage", "Etapa", "reference", "stage_id", "deal_stage",
              {"entity": "Deals@Stages"}),
            F("StatusId", "Status", "Situação", "option", "active", "deal_status",
              {"fills": ["probability"]},
              note="Won: the pipeline's won stage and 100 %. Lost: archived with 0 % and "
                   "its loss reason, as Odoo's 'Mark as lost' does."),
            F("LossReasonId", "Loss reason", "Motivo de perda", "reference", "lost_reason_id", "ref",
              {"entity": "Deals@LossReasons"}),
            F("OwnerId", "Owner", "Responsável", "user", "user_id", "user"),
            F("ContactId", "Customer", "Cliente", "reference", "partner_id", "deal_partner",
              {"entity": "Contacts", "person_path": "PersonId"},
              note="The contact person when there is one (Odoo shows their company), "
                   "else the company."),
            F("CreateDate", "Created on", "Criado em", "datetime", "create_date", "datetime",
              note="The original creation date replaces the migration date."),
            F("StartDate", "Start date", "Data de início", "datetime", "date_open", "datetime"),
            F("FinishDate", "Closed on", "Data de conclusão", "datetime", "date_closed", "datetime"),
            F("Tags", "Tags", "Marcadores", "tags", "tag_ids", "tags", {"entity": "Tags"}),
            F("OriginId", "Origin", "Origem", "reference", "source_id", "record_by_name",
              {"entity": "Contacts@Origins", "model": "utm.source", "create": True}),
        ),
    ),
    SourceObject(
        "deleted_deals", "Deals/GetDeletedDeals", "Deleted deals", "Negócios excluídos",
        "crm.lead", 81, loader="crm.migration.loader.deleted", identity="Deals",
    ),
)
OBJECTS += (
    SourceObject(
        "automations", "Automations", "Workflow automations", "Automações",
        "crm.migration.automation", 900, loader="crm.migration.loader.automation",
        loader_fills=("source_id",),
        needs=("Fields@Entities", "Automations@Triggers", "Automations@Actions@Actions"),
        fields=(
            F("Name", "Name", "Nome", "string", "name", "name", {"placeholder": "Automation"},
              required=True),
            F("EntityId", "Record type", "Entidade", "reference", "source_entity", "lookup_name",
              {"entity": "Fields@Entities"}),
            F("TriggerId", "Trigger", "Gatilho", "reference", "trigger", "lookup_name",
              {"entity": "Automations@Triggers"}),
            F("TriggerFilterId", "Filter", "Filtro", "integer", "filter_ref", "source_id"),
            F("Actions", "Actions", "Ações", "text", "actions", "automation_actions"),
            F("Active", "Active", "Ativa", "boolean", "active_in_source", "boolean"),
            F("Id", "Rebuild in Odoo", "Recriar no Odoo", "id", "odoo_model", "automation_plan",
              {"fills": ["trigger_kind", "action_kinds"]},
              note="Automations cannot be migrated: each one is written up with the Odoo "
                   "Automation Rule that rebuilds it."),
        ),
    ),
)

