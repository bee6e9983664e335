"""Stateless hashing helpers: every generated value is a pure function of its inputs."""

import random
import zlib
from functools import lru_cache
from datetime import datetime, timedelta, timezone

MASK = (1 << 64) - 1
BRT = timezone(timedelta(hours=-3))
# Every generated CreateDate/LastUpdateDate is at or before this instant.
REFERENCE = datetime(2025, 6, 30, 18, 0, 0, tzinfo=BRT)


def _splitmix(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


@lru_cache(maxsize=4096)
def _text_hash(text):
    return zlib.crc32(text.encode()) | (len(text) << 32)


def _as_int(part):
    return part & MASK if isinstance(part, int) else _text_hash(str(part))


def mix(*parts):
    """64-bit hash of a tuple of ints and strings (stable across runs)."""
    h = 0x51ED270B
    for part in parts:
        h = _splitmix(h ^ _as_int(part))
    return h


def unit(*parts):
    """Uniform float in [0, 1) derived from ``parts``."""
    return mix(*parts) / 2.0 ** 64


def rng(*parts):
    """A ``random.Random`` seeded from ``parts``."""
    return random.Random(mix(*parts))


def fmt_dt(dt):
    """ISO-8601 with the account's -03:00 offset and 0–3 fraction digits."""
    dt = dt.astimezone(BRT)
    frac = f"{dt.microsecond // 1000:03d}".rstrip("0")
    return f"{dt:%Y-%m-%dT%H:%M:%S}{'.' + frac if frac else ''}-03:00"


def fmt_date(d):
    """A date-only value as Ploomes sends it: local midnight with offset."""
    return f"{d:%Y-%m-%d}T00:00:00-03:00"


def now_brt():
    """The current instant in the account's timezone."""
    return datetime.now(BRT)


def moment(r, start, end):
    """A random instant between two datetimes, millisecond precision."""
    span = max(0, int((end - start).total_seconds() * 1000))
    return start + timedelta(milliseconds=r.randrange(span + 1))


def days_before(days, base=REFERENCE):
    """``base`` minus ``days`` days."""
    return base - timedelta(days=days)
