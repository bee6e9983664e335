"""Fixtures and an HTTP client for the Bloomr sandbox tests (imported by ``test_bloomr_*.py``)."""

import pytest
import requests

from sandbox.bloomr import BloomrSandbox


class BloomrClient:
    """A requests session that authenticates the way the sandbox's ``--auth`` style asks."""

    def __init__(self, sandbox):
        self.sandbox, self.base = sandbox, sandbox.base_url
        self.session = requests.Session()
        creds, style = sandbox.credentials, sandbox.auth.style
        if style == "apikey":
            header = creds.get("key_header", "X-API-Key")
            self.session.headers[header] = (f"Token {creds['key']}" if header == "Authorization"
                                            else creds["key"])
        elif style == "bearer":
            self.session.headers["Authorization"] = f"Bearer {creds['token']}"
        elif style == "basic":
            self.session.auth = (creds["user"], creds["password"])
        elif style == "session":
            resp = self.session.post(f"{self.base}/auth/login", timeout=10,
                                     json={"email": creds["user"], "password": creds["password"]})
            assert resp.status_code == 200, resp.text
        else:
            resp = requests.post(creds["token_url"], timeout=10, data={
                "grant_type": "client_credentials", "client_id": creds["user"],
                "client_secret": creds["password"]})
            assert resp.status_code == 200, resp.text
            self.session.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"

    def get(self, path, **params):
        url = path if path.startswith("http") else self.base + path
        return self.session.get(url, params=params or None, timeout=10)

    def json(self, path, **params):
        resp = self.get(path, **params)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def all(self, collection, size=None, **params):
        """Every record of ``collection``, read page by page in the sandbox's paging style."""
        style, out = self.sandbox.pager.style, []
        size_name = {"page": "per_page", "offset": "limit", "cursor": "limit", "link": "page_size"}[style]
        if size:
            params[size_name] = size
        if style == "link":
            resp = self.get(f"/{collection}", **params)
            while True:
                assert resp.status_code == 200, resp.text
                out += resp.json()
                if "next" not in resp.links:
                    return out
                resp = self.get(resp.links["next"]["url"])
        page, cursor = 1, None
        while True:
            step = ({"page": page} if style == "page" else {"offset": len(out)} if style == "offset"
                    else {"cursor": cursor} if cursor else {})
            body = self.json(f"/{collection}", **params, **step)
            rows = body["results"] if style == "offset" else body["data"]
            out += rows
            if style == "cursor":
                if not body["has_more"]:
                    return out
                cursor = body["next_cursor"]
            elif not rows or (style == "page" and page >= body["meta"]["total_pages"]) \
                    or (style == "offset" and len(out) >= body["count"]):
                return out
            page += 1


@pytest.fixture(scope="session")
def bloomr():
    """A 130-contact account, API key auth, page paging, no rate limit."""
    with BloomrSandbox(seed=5, scale=130, rate_limit=0) as sb:
        yield sb


@pytest.fixture(scope="session")
def bloomr_client(bloomr):
    return BloomrClient(bloomr)


@pytest.fixture
def make_bloomr():
    """A factory of throw-away sandboxes (seed 11, scale 60, no rate limit), stopped afterwards."""
    started = []

    def make(**kwargs):
        sb = BloomrSandbox(**{"seed": 11, "scale": 60, "rate_limit": 0, **kwargs}).start()
        started.append(sb)
        return sb, BloomrClient(sb)
    yield make
    for sb in started:
        sb.stop()
