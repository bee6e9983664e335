"""Ploomes history: tasks, interaction records, e-mails and attachments.

A history item belongs to the lead of its deal when that deal was loaded,
else to the partner of its contact; one that belongs nowhere is skipped with
its reason. Ploomes task types (``/Tasks@Types``, shared by tasks and
interaction records) are linked to Odoo's activity types by their names.
The converters here ask the destination what :class:`HistoryContext` adds to
:class:`~.converters.ConversionContext`: authors and the partners of e-mail
addresses.
"""
# pylint: disable=prefer-env-translation  # pure code without Odoo: `_` marks templates Odoo translates when it logs them
import re
from datetime import timedelta, timezone
from html import escape

from ...mapping.converters import (ConversionContext, ConversionError, Converters, convert_html,
                                   email_addresses, html_to_text, is_empty, parse_datetime,
                                   value_at)
from ...mapping.lexicon import fold
from ...mapping.messages import _
from .schema import Entity, SourceField as F, SourceObject

CONVERTERS = Converters()
converter = CONVERTERS.register

#: Odoo's standard activity types (XML ids) by kind.
ACTIVITY_TYPES = {
    "call": "mail.mail_activity_data_call",
    "meeting": "mail.mail_activity_data_meeting",
    "email": "mail.mail_activity_data_email",
    "upload": "mail.mail_activity_data_upload_document",
    "todo": "mail.mail_activity_data_todo",
}
#: Words of type names (unaccented, lower case) by kind; the first kind with a word wins.
KIND_WORDS = (
    ("meeting", ("reuniao", "visita", "meeting", "visit", "encontro", "videoconferencia",
                 "apresentacao", "demonstracao")),
    ("call", ("ligacao", "ligar", "telefonema", "telefone", "chamada", "call", "phone")),
    ("email", ("e mail", "email")),
    ("upload", ("documento", "upload", "anexo", "arquivo", "document")),
    ("todo", ("tarefa", "to do", "todo", "a fazer", "afazer", "pendencia", "task", "follow up")),
)
#: Owner columns of an attachment, most specific first, and the entity each points to.
ATTACHMENT_OWNERS = (
    ("EmailId", "Emails"), ("InteractionRecordId", "InteractionRecords"), ("TaskId", "Tasks"),
    ("OrderId", "Orders"), ("QuoteId", "Quotes"), ("DocumentId", "Documents"),
    ("DealId", "Deals"), ("LeadId", "Leads"), ("ProductId", "Products"), ("ContactId", "Contacts"),
)
#: The entity of an attachment's ``ItemId`` by ``EntityId``, when no owner column is filled.
ENTITY_IDS = {1: "Contacts", 2: "Deals", 3: "Leads", 4: "Orders", 7: "Quotes", 10: "Products",
              12: "Tasks", 36: "InteractionRecords", 66: "Documents"}
#: ``/Emails@Status`` of an e-mail Ploomes failed to send.
EMAIL_NOT_SENT = 3
DEFAULT_MEETING_MINUTES = 60


class HistoryContext(ConversionContext):
    """What the history converters ask of the destination besides the base questions."""

    def author(self, source_user_id):
        """(partner id, ``From`` text) of a source user as the author of a history item.

        The partner of the user's Odoo user; an unmatched user is shown by
        name and e-mail (partner id None, a problem recorded), never given to
        someone else, not even to the fallback owner.
        """
        raise NotImplementedError

    def partner_for_email(self, address):
        """Id of the partner of an e-mail address: a matched user's, an existing
        partner's, else a one-off partner named by the address (several people may
        write from one address); None when invalid."""
        raise NotImplementedError


# -- values ---------------------------------------------------------------------------

