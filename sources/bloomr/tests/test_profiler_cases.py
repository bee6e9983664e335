"""The profiler on APIs that go wrong or differ from the sandbox: tiny stdlib servers."""
import socket

import pytest
import requests
from crm_migration.sources.bloomr.profile import Credentials
from crm_migration.sources.bloomr.profiler import profile_api, render_profile
from crm_migration.sources.errors import InvalidConfiguration

from .conftest import credentials_of, routes

KEY = "s3cr3t-key-of-the-test"


def people(start, stop):
    return [{"uuid": f"p{n}", "full_name": f"Person {n}", "modifiedAt": "2025-01-02T03:04:05Z",
             "org_id": n % 2} for n in range(start, stop)]


def test_a_web_app_answering_html_is_not_an_api(json_server):
    page = (200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html><body>App</body></html>")
    server = json_server(lambda _path, _headers: page)
    profile = profile_api(server.base_url, Credentials(key=KEY), rate=0)
    assert not profile.usable
    assert any("HTML instead of JSON" in p for p in profile.problems)


def test_credentials_refused_everywhere(make_sandbox):
    sb = make_sandbox()
    profile = profile_api(sb.base_url, Credentials(key=KEY, user="a@b.c", password="pw"), rate=0)
    assert not profile.usable and profile.auth.style == ""
    (problem,) = profile.problems
    assert "refused with HTTP 401: the credentials were refused" in problem
    assert "X-API-Key" in problem and "HTTP Basic" in problem and KEY not in problem
    assert sb.stats()["writes"] == 0


def test_an_unreachable_host_is_said_so():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    profile = profile_api(f"http://127.0.0.1:{port}", Credentials(key=KEY), rate=0, retries=0)
    assert not profile.usable
    assert "could not be reached" in profile.problems[0]


def test_no_collection_found(json_server):
    server = json_server(routes({}))
    profile = profile_api(server.base_url, Credentials(key=KEY), rate=0)
    assert not profile.usable
    assert profile.problems[0].startswith("No collection was found")


def test_plain_http_off_loopback_is_refused_before_any_request():
    with pytest.raises(InvalidConfiguration, match="must use https"):
        profile_api("http://api.example.com", Credentials(key=KEY))


def test_forbidden_and_failing_collections_are_reported_with_their_status(json_server):
    server = json_server(routes({
        "/v2/contacts": (200, {}, {"items": people(0, 3)}),
        "/v2/calls": (403, {}, {"error": "forbidden"}),
        "/v2/deals": (500, {}, {"error": "boom"})}))
    profile = profile_api(server.base_url + "/v2", Credentials(token=KEY), rate=0, retries=1,
                          backoff=0.001)
    statuses = {c.name: c.status for c in profile.collections}
    assert statuses == {"contacts": 200, "calls": 403, "deals": 500}
    assert profile.usable and profile.auth.style == "none"
    assert "calls: HTTP 403 forbidden." in profile.problems
    assert "deals: HTTP 500 internal server error." in profile.problems
    assert "calls: HTTP 403" in render_profile(profile)
    assert sum(path == "/v2/deals" for _m, path, _h in server.requests) == 2  # one retry


def walled_cursor_api(rows, cap=5):
    """A Bearer API with the records under ``records``, a cursor in ``paging.nextCursor``
    taken back as ``after``, sizes as ``limit`` (at most ``cap``), the count in a header."""

    def answer(path, headers):
        if headers.get("Authorization") != f"Bearer {KEY}":
            return 401, {"WWW-Authenticate": 'Bearer realm="x"'}, {"error": "unauthorized"}
        if not path.startswith("/contacts"):
            return 404, {}, {"error": "not found"}
        query = dict(p.split("=") for p in path.partition("?")[2].split("&") if p)
        size = min(int(query.get("limit", 3)), cap)
        start = int(query.get("after", "0"))
        more = start + size < len(rows)
        return 200, {"X-Total-Count": str(len(rows))}, {
            "records": rows[start:start + size],
            "paging": {"nextCursor": str(start + size) if more else None}}
    return answer


def test_a_bearer_wall_a_body_cursor_and_a_header_count(json_server):
    server = json_server(walled_cursor_api(people(0, 7)))
    profile = profile_api(server.base_url, Credentials(token=KEY), rate=0,
                          candidates=("contacts",))
    contacts = profile.collection("contacts")
    assert profile.auth.style == "bearer" and profile.usable
    assert (contacts.paging, contacts.params["cursor"]) == ("cursor", "after")
    assert contacts.params["size"] == "limit" and contacts.page_cap == 5
    assert contacts.total == 7 and contacts.records_path == "records"
    assert (contacts.record_key, contacts.updated_at) == ("uuid", "modifiedAt")
    assert all(method == "GET" for method, _p, _h in server.requests)


def test_a_429_while_profiling_is_honoured_with_its_retry_after_capped(make_sandbox, fake_time):
    sb = make_sandbox(rate_limit=10_000)
    sb.inject("429:500")
    profile = profile_api(sb.base_url, credentials_of(sb), rate=0, clock=fake_time.clock,
                          sleep=fake_time.sleep)
    assert profile.usable
    assert fake_time.sleeps[0] == 120.0  # Retry-After 500, capped
    assert profile.rate_limit["Retry-After"] == "500"
    assert "X-RateLimit-Limit" in profile.rate_limit


def test_requests_are_spaced_by_the_rate(make_sandbox, fake_time):
    sb = make_sandbox()
    lines = []
    profile_api(sb.base_url, credentials_of(sb), rate=2.0, clock=fake_time.clock,
                sleep=fake_time.sleep, log=lines.append)
    assert fake_time.now >= (len(lines) - 1) * 0.5


def test_an_oauth_refresh_token_alone_is_enough(make_sandbox):
    sb = make_sandbox(auth="oauth")
    given = sb.credentials
    grant = requests.post(given["token_url"], timeout=5, data={
        "grant_type": "client_credentials", "client_id": given["user"],
        "client_secret": given["password"]}).json()
    creds = Credentials(token_url=given["token_url"], refresh_token=grant["refresh_token"])
    profile = profile_api(sb.base_url, creds, rate=0)
    assert profile.usable and profile.auth.style == "oauth-refresh"
    assert profile.auth.token_url == given["token_url"]
