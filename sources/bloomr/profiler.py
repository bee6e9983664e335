"""Profiles an undocumented REST API, read-only: :func:`profile_api`.

GET only, except the auth calls themselves (a login POST, an OAuth token POST), every
request through one rate limiter (429 honoured). In order: the URL as given (reachable?
JSON or a web app's HTML?), an OpenAPI/Swagger document, the prefix of the collections
(a likely collection under each candidate prefix, without credentials), the auth style
that turns their 401 into an answer, then every collection (the document's, or the
candidate names under the found prefix) and, for each one that answers, its paging,
page cap, count, record key, updated-at field, delta filter and fields.
"""
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

from ..errors import AuthenticationError, RedirectRefused, SourceUnavailable
from ..http import Transport, check_base_url, final
from . import discovery, inference, paging
from .auth import LOGIN_PATHS, Authenticator, attempts, check_credentials, describe, hints_of
from .profile import ApiProfile, AuthProfile, CollectionProfile, claim_entities
from .render import render_profile

__all__ = ["COLLECTIONS", "profile_api", "render_profile"]

COLLECTIONS = ("contacts", "people", "persons", "companies", "accounts", "organizations",
               "deals", "opportunities", "stages", "pipelines", "users", "members",
               "activities", "calls", "meetings", "emails", "tasks", "notes", "tags", "labels",
               "custom_fields", "custom-fields", "fields", "files", "attachments")
PREFIXES = ("", "api", "v1", "v2", "api/v1")
LIKELY_NAMES = ("contacts", "companies", "deals", "users")  # tried first to find the API
LIKELY = 3                   # names tried under each prefix to find the API
DELTA_NAMES = ("updated_since", "updated_after", "modified_since", "since", "updatedAfter")
FUTURE, PAST = "2999-01-01T00:00:00Z", "1970-01-01T00:00:00Z"
BIG_PAGES = (1000, 250, 100)  # asked for to see the page cap
COUNT_PAGES = 5               # pages read at most to count a collection the API does not
SAMPLE_RECORDS = 200
LOGIN_BODIES = (("json", ("email", "password")), ("json", ("username", "password")),
                ("form", ("email", "password")), ("form", ("username", "password")))
RATE_HEADERS = ("x-ratelimit", "ratelimit", "x-rate-limit")


def profile_api(url, credentials, *, rate=1.0, session=None, candidates=COLLECTIONS, log=None,
                retries=2, backoff=0.5, clock=time.monotonic, sleep=time.sleep):
    """The :class:`~.profile.ApiProfile` of the API at ``url`` read with ``credentials``
    (:class:`~.profile.Credentials`), at most ``rate`` requests a second; ``log(line)``
    gets one line per request (method, URL without secrets, status)."""
    return Profiler(url, credentials, rate=rate, session=session, candidates=candidates,
                    log=log, retries=retries, backoff=backoff, clock=clock, sleep=sleep).run()


@dataclass
class Answer:
    """One GET's outcome: status (0: no answer), decoded JSON body, kind of body."""

    status: int
    body: object = None
    kind: str = ""               # "json", "html", "other" or "" (no answer)
    headers: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self):
        return 200 <= self.status < 300 and self.kind == "json"


def _join(*parts):
    return "/".join(part.strip("/") for part in parts if part and part.strip("/"))


def _keys(records, key):
    return [str(r.get(key)) for r in records] if key else [repr(r) for r in records]