def plain_words(text):
    """Lower-case words without accents or punctuation: ``"E-mail"`` -> ``"e mail"``."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def activity_kind(name):
    """Kind of a task type name (``call``, ``meeting``, ``email``, ``upload``, ``todo``) or None."""
    words = f" {plain_words(name)} "
    for kind, keys in KIND_WORDS:
        if any(f" {key} " in words for key in keys):
            return kind
    return None


def utc_string(value):
    """A source date-time with offset as Odoo's naive UTC text."""
    try:
        moment = parse_datetime(value).astimezone(timezone.utc)
    except OverflowError:
        raise ConversionError("not_a_date", _("%(value)r is out of the calendar."),
                              value=value) from None
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def meeting_stop(start, minutes):
    """End (UTC text) of a meeting that starts at ``start`` (UTC text) and lasts ``minutes``."""
    moment = parse_datetime(f"{start}+00:00") + timedelta(minutes=minutes or DEFAULT_MEETING_MINUTES)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def coordinates(latitude, longitude):
    """``"-23.55, -46.63"`` from a check-in's coordinates, or None."""
    if latitude is None or longitude is None:
        return None
    return f"{latitude}, {longitude}"


def headline(html, limit=80):
    """The first sentence of the text of sanitized HTML (:func:`html_to_text`), cut to
    ``limit`` characters."""
    first = re.split(r"(?<=[.!?])\s", html_to_text(html), maxsplit=1)[0]
    return first if len(first) <= limit else first[:limit - 1].rstrip() + "…"


def task_assignees(task):
    """Source user ids of a task's people, in order, once each: its ``OwnerId`` (optional in
    the API) first, then its assignees (``Users[]``)."""
    ids = [task.get("OwnerId")] + [row.get("UserId") for row in task.get("Users") or ()
                                   if isinstance(row, dict)]
    return list(dict.fromkeys(uid for uid in ids if not is_empty(uid)))


def display_address(name, address):
    """``"Name" <address>`` as Odoo shows a sender, or the bare address."""
    name = " ".join((name or "").split()).replace('"', "'")
    return f'"{name}" <{address}>' if name else address


def attachment_owner(payload):
    """(entity, source id) of the record an attachment hangs off, or (None, None)."""
    for column, entity in ATTACHMENT_OWNERS:
        if not is_empty(payload.get(column)):
            return entity, payload[column]
    entity = ENTITY_IDS.get(payload.get("EntityId"))
    if entity and not is_empty(payload.get("ItemId")):
        return entity, payload["ItemId"]
    return None, None


def time_span(record):
    """``"14:00 – 15:00"``: the local time of a timed task, or None."""
    if record.get("NoTime") or is_empty(record.get("DateTime")):
        return None
    start = parse_datetime(record["DateTime"]).strftime("%H:%M")
    if is_empty(record.get("EndTime")):
        return start
    return f"{start} – {parse_datetime(record['EndTime']).strftime('%H:%M')}"


# -- converters ----------------------------------------------------------------------

@converter("history_record")
def convert_history_record(value, line, record, ctx):
    """The record a history item belongs to: its deal's lead, else its contact's partner.

    ``line.target`` gets the model name and ``params["res_id_field"]`` the id;
    ``params["contact_path"]`` is where the contact id is in the payload.
    When neither is loaded both are False and an ``error`` problem says why.
    """
    contact = value_at(record, line.params.get("contact_path", "ContactId"))
    res_field = line.params.get("res_id_field", "res_id")
    lead = None if is_empty(value) else ctx.resolve("Deals", value)
    if lead:
        return {line.target: "crm.lead", res_field: lead}
    partner = None if is_empty(contact) else ctx.resolve("Contacts", contact)
    if partner:
        if not is_empty(value):
            ctx.problem("deal_not_loaded", _("Deal %(deal)s was not loaded: kept on contact %(contact)s."),
                        deal=value, contact=contact)
        return {line.target: "res.partner", res_field: partner}
    reason = {
        (True, True): _("Neither its deal %(deal)s nor its contact %(contact)s was loaded."),
        (True, False): _("Its deal %(deal)s was not loaded."),
        (False, True): _("Its contact %(contact)s was not loaded."),
        (False, False): _("It has no deal and no contact."),
    }[not is_empty(value), not is_empty(contact)]
    ctx.problem("no_record", reason, "error", deal=value, contact=contact)
    return {line.target: False, res_field: False}


