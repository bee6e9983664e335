"""``PloomesSandbox``: one deterministic Ploomes account served over HTTP on localhost."""

import threading
from collections import Counter

from .api import PloomesApi
from .catalog import Catalog
from .config import Behaviour
from .dataset import Dataset
from .faults import FaultPlan
from .files import content_type, file_bytes
from .generator import Generator
from .query import QueryEngine
from .ratelimit import RateLimiter
from .server import SandboxServer


class PloomesSandbox:
    """A local Ploomes API: ``start()`` serves it in a background thread.

    ``behaviour`` keywords (see ``config.Behaviour``): ``page_cap``, ``top_over_cap``,
    ``next_link``, ``error_style``, ``retry_after``, ``key_lookup``.
    """

    def __init__(self, seed=1, scale=100, key="sandbox-key", port=0, rate_limit=120,
                 rate_window=60.0, dirt=0.0, faults="", host="127.0.0.1", **behaviour):
        self.seed, self.scale, self.key = int(seed), int(scale), key
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
