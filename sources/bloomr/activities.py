# pylint: disable=prefer-env-translation  # pure code without Odoo: _ marks templates Odoo translates when it logs them
"""Bloomr's history: calls (OCA ``crm.phonecall`` when installed, else internal notes with
their duration and outcome), meetings (calendar events with their attendees), e-mails
(threaded e-mail messages), tasks (activities while open, "done" messages once done) and
files (attachments of their record).

E-mails, tasks and files are loaded by the Ploomes history loaders' machinery (authors,
partners of e-mail addresses, activities that become messages, downloads); the converters
of e-mail senders are Ploomes' own."""
from ...mapping.converters import Converters, email_addresses, is_empty
from ...mapping.messages import _
from ...mapping.schema import Entity, SourceField as F, SourceObject
from ..ploomes.activities import convert_email_author

CONVERTERS = Converters()
converter = CONVERTERS.register
converter("email_author")(convert_email_author)

ENTITIES = (Entity("calls"), Entity("meetings"), Entity("emails"), Entity("tasks"),
            Entity("files"))

#: Bloomr call outcomes as OCA crm_phonecall states.
CALL_STATES = {"answered": "done", "connected": "done", "no_answer": "cancel", "busy": "cancel",
               "voicemail": "cancel", "wrong_number": "cancel"}
DIRECTIONS = {"inbound": "in", "outbound": "out"}

PHONECALL_FIELDS = (
    F("started_at", "Date", "Data", "datetime", "date", "datetime", required=True),
    F("duration_seconds", "Duration", "Duração", "integer", "duration", "minutes",
      note="Seconds in the source, minutes in Odoo."),
    F("contact_id", "Contact", "Contato", "reference", "partner_id", "ref", {"entity": "contacts"}),
    F("deal_id", "Deal", "Negócio", "reference", "opportunity_id", "ref", {"entity": "deals"}),
    F("user_id", "User", "Usuário", "user", "user_id", "user"),
    F("direction", "Direction", "Direção", "option", "direction", "mapped",
      {"values": DIRECTIONS}),
    F("disposition", "Outcome", "Resultado", "option", "state", "mapped",
      {"values": CALL_STATES, "default": "done"},
      note="Answered calls are held (done), the others cancelled; the outcome is kept in the "
           "summary."),
    F("notes", "Notes", "Observações", "text", "description", "direct"),
)

NOTE_FIELDS = (
    F("deal_id", "Record", "Registro", "reference", "model", "history_record",
      {"contact_path": "contact_id"}, required=True,
      note="On its deal, else on its contact."),
    F("started_at", "Date", "Data", "datetime", "date", "datetime", required=True),
    F("notes", "Notes", "Observações", "text", "body", "html",
      note="Without crm_phonecall, a call is an internal note with its duration, direction "
           "and outcome."),
    F("user_id", "Author", "Autor", "user", "author_id", "user_partner"),
)

MEETING_FIELDS = (
    F("title", "Title", "Título", "string", "name", "name", {"placeholder": "Bloomr meeting"},
      required=True),
    F("starts_at", "Start", "Início", "datetime", "start", "datetime", required=True),
    F("ends_at", "End", "Fim", "datetime", "stop", "datetime", required=True),
    F("location", "Location", "Local", "string", "location", "text"),
    F("notes", "Notes", "Observações", "text", "description", "html"),
    F("user_id", "Organizer", "Organizador", "user", "user_id", "user"),
    F("attendees", "Attendees", "Participantes", "contact", "partner_ids", "attendees",
      note="Attendees that are migrated contacts or Odoo users attend; other addresses are "
           "listed in the description."),
    F("deal_id", "Deal", "Negócio", "reference", "opportunity_id", "ref", {"entity": "deals"}),
)

RECORD_NOTE = "On its deal, else on its contact; one that belongs to neither is not loaded."


def _record_field(target, fills):
    return F("deal_id", "Deal or contact", "Negócio ou contato", "reference", target,
             "history_record", {"entity": "deals", "contact_path": "contact_id",
                                "fills": list(fills)}, required=True, note=RECORD_NOTE)


def _created_field():
    return F("created_at", "Created on", "Criado em", "datetime", "create_date", "datetime",
             note="The original creation date replaces the migration date.")


EMAIL_FIELDS = (
    _record_field("model", ("res_id",)),
    F("subject", "Subject", "Assunto", "string", "subject", "text",
      note="E-mails of one thread (thread_id) on one record answer the thread's first "
           "e-mail (parent_id); each e-mail has a Message-ID of its own."),
    F("body_html", "Body", "Corpo", "text", "body", "html"),
    F("sent_at", "Sent on", "Enviado em", "datetime", "date", "datetime", required=True),
    F("from", "From", "De", "string", "author_id", "email_author", {"fills": ["email_from"]},
      note="A sender address unknown to Odoo becomes a contact named by the address."),
    F("to", "To and Cc", "Para e Cc", "string", "partner_ids", "email_recipients",
      {"cc_path": "cc"}, note="Recipient addresses unknown to Odoo become contacts named by "
                              "the address."),
    _created_field(),
)

