# pylint: disable=prefer-env-translation  # pure code without Odoo: _ marks templates Odoo translates when it logs them
"""Bloomr's CRM objects (users, tags, pipelines, stages, companies, contacts, deals) and
where each lands in Odoo 18.

Bloomr publishes no API documentation: the field paths below are those of its API as
profiled (``sources/bloomr/profiler.py``; the invented sandbox serves the same shape).
Fields an account has beyond these are its custom fields (``custom_fields.<key>``),
proposed field by field like any other source's.
"""
from datetime import date

from ...mapping.converters import (ConversionError, Converters, convert_date, convert_name,
                                   convert_ref, is_empty)
from ...mapping.lexicon import fold
from ...mapping.messages import _
from ...mapping.schema import Entity, SourceField as F, SourceObject

CONVERTERS = Converters()
converter = CONVERTERS.register

ENTITIES = (
    Entity("users"),
    Entity("tags", lookup=True),
    Entity("pipelines", lookup=True),
    Entity("stages", lookup=True),
    Entity("companies"),
    Entity("contacts"),
    Entity("deals"),
)
METADATA = (Entity("custom_fields", lookup=True, delta=False),)

#: Words of a Bloomr role -> the Odoo sales rights proposed for it (else own documents).
ROLE_ACCESS = ((("admin", "owner", "dono"), "admin"),
               (("manager", "gerente", "gestor", "leader", "supervis"), "all"))


def sales_access(user):
    """The Odoo sales rights proposed for a Bloomr user's role, for the admin to confirm."""
    role = fold(user.get("role") or "")
    if not role:
        return None
    return next((access for words, access in ROLE_ACCESS if any(w in role for w in words)), "own")

ADDRESS = (
    F("address.street", "Street", "Logradouro", "string", "street", "street",
      {"number_path": "address.number", "complement_path": "address.complement"},
      note="Street, number and complement are joined in Odoo's street line."),
    F("address.district", "Neighbourhood", "Bairro", "string", "street2", "text"),
    F("address.zip", "ZIP code", "CEP", "zip", "zip", "cep"),
    F("address.city", "City", "Cidade", "string", "city", "text"),
    F("address.state", "State", "Estado", "string", "state_id", "state_code",
      {"country_path": "address.country"}),
    F("address.country", "Country", "País", "string", "country_id", "country_name"),
)

COMPANY_FIELDS = (
    F("id", "Bloomr ID", "ID Bloomr", "id", "x_bloomr_id", "source_id",
      new_field=("char", "Bloomr ID"), note="Kept for dedupe and audit."),
    F("name", "Name", "Nome", "string", "name", "name", {"placeholder": "Bloomr company"},
      required=True),
    F("domain", "Domain", "Domínio", "url", "website", "website",
      note="A bare domain becomes an https address."),
    F("cnpj", "CNPJ", "CNPJ", "cnpj", "vat", "cnpj_cpf"),
    F("phone", "Phone", "Telefone", "phone", "phone", "phone_number"),
    F("industry", "Industry", "Setor", "string", "industry_id", "named_record",
      {"model": "res.partner.industry", "create": True},
      note="Odoo's industries are a short list: an unknown one is created by name."),
    F("employees", "Employees", "Funcionários", "string", "x_bloomr_employees", "text",
      new_field=("char", "Employees"),
      note="Odoo has no company size: the band is kept as text."),
    F("parent_id", "Parent company", "Empresa controladora", "reference", "parent_id",
      "parent_company", {"entity": "companies"},
      note="A subsidiary is an 'other address' of its parent company in Odoo, so that it "
           "keeps its own address (a contact would take the parent's)."),
    F("owner_id", "Owner", "Responsável", "user", "user_id", "user"),
    F("tag_ids", "Tags", "Marcadores", "tags", "category_id", "tag_names",
      {"entity": "tags", "model": "res.partner.category"}),
) + ADDRESS

CONTACT_FIELDS = (
    F("id", "Bloomr ID", "ID Bloomr", "id", "x_bloomr_id", "source_id",
      new_field=("char", "Bloomr ID"), note="Kept for dedupe and audit."),
    F("first_name", "Name", "Nome", "string", "name", "full_name",
      {"last_path": "last_name", "fallback_paths": ["email"], "placeholder": "Bloomr contact"},
      required=True, note="First and last name are joined; without either, the e-mail."),
    F("email", "E-mail", "E-mail", "email", "email", "email"),
    F("phone", "Phone", "Telefone", "phone", "phone", "phone_number"),
    F("mobile", "Mobile", "Celular", "phone", "mobile", "phone_number"),
    F("job_title", "Job title", "Cargo", "string", "function", "text"),
    F("cpf", "CPF", "CPF", "cpf", "x_bloomr_cpf", "cnpj_cpf", new_field=("char", "CPF"),
      note="A person's CPF is kept apart: under a company, Odoo's Tax ID is the company's."),
    F("company_id", "Company", "Empresa", "reference", "parent_id", "ref", {"entity": "companies"}),
    F("owner_id", "Owner", "Responsável", "user", "user_id", "user"),
    F("tag_ids", "Tags", "Marcadores", "tags", "category_id", "tag_names",
      {"entity": "tags", "model": "res.partner.category"}),
) + ADDRESS

