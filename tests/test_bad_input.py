"""Dirty source data: every problem is logged against its record, and no record is lost."""
import re

from stdnum.br import cnpj, cpf

from ..mapping.converters import convert, html_to_text
from ..mapping.transform import MapLine
from .common import SandboxCase

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: What must never reach an Html field of Odoo: script and style elements, event handler
#: attributes, javascript: URLs, and what the sandbox's and these tests' payloads run.
ACTIVE_CONTENT = re.compile(
    r"<\s*script|<\s*style|\son[a-z]+\s*=|javascript\s*:|alert\(|steal\(|evil\.example"
    r"|display\s*:\s*none", re.I)
#: Hostile HTML with harmless text around it: (payload, formatting Odoo must keep, its text).
HOSTILE = (
    ("<p>Reunião <b>produtiva</b></p><script>alert('xss')</script>", "<b>produtiva</b>",
     "Reunião produtiva"),
    ('<div onclick="steal()">Cliente <i>satisfeito</i></div><img src="x" onerror="alert(1)">',
     "<i>satisfeito</i>", "Cliente satisfeito"),
    ('<p><a href="javascript:alert(2)">Proposta</a> enviada <u>hoje</u></p>'
     "<style>p{display:none}</style>", "<u>hoje</u>", "Proposta enviada hoje"),
    ('<p onmouseover="alert(3)">Próximo passo: <strong>contrato</strong></p>'
     '<iframe src="javascript:alert(4)"></iframe><a href=" JaVaScRiPt:alert(5)">ver</a>',
     "<strong>contrato</strong>", "Próximo passo: contrato ver"),
)
#: Interaction record types the loader makes calendar events of (not chatter messages).
MEETING_TYPES = ("Reunião", "Visita")


