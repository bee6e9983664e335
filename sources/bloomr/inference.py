"""What sample records say about a collection: its record key, its updated-at field and
its fields' types, references to other collections included."""
import re

from .profile import FieldGuess

KEY_NAMES = ("id", "uuid", "_id", "key", "ID", "Id")
UPDATED_NAMES = ("updated_at", "updatedAt", "modified_at", "modifiedAt", "last_modified",
                 "lastModified", "date_modified", "updated", "modified", "update_time",
                 "last_updated", "lastUpdated", "updated_on")
MONEY_WORDS = ("amount", "price", "value", "revenue", "cost", "budget", "valor", "total")
PHONE_WORDS = ("phone", "mobile", "tel", "fax", "whatsapp", "celular", "telefone")
USER_WORDS = ("owner", "user", "assignee", "assigned_to", "created_by", "creator", "author",
              "responsible", "updated_by", "member")
SAMPLES = 3

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
URL = re.compile(r"https?://\S+|www\.\S+")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
PHONE = re.compile(r"\+?[\d\s().-]{8,22}")
MONEY = re.compile(r"(R\$|US\$|\$|€|£)\s*[\d.,]*\d|[\d.,]*\d\s*(BRL|USD|EUR)")
NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")


def flatten(record, prefix=""):
    """(dotted path, value) of every field of a record, nested objects included both as a
    whole and field by field."""
    for key, value in record.items():
        path = f"{prefix}{key}"
        yield path, value
        if isinstance(value, dict):
            yield from flatten(value, f"{path}.")


def _empty(value):
    return value is None or value == "" or value == [] or value == {}


def record_key(records, name):
    """The field holding a unique id in every record ("" if none)."""
    singular = _singular(name)
    for key in (*KEY_NAMES, f"{singular}_id", f"{name}_id", f"{singular}Id"):
        values = [r.get(key) for r in records]
        if records and all(not _empty(v) and not isinstance(v, (dict, list)) for v in values) \
                and len(set(map(str, values))) == len(values):
            return key
    return ""


def updated_at(records):
    """The field of the records' last change ("" if none)."""
    for key in UPDATED_NAMES:
        values = [r.get(key) for r in records if not _empty(r.get(key))]
        if values and all(isinstance(v, str) and DATETIME.fullmatch(v) for v in values):
            return key
    for key in sorted({k for r in records for k in r}):
        lowered = key.lower()
        if ("updat" in lowered or "modif" in lowered) and all(
                isinstance(r.get(key), str) and DATETIME.fullmatch(r[key]) for r in records):
            return key
    return ""


def _singular(name):
    name = name.replace("-", "_")
    if name == "people":
        return "person"
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") else name


def _stem(path):
    """``company`` for ``company_id``/``companyId``/``company_ids``; None if not an id."""
    last = path.rsplit(".", 1)[-1]
    match = re.fullmatch(r"(.+?)(_ids?|Ids?)", last)
    return match.group(1).lower() if match else None


def _target(stem, ids):
    """The collection a field of ``stem`` names, among those of ``ids``."""
    by_singular = {_singular(name).lower(): name for name in ids}
    by_singular.update({name.lower(): name for name in ids})
    if stem in by_singular:
        return by_singular[stem]
    if stem == "person" or stem == "contact":
        return next((n for n in ("contacts", "people", "persons") if n in ids), None)
    if stem in USER_WORDS or stem.endswith(("_by", "_to")):
        return next((n for n in ("users", "members") if n in ids), None)
    if stem in ("organization", "account", "company"):
        return next((n for n in ("companies", "organizations", "accounts") if n in ids), None)
    return None


def _reference(path, values, ids, own):
    """The collection whose ids ``values`` are, or ""."""
    stem = _stem(path)
    if not stem or path == own:
        return ""
    target = _target(stem, ids)
    if not target:
        return ""
    known = ids[target]
    flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
    if known is None or not flat:
        return target
    hits = sum(str(v) in known for v in flat)
    return target if hits >= 0.8 * len(flat) else ""


def _text_type(path, values):
    """The type of string values."""
    name = path.lower()

    def share(pattern):
        return sum(bool(pattern.fullmatch(v.strip())) for v in values) / len(values)
    if share(EMAIL) >= 0.8:
        return "email"
    if share(URL) >= 0.8:
        return "url"
    if share(DATETIME) >= 0.8 and any("T" in v or " " in v for v in values):
        return "datetime"
    if share(DATE) >= 0.8:
        return "date"
    if share(MONEY) >= 0.8:
        return "money"
    phone_like = share(PHONE) >= 0.8 and all(sum(c.isdigit() for c in v) >= 8 for v in values)
    if phone_like and (any(w in name for w in PHONE_WORDS) or any(
            c in v for v in values for c in "+(")):
        return "phone"
    if share(NUMBER) >= 0.8:
        return "money" if any(w in name for w in MONEY_WORDS) else "number"
    distinct = len(set(values))
    if len(values) >= 4 and distinct <= max(2, min(8, len(values) // 3)):
        return "option"
    return "text"


def field_type(path, values):
    """The inferred type of a field's non-empty values."""
    if not values:
        return "text"
    kinds = {type(v) for v in values}
    if kinds == {bool}:
        return "boolean"
    if kinds <= {int, float}:
        return "money" if any(w in path.lower() for w in MONEY_WORDS) else "number"
    if kinds == {dict}:
        return "object"
    if kinds == {list}:
        return "list"
    if kinds == {str}:
        return _text_type(path, values)
    return "text"


def _sample(value):
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def guess_fields(records, ids, own_key):
    """:class:`FieldGuess` of every path in ``records``; ``ids``: collection name → the
    set of its ids as text (None when unknown), to tell references."""
    seen = {}
    for record in records:
        for path, value in flatten(record):
            seen.setdefault(path, []).append(value)
    guesses = []
    for path, values in seen.items():
        filled = [v for v in values if not _empty(v)]
        guess = FieldGuess(path, field_type(path, filled), fill=round(len(filled) / len(records), 2),
                           samples=list(dict.fromkeys(_sample(v) for v in filled
                                                      if not isinstance(v, dict)))[:SAMPLES])
        if guess.type in ("number", "text", "list", "option"):
            guess.reference = _reference(path, filled, ids, own_key)
            if guess.reference:
                guess.type = "reference"
        guesses.append(guess)
    return guesses
