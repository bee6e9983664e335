# pylint: disable=prefer-env-translation  # pure code without Odoo: _ marks templates Odoo translates when it logs them
"""Bloomr's CSV export read as the records of its API, so that one schema migrates both.

:func:`profile_export` proposes which file holds which object (``csv_objects``) and which
column is which API field (:data:`COLUMNS`, the labels of Bloomr's export in Portuguese
and English); the other columns of contacts, companies and deals are custom fields, typed
from their values (``csv_profile``). The admin confirms that profile; :class:`ExportClient`
then serves the records by it: references by name resolved to ids (owners by e-mail, tags,
pipelines and stages by name), dates, numbers and yes/no read in the file's formats. A
value that does not read is kept as it was typed and reported with its file and line;
a line that does not read is reported and not loaded. Nothing is dropped without a word.
"""
import copy
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from ...mapping.converters import ConversionError
from ...mapping.lexicon import fold
from ...mapping.messages import _, render
from ...mapping.propose import slug
from ...mapping.spec import ApiProbe, Page
from ..errors import DownloadRefused, InvalidConfiguration
from .csv_export import read_export
from .csv_objects import propose_objects
from .csv_profile import profile_columns
from .csv_values import number_style, parse_bool, parse_date, parse_moment, parse_number, split_values
from .profile_edit import check_read_once

#: The objects whose files carry custom fields, and the scope of their definitions.
CUSTOM_SCOPES = {"contacts": "contact", "companies": "company", "deals": "deal"}
#: Column kinds of ``csv_profile`` as Bloomr's custom-field types.
CUSTOM_TYPES = {"date": "date", "datetime": "date", "money": "money", "number": "number",
                "boolean": "boolean", "option": "option", "url": "url"}

ADDRESS = {
    "endereco": ("address.street", "text"), "logradouro": ("address.street", "text"),
    "street": ("address.street", "text"), "numero": ("address.number", "text"),
    "number": ("address.number", "text"), "complemento": ("address.complement", "text"),
    "complement": ("address.complement", "text"), "bairro": ("address.district", "text"),
    "district": ("address.district", "text"), "cidade": ("address.city", "text"),
    "city": ("address.city", "text"), "estado": ("address.state", "text"),
    "uf": ("address.state", "text"), "state": ("address.state", "text"),
    "cep": ("address.zip", "text"), "zip": ("address.zip", "text"),
    "pais": ("address.country", "text"), "country": ("address.country", "text"),
}
STAMPS = {"criado em": ("created_at", "moment"), "created at": ("created_at", "moment"),
          "atualizado em": ("updated_at", "moment"), "updated at": ("updated_at", "moment")}
OWNER = {"responsavel": ("owner_id", "user"), "owner": ("owner_id", "user")}
TAGS = {"tags": ("tag_ids", "tags"), "marcadores": ("tag_ids", "tags")}

