"""Source plugins, one package each, and the registry the engine reads them from.

Adding a source: a new package that builds a :class:`~mapping.spec.SourceSpec`, and its
line below.
"""
from ..mapping.spec import Registry
from . import bloomr, ploomes
from .errors import (
    AuthenticationError,
    BadRequest,
    DownloadRefused,
    InvalidConfiguration,
    MalformedResponse,
    PermissionDenied,
    RedirectRefused,
    SourceError,
    SourceUnavailable,
)

SOURCES = Registry(
    ploomes.SPEC,
    bloomr.SPEC,
    bloomr.CSV_SPEC,
)

__all__ = [
    "SOURCES",
    "AuthenticationError",
    "BadRequest",
    "DownloadRefused",
    "InvalidConfiguration",
    "MalformedResponse",
    "PermissionDenied",
    "RedirectRefused",
    "SourceError",
    "SourceUnavailable",
]
