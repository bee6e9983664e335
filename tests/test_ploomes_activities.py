"""History: tasks, interaction records, e-mails and attachments, dated, authored, linked."""
import re
from html import unescape
from datetime import datetime, timedelta, timezone

import requests
from psycopg2 import IntegrityError

from odoo.tools import email_normalize, mute_logger

from .common import SandboxCase

HISTORY = ("activity_types", "tasks", "interactions", "emails", "attachments")
#: A meeting's content with a script (the reliability issue's case) and the name it must give.
HOSTILE_MEETING = "<p>Reunião <b>produtiva</b></p><script>alert(1)</script>"
#: A shared mailbox unknown to Odoo, and the two people who write from it.
SHARED_ADDRESS = "compras@cliente-compartilhado.example"
SHARED_SENDERS = ("Tânia Martins", "Tiago Lima")
#: What each sandbox task type must become, decided by hand from the names.
TYPE_XMLIDS = {
    "Ligação": "mail.mail_activity_data_call", "E-mail": "mail.mail_activity_data_email",
    "Reunião": "mail.mail_activity_data_meeting", "Visita": "mail.mail_activity_data_meeting",
    "Tarefa": "mail.mail_activity_data_todo", "WhatsApp": "mail.mail_activity_data_todo",
}


def utc(value):
    """A source date-time as Odoo stores it: naive UTC, whole seconds."""
    return datetime.fromisoformat(value).astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)


