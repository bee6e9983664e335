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
