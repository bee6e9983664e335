"""The invented Bloomr CSV export: encodings, delimiters, quoting, zip, planted faults, CLI."""

import csv
import io
import os
import subprocess
import sys
import zipfile

import pytest

from sandbox.bloomr.dataset import Dataset
from sandbox.bloomr.export import MANIFEST, export_bytes, planted_faults, write_export

pytest_plugins = ["sandbox.tests.bloomr_fixtures"]  # bloomr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED, SCALE = 5, 130  # the ``bloomr`` fixture's account
DELIMS = {",": ",", ";": ";", "tab": "\t"}
OBJECTS = {"contacts.csv": "contacts", "companies.csv": "companies", "deals.csv": "deals",
           "stages.csv": "stages", "users.csv": "users", "calls.csv": "calls", "meetings.csv": "meetings",
           "emails.csv": "emails", "tasks.csv": "tasks", "tags.csv": "tags"}


def read(path, encoding, delimiter):
    python_encoding = "utf-8-sig" if encoding == "utf-8-sig" else encoding
    with open(path, encoding=python_encoding, newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


@pytest.fixture(scope="module")
def dataset():
    return Dataset(SEED, SCALE)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1"])
@pytest.mark.parametrize("delimiter", sorted(DELIMS))
def test_export_parses_back_to_the_api_records(tmp_path, bloomr, encoding, delimiter):
    paths = write_export(SEED, SCALE, tmp_path, encoding=encoding, delimiter=delimiter)
    assert sorted(os.path.basename(p) for p in paths) == sorted(OBJECTS)
    for name, collection in OBJECTS.items():
        rows = read(tmp_path / name, encoding, DELIMS[delimiter])
        assert [r["ID"] for r in rows] == [str(rec["id"]) for rec in bloomr.records(collection)], name
    contacts = read(tmp_path / "contacts.csv", encoding, DELIMS[delimiter])
    expected = [(c["first_name"], c["last_name"], c["email"]) for c in bloomr.records("contacts")]
    assert [(r["Nome"], r["Sobrenome"], r["E-mail"]) for r in contacts] == expected
    companies = {c["id"]: c["name"] for c in bloomr.records("companies")}
    for row, rec in zip(contacts, bloomr.records("contacts"), strict=True):
        assert row["ID da empresa"] == (rec["company_id"] or "")
        assert row["Empresa"] == companies.get(rec["company_id"], "")
    raw = (tmp_path / "contacts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    if encoding == "latin-1":
        assert "ç".encode("latin-1") in raw
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")


def test_headers_dates_money_and_lists_as_the_ui_shows_them(tmp_path, dataset):
    write_export(SEED, SCALE, tmp_path)
    header = (tmp_path / "contacts.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:11] == ["ID", "Nome", "Sobrenome", "E-mail", "Telefone", "Celular", "Cargo", "CPF",
                           "Empresa", "ID da empresa", "Responsável"]
    assert header[-2:] == ["Criado em", "Atualizado em"] and "Data de nascimento" in header
    deals = read(tmp_path / "deals.csv", "utf-8", ",")
    deal = dataset.rows("deals")[0]
    whole, cents = deal["amount"].split(".")
    assert deals[0]["Valor"] == f"{int(whole):,}".replace(",", ".") + f",{cents}"
    assert deals[0]["Moeda"] == "BRL" and deals[0]["Status"] in ("Em andamento", "Ganho", "Perdido")
    y, m, d = deal["created_at"][:10].split("-")
    assert deals[0]["Criado em"] == f"{d}/{m}/{y} {deal['created_at'][11:16]}"
    raw = (tmp_path / "deals.csv").read_text(encoding="utf-8")
    assert f'"{deals[0]["Valor"]}"' in raw  # a comma in the value: quoted with ',' as delimiter
    tagged = next(r for r in read(tmp_path / "contacts.csv", "utf-8", ",") if ", " in r["Tags"])
    assert f'"{tagged["Tags"]}"' in (tmp_path / "contacts.csv").read_text(encoding="utf-8")


def test_multi_line_notes_and_html_bodies_round_trip(tmp_path, dataset):
    write_export(SEED, SCALE, tmp_path, delimiter=";")
    calls = read(tmp_path / "calls.csv", "utf-8", ";")
    assert [r["Anotações"] for r in calls] == [c["notes"] or "" for c in dataset.rows("calls")]
    assert any("\n" in r["Anotações"] for r in calls) and any('"' in r["Anotações"] for r in calls)
    emails = read(tmp_path / "emails.csv", "utf-8", ";")
    assert [r["Corpo"] for r in emails] == [e["body_html"] for e in dataset.rows("emails")]


def test_zip_holds_the_same_files(tmp_path):
    paths = write_export(SEED, 40, tmp_path / "z", zip=True, encoding="latin-1")
    assert [os.path.basename(p) for p in paths] == ["bloomr-export.zip"]
    with zipfile.ZipFile(paths[0]) as archive:
        assert sorted(archive.namelist()) == sorted(OBJECTS)
        assert {n: archive.read(n) for n in OBJECTS} == export_bytes(SEED, 40, encoding="latin-1")


def _line_start(raw, line):
    """The bytes from the start of physical ``line`` (1-based) on."""
    return b"\n".join(raw.split(b"\n")[line - 1:])


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_planted_faults_are_where_the_manifest_says(tmp_path, encoding):
    faults = planted_faults(SEED, SCALE, 0.2)
    paths = write_export(SEED, SCALE, tmp_path, encoding=encoding, delimiter=";", dirt=0.2)
    manifest = (tmp_path / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert str(tmp_path / MANIFEST) in paths
    assert [tuple(line.split("\t")) for line in manifest] == [(f, str(n), k) for f, n, k in faults]
    assert {k for _, _, k in faults} == {"wrong_column_count", "invalid_encoding", "unclosed_quote"}
    for name, line, kind in faults:
        raw = (tmp_path / name).read_bytes()
        rest = _line_start(raw, line)
        width = len(raw.split(b"\r\n", 1)[0].split(b";"))
        if kind == "invalid_encoding":
            row = rest.split(b"\r\n", 1)[0]
            if encoding == "utf-8":
                with pytest.raises(UnicodeDecodeError):
                    row.decode("utf-8")
            else:
                assert "Ã" in row.decode("latin-1")
            continue
        text = rest.decode(encoding, "replace")
        if kind == "wrong_column_count":
            assert len(next(csv.reader(io.StringIO(text, newline=""), delimiter=";"))) == width + 1
        else:
            assert rest.count(b"\r\n") == 1  # the last row
            with pytest.raises(csv.Error):
                list(csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True))
    clean = [os.path.basename(p) for p in write_export(SEED, SCALE, tmp_path / "clean")]
    assert MANIFEST not in clean and planted_faults(SEED, SCALE, 0.0) == []


def test_cli_export_writes_the_files(tmp_path):
    env = {**os.environ, "PYTHONPATH": ROOT}
    out = subprocess.run([sys.executable, "-m", "sandbox.bloomr", "export", "--seed", "2", "--scale", "20",
                          "--out", str(tmp_path), "--encoding", "utf-8-sig", "--delimiter", "tab"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True).stdout
    assert len(out.splitlines()) == len(OBJECTS)
    rows = read(tmp_path / "contacts.csv", "utf-8-sig", "\t")
    assert [r["ID"] for r in rows] == [c["id"] for c in Dataset(2, 20).rows("contacts")]