class Profiler:
    """One profiling run (see :func:`profile_api`)."""

    def __init__(self, url, credentials, *, rate, session, candidates, log, retries, backoff,
                 clock, sleep):
        self.base = check_base_url(url, "API", "It should look like https://api.example.com/v1.")
        parts = urlsplit(self.base)
        self.origin_url = f"{parts.scheme}://{parts.netloc}"
        self.given = parts.path.strip("/")
        self.credentials = check_credentials(credentials)
        self.candidates = tuple(candidates)
        self.line = log
        self.transport = Transport(self.base, rate=rate, retries=retries, backoff=backoff,
                                   session=session, secrets=credentials.secrets(),
                                   log=self._logged, clock=clock, sleep=sleep)
        self.auth = None             # the Authenticator in use
        self.prefix = None           # the collections' prefix, once found
        self.refused = []            # descriptions of the auth styles refused
        self.samples = {}            # collection name -> sample records
        self.continued = set()       # collections whose first page named a next one
        self.rate_limit = {}
        self.problems = []
        self.learned = {}            # role -> parameter name that worked on a collection
        self.cache = {}              # path -> authenticated Answer of its first page

    # -- requests ------------------------------------------------------------------

    def _logged(self, method, url, status, headers):
        for name, value in (headers or {}).items():
            if name.lower().startswith(RATE_HEADERS) or (status == 429 and name == "Retry-After"):
                self.rate_limit[name] = value
        if self.line:
            self.line(f"{method} {url} {status}")

    def get(self, path, params=None, *, authed=True):
        """GET ``path`` (from the origin, or an absolute URL of the origin)."""
        url = urljoin(self.origin_url + "/", path)
        try:
            headers = self.auth.headers() if authed and self.auth else None
            response = self.transport.call("GET", url, final, auth=headers, params=params)
        except (SourceUnavailable, RedirectRefused, AuthenticationError) as exc:
            return Answer(0, error=str(exc))
        with response:
            answer = Answer(response.status_code, headers=dict(response.headers),
                            links=dict(response.links))
            kind = response.headers.get("Content-Type", "")
            try:
                answer.body, answer.kind = response.json(), "json"
            except ValueError:
                answer.kind = "html" if "html" in kind or "<html" in response.text[:500].lower() \
                    else "other"
        return answer

    def records(self, answer, collection):
        """The records of an answer of ``collection`` ([] if none)."""
        if not answer.ok:
            return []
        found = paging.value_at(answer.body, collection.records_path)
        return found if isinstance(found, list) else []

    def page(self, collection, params):
        """The records of the collection's page for extra query ``params``."""
        return self.records(self.get(_join(self.prefix, collection.path), params), collection)

    # -- the run ---------------------------------------------------------------------

    def run(self):
        profile = ApiProfile(base_url=self.base)
        start = self.get(self.given, authed=False)
        if start.status == 0:
            host = urlsplit(self.base).hostname
            profile.problems.append(f"{host} could not be reached: {start.error} Check the URL "
                                    f"and that the API is online.")
            return profile
        doc_url, doc = self.discover()
        profile.discovery = doc_url
        names = discovery.collections(doc) if doc else list(self.candidates)
        prefixes = [discovery.prefix_of(doc) or self.given] if doc else self.prefixes()
        hints = discovery.hints(doc) if doc else set()
        likely = [n for n in LIKELY_NAMES if n in names] or names
        located = self.locate(prefixes, likely[:LIKELY])
        for _prefix, answer in located.values():
            hints |= hints_of(answer.headers)
        found = self.authenticate(located, names, hints)
        profile.rate_limit = self.rate_limit
        if found is None:
            self.explain(profile, start, located)
            return profile
        profile.auth = found
        profile.base_url = _join(self.origin_url, self.prefix) if self.prefix else self.origin_url
        profile.collections = self.profile_collections(names, from_doc=bool(doc))
        claim_entities(profile.collections)
        found.account_path = discovery.account_path(doc) if doc else self.account_path()
        self.fill_paging(profile.collections)
        self.guess_fields(profile.collections)
        self.explain(profile, start, located)
        return profile

    def prefixes(self):
        """Candidate prefixes from the origin: the URL's own path first."""
        own = [self.given, _join(self.given, "v1"), _join(self.given, "v2")] if self.given else []
        return list(dict.fromkeys([*own, *PREFIXES]))

    def discover(self):
        """(URL, document) of an OpenAPI/Swagger document, or ("", None)."""
        for path in dict.fromkeys(_join(where, p) for where in (self.given, "")
                                  for p in discovery.PATHS):
            answer = self.get(path, authed=False)
            if answer.ok and discovery.is_document(answer.body):
                return urljoin(self.origin_url + "/", path), answer.body
        return "", None

    def locate(self, prefixes, names):
        """Unauthenticated answers of likely collections under each prefix (path →
        (prefix, answer)), up to one that answers, asks for credentials or is unreachable."""
        located = {}
        for name in names:
            for prefix in prefixes:
                path = _join(prefix, name)
                answer = self.get(path, authed=False)
                located[path] = prefix, answer
                if answer.ok or answer.status in (0, 401, 403):
                    return located
        return located

    # -- auth ------------------------------------------------------------------------

    def authenticate(self, located, names, hints):
        """The auth style that works (the prefix found with it), or None."""
        opened = next((p for p, a in located.values() if a.ok), None)
        if opened is not None:
            self.prefix = opened
            auth = AuthProfile("none")
            auth.description = describe(auth)
            return auth
        walled = [(path, p, a) for path, (p, a) in located.items() if a.status in (401, 403)]
        if not walled:
            return None
        path, prefix, before = walled[0]
        for attempt in attempts(self.credentials, hints):
            self.auth = Authenticator(attempt, self.credentials, self.transport, self.origin_url)
            if attempt.style == "session" and not self.login(prefix):
                self.refused.append("a session login (no login call accepted them)")
                continue
            answer = self.get(path)
            if answer.ok or (before.status == 401 and answer.status not in (0, 401)):
                self.cache[path] = answer
                self.prefix = prefix if answer.ok else self.find_prefix(names)
                if self.prefix is not None:
                    return attempt
            self.refused.append(attempt.description)
        self.auth = None
        return None

    def login(self, prefix):
        """Log in at the first login path that opens a session; fills the auth profile.
        Only paths whose GET neither is missing nor asks for credentials get a POST (a
        login call is open; anything else would be a write)."""
        auth = self.auth.auth
        for path in dict.fromkeys([_join(prefix, p) for p in LOGIN_PATHS] + list(LOGIN_PATHS)):
            if self.get(path, authed=False).status in (0, 401, 403, 404):
                continue
            for body, names in LOGIN_BODIES:
                response = self.auth.post_login(path, body, names)
                if response.status_code in (404, 405):
                    break
                if self.auth.adopt(response):
                    auth.login_path, auth.login_body, auth.login_fields = path, body, list(names)
                    auth.description = describe(auth)
                    return True
        return False

    def find_prefix(self, names):
        """The prefix under which a likely collection answers with the credentials."""
        for name in names[:LIKELY]:
            for prefix in self.prefixes():
                path = _join(prefix, name)
                answer = self.get(path)
                if answer.ok:
                    self.cache[path] = answer
                    return prefix
        return None

    def account_path(self):
        """Where the credential's own user is (``me``...), relative to the base URL."""
        for path in discovery.ACCOUNT_PATHS[:3]:
            answer = self.get(_join(self.prefix, path))
            if answer.ok and isinstance(answer.body, dict):
                return path
        return ""

    # -- collections -------------------------------------------------------------------

    def profile_collections(self, names, from_doc):
        """Profiles of the collections that exist (a candidate's 404 is left out)."""
        profiles = []
        for name in names:
            path = _join(self.prefix, name)
            answer = self.cache.get(path) or self.get(path)
            if answer.status == 404 and not from_doc or answer.status == 0:
                continue
            if answer.kind != "json" and 200 <= answer.status < 300:
                self.problems.append(f"{name}: answers {answer.kind or 'nothing'} "
                                     f"instead of JSON; left out.")
                continue
            profiles.append(self.profile_collection(name, answer))
        return profiles

    def profile_collection(self, name, answer):
        collection = CollectionProfile(name, name, answer.status)
        if not answer.ok:
            return collection
        found = paging.records_path(answer.body, name)
        if found is None:
            self.problems.append(f"{name}: its answer holds no list of records.")
            return collection
        collection.records_path = found
        records = self.records(answer, collection)
        collection.total = paging.total_of(answer.body, answer.headers, found)
        collection.record_key = inference.record_key(records, name)
        collection.updated_at = inference.updated_at(records)
        self.samples[name] = self.detect_paging(collection, answer, records)
        if collection.updated_at and records:
            collection.delta_param = self.delta(collection, len(records))
        return collection

    def detect_paging(self, collection, first, records):
        """Set the collection's paging style, parameters, cap and (when it shows) count;
        the records seen, as samples."""
        body, skip = first.body, collection.records_path
        keys = _keys(records, collection.record_key)
        more = paging.more_path(body, skip)
        if more:
            collection.params["more"] = more
        size, n = self.size_param(collection, records, body)
        link = paging.next_link(body, first.links, skip)
        cursor = paging.next_cursor(body, skip)
        strong = cursor and any(w in cursor[0].lower() for w in ("cursor", "token", "after"))
        if link or cursor:
            self.continued.add(collection.name)
        if link and self.verify_link(collection, link, keys):
            collection.paging, collection.params["next"] = "link", link[0]
        elif strong and self.verify_cursor(collection, cursor, keys):
            pass
        elif size and len(keys) >= 2 * n:
            self.page_or_offset(collection, size, n, keys)
        if not collection.paging and cursor:
            self.verify_cursor(collection, cursor, keys)
        return self.cap(collection, records)

    def size_param(self, collection, records, body):
        """(name, size) of the page-size parameter, or (None, 0) when it does not show."""
        n = min(2, len(records) - 1)
        if n < 1:
            return None, 0
        hinted = [p.rsplit(".", 1)[-1] for p, _v in paging.scalars(body, collection.records_path)
                  if p.rsplit(".", 1)[-1] in paging.SIZE_NAMES]
        for name in dict.fromkeys([*filter(None, [self.learned.get("size")]), *hinted,
                                   *paging.SIZE_NAMES]):
            if len(self.page(collection, {name: n})) == n:
                collection.params["size"] = self.learned["size"] = name
                return name, n
        return None, 0

    def _try(self, collection, role, names, params, expect):
        """The first of ``names`` whose page for ``params | {name: value}`` holds the
        ``expect``ed keys: remembered for ``role``; None if none does."""
        for name, value in names:
            got = _keys(self.page(collection, {**params, name: value}),
                        collection.record_key)
            if got and got == expect:
                collection.params[role] = self.learned[role] = name
                return name
        return None

    def page_or_offset(self, collection, size, n, keys):
        """Tell ``page`` from ``offset`` paging by asking for the second page of ``n``."""
        pages = [(name, 2) for name in dict.fromkeys(
            [*filter(None, [self.learned.get("page")]), *paging.PAGE_NAMES[:2]])]
        offsets = [(name, n) for name in dict.fromkeys(
            [*filter(None, [self.learned.get("offset")]), *paging.OFFSET_NAMES[:2]])]
        order = [("offset", offsets), ("page", pages)] if size in ("limit", "take") else \
            [("page", pages), ("offset", offsets)]
        for style, names in order:
            if self._try(collection, style, names, {size: n}, keys[n:2 * n]):
                collection.paging = style
                if style == "page":
                    collection.params["first"] = 1
                return

    def verify_link(self, collection, link, keys):
        """Whether the next link leads to other records (an off-origin link is refused)."""
        _where, url = link
        if paging.is_off_origin(url, self.origin_url):
            self.problems.append(f"{collection.name}: its next links lead to another host; "
                                 f"they are not followed.")
            return False
        got = _keys(self.records(self.get(url), collection), collection.record_key)
        return bool(got) and not set(got) & set(keys)

    def verify_cursor(self, collection, cursor, keys):
        """Find the parameter that takes the body's next cursor back."""
        path, value = cursor
        names = [*filter(None, [self.learned.get("cursor")]), *paging.cursor_names(path)[:4]]
        for name in dict.fromkeys(names):
            got = _keys(self.page(collection, {name: value}), collection.record_key)
            if got and not set(got) & set(keys):
                collection.paging = "cursor"
                collection.params.update(cursor=name, next=path)
                self.learned["cursor"] = name
                return True
        return False

    def cap(self, collection, records):
        """Ask for a large page: the page cap, the count when everything fits; the records
        seen (for samples)."""
        size = collection.params.get("size")
        if not size:
            return records
        for big in BIG_PAGES:
            path, params = paging.request(collection, None, big)
            answer = self.get(_join(self.prefix, path), params)
            if answer.ok:
                break
        else:
            return records
        got = self.records(answer, collection)
        total = collection.total
        if len(got) < big:
            if total is not None and len(got) < total:
                collection.page_cap = len(got)
            elif total is None and self.has_next(collection, answer, got, len(got)):
                collection.page_cap = len(got)
            elif total is None:
                collection.total = len(got)
        if collection.total is None and collection.page_cap:
            collection.total = self.count(collection, answer, got)
        return got[:SAMPLE_RECORDS] or records

    def has_next(self, collection, answer, got, size):
        cursor = paging.following(collection, None, size, got, answer.body, answer.links)
        if not cursor or collection.paging in ("cursor", "link"):
            return bool(cursor)
        path, params = paging.request(collection, cursor, size)
        return bool(self.page(collection, params))

    def count(self, collection, answer, got):
        """The record count by paging at the cap, or None past COUNT_PAGES pages."""
        size, total, cursor = collection.page_cap, len(got), None
        for _page in range(COUNT_PAGES):
            cursor = paging.following(collection, cursor, size, got, answer.body, answer.links)
            if not cursor:
                return total
            path, params = paging.request(collection, cursor, size)
            answer = self.get(path if path.startswith("http") else _join(self.prefix, path),
                              params)
            got = self.records(answer, collection)
            total += len(got)
        return None

    def delta(self, collection, expected):
        """The update-date filter: far-future gives nothing, far-past gives everything."""
        names = [*filter(None, [self.learned.get("delta")]), *DELTA_NAMES]
        for name in dict.fromkeys(names):
            future = self.get(_join(self.prefix, collection.path), {name: FUTURE})
            if future.ok and not self.records(future, collection):
                if len(self.page(collection, {name: PAST})) == expected:
                    self.learned["delta"] = name
                    return name
        return ""

    def fill_paging(self, collections):
        """Collections whose first page showed no continuation take the style of those
        whose did (a link or cursor API also takes page numbers), else the most common."""
        shown = [c for c in collections if c.name in self.continued] or \
            [c for c in collections if c.paging]
        if not shown:
            return
        common = max(shown, key=lambda c: sum(o.paging == c.paging for o in shown))
        for collection in collections:
            if collection.ok and collection.name not in self.continued \
                    and collection.paging != common.paging:
                collection.paging = common.paging
                collection.params = dict(common.params)

    def guess_fields(self, collections):
        """Fields of every answering collection, references told by the ids seen."""
        ids = {}
        for c in collections:
            samples = self.samples.get(c.name)
            complete = samples is not None and c.total is not None and len(samples) >= c.total
            ids[c.name] = {str(r.get(c.record_key)) for r in samples} \
                if complete and c.record_key else None
        for c in collections:
            if self.samples.get(c.name):
                c.fields = inference.guess_fields(self.samples[c.name], ids, c.record_key)

    # -- problems ------------------------------------------------------------------------

    def explain(self, profile, start, located):
        """Say in plain words why a profile is not usable, and which collections refused."""
        problems = profile.problems
        if not profile.auth.style:
            statuses = {a.status for _p, a in located.values()}
            if start.kind == "html" and not any(a.kind == "json" for _p, a in located.values()):
                problems.append(
                    f"{self.base} answers HTML instead of JSON: it looks like the address of a "
                    f"web app, not of its API. Give the API's URL (often https://api.<domain> "
                    f"or <url>/api/v1).")
            elif statuses & {401, 403}:
                problems.append(
                    f"Every request was refused with HTTP {min(statuses & {401, 403})}: the "
                    f"credentials were refused (tried: {', '.join(self.refused) or 'none'}). "
                    f"Check them, or name the header the API key goes in.")
            else:
                problems.append(self._none_found(located))
            return
        problems.extend(self.problems)
        if not any(c.ok for c in profile.collections):
            problems.append(self._none_found(located))
        for c in profile.collections:
            if not c.ok:
                problems.append(f"{c.name}: HTTP {c.status} {_phrase(c.status)}.")

    def _none_found(self, located):
        tried = ", ".join(dict.fromkeys(f"/{p}" for p, _a in located.values())) or "/"
        names = ", ".join(dict.fromkeys(path.rsplit("/", 1)[-1] for path in located))
        return (f"No collection was found at {self.origin_url} (tried {names} under {tried}): "
                f"give the API's base URL, or the names of its collections.")


def _phrase(status):
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "error"
