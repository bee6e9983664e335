"""The Ploomes schema: every object named in both languages of the addon."""
from crm_migration.sources import ploomes


def test_every_object_has_an_english_and_a_portuguese_name():
    for obj in ploomes.SCHEMA.objects:
        assert obj.label and obj.label_pt, obj.key
        assert obj.label_in("en_US") == obj.label
        assert obj.label_in("pt_BR") == obj.label_in("pt_PT") == obj.label_pt
        assert obj.label_in(None) == obj.label
    companies = next(obj for obj in ploomes.SCHEMA.objects if obj.key == "companies")
    assert (companies.label_in("en_US"), companies.label_in("pt_BR")) == ("Companies", "Empresas")


def test_contacts_and_deals_are_required_and_what_reads_an_entity_is_known():
    schema = ploomes.SCHEMA
    assert {obj.key for obj in schema.objects if obj.required} == {"companies", "people", "deals"}
    assert [obj.key for obj in schema.objects_reading("Emails")] == ["emails"]
    # a lookup of contacts, and the custom-field definitions, are read by required objects
    assert {obj.key for obj in schema.objects_reading("Roles")} == {"people"}
    assert {"companies", "people", "deals"} <= {obj.key for obj in schema.objects_reading("Fields")}
    # a nested entity is staged from its parent's pages: refusing the parent refuses it too
    assert "quote_sections" in {obj.key for obj in schema.objects_reading("Quotes")}
    assert schema.objects_reading("Emails", objects=()) == ()
