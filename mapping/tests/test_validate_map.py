"""Map validation: every kind of bad map is an error before confirmation, not a crash later."""
from crm_migration.mapping.profile import SourceFieldInfo, profile_values
from crm_migration.mapping.propose import ODOO_TARGETS, MapLineSpec, TargetField, propose_object, validate_map

TARGETS = {model: ODOO_TARGETS[model] for model in ("res.partner", "crm.lead")}
NAMED = {"companies": ["is_company"], "deals": []}


def line(source, target, source_type="string", action="existing", obj="companies",
         model="res.partner", **more):
    return MapLineSpec(obj, model, source, source_type, action, target, **more)


def name_lines():
    return [line("Name", "name", converter="name"),
            line("Title", "name", obj="deals", model="crm.lead", converter="text")]


def codes(errors):
    return [error.code for error in errors]


def test_a_sound_map_has_no_errors():
    lines = name_lines() + [
        line("OtherProperties/ie", "l10n_br_ie_code", label="Inscrição Estadual"),
        line("OtherProperties/seg", "industry_id", "option",
             params={"relation": "res.partner.industry"}),
        line("OtherProperties/vip", "x_ploomes_vip", "boolean", "new", ttype="boolean"),
        line("OtherProperties/old", None, action="skip"),
    ]
    assert validate_map(lines, TARGETS, NAMED) == []


def test_two_source_fields_to_one_target_is_an_error():
    lines = name_lines() + [line("OtherProperties/a", "mobile", label="Celular"),
                            line("OtherProperties/b", "mobile", label="WhatsApp")]
    errors = validate_map(lines, TARGETS, NAMED)
    assert codes(errors) == ["duplicate_target"]
    assert errors[0].line_keys == (("companies", "OtherProperties/a"),
                                   ("companies", "OtherProperties/b"))
    assert "'Celular', 'WhatsApp' all go to res.partner.mobile" in errors[0].message


def test_a_converter_aux_field_counts_as_a_target():
    lines = name_lines() + [
        line("Phones", "phone", "phones", converter="phones", params={"mobile_target": "mobile"}),
        line("OtherProperties/cel", "mobile", label="Celular"),
    ]
    assert codes(validate_map(lines, TARGETS, NAMED)) == ["duplicate_target"]


def test_the_same_target_on_two_objects_of_one_model_is_fine():
    lines = name_lines() + [line("OtherProperties/a", "mobile"),
                            line("OtherProperties/a", "mobile", obj="people"),
                            line("Name", "name", obj="people", converter="name")]
    assert validate_map(lines, TARGETS, NAMED) == []


def test_skipped_lines_do_not_collide():
    lines = name_lines() + [line("OtherProperties/a", "mobile"),
                            line("OtherProperties/b", "mobile", action="skip")]
    assert validate_map(lines, TARGETS, NAMED) == []


def test_a_type_that_cannot_convert_is_an_error():
    lines = name_lines() + [
        line("OtherProperties/obs", "x_ploomes_total", "text", "new", ttype="integer"),
        line("OtherProperties/owner", "parent_id", "user"),
        line("OtherProperties/vip", "phone", "boolean"),
    ]
    errors = validate_map(lines, TARGETS, NAMED)
    assert codes(errors) == ["incompatible_type"] * 3
    assert "a user field cannot fill a many2one (res.partner) field" in errors[1].message


def test_text_with_non_numbers_sent_to_an_integer_field_is_an_error():
    profile = profile_values(["12", "cerca de 50", "230", "muitos"])
    lines = name_lines() + [line("OtherProperties/func", "x_employees", "string", "new",
                                 ttype="integer", profile=profile, label="Funcionários")]
    errors = validate_map(lines, TARGETS, NAMED)
    assert codes(errors) == ["unconvertible_values"]
    assert "50 % of values are not whole numbers, e.g. 'cerca de 50'" in errors[0].message


def test_text_with_only_numbers_sent_to_an_integer_field_is_fine():
    profile = profile_values(["12", "45", None])
    lines = name_lines() + [line("OtherProperties/func", "x_employees", "string", "new",
                                 ttype="integer", profile=profile)]
    assert validate_map(lines, TARGETS, NAMED) == []


def test_a_required_field_left_unmapped_is_an_error():
    lines = [line("Name", "name", converter="name")]
    errors = validate_map(lines + [line("StageId", "stage_id", obj="deals", model="crm.lead",
                                        converter="ref")], TARGETS, NAMED)
    assert codes(errors) == ["required_unmapped"]
    assert errors[0].message.startswith("deals: crm.lead.name (Opportunity) is required")