class TestBadInput(SandboxCase):
    sandbox_options = {"seed": 5, "scale": 150, "dirt": 0.25}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contacts = cls.by_id("Contacts")
        cls.first_run = cls.migrate()
        cls.partners = cls.records_of("res.partner", "Contacts")

    def assertFlaggedAndLoaded(self, source_ids, code, level=None):
        self.assertTrue(source_ids, f"the dirty sandbox has no case for {code}")
        for source_id in source_ids:
            issues = self.issues(self.first_run, code, source_id).filtered(lambda i: i.step == "load")
            self.assertTrue(issues, f"no {code} issue for {source_id}")
            if level:
                self.assertEqual(set(issues.mapped("level")), {level})
            self.assertIn(source_id, self.partners, f"{source_id} was lost")
            self.assertEqual(issues[0].res_id, self.partners[source_id].id)

    def test_nothing_is_lost(self):
        self.assertEqual(self.first_run.state, "done")
        self.assertEqual(set(self.partners), set(self.contacts))
        for phase in self.first_run.phase_ids.filtered(lambda p: p.kind == "load"):
            accounted = (phase.created + phase.linked + phase.updated + phase.unchanged
                         + phase.skipped + phase.failed)
            self.assertEqual(accounted, phase.total, phase.name)

    def test_a_phone_that_is_no_number_is_flagged_and_kept_as_typed(self):
        ctx = self.env["crm.migration.loader"]._conversion_context(self.first_run)
        self.assertIsNone(ctx.phone_format("ramal 12", "BR"))
        self.assertEqual(ctx.phone_format("(11) 98765-4321", "BR"), "+55 11 98765-4321")
        ctx.start_record()
        values = convert(MapLine("V", "phone", "phone_number"), {"V": "ramal 12"}, ctx)
        self.assertEqual(values, {"phone": "ramal 12"})
        self.assertEqual([p.code for p in ctx.problems], ["invalid_phone"])

    def test_person_whose_company_does_not_exist_stays_standalone(self):
        dangling = [i for i, c in self.contacts.items()
                    if c["TypeId"] == 2 and c.get("CompanyId") and c["CompanyId"] not in self.contacts]
        self.assertFlaggedAndLoaded(dangling, "dangling_reference", "error")
        for source_id in dangling:
            self.assertFalse(self.partners[source_id].parent_id)
        validation = self.issues(self.first_run, "dangling_reference").filtered(
            lambda i: i.step == "validate" and i.field == "CompanyId")
        self.assertEqual(set(validation.mapped("source_key")), {str(i) for i in dangling})

    def test_invalid_email_is_kept_as_typed_and_flagged(self):
        invalid = [i for i, c in self.contacts.items()
                   if (c.get("Email") or "").strip() and not EMAIL.match(c["Email"].strip())]
        self.assertFlaggedAndLoaded(invalid, "invalid_email", "warning")
        for source_id in invalid:
            self.assertEqual(self.partners[source_id].email, self.contacts[source_id]["Email"].strip())

    def test_invalid_cnpj_cpf_is_not_written_and_flagged(self):
        def invalid(contact):
            number = re.sub(r"\D", "", contact.get("Register") or "")
            return number and not (cnpj.is_valid(number) or cpf.is_valid(number))
        bad = [i for i, c in self.contacts.items() if invalid(c)]
        self.assertFlaggedAndLoaded(bad, "invalid_register", "warning")
        for source_id in bad:
            partner = self.partners[source_id]
            self.assertFalse(partner.x_ploomes_cpf, source_id)
            # Odoo gives a company's contact the company's tax id, and nothing else
            self.assertEqual(partner.vat, partner.parent_id.vat if partner.parent_id else False,
                             source_id)
            issues = self.issues(self.first_run, "invalid_register", source_id)
            self.assertIn(self.contacts[source_id]["Register"],
                          issues.filtered(lambda i: i.field == "Register")[0].message)

    def test_owner_without_odoo_user_is_left_unassigned_and_flagged(self):
        owned = [i for i, c in self.contacts.items() if c.get("OwnerId") and i in self.partners]
        self.assertFlaggedAndLoaded(owned[:20], "unmatched_owner", "warning")
        self.assertFalse(any(self.partners[i].user_id for i in owned))
        self.assertEqual(self.source.unmatched_user_count, len(self.source.user_match_ids))
        users = self.env["crm.migration.record"].search([
            ("source_id", "=", self.source.id), ("entity", "=", "Users")])
        self.assertTrue(users)
        self.assertEqual(set(users.mapped("state")), {"skipped"}, "no user has an Odoo match")
        self.assertTrue(all("user reconciliation" in row.error for row in users))

    def test_contact_without_name_is_named_and_flagged(self):
        nameless = [i for i, c in self.contacts.items() if not (c.get("Name") or "").strip()]
        self.assertFlaggedAndLoaded(nameless, "missing_name", "warning")
        for source_id in nameless:
            self.assertTrue(self.partners[source_id].name)

    def assertSanitized(self, html, source, where):
        """``html`` (in Odoo) holds no active content, and every text ``source`` shows."""
        html = str(html or "")
        self.assertFalse(ACTIVE_CONTENT.search(html), f"{where}: {html}")
        self.assertTrue(html_to_text(source), f"{where}: the source shows no text")
        self.assertIn(html_to_text(source), html_to_text(html), where)

    def test_script_tags_never_reach_odoo(self):
        html_notes = {i: c["Note"] for i, c in self.contacts.items()
                      if re.search(r"<[a-z]", c.get("Note") or "")}
        self.assertTrue(any("<script" in note for note in html_notes.values()))
        self.assertTrue(any("onerror=" in note for note in html_notes.values()))
        self.assertTrue(any("javascript:" in note for note in html_notes.values()))
        # the harmless formatting of the sandbox's notes: (in the note, in Odoo); a <div> that
        # wraps a whole text is not kept, Odoo's sanitizer unwraps it by design
        formatting = {"<p>": "<p>", "<b>Importante:</b>": "<b>Importante:</b>", "<td>": "<td>"}
        kept = set()
        for source_id, note in html_notes.items():
            comment = str(self.partners[source_id].comment or "")
            self.assertSanitized(comment, note, source_id)
            self.assertEqual(html_to_text(comment), html_to_text(note), source_id)
            for typed, shown in formatting.items():
                if typed in note:
                    self.assertIn(shown, comment, source_id)
                    kept.add(typed)
        self.assertEqual(kept, set(formatting), "the dirty sandbox lacks one of its HTML notes")

    def test_html_of_interaction_records_is_sanitized_in_messages_and_events(self):
        types = {t["Id"]: t["Name"] for t in self.sandbox.dataset.iter("Tasks@Types")}
        html_items = {i: item for i, item in self.by_id("InteractionRecords").items()
                      if re.search(r"<[a-z]", item.get("Content") or "")}
        self.assertTrue(html_items, "the dirty sandbox has no interaction record with HTML")
        messages = self.records_of("mail.message", "InteractionRecords")
        events = self.records_of("calendar.event", "InteractionRecords")
        for item_id, item in html_items.items():
            if types.get(item["TypeId"]) in MEETING_TYPES:
                html = events[item_id].description
            else:
                html = messages[item_id].body
            self.assertSanitized(html, item["Content"], item_id)


