"""Loaders of Bloomr's e-mails, tasks and files, on the Ploomes history loaders: their
authors, partners of e-mail addresses, activities that become messages, downloads."""
from collections import defaultdict

from odoo import models

from ....mapping.converters import is_empty
from ....models.crm_migration_loader import Target
from ...ploomes.activities import utc_string
from ..activities import address_list, file_owner

#: Message-ID of a migrated Bloomr e-mail: stable across runs, one per e-mail and source.
MESSAGE_ID = "<bloomr.{source}.{key}@crm-migration>"


class CrmMigrationLoaderBloomrHistoryMixin(models.AbstractModel):
    """What the Bloomr history loaders share: Bloomr's contacts, where the Ploomes history
    prefetches its own."""

    _name = "crm.migration.loader.bloomr.history"
    _inherit = "crm.migration.loader.history"
    _description = "Migration Loader: Bloomr History"

    def _references(self, ctx, lines, payloads):
        refs = super()._references(ctx, lines, payloads)
        refs["contacts"].update(refs.pop("Contacts", ()))
        return refs


class CrmMigrationLoaderBloomrEmail(models.AbstractModel):
    """E-mails: messages of type e-mail by their sender's partner, to their recipients;
    those of one thread on one record answer the thread's first e-mail."""

    _name = "crm.migration.loader.bloomr.email"
    _inherit = ["crm.migration.loader.email", "crm.migration.loader.bloomr.history"]
    _description = "Migration Loader: Bloomr E-mails"

    def _transform(self, ctx, obj, lines, staged):
        ctx.prefetch_addresses([address for payload in ctx.payloads(staged).values()
                                for field in ("from", "to", "cc")
                                for address in address_list(payload.get(field))])
        return super()._transform(ctx, obj, lines, staged)

    def _shape(self, ctx, obj, payload, values):
        values["message_id"] = MESSAGE_ID.format(source=ctx.source.id, key=payload.get("id"))
        return super()._shape(ctx, obj, payload, values)

    def _after_load(self, ctx, phase, obj, items):
        """Thread the e-mails of the batch's threads, those of earlier batches included: on
        each record, a thread's first e-mail (by date) starts it, the others answer it."""
        source = phase.run_id.source_id
        threads = {ctx.payload_of(rec).get("thread_id") for rec, *_rest in items} - {None, ""}
        rows = self.env["crm.migration.record"]._payloads_with(source, obj.entity, "thread_id",
                                                               threads)
        bound = self.env["crm.migration.identity"]._resolve(
            source, obj.identity_entity, [key for key, _payload in rows])
        messages = self.env["mail.message"].browse(
            [res_id for model, res_id in bound.values() if model == "mail.message"]).exists()
        by_id = {message.id: message for message in messages}
        groups = defaultdict(list)
        for key, payload in rows:
            message = by_id.get(bound.get(key, (None, None))[1])
            if message:
                groups[(payload["thread_id"], message.model, message.res_id)].append(message)
        old = {}
        for thread in groups.values():
            first = min(thread, key=lambda message: (message.date, message.id))
            for message in thread:
                parent = first if message != first else message.browse()
                if message.parent_id != parent:
                    old[message.id] = {"parent_id": message.parent_id.id}
                    message.parent_id = parent
        self.env["crm.migration.journal"]._log(phase.run_id, phase.key, "write", obj.model, old)