@converter("history_date")
def convert_history_date(value, line, record, ctx):
    """When a history item happened (UTC); else its ``params["fallback_path"]`` date, flagged."""
    if not is_empty(value):
        return {line.target: utc_string(value)}
    path = line.params.get("fallback_path", "CreateDate")
    fallback = value_at(record, path)
    if is_empty(fallback):
        raise ConversionError("no_date", _("No date, and no creation date either."))
    ctx.problem("no_date", _("No date: dated at its %(field)s %(value)s."), field=path,
                value=fallback)
    return {line.target: utc_string(fallback)}


@converter("task_deadline")
def convert_task_deadline(value, line, record, ctx):
    """The local due date of a task; a task without one is due on its creation day, flagged."""
    if not is_empty(value):
        return {line.target: parse_datetime(value).date().isoformat()}
    created = value_at(record, line.params.get("fallback_path", "CreateDate"))
    if is_empty(created):
        raise ConversionError("no_date", _("No due date, and no creation date either."))
    ctx.problem("no_date", _("No due date: due on its creation day."))
    return {line.target: parse_datetime(created).date().isoformat()}


@converter("task_note")
def convert_task_note(value, line, record, ctx):
    """A task's description with its local time span and address (an Odoo activity has a
    due date, no time)."""
    parts = [convert_html(value, line, record, ctx)[line.target]] if not is_empty(value) else []
    for extra in (time_span(record), record.get("Address")):
        if not is_empty(extra):
            parts.append(f"<p>{escape(str(extra).strip())}</p>")
    return {line.target: "".join(parts) or False}


@converter("author")
def convert_author(value, line, record, ctx):
    """The author of a history item (a source user) and the ``From`` shown with it."""
    if is_empty(value):
        return {line.target: False, "email_from": False}
    partner_id, email_from = ctx.author(value)
    return {line.target: partner_id or False, "email_from": email_from or False}


@converter("email_author")
def convert_email_author(value, line, record, ctx):
    """The sender of an e-mail: its partner (a one-off one when unknown) and the ``From``
    with the name this e-mail gives (a shared address's messages keep each sender's name).

    ``params["name_path"]``: where the sender's display name is.
    """
    name = value_at(record, line.params.get("name_path", "FromName"))
    pairs = email_addresses(value)
    if not pairs:
        if not is_empty(value):
            ctx.problem("invalid_email", _("Invalid sender %(value)r: shown as typed, without author."),
                        value=value)
        return {line.target: False, "email_from": str(value or "").strip() or False}
    own_name, address = pairs[0]
    name = " ".join(str(name or own_name or "").split())
    partner_id = ctx.partner_for_email(address)
    if not partner_id:
        ctx.problem("invalid_email", _("Invalid sender %(value)r: shown as typed, without author."),
                    value=address)
    return {line.target: partner_id or False, "email_from": display_address(name, address)}


@converter("message_id")
def convert_message_id(value, line, record, ctx):
    """An RFC 5322 Message-ID in angle brackets; none leaves Odoo to make one."""
    if is_empty(value):
        return {}
    text = str(value).strip()
    return {line.target: text if text.startswith("<") else f"<{text}>"}


# -- schema ---------------------------------------------------------------------------

ENTITIES = (
    Entity("Tasks@Types", lookup=True, delta=False),
    Entity("Tasks", expand="Users"),
    Entity("InteractionRecords"),
    Entity("Emails"),
    Entity("Attachments", delta=False, counted=False),
)

RECORD_NOTE = ("On the deal's opportunity when the deal was loaded, else on the contact; "
               "an item that belongs to neither is skipped and listed.")


def _record_field(target, fills=("res_id",)):
    return F("DealId", "Deal or contact", "Negócio ou cliente", "reference", target, "history_record",
             {"entity": "Deals", "contact_path": "ContactId", "res_id_field": "res_id",
              "fills": list(fills)}, required=True, note=RECORD_NOTE)