TAG_FIELDS = (F("name", "Name", "Nome", "string", "name", "text", required=True),
              F("color", "Colour", "Cor", "color", "color", "color"))

OBJECTS = (
    SourceObject("users", "users", "Users", "Usuários", "res.users", 10,
                 loader="crm.migration.loader.users"),
    SourceObject("tags", "tags", "Tags", "Marcadores", "res.partner.category", 20,
                 match_on=("name",), fields=TAG_FIELDS),
    # One shared taxonomy (map option): every tag is a CRM tag too, not only those of deals.
    SourceObject("shared_deal_tags", "tags", "Tags as deal tags",
                 "Marcadores como marcadores de negócios", "crm.tag", 21, match_on=("name",),
                 identity="tags#deals", option="shared_tags", fields=TAG_FIELDS),
    SourceObject("pipelines", "pipelines", "Pipelines", "Funis", "crm.team", 30,
                 match_on=("name",), defaults={"use_opportunities": True},
                 fields=(F("name", "Name", "Nome", "string", "name", "text", required=True),)),
    SourceObject(
        "stages", "stages", "Stages", "Etapas", "crm.stage", 40, match_on=("name", "team_id"),
        fields=(
            F("name", "Name", "Nome", "string", "name", "text", required=True),
            F("order", "Order", "Ordem", "integer", "sequence", "integer"),
            F("pipeline_id", "Pipeline", "Funil", "reference", "team_id", "ref",
              {"entity": "pipelines"}),
            F("probability", "Probability", "Probabilidade", "percent", "migration_probability",
              "float", note="Odoo 18 stages have no probability: kept on the stage, applied to "
                            "open deals when the map says so."),
            F("is_won", "Won stage", "Etapa de ganho", "boolean", "is_won", "boolean"),
        )),
    SourceObject("companies", "companies", "Companies", "Empresas", "res.partner", 50,
                 defaults={"is_company": True}, fields=COMPANY_FIELDS,
                 loader="crm.migration.loader.partner", custom_scope="company", required=True,
                 optional=("vat",)),
    SourceObject("contacts", "contacts", "Contacts", "Contatos", "res.partner", 60,
                 defaults={"is_company": False, "type": "contact"}, fields=CONTACT_FIELDS,
                 loader="crm.migration.loader.partner", custom_scope="contact", required=True,
                 optional=("vat",)),
    SourceObject(
        "deals", "deals", "Deals", "Negócios", "crm.lead", 70, defaults={"type": "opportunity"},
        loader="crm.migration.loader.lead", custom_scope="deal", required=True,
        fields=(
            F("id", "Bloomr deal ID", "ID do negócio Bloomr", "id", "x_bloomr_deal_id",
              "source_id", new_field=("char", "Bloomr deal ID")),
            F("title", "Title", "Título", "string", "name", "name",
              {"placeholder": "Bloomr deal"}, required=True),
            F("amount", "Value", "Valor", "money", "expected_revenue", "money",
              note="Odoo 18's expected revenue (planned_revenue in older versions), in the "
                   "company's currency: a deal's own currency is not converted."),
            F("stage_id", "Stage", "Etapa", "reference", "stage_id", "ref", {"entity": "stages"}),
            F("pipeline_id", "Pipeline", "Funil", "reference", "team_id", "ref",
              {"entity": "pipelines"}),
            F("status", "Status", "Situação", "option", "active", "deal_active",
              note="A lost deal is archived, as Odoo marks lost opportunities."),
            F("probability", "Probability", "Probabilidade", "percent", "probability", "float"),
            F("close_date", "Expected closing", "Previsão de fechamento", "date",
              "date_deadline", "plain_date"),
            F("contact_id", "Contact", "Contato", "reference", "partner_id", "deal_partner",
              {"entity": "contacts", "company_path": "company_id", "company_entity": "companies"},
              note="Odoo's opportunity has one customer: the contact, else the company."),
            F("owner_id", "Owner", "Responsável", "user", "user_id", "user"),
            F("lost_reason", "Loss reason", "Motivo de perda", "string", "lost_reason_id",
              "named_record", {"model": "crm.lost.reason", "create": True}),
            F("tag_ids", "Tags", "Marcadores", "tags", "tag_ids", "tag_names",
              {"entity": "tags", "model": "crm.tag"}),
        )),
)


