"""Bloomr's history converters and values (e-mails, tasks, files), without Odoo."""
from crm_migration.mapping.converters import convert
from crm_migration.mapping.transform import MapLine, ProblemCollector
from crm_migration.sources.bloomr import SPEC
from crm_migration.sources.bloomr.activities import address_list, file_owner
from crm_migration.sources.ploomes.activities import HistoryContext


class MemoryHistory(ProblemCollector, HistoryContext):
    """Identities and partners of e-mail addresses held in dicts; an unknown address gets a
    new partner."""

    spec = SPEC

    def __init__(self, identities=None, partners=None):
        self.identities = identities or {}
        self.partners = dict(partners or {})
        self.start_record()

    def resolve(self, entity, key):
        return self.identities.get((entity, str(key)))

    def partner_for_email(self, address):
        if "@" not in address:
            return None
        return self.partners.setdefault(address.lower(), 100 + len(self.partners))


def run(converter, record, source, target, ctx=None, **params):
    ctx = ctx or MemoryHistory()
    ctx.start_record()
    return convert(MapLine(source, target, converter, params), record, ctx), ctx.problems


def test_address_list_reads_the_api_lists_and_a_csv_header():
    assert address_list(["ana@x.example", "", None, "Bruno <bruno@y.example>"]) == [
        "ana@x.example", "bruno@y.example"]
    assert address_list("ana@x.example; bruno@y.example") == ["ana@x.example", "bruno@y.example"]
    assert address_list(None) == [] and address_list([]) == []


def test_file_owner_names_the_entity_of_its_owner_object():
    assert file_owner({"owner_object": "company", "owner_id": "co_000002"}) == (
        "companies", "co_000002")
    assert file_owner({"owner_object": "Deal", "owner_id": "dl_000001"}) == ("deals", "dl_000001")
    assert file_owner({"owner_object": "deal", "owner_id": None}) == (None, None)
    assert file_owner({"owner_object": "invoice", "owner_id": "x"}) == (None, None)


def test_recipients_are_to_and_cc_partners_once_each():
    ctx = MemoryHistory(partners={"ana@x.example": 7})
    email = {"to": ["Ana@x.example", "bruno@y.example"], "cc": ["ana@x.example", "not-an-address"]}
    values, problems = run("email_recipients", email, "to", "partner_ids", ctx, cc_path="cc")
    assert values == {"partner_ids": [(6, 0, [7, ctx.partners["bruno@y.example"]])]}
    assert problems == []


def test_the_sender_is_the_partner_of_its_address():
    ctx = MemoryHistory(partners={"ana@x.example": 7})
    values, problems = run("email_author", {"from": "ana@x.example"}, "from", "author_id", ctx)
    assert values == {"author_id": 7, "email_from": "ana@x.example"}
    assert problems == []
    values, problems = run("email_author", {"from": "nobody"}, "from", "author_id", ctx)
    assert values == {"author_id": False, "email_from": "nobody"}
    assert [problem.code for problem in problems] == ["invalid_email"]


def test_a_history_item_goes_on_its_deal_else_its_contact_else_nowhere():
    ctx = MemoryHistory({("deals", "dl_1"): 5, ("contacts", "ct_1"): 9})
    task = {"deal_id": "dl_1", "contact_id": "ct_1"}
    assert run("history_record", task, "deal_id", "res_model", ctx, contact_path="contact_id")[0] \
        == {"res_model": "crm.lead", "res_id": 5}
    assert run("history_record", dict(task, deal_id="dl_2"), "deal_id", "model", ctx,
               contact_path="contact_id")[0] == {"model": "res.partner", "res_id": 9}
    values, problems = run("history_record", {"deal_id": None, "contact_id": "ct_2"}, "deal_id",
                           "model", ctx, contact_path="contact_id")
    assert values == {"model": False, "res_id": False}
    assert [(problem.code, problem.level) for problem in problems] == [("no_record", "error")]
