"""Bloomr through its API: probed read-only, the profile confirmed, then migrated like any
source (the invented Bloomr sandbox over HTTP on 127.0.0.1)."""
import subprocess
import sys

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tests.common import new_test_user

from ..mapping.propose import field_name
from ..sandbox.bloomr import BloomrSandbox
from .common import SourceCase
from .test_cli import ODOO_BIN, CliCase

CORE = ("users", "tags", "pipelines", "stages", "companies", "contacts", "deals", "calls",
        "meetings")


@tagged("bloomr")
class BloomrCase(SourceCase):
    """A Bloomr sandbox (started once per class), probed and migrated in setUpClass."""

    sandbox_options = {"seed": 4, "scale": 60, "auth": "apikey", "paging": "page"}

    @classmethod
    def setUpClass(cls):
        cls.sandbox = BloomrSandbox(rate_limit=0, **cls.sandbox_options).start()
        cls.addClassCleanup(cls.sandbox.stop)
        super().setUpClass()

    @classmethod
    def source_values(cls):
        credentials = cls.sandbox.credentials
        return {"name": "Bloomr", "kind": "bloomr", "url": cls.sandbox.base_url,
                "api_key": credentials.get("key") or credentials.get("token")
                or credentials.get("password"),
                "api_user": credentials.get("user"), "token_url": credentials.get("token_url"),
                "rate_limit": 0, "batch_size": 40}

    @classmethod
    def confirm_profile(cls):
        """Probe the API, confirm what was found, and give unmatched owners the admin."""
        cls.source.action_probe_api()
        cls.source.action_confirm_api_profile()
        cls.source.fallback_user_id = cls.env.ref("base.user_admin")

    @classmethod
    def by_identity(cls, entity, model):
        """{source id: Odoo record} of what ``entity`` became in ``model``."""
        return {i.source_key: cls.env[model].browse(i.res_id)
                for i in cls.env["crm.migration.identity"].search(
                    [("source_id", "=", cls.source.id), ("entity", "=", entity),
                     ("res_model", "=", model)])}

    @classmethod
    def records(cls, collection):
        return {record["id"]: record for record in cls.sandbox.records(collection)}


