"""The admin's path in the browser: connect a source and start profiling it."""
from odoo.tests import HttpCase, tagged

from ..sandbox.ploomes import PloomesSandbox


@tagged("post_install", "-at_install")
class TestMigrationTour(HttpCase):

    def test_connect_and_profile(self):
        with PloomesSandbox(seed=41, scale=40, rate_limit=0) as sandbox:
            defaults = self.env["ir.default"]
            defaults.set("crm.migration.setup", "url", sandbox.base_url)
            defaults.set("crm.migration.setup", "api_key", sandbox.key)
            self.start_tour("/odoo", "crm_migration_tour", login="admin")
            source = self.env["crm.migration.source"].search([("name", "=", "Tour account")])
            self.assertEqual(source.url, sandbox.base_url)
            run = source.run_ids
            self.assertEqual(run.job, "extract")
            run._run_to_end()
        self.assertIn(run.state, ("profiled", "mapped"))
        self.assertTrue(run.profile_ids)
