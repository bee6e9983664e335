"""Faults on demand: a seeded schedule per API request, plus explicitly injected ones.

Spec: comma list of ``name=rate[:param]``, e.g. ``500=0.05,slow=0.1:5,429=0.02:3``.
The n-th API request draws from a PRNG seeded by (seed, n), so the same sequence of
requests meets the same faults. Injected faults (``inject``) are served first.

* ``429``: status 429 with ``Retry-After: <param, default 1>``; ``429noretry``: without it.
* ``408``/``500``: an error body in the configured style; ``502``/``503``/``504``: an HTML
  page, as a gateway would send.
* ``drop``: the connection is closed without any response.
* ``slow``: the answer comes after ``param`` seconds (default 35), past a client timeout.
* ``truncate``: 200 with the first half of the body (Content-Length matches the cut).
* ``malformed``: 200 with invalid JSON (a trailing comma before the last brace).
* ``shift``: a page read with ``$skip`` > 0 starts one row early (repeating the previous
  page's last row) or one row late (skipping one), as when data changes between pages;
  the nextLink continues from there. Requests without ``$skip`` are not affected.
"""

import threading
from collections import Counter, deque
from dataclasses import dataclass

from .rng import rng

DEFAULT_PARAM = {"429": 1.0, "slow": 35.0}  # Retry-After seconds / sleep seconds
NAMES = ("408", "429", "429noretry", "500", "502", "503", "504", "drop", "slow", "truncate", "malformed",
         "shift")


@dataclass(frozen=True)
class Fault:
    name: str
    param: float | None
    request: int  # index of the API request it hit

    @property
    def shift(self):
        """-1 (repeat the previous page's last row) or +1 (skip a row), from the seed."""
        return -1 if self.param is not None and self.param < 0 else 1


def _parse_one(name_param):
    name, _, param = name_param.partition(":")
    name = name.strip()
    if name not in NAMES:
        raise ValueError(f"Unknown fault '{name}' (known: {', '.join(NAMES)}).")
    try:
        return name, float(param) if param else DEFAULT_PARAM.get(name)
    except ValueError as exc:
        raise ValueError(f"Invalid parameter '{param}' for fault '{name}'.") from exc


def parse_spec(spec):
    """[(name, rate, param)] from a fault spec string."""
    rules = []
    for item in filter(None, (part.strip() for part in (spec or "").split(","))):
        name, sep, rest = item.partition("=")
        if not sep:
            raise ValueError(f"Fault '{item}' needs a rate: name=rate[:param].")
        rate, _, param = rest.partition(":")
        name, value = _parse_one(f"{name}:{param}" if param else name)
        try:
            rate = float(rate)
        except ValueError as exc:
            raise ValueError(f"Invalid rate '{rate}' for fault '{name}'.") from exc
        if not 0 <= rate <= 1:
            raise ValueError(f"Rate of fault '{name}' must be within 0..1.")
        rules.append((name, rate, value))
    return rules


class FaultPlan:
    """Decides, request by request, which fault (if any) to apply."""

    def __init__(self, seed, spec=""):
        self.seed, self.rules = seed, parse_spec(spec)
        self._queue, self._counter = deque(), 0
        self._lock = threading.Lock()
        self.applied = Counter()

    def inject(self, name, count=1):
        """Queue a fault (``"500"``, ``"slow:2"``...) for the next ``count`` API requests."""
        fault = _parse_one(name)
        with self._lock:
            self._queue.extend([fault] * int(count))
        return len(self._queue)

    def next(self):
        """The fault for the next API request, or None."""
        with self._lock:
            n = self._counter
            self._counter += 1
            queued = self._queue.popleft() if self._queue else None
        r = rng(self.seed, "fault", n)
        direction = -1.0 if r.random() < 0.5 else 1.0
        if queued:
            name, param = queued
            return Fault(name, direction if name == "shift" else param, n)
        for name, rate, param in self.rules:
            if r.random() < rate:
                return Fault(name, direction if name == "shift" else param, n)
        return None

    def record(self, fault):
        """Count a fault that was actually applied."""
        with self._lock:
            self.applied[fault.name] += 1
