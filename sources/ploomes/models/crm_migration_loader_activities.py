"""Loaders of the Ploomes history: activity types, tasks, interaction records, e-mails
and attachments, with their original dates and authors, without notifying anyone."""
from collections import defaultdict

from markupsafe import Markup

from odoo import models
from odoo.tools import email_normalize, human_size

from ....mapping.converters import is_empty, value_at
from ..activities import (ACTIVITY_TYPES, EMAIL_NOT_SENT, HistoryContext, activity_kind,
                          attachment_owner, coordinates, display_address, email_addresses,
                          headline, meeting_stop, task_assignees, utc_string)
from ....mapping.transform import Problem
from ...errors import SourceError
from ....models.crm_migration_loader import QUIET, OdooConversionContext, Target, sniffed_mimetype

#: Writing history must not notify, invite, remind or send anything.
HISTORY_QUIET = dict(
    QUIET,
    mail_activity_quick_update=True,  # no "activity assigned to you" message
    no_mail_to_attendees=True,        # no calendar invitation
    dont_notify=True,                 # no calendar alarm
    is_calendar_event_new=True,       # no "date changed" message on later writes
)
#: Identity namespace of the partners made for e-mail addresses unknown to Odoo.
ADDRESSES = "Emails@Addresses"
#: Category of the Odoo activity types a kind falls back to when its XML id is gone.
KIND_CATEGORIES = {"call": "phonecall", "meeting": "meeting", "upload": "upload_file"}



class HistoryConversionContext(OdooConversionContext, HistoryContext):
    """The base answers, plus authors and the partners of e-mail addresses."""

    def __init__(self, env, run, dry_run=False):
        super().__init__(env, run, dry_run=dry_run)
        self.phase_key = "history"
        self._addresses = {}

    def _matches(self):
        """{source user id: user match} of the source (shared with ``user``)."""
        if self._users is None:
            self._users = {match.source_key: match for match in self.env["crm.migration.user.match"]
                           .search([("source_id", "=", self.source.id)])}
        return self._users

    def author(self, source_user_id):
        match = self._matches().get(str(source_user_id))
        if match is None:
            self.problem("unknown_author", self.env._("Author %s is not a user of the source.",
                                                      source_user_id))
            return None, None
        if match.user_id:
            partner = match.user_id.partner_id
            return partner.id, partner.email_formatted or None
        self.problem("unmatched_author", self.env._(
            "Author %(name)s <%(email)s> has no Odoo user: shown by name and e-mail.",
            name=match.name, email=match.email or "-"), "info")
        return None, display_address(match.name, match.email) if match.email else match.name

    def assignees(self, source_user_ids):
        """[(name, Odoo user id or None)] of source users, in order; an unknown one by its id."""
        matches = self._matches()
        people = []
        for source_user_id in source_user_ids:
            match = matches.get(str(source_user_id))
            people.append((match.name or str(source_user_id), match.user_id.id or None) if match
                          else (str(source_user_id), None))
        return people

    # -- e-mail addresses ------------------------------------------------------------

    def partner_for_email(self, address):
        normalized = email_normalize(address or "")
        if not normalized:
            return None
        if normalized not in self._addresses:
            self.prefetch_addresses([normalized])
        if not self._addresses[normalized]:
            self._addresses[normalized] = self._one_off_partner(normalized, address.strip())
        return self._addresses[normalized]

    def prefetch_addresses(self, addresses):
        """Find the partners of e-mail addresses at once: the Odoo user of a source user
        with that address, a partner made earlier for it, else the partner with that
        address (users' partners first, then the oldest)."""
        wanted = {email_normalize(address or "") for address in addresses} - {False, ""}
        wanted -= set(self._addresses)
        if not wanted:
            return
        found = dict.fromkeys(wanted)
        for match in self._matches().values():
            email = email_normalize(match.email or "")
            if email in found and match.user_id and not found[email]:
                found[email] = match.user_id.partner_id.id
        made = self.env["crm.migration.identity"]._resolve(self.source, ADDRESSES, wanted)
        alive = set(self.env["res.partner"].browse([res_id for _m, res_id in made.values()]).exists().ids)
        for email, (_model, res_id) in made.items():
            if res_id in alive and not found[email]:
                found[email] = res_id
        partners = self.env["res.partner"].with_context(active_test=False).search(
            [("email_normalized", "in", [email for email, pid in found.items() if not pid])],
            order="id")
        for partner in partners.sorted(lambda p: (not p.user_ids, p.id)):
            if not found[partner.email_normalized]:
                found[partner.email_normalized] = partner.id
        self._addresses.update(found)

    def _one_off_partner(self, normalized, address):
        """A partner for an address unknown to Odoo, named by the address: no person is made
        up from the first sender name seen (journaled, bound to the address)."""
        if self.dry_run:
            return -1
        partner = self.env["res.partner"].with_context(**QUIET).create(
            {"name": address, "email": address})
        self.env["crm.migration.journal"]._log(self.run, self.phase_key, "create", "res.partner",
                                               partner.ids)
        self.env["crm.migration.identity"]._bind(self.source, ADDRESSES, [(normalized, partner.id)],
                                                 "res.partner", self.run)
        return partner.id


