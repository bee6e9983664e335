"""The probed API profile is reviewed and edited before it is confirmed: which object each
collection is read as (an API naming its contacts "people"), and how it is paged."""
from odoo.exceptions import AccessError, UserError
from odoo.tests.common import new_test_user

from .test_bloomr import BloomrCase


class TestEditableProfile(BloomrCase):
    sandbox_options = {"seed": 6, "scale": 30, "auth": "apikey", "paging": "cursor",
                       "names": {"contacts": "people", "deals": "opportunities"}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source.action_probe_api()
        cls.rows = {row.name: row for row in cls.source.collection_ids}

    def test_collections_named_otherwise_are_proposed_as_their_objects_and_migrate(self):
        self.assertEqual((self.rows["people"].entity, self.rows["opportunities"].entity),
                         ("contacts", "deals"))
        self.assertNotIn("contacts", self.rows)
        people = self.rows["people"]
        self.assertEqual((people.total, people.paging, people.record_key, people.delta_param),
                         (30, "cursor", "id", "updated_since"))
        self.assertIn("cursor=cursor", people.params)
        self.assertIn("email: email", people.field_list)
        self.source.action_confirm_api_profile()
        self.source.fallback_user_id = self.env.ref("base.user_admin")
        run = self.migrate()
        self.assertEqual(run.state, "done")
        for entity, model in (("contacts", "res.partner"), ("deals", "crm.lead")):
            self.assertEqual(set(self.by_identity(entity, model)),
                             {str(record["id"]) for record in self.sandbox.records(entity)}, entity)

    def test_edits_are_checked_kept_and_make_the_profile_to_confirm_again(self):
        self.source.action_confirm_api_profile()
        people, companies = self.rows["people"], self.rows["companies"]
        people.page_cap = 10
        self.assertEqual(self.source.api_profile_state, "usable")

        companies.entity = "contacts"
        with self.assertRaisesRegex(UserError, "read from one collection only: contacts from "
                                               "(people and companies|companies and people)"):
            self.source.action_confirm_api_profile()
        companies.entity = "companies"
        cursor = people.params
        people.params = "size=limit"
        with self.assertRaisesRegex(UserError, "people: cursor paging needs the parameters "
                                               "cursor, next"):
            self.source.action_confirm_api_profile()
        people.params = "cursor"
        with self.assertRaisesRegex(UserError, "written role=name"):
            self.source.action_confirm_api_profile()
        people.params = cursor
        self.assertEqual(self.source.api_profile_state, "usable")

        people.entity = False
        self.source.action_confirm_api_profile()
        self.assertEqual(self.source.api_profile_state, "confirmed")
        stored = {c["name"]: c for c in self.source.api_profile["collections"]}
        self.assertEqual((stored["people"]["entity"], stored["people"]["page_cap"]), ("", 10))
        self.assertIn("people (read as nothing: not read)", self.source.api_profile_text)

        # probing again starts from what the API says
        self.source.action_probe_api()
        self.assertEqual(self.source.collection_ids.filtered(lambda r: r.name == "people").entity,
                         "contacts")

    def test_only_migration_admins_edit_the_collections(self):
        viewer = new_test_user(self.env, "profile_viewer", groups="crm_migration.group_crm_migration_user")
        with self.assertRaises(AccessError):
            self.rows["people"].with_user(viewer).entity = False
