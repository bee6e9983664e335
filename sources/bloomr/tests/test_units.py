"""The profiler's pure pieces: field inference, envelope reading, auth attempts, the
profile's shapes, and the client's guards (no network but loopback)."""
import pytest
from crm_migration.mapping.spec import ClientConfig
from crm_migration.sources.bloomr import auth, inference, paging
from crm_migration.sources.bloomr.client import RestClient
from crm_migration.sources.bloomr.profile import (
    AUTH_STYLES,
    ApiProfile,
    AuthProfile,
    CollectionProfile,
    Credentials,
    claim_entities,
)
from crm_migration.sources.errors import InvalidConfiguration, RedirectRefused

from .conftest import routes

KEY = "k-e-y-0123"


def types(records):
    return {g.path: g.type for g in inference.guess_fields(records, {}, "id")}


def test_field_types():
    records = [{"id": n, "mail": f"a{n}@x.com.br", "site": f"https://x{n}.com", "born": "1990-01-0"
                f"{n}", "seen": f"2025-01-0{n}T10:00:00Z", "tel": f"+55 11 9876-543{n}",
                "price": "R$ 1.234,5" + str(n), "qty": n * 2, "vip": n % 2 == 0, "tags": ["a"],
                "stage": "won" if n % 2 else "lost", "bio": f"Free text number {n}",
                "geo": {"lat": 1.5 * n}} for n in range(1, 7)]
    assert types(records) == {
        "id": "number", "mail": "email", "site": "url", "born": "date", "seen": "datetime",
        "tel": "phone", "price": "money", "qty": "number", "vip": "boolean", "tags": "list",
        "stage": "option", "bio": "text", "geo": "object", "geo.lat": "number"}


def test_references_are_checked_against_the_ids_seen():
    records = [{"id": 1, "company_id": "co_1", "owner_id": 7, "stage_id": 99}]
    ids = {"companies": {"co_1", "co_2"}, "users": None, "stages": {"1", "2"}}
    found = {g.path: g.reference for g in inference.guess_fields(records, ids, "id")}
    assert found == {"id": "", "company_id": "companies", "owner_id": "users", "stage_id": ""}


def test_record_key_and_updated_at():
    records = [{"person_id": n, "name": "x", "lastModified": "2025-01-01T00:00:00Z"}
               for n in range(3)]
    assert inference.record_key(records, "people") == "person_id"
    assert inference.updated_at(records) == "lastModified"


@pytest.mark.parametrize("body, path", [
    ([{"id": 1}], ""), ({"data": [{"id": 1}]}, "data"), ({"results": []}, "results"),
    ({"data": {"items": [{"id": 1}]}}, "data.items"), ({"deals": [{"id": 1}]}, "deals"),
    ({"error": "x"}, None)])
def test_records_path(body, path):
    assert paging.records_path(body, "deals") == path


def test_envelope_count_cursor_link_and_more():
    body = {"items": [{}], "meta": {"total": 42, "next_cursor": "abc", "has_more": True},
            "links": {"next": "https://api.x.com/items?page=2"}}
    assert paging.total_of(body, {}, "items") == 42
    assert paging.total_of([], {"X-Total-Count": "9"}, "") == 9
    assert paging.next_cursor(body, "items") == ("meta.next_cursor", "abc")
    assert paging.next_link(body, {}, "items") == ("links.next", "https://api.x.com/items?page=2")
    assert paging.next_link([], {"next": {"url": "u"}}, "") == (paging.LINK_HEADER, "u")
    assert paging.more_path(body, "items") == "meta.has_more"
    assert paging.cursor_names("paging.nextPageToken")[:2] == ["pageToken", "cursor"]