def _created_field():
    return F("CreateDate", "Created on", "Criado em", "datetime", "create_date", "datetime",
             note="The original creation date replaces the migration date.")


OBJECTS = (
    SourceObject(
        "activity_types", "Tasks@Types", "Activity types", "Tipos de tarefa",
        "mail.activity.type", 110, loader="crm.migration.loader.activity.type",
    ),
    SourceObject(
        "tasks", "Tasks", "Tasks", "Tarefas", "mail.activity", 120,
        loader="crm.migration.loader.task", needs=("Tasks@Types",),
        fields=(
            _record_field("res_model", fills=("res_id", "res_model_id")),
            F("TypeId", "Type", "Tipo", "reference", "activity_type_id", "ref",
              {"entity": "Tasks@Types"},
              note="Open tasks become activities of this type; done ones a message of this "
                   "type dated at their completion, by who completed them."),
            F("Title", "Title", "Título", "string", "summary", "text"),
            F("Description", "Description", "Descrição", "text", "note", "task_note",
              note="The local time span and the address are added: an Odoo activity has a "
                   "due date, no time."),
            F("DateTime", "Due date", "Data", "datetime", "date_deadline", "task_deadline",
              required=True, note="The due day in the account's time zone."),
            F("OwnerId", "Owner", "Responsável", "user", "user_id", "user",
              note="Odoo activities need a user: the owner's, else the fallback owner. A task "
                   "without owner goes to its first assignee with an Odoo user, else the "
                   "fallback owner; one without any is held until a user is matched or a "
                   "fallback owner is set."),
            _created_field(),
        ),
    ),
    SourceObject(
        "interactions", "InteractionRecords", "Interaction records", "Registros de interação",
        "mail.message", 130, loader="crm.migration.loader.interaction", needs=("Tasks@Types",),
        fields=(
            _record_field("model"),
            F("TypeId", "Type", "Tipo", "reference", "mail_activity_type_id", "ref",
              {"entity": "Tasks@Types"},
              note="Without a type: an internal note. Calls: a note of the Call type with the "
                   "call's duration. Meetings and visits: a calendar event."),
            F("Content", "Content", "Conteúdo", "text", "body", "html"),
            F("Date", "Date", "Data", "datetime", "date", "history_date",
              {"fallback_path": "CreateDate"}, required=True),
            F("CreatorId", "Author", "Autor", "user", "author_id", "author", {"fills": ["email_from"]},
              note="An author without Odoo user is shown by name and e-mail."),
            _created_field(),
        ),
    ),
    SourceObject(
        "emails", "Emails", "E-mails", "E-mails", "mail.message", 140,
        loader="crm.migration.loader.email", defaults={"message_type": "email"},
        fields=(
            _record_field("model"),
            F("Subject", "Subject", "Assunto", "string", "subject", "text"),
            F("Body", "Body", "Corpo", "text", "body", "html"),
            F("Date", "Date", "Data", "datetime", "date", "history_date",
              {"fallback_path": "CreateDate"}, required=True),
            F("From", "From", "De", "string", "author_id", "email_author",
              {"name_path": "FromName", "fills": ["email_from"]},
              note="A sender address unknown to Odoo becomes a contact named by the address; "
                   "each e-mail keeps its own sender name in its From."),
            F("To", "To and Cc", "Para e Cc", "string", "partner_ids", "email_recipients",
              {"cc_path": "Cc"}, note="Recipient addresses unknown to Odoo become contacts "
                                      "named by the address."),
            F("MessageId", "Message-ID", "Message-ID", "string", "message_id", "message_id"),
            _created_field(),
        ),
    ),
    SourceObject(
        "attachments", "Attachments", "Attachments", "Anexos", "ir.attachment", 150,
        loader="crm.migration.loader.attachment",
        fields=(
            F("FileName", "File name", "Nome do arquivo", "string", "name", "name",
              {"placeholder": "Ploomes attachment"}, required=True),
            F("ContentType", "Content type", "Tipo de conteúdo", "string", "mimetype", "direct"),
        ),
    ),
)
