"""History converters and values of the Ploomes activities domain, without Odoo."""
import pytest

from crm_migration.mapping.converters import ConversionError, convert, html_to_text
from crm_migration.sources.ploomes import SCHEMA, SPEC
from crm_migration.sources.ploomes.activities import (HistoryContext, activity_kind, attachment_owner,
                                        coordinates, display_address, email_addresses, headline,
                                        meeting_stop, plain_words, task_assignees, time_span,
                                        utc_string)
from crm_migration.mapping.transform import MapLine, ProblemCollector


class MemoryHistory(ProblemCollector, HistoryContext):
    """Identities, users and partners held in dicts; unknown addresses get new ids."""

    spec = SPEC

    def __init__(self, identities=None, partners=None):
        self.identities = identities or {}
        self.partners = dict(partners or {})
        self.made = []
        self.start_record()

    def resolve(self, entity, key):
        return self.identities.get((entity, str(key)))

    def author(self, source_user_id):
        if source_user_id == 7:
            return 70, '"Ana" <ana@x.example>'
        self.problem("unmatched_author", "no user", "info")
        return None, "Bruno"

    def partner_for_email(self, address):
        if "@" not in address:
            return None
        if address.lower() not in self.partners:
            self.made.append(address)
            self.partners[address.lower()] = 100 + len(self.made)
        return self.partners[address.lower()]

    def html_sanitize(self, html):
        return html

    def plaintext2html(self, text):
        return f"<p>{text}</p>"


def run(converter, record, source="V", target="x", ctx=None, **params):
    ctx = ctx or MemoryHistory()
    ctx.start_record()
    return convert(MapLine(source, target, converter, params), record, ctx), ctx.problems


@pytest.mark.parametrize("name, kind", [
    ("Ligação", "call"), ("LIGACAO de retorno", "call"), ("E-mail", "email"), ("Email", "email"),
    ("Reunião", "meeting"), ("Visita técnica", "meeting"), ("Tarefa", "todo"), ("To-do", "todo"),
    ("Enviar documento", "upload"), ("WhatsApp", None), ("", None), (None, None),
])
def test_activity_kind_reads_portuguese_and_english_names(name, kind):
    assert activity_kind(name) == kind


def test_plain_words_drop_accents_case_and_punctuation():
    assert plain_words("  Reunião: E-MAIL! ") == "reuniao e mail"


def test_dates_and_meeting_end():
    assert utc_string("2025-05-12T14:25:10.5-03:00") == "2025-05-12 17:25:10"
    assert meeting_stop("2025-05-12 17:00:00", 45) == "2025-05-12 17:45:00"
    assert meeting_stop("2025-05-12 23:30:00", None) == "2025-05-13 00:30:00"


def test_time_span_is_local_and_absent_for_untimed_tasks():
    task = {"DateTime": "2025-05-12T14:00:00-03:00", "EndTime": "2025-05-12T15:30:00-03:00"}
    assert time_span(task) == "14:00 – 15:30"
    assert time_span(dict(task, EndTime=None)) == "14:00"
    assert time_span(dict(task, NoTime=True)) is None


def test_headline_is_the_first_sentence_cut():
    assert headline("<p>Reunião na sede. Levar amostras.</p>") == "Reunião na sede."
    assert headline("x" * 100, limit=10) == "x" * 9 + "…"
    assert headline(None) == ""


@pytest.mark.parametrize("html, text", [
    ("<p>Reunião <b>produtiva</b></p><script>alert(1)</script>", "Reunião produtiva"),
    ("<style>p { color: red }</style><p>Visita</p><STYLE type='text/css'>b{}</STYLE>", "Visita"),
    ('<p>Ver<img src=x onerror="alert(1)"> foto</p>', "Ver foto"),
    ('<a href="javascript:alert(1)" onclick="steal()">Proposta</a> enviada', "Proposta enviada"),
    ("<p>Antes<!-- <script>alert(1)</script> -->depois</p>", "Antesdepois"),
    ("<p>Um</p><![CDATA[<script>alert(1)</script>]]><p>dois</p>", "Um dois"),
    ("<p>Fim</p><script>alert(1)", "Fim"),
    ("<p>Ok</p><script>x()</script></script>.", "Ok ."),
    ("<head><title>T</title></head><noscript>Ative o JS</noscript><template>t</template>Corpo",
     "Corpo"),
    ("<iframe src='https://evil.example'>x</iframe><object>o</object><svg><text>s</text></svg>Só",
     "Só"),
    ("pro<b>du</b>tiva<br>linha&nbsp;dois &amp; <div>três</div>", "produtiva linha dois & três"),
    ("&lt;script&gt; é texto", "<script> é texto"),
    ("a < b e c > d", "a < b e c > d"), ("", ""), (None, ""),
])
def test_text_of_html_drops_what_no_reader_sees(html, text):
    assert html_to_text(html) == text