def words(html):
    """The words of an HTML text."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html or "")).split())


def local_day(value):
    return datetime.fromisoformat(value).date()


class HistoryCase(SandboxCase):
    """A sandbox with half of its users in Odoo, and what the source says of its history."""

    sandbox_options = {"seed": 21, "scale": 100}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        data = cls.sandbox.dataset
        cls.tasks = cls.by_id("Tasks")
        cls.interactions = cls.by_id("InteractionRecords")
        cls.emails = cls.by_id("Emails")
        cls.attachments = cls.by_id("Attachments")
        cls.types = {t["Id"]: t["Name"] for t in data.iter("Tasks@Types")}
        with_email = [u for u in data.iter("Users") if u.get("Email")]
        cls.odoo_users = {
            u["Id"]: cls.env["res.users"].create({
                "name": u["Name"], "login": u["Email"].strip().lower(), "email": u["Email"]})
            for u in with_email[::2]
        }
        cls.source_users = cls.by_id("Users")

    @classmethod
    def serve(cls, entity, source_id, **changes):
        """Have the sandbox serve a record with ``changes`` (its overlay, as ``mutate`` does)."""
        view = cls.sandbox.catalog.sets[entity]
        view.touch(dict(view.get(source_id), **changes))

    @classmethod
    def load_history(cls):
        cls.mails_before = cls.env["mail.mail"].sudo().search_count([])
        cls.messages_before = cls.env["mail.message"].search([], order="id desc", limit=1).id
        cls.first_run = cls.migrate()
        cls.leads = cls.records_of("crm.lead", "Deals")
        cls.partners = cls.records_of("res.partner", "Contacts")

    def record_of_item(self, item):
        """The lead or partner a history item belongs to, from the source alone."""
        return self.leads.get(item.get("DealId")) or self.partners.get(item["ContactId"])

    def type_of(self, item):
        return self.env.ref(TYPE_XMLIDS[self.types[item["TypeId"]]])

    def author_of(self, user_id):
        """(partner, From) expected for a source user as an author."""
        if user_id in self.odoo_users:
            return self.odoo_users[user_id].partner_id, self.odoo_users[user_id].partner_id.email_formatted
        user = self.source_users[user_id]
        shown = f'"{user["Name"]}" <{user["Email"]}>' if user.get("Email") else user["Name"]
        return self.env["res.partner"], shown


class TestPloomesHistory(HistoryCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hostile_meeting = next(i for i, item in sorted(cls.interactions.items())
                                   if cls.types.get(item["TypeId"]) == "Reunião")
        cls.serve("InteractionRecords", cls.hostile_meeting, Content=HOSTILE_MEETING)
        cls.shared_emails = sorted(cls.emails)[:2]
        for email_id, name in zip(cls.shared_emails, SHARED_SENDERS, strict=True):
            cls.serve("Emails", email_id, From=SHARED_ADDRESS, FromName=name)
        cls.interactions = cls.by_id("InteractionRecords")
        cls.emails = cls.by_id("Emails")
        cls.load_history()

    def test_every_history_record_is_accounted_for(self):
        self.assertEqual(self.first_run.state, "done")
        sources = {"activity_types": self.types, "tasks": self.tasks,
                   "interactions": self.interactions, "emails": self.emails,
                   "attachments": self.attachments}
        for key in HISTORY:
            phase = self.phase(self.first_run, key)
            self.assertEqual(phase.state, "done", key)
            self.assertEqual(phase.total, len(sources[key]), key)
            accounted = (phase.created + phase.linked + phase.updated + phase.unchanged
                         + phase.skipped + phase.failed)
            self.assertEqual(accounted, phase.total, key)
            loaded = phase.created + phase.linked + phase.updated + phase.unchanged
            self.assertEqual(phase.verified, loaded, key)
            for state in ("skipped", "failed"):
                staged = self.env["crm.migration.record"].search_count([
                    ("source_id", "=", self.source.id), ("entity", "=", phase._object().entity),
                    ("state", "=", state)])
                self.assertEqual(staged, phase[state], (key, state))

    def test_task_types_link_to_odoo_activity_types_by_name(self):
        linked = self.records_of("mail.activity.type", "Tasks@Types")
        self.assertEqual(set(linked), set(self.types))
        for type_id, name in self.types.items():
            self.assertEqual(linked[type_id], self.env.ref(TYPE_XMLIDS[name]), name)
        whatsapp = next(i for i, n in self.types.items() if n == "WhatsApp")
        self.assertTrue(self.issues(self.first_run, "unknown_activity_type", whatsapp))
        self.assertEqual(self.phase(self.first_run, "activity_types").linked, len(self.types))

    def test_open_tasks_are_activities_of_their_owner_or_held(self):
        records = self.records_of("mail.activity", "Tasks")
        held = 0
        for task_id, task in self.tasks.items():
            if task["Finished"]:
                continue
            if task["OwnerId"] not in self.odoo_users:
                held += 1
                self.assertNotIn(task_id, records)
                self.assertTrue(self.issues(self.first_run, "no_assignee", task_id))
                continue
            activity = records[task_id]
            target = self.record_of_item(task)
            self.assertEqual((activity.res_model, activity.res_id), (target._name, target.id))
            self.assertEqual(activity.activity_type_id, self.type_of(task))
            self.assertEqual(activity.summary, " ".join(task["Title"].split()))
            self.assertEqual(activity.date_deadline, local_day(task["DateTime"]))
            self.assertEqual(activity.user_id, self.odoo_users[task["OwnerId"]])
            self.assertEqual(activity.create_date.replace(microsecond=0), utc(task["CreateDate"]))
            if task.get("Description"):
                self.assertIn(task["Description"].split()[0], activity.note)
            if not task["NoTime"]:
                self.assertIn(datetime.fromisoformat(task["DateTime"]).strftime("%H:%M"), activity.note)
            self.assertTrue(activity.active)
        self.assertTrue(held)
        self.assertEqual(self.phase(self.first_run, "tasks").skipped, held)

    def test_done_tasks_are_messages_dated_at_completion_by_their_finisher(self):
        records = self.records_of("mail.message", "Tasks")
        done = [task for task in self.tasks.values() if task["Finished"]]
        self.assertTrue(done)
        for task in done:
            message = records[task["Id"]]
            target = self.record_of_item(task)
            self.assertEqual((message.model, message.res_id), (target._name, target.id))
            self.assertEqual(message.date, utc(task["FinishDate"]))
            self.assertEqual(message.mail_activity_type_id, self.type_of(task))
            self.assertEqual(message.subtype_id, self.env.ref("mail.mt_activities"))
            self.assertIn(" ".join(task["Title"].split()), message.body)
            author, shown = self.author_of(task["FinisherId"])
            self.assertEqual(message.author_id, author)
            self.assertEqual(message.email_from, shown)

    def test_notes_and_calls_are_internal_notes_with_date_and_author(self):
        records = self.records_of("mail.message", "InteractionRecords")
        kinds = set()
        for item_id, item in self.interactions.items():
            name = self.types.get(item["TypeId"])
            if name in ("Reunião", "Visita"):
                continue
            message = records[item_id]
            target = self.record_of_item(item)
            self.assertEqual((message.model, message.res_id), (target._name, target.id))
            self.assertEqual(message.date, utc(item["Date"]))
            self.assertEqual((message.message_type, message.subtype_id, message.is_internal),
                             ("comment", self.env.ref("mail.mt_note"), True))
            self.assertEqual(message.mail_activity_type_id, self.type_of(item) if name else
                             self.env["mail.activity.type"])
            self.assertIn(item["Content"].split()[0], message.body)
            author, shown = self.author_of(item["CreatorId"])
            self.assertEqual((message.author_id, message.email_from), (author, shown))
            if item.get("Length"):
                self.assertIn(f"Duration: {item['Length']} min", message.body)
            kinds.add(name)
        self.assertLessEqual({None, "Ligação", "E-mail", "Tarefa", "WhatsApp"}, kinds)

    def test_meetings_and_visits_are_calendar_events_on_their_record(self):
        events = self.records_of("calendar.event", "InteractionRecords")
        seen = set()
        for item_id, item in self.interactions.items():
            name = self.types.get(item["TypeId"])
            if name not in ("Reunião", "Visita"):
                self.assertNotIn(item_id, events)
                continue
            event = events[item_id]
            target = self.record_of_item(item)
            self.assertEqual((event.res_model, event.res_id), (target._name, target.id))
            self.assertEqual(event.opportunity_id, target if target._name == "crm.lead" else
                             self.env["crm.lead"])
            start = utc(item["Date"])
            self.assertEqual(event.start, start)
            self.assertEqual(event.stop, start + timedelta(minutes=item.get("Length") or 60))
            expected = self.partners[item["ContactId"]] | self.author_of(item["CreatorId"])[0]
            self.assertEqual(event.partner_ids, expected)
            self.assertEqual(event.user_id, self.odoo_users.get(item["CreatorId"], self.env["res.users"]))
            if item.get("Latitude") is not None:
                self.assertEqual(event.location, f"{item['Latitude']}, {item['Longitude']}")
            self.assertFalse(event.activity_ids)
            seen.add(name)
        self.assertEqual(seen, {"Reunião", "Visita"})

    def test_a_meeting_is_named_by_the_text_of_its_content_without_scripts(self):
        event = self.records_of("calendar.event", "InteractionRecords")[self.hostile_meeting]
        self.assertEqual(event.name, "Reunião produtiva")
        self.assertEqual(words(event.description), "Reunião produtiva")
        self.assertNotIn("script", event.description)

    def test_a_shared_address_keeps_each_senders_name_and_invents_no_person(self):
        records = self.records_of("mail.message", "Emails")
        messages = [records[email_id] for email_id in self.shared_emails]
        self.assertEqual([m.email_from for m in messages],
                         [f'"{name}" <{SHARED_ADDRESS}>' for name in SHARED_SENDERS])
        author = messages[0].author_id
        self.assertEqual(messages[1].author_id, author)
        self.assertEqual((author.name, author.email), (SHARED_ADDRESS, SHARED_ADDRESS))
        made = self.env["crm.migration.identity"].search([
            ("source_id", "=", self.source.id), ("entity", "=", "Emails@Addresses"),
            ("source_key", "=", SHARED_ADDRESS)])
        self.assertEqual(made.res_id, author.id)
        for address, partner_id in ((i.source_key, i.res_id) for i in self.env[
                "crm.migration.identity"].search([("source_id", "=", self.source.id),
                                                  ("entity", "=", "Emails@Addresses")])):
            self.assertEqual(self.env["res.partner"].browse(partner_id).name, address)

    def test_emails_are_email_messages_from_their_sender_to_their_recipients(self):
        records = self.records_of("mail.message", "Emails")
        self.assertEqual(set(records), set(self.emails))
        for email_id, email in self.emails.items():
            message = records[email_id]
            target = self.record_of_item(email)
            self.assertEqual((message.model, message.res_id), (target._name, target.id))
            self.assertEqual(message.message_type, "email")
            self.assertEqual(message.subject, " ".join(email["Subject"].split()))
            self.assertEqual(message.date, utc(email["Date"]))
            self.assertEqual(message.message_id, email["MessageId"])
            self.assertIn(words(email["Body"]), words(message.body))
            self.assertEqual(message.author_id.email_normalized, email_normalize(email["From"]))
            self.assertIn(email["From"], message.email_from)
            expected = {email_normalize(address) for address in (email["To"], email["Cc"]) if address}
            self.assertEqual(set(message.partner_ids.mapped("email_normalized")), expected)

    def test_known_senders_are_their_partners_and_unknown_ones_new_contacts(self):
        records = self.records_of("mail.message", "Emails")
        made = {i.source_key: self.env["res.partner"].browse(i.res_id)
                for i in self.env["crm.migration.identity"].search([
                    ("source_id", "=", self.source.id), ("entity", "=", "Emails@Addresses")])}
        created = self.env["crm.migration.journal"].search([
            ("run_id", "=", self.first_run.id), ("res_model", "=", "res.partner"),
            ("phase", "=", "emails"), ("operation", "=", "create")]).mapped("res_id")
        self.assertTrue(made)
        self.assertEqual(sorted(p.id for p in made.values()), sorted(created))
        self.assertTrue(self.phase(self.first_run, "emails").notice.startswith(f"{len(made)} contacts"))
        contacts_by_email = {email_normalize(c["Email"]): self.partners[c["Id"]]
                             for c in self.sandbox.dataset.iter("Contacts") if c.get("Email")}
        for email in self.emails.values():
            message = records[email["Id"]]
            sender = email_normalize(email["From"])
            user = next((u for uid, u in self.odoo_users.items()
                         if email_normalize(self.source_users[uid]["Email"]) == sender), None)
            if user:
                self.assertEqual(message.author_id, user.partner_id)
            elif sender in contacts_by_email:
                self.assertEqual(message.author_id.email_normalized, sender)
                self.assertNotIn(message.author_id.id, created)
            else:
                self.assertIn(message.author_id.id, created)

    def test_replies_are_threaded_under_the_email_they_answer(self):
        records = self.records_of("mail.message", "Emails")
        replies = [e for e in self.emails.values() if e["ReplyToEmailId"]]
        self.assertTrue(replies)
        for email in self.emails.values():
            parent = records.get(email["ReplyToEmailId"], self.env["mail.message"])
            self.assertEqual(records[email["Id"]].parent_id, parent)

    def test_attachments_hold_the_source_bytes_on_their_record(self):
        records = self.records_of("ir.attachment", "Attachments")
        messages = {**self.records_of("mail.message", "Emails"),
                    **self.records_of("mail.message", "InteractionRecords")}
        events = self.records_of("calendar.event", "InteractionRecords")
        task_records = {**self.records_of("mail.activity", "Tasks"),
                        **self.records_of("mail.message", "Tasks")}
        kinds = set()
        for attachment_id, source in self.attachments.items():
            if source["OrderId"]:  # orders are the sales phases' sale orders
                order = self.records_of("sale.order", "Orders")[source["OrderId"]]
                attachment = records[attachment_id]
                self.assertEqual((attachment.res_model, attachment.res_id), ("sale.order", order.id))
                kinds.add("sale.order")
                continue
            if source["TaskId"] and source["TaskId"] not in task_records:
                self.assertNotIn(attachment_id, records)
                continue
            attachment = records[attachment_id]
            self.assertEqual(attachment.name, source["FileName"])
            self.assertEqual(attachment.mimetype, source["ContentType"])
            self.assertEqual(attachment.file_size, source["ContentLength"])
            self.assertEqual(attachment.raw, requests.get(source["Url"], timeout=10).content)
            owner = (messages.get(source["EmailId"] or source["InteractionRecordId"])
                     or events.get(source["InteractionRecordId"])
                     or task_records.get(source["TaskId"])
                     or self.leads.get(source["DealId"]) or self.partners.get(source["ContactId"]))
            if owner._name == "mail.message":
                self.assertIn(attachment, owner.attachment_ids)
                self.assertEqual((attachment.res_model, attachment.res_id), (owner.model, owner.res_id))
            else:
                self.assertEqual((attachment.res_model, attachment.res_id), (owner._name, owner.id))
            kinds.add(owner._name)
        self.assertLessEqual({"mail.message", "crm.lead", "res.partner"}, kinds)
        phase = self.phase(self.first_run, "attachments")
        size = sum(records[a].file_size for a in records)
        self.assertIn(f"{len(records)} files stored", phase.notice)
        self.assertTrue(size)

    def test_nothing_is_sent_and_every_new_message_is_journaled(self):
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), self.mails_before)
        new = self.env["mail.message"].search([("id", ">", self.messages_before)])
        journaled = self.env["crm.migration.journal"].search([
            ("run_id", "=", self.first_run.id), ("res_model", "=", "mail.message"),
            ("operation", "=", "create")]).mapped("res_id")
        self.assertTrue(new)
        self.assertEqual(set(new.ids), set(journaled))
        self.assertFalse(self.env["mail.notification"].search([("mail_message_id", "in", new.ids)]))

    def test_second_run_changes_nothing_then_updates_what_changed(self):
        counts = {model: self.env[model].with_context(active_test=False).search_count([])
                  for model in ("mail.message", "mail.activity", "calendar.event", "ir.attachment",
                                "res.partner")}
        second = self.migrate()
        for key in HISTORY:
            phase = self.phase(second, key)
            self.assertEqual((phase.created, phase.updated, phase.failed), (0, 0, 0), key)
        self.assertEqual(counts, {model: self.env[model].with_context(active_test=False).search_count([])
                                  for model in counts})
        self.assertFalse(self.env["crm.migration.journal"].search(
            [("run_id", "=", second.id), ("operation", "in", ("create", "write"))]))
        changed = self.sandbox.mutate(entity="InteractionRecords", touch=2)["touched"]
        third = self.migrate()
        self.assertEqual(self.phase(third, "interactions").updated, 2)
        self.assertEqual(self.phase(third, "interactions").created, 0)
        records = {**self.records_of("mail.message", "InteractionRecords"),
                   **self.records_of("calendar.event", "InteractionRecords")}
        for item_id in changed:
            record = records[item_id]
            self.assertIn("Editado pela sandbox", record.body if record._name == "mail.message"
                          else record.description)


    def test_a_task_done_since_closes_its_activity_and_is_logged(self):
        activities = self.records_of("mail.activity", "Tasks")
        task = next(t for t in self.tasks.values() if t["Id"] in activities)
        activity = activities[task["Id"]]
        run = self.profile()
        staged = self.env["crm.migration.record"].search([
            ("source_id", "=", self.source.id), ("entity", "=", "Tasks"),
            ("source_key", "=", str(task["Id"]))])
        finished = "2025-06-30T18:45:00-03:00"
        staged.payload = dict(staged.payload, Finished=True, FinishDate=finished,
                              FinisherId=task["OwnerId"])
        self.migrate(run)
        message = self.records_of("mail.message", "Tasks")[task["Id"]]
        self.assertFalse(activity.active)
        self.assertEqual(message.date, utc(finished))
        self.assertEqual(message.author_id, self.odoo_users[task["OwnerId"]].partner_id)
        self.assertEqual(self.phase(run, "tasks").created, 1)
        run.action_rollback()
        run._run_to_end()
        self.assertTrue(activity.active)
        self.assertFalse(message.exists())

    def test_fallback_owner_takes_held_tasks_but_never_authors(self):
        fallback = self.env["res.users"].create({"name": "Fallback", "login": "fallback.owner"})
        self.source.fallback_user_id = fallback
        second = self.migrate()
        activities = self.records_of("mail.activity", "Tasks")
        held = [t for t in self.tasks.values() if not t["Finished"] and t["OwnerId"] not in self.odoo_users]
        self.assertTrue(held)
        self.assertEqual(self.phase(second, "tasks").created, len(held))
        self.assertEqual(self.phase(second, "tasks").skipped, 0)
        for task in held:
            self.assertEqual(activities[task["Id"]].user_id, fallback)
            self.assertTrue(self.issues(second, "unmatched_owner", task["Id"]))
        messages = self.env["mail.message"].search([("author_id", "=", fallback.partner_id.id)])
        self.assertFalse(messages)


class TestPloomesTasksShapedAsTheDocSays(HistoryCase):
    """Tasks without ``OwnerId``, their people only in ``Users[]`` (API doc §3.8, §6.7)."""

    sandbox_options = {"seed": 28, "scale": 60}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox.generator.ownerless_tasks = 1.0
        cls.tasks = cls.by_id("Tasks")
        cls.load_history()
        cls.open_tasks = [task for task in cls.tasks.values() if not task["Finished"]]

    def matched(self, task, odoo_users=None):
        """The Odoo users of a task's assignees, in their order."""
        odoo_users = self.odoo_users if odoo_users is None else odoo_users
        return [odoo_users[row["UserId"]] for row in task["Users"] if row["UserId"] in odoo_users]

    def names(self, task, but=None):
        """Source names of a task's assignees, those of Odoo user ``but`` left out."""
        return [self.source_users[row["UserId"]]["Name"] for row in task["Users"]
                if but is None or self.odoo_users.get(row["UserId"]) != but]

    def test_an_open_task_is_its_first_matched_assignees_activity_or_held(self):
        activities = self.records_of("mail.activity", "Tasks")
        cases, held = set(), 0
        for task in self.open_tasks:
            self.assertNotIn("OwnerId", task)
            users = self.matched(task)
            if not users:
                held += 1
                self.assertNotIn(task["Id"], activities)
                issues = self.issues(self.first_run, "no_assignee", task["Id"])
                self.assertTrue(issues)
                for issue in issues:  # one of validation, one of the load
                    self.assertEqual(issue.level, "error")
                    self.assertNotIn("None", issue.message)
                    self.assertIn(f"({', '.join(self.names(task))})", issue.message)
                cases.add("held")
                continue
            activity = activities[task["Id"]]
            self.assertEqual(activity.user_id, users[0])
            self.assertEqual(activity.summary, " ".join(task["Title"].split()))
            if task["Users"][0]["UserId"] not in self.odoo_users:
                cases.add("a later assignee")
            others = self.names(task, but=users[0])
            if others:
                self.assertIn(f"Also assigned to {', '.join(others)}.", words(activity.note))
                cases.add("others named")
            else:
                self.assertNotIn("Also assigned", words(activity.note))
        self.assertEqual(cases, {"held", "a later assignee", "others named"})
        self.assertEqual(self.phase(self.first_run, "tasks").skipped, held)

    def test_a_fallback_owner_releases_held_tasks_on_the_next_run(self):
        fallback = self.env["res.users"].create({"name": "Fallback", "login": "fallback.assignee"})
        self.source.fallback_user_id = fallback
        second = self.migrate()
        activities = self.records_of("mail.activity", "Tasks")
        held = [task for task in self.open_tasks if not self.matched(task)]
        self.assertEqual(self.phase(second, "tasks").created, len(held))
        self.assertEqual(self.phase(second, "tasks").skipped, 0)
        for task in self.open_tasks:
            self.assertEqual(activities[task["Id"]].user_id, (self.matched(task) or [fallback])[0])
        for task in held:
            issues = self.issues(second, "unmatched_owner", task["Id"])
            self.assertTrue(issues)
            for issue in issues:
                self.assertIn(f"None of its assignees ({', '.join(self.names(task))}) has an "
                              "Odoo user: assigned to Fallback.", issue.message)

    def test_matching_an_assignee_releases_its_tasks_on_the_next_run(self):
        held = [task for task in self.open_tasks if not self.matched(task)]
        user_id = next(row["UserId"] for task in held for row in task["Users"]
                       if self.source_users[row["UserId"]].get("Email"))
        match = self.env["crm.migration.user.match"].search([
            ("source_id", "=", self.source.id), ("source_key", "=", str(user_id))])
        match.action_create_user()
        odoo_users = {**self.odoo_users, user_id: match.user_id}
        second = self.migrate()
        activities = self.records_of("mail.activity", "Tasks")
        released = [task for task in held if self.matched(task, odoo_users)]
        self.assertTrue(released)
        self.assertEqual(self.phase(second, "tasks").created, len(released))
        for task in self.open_tasks:
            users = self.matched(task, odoo_users)
            if users:
                self.assertEqual(activities[task["Id"]].user_id, users[0])
            else:
                self.assertNotIn(task["Id"], activities)

    def test_a_project_task_has_all_its_matched_assignees_else_the_fallback(self):
        user_id = next(row["UserId"] for task in self.tasks.values() if self.matched(task)
                       for row in task["Users"] if row["UserId"] not in self.odoo_users
                       and self.source_users[row["UserId"]].get("Email"))
        match = self.env["crm.migration.user.match"].search([
            ("source_id", "=", self.source.id), ("source_key", "=", str(user_id))])
        match.action_create_user()
        odoo_users = {**self.odoo_users, user_id: match.user_id}
        fallback = self.env["res.users"].create({"name": "Fallback", "login": "fallback.project"})
        self.source.fallback_user_id = fallback
        self.new_map_version(task_target="project")
        self.migrate()
        records = self.records_of("project.task", "Tasks")
        self.assertEqual(set(records), set(self.tasks))
        counts = set()
        for task in self.tasks.values():
            users = self.env["res.users"].union(*self.matched(task, odoo_users))
            self.assertEqual(records[task["Id"]].user_ids, users or fallback)
            counts.add(min(len(users), 2))
        self.assertEqual(counts, {0, 1, 2})