#: Object -> {folded column label: (API path, how its text reads)}; ``None`` as path: the
#: name shown beside an id column, read from the id instead.
COLUMNS = {
    "users": {"id": ("id", "key"), "nome": ("name", "text"), "name": ("name", "text"),
              "e-mail": ("email", "text"), "email": ("email", "text"),
              "perfil": ("role", "role"), "role": ("role", "role"),
              "ativo": ("active", "bool"), "active": ("active", "bool"), **STAMPS},
    "tags": {"id": ("id", "key"), "nome": ("name", "text"), "name": ("name", "text"),
             "cor": ("color", "text"), "color": ("color", "text"), **STAMPS},
    "stages": {"id": ("id", "key"), "nome": ("name", "text"), "name": ("name", "text"),
               "funil": ("pipeline", "text"), "pipeline": ("pipeline", "text"),
               "id do funil": ("pipeline_id", "key"), "pipeline id": ("pipeline_id", "key"),
               "ordem": ("order", "int"), "order": ("order", "int"),
               "probabilidade (%)": ("probability", "int"), "probability": ("probability", "int"),
               "etapa de ganho": ("is_won", "bool"), "won": ("is_won", "bool"),
               "etapa de perda": ("is_lost", "bool"), "lost": ("is_lost", "bool"), **STAMPS},
    "companies": {"id": ("id", "key"), "nome": ("name", "text"), "name": ("name", "text"),
                  "dominio": ("domain", "text"), "domain": ("domain", "text"),
                  "setor": ("industry", "text"), "industry": ("industry", "text"),
                  "funcionarios": ("employees", "text"), "employees": ("employees", "text"),
                  "cnpj": ("cnpj", "text"), "telefone": ("phone", "text"),
                  "phone": ("phone", "text"), "empresa controladora": (None, "name"),
                  "id da empresa controladora": ("parent_id", "key"),
                  "parent company id": ("parent_id", "key"), **ADDRESS, **OWNER, **TAGS,
                  **STAMPS},
    "contacts": {"id": ("id", "key"), "nome": ("first_name", "text"),
                 "first name": ("first_name", "text"), "sobrenome": ("last_name", "text"),
                 "last name": ("last_name", "text"), "e-mail": ("email", "text"),
                 "email": ("email", "text"), "telefone": ("phone", "text"),
                 "phone": ("phone", "text"), "celular": ("mobile", "text"),
                 "mobile": ("mobile", "text"), "cargo": ("job_title", "text"),
                 "job title": ("job_title", "text"), "cpf": ("cpf", "text"),
                 "empresa": (None, "name"), "id da empresa": ("company_id", "key"),
                 "company id": ("company_id", "key"), **ADDRESS, **OWNER, **TAGS, **STAMPS},
    "deals": {"id": ("id", "key"), "titulo": ("title", "text"), "title": ("title", "text"),
              "valor": ("amount", "money"), "amount": ("amount", "money"),
              "moeda": ("currency", "text"), "currency": ("currency", "text"),
              "funil": ("pipeline_id", "pipeline"), "pipeline": ("pipeline_id", "pipeline"),
              "etapa": ("stage_id", "stage"), "stage": ("stage_id", "stage"),
              "status": ("status", "status"), "situacao": ("status", "status"),
              "probabilidade (%)": ("probability", "int"), "probability": ("probability", "int"),
              "data de fechamento": ("close_date", "date"), "close date": ("close_date", "date"),
              "empresa": (None, "name"), "id da empresa": ("company_id", "key"),
              "company id": ("company_id", "key"), "contato": (None, "name"),
              "id do contato": ("contact_id", "key"), "contact id": ("contact_id", "key"),
              "motivo da perda": ("lost_reason", "text"), "lost reason": ("lost_reason", "text"),
              **OWNER, **TAGS, **STAMPS},
    "calls": {"id": ("id", "key"), "data": ("started_at", "moment"),
              "date": ("started_at", "moment"), "duracao": ("duration_seconds", "duration"),
              "duration": ("duration_seconds", "duration"), "direcao": ("direction", "direction"),
              "direction": ("direction", "direction"), "resultado": ("disposition", "outcome"),
              "outcome": ("disposition", "outcome"), "contato": (None, "name"),
              "id do contato": ("contact_id", "key"), "negocio": (None, "name"),
              "id do negocio": ("deal_id", "key"), "usuario": ("user_id", "user"),
              "user": ("user_id", "user"), "anotacoes": ("notes", "text"),
              "notes": ("notes", "text"), **STAMPS},
    "meetings": {"id": ("id", "key"), "titulo": ("title", "text"), "title": ("title", "text"),
                 "inicio": ("starts_at", "moment"), "start": ("starts_at", "moment"),
                 "fim": ("ends_at", "moment"), "end": ("ends_at", "moment"),
                 "local": ("location", "text"), "location": ("location", "text"),
                 "participantes": ("attendees", "attendees"),
                 "attendees": ("attendees", "attendees"), "negocio": (None, "name"),
                 "id do negocio": ("deal_id", "key"), "responsavel": ("user_id", "user"),
                 "anotacoes": ("notes", "text"), "notes": ("notes", "text"), **STAMPS},
    "emails": {"id": ("id", "key"), "assunto": ("subject", "text"),
               "subject": ("subject", "text"), "de": ("from", "text"), "from": ("from", "text"),
               "para": ("to", "list"), "to": ("to", "list"), "cc": ("cc", "list"),
               "enviado em": ("sent_at", "moment"), "sent at": ("sent_at", "moment"),
               "conversa": ("thread_id", "text"), "thread": ("thread_id", "text"),
               "contato": (None, "name"), "id do contato": ("contact_id", "key"),
               "negocio": (None, "name"), "id do negocio": ("deal_id", "key"),
               "usuario": ("user_id", "user"), "corpo": ("body_html", "text"),
               "body": ("body_html", "text"), **STAMPS},
    "tasks": {"id": ("id", "key"), "titulo": ("title", "text"), "title": ("title", "text"),
              "vencimento": ("due_date", "date"), "due date": ("due_date", "date"),
              "concluida": ("done", "bool"), "done": ("done", "bool"),
              "responsavel": ("assignee_id", "user"), "negocio": (None, "name"),
              "id do negocio": ("deal_id", "key"), "contato": (None, "name"),
              "id do contato": ("contact_id", "key"), "descricao": ("notes", "text"),
              "notes": ("notes", "text"), **STAMPS},
}

