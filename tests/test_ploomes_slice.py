"""The foundation slice end to end: Ploomes users, companies and people over HTTP."""
import re

from stdnum.br import cnpj, cpf

from .common import SandboxCase


def digits(text):
    return re.sub(r"\D", "", text or "")


class TestPloomesSlice(SandboxCase):
    sandbox_options = {"seed": 11, "scale": 120}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        data = cls.sandbox.dataset
        cls.users = list(data.iter("Users"))
        cls.contacts = cls.by_id("Contacts")
        cls.states = cls.by_id("Cities@Countries@States")
        with_email = [u for u in cls.users if u.get("Email")]
        # Half the source users exist in Odoo; the others must be reconciled, never given to admin.
        cls.odoo_users = {
            u["Id"]: cls.env["res.users"].create({
                "name": u["Name"], "login": u["Email"].strip().lower(), "email": u["Email"]})
            for u in with_email[::2]
        }
        cls.env["res.lang"]._activate_lang("pt_BR")
        cls.first_run = cls.migrate()
        cls.partners = cls.records_of("res.partner", "Contacts")

    def test_run_completes_with_every_phase_done(self):
        self.assertEqual(self.first_run.state, "done")
        self.assertFalse(self.first_run.job)
        load = self.first_run.phase_ids.filtered(lambda p: p.kind == "load")
        self.assertLessEqual({"users", "contact_tags", "companies", "people"}, set(load.mapped("key")))
        self.assertEqual(set(load.filtered(lambda p: p.state != "skipped").mapped("state")), {"done"})

    def test_counts_match_the_source_exactly(self):
        companies = [c for c in self.contacts.values() if c["TypeId"] == 1]
        people = [c for c in self.contacts.values() if c["TypeId"] == 2]
        self.assertTrue(companies and people)
        for key, expected in (("companies", companies), ("people", people)):
            phase = self.phase(self.first_run, key)
            self.assertEqual(phase.total, len(expected), key)
            self.assertEqual(phase.created, len(expected), key)
            self.assertEqual(phase.failed, 0, key)
            self.assertEqual(phase.verified, len(expected), key)
        self.assertEqual(set(self.partners), set(self.contacts))
        self.assertEqual(len({p.id for p in self.partners.values()}), len(self.contacts))

    def test_every_phase_accounts_for_every_record(self):
        for phase in self.first_run.phase_ids.filtered(lambda p: p.kind == "load"):
            accounted = (phase.created + phase.linked + phase.updated + phase.unchanged
                         + phase.skipped + phase.failed)
            self.assertEqual(accounted, phase.total, phase.name)

    def test_companies_are_parents_and_people_children(self):
        with_company = 0
        for source_id, contact in self.contacts.items():
            partner = self.partners[source_id]
            self.assertEqual(partner.is_company, contact["TypeId"] == 1)
            self.assertEqual(partner.name, " ".join(contact["Name"].split()))
            company_id = contact.get("CompanyId")
            if contact["TypeId"] == 2 and company_id:
                with_company += 1
                self.assertEqual(partner.parent_id, self.partners[company_id], source_id)
            else:
                self.assertFalse(partner.parent_id, source_id)
        self.assertTrue(with_company)

    def test_cnpj_and_cpf_land_in_vat_or_the_cpf_field(self):
        checked = set()
        for source_id, contact in self.contacts.items():
            number = digits(contact.get("Register"))
            if not number:
                continue
            partner = self.partners[source_id]
            found = self.issues(self.first_run, "rejected_value", source_id)
            refused = found.filtered(lambda i: not i.superseded)
            if found:
                # found when validating already (before any record moves), then when loading
                self.assertEqual(sorted(found.mapped("step")), ["load", "validate"], source_id)
                # base_vat refused it for the partner's (foreign) country: flagged, left out.
                # Only a partner without a loaded company is given the number in vat (the
                # person of a company gets it in x_ploomes_cpf), so only such a one is refused.
                self.assertFalse(partner.parent_id, source_id)
                self.assertFalse(partner.vat, source_id)
                self.assertNotEqual(partner.country_id.code, "BR", source_id)
                self.assertEqual(refused.mapped("field"), ["vat"], source_id)
                formatted = cnpj.format(number) if len(number) == 14 else cpf.format(number)
                self.assertIn(formatted, refused.message, source_id)
                continue
            if contact["TypeId"] == 1:
                self.assertEqual(partner.vat, cnpj.format(number), source_id)
                checked.add("cnpj")
            elif contact.get("CompanyId"):
                self.assertEqual(partner.x_ploomes_cpf, cpf.format(number), source_id)
                self.assertEqual(partner.vat, self.partners[contact["CompanyId"]].vat)
                checked.add("cpf of a company contact")
            else:
                self.assertEqual(partner.vat, cpf.format(number), source_id)
                checked.add("cpf")
        self.assertEqual(checked, {"cnpj", "cpf", "cpf of a company contact"})

    def test_brazilian_fields_with_l10n_br(self):
        if "l10n_br_ie_code" not in self.env["res.partner"]._fields:
            self.skipTest("needs l10n_br (make test installs it)")
        cnpj_type = self.env.ref("l10n_br.cnpj")
        fields_ = {f["Name"]: f["Key"] for f in self.sandbox.dataset.iter("Fields")
                   if f.get("Dynamic") and f["EntityId"] == 1}
        ie_key, im_key = fields_["Inscrição Estadual"], fields_["Inscrição Municipal"]
        seen = set()
        for source_id, contact in self.contacts.items():
            partner = self.partners[source_id]
            if contact["TypeId"] != 1:
                continue
            if partner.vat:
                self.assertEqual(partner.l10n_latam_identification_type_id, cnpj_type)
                seen.add("type")
            values = {row["FieldKey"]: row["StringValue"] for row in contact.get("OtherProperties") or []}
            if values.get(ie_key):
                self.assertEqual(partner.l10n_br_ie_code, values[ie_key].strip(), source_id)
                seen.add("ie")
            if values.get(im_key):
                self.assertEqual(partner.l10n_br_im_code, values[im_key].strip(), source_id)
                seen.add("im")
        self.assertEqual(seen, {"type", "ie", "im"})

    def test_emails_phones_and_job_titles(self):
        roles = {r["Id"]: r["Name"] for r in self.sandbox.dataset.iter("Roles")}
        phones_seen = 0
        for source_id, contact in self.contacts.items():
            partner = self.partners[source_id]
            self.assertEqual(partner.email or False, (contact.get("Email") or "").strip().lower() or False)
            numbers = [digits(p["PhoneNumber"]) for p in contact.get("Phones") or []]
            stored = digits(partner.phone) + "|" + digits(partner.mobile) + "|" + digits(partner.x_ploomes_other_phones)
            for number in numbers:
                phones_seen += 1
                self.assertIn(number[-8:], stored, source_id)
            if contact["TypeId"] == 2 and contact.get("RoleId"):
                self.assertEqual(partner.function, roles[contact["RoleId"]])
        self.assertTrue(phones_seen)

    def test_addresses(self):
        for source_id, contact in self.contacts.items():
            partner = self.partners[source_id]
            if partner.parent_id and partner.type == "contact":
                continue  # Odoo gives a company contact its company's address
            if contact.get("ZipCode"):
                number = f"{int(digits(str(contact['ZipCode']))):08d}"
                self.assertEqual(partner.zip, f"{number[:5]}-{number[5:]}", source_id)
            if contact.get("StateId"):
                self.assertEqual(partner.state_id.code, self.states[contact["StateId"]]["Short"], source_id)
            if contact.get("StreetAddress"):
                self.assertIn(contact["StreetAddress"].split()[0], partner.street or "", source_id)

    def test_brazilian_partners_get_portuguese(self):
        brazil = self.env.ref("base.br")
        home = self.env.company.country_id
        for partner in self.partners.values():
            expected = "pt_BR" if (partner.country_id or home) == brazil else None
            if expected:
                self.assertEqual(partner.lang, expected, partner.display_name)
        self.assertTrue(any(p.country_id == brazil for p in self.partners.values()))
        self.assertEqual(self.migrate().phase_ids.filtered(
            lambda p: p.kind == "load" and p.key == "companies").updated, 0)

    def test_every_migrated_record_says_where_it_came_from(self):
        identities = self.env["crm.migration.identity"].search([("source_id", "=", self.source.id)])
        models_ = set(identities.mapped("res_model")) - {"mail.message", "res.users"}
        self.assertIn("res.partner", models_)
        for model in models_:
            action = self.env.ref(f"crm_migration.provenance_{model.replace('.', '_')}")
            self.assertEqual(action.binding_model_id.model, model)
            identity = identities.filtered(lambda i, m=model: i.res_model == m)[:1]
            shown = action.with_context(active_model=model, active_id=identity.res_id,
                                        active_ids=[identity.res_id]).run()
            found = self.env["crm.migration.identity"].search(shown["domain"])
            self.assertIn(identity, found)
            self.assertEqual(set(found.mapped("res_id")), {identity.res_id})
        partner = next(iter(self.partners.values()))
        identity = identities.filtered(lambda i: (i.res_model, i.res_id) == ("res.partner", partner.id))
        self.assertEqual((identity.source_id, identity.run_id), (self.source, self.first_run))
        self.assertEqual(identity.action_open_run()["res_id"], self.first_run.id)
        staged = self.env["crm.migration.record"].browse(identity.action_open_staged()["res_id"])
        self.assertEqual(staged.source_key, identity.source_key)
        self.assertIn(f'"Id": {identity.source_key}', staged.payload_text)
        # the form's banner says it in words, for migration users only
        [banner] = self.env["crm.migration.identity"].provenance_of("res.partner", partner.id)
        self.assertEqual(banner["run_name"], self.first_run.name)
        label = self.source._schema().object("companies" if partner.is_company else "people") \
            .label_in("en_US")
        self.assertEqual(banner["text"], f"Migrated from {self.source.name} · {label} "
                                         f"{identity.source_key} ·")
        outsider = self.env["res.users"].create({"name": "Outsider", "login": "outsider_banner"})
        self.assertEqual(self.env["crm.migration.identity"].with_user(outsider)
                         .provenance_of("res.partner", partner.id), [])
        self.assertEqual(self.env["crm.migration.identity"].provenance_of(
            "res.partner", self.env.ref("base.main_partner").id), [])
        # a second run creates no second action
        actions = self.env["ir.actions.server"].search_count([("name", "=", "Migrated from")])
        self.migrate()
        self.assertEqual(self.env["ir.actions.server"].search_count([("name", "=", "Migrated from")]),
                         actions)

    def test_reconciliation_rows_open_their_issues_and_records(self):
        phase = self.phase(self.first_run, "companies")
        records = self.env["res.partner"].with_context(active_test=False).search(
            phase.action_open_records()["domain"])
        companies = {p for p in self.partners.values() if p.is_company}
        self.assertEqual(set(records), companies)
        people = self.phase(self.first_run, "people")
        action = people.action_open_issues()
        issues = self.env["crm.migration.issue"].search(action["domain"])
        self.assertTrue(issues)
        self.assertEqual(set(issues.mapped("phase")), {"people"})
        self.assertEqual(action["context"], {"search_default_latest": 1})

    def test_issues_are_accepted_one_by_one_or_by_cause(self):
        Issue = self.env["crm.migration.issue"]
        latest = Issue.search([("run_id", "=", self.first_run.id), ("superseded", "=", False)])
        self.assertEqual(set(latest.mapped("status")), {"open"})
        code, phase = max(((i.code, i.phase) for i in latest),
                          key=lambda cause: len(latest.filtered(
                              lambda i, c=cause: (i.code, i.phase) == c)))
        cause = latest.filtered(lambda i: (i.code, i.phase) == (code, phase))
        self.assertGreater(len(cause), 1)
        errors = self.first_run.error_count
        cause[0].action_accept()
        self.assertEqual((cause[0].status, cause[1].status), ("accepted", "open"))
        cause[1].action_accept_cause()
        self.assertEqual(set(cause.mapped("status")), {"accepted"})
        others = latest - cause
        self.assertEqual(set(others.mapped("status")), {"open"})
        self.first_run.invalidate_recordset(["error_count"])
        self.assertEqual(self.first_run.error_count,
                         errors - len(cause.filtered(lambda i: i.level == "error")))
        others[:1].action_mark_fixed()
        self.assertEqual(others[:1].status, "fixed")

    def test_owners_matched_by_email_never_silently_to_admin(self):
        unmatched_seen = 0
        for source_id, contact in self.contacts.items():
            owner = contact.get("OwnerId")
            partner = self.partners[source_id]
            if not owner:
                continue
            if owner in self.odoo_users:
                self.assertEqual(partner.user_id, self.odoo_users[owner], source_id)
            else:
                unmatched_seen += 1
                self.assertFalse(partner.user_id, source_id)
                self.assertTrue(self.issues(self.first_run, "unmatched_owner", source_id), source_id)
        self.assertTrue(unmatched_seen)
        matches = self.source.user_match_ids
        self.assertEqual(len(matches), len(self.users))
        self.assertEqual(
            set(matches.filtered(lambda m: m.state == "matched").mapped("source_key")),
            {str(key) for key in self.odoo_users})

    def test_tags_become_partner_categories(self):
        tags = {t["Id"]: t["Name"] for t in self.sandbox.dataset.iter("Tags")}
        tagged = 0
        for source_id, contact in self.contacts.items():
            expected = {" ".join(tags[row["TagId"]].split()) for row in contact.get("Tags") or []}
            self.assertEqual(set(self.partners[source_id].category_id.mapped("name")), expected)
            tagged += bool(expected)
        self.assertTrue(tagged)

    def test_source_id_is_kept(self):
        for source_id, partner in self.partners.items():
            self.assertEqual(partner.x_ploomes_id, str(source_id))

    def test_second_run_changes_nothing(self):
        before = self.env["res.partner"].with_context(active_test=False).search_count([])
        second = self.migrate()
        self.assertEqual(second.state, "done")
        for phase in second.phase_ids.filtered(lambda p: p.kind == "load"):
            self.assertEqual(phase.created, 0, phase.name)
            self.assertEqual(phase.updated, 0, phase.name)
            self.assertEqual(phase.failed, 0, phase.name)
        self.assertEqual(self.env["res.partner"].with_context(active_test=False).search_count([]), before)
        journal = self.env["crm.migration.journal"].search(
            [("run_id", "=", second.id), ("operation", "in", ("create", "write"))])
        self.assertFalse(journal)
        extraction = second.phase_ids.filtered(lambda p: p.kind == "extract")
        self.assertEqual(sum(extraction.mapped("created")) + sum(extraction.mapped("updated")), 0)
