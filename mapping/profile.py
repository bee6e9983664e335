"""Profiles of source fields: how often they are filled, distinct values, samples, value patterns.

A :class:`Profiler` takes one record's value at a time and keeps bounded state
(distinct values are counted exactly up to :data:`DISTINCT_CAP`, and their
patterns remembered so that repeated values are matched once), so a million
records profile in constant memory.
"""
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import phonenumbers
from stdnum.br import cnpj, cpf

from .converters import is_empty, value_at

PATTERNS = ("email", "phone", "cnpj", "cpf", "cep", "url", "date", "money", "html", "integer",
            "decimal", "boolean")
DISTINCT_CAP = 10_000
SAMPLE_COUNT = 5
SAMPLE_LENGTH = 60

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
URL = re.compile(r"(https?://|www\.)\S+|([a-z0-9-]+\.)+(com|net|org|br|io|app|dev|co|info|biz)"
                 r"(\.[a-z]{2})?(/\S*)?", re.I)
HTML = re.compile(r"<[a-zA-Z/!][^>]*>")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")
DMY_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
INTEGER = re.compile(r"[+-]?\d+([.,]0+)?")
NUMBER = re.compile(r"[+-]?(R\$\s*)?(\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d+|\d+(\.\d+)?)")
MONEY = re.compile(r"[+-]?(R\$\s*[\d.,]*\d|\d{1,3}(\.\d{3})*,\d{2}|\d+\.\d{2})")
CEP = re.compile(r"\d{5}-?\d{3}")
DOCUMENT = re.compile(r"[\d./\-\s]+")
PHONE = re.compile(r"[\d\s()+\-.]+")
BOOLEAN_WORDS = frozenset(("true", "false", "sim", "não", "nao", "yes", "no", "s", "n", "0", "1"))


@dataclass(frozen=True)
class SourceFieldInfo:
    """A source field as the proposal sees it."""

    path: str                   # where the value is in a payload (custom paths: the source's)
    key: str                    # the custom field's key in the source (None: standard)
    label: str                  # as the source shows it (pt_BR)
    type: str                   # normalized source type, see schema.SOURCE_TYPES
    options: tuple = ()         # ((option id, name), ...) of option fields
    required: bool = False
    multiple: bool = False
    entity_id: int = None


@dataclass(frozen=True)
class FieldProfile:
    """What the values of one field look like."""

    total: int = 0              # records seen
    filled: int = 0             # records with a value
    distinct: int = 0           # distinct values (at most DISTINCT_CAP)
    distinct_capped: bool = False  # more than DISTINCT_CAP distinct values
    samples: tuple = ()         # first distinct values, as truncated strings
    patterns: dict = field(default_factory=dict)  # pattern -> share of values matching it

    @property
    def fill_rate(self):
        return self.filled / self.total if self.total else 0.0

    @property
    def distinct_label(self):
        """``"42"`` or ``"10,000+"``."""
        return f"{self.distinct:,}+" if self.distinct_capped else str(self.distinct)

    def as_dict(self):
        """JSON-serializable form, to store on the run."""
        return dict(asdict(self), samples=list(self.samples))

    @classmethod
    def from_dict(cls, data):
        return cls(**dict(data, samples=tuple(data.get("samples", ()))))


class Profiler:
    """Accumulates the profile of one field, one record's value at a time."""

    def __init__(self, row_value=None):
        self.row_value = row_value or json_row
        self.total = self.filled = self.values = 0
        self.seen = {}              # digest of a distinct value -> its patterns (capped)
        self.capped = False
        self.samples = []
        self.matches = dict.fromkeys(PATTERNS, 0)

    def add(self, value):
        """Add the value of one record: a scalar, or a list (multi-value, rows)."""
        self.total += 1
        items = [item for item in scalars(value, self.row_value) if not is_empty(item)]
        if items:
            self.filled += 1
        for item in items:
            self._add_item(item)

    def _add_item(self, item):
        self.values += 1
        text = as_text(item)
        digest = hashlib.blake2b(f"{type(item).__name__}:{text}".encode(), digest_size=8).digest()
        found = self.seen.get(digest)
        if found is None:
            found = frozenset(patterns_of(item))
            if len(self.seen) < DISTINCT_CAP:
                self.seen[digest] = found
                if len(self.samples) < SAMPLE_COUNT:
                    self.samples.append(truncate(text))
            else:
                self.capped = True
        for name in found:
            self.matches[name] += 1

    def result(self):
        """The :class:`FieldProfile` of what was added so far."""
        shares = {name: round(count / self.values, 3) if self.values else 0.0
                  for name, count in self.matches.items()}
        return FieldProfile(self.total, self.filled, len(self.seen), self.capped,
                            tuple(self.samples), shares)