class TestPloomesHistoryDelta(HistoryCase):
    """Delta sync (own class: it changes the sandbox)."""

    sandbox_options = {"seed": 25, "scale": 60}

    def test_delta_sync_brings_new_history(self):
        self.load_history()
        self.source.delta_sync = True
        added = {entity: self.sandbox.mutate(entity=entity, add=1)["added"][0]
                 for entity in ("InteractionRecords", "Emails")}
        self.env["crm.migration.source"]._cron_delta_sync()
        delta = self.source.run_ids.filtered(lambda r: r.mode == "delta")
        delta._run_to_end()
        self.assertEqual(delta.state, "done")
        for key, entity in (("interactions", "InteractionRecords"), ("emails", "Emails")):
            phase = self.phase(delta, key)
            self.assertEqual((phase.total, phase.created), (1, 1), key)
            records = {**self.records_of("mail.message", entity),
                       **self.records_of("calendar.event", entity)}
            self.assertIn(added[entity], records)
        self.assertEqual(self.phase(delta, "attachments").created, 0)


class TestPloomesHistoryRollback(HistoryCase):
    """Rolling a run back removes its history (own class: rollback drops the x_ fields)."""

    sandbox_options = {"seed": 24, "scale": 60}

    def test_rollback_removes_what_the_run_created(self):
        self.load_history()
        created = self.env["crm.migration.journal"].search([
            ("run_id", "=", self.first_run.id), ("operation", "=", "create"),
            ("phase", "in", HISTORY)])
        self.assertTrue(created)
        models_ = set(created.mapped("res_model"))
        self.assertLessEqual({"mail.activity", "mail.message", "calendar.event", "ir.attachment",
                              "res.partner"}, models_)
        self.first_run.action_rollback()
        self.first_run._run_to_end()
        self.assertEqual(self.first_run.state, "rolled_back")
        for entry in created:
            self.assertFalse(self.env[entry.res_model].browse(entry.res_id).exists(), entry.res_model)
        self.assertFalse(self.issues(self.first_run, "rollback_blocked"))
        self.assertFalse(self.env["crm.migration.identity"].search(
            [("source_id", "=", self.source.id), ("entity", "in", ("Tasks", "Emails", "Attachments"))]))