TASK_FIELDS = (
    _record_field("res_model", ("res_id", "res_model_id")),
    F("title", "Title", "Título", "string", "summary", "text",
      note="Open tasks become To-Do activities; done ones the message Odoo posts when an "
           "activity is marked done, dated at the task's last update (Bloomr keeps no "
           "completion date) and written by its assignee."),
    F("notes", "Notes", "Observações", "text", "note", "html"),
    F("due_date", "Due date", "Vencimento", "date", "date_deadline", "plain_date",
      required=True),
    F("assignee_id", "Assignee", "Responsável", "user", "user_id", "user",
      note="Odoo activities need a user: the assignee's, else the fallback owner; without "
           "either the task is held back."),
    _created_field(),
)

FILE_FIELDS = (
    F("name", "File name", "Nome do arquivo", "string", "name", "name",
      {"placeholder": "Bloomr file"}, required=True,
      note="On the contact, company or deal it belongs to; its bytes are downloaded and "
           "their size checked against the size Bloomr gives."),
    F("content_type", "Content type", "Tipo de conteúdo", "string", "mimetype", "direct",
      note="Read from the bytes; the declared type only refines plain text."),
)

OBJECTS = (
    SourceObject("calls", "calls", "Calls", "Ligações", "crm.phonecall", 80,
                 fields=PHONECALL_FIELDS, requires=("crm_phonecall",),
                 defaults={"name": False}, loader="crm.migration.loader.bloomr.call"),
    SourceObject("call_notes", "calls", "Calls as notes", "Ligações como notas", "mail.message",
                 81, fields=NOTE_FIELDS, identity="calls#notes",
                 loader="crm.migration.loader.bloomr.call.note"),
    SourceObject("meetings", "meetings", "Meetings", "Reuniões", "calendar.event", 90,
                 fields=MEETING_FIELDS, loader="crm.migration.loader.bloomr.meeting"),
    # E-mails before calls and meetings: the partners they make for addresses unknown to
    # Odoo are there when meetings look their attendees up by address, on every run alike.
    SourceObject("emails", "emails", "E-mails", "E-mails", "mail.message", 75,
                 fields=EMAIL_FIELDS, defaults={"message_type": "email"},
                 loader="crm.migration.loader.bloomr.email"),
    SourceObject("tasks", "tasks", "Tasks", "Tarefas", "mail.activity", 110,
                 fields=TASK_FIELDS, loader="crm.migration.loader.bloomr.task"),
    SourceObject("files", "files", "Files", "Arquivos", "ir.attachment", 120,
                 fields=FILE_FIELDS, loader="crm.migration.loader.bloomr.file"),
)

#: The entity of a file's ``owner_object``.
FILE_OWNERS = {"contact": "contacts", "company": "companies", "deal": "deals"}


def minutes(seconds):
    """Seconds as minutes (Odoo's call duration)."""
    return round(float(seconds) / 60, 2)


@converter("minutes")
def convert_minutes(value, line, record, ctx):
    if is_empty(value):
        return {line.target: 0.0}
    return {line.target: minutes(value)}


@converter("mapped")
def convert_mapped(value, line, record, ctx):
    """A source option through ``params["values"]`` (``params["default"]`` otherwise)."""
    chosen = line.params["values"].get(str(value or "").strip().lower())
    if chosen is None and not is_empty(value) and "default" not in line.params:
        ctx.problem("unknown_option", _("%(field)s: option %(value)r has no Odoo value."),
                    field=line.source, value=value)
    return {line.target: chosen or line.params.get("default") or False}


@converter("history_record")
def convert_history_record(value, line, record, ctx):
    """The record a history item goes on: its deal, else its contact (its model in
    ``line.target``, its id in ``res_id``)."""
    for key, entity, model in ((value, "deals", "crm.lead"),
                               (ctx.value_at(record, line.params["contact_path"]), "contacts",
                                "res.partner")):
        res_id = None if is_empty(key) else ctx.resolve(entity, key)
        if res_id:
            return {line.target: model, "res_id": res_id}
    ctx.problem("no_record", _("Neither its deal nor its contact was migrated: not loaded."),
                "error")
    return {line.target: False, "res_id": False}


@converter("user_partner")
def convert_user_partner(value, line, record, ctx):
    """A source user as the partner of its Odoo user."""
    user_id = None if is_empty(value) else ctx.user(value)
    return {line.target: ctx.user_partner(user_id) if user_id else False}


@converter("attendees")
def convert_attendees(value, line, record, ctx):
    """Attendees that are migrated contacts (or Odoo users, by e-mail) as event partners."""
    ids = set()
    for attendee in value or ():
        res_id = ctx.resolve("contacts", attendee.get("contact_id")) if attendee.get(
            "contact_id") else ctx.partner_by_email(attendee.get("email"))
        if res_id:
            ids.add(res_id)
    return {line.target: [(6, 0, sorted(ids))]}


def address_list(value):
    """The addresses of a list of them (the API's) or of one header (a CSV cell)."""
    return [address for _name, address in email_addresses(value)]


def file_owner(payload):
    """(entity, source id) of the record a file belongs to, or (None, None)."""
    entity = FILE_OWNERS.get(str(payload.get("owner_object") or "").strip().lower())
    key = payload.get("owner_id")
    return (entity, key) if entity and not is_empty(key) else (None, None)