#: Option labels of Bloomr's UI (Portuguese, folded) as the API's values.
OPTIONS = {
    "role": {"administrador": "admin", "gerente": "manager", "vendedor": "rep"},
    "status": {"em andamento": "open", "aberto": "open", "ganho": "won", "perdido": "lost"},
    "direction": {"realizada": "outbound", "recebida": "inbound"},
    "outcome": {"atendida": "connected", "nao atendida": "no_answer",
                "caixa postal": "voicemail", "ocupado": "busy", "numero errado": "wrong_number"},
}
ATTENDEE = re.compile(r"\s*(?:(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>|(?P<alone>\S+@\S+))\s*")
CODE = re.compile(r"\d+|\d{1,3}([.,]\d{3})+")
DURATION = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})")
DEFAULT_TZ = "America/Sao_Paulo"
#: Problems of lines that were still loaded (a value kept as typed, a column renamed).
KEPT_CODES = ("value_kept", "header_name", "no_header")


def fingerprint(files):
    """A digest of an export's ``(name, bytes)`` pairs: the profile is of these files only."""
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def column_choice(obj, column, kind):
    """``(path, reader, note)`` of a column of an object's file: a Bloomr field, a custom
    field (``custom_fields.<slug>``), or None (left out)."""
    known = COLUMNS.get(obj, {}).get(fold(column).strip())
    if known:
        return known[0], known[1], None if known[0] else "the name beside its id column"
    if obj in CUSTOM_SCOPES and slug(column):
        return f"custom_fields.{slug(column)}", f"custom:{kind}", "custom field"
    return None, "none", "not a field of this object: left out"


def columns_of(obj, kinds):
    """What each column (``[column, kind, style]``) of an object's file is read as."""
    columns = []
    for column, kind, style in kinds:
        path, reader, note = column_choice(obj, column, kind)
        columns.append({"column": column, "path": path, "reader": reader, "note": note,
                        "style": style})
    return columns


def profile_export(files, tz=DEFAULT_TZ):
    """The profile of an export (``(name, bytes)`` pairs) for the admin to confirm: its
    files with the object each holds and what each column is, and the problems read."""
    export = read_export(files)
    objects = {}
    entries = []
    for guess in propose_objects(export):
        file = export.file(guess.file)
        taken = guess.object and guess.object in COLUMNS and guess.object not in objects
        kinds = [[profile.column, "text" if profile.kind == "number" and _is_code(
            [row[profile.column] for row in file.rows]) else profile.kind, profile.style]
            for profile in profile_columns(file)]
        entry = {"file": file.name, "object": guess.object if taken else None,
                 "confidence": guess.confidence, "reason": guess.reason,
                 "encoding": file.encoding, "delimiter": file.delimiter,
                 "rows": len(file.rows), "kinds": kinds,
                 "columns": columns_of(guess.object, kinds) if taken else []}
        if guess.object and not taken:
            entry["reason"] = (f"{guess.reason}; {guess.object} is already read from "
                               f"{objects[guess.object]}" if guess.object in objects
                               else f"{guess.reason}; not an object Bloomr exports")
        if taken:
            objects[guess.object] = file.name
        entries.append(entry)
    problems = [{"file": p.file, "line": p.line, "code": p.code, "message": p.message}
                for p in export.all_problems()]
    return {"kind": "csv_export", "fingerprint": fingerprint(files), "tz": tz,
            "files": entries, "problems": problems}


def _is_code(values):
    """Whether whole numbers are written with several group separators and never a
    decimal part (``159.198.578.401``): a registration number, kept as text."""
    filled = [text.strip() for text in values if text.strip()]
    return bool(filled) and all(CODE.fullmatch(text) for text in filled) and any(
        text.count(".") + text.count(",") > 1 for text in filled)


