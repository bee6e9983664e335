"""The CSV export read as the API's records: the profile proposed for an export, the
records served by it (the same as the API's, whatever the encoding and delimiter), and
every line or value that could not be read reported with its file and line."""
import csv
import io
import zipfile
from datetime import datetime

import pytest

from crm_migration.mapping.schema import Entity
from crm_migration.mapping.spec import ClientConfig
from crm_migration.sources.bloomr import CSV_SPEC, csv_source
from crm_migration.sources.errors import DownloadRefused, InvalidConfiguration

from sandbox.bloomr.dataset import Dataset
from sandbox.bloomr.export import export_bytes, planted_faults

SEED, SCALE = 11, 40
#: API collections the export carries, and the fields each file shows.
EXPORTED = ("users", "tags", "pipelines", "stages", "companies", "contacts", "deals", "calls",
            "meetings", "emails", "tasks")
NOT_IN_EXPORT = {"pipelines": {"is_default", "created_at", "updated_at"},
                 "users": {"updated_at"}, "tags": {"updated_at"}, "stages": {"updated_at"}}
INSTANTS = ("created_at", "updated_at", "started_at", "starts_at", "ends_at", "sent_at")


def config(files, profile=None, page_size=500):
    return ClientConfig(url="file:export", key=None, rate_limit=0, page_size=page_size,
                        files=tuple(files), profile=profile)


def client_of(files, page_size=500):
    probe = csv_source.probe(config(files))
    assert probe.usable, probe.text
    return CSV_SPEC.make_client(config(files, probe.profile, page_size))


def all_records(client, name):
    records, cursor = [], None
    while True:
        page = client.read_page(Entity(name), cursor)
        records += page.records
        cursor = page.cursor
        if not page.more:
            return records


def to_minute(text):
    """An instant as the export shows it: to the minute."""
    return datetime.fromisoformat(text).replace(second=0).isoformat() if text else text


def in_encoding(value, encoding):
    """A value as a file in ``encoding`` holds it (characters it lacks are ``?``)."""
    if isinstance(value, str):
        return value.encode(encoding, "replace").decode(encoding)
    if isinstance(value, dict):
        return {key: in_encoding(item, encoding) for key, item in value.items()}
    if isinstance(value, list):
        return [in_encoding(item, encoding) for item in value]
    return value


def comparable(record, labels, encoding="utf-8"):
    """An API record as the export can give it back: instants to the minute, custom fields
    by label slug and only when filled, text in the file's encoding."""
    record = in_encoding(dict(record), encoding)
    for name in INSTANTS:
        if name in record:
            record[name] = to_minute(record[name])
    if "custom_fields" in record:
        record["custom_fields"] = {labels[key]: value for key, value in
                                   record["custom_fields"].items() if value not in (None, "")}
    return record


@pytest.fixture(scope="module")
def dataset():
    return Dataset(SEED, SCALE, 0.0)


@pytest.fixture(scope="module")
def labels(dataset):
    from crm_migration.mapping.propose import slug
    return {field["key"]: slug(field["label"]) for field in dataset.rows("custom_fields")}


@pytest.mark.parametrize("encoding,delimiter", [("utf-8", ","), ("utf-8-sig", ";"),
                                                ("latin-1", "tab"), ("utf-8", "tab")])
def test_the_export_reads_back_to_the_apis_records(dataset, labels, encoding, delimiter):
    client = client_of(export_bytes(SEED, SCALE, encoding, delimiter).items())
    for name in EXPORTED:
        expected = [comparable(rec, labels, encoding) for rec in dataset.rows(name)]
        got = all_records(client, name)
        assert len(got) == len(expected), name
        for want, have in zip(expected, got, strict=True):
            have = dict(have)
            if "custom_fields" in have:
                have["custom_fields"] = {k: v for k, v in have["custom_fields"].items()
                                         if v not in (None, "")}
            for key in set(want) - NOT_IN_EXPORT.get(name, set()):
                assert have.get(key) == want[key], (name, want["id"], key)


def test_custom_fields_are_defined_from_their_columns_with_types_and_options():
    client = client_of(export_bytes(SEED, SCALE).items())
    definitions = {d["label"]: d for d in all_records(client, "custom_fields")}
    assert definitions["Data de nascimento"]["type"] == "date"
    assert definitions["Data de nascimento"]["object"] == "contact"
    assert definitions["Faturamento anual"]["type"] == "money"
    assert definitions["Aceita newsletter"]["type"] == "boolean"
    assert definitions["Segmento"]["type"] == "option"
    assert set(definitions["Segmento"]["options"]) <= {"Varejo", "Indústria", "Serviços",
                                                        "Agronegócio"}
    assert definitions["Concorrente"]["object"] == "deal"


def test_pages_follow_the_page_size_and_the_cursor_resumes():
    client = client_of(export_bytes(SEED, SCALE).items(), page_size=7)
    first = client.read_page(Entity("contacts"))
    assert len(first.records) == 7 and first.more and first.cursor == "7"
    second = client.read_page(Entity("contacts"), first.cursor)
    assert second.records[0]["id"] == "ct_000008"
    assert all_records(client, "contacts")[-1]["id"] == f"ct_{SCALE:06d}"


def test_a_zip_reads_like_its_files():
    files = export_bytes(SEED, SCALE)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    zipped = client_of([("bloomr-export.zip", buffer.getvalue())])
    plain = client_of(files.items())
    for name in EXPORTED:
        assert all_records(zipped, name) == all_records(plain, name)


