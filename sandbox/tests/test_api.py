"""API behaviour over HTTP: envelope, paging, query options, filters, auth, errors, files."""

import threading
from datetime import datetime, timezone

import pytest
import requests

from sandbox.ploomes.odata import parse_datetime
from sandbox.ploomes.schema import CONTACT
from sandbox.tests.helpers import Client, odata

LOOKUPS = [
    "Self", "Account", "Users", "Users@Profiles", "Roles", "Departments", "PhoneTypes", "Teams",
    "Contacts@Types", "Contacts@Status", "Contacts@Origins", "Contacts@Relationships", "Contacts@Classes",
    "Contacts@LinesOfBusiness", "Contacts@NumbersOfEmployees", "Deals@Pipelines", "Deals@Stages",
    "Deals@Status", "Deals@LossReasons", "Tasks@Types", "Orders@Stages", "Quotes@ApprovalStatus",
    "Emails@Status", "Tags", "Fields", "Fields@Types", "Fields@Entities", "Fields@OptionsTables",
    "Fields@OptionsTables@Options", "Products", "Products@Groups", "Products@Families", "Products@Parts",
    "Quotes", "Quotes@Products", "Orders", "Orders@Products", "Tasks", "InteractionRecords", "Emails",
    "Attachments", "Automations", "Automations@Triggers", "Cities", "Cities@Countries",
    "Cities@Countries@States", "Currencies", "Deals", "Deals/GetDeletedDeals", "Contacts",
]


def ids(rows):
    return [r["Id"] for r in rows]


def truth(sandbox, entity, predicate=lambda r: True):
    return [r for r in sandbox.dataset.iter(entity, expand=False) if predicate(r)]


def test_envelope_and_explicit_nulls_without_navigations(client, sandbox):
    body = client.json("/Contacts", **odata(top=5))
    assert body["@odata.context"] == f"{sandbox.base_url}/$metadata#Contacts"
    assert len(body["value"]) == 5
    for rec in body["value"]:
        assert tuple(rec) == CONTACT
        assert "Phones" not in rec and "OtherProperties" not in rec


def test_paging_with_skip_covers_every_record_once(client, sandbox):
    seen, skip = [], 0
    while True:
        page = client.values("/Contacts", **odata(top=300, skip=skip, orderby="Id", select="Id"))
        seen += ids(page)
        if len(page) < 300:
            break
        skip += 300
    assert seen == list(sandbox.dataset.ids("Contacts")) and len(seen) == 350


def test_paging_by_next_link(client, sandbox):
    body = client.json("/Contacts", **odata(select="Id"))
    assert len(body["value"]) == 300 and "$skip=300" in body["@odata.nextLink"]
    seen = ids(body["value"])
    while "@odata.nextLink" in body:
        body = client.json(body["@odata.nextLink"])
        seen += ids(body["value"])
    assert seen == list(sandbox.dataset.ids("Contacts"))


def test_keyset_paging(client, sandbox):
    seen, last = [], 0
    while True:
        page = client.values("/Contacts", **odata(filter=f"Id gt {last}", orderby="Id", top=120, select="Id"))
        if not page:
            break
        seen += ids(page)
        last = seen[-1]
    assert seen == list(sandbox.dataset.ids("Contacts"))


def test_top_over_cap_is_capped_with_next_link(client):
    body = client.json("/Contacts", **odata(top=1000, select="Id"))
    assert len(body["value"]) == 300
    assert "$top=700" in body["@odata.nextLink"] and "$skip=300" in body["@odata.nextLink"]
    rest = client.json(body["@odata.nextLink"])
    assert len(rest["value"]) == 50 and "@odata.nextLink" not in rest


def test_top_over_cap_error_mode(fresh):
    _, c = fresh(top_over_cap="error")
    resp = c.get("/Contacts", **odata(top=301))
    assert resp.status_code == 400 and "300" in resp.json()["error"]["message"]
    assert c.get("/Contacts", **odata(top=300)).status_code == 200


