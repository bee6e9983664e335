"""One "Migrated fields" page per form however many sources, source ids read-only and
per account, generated labels in both languages; rollback takes its fields off the page."""
from .common import SandboxCase

PAGE_KEY = "crm_migration.migrated_fields_res_partner"


class TestMigratedFieldsPage(SandboxCase):
    sandbox_options = {"seed": 5, "scale": 20}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("pt_BR")

    def migrate_source(self, source):
        """The admin's happy path for another ``source`` (its map confirmed as proposed)."""
        run = self.env["crm.migration.run"].create({"source_id": source.id})
        run.action_profile()
        run._run_to_end()
        run.action_confirm_map()
        run.action_validate()
        run._run_to_end()
        run.action_start()
        run._run_to_end()
        self.assertEqual(run.state, "done")
        return run

    def pages(self):
        return self.env["ir.ui.view"].with_context(active_test=False).search(
            [("model", "=", "res.partner"), ("key", "=like", "crm_migration.migrated_fields_%")])

    def rollback(self, run):
        run.action_rollback()
        run._run_to_end()
        self.assertEqual(run.state, "rolled_back")
        self.assertFalse(self.issues(run, "rollback_blocked").mapped("message"))

    def test_two_accounts_share_one_page_and_keep_their_own_ids(self):
        # a page of an earlier version (one per source) is replaced by the shared one
        old = self.env["ir.ui.view"].create({
            "name": "old page", "key": f"crm_migration.migrated_fields_{self.source.id}_res_partner",
            "model": "res.partner", "inherit_id": self.env.ref("base.view_partner_form").id,
            "mode": "extension", "arch_db": '<data><xpath expr="//sheet/notebook" position="inside">'
            '<page string="Migrated fields" name="crm_migration_fields"><group><field name="ref"/>'
            "</group></page></xpath></data>"})
        first = self.migrate()
        self.assertFalse(old.exists())
        second_source = self.env["crm.migration.source"].create(
            dict(self.source_values(), name="Second account"))
        second = self.migrate_source(second_source)

        own_id = f"x_ploomes_id_{second_source.id}"
        line = second.map_id.line_ids.filtered(
            lambda l: l.object_key == "people" and l.converter == "source_id")
        self.assertEqual((line.action, line.target_field, line.new_field_label),
                         ("new", own_id, "Ploomes ID (Second account)"))
        partners = {i.source_key: self.env["res.partner"].browse(i.res_id)
                    for i in self.env["crm.migration.identity"].search([
                        ("source_id", "=", second_source.id), ("res_model", "=", "res.partner"),
                        ("entity", "=", "Contacts")])}
        self.assertTrue(partners)
        for key, partner in partners.items():
            self.assertEqual((partner[own_id], partner.x_ploomes_id), (key, False))

        page = self.pages()
        self.assertEqual(page.key, PAGE_KEY)
        arch = page.arch_db
        self.assertIn('<group string="Sandbox">', arch)
        self.assertIn('<group string="Second account">', arch)
        self.assertRegex(arch, r'<field name="x_ploomes_id"[^>]* readonly="1"/>')
        self.assertRegex(arch, rf'<field name="{own_id}"[^>]* readonly="1"/>')
        self.assertRegex(arch, r'<field name="x_ploomes_legal_name" invisible="not is_company"/>')
        form = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertEqual(form.count('name="crm_migration_fields"'), 1)
        self.assertIn('string="Migrated fields"', form)

        # labels and the page title in both languages
        partner_pt = self.env["res.partner"].with_context(lang="pt_BR")
        self.assertIn('string="Campos migrados"', partner_pt.get_view(view_type="form")["arch"])
        labels = partner_pt.fields_get(["x_ploomes_id", own_id, "x_ploomes_birthday",
                                        "x_ploomes_status"], ["string"])
        self.assertEqual({name: value["string"] for name, value in labels.items()}, {
            "x_ploomes_id": "ID Ploomes", own_id: "ID Ploomes (Second account)",
            "x_ploomes_birthday": "Aniversário", "x_ploomes_status": "Situação (Ploomes)"})
        self.assertEqual(self.env["res.partner"].fields_get(["x_ploomes_birthday"], ["string"])[
            "x_ploomes_birthday"]["string"], "Birthday")

        # rolling back one account takes its fields off the page, then deletes them
        self.rollback(second)
        self.assertFalse(self.env["ir.model.fields"]._get("res.partner", own_id))
        self.assertEqual(self.pages(), page)
        self.assertNotIn(own_id, page.arch_db)
        self.assertIn('name="x_ploomes_id"', page.arch_db)
        self.assertIn("Campos migrados", partner_pt.get_view(view_type="form")["arch"])

        # the last one rolled back, the page goes with its fields
        self.rollback(first)
        self.assertFalse(self.pages())
        self.assertFalse(self.env["ir.model.fields"]._get("res.partner", "x_ploomes_id"))
        self.assertNotIn("crm_migration_fields",
                         self.env["res.partner"].get_view(view_type="form")["arch"])
