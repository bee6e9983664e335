"""Pipelines, stages, loss reasons, deal tags and deals, linked and verified."""
from datetime import datetime, timezone

from .common import SandboxCase

WON, LOST = 2, 3


def utc(value):
    return datetime.fromisoformat(value).astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)


class TestPloomesDeals(SandboxCase):
    sandbox_options = {"seed": 13, "scale": 150}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        data = cls.sandbox.dataset
        cls.deals = cls.by_id("Deals")
        cls.pipelines = cls.by_id("Deals@Pipelines")
        cls.stages = cls.by_id("Deals@Stages")
        cls.reasons = cls.by_id("Deals@LossReasons")
        cls.deleted = list(data.iter("Deals/GetDeletedDeals"))
        # predictive lead scoring learns from leads created after this date
        cls.env["ir.config_parameter"].set_param("crm.pls_start_date", "2000-01-01")
        cls.first_run = cls.migrate()
        cls.leads = cls.records_of("crm.lead", "Deals")
        cls.teams = cls.records_of("crm.team", "Deals@Pipelines")
        cls.stage_records = cls.records_of("crm.stage", "Deals@Stages")
        cls.partners = cls.records_of("res.partner", "Contacts")

    def test_every_deal_is_an_opportunity(self):
        self.assertEqual(self.first_run.state, "done")
        self.assertEqual(set(self.leads), set(self.deals))
        phase = self.phase(self.first_run, "deals")
        self.assertEqual((phase.total, phase.created, phase.failed, phase.verified),
                         (len(self.deals), len(self.deals), 0, len(self.deals)))
        self.assertEqual(set(lead.type for lead in self.leads.values()), {"opportunity"})
        # predictive lead scoring learnt from the won and lost deals (rebuilt once, at the end)
        frequencies = self.env["crm.lead.scoring.frequency"].search(
            [("team_id", "in", [team.id for team in self.teams.values()])])
        self.assertTrue(sum(frequencies.mapped("won_count")) and sum(frequencies.mapped("lost_count")))

    def test_pipelines_are_teams_with_their_stages_in_order(self):
        self.assertEqual(set(self.teams), set(self.pipelines))
        for pipeline_id, pipeline in self.pipelines.items():
            team = self.teams[pipeline_id]
            self.assertEqual(team.name, pipeline["Name"])
            self.assertEqual(team.active, not pipeline["Archived"])
            stages = sorted((s for s in self.stages.values() if s["PipelineId"] == pipeline_id),
                            key=lambda s: s["Ordination"])
            records = [self.stage_records[s["Id"]] for s in stages]
            self.assertEqual([r.name for r in records], [s["Name"] for s in stages])
            self.assertEqual({r.team_id for r in records}, {team})
            self.assertEqual([r.sequence for r in records], sorted(r.sequence for r in records))
            won = self.env["crm.stage"].search([("team_id", "=", team.id), ("is_won", "=", True)])
            self.assertEqual(len(won), 1)

    def test_links_status_amount_owner_and_dates(self):
        seen = set()
        for deal_id, deal in self.deals.items():
            lead = self.leads[deal_id].with_context(active_test=False)
            self.assertEqual(lead.name, " ".join(deal["Title"].split()))
            self.assertAlmostEqual(lead.expected_revenue, deal["Amount"] or 0.0, places=2)
            self.assertEqual(lead.team_id, self.teams[deal["PipelineId"]])
            expected_partner = self.partners.get(deal.get("PersonId")) or self.partners[deal["ContactId"]]
            self.assertEqual(lead.partner_id, expected_partner)
            self.assertEqual(lead.create_date.replace(microsecond=0), utc(deal["CreateDate"]))
            if deal["StatusId"] == WON:
                seen.add("won")
                self.assertTrue(lead.active and lead.stage_id.is_won)
                self.assertEqual(lead.stage_id.team_id, lead.team_id)
                self.assertEqual(lead.probability, 100)
            elif deal["StatusId"] == LOST:
                seen.add("lost")
                self.assertFalse(lead.active)
                self.assertEqual(lead.probability, 0)
                self.assertEqual(lead.lost_reason_id.name, self.reasons[deal["LossReasonId"]]["Name"])
                self.assertEqual(lead.stage_id, self.stage_records[deal["StageId"]])
            else:
                seen.add("open")
                self.assertTrue(lead.active)
                self.assertEqual(lead.stage_id, self.stage_records[deal["StageId"]])
            if deal.get("FinishDate"):
                self.assertEqual(lead.date_closed.replace(microsecond=0), utc(deal["FinishDate"]))
        self.assertEqual(seen, {"won", "lost", "open"})

    def test_deal_tags_are_crm_tags(self):
        tags = {t["Id"]: t["Name"] for t in self.sandbox.dataset.iter("Tags")}
        tagged = 0
        for deal_id, deal in self.deals.items():
            expected = {tags[row["TagId"]] for row in deal.get("Tags") or []}
            lead = self.leads[deal_id].with_context(active_test=False)
            self.assertEqual(set(lead.tag_ids.mapped("name")), expected)
            tagged += bool(expected)
        self.assertTrue(tagged)

    def test_deleted_deals_are_reported_not_migrated(self):
        deleted = self.deleted
        self.assertTrue(deleted)
        for deal in deleted:
            self.assertNotIn(deal["Id"], self.leads)
            self.assertTrue(self.issues(self.first_run, "deleted_in_source", deal["Id"]))
        self.assertEqual(self.phase(self.first_run, "deleted_deals").skipped, len(deleted))
        rows = self.env["crm.migration.record"].search([
            ("source_id", "=", self.source.id), ("entity", "=", "Deals/GetDeletedDeals")])
        self.assertEqual(sorted(int(row.source_key) for row in rows),
                         sorted(deal["Id"] for deal in deleted))
        self.assertEqual({(row.state, row.error) for row in rows},
                         {("skipped", "Deleted in the source: not migrated.")})

    def test_a_deal_deleted_after_migration_is_archived_by_the_next_run(self):
        # an open deal: its opportunity is active in Odoo, so the next run must archive it
        deal_id = next(i for i, d in sorted(self.deals.items()) if d["StatusId"] != LOST)
        lead = self.leads[deal_id]
        self.assertTrue(lead.active)
        changes = self.sandbox.mutate(entity="Deals", delete=[deal_id])
        self.assertEqual(changes["deleted"], [deal_id])
        second = self.migrate()
        self.assertFalse(lead.active)
        issue = self.issues(second, "deleted_in_source", deal_id)
        self.assertEqual(len(issue), 1)
        self.assertEqual((issue.res_model, issue.res_id, issue.level), ("crm.lead", lead.id, "info"))
        self.assertIn("archived", issue.message)
        self.assertEqual(self.phase(second, "deleted_deals").updated, 1)

    def test_stage_probability_applies_when_the_admin_chooses(self):
        open_deal = next(d for d in self.deals.values() if d["StatusId"] == 1)
        stage = self.stage_records[open_deal["StageId"]]
        stage.migration_probability = 42.0
        self.new_map_version(apply_stage_probability=True).action_confirm()
        self.migrate()
        self.assertEqual(self.leads[open_deal["Id"]].probability, 42.0)

    def test_one_shared_tag_taxonomy_when_the_admin_picks_it(self):
        skipped = self.phase(self.first_run, "shared_contact_tags")
        self.assertEqual(skipped.state, "skipped")
        self.assertIn("off in the map", skipped.notice)
        self.new_map_version(shared_tags=True).action_confirm()
        run = self.migrate()
        tags = list(self.sandbox.dataset.iter("Tags"))
        names = {" ".join(t["Name"].split()) for t in tags if t["EntityId"] in (1, 2)}
        self.assertLessEqual(names, set(self.env["res.partner.category"].search([]).mapped("name")))
        self.assertLessEqual(names, set(self.env["crm.tag"].search([]).mapped("name")))
        self.assertEqual(self.phase(run, "shared_contact_tags").state, "done")
