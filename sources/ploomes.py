"""Client of the Ploomes REST API.

Reads the whole account the way the API's public notes recommend: keyset
paging (``$filter=Id gt N``, ``$orderby=Id``, ``$top`` <= 300), at most 120
requests a minute, retries with exponential back-off on 408/429/5xx, dropped
connections and timeouts, and ``LastUpdateDate ge T`` for deltas.
"""
import inspect
import logging
import threading
import time
from dataclasses import dataclass
from datetime import timezone
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .errors import (
    AuthenticationError,
    BadRequest,
    MalformedResponse,
    PermissionDenied,
    SourceUnavailable,
)

_logger = logging.getLogger(__name__)

PAGE_CAP = 300
RATE_LIMIT = 120
RETRY_STATUSES = (408, 429, 500, 502, 503, 504)
MAX_BACKOFF = 60.0
_QUERY_SAFE = "$(),'=:/@*;"


class RateLimiter:
    """Spaces calls so that no sliding minute holds more than ``per_minute``."""

    def __init__(self, per_minute, clock=time.monotonic, sleep=time.sleep):
        self.interval = 60.0 / per_minute * 1.01 if per_minute else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self):
        """Block until the next call is allowed."""
        if not self.interval:
            return
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            self._sleep(slot - now)


def _retry_policy(retries, backoff_factor):
    """urllib3 Retry for idempotent reads, with back-off capped at 60 s."""
    kwargs = {}
    if "backoff_max" in inspect.signature(Retry.__init__).parameters:
        kwargs["backoff_max"] = MAX_BACKOFF  # urllib3 >= 2

    class _Retry(Retry):
        BACKOFF_MAX = DEFAULT_BACKOFF_MAX = MAX_BACKOFF  # urllib3 1.26

    return _Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff_factor,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,
        **kwargs,
    )


def format_datetime(value):
    """An aware datetime as the unquoted UTC literal ``$filter`` expects."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error_message(response):
    """The message of an OData / Web API error body, or the raw text."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return error["message"]
        for key in ("Message", "message", "value"):
            if isinstance(body.get(key), str):
                return body[key]
    return str(body)[:300]


@dataclass
class Page:
    """One page of an entity: its records and the keyset cursor after it."""

    records: list
    last_id: int
    more: bool