def test_page_requests_and_what_follows():
    pages = CollectionProfile("deals", "deals", 200, paging="page",
                              params={"page": "page", "size": "per_page", "first": 1})
    assert paging.request(pages, None, 50) == ("deals", {"per_page": 50, "page": 1})
    assert paging.following(pages, "3", 50, [{}] * 50, {}, {}) == "4"
    assert paging.following(pages, "3", 50, [{}] * 10, {}, {}) is None
    cursors = CollectionProfile("deals", "deals", 200, paging="cursor",
                                params={"cursor": "after", "next": "meta.next"})
    assert paging.request(cursors, "c1", 10, {"since": "x"}) == (
        "deals", {"since": "x", "after": "c1"})
    assert paging.following(cursors, "c1", 10, [{}], {"meta": {"next": "c2"}}, {}) == "c2"
    assert paging.following(cursors, "c1", 10, [{}], {"meta": {"next": None}}, {}) is None


def test_auth_attempts_follow_the_hints():
    creds = Credentials(key=KEY, header="X-Bloomr-Key", user="u", password="p")
    styles = [(a.style, a.header, a.scheme) for a in auth.attempts(creds)]
    assert styles[0] == ("apikey", "X-Bloomr-Key", "")
    assert ("apikey", "Authorization", "Token") in styles and styles[-1][0] == "session"
    hinted = auth.attempts(creds, auth.hints_of({"WWW-Authenticate": 'Basic realm="x"'}))
    assert hinted[0].style == "basic"
    assert {a.style for a in auth.attempts(creds)} <= set(AUTH_STYLES)


def test_credentials_are_checked_and_never_shown():
    with pytest.raises(InvalidConfiguration, match="line breaks"):
        auth.check_credentials(Credentials(key=f"{KEY}\r\nX-Evil: 1"))
    with pytest.raises(InvalidConfiguration, match="No credentials"):
        auth.check_credentials(Credentials())
    assert KEY not in repr(Credentials(key=KEY)) and "key" in repr(Credentials(key=KEY))


def profile_of(base_url, **collection):
    return ApiProfile(base_url, AuthProfile("apikey", header="X-API-Key", description="key"),
                      collections=[CollectionProfile("deals", "deals", 200, **collection)])


def config():
    return ClientConfig(url="", key="", rate_limit=0, page_size=10, retries=0)


def test_the_client_refuses_plain_http_and_unusable_profiles():
    with pytest.raises(InvalidConfiguration, match="must use https"):
        RestClient(profile_of("http://api.example.com"), Credentials(key=KEY), config())
    with pytest.raises(InvalidConfiguration, match="not usable"):
        RestClient(ApiProfile("https://api.example.com", problems=["x"]), Credentials(key=KEY),
                   config())


def test_redirects_and_next_links_to_another_origin_are_refused(json_server):
    other = json_server(routes({}))
    server = json_server(routes({"/deals": (302, {"Location": f"{other.base_url}/deals"}, {})}))
    client = RestClient(profile_of(server.base_url), Credentials(key=KEY), config())
    with pytest.raises(RedirectRefused, match="only redirects within"):
        client.read_page("deals")
    assert other.requests == []
    linked = RestClient(profile_of(server.base_url, paging="link", params={"next": "next"}),
                        Credentials(key=KEY), config())
    with pytest.raises(RedirectRefused, match="another host"):
        linked.read_page("deals", "https://evil.example.com/deals?page=2")


def test_each_object_is_claimed_by_one_collection():
    collections = [CollectionProfile("people", "people", 200), CollectionProfile("accounts", "accounts", 403),
                   CollectionProfile("organizations", "organizations", 200),
                   CollectionProfile("contacts", "contacts", 200), CollectionProfile("notes", "notes", 200)]
    claim_entities(collections)
    assert [c.entity for c in collections] == ["", "", "companies", "contacts", "notes"]
    stored = ApiProfile("https://x.test", collections=collections).as_dict()
    assert ApiProfile.from_dict(stored).collection("companies").name == "organizations"
    del stored["collections"][0]["entity"]  # a profile stored before collections had objects
    assert ApiProfile.from_dict(stored).collections[0].entity == "contacts"