def test_next_link_modes(fresh):
    _, c = fresh(next_link="truncated", page_cap=50)
    assert "@odata.nextLink" not in c.json("/Contacts", **odata(top=10))
    body = c.json("/Contacts")
    assert len(body["value"]) == 50 and "$skip=50" in body["@odata.nextLink"]
    _, off = fresh(next_link="off", page_cap=50)
    body = off.json("/Contacts")
    assert len(body["value"]) == 50 and "@odata.nextLink" not in body


def test_count(client, sandbox):
    assert client.json("/Contacts", **odata(count="true", top=1))["@odata.count"] == 350
    body = client.json("/Contacts", **odata(count="true", filter="TypeId eq 1", top=2))
    assert body["@odata.count"] == len(truth(sandbox, "Contacts", lambda r: r["TypeId"] == 1))
    assert "@odata.count" not in client.json("/Contacts", **odata(top=1))


def test_select(client):
    rows = client.values("/Deals", **odata(select="Id,Title,Amount", top=3))
    assert all(list(r) == ["Id", "Title", "Amount"] for r in rows)
    assert client.get("/Deals", **odata(select="Id,Nope")).status_code == 400
    assert client.get("/Contacts", **odata(select="Id,Phones")).status_code == 400


def test_expand_nested(client, sandbox):
    deal = truth(sandbox, "Deals", lambda d: d["PersonId"] and d["LastQuoteId"])[0]
    field = next(f for f in sandbox.dataset.iter("Fields", expand=False) if f["EntityId"] == 2 and f["Dynamic"])
    rows = client.values("/Deals", **odata(
        filter=f"Id eq {deal['Id']}",
        expand=f"Contact($select=Id,Name;$expand=Phones),Person($expand=Company($select=Id)),"
               f"OtherProperties($filter=FieldKey eq '{field['Key']}'),Tags($expand=Tag),"
               f"LastQuote($select=Id;$expand=Sections($expand=Products($select=Id,Total)))"))
    got, full = rows[0], sandbox.dataset.get("Deals", deal["Id"])
    contact = sandbox.dataset.get("Contacts", deal["ContactId"])
    assert set(got["Contact"]) == {"Id", "Name", "Phones"} and got["Contact"]["Phones"] == contact["Phones"]
    assert all(op["FieldKey"] == field["Key"] for op in got["OtherProperties"])
    assert [op["Id"] for op in got["OtherProperties"]] == [
        op["Id"] for op in full["OtherProperties"] if op["FieldKey"] == field["Key"]]
    assert [t["Tag"]["Id"] for t in got["Tags"]] == [t["TagId"] for t in full["Tags"]]
    assert got["Person"]["Company"] in (None, {"Id": got["Person"]["CompanyId"]})
    sections = got["LastQuote"]["Sections"]
    assert sections and all(set(line) == {"Id", "Total"} for s in sections for line in s["Products"])


def test_expand_navigations_are_not_inlined_unless_asked(client):
    quote = client.values("/Quotes", **odata(top=1))[0]
    assert "Sections" not in quote and "Products" not in quote
    assert client.get("/Quotes", **odata(expand="Nope")).status_code == 400


def test_orderby_several_keys(client, sandbox):
    rows = client.values("/Deals", **odata(orderby="StatusId desc,Amount", select="Id,StatusId,Amount"))
    expected = sorted(truth(sandbox, "Deals"), key=lambda d: (-d["StatusId"], d["Amount"], d["Id"]))
    assert ids(rows) == ids(expected)
    desc = client.values("/Contacts", **odata(orderby="Id desc", top=5, select="Id"))
    assert ids(desc) == sorted(sandbox.dataset.ids("Contacts"), reverse=True)[:5]
    by_nav = client.values("/Deals", **odata(orderby="Stage/Ordination desc,Id", top=5, select="Id,StageId"))
    stages = {s["Id"]: s["Ordination"] for s in truth(sandbox, "Deals@Stages")}
    assert [stages[r["StageId"]] for r in by_nav] == sorted((stages[r["StageId"]] for r in by_nav), reverse=True)


