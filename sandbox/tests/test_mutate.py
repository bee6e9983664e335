"""Records changed after start: touch/add/delete, deleted deals and LastUpdateDate deltas."""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import requests

from sandbox.ploomes.odata import parse_datetime
from sandbox.ploomes.rng import REFERENCE, fmt_dt, now_brt
from sandbox.tests.helpers import odata

ROOT = Path(__file__).resolve().parents[2]


def test_mutate_touches_adds_and_deletes(fresh):
    sb, c = fresh()
    since = fmt_dt(now_brt())
    before = sb.dataset.count("Contacts")
    result = sb.mutate("Contacts", touch=3, add=2, delete=1)
    assert [len(result[k]) for k in ("touched", "added", "deleted")] == [3, 2, 1]
    assert not set(result["touched"]) & set(result["deleted"])
    assert sb.dataset.count("Contacts") == before + 1
    changed = c.values("/Contacts", **odata(filter=f"LastUpdateDate ge {since}", select="Id,LastUpdateDate"))
    assert [r["Id"] for r in changed] == sorted(result["touched"] + result["added"])
    assert all(parse_datetime(r["LastUpdateDate"]) > REFERENCE for r in changed)
    assert all(r["LastUpdateDate"].endswith("-03:00") for r in changed)
    gone = result["deleted"][0]
    assert c.get(f"/Contacts({gone})").status_code == 404
    assert not c.values("/Contacts", **odata(filter=f"Id eq {gone}"))
    listed = [r["Id"] for r in c.values("/Contacts", **odata(select="Id"))]
    assert gone not in listed and set(result["added"]) <= set(listed) and len(listed) == before + 1
    added = c.values("/Contacts", **odata(filter=f"Id eq {result['added'][0]}", expand="Phones,OtherProperties"))[0]
    assert added["CreateDate"] == added["LastUpdateDate"] and added["Id"] > max(listed[:-2])


def test_unchanged_records_never_match_a_delta_after_the_reference(fresh):
    _, c = fresh()
    after = "2025-06-30T18:00:01-03:00"
    for entity in ("Contacts", "Deals", "Tasks", "Quotes", "Orders", "InteractionRecords", "Products", "Users"):
        assert c.values(f"/{entity}", **odata(filter=f"LastUpdateDate ge {after}")) == []


def test_deleted_deals_feed(fresh):
    sb, c = fresh()
    before = [r["Id"] for r in c.values("/Deals/GetDeletedDeals")]
    assert before
    since = fmt_dt(now_brt())
    result = sb.mutate("Deals", delete=2)
    feed = c.values("/Deals/GetDeletedDeals", **odata(filter=f"LastUpdateDate ge {since}"))
    assert sorted(r["Id"] for r in feed) == sorted(result["deleted"])
    assert all(parse_datetime(r["LastUpdateDate"]) >= parse_datetime(since) for r in feed)
    assert len(c.values("/Deals/GetDeletedDeals")) == len(before) + 2
    assert not c.values("/Deals", **odata(filter=f"Id eq {result['deleted'][0]}"))


def test_mutate_by_explicit_ids_and_control_endpoint(fresh):
    sb, c = fresh()
    target = next(sb.dataset.ids("Tasks"))
    resp = requests.post(f"{sb.base_url}/_sandbox/mutate", json={"entity": "Tasks", "touch": [target], "add": 1},
                         timeout=5)
    assert resp.status_code == 200 and resp.json()["touched"] == [target]
    task = c.values("/Tasks", **odata(filter=f"Id eq {target}"))[0]
    assert task["Description"].startswith("Editado pela sandbox")
    assert requests.post(f"{sb.base_url}/_sandbox/mutate", json={"entity": "Cities", "touch": 1},
                         timeout=5).status_code == 400
    assert requests.post(f"{sb.base_url}/_sandbox/mutate", data=b"[1]", timeout=5).status_code == 400


def test_mutation_choice_follows_the_seed(fresh):
    a, _ = fresh(seed=21)
    b, _ = fresh(seed=21)
    picks = [sb.mutate("Deals", touch=4, delete=2) for sb in (a, b)]
    assert picks[0] == picks[1] and len(picks[0]["touched"]) == 4


def test_cli_prints_its_url_and_serves_until_terminated():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "sandbox.ploomes", "--port", "0", "--scale", "100",
                             "--key", "cli-key", "--seed", "4"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        m = re.fullmatch(r"Ploomes sandbox on (http://127\.0\.0\.1:\d+)  User-Key: cli-key\n", line)
        assert m, line
        resp = requests.get(f"{m.group(1)}/Contacts", headers={"User-Key": "cli-key"},
                            params={"$top": "2"}, timeout=10)
        assert resp.status_code == 200 and len(resp.json()["value"]) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_added_records_join_their_relations(fresh):
    sb, c = fresh(scale=120)
    company, person = sb.mutate("Contacts", add=2)["added"]
    assert c.json(f"/Contacts({company})")["TypeId"] == 1
    assert c.json(f"/Contacts({person})")["CompanyId"] == company
    assert [r["Id"] for r in c.values("/Contacts", **odata(filter=f"CompanyId eq {company}"))] == [person]
    people = c.json(f"/Contacts({company})", **odata(expand="Contacts($select=Id)"))["Contacts"]
    assert people == [{"Id": person}]
