"""Reading a CSV export: sources (folder, zip, upload pairs), encodings, delimiters and
quoting, the header, every malformed record with its line, column kinds, and which
file holds which object."""
import io
import zipfile

import pytest

from crm_migration.sources.bloomr.csv_export import propose_objects, read_export
from crm_migration.sources.bloomr.csv_objects import (record_key_column, referenced_object,
                                                      updated_at_column)
from crm_migration.sources.bloomr.csv_profile import profile_column, profile_export
from crm_migration.sources.bloomr.csv_records import split_records
from crm_migration.sources.bloomr.csv_sniff import decode, sniff

from sandbox.bloomr.dataset import Dataset
from sandbox.bloomr.export import planted_faults, write_export

CONTACTS = (
    ("ID", "Nome", "E-mail", "Empresa", "ID da empresa", "Criado em", "Atualizado em"),
    ("1", "João Conceição", "joao@acme.com.br", "Acme; Filial", "10", "05/03/2024 10:00",
     "06/03/2024 11:30"),
    ("2", "Zoë Müller", "zoe@example.com", "Beta", "11", "07/03/2024 09:15", "07/03/2024 09:15"),
    ("3", "Ana Sá", "ana@example.com", 'Gama "Grande"', "", "08/03/2024 08:00",
     "08/03/2024 08:00"),
)


def csv_bytes(rows, delimiter=",", encoding="utf-8", newline="\r\n", quote_all=False):
    """Rows written as a CSV exporter would: quotes where needed (or everywhere)."""
    def cell(text):
        needs = quote_all or any(ch in text for ch in (delimiter, '"', "\n", "\r"))
        return '"' + text.replace('"', '""') + '"' if needs else text
    text = "".join(delimiter.join(cell(c) for c in row) + newline for row in rows)
    return text.encode(encoding)


def one_file(data, name="contacts.csv"):
    export = read_export([(name, data)])
    assert not export.problems
    return export.files[0]


def records(file):
    return [dict(row) for row in file.rows]


def expected(rows=CONTACTS):
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def codes(file):
    return [(problem.line, problem.code) for problem in file.problems]


# -- sources -------------------------------------------------------------------------------

def test_a_folder_a_zip_a_csv_path_and_upload_pairs_read_the_same(tmp_path):
    data = csv_bytes(CONTACTS)
    folder = tmp_path / "export"
    (folder / "sub").mkdir(parents=True)
    (folder / "contacts.csv").write_bytes(data)
    (folder / "sub" / "tags.csv").write_bytes(b"ID,Nome,Cor\n1,VIP,#ff0000\n")
    (folder / ".DS_Store").write_bytes(b"\0\0junk")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("contacts.csv", data)
        zipped.writestr("sub/tags.csv", b"ID,Nome,Cor\n1,VIP,#ff0000\n")
        zipped.writestr("__MACOSX/._contacts.csv", b"\0junk")
        zipped.writestr("sub/", b"")
    (tmp_path / "bloomr-export.zip").write_bytes(archive.getvalue())
    (tmp_path / "single.csv").write_bytes(data)

    exports = [read_export(folder), read_export(str(tmp_path / "bloomr-export.zip")),
               read_export([("bloomr-export.zip", archive.getvalue())])]
    for export in exports:
        assert [file.name for file in export.files] == ["contacts.csv", "sub/tags.csv"]
        assert records(export.file("contacts.csv")) == expected()
        assert export.all_problems() == []
    assert records(read_export(tmp_path / "single.csv").files[0]) == expected()


def test_files_that_are_no_csv_are_reported_and_skipped():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("README.pdf", b"%PDF")
    export = read_export([("notes.xlsx", b"PK.."), ("export.zip", archive.getvalue()),
                          ("broken.zip", b"not a zip"), ("deals.csv", b"ID,Nome\n1,X\n")])
    assert [file.name for file in export.files] == ["deals.csv"]
    assert [(p.file, p.line, p.code) for p in export.problems] == [
        ("notes.xlsx", 0, "not_csv"), ("README.pdf", 0, "not_csv"), ("broken.zip", 0, "bad_zip")]
    assert "notes.xlsx is not a CSV file" in export.problems[0].message


