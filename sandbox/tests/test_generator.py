"""Generated data: determinism, validity, referential integrity, totals and coverage."""

import json
import re
from collections import Counter

import pytest
from stdnum.br import cnpj, cpf

from sandbox.ploomes import PloomesSandbox
from sandbox.ploomes.odata import parse_datetime
from sandbox.ploomes.rng import REFERENCE

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?-03:00$")
ENTITIES = ["Contacts", "Users", "Deals", "Quotes", "Orders", "Tasks", "InteractionRecords", "Emails",
            "Attachments", "Products", "Products@Parts", "Quotes@Products", "Orders@Products",
            "Deals/GetDeletedDeals"]
REFS = {
    "Contacts": {"OwnerId": "Users", "CreatorId": "Users", "UpdaterId": "Users", "CompanyId": "Contacts",
                 "StatusId": "Contacts@Status", "OriginId": "Contacts@Origins",
                 "RelationshipId": "Contacts@Relationships", "LineOfBusinessId": "Contacts@LinesOfBusiness",
                 "NumberOfEmployeesId": "Contacts@NumbersOfEmployees", "ClassId": "Contacts@Classes",
                 "RoleId": "Roles", "DepartmentId": "Departments", "CityId": "Cities",
                 "StateId": "Cities@Countries@States", "CountryId": "Cities@Countries", "CurrencyId": "Currencies"},
    "Users": {"ProfileId": "Users@Profiles", "RoleId": "Roles"},
    "Deals": {"ContactId": "Contacts", "PersonId": "Contacts", "PipelineId": "Deals@Pipelines",
              "StageId": "Deals@Stages", "LastStageId": "Deals@Stages", "StatusId": "Deals@Status",
              "LossReasonId": "Deals@LossReasons", "OwnerId": "Users", "CreatorId": "Users",
              "UpdaterId": "Users", "LastQuoteId": "Quotes", "WonQuoteId": "Quotes", "LastOrderId": "Orders",
              "OriginId": "Contacts@Origins", "CurrencyId": "Currencies"},
    "Quotes": {"DealId": "Deals", "ContactId": "Contacts", "PersonId": "Contacts", "OwnerId": "Users",
               "LastReviewId": "Quotes", "ApprovalStatusId": "Quotes@ApprovalStatus", "CurrencyId": "Currencies"},
    "Orders": {"DealId": "Deals", "ContactId": "Contacts", "PersonId": "Contacts", "StageId": "Orders@Stages",
               "OwnerId": "Users", "OriginQuoteId": "Quotes"},
    "Tasks": {"TypeId": "Tasks@Types", "ContactId": "Contacts", "DealId": "Deals", "OwnerId": "Users",
              "FinisherId": "Users", "CreatorId": "Users"},
    "InteractionRecords": {"ContactId": "Contacts", "DealId": "Deals", "TypeId": "Tasks@Types",
                           "CreatorId": "Users", "OriginalTaskId": "Tasks"},
    "Emails": {"ContactId": "Contacts", "DealId": "Deals", "StatusId": "Emails@Status",
               "ReplyToEmailId": "Emails", "ThreadId": "Emails", "CreatorId": "Users"},
    "Attachments": {"ContactId": "Contacts", "DealId": "Deals", "OrderId": "Orders", "TaskId": "Tasks",
                    "InteractionRecordId": "InteractionRecords", "EmailId": "Emails", "CreatorId": "Users"},
    "Products": {"GroupId": "Products@Groups", "FamilyId": "Products@Families", "CreatorId": "Users"},
    "Products@Groups": {"FamilyId": "Products@Families"},
    "Products@Parts": {"ProductId": "Products", "ProductPartId": "Products", "GroupId": "Products@Groups"},
    "Quotes@Products": {"QuoteId": "Quotes", "ProductId": "Products", "DealId": "Deals", "OwnerId": "Users"},
    "Orders@Products": {"OrderId": "Orders", "ProductId": "Products", "DealId": "Deals", "OwnerId": "Users"},
    "Deals@Stages": {"PipelineId": "Deals@Pipelines"},
    "Cities": {"StateId": "Cities@Countries@States", "CountryId": "Cities@Countries"},
    "Fields": {"TypeId": "Fields@Types", "OptionsTableId": "Fields@OptionsTables", "EntityId": "Fields@Entities"},
}
OP_REFS = {"FieldId": "Fields", "ObjectValueId": "Fields@OptionsTables@Options", "UserValueId": "Users",
           "ContactValueId": "Contacts", "ProductValueId": "Products", "AttachmentValueId": "Attachments",
           "CurrencyValueId": "Currencies"}


