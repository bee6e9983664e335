"""Errors a source client raises, each with a message an admin can act on."""


class SourceError(Exception):
    """A source could not answer a request the migration needs."""

    status = None  # the HTTP status the source answered, when it answered one

    def __init__(self, *args, status=None):
        super().__init__(*args)
        if status is not None:
            self.status = status


class AuthenticationError(SourceError):
    """The API key was refused (HTTP 401)."""


class PermissionDenied(SourceError):
    """The key's user may not read this entity or property (HTTP 403)."""

    status = 403


class BadRequest(SourceError):
    """The source refused the query itself (HTTP 400 or 404)."""


class SourceUnavailable(SourceError):
    """Network failures, timeouts, 429 or 5xx answers outlasted every retry."""


class MalformedResponse(SourceError):
    """The source kept answering with a body that is not the expected JSON."""


class InvalidConfiguration(SourceError, ValueError):
    """The source's URL or key cannot be used as given (checked before any request)."""


class RedirectRefused(SourceError):
    """The source redirected a keyed request to another origin, which would leak the key."""


class DownloadRefused(SourceError):
    """A file URL was not downloaded: scheme, host or address not allowed, or too large."""
