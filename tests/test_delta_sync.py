"""Until cutover, the scheduler pulls what changed in the source since the last sync."""
from odoo.tools import html2plaintext

from .common import SandboxCase

#: Fields the ORM itself rewrites on any write: not the values a delta must leave alone.
LOG_FIELDS = ("write_date", "write_uid", "create_date", "create_uid")


def text_of(html):
    return " ".join(html2plaintext(html or "").split())


class TestDeltaSync(SandboxCase):
    sandbox_options = {"seed": 23, "scale": 80}

    def delta_runs(self):
        return self.source.run_ids.filtered(lambda r: r.mode == "delta")

    def partner_values(self, partners):
        """{source id: stored values} of ``partners`` ({source id: partner})."""
        Partner = self.env["res.partner"]
        names = [name for name, field in Partner._fields.items()
                 if field.store and name not in LOG_FIELDS]
        Partner.invalidate_model()
        return {source_id: partner.read(names)[0] for source_id, partner in partners.items()}

    def assertPartnerHolds(self, partner, contact):
        """``partner`` holds the values of the sandbox's ``contact`` the delta must bring."""
        source_id = contact["Id"]
        self.assertEqual(partner.x_ploomes_id, str(source_id))
        self.assertEqual(partner.name, " ".join(contact["Name"].split()), source_id)
        self.assertEqual(partner.is_company, contact["TypeId"] == 1, source_id)
        self.assertEqual(partner.email or False, (contact.get("Email") or "").strip().lower() or False,
                         source_id)
        self.assertEqual(text_of(partner.comment), " ".join((contact.get("Note") or "").split()),
                         source_id)

    def test_cron_pulls_changes_until_cutover(self):
        full = self.migrate()
        self.assertEqual(full.state, "done")
        self.assertEqual(self.source.last_sync_at, full.started_at)
        Source = self.env["crm.migration.source"]

        Source._cron_delta_sync()
        self.assertFalse(self.delta_runs(), "no delta sync before it is turned on")

        self.source.delta_sync = True
        before = self.records_of("res.partner", "Contacts")
        values_before = self.partner_values(before)
        changes = self.sandbox.mutate(entity="Contacts", touch=3, add=2)
        touched, added = changes["touched"], changes["added"]
        self.assertEqual((len(touched), len(added)), (3, 2))
        self.assertFalse(set(added) & set(before))
        # what the sandbox now holds: a touched contact's note is new, nothing else is
        source = {i: self.sandbox.dataset.get("Contacts", i) for i in touched + added}
        for source_id in touched:
            new_note = source[source_id]["Note"]
            self.assertTrue(new_note.startswith("Editado pela sandbox em "))
            self.assertNotEqual(text_of(before[source_id].comment), new_note,
                                "the touch must change a value Odoo holds")

        Source._cron_delta_sync()
        delta = self.delta_runs()
        self.assertEqual(len(delta), 1)
        delta._run_to_end()
        self.assertEqual(delta.state, "done")
        contacts = delta.phase_ids.filtered(lambda p: p.kind == "extract" and p.key == "Contacts")
        self.assertEqual(contacts.done, 5, "only the changed contacts are read")
        load = delta.phase_ids.filtered(lambda p: p.kind == "load" and p.key in ("companies", "people"))
        self.assertEqual(sum(load.mapped("total")), 5)
        self.assertEqual(sum(load.mapped("created")), 2)
        self.assertEqual(sum(load.mapped("updated")), 3)
        self.assertEqual(sum(load.mapped("failed")), 0)

        partners = self.records_of("res.partner", "Contacts")
        self.assertEqual(set(partners), set(before) | set(added))
        for source_id in touched:
            self.assertEqual(partners[source_id], before[source_id], "updated, not created again")
            self.assertPartnerHolds(partners[source_id], source[source_id])
        for source_id in added:
            contact = source[source_id]
            partner = partners[source_id]
            self.assertPartnerHolds(partner, contact)
            company_id = contact.get("CompanyId")
            self.assertEqual(partner.parent_id, partners.get(company_id, self.env["res.partner"])
                             if contact["TypeId"] == 2 and company_id else self.env["res.partner"])
        # nothing else changed: the other partners hold what they held, and the run's
        # journal names only the touched and the added ones
        untouched = {i: p for i, p in before.items() if i not in touched}
        after = self.partner_values(untouched)
        for source_id, values in after.items():
            self.assertEqual(values, values_before[source_id], source_id)
        journal = self.env["crm.migration.journal"].search(
            [("run_id", "=", delta.id), ("res_model", "=", "res.partner")])
        self.assertEqual(
            sorted((j.operation, j.res_id) for j in journal),
            sorted([("create", partners[i].id) for i in added]
                   + [("write", partners[i].id) for i in touched]))

        Source._cron_delta_sync()
        second = self.delta_runs() - delta
        second._run_to_end()
        self.assertEqual(second.state, "done")
        load = second.phase_ids.filtered(lambda p: p.kind == "load")
        self.assertEqual(sum(load.mapped("created")) + sum(load.mapped("updated")), 0)

    def test_no_delta_while_a_run_of_the_source_is_busy(self):
        self.migrate()
        self.source.delta_sync = True
        busy = self.new_run()
        busy.action_profile()
        self.env["crm.migration.source"]._cron_delta_sync()
        self.assertFalse(self.delta_runs())