def _amount_pivot(sandbox):
    return sorted(d["Amount"] for d in truth(sandbox, "Deals"))[30]


@pytest.mark.parametrize("op, test", [
    ("eq", lambda a, p: a == p), ("ne", lambda a, p: a != p), ("gt", lambda a, p: a > p),
    ("ge", lambda a, p: a >= p), ("lt", lambda a, p: a < p), ("le", lambda a, p: a <= p),
])
def test_comparison_operators(client, sandbox, op, test):
    pivot = _amount_pivot(sandbox)
    rows = client.values("/Deals", **odata(filter=f"Amount {op} {pivot}", select="Id"))
    expected = truth(sandbox, "Deals", lambda d: test(d["Amount"], pivot))
    assert ids(rows) == ids(expected) and rows


@pytest.mark.parametrize("text, predicate", [
    ("StatusId eq 2 and Amount gt 10000", lambda d, ds: d["StatusId"] == 2 and d["Amount"] > 10000),
    ("StatusId eq 1 or StatusId eq 3", lambda d, ds: d["StatusId"] in (1, 3)),
    ("not (StatusId eq 1)", lambda d, ds: d["StatusId"] != 1),
    ("LossReasonId ne null", lambda d, ds: d["LossReasonId"] is not None),
    ("FinishDate eq null", lambda d, ds: d["FinishDate"] is None),
    ("Read eq false", lambda d, ds: d["Read"] is False),
    ("contains(Title,'Forno')", lambda d, ds: "Forno" in d["Title"]),
    ("startswith(Title,'Energia')", lambda d, ds: d["Title"].startswith("Energia")),
    ("endswith(PersonName,'a')", lambda d, ds: (d["PersonName"] or "").endswith("a")),
    ("Contact/TypeId eq 2", lambda d, ds: ds.get("Contacts", d["ContactId"], expand=False)["TypeId"] == 2),
    ("Status/Name eq 'Ganha'", lambda d, ds: d["StatusId"] == 2),
])
def test_logic_functions_null_booleans_and_navigation(client, sandbox, text, predicate):
    rows = client.values("/Deals", **odata(filter=text, select="Id"))
    assert ids(rows) == ids(truth(sandbox, "Deals", lambda d: predicate(d, sandbox.dataset))) and rows


@pytest.mark.parametrize("literal", ["2024-06-01T00:00:00-03:00", "2024-06-01T03:00:00Z", "2024-06-01T05:00:00+02:00"])
def test_date_literals_with_offsets(client, sandbox, literal):
    pivot = datetime(2024, 6, 1, 3, tzinfo=timezone.utc)
    rows = client.values("/Contacts", **odata(filter=f"LastUpdateDate ge {literal}", select="Id"))
    assert ids(rows) == ids(truth(sandbox, "Contacts", lambda c: parse_datetime(c["LastUpdateDate"]) >= pivot))
    assert rows


def test_any_over_other_properties_tags_and_phones(client, sandbox):
    contacts = list(sandbox.dataset.iter("Contacts"))
    row = next(op for c in contacts for op in c["OtherProperties"] if op["ObjectValueId"])
    rows = client.values("/Contacts", **odata(
        filter=(f"OtherProperties/any(o: o/FieldKey eq '{row['FieldKey']}' "
                f"and o/ObjectValueId eq {row['ObjectValueId']})"),
        select="Id"))
    assert ids(rows) == [c["Id"] for c in contacts if any(
        o["FieldKey"] == row["FieldKey"] and o["ObjectValueId"] == row["ObjectValueId"] for o in c["OtherProperties"])]
    tag = contacts[0]["Tags"][0]["TagId"]
    rows = client.values("/Contacts", **odata(filter=f"Tags/any(t: t/TagId eq {tag})", select="Id"))
    assert ids(rows) == [c["Id"] for c in contacts if any(t["TagId"] == tag for t in c["Tags"])]
    rows = client.values("/Contacts", **odata(filter="Phones/any(p: contains(p/PhoneNumber,'(11)'))", select="Id"))
    assert ids(rows) == [c["Id"] for c in contacts if any("(11)" in p["PhoneNumber"] for p in c["Phones"])]
    rows = client.values("/Contacts", **odata(filter="not Phones/any()", select="Id"))
    assert ids(rows) == [c["Id"] for c in contacts if not c["Phones"]] and rows


