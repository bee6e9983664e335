"""Apply a confirmed field map to one source record."""
import dataclasses
from dataclasses import dataclass, field

from .converters import ConversionError, convert
from .messages import render


@dataclass(frozen=True)
class MapLine:
    """One source field of one object, sent to one Odoo field by one converter."""

    source: str
    target: str
    converter: str = "direct"
    params: dict = field(default_factory=dict)


@dataclass
class Problem:
    """A problem of one record: ``message`` is a template formatted with ``params``
    (see :mod:`.messages`), after ``prefix`` (where the problem is)."""

    code: str
    message: str
    level: str = "warning"
    field: str = None
    conversion: bool = False  # a value that could not be converted (may hold the record)
    params: dict = dataclasses.field(default_factory=dict)  # ``field`` is taken above
    prefix: str = ""

    @property
    def text(self):
        return self.prefix + render(self.message, self.params)


class ProblemCollector:
    """Mixin for a conversion context: gathers the problems of the current record."""

    def start_record(self):
        self.problems = []
        self.current_field = None

    def problem(self, code, message, level="warning", **params):
        self.problems.append(Problem(code, message, level, self.current_field, params=params))


def transform_record(record, lines, ctx, defaults=None):
    """Odoo values of ``record`` under ``lines``, and the problems met.

    ``ctx`` must mix in :class:`ProblemCollector`. A field whose conversion
    fails is left out; the rest of the record still converts.
    """
    ctx.start_record()
    values = dict(defaults or {})
    for line in lines:
        ctx.current_field = line.source
        try:
            values.update(convert(line, record, ctx))
        except ConversionError as exc:
            ctx.problems.append(Problem(exc.code, exc.template, "error", line.source,
                                        conversion=True, params=exc.params,
                                        prefix=f"{line.source} → {line.target}: "))
    ctx.current_field = None
    return values, list(ctx.problems)