def render_export_profile(profile):
    """The profile in words, for the admin."""
    lines = []
    for entry in profile["files"]:
        head = (f"{entry['file']}: {entry['object'] or _('not read')} "
                f"({entry['rows']} rows, {entry['encoding']}, delimiter {entry['delimiter']!r}; "
                f"{entry['reason']})")
        lines.append(head)
        for column in entry["columns"]:
            target = column["path"] or "-"
            lines.append(f"    {column['column']} -> {target}"
                         + (f" ({column['note']})" if column["note"] else ""))
    missing = [obj for obj in CUSTOM_SCOPES if obj not in objects_of(profile)]
    if missing:
        lines.append(render(_("No file holds %(objects)s."), {"objects": ", ".join(missing)}))
    for problem in profile["problems"]:
        lines.append(f"{problem['file']}:{problem['line']}: {problem['message']}")
    return "\n".join(lines)


def objects_of(profile):
    """``{object: file name}`` of a profile."""
    return {entry["object"]: entry["file"] for entry in profile["files"] if entry["object"]}


def probe(config):
    """Profile the export held by the source (``config.files``)."""
    if not config.files:
        raise InvalidConfiguration("No export file was given: upload the CSV files (or a "
                                   "zip) of a Bloomr export.")
    return _probe_of(profile_export(config.files))


def _probe_of(profile):
    usable = bool(set(objects_of(profile)) & set(CUSTOM_SCOPES))
    return ApiProbe(profile, render_export_profile(profile), usable)


def profile_rows(profile):
    """The files of an export's profile as rows to review: the object each holds."""
    return [{"name": entry["file"], "path": entry["file"], "total": entry["rows"],
             "entity": entry["object"] or "",
             "fields": "\n".join(f"{column['column']} → {column['path'] or '-'}"
                                 for column in entry["columns"])}
            for entry in profile["files"]]


def edit_profile(profile, rows):
    """The profile with the object of each file as the admin chose it (its columns proposed
    again for that object), or InvalidConfiguration."""
    profile = copy.deepcopy(profile)
    entries = {entry["file"]: entry for entry in profile["files"]}
    readers = {}
    for row in rows:
        entry = entries.get(row["name"])
        if entry is None:
            raise InvalidConfiguration(f"The export has no file {row['name']!r}: profile it again.")
        obj = row.get("entity") or None
        if obj and obj not in COLUMNS:
            raise InvalidConfiguration(f"{entry['file']}: a Bloomr export holds no {obj} "
                                       f"(it holds {', '.join(COLUMNS)}).")
        if obj != entry["object"]:
            entry.update(object=obj, reason="chosen by the admin",
                         columns=columns_of(obj, entry["kinds"]) if obj else [])
        if obj:
            readers.setdefault(obj, []).append(entry["file"])
    check_read_once(readers, "file")
    return _probe_of(profile)


@dataclass
class Problem:
    """A line of the export that was not loaded, or a value kept as typed."""

    entity: str
    file: str
    line: int
    code: str
    message: str
    key: str = None

    def as_issue(self):
        """The values of its issue line: a line not loaded is an error."""
        kept = self.code in KEPT_CODES
        return {"code": self.code, "message": f"{self.file}:{self.line}: {self.message}",
                "source_key": self.key or False, "level": "warning" if kept else "error"}


@dataclass
class ExportRecords:
    """The records of an export by API collection, read by its confirmed profile."""

    records: dict = field(default_factory=dict)    # entity -> [payload]
    problems: dict = field(default_factory=dict)   # entity -> [Problem]

    @classmethod
    def from_export(cls, files, profile):
        """The records of the export ``files`` by its confirmed ``profile``."""
        if profile.get("fingerprint") != fingerprint(files):
            raise InvalidConfiguration("The export changed since it was profiled: profile it "
                                       "again and confirm what was found.")
        export = read_export(files)
        found = cls()
        entries = [entry for entry in profile["files"] if entry["object"]]
        rows = {entry["object"]: export.file(entry["file"]) for entry in entries}
        found.problems = {entry["object"]: [] for entry in entries}
        for problem in export.all_problems():
            entity = next((e["object"] for e in entries if e["file"] == problem.file), "export")
            found.problems.setdefault(entity, []).append(
                Problem(entity, problem.file, problem.line, problem.code, problem.message))
        reader = _Reader(rows, {e["object"]: e["columns"] for e in entries},
                         profile.get("tz") or DEFAULT_TZ, found.problems)
        for obj in ("users", "tags", "stages", "companies", "contacts", "deals", "calls",
                    "meetings", "emails", "tasks"):
            if obj in rows:
                found.records[obj] = reader.payloads(obj)
        found.records["pipelines"] = reader.pipelines()
        found.records["custom_fields"] = reader.definitions()
        return found


