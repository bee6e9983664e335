"""The Ploomes client against the sandbox over HTTP on 127.0.0.1."""
import itertools
from datetime import datetime, timezone

import pytest
from crm_migration.sources import (AuthenticationError, BadRequest, PermissionDenied,
                                   SourceUnavailable)
from crm_migration.sources.http import RateLimiter
from crm_migration.sources.ploomes import SCHEMA
from crm_migration.sources.ploomes.client import PloomesClient

from sandbox.ploomes import PloomesSandbox


@pytest.fixture(scope="module")
def sandbox():
    with PloomesSandbox(seed=21, scale=700, rate_limit=0) as sb:
        yield sb


def client_for(sb, **options):
    options = {"rate_limit": 0, "backoff_factor": 0.01, "retries": 3, **options}
    return PloomesClient(sb.base_url, sb.key, **options)


def test_pages_through_more_than_300_records_in_id_order(sandbox):
    client = client_for(sandbox)
    pages = list(client.iter_pages("Contacts", expand="Phones,OtherProperties,Tags"))
    ids = [row["Id"] for page in pages for row in page.records]
    assert len(pages) >= 3
    assert all(len(page.records) <= 300 for page in pages)
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids)) == sandbox.dataset.count("Contacts")
    assert "Phones" in pages[0].records[0]


def test_resumes_after_a_cursor(sandbox):
    client = client_for(sandbox, page_size=100)
    ids = sorted(sandbox.dataset.ids("Contacts"))
    after = ids[149]
    resumed = [row["Id"] for row in client.iter_records("Contacts", after_id=after)]
    assert resumed == ids[150:]


def test_top_above_300_is_capped(sandbox):
    client = client_for(sandbox)
    body = client.get("Contacts", {"$top": 500, "$orderby": "Id"})
    assert len(body["value"]) == 300
    assert body.get("@odata.nextLink")
    assert PloomesClient(sandbox.base_url, sandbox.key, page_size=1000).page_size == 300


def test_changed_since_reads_only_what_changed(sandbox):
    client = client_for(sandbox)
    before = sandbox.dataset.count("Contacts")
    start = datetime.now(timezone.utc).replace(microsecond=0)
    changes = sandbox.mutate(entity="Contacts", touch=2, add=1)
    changed = {row["Id"] for row in client.iter_records("Contacts", changed_since=start)}
    assert changed == set(changes["touched"]) | set(changes["added"])
    assert sandbox.dataset.count("Contacts") == before + 1


def test_count_records_is_the_progress_total(sandbox):
    client = client_for(sandbox)
    schema = {entity.name: entity for entity in SCHEMA.entities}
    assert client.count_records(schema["Contacts"]) == sandbox.dataset.count("Contacts")
    start = datetime.now(timezone.utc).replace(microsecond=0)
    sandbox.mutate(entity="Deals", touch=3)
    assert client.count_records(schema["Deals"], changed_since=start) == 3
    # Not worth a request: lookups, and collections the API is slow to count.
    assert client.count_records(schema["Tags"]) is None
    assert client.count_records(schema["Attachments"]) is None


def test_count_records_says_none_when_the_api_fails(sandbox):
    """A count is only for progress: a failure must not stop the extraction."""
    client = client_for(sandbox, retries=0)
    sandbox.inject("500", count=1)
    entity = SCHEMA.entity("Contacts")
    assert client.count_records(entity) is None
    assert client.count_records(entity) == sandbox.dataset.count("Contacts")


def test_bad_key_is_a_clear_error(sandbox):
    client = PloomesClient(sandbox.base_url, "not-the-key", rate_limit=0, retries=0)
    with pytest.raises(AuthenticationError, match="User-Key"):
        client.check()


def test_check_returns_the_keys_user(sandbox):
    assert client_for(sandbox).check()["Id"]


def test_server_errors_are_retried(sandbox):
    client = client_for(sandbox)
    before = sandbox.stats()
    sandbox.inject("500", count=2)
    assert client.fetch("Contacts", next(iter(sandbox.dataset.ids("Contacts"))))
    after = sandbox.stats()
    assert after["requests"] - before["requests"] >= 3


def test_errors_outlasting_retries_are_reported(sandbox):
    client = client_for(sandbox, retries=1)
    sandbox.inject("503", count=2)  # the first try and its one retry
    with pytest.raises(SourceUnavailable, match="503"):
        client.get("Contacts", {"$top": 1})


def test_timeout_is_retried(sandbox):
    client = client_for(sandbox, timeout=(2, 0.5))
    sandbox.inject("slow:3", count=1)
    assert client.get("Contacts", {"$top": 1})["value"]


def test_dropped_connection_is_retried(sandbox):
    client = client_for(sandbox)
    sandbox.inject("drop", count=1)
    assert client.get("Users", {"$top": 1})["value"]


def test_malformed_json_is_retried(sandbox):
    client = client_for(sandbox)
    sandbox.inject("malformed", count=1)
    assert client.get("Users", {"$top": 1})["value"]


def test_bad_query_is_refused(sandbox):
    with pytest.raises(BadRequest):
        client_for(sandbox).get("Contacts", {"$filter": "Id eq eq 1"})


def test_a_refused_entity_raises_with_its_http_status():
    with PloomesSandbox(seed=3, scale=100, rate_limit=0, refuse={"Emails": 403, "Products": 404}) as sb:
        with pytest.raises(PermissionDenied, match="HTTP 403") as denied:
            client_for(sb).get("Emails", {"$top": 1})
        with pytest.raises(BadRequest, match="HTTP 404") as missing:
            client_for(sb).get("Products", {"$top": 1})
    assert (denied.value.status, missing.value.status) == (403, 404)


def test_429_is_retried_after_backing_off():
    with PloomesSandbox(seed=2, scale=100, rate_limit=3, rate_window=1.0) as sb:
        client = client_for(sb, retries=6, backoff_factor=0.2)
        for _ in range(8):
            assert client.get("Users", {"$top": 1})["value"]
        assert sb.stats()["rate_limited"] > 0


def test_rate_limiter_never_exceeds_the_limit_in_a_minute():
    now = [0.0]
    limiter = RateLimiter(120, per=60.0, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    stamps = []
    for _ in range(360):
        limiter.wait()
        stamps.append(now[0])
    for first, later in zip(stamps, stamps[120:], strict=False):
        assert later - first >= 60.0
    assert stamps[-1] <= 359 * 0.5 * 1.02


def test_rate_limit_zero_means_unlimited():
    limiter = RateLimiter(0, per=60.0, clock=lambda: 0.0, sleep=lambda s: pytest.fail("slept"))
    for _ in itertools.repeat(None, 10):
        limiter.wait()


def test_every_entity_set_of_the_account_can_be_read_whole(sandbox):
    """The extractor pulls every collection the API serves, each record once."""
    client = client_for(sandbox, page_size=120)
    sets = sorted(name for name in sandbox.catalog.sets if name != "Self")
    assert {"Contacts", "Deals", "Quotes", "Orders", "Tasks", "InteractionRecords", "Emails",
            "Attachments", "Products", "Fields", "Automations"} <= set(sets)
    for name in sets:
        ids = [row["Id"] for row in client.iter_records(name)]
        assert len(ids) == len(set(ids)) == sandbox.dataset.count(name), name