def test_headline_drops_scripts_and_styles():
    assert headline("<p>Reunião <b>produtiva</b></p><script>alert(1)</script>") == "Reunião produtiva"
    assert headline("<style>.a{}</style><p>Visita feita. Cliente ok.</p>") == "Visita feita."
    assert headline("<script>" + "alert(1);" * 20 + "</script>") == ""


@pytest.mark.parametrize("task, people", [
    ({"OwnerId": 1, "Users": [{"UserId": 1}, {"UserId": 2}]}, [1, 2]),
    ({"Users": [{"Id": 9, "TaskId": 5, "UserId": 3}, {"UserId": 2}, {"UserId": 3}]}, [3, 2]),
    ({"OwnerId": None, "Users": [{"UserId": 4}]}, [4]),
    ({"OwnerId": 7, "Users": None}, [7]), ({"Users": [{"UserId": None}, {}]}, []), ({}, []),
])
def test_task_assignees_are_the_optional_owner_then_users(task, people):
    assert task_assignees(task) == people


def test_addresses_split_on_commas_and_semicolons():
    assert email_addresses('Ana <ana@x.example>; bob@y.example, not-an-address') == [
        ("Ana", "ana@x.example"), ("", "bob@y.example")]
    assert email_addresses(None) == []
    assert display_address('Zé "Z" Silva', "ze@x.example") == "\"Zé 'Z' Silva\" <ze@x.example>"
    assert display_address("", "ze@x.example") == "ze@x.example"


def test_coordinates():
    assert coordinates(-23.55, -46.63) == "-23.55, -46.63"
    assert coordinates(None, -46.63) is None


@pytest.mark.parametrize("payload, owner", [
    ({"EmailId": 5, "DealId": 9}, ("Emails", 5)),
    ({"InteractionRecordId": 3, "ContactId": 1}, ("InteractionRecords", 3)),
    ({"TaskId": 4}, ("Tasks", 4)), ({"OrderId": 8}, ("Orders", 8)),
    ({"ContactId": 1}, ("Contacts", 1)), ({"EntityId": 2, "ItemId": 9}, ("Deals", 9)),
    ({"EntityId": 99, "ItemId": 9}, (None, None)), ({}, (None, None)),
])
def test_attachment_owner_is_the_most_specific_column(payload, owner):
    assert attachment_owner(payload) == owner


def test_history_record_is_the_deals_lead_else_the_contacts_partner():
    ctx = MemoryHistory({("Deals", "9"): 90, ("Contacts", "1"): 10})
    assert run("history_record", {"V": 9, "ContactId": 1}, target="model", ctx=ctx)[0] == \
        {"model": "crm.lead", "res_id": 90}
    values, problems = run("history_record", {"V": 8, "ContactId": 1}, target="model", ctx=ctx)
    assert values == {"model": "res.partner", "res_id": 10}
    assert [(p.code, p.level) for p in problems] == [("deal_not_loaded", "warning")]
    values, problems = run("history_record", {"V": None, "ContactId": 2}, target="model", ctx=ctx)
    assert values == {"model": False, "res_id": False}
    assert [(p.code, p.level) for p in problems] == [("no_record", "error")]


def test_history_date_falls_back_on_creation_and_says_so():
    values, problems = run("history_date", {"V": None, "CreateDate": "2025-01-01T10:00:00-03:00"},
                           fallback_path="CreateDate")
    assert values == {"x": "2025-01-01 13:00:00"}
    assert [p.code for p in problems] == ["no_date"]
    with pytest.raises(ConversionError):
        run("history_date", {"V": None})