def test_rereading_gives_the_same_records_in_the_same_order(tmp_path):
    data = csv_bytes(CONTACTS, delimiter=";", encoding="cp1252")
    first, second = read_export([("c.csv", data)]), read_export([("c.csv", data)])
    assert records(first.files[0]) == records(second.files[0])
    assert [row.line for row in first.files[0].rows] == [2, 3, 4]


# -- encodings -----------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, detected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("latin-1", "cp1252"), ("cp1252", "cp1252"),
    ("utf-16", "utf-16"),
])
def test_encodings(encoding, detected):
    file = one_file(csv_bytes(CONTACTS, encoding=encoding))
    assert file.encoding == detected
    assert file.header == tuple(CONTACTS[0])  # no BOM left on "ID"
    assert records(file) == expected()
    assert file.problems == []


def test_a_cp1252_file_with_its_own_characters():
    rows = [["ID", "Nome", "Nota"], ["1", "Ação", "“ótimo” – 5€"]]
    file = one_file(csv_bytes(rows, encoding="cp1252"))
    assert (file.encoding, records(file)) == ("cp1252", expected(rows))


def test_one_bad_line_in_a_utf8_file_is_reported_not_the_whole_file_as_mojibake():
    data = csv_bytes(CONTACTS) + "4,Inês Latin,ines@example.com,Delta,,01/04/2024,01/04/2024\r\n" \
        .encode("latin-1") + "5,Zé,ze@example.com,Épsilon,,01/04/2024,01/04/2024\r\n".encode()
    file = one_file(data)
    assert file.encoding == "utf-8"
    assert codes(file) == [(5, "bad_encoding")]
    assert "Inês".encode("latin-1") not in file.problems[0].text.encode()
    assert "Line 5 has bytes that are not utf-8" in file.problems[0].message
    assert [row["Nome"] for row in file.rows] == ["João Conceição", "Zoë Müller", "Ana Sá", "Zé"]


def test_a_cp1252_file_reports_bytes_cp1252_does_not_define():
    data = csv_bytes([["ID", "Nome"], ["1", "Ação"], ["2", "São"]], encoding="cp1252") \
        + b"3,bad\x81byte\r\n"
    file = one_file(data)
    assert (file.encoding, codes(file)) == ("cp1252", [(4, "bad_encoding")])
    assert len(file.rows) == 2


def test_decode_keeps_line_ends_and_numbers_bad_lines():
    decoded = decode(b"a\r\nb\xe9\nc\rd")
    assert decoded.lines == ("a\r\n", "bé\n", "c\r", "d")
    assert (decoded.encoding, decoded.bad_lines) == ("cp1252", frozenset())
    assert decode("ação\n".encode() + b"x\xe9\n").bad_lines == {2}


# -- delimiters, quoting, header ------------------------------------------------------------

@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(delimiter):
    file = one_file(csv_bytes(CONTACTS, delimiter=delimiter))
    assert (file.delimiter, file.quoting) == (delimiter, "minimal")
    assert records(file) == expected()


def test_delimiters_inside_quotes_and_money_with_commas_do_not_fool_the_count():
    lines = ["ID;Nome;Valor;Obs"] + [f'{n};"Silva, Souza & Cia";{n}.234,56;"a;b,c\td"'
                                     for n in range(1, 8)]
    file = one_file("\n".join(lines).encode())
    assert (file.delimiter, file.quoting) == (";", "minimal")
    assert records(file)[0] == {"ID": "1", "Nome": "Silva, Souza & Cia", "Valor": "1.234,56",
                                "Obs": "a;b,c\td"}
    assert len(file.rows) == 7


def test_quoting_all_and_none():
    assert one_file(csv_bytes(CONTACTS, quote_all=True)).quoting == "all"
    assert one_file(b"ID,Nome\n1,Ana\n").quoting == "none"
    assert sniff(["ID\n", "1\n"]).delimiter == ","  # one column


def test_line_breaks_and_quotes_inside_quoted_values():
    rows = [["ID", "Nome", "Notas"], ["1", "Ana", 'linha 1\r\nlinha "2"\r\n\r\nlinha 4'],
            ["2", "Bia", "fim"]]
    file = one_file(csv_bytes(rows))
    assert records(file) == expected(rows)
    assert [row.line for row in file.rows] == [2, 6]
    assert file.problems == []


