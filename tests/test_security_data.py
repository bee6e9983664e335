"""Whose data is whose: two companies' migrations apart, staged personal data purged on
time, and the same refusals over JSON-RPC and XML-RPC as through the ORM."""
import threading
import xmlrpc.client
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.addons.base.controllers.rpc import RPC_FAULT_CODE_ACCESS_ERROR
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tests.common import new_test_user

from .common import SandboxCase

MANAGER = "base.group_user,crm_migration.group_crm_migration_manager"
VIEWER = "base.group_user,crm_migration.group_crm_migration_user"
ENGINE_MODELS = ("crm.migration.source", "crm.migration.run", "crm.migration.run.phase",
                 "crm.migration.map", "crm.migration.map.line", "crm.migration.record",
                 "crm.migration.identity", "crm.migration.journal", "crm.migration.issue",
                 "crm.migration.user.match")


class TestTwoCompanies(SandboxCase):
    """A source of a second company loads its records there; each company's migration users
    see only their own sources and everything those hold."""

    sandbox_options = {"seed": 53, "scale": 30}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main_company = cls.env.ref("base.main_company")
        cls.run_ = cls.migrate()
        cls.main_admin = new_test_user(cls.env, "mc_main", groups=MANAGER,
                                       company_id=cls.main_company.id)
        cls.other_admin = new_test_user(
            cls.env, "mc_other", groups=MANAGER, company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)])

    @classmethod
    def source_values(cls):
        cls.other_company = cls.env["res.company"].create({"name": "Filial Recife"})
        return dict(super().source_values(), company_id=cls.other_company.id)

    def test_records_load_in_the_sources_company(self):
        self.assertEqual(self.run_.state, "done")
        teams = self.records_of("crm.team", "Deals@Pipelines")
        leads = self.records_of("crm.lead", "Deals")
        self.assertTrue(teams and leads)
        self.assertEqual(self.env["crm.team"].union(*teams.values()).company_id, self.other_company)
        self.assertEqual(self.env["crm.lead"].union(*leads.values()).company_id, self.other_company)
        orders = {**self.records_of("sale.order", "Quotes"), **self.records_of("sale.order", "Orders")}
        self.assertTrue(orders)
        self.assertEqual(self.env["sale.order"].union(*orders.values()).company_id, self.other_company)

    def test_each_company_sees_only_its_own_migrations(self):
        for model in ENGINE_MODELS:
            domain = ([("id", "=", self.source.id)] if model == "crm.migration.source"
                      else [("source_id", "=", self.source.id)]
                      if "source_id" in self.env[model]._fields and self.env[model]._fields["source_id"].store
                      else [("run_id", "=", self.run_.id)] if "run_id" in self.env[model]._fields
                      else [("map_id.source_id", "=", self.source.id)])
            theirs = self.env[model].search_count(domain)
            self.assertTrue(theirs, model)
            self.assertEqual(self.env[model].with_user(self.other_admin).search_count(domain),
                             theirs, model)
            self.assertEqual(self.env[model].with_user(self.main_admin).search_count(domain), 0,
                             model)
        with self.assertRaises(AccessError):
            self.source.with_user(self.main_admin).read(["name"])
        with self.assertRaises(AccessError):
            self.run_.with_user(self.main_admin).action_rollback()


class TestRetention(SandboxCase):
    """Staged payloads (personal data) are purged on demand or after the retention period;
    reconciliations, issues and the identity map stay."""

    sandbox_options = {"seed": 54, "scale": 20}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.run_ = cls.migrate(sample=None)
        cls.manager = new_test_user(cls.env, "ret_manager", groups=MANAGER)
        cls.viewer = new_test_user(cls.env, "ret_viewer", groups=VIEWER)

    def staged(self):
        return self.env["crm.migration.record"].search_count([("source_id", "=", self.source.id)])

    def identities(self):
        return self.env["crm.migration.identity"].search_count([("source_id", "=", self.source.id)])

    def test_purge_now_keeps_the_reconciliation_and_identities(self):
        self.assertTrue(self.staged())
        identities, phases = self.identities(), self.run_.load_phase_ids.mapped("created")
        issue = self.env["crm.migration.issue"].create({
            "run_id": self.run_.id, "code": "invalid_email", "message": "Invalid e-mail",
            "payload_excerpt": '{"Email": "ana@"}'})
        with self.assertRaises(AccessError):
            self.source.with_user(self.viewer).action_purge_staged()
        staged = self.staged()
        self.source.with_user(self.manager).action_purge_staged()
        self.assertEqual(self.staged(), 0)
        self.assertFalse(issue.payload_excerpt)
        self.assertEqual(issue.message, "Invalid e-mail")
        self.assertEqual(self.identities(), identities)
        self.assertEqual(self.run_.load_phase_ids.mapped("created"), phases)
        self.assertTrue(self.source.purged_at)
        logged = self.issues(self.run_, "staged_data_purged")
        self.assertEqual(logged.level, "info")
        self.assertIn(f"{staged} source records", logged.message)
        self.assertIn("ret_manager", logged.message)
        self.assertFalse(self.env["crm.migration.spot.check"].search(
            [("run_id", "=", self.run_.id), ("source_value", "!=", False)]))

    def test_an_unfinished_run_refuses_the_purge(self):
        run = self.new_run()
        run.write({"state": "failed"})
        with self.assertRaisesRegex(UserError, f"{run.name} of {self.source.name} is not finished"):
            self.source.action_purge_staged()
        self.assertTrue(self.staged())

    def test_the_scheduler_purges_after_the_retention_period_only(self):
        self.source.retention_days = 30
        Source = self.env["crm.migration.source"]
        Source._cron_purge_staged()
        self.assertTrue(self.staged(), "finished today: kept")
        self.run_.finished_at = fields.Datetime.now() - timedelta(days=31)
        self.source.delta_sync = True
        Source._cron_purge_staged()
        self.assertTrue(self.staged(), "delta sync still on: kept")
        self.source.delta_sync = False
        self.source.retention_days = 0
        Source._cron_purge_staged()
        self.assertTrue(self.staged(), "retention 0: kept until purged by hand")
        self.source.retention_days = 30
        Source._cron_purge_staged()
        self.assertEqual(self.staged(), 0)
        self.assertIn("retention of 30 days", self.issues(self.run_, "staged_data_purged").message)


