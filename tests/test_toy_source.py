"""A third source added by a spec and its registration alone: the engine runs it end to end.

The toy source is defined here, in memory: one entity of people with lower-case keys,
paged by offset, loading into res.partner. Nothing of the engine names it.
"""
from odoo.tests import Form, tagged

from ..mapping.schema import Entity, SourceField, SourceObject, SourceSchema
from ..mapping.spec import Defaults, Page, SourceSpec, UserFields
from ..sources import SOURCES, AuthenticationError
from .common import SourceCase

PEOPLE = [
    {"id": index, "full_name": name, "mail": mail, "changed": "2026-11-30T10:00:00-03:00"}
    for index, (name, mail) in enumerate([
        ("Ana Lima", "ana@toy.example"), ("Bruno Reis", "BRUNO@toy.example"),
        ("Carla Dias", "carla@toy.example"), ("Davi Rocha", "not an e-mail"),
        ("Eva Nunes", None)], start=101)
]


class ToyClient:
    """Reads the toy account from memory, two records a page, the cursor an offset."""

    def __init__(self, config):
        self.key = config.key

    def account_user(self):
        if self.key != "toy-key":
            raise AuthenticationError("The toy source refused the key.")
        return {"name": "Toy admin", "email": "admin@toy.example"}

    def read_page(self, entity, cursor=None, changed_since=None):
        rows = PEOPLE if entity.name == "people" else []
        start = int(cursor or 0)
        page = rows[start:start + 2]
        return Page([dict(row) for row in page], str(start + len(page)), start + len(page) < len(rows))

    def download(self, url):
        raise AuthenticationError("The toy source has no files.")

    def close(self):
        pass


TOY = SourceSpec(
    kind="toy",
    label="Toy CRM",
    schema=SourceSchema("toy", "Toy", (Entity("people"), Entity("accounts", lookup=True)), (
        SourceObject("people", "people", "People", "Pessoas", "res.partner", 10, fields=(
            SourceField("full_name", "Name", "Nome", "string", "name", "name", required=True),
            SourceField("mail", "E-mail", "E-mail", "string", "email", "email"),
        )),
    ), prefix="x_toy_"),
    defaults=Defaults(url="https://toy.example/api", rate_limit=0, page_size=2, page_cap=2),
    make_client=ToyClient,
    record_key=lambda payload: payload.get("id"),
    updated_at=lambda payload: None,
    users=UserFields("accounts", name=lambda row: row.get("name"), email=lambda row: row.get("mail")),
)


@tagged("crm_migration_engine")
class TestToySource(SourceCase):
    """The whole pipeline (extract, profile, map, validate, load, verify, rollback) on a toy."""

    @classmethod
    def setUpClass(cls):
        registration = SOURCES.added(TOY)
        registration.__enter__()
        cls.addClassCleanup(registration.__exit__, None, None, None)
        super().setUpClass()
        cls.run_ = cls.migrate()
        cls.partners = cls.records_of("res.partner", "people")

    @classmethod
    def source_values(cls):
        return {"name": "Toy", "kind": "toy", "url": TOY.defaults.url, "api_key": "toy-key",
                "rate_limit": 0, "page_size": 2}

    def test_the_source_form_and_wizard_offer_the_registered_kind(self):
        kinds = self.env["crm.migration.source"]._fields["kind"]._description_selection(self.env)
        self.assertIn(("toy", "Toy CRM"), kinds)
        self.assertEqual(self.source.action_test_connection()["params"]["type"], "success")

    def test_the_wizard_takes_a_kind_s_defaults_but_keeps_what_the_admin_typed(self):
        wizard = Form(self.env["crm.migration.setup"])
        self.assertEqual((wizard.kind, wizard.url), ("ploomes", "https://api2.ploomes.com"))
        wizard.kind = "toy"
        self.assertEqual((wizard.url, wizard.name), (TOY.defaults.url, "Toy account"))
        wizard.url = "https://crm.example.com/api"
        wizard.name = "Production"
        wizard.kind = "ploomes"
        self.assertEqual((wizard.url, wizard.name), ("https://crm.example.com/api", "Production"))

    def test_every_record_is_loaded_converted_and_verified(self):
        self.assertEqual(self.run_.state, "done")
        phase = self.phase(self.run_, "people")
        self.assertEqual((phase.total, phase.created, phase.failed, phase.verified), (5, 5, 0, 5))
        extract = self.phase(self.run_, "people", kind="extract")
        self.assertEqual((extract.done, extract.cursor), (5, "5"))
        self.assertEqual(sorted(self.partners), [row["id"] for row in PEOPLE])
        self.assertEqual(self.partners[101].name, "Ana Lima")
        self.assertEqual(self.partners[102].email, "bruno@toy.example")
        self.assertFalse(self.partners[105].email)
        self.assertTrue(self.issues(self.run_, "invalid_email", 104))

    def test_the_proposed_map_comes_from_the_toy_field_table(self):
        lines = self.run_.map_id.line_ids
        self.assertEqual(set(lines.mapped("source_path")), {"full_name", "mail"})
        self.assertFalse(any(lines.mapped("custom")))

    def test_a_second_run_changes_nothing_and_a_rollback_removes_all(self):
        again = self.migrate()
        phase = self.phase(again, "people")
        self.assertEqual((phase.created, phase.unchanged), (0, 5))
        again.action_rollback()
        again._run_to_end()
        self.run_.action_rollback()
        self.run_._run_to_end()
        self.assertFalse(any(partner.exists() for partner in self.partners.values()))