class TestBloomrApi(BloomrCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.writes_before = cls.sandbox.stats()["writes"]
        cls.source.action_probe_api()
        cls.writes_after_probe = cls.sandbox.stats()["writes"]
        cls.source.action_confirm_api_profile()
        cls.source.fallback_user_id = cls.env.ref("base.user_admin")
        cls.run_ = cls.migrate()
        cls.partners = {i.source_key: cls.env["res.partner"].browse(i.res_id)
                        for i in cls.env["crm.migration.identity"].search(
                            [("source_id", "=", cls.source.id), ("res_model", "=", "res.partner")])}
        cls.leads = {i.source_key: cls.env["crm.lead"].browse(i.res_id)
                     for i in cls.env["crm.migration.identity"].search(
                         [("source_id", "=", cls.source.id), ("entity", "=", "deals")])}

    def test_the_probe_writes_nothing_and_says_what_it_found(self):
        self.assertEqual(self.writes_after_probe, self.writes_before)
        text = self.source.api_profile_text
        self.assertIn("API key in the X-API-Key header", text)
        for collection in CORE:
            self.assertRegex(text, rf"(?m)^{collection}: {len(self.sandbox.records(collection))} "
                                   r"records; paging page")
        self.assertEqual(self.source.api_profile_state, "confirmed")
        self.assertEqual(self.source.api_profile_confirmed_by, self.env.user)

    def test_every_record_is_accounted_for(self):
        self.assertEqual(self.run_.state, "done")
        for key in CORE[1:]:
            phase = self.phase(self.run_, key)
            self.assertEqual(phase.total, len(self.sandbox.records(key)), key)
            self.assertEqual(phase.created + phase.linked, phase.total, key)
            self.assertEqual(phase.failed, 0, key)
            self.assertEqual(phase.verified, phase.created + phase.linked, key)

    def test_companies_and_contacts_land_in_partners(self):
        companies, contacts = self.records("companies"), self.records("contacts")
        for key, company in companies.items():
            partner = self.partners[key]
            self.assertTrue(partner.is_company)
            self.assertEqual((partner.name, partner.x_bloomr_id, partner.vat),
                             (company["name"], key, company["cnpj"]))
            self.assertEqual(partner.website, f"https://{company['domain']}")
            self.assertEqual(partner.city, company["address"]["city"])
            self.assertEqual(partner.state_id.code, company["address"]["state"])
            self.assertEqual(partner.industry_id.name, company["industry"])
            if company["parent_id"]:
                self.assertEqual(partner.parent_id, self.partners[company["parent_id"]])
                self.assertEqual(partner.type, "other")
        with_company = 0
        for key, contact in contacts.items():
            partner = self.partners[key]
            self.assertFalse(partner.is_company)
            self.assertEqual(partner.name, f"{contact['first_name']} {contact['last_name']}")
            self.assertEqual(partner.email, contact["email"])
            if contact["company_id"]:
                with_company += 1
                self.assertEqual(partner.parent_id, self.partners[contact["company_id"]])
        self.assertTrue(with_company)

    def test_deals_land_in_opportunities_with_stage_team_customer_and_value(self):
        stages = {s["id"]: s for s in self.sandbox.records("stages")}
        pipelines = {p["id"]: p for p in self.sandbox.records("pipelines")}
        lost = 0
        for key, deal in self.records("deals").items():
            lead = self.leads[key].with_context(active_test=False)
            self.assertEqual(lead.type, "opportunity")
            self.assertEqual(lead.name, deal["title"])
            self.assertAlmostEqual(lead.expected_revenue, float(deal["amount"]), places=2)
            self.assertEqual(lead.stage_id.name, stages[deal["stage_id"]]["name"])
            self.assertEqual(lead.team_id.name, pipelines[deal["pipeline_id"]]["name"])
            self.assertEqual(lead.x_bloomr_deal_id, key)
            customer = deal["contact_id"] or deal["company_id"]
            self.assertEqual(lead.partner_id,
                             self.partners[customer] if customer else self.env["res.partner"])
            self.assertEqual(lead.active, deal["status"] != "lost")
            lost += deal["status"] == "lost"
            if deal["close_date"]:
                self.assertEqual(str(lead.date_deadline), deal["close_date"])
        self.assertTrue(lost)
        stage = self.env["crm.stage"].browse(
            self.env["crm.migration.identity"].search(
                [("source_id", "=", self.source.id), ("entity", "=", "stages")], limit=1).res_id)
        source_stage = stages[int(self.env["crm.migration.identity"].search(
            [("res_id", "=", stage.id), ("entity", "=", "stages")]).source_key)]
        self.assertEqual(stage.migration_probability, source_stage["probability"])

    def test_custom_fields_land_where_the_map_says(self):
        lines = self.run_.map_id.line_ids
        collections = {"contact": "contacts", "company": "companies", "deal": "deals"}
        checked, new_fields = set(), set()
        for definition in self.sandbox.records("custom_fields"):
            collection = collections[definition["object"]]
            line = lines.filtered(lambda l, d=definition, c=collection: l.object_key == c
                                  and l.source_path == f"custom_fields.{d['key']}")
            self.assertEqual(len(line), 1, definition)
            if line.action == "skip":
                continue
            if line.action == "new":
                self.assertEqual(line.target_field, field_name(definition["label"], "x_bloomr_cf_"))
                new_fields.add(line.target_field)
            records = self.leads if collection == "deals" else self.partners
            for key, record in self.records(collection).items():
                value = (record.get("custom_fields") or {}).get(definition["key"])
                if value in (None, "", []) or definition["type"] not in ("text", "url", "boolean"):
                    continue
                stored = records[key].with_context(active_test=False)[line.target_field]
                self.assertEqual(stored, value, (definition["key"], key))
                checked.add(definition["type"])
        self.assertEqual(checked, {"text", "url", "boolean"})
        self.assertTrue(new_fields)

        # company-only fields are shown on company forms only, contact-only ones on people's
        view = self.env["ir.ui.view"].search([
            ("key", "=", "crm_migration.migrated_fields_res_partner")])
        arch = view.arch_db
        scopes = {"company": 'invisible="not is_company"', "contact": 'invisible="is_company"'}
        for definition in self.sandbox.records("custom_fields"):
            line = lines.filtered(lambda l, d=definition: l.source_path == f"custom_fields.{d['key']}"
                                  and l.target_model == "res.partner" and l.action != "skip")
            if line and line.target_field.startswith("x_"):
                self.assertIn(f'<field name="{line.target_field}" {scopes[definition["object"]]}/>',
                              arch)
        self.assertIn('<field name="x_bloomr_id" readonly="1"/>', arch)

    def test_calls_are_phone_calls_with_duration_outcome_and_links(self):
        self.assertIn("crm.phonecall", self.env, "the test database has OCA crm_phonecall")
        calls = self.by_identity("calls", "crm.phonecall")
        self.assertEqual(set(calls), set(self.records("calls")))
        self.assertEqual(self.phase(self.run_, "call_notes").state, "skipped")
        for key, call in self.records("calls").items():
            phonecall = calls[key]
            self.assertAlmostEqual(phonecall.duration, call["duration_seconds"] / 60, places=2)
            self.assertEqual(phonecall.direction, {"inbound": "in", "outbound": "out"}[
                call["direction"]])
            self.assertEqual(phonecall.state,
                             "done" if call["disposition"] == "connected" else "cancel")
            self.assertIn(call["disposition"].replace("_", " "), phonecall.name)
            self.assertEqual(phonecall.partner_id, self.partners[call["contact_id"]])
            self.assertEqual(phonecall.opportunity_id,
                             self.leads[call["deal_id"]] if call["deal_id"] else self.env["crm.lead"])
            self.assertEqual(phonecall.description or False, call["notes"] or False)

    def test_meetings_are_calendar_events_with_their_attendees(self):
        events = self.by_identity("meetings", "calendar.event")
        self.assertEqual(set(events), set(self.records("meetings")))
        attended = 0
        for key, meeting in self.records("meetings").items():
            event = events[key]
            self.assertEqual(event.name, meeting["title"])
            self.assertEqual(event.location, meeting["location"])
            self.assertEqual(event.opportunity_id,
                             self.leads[meeting["deal_id"]] if meeting["deal_id"] else self.env["crm.lead"])
            expected = {self.partners[a["contact_id"]] for a in meeting["attendees"] if a["contact_id"]}
            self.assertLessEqual(expected, set(event.partner_ids))
            attended += bool(expected)
        self.assertTrue(attended)
        self.assertFalse(self.env["mail.mail"].sudo().search(
            [("model", "=", "calendar.event"), ("res_id", "in", [e.id for e in events.values()])]))

    def test_roles_are_proposed_as_sales_rights_the_admin_applies(self):
        matches = {m.source_key: m for m in self.source.user_match_ids}
        expected = {"admin": "admin", "manager": "all", "rep": "own"}
        users = self.sandbox.records("users")
        self.assertEqual({u["role"] for u in users}, set(expected))
        for user in users:
            match = matches[str(user["id"])]
            self.assertEqual((match.source_role, match.sales_access, match.sales_access_applied),
                             (user["role"], expected[user["role"]], False))
        by_role = {role: next(matches[str(u["id"])] for u in users if u["role"] == role)
                   for role in expected}
        rep, manager, admin = by_role["rep"], by_role["manager"], by_role["admin"]
        portal = new_test_user(self.env, "bloomr_portal", groups="base.group_portal")
        rep.user_id = portal
        with self.assertRaisesRegex(UserError, "internal Odoo users only"):
            rep.action_apply_sales_access()
        self.assertFalse(rep.sales_access_applied)

        rep.user_id = new_test_user(self.env, "bloomr_rep", groups="base.group_user")
        manager.user_id = False
        manager.action_create_user()  # creating the user applies its rights
        admin.user_id = new_test_user(self.env, "bloomr_admin", groups="base.group_user")
        admin.sales_access = "all"  # the admin lowers the proposal before applying it
        (rep | admin).action_apply_sales_access()
        sales = {key: self.env.ref(f"sales_team.group_sale_{key}")
                 for key in ("salesman", "salesman_all_leads", "manager")}
        for match, has in ((rep, "salesman"), (manager, "salesman_all_leads"),
                           (admin, "salesman_all_leads")):
            self.assertTrue(match.sales_access_applied)
            self.assertIn(sales[has], match.user_id.groups_id)
        self.assertNotIn(sales["salesman_all_leads"], rep.user_id.groups_id)
        self.assertNotIn(sales["manager"], admin.user_id.groups_id)
        self.assertEqual(manager.user_id.login, manager.email.lower())

        # matching the users again keeps applied rights; another Odoo user needs them again
        self.env["crm.migration.loader.users"]._match_all(self.source)
        self.assertEqual((admin.sales_access, admin.sales_access_applied), ("all", True))
        admin.user_id = rep.user_id
        self.assertFalse(admin.sales_access_applied)

    def test_one_tag_taxonomy_makes_every_tag_a_crm_tag_too(self):
        names = {" ".join(tag["name"].split()) for tag in self.sandbox.records("tags")}
        self.assertEqual(self.phase(self.run_.phase_ids[:1].run_id, "shared_deal_tags").state,
                         "skipped")  # without the option
        self.new_map_version(shared_tags=True)
        run = self.migrate()
        phase = self.phase(run, "shared_deal_tags")
        self.assertEqual((phase.state, phase.total, phase.failed), ("done", len(names), 0))
        tags = self.by_identity("tags#deals", "crm.tag")
        self.assertEqual({tag.name for tag in tags.values()}, names)
        self.assertLessEqual(names, set(self.env["crm.tag"].search([]).mapped("name")))
        self.assertLessEqual(names, set(self.env["res.partner.category"].search([]).mapped("name")))

    def test_a_second_run_changes_nothing(self):
        second = self.migrate()
        for key in CORE[1:]:
            phase = self.phase(second, key)
            self.assertEqual((phase.created, phase.updated, phase.failed), (0, 0, 0), key)


class TestBloomrProbeRules(BloomrCase):
    sandbox_options = {"seed": 5, "scale": 20, "auth": "session", "paging": "cursor"}

    def test_nothing_is_read_before_the_profile_is_confirmed(self):
        refused = self.profile()
        self.assertEqual(refused.state, "failed")
        self.assertIn("not profiled and confirmed yet", refused.error)
        self.assertFalse(self.env["crm.migration.record"].search_count(
            [("source_id", "=", self.source.id)]))
        with self.assertRaisesRegex(UserError, "no usable profile"):
            self.source.action_confirm_api_profile()
        self.source.action_probe_api()
        self.assertEqual(self.source.api_profile_state, "usable")
        self.assertIn("session after a login call", self.source.api_profile_text)
        self.source.action_confirm_api_profile()
        refused.action_resume()
        refused._run_to_end()
        self.assertEqual(refused.state, "profiled")

    def test_a_refused_key_makes_an_unusable_profile_and_moving_the_source_resets_it(self):
        self.source.api_key = "wrong-password"
        self.source.action_probe_api()
        self.assertEqual(self.source.api_profile_state, "unusable")
        self.assertNotIn("wrong-password", self.source.api_profile_text)
        self.source.api_key = self.sandbox.credentials["password"]
        self.source.action_probe_api()
        self.source.action_confirm_api_profile()
        self.source.url = self.sandbox.base_url + "/"
        self.assertEqual(self.source.api_profile_state, "none")

    def test_the_wizard_probes_and_opens_the_profile_to_confirm(self):
        credentials = self.sandbox.credentials
        wizard = Form(self.env["crm.migration.setup"])
        wizard.kind = "bloomr"
        self.assertEqual(wizard.name, "Bloomr account")
        wizard.url = self.sandbox.base_url
        wizard.api_user = credentials["user"]
        wizard.api_key = "wrong-password"
        with self.assertRaisesRegex(UserError, "Nothing usable was found") as caught:
            wizard.save().action_connect()
        self.assertNotIn("wrong-password", str(caught.exception))
        wizard.api_key = credentials["password"]
        action = wizard.save().action_connect()
        source = self.env["crm.migration.source"].browse(action["res_id"])
        self.assertEqual((action["res_model"], source.kind, source.api_profile_state),
                         ("crm.migration.source", "bloomr", "usable"))
        self.assertEqual(source.api_user, credentials["user"])

    def test_only_migration_admins_probe_and_nobody_writes_the_profile(self):
        viewer = new_test_user(self.env, "bl_viewer",
                               groups="base.group_user,crm_migration.group_crm_migration_user")
        manager = new_test_user(self.env, "bl_manager",
                                groups="base.group_user,crm_migration.group_crm_migration_manager")
        with self.assertRaises(AccessError):
            self.source.with_user(viewer).action_probe_api()
        with self.assertRaises(AccessError):
            self.source.with_user(manager).write(
                {"api_profile": {"base_url": "https://attacker.example.com"}})
        self.source.with_user(manager).action_probe_api()
        self.assertEqual(self.source.api_profile["base_url"], self.sandbox.base_url)


class TestBloomrCli(CliCase):
    """``odoo-bin crm_migration profile`` and ``run --source bloomr``, as ops run them."""

    def command(self, name, sandbox, *args):
        credentials = sandbox.cli_flags()
        result = subprocess.run(
            [sys.executable, str(ODOO_BIN), f"--addons-path={self.addons}", "crm_migration", name,
             "-c", self.config, "-d", self.database, "--source", "bloomr",
             "--url", sandbox.base_url, "--rate-limit", "0", *credentials, *args],
            capture_output=True, text=True, timeout=600, check=False)
        return result.returncode, result.stdout, result.stderr

    def test_profile_prints_the_auth_and_paging_styles_or_fails_with_the_reason(self):
        with BloomrSandbox(seed=6, scale=120, auth="bearer", paging="link", rate_limit=0) as sandbox:
            code, out, err = self.command("profile", sandbox)
            self.assertEqual(code, 0, err)
            self.assertIn("Auth: Bearer token in the Authorization header", out)
            self.assertRegex(out, r"(?m)^contacts: 120 records; paging link")
            self.assertEqual(sandbox.stats()["writes"], 0)
            code, out, err = self.command("profile", sandbox, "--token", "wrong-token")
        self.assertEqual(code, 1, out + err)
        self.assertIn("Usable: no", out)
        self.assertNotIn("wrong-token", out + err)

    def test_run_migrates_headless_with_the_proposed_map(self):
        with BloomrSandbox(seed=7, scale=20, auth="basic", paging="offset", rate_limit=0) as sandbox:
            code, out, err = self.command("run", sandbox, "--accept-proposed-map",
                                          "--fallback-user", "admin")
        self.assertEqual(code, 0, err)
        self.assertIn("API profile confirmed.", out)
        self.assertRegex(out, r"(?m)^Contacts\s+20\s+20\s")
        self.assertRegex(out, r"(?m)^Deals\s+10\s+10\s")
        self.assertRegex(out, r"(?m)^Calls\s+0\s.*Skipped: crm_phonecall not installed")
        self.assertRegex(out, r"(?m)^Calls as notes\s+20\s+20(\s+0){5}\s+20$")
