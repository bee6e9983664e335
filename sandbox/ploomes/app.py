"""``PloomesSandbox``: one deterministic Ploomes account served over HTTP on localhost."""

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass

from urllib.parse import unquote_plus

from .api import PATH, PloomesApi
from .catalog import Catalog
from .config import Behaviour
from .dataset import Dataset
from .faults import FaultPlan
from .files import content_type, file_bytes
from .generator import Generator
from .query import QueryEngine
from .ratelimit import RateLimiter
from .server import SandboxServer

LOG_SIZE = 10_000
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
REFUSAL_STATUSES = (403, 404)


@dataclass
class LoggedRequest:
    """A request to the API or the files, as the sandbox received it."""

    at: float  # time.monotonic() on arrival
    method: str
    path: str  # with its query string
    keyed: bool  # whether it carried a User-Key header (right or wrong)
    status: int | None = None  # None: no answer (dropped connection, or still in flight)
    fault: str | None = None  # the fault applied to it


class PloomesSandbox:
    """A local Ploomes API: ``start()`` serves it in a background thread.

    ``behaviour`` keywords (see ``config.Behaviour``): ``page_cap``, ``top_over_cap``,
    ``next_link``, ``error_style``, ``retry_after``, ``key_lookup``. ``refuse``:
    ``{entity set: 403 or 404}`` answered to every request of that set, as an account
    whose key may not read it (or without that module) does; a test may change it
    while serving. Test controls: ``inject`` (faults), ``redirect``, ``mutate``,
    ``stats`` and ``request_log``.
    """

    def __init__(self, seed=1, scale=100, key="sandbox-key", port=0, rate_limit=120,
                 rate_window=60.0, dirt=0.0, faults="", host="127.0.0.1", refuse=None, **behaviour):
        self.seed, self.scale, self.key = int(seed), int(scale), key
        self.refuse = {name: int(status) for name, status in (refuse or {}).items()}
        if set(self.refuse.values()) - set(REFUSAL_STATUSES):
            raise ValueError(f"refused entity sets answer one of {REFUSAL_STATUSES}")
        self.behaviour = Behaviour(**behaviour)
        self.faults = FaultPlan(self.seed, faults)
        self.limiter = RateLimiter(rate_limit, rate_window)
        self.generator = Generator(self.seed, self.scale, dirt)
        self.server = SandboxServer((host, port), self)
        self.base_url = f"http://{host}:{self.server.server_address[1]}"
        self.generator.base_url = self.base_url
        self.catalog = Catalog(self.generator, key)
        self.engine = QueryEngine(self.catalog)
        self.api = PloomesApi(self.catalog, self.engine, self.behaviour, self.base_url)
        self.dataset = Dataset(self.seed, self.catalog)
        self.stopping = threading.Event()
        self._counters = Counter()
        self._log = deque(maxlen=LOG_SIZE)
        self._redirects = deque()
        self._lock = threading.Lock()
        self._thread = None

    def start(self):
        """Serve in a daemon thread; returns self."""
        self._thread = threading.Thread(target=self.serve_forever, name=f"ploomes-sandbox:{self.base_url}",
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
    def inject(self, fault, count=1):
        """The next ``count`` API requests get ``fault`` (``"500"``, ``"slow:2"``...)."""
        return self.faults.inject(fault, count)

    def redirect(self, location, count=1, status=302):
        """The next ``count`` API or file requests are answered ``status`` to ``location``."""
        if int(status) not in REDIRECT_STATUSES:
            raise ValueError(f"status must be one of {REDIRECT_STATUSES}")
        with self._lock:
            self._redirects.extend([(str(location), int(status))] * int(count))
            return len(self._redirects)

    def next_redirect(self):
        """(location, status) of the next queued redirect, or None."""
        with self._lock:
            return self._redirects.popleft() if self._redirects else None

    def request_log(self):
        """The last API and file requests (control endpoints excepted), oldest first."""
        with self._lock:
            return list(self._log)

    def log_request(self, method, path, keyed):
        """Log a request on arrival; the server fills in its status and fault."""
        entry = LoggedRequest(time.monotonic(), method, path, keyed)
        with self._lock:
            self._log.append(entry)
        return entry

    def mutate(self, entity="Contacts", touch=0, add=0, delete=0):
        """Change records after start; see ``Dataset.mutate``."""
        return self.dataset.mutate(entity, touch, add, delete)

    def stats(self):
        """Requests served, responses by status, faults applied by kind and rate-limit 429s."""
        with self._lock:
            counters = dict(self._counters)
        return {"requests": counters.get("requests", 0), "rate_limited": counters.get("rate_limited", 0),
                "responses": {str(k): counters[k] for k in sorted(k for k in counters if isinstance(k, int))},
                "faults": dict(self.faults.applied)}

    def refusal(self, path):
        """The status answered to ``path`` when its entity set is refused, else None."""
        match = PATH.match(unquote_plus(path))
        return self.refuse.get(match.group("set")) if match else None

    def count(self, what):
        """Tally an API request, a rate-limit rejection or a response status (int)."""
        with self._lock:
            self._counters[what] += 1

    def file(self, first, name):
        """(bytes, content type) behind an attachment ``Url`` or a document URL, or None."""
        if first == "documents":
            return file_bytes(self.seed, "documents", name), content_type(name)
        if not first.isdigit():
            return None
        rec = self.catalog.sets["Attachments"].get(int(first))
        if rec is None or rec["FileName"] != name:
            return None
        return file_bytes(self.seed, rec["Id"], name), rec["ContentType"]
