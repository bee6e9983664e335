"""Who may do what, as real users through the ORM: the engine's own rows, the key and
where it is sent, and what Viewers may read."""
import os
import subprocess
import sys

from psycopg2.extras import Json

import odoo
from odoo.exceptions import AccessError, ValidationError
from odoo.tests.common import new_test_user

from ..sandbox.ploomes import PloomesSandbox
from .common import SandboxCase
from .test_cli import CliCase
from .test_cli import ODOO_BIN

VIEWER = "base.group_user,crm_migration.group_crm_migration_user"
MANAGER = "base.group_user,crm_migration.group_crm_migration_manager"


class TestSecurity(SandboxCase):

    sandbox_options = {"seed": 51, "scale": 20}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.internal = new_test_user(cls.env, "sec_internal", groups="base.group_user")
        cls.viewer = new_test_user(cls.env, "sec_viewer", groups=VIEWER)
        cls.manager = new_test_user(cls.env, "sec_manager", groups=MANAGER)
        cls.settings_admin = new_test_user(cls.env, "sec_system",
                                           groups="base.group_user,base.group_system")

    def forge(self, run, operation, model, res_id, old_values=None):
        """A journal line written straight into the table, as someone with database access."""
        self.env.cr.execute("""
            INSERT INTO crm_migration_journal (run_id, phase, operation, res_model, res_id, old_values)
            VALUES (%s, 'people', %s, %s, %s, %s)
        """, (run.id, operation, model, res_id, Json(old_values) if old_values else None))

    # -- 1. the engine's rows ------------------------------------------------------------

    def test_migration_admin_cannot_write_journal_identities_or_staging(self):
        run = self.new_run()
        Journal = self.env["crm.migration.journal"]
        with self.assertRaises(AccessError):
            Journal.with_user(self.manager).create({
                "run_id": run.id, "operation": "write", "res_model": "res.users",
                "res_id": self.manager.id,
                "old_values": {"groups_id": [(4, self.env.ref("base.group_system").id)]}})
        Journal._log(run, "people", "create", "res.partner", [self.manager.partner_id.id])
        line = Journal.search([("run_id", "=", run.id)])
        self.assertEqual(line.with_user(self.manager).res_model, "res.partner")
        with self.assertRaises(AccessError):
            line.with_user(self.manager).write({"res_model": "res.users"})
        with self.assertRaises(AccessError):
            line.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            self.env["crm.migration.identity"].with_user(self.manager).create({
                "source_id": self.source.id, "entity": "Contacts", "source_key": "1",
                "res_model": "res.users", "res_id": self.manager.id})
        with self.assertRaises(AccessError):
            self.env["crm.migration.record"].with_user(self.manager).create({
                "source_id": self.source.id, "entity": "Contacts", "source_key": "1",
                "payload": {"Id": 1}, "payload_hash": "x"})

    def test_rollback_replays_only_what_a_migration_writes(self):
        run = self.new_run()
        partner = self.env["res.partner"].create({"name": "Made by the run"})
        self.env["crm.migration.journal"]._log(run, "companies", "create", "res.partner",
                                               partner.ids)
        system = self.env.ref("base.group_system")
        core_view = self.env.ref("base.view_partner_form")
        core_field = self.env["ir.model.fields"]._get("res.partner", "name")
        self.forge(run, "write", "res.users", self.manager.id, {"groups_id": [(4, system.id)]})
        self.forge(run, "write", "res.partner", self.manager.partner_id.id,
                   {"user_ids": [(6, 0, [self.settings_admin.id])]})
        self.forge(run, "create", "ir.ui.view", core_view.id)
        self.forge(run, "create", "ir.model.fields", core_field.id)
        run.action_rollback()  # the scheduler runs it as the superuser
        run._run_to_end()
        self.assertEqual(run.state, "rolled_back")
        self.assertFalse(partner.exists())
        self.env.invalidate_all()
        self.assertFalse(self.manager.has_group("base.group_system"))
        self.assertEqual(self.manager.partner_id.user_ids, self.manager)
        self.assertTrue(core_view.exists())
        self.assertTrue(core_field.exists())
        refused = self.issues(run, "rollback_refused")
        self.assertEqual(sorted(refused.mapped("res_model")),
                         ["ir.model.fields", "ir.ui.view", "res.partner", "res.users"])
        self.assertFalse(self.issues(run, "rollback_blocked"), "a refused line is reported once")
        self.assertEqual(self.phase(run, "journal", kind="rollback").failed, 4)

    def test_a_rollback_runs_with_the_rights_of_who_asked_for_it(self):
        sales_admin = new_test_user(self.env, "sec_sales_admin",
                                    groups=f"{MANAGER},sales_team.group_sale_manager")
        for user, kept in ((self.manager, True), (sales_admin, False)):
            run = self.new_run()
            lead = self.env["crm.lead"].create({"name": f"Made by {run.name}"})
            self.env["crm.migration.journal"]._log(run, "deals", "create", "crm.lead", lead.ids)
            run.with_user(user).action_rollback()
            self.assertEqual(run.rollback_user_id, user)
            run._run_to_end()  # as the scheduler does it, as the superuser
            self.assertEqual(run.state, "rolled_back", run.error_traceback)
            self.assertEqual(bool(lead.exists()), kept, user.login)
            self.assertEqual(bool(self.issues(run, "rollback_blocked")), kept, user.login)

    def test_a_rollback_stops_when_who_asked_for_it_lost_the_company(self):
        run = self.new_run()
        lead = self.env["crm.lead"].create({"name": f"Made by {run.name}"})
        self.env["crm.migration.journal"]._log(run, "deals", "create", "crm.lead", lead.ids)
        other = self.env["res.company"].create({"name": "Sec Other Company"})
        run.with_user(self.manager).action_rollback()
        self.manager.write({"company_ids": [(6, 0, other.ids)], "company_id": other.id})
        run._run_to_end()
        self.assertEqual(run.state, "failed")
        self.assertIn("may no longer work in", run.error)
        self.assertIn(self.manager.name, run.error)
        self.assertTrue(lead.exists())

    # -- 2. who may reach the API, and where the key goes -----------------------------------

    def test_only_migration_admins_reach_the_source(self):
        for user in (self.internal, self.viewer):
            with self.assertRaises(AccessError):
                self.source.with_user(user).action_test_connection()
            with self.assertRaises(AccessError):
                self.source.with_user(user).action_new_run()
        result = self.source.with_user(self.manager).action_test_connection()
        self.assertEqual(result["params"]["type"], "success")

    def test_moving_a_source_without_settings_rights_clears_its_key(self):
        source = self.env["crm.migration.source"].create(
            {"name": "Moved", "url": self.sandbox.base_url, "api_key": "secret-key"})
        source.with_user(self.manager).write({"name": "Renamed", "url": self.sandbox.base_url})
        self.assertEqual(source.sudo().api_key, "secret-key")
        source.with_user(self.settings_admin).write({"url": "https://elsewhere.example.com"})
        self.assertEqual(source.sudo().api_key, "secret-key")
        source.with_user(self.manager).write({"url": "https://attacker.example.com"})
        self.assertEqual(source.url, "https://attacker.example.com")
        self.assertFalse(source.sudo().api_key)

    # -- 3. the key as pasted ------------------------------------------------------------

    def test_key_is_stripped_and_refused_with_control_characters(self):
        source = self.env["crm.migration.source"].create(
            {"name": "Pasted", "url": self.sandbox.base_url, "api_key": f" {self.sandbox.key}\r\n"})
        self.assertEqual(source.api_key, self.sandbox.key)
        self.assertEqual(source.action_test_connection()["params"]["type"], "success")
        for key in ("Zq8forged\r\nX-Other: 1", "Zq8forged\tkey", "Zq8forged\x00"):
            with self.assertRaises(ValidationError) as caught:
                source.write({"api_key": key})
            self.assertIn("control characters", str(caught.exception))
            self.assertNotIn("Zq8", str(caught.exception))
        self.assertEqual(source.api_key, self.sandbox.key)

    # -- 4. what Viewers read -----------------------------------------------------------

    def test_viewer_sees_issues_but_not_payloads_or_old_values(self):
        run = self.new_run()
        Record = self.env["crm.migration.record"]
        Record._upsert(self.source, "Contacts", [{"Id": 7, "Name": "Confidential"}], run)
        record = Record.search([("source_id", "=", self.source.id), ("source_key", "=", "7")])
        issue = self.env["crm.migration.issue"].create({
            "run_id": run.id, "code": "invalid_email", "message": "Invalid e-mail",
            "payload_excerpt": '{"Name": "Confidential"}'})
        self.env["crm.migration.journal"]._log(run, "people", "write", "res.partner",
                                               {self.viewer.partner_id.id: {"name": "Old"}})
        line = self.env["crm.migration.journal"].search([("run_id", "=", run.id)])
        self.env.invalidate_all()
        as_viewer = issue.with_user(self.viewer)
        self.assertEqual(as_viewer.message, "Invalid e-mail")
        self.assertEqual(as_viewer.read(["level", "code"])[0]["code"], "invalid_email")
        self.assertEqual(run.with_user(self.viewer).read(["state"])[0]["state"], "draft")
        self.assertEqual(record.with_user(self.viewer).state, "pending")
        for rows, name in ((as_viewer, "payload_excerpt"), (record, "payload"),
                           (line, "old_values")):
            with self.assertRaises(AccessError):
                rows.with_user(self.viewer).read([name])
            with self.assertRaises(AccessError):
                rows.with_user(self.viewer)[name]  # noqa: B018 - the read is the test
            self.assertNotIn(name, rows.with_user(self.viewer).search_read(
                [("id", "=", rows.id)])[0])
        self.assertEqual(record.with_user(self.manager).payload["Name"], "Confidential")
        self.assertIn("Confidential", as_viewer.with_user(self.manager).payload_excerpt)