def test_auth_missing_or_wrong_key(sandbox):
    for headers in ({}, {"User-Key": "nope"}):
        resp = requests.get(f"{sandbox.base_url}/Contacts", headers=headers, timeout=10)
        assert resp.status_code == 401
        assert resp.json()["error"]["message"]


def test_single_record_by_key_and_by_filter(client, sandbox):
    rid = list(sandbox.dataset.ids("Contacts"))[9]
    bare = client.json(f"/Contacts({rid})", **odata(expand="OtherProperties"))
    via_filter = client.values("/Contacts", **odata(filter=f"Id eq {rid}", expand="OtherProperties"))[0]
    assert bare.pop("@odata.context").endswith("#Contacts/$entity")
    assert bare == via_filter
    assert client.get("/Contacts(1)").status_code == 404
    key = next(f["Key"] for f in sandbox.dataset.iter("Fields", expand=False) if f["Dynamic"])
    assert client.json(f"/Fields('{key}')")["Key"] == key


def test_unknown_path_and_malformed_query_answer_odata_errors(client):
    for path, params, status in (("/Nope", {}, 404), ("/Contacts", odata(filter="Id eq"), 400),
                                 ("/Contacts", odata(filter="Nope eq 1"), 400),
                                 ("/Contacts", odata(skip="-1"), 400),
                                 ("/Contacts", {"$inlinecount": "allpages"}, 400)):
        resp = client.get(path, **params)
        assert resp.status_code == status
        assert set(resp.json()) == {"error"} and set(resp.json()["error"]) == {"code", "message"}


def test_aspnet_error_style_and_key_lookup_off(fresh):
    _, c = fresh(error_style="aspnet", key_lookup=False)
    assert set(c.get("/Nope").json()) == {"Message"}
    assert c.get("/Contacts(40120000)").status_code == 400


def test_read_only(client):
    resp = client.session.post(client.base + "/Contacts", json={"Name": "x"}, timeout=10)
    assert resp.status_code == 405


@pytest.mark.parametrize("path", LOOKUPS)
def test_every_entity_set_is_served(client, sandbox, path):
    rows = client.values(f"/{path}", **odata(top=5))
    assert rows and len(rows) <= 5
    assert all(isinstance(r["Id"], int) for r in rows)
    assert client.json(f"/{path}", **odata(count="true", top=0))["@odata.count"] == sandbox.dataset.count(path)


def test_metadata_endpoints(client):
    fields = client.values("/Fields", **odata(filter="Dynamic eq true and TypeId eq 7",
                                              expand="Type,OptionsTable($expand=Options)"))
    assert fields and all(f["OptionsTable"]["Options"] and f["Type"]["Id"] == 7 for f in fields)
    assert any(f["Multiple"] for f in fields)
    tables = client.values("/Fields@OptionsTables", **odata(expand="Options"))
    options = client.values("/Fields@OptionsTables@Options", **odata(filter=f"TableId eq {tables[0]['Id']}"))
    assert ids(options) == ids(tables[0]["Options"])
    pipes = client.values("/Deals@Pipelines", **odata(expand="Stages($orderby=Ordination desc)"))
    assert all(p["Stages"][0]["LastPipelineStage"] for p in pipes)
    autos = client.values("/Automations", **odata(expand="Actions,Trigger"))
    assert all(a["Actions"] and a["Trigger"] for a in autos)
    tags = client.values("/Tags", **odata(filter="EntityId eq 2"))
    assert tags and all(t["EntityId"] == 2 and t["Color"].startswith("#") for t in tags)
    me = client.values("/Self", **odata(expand="Account,Profile"))[0]
    assert me["UserKey"] == "test-key" and me["Profile"]["Administrator"] and me["Account"]["Id"]


