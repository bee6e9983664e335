"""The invented Bloomr API over HTTP: auth styles, paging styles, delta, limits, faults, controls, CLI."""

import base64
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest
import requests

from sandbox.bloomr import BloomrSandbox

pytest_plugins = ["sandbox.tests.bloomr_fixtures"]  # bloomr, bloomr_client, make_bloomr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHALLENGES = {"apikey": None, "bearer": "Bearer", "basic": 'Basic realm="Bloomr"', "session": "Cookie",
              "oauth": "Bearer"}


def ids(rows):
    return [row["id"] for row in rows]


def _wrong(style, sb):
    """Headers (and cookies) with credentials of the right shape but the wrong value."""
    if style == "apikey":
        return {"X-API-Key": "bk_live_wrong"}
    if style in ("bearer", "oauth"):
        return {"Authorization": "Bearer nope"}
    if style == "basic":
        token = base64.b64encode(f"{sb.credentials['user']}:wrong".encode()).decode()
        return {"Authorization": f"Basic {token}"}
    return {"Cookie": "bloomr_session=s_forged"}


# -- auth -------------------------------------------------------------------------------
@pytest.mark.parametrize("style", sorted(CHALLENGES))
def test_auth_style_accepts_right_and_refuses_wrong_credentials(make_bloomr, style):
    sb, client = make_bloomr(auth=style)
    assert client.get("/contacts").status_code == 200
    for headers in ({}, _wrong(style, sb)):
        resp = requests.get(f"{sb.base_url}/contacts", headers=headers, timeout=10)
        assert resp.status_code == 401
        assert resp.json()["error"] == "unauthorized"
        challenge = resp.headers.get("WWW-Authenticate")
        if CHALLENGES[style] is None:
            assert challenge is None
        else:
            assert challenge.startswith(CHALLENGES[style])


@pytest.mark.parametrize("header", ["Api-Key", "Authorization"])
def test_api_key_in_another_header(make_bloomr, header):
    sb, client = make_bloomr(key_header=header)
    assert sb.credentials["key_header"] == header
    assert sb.cli_flags()[-2:] == ["--key-header", header]
    assert client.get("/contacts").status_code == 200
    resp = requests.get(f"{sb.base_url}/contacts", headers={"X-API-Key": sb.credentials["key"]}, timeout=10)
    assert resp.status_code == 401
    if header == "Authorization":
        assert resp.headers["WWW-Authenticate"] == "Token"
        bare = requests.get(f"{sb.base_url}/contacts", headers={"Authorization": sb.credentials["key"]}, timeout=10)
        assert bare.status_code == 401


def test_session_login_by_form_and_wrong_password(make_bloomr):
    sb, _client = make_bloomr(auth="session")
    user, password = sb.credentials["user"], sb.credentials["password"]
    wrong = requests.post(f"{sb.base_url}/auth/login", json={"email": user, "password": "x"}, timeout=10)
    assert wrong.status_code == 401 and "bloomr_session" not in wrong.cookies
    session = requests.Session()
    resp = session.post(f"{sb.base_url}/auth/login", data={"email": user, "password": password}, timeout=10)
    assert resp.status_code == 200 and "bloomr_session" in resp.cookies
    assert session.get(f"{sb.base_url}/deals", timeout=10).status_code == 200


def test_oauth_basic_client_refresh_and_errors(make_bloomr):
    sb, _client = make_bloomr(auth="oauth", token_ttl=0.3)
    url, cid, secret = sb.credentials["token_url"], sb.credentials["user"], sb.credentials["password"]
    assert url == f"{sb.root_url}/oauth/token" and sb.cli_flags()[-2:] == ["--token-url", url]
    token = requests.post(url, data={"grant_type": "client_credentials"}, auth=(cid, secret), timeout=10).json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 0
    bad = requests.post(url, data={"grant_type": "client_credentials", "client_id": cid, "client_secret": "x"},
                        timeout=10)
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
    assert requests.post(url, data={"grant_type": "password"}, timeout=10).json()["error"] == "unsupported_grant_type"
    time.sleep(0.35)
    expired = requests.get(f"{sb.base_url}/users", headers={"Authorization": f"Bearer {token['access_token']}"},
                           timeout=10)
    assert expired.status_code == 401 and 'error="invalid_token"' in expired.headers["WWW-Authenticate"]
    fresh = requests.post(url, data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
                          timeout=10).json()
    resp = requests.get(f"{sb.base_url}/users", headers={"Authorization": f"Bearer {fresh['access_token']}"},
                        timeout=10)
    assert resp.status_code == 200


