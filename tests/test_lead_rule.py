"""Leads or opportunities: a rule the admin picks from the data (a field of the deals and
the values that make a lead), counted from what was read, confirmed with the map."""
import json
from collections import Counter

from odoo.exceptions import UserError

from .test_bloomr import BloomrCase


class TestLeadRule(BloomrCase):
    sandbox_options = {"seed": 9, "scale": 40, "auth": "bearer", "paging": "offset"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.confirm_profile()
        cls.run_ = cls.profile()
        cls.map = cls.source._current_map()
        cls.deals = cls.sandbox.records("deals")
        cls.stage_line = cls.map.line_ids.filtered(
            lambda line: (line.object_key, line.source_path) == ("deals", "stage_id"))

    def test_deals_of_the_ticked_values_become_leads(self):
        self.assertFalse(self.map._lead_rule(self.source._schema().object("deals")))
        self.map.lead_rule_line_id = self.stage_line
        self.assertEqual((self.map.lead_rule_object, self.map.lead_rule_path), ("deals", "stage_id"))
        by_stage = Counter(str(deal["stage_id"]) for deal in self.deals)
        values = {value.value: value for value in self.map.lead_value_ids}
        self.assertEqual({key: value.count for key, value in values.items()}, by_stage)
        stages = {str(stage["id"]): stage["name"] for stage in self.sandbox.records("stages")}
        for key, value in values.items():
            self.assertEqual(value.label, f"{stages[key]} ({key})")
        (first, first_count), (second, _count) = by_stage.most_common(2)
        self.assertEqual((self.map.lead_count, self.map.opportunity_count), (0, len(self.deals)))
        values[first].is_lead = True
        self.assertEqual((self.map.lead_count, self.map.opportunity_count),
                         (first_count, len(self.deals) - first_count))
        self.assertTrue(self.map.leads_hidden)
        self.env.ref("base.group_user").implied_ids |= self.env.ref("crm.group_use_lead")
        self.map.invalidate_recordset(["leads_hidden"])
        self.assertFalse(self.map.leads_hidden)

        data = json.loads(json.dumps(self.map._export_data()))
        self.assertEqual(data["lead_rule"], {"object": "deals", "path": "stage_id", "leads": [first]})
        imported = self.env["crm.migration.map"]._import_data(self.source, data)
        self.assertEqual(imported.lead_rule_line_id.source_path, "stage_id")
        self.assertEqual(imported._lead_values(), [first])
        self.assertEqual(imported.lead_count, first_count)
        imported.unlink()

        run = self.migrate(self.run_)
        self.assertEqual(run.state, "done")
        leads = self.by_identity("deals", "crm.lead")
        self.assertEqual(len(leads), len(self.deals))
        for deal in self.deals:
            self.assertEqual(leads[str(deal["id"])].type,
                             "lead" if str(deal["stage_id"]) == first else "opportunity", deal)

        # the confirmed map is not changed in place: ticking another value needs a new version
        confirmed = run.map_id
        self.assertEqual(confirmed.state, "confirmed")
        with self.assertRaisesRegex(UserError, "click New version"):
            confirmed.lead_value_ids.filtered(lambda value: value.value == second).is_lead = True
        # counting again after a new extraction keeps the ticks and the confirmation
        confirmed.action_count_lead_values()
        self.assertEqual((confirmed.state, confirmed._lead_values()), ("confirmed", [first]))
        new = self.env["crm.migration.map"].browse(confirmed.action_new_version()["res_id"])
        self.assertEqual((new.state, new.version, new.lead_rule_line_id.source_path, new._lead_values()),
                         ("draft", confirmed.version + 1, "stage_id", [first]))
        self.assertEqual(new.lead_count, first_count)
        new.lead_value_ids.filtered(lambda value: value.value == second).is_lead = True
        new.action_confirm()
        new.action_count_lead_values()
        self.assertEqual(new.state, "confirmed")
        self.assertEqual(sorted(new._lead_values()), sorted([first, second]))
        self.assertEqual((confirmed.state, confirmed._lead_values()), ("superseded", [first]))

        # a run with the new rule turns the second stage's opportunities into leads
        self.migrate()
        for deal in self.deals:
            self.assertEqual(leads[str(deal["id"])].type,
                             "lead" if str(deal["stage_id"]) in (first, second) else "opportunity")

    def test_without_a_ticked_value_every_deal_is_an_opportunity(self):
        self.map.lead_rule_line_id = self.stage_line
        self.assertTrue(self.map.lead_value_ids)
        self.assertFalse(self.map._lead_rule(self.source._schema().object("deals")))
        self.map.lead_rule_line_id = False
        self.assertFalse(self.map.lead_value_ids)
        self.assertFalse(self.map.lead_rule_path)

    def test_counting_a_confirmed_map_again_keeps_its_ticks(self):
        self.map.lead_rule_line_id = self.stage_line
        (first, _count), (second, _other) = self.map.lead_value_ids.mapped(
            lambda value: (value.value, value.count))[:2]
        self.map.lead_value_ids.filtered(lambda value: value.value == first).is_lead = True
        self.run_.action_confirm_map()
        entity = self.source._schema().object("deals").entity
        for record in self.env["crm.migration.record"].search(
                [("source_id", "=", self.source.id), ("entity", "=", entity)]):
            if str(record.payload.get("stage_id")) == first:  # moved on in the source
                record.payload = dict(record.payload, stage_id=int(second))
        self.env.flush_all()
        self.map.action_count_lead_values()
        self.assertEqual((self.map.state, self.map._lead_values()), ("confirmed", [first]))
        ticked = self.map.lead_value_ids.filtered("is_lead")
        self.assertEqual((ticked.count, self.map.lead_count), (0, 0))
