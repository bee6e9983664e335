"""HTTP helpers shared by the sandbox tests."""

import requests


class Client:
    """A requests session that sends the sandbox's User-Key."""

    def __init__(self, sandbox, key=None):
        self.base = sandbox.base_url
        self.session = requests.Session()
        self.session.headers["User-Key"] = key or sandbox.key

    def get(self, path, timeout=30, **params):
        url = path if path.startswith("http") else self.base + path
        return self.session.get(url, params=params or None, timeout=timeout)

    def json(self, path, **params):
        resp = self.get(path, **params)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def values(self, path, **params):
        return self.json(path, **params)["value"]


def odata(**options):
    """``$``-prefixed query parameters: odata(top=5) -> {"$top": 5}."""
    return {f"${k}": v for k, v in options.items()}