class TestPloomesHistoryFaults(HistoryCase):
    """A file that cannot be downloaded fails its attachment, not the run."""

    sandbox_options = {"seed": 22, "scale": 60}

    def test_a_missing_or_unreachable_file_fails_only_its_attachment(self):
        self.source.write({"retries": 1, "backoff": 0.01})
        run = self.profile()
        staged = self.env["crm.migration.record"].search(
            [("source_id", "=", self.source.id), ("entity", "=", "Attachments")], order="id")
        missing, unreachable, announced = staged.filtered(lambda rec: rec.payload["EntityId"] == 1)[:3]
        missing.payload = dict(missing.payload, Url=missing.payload["Url"] + ".gone")
        unreachable.payload = dict(unreachable.payload, Url="http://127.0.0.1:9/file.pdf")
        size = announced.payload["ContentLength"]
        announced.payload = dict(announced.payload, ContentLength=size + 1)
        self.migrate(run)
        phase = self.phase(run, "attachments")
        self.assertEqual(run.state, "done")
        self.assertEqual(phase.failed, 2)
        for rec in (missing, unreachable):
            self.assertEqual(rec.state, "failed")
            issue = self.issues(run, "download_failed", rec.source_key)
            self.assertEqual(issue.level, "error")
        loaded = self.records_of("ir.attachment", "Attachments")
        self.assertNotIn(int(missing.source_key), loaded)
        self.assertEqual(loaded[int(announced.source_key)].file_size, size)
        self.assertEqual(self.issues(run, "size_mismatch", announced.source_key).level, "warning")
        self.assertEqual(phase.created, len(loaded))
        self.assertEqual(phase.created + phase.skipped + phase.failed, phase.total)

    def test_a_file_type_comes_from_its_bytes_never_from_the_source(self):
        run = self.profile()
        staged = self.env["crm.migration.record"].search(
            [("source_id", "=", self.source.id), ("entity", "=", "Attachments")], order="id")
        by_extension = {}
        for rec in staged.filtered(lambda rec: rec.payload["EntityId"] == 1):
            by_extension.setdefault(rec.payload["FileName"].rsplit(".", 1)[-1].lower(), rec)
        pdf = by_extension["pdf"]
        text = next(by_extension[ext] for ext in ("txt", "csv", "json") if ext in by_extension)
        pdf.payload = dict(pdf.payload, ContentType="text/html")
        text.payload = dict(text.payload, ContentType="image/svg+xml")
        self.migrate(run)
        loaded = self.records_of("ir.attachment", "Attachments")
        self.assertEqual(loaded[int(pdf.source_key)].mimetype, "application/pdf")
        self.assertEqual(loaded[int(text.source_key)].mimetype, "text/plain")
        self.assertTrue(loaded[int(pdf.source_key)].raw.startswith(b"%PDF"))

    def test_the_source_sets_the_file_hosts_and_the_largest_file(self):
        self.source.write({"download_hosts": " Files.Example.com, cdn.example.net ",
                           "max_download_mb": 3})
        client = self.source._client()
        self.assertLessEqual({"files.example.com", "cdn.example.net", "127.0.0.1",
                              "stgploomescrmprd01.blob.core.windows.net"}, client.download_hosts)
        self.assertEqual(client.max_download_bytes, 3 * 1024 * 1024)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.source.max_download_mb = 0
            self.env.flush_all()


