"""The API profile as rows the admin edits, and the edits written back into it."""
import pytest
from crm_migration.sources.bloomr.profile import ApiProfile, AuthProfile, CollectionProfile, FieldGuess
from crm_migration.sources.bloomr.profile_edit import edit_profile, profile_rows
from crm_migration.sources.errors import InvalidConfiguration


def stored():
    return ApiProfile("https://api.test/v1", AuthProfile(style="apikey", header="X-API-Key"), collections=[
        CollectionProfile("people", "people", 200, paging="page", params={"page": "page", "size": "per_page"},
                          total=3, record_key="id", updated_at="updated_at", delta_param="since",
                          fields=[FieldGuess("email", "email"), FieldGuess("org_id", "reference", "organizations")]),
        CollectionProfile("organizations", "organizations", 200, record_key="id"),
    ]).as_dict()


def test_rows_show_what_was_found_and_round_trip_unchanged():
    rows = profile_rows(stored())
    assert [(r["name"], r["entity"], r["paging"], r["params"]) for r in rows] == [
        ("people", "contacts", "page", "page=page, size=per_page"), ("organizations", "companies", "", "")]
    assert rows[0]["fields"] == "email: email\norg_id: reference → organizations"
    probe = edit_profile(stored(), rows)
    assert probe.profile == stored() and probe.usable
    assert "people (read as contacts): 3 records; paging page (page, per_page)" in probe.text


def test_edits_are_kept_and_the_auth_is_not_editable():
    rows = profile_rows(stored())
    rows[0].update(entity="", paging="offset", params="offset=skip, size=take", page_cap=50, base_url="x")
    rows[1].update(entity="contacts", auth={"header": "Evil"})
    profile = ApiProfile.from_dict(edit_profile(stored(), rows).profile)
    people, orgs = profile.collections
    assert (people.entity, people.paging, people.params, people.page_cap) == (
        "", "offset", {"offset": "skip", "size": "take"}, 50)
    assert orgs.entity == "contacts" and profile.collection("contacts") is orgs
    assert (profile.base_url, profile.auth.header) == ("https://api.test/v1", "X-API-Key")


@pytest.mark.parametrize("edit, message", [
    ({1: {"entity": "contacts"}}, "read from one collection only: contacts from people and organizations"),
    ({0: {"paging": "cursor", "params": "size=limit"}}, "people: cursor paging needs the parameters cursor, next"),
    ({0: {"params": "page"}}, "written role=name"),
    ({0: {"paging": "scroll"}}, "unknown paging style 'scroll'"),
    ({0: {"page_cap": -1}}, "at least 1"),
    ({1: {"delta_param": "since"}}, "organizations: a delta filter needs the field of the update date"),
    ({0: {"name": "persons"}}, "no collection 'persons'"),
])
def test_edits_that_cannot_be_read_are_refused_in_words(edit, message):
    rows = profile_rows(stored())
    for index, values in edit.items():
        rows[index].update(values)
    with pytest.raises(InvalidConfiguration, match=message):
        edit_profile(stored(), rows)
