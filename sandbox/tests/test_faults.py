"""Faults on demand and the rate limit."""

import json

import pytest
import requests

from sandbox.ploomes import PloomesSandbox
from sandbox.ploomes.__main__ import parse_args
from sandbox.ploomes.faults import parse_spec
from sandbox.ploomes.ratelimit import RateLimiter
from sandbox.tests.helpers import Client, odata


@pytest.mark.parametrize("fault, status", [("408", 408), ("429", 429), ("429noretry", 429), ("500", 500),
                                           ("502", 502), ("503", 503), ("504", 504)])
def test_status_faults(fresh, fault, status):
    sb, c = fresh()
    sb.inject(fault)
    resp = c.get("/Contacts", **odata(top=1))
    assert resp.status_code == status
    assert ("Retry-After" in resp.headers) == (fault == "429")
    if status in (502, 503, 504):
        assert resp.headers["Content-Type"].startswith("text/html")
    else:
        assert "error" in resp.json()
    assert c.get("/Contacts", **odata(top=1)).status_code == 200
    assert sb.stats()["faults"] == {fault: 1}


def test_drop_closes_the_connection_without_answer(fresh):
    sb, c = fresh()
    sb.inject("drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        c.get("/Contacts")
    assert c.get("/Contacts").status_code == 200
    assert sb.stats()["faults"] == {"drop": 1}


def test_slow_answers_after_the_client_timeout(fresh):
    sb, c = fresh()
    sb.inject("slow:1.5")
    with pytest.raises(requests.exceptions.Timeout):
        c.get("/Contacts", timeout=0.3)
    assert Client(sb).get("/Contacts", timeout=5).status_code == 200
    assert sb.stats()["faults"] == {"slow": 1}


@pytest.mark.parametrize("fault", ["truncate", "malformed"])
def test_broken_json_bodies(fresh, fault):
    sb, c = fresh()
    good = c.get("/Deals", **odata(top=3))
    sb.inject(fault)
    bad = c.get("/Deals", **odata(top=3))
    assert bad.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(bad.content)
    if fault == "truncate":
        assert bad.content == good.content[:len(good.content) // 2]


def test_shift_repeats_or_skips_a_row_on_offset_pages(fresh):
    sb, c = fresh()
    everything = [r["Id"] for r in c.values("/Contacts", **odata(select="Id"))]
    sb.inject("shift")
    first = c.values("/Contacts", **odata(top=10, select="Id"))
    assert [r["Id"] for r in first] == everything[:10] and not sb.stats()["faults"]  # $skip=0: not applicable
    sb.inject("shift")
    body = c.json("/Contacts", **odata(top=10, skip=10, select="Id"))
    got = [r["Id"] for r in body["value"]]
    assert got in (everything[9:19], everything[11:21])
    start = 9 if got[0] == everything[9] else 11
    assert f"$skip={start + 10}" in body["@odata.nextLink"]
    assert sb.stats()["faults"] == {"shift": 1}


def _statuses(seed, spec, n=40):
    with PloomesSandbox(seed=seed, scale=100, rate_limit=0, faults=spec) as sb:
        c = Client(sb)
        return [c.get("/Deals", **odata(top=1)).status_code for _ in range(n)], sb.stats()


def test_fault_schedule_is_reproducible_from_the_seed():
    spec = "500=0.2,503=0.1,429noretry=0.1"
    first, stats = _statuses(5, spec)
    again, _ = _statuses(5, spec)
    other, _ = _statuses(6, spec)
    assert first == again
    assert first != other
    assert {200, 500} <= set(first)
    assert sum(stats["faults"].values()) == sum(s != 200 for s in first)


def test_faults_never_hit_control_or_file_endpoints():
    with PloomesSandbox(seed=2, scale=100, rate_limit=0, faults="500=1") as sb:
        c = Client(sb)
        assert c.get("/Contacts").status_code == 500
        assert requests.get(f"{sb.base_url}/_sandbox/stats", timeout=5).status_code == 200
        att = sb.dataset.get("Attachments", next(sb.dataset.ids("Attachments")), expand=False)
        assert requests.get(att["Url"], timeout=5).status_code == 200


def test_spec_parsing():
    assert parse_spec("500=0.05, slow=0.1:5,429=0.2") == [("500", 0.05, None), ("slow", 0.1, 5.0), ("429", 0.2, 1.0)]
    for bad in ("nope=0.1", "500", "500=2", "500=x", "slow=0.1:x"):
        with pytest.raises(ValueError):
            parse_spec(bad)


def test_rate_limit_answers_429_past_the_limit(fresh):
    sb, c = fresh(rate_limit=5, rate_window=30)
    assert [c.get("/Contacts@Types").status_code for _ in range(5)] == [200] * 5
    resp = c.get("/Contacts@Types")
    assert resp.status_code == 429 and 1 <= int(resp.headers["Retry-After"]) <= 30 and resp.json()["error"]
    assert requests.get(f"{sb.base_url}/_sandbox/stats", timeout=5).json()["rate_limited"] == 1


def test_rate_limit_window_slides():
    now = [100.0]
    limiter = RateLimiter(2, 10, clock=lambda: now[0])
    assert limiter.check("k") == (True, 0.0)
    now[0] = 104.0
    assert limiter.check("k") == (True, 0.0)
    assert limiter.check("k") == (False, 6.0)
    assert limiter.check("other")[0]
    now[0] = 110.0
    assert limiter.check("k") == (True, 0.0)
    assert limiter.check("k") == (False, 4.0)
    assert RateLimiter(None).check("k") == (True, 0.0)


def test_rate_limit_without_retry_after(fresh):
    _, c = fresh(rate_limit=1, rate_window=30, retry_after=False)
    assert c.get("/Contacts@Types").status_code == 200
    resp = c.get("/Contacts@Types")
    assert resp.status_code == 429 and "Retry-After" not in resp.headers


def test_control_inject_endpoint(fresh):
    sb, c = fresh()
    resp = requests.post(f"{sb.base_url}/_sandbox/inject", json={"fault": "503", "count": 2}, timeout=5)
    assert resp.json() == {"queued": 2}
    assert [c.get("/Deals").status_code for _ in range(3)] == [503, 503, 200]
    stats = requests.get(f"{sb.base_url}/_sandbox/stats", timeout=5).json()
    assert stats["faults"] == {"503": 2} and stats["requests"] == 3 and stats["responses"] == {"200": 1, "503": 2}
    bad = requests.post(f"{sb.base_url}/_sandbox/inject", json={"fault": "nope"}, timeout=5)
    assert bad.status_code == 400


def test_request_log_records_arrival_status_and_fault(fresh):
    sb, c = fresh()
    sb.inject("503")
    sb.inject("drop")
    c.get("/Contacts", **odata(top=1))
    with pytest.raises(requests.exceptions.ConnectionError):
        c.get("/Deals")
    requests.get(f"{sb.base_url}/Users", timeout=5)
    att = sb.dataset.get("Attachments", next(sb.dataset.ids("Attachments")), expand=False)
    requests.get(att["Url"], timeout=5)
    requests.get(f"{sb.base_url}/_sandbox/stats", timeout=5)
    log = sb.request_log()
    assert [(e.method, e.path.partition("?")[0], e.status, e.fault, e.keyed) for e in log] == [
        ("GET", "/Contacts", 503, "503", True), ("GET", "/Deals", None, "drop", True),
        ("GET", "/Users", 401, None, False), ("GET", att["Url"][len(sb.base_url):], 200, None, False)]
    assert log[0].path == "/Contacts?%24top=1"
    assert [e.at for e in log] == sorted(e.at for e in log)


def test_redirects_on_demand(fresh):
    sb, c = fresh()
    assert sb.redirect("/Users?$top=1", status=307) == 1
    resp = c.get("/Contacts", **odata(top=5))
    assert [r.status_code for r in resp.history] == [307] and len(resp.json()["value"]) == 1
    assert [(e.path, e.status) for e in sb.request_log()] == [("/Contacts?%24top=5", 307),
                                                               ("/Users?$top=1", 200)]
    queued = requests.post(f"{sb.base_url}/_sandbox/redirect", timeout=5,
                           json={"location": "http://127.0.0.1:9/elsewhere", "count": 2})
    assert queued.json() == {"queued": 2}
    att = sb.dataset.get("Attachments", next(sb.dataset.ids("Attachments")), expand=False)
    for url in (f"{sb.base_url}/Deals", att["Url"]):
        resp = requests.get(url, allow_redirects=False, timeout=5)
        assert resp.status_code == 302 and resp.headers["Location"] == "http://127.0.0.1:9/elsewhere"
    assert c.get("/Deals").status_code == 200
    with pytest.raises(ValueError):
        sb.redirect("/x", status=200)


def test_refused_entity_sets_answer_their_status_until_allowed(fresh):
    sb, c = fresh(refuse={"Emails": 403, "Products": 404})
    assert c.get("/Emails", **odata(top=1)).status_code == 403
    missing = c.get("/Products(1)")
    assert missing.status_code == 404 and "No HTTP resource" in missing.json()["error"]["message"]
    assert c.get("/Contacts", **odata(top=1)).status_code == 200
    del sb.refuse["Emails"]
    assert c.get("/Emails", **odata(top=1)).status_code == 200


def test_refusals_are_403_or_404_and_parsed_from_the_command_line():
    assert parse_args(["--refuse", "Emails=403,Products=404"]).refuse == {"Emails": 403, "Products": 404}
    with pytest.raises(ValueError, match="403, 404"):
        PloomesSandbox(refuse={"Emails": 500})
