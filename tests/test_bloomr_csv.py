"""Bloomr through its CSV export: the files uploaded, profiled and confirmed, then migrated
like the API (same objects, same map, same Odoo fields); malformed lines reported with
their file and line; the same export again changes nothing, a later one updates."""
import csv
import io
import subprocess
import sys
import tempfile
import zipfile

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..sandbox.bloomr.dataset import Dataset
from ..sandbox.bloomr.export import export_bytes, planted_faults, write_export
from .common import SourceCase
from .test_cli import ODOO_BIN, CliCase

SEED, SCALE = 4, 60
OBJECTS = ("users", "tags", "stages", "companies", "contacts", "deals", "meetings")


def zipped(files):
    """One zip of ``{name: bytes}``, as an admin uploads an export."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def edited(data, key, column, value, encoding):
    """A CSV file's bytes with one cell of record ``key`` changed."""
    rows = list(csv.reader(io.StringIO(data.decode(encoding)), delimiter=";"))
    index = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == key:
            row[index] = value
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


@tagged("bloomr")
class TestBloomrCsv(SourceCase):
    """The sandbox's export in Latin-1 with semicolons, zipped, migrated in setUpClass."""

    @classmethod
    def source_values(cls):
        return {"name": "Bloomr export", "kind": "bloomr-csv", "rate_limit": 0,
                "batch_size": 40}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dataset = Dataset(SEED, SCALE, 0.0)
        cls.files = export_bytes(SEED, SCALE, "latin-1", ";")
        cls.source._set_export_files([("bloomr-export.zip", zipped(cls.files))])
        cls.source.action_probe_api()
        cls.source.action_confirm_api_profile()
        cls.source.fallback_user_id = cls.env.ref("base.user_admin")
        cls.run_ = cls.migrate()
        cls.partners = cls.identities("res.partner")
        cls.leads = cls.identities("crm.lead")

    @classmethod
    def identities(cls, model):
        return {i.source_key: cls.env[model].browse(i.res_id)
                for i in cls.env["crm.migration.identity"].search(
                    [("source_id", "=", cls.source.id), ("res_model", "=", model)])}

    def rows(self, collection):
        return {record["id"]: record for record in self.dataset.rows(collection)}

    def test_the_profile_says_which_file_holds_which_object(self):
        text = self.source.api_profile_text
        self.assertRegex(text, r"(?m)^contacts\.csv: contacts \(60 rows, cp1252, delimiter ';'")
        self.assertIn("ID da empresa -> company_id", text)
        self.assertIn("LinkedIn -> custom_fields.linkedin (custom field)", text)
        self.assertEqual(self.source.api_profile_state, "confirmed")

    def test_every_record_is_accounted_for(self):
        self.assertEqual(self.run_.state, "done")
        for key in OBJECTS[1:]:
            phase = self.phase(self.run_, key)
            self.assertEqual(phase.total, len(self.dataset.rows(key)), key)
            self.assertEqual(phase.created + phase.linked, phase.total, key)
            self.assertEqual((phase.failed, phase.verified),
                             (0, phase.created + phase.linked), key)
        self.assertFalse(self.issues(self.run_, "value_kept"))

    def test_companies_contacts_and_deals_land_as_through_the_api(self):
        for key, company in self.rows("companies").items():
            partner = self.partners[key]
            self.assertEqual((partner.name, partner.x_bloomr_id, partner.vat, partner.is_company),
                             (company["name"], key, company["cnpj"], True))
            self.assertEqual(partner.state_id.code, company["address"]["state"])
            if company["parent_id"]:
                self.assertEqual(partner.parent_id, self.partners[company["parent_id"]])
        for key, contact in self.rows("contacts").items():
            partner = self.partners[key]
            self.assertEqual(partner.name, f"{contact['first_name']} {contact['last_name']}")
            self.assertEqual(partner.parent_id,
                             self.partners.get(contact["company_id"], self.env["res.partner"]))
        stages = {stage["id"]: stage["name"] for stage in self.dataset.rows("stages")}
        for key, deal in self.rows("deals").items():
            lead = self.leads[key]
            self.assertAlmostEqual(lead.expected_revenue, float(deal["amount"]), places=2)
            self.assertEqual(lead.stage_id.name, stages[deal["stage_id"]])
            self.assertEqual(lead.active, deal["status"] != "lost")
            self.assertEqual(str(lead.date_deadline or "") or None, deal["close_date"])

    def test_custom_columns_land_in_fields_of_their_type(self):
        partner_fields = self.env["res.partner"]._fields
        self.assertEqual(partner_fields["x_bloomr_cf_faturamento_anual"].type, "float")
        self.assertEqual(partner_fields["x_bloomr_cf_data_de_nascimento"].type, "date")
        filled = [(key, company["custom_fields"]["faturamento_anual"])
                  for key, company in self.rows("companies").items()
                  if company["custom_fields"].get("faturamento_anual")]
        self.assertTrue(filled)
        for key, amount in filled:
            self.assertAlmostEqual(self.partners[key].x_bloomr_cf_faturamento_anual,
                                   float(amount), places=2)

    def test_the_same_export_again_changes_nothing(self):
        second = self.migrate()
        for key in OBJECTS[1:]:
            phase = self.phase(second, key)
            self.assertEqual((phase.created, phase.updated, phase.failed), (0, 0, 0), key)

    def test_a_later_export_updates_what_changed_once_profiled_again(self):
        key = next(iter(self.rows("contacts")))
        files = dict(self.files, **{"contacts.csv": edited(
            self.files["contacts.csv"], key, "Nome", "Renomeada", "latin-1")})
        self.source._set_export_files([("bloomr-export.zip", zipped(files))])
        self.assertEqual(self.source.api_profile_state, "none")
        refused = self.profile()
        self.assertIn("not profiled and confirmed yet", refused.error)
        self.source.action_probe_api()
        self.source.action_confirm_api_profile()
        later = self.migrate()
        phase = self.phase(later, "contacts")
        self.assertEqual((phase.created, phase.updated), (0, 1))
        self.assertTrue(self.partners[key].name.startswith("Renomeada "))


