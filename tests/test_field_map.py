"""The field map: profiled, proposed, reviewed, validated, confirmed, provisioned, exported."""
from odoo.exceptions import UserError, ValidationError

from .common import SandboxCase

#: Odoo field types a custom field of each Ploomes type may land in (independent of the engine).
COMPATIBLE = {
    "string": {"char", "text", "html"}, "text": {"text", "html", "char"},
    "integer": {"integer", "float", "monetary"}, "money": {"float", "monetary"},
    "decimal": {"float", "monetary"}, "percent": {"float"}, "option": {"selection", "many2one"},
    "options": {"many2many", "char"}, "date": {"date", "datetime"}, "datetime": {"datetime"},
    "time": {"char", "float"}, "boolean": {"boolean"}, "cpf": {"char"}, "cnpj": {"char"},
    "address": {"char", "text"}, "image": {"char"}, "attachment": {"char"}, "color": {"char", "integer"},
    "user": {"many2one"}, "contact": {"many2one"}, "product": {"many2one"},
}


class TestFieldMap(SandboxCase):
    sandbox_options = {"seed": 17, "scale": 80}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first_run = cls.profile()
        cls.fmap = cls.source._current_map()
        cls.definitions = {f["Key"]: f for f in cls.sandbox.dataset.iter("Fields") if f.get("Dynamic")}

    def line(self, object_key, path):
        return self.fmap.line_ids.filtered(lambda l: l.object_key == object_key and l.source_path == path)

    def test_profiling_is_stored_on_the_run(self):
        self.assertEqual(self.first_run.state, "profiled")
        profiles = self.first_run.profile_ids
        email = profiles.filtered(lambda p: p.object_key == "companies" and p.path == "Email")
        self.assertGreater(email.fill_rate, 50)
        self.assertGreater(email.data["patterns"].get("email", 0), 0.9)
        register = profiles.filtered(lambda p: p.object_key == "companies" and p.path == "Register")
        self.assertGreater(register.data["patterns"].get("cnpj", 0), 0.9)
        self.assertTrue(register.samples)
        custom = profiles.filtered("custom")
        self.assertEqual({p.path.split("/", 1)[1] for p in custom if p.object_key == "deals"},
                         {key for key, f in self.definitions.items() if f["EntityId"] == 2})
        options = custom.filtered(lambda p: p.source_type in ("option", "options"))
        self.assertTrue(options and all(p.options for p in options))

    def test_confidence_and_fill_rates_read_as_percentages_and_groups_average_them(self):
        arch = self.env["crm.migration.map.line"].get_view(
            self.env.ref("crm_migration.crm_migration_map_line_view_list").id)["arch"]
        self.assertRegex(arch, r'<field name="confidence" widget="percentage"')
        lines = self.fmap.line_ids
        groups = self.env["crm.migration.map.line"].read_group(
            [("map_id", "=", self.fmap.id)], ["confidence:avg", "fill_rate:avg"], ["object_key"])
        defaults = self.env["crm.migration.map.line"].read_group(
            [("map_id", "=", self.fmap.id)], ["confidence", "fill_rate"], ["object_key"])
        for group, default in zip(groups, defaults, strict=True):
            mine = lines.filtered(lambda l, g=group: l.object_key == g["object_key"])
            self.assertAlmostEqual(default["confidence"], sum(mine.mapped("confidence")) / len(mine), 2)
            self.assertAlmostEqual(default["fill_rate"], group["fill_rate"], 2)
            self.assertLessEqual(default["confidence"], 1.0)
        profiles = self.env["crm.migration.profile"].read_group(
            [("run_id", "=", self.first_run.id)], ["fill_rate", "total"], ["object_key"])
        for group in profiles:
            self.assertLessEqual(group["fill_rate"], 100)
            rows = self.first_run.profile_ids.filtered(lambda p, g=group: p.object_key == g["object_key"])
            self.assertEqual(group["total"], max(rows.mapped("total")))

    def test_standard_fields_get_their_expected_target(self):
        schema = self.source._schema()
        for obj in schema.objects:
            for spec in obj.fields:
                line = self.line(obj.key, spec.path)
                self.assertEqual(len(line), 1, (obj.key, spec.path))
                self.assertEqual(line.target_field or None, spec.target, (obj.key, spec.path))
                self.assertEqual(line.converter, spec.converter)
                self.assertEqual(line.confidence, 1.0)

    def test_custom_fields_get_a_compatible_field_with_reasons(self):
        lines = self.fmap.line_ids.filtered("custom")
        self.assertTrue(lines)
        types_seen = set()
        for line in lines.filtered(lambda l: l.action != "skip"):
            ttype = line._target_ttype()
            self.assertIn(ttype, COMPATIBLE[line.source_type], (line.source_label, line.source_type))
            self.assertTrue(0 < line.confidence <= 1)
            self.assertTrue(line.reasons_text)
            if line.action == "new":
                self.assertTrue(line.target_field.startswith("x_ploomes_"))
            types_seen.add(line.source_type)
        self.assertLessEqual({"string", "integer", "money", "option", "options", "date", "boolean",
                              "user", "contact"}, types_seen)
        skipped = lines.filtered(lambda l: l.action == "skip")
        self.assertTrue(all(line.reasons_text for line in skipped))

    def test_selection_options_are_mapped_value_by_value(self):
        line = self.fmap.line_ids.filtered(lambda l: l.custom and l.source_type == "option"
                                           and l.action == "new" and l._target_ttype() == "selection")[:1]
        self.assertTrue(line)
        definition = self.definitions[line.source_path.split("/", 1)[1]]
        names = {o["Name"] for o in self.sandbox.dataset.iter("Fields@OptionsTables@Options")
                 if o["TableId"] == definition["OptionsTableId"]}
        self.assertEqual(set(line.option_ids.mapped("source_label")), names)
        self.assertTrue(all(line.option_ids.mapped("target")))

    def test_a_run_with_an_unconfirmed_map_refuses_to_load(self):
        run = self.new_run()
        with self.assertRaisesRegex(UserError, "not confirmed"):
            run.action_validate()
        with self.assertRaisesRegex(UserError, "not confirmed"):
            run.action_start()
        self.assertFalse(self.records_of("res.partner", "Contacts"))

    def test_one_confirmation_on_the_map_moves_the_waiting_run_on(self):
        self.assertEqual(self.first_run.state, "profiled")
        lines = self.fmap.line_ids
        self.line("companies", "Website").write({"confidence": 0.3, "reviewed": False})
        low = lines.filtered(lambda l: not l.reviewed and l.confidence < 0.6 and l.action != "skip")
        self.assertTrue(low)
        self.assertEqual((self.fmap.to_review_count, self.fmap.low_confidence_count),
                         (len(lines.filtered(lambda l: not l.reviewed)), len(low)))
        low[:1].action_accept()
        self.assertEqual(self.fmap.low_confidence_count, len(low) - 1)
        self.fmap.action_confirm()
        self.assertEqual((self.first_run.state, self.first_run.map_id), ("mapped", self.fmap))
        self.first_run.action_validate()  # no second confirmation on the run
        self.assertEqual(self.first_run.job, "validate")

    def test_a_confirmed_map_changes_through_a_new_version(self):
        self.fmap.action_confirm()
        with self.assertRaisesRegex(UserError, "click New version"):
            self.line("companies", "Website").action = "skip"
        new = self.env["crm.migration.map"].browse(self.fmap.action_new_version()["res_id"])
        new.line_ids.filtered(lambda l: (l.object_key, l.source_path) == ("companies", "Website")
                              ).action = "skip"
        self.assertEqual((self.fmap.state, new.state, new.version),
                         ("confirmed", "draft", self.fmap.version + 1))
        self.assertEqual(self.line("companies", "Website").action, "existing")

    def test_provisioning_twice_creates_nothing_new(self):
        self.fmap.action_confirm()
        run = self.new_run()
        fields_ = self.env["ir.model.fields"]
        before = fields_.search_count([("name", "=like", "x_ploomes_%")])
        self.fmap._provision(run)
        created = fields_.search_count([("name", "=like", "x_ploomes_%")])
        self.assertGreater(created, before)
        journal = self.env["crm.migration.journal"].search_count([("run_id", "=", run.id)])
        self.fmap._provision(run)
        self.assertEqual(fields_.search_count([("name", "=like", "x_ploomes_%")]), created)
        self.assertEqual(self.env["crm.migration.journal"].search_count([("run_id", "=", run.id)]), journal)
        form = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn("crm_migration_fields", form)
        self.assertIn("x_ploomes_id", form)

        # a second account of the same kind: the fields made for the first are its own
        second = self.env["crm.migration.source"].create(dict(self.source_values(), name="Second"))
        self.env["crm.migration.run"].create({"source_id": second.id}).action_profile()
        self.env["crm.migration.run"].search([("source_id", "=", second.id)])._run_to_end()
        made = {(line.object_key, line.source_path): line.target_field
                for line in self.fmap.line_ids.filtered(lambda l: l.action == "new" and l.custom)
                if line.target_field in self.env[line.target_model]._fields}
        self.assertTrue(made)
        lines = second._current_map().line_ids
        for (object_key, path), name in made.items():
            line = lines.filtered(lambda l, o=object_key, p=path: (l.object_key, l.source_path) == (o, p))
            self.assertEqual((line.action, line.target_field, line.confidence), ("existing", name, 1.0))
            self.assertIn("was created for this field by an earlier migration", line.reasons_text)

    def test_json_export_then_import_gives_the_same_map(self):
        data = self.fmap._export_data()
        other = self.env["crm.migration.source"].create(
            {"name": "Other database", "url": "http://127.0.0.1:9", "api_key": "k"})
        imported = self.env["crm.migration.map"]._import_data(other, data)
        self.assertEqual(imported._export_data()["lines"], data["lines"])
        self.assertEqual(imported.state, "draft")
        imported.action_confirm()
        with self.assertRaisesRegex(UserError, "not a crm_migration map"):
            self.env["crm.migration.map"]._import_data(other, {"lines": []})

    def test_options_travel_with_the_map(self):
        options = {"hold_conversion_errors": True, "apply_stage_probability": True,
                   "shared_tags": True, "order_target": "invoice", "task_target": "project"}
        self.fmap.write(options)
        data = self.fmap._export_data()
        self.assertEqual(data["options"], options)
        other = self.env["crm.migration.source"].create(
            {"name": "Other database", "url": "http://127.0.0.1:9", "api_key": "k"})
        imported = self.env["crm.migration.map"]._import_data(other, data)
        self.assertEqual(imported._option_values(), options)
        # A new version (new custom fields found) keeps the options of the current one.
        self.fmap.line_ids.filtered("custom").unlink()
        self.assertEqual(self.env["crm.migration.map"]._propose(self.first_run)._option_values(),
                         options)
        # Values this database does not know fall back to the defaults.
        data["options"] = {"order_target": "fax", "task_target": None}
        fallback = self.env["crm.migration.map"]._import_data(other, data)
        self.assertEqual(fallback._option_values(), {
            "hold_conversion_errors": False, "apply_stage_probability": False,
            "shared_tags": False, "order_target": "sale", "task_target": "activity"})

    # -- bad input: validation errors before confirmation --------------------------------

    def assertRefused(self, fragment):
        self.assertIn(fragment, self.fmap.problems or "")
        with self.assertRaises(ValidationError):
            self.fmap.action_confirm()

    def test_two_source_fields_to_one_target_are_refused(self):
        self.line("companies", "Website").target_field = "email"
        self.assertRefused("same Odoo field")

    def test_a_type_that_cannot_convert_is_refused(self):
        line = self.fmap.line_ids.filtered(lambda l: l.object_key == "companies" and l.custom
                                           and l.source_type == "boolean")[:1]
        line.write({"action": "existing", "target_field": "credit_limit"
                    if "credit_limit" in self.env["res.partner"]._fields else "partner_latitude"})
        self.assertRefused("type cannot hold")

    def test_text_values_sent_to_a_number_are_refused(self):
        line = self.fmap.line_ids.filtered(lambda l: l.object_key == "companies" and l.custom
                                           and l.source_label == "LinkedIn")
        line.write({"action": "new", "target_field": "x_ploomes_linkedin_number",
                    "new_field_type": "integer"})
        self.assertRefused("cannot be converted")

    def test_a_required_odoo_field_left_unmapped_is_refused(self):
        self.line("deals", "Title").action = "skip"
        self.assertRefused("required")

    def test_a_source_option_without_odoo_option_is_refused(self):
        line = self.fmap.line_ids.filtered(lambda l: l.custom and l.source_type == "option"
                                           and l._target_ttype() == "selection")[:1]
        line.option_ids[:1].target = False
        self.assertRefused("no Odoo option")

    def test_an_option_line_never_links_to_a_security_model(self):
        line = self.fmap.line_ids.filtered(lambda l: l.custom and l.source_type == "options")[:1]
        self.assertTrue(line)
        groups = self.env["res.groups"].search_count([])
        with self.assertRaisesRegex(ValidationError, "cannot link to res.groups"):
            line.write({"action": "new", "params": dict(line.params or {}, relation="res.groups")})
        self.assertEqual(self.env["res.groups"].search_count([]), groups)


