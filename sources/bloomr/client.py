"""Reads a REST API the profiler described (:class:`~.profile.ApiProfile`): the engine's
:class:`~mapping.spec.SourceClient`.

Paging, page size, record list, delta filter and auth style all come from the profile.
Every request, retries included, goes through one rate limiter; one retry loop per call
(429/5xx, dropped connections, timeouts, malformed JSON; ``Retry-After`` capped) within a
deadline; https except on loopback; redirects within the API's origin only; an OAuth token
or a session is renewed once on a 401. Messages never hold the credentials.
"""
import time
from urllib.parse import urljoin, urlsplit

from ...mapping.converters import timestamp_at
from ...mapping.spec import Page
from ..errors import (
    AuthenticationError,
    BadRequest,
    InvalidConfiguration,
    MalformedResponse,
    PermissionDenied,
    RedirectRefused,
    SourceUnavailable,
)
from ..http import (
    utc_instant,
    DEADLINE,
    MAX_DOWNLOAD_BYTES,
    Transport,
    body_reader,
    check_base_url,
    check_download,
    is_loopback_host,
    json_body,
    transient,
)
from . import paging
from .auth import Authenticator, check_credentials


def _error_message(response):
    """The message of a JSON error body, or the start of the raw text."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        for key in ("message", "error_description", "detail", "error"):
            if isinstance(body.get(key), str):
                return body[key]
    return str(body)[:200]


class RestClient:
    """Reads the collections of a profiled API with ``credentials``
    (:class:`~.profile.Credentials`) and a :class:`~mapping.spec.ClientConfig` (its
    ``rate_limit`` is per minute, its ``url`` and ``key`` are not read: the profile and
    the credentials say them)."""

    def __init__(self, profile, credentials, config, *, download_hosts=(),
                 max_download_bytes=MAX_DOWNLOAD_BYTES, deadline=DEADLINE, session=None,
                 clock=time.monotonic, sleep=time.sleep):
        if not profile.usable:
            raise InvalidConfiguration("The API profile is not usable: "
                                       + (" ".join(profile.problems) or "profile the API again."))
        self.profile = profile
        self.base_url = check_base_url(profile.base_url, "API",
                                       "Profile the API again with its https URL.")
        parts = urlsplit(self.base_url)
        self.origin_url = f"{parts.scheme}://{parts.netloc}"
        self.host = parts.hostname
        self.credentials = check_credentials(credentials)
        self.page_size = max(1, int(config.page_size))
        self.transport = Transport(
            self.base_url, rate=config.rate_limit / 60, timeout=(10, config.timeout),
            retries=config.retries, backoff=config.backoff, deadline=deadline, session=session,
            secrets=self.credentials.secrets(), clock=clock, sleep=sleep)
        self.auth = Authenticator(profile.auth, self.credentials, self.transport, self.origin_url)
        self.download_hosts = frozenset(h.lower() for h in (self.host, *download_hosts))
        self.max_download_bytes = max_download_bytes
        self._loopback = is_loopback_host(self.host)

    @property
    def requests_sent(self):
        return self.transport.requests_sent

    # -- requests ------------------------------------------------------------------

    def _url(self, target):
        """Absolute URL of a collection path (from the base URL) or of a next link."""
        if target.startswith(("http://", "https://", "/")):
            url = urljoin(self.origin_url + "/", target)
            if paging.is_off_origin(url, self.origin_url):
                raise RedirectRefused(
                    f"{self.host} named a next page on another host "
                    f"({urlsplit(url).hostname}); it is not followed, so that the credentials "
                    f"stay with {self.origin_url}.")
            return url
        return f"{self.base_url}/{target.lstrip('/')}"

    def _call(self, url, read, params=None, download=None):
        """One logical GET with the auth headers; a 401 renews a token or session once."""
        try:
            return self.transport.call("GET", url, read, auth=self.auth.headers(), params=params,
                                       download=download)
        except AuthenticationError:
            if not self.auth.renew():
                raise
        return self.transport.call("GET", url, read, auth=self.auth.headers(), params=params,
                                   download=download)

    def _check(self, response, text):
        """The response if it is a 2xx; else the error (or retry) its status calls for."""
        status = response.status_code
        if 200 <= status < 300:
            return response
        transient(response, f"{self.host} answered HTTP {status} for {text}")
        message = self.transport.redact(_error_message(response))
        response.close()
        if status == 401:
            raise AuthenticationError(
                f"{self.host} refused the credentials ({self.profile.auth.description}, "
                f"HTTP 401): check them, or profile the API again if its sign-in changed.")
        if status == 403:
            raise PermissionDenied(f"{self.host} refused to serve {text} (HTTP 403): {message}. "
                                   f"The credentials' user may not read it.")
        if status in (400, 404, 422):
            raise BadRequest(f"{self.host} refused {text} (HTTP {status}): {message}")
        raise SourceUnavailable(f"{self.host} answered HTTP {status} for {text}: {message}")

    def _json(self, response, text):
        """(decoded JSON body, Link relations) of an API answer."""
        response = self._check(response, text)
        with response:
            body = json_body(response, f"{self.host} answered {text} with a body that is not "
                                       f"valid JSON")
            return body, dict(response.links)

    def get(self, target, params=None):
        """(JSON body, Link relations) of a collection path or next link."""
        return self._call(self._url(target), self._json, params)

    # -- the engine's protocol -------------------------------------------------------

    def collection(self, name):
        """The profile of the readable collection read as object ``name``, or BadRequest."""
        collection = self.profile.collection(name)
        if collection is None or not collection.ok:
            known = ", ".join(f"{c.entity} ({c.name})" if c.entity != c.name else c.name
                              for c in self.profile.collections if c.ok and c.entity)
            raise BadRequest(f"The API profile has no readable collection read as {name!r} "
                             f"(readable: {known}).")
        return collection

    def read_page(self, entity, cursor=None, changed_since=None):
        """The page of collection ``entity.name`` at ``cursor`` (None: the first);
        ``changed_since``: only records changed since then (the profile's delta filter)."""
        collection = self.collection(getattr(entity, "name", entity))
        extra = {}
        if changed_since is not None and collection.delta_param:
            extra[collection.delta_param] = utc_instant(changed_since)
        size = min(self.page_size, collection.page_cap or self.page_size)
        target, params = paging.request(collection, cursor, size, extra)
        body, links = self.get(target, params)
        records = paging.value_at(body, collection.records_path)
        if not isinstance(records, list):
            raise MalformedResponse(
                f"{self.host} answered {collection.name} without its record list at "
                f"{collection.records_path or 'the top level'}: profile the API again.")
        after = paging.following(collection, cursor, size, records, body, links)
        if changed_since is not None and not collection.delta_param:
            records = self._changed(collection, records, changed_since)
        return Page(records, after or cursor, bool(after))

    @staticmethod
    def _changed(collection, records, since):
        """Without a filter on the update date the whole collection is read: its records
        changed since ``since`` by their updated-at field (all of them without one; staging
        leaves the unchanged ones alone)."""
        if not collection.updated_at:
            return records
        return [record for record in records
                if (timestamp_at(record, collection.updated_at) or since) >= since]

    def account_user(self):
        """Check the credentials: the name and e-mail of their user when the API says it,
        else the auth style. Refused: AuthenticationError."""
        path = self.profile.auth.account_path
        if not path:
            first = next(c for c in self.profile.collections if c.ok)
            self.get(*paging.request(first, None, 1))
            return {"name": self.profile.auth.description, "email": ""}
        body, _links = self.get(path)
        holders = [body, body.get("data"), body.get("user")] if isinstance(body, dict) else []
        for user in holders:
            if isinstance(user, dict) and (user.get("email") or user.get("name")):
                name = user.get("name") or " ".join(
                    filter(None, (user.get("first_name"), user.get("last_name"))))
                return {"name": name or user.get("email"), "email": user.get("email") or ""}
        return {"name": self.profile.auth.description, "email": ""}

    def download(self, url):
        """The bytes of a file the API links to: the API's host (or ``download_hosts``),
        public addresses (loopback too for a loopback API), at most ``max_download_bytes``;
        the credentials go along only to the API's origin."""
        url = urljoin(self.origin_url + "/", url)

        def guard(target):
            check_download(target, self.download_hosts, self._loopback, self.transport.redact)

        guard(url)
        read = body_reader(self.max_download_bytes)
        return self._call(url, lambda response, text: read(self._check(response, text), text),
                          download=guard)

    def close(self):
        self.transport.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"RestClient({self.base_url!r})"