class CrmMigrationLoaderBloomrTask(models.AbstractModel):
    """Tasks: open ones become To-Do activities of their assignee (else the fallback owner),
    done ones the message Odoo posts when an activity is marked done."""

    _name = "crm.migration.loader.bloomr.task"
    _inherit = ["crm.migration.loader.task", "crm.migration.loader.bloomr.history"]
    _description = "Migration Loader: Bloomr Tasks"

    def _todo_type(self):
        """Odoo's To-Do activity type, else its first generic one."""
        return self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False) or \
            self.env["mail.activity.type"].search([("res_model", "=", False)], limit=1)

    def _shape(self, ctx, obj, payload, values):
        if not values.get("res_id"):
            return Target(None, values)
        if ctx.run.map_id.task_target == "project":
            return self._bloomr_project_task(ctx, payload, values)
        values["activity_type_id"] = self._todo_type().id
        if payload.get("done"):
            return self._done_message(ctx, payload, values)
        if not values.get("user_id"):
            ctx.problem("no_assignee", self.env._(
                "Odoo activities need a user: held back until its assignee is matched to an "
                "Odoo user (or a fallback owner is set)."), "error")
            return Target(None, values)
        if not ctx.dry_run:
            values["res_model_id"] = self.env["ir.model"]._get_id(values.pop("res_model"))
        return Target("mail.activity", values)

    def _bloomr_project_task(self, ctx, payload, values):
        """A task of the 'Bloomr tasks' project: its assignee's user (else the fallback
        owner), the customer of its deal or its contact, due date and state; done ones end
        at their last update (Bloomr keeps no completion date)."""
        if ctx.dry_run:
            return Target("project.task", values)
        record = self.env[values["res_model"]].browse(values["res_id"])
        partner = record.partner_id if values["res_model"] == "crm.lead" else record
        done = bool(payload.get("done"))
        when = payload.get("updated_at") or payload.get("created_at")
        return self._project_task_of(
            ctx, values, project=self.env._("Bloomr tasks"),
            name=values.get("summary") or self.env._("Bloomr task %s", payload.get("id")),
            users={values.get("user_id") or ctx.source.fallback_user_id.id},
            partner_id=partner.id, deadline=values.get("date_deadline"), kind=None, done=done,
            date_end=utc_string(when) if done and when else False)

    def _done_message(self, ctx, payload, values):
        """A done task: the 'done' message of a To-Do activity, written by its assignee and
        dated at its last update (Bloomr keeps no completion date)."""
        when = next((payload[key] for key in ("updated_at", "created_at")
                     if not is_empty(payload.get(key))), None)
        if when is None:
            ctx.problem("no_date", self.env._("Done, but without any date."), "error")
            return Target(None, values)
        # it is assigned to no one in Odoo: what the map's user line said does not apply
        ctx.problems = [problem for problem in ctx.problems if problem.field != "assignee_id"]
        if ctx.dry_run:
            return Target("mail.message", values)
        assignee = payload.get("assignee_id")
        author_id, email_from = ctx.author(assignee) if not is_empty(assignee) else (None, None)
        model = values.pop("res_model")
        activity = self.env["mail.activity"].new({
            "res_model_id": self.env["ir.model"]._get_id(model), "res_id": values["res_id"],
            **{name: values.get(name) or False for name in ("activity_type_id", "summary", "note")}})
        body = self.env["ir.qweb"]._render("mail.message_activity_done", {
            "activity": activity, "feedback": False, "display_assignee": False,  # its author
        }, minimal_qcontext=True)
        when = utc_string(when)
        return Target("mail.message", {
            "model": model, "res_id": values["res_id"], "body": body, "date": when,
            "create_date": when, "author_id": author_id or False,
            "email_from": email_from or False, "message_type": "notification",
            "subtype_id": self.env.ref("mail.mt_activities").id,
            "mail_activity_type_id": values["activity_type_id"] or False,
        })


class CrmMigrationLoaderBloomrFile(models.AbstractModel):
    """Files: downloaded and stored on the contact, company or deal they belong to, their
    size checked against the one Bloomr gives."""

    _name = "crm.migration.loader.bloomr.file"
    _inherit = ["crm.migration.loader.attachment", "crm.migration.loader.bloomr.history"]
    _description = "Migration Loader: Bloomr Files"

    DOWNLOAD_KEYS = {"url": "url", "size": "size", "type": "content_type"}

    def _owner(self, payload):
        return file_owner(payload)

    def _after_load(self, ctx, phase, obj, items):
        """Files belong to records, never to messages (the Ploomes attachments' case)."""