@converter("full_name")
def convert_full_name(value, line, record, ctx):
    """First and last name joined; without either, the engine's ``name`` (its fallback paths,
    else a placeholder)."""
    parts = [str(part).strip() for part in (value, ctx.value_at(record, line.params["last_path"]))
             if not is_empty(part)]
    return convert_name(" ".join(parts) or None, line, record, ctx)


@converter("website")
def convert_website(value, line, record, ctx):
    """A web address; a bare domain gets ``https://``."""
    if is_empty(value):
        return {line.target: False}
    text = str(value).strip()
    return {line.target: text if "://" in text else f"https://{text}"}


@converter("parent_company")
def convert_parent_company(value, line, record, ctx):
    """The parent company of a subsidiary, which stays an address of its own."""
    values = convert_ref(value, line, record, ctx)
    if values[line.target]:
        values["type"] = "other"
    return values


@converter("phone_number")
def convert_phone_number(value, line, record, ctx):
    """One phone number, formatted; one that cannot be formatted is kept as typed and flagged."""
    if is_empty(value):
        return {line.target: False}
    typed = str(value).strip()
    formatted = ctx.phone_format(typed, ctx.country_code)
    if not formatted:
        ctx.problem("invalid_phone", _("Invalid phone %(value)r kept as typed."), value=typed)
        return {line.target: typed}
    return {line.target: formatted}


@converter("state_code")
def convert_state_code(value, line, record, ctx):
    """A state code (``SP``) of the record's country (Brazil when none is given)."""
    if is_empty(value):
        return {line.target: False}
    country = ctx.value_at(record, line.params.get("country_path", "")) or ""
    code = "BR" if is_empty(country) or str(country).strip().lower() in ("brasil", "brazil", "br") \
        else None
    state = ctx.state_id(code, str(value).strip().upper()) if code else None
    if not state:
        ctx.problem("unknown_state", _("State %(value)r is not a state Odoo knows."), value=value)
    return {line.target: state or False}


@converter("country_name")
def convert_country_name(value, line, record, ctx):
    """A country written out (``Brasil``) or as its ISO code."""
    if is_empty(value):
        return {line.target: False}
    text = str(value).strip()
    code = "BR" if text.lower() in ("brasil", "brazil") else text.upper() if len(text) == 2 else None
    country = ctx.country_id(code) if code else None
    if not country:
        ctx.problem("unknown_country", _("Country %(value)r is not a country Odoo knows."),
                    value=value)
    return {line.target: country or False}


@converter("named_record")
def convert_named_record(value, line, record, ctx):
    """A name into the ``params["model"]`` record of that name (created if asked)."""
    if is_empty(value):
        return {line.target: False}
    return {line.target: ctx.record_by_name(line.params["model"], " ".join(str(value).split()),
                                            create=line.params.get("create", False)) or False}


@converter("tag_names")
def convert_tag_names(value, line, record, ctx):
    """Tag ids into Odoo tags of the same names (created when missing)."""
    ids = []
    for tag_id in value or ():
        row = ctx.lookup(line.params["entity"], tag_id)
        if not row or is_empty(row.get("name")):
            ctx.problem("dangling_reference", _("%(field)s %(value)s does not exist in the source."),
                        "error", field=line.source, value=tag_id)
            continue
        ids.append(ctx.record_by_name(line.params["model"], " ".join(row["name"].split()),
                                      create=True))
    return {line.target: [(6, 0, sorted({res_id for res_id in ids if res_id}))]}


@converter("deal_active")
def convert_deal_active(value, line, record, ctx):
    """Open and won deals stay active; lost ones are archived."""
    return {line.target: str(value or "").strip().lower() != "lost"}


@converter("plain_date")
def convert_plain_date(value, line, record, ctx):
    """A calendar date (``2025-09-21``) or a date-time with offset (its local day)."""
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return {line.target: date.fromisoformat(value.strip()).isoformat()}
        except ValueError:
            raise ConversionError("not_a_date", _("%(value)r is not a date."), value=value) from None
    return convert_date(value, line, record, ctx)


@converter("deal_partner")
def convert_deal_partner(value, line, record, ctx):
    """The deal's contact, else its company."""
    for key, entity in ((value, line.params["entity"]),
                        (ctx.value_at(record, line.params["company_path"]),
                         line.params["company_entity"])):
        if is_empty(key):
            continue
        res_id = ctx.resolve(entity, key)
        if res_id:
            return {line.target: res_id}
        ctx.problem("dangling_reference", _("%(field)s %(value)s does not exist in the source."),
                    "error" if not ctx.exists_in_source(entity, key) else "warning",
                    field=line.source, value=key)
    return {line.target: False}