def test_the_header_is_the_first_non_empty_row_and_blank_rows_are_skipped():
    data = b"\r\n  \r\nID,Nome\r\n\r\n1,Ana\r\n,\r\n2,Bia\r\n\r\n"
    file = one_file(data)
    assert (file.header, file.header_line) == (("ID", "Nome"), 3)
    assert [(row.line, row["Nome"]) for row in file.rows] == [(5, "Ana"), (7, "Bia")]
    assert file.problems == []


def test_a_first_row_of_data_is_reported_and_kept_as_a_record():
    file = one_file(b"1,Ana,ana@x.com\n2,Bia,bia@x.com\n")
    assert codes(file) == [(1, "no_header")]
    assert file.header == ("column_1", "column_2", "column_3")
    assert [row["column_2"] for row in file.rows] == ["Ana", "Bia"]
    assert one_file(b"ID,Nome,2024\n1,Ana,20\n").header == ("ID", "Nome", "2024")


def test_unnamed_and_repeated_columns_are_renamed_and_reported():
    file = one_file(b"ID,Nome,,Nome\n1,Ana,x,Ana Maria\n")
    assert file.header == ("ID", "Nome", "column_3", "Nome (2)")
    assert codes(file) == [(1, "header_name"), (1, "header_name")]
    assert records(file) == [{"ID": "1", "Nome": "Ana", "column_3": "x", "Nome (2)": "Ana Maria"}]


def test_an_empty_file_is_reported():
    assert codes(one_file(b"")) == [(0, "empty_file")]
    assert codes(one_file(b"\n\n")) == [(0, "empty_file")]
    header_only = one_file(b"ID,Nome\n")
    assert (header_only.rows, header_only.problems) == ([], [])


# -- malformed records ---------------------------------------------------------------------

def test_wrong_column_counts_are_reported_at_their_line_and_not_loaded():
    data = b"ID,Nome,E-mail\n1,Ana,a@x.com\n2,Bia\n3,Cid,c@x.com,extra\n4,Duda,d@x.com,,\n" \
           b'5,"Eva\nSilva"\n6,Fabi,f@x.com\n'
    file = one_file(data)
    assert codes(file) == [(3, "column_count"), (4, "column_count"), (5, "column_count"),
                           (6, "column_count")]  # a trailing delimiter too
    assert [row["ID"] for row in file.rows] == ["1", "6"]
    assert file.problems[0].message == "2 columns instead of 3. Record not loaded."
    assert file.problems[0].text == "2,Bia\n"


def test_an_unclosed_quote_at_the_end_is_reported_where_it_opened_and_the_rest_is_read():
    data = b'ID,Nome,Obs\n1,Ana,ok\n2,"Bia,sem fim\n3,Cid,ok\n4,Duda,ok\n'
    file = one_file(data)
    assert codes(file) == [(3, "unclosed_quote")]
    assert "opened on line 3 is never closed" in file.problems[0].message
    assert [row["ID"] for row in file.rows] == ["1", "3", "4"]


def test_an_unclosed_quote_in_the_middle_is_reported_and_the_next_records_read():
    data = b'ID,Nome,Obs\n1,Ana,ok\n2,"Bia,sem fim\n3,"Cid",ok\n4,Duda,"ok"\n'
    file = one_file(data)
    assert codes(file) == [(3, "unclosed_quote")]
    assert [row["ID"] for row in file.rows] == ["1", "3", "4"]


def test_a_quote_opened_inside_a_multiline_record_is_reported_at_the_record():
    data = b'ID,Nome,Obs\n1,"Ana\nMaria","aberta\n2,Bia,ok\n'
    file = one_file(data)
    assert codes(file) == [(2, "unclosed_quote")]
    assert file.problems[0].params == {"opened": 3}
    assert [row["ID"] for row in file.rows] == ["2"]


def test_a_misplaced_quote_on_one_line():
    file = one_file(b'ID,Nome\n1,"Ana" Maria\n2,Bia\n3,Ana "Bia" Cid\n')
    assert codes(file) == [(2, "bad_quote")]
    assert [row["Nome"] for row in file.rows] == ["Bia", 'Ana "Bia" Cid']


def test_empty_and_repeated_record_keys_are_reported():
    file = one_file(b"ID,Nome\n1,Ana\n,Sem id\n1,Ana de novo\n2,Bia\n")
    assert codes(file) == [(3, "missing_key"), (4, "duplicate_key")]
    assert file.problems[1].message == "ID 1 is already on line 2. Record not loaded."
    assert [row["Nome"] for row in file.rows] == ["Ana", "Bia"]


