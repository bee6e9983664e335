"""Confirmed maps are read-only: "New version" copies one as a draft to change, and
confirming the copy replaces it; the runs that loaded with a version keep it."""
from odoo.exceptions import UserError

from .common import SandboxCase

CONFIRMED = "This map is confirmed: click New version to change it."


class TestMapVersions(SandboxCase):
    sandbox_options = {"seed": 23, "scale": 30}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.run_ = cls.profile()
        cls.fmap = cls.source._current_map()
        cls.fmap.write({"shared_tags": True, "order_target": "invoice"})
        cls.run_.action_confirm_map()

    def line(self, fmap, object_key="companies", path="Website"):
        return fmap.line_ids.filtered(lambda l: (l.object_key, l.source_path) == (object_key, path))

    def new_version(self, fmap=None):
        action = (fmap or self.fmap).action_new_version()
        return self.env[action["res_model"]].browse(action["res_id"])

    def test_a_confirmed_map_refuses_every_edit(self):
        line = self.line(self.fmap)
        option = self.fmap.line_ids.option_ids[:1]
        self.assertTrue(option)
        edits = [
            lambda: line.write({"action": "skip"}),
            lambda: line.action_accept(),
            lambda: line.unlink(),
            lambda: line.copy({"source_path": "Copied"}),
            lambda: option.write({"target": False}),
            lambda: option.unlink(),
            lambda: self.fmap.write({"shared_tags": False}),
            lambda: self.fmap.write({"lead_rule_line_id": self.line(self.fmap, "deals", "StatusId").id}),
        ]
        for edit in edits:
            with self.assertRaisesRegex(UserError, CONFIRMED):
                edit()
        self.assertEqual((self.fmap.state, line.action, self.fmap.shared_tags),
                         ("confirmed", "existing", True))

    def test_the_form_reads_a_confirmed_map_read_only(self):
        form = self.env["crm.migration.map"].get_view(view_type="form")["arch"]
        for name in ("line_ids", "shared_tags", "order_target", "lead_rule_line_id", "refusal_ids"):
            self.assertRegex(form, rf'<field name="{name}"[^>]*readonly="state != \'draft\'"', name)
        self.assertRegex(form, r'name="action_new_version"[^>]*invisible="state != \'confirmed\'"')
        lines = self.env["crm.migration.map.line"].get_view(
            self.env.ref("crm_migration.crm_migration_map_line_view_list").id)["arch"]
        for name in ("action", "converter", "reviewed"):
            self.assertRegex(lines, rf'<field name="{name}"[^>]*readonly="map_state != \'draft\'"', name)

    def test_a_new_version_is_a_draft_copy_and_replaces_the_confirmed_map_once_confirmed(self):
        self.assertEqual((self.run_.state, self.run_.map_id), ("mapped", self.fmap))
        new = self.new_version()
        self.assertEqual((new.state, new.version, new.source_id),
                         ("draft", self.fmap.version + 1, self.source))
        self.assertEqual(self.source._current_map(), new)
        self.assertEqual(self.source._confirmed_map(), self.fmap)
        self.assertEqual(new._export_data()["lines"], self.fmap._export_data()["lines"])
        self.assertEqual(new._option_values(), self.fmap._option_values())
        self.assertEqual(new.refusal_ids.mapped("entity"), self.fmap.refusal_ids.mapped("entity"))
        self.assertEqual(self.new_version(), new, "a second click opens the same draft")
        # the run that waited to validate waits for the new version's confirmation
        self.assertEqual((self.run_.state, self.run_.map_id.id), ("profiled", False))
        self.assertEqual(self.run_.map_to_review_count, new.to_review_count)

        self.line(new).action = "skip"
        self.assertEqual((self.fmap.state, self.line(self.fmap).action), ("confirmed", "existing"))
        self.run_.action_confirm_map()
        self.assertEqual((new.state, self.fmap.state, self.fmap.superseded_by),
                         ("confirmed", "superseded", new))
        self.assertEqual((self.run_.state, self.run_.map_id), ("mapped", new))
        self.assertEqual(self.source._confirmed_map(), new)
        with self.assertRaisesRegex(UserError, "replaced by"):
            self.line(self.fmap).action = "skip"
        with self.assertRaisesRegex(UserError, "replaced by"):
            self.fmap.action_confirm()

    def test_the_run_form_offers_a_new_version_before_loading(self):
        action = self.run_.action_new_map_version()
        new = self.env["crm.migration.map"].browse(action["res_id"])
        self.assertEqual((new.state, self.run_.state), ("draft", "profiled"))
        new.action_confirm()
        self.assertEqual((self.run_.state, self.run_.map_id), ("mapped", new))

    def test_a_run_keeps_the_version_it_loaded_with(self):
        run = self.migrate(self.run_, sample=5)
        self.assertEqual((run.state, run.map_id), ("sampled", self.fmap))
        new = self.new_version()
        self.assertEqual(run.state, "sampled", "a run that loaded keeps its map")
        self.line(new).action = "skip"
        new.action_confirm()
        self.assertEqual((run.map_id, self.fmap.state, self.line(self.fmap).action),
                         (self.fmap, "superseded", "existing"))

    def test_an_imported_map_is_a_new_version(self):
        data = self.fmap._export_data()
        imported = self.env["crm.migration.map"]._import_data(self.source, data)
        self.assertEqual((imported.state, imported.version), ("draft", self.fmap.version + 1))
        self.assertEqual(self.fmap.state, "confirmed")
