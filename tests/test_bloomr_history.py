"""Bloomr's e-mails, tasks and files through its API: threaded e-mail messages, To-Do
activities or "done" messages, attachments with the downloaded bytes (the invented
Bloomr sandbox over HTTP on 127.0.0.1)."""
from collections import defaultdict
from datetime import datetime, timezone

import requests

from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools import email_normalize

from .test_bloomr import BloomrCase

HISTORY = ("emails", "tasks", "files")


def utc(text):
    """A source date-time with offset as Odoo's naive UTC datetime."""
    return datetime.fromisoformat(text).astimezone(timezone.utc).replace(tzinfo=None)


@tagged("bloomr")
class TestBloomrHistory(BloomrCase):

    sandbox_options = {"seed": 8, "scale": 80, "auth": "apikey", "paging": "page"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api = {name: cls.read_api(name) for name in (*HISTORY, "users")}
        cls.users = cls.api["users"]
        assignee = next(task["assignee_id"] for task in cls.api["tasks"].values()
                        if not task["done"])
        cls.seller = new_test_user(cls.env, "bloomr_seller", name="Bloomr Seller",
                                   email=cls.users[assignee]["email"],
                                   groups="base.group_user,sales_team.group_sale_salesman")
        cls.confirm_profile()
        cls.run_ = cls.migrate()
        cls.partners = {**cls.by_identity("contacts", "res.partner"),
                        **cls.by_identity("companies", "res.partner")}
        cls.leads = cls.by_identity("deals", "crm.lead")
        cls.matched = {int(match.source_key): match.user_id for match in cls.env[
            "crm.migration.user.match"].search([("source_id", "=", cls.source.id)])}

    @classmethod
    def read_api(cls, collection):
        """{id: record} of a collection read over HTTP, page by page, as a client would."""
        records, page = {}, 1
        while True:
            body = requests.get(f"{cls.sandbox.base_url}/{collection}",
                                params={"page": page, "per_page": 100}, timeout=10,
                                headers={"X-API-Key": cls.sandbox.credentials["key"]}).json()
            records.update((record["id"], record) for record in body["data"])
            if page >= body["meta"]["total_pages"]:
                return records
            page += 1

    def download(self, url):
        response = requests.get(url, headers={"X-API-Key": self.sandbox.credentials["key"]},
                                timeout=10)
        response.raise_for_status()
        return response.content

    def owner_of(self, item):
        """The Odoo record a history item goes on: its deal's lead, else its contact."""
        return self.leads[item["deal_id"]] if item["deal_id"] else self.partners[item["contact_id"]]

    def test_every_history_record_is_accounted_for(self):
        self.assertEqual(self.run_.state, "done")
        for key in HISTORY:
            phase = self.phase(self.run_, key)
            self.assertTrue(self.api[key], key)
            self.assertEqual(phase.total, len(self.api[key]), key)
            self.assertEqual((phase.created, phase.failed, phase.skipped),
                             (len(self.api[key]), 0, 0), key)
            self.assertEqual(phase.verified, phase.created, key)

    def test_emails_are_email_messages_by_address_on_their_deal_or_contact(self):
        messages = self.by_identity("emails", "mail.message")
        self.assertEqual(set(messages), set(self.api["emails"]))
        unknown = 0
        for key, email in self.api["emails"].items():
            message = messages[key]
            owner = self.owner_of(email).with_context(active_test=False)
            self.assertEqual((message.model, message.res_id), (owner._name, owner.id), key)
            self.assertEqual((message.message_type, message.subject, message.date),
                             ("email", email["subject"], utc(email["sent_at"])), key)
            self.assertEqual(message.author_id.email_normalized, email_normalize(email["from"]))
            self.assertEqual(set(message.partner_ids.mapped("email_normalized")),
                             {email_normalize(a) for a in email["to"] + email["cc"]}, key)
            self.assertIn(email["body_html"].split("</p>")[0][3:], message.body)
            for partner in message.author_id | message.partner_ids:
                if not partner.user_ids and partner.id not in [p.id for p in self.partners.values()]:
                    self.assertEqual(partner.name, partner.email)
                    unknown += 1
        self.assertTrue(unknown, "some addresses are unknown to Odoo: partners named by them")
        message_ids = [message.message_id for message in messages.values()]
        self.assertEqual(len(set(message_ids)), len(message_ids))
        self.assertFalse(self.env["mail.mail"].sudo().search(
            [("mail_message_id", "in", [m.id for m in messages.values()])]))

    def test_emails_of_a_thread_on_a_record_answer_its_first_email(self):
        messages = self.by_identity("emails", "mail.message")
        threads = defaultdict(list)
        for key, email in self.api["emails"].items():
            owner = self.owner_of(email)
            threads[(email["thread_id"], owner._name, owner.id)].append(messages[key])
        self.assertLess(len(threads), len(messages), "some threads have several e-mails")
        for thread in threads.values():
            first = min(thread, key=lambda message: (message.date, message.id))
            self.assertFalse(first.parent_id)
            for message in thread:
                if message != first:
                    self.assertEqual(message.parent_id, first)

    def test_open_tasks_are_todo_activities_and_done_ones_done_messages(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        activities = self.by_identity("tasks", "mail.activity")
        done = self.by_identity("tasks", "mail.message")
        self.assertEqual(set(activities) | set(done), set(self.api["tasks"]))
        by_seller = 0
        for key, task in self.api["tasks"].items():
            owner = self.owner_of(task)
            if task["done"]:
                message = done[key]
                self.assertNotIn(key, activities)
                self.assertEqual((message.model, message.res_id), (owner._name, owner.id))
                self.assertEqual((message.message_type, message.subtype_id, message.mail_activity_type_id),
                                 ("notification", self.env.ref("mail.mt_activities"), todo))
                self.assertEqual(message.date, utc(task["updated_at"]))
                assignee = self.matched.get(task["assignee_id"])
                self.assertEqual(message.author_id, assignee.partner_id if assignee else
                                 self.env["res.partner"])
                if not assignee:
                    self.assertIn(self.users[task["assignee_id"]]["email"], message.email_from)
                self.assertIn(task["title"], message.body)
                continue
            activity = activities[key]
            self.assertEqual((activity.res_model, activity.res_id), (owner._name, owner.id))
            self.assertEqual((activity.activity_type_id, activity.summary, str(activity.date_deadline)),
                             (todo, task["title"], task["due_date"]))
            user = self.matched.get(task["assignee_id"]) or self.env.ref("base.user_admin")
            self.assertEqual(activity.user_id, user)
            by_seller += user == self.seller
        self.assertTrue(by_seller and done and activities)

    def test_files_are_attachments_of_their_record_with_the_downloaded_bytes(self):
        attachments = self.by_identity("files", "ir.attachment")
        self.assertEqual(set(attachments), set(self.api["files"]))
        owners = {"contact": self.partners, "company": self.partners, "deal": self.leads}
        for key, file in self.api["files"].items():
            attachment = attachments[key]
            owner = owners[file["owner_object"]][file["owner_id"]]
            self.assertEqual((attachment.res_model, attachment.res_id, attachment.name),
                             (owner._name, owner.id, file["name"]))
            self.assertEqual(attachment.raw, self.download(file["url"]))
            self.assertEqual(attachment.file_size, file["size"])

    def test_a_second_run_changes_nothing_and_a_task_done_since_is_a_done_message(self):
        second = self.migrate()
        for key in HISTORY:
            phase = self.phase(second, key)
            self.assertEqual((phase.created, phase.updated, phase.failed), (0, 0, 0), key)
        activities = self.by_identity("tasks", "mail.activity")
        key = next(iter(activities))
        task = self.sandbox.dataset.get("tasks", key)
        before = dict(task)
        self.addCleanup(task.update, before)
        task.update(done=True, updated_at=datetime.now(timezone.utc).isoformat())
        third = self.migrate()
        self.assertEqual(self.phase(third, "tasks").created, 1)
        message = self.by_identity("tasks", "mail.message")[key]
        self.assertEqual(message.mail_activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertFalse(activities[key].active)

    def test_files_are_downloaded_again_when_their_size_changes_and_checked(self):
        attachments = self.by_identity("files", "ir.attachment")
        resized, moved = (self.sandbox.dataset.get("files", key) for key in sorted(attachments)[:2])
        for file in (resized, moved):
            self.addCleanup(file.update, dict(file))
        stamp, url = datetime.now(timezone.utc).isoformat(), moved["url"]
        resized.update(size=resized["size"] + 1, updated_at=stamp)
        moved.update(size=moved["size"] + 1, updated_at=stamp,
                     url="https://files.elsewhere.example/report.pdf")
        run = self.migrate()
        phase = self.phase(run, "files")
        self.assertEqual((phase.updated, phase.failed), (0, 1))
        self.assertIn(f"{resized['size']} bytes, {resized['size'] - 1} were downloaded",
                      self.issues(run, "size_mismatch", resized["id"]).message)
        self.assertIn("files.elsewhere.example is not an allowed file host",
                      self.issues(run, "download_failed", moved["id"]).message)
        self.assertEqual(attachments[moved["id"]].raw, self.download(url))


@tagged("bloomr")
class TestBloomrProjectTasks(BloomrCase):
    """When the admin picks Project, every Bloomr task is a task of the 'Bloomr tasks' project."""

    sandbox_options = {"seed": 14, "scale": 30, "auth": "bearer", "paging": "offset"}

    def test_tasks_become_project_tasks_with_assignee_customer_deadline_and_state(self):
        self.confirm_profile()
        run = self.migrate(task_target="project")
        tasks = {str(task["id"]): task for task in self.sandbox.records("tasks")}
        records = self.by_identity("tasks", "project.task")
        self.assertEqual(set(records), set(tasks))
        self.assertEqual(self.phase(run, "tasks").created, len(tasks))
        leads = self.by_identity("deals", "crm.lead")
        partners = self.by_identity("contacts", "res.partner")
        project = records[next(iter(records))].project_id
        self.assertEqual(project.name, "Bloomr tasks")
        for key, task in tasks.items():
            record = records[key]
            self.assertEqual((record.project_id, record.name), (project, task["title"]))
            self.assertEqual(record.state, "1_done" if task["done"] else "01_in_progress")
            self.assertEqual(str(record.date_deadline.date()), task["due_date"])
            self.assertEqual(record.user_ids, self.env.ref("base.user_admin"))  # no Bloomr user matched
            if task["deal_id"]:
                lead = leads[str(task["deal_id"])]
                self.assertEqual(record.partner_id, lead.partner_id)
                self.assertIn(f'data-oe-id="{lead.id}"', record.description)
            else:
                self.assertEqual(record.partner_id, partners[str(task["contact_id"])])
            if task["done"]:
                self.assertEqual(record.date_end, utc(task["updated_at"]))
        self.assertEqual(self.migrate().phase_ids.filtered(
            lambda p: p.kind == "load" and p.key == "tasks").created, 0)