class CrmMigrationLoaderActivityType(models.AbstractModel):
    """Ploomes task types are linked to Odoo's activity types by name; none is created."""

    _name = "crm.migration.loader.activity.type"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: Activity Types"

    def _activity_type(self, kind):
        """The Odoo activity type of a kind: its standard type, else one of its category,
        else To-Do."""
        Type = self.env["mail.activity.type"]
        for candidate in filter(None, (kind, "todo")):
            found = self.env.ref(ACTIVITY_TYPES[candidate], raise_if_not_found=False)
            if not found and candidate in KIND_CATEGORIES:
                found = Type.search([("category", "=", KIND_CATEGORIES[candidate])], limit=1)
            if found:
                return found
        return Type.search([("res_model", "=", False)], limit=1)

    def _unknown_issues(self, phase, obj, staged):
        return [self._issue(phase, obj, rec, "unknown_activity_type", "warning", self.env._(
            "Task type %s has no Odoo equivalent: its tasks and records use To-Do.",
            rec.payload.get("Name"))) for rec in staged if not activity_kind(rec.payload.get("Name"))]

    def _validate_batch(self, phase, obj, staged):
        issues = self._unknown_issues(phase, obj, staged)
        self.env["crm.migration.issue"].create(issues)
        return {"done": len(staged), "warnings": len(issues)}

    def _load_batch(self, phase, obj, staged):
        run = phase.run_id
        known = self.env["crm.migration.identity"]._resolve(
            run.source_id, obj.identity_entity, staged.mapped("source_key"))
        issues = self._unknown_issues(phase, obj, staged)
        unknown = len(issues)
        pairs, failed = [], staged.browse()
        for rec in staged:
            activity_type = self._activity_type(activity_kind(rec.payload.get("Name")))
            if not activity_type:
                failed |= rec
            elif known.get(rec.source_key) != (obj.model, activity_type.id):
                pairs.append((rec.source_key, activity_type.id))
        message = self.env._("Odoo has no activity type left to link it to.")
        issues += [self._issue(phase, obj, rec, "load_failed", "error", message) for rec in failed]
        failed._mark("failed", message)
        (staged - failed)._mark("loaded")
        self.env["crm.migration.journal"]._log(run, phase.key, "link", obj.model,
                                               [res_id for _key, res_id in pairs])
        self.env["crm.migration.identity"]._bind(run.source_id, obj.identity_entity, pairs,
                                                 obj.model, run)
        self.env["crm.migration.issue"].create(issues)
        loaded = len(staged) - len(failed)
        return {"done": len(staged), "linked": len(pairs), "unchanged": loaded - len(pairs),
                "failed": len(failed), "verified": loaded, "warnings": unknown,
                "errors": len(failed)}