class _Capture(BaseHTTPRequestHandler):
    """Records every request it receives (the key must never arrive)."""

    def do_GET(self):
        self.server.received.append((self.path, dict(self.headers)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *_args):
        """Quiet."""


@tagged("post_install", "-at_install", "crm_migration")
class TestRpcRefusals(HttpCase):
    """Over JSON-RPC and XML-RPC, as each kind of user, on the test server: the engine's rows
    are not writable and the source's API is not reachable, and no key leaves Odoo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.capture = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
        cls.capture.received = []
        threading.Thread(target=cls.capture.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.capture.server_close)
        cls.addClassCleanup(cls.capture.shutdown)
        cls.source = cls.env["crm.migration.source"].create({
            "name": "Captured", "url": f"http://127.0.0.1:{cls.capture.server_address[1]}",
            "api_key": "Zq8-secret-key", "rate_limit": 0})
        cls.run_ = cls.env["crm.migration.run"].create({"source_id": cls.source.id})
        cls.users = {
            "internal": new_test_user(cls.env, "rpc_internal", groups="base.group_user"),
            "salesman": new_test_user(cls.env, "rpc_salesman",
                                      groups="base.group_user,sales_team.group_sale_salesman"),
            "viewer": new_test_user(cls.env, "rpc_viewer", groups=VIEWER),
            "manager": new_test_user(cls.env, "rpc_manager", groups=MANAGER),
        }

    def xmlrpc(self, user, model, method, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, list(args))

    def jsonrpc(self, user, model, method, *args):
        self.authenticate(user.login, user.login)
        return self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": model, "method": method, "args": list(args), "kwargs": {}})

    def assertRefused(self, call, *args):
        """The call fails with an access error, whichever protocol carried it."""
        if call == self.xmlrpc:
            with self.assertRaises(xmlrpc.client.Fault) as caught:
                call(*args)
            self.assertEqual(caught.exception.faultCode, RPC_FAULT_CODE_ACCESS_ERROR,
                             caught.exception.faultString)
        else:
            with self.assertRaises(JsonRpcException) as caught:
                call(*args)
            self.assertEqual(str(caught.exception), "odoo.exceptions.AccessError")

    def test_no_user_below_migration_admin_reaches_the_api_over_rpc(self):
        for name in ("internal", "salesman", "viewer"):
            user = self.users[name]
            for call in (self.xmlrpc, self.jsonrpc):
                self.assertRefused(call, user, "crm.migration.source", "action_test_connection",
                                   [self.source.id])
                self.assertRefused(call, user, "crm.migration.run", "action_profile",
                                   [self.run_.id])
        self.assertEqual(self.capture.received, [])

    def test_nobody_writes_the_engines_rows_over_rpc(self):
        manager = self.users["manager"]
        values = {"run_id": self.run_.id, "operation": "write", "res_model": "res.users",
                  "res_id": manager.id}
        for call in (self.xmlrpc, self.jsonrpc):
            self.assertRefused(call, manager, "crm.migration.journal", "create", values)
            self.assertRefused(call, manager, "crm.migration.identity", "create", {
                "source_id": self.source.id, "entity": "Contacts", "source_key": "1",
                "res_model": "res.users", "res_id": manager.id})
        self.assertFalse(self.env["crm.migration.journal"].search([("run_id", "=", self.run_.id)]))

    def test_the_key_is_read_by_settings_admins_only_over_rpc(self):
        for name in ("viewer", "manager"):
            rows = self.xmlrpc(self.users[name], "crm.migration.source", "search_read",
                               [("id", "=", self.source.id)])
            self.assertNotIn("api_key", rows[0])
            self.assertNotIn("Zq8-secret-key", str(rows))
            self.assertRefused(self.xmlrpc, self.users[name], "crm.migration.source", "read",
                               [self.source.id], ["api_key"])