def test_split_records_gives_each_records_lines():
    lines = ["a,b\n", '1,"x\n', 'y"\n', "\n", "2,z\n"]
    assert list(split_records(lines, ",")) == [
        (1, 1, ["a", "b"], None), (2, 3, ["1", "x\ny"], None), (4, 4, [], None),
        (5, 5, ["2", "z"], None)]


# -- column kinds ----------------------------------------------------------------------------

@pytest.mark.parametrize("name, values, kind, info_type", [
    ("Nome", ["Ana", "Bia", "Cid", ""], "text", "string"),
    ("Notas", ["linha 1\nlinha 2", "x"], "text", "text"),
    ("Valor", ["R$ 1.234,56", "R$ 10,00", ""], "money", "money"),
    ("Valor", ["1.234,56", "10,00", "7,50"], "money", "money"),
    ("Quantidade", ["1.234", "12", "7"], "number", "integer"),
    ("Peso", ["1.234", "12,5"], "number", "decimal"),
    ("Desconto", ["0", "0", "10,5"], "number", "decimal"),
    ("Licenças", [str(n) for n in range(30)] + ["n/a"], "number", "integer"),  # one typo in 31
    ("Probabilidade", ["10%", "50%"], "number", "percent"),
    ("Nascimento", ["05/03/1990", "1991-04-06"], "date", "date"),
    ("Criado em", ["05/03/2024 10:00", "06/03/2024"], "datetime", "datetime"),
    ("Ativo", ["sim", "não", "sim"], "boolean", "boolean"),
    ("Ativo", ["1", "0", "1"], "boolean", "boolean"),
    ("VIP", ["x", "", "", "x"], "boolean", "boolean"),
    ("E-mail", ["a@x.com", "b@y.com.br"], "email", "string"),
    ("Site", ["https://acme.com", "www.beta.com.br"], "url", "string"),
    ("Telefone", ["(11) 98765-4321", "+55 21 3456-7890"], "phone", "string"),
    ("Marcadores", ["VIP; Quente", "Quente", "VIP", "Frio; VIP"], "list", "options"),
    ("Status", ["Aberto", "Ganho", "Aberto", "Perdido", "Aberto", "Ganho"], "option", "option"),
    ("CNPJ", ["11.222.333/0001-81", "11222333000181"], "text", "cnpj"),
    ("ID do responsável", ["7", "8"], "reference", "user"),
    ("company_id", ["10", "11"], "reference", "contact"),
    ("ID da etapa", ["3"], "reference", "string"),
])
def test_column_kinds(name, values, kind, info_type):
    column = profile_column(name, values)
    assert (column.kind, column.info.type) == (kind, info_type)
    assert (column.info.path, column.info.label) == (name, name)


def test_column_profile_fill_rate_samples_options_and_style():
    status = profile_column("Status", ["Aberto", "Ganho", "", "Aberto", "Ganho", "Aberto"])
    assert status.profile.fill_rate == pytest.approx(5 / 6)
    assert status.profile.samples == ("Aberto", "Ganho")
    assert status.info.options == (("Aberto", "Aberto"), ("Ganho", "Ganho"))
    tags = profile_column("Tags", ["a; b", "b", "a", "c; a"])
    assert (tags.info.options, tags.info.multiple) == ((("a", "a"), ("b", "b"), ("c", "c")), True)
    assert profile_column("Valor", ["1,234.56", "10.00"]).style == "en"


def test_a_reference_holds_ids_of_the_file_of_its_object():
    companies = csv_bytes([["ID", "Nome"], ["10", "Acme"], ["11", "Beta"]])
    other = csv_bytes([["ID", "Nome", "ID da empresa"], ["1", "Ana", "10"], ["2", "Bia", "99"]])
    export = read_export([("contacts.csv", csv_bytes(CONTACTS)), ("companies.csv", companies),
                          ("orphans.csv", other)])
    profiles = profile_export(export)
    by_name = {c.column: c for c in profiles["contacts.csv"]}
    assert (by_name["ID da empresa"].kind, by_name["ID da empresa"].target) == \
        ("reference", "companies")
    assert (by_name["ID"].kind, by_name["Empresa"].kind) == ("text", "text")
    assert {c.column: c.kind for c in profiles["orphans.csv"]}["ID da empresa"] != "reference"