# -- paging -----------------------------------------------------------------------------
@pytest.mark.parametrize("style", ["page", "offset", "cursor", "link"])
def test_paging_style_covers_every_contact_once(make_bloomr, style):
    sb, client = make_bloomr(paging=style, scale=230)
    expected = ids(sb.records("contacts"))
    assert len(expected) == 230
    assert ids(client.all("contacts", size=40)) == expected
    assert ids(client.all("contacts", size=500)) == expected
    first = client.get("/contacts", **{{"page": "per_page", "link": "page_size"}.get(style, "limit"): 500})
    rows = first.json() if style == "link" else first.json().get("data") or first.json().get("results")
    assert len(rows) == 100 and ids(rows) == expected[:100]
    default = client.get("/contacts").json()
    assert len(default if style == "link" else default.get("data") or default["results"]) == 25


def test_page_envelopes(make_bloomr):
    sb, client = make_bloomr(paging="page")
    meta = client.json("/contacts", page=2, per_page=25)["meta"]
    assert meta == {"page": 2, "per_page": 25, "total": 60, "total_pages": 3}
    assert client.get("/contacts", page=0).status_code == 400
    assert client.get("/contacts", per_page="ten").json()["error"] == "invalid_parameter"
    _sb, offset = make_bloomr(paging="offset")
    body = offset.json("/deals", offset=10, limit=5)
    assert (body["count"], body["offset"], body["limit"], len(body["results"])) == (30, 10, 5, 5)
    _sb, link = make_bloomr(paging="link")
    resp = link.get("/contacts", page_size=50)
    assert resp.headers["X-Total-Count"] == "60"
    assert resp.links["next"]["url"].startswith(f"{sb.root_url[:16]}")
    assert "page=2" in resp.links["next"]["url"] and "page_size=50" in resp.links["next"]["url"]
    assert "next" not in link.get(resp.links["next"]["url"]).links
    _sb, cursor = make_bloomr(paging="cursor")
    assert cursor.get("/contacts", cursor="not-a-cursor").status_code == 400