def test_task_deadline_is_the_local_day():
    assert run("task_deadline", {"V": "2025-05-12T22:30:00-03:00"})[0] == {"x": "2025-05-12"}
    values, problems = run("task_deadline", {"V": None, "CreateDate": "2025-05-01T09:00:00-03:00"})
    assert values == {"x": "2025-05-01"} and [p.code for p in problems] == ["no_date"]


def test_task_note_keeps_time_and_address():
    record = {"V": "Levar <b>amostras</b>", "DateTime": "2025-05-12T14:00:00-03:00",
              "EndTime": None, "Address": "Rua A & B, 10"}
    assert run("task_note", record)[0] == {
        "x": "Levar <b>amostras</b><p>14:00</p><p>Rua A &amp; B, 10</p>"}
    assert run("task_note", {"V": None, "NoTime": True})[0] == {"x": False}


def test_author_is_a_partner_or_shown_by_name():
    assert run("author", {"V": 7}, target="author_id")[0] == {
        "author_id": 70, "email_from": '"Ana" <ana@x.example>'}
    values, problems = run("author", {"V": 8}, target="author_id")
    assert values == {"author_id": False, "email_from": "Bruno"}
    assert [p.level for p in problems] == ["info"]
    assert run("author", {"V": None}, target="author_id")[0] == {"author_id": False, "email_from": False}


def test_email_sender_and_recipients_resolve_to_partners():
    ctx = MemoryHistory(partners={"ana@x.example": 5})
    values, problems = run("email_author", {"V": "ana@x.example", "FromName": " Ana  Lima "},
                           target="author_id", ctx=ctx)
    assert values == {"author_id": 5, "email_from": '"Ana Lima" <ana@x.example>'}
    assert not problems
    values, _ = run("email_recipients", {"V": "Bob <bob@y.example>", "Cc": "ana@x.example"},
                    target="partner_ids", ctx=ctx, cc_path="Cc")
    assert values == {"partner_ids": [(6, 0, [5, 101])]}
    assert ctx.made == ["bob@y.example"]
    values, problems = run("email_author", {"V": "nobody", "FromName": None}, target="author_id", ctx=ctx)
    assert values == {"author_id": False, "email_from": "nobody"}
    assert [p.code for p in problems] == ["invalid_email"]


def test_a_shared_address_keeps_each_senders_name_and_makes_one_partner():
    ctx = MemoryHistory()
    first, _ = run("email_author", {"V": "vendas@x.example", "FromName": "Tiago Lima"},
                   target="author_id", ctx=ctx)
    second, _ = run("email_author", {"V": "Tânia <vendas@x.example>", "FromName": "Tânia Martins"},
                    target="author_id", ctx=ctx)
    third, _ = run("email_author", {"V": "Tânia <vendas@x.example>", "FromName": None},
                   target="author_id", ctx=ctx)
    assert first == {"author_id": 101, "email_from": '"Tiago Lima" <vendas@x.example>'}
    assert second == {"author_id": 101, "email_from": '"Tânia Martins" <vendas@x.example>'}
    assert third == {"author_id": 101, "email_from": '"Tânia" <vendas@x.example>'}
    assert ctx.made == ["vendas@x.example"]


def test_message_id_gets_angle_brackets():
    assert run("message_id", {"V": "abc@x"})[0] == {"x": "<abc@x>"}
    assert run("message_id", {"V": "<abc@x>"})[0] == {"x": "<abc@x>"}
    assert run("message_id", {"V": None})[0] == {}


def test_history_objects_load_after_deals_in_this_order():
    keys = [obj.key for obj in SCHEMA.objects]
    history = ["activity_types", "tasks", "interactions", "emails", "attachments"]
    assert [key for key in keys if key in history] == history
    assert keys.index("deals") < keys.index("activity_types")
    for key in history[1:4]:
        fields = {spec.path: spec for spec in SCHEMA.object(key).fields}
        assert fields["DealId"].converter == "history_record" and fields["DealId"].required