class TestCliKeyOptions(CliCase):
    """``--key``, ``--key-file``, ``--key-env``: exactly one, read and checked before anything
    runs (on the CRM-only database of ``CRM_MIGRATION_CLI_DB``, like test_cli)."""

    def cli(self, url, *args, env=None):
        command = [
            sys.executable, str(ODOO_BIN), f"--addons-path={self.addons}", "crm_migration", "run",
            "-c", self.config, "-d", self.database, "--source", "ploomes", "--url", url, *args,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600,
                              env=dict(os.environ, **(env or {})))
        return done.returncode, done.stdout, done.stderr

    def key_file(self, text):
        path = os.path.join(odoo.tools.config["data_dir"], f"key-{os.getpid()}.txt")
        self.addCleanup(lambda: os.path.exists(path) and os.remove(path))
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        return path

    def test_key_from_a_file_or_the_environment(self):
        with PloomesSandbox(seed=52, scale=20, rate_limit=0) as sandbox:
            path = self.key_file(f"{sandbox.key}\r\n")
            code, out, err = self.cli(sandbox.base_url, "--key-file", path)
            self.assertEqual(code, 2, err)  # connected, profiled, waits for the map
            self.assertIn("connected as", out)
            self.assertIn("not confirmed", err)
            code, out, err = self.cli(sandbox.base_url, "--key-env", "CRM_MIGRATION_TEST_KEY",
                                      env={"CRM_MIGRATION_TEST_KEY": f"{sandbox.key}\n"})
            self.assertEqual(code, 2, err)
            self.assertIn("connected as", out)

    def test_key_options_are_exclusive_and_checked(self):
        url = "http://127.0.0.1:9"  # nothing is sent: the options are refused first
        path = self.key_file("Zq8forged\x01key\n")
        cases = [
            ((), {}, "is read through its API: pass --url and its key (--key, --key-file or --key-env)"),
            (("--key", "k", "--key-file", path), {}, "not allowed with"),
            (("--key-env", "CRM_MIGRATION_TEST_UNSET"), {}, "CRM_MIGRATION_TEST_UNSET is not set"),
            (("--key-env", "CRM_MIGRATION_TEST_KEY"), {"CRM_MIGRATION_TEST_KEY": "Zq8forged\r\nX: 1"},
             "control characters"),
            (("--key-file", path), {}, "control characters"),
            (("--key-file", path + ".missing"), {}, "Cannot read the key file"),
        ]
        os.environ.pop("CRM_MIGRATION_TEST_UNSET", None)
        for args, env, message in cases:
            with self.subTest(args=args):
                code, _out, err = self.cli(url, *args, env=env)
                self.assertEqual(code, 2, err)
                self.assertIn(message, err)
                self.assertNotIn("Zq8", err)