def test_every_planted_fault_is_a_problem_with_its_file_and_line():
    client = client_of(export_bytes(SEED, SCALE, dirt=0.5).items())
    faults = planted_faults(SEED, SCALE, 0.5)
    assert faults
    reported = set()
    for name in EXPORTED:
        page = client.read_page(Entity(name))
        for problem in page.problems:
            where = problem["message"].split(": ", 1)[0]
            reported.add(where)
            assert problem["level"] in ("error", "warning")
        assert not client.read_page(Entity(name), "1").problems or name == "pipelines"
    for file, line, _kind in faults:
        assert f"{file}:{line}" in reported, (file, line)


def test_a_value_that_does_not_read_is_kept_as_typed_and_reported():
    files = export_bytes(SEED, SCALE)
    rows = list(csv.reader(io.StringIO(files["deals.csv"].decode())))
    rows[1][rows[0].index("Data de fechamento")] = "31/02/2024"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    files["deals.csv"] = out.getvalue().encode()
    client = client_of(files.items())
    page = client.read_page(Entity("deals"))
    assert page.records[0]["close_date"] == "31/02/2024"
    [problem] = [p for p in page.problems if p["code"] == "value_kept"]
    assert problem["message"].startswith("deals.csv:2: Data de fechamento")
    assert problem["source_key"] == page.records[0]["id"] and problem["level"] == "warning"


def test_owners_tags_pipelines_and_stages_by_name_become_ids(dataset):
    client = client_of(export_bytes(SEED, SCALE).items())
    deals = {deal["id"]: deal for deal in all_records(client, "deals")}
    for deal in dataset.rows("deals"):
        got = deals[deal["id"]]
        assert (got["owner_id"], got["pipeline_id"], got["stage_id"], got["tag_ids"]) == (
            deal["owner_id"], deal["pipeline_id"], deal["stage_id"], deal["tag_ids"])


def test_the_profile_names_each_file_and_column_and_what_is_left_out():
    files = dict(export_bytes(SEED, SCALE))
    files["notas.csv"] = b"Coluna A,Coluna B\r\n1,2\r\n"
    probe = csv_source.probe(config(files.items()))
    entries = {entry["file"]: entry for entry in probe.profile["files"]}
    assert entries["contacts.csv"]["object"] == "contacts"
    assert entries["notas.csv"]["object"] is None
    columns = {c["column"]: c for c in entries["contacts.csv"]["columns"]}
    assert columns["ID da empresa"]["path"] == "company_id"
    assert columns["Empresa"]["path"] is None
    assert columns["LinkedIn"]["path"] == "custom_fields.linkedin"
    assert "notas.csv: not read" in probe.text
    assert "Empresa -> - (the name beside its id column)" in probe.text


def test_the_admin_says_which_file_holds_which_object():
    files = dict(export_bytes(SEED, SCALE))
    files["export_3.csv"] = files.pop("contacts.csv")  # a name that says nothing
    probe = csv_source.probe(config(files.items()))
    original = {e["file"]: e for e in
                csv_source.probe(config(export_bytes(SEED, SCALE).items())).profile["files"]}
    rows = {row["name"]: row for row in csv_source.profile_rows(probe.profile)}
    rows["export_3.csv"]["entity"] = ""
    left_out = csv_source.edit_profile(probe.profile, list(rows.values()))
    assert "contacts" not in csv_source.objects_of(left_out.profile)
    assert "export_3.csv: not read" in left_out.text

    rows = {row["name"]: row for row in csv_source.profile_rows(left_out.profile)}
    assert rows["export_3.csv"]["fields"] == ""
    rows["export_3.csv"]["entity"] = "contacts"
    edited = csv_source.edit_profile(left_out.profile, list(rows.values()))
    entry = next(e for e in edited.profile["files"] if e["file"] == "export_3.csv")
    assert (entry["object"], entry["reason"]) == ("contacts", "chosen by the admin")
    assert entry["columns"] == original["contacts.csv"]["columns"]
    assert "ID da empresa → company_id" in csv_source.profile_rows(edited.profile)[
        list(rows).index("export_3.csv")]["fields"]
    client = CSV_SPEC.make_client(config(files.items(), edited.profile))
    assert len(all_records(client, "contacts")) == SCALE

    rows["companies.csv"]["entity"] = "contacts"
    with pytest.raises(InvalidConfiguration, match="read from one file only: contacts from"):
        csv_source.edit_profile(probe.profile, list(rows.values()))
    rows["companies.csv"]["entity"] = "invoices"
    with pytest.raises(InvalidConfiguration, match="companies.csv: a Bloomr export holds no invoices"):
        csv_source.edit_profile(probe.profile, list(rows.values()))


def test_an_export_without_contacts_companies_or_deals_is_not_usable():
    files = export_bytes(SEED, SCALE)
    probe = csv_source.probe(config([("users.csv", files["users.csv"])]))
    assert not probe.usable
    assert "No file holds contacts, companies, deals." in probe.text


def test_no_files_or_a_changed_export_is_refused():
    with pytest.raises(InvalidConfiguration, match="No export file"):
        csv_source.probe(config([]))
    files = export_bytes(SEED, SCALE)
    profile = csv_source.probe(config(files.items())).profile
    files["deals.csv"] += b"x"
    with pytest.raises(InvalidConfiguration, match="changed since it was profiled"):
        CSV_SPEC.make_client(config(files.items(), profile))
    with pytest.raises(InvalidConfiguration, match="not been profiled"):
        CSV_SPEC.make_client(config(files.items()))


def test_an_export_holds_no_files_to_download():
    client = client_of(export_bytes(SEED, SCALE).items())
    with pytest.raises(DownloadRefused):
        client.download("https://example.com/a.pdf")
    assert "files" not in {entity.name for entity in CSV_SPEC.schema.entities}
