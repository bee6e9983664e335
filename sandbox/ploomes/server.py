"""HTTP handling: User-Key auth, rate limit, faults, the API, files and control endpoints.

Outside the Ploomes surface (no User-Key, never faulted):

* ``POST /_sandbox/mutate`` body ``{"entity": "Contacts", "touch": 3, "add": 2, "delete": 1}``
* ``POST /_sandbox/inject`` body ``{"fault": "500", "count": 1}``
* ``POST /_sandbox/redirect`` body ``{"location": "http://…", "count": 1, "status": 302}``
* ``GET /_sandbox/stats``
* ``GET /_files/<attachment id>/<file name>`` and ``GET /_files/documents/<name>``
"""

import contextlib
import json
import math
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from .api import Response, parse_query

STATUS_FAULTS = {"408": 408, "429": 429, "429noretry": 429, "500": 500, "502": 502, "503": 503, "504": 504}
HTML_STATUS = {502: "502 Bad Gateway", 503: "503 Service Unavailable", 504: "504 Gateway Timeout"}
FAULT_MESSAGES = {408: "The request timed out.", 429: "Too many requests.", 500: "An error has occurred."}
REFUSAL_MESSAGES = {
    403: "The user does not have permission to access this resource.",
    404: "No HTTP resource was found that matches the request URI '{url}'.",
}


class Handler(BaseHTTPRequestHandler):
    """One HTTP/1.1 connection of the sandbox."""

    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""
    _entry = None  # the request-log entry of the request being answered

    def log_message(self, *_args):
        """Quiet: tests and benchmarks would drown in access logs."""

    def setup(self):
        res = super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no Nagle stalls on keep-alive
        return res

    @property
    def app(self):
        return self.server.app

    # -- verbs --------------------------------------------------------------------------
    def do_GET(self):
        path, _, query = self.path.partition("?")
        self._entry = None
        if path.startswith("/_sandbox/"):
            return self._control("GET", path)
        self._entry = self.app.log_request(self.command, self.path, "User-Key" in self.headers)
        redirect = self.app.next_redirect()
        if redirect:
            location, status = redirect
            return self._write(status, b"", "text/plain", {"Location": location})
        if path.startswith("/_files/"):
            return self._file(path)
        return self._api(path, query)

    def do_POST(self):
        path = self.path.partition("?")[0]
        self._entry = None
        if path.startswith("/_sandbox/"):
            return self._control("POST", path)
        self._entry = self.app.log_request(self.command, self.path, "User-Key" in self.headers)
        return self._read_only()

    do_PATCH = do_PUT = do_DELETE = do_POST

    def _read_only(self):
        self._body()
        self._send(self.app.api.error(405, "The sandbox is read-only: only GET is supported."), api=True)

    # -- the API ------------------------------------------------------------------------
    def _api(self, path, query):
        app = self.app
        app.count("requests")
        key = self.headers.get("User-Key")
        if key != app.key:
            return self._send(app.api.error(401, "Authorization has been denied for this request."), api=True)
        allowed, wait = app.limiter.check(key)
        if not allowed:
            app.count("rate_limited")
            limiter = app.limiter
            resp = app.api.error(429, f"API rate limit exceeded: {limiter.limit} requests per {limiter.window:g} s.")
            if app.behaviour.retry_after:
                resp.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return self._send(resp, api=True)
        refused = app.refusal(path)
        if refused:
            return self._send(app.api.error(refused, REFUSAL_MESSAGES[refused].format(
                url=f"{app.base_url}{path}")), api=True)
        fault = app.faults.next()
        name = fault.name if fault else None
        if name in STATUS_FAULTS:
            self._record(fault)
            return self._send(self._fault_response(fault), api=True)
        if name == "drop":
            self._record(fault)
            return self._drop()
        if name == "slow":
            self._record(fault)
            app.stopping.wait(fault.param)
        shift = 0
        if name == "shift" and self._paged(query):
            self._record(fault)
            shift = fault.shift
        resp = app.api.get(path, query, shift)
        body, ctype = resp.encode()
        if name in ("truncate", "malformed") and resp.status == 200:
            self._record(fault)
            body = body[:len(body) // 2] if name == "truncate" else body[:-1] + b",}"
        self._write(resp.status, body, ctype, resp.headers, api=True)

    def _fault_response(self, fault):
        status = STATUS_FAULTS[fault.name]
        if status in HTML_STATUS:
            page = (f"<html><head><title>{HTML_STATUS[status]}</title></head>"
                    f"<body><h1>{HTML_STATUS[status]}</h1></body></html>")
            return Response(status, page.encode(), {"Content-Type": "text/html"})
        resp = self.app.api.error(status, FAULT_MESSAGES[status])
        if fault.name == "429":
            resp.headers["Retry-After"] = str(max(1, math.ceil(fault.param)))
        return resp

    def _record(self, fault):
        """Count an applied fault and note it in the request log."""
        self.app.faults.record(fault)
        self._entry.fault = fault.name

    @staticmethod
    def _paged(query):
        skip = dict(parse_query(query)).get("$skip", "0")
        return skip.isdigit() and int(skip) > 0

    def _drop(self):
        self.close_connection = True
        with contextlib.suppress(OSError):  # already closed by the client
            self.connection.shutdown(socket.SHUT_RDWR)

    # -- files and control --------------------------------------------------------------
    def _file(self, path):
        parts = path.split("/", 3)
        found = self.app.file(unquote(parts[2]), unquote(parts[3])) if len(parts) == 4 else None
        if found is None:
            return self._write(404, b"Not found", "text/plain", {})
        data, ctype = found
        self._write(200, data, ctype, {})

    def _control(self, method, path):
        action = path[len("/_sandbox/"):].strip("/")
        try:
            if method == "GET" and action == "stats":
                result = self.app.stats()
            elif method == "POST" and action == "mutate":
                result = self.app.mutate(**self._json_body())
            elif method == "POST" and action == "inject":
                body = self._json_body()
                result = {"queued": self.app.inject(body["fault"], body.get("count", 1))}
            elif method == "POST" and action == "redirect":
                body = self._json_body()
                result = {"queued": self.app.redirect(body["location"], body.get("count", 1),
                                                      body.get("status", 302))}
            else:
                return self._send(Response(404, {"error": f"unknown control endpoint {method} {path}"}))
        except (ValueError, KeyError, TypeError) as exc:
            return self._send(Response(400, {"error": str(exc)}))
        self._send(Response(200, result))

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _json_body(self):
        raw = self._body()
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError as exc:
            raise ValueError(f"invalid JSON body: {exc}") from exc
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        return body

    # -- output -------------------------------------------------------------------------
    def _send(self, resp, api=False):
        body, ctype = resp.encode()
        self._write(resp.status, body, ctype, resp.headers, api)

    def _write(self, status, body, ctype, headers, api=False):
        if api:
            self.app.count(status)
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