class _Reader:
    """Rows of the export's files into API payloads."""

    def __init__(self, files, columns, tz, problems):
        self.files, self.columns, self.tz, self.problems = files, columns, tz, problems
        self.users = self._index("users", "email", "id", fold_key=True)
        self.tags = self._index("tags", "name", "id", fold_key=True)
        self.contact_emails = self._index("contacts", "email", "id", fold_key=True)
        self.stage_ids = {}
        self._definitions = {}

    def _index(self, obj, by, of, fold_key=False):
        """``{value of column path by: value of path of}`` of an object's rows."""
        if obj not in self.files:
            return {}
        col = {c["path"]: c["column"] for c in self.columns[obj] if c["path"]}
        if by not in col or of not in col:
            return {}
        index = {}
        for row in self.files[obj].rows:
            name = row[col[by]].strip()
            index[fold(name) if fold_key else name] = key_value(row[col[of]])
        return index

    def payloads(self, obj):
        file = self.files[obj]
        columns = self.columns[obj]
        styles = {c["column"]: c["style"] or number_style(row[c["column"]] for row in file.rows)
                  for c in columns if c["reader"] in ("money", "custom:money", "custom:number")}
        if obj == "deals":
            self._stage_index()
        payloads = []
        for row in file.rows:
            payload = {"custom_fields": {}} if obj in CUSTOM_SCOPES else {}
            if obj == "contacts" or obj == "companies":
                payload["address"] = {}
            for column in columns:
                if not column["path"]:
                    continue
                value = self._value(obj, row, column, styles.get(column["column"]), payload)
                _put(payload, column["path"], value)
            payloads.append(payload)
        return payloads

    def _value(self, obj, row, column, style, payload):
        text = row[column["column"]].strip()
        reader = column["reader"]
        if reader.startswith("custom:"):
            self._define(obj, column, reader[len("custom:"):])
        if not text:
            return [] if reader in ("tags", "list", "attendees") else None
        try:
            return self._read(reader, text, style, payload)
        except ConversionError as error:
            key = row.get(self.files[obj].key_column or "") or None
            self.problems.setdefault(obj, []).append(Problem(
                obj, self.files[obj].name, row.line, "value_kept",
                render(_("%(column)s: %(error)s Kept as typed."),
                       {"column": column["column"], "error": str(error)}), key))
            return text

    def _read(self, reader, text, style, payload):  # noqa: C901  (one branch per reader)
        if reader in ("text", "custom:text", "custom:option", "custom:url", "custom:email",
                      "custom:phone", "custom:list", "custom:reference"):
            return text
        if reader == "key":
            return key_value(text)
        if reader == "int":
            return int(parse_number(text))
        if reader in ("money", "custom:money"):
            return f"{parse_number(text, style):.2f}"
        if reader == "custom:number":
            number = parse_number(text, style)
            return int(number) if number == int(number) else float(number)
        if reader in ("bool", "custom:boolean"):
            return parse_bool(text)
        if reader == "moment":
            return parse_moment(text, self.tz).isoformat()
        if reader in ("date", "custom:date", "custom:datetime"):
            return parse_date(text, self.tz).isoformat()
        if reader == "user":
            return self.users.get(fold(text), text)
        if reader == "tags":
            return [self.tags.get(fold(name), name) for name in split_values(text, ",")]
        if reader == "list":
            return split_values(text, ",")
        if reader == "pipeline":
            return self.pipeline_ids().get(fold(text), text)
        if reader == "stage":
            return self.stage_ids.get((payload.get("pipeline_id"), fold(text)), text)
        if reader in OPTIONS:
            chosen = OPTIONS[reader].get(fold(text))
            if chosen is None:
                raise ConversionError("unknown_option", _("%(value)r is not a known option."),
                                      value=text)
            return chosen
        if reader == "duration":
            return _seconds(text)
        if reader == "attendees":
            return self._attendees(text)
        raise ConversionError("unknown_reader", _("%(value)r cannot be read."), value=text)

    def pipeline_ids(self):
        """``{folded pipeline name: id}``."""
        return {fold(pipeline["name"]): pipeline["id"] for pipeline in self.pipelines()}

    def pipelines(self):
        """The pipelines the stages file names (Bloomr exports no pipelines file)."""
        if "stages" not in self.files:
            return []
        col = {c["path"]: c["column"] for c in self.columns["stages"] if c["path"]}
        if "pipeline_id" not in col:
            return []
        seen = {}
        for row in self.files["stages"].rows:
            key = key_value(row[col["pipeline_id"]])
            if key is not None and key not in seen:
                seen[key] = {"id": key, "name": row[col["pipeline"]].strip()
                             if "pipeline" in col else str(key)}
        return list(seen.values())

    def _stage_index(self):
        stages = self.payloads("stages") if "stages" in self.files else []
        self.stage_ids = {(stage.get("pipeline_id"), fold(stage.get("name") or "")): stage["id"]
                          for stage in stages}

    def _define(self, obj, column, kind):
        path = column["path"]
        if path not in self._definitions:
            self._definitions[path] = {
                "id": len(self._definitions) + 1, "object": CUSTOM_SCOPES[obj],
                "key": path.split(".", 1)[1], "label": column["column"],
                "type": CUSTOM_TYPES.get(kind, "text"), "options": [], "required": False}

    def definitions(self):
        """The custom-field definitions of the columns read (options: the values found)."""
        for definition in self._definitions.values():
            if definition["type"] == "option":
                obj = next(o for o, scope in CUSTOM_SCOPES.items() if scope == definition["object"])
                column = definition["label"]
                definition["options"] = sorted({row[column].strip() for row in
                                                self.files[obj].rows if row[column].strip()})
        return list(self._definitions.values())

    def _attendees(self, text):
        emails = self.contact_emails
        attendees = []
        for part in split_values(text, ";"):
            match = ATTENDEE.fullmatch(part)
            if not match:
                raise ConversionError("not_an_attendee", _("%(value)r is not a name <e-mail>."),
                                      value=part)
            email = (match["email"] or match["alone"]).strip()
            attendees.append({"email": email, "name": (match["name"] or None),
                              "contact_id": emails.get(fold(email))})
        return attendees