class TestPloomesProjectTasks(HistoryCase):
    """When the admin picks Project, every task is a task of the 'Ploomes tasks' project."""

    sandbox_options = {"seed": 23, "scale": 60}

    def test_tasks_become_project_tasks_with_assignees_state_and_deal_link(self):
        run = self.migrate(task_target="project")
        self.leads = self.records_of("crm.lead", "Deals")
        self.partners = self.records_of("res.partner", "Contacts")
        records = self.records_of("project.task", "Tasks")
        self.assertEqual(set(records), set(self.tasks))
        self.assertEqual(self.phase(run, "tasks").created, len(self.tasks))
        project = records[next(iter(records))].project_id
        self.assertEqual(project.name, "Ploomes tasks")
        for task_id, task in self.tasks.items():
            record = records[task_id]
            self.assertEqual(record.project_id, project)
            self.assertEqual(record.name, " ".join(task["Title"].split()))
            self.assertEqual(record.state, "1_done" if task["Finished"] else "01_in_progress")
            self.assertEqual(record.date_deadline, utc(task["DateTime"]))
            self.assertEqual(record.partner_id, self.partners.get(task["ContactId"], self.env["res.partner"]))
            assignees = {self.odoo_users[row["UserId"]] for row in task["Users"]
                         if row["UserId"] in self.odoo_users}
            self.assertEqual(set(record.user_ids), assignees)
            self.assertEqual(record.tag_ids.mapped("name"), [self.types[task["TypeId"]]])
            if task["Finished"]:
                self.assertEqual(record.date_end, utc(task["FinishDate"]))
            if task.get("DealId"):
                self.assertIn(f'data-oe-id="{self.leads[task["DealId"]].id}"', record.description)
        self.assertFalse(self.records_of("mail.activity", "Tasks"))
        self.assertFalse(self.records_of("mail.message", "Tasks"))