class CrmMigrationLoaderHistory(models.AbstractModel):
    """History items become the Odoo record their kind asks for (``_shape``), on the lead
    or partner they belong to, with their original date and author, notifying no one.

    One source object may become records of several models (a task is an activity
    while open, a message once done); each is bound to what it became, so a second
    run updates it, and what it was before is retired (``_retire``).
    """

    _name = "crm.migration.loader.history"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: History"

    CONVERSION_CONTEXT = HistoryConversionContext
    SPOT_CHECK = False

    def _quiet(self):
        return HISTORY_QUIET

    def _references(self, ctx, lines, payloads):
        """The base references, plus the contacts that history items fall back on."""
        refs = super()._references(ctx, lines, payloads)
        for line in lines:
            if line.converter == "history_record":
                path = line.params.get("contact_path", "ContactId")
                refs["Contacts"].update(value_at(payload, path) for payload in payloads)
        return refs

    def _targets(self, ctx, obj, lines, staged):
        """[(staged record, Target, problems)]; problems met while shaping count too."""
        result = []
        payloads = ctx.payloads(staged)
        for rec, values, problems in self._transform(ctx, obj, lines, staged):
            if not values.get("create_date"):
                values.pop("create_date", None)
            ctx.problems = problems
            result.append((rec, self._shape(ctx, obj, payloads[rec.id], values), ctx.problems))
        ctx.problems = []
        return result

    def _shape(self, ctx, obj, payload, values):
        """What a record becomes; one that belongs to no loaded record is skipped."""
        return Target(obj.model if values.get("res_id") else None, values)

    def _retire(self, phase, obj, rec, model, res_id, new_model):
        """What a source record became before it turned into another kind of record: an
        open activity is marked done (archived, journaled); anything else is left as it
        is and reported. Returns issues."""
        record = self.env[model].browse(res_id).exists() if model in self.env else None
        if not record:
            return []
        if model == "mail.activity":
            if record.active:
                self.env["crm.migration.journal"]._log(phase.run_id, phase.key, "write", model,
                                                       {record.id: {"active": True}})
                record.with_context(**HISTORY_QUIET).write({"active": False})
            return []
        return [self._issue(phase, obj, rec, "kind_changed", "warning", self.env._(
            "It was loaded as %(old)s before and is now a %(new)s: the earlier record was "
            "left as it is.", old=record.display_name, new=new_model), record)]


