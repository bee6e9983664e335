"""The Ploomes sandbox's sliding-window limiter, plus the ``X-RateLimit-*`` headers Bloomr sends."""

import math

from sandbox.ploomes.ratelimit import RateLimiter


class HeaderLimiter(RateLimiter):
    """``admit(key)`` -> (allowed, headers); no headers when the limit is off (0).

    ``X-RateLimit-Reset`` is the number of seconds until the oldest request of the window
    leaves it; a 429 also gets ``Retry-After`` (seconds until a slot frees up).
    """

    def admit(self, key):
        """Count a request of ``key`` if the window has room; (allowed, headers)."""
        allowed, wait = self.check(key)
        if not self.limit:
            return True, {}
        with self._lock:
            hits = self._hits.get(key) or ()
            remaining = max(0, self.limit - len(hits))
            reset = hits[0] + self.window - self.clock() if hits else self.window
        headers = {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(remaining),
                   "X-RateLimit-Reset": str(max(0, math.ceil(reset)))}
        if not allowed:
            headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return allowed, headers