# -- records ----------------------------------------------------------------------------
def test_updated_since_filters_every_collection(bloomr, bloomr_client):
    for collection in ("contacts", "companies", "deals", "calls", "users"):
        rows = bloomr.records(collection)
        pivot = sorted(r["updated_at"] for r in rows)[len(rows) // 2]
        since = datetime.fromisoformat(pivot)
        expected = [r["id"] for r in rows if datetime.fromisoformat(r["updated_at"]) >= since]
        assert ids(bloomr_client.all(collection, size=100, updated_since=pivot)) == expected
    assert bloomr_client.get("/contacts", updated_since="yesterday").status_code == 400


def test_single_record_head_and_file_download(bloomr, bloomr_client):
    contact = bloomr.records("contacts")[7]
    assert bloomr_client.json(f"/contacts/{contact['id']}") == contact
    assert bloomr_client.json("/users/1")["role"] == "admin"
    assert bloomr_client.get("/contacts/ct_999999").status_code == 404
    head = bloomr_client.session.head(f"{bloomr.base_url}/contacts", timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["Content-Length"]) == len(bloomr_client.get("/contacts").content)
    file = bloomr.records("files")[0]
    assert file["url"] == f"{bloomr.base_url}/files/{file['id']}/download"
    data = bloomr_client.get(file["url"])
    assert data.status_code == 200 and len(data.content) == file["size"]
    assert data.headers["Content-Type"] == file["content_type"]


def test_records_look_like_a_brazilian_crm(bloomr):
    contacts, deals = bloomr.records("contacts"), bloomr.records("deals")
    companies = {c["id"]: c for c in bloomr.records("companies")}
    assert len(companies) == 130 // 4 and len(deals) == 65
    assert all(re.fullmatch(r"ct_\d{6}", c["id"]) for c in contacts)
    assert all(c["company_id"] in companies for c in contacts if c["company_id"])
    assert any(c["parent_id"] for c in companies.values())
    assert all(re.fullmatch(r"\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}", c["cnpj"]) for c in companies.values())
    stages = {s["id"]: s for s in bloomr.records("stages")}
    for deal in deals:
        assert deal["currency"] == "BRL" and re.fullmatch(r"\d+\.\d{2}", deal["amount"])
        stage = stages[deal["stage_id"]]
        assert stage["pipeline_id"] == deal["pipeline_id"]
        assert deal["status"] == ("won" if stage["is_won"] else "lost" if stage["is_lost"] else "open")
    keys = {f["key"] for f in bloomr.records("custom_fields")}
    assert any(c["custom_fields"] for c in contacts) and all(set(c["custom_fields"]) <= keys for c in contacts)
    assert {u["role"] for u in bloomr.records("users")} == {"admin", "manager", "rep"}


def test_dirt_plants_bad_values(make_bloomr):
    sb, _client = make_bloomr(dirt=0.4, scale=120)
    contacts = sb.records("contacts")
    company_ids = {c["id"] for c in sb.records("companies")}
    user_ids = {u["id"] for u in sb.records("users")}
    emails = [c["email"] for c in contacts]
    assert any("@" not in e or e.count("@") > 1 or " " in e for e in emails)
    assert len(set(emails)) < len(emails)
    assert any(c["company_id"] and c["company_id"] not in company_ids for c in contacts)
    assert any(c["owner_id"] not in user_ids for c in contacts)
    assert any(not c["first_name"] for c in contacts)


def test_determinism_by_seed():
    def contacts(seed):
        return BloomrSandbox(seed=seed, scale=40).dataset.records("contacts")
    assert contacts(3) == contacts(3)
    assert contacts(3) != contacts(4)


# -- limits, faults, stats ---------------------------------------------------------------
def test_rate_limit_headers_and_429(make_bloomr):
    _sb, client = make_bloomr(rate_limit=3)
    remaining = [client.get("/tags").headers["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    resp = client.get("/tags")
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1
    assert resp.headers["X-RateLimit-Limit"] == "3" and int(resp.headers["X-RateLimit-Reset"]) <= 60


def test_faults_fire_injected_and_from_the_spec(make_bloomr):
    sb, client = make_bloomr()
    queued = requests.post(f"{sb.root_url}/_sandbox/inject", json={"fault": "500"}, timeout=10).json()
    assert queued == {"queued": 1}
    assert client.get("/contacts").status_code == 500
    assert client.get("/contacts").status_code == 200
    sb.inject("shift")
    second = client.json("/contacts", page=2, per_page=10)["data"]
    assert ids(second) == ids(sb.records("contacts"))[11:21]
    assert sb.stats()["faults"] == {"500": 1, "shift": 1}
    gateway, gclient = make_bloomr(faults="503=1")
    resp = gclient.get("/contacts")
    assert resp.status_code == 503 and resp.headers["Content-Type"].startswith("text/html")
    assert gateway.request_log()[-1].fault == "503"


def test_stats_count_writes_but_not_auth_calls(make_bloomr):
    sb, client = make_bloomr(auth="session")
    resp = client.session.post(f"{sb.base_url}/contacts", json={"first_name": "X"}, timeout=10)
    assert resp.status_code == 405
    requests.delete(f"{sb.base_url}/contacts/ct_000001", timeout=10)
    client.get("/contacts")
    stats = requests.get(f"{sb.root_url}/_sandbox/stats", timeout=10).json()
    assert stats["writes"] == 2 and stats["auth_calls"] == 1
    assert stats["by_method"] == {"DELETE": 1, "GET": 1, "POST": 2}
    assert stats["responses"]["405"] == 1 and stats["responses"]["401"] == 1


def test_mutate_over_http_is_visible_through_updated_since(make_bloomr):
    sb, client = make_bloomr()
    before = {c["id"]: c for c in sb.records("contacts")}
    resp = requests.post(f"{sb.root_url}/_sandbox/mutate", timeout=10,
                         json={"collection": "contacts", "touch": 3, "add": 2, "delete": 1})
    changes = resp.json()
    assert len(changes["touched"]) == 3 and changes["added"] == ["ct_000061", "ct_000062"]
    changed = client.all("contacts", updated_since=changes_since(before))
    assert sorted(ids(changed)) == sorted(changes["touched"] + changes["added"])
    for rec in changed:
        if rec["id"] in before:
            assert rec["job_title"] != before[rec["id"]]["job_title"]
    assert client.get(f"/contacts/{changes['deleted'][0]}").status_code == 404
    assert len(client.all("contacts")) == 61
    assert requests.post(f"{sb.root_url}/_sandbox/mutate", json={"collection": "stages", "add": 1},
                         timeout=10).status_code == 400


def changes_since(records):
    """An instant after every record's updated_at."""
    return (max(datetime.fromisoformat(r["updated_at"]) for r in records.values()) + timedelta(seconds=1)).isoformat()


# -- surface ----------------------------------------------------------------------------
def test_html_at_the_root_json_404_elsewhere(bloomr, bloomr_client):
    for url in (f"{bloomr.root_url}/", bloomr.base_url):
        resp = requests.get(url, timeout=10)
        assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/html")
        assert "<html" in resp.text
    missing = bloomr_client.get("/invoices")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert requests.get(f"{bloomr.root_url}/v2/contacts", timeout=10).status_code == 404


def test_openapi_only_when_enabled(bloomr, make_bloomr):
    assert requests.get(f"{bloomr.root_url}/openapi.json", timeout=10).status_code == 404
    sb, _client = make_bloomr(openapi=True, auth="bearer", paging="cursor")
    doc = requests.get(f"{sb.root_url}/openapi.json", timeout=10).json()
    assert doc["openapi"].startswith("3.") and "/contacts" in doc["paths"] and "/files/{id}/download" in doc["paths"]
    assert {p["name"] for p in doc["paths"]["/contacts"]["get"]["parameters"]} == {"cursor", "limit", "updated_since"}
    assert doc["components"]["securitySchemes"] == {"bearer": {"type": "http", "scheme": "bearer"}}


def test_empty_prefix(make_bloomr):
    sb, client = make_bloomr(prefix="")
    assert sb.base_url == sb.root_url
    assert len(client.json("/contacts")["data"]) == 25
    assert requests.get(f"{sb.root_url}/", timeout=10).headers["Content-Type"].startswith("text/html")


# -- CLI --------------------------------------------------------------------------------
def _cli(*args, **kwargs):
    env = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.Popen([sys.executable, "-m", "sandbox.bloomr", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def test_cli_help():
    out, _err = _cli("--help").communicate(timeout=30)
    assert "--auth" in out and "--paging" in out and "export" in out


def test_cli_banner_and_serving():
    proc = _cli("--seed", "2", "--scale", "30", "--port", "0", "--auth", "basic", "--paging", "offset")
    try:
        banner = proc.stdout.readline()
        m = re.match(r"Bloomr sandbox \(invented API\) on (http://127\.0\.0\.1:\d+/api/v1)  auth=basic  "
                     r"paging=offset  credentials: --user (\S+) --password (\S+)$", banner.strip())
        assert m, banner
        resp = requests.get(f"{m[1]}/contacts", auth=(m[2], m[3]), timeout=10)
        assert resp.status_code == 200 and resp.json()["count"] == 30
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    assert proc.returncode == 0


def test_collections_served_under_other_names(make_bloomr):
    sb, client = make_bloomr(names={"contacts": "people"}, openapi=True)
    assert client.get("/contacts").status_code == 404
    first = sb.records("contacts")[0]["id"]
    assert client.json("/people")["data"][0]["id"] == first
    assert client.json(f"/people/{first}")["id"] == first
    paths = requests.get(f"{sb.root_url}/openapi.json", timeout=10).json()["paths"]
    assert "/people" in paths and "/contacts" not in paths


def test_cli_rename_is_checked():
    proc = _cli("--rename", "contacts", "--port", "0")
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and "expected COLLECTION=NAME" in err