# -- which file is which object -----------------------------------------------------------

@pytest.mark.parametrize("name, key", [
    ("contatos.csv", "contacts"), ("Pessoas.CSV", "contacts"), ("people.csv", "contacts"),
    ("contacts.csv", "contacts"), ("empresas.csv", "companies"),
    ("organizações.csv", "companies"), ("Companies.csv", "companies"),
    ("accounts.csv", "companies"), ("negócios.csv", "deals"), ("oportunidades.csv", "deals"),
    ("deals.csv", "deals"), ("opportunities.csv", "deals"), ("etapas.csv", "stages"),
    ("stages.csv", "stages"), ("usuários.csv", "users"), ("users.csv", "users"),
    ("ligações.csv", "calls"), ("chamadas.csv", "calls"), ("calls.csv", "calls"),
    ("reuniões.csv", "meetings"), ("meetings.csv", "meetings"), ("e-mails.csv", "emails"),
    ("emails.csv", "emails"), ("tarefas.csv", "tasks"), ("tasks.csv", "tasks"),
    ("marcadores.csv", "tags"), ("etiquetas.csv", "tags"), ("tags.csv", "tags"),
    ("export/Bloomr - Negócios 2024-05-01.csv", "deals"),
])
def test_objects_from_file_names(name, key):
    [guess] = propose_objects(read_export([(name, b"ID,Nome\n1,X\n")]))
    assert (guess.file, guess.object, guess.confidence) == (name, key, 0.95)
    assert name in guess.reason


@pytest.mark.parametrize("header, key", [
    ("ID,Assunto,De,Para,Enviado em", "emails"),
    ("ID,Nome,CNPJ,Razão social,Site", "companies"),
    ("ID,Nome,E-mail,Cargo,ID da empresa,Celular", "contacts"),
    ("ID,Título,Valor,ID da etapa,Data de fechamento", "deals"),
    ("ID,Nome,Funil,Ordem", "stages"),
    ("ID,Nome,E-mail,Perfil,Ativo", "users"),
    ("ID,Duração,Direção,Gravação", "calls"),
    ("ID,Título,Início,Fim,Local,Participantes", "meetings"),
    ("ID,Título,Prazo,Concluída", "tasks"),
    ("ID,Nome,Cor", "tags"),
])
def test_objects_from_the_header_when_the_name_says_nothing(header, key):
    [guess] = propose_objects(read_export([("export (3).csv", header.encode() + b"\n")]))
    assert guess.object == key
    assert 0.4 <= guess.confidence < 0.95
    assert "columns" in guess.reason


def test_a_file_nothing_says_anything_of_and_a_name_naming_two_objects():
    export = read_export([("dados.csv", b"ID,Nome\n"), ("contatos_empresas.csv", b"ID\n")])
    unknown, two = propose_objects(export)
    assert (unknown.object, unknown.confidence) == (None, 0.0)
    assert (two.object, two.confidence) == ("contacts", 0.6)


def test_record_key_and_updated_at_columns():
    assert record_key_column(("Nome", "Id", "ID da empresa")) == "Id"
    assert record_key_column(("Código", "Nome")) == "Código"
    assert record_key_column(("Nome", "ID da empresa")) is None
    for name in ("Atualizado em", "Última atualização", "Updated at", "Data de atualização",
                 "last_modified"):
        assert updated_at_column(("ID", "Criado em", name)) == name
    assert updated_at_column(("ID", "Criado em")) is None
    [guess] = propose_objects(read_export([("contacts.csv", csv_bytes(CONTACTS))]))
    assert (guess.key_column, guess.updated_column) == ("ID", "Atualizado em")


@pytest.mark.parametrize("name, key", [
    ("ID da empresa", "companies"), ("company_id", "companies"), ("ID do contato", "contacts"),
    ("owner_id", "users"), ("Código da etapa", "stages"), ("ID", None), ("Empresa", None),
])
def test_referenced_object(name, key):
    assert referenced_object(name) == key


# -- the sandbox's export -------------------------------------------------------------------