def profile_values(values, row_value=None):
    """Profile of the values of one field, one per record."""
    profiler = Profiler(row_value)
    for value in values:
        profiler.add(value)
    return profiler.result()


def profile_object(payloads, paths, value_at=value_at, row_value=None):
    """``{path: FieldProfile}`` of the payloads of one object, read once.

    ``value_at(payload, path)`` and ``row_value(row)`` are the source's (see
    :class:`~.spec.SourceSpec`): where a value is, and what a nested row shows.
    """
    profilers = {path: Profiler(row_value) for path in paths}
    for payload in payloads:
        for path, profiler in profilers.items():
            profiler.add(value_at(payload, path))
    return {path: profiler.result() for path, profiler in profilers.items()}


def scalars(value, row_value=None):
    """The scalar values held by one record's value (``row_value``: what a nested row shows)."""
    row_value = row_value or json_row
    if isinstance(value, (list, tuple)):
        return [row_value(item) if isinstance(item, dict) else item for item in value]
    return [row_value(value) if isinstance(value, dict) else value]


def json_row(row):
    """A nested row as a source that says nothing of its rows shows it: its JSON."""
    return json.dumps(row, sort_keys=True, default=str)


def as_text(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value).strip()


def truncate(text):
    return text if len(text) <= SAMPLE_LENGTH else text[: SAMPLE_LENGTH - 1] + "…"


def patterns_of(value):
    """The names of :data:`PATTERNS` that one value matches."""
    if isinstance(value, bool):
        return {"boolean"}
    if isinstance(value, int):
        return _integer_patterns(value)
    if isinstance(value, float):
        found = {"decimal"}
        if value.is_integer():
            found.add("integer")
        if round(value, 2) == value:
            found.add("money")
        return found
    if isinstance(value, (date, datetime)):
        return {"date"}
    return _text_patterns(str(value).strip())


def _integer_patterns(number):
    found = {"integer", "decimal"}
    if 1_000_000 <= number <= 99_999_999:  # a CEP stored as a number lost its leading zero
        found.add("cep")
    return found


def _text_patterns(text):
    found = set()
    if EMAIL.fullmatch(text):
        found.add("email")
    elif URL.fullmatch(text):
        found.add("url")
    if HTML.search(text):
        found.add("html")
    if is_date_text(text):
        found.add("date")
    if text.lower() in BOOLEAN_WORDS:
        found.add("boolean")
    if INTEGER.fullmatch(text):
        found.update(("integer", "decimal"))
    elif NUMBER.fullmatch(text):
        found.add("decimal")
    if MONEY.fullmatch(text):
        found.update(("money", "decimal"))
    if CEP.fullmatch(text):
        found.add("cep")
    found.update(_register_patterns(text))
    if is_phone(text):
        found.add("phone")
    return found


def is_date_text(text):
    """An ISO date(-time), or a valid dd/mm/yyyy."""
    if ISO_DATE.fullmatch(text):
        return True
    if DMY_DATE.fullmatch(text):
        try:
            datetime.strptime(text, "%d/%m/%Y")
        except ValueError:
            return False
        return True
    return False


def _register_patterns(text):
    if not DOCUMENT.fullmatch(text):
        return set()
    digits = re.sub(r"\D", "", text)
    if len(set(digits)) < 2:  # 000.000.000-00 and the like are placeholders
        return set()
    if len(digits) == 14 and cnpj.is_valid(digits):
        return {"cnpj"}
    if len(digits) == 11 and cpf.is_valid(digits):
        return {"cpf"}
    return set()


def is_phone(text):
    """A valid Brazilian (or international) phone number."""
    if not PHONE.fullmatch(text) or not 10 <= len(re.sub(r"\D", "", text)) <= 13:
        return False
    try:
        number = phonenumbers.parse(text, "BR")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)
