"""The RestClient reads what the profiler found, against the sandbox: exact paging, resume,
delta, auth renewal, retries through the limiter, downloads."""
import dataclasses
from datetime import datetime, timedelta

import pytest
from crm_migration.mapping.spec import ClientConfig
from crm_migration.sources.bloomr.client import RestClient
from crm_migration.sources.bloomr.profiler import profile_api, render_profile
from crm_migration.sources.errors import (
    AuthenticationError,
    BadRequest,
    DownloadRefused,
    MalformedResponse,
    SourceUnavailable,
)

from .conftest import AUTHS, PAGINGS, credentials_of

VARIANTS = [(auth, paging) for auth in AUTHS for paging in PAGINGS]


def config(page_size=7, retries=3):
    return ClientConfig(url="", key="", rate_limit=0, page_size=page_size, retries=retries,
                        backoff=0.01)


def client_for(sb, profile, fake_time=None, **options):
    times = {"clock": fake_time.clock, "sleep": fake_time.sleep} if fake_time else {}
    return RestClient(profile, credentials_of(sb), config(**options), **times)


def read_all(client, name, cursor=None, changed_since=None):
    records = []
    while True:
        page = client.read_page(name, cursor, changed_since)
        records += page.records
        cursor = page.cursor
        if not page.more:
            return records


@pytest.mark.parametrize("auth, paging", VARIANTS)
def test_pages_through_every_collection_exactly(profiled, auth, paging):
    sb, profile, _lines = profiled(auth, paging)
    client = client_for(sb, profile)
    for collection in profile.collections:
        ids = [r["id"] for r in read_all(client, collection.name)]
        assert ids == [r["id"] for r in sb.records(collection.name)], collection.name
    assert sb.stats()["writes"] == 0


@pytest.mark.parametrize("paging", PAGINGS)
def test_resumes_from_a_cursor(profiled, paging):
    sb, profile, _lines = profiled("apikey", paging)
    first = client_for(sb, profile)
    page = first.read_page("contacts")
    page = first.read_page("contacts", page.cursor)
    assert page.more and isinstance(page.cursor, str)
    resumed = read_all(client_for(sb, profile), "contacts", page.cursor)
    assert [r["id"] for r in resumed] == [r["id"] for r in sb.records("contacts")][14:]


@pytest.mark.parametrize("paging", PAGINGS)
def test_delta_reads_only_the_touched_records(make_sandbox, paging):
    sb = make_sandbox(paging=paging)
    profile = profile_api(sb.base_url, credentials_of(sb), rate=0)
    latest = max(datetime.fromisoformat(r["updated_at"]) for r in sb.records("contacts"))
    touched = set(sb.mutate(collection="contacts", touch=3)["touched"])
    changed = read_all(client_for(sb, profile), "contacts",
                       changed_since=latest + timedelta(seconds=1))
    assert {r["id"] for r in changed} == touched


def test_delta_without_a_filter_reads_everything_and_keeps_the_changes(make_sandbox):
    sb = make_sandbox(scale=40, paging="page")
    profile = profile_api(sb.base_url, credentials_of(sb), rate=0)
    latest = max(datetime.fromisoformat(r["updated_at"]) for r in sb.records("contacts"))
    touched = set(sb.mutate(collection="contacts", touch=3)["touched"])
    unfiltered = dataclasses.replace(profile, collections=[
        dataclasses.replace(c, delta_param="") for c in profile.collections])
    since = latest + timedelta(seconds=1)
    before = len(sb.request_log())
    changed = read_all(client_for(sb, unfiltered, page_size=10), "contacts", changed_since=since)
    assert {r["id"] for r in changed} == touched
    pages = [r.path for r in sb.request_log()[before:] if "/contacts" in r.path]
    assert len(pages) >= 4 and not any("updated_since" in path for path in pages)
    no_date = dataclasses.replace(unfiltered, collections=[
        dataclasses.replace(c, updated_at="") for c in unfiltered.collections])
    assert len(read_all(client_for(sb, no_date), "contacts", changed_since=since)) == 40