def snapshot(sb, entity, limit=None):
    rows = []
    for rec in sb.dataset.iter(entity):
        rows.append(rec)
        if limit and len(rows) == limit:
            break
    return json.dumps(rows, ensure_ascii=False, sort_keys=True).replace(sb.base_url, "<base>")


@pytest.fixture(scope="module")
def dirty():
    with PloomesSandbox(seed=3, scale=400, dirt=0.3) as sb:
        yield sb


def test_same_seed_same_records_and_different_seed_differs(small):
    with PloomesSandbox(seed=3, scale=100) as twin, PloomesSandbox(seed=4, scale=100) as other:
        for entity in ("Contacts", "Deals", "Quotes", "Emails", "Attachments", "Fields"):
            assert snapshot(small, entity) == snapshot(twin, entity), entity
        assert snapshot(small, "Contacts") != snapshot(other, "Contacts")
        assert snapshot(small, "Fields") != snapshot(other, "Fields")  # GUID keys come from the seed


def test_record_is_a_pure_function_of_its_rank():
    with PloomesSandbox(seed=9, scale=1000000) as big, PloomesSandbox(seed=9, scale=1000000) as twin:
        rid = 40120000 + 765431
        assert big.dataset.get("Contacts", rid, expand=False)["Id"] == rid
        first = json.dumps(big.dataset.get("Contacts", rid)).replace(big.base_url, "")
        assert first == json.dumps(twin.dataset.get("Contacts", rid)).replace(twin.base_url, "")
        assert big.dataset.count("Contacts") == 1000000


def test_every_record_has_every_property_and_dates_in_brasilia(small):
    for entity in ENTITIES:
        type_name = small.catalog.type_of(entity)
        props = small.catalog.types[type_name].props
        for rec in small.dataset.iter(entity, expand=False):
            assert tuple(rec) == props, entity
            for name in ("CreateDate", "LastUpdateDate", "Date", "StartDate", "FinishDate"):
                if rec.get(name) is not None:
                    assert DATE.match(rec[name]), (entity, name, rec[name])
            for name in ("CreateDate", "LastUpdateDate"):
                if rec.get(name) is not None:
                    assert parse_datetime(rec[name]) <= REFERENCE


def _check_refs(sb, entity, rec, refs):
    for fk, target in refs.items():
        if rec.get(fk) is not None:
            assert sb.dataset.get(target, rec[fk], expand=False) is not None, (entity, rec["Id"], fk, rec[fk])


def test_referential_integrity_without_dirt(small):
    for entity, refs in REFS.items():
        for rec in small.dataset.iter(entity, expand=False):
            _check_refs(small, entity, rec, refs)
    for entity in ("Contacts", "Deals", "Quotes", "Orders", "Tasks", "InteractionRecords", "Products"):
        for rec in small.dataset.iter(entity):
            for row in rec["OtherProperties"]:
                _check_refs(small, entity, row, OP_REFS)
                field = small.dataset.get("Fields", row["FieldId"], expand=False)
                assert field["Key"] == row["FieldKey"] and field["Dynamic"] is True
            for link in rec.get("Tags", []):
                assert small.dataset.get("Tags", link["TagId"], expand=False) is not None
            for att in rec.get("Attachments", []):
                assert att["ItemId"] == rec["Id"]
    for rec in small.dataset.iter("Contacts"):
        for phone in rec["Phones"]:
            assert small.dataset.get("PhoneTypes", phone["TypeId"], expand=False) is not None
    for task in small.dataset.iter("Tasks"):
        assert task["Users"] and all(small.dataset.get("Users", u["UserId"], expand=False) for u in task["Users"])


