"""The Migration app: its own home-screen icon, a dashboard of the runs of every source
(records loaded, failures, errors, duration) and a chart of records per phase."""
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools import file_open

from .common import SandboxCase

VIEWER = "base.group_user,crm_migration.group_crm_migration_user"


@tagged("post_install", "-at_install")
class TestDashboard(SandboxCase):

    sandbox_options = {"seed": 31, "scale": 20}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.viewer = new_test_user(cls.env, "dash_viewer", groups=VIEWER)
        cls.idle_run = cls.env["crm.migration.run"].create({"source_id": cls.source.id})

    def add_phases(self, run, *rows):
        """Phases of ``run`` from (kind, key, created, linked, updated, failed) rows."""
        return self.env["crm.migration.run.phase"].create([{
            "run_id": run.id, "kind": kind, "key": key, "name": key.title(), "sequence": seq,
            "state": "done", "created": created, "linked": linked, "updated": updated,
            "failed": failed,
        } for seq, (kind, key, created, linked, updated, failed) in enumerate(rows, start=1)])

    # -- the app -----------------------------------------------------------------------

    def test_migration_is_an_app_whose_landing_page_is_the_dashboard(self):
        root = self.env.ref("crm_migration.menu_crm_migration_root")
        self.assertFalse(root.parent_id, "Migration is no longer a submenu of CRM")
        self.assertEqual(root.web_icon, "crm_migration,static/description/icon.png")
        with file_open("crm_migration/static/description/icon.png", "rb") as icon:
            self.assertEqual(icon.read(8), b"\x89PNG\r\n\x1a\n")
        self.assertEqual(root.groups_id, self.env.ref("crm_migration.group_crm_migration_user"))
        menus = self.env["ir.ui.menu"].with_user(self.viewer).load_web_menus(debug=False)
        self.assertIn(root.id, menus["root"]["children"], "on the viewer's home screen")
        app = menus[root.id]
        self.assertEqual(app["webIconData"][:len("data:image/png")], "data:image/png")
        landing = self.env["ir.actions.act_window"].browse(app["actionID"])
        self.assertEqual(landing, self.env.ref("crm_migration.action_run_dashboard"))
        self.assertEqual(landing.view_mode.split(",")[0], "kanban")
        kept = ("menu_crm_migration_setup", "menu_crm_migration_runs", "menu_crm_migration_sources",
                "menu_crm_migration_maps", "menu_crm_migration_issues")
        for xmlid in kept:
            self.assertEqual(self.env.ref(f"crm_migration.{xmlid}").parent_id, root, xmlid)
        chart = self.env.ref("crm_migration.menu_crm_migration_phase_graph")
        self.assertEqual(chart.parent_id.parent_id, root)
        self.assertEqual(chart.action, self.env.ref("crm_migration.action_run_phase_graph"))

    def test_viewer_loads_the_dashboard_and_the_chart(self):
        Run = self.env["crm.migration.run"].with_user(self.viewer)
        dashboard = self.env.ref("crm_migration.action_run_dashboard")
        views = Run.get_views([(v.view_id.id, v.view_mode) for v in dashboard.view_ids]
                              + [(False, "list"), (False, "form"), (False, "search")])["views"]
        kanban = views["kanban"]["arch"]
        for attribute in ('default_group_by="source_id"', 'quick_create="0"',
                          'records_draggable="0"', 'group_create="0"'):
            self.assertIn(attribute, kanban)
        for name in ("loaded_count", "failed_count", "error_count", "duration", "progress", "job"):
            self.assertIn(f'name="{name}"', kanban)
        self.assertIn('name="action_view_phase_graph"', kanban)
        self.assertIn('name="loaded_count" type="measure"', views["graph"]["arch"])
        self.add_phases(self.idle_run, ("load", "people", 3, 1, 0, 2))
        card = Run.browse(self.idle_run.id).web_read({
            name: {} for name in ("loaded_count", "failed_count", "error_count", "duration")})[0]
        self.assertEqual((card["loaded_count"], card["failed_count"]), (4, 2))

        Phase = self.env["crm.migration.run.phase"].with_user(self.viewer)
        chart = self.env.ref("crm_migration.action_run_phase_graph")
        views = Phase.get_views([(v.view_id.id, v.view_mode) for v in chart.view_ids]
                                + [(chart.search_view_id.id, "search")])["views"]
        graph = views["graph"]["arch"]
        for measure in ("created", "linked", "updated", "failed"):
            self.assertIn(f'name="{measure}" type="measure"', graph)
            self.assertIn(f'name="{measure}" type="measure"', views["pivot"]["arch"])
        self.assertIn('<field name="name"/>', graph)
        self.assertIn('filter name="load"', views["search"]["arch"])

    # -- the figures -------------------------------------------------------------------

    def test_loaded_counts_only_the_load_phases_and_is_stored(self):
        self.assertEqual(self.idle_run.loaded_count, 0)
        self.add_phases(self.idle_run, ("load", "companies", 10, 2, 1, 0),
                        ("load", "people", 5, 0, 3, 4),
                        ("validate", "people", 9, 9, 9, 9),
                        ("extract", "Contacts", 50, 0, 7, 0))
        self.assertEqual(self.idle_run.loaded_count, 10 + 2 + 1 + 5 + 0 + 3)
        self.assertEqual(self.idle_run.failed_count, 4)
        people = self.phase(self.idle_run, "people")
        people._add({"created": 2, "failed": 1})
        self.assertEqual((self.idle_run.loaded_count, self.idle_run.failed_count), (23, 5))
        self.env.flush_all()
        found = self.env["crm.migration.run"].search([("loaded_count", "=", 23)])
        self.assertEqual(found, self.idle_run, "stored: the graph and the list can sum it")
        groups = self.env["crm.migration.run"]._read_group(
            [("id", "=", self.idle_run.id)], [], ["loaded_count:sum", "failed_count:sum"])
        self.assertEqual(groups, [(23, 5)])
        people.unlink()
        self.assertEqual((self.idle_run.loaded_count, self.idle_run.failed_count), (13, 0))

    def test_a_migration_counts_what_its_load_phases_loaded(self):
        run = self.migrate()
        load = run.phase_ids.filtered(lambda p: p.kind == "load")
        loaded = sum(p.created + p.linked + p.updated for p in load)
        self.assertTrue(loaded, "the sandbox's records were loaded")
        self.assertEqual(run.loaded_count, loaded)
        self.assertEqual(run.failed_count, sum(load.mapped("failed")))
        self.assertTrue(run.duration)

    def test_duration_is_human_readable(self):
        start = fields.Datetime.to_datetime("2024-05-01 10:00:00")
        run = self.idle_run
        self.assertFalse(run.duration, "nothing ran yet")
        run.write({"started_at": start, "finished_at": start + timedelta(seconds=45)})
        self.assertEqual(run.duration, "45 s")
        run.finished_at = start + timedelta(minutes=3, seconds=20)
        self.assertEqual(run.duration, "3 min 20 s")
        run.finished_at = start + timedelta(hours=2, minutes=5, seconds=59)
        self.assertEqual(run.duration, "2 h 05 min")

    def test_duration_runs_with_the_job_and_stops_while_waiting(self):
        start = fields.Datetime.to_datetime("2024-05-01 10:00:00")
        now = start + timedelta(minutes=10)
        self.idle_run.write({"started_at": start, "last_batch_at": start + timedelta(minutes=4),
                        "job": "validate"})
        with patch.object(fields.Datetime, "now", return_value=now):
            self.idle_run.invalidate_recordset(["duration"])
            self.assertEqual(self.idle_run.duration, "10 min 0 s", "a running step: until now")
            self.idle_run.job = False
            self.assertEqual(self.idle_run.duration, "4 min 0 s", "waiting: until its last batch")

    def test_records_per_phase_of_a_run(self):
        other = self.env["crm.migration.run"].create({"source_id": self.source.id})
        mine = self.add_phases(self.idle_run, ("load", "companies", 4, 0, 0, 0),
                               ("validate", "companies", 4, 0, 0, 0))
        self.add_phases(other, ("load", "companies", 7, 0, 0, 0))
        action = self.idle_run.with_user(self.viewer).action_view_phase_graph()
        self.assertEqual(action["res_model"], "crm.migration.run.phase")
        self.assertEqual(action["view_mode"].split(",")[0], "graph")
        self.assertEqual(action["context"], {"search_default_load": 1})
        self.assertIn(self.idle_run.name, action["display_name"])
        Phase = self.env["crm.migration.run.phase"].with_user(self.viewer)
        self.assertEqual(Phase.search(action["domain"]), mine)
        self.assertEqual(Phase.search(action["domain"] + [("kind", "=", "load")]), mine[0])