def key_value(text):
    """A record key as the API gives it: digits as a number, else the text; None if empty."""
    text = (text or "").strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text


def _seconds(text):
    match = DURATION.fullmatch(text)
    if not match:
        if text.isdigit():
            return int(text)
        raise ConversionError("not_a_duration", _("%(value)r is not a duration like 0:05:31."),
                              value=text)
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _put(payload, path, value):
    """Set ``payload[a][b]`` for path ``a.b``."""
    head, _dot, rest = path.partition(".")
    if rest:
        payload.setdefault(head, {})[rest] = value
    else:
        payload[head] = value


class ExportClient:
    """A Bloomr CSV export served like its API: pages of each collection's records."""

    def __init__(self, config):
        if not config.profile or config.profile.get("kind") != "csv_export":
            raise InvalidConfiguration("The export has not been profiled yet: profile it and "
                                       "confirm what was found before reading it.")
        self.page_size = config.page_size
        self.export = ExportRecords.from_export(config.files, config.profile)

    def account_user(self):
        return {"name": "Bloomr CSV export", "email": None}

    def count_records(self, entity, changed_since=None):
        return len(self._records(entity, changed_since))

    def read_page(self, entity, cursor=None, changed_since=None):
        records = self._records(entity, changed_since)
        start = int(cursor or 0)
        page = records[start:start + self.page_size]
        problems = [p.as_issue() for p in self.export.problems.get(entity.name, [])] \
            if start == 0 else []
        more = start + self.page_size < len(records)
        return Page(page, str(start + len(page)), more, problems)

    def _records(self, entity, changed_since):
        records = self.export.records.get(entity.name, [])
        if changed_since is not None:
            records = [r for r in records if _changed(r, changed_since)]
        return records

    def download(self, url):
        raise DownloadRefused(f"A CSV export holds no files: {url} was not downloaded.")

    def close(self):
        """Nothing to release."""


def _changed(record, since):
    stamp = record.get("updated_at") or record.get("created_at")
    return stamp is None or datetime.fromisoformat(stamp) >= since