class PloomesClient:
    """Reads a Ploomes account with a User-Key."""

    def __init__(
        self,
        base_url,
        user_key,
        *,
        rate_limit=RATE_LIMIT,
        timeout=(10, 60),
        retries=6,
        backoff_factor=1.0,
        page_size=PAGE_CAP,
    ):
        if not base_url or not user_key:
            raise ValueError("A Ploomes base URL and User-Key are required.")
        self.base_url = base_url.rstrip("/")
        self.user_key = user_key
        self.timeout = timeout
        self.retries = retries
        self.backoff_factor = backoff_factor
        self.page_size = max(1, min(int(page_size), PAGE_CAP))
        self.limiter = RateLimiter(rate_limit)
        self.requests_sent = 0
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=_retry_policy(retries, backoff_factor))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    # -- low level -----------------------------------------------------------

    def url(self, path, params=None):
        """Absolute URL of ``path`` with OData options encoded as the API wants."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        if params:
            query = "&".join(
                f"{key}={quote(str(value), safe=_QUERY_SAFE)}"
                for key, value in params.items()
                if value is not None
            )
            url = f"{url}?{query}"
        return url

    def get(self, path, params=None):
        """GET a resource and return its decoded JSON body."""
        url = self.url(path, params)
        for attempt in range(self.retries + 1):
            response = self._send(url, headers={"User-Key": self.user_key})
            try:
                return response.json()
            except ValueError:
                if attempt == self.retries:
                    raise MalformedResponse(
                        f"Ploomes answered {path} with a body that is not JSON "
                        f"{self.retries + 1} times in a row."
                    ) from None
                delay = min(self.backoff_factor * 2**attempt, MAX_BACKOFF)
                _logger.warning("Malformed JSON from %s, retrying in %.1fs", path, delay)
                time.sleep(delay)

    def _send(self, url, headers=None):
        self.limiter.wait()
        self.requests_sent += 1
        try:
            response = self.session.get(
                url, headers={"Accept": "application/json", **(headers or {})},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise SourceUnavailable(
                f"Ploomes could not be reached at {self.base_url} "
                f"after {self.retries} retries: {exc}"
            ) from exc
        if response.status_code == 200:
            return response
        message = _error_message(response)
        if response.status_code == 401:
            raise AuthenticationError(
                "Ploomes refused the User-Key (HTTP 401). Create an integration "
                "user with the Administrator profile and copy its API key."
            )
        if response.status_code == 403:
            raise PermissionDenied(f"The User-Key may not read {url} (HTTP 403): {message}")
        if response.status_code in (400, 404):
            raise BadRequest(f"Ploomes refused {url} (HTTP {response.status_code}): {message}")
        raise SourceUnavailable(
            f"Ploomes kept answering HTTP {response.status_code} for {url} "
            f"after {self.retries} retries: {message}"
        )

    # -- reading ---------------------------------------------------------------

    def check(self):
        """Validate the key; return the key's user record."""
        body = self.get("Self")
        users = body.get("value") if isinstance(body, dict) else None
        if not users:
            raise MalformedResponse("Ploomes answered /Self without the current user.")
        return users[0]

    def count(self, entity, filter=None):
        """Number of records of ``entity`` (``$count=true``), or None if unsupported."""
        body = self.get(entity, {"$filter": filter, "$count": "true", "$top": 1, "$select": "Id"})
        return body.get("@odata.count")

    def page(self, entity, *, after_id=None, expand=None, select=None, filter=None,
             changed_since=None):
        """The page of ``entity`` after record ``after_id`` in Id order.

        Keyset paging never repeats nor skips a record while the account is
        being edited; a record the server repeats anyway is dropped.
        """
        clauses = [f"({filter})"] if filter else []
        if changed_since is not None:
            clauses.append(f"LastUpdateDate ge {format_datetime(changed_since)}")
        if after_id is not None:
            clauses.append(f"Id gt {int(after_id)}")
        params = {
            "$top": self.page_size,
            "$orderby": "Id",
            "$filter": " and ".join(clauses) or None,
            "$expand": expand,
            "$select": select,
        }
        body = self.get(entity, params)
        rows = body.get("value") if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise MalformedResponse(f"Ploomes answered {entity} without a 'value' list.")
        fresh = [row for row in rows if after_id is None or row["Id"] > after_id]
        last_id = max((row["Id"] for row in fresh), default=after_id)
        more = bool(fresh) and (len(rows) >= self.page_size or bool(body.get("@odata.nextLink")))
        return Page(fresh, last_id, more)

    def iter_pages(self, entity, *, after_id=None, **options):
        """Yield every page of ``entity`` (see :meth:`page`)."""
        while True:
            page = self.page(entity, after_id=after_id, **options)
            if page.records:
                yield page
            if not page.more:
                return
            after_id = page.last_id

    def iter_records(self, entity, **options):
        """Yield every record of ``entity`` (see :meth:`iter_pages`)."""
        for page in self.iter_pages(entity, **options):
            yield from page.records

    def fetch(self, entity, record_id, expand=None):
        """One record by id, or None (the API's reliable ``Id eq`` form)."""
        body = self.get(entity, {"$filter": f"Id eq {int(record_id)}", "$expand": expand})
        rows = body.get("value") or []
        return rows[0] if rows else None

    def download(self, url):
        """Bytes of a file URL (attachments live on blob storage, no key sent)."""
        response = self._send(url)
        return response.content

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"PloomesClient({self.base_url!r})"