class TestConversionFailures(SandboxCase):
    sandbox_options = {"seed": 19, "scale": 60}

    def break_a_value(self, run):
        """A staged company whose 'Número de filiais' stopped being a number after profiling."""
        key = next(f["Key"] for f in self.sandbox.dataset.iter("Fields")
                   if f.get("Dynamic") and f["Name"] == "Número de filiais")
        record = self.env["crm.migration.record"].search([
            ("source_id", "=", self.source.id), ("entity", "=", "Contacts")]).filtered(
            lambda r: any(row.get("FieldKey") == key for row in r.payload.get("OtherProperties") or ()))[:1]
        payload = dict(record.payload)
        payload["OtherProperties"] = [dict(row, IntegerValue="muitas") if row.get("FieldKey") == key
                                      else row for row in payload["OtherProperties"]]
        record.payload = payload
        return record

    def prepare(self, hold):
        run = self.profile()
        self.source._current_map().hold_conversion_errors = hold
        run.action_confirm_map()
        return run, self.break_a_value(run)

    def test_a_value_that_fails_conversion_is_logged_and_the_record_loads(self):
        run, record = self.prepare(hold=False)
        self.migrate(run)
        issue = self.issues(run, "wrong_value_type", record.source_key) | self.issues(
            run, "not_a_number", record.source_key)
        self.assertTrue(issue.filtered(lambda i: i.step == "load"))
        partner = self.records_of("res.partner", "Contacts")[int(record.source_key)]
        self.assertEqual(partner.name, " ".join(record.payload["Name"].split()))

    def test_hold_option_holds_the_record_with_its_reason(self):
        run, record = self.prepare(hold=True)
        self.migrate(run)
        self.assertNotIn(int(record.source_key), self.records_of("res.partner", "Contacts"))
        self.assertEqual(record.state, "held")
        self.assertTrue(self.issues(run, "held", record.source_key))
        held = self.env["crm.migration.record"].search(
            [("source_id", "=", self.source.id), ("state", "=", "held")])
        self.assertIn(record, held)
        partners = run.phase_ids.filtered(lambda p: p.kind == "load" and p.key in ("companies", "people"))
        self.assertEqual(sum(partners.mapped("skipped")), len(held.filtered(lambda r: r.entity == "Contacts")))
        self.assertEqual(len(self.issues(run, "held")), len(held))
