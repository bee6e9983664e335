"""The CSV export's columns: the Portuguese labels of Bloomr's UI and values as it shows them.

Dates ``dd/mm/aaaa``, instants ``dd/mm/aaaa hh:mm`` (-03:00), money ``1.234,56``, booleans
``Sim``/``Não``, references by name (``Empresa``) next to their id (``ID da empresa``), owners
by e-mail (``Responsável``), lists joined with ``", "``; custom fields under their labels.
"""

from datetime import date, datetime

from sandbox.ploomes.rng import BRT

from .vocab import CUSTOM_FIELDS

STATUS = {"open": "Em andamento", "won": "Ganho", "lost": "Perdido"}
ROLES = {"admin": "Administrador", "manager": "Gerente", "rep": "Vendedor"}
DIRECTIONS = {"outbound": "Realizada", "inbound": "Recebida"}
DISPOSITIONS = {"connected": "Atendida", "no_answer": "Não atendida", "voicemail": "Caixa postal",
                "busy": "Ocupado", "wrong_number": "Número errado"}
OBJECTS = {"contacts": "contact", "companies": "company", "deals": "deal"}


def br_date(value):
    """2025-03-14 -> 14/03/2025."""
    return date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


def br_datetime(value):
    """An ISO instant -> 14/03/2025 10:22 in the account's timezone."""
    return datetime.fromisoformat(value).astimezone(BRT).strftime("%d/%m/%Y %H:%M") if value else ""


def br_money(value):
    """'1234.5' -> '1.234,50'."""
    if value in (None, ""):
        return ""
    return f"{float(value):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def yes_no(value):
    return "" if value is None else "Sim" if value else "Não"


def duration(seconds):
    """331 -> 0:05:31."""
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


CUSTOM_FORMAT = {"date": br_date, "money": br_money, "boolean": yes_no}


class Lookup:
    """Names behind ids, as the UI resolves them (blank for an id nothing has)."""

    def __init__(self, dataset):
        def names(collection, name):
            return {rec["id"]: name(rec) for rec in dataset.rows(collection)}
        self.company = names("companies", lambda r: r["name"])
        self.contact = names("contacts", lambda r: " ".join(filter(None, (r["first_name"], r["last_name"]))))
        self.user = names("users", lambda r: r["email"])
        self.deal = names("deals", lambda r: r["title"])
        self.stage = names("stages", lambda r: r["name"])
        self.pipeline = names("pipelines", lambda r: r["name"])
        self.tag = names("tags", lambda r: r["name"])

    def tags(self, ids):
        return ", ".join(self.tag.get(t, "") for t in ids)


def _field(key):
    return lambda rec, _look: rec.get(key)


def _address(key):
    return lambda rec, _look: (rec.get("address") or {}).get(key)


def _named(key, table):
    return lambda rec, look: getattr(look, table).get(rec.get(key), "")


def _custom(collection):
    columns = []
    for obj, key, label, kind, _options in CUSTOM_FIELDS:
        if obj == OBJECTS[collection]:
            fmt = CUSTOM_FORMAT.get(kind, lambda v: "" if v is None else str(v))
            columns.append((label, lambda rec, _look, key=key, fmt=fmt: fmt(rec["custom_fields"].get(key))))
    return columns


ADDRESS = [("Endereço", _address("street")), ("Número", _address("number")),
           ("Complemento", _address("complement")), ("Bairro", _address("district")),
           ("Cidade", _address("city")), ("Estado", _address("state")), ("CEP", _address("zip")),
           ("País", _address("country"))]
STAMPS = [("Criado em", lambda rec, _look: br_datetime(rec["created_at"])),
          ("Atualizado em", lambda rec, _look: br_datetime(rec["updated_at"]))]
TAGS = [("Tags", lambda rec, look: look.tags(rec["tag_ids"]))]
DEAL_LINKS = [("Negócio", _named("deal_id", "deal")), ("ID do negócio", _field("deal_id"))]
CONTACT_LINKS = [("Contato", _named("contact_id", "contact")), ("ID do contato", _field("contact_id"))]