def test_deal_consistency(small):
    stages = {s["Id"]: s for s in small.dataset.iter("Deals@Stages", expand=False)}
    reasons = {r["Id"]: r for r in small.dataset.iter("Deals@LossReasons", expand=False)}
    for deal in small.dataset.iter("Deals", expand=False):
        assert stages[deal["StageId"]]["PipelineId"] == deal["PipelineId"]
        assert (deal["FinishDate"] is None) == (deal["StatusId"] == 1)
        assert (deal["LossReasonId"] is not None) == (deal["StatusId"] == 3)
        if deal["LossReasonId"]:
            assert reasons[deal["LossReasonId"]]["PipelineId"] == deal["PipelineId"]
        if deal["ContactId"]:
            assert deal["ContactName"] == small.dataset.get("Contacts", deal["ContactId"], expand=False)["Name"]
        if deal["LastQuoteId"]:
            assert deal["Amount"] == small.dataset.get("Quotes", deal["LastQuoteId"], expand=False)["Amount"]


def test_quote_and_order_totals_are_consistent(small):
    for entity in ("Quotes", "Orders"):
        for rec in small.dataset.iter(entity):
            section_total = 0
            for section in rec["Sections"]:
                lines = section["Products"]
                for line in lines:
                    expected = round(line["Quantity"] * line["UnitPrice"] * (1 - line["Discount"] / 100), 2)
                    assert line["Total"] == expected
                assert section["Total"] == round(sum(line["Total"] for line in lines), 2)
                section_total += section["Total"]
            assert rec["Amount"] == round(section_total, 2)
            assert sorted(p["Id"] for p in rec["Products"]) == sorted(
                line["Id"] for s in rec["Sections"] for line in s["Products"])
    for order in small.dataset.iter("Orders", expand=False):
        quote = small.dataset.get("Quotes", order["OriginQuoteId"], expand=False)
        assert quote["Amount"] == order["Amount"] and quote["LastReview"] is True
        assert small.dataset.get("Deals", order["DealId"], expand=False)["StatusId"] == 2


def test_quote_revisions(small):
    groups = {}
    for quote in small.dataset.iter("Quotes", expand=False):
        groups.setdefault(quote["QuoteNumber"], []).append(quote)
    for revisions in groups.values():
        numbers = sorted(q["ReviewNumber"] for q in revisions)
        assert numbers == list(range(1, len(numbers) + 1))
        last = [q for q in revisions if q["LastReview"]]
        assert len(last) == 1 and last[0]["ReviewNumber"] == len(numbers)
        assert all(q["LastReviewId"] == last[0]["Id"] and q["DealId"] == last[0]["DealId"] for q in revisions)
    assert max(len(r) for r in groups.values()) == 3


def test_documents_valid_without_dirt(small):
    seen = Counter()
    for rec in small.dataset.iter("Contacts"):
        for value in (rec["CNPJ"], rec["Register"] if rec["TypeId"] == 1 else None):
            if value:
                assert cnpj.is_valid(value), value
                seen["cnpj-formatted" if "/" in value else "cnpj-digits"] += 1
        for value in (rec["CPF"], rec["Register"] if rec["TypeId"] == 2 else None):
            if value:
                assert cpf.is_valid(value), value
                seen["cpf"] += 1
        for row in rec["OtherProperties"]:
            field = small.dataset.get("Fields", row["FieldId"], expand=False)
            if field["TypeId"] == 11:
                assert cpf.is_valid(row["StringValue"])
                seen["cpf-field"] += 1
            if field["TypeId"] == 12:
                assert cnpj.is_valid(row["StringValue"])
                seen["cnpj-field"] += 1
    assert all(seen[k] for k in ("cnpj-formatted", "cnpj-digits", "cpf", "cpf-field", "cnpj-field")), seen


def test_dirt_adds_every_kind_of_problem(dirty):
    contacts = list(dirty.dataset.iter("Contacts", expand=False))
    ids = {c["Id"] for c in contacts}
    invalid_docs = [c for c in contacts if c["CNPJ"] and not cnpj.is_valid(c["CNPJ"])
                    or c["CPF"] and not cpf.is_valid(c["CPF"])]
    bad_emails = [c for c in contacts if c["Email"] and not re.fullmatch(r"[^@\s,]+@[^@\s,]+\.[a-z.]+", c["Email"])]
    dangling = [c for c in contacts if c["CompanyId"] and c["CompanyId"] not in ids]
    people = Counter((c["Name"], c["Email"]) for c in contacts if c["TypeId"] == 2 and c["Name"].strip())
    notes = [c["Note"] or "" for c in contacts] + [
        i["Content"] for i in dirty.dataset.iter("InteractionRecords", expand=False)]
    assert invalid_docs and bad_emails and dangling
    assert any(n > 1 for n in people.values())
    assert any(not c["Name"].strip() for c in contacts)
    assert any(len(n) >= 10240 for n in notes)
    assert any("<script" in n for n in notes)