class CrmMigrationLoaderTask(models.AbstractModel):
    """Tasks: open ones become activities, done ones the message Odoo posts when an
    activity is marked done; or project tasks, when the map says so."""

    _name = "crm.migration.loader.task"
    _inherit = "crm.migration.loader.history"
    _description = "Migration Loader: Tasks"

    def _create(self, run, phase, obj, model, items):
        """Activities follow their records for their users, as Odoo makes them: subscribed
        first, once per record and user (Odoo's batch create subscribes a user twice to a
        record with two of their activities, and the whole batch fails)."""
        if model._name == "mail.activity":
            pairs = defaultdict(set)
            for _rec, values, _problems in items:
                if values.get("res_model_id") and values.get("res_id") and values.get("user_id"):
                    pairs[(values["res_model_id"], values["user_id"])].add(values["res_id"])
            for (model_id, user_id), res_ids in pairs.items():
                res_model = self.env["ir.model"].browse(model_id).model
                partner = self.env["res.users"].browse(user_id).partner_id
                self.env[res_model].with_context(**HISTORY_QUIET).browse(
                    sorted(res_ids)).exists().message_subscribe(partner_ids=partner.ids)
        return super()._create(run, phase, obj, model, items)

    def _shape(self, ctx, obj, payload, values):
        if not values.get("res_id"):
            return Target(None, values)
        if ctx.run.map_id.task_target == "project":
            return self._project_task(ctx, payload, values)
        if payload.get("Finished"):
            return self._done_message(ctx, payload, values)
        people = ctx.assignees(task_assignees(payload))
        values["user_id"] = self._activity_user(ctx, payload, values, people)
        if not values["user_id"]:
            return Target(None, values)
        others = [name for name, user in people if user != values["user_id"]]
        if others:
            values["note"] = Markup(values.get("note") or "") + Markup("<p>%s</p>") % self.env._(
                "Also assigned to %(names)s.", names=", ".join(others))
        values["res_model_id"] = self.env["ir.model"]._get_id(values.pop("res_model"))
        return Target("mail.activity", values)

    def _activity_user(self, ctx, payload, values, people):
        """The user of an open task's activity: with an ``OwnerId``, the map's ``user_id`` (the
        owner's user, else the fallback owner); without one, its first assignee that has an
        Odoo user, else the fallback owner. None (a problem logged) holds the task back."""
        names = ", ".join(name for name, _user in people)
        if not is_empty(payload.get("OwnerId")):
            if not values.get("user_id"):
                ctx.problem("no_assignee", self.env._(
                    "Odoo activities need a user: held back until owner %(owner)s is matched to "
                    "an Odoo user (or a fallback owner is set).", owner=people[0][0]), "error")
            return values.get("user_id") or None
        user = next((user for _name, user in people if user), None)
        if user:
            return user
        fallback = ctx.source.fallback_user_id
        if fallback and people:
            ctx.problem("unmatched_owner", self.env._(
                "None of its assignees (%(names)s) has an Odoo user: assigned to %(fallback)s.",
                names=names, fallback=fallback.name))
        elif fallback:
            ctx.problem("unmatched_owner", self.env._(
                "It has no owner or assignee: assigned to %(fallback)s.", fallback=fallback.name))
        elif people:
            ctx.problem("no_assignee", self.env._(
                "Odoo activities need a user: held back until one of its assignees (%(names)s) "
                "is matched to an Odoo user (or a fallback owner is set).", names=names), "error")
        else:
            ctx.problem("no_assignee", self.env._(
                "Odoo activities need a user and it has no owner or assignee: held back until a "
                "fallback owner is set."), "error")
        return fallback.id or None

    def _done_message(self, ctx, payload, values):
        """A done task: the 'done' message of its activity type, dated at its completion
        and written by whoever completed it."""
        finished = next((payload[key] for key in ("FinishDate", "LastUpdateDate", "CreateDate")
                         if not is_empty(payload.get(key))), None)
        if finished is None:
            ctx.problem("no_date", self.env._("Done, but without any date."), "error")
            return Target(None, values)
        if is_empty(payload.get("FinishDate")):
            ctx.problem("no_date", self.env._("Done without a completion date: dated at %s.", finished))
        finisher = payload.get("FinisherId")
        if is_empty(finisher):
            finisher = next(iter(task_assignees(payload)), None)
        author_id, email_from = ctx.author(finisher) if finisher else (None, None)
        if ctx.dry_run:
            return Target("mail.message", values)
        model = values.pop("res_model")
        activity = self.env["mail.activity"].new({
            "res_model_id": self.env["ir.model"]._get_id(model), "res_id": values["res_id"],
            **{name: values.get(name) or False
               for name in ("activity_type_id", "summary", "note", "user_id")}})
        body = self.env["ir.qweb"]._render("mail.message_activity_done", {
            "activity": activity, "feedback": False,
            "display_assignee": bool(activity.user_id) and activity.user_id.partner_id.id != author_id,
        }, minimal_qcontext=True)
        when = utc_string(finished)
        return Target("mail.message", {
            "model": model, "res_id": values["res_id"], "body": body, "date": when,
            "create_date": when, "author_id": author_id or False, "email_from": email_from or False,
            "message_type": "notification", "subtype_id": self.env.ref("mail.mt_activities").id,
            "mail_activity_type_id": values.get("activity_type_id") or False,
        })


    def _project_task(self, ctx, payload, values):
        """A task of the 'Ploomes tasks' project: its owner and assignees that have an Odoo
        user (else the fallback owner), customer, deadline, type (as a tag), state, and a
        link to its opportunity in the description."""
        if ctx.dry_run:
            return Target("project.task", values)
        users = {user for _name, user in ctx.assignees(task_assignees(payload)) if user} or {
            values.get("user_id") or ctx.source.fallback_user_id.id}
        kind = (ctx.lookup("Tasks@Types", payload.get("TypeId")) or {}).get("Name")
        finished = payload.get("Finished") and payload.get("FinishDate")
        return self._project_task_of(
            ctx, values, project=self.env._("Ploomes tasks"),
            name=values.get("summary") or self.env._("Ploomes task %s", payload.get("Id")),
            users=users, partner_id=ctx.resolve("Contacts", payload.get("ContactId")),
            deadline=utc_string(payload["DateTime"]) if payload.get("DateTime") else False,
            kind=kind, done=bool(payload.get("Finished")),
            date_end=utc_string(finished) if finished else False)

    def _project_task_of(self, ctx, values, *, project, name, users, partner_id, deadline,
                         kind, done, date_end):
        """The project task of a source task (``kind``: a tag), with a link to its
        opportunity in the description."""
        tag = ctx.record_by_name("project.tags", kind, create=True) if kind else None
        description = Markup(values.get("note") or "")
        if values["res_model"] == "crm.lead":
            lead = self.env["crm.lead"].browse(values["res_id"])
            description = Markup("<p>%s</p>") % lead._get_html_link() + description
        return Target("project.task", {
            "name": name,
            "project_id": ctx.record_by_name("project.project", project, create=True),
            "description": description or False,
            "user_ids": [(6, 0, sorted(user for user in users if user))],
            "partner_id": partner_id or False,
            "date_deadline": deadline or False,
            "tag_ids": [(6, 0, [tag] if tag else [])],
            "state": "1_done" if done else "01_in_progress",
            "date_end": date_end or False,
            **({"create_date": values["create_date"]} if values.get("create_date") else {}),
        })