def test_a_required_field_skipped_names_its_line():
    lines = [line("Name", "name", action="skip", converter="name")]
    errors = validate_map(lines, TARGETS, NAMED)
    assert codes(errors) == ["required_unmapped"]
    assert errors[0].line_keys == (("companies", "Name"),)


def test_defaults_and_aux_fields_cover_required_fields():
    targets = {"res.partner": ODOO_TARGETS["res.partner"]
               + (TargetField("x_kind", "Kind", ttype="char", required=True),
                  TargetField("x_other", "Other", ttype="char", required=True))}
    lines = [line("Name", "name", converter="name",
                  params={"new_fields": [["x_other", "char", "Other"]]})]
    assert validate_map(lines, targets, {"companies": ["x_kind"]}) == []
    assert codes(validate_map(lines, targets, {})) == ["required_unmapped"]


def test_an_option_without_a_selection_value_is_an_error():
    options = ((11, "Baixa"), (12, "Média"), (13, "Urgentíssima"))
    lines = name_lines() + [line("OtherProperties/prio", "priority", "option", obj="deals",
                                 model="crm.lead", options=options,
                                 params={"options": {"11": "0", "12": "1"}})]
    errors = validate_map(lines, TARGETS, NAMED)
    assert codes(errors) == ["unmapped_option"]
    assert errors[0].message.endswith("options without a value in the selection: Urgentíssima.")


def test_an_option_mapped_to_a_key_the_selection_lacks_is_an_error():
    lines = name_lines() + [line("OtherProperties/prio", "priority", "option", obj="deals",
                                 model="crm.lead", options=((11, "Baixa"),),
                                 params={"options": {"11": "9"}})]
    assert codes(validate_map(lines, TARGETS, NAMED)) == ["unmapped_option"]


def test_a_new_selection_is_checked_against_its_own_values():
    new = dict(action="new", ttype="selection", options=((1, "MEI"), (2, "ME")))
    good = line("OtherProperties/porte", "x_porte", "option",
                params={"selection": [["mei", "MEI"], ["me", "ME"]],
                        "options": {"1": "mei", "2": "me"}}, **new)
    bad = line("OtherProperties/porte", "x_porte", "option",
               params={"selection": [["mei", "MEI"]], "options": {"1": "mei", "2": "me"}}, **new)
    assert validate_map(name_lines() + [good], TARGETS, NAMED) == []
    assert codes(validate_map(name_lines() + [bad], TARGETS, NAMED)) == ["unmapped_option"]


def test_lines_may_be_dicts_with_a_stored_profile():
    profile = profile_values(["doze", "12"]).as_dict()
    lines = [{"object_key": "companies", "model": "res.partner", "source": "Name",
              "source_type": "string", "target": "name", "converter": "name"},
             {"object_key": "companies", "model": "res.partner", "source": "OtherProperties/n",
              "source_type": "string", "action": "new", "target": "x_n", "ttype": "integer",
              "profile": profile, "label": "Nº", "id": 42}]
    assert codes(validate_map(lines, TARGETS, {})) == ["unconvertible_values"]


def test_lines_of_other_converters_are_not_type_checked():
    lines = name_lines() + [line("Color", "color", "string", converter="color",
                                 profile=profile_values(["#FF0000"]))]
    assert validate_map(lines, TARGETS, NAMED) == []


def test_a_proposed_map_validates():
    fields = [
        SourceFieldInfo("OtherProperties/a", "a", "Inscrição Estadual", "string"),
        SourceFieldInfo("OtherProperties/b", "b", "Segmento", "option", ((1, "Varejo"),)),
        SourceFieldInfo("OtherProperties/c", "c", "Porte", "option", ((1, "ME"), (2, "EPP"))),
        SourceFieldInfo("OtherProperties/d", "d", "Interesses", "options", ((1, "Fornos"),), True),
        SourceFieldInfo("OtherProperties/e", "e", "Telefone", "string"),
        SourceFieldInfo("OtherProperties/f", "f", "Fone", "string"),
        SourceFieldInfo("OtherProperties/g", "g", "Teste", "string"),
    ]
    profiles = {f.path: profile_values(["x", "(11) 3842-6671"]) for f in fields}
    profiles["OtherProperties/g"] = profile_values([None] * 10)
    proposals = propose_object(fields, profiles, ODOO_TARGETS["res.partner"], model="res.partner")
    lines = name_lines() + [
        MapLineSpec.from_proposal("companies", "res.partner", f, p, profiles[f.path])
        for f, p in zip(fields, proposals, strict=True)]
    actions = ["existing", "existing", "new", "new", "existing", "new", "skip"]
    assert [p.action for p in proposals] == actions
    assert validate_map(lines, TARGETS, NAMED) == []
