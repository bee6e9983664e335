"""Image and attachment custom fields: their files are stored in Odoo, beside the URL,
so that they outlive Ploomes' storage."""
import base64

import requests

from .common import SandboxCase

FILE_MODELS = ("res.partner", "product.template", "crm.lead")


class TestCustomFieldFiles(SandboxCase):
    sandbox_options = {"seed": 23, "scale": 40}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source.fallback_user_id = cls.env.ref("base.user_admin")
        cls.first = cls.migrate()
        cls.second = cls.migrate()

    @classmethod
    def field_files(cls):
        return cls.env["ir.attachment"].search([
            ("res_model", "in", FILE_MODELS), ("description", "=like", f"{cls.sandbox.base_url}/%")])

    def image_line(self, key):
        [line] = [line for line in self.first.map_id._lines_for(key) if line.params.get("type") == "image"]
        return line

    def served(self, url):
        answer = requests.get(url, timeout=30)
        answer.raise_for_status()
        return answer.content

    def test_a_logo_becomes_the_company_picture_its_url_kept(self):
        self.assertEqual(self.first.state, "done", self.first.error)
        target = self.image_line("companies").target
        with_logo = [p for p in self.records_of("res.partner", "Contacts").values()
                     if p.is_company and p[target]]
        self.assertTrue(with_logo)
        for partner in with_logo:
            self.assertTrue(partner[target].startswith(f"{self.sandbox.base_url}/_files/"))
            self.assertEqual(base64.b64decode(partner.image_1920), self.served(partner[target]))

    def test_a_product_photo_becomes_the_product_picture(self):
        target = self.image_line("products").target
        with_photo = [t for t in self.records_of("product.template", "Products").values() if t[target]]
        self.assertTrue(with_photo)
        for template in with_photo:
            self.assertEqual(base64.b64decode(template.image_1920), self.served(template[target]))

    def test_an_attachment_field_names_a_file_stored_on_its_record(self):
        attachments = self.records_of("ir.attachment", "Attachments")
        partners = self.records_of("res.partner", "Contacts")
        checked = 0
        for contact_id, contact in self.by_id("Contacts").items():
            for row in contact.get("OtherProperties") or []:
                if row.get("AttachmentValueId") and contact_id in partners:
                    attachment = attachments[row["AttachmentValueId"]]
                    self.assertEqual((attachment.res_model, attachment.res_id),
                                     ("res.partner", partners[contact_id].id))
                    self.assertTrue(attachment.raw)
                    checked += 1
        self.assertTrue(checked)

    def test_a_second_run_stores_nothing_twice(self):
        self.assertEqual(self.second.state, "done", self.second.error)
        self.assertFalse(self.env["crm.migration.journal"].search([
            ("run_id", "=", self.second.id), ("res_model", "in", FILE_MODELS + ("ir.attachment",)),
            ("phase", "in", ("companies", "products"))]))

    def test_a_refused_download_leaves_an_issue_and_the_url(self):
        run, key = self.second, "companies"
        line = self.image_line(key)
        obj = self.source._schema().object(key)
        partner = next(p for p in self.records_of("res.partner", "Contacts").values()
                       if p.is_company and p[line.target])
        staged = self.env["crm.migration.record"].search([
            ("source_id", "=", self.source.id), ("entity", "=", "Contacts"),
            ("source_key", "=", partner.x_ploomes_id)])
        refused = "http://169.254.169.254/latest/logo.png"
        partner.write({line.target: refused, "image_1920": False})
        requests_before = self.sandbox.stats()["requests"]
        issues = self.env["crm.migration.field.files"]._store(
            self.env[obj.loader], self.phase(run, key), obj, [line], [(staged, {}, [], partner)])
        self.assertEqual([(i["code"], i["level"], i["res_id"], i["field"]) for i in issues],
                         [("download_failed", "warning", partner.id, line.source)])
        self.assertIn("its URL is kept", issues[0]["message"])
        self.assertEqual(partner[line.target], refused)
        self.assertFalse(partner.image_1920)
        self.assertEqual(self.sandbox.stats()["requests"], requests_before)

    def test_a_picture_cleared_in_odoo_comes_back_and_its_rollback_clears_it(self):
        target = self.image_line("companies").target
        partner = next(p for p in self.records_of("res.partner", "Contacts").values()
                       if p.is_company and p[target])
        partner.image_1920 = False
        third = self.migrate()
        self.assertEqual(base64.b64decode(partner.image_1920), self.served(partner[target]))
        third.action_rollback()
        third._run_to_end()
        self.assertEqual(third.state, "rolled_back", third.error)
        self.assertFalse(self.issues(third, "rollback_blocked"))
        self.assertTrue(partner.exists())
        self.assertFalse(partner.image_1920)
        self.assertTrue(partner[target])

    def test_a_file_that_is_not_an_image_is_attached_once_and_rolled_back(self):
        run, key = self.second, "companies"
        line = self.image_line(key)
        obj = self.source._schema().object(key)
        partner = next(p for p in self.records_of("res.partner", "Contacts").values()
                       if p.is_company and p[line.target])
        staged = self.env["crm.migration.record"].search([
            ("source_id", "=", self.source.id), ("entity", "=", "Contacts"),
            ("source_key", "=", partner.x_ploomes_id)])
        url = next(a["Url"] for a in self.by_id("Attachments").values()
                   if a["ContentType"] == "application/pdf")
        partner.write({line.target: url, "image_1920": False})
        store = self.env["crm.migration.field.files"]._store
        args = (self.env[obj.loader], self.phase(run, key), obj, [line], [(staged, {}, [], partner)])
        issues = store(*args)
        self.assertEqual([i["code"] for i in issues], ["not_an_image"])
        [attachment] = self.field_files().filtered(lambda a: a.res_id == partner.id)
        self.assertEqual((attachment.res_model, attachment.mimetype), ("res.partner", "application/pdf"))
        self.assertEqual(attachment.raw, self.served(url))
        self.assertFalse(partner.image_1920)
        self.assertEqual(store(*args), [])
        self.assertEqual(self.field_files().filtered(lambda a: a.res_id == partner.id), attachment)
        run.action_rollback()
        run._run_to_end()
        self.assertEqual(run.state, "rolled_back", run.error)
        self.assertFalse(attachment.exists())
        self.assertTrue(partner.exists())
