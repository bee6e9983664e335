"""HTTP plumbing every REST source client shares (requests, no Odoo).

* :class:`RateLimiter`: at most ``rate`` calls per ``per`` seconds, every attempt included.
* :class:`Transport`: one logical call = attempts until ``read`` accepts an answer, the
  retries are spent or the deadline would pass; ``Retry-After`` honoured up to
  :data:`MAX_RETRY_AFTER`, else exponential back-off up to :data:`MAX_BACKOFF`. Redirects
  are followed within the API's origin only (a download may follow them to allowed hosts,
  without the credentials); secrets never appear in a message or a log line.
* URL guards: https except on loopback, and the checks of a file URL before a download.
"""
import ipaddress
import math
import socket
import threading
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests

from .errors import (
    DownloadRefused,
    InvalidConfiguration,
    MalformedResponse,
    RedirectRefused,
    SourceUnavailable,
)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_BACKOFF = 60.0
MAX_RETRY_AFTER = 120.0
DEADLINE = 300.0
MAX_REDIRECTS = 5
MAX_DOWNLOAD_BYTES = 25 * 1024 * 1024
RETRYABLE_ERRORS = (requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError)


class RateLimiter:
    """Spaces calls so that no ``per`` seconds hold more than ``rate`` of them
    (``rate`` 0, None or infinite: no limit)."""

    def __init__(self, rate, per=1.0, clock=time.monotonic, sleep=time.sleep):
        unlimited = not rate or math.isinf(rate)
        self.interval = 0.0 if unlimited else per / rate * 1.01
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


class Retry(Exception):
    """A failed attempt worth repeating: the error class to raise if it was the last one,
    or ``fallback``, returned instead when one is given."""

    def __init__(self, error, reason, retry_after=None, fallback=None):
        super().__init__(reason)
        self.error, self.reason = error, reason
        self.retry_after, self.fallback = retry_after, fallback