def test_an_unknown_collection_is_a_bad_request(profiled):
    sb, profile, _lines = profiled("apikey", "page")
    with pytest.raises(BadRequest, match="no readable collection read as 'invoices'"):
        client_for(sb, profile).read_page("invoices")


def test_account_user_checks_the_credentials(profiled):
    sb, profile, _lines = profiled("basic", "page")
    assert client_for(sb, profile).account_user() == {
        "name": "HTTP Basic (user and password)", "email": ""}
    wrong = dataclasses.replace(credentials_of(sb), password="not-the-password")
    client = RestClient(profile, wrong, config())
    with pytest.raises(AuthenticationError, match="refused the credentials") as caught:
        client.account_user()
    assert "not-the-password" not in str(caught.value)


@pytest.mark.parametrize("auth", ["oauth", "session"])
def test_an_expired_token_or_session_is_renewed_once(profiled, auth):
    sb, profile, _lines = profiled(auth, "page")
    client = client_for(sb, profile)
    assert client.read_page("users").records
    auth_calls = sb.stats()["auth_calls"]
    client.transport.session.cookies.clear()
    client.auth._bearer = "expired" if auth == "oauth" else ""  # what a long run meets
    assert client.read_page("users").records
    assert sb.stats()["auth_calls"] == auth_calls + 1


class CountingLimiter:
    def __init__(self):
        self.waits = 0

    def wait(self):
        self.waits += 1


@pytest.mark.parametrize("fault", ["429", "500", "503", "malformed", "truncate", "drop"])
def test_transient_faults_are_retried_through_the_limiter(profiled, fake_time, fault):
    sb, profile, _lines = profiled("apikey", "offset")
    client = client_for(sb, profile, fake_time)
    client.transport.limiter = limiter = CountingLimiter()
    sb.inject(fault)
    assert len(client.read_page("contacts").records) == 7
    assert client.requests_sent == limiter.waits == 2
    assert len(fake_time.sleeps) == 1
    if fault == "429":
        assert fake_time.sleeps == [1.0]  # the sandbox's Retry-After


@pytest.mark.parametrize("fault, error", [("500", SourceUnavailable),
                                          ("malformed", MalformedResponse)])
def test_faults_outlasting_the_retries_are_reported(profiled, fake_time, fault, error):
    sb, profile, _lines = profiled("apikey", "offset")
    client = client_for(sb, profile, fake_time, retries=2)
    sb.inject(fault, count=3)
    with pytest.raises(error, match="gave up after 3 attempts") as caught:
        client.read_page("contacts")
    assert sb.credentials["key"] not in str(caught.value)


def test_downloads_a_file_and_refuses_other_hosts(profiled):
    sb, profile, _lines = profiled("bearer", "page")
    client = client_for(sb, profile)
    record = sb.records("files")[0]
    data = client.download(record["url"])
    assert len(data) == record["size"]
    with pytest.raises(DownloadRefused, match="not an allowed file host"):
        client.download("https://files.example.com/x.pdf")
    small = RestClient(profile, credentials_of(sb), config(), max_download_bytes=10)
    with pytest.raises(DownloadRefused, match="larger than the 10 bytes"):
        small.download(record["url"])


def test_collections_under_other_names_are_read_as_their_objects(make_sandbox):
    sb = make_sandbox(names={"contacts": "people", "companies": "organizations"}, openapi=False)
    profile = profile_api(sb.base_url, credentials_of(sb), rate=0)
    by_name = {c.name: c for c in profile.collections}
    assert "contacts" not in by_name and "companies" not in by_name
    assert (by_name["people"].entity, by_name["organizations"].entity) == ("contacts", "companies")
    assert by_name["deals"].entity == "deals"
    assert "people (read as contacts): 30 records" in render_profile(profile)
    client = client_for(sb, profile)
    assert [r["id"] for r in read_all(client, "contacts")] == [r["id"] for r in sb.records("contacts")]
    # a collection read as nothing is not read; reading it as another object is the admin's call
    by_name["people"].entity = ""
    with pytest.raises(BadRequest, match="no readable collection read as 'contacts'"):
        client.read_page("contacts")
