"""HTTP handling: public pages, auth endpoints, auth, rate limit, faults and control endpoints.

Outside the API (no auth, never faulted, not counted as requests):

* ``GET /_sandbox/stats``
* ``POST /_sandbox/mutate`` body ``{"collection": "contacts", "touch": 3, "add": 2, "delete": 1}``
* ``POST /_sandbox/inject`` body ``{"fault": "500", "count": 1}``
"""

import contextlib
import json
import math
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from sandbox.ploomes.server import HTML_STATUS, STATUS_FAULTS

from .api import Response, error, html
from .auth import form_fields

READS = ("GET", "HEAD")
FAULT_CODES = {408: ("timeout", "The request timed out."), 429: ("rate_limited", "Too many requests."),
               500: ("internal_error", "Something went wrong on our side.")}


class Handler(BaseHTTPRequestHandler):
    """One HTTP/1.1 connection of the sandbox."""

    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    _entry = None  # the request-log entry of the request being answered

    def version_string(self):
        return self.server_version

    def log_message(self, *_args):
        """Quiet: tests would drown in access logs."""

    def setup(self):
        res = super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return res

    @property
    def app(self):
        return self.server.app

    def do_GET(self):
        self._entry = None
        path, _, query = self.path.partition("?")
        if path.startswith("/_sandbox/"):
            return self._control(path)
        body = b"" if self.command in READS else self._body()
        self._entry = self.app.log_request(self.command, self.path, self._carries_credentials())
        self.app.count("requests", self.command)
        return self._route(path, query, body)

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _carries_credentials(self):
        auth = self.app.auth
        return any(self.headers.get(h) for h in ("Authorization", "Cookie", auth.key_header))

    # -- routing ------------------------------------------------------------------------
    def _route(self, path, query, body):
        app, prefix = self.app, self.app.prefix
        if path in ("/", prefix, f"{prefix}/") and self.command in READS:
            return self._send(html())
        if path == "/openapi.json" and self.command in READS:
            return self._send(Response(200, app.openapi()) if app.openapi_enabled
                              else error(404, "not_found", "No route for /openapi.json."))
        if path in ("/oauth/token", f"{prefix}/auth/login"):
            return self._auth_endpoint(path, body)
        if self.command not in READS:
            app.count("writes")
        if not path.startswith(f"{prefix}/"):
            return self._send(error(404, "not_found", f"No route for {path}."))
        identity = app.auth.identify(self.headers)
        if identity is None:
            return self._send(error(401, "unauthorized", "Missing or invalid credentials.",
                                    app.auth.challenge(self.headers, f"{prefix}/auth/login")))
        allowed, limits = app.limiter.admit(identity)
        if not allowed:
            app.count("rate_limited")
            return self._send(error(429, "rate_limited", "Rate limit exceeded.", limits))
        if self.command not in READS:
            return self._send(error(405, "method_not_allowed", "The sandbox is read-only.",
                                    {**limits, "Allow": "GET, HEAD"}))
        return self._api(path[len(prefix):], dict(parse_qsl(query, keep_blank_values=True)), limits)

    def _auth_endpoint(self, path, body):
        app = self.app
        app.count("auth_calls")
        if self.command != "POST":
            return self._send(error(405, "method_not_allowed", "Use POST.", {"Allow": "POST"}))
        fields = form_fields(body, self.headers.get("Content-Type"))
        if path == "/oauth/token":
            status, payload, headers = app.auth.grant(fields, self.headers.get("Authorization"))
        else:
            status, payload, headers = app.auth.login(fields)
        return self._send(Response(status, payload, headers))

    # -- the API, with faults -----------------------------------------------------------
    def _api(self, path, params, limits):
        app = self.app
        fault = app.faults.next()
        name = fault.name if fault else None
        if name in STATUS_FAULTS:
            self._record(fault)
            return self._send(self._fault_response(fault, limits))
        if name == "drop":
            self._record(fault)
            return self._drop()
        if name == "slow":
            self._record(fault)
            app.stopping.wait(fault.param)
        resp, shifted = app.api.get(path, params, fault.shift if name == "shift" else 0)
        if shifted:
            self._record(fault)
        resp.headers.update(limits)
        body, ctype = resp.encode()
        if name in ("truncate", "malformed") and resp.status == 200 and ctype.startswith("application/json"):
            self._record(fault)
            body = body[:len(body) // 2] if name == "truncate" else body[:-1] + b",}"
        return self._write(resp.status, body, ctype, resp.headers)

    def _fault_response(self, fault, limits):
        status = STATUS_FAULTS[fault.name]
        if status in HTML_STATUS:
            title = HTML_STATUS[status]
            return html(f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>", status)
        code, message = FAULT_CODES[status]
        resp = error(status, code, message, limits)
        if fault.name == "429":
            resp.headers["Retry-After"] = str(max(1, math.ceil(fault.param)))
        return resp

    def _record(self, fault):
        self.app.faults.record(fault)
        self._entry.fault = fault.name

    def _drop(self):
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    # -- control ------------------------------------------------------------------------
    def _control(self, path):
        action = path[len("/_sandbox/"):].strip("/")
        try:
            if self.command == "GET" and action == "stats":
                result = self.app.stats()
            elif self.command == "POST" and action == "mutate":
                result = self.app.mutate(**self._json_body())
            elif self.command == "POST" and action == "inject":
                body = self._json_body()
                result = {"queued": self.app.inject(body["fault"], body.get("count", 1))}
            else:
                return self._send(error(404, "not_found", f"Unknown control endpoint {self.command} {path}."),
                                  count=False)
        except (ValueError, KeyError, TypeError) as exc:
            return self._send(error(400, "invalid_request", str(exc)), count=False)
        return self._send(Response(200, result), count=False)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _json_body(self):
        try:
            body = json.loads(self._body() or b"{}")
        except json.JSONDecodeError as exc:
            raise ValueError(f"invalid JSON body: {exc}") from exc
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        return body

    # -- output -------------------------------------------------------------------------
    def _send(self, resp, count=True):
        body, ctype = resp.encode()
        self._write(resp.status, body, ctype, resp.headers, count)

    def _write(self, status, body, ctype, headers, count=True):
        if count:
            self.app.count("status", status)
        if self._entry:
            self._entry.status = status
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                if name != "Content-Type":
                    self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class SandboxServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its sandbox."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, app):
        self.app = app
        super().__init__(address, Handler)