@tagged("bloomr")
class TestBloomrCsvFaults(SourceCase):
    """A dirty export: every malformed line is an issue naming its file and line, and
    the records of the other lines load."""

    @classmethod
    def source_values(cls):
        return {"name": "Bloomr dirty export", "kind": "bloomr-csv", "rate_limit": 0,
                "batch_size": 50}

    def test_malformed_lines_are_reported_with_file_and_line_and_the_rest_loads(self):
        faults = planted_faults(5, 30, 0.4)
        self.assertTrue(faults)
        files = export_bytes(5, 30, "utf-8", ",", dirt=0.4)
        self.source._set_export_files(sorted(files.items()))
        self.source.action_probe_api()
        for file, line, _kind in faults:
            self.assertIn(f"{file}:{line}:", self.source.api_profile_text)
        self.source.action_confirm_api_profile()
        self.source.fallback_user_id = self.env.ref("base.user_admin")
        run = self.migrate()
        messages = self.env["crm.migration.issue"].search(
            [("run_id", "=", run.id), ("step", "=", "extract")]).mapped("message")
        for file, line, _kind in faults:
            self.assertTrue(any(m.startswith(f"{file}:{line}: ") for m in messages), (file, line))
        contacts = Dataset(5, 30, 0.4).rows("contacts")
        extracted = self.phase(run, "contacts", "extract")
        lost = sum(1 for file, _l, _k in faults if file == "contacts.csv")
        self.assertEqual(extracted.done, len(contacts) - lost)

    def test_the_admin_says_which_file_holds_an_object_its_name_does_not_say(self):
        files = export_bytes(5, 30, "utf-8", ",")
        files["relatorio_2.csv"] = files.pop("contacts.csv")
        self.source._set_export_files(sorted(files.items()))
        self.source.action_probe_api()
        rows = {row.name: row for row in self.source.collection_ids}
        self.assertEqual(rows["deals.csv"].entity, "deals")
        rows["relatorio_2.csv"].entity = False
        self.source.action_confirm_api_profile()
        self.assertIn("relatorio_2.csv: not read", self.source.api_profile_text)
        rows["relatorio_2.csv"].entity = "contacts"
        self.assertEqual(self.source.api_profile_state, "usable")
        self.source.action_confirm_api_profile()
        self.assertIn("relatorio_2.csv: contacts", self.source.api_profile_text)
        self.assertIn("ID da empresa -> company_id", self.source.api_profile_text)
        self.source.fallback_user_id = self.env.ref("base.user_admin")
        run = self.migrate()
        self.assertEqual(self.phase(run, "contacts", "extract").done,
                         len(Dataset(5, 30, 0.0).rows("contacts")))

    def test_the_wizard_takes_the_files_and_opens_the_profile_to_confirm(self):
        wizard = Form(self.env["crm.migration.setup"])
        wizard.kind = "bloomr-csv"
        self.assertTrue(wizard.reads_export)
        with self.assertRaisesRegex(UserError, "Upload the CSV files"):
            wizard.save().action_connect()
        attachment = self.env["ir.attachment"].create(
            {"name": "bloomr-export.zip", "raw": zipped(export_bytes(5, 10))})
        wizard.export_file_ids.add(attachment)
        action = wizard.save().action_connect()
        source = self.env["crm.migration.source"].browse(action["res_id"])
        self.assertEqual((source.kind, source.api_profile_state), ("bloomr-csv", "usable"))
        self.assertEqual(source.export_file_ids.mapped("name"), ["bloomr-export.zip"])
        self.assertIn("deals.csv: deals", source.api_profile_text)
        only_users = self.env["ir.attachment"].create(
            {"name": "users.csv", "raw": export_bytes(5, 10)["users.csv"]})
        wizard = Form(self.env["crm.migration.setup"])
        wizard.kind = "bloomr-csv"
        wizard.export_file_ids.add(only_users)
        with self.assertRaisesRegex(UserError, "No file holds contacts, companies, deals"):
            wizard.save().action_connect()


class TestBloomrCsvCli(CliCase):
    """``crm_migration run --source bloomr-csv --file``, headless."""

    def run_cli(self, *args):
        result = subprocess.run(
            [sys.executable, str(ODOO_BIN), f"--addons-path={self.addons}", "crm_migration", "run",
             "-c", self.config, "-d", self.database, "--source", "bloomr-csv", *args],
            capture_output=True, text=True, timeout=600, check=False)
        return result.returncode, result.stdout, result.stderr

    def test_run_migrates_a_folder_export_and_says_what_is_missing(self):
        code, out, err = self.run_cli("--accept-proposed-map")
        self.assertEqual(code, 2, out + err)
        self.assertIn("pass --file EXPORT.zip", err)
        with tempfile.TemporaryDirectory() as folder:
            write_export(7, 60, folder, encoding="utf-8-sig", delimiter="tab")
            code, out, err = self.run_cli("--file", folder, "--accept-proposed-map",
                                          "--fallback-user", "admin")
            self.assertEqual(code, 0, err)
            self.assertIn("API profile confirmed.", out)
            self.assertRegex(out, r"(?m)^Contacts\s+60\s+60\s")
            self.assertRegex(out, r"(?m)^Deals\s+30\s+30\s")
            code, out, err = self.run_cli("--file", folder, "--accept-proposed-map")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"(?m)^Contacts\s+60\s+0\s+0\s+0\s+60\s")