def utc_instant(value):
    """An aware datetime as ISO 8601 UTC (``2024-05-01T12:00:00Z``); naive: taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_loopback_host(host):
    """Whether a URL's host name is loopback (localhost, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin(url):
    """(scheme, host, port) of a URL, the port made explicit; None if the port is invalid."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        return None
    return scheme, parts.hostname, port


def shown(url):
    """A URL without its query (which may hold a token)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def retry_after(response):
    """Seconds the server asks to wait (``Retry-After``, seconds or HTTP date), or None."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    if value.strip().replace(".", "", 1).isdigit():
        return max(0.0, float(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def check_base_url(url, label, example):
    """``url`` without trailing slash: https, or plain http on a loopback host only."""
    parts = urlsplit((url or "").strip())
    if origin(parts.geturl()) is None:
        raise InvalidConfiguration(f"The {label} URL has an invalid port. {example}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidConfiguration(f"The {label} URL is not an http(s) URL. {example}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidConfiguration(
            f"The {label} URL may not hold credentials, a query or a fragment. {example}")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise InvalidConfiguration(
            f"The {label} URL must use https: plain http would send the credentials "
            f"unencrypted to {parts.hostname} (http is accepted for a local sandbox only). "
            f"{example}")
    return parts.geturl().rstrip("/")


def check_header_value(value, what):
    """``value`` stripped; refuses what cannot be sent in an HTTP header."""
    value = (value or "").strip()
    if not (value.isascii() and value.isprintable()):
        raise InvalidConfiguration(
            f"The {what} contains line breaks, tabs or other characters it cannot hold; "
            f"copy it again.")
    return value


def non_public(address, allow_loopback):
    """What an address is if not public (``"private"``...), or None if it is public."""
    if address.is_loopback:
        return None if allow_loopback else "loopback"
    for kind in ("link-local", "unspecified", "reserved", "multicast", "private"):
        if getattr(address, f"is_{kind.replace('-', '_')}"):
            return kind
    return None if address.is_global else "not public"


def size_text(size):
    """A byte count for people: ``25.0 MB``, ``3.2 KB``, ``120 bytes``."""
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def check_download(url, hosts, allow_loopback, redact=str):
    """Refuse, before any connection, a file URL that must not be fetched: not http(s),
    a host outside ``hosts`` (loopback hosts pass when ``allow_loopback``), or a host
    resolving to an address that is not public."""
    where, text = origin(url), redact(shown(url))
    if where is None or where[0] not in ("http", "https") or not where[1]:
        raise DownloadRefused(f"{text!r} was not downloaded: only http(s) URLs with a "
                              f"valid host and port are.")
    _scheme, host, port = where
    if host not in hosts and not (allow_loopback and is_loopback_host(host)):
        raise DownloadRefused(
            f"{text} was not downloaded: {host} is not an allowed file host "
            f"({', '.join(sorted(hosts))}); if it is genuine, add it to the allowed hosts.")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:  # gaierror, or a host IDNA cannot encode
        raise SourceUnavailable(f"The host of {text} could not be resolved: {exc}") from None
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if address.version == 6 and address.ipv4_mapped:
            address = address.ipv4_mapped
        kind = non_public(address, allow_loopback=allow_loopback)
        if kind:
            raise DownloadRefused(
                f"{text} was not downloaded: {host} resolves to {address}, which is "
                f"{kind}; files are only fetched from public addresses.")


def transient(response, reason, keep=False):
    """Raise :class:`Retry` if ``response`` has a status worth retrying (``keep``: hand
    the response back once the retries are spent instead of failing)."""
    if response.status_code in RETRY_STATUSES:
        raise Retry(SourceUnavailable, reason, retry_after(response),
                    fallback=response if keep else None)


def final(response, text):
    """A ``read`` of :meth:`Transport.call` that keeps any final answer, a transient one
    (429, 5xx...) after the retries."""
    transient(response, f"{text} answered HTTP {response.status_code}", keep=True)
    return response


def json_body(response, reason):
    """The decoded JSON body of ``response``; a retry if it is not JSON."""
    try:
        return response.json()
    except ValueError:
        raise Retry(MalformedResponse, reason) from None


def body_reader(max_bytes):
    """A ``read`` of :meth:`Transport.call` for a streamed file of at most ``max_bytes``
    (the caller checks the status first)."""

    def too_large(text, detail):
        return DownloadRefused(
            f"{text} was not downloaded: it is larger than the {size_text(max_bytes)} "
            f"allowed per file ({detail}). Raise the limit or attach the file by hand.")

    def read(response, text):
        announced = response.headers.get("Content-Length", "")
        announced = int(announced) if announced.isdigit() else None
        chunks, size = [], 0
        with response:
            if announced is not None and announced > max_bytes:
                raise too_large(text, f"it announces {size_text(announced)}")
            try:
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise too_large(text, f"more than {size_text(max_bytes)} arrived")
                    chunks.append(chunk)
            except RETRYABLE_ERRORS as exc:
                raise Retry(SourceUnavailable,
                            f"The download of {text} broke off ({type(exc).__name__})") from None
        encoded = "Content-Encoding" in response.headers  # then the size read differs
        if announced is not None and size < announced and not encoded:
            raise Retry(SourceUnavailable,
                        f"The download of {text} stopped after {size} of {announced} bytes")
        return b"".join(chunks)
    return read


class Transport:
    """Sends the requests of one API: ``base_url`` fixes the origin that may receive the
    credentials (``auth`` headers of :meth:`call`).

    * ``rate``: requests a second; ``timeout``: (connect, read) seconds of one request;
      ``retries``: attempts after the first; ``backoff``: first back-off in seconds,
      doubled per retry; ``deadline``: seconds one call may take, waits included.
    * ``secrets``: strings masked in every message and log line; ``log(method, url,
      status, headers)``: called after each attempt (status: an int, or the error's name;
      headers: the answer's, None without an answer).
    * ``clock``/``sleep``: time source of the limiter, the back-off and the deadline.
    """

    def __init__(self, base_url, *, rate=1.0, timeout=(10, 60), retries=6, backoff=1.0,
                 deadline=DEADLINE, session=None, secrets=(), log=None,
                 clock=time.monotonic, sleep=time.sleep):
        self.base_url = base_url
        self.origin = origin(base_url)
        self.timeout = tuple(timeout) if isinstance(timeout, (tuple, list)) else (timeout,) * 2
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.deadline = deadline
        self.secrets = [secret for secret in secrets if secret]
        self.log = log
        self._clock = clock
        self._sleep = sleep
        self.limiter = RateLimiter(rate, clock=clock, sleep=sleep)
        self.requests_sent = 0
        self.session = session or requests.Session()  # its adapters never retry: we do

    def redact(self, text):
        """``text`` with every secret masked."""
        text = str(text)
        for secret in self.secrets:
            text = text.replace(secret, "<secret>")
        return text

    def describe(self, exc):
        """An exception's text, the secrets masked."""
        return self.redact(f"{type(exc).__name__}: {exc}")

    def call(self, method, url, read, *, auth=None, params=None, data=None, json=None,
             download=None):
        """One logical request: ``read(response, shown_url)`` turns the final answer into
        the result or raises :class:`Retry`. ``auth`` headers go to the API's origin only.
        ``download``: the guard of a file download (called on every redirect target);
        its body is then streamed."""
        start = self._clock()
        deadline = start + self.deadline
        text = self.redact(shown(url))
        failure = None
        for attempt in range(self.retries + 1):
            if failure:
                delay = self._delay(attempt, failure.retry_after)
                if self._clock() + delay > deadline:
                    if failure.fallback is not None:
                        return failure.fallback
                    raise SourceUnavailable(
                        f"{failure.reason}; gave up after {self._clock() - start:.0f} s as a "
                        f"retry would outlast the {self.deadline:g} s allowed for one call.")
                self._sleep(delay)
            request = {"params": params, "data": data, "json": json}
            try:
                response = self._send(method, url, text, auth, request, download, deadline)
                return read(response, text)
            except Retry as exc:
                failure = exc
        if failure.fallback is not None:
            return failure.fallback
        attempts = self.retries + 1
        raise failure.error(
            f"{failure.reason}; gave up after {attempts} attempt{'s' if attempts > 1 else ''}.")

    def _delay(self, attempt, wait):
        """Seconds before retry ``attempt``: the server's Retry-After (capped), else
        exponential back-off (capped)."""
        if wait is not None:
            return min(wait, MAX_RETRY_AFTER)
        return min(self.backoff * 2 ** (attempt - 1), MAX_BACKOFF)

    def _send(self, method, url, text, auth, request, download, deadline):
        """One attempt through the limiter, following redirects of a GET within the API's
        origin (downloads: to allowed hosts, checked by the caller, without ``auth``)."""
        for _hop in range(MAX_REDIRECTS + 1):
            headers = {"Accept": "*/*" if download else "application/json"}
            if auth and origin(url) == self.origin:
                headers.update(auth)
            response = self._attempt(method, url, text, headers, request, download, deadline)
            if not (response.is_redirect and method in ("GET", "HEAD")):
                return response
            target = urljoin(url, response.headers["Location"])
            response.close()
            if not download and origin(target) != self.origin:
                raise RedirectRefused(
                    f"The API redirected {text} to {self.redact(shown(target))}: only "
                    f"redirects within {self.base_url} are followed, so that the credentials "
                    f"are never sent to another host. Check the source's URL.")
            if download:
                download(target)
            url, request = target, {**request, "params": None}
        raise SourceUnavailable(f"{text} was redirected more than {MAX_REDIRECTS} times.")

    def _attempt(self, method, url, text, headers, request, download, deadline):
        self.limiter.wait()
        remaining = deadline - self._clock()
        if remaining <= 0:
            raise Retry(SourceUnavailable, f"No time was left to request {text}")
        self.requests_sent += 1
        host = urlsplit(url).hostname
        try:
            response = self.session.request(
                method, url, headers=headers, allow_redirects=False, stream=bool(download),
                timeout=tuple(min(part, remaining) for part in self.timeout), **request)
        except requests.Timeout as exc:
            self._log(method, url, type(exc).__name__, None)
            raise Retry(SourceUnavailable, f"{host} did not answer {text} in time "
                                           f"({self.describe(exc)})") from None
        except RETRYABLE_ERRORS as exc:
            self._log(method, url, type(exc).__name__, None)
            raise Retry(SourceUnavailable, f"{host} could not be reached for {text} "
                                           f"({self.describe(exc)})") from None
        except (requests.exceptions.InvalidHeader, UnicodeError):
            raise InvalidConfiguration(
                "The credentials cannot be sent as an HTTP header; copy them again.") from None
        except requests.RequestException as exc:
            raise SourceUnavailable(f"{text} could not be requested: {self.describe(exc)}") \
                from None
        self._log(method, response.url or url, response.status_code, response.headers)
        return response

    def _log(self, method, url, status, headers):
        if self.log:
            self.log(method, self.redact(url), status, headers)

    def close(self):
        self.session.close()
