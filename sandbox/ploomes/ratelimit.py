"""Sliding-window rate limit per User-Key (120 requests per 60 s by default)."""

import threading
import time
from collections import deque


class RateLimiter:
    """Allows ``limit`` requests per ``window`` seconds per key; rejected requests do not count."""

    def __init__(self, limit, window=60.0, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, float(window), clock
        self._hits, self._lock = {}, threading.Lock()

    def check(self, key):
        """(allowed, seconds until a slot frees up)."""
        if not self.limit:
            return True, 0.0
        with self._lock:
            now = self.clock()
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False, hits[0] + self.window - now
            hits.append(now)
            return True, 0.0