SEED, SCALE, DIRT = 7, 60, 0.2
#: file -> (collection, [(column, source field)]) compared with the sandbox's records
SOURCE_COLUMNS = {
    "contacts.csv": ("contacts", [("Nome", "first_name"), ("Sobrenome", "last_name"),
                                  ("E-mail", "email")]),
    "companies.csv": ("companies", [("Nome", "name")]),
    "deals.csv": ("deals", [("Título", "title")]),
    "users.csv": ("users", [("Nome", "name"), ("E-mail", "email")]),
    "stages.csv": ("stages", [("Nome", "name")]),
    "tags.csv": ("tags", [("Nome", "name")]),
}
#: the sandbox's fault kinds -> the reader's problem codes
FAULT_CODES = {"wrong_column_count": "column_count", "invalid_encoding": "bad_encoding",
               "unclosed_quote": "unclosed_quote"}


@pytest.fixture(scope="module")
def sandbox_dataset():
    return Dataset(SEED, SCALE)


def written(encoding):
    """A value as the export in ``encoding`` writes it (``?`` for what it lacks)."""
    return lambda text: text.encode(encoding, "replace").decode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1"])
@pytest.mark.parametrize("delimiter", [",", ";", "tab"])
def test_the_sandbox_export_reads_back_to_its_records(tmp_path, sandbox_dataset, encoding,
                                                      delimiter):
    write_export(SEED, SCALE, tmp_path, encoding=encoding, delimiter=delimiter)
    export = read_export(tmp_path)
    assert export.all_problems() == []
    assert {file.encoding for file in export.files} == \
        {"utf-8" if encoding == "utf-8" else "utf-8-sig" if encoding == "utf-8-sig" else "cp1252"}
    assert {file.delimiter for file in export.files} == {"\t" if delimiter == "tab" else delimiter}
    as_written = written(encoding)
    for name, (collection, columns) in SOURCE_COLUMNS.items():
        file = export.file(name)
        source = sandbox_dataset.rows(collection)
        assert [row["ID"] for row in file.rows] == [str(record["id"]) for record in source]
        for column, key in columns:
            assert [row[column] for row in file.rows] == \
                [as_written(str(record[key] or "")) for record in source], (name, column)
    guesses = {guess.file: guess for guess in propose_objects(export)}
    assert {name: guess.object for name, guess in guesses.items()} == \
        {name: name[:-4] for name in guesses}
    assert {guess.key_column for guess in guesses.values()} == {"ID"}


def test_the_zipped_sandbox_export_reads_like_its_files(tmp_path):
    [archive] = write_export(SEED, SCALE, tmp_path / "zip", zip=True)
    write_export(SEED, SCALE, tmp_path / "files")
    zipped, files = read_export(archive), read_export(tmp_path / "files")
    with open(archive, "rb") as handle:
        uploaded = read_export([("bloomr-export.zip", handle.read())])
    assert zipped.all_problems() == uploaded.all_problems() == []
    for export in (zipped, uploaded):
        assert sorted(file.name for file in export.files) == sorted(f.name for f in files.files)
        for file in export.files:
            assert records(file) == records(files.file(file.name))


@pytest.mark.parametrize("encoding, delimiter, zipped", [
    ("utf-8", ",", False), ("utf-8-sig", ";", False), ("latin-1", "tab", False),
    ("latin-1", ";", True),
])
def test_the_planted_faults_are_reported_at_their_line_and_nothing_else(tmp_path, encoding,
                                                                        delimiter, zipped):
    write_export(SEED, SCALE, tmp_path, encoding=encoding, delimiter=delimiter, zip=zipped,
                 dirt=DIRT)
    (tmp_path / "MANIFEST").unlink()
    export = read_export(tmp_path)
    faults = planted_faults(SEED, SCALE, DIRT)
    assert {kind for _file, _line, kind in faults} == set(FAULT_CODES)
    assert sorted((p.file, p.line, p.code) for p in export.all_problems()) == \
        sorted((file, line, FAULT_CODES[kind]) for file, line, kind in faults)
    dirty = Dataset(SEED, SCALE, DIRT)
    for name, (collection, _columns) in SOURCE_COLUMNS.items():  # the others all load
        file, held = export.file(name), [line for n, line, _kind in faults if n == name]
        assert not {row.line for row in file.rows} & set(held)
        assert len(file.rows) + len(held) == len(dirty.rows(collection))
