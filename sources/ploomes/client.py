"""Client of the Ploomes REST API.

Reads the whole account the way the API's public notes recommend: keyset
paging (``$filter=Id gt N``, ``$orderby=Id``, ``$top`` <= 300), at most 120
requests a minute, and ``LastUpdateDate ge T`` for deltas.

Every request, retries included, waits on the rate limiter. One loop per
logical call retries 408/429/5xx answers, dropped connections, timeouts and
malformed JSON with exponential back-off (capped at 60 s; ``Retry-After`` is
honoured up to 120 s) within an overall deadline; requests' adapters do not
retry on their own. The User-Key only goes to the API's origin: redirects
elsewhere are refused, and file downloads are limited to known hosts, public
addresses and a maximum size.
"""
import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

import requests

from ...mapping import spec
from ..http import RateLimiter, utc_instant
from ..http import is_loopback_host as _is_loopback_host
from ..http import non_public as _non_public
from ..http import origin as _origin
from ..http import retry_after as _retry_after
from ..http import shown as _shown
from ..http import size_text as _size
from ..errors import (
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

_logger = logging.getLogger(__name__)

PAGE_CAP = 300
RATE_LIMIT = 120
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_BACKOFF = 60.0
MAX_RETRY_AFTER = 120.0
DEADLINE = 300.0
MAX_REDIRECTS = 5
MAX_DOWNLOAD_BYTES = 25 * 1024 * 1024
#: Where Ploomes keeps attachment files (``Attachments.Url``).
BLOB_HOSTS = ("stgploomescrmprd01.blob.core.windows.net",)
_QUERY_SAFE = "$(),'=:/@*;"
_RETRYABLE = (requests.ConnectionError, requests.Timeout,
              requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)


class _Retry(Exception):
    """A failed attempt worth repeating: the error to raise if it is the last one."""

    def __init__(self, error, reason, retry_after=None):
        super().__init__(reason)
        self.error, self.reason, self.retry_after = error, reason, retry_after


def _check_key(user_key):
    """The key without surrounding blanks; refuses what cannot be a header value."""
    key = (user_key or "").strip()
    if not key:
        raise InvalidConfiguration("A Ploomes User-Key is required.")
    if not (key.isascii() and key.isprintable()):
        raise InvalidConfiguration(
            "The Ploomes User-Key contains line breaks, tabs or other characters an API key "
            "cannot hold; copy it again from Ploomes (Administração › Integração › API).")
    return key


def _check_base_url(base_url):
    """The base URL without trailing slash: https, or plain http on a loopback host only."""
    example = "It should look like https://api2.ploomes.com."
    parts = urlsplit((base_url or "").strip())
    if _origin(parts.geturl()) is None:
        raise InvalidConfiguration(f"The Ploomes URL has an invalid port. {example}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidConfiguration(f"The Ploomes URL is not an http(s) URL. {example}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidConfiguration(
            f"The Ploomes URL may not hold credentials, a query or a fragment. {example}")
    if parts.scheme == "http" and not _is_loopback_host(parts.hostname):
        raise InvalidConfiguration(
            f"The Ploomes URL must use https: plain http would send the User-Key unencrypted "
            f"to {parts.hostname} (http is accepted for a local sandbox only). {example}")
    return parts.geturl().rstrip("/")


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
    """Reads a Ploomes account with a User-Key.

    * ``timeout``: (connect, read) seconds of one request; ``retries``: attempts after
      the first; ``backoff_factor``: first back-off in seconds, doubled per retry.
    * ``deadline``: seconds one logical call may take, retries and waits included.
    * ``download_hosts``: host names :meth:`download` may fetch from (default: the API's
      host and Ploomes' blob storage); loopback hosts too when the API is on loopback.
    * ``extra_download_hosts``: further hosts, added to those (the source form's setting).
    * ``max_download_bytes``: the largest file :meth:`download` accepts.
    * ``clock``/``sleep``: time source of the limiter, the back-off and the deadline.
    """

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
        deadline=DEADLINE,
        download_hosts=None,
        extra_download_hosts=(),
        max_download_bytes=MAX_DOWNLOAD_BYTES,
        clock=time.monotonic,
        sleep=time.sleep,
    ):
        self.base_url = _check_base_url(base_url)
        self.user_key = _check_key(user_key)
        self.origin = _origin(self.base_url)
        self.timeout = tuple(timeout) if isinstance(timeout, (tuple, list)) else (timeout, timeout)
        self.retries = max(0, int(retries))
        self.backoff_factor = backoff_factor
        self.deadline = deadline
        self.page_size = max(1, min(int(page_size), PAGE_CAP))
        hosts = (self.origin[1], *BLOB_HOSTS) if download_hosts is None else download_hosts
        self.download_hosts = frozenset(host.lower() for host in (*hosts, *extra_download_hosts))
        self.max_download_bytes = max_download_bytes
        self._loopback = _is_loopback_host(self.origin[1])
        self._clock = clock
        self._sleep = sleep
        self.limiter = RateLimiter(rate_limit, per=60.0, clock=clock, sleep=sleep)
        self.requests_sent = 0
        self.session = requests.Session()  # its adapters never retry: the client does

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
        return self._call(url, self._redact(url), self._json)

    def download(self, url):
        """Bytes of a file URL (attachments live on blob storage).

        Only http(s) URLs of allowed hosts on public addresses are fetched, at most
        ``max_download_bytes``; the User-Key goes along only to the API's own origin.
        """
        self._check_download(url)
        return self._call(url, self._redact(_shown(url)), self._body, download=True)

    def _call(self, url, shown, read, download=False):
        """One logical GET: attempts until one succeeds, the retries are spent or the
        deadline would pass; ``read`` turns the answer into the result."""
        start = self._clock()
        deadline = start + self.deadline
        failure = None
        for attempt in range(self.retries + 1):
            if failure:
                delay = self._delay(attempt, failure.retry_after)
                if self._clock() + delay > deadline:
                    raise SourceUnavailable(
                        f"{failure.reason}; gave up after {self._clock() - start:.0f} s as a retry "
                        f"would outlast the {self.deadline:g} s allowed for one call.")
                _logger.warning("%s; retry %d of %d in %.1f s", failure.reason, attempt,
                                self.retries, delay)
                self._sleep(delay)
            try:
                return read(self._send(url, shown, download, deadline), shown)
            except _Retry as exc:
                failure = exc
        attempts = self.retries + 1
        raise failure.error(
            f"{failure.reason}; gave up after {attempts} attempt{'s' if attempts > 1 else ''}.")

    def _delay(self, attempt, retry_after):
        """Seconds before retry ``attempt``: the server's Retry-After (at most 120 s), else
        exponential back-off (at most 60 s)."""
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER)
        return min(self.backoff_factor * 2 ** (attempt - 1), MAX_BACKOFF)

    def _send(self, url, shown, download, deadline):
        """One attempt: GET ``url`` through the limiter, following redirects within the
        API's origin (downloads: to allowed hosts, without the key). Files are not API calls:
        they live on blob storage, outside the account's rate limit, and skip the limiter."""
        for _hop in range(MAX_REDIRECTS + 1):
            keyed = _origin(url) == self.origin
            headers = {"Accept": "*/*" if download else "application/json"}
            if keyed:
                headers["User-Key"] = self.user_key
            if not download:
                self.limiter.wait()
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise _Retry(SourceUnavailable, f"No time was left to request {shown}")
            self.requests_sent += 1
            try:
                response = self.session.get(
                    url, headers=headers, allow_redirects=False, stream=download,
                    timeout=tuple(min(part, remaining) for part in self.timeout))
            except requests.Timeout as exc:
                raise _Retry(SourceUnavailable,
                             f"{urlsplit(url).hostname} did not answer {shown} in time "
                             f"({self._describe(exc)})") from None
            except _RETRYABLE as exc:
                raise _Retry(SourceUnavailable, f"{urlsplit(url).hostname} could not be reached "
                                                f"for {shown} ({self._describe(exc)})") from None
            except (requests.exceptions.InvalidHeader, UnicodeError):
                raise InvalidConfiguration(
                    "The User-Key cannot be sent as an HTTP header; copy it again from Ploomes."
                ) from None
            except requests.RequestException as exc:
                raise SourceUnavailable(
                    f"{shown} could not be requested: {self._describe(exc)}") from None
            if not response.is_redirect:
                return self._check_status(response, shown, keyed, download)
            target = urljoin(url, response.headers["Location"])
            response.close()
            if download:
                self._check_download(target)
            elif _origin(target) != self.origin:
                raise RedirectRefused(
                    f"Ploomes redirected {shown} to {self._redact(_shown(target))}: the client "
                    f"only follows redirects within {self.base_url}, so that the User-Key is "
                    f"never sent to another host. Check the source's URL.")
            url = target
        raise SourceUnavailable(f"{shown} was redirected more than {MAX_REDIRECTS} times.")

    def _check_status(self, response, shown, keyed, download):
        """The response if it is a 200; else the error (or retry) its status calls for
        (the body of a failed download is not read)."""
        status = response.status_code
        if status == 200:
            return response
        message = self._redact(response.reason if download else _error_message(response))
        response.close()
        who = "Ploomes" if keyed else urlsplit(response.url).hostname
        if status in RETRY_STATUSES:
            raise _Retry(SourceUnavailable, f"{who} answered HTTP {status} for {shown}: {message}",
                         _retry_after(response))
        if status == 401 and keyed:
            raise AuthenticationError(
                "Ploomes refused the User-Key (HTTP 401). Create an integration "
                "user with the Administrator profile and copy its API key."
            )
        if status in (401, 403):
            raise PermissionDenied(f"{who} refused to serve {shown} (HTTP {status}): {message}",
                                   status=status)
        if status in (400, 404):
            raise BadRequest(f"{who} refused {shown} (HTTP {status}): {message}", status=status)
        raise SourceUnavailable(f"{who} answered HTTP {status} for {shown}: {message}")

    def _json(self, response, shown):
        """The decoded JSON body of an API answer."""
        try:
            return response.json()
        except ValueError:
            raise _Retry(MalformedResponse,
                         f"Ploomes answered {shown} with a body that is not valid JSON") from None

    def _body(self, response, shown):
        """The bytes of a streamed download, refused past ``max_download_bytes``."""
        announced = response.headers.get("Content-Length", "")
        announced = int(announced) if announced.isdigit() else None
        chunks, size = [], 0
        with response:
            if announced is not None and announced > self.max_download_bytes:
                raise self._too_large(shown, f"it announces {_size(announced)}")
            try:
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > self.max_download_bytes:
                        limit = _size(self.max_download_bytes)
                        raise self._too_large(shown, f"more than {limit} arrived")
                    chunks.append(chunk)
            except _RETRYABLE as exc:
                raise _Retry(SourceUnavailable,
                             f"The download of {shown} broke off ({self._describe(exc)})") from None
        encoded = "Content-Encoding" in response.headers  # then the size read differs
        if announced is not None and size < announced and not encoded:
            raise _Retry(SourceUnavailable,
                         f"The download of {shown} stopped after {size} of {announced} bytes")
        return b"".join(chunks)

    def _too_large(self, shown, detail):
        return DownloadRefused(
            f"{shown} was not downloaded: it is larger than the {_size(self.max_download_bytes)} "
            f"allowed per file ({detail}). Raise max_download_bytes or attach the file by hand.")

    def _check_download(self, url):
        """Refuse, before any connection, a file URL the client must not fetch."""
        origin, shown = _origin(url), self._redact(_shown(url))
        if origin is None or origin[0] not in ("http", "https") or not origin[1]:
            raise DownloadRefused(f"{shown!r} was not downloaded: only http(s) URLs with a "
                                  f"valid host and port are.")
        _scheme, host, port = origin
        if host not in self.download_hosts and not (self._loopback and _is_loopback_host(host)):
            raise DownloadRefused(
                f"{shown} was not downloaded: {host} is not an allowed file host "
                f"({', '.join(sorted(self.download_hosts))}); if it is genuine, add it to "
                f"download_hosts.")
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, ValueError) as exc:  # gaierror, or a host IDNA cannot encode
            raise SourceUnavailable(f"The host of {shown} could not be resolved: {exc}") from None
        for *_, sockaddr in infos:
            address = ipaddress.ip_address(sockaddr[0].split("%")[0])
            if address.version == 6 and address.ipv4_mapped:
                address = address.ipv4_mapped
            kind = _non_public(address, allow_loopback=self._loopback)
            if kind:
                raise DownloadRefused(
                    f"{shown} was not downloaded: {host} resolves to {address}, which is "
                    f"{kind}; files are only fetched from public addresses.")

    def _describe(self, exc):
        """An exception's text, the User-Key masked."""
        return self._redact(f"{type(exc).__name__}: {exc}")

    def _redact(self, text):
        return str(text).replace(self.user_key, "<User-Key>")

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
            clauses.append(f"LastUpdateDate ge {utc_instant(changed_since)}")
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

    def count_records(self, entity, changed_since=None):
        """The engine's progress total (:class:`~mapping.spec.SourceClient`): the records
        :meth:`read_page` will read, or None where counting is not worth a request (lookups,
        collections the API is slow to count) or the API does not say."""
        if entity.lookup or not entity.counted:
            return None
        clauses = [f"({entity.filter})"] if entity.filter else []
        if changed_since is not None:
            clauses.append(f"LastUpdateDate ge {utc_instant(changed_since)}")
        try:
            return self.count(entity.name, filter=" and ".join(clauses) or None)
        except SourceError:
            return None

    def read_page(self, entity, cursor=None, changed_since=None):
        """The engine's read (:class:`~mapping.spec.SourceClient`): the page of a schema
        entity after ``cursor``, the last Id read, as text."""
        page = self.page(entity.name, after_id=int(cursor) if cursor else None,
                         expand=entity.expand, filter=entity.filter, changed_since=changed_since)
        return spec.Page(page.records, None if page.last_id is None else str(page.last_id),
                         page.more)

    def account_user(self):
        """Check the key: the name and e-mail of the user it belongs to."""
        user = self.check()
        return {"name": user.get("Name"), "email": user.get("Email")}

    @classmethod
    def from_config(cls, config):
        """A client for the settings of a source (:class:`~mapping.spec.ClientConfig`)."""
        return cls(config.url, config.key, rate_limit=config.rate_limit,
                   page_size=config.page_size, timeout=(10, config.timeout),
                   retries=config.retries, backoff_factor=config.backoff,
                   extra_download_hosts=config.download_hosts,
                   max_download_bytes=config.max_download_bytes)

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

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"PloomesClient({self.base_url!r})"

