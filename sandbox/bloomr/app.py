"""``BloomrSandbox``: one deterministic, invented Bloomr account served over HTTP on localhost."""

import shlex
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass

from sandbox.ploomes.faults import FaultPlan

from .api import BloomrApi
from .auth import Auth
from .dataset import Dataset
from .openapi import document
from .paging import Pager
from .ratelimit import HeaderLimiter
from .server import SandboxServer

LOG_SIZE = 10_000


@dataclass
class LoggedRequest:
    """A request to the API (control endpoints excepted), as the sandbox received it."""

    at: float  # time.monotonic() on arrival
    method: str
    path: str  # with its query string
    credentials: bool  # whether it carried an Authorization, Cookie or key header
    status: int | None = None  # None: no answer (dropped, or still in flight)
    fault: str | None = None  # the fault applied to it


class BloomrSandbox:
    """A local invented Bloomr API: ``start()`` serves it in a background thread.

    ``base_url`` includes the prefix; ``credentials`` are keyed by the client CLI's flag names
    (``cli_flags()`` spells them out). Test controls: ``inject``, ``mutate``, ``stats``,
    ``request_log`` and ``records``.
    """

    def __init__(self, seed=1, scale=100, auth="apikey", paging="page", prefix="/api/v1", rate_limit=60,
                 faults="", dirt=0.0, port=0, host="127.0.0.1", key_header="X-API-Key", openapi=False,
                 rate_window=60.0, token_ttl=3600.0, names=None):
        self.seed, self.scale = int(seed), int(scale)
        self.prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        self.pager = Pager(paging)
        self.faults = FaultPlan(self.seed, faults)
        self.limiter = HeaderLimiter(rate_limit, rate_window)
        self.server = SandboxServer((host, port), self)
        self.root_url = f"http://{host}:{self.server.server_address[1]}"
        self.base_url = self.root_url + self.prefix
        self.dataset = Dataset(self.seed, self.scale, dirt, self.base_url)
        self.auth = Auth(auth, self.seed, self.dataset.rows("users")[0]["email"], key_header, token_ttl)
        self.names = dict(names or {})  # {collection: the name it is served under}
        self.api = BloomrApi(self.dataset, self.pager, self.base_url, self.names)
        self.openapi_enabled = bool(openapi)
        self.stopping = threading.Event()
        self._counters = Counter()
        self._log = deque(maxlen=LOG_SIZE)
        self._lock = threading.Lock()
        self._thread = None

    @property
    def credentials(self):
        """What a client needs: {"key"} / {"token"} / {"user", "password"[, "token_url"]}."""
        creds = self.auth.credentials()
        if self.auth.style == "oauth":
            creds["token_url"] = f"{self.root_url}/oauth/token"
        return creds

    def cli_flags(self):
        """The credentials as client CLI flags: ["--key", "bk_live_…"], ["--user", …]…"""
        return [arg for name, value in self.credentials.items()
                for arg in (f"--{name.replace('_', '-')}", str(value))]

    def banner(self):
        """The one line the CLI prints on start."""
        return (f"Bloomr sandbox (invented API) on {self.base_url}  auth={self.auth.style}  "
                f"paging={self.pager.style}  credentials: {shlex.join(self.cli_flags())}")

    # -- lifecycle ----------------------------------------------------------------------
    def start(self):
        """Serve in a daemon thread; returns self."""
        self._thread = threading.Thread(target=self.serve_forever, name=f"bloomr-sandbox:{self.base_url}",
                                        daemon=True)
        self._thread.start()
        return self

    def serve_forever(self):
        """Serve in the calling thread until ``stop()`` is called from elsewhere."""
        self.server.serve_forever(poll_interval=0.05)

    def stop(self):
        """Stop serving and release the port (slow faults in flight are cut short)."""
        self.stopping.set()
        if self._thread:
            self.server.shutdown()
            self._thread.join(timeout=5)
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *_exc):
        self.stop()

    # -- test controls ------------------------------------------------------------------
    def records(self, collection):
        """Every record of a collection as the API serves it, in id order (copies)."""
        return self.dataset.records(collection)

    def mutate(self, collection="contacts", touch=0, add=0, delete=0):
        """Touch, add and delete records after start; see ``Dataset.mutate``."""
        return self.dataset.mutate(collection, touch, add, delete)

    def inject(self, fault, count=1):
        """The next ``count`` API requests get ``fault`` (``"500"``, ``"slow:2"``, ``"shift"``…)."""
        return self.faults.inject(fault, count)

    def openapi(self):
        """The OpenAPI document (served at ``/openapi.json`` when enabled)."""
        return document(self.dataset, self.auth, self.pager.style, self.base_url, f"{self.root_url}/oauth/token",
                        self.names)

    def request_log(self):
        """The last API requests (control endpoints excepted), oldest first."""
        with self._lock:
            return list(self._log)

    def log_request(self, method, path, credentials):
        """Log a request on arrival; the server fills in its status and fault."""
        entry = LoggedRequest(time.monotonic(), method, path, credentials)
        with self._lock:
            self._log.append(entry)
        return entry

    def count(self, what, detail=None):
        """Tally a request (``detail``: its method), a response status or another event."""
        with self._lock:
            self._counters[(what, detail)] += 1

    def stats(self):
        """Requests by method and status, writes, auth calls, rate-limit 429s, faults applied."""
        with self._lock:
            counters = dict(self._counters)

        def by(what):
            return {str(k[1]): v for k, v in sorted(counters.items(), key=lambda kv: str(kv[0][1]))
                    if k[0] == what}
        methods = by("requests")
        return {"requests": sum(methods.values()), "by_method": methods, "responses": by("status"),
                "writes": counters.get(("writes", None), 0), "auth_calls": counters.get(("auth_calls", None), 0),
                "rate_limited": counters.get(("rate_limited", None), 0), "faults": dict(self.faults.applied)}
