"""The addon installs on CRM alone and sets up its schedule, security and sequence."""
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase


class TestInstall(TransactionCase):

    def test_only_crm_contacts_mail_calendar_are_required(self):
        module = self.env["ir.module.module"].search([("name", "=", "crm_migration")])
        self.assertEqual(module.state, "installed")
        self.assertEqual(set(module.dependencies_id.mapped("name")), {"crm", "contacts", "mail", "calendar"})

    def test_schedulers_exist(self):
        self.assertTrue(self.env.ref("crm_migration.ir_cron_process_runs").active)
        self.assertTrue(self.env.ref("crm_migration.ir_cron_delta_sync").active)

    def test_api_key_is_readable_only_by_administrators(self):
        source = self.env["crm.migration.source"].create(
            {"name": "S", "url": "http://127.0.0.1:1", "api_key": "secret"})
        manager = self.env["res.users"].create({
            "name": "Migration manager", "login": "migration.manager",
            "groups_id": [(6, 0, [self.env.ref("crm_migration.group_crm_migration_manager").id,
                                  self.env.ref("base.group_user").id])],
        })
        self.assertEqual(source.api_key, "secret")
        self.assertNotIn("api_key", source.with_user(manager).fields_get())
        with self.assertRaises(AccessError):
            source.with_user(manager).read(["api_key"])

    def test_runs_are_numbered(self):
        source = self.env["crm.migration.source"].create({"name": "S", "url": "http://127.0.0.1:1"})
        run = self.env["crm.migration.run"].create({"source_id": source.id})
        self.assertTrue(run.name.startswith("MIG/"))
