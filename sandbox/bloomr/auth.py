"""The five auth styles of the invented API: who a request is, and the login/token endpoints.

* ``apikey``: the key in a header (``X-API-Key`` by default; ``Authorization: Token <key>``
  when the header chosen is ``Authorization``). No ``WWW-Authenticate`` on 401, except
  ``Token`` for the ``Authorization`` variant.
* ``bearer``: ``Authorization: Bearer <token>``.
* ``basic``: HTTP Basic with the admin's e-mail and password.
* ``session``: ``POST {prefix}/auth/login`` (JSON or form ``email``/``password``) sets the
  ``bloomr_session`` cookie, which the later requests carry.
* ``oauth``: ``POST /oauth/token`` (``grant_type=client_credentials`` with the client id and
  secret in the form or in Basic, or ``grant_type=refresh_token``) returns a Bearer token
  that lives ``token_ttl`` seconds.
"""

import base64
import binascii
import json
import threading
import time
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qsl

from sandbox.ploomes.rng import rng

STYLES = ("apikey", "bearer", "basic", "session", "oauth")
COOKIE = "bloomr_session"
REALM = 'realm="Bloomr"'


def _secret(seed, what, size=16):
    return rng(seed, "bloomr-secret", what).randbytes(size).hex()


def _basic(header):
    """(user, password) of a Basic ``Authorization`` header, or None."""
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def _bearer(header):
    scheme, _, value = (header or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def form_fields(body, content_type):
    """The fields of a JSON or form-encoded body (an empty dict when neither parses)."""
    if "json" in (content_type or ""):
        try:
            data = json.loads(body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    return dict(parse_qsl(body.decode("utf-8", "replace")))


class Auth:
    """Checks credentials of one style; issues sessions and OAuth tokens."""

    def __init__(self, style, seed, user, key_header="X-API-Key", token_ttl=3600.0, clock=time.monotonic):
        if style not in STYLES:
            raise ValueError(f"auth must be one of {', '.join(STYLES)}")
        self.style, self.key_header, self.token_ttl, self.clock = style, key_header, token_ttl, clock
        self.seed, self.user = seed, user
        self.key = f"bk_live_{_secret(seed, 'key', 12)}"
        self.token = f"bt_{_secret(seed, 'token')}"
        self.password = f"Bl00mr-{_secret(seed, 'password', 4)}"
        self.client_id = f"bloomr-client-{_secret(seed, 'client', 6)}"
        self.client_secret = _secret(seed, "client-secret")
        self._issued = {}  # session cookie or access token -> expiry (monotonic) or None
        self._refresh = set()
        self._count = 0
        self._lock = threading.Lock()

    def credentials(self):
        """What a client needs, keyed by the CLI flag names (token_url is added by the app)."""
        if self.style == "apikey":
            extra = {} if self.key_header == "X-API-Key" else {"key_header": self.key_header}
            return {"key": self.key, **extra}
        if self.style == "bearer":
            return {"token": self.token}
        if self.style == "oauth":
            return {"user": self.client_id, "password": self.client_secret}
        return {"user": self.user, "password": self.password}

    # -- checking requests --------------------------------------------------------------
    def identify(self, headers):
        """The credential a request authenticates with (the rate-limit key), or None."""
        if self.style == "apikey":
            value = headers.get(self.key_header) or ""
            if self.key_header.lower() == "authorization":
                scheme, _, value = value.partition(" ")
                value = value if scheme.lower() == "token" else ""
            return self.key if value.strip() == self.key else None
        if self.style == "bearer":
            return self.token if _bearer(headers.get("Authorization")) == self.token else None
        if self.style == "basic":
            return self.user if _basic(headers.get("Authorization")) == (self.user, self.password) else None
        if self.style == "session":
            return self._live(self._cookie(headers.get("Cookie")))
        return self.client_id if self._live(_bearer(headers.get("Authorization"))) else None

    @staticmethod
    def _cookie(header):
        try:
            jar = SimpleCookie(header or "")
        except CookieError:
            return None
        return jar[COOKIE].value if COOKIE in jar else None

    def _live(self, issued):
        with self._lock:
            if issued not in self._issued:
                return None
            expiry = self._issued[issued]
            return issued if expiry is None or self.clock() < expiry else None

    def challenge(self, headers, login_path):
        """``WWW-Authenticate`` headers of a 401 (none for a key in a custom header)."""
        sent = bool(headers.get("Authorization") or headers.get("Cookie"))
        if self.style == "apikey":
            return {"WWW-Authenticate": "Token"} if self.key_header.lower() == "authorization" else {}
        if self.style == "basic":
            return {"WWW-Authenticate": f"Basic {REALM}, charset=\"UTF-8\""}
        if self.style == "session":
            return {"WWW-Authenticate": f'Cookie {REALM}, form-action="{login_path}", cookie-name="{COOKIE}"'}
        error = ', error="invalid_token"' if sent else ""
        return {"WWW-Authenticate": f"Bearer {REALM}{error}"}

    # -- login and token endpoints ------------------------------------------------------
    def _issue(self, prefix, ttl):
        with self._lock:
            self._count += 1
            value = f"{prefix}{rng(self.seed, 'bloomr-issue', prefix, self._count).randbytes(16).hex()}"
            self._issued[value] = None if ttl is None else self.clock() + ttl
        return value

    def login(self, fields):
        """(status, body, headers) of ``POST {prefix}/auth/login``."""
        if self.style != "session":
            return 404, {"error": "not_found", "message": "This account does not use session login."}, {}
        email = fields.get("email") or fields.get("username")
        if (email, fields.get("password")) != (self.user, self.password):
            return 401, {"error": "unauthorized", "message": "Invalid e-mail or password."}, {}
        session = self._issue("s_", None)
        cookie = f"{COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax"
        return 200, {"user": {"email": self.user}, "session": "ok"}, {"Set-Cookie": cookie}

    def grant(self, fields, authorization):
        """(status, body, headers) of ``POST /oauth/token`` (RFC 6749 error bodies)."""
        if self.style != "oauth":
            return 404, {"error": "not_found", "message": "This account does not use OAuth."}, {}
        grant = fields.get("grant_type")
        if grant == "client_credentials":
            client = _basic(authorization) or (fields.get("client_id"), fields.get("client_secret"))
            if client != (self.client_id, self.client_secret):
                return 401, {"error": "invalid_client"}, {"WWW-Authenticate": f"Basic {REALM}"}
        elif grant == "refresh_token":
            with self._lock:
                known = fields.get("refresh_token") in self._refresh
            if not known:
                return 400, {"error": "invalid_grant", "error_description": "Unknown refresh token."}, {}
        else:
            return 400, {"error": "unsupported_grant_type"}, {}
        access = self._issue("at_", self.token_ttl)
        refresh = f"rt_{access[3:]}"
        with self._lock:
            self._refresh.add(refresh)
        return 200, {"access_token": access, "token_type": "Bearer", "expires_in": int(self.token_ttl),
                     "refresh_token": refresh}, {"Cache-Control": "no-store"}
