"""One retry loop per call, every attempt through the rate limiter, against the sandbox's
faults and alternative behaviours (HTTP on 127.0.0.1; the sandbox's request log is the proof)."""
import time

import pytest
from crm_migration.sources.errors import (
    BadRequest,
    MalformedResponse,
    SourceUnavailable,
)
from crm_migration.sources.ploomes.client import PloomesClient


def client_for(sb, fake_time=None, **options):
    options = {"rate_limit": 0, "backoff_factor": 0.01, "retries": 3, **options}
    if fake_time:
        options.update(clock=fake_time.clock, sleep=fake_time.sleep)
    return PloomesClient(sb.base_url, sb.key, **options)


def api_log(sb):
    return [entry for entry in sb.request_log() if not entry.path.startswith("/_files/")]


@pytest.mark.parametrize("fault", ["408", "429noretry", "500", "502", "503", "504", "drop",
                                   "truncate", "malformed"])
def test_a_transient_fault_is_retried_once_after_backing_off(make_sandbox, fake_time, fault):
    sb = make_sandbox()
    client = client_for(sb, fake_time, backoff_factor=2.0)
    sb.inject(fault)
    assert client.get("Users", {"$top": 1})["value"]
    first, retry = api_log(sb)
    assert first.fault == fault and retry.fault is None and retry.status == 200
    assert first.status == (None if fault == "drop" else 200 if fault in ("truncate", "malformed")
                            else int(fault[:3]))
    assert fake_time.sleeps == [2.0] and client.requests_sent == 2


def test_a_slow_answer_past_the_timeout_is_retried(make_sandbox, fake_time):
    sb = make_sandbox()
    client = client_for(sb, fake_time, timeout=(2, 0.3))
    sb.inject("slow:2")
    assert client.get("Users", {"$top": 1})["value"]
    assert [entry.fault for entry in api_log(sb)] == ["slow", None]
    assert sb.stats()["faults"] == {"slow": 1} and fake_time.sleeps == [0.01]


@pytest.mark.parametrize("fault, error, message", [
    ("503", SourceUnavailable, "HTTP 503"),
    ("504", SourceUnavailable, "HTTP 504"),
    ("408", SourceUnavailable, "HTTP 408.*The request timed out"),
    ("drop", SourceUnavailable, "could not be reached"),
    ("slow:1", SourceUnavailable, "did not answer .* in time"),
    ("malformed", MalformedResponse, "not valid JSON"),
    ("truncate", MalformedResponse, "not valid JSON"),
])
def test_faults_outlasting_the_retries_are_reported(make_sandbox, fake_time, fault, error, message):
    sb = make_sandbox()
    client = client_for(sb, fake_time, retries=2, timeout=(2, 0.2))
    sb.inject(fault, count=3)
    with pytest.raises(error, match=f"{message}.*gave up after 3 attempts"):
        client.get("Users", {"$top": 1})
    assert len(api_log(sb)) == client.requests_sent == 3
    assert fake_time.sleeps == [0.01, 0.02]
    assert client.get("Users", {"$top": 1})["value"]


def test_mixed_failures_share_one_budget_of_attempts(make_sandbox, fake_time):
    """Malformed bodies are retried in the loop of the statuses: retries + 1 requests, not (r+1)^2."""
    sb = make_sandbox()
    client = client_for(sb, fake_time, retries=3)
    for fault in ("malformed", "503", "truncate", "drop", "malformed"):
        sb.inject(fault)
    with pytest.raises(SourceUnavailable, match="could not be reached"):
        client.get("Users", {"$top": 1})
    assert [entry.fault for entry in api_log(sb)] == ["malformed", "503", "truncate", "drop"]
    assert client.requests_sent == 4
    assert client.get("Users", {"$top": 1})["value"]  # meets the 5th fault, then succeeds
    assert client.requests_sent == 6


def test_backoff_doubles_and_is_capped_at_60_s(make_sandbox, fake_time):
    sb = make_sandbox()
    client = client_for(sb, fake_time, retries=4, backoff_factor=16, deadline=1000)
    sb.inject("502", count=4)
    assert client.get("Users", {"$top": 1})["value"]
    assert fake_time.sleeps == [16, 32, 60, 60]