class CrmMigrationLoaderInteraction(models.AbstractModel):
    """Interaction records: notes and calls become internal notes of their activity type
    (a call with its duration), meetings and visits calendar events."""

    _name = "crm.migration.loader.interaction"
    _inherit = "crm.migration.loader.history"
    _description = "Migration Loader: Interaction Records"

    def _shape(self, ctx, obj, payload, values):
        if not values.get("res_id") or ctx.dry_run:
            return super()._shape(ctx, obj, payload, values)
        activity_type = self.env["mail.activity.type"].browse(values.get("mail_activity_type_id") or [])
        if activity_type.category == "meeting":
            return Target("calendar.event", self._event(ctx, payload, values, activity_type))
        facts = self._facts(payload)
        if facts:
            values["body"] = Markup(values.get("body") or "") + Markup().join(
                Markup("<p>%s</p>") % fact for fact in facts)
        values.update(message_type="comment", subtype_id=self.env.ref("mail.mt_note").id,
                      is_internal=True)
        return Target("mail.message", values)

    def _facts(self, payload):
        """What a note adds to its content: duration, telephony call, check-in."""
        facts = []
        if payload.get("Length"):
            facts.append(self.env._("Duration: %s min", payload["Length"]))
        if payload.get("TotalVoiceCallId"):
            facts.append(self.env._("TotalVoice call %s", payload["TotalVoiceCallId"]))
        where = coordinates(payload.get("Latitude"), payload.get("Longitude"))
        if where:
            facts.append(self.env._("Check-in at %s", where))
        return facts

    def _event(self, ctx, payload, values, activity_type):
        """A meeting or visit as a calendar event with its attendees, linked to its record."""
        author = self.env["res.partner"].browse(values.get("author_id") or [])
        contact = ctx.resolve("Contacts", payload.get("ContactId"))
        kind = (ctx.lookup("Tasks@Types", payload.get("TypeId")) or {}).get("Name")
        description = Markup(values.get("body") or "")
        if payload.get("VerifiedCheckIn"):
            description += Markup("<p>%s</p>") % self.env._("Check-in verified.")
        return {
            "name": headline(payload.get("Content")) or kind or activity_type.name,
            "description": description or False,
            "start": values["date"],
            "stop": meeting_stop(values["date"], payload.get("Length")),
            "user_id": author.user_ids[:1].id or False,
            "partner_ids": [(6, 0, sorted({pid for pid in (contact, author.id) if pid}))],
            "location": coordinates(payload.get("Latitude"), payload.get("Longitude")) or False,
            "res_model_id": self.env["ir.model"]._get_id(values["model"]),
            "res_id": values["res_id"],
            "opportunity_id": values["res_id"] if values["model"] == "crm.lead" else False,
            **({"create_date": values["create_date"]} if values.get("create_date") else {}),
        }

    def _create(self, run, phase, obj, model, items):
        """Events are linked to their opportunity once created: created linked, Odoo would
        post a 'meeting scheduled' message on the lead, dated now."""
        if model._name != "calendar.event":
            return super()._create(run, phase, obj, model, items)
        bare = [(rec, {k: v for k, v in values.items() if k != "opportunity_id"}, problems)
                for rec, values, problems in items]
        created, linked, failed = super()._create(run, phase, obj, model, bare)
        full = {rec.id: values for rec, values, _problems in items}
        for rec, _values, _problems, record in created:
            if full[rec.id].get("opportunity_id"):
                record.write({"opportunity_id": full[rec.id]["opportunity_id"]})
        return ([(rec, full[rec.id], problems, record) for rec, _v, problems, record in created],
                linked, failed)