def test_clean_account_has_no_dirt(small):
    contacts = list(small.dataset.iter("Contacts", expand=False))
    assert all(c["Name"].strip() for c in contacts)
    assert all(len(c["Note"] or "") < 1000 and "<" not in (c["Note"] or "") for c in contacts)
    assert all(re.fullmatch(r"[^@\s,]+@[^@\s,]+\.[a-z.]+", c["Email"]) for c in contacts if c["Email"])


def test_small_account_contains_one_of_everything(small):
    check_one_of_everything(small.dataset)


@pytest.mark.parametrize("seed", [1, 2, 17])
def test_one_of_everything_whatever_the_seed(seed):
    with PloomesSandbox(seed=seed, scale=100) as sb:
        check_one_of_everything(sb.dataset)


def check_one_of_everything(ds):
    fields = [f for f in ds.iter("Fields", expand=False) if f["Dynamic"]]
    assert set(range(1, 21)) <= {f["TypeId"] for f in fields}
    assert {1, 2, 4, 7, 10, 12, 36} <= {f["EntityId"] for f in fields}
    assert {"Inscrição Estadual", "Inscrição Municipal"} <= {f["Name"] for f in fields if f["EntityId"] == 1}
    assert any(not f["Dynamic"] and f["PropertyName"] for f in ds.iter("Fields", expand=False))
    used = Counter()
    multi = False
    for entity in ("Contacts", "Deals", "Quotes", "Orders", "Tasks", "InteractionRecords", "Products"):
        for rec in ds.iter(entity):
            keys = Counter(row["FieldKey"] for row in rec["OtherProperties"])
            used.update(keys.keys())
            multi = multi or any(n > 1 for n in keys.values())
    assert {f["Key"] for f in fields} <= set(used), "every custom field has a value somewhere"
    assert multi, "a multi-select with several options"
    users = list(ds.iter("Users", expand=False))
    suspended = {u["Id"] for u in users if u["Suspended"]}
    no_email = {u["Id"] for u in users if u["Email"] is None}
    assert suspended and no_email
    deals = list(ds.iter("Deals", expand=False))
    assert {1, 2, 3} <= {d["StatusId"] for d in deals}
    assert any(d["OwnerId"] in suspended for d in deals) and any(d["OwnerId"] in no_email for d in deals)
    assert any(q["ReviewNumber"] > 1 for q in ds.iter("Quotes", expand=False))
    assert any(e["ReplyToEmailId"] for e in ds.iter("Emails", expand=False))
    owners = Counter(col for a in ds.iter("Attachments", expand=False)
                     for col in ("ContactId", "DealId", "OrderId", "TaskId", "InteractionRecordId", "EmailId")
                     if a[col])
    assert len(owners) == 6
    assert ds.count("Deals/GetDeletedDeals") >= 1
    assert ds.count("Products@Parts") >= 1 and ds.count("Orders") >= 1
    assert all(g["FamilyId"] for g in ds.iter("Products@Groups", expand=False))
    kinds = {r["TypeId"] for r in ds.iter("InteractionRecords", expand=False)}
    assert kinds >= {None} | {t["Id"] for t in ds.iter("Tasks@Types", expand=False)}
    assert {True, False} == {t["Finished"] for t in ds.iter("Tasks", expand=False)}
    contacts = list(ds.iter("Contacts"))
    assert {1, 2} == {c["TypeId"] for c in contacts}
    assert any(c["Tags"] for c in contacts) and any(d["Tags"] for d in ds.iter("Deals"))
    zips = [c["ZipCode"] for c in contacts if c["ZipCode"]]
    assert any(z < 10000000 for z in zips) and any(z >= 10000000 for z in zips)
    formats = {re.sub(r"\d", "9", p["PhoneNumber"]) for c in contacts for p in c["Phones"]}
    assert len(formats) >= 4
    assert {3, 1} <= {p["TypeId"] for c in contacts for p in c["Phones"]}
    assert any(re.search(r"[ãçéíóúâêô]", c["Name"]) for c in contacts)