def test_retry_after_is_honoured_up_to_120_s(make_sandbox, fake_time):
    sb = make_sandbox()
    client = client_for(sb, fake_time, deadline=1000)
    sb.inject("429:5")
    sb.inject("429:600")
    assert client.get("Users", {"$top": 1})["value"]
    assert fake_time.sleeps == [5, 120]
    assert sb.stats()["faults"] == {"429": 2}


def test_rate_limit_429_without_retry_after_backs_off_exponentially(make_sandbox, fake_time):
    sb = make_sandbox(rate_limit=1, rate_window=60, retry_after=False)
    client = client_for(sb, fake_time, backoff_factor=1.0)
    assert client.get("Users", {"$top": 1})["value"]
    with pytest.raises(SourceUnavailable, match="HTTP 429.*rate limit exceeded.*4 attempts"):
        client.get("Users", {"$top": 1})
    assert fake_time.sleeps == [1, 2, 4]
    assert [entry.status for entry in api_log(sb)] == [200, 429, 429, 429, 429]


def test_the_deadline_stops_a_retry_that_would_outlast_it(make_sandbox, fake_time):
    sb = make_sandbox()
    client = client_for(sb, fake_time, deadline=30)
    sb.inject("429:100")
    with pytest.raises(SourceUnavailable, match="HTTP 429.*30 s allowed for one call"):
        client.get("Users", {"$top": 1})
    assert fake_time.sleeps == [] and len(api_log(sb)) == 1


def test_the_deadline_bounds_the_timeout_of_each_attempt(make_sandbox):
    sb = make_sandbox()
    client = client_for(sb, deadline=0.5, timeout=(2, 30))
    sb.inject("slow:5")
    start = time.monotonic()
    with pytest.raises(SourceUnavailable, match="in time.*0.5 s allowed for one call"):
        client.get("Users", {"$top": 1})
    assert time.monotonic() - start < 2


def test_no_sliding_window_exceeds_the_limit_under_a_429_storm(make_sandbox):
    """Scaled down 1:15: 600 requests a minute is 40 per 4 s window of the sandbox.

    Seeded faults answer 40 % of the requests with 429 (no Retry-After) or 503, two with
    429 + Retry-After; the back-off is 10 ms, so only the limiter spaces the retries.
    """
    window, limit = 4.0, 40
    sb = make_sandbox(rate_limit=limit, rate_window=window, faults="429noretry=0.3,503=0.1")
    sb.inject("429:1", count=2)
    client = client_for(sb, rate_limit=600, retries=10)
    for _ in range(60):
        assert client.get("Contacts@Types")["value"]
    stamps = [entry.at for entry in api_log(sb)]
    assert len(stamps) == client.requests_sent > 2 * limit
    busiest = max(sum(1 for later in stamps[i:] if later < start + window)
                  for i, start in enumerate(stamps))
    assert busiest <= limit
    stats = sb.stats()
    assert stats["rate_limited"] == 0 and stats["faults"]["429noretry"] > 15


def test_aspnet_error_bodies_are_read(make_sandbox, fake_time):
    sb = make_sandbox(error_style="aspnet")
    client = client_for(sb, fake_time, retries=1)
    with pytest.raises(BadRequest, match=r"HTTP 400\): .*\S"):
        client.get("Contacts", {"$filter": "Id eq eq 1"})
    sb.inject("500", count=2)
    with pytest.raises(SourceUnavailable, match="HTTP 500 .*: An error has occurred"):
        client.get("Users")


@pytest.mark.parametrize("next_link", ["off", "truncated"])
def test_pages_without_a_next_link(make_sandbox, next_link):
    sb = make_sandbox(scale=350, next_link=next_link)
    client = client_for(sb)
    ids = [row["Id"] for row in client.iter_records("Contacts")]
    assert ids == sorted(sb.dataset.ids("Contacts")) and len(ids) > 300
    assert "@odata.nextLink" not in client.get("Contacts", {"$top": 300})


def test_top_over_300_answered_with_400_is_not_retried(make_sandbox):
    sb = make_sandbox(scale=350, top_over_cap="error")
    client = client_for(sb, page_size=1000)
    assert len(list(client.iter_records("Contacts"))) == sb.dataset.count("Contacts")
    before = client.requests_sent
    with pytest.raises(BadRequest, match="limit of '300'"):
        client.get("Contacts", {"$top": 301})
    assert client.requests_sent == before + 1
