"""Source clients: read a CRM account over its API (pure Python, no Odoo)."""
from .errors import (
    AuthenticationError,
    BadRequest,
    MalformedResponse,
    PermissionDenied,
    SourceError,
    SourceUnavailable,
)
from .ploomes import PloomesClient

__all__ = [
    "AuthenticationError",
    "BadRequest",
    "MalformedResponse",
    "PermissionDenied",
    "PloomesClient",
    "SourceError",
    "SourceUnavailable",
]
