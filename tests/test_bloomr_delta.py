"""Bloomr's delta sync: the cron reads only what changed since the last sync, by the
updated-at filter its API profile found (the invented Bloomr sandbox over HTTP)."""
from urllib.parse import parse_qs, urlsplit

from odoo.tests import tagged

from ..sources.http import utc_instant
from .test_bloomr import BloomrCase

#: Fields the ORM itself rewrites on any write: not the values a delta must leave alone.
LOG_FIELDS = ("write_date", "write_uid", "create_date", "create_uid")


@tagged("bloomr")
class TestBloomrDelta(BloomrCase):

    sandbox_options = {"seed": 12, "scale": 30, "auth": "apikey", "paging": "page"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.confirm_profile()

    def delta_runs(self):
        return self.source.run_ids.filtered(lambda r: r.mode == "delta")

    def cron_delta(self):
        """The run the delta cron starts, run to its end, and the API requests it sent:
        {collection: [query parameters of each request]}."""
        seen = len(self.sandbox.request_log())
        before = self.delta_runs()
        self.env["crm.migration.source"]._cron_delta_sync()
        run = self.delta_runs() - before
        self.assertEqual(len(run), 1)
        run._run_to_end()
        self.assertEqual(run.state, "done", run.error)
        sent = {}
        for request in self.sandbox.request_log()[seen:]:
            url = urlsplit(request.path)
            sent.setdefault(url.path.rsplit("/", 1)[-1], []).append(parse_qs(url.query))
        return run, sent

    def values(self, records):
        """{source id: stored values} of ``records`` ({source id: record})."""
        if not records:
            return {}
        model = next(iter(records.values()))
        names = [name for name, field in model._fields.items()
                 if field.store and name not in LOG_FIELDS]
        model.invalidate_model()
        return {key: record.with_context(active_test=False).read(names)[0]
                for key, record in records.items()}

    def read_alone(self, run):
        """{entity: records read} of the run's extract phases of the entities a delta reads
        alone (not the lookups, read fully every time), that read anything."""
        schema = self.source._schema()
        return {phase.key: phase.done for phase in run.phase_ids
                if phase.kind == "extract" and phase.done and not schema.entity(phase.key).lookup}

    def assertSentSince(self, run, sent, since):
        """Every request of the run's extraction asked for the changes since ``since`` by
        the profile's filter, except those of the lookups."""
        schema = self.source._schema()
        keys = run.phase_ids.filtered(lambda p: p.kind == "extract").mapped("key")
        self.assertEqual(set(sent), set(keys))
        for key in keys:
            expected = None if schema.entity(key).lookup else [utc_instant(since)]
            for params in sent[key]:
                self.assertEqual(params.get("updated_since"), expected, key)

    def loaded(self, run):
        """{object key: (created, updated, failed)} of the run's load phases that did anything."""
        return {phase.key: (phase.created, phase.updated, phase.failed)
                for phase in run.phase_ids.filtered(lambda p: p.kind == "load")
                if phase.created or phase.updated or phase.failed}

    def test_delta_by_updated_at_reads_and_loads_only_the_changes(self):
        profile = self.source.api_profile
        for name in ("contacts", "deals"):
            collection = next(c for c in profile["collections"] if c["name"] == name)
            self.assertEqual((collection["updated_at"], collection["delta_param"]),
                             ("updated_at", "updated_since"), name)
        full = self.migrate()
        self.assertEqual(full.state, "done")
        self.assertEqual(self.source.last_sync_at, full.started_at)
        self.source.delta_sync = True

        contacts = self.by_identity("contacts", "res.partner")
        leads = self.by_identity("deals", "crm.lead")
        contacts_before, leads_before = self.values(contacts), self.values(leads)
        changed_contacts = self.sandbox.mutate("contacts", touch=3, add=1)
        changed_deals = self.sandbox.mutate("deals", touch=2)
        touched, (added,) = changed_contacts["touched"], changed_contacts["added"]
        touched_deals = changed_deals["touched"]
        source_contacts, source_deals = self.records("contacts"), self.records("deals")
        for key in touched:
            self.assertNotEqual(contacts[key].function, source_contacts[key]["job_title"], key)
        for key in touched_deals:
            self.assertNotEqual(leads[key].name, source_deals[key]["title"], key)

        delta, sent = self.cron_delta()
        self.assertEqual(delta.changed_since, full.started_at)
        self.assertSentSince(delta, sent, full.started_at)
        read = self.read_alone(delta)
        self.assertEqual(read, {"contacts": 4, "deals": 2}, "only the changed records are read")
        self.assertLess(10 * sum(read.values()), sum(self.read_alone(full).values()))
        self.assertEqual(self.loaded(delta), {"contacts": (1, 3, 0), "deals": (0, 2, 0)})

        # the changed records hold the new values; the new contact arrived; nothing else moved
        contacts_after = self.by_identity("contacts", "res.partner")
        self.assertEqual(set(contacts_after), set(contacts) | {added})
        for key in touched:
            self.assertEqual(contacts_after[key], contacts[key], "updated, not created again")
            self.assertEqual(contacts[key].function, source_contacts[key]["job_title"])
        new = contacts_after[added]
        contact = source_contacts[added]
        self.assertEqual((new.name, new.email, new.x_bloomr_id),
                         (f"{contact['first_name']} {contact['last_name']}", contact["email"], added))
        companies = self.by_identity("companies", "res.partner")
        self.assertEqual(new.parent_id,
                         companies.get(contact["company_id"], self.env["res.partner"]))
        for key in touched_deals:
            self.assertEqual(leads[key].name, source_deals[key]["title"])
        untouched = {k: p for k, p in contacts.items() if k not in touched}
        self.assertEqual(self.values(untouched), {k: contacts_before[k] for k in untouched})
        still = {k: lead for k, lead in leads.items() if k not in touched_deals}
        self.assertEqual(self.values(still), {k: leads_before[k] for k in still})
        journal = self.env["crm.migration.journal"].search([("run_id", "=", delta.id)])
        self.assertEqual(
            sorted((j.operation, j.res_model, j.res_id) for j in journal
                   if j.res_model in ("res.partner", "crm.lead")),
            sorted([("create", "res.partner", new.id)]
                   + [("write", "res.partner", contacts[k].id) for k in touched]
                   + [("write", "crm.lead", leads[k].id) for k in touched_deals]))

        # a second delta, with no change in the source, asks from the first one's start
        # and changes nothing
        contacts_now, leads_now = self.values(contacts_after), self.values(leads)
        second, sent = self.cron_delta()
        self.assertEqual(second.changed_since, delta.started_at)
        self.assertSentSince(second, sent, delta.started_at)
        extract = second.phase_ids.filtered(lambda p: p.kind == "extract")
        self.assertEqual(sum(extract.mapped("created")) + sum(extract.mapped("updated")), 0)
        self.assertEqual(self.loaded(second), {})
        self.assertFalse(self.env["crm.migration.journal"].search_count(
            [("run_id", "=", second.id)]))
        self.assertEqual(self.values(contacts_after), contacts_now)
        self.assertEqual(self.values(leads), leads_now)