class CrmMigrationLoaderEmail(models.AbstractModel):
    """E-mails: messages of type e-mail, threaded, by their sender's partner."""

    _name = "crm.migration.loader.email"
    _inherit = "crm.migration.loader.history"
    _description = "Migration Loader: E-mails"

    def _transform(self, ctx, obj, lines, staged):
        ctx.prefetch_addresses([address for payload in ctx.payloads(staged).values()
                                for field in ("From", "To", "Cc")
                                for _name, address in email_addresses(payload.get(field))])
        return super()._transform(ctx, obj, lines, staged)

    def _shape(self, ctx, obj, payload, values):
        if payload.get("StatusId") == EMAIL_NOT_SENT:
            ctx.problem("email_not_sent", self.env._("Ploomes could not send this e-mail."), "info")
        if values.get("res_id") and not ctx.dry_run:
            values.update(subtype_id=self.env.ref("mail.mt_comment").id, is_internal=False)
        return super()._shape(ctx, obj, payload, values)

    def _load_batch(self, phase, obj, staged):
        counts = super()._load_batch(phase, obj, staged)
        made = self.env["crm.migration.journal"].search_count([
            ("run_id", "=", phase.run_id.id), ("phase", "=", phase.key),
            ("res_model", "=", "res.partner"), ("operation", "=", "create")])
        phase.notice = made and self.env._(
            "%s contacts made for e-mail addresses unknown to Odoo", made)
        return counts

    def _after_load(self, ctx, phase, obj, items):
        """A reply goes under the e-mail it answers (``parent_id``): the e-mail it names,
        else the message with the Message-ID of its ``In-Reply-To``."""
        payloads = {rec.id: ctx.payload_of(rec) for rec, *_rest in items}
        bound = self.env["crm.migration.identity"]._resolve(
            phase.run_id.source_id, obj.identity_entity,
            [payload.get("ReplyToEmailId") for payload in payloads.values()])
        replied = [payload["InReplyTo"] for payload in payloads.values() if payload.get("InReplyTo")]
        by_message_id = {message.message_id: message.id for message in
                         self.env["mail.message"].search([("message_id", "in", replied)])}
        old = {}
        for rec, _values, problems, record in items:
            payload = payloads[rec.id]
            parent = self._parent(payload, bound, by_message_id, record)
            if parent is None:
                problems.append(Problem("unresolved_parent", self.env._(
                    "It answers e-mail %s, which was not loaded: it starts a thread of its own.",
                    payload.get("ReplyToEmailId") or payload.get("InReplyTo"))))
            if record.parent_id.id != (parent or False):
                old[record.id] = {"parent_id": record.parent_id.id}
                record.parent_id = parent or False
        self.env["crm.migration.journal"]._log(phase.run_id, phase.key, "write", obj.model, old)

    def _parent(self, payload, bound, by_message_id, record):
        """Id of the message a reply answers, False for a first e-mail, None when unknown."""
        key, reply_to = payload.get("ReplyToEmailId"), payload.get("InReplyTo")
        if is_empty(key) and is_empty(reply_to):
            return False
        model, res_id = bound.get(str(key), (None, None)) if not is_empty(key) else (None, None)
        parent = res_id if model == "mail.message" else by_message_id.get(reply_to)
        return parent if parent and parent != record.id else None