class TestHostileHtml(SandboxCase):
    """Scripts, event handlers and javascript: URLs in every text that becomes an Html
    field (a contact's notes, a deal's description, a history item's content): removed,
    and the text and formatting around them kept."""

    sandbox_options = {"seed": 29, "scale": 60}

    @classmethod
    def serve(cls, entity, source_id, **changes):
        """Have the sandbox serve a record with ``changes`` (its overlay, as ``mutate`` does)."""
        view = cls.sandbox.catalog.sets[entity]
        view.touch(dict(view.get(source_id), **changes))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        data = cls.sandbox.dataset
        types = {t["Id"]: t["Name"] for t in data.iter("Tasks@Types")}
        contact_ids = sorted(r["Id"] for r in data.iter("Contacts", expand=False))
        cls.notes = dict(zip(contact_ids, HOSTILE, strict=False))
        for source_id, (payload, _tag, _text) in cls.notes.items():
            cls.serve("Contacts", source_id, Note=payload)
        items = sorted(data.iter("InteractionRecords", expand=False), key=lambda r: r["Id"])
        chatter = [r["Id"] for r in items if types.get(r["TypeId"]) not in MEETING_TYPES]
        meetings = [r["Id"] for r in items if types.get(r["TypeId"]) in MEETING_TYPES]
        cls.contents = dict(zip(chatter, HOSTILE, strict=False))
        cls.meetings = dict(zip(meetings, HOSTILE[1:2], strict=False))
        for source_id, (payload, _tag, _text) in {**cls.contents, **cls.meetings}.items():
            cls.serve("InteractionRecords", source_id, Content=payload)
        # A deal's multi-line custom field mapped to the opportunity's (Html) description.
        run = cls.profile()
        key = next(f["Key"] for f in data.iter("Fields") if f.get("Dynamic") and f["Name"] == "Contexto")
        line = cls.source._current_map().line_ids.filtered(
            lambda l: l.object_key == "deals" and l.source_label == "Contexto")
        line.write({"action": "existing", "target_field": "description", "new_field_type": False})
        staged = cls.env["crm.migration.record"].search(
            [("source_id", "=", cls.source.id), ("entity", "=", "Deals")], order="id").filtered(
            lambda r: any(row.get("FieldKey") == key for row in r.payload.get("OtherProperties") or ()))
        cls.descriptions = {}
        for record, hostile in zip(staged, HOSTILE, strict=False):
            payload = dict(record.payload)
            payload["OtherProperties"] = [
                dict(row, BigStringValue=hostile[0], StringValue=None) if row.get("FieldKey") == key
                else row for row in payload["OtherProperties"]]
            record.payload = payload
            cls.descriptions[int(record.source_key)] = hostile
        cls.hostile_run = cls.migrate(run)

    def assertKeptSafe(self, html, hostile, where):
        payload, tag, text = hostile
        html = str(html or "")
        self.assertFalse(ACTIVE_CONTENT.search(html), f"{where}: {html}")
        self.assertIn(tag, html, f"{where}: the formatting is lost: {html}")
        self.assertIn(text, html_to_text(html), f"{where}: the text is lost: {html}")
        self.assertIn(html_to_text(payload), html_to_text(html), where)

    def test_the_cases_are_all_there(self):
        self.assertEqual(self.hostile_run.state, "done")
        self.assertEqual(len(self.notes), len(HOSTILE))
        self.assertEqual(len(self.contents), len(HOSTILE))
        self.assertEqual(len(self.meetings), 1)
        self.assertEqual(len(self.descriptions), len(HOSTILE))

    def test_partner_notes(self):
        partners = self.records_of("res.partner", "Contacts")
        for source_id, hostile in self.notes.items():
            self.assertKeptSafe(partners[source_id].comment, hostile, source_id)
            self.assertEqual(html_to_text(partners[source_id].comment), hostile[2])
        scripted = [i for i, hostile in self.notes.items() if "<script" in hostile[0]]
        for source_id in scripted:
            issues = self.issues(self.hostile_run, "html_script_removed", source_id)
            self.assertEqual(sorted(issues.mapped("step")), ["load", "validate"], source_id)
            self.assertEqual(issues.mapped("field"), ["Note", "Note"], source_id)
            self.assertEqual(set(issues.mapped("res_id")) - {0}, {partners[source_id].id})

    def test_opportunity_descriptions(self):
        leads = self.records_of("crm.lead", "Deals")
        for source_id, hostile in self.descriptions.items():
            lead = leads[source_id].with_context(active_test=False)
            self.assertKeptSafe(lead.description, hostile, source_id)
            self.assertEqual(html_to_text(lead.description), hostile[2])

    def test_history_messages_and_meetings(self):
        messages = self.records_of("mail.message", "InteractionRecords")
        for source_id, hostile in self.contents.items():
            self.assertKeptSafe(messages[source_id].body, hostile, source_id)
        events = self.records_of("calendar.event", "InteractionRecords")
        for source_id, hostile in self.meetings.items():
            self.assertKeptSafe(events[source_id].description, hostile, source_id)
            self.assertEqual(events[source_id].name, hostile[2])
