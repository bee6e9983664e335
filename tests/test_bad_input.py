"""Dirty source data: every problem is logged against its record, and no record is lost."""
import re

from stdnum.br import cnpj, cpf

from .common import SandboxCase

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class TestBadInput(SandboxCase):
    sandbox_options = {"seed": 5, "scale": 150, "dirt": 0.25}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contacts = cls.by_id("Contacts")
        cls.first_run = cls.migrate()
        cls.partners = cls.records_of("res.partner", "Contacts")

    def assertFlaggedAndLoaded(self, source_ids, code, level=None):
        self.assertTrue(source_ids, f"the dirty sandbox has no case for {code}")
        for source_id in source_ids:
            issues = self.issues(self.first_run, code, source_id).filtered(lambda i: i.step == "load")
            self.assertTrue(issues, f"no {code} issue for {source_id}")
            if level:
                self.assertEqual(set(issues.mapped("level")), {level})
            self.assertIn(source_id, self.partners, f"{source_id} was lost")
            self.assertEqual(issues[0].res_id, self.partners[source_id].id)

    def test_nothing_is_lost(self):
        self.assertEqual(self.first_run.state, "done")
        self.assertEqual(set(self.partners), set(self.contacts))
        for phase in self.first_run.phase_ids.filtered(lambda p: p.kind == "load"):
            accounted = (phase.created + phase.linked + phase.updated + phase.unchanged
                         + phase.skipped + phase.failed)
            self.assertEqual(accounted, phase.total, phase.name)

    def test_person_whose_company_does_not_exist_stays_standalone(self):
        dangling = [i for i, c in self.contacts.items()
                    if c["TypeId"] == 2 and c.get("CompanyId") and c["CompanyId"] not in self.contacts]
        self.assertFlaggedAndLoaded(dangling, "dangling_reference", "error")
        for source_id in dangling:
            self.assertFalse(self.partners[source_id].parent_id)
        validation = self.issues(self.first_run, "dangling_reference").filtered(
            lambda i: i.step == "validate" and i.field == "CompanyId")
        self.assertEqual(set(validation.mapped("source_key")), {str(i) for i in dangling})

    def test_invalid_email_is_kept_as_typed_and_flagged(self):
        invalid = [i for i, c in self.contacts.items()
                   if (c.get("Email") or "").strip() and not EMAIL.match(c["Email"].strip())]
        self.assertFlaggedAndLoaded(invalid, "invalid_email", "warning")
        for source_id in invalid:
            self.assertEqual(self.partners[source_id].email, self.contacts[source_id]["Email"].strip())

    def test_invalid_cnpj_cpf_is_not_written_and_flagged(self):
        def invalid(contact):
            number = re.sub(r"\D", "", contact.get("Register") or "")
            return number and not (cnpj.is_valid(number) or cpf.is_valid(number))
        bad = [i for i, c in self.contacts.items() if invalid(c)]
        self.assertFlaggedAndLoaded(bad, "invalid_register", "warning")
        for source_id in bad:
            partner = self.partners[source_id]
            if not partner.parent_id:
                self.assertFalse(partner.vat)
            issues = self.issues(self.first_run, "invalid_register", source_id)
            self.assertIn(self.contacts[source_id]["Register"],
                          issues.filtered(lambda i: i.field == "Register")[0].message)

    def test_owner_without_odoo_user_is_left_unassigned_and_flagged(self):
        owned = [i for i, c in self.contacts.items() if c.get("OwnerId") and i in self.partners]
        self.assertFlaggedAndLoaded(owned[:20], "unmatched_owner", "warning")
        self.assertFalse(any(self.partners[i].user_id for i in owned))
        self.assertEqual(self.source.unmatched_user_count, len(self.source.user_match_ids))

    def test_contact_without_name_is_named_and_flagged(self):
        nameless = [i for i, c in self.contacts.items() if not (c.get("Name") or "").strip()]
        self.assertFlaggedAndLoaded(nameless, "missing_name", "warning")
        for source_id in nameless:
            self.assertTrue(self.partners[source_id].name)

    def test_script_tags_never_reach_odoo(self):
        scripted = [i for i, c in self.contacts.items() if "<script" in (c.get("Note") or "").lower()]
        self.assertTrue(scripted)
        for source_id in scripted:
            self.assertNotIn("<script", self.partners[source_id].comment or "")
