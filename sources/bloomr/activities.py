# pylint: disable=prefer-env-translation  # pure code without Odoo: _ marks templates Odoo translates when it logs them
"""Bloomr's history: calls (OCA ``crm.phonecall`` when installed, else internal notes with
their duration and outcome) and meetings (calendar events with their attendees)."""
from ...mapping.converters import Converters, is_empty
from ...mapping.messages import _
from ...mapping.schema import Entity, SourceField as F, SourceObject

CONVERTERS = Converters()
converter = CONVERTERS.register

ENTITIES = (Entity("calls"), Entity("meetings"))

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

OBJECTS = (
    SourceObject("calls", "calls", "Calls", "Ligações", "crm.phonecall", 80,
                 fields=PHONECALL_FIELDS, requires=("crm_phonecall",),
                 defaults={"name": False}, loader="crm.migration.loader.bloomr.call"),
    SourceObject("call_notes", "calls", "Calls as notes", "Ligações como notas", "mail.message",
                 81, fields=NOTE_FIELDS, identity="calls#notes",
                 loader="crm.migration.loader.bloomr.call.note"),
    SourceObject("meetings", "meetings", "Meetings", "Reuniões", "calendar.event", 90,
                 fields=MEETING_FIELDS, loader="crm.migration.loader.bloomr.meeting"),
)


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
    """The record a note goes on: its deal, else its contact (``model`` and ``res_id``)."""
    for key, entity, model in ((value, "deals", "crm.lead"),
                               (ctx.value_at(record, line.params["contact_path"]), "contacts",
                                "res.partner")):
        res_id = None if is_empty(key) else ctx.resolve(entity, key)
        if res_id:
            return {"model": model, "res_id": res_id}
    ctx.problem("no_record", _("Neither its deal nor its contact was migrated: not loaded."),
                "error")
    return {"model": False, "res_id": False}


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
