"""Apply a confirmed field map to one source record."""
from dataclasses import dataclass, field

from .converters import ConversionError, convert


@dataclass(frozen=True)
class MapLine:
    """One source field of one object, sent to one Odoo field by one converter."""

    source: str
    target: str
    converter: str = "direct"
    params: dict = field(default_factory=dict)


@dataclass
class Problem:
    code: str
    message: str
    level: str = "warning"
    field: str = None
    conversion: bool = False  # a value that could not be converted (may hold the record)


class ProblemCollector:
    """Mixin for a conversion context: gathers the problems of the current record."""

    def start_record(self):
        self.problems = []
        self.current_field = None

    def problem(self, code, message, level="warning"):
        self.problems.append(Problem(code, message, level, self.current_field))


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
            ctx.problems.append(Problem(exc.code, f"{line.source} → {line.target}: {exc}",
                                        "error", line.source, conversion=True))
    ctx.current_field = None
    return values, list(ctx.problems)