class CrmMigrationLoaderAttachment(models.AbstractModel):
    """Attachments: the file is downloaded and stored on the record it belongs to; those
    of e-mails and notes are listed on their message too."""

    _name = "crm.migration.loader.attachment"
    _inherit = "crm.migration.loader.history"
    _description = "Migration Loader: Attachments"

    #: Where a file's payload keeps its download URL, announced size and content type.
    DOWNLOAD_KEYS = {"url": "Url", "size": "ContentLength", "type": "ContentType"}

    def _owner(self, payload):
        """(entity, source id) of the record a file belongs to, or (None, None)."""
        return attachment_owner(payload)

    def _transform(self, ctx, obj, lines, staged):
        if not ctx.dry_run:  # the records the batch's files hang off, resolved at once
            owners = defaultdict(list)
            for payload in ctx.payloads(staged).values():
                entity, key = self._owner(payload)
                owners[entity].append(key)
            for entity, keys in owners.items():
                if entity:
                    ctx.prefetch(entity, keys)
        return super()._transform(ctx, obj, lines, staged)

    def _shape(self, ctx, obj, payload, values):
        entity, key = self._owner(payload)
        if not entity:
            ctx.problem("no_owner", self.env._("It belongs to no record."), "error")
            return Target(None, values)
        if ctx.dry_run:
            return Target(obj.model, values)
        model, res_id = ctx.record_of(entity, key)
        if not model:
            ctx.problem("owner_not_loaded", self.env._(
                "%(entity)s %(key)s was not loaded: there is nothing to attach it to.",
                entity=entity, key=key), "error")
            return Target(None, values)
        if model == "mail.message":
            message = self.env["mail.message"].browse(res_id)
            model, res_id = message.model, message.res_id
        values.update(res_model=model, res_id=res_id)
        return Target(obj.model, values)

    def _prepare(self, phase, model, to_create, to_update):
        """Download the files of new attachments and of those whose size changed."""
        client = phase.run_id.source_id._client()
        failed = []
        ready_create = []
        for rec, values, problems in to_create:
            message = self._download(client, rec.payload, values, problems)
            if message:
                failed.append((rec, problems, "download_failed", message, "error"))
            else:
                ready_create.append((rec, values, problems))
        ready_update = []
        for rec, values, problems, record in to_update:
            expected = rec.payload.get(self.DOWNLOAD_KEYS["size"])
            message = None
            if expected is not None and expected != record.file_size:
                message = self._download(client, rec.payload, values, problems)
            else:
                values.pop("mimetype", None)  # read from its bytes when they were downloaded
            if message:
                failed.append((rec, problems, "download_failed", message, "error"))
            else:
                ready_update.append((rec, values, problems, record))
        return ready_create, ready_update, failed

    def _download(self, client, payload, values, problems):
        """Put the file's bytes in ``values["raw"]``; return why it failed, or None."""
        keys = self.DOWNLOAD_KEYS
        if is_empty(payload.get(keys["url"])):
            return self.env._("It has no download URL.")
        try:
            data = client.download(payload[keys["url"]])
        except SourceError as exc:
            return self.env._("The file could not be downloaded: %s", exc)
        expected = payload.get(keys["size"])
        if expected is not None and expected != len(data):
            problems.append(Problem("size_mismatch", self.env._(
                "The source announced %(expected)s bytes, %(actual)s were downloaded.",
                expected=expected, actual=len(data))))
        values["raw"] = data
        values["mimetype"] = sniffed_mimetype(data, payload.get(keys["type"]))
        return None

    def _after_load(self, ctx, phase, obj, items):
        """Attachments of messages are listed on their message."""
        for rec, _values, _problems, record in items:
            model, res_id = ctx.record_of(*self._owner(ctx.payload_of(rec)))
            message = self.env["mail.message"].browse(res_id) if model == "mail.message" else None
            if message and record not in message.attachment_ids:
                message.write({"attachment_ids": [(4, record.id)]})

    def _load_batch(self, phase, obj, staged):
        counts = super()._load_batch(phase, obj, staged)
        phase.notice = self._stored_notice(phase)
        return counts

    def _stored_notice(self, phase):
        """How many files this run stored in this phase, and their size."""
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT count(DISTINCT a.id), coalesce(sum(a.file_size), 0)
            FROM ir_attachment a WHERE a.id IN (
                SELECT res_id FROM crm_migration_journal
                WHERE run_id = %s AND phase = %s AND res_model = 'ir.attachment'
                  AND operation IN ('create', 'write'))
        """, (phase.run_id.id, phase.key))
        count, size = self.env.cr.fetchone()
        return self.env._("%(count)s files stored, %(size)s", count=count, size=human_size(size))
