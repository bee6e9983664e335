"""The profiler against every auth × paging variant of the invented Bloomr sandbox."""
import json

import pytest
from crm_migration.sources.bloomr.profile import ApiProfile
from crm_migration.sources.bloomr.profiler import profile_api, render_profile

from sandbox.bloomr.layout import COLLECTIONS

from .conftest import AUTHS, PAGINGS, credentials_of

VARIANTS = [(auth, paging) for auth in AUTHS for paging in PAGINGS]


@pytest.mark.parametrize("auth, paging", VARIANTS)
def test_identifies_auth_paging_collections_and_counts_without_writing(profiled, auth, paging):
    sb, profile, lines = profiled(auth, paging)
    assert profile.usable and profile.problems == []
    assert profile.auth.style == auth
    assert profile.base_url == sb.base_url
    assert {c.name for c in profile.collections} == set(COLLECTIONS)
    for collection in profile.collections:
        assert collection.status == 200
        assert collection.paging == paging, collection.name
        assert collection.total == len(sb.records(collection.name)), collection.name
        assert collection.record_key == "id" and collection.updated_at == "updated_at"
        assert collection.delta_param == "updated_since"
    assert sb.stats()["writes"] == 0
    assert len(lines) < 200


def test_paging_parameters_cap_and_records_path(profiled):
    expected = {"page": ("data", {"page": "page", "size": "per_page"}),
                "offset": ("results", {"offset": "offset", "size": "limit"}),
                "cursor": ("data", {"cursor": "cursor", "size": "limit", "next": "next_cursor"}),
                "link": ("", {"size": "page_size", "next": "@link"})}
    for paging, (records_path, params) in expected.items():
        contacts = profiled("apikey", paging)[1].collection("contacts")
        assert contacts.records_path == records_path
        assert params.items() <= contacts.params.items()
        assert contacts.page_cap is None  # SCALE contacts fit in one page of 100


def test_page_cap_shows_when_a_collection_outgrows_it(make_sandbox):
    sb = make_sandbox(scale=230, paging="offset")
    profile = profile_api(sb.base_url, credentials_of(sb), rate=0)
    contacts = profile.collection("contacts")
    assert contacts.page_cap == 100 and contacts.total == 230


def test_field_types_and_references(profiled):
    profile = profiled("apikey", "page")[1]
    fields = {f.path: f for f in profile.collection("contacts").fields}
    assert fields["email"].type == "email"
    assert fields["updated_at"].type == "datetime"
    assert fields["address"].type == "object" and "address.city" in fields
    assert (fields["company_id"].type, fields["company_id"].reference) == ("reference", "companies")
    assert fields["owner_id"].reference == "users"
    assert fields["tag_ids"].reference == "tags"
    assert fields["custom_fields.aceita_newsletter"].type == "boolean"
    deals = {f.path: f for f in profile.collection("deals").fields}
    assert deals["amount"].type == "money"
    assert deals["stage_id"].reference == "stages"
    tasks = {f.path: f for f in profile.collection("tasks").fields}
    assert tasks["done"].type == "boolean" and tasks["due_date"].type == "date"


def test_the_profile_round_trips_through_json(profiled):
    profile = profiled("oauth", "cursor")[1]
    again = ApiProfile.from_dict(json.loads(json.dumps(profile.as_dict())))
    assert again == profile and again.usable


def test_an_openapi_document_gives_the_collections(profiled):
    sb, profile, lines = profiled("bearer", "page", openapi=True)
    assert profile.discovery == f"{sb.root_url}/openapi.json"
    assert {c.name for c in profile.collections} == set(COLLECTIONS)
    assert not any("/people" in line or "/persons" in line for line in lines)


def test_the_root_url_finds_the_prefix(make_sandbox):
    sb = make_sandbox(auth="basic", paging="link")
    profile = profile_api(sb.root_url, credentials_of(sb), rate=0)
    assert profile.usable and profile.base_url == sb.base_url


def test_render_names_auth_paging_counts_keys_and_fields(profiled):
    sb, profile, _lines = profiled("session", "offset")
    text = render_profile(profile)
    assert "Auth: session after a login call to /api/v1/auth/login" in text
    assert f"contacts: {len(sb.records('contacts'))} records; paging offset (offset, limit)" in text
    assert "key id; updated updated_at; delta ?updated_since=" in text
    assert "company_id" in text and "reference → companies" in text


def test_log_lines_hold_no_secret(profiled):
    for auth in ("apikey", "oauth", "session"):
        sb, _profile, lines = profiled(auth, "page")
        secrets = [v for k, v in sb.credentials.items() if k in ("key", "token", "password")]
        assert lines and not any(secret in line for line in lines for secret in secrets)
        assert all(line.split(" ")[0] in ("GET", "POST") for line in lines)
