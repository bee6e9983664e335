"""Fixtures of the client's tests: throw-away sandboxes, a second HTTP server that
records what it receives, a fake clock, and a guard against connections off loopback."""
import ipaddress
import socket
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sandbox.ploomes import PloomesSandbox

KEY = "k3y-0f-the-test-account"


@pytest.fixture
def make_sandbox():
    """Start sandboxes (unlimited rate unless asked, User-Key ``KEY``); stop them after."""
    started = []

    def make(**options):
        sb = PloomesSandbox(**{"seed": 5, "scale": 100, "key": KEY, "rate_limit": 0, **options})
        started.append(sb.start())
        return sb
    yield make
    for sb in started:
        sb.stop()


class Recorder:
    """An HTTP/1.0 server on another 127.0.0.1 port: logs every request, answers the
    queued ``replies`` (status, headers, body), then ``body``."""

    body = b"%PDF-1.4 not really a pdf\n" * 8

    def __init__(self):
        self.requests = []  # (method, path, {lower-case header: value})
        self.replies = deque()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_GET(self):
                recorder.requests.append(
                    (self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
                status, headers, body = (recorder.replies.popleft() if recorder.replies else
                                         (200, {"Content-Length": str(len(recorder.body))},
                                          recorder.body))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def url(self, path):
        return self.base_url + path

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder():
    rec = Recorder()
    yield rec
    rec.close()


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


@pytest.fixture
def only_loopback(monkeypatch):
    """Fail the test on any attempt to connect to an address that is not loopback."""
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guard(original):
        def checked(sock, address):
            if sock.family in (socket.AF_INET, socket.AF_INET6) and \
                    not ipaddress.ip_address(address[0]).is_loopback:
                pytest.fail(f"a connection to {address} was attempted")
            return original(sock, address)
        return checked
    monkeypatch.setattr(socket.socket, "connect", guard(connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guard(connect_ex))
