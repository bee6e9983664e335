"""Data that must not show the migration instead of the source: creation dates."""
from datetime import datetime, timezone

from .common import SandboxCase


def utc(value):
    """A source date-time as Odoo stores it: naive UTC, whole seconds."""
    return datetime.fromisoformat(value).astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)


class TestSourceCreationDates(SandboxCase):
    sandbox_options = {"seed": 23, "scale": 100}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source.fallback_user_id = cls.env.ref("base.user_admin")  # open tasks need an owner
        cls.first = cls.migrate()
        cls.second = cls.migrate()

    def assertCreatedAsInSource(self, model, entity, minimum=1):
        source = self.by_id(entity)
        records = self.records_of(model, entity)
        if "x_ploomes_id" in self.env[model]:
            # a revised quote's order is the latest revision's
            records = {key: record for key, record in records.items() if record.x_ploomes_id == str(key)}
        self.assertGreaterEqual(len(records), minimum, f"{entity} → {model}")
        for key, record in records.items():
            self.assertEqual(record.create_date.replace(microsecond=0), utc(source[key]["CreateDate"]),
                             f"{entity} {key}")

    def test_partners_keep_their_creation_date(self):
        self.assertEqual(self.first.state, "done", self.first.error)
        contacts = self.by_id("Contacts")
        self.assertCreatedAsInSource("res.partner", "Contacts", minimum=len(contacts))
        company_ids = {key for key, payload in contacts.items() if payload["TypeId"] == 1}
        self.assertTrue(company_ids and company_ids != set(contacts))

    def test_deals_products_and_sales_documents_keep_theirs(self):
        self.assertCreatedAsInSource("crm.lead", "Deals")
        self.assertCreatedAsInSource("product.template", "Products")
        self.assertCreatedAsInSource("sale.order", "Quotes")
        self.assertCreatedAsInSource("sale.order", "Orders")

    def test_history_keeps_theirs(self):
        self.assertCreatedAsInSource("mail.activity", "Tasks")
        self.assertCreatedAsInSource("mail.message", "InteractionRecords")
        self.assertCreatedAsInSource("mail.message", "Emails")

    def test_a_second_run_changes_no_creation_date(self):
        self.assertEqual(self.second.state, "done", self.second.error)
        for key in ("companies", "people"):
            phase = self.phase(self.second, key)
            self.assertEqual((phase.created, phase.updated, phase.failed), (0, 0, 0), key)
            self.assertEqual(phase.unchanged, phase.total)
        self.assertCreatedAsInSource("res.partner", "Contacts")