# file name -> (collection, [(label, value(record, lookup))])
FILES = {
    "contacts.csv": ("contacts", [
        ("ID", _field("id")), ("Nome", _field("first_name")), ("Sobrenome", _field("last_name")),
        ("E-mail", _field("email")), ("Telefone", _field("phone")), ("Celular", _field("mobile")),
        ("Cargo", _field("job_title")), ("CPF", _field("cpf")), ("Empresa", _named("company_id", "company")),
        ("ID da empresa", _field("company_id")), ("Responsável", _named("owner_id", "user")),
        *ADDRESS, *TAGS, *_custom("contacts"), *STAMPS]),
    "companies.csv": ("companies", [
        ("ID", _field("id")), ("Nome", _field("name")), ("Domínio", _field("domain")),
        ("Setor", _field("industry")), ("Funcionários", _field("employees")), ("CNPJ", _field("cnpj")),
        ("Telefone", _field("phone")), *ADDRESS, ("Empresa controladora", _named("parent_id", "company")),
        ("ID da empresa controladora", _field("parent_id")), ("Responsável", _named("owner_id", "user")),
        *TAGS, *_custom("companies"), *STAMPS]),
    "deals.csv": ("deals", [
        ("ID", _field("id")), ("Título", _field("title")), ("Valor", lambda rec, _look: br_money(rec["amount"])),
        ("Moeda", _field("currency")), ("Funil", _named("pipeline_id", "pipeline")),
        ("Etapa", _named("stage_id", "stage")), ("Status", lambda rec, _look: STATUS[rec["status"]]),
        ("Probabilidade (%)", _field("probability")),
        ("Data de fechamento", lambda rec, _look: br_date(rec["close_date"])),
        ("Empresa", _named("company_id", "company")), ("ID da empresa", _field("company_id")),
        *CONTACT_LINKS, ("Responsável", _named("owner_id", "user")), ("Motivo da perda", _field("lost_reason")),
        *TAGS, *_custom("deals"), *STAMPS]),
    "stages.csv": ("stages", [
        ("ID", _field("id")), ("Nome", _field("name")), ("Funil", _field("pipeline")),
        ("ID do funil", _field("pipeline_id")), ("Ordem", _field("order")),
        ("Probabilidade (%)", _field("probability")), ("Etapa de ganho", lambda rec, _look: yes_no(rec["is_won"])),
        ("Etapa de perda", lambda rec, _look: yes_no(rec["is_lost"])), STAMPS[0]]),
    "users.csv": ("users", [
        ("ID", _field("id")), ("Nome", _field("name")), ("E-mail", _field("email")),
        ("Perfil", lambda rec, _look: ROLES[rec["role"]]), ("Ativo", lambda rec, _look: yes_no(rec["active"])),
        STAMPS[0]]),
    "calls.csv": ("calls", [
        ("ID", _field("id")), ("Data", lambda rec, _look: br_datetime(rec["started_at"])),
        ("Duração", lambda rec, _look: duration(rec["duration_seconds"])),
        ("Direção", lambda rec, _look: DIRECTIONS[rec["direction"]]),
        ("Resultado", lambda rec, _look: DISPOSITIONS[rec["disposition"]]), *CONTACT_LINKS, *DEAL_LINKS,
        ("Usuário", _named("user_id", "user")), ("Anotações", _field("notes")), *STAMPS]),
    "meetings.csv": ("meetings", [
        ("ID", _field("id")), ("Título", _field("title")),
        ("Início", lambda rec, _look: br_datetime(rec["starts_at"])),
        ("Fim", lambda rec, _look: br_datetime(rec["ends_at"])), ("Local", _field("location")),
        ("Participantes", lambda rec, _look: "; ".join(
            f"{a['name']} <{a['email']}>" if a["name"] else a["email"] for a in rec["attendees"])),
        *DEAL_LINKS, ("Responsável", _named("user_id", "user")), ("Anotações", _field("notes")), *STAMPS]),
    "emails.csv": ("emails", [
        ("ID", _field("id")), ("Assunto", _field("subject")), ("De", _field("from")),
        ("Para", lambda rec, _look: ", ".join(rec["to"])), ("Cc", lambda rec, _look: ", ".join(rec["cc"])),
        ("Enviado em", lambda rec, _look: br_datetime(rec["sent_at"])), ("Conversa", _field("thread_id")),
        *CONTACT_LINKS, *DEAL_LINKS, ("Usuário", _named("user_id", "user")), ("Corpo", _field("body_html")),
        *STAMPS]),
    "tasks.csv": ("tasks", [
        ("ID", _field("id")), ("Título", _field("title")), ("Vencimento", lambda rec, _look: br_date(rec["due_date"])),
        ("Concluída", lambda rec, _look: yes_no(rec["done"])), ("Responsável", _named("assignee_id", "user")),
        *DEAL_LINKS, *CONTACT_LINKS, ("Descrição", _field("notes")), *STAMPS]),
    "tags.csv": ("tags", [("ID", _field("id")), ("Nome", _field("name")), ("Cor", _field("color")), STAMPS[0]]),
}


def table(dataset, name, look):
    """(header, rows of text values) of one export file."""
    collection, columns = FILES[name]
    rows = [["" if (v := fn(rec, look)) is None else str(v) for _, fn in columns]
            for rec in dataset.rows(collection)]
    return [label for label, _ in columns], rows
