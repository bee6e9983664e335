"""Fixtures of the Bloomr tests: sandboxes of the invented API (profiled once per module
and variant), tiny stdlib JSON servers, a fake clock."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from crm_migration.sources.bloomr.profile import PAGING_STYLES, Credentials
from crm_migration.sources.bloomr.profiler import profile_api

from sandbox.bloomr import BloomrSandbox

AUTHS = ("apikey", "bearer", "basic", "session", "oauth")
PAGINGS = PAGING_STYLES
SCALE = 60


def credentials_of(sb):
    """The sandbox's credentials as :class:`Credentials` (its ``key_header`` is ``header``)."""
    given = dict(sb.credentials)
    if "key_header" in given:
        given["header"] = given.pop("key_header")
    return Credentials(**given)


@pytest.fixture(scope="module")
def profiled():
    """``profiled(auth, paging, **options)``: (sandbox, profile, log lines), made once per
    module and variant; the sandboxes stop after the module."""
    made = {}

    def get(auth="apikey", paging="page", **options):
        key = (auth, paging, tuple(sorted(options.items())))
        if key not in made:
            sb = BloomrSandbox(seed=11, scale=SCALE, auth=auth, paging=paging, rate_limit=0,
                               **options).start()
            lines = []
            made[key] = sb, profile_api(sb.base_url, credentials_of(sb), rate=0,
                                        log=lines.append), lines
        return made[key]
    yield get
    for sb, _profile, _lines in made.values():
        sb.stop()


@pytest.fixture
def make_sandbox():
    """Start throw-away sandboxes (no rate limit unless asked); stop them after."""
    started = []

    def make(**options):
        sb = BloomrSandbox(**{"seed": 5, "scale": 30, "rate_limit": 0, **options})
        started.append(sb.start())
        return sb
    yield make
    for sb in started:
        sb.stop()


class JsonServer:
    """A stdlib HTTP server on 127.0.0.1: every request (GET, HEAD, POST) is answered by
    ``answer(path with query, headers)`` → (status, headers, body); a bytes body is sent
    as is, anything else as JSON. ``requests`` logs (method, path, headers)."""

    def __init__(self, answer):
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_GET(self):
                server.requests.append((self.command, self.path, dict(self.headers)))
                status, headers, body = answer(self.path, self.headers)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                headers = {"Content-Type": "application/json", **headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_HEAD = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def routes(table, default=(404, {}, {"error": "not found"})):
    """An ``answer`` of :class:`JsonServer` from a table: path (without query) →
    (status, headers, body)."""
    return lambda path, _headers: table.get(path.partition("?")[0], default)


@pytest.fixture
def json_server():
    """``json_server(answer)``: a started :class:`JsonServer`, closed after the test."""
    servers = []

    def make(answer):
        servers.append(JsonServer(answer))
        return servers[-1]
    yield make
    for server in servers:
        server.close()


class FakeTime:
    """A clock that only moves when slept on; remembers every sleep."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture
def fake_time():
    return FakeTime()