def test_attachment_bytes_match_content_length(client, sandbox):
    rows = client.values("/Attachments")
    assert rows
    plain = requests.Session()
    for att in rows:
        resp = plain.get(att["Url"], timeout=10)
        assert resp.status_code == 200 and len(resp.content) == att["ContentLength"]
        assert resp.headers["Content-Type"] == att["ContentType"]
    assert plain.get(f"{sandbox.base_url}/_files/{rows[0]['Id']}/other.pdf", timeout=10).status_code == 404
    pdf = next(a for a in rows if a["FileName"].endswith(".pdf"))
    assert plain.get(pdf["Url"], timeout=10).content.startswith(b"%PDF-")
    deal = client.values("/Deals", **odata(filter=f"Id eq {next(a['DealId'] for a in rows if a['DealId'])}",
                                           expand="Attachments"))[0]
    assert deal["Attachments"] and all(a["DealId"] == deal["Id"] for a in deal["Attachments"])
    quote = client.values("/Quotes", **odata(top=1))[0]
    assert plain.get(quote["DocumentUrl"], timeout=10).content.startswith(b"%PDF-")


def test_expand_attachments_on_every_parent_kind(client):
    for entity, column in (("Contacts", "ContactId"), ("Tasks", "TaskId"), ("Orders", "OrderId"),
                           ("InteractionRecords", "InteractionRecordId"), ("Emails", "EmailId")):
        parent = client.values("/Attachments", **odata(filter=f"{column} ne null", top=1))[0][column]
        rec = client.values(f"/{entity}", **odata(filter=f"Id eq {parent}", expand="Attachments"))[0]
        assert [a[column] for a in rec["Attachments"]] == [parent]



@pytest.mark.parametrize("entity, column, parent", [
    ("Quotes@Products", "QuoteId", "Quotes"), ("Orders@Products", "OrderId", "Orders"),
    ("Products@Parts", "ProductId", "Products"), ("Attachments", "ContactId", "Contacts"),
    ("Attachments", "EmailId", "Emails"), ("Quotes", "DealId", "Deals"), ("Orders", "DealId", "Deals"),
    ("Contacts", "CompanyId", "Contacts"),
])
def test_indexed_equality_filters_match_a_scan(client, sandbox, entity, column, parent):
    rows = truth(sandbox, entity)
    values = sorted({r[column] for r in rows if r[column]})[:4] + [next(sandbox.dataset.ids(parent)) + 1, -5]
    for value in values:
        got = client.values(f"/{entity}", **odata(filter=f"{column} eq {value}", select="Id"))
        assert ids(got) == [r["Id"] for r in rows if r[column] == value]


@pytest.mark.parametrize("text, predicate", [
    ("contains(Name,'ã')", lambda c: "ã" in c["Name"]),
    ("contains(Name,'O''Brien')", lambda c: "O'Brien" in c["Name"]),
    ("startswith(Email,'compras@')", lambda c: (c["Email"] or "").startswith("compras@")),
    ("ZipCode lt 10000000 and StateId eq 25", lambda c: c["ZipCode"] is not None and c["ZipCode"] < 10000000
     and c["StateId"] == 25),
])
def test_unicode_and_quotes_in_filters(client, sandbox, text, predicate):
    rows = client.values("/Contacts", **odata(filter=text, select="Id"))
    assert ids(rows) == ids(truth(sandbox, "Contacts", predicate)) and rows


def test_concurrent_clients_while_records_change(fresh):
    sb, _ = fresh(scale=400)
    errors = []

    def reader():
        c = Client(sb)
        try:
            for skip in range(0, 400, 50):
                resp = c.get("/Contacts", **odata(top=50, skip=skip, expand="Phones,OtherProperties,Tags"))
                if resp.status_code != 200:
                    errors.append(resp.status_code)
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            errors.append(exc)
    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for _ in range(5):
        sb.mutate("Contacts", touch=5, add=2, delete=1)
    for t in threads:
        t.join()
    assert errors == []
    assert sb.stats()["responses"] == {"200": 32}
