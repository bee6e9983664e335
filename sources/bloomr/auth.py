"""Auth styles: the attempts worth making with given credentials, and the headers,
token calls and login calls of the style that works."""
import base64
from urllib.parse import urljoin

from ..errors import AuthenticationError, InvalidConfiguration
from ..http import check_base_url, check_header_value, final, json_body, transient
from .profile import AuthProfile

KEY_HEADERS = ("X-API-Key", "Api-Key", "X-Api-Token")
SCHEMES = frozenset({"basic", "bearer", "token", "oauth2", "digest", "negotiate", "apikey"})
LOGIN_PATHS = ("auth/login", "login", "sessions", "api/session", "session", "auth/session")
TOKEN_KEYS = ("access_token", "token", "session_token", "accessToken", "sessionToken", "jwt")


def check_credentials(credentials):
    """The credentials with header-bound values checked (and stripped)."""
    for name in ("key", "token", "header", "refresh_token"):
        value = getattr(credentials, name)
        if value is not None:
            setattr(credentials, name, check_header_value(value, name.replace("_", " ")) or None)
    if not (credentials.key or credentials.token or credentials.refresh_token
            or (credentials.user and credentials.password)):
        raise InvalidConfiguration(
            "No credentials were given: an API key, a token, or a user and a password.")
    return credentials


def describe(auth):
    """An auth style for people."""
    if auth.style == "apikey" and auth.scheme:
        return f"API key in the {auth.header} header ({auth.scheme} scheme)"
    return {
        "apikey": f"API key in the {auth.header} header",
        "bearer": "Bearer token in the Authorization header",
        "oauth": f"OAuth2 client credentials (token from {auth.token_url})",
        "oauth-refresh": f"OAuth2 refresh token (token from {auth.token_url})",
        "basic": "HTTP Basic (user and password)",
        "session": f"session after a login call to /{auth.login_path}",
        "none": "no authentication needed",
    }.get(auth.style, "no auth style worked")


def _hinted(hints, auth):
    """Whether ``hints`` (WWW-Authenticate schemes, OpenAPI schemes, header names, all
    lower case) point at ``auth``."""
    names = {auth.style, auth.scheme.lower(), auth.header.lower()}
    if auth.style.startswith("oauth"):
        names.add("oauth2")
    return bool(names & hints - {""})


def attempts(credentials, hints=frozenset()):
    """The auth styles worth trying with ``credentials``, hinted ones first."""
    found = []
    key = credentials.key or credentials.token
    if credentials.key:
        headers = [credentials.header, *sorted(hints - SCHEMES), *KEY_HEADERS]
        seen = set()
        for header in filter(None, headers):
            if header.lower() not in seen and header.lower() != "authorization":
                seen.add(header.lower())
                found.append(AuthProfile("apikey", header=header))
        if (credentials.header or "").lower() == "authorization":
            found.insert(0, AuthProfile("apikey", header="Authorization"))
        found.append(AuthProfile("apikey", header="Authorization", scheme="Token"))
    if key:
        found.append(AuthProfile("bearer", header="Authorization", scheme="Bearer"))
    if credentials.token and not credentials.key:
        found.append(AuthProfile("apikey", header="Authorization", scheme="Token"))
    if credentials.token_url and credentials.refresh_token:
        found.append(AuthProfile("oauth-refresh", token_url=credentials.token_url))
    if credentials.user and credentials.password:
        if credentials.token_url:
            found.append(AuthProfile("oauth", token_url=credentials.token_url))
        found.append(AuthProfile("basic", header="Authorization", scheme="Basic"))
        found.append(AuthProfile("session"))
    found.sort(key=lambda auth: not _hinted(hints, auth))
    for auth in found:
        auth.description = describe(auth)
    return found


def hints_of(headers):
    """Lower-case scheme names of a 401's ``WWW-Authenticate`` header."""
    value = headers.get("WWW-Authenticate", "")
    return {part.strip().split(" ")[0].lower() for part in value.split(",")
            if part.strip() and "=" not in part.strip().split(" ")[0]}


class Authenticator:
    """Produces the auth headers of one style, calling the token or login endpoint when
    the style needs it (again on :meth:`renew`)."""

    def __init__(self, auth, credentials, transport, origin_url):
        self.auth = auth
        self.credentials = credentials
        self.transport = transport
        self.origin_url = origin_url
        self._bearer = None

    def headers(self):
        """The headers of an authenticated request (may call the token/login endpoint)."""
        auth, creds = self.auth, self.credentials
        if auth.style == "apikey":
            return {auth.header: f"{auth.scheme} {creds.key or creds.token}".strip()}
        if auth.style == "bearer":
            return {"Authorization": f"Bearer {creds.token or creds.key}"}
        if auth.style == "basic":
            pair = f"{creds.user}:{creds.password}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
        if auth.style in ("oauth", "oauth-refresh", "session") and self._bearer is None:
            self.renew()
        return {"Authorization": f"Bearer {self._bearer}"} if self._bearer else {}

    def renew(self):
        """Get a new token or session; False if the style has nothing to renew."""
        if self.auth.style.startswith("oauth"):
            self._bearer = self._token()
        elif self.auth.style == "session":
            self._bearer = self._login()
        else:
            return False
        return True

    def _token(self):
        """An access token from the token URL (client credentials or refresh token)."""
        creds = self.credentials
        url = check_base_url(urljoin(self.origin_url + "/", creds.token_url), "token",
                             "Give the full token URL, e.g. https://auth.example.com/token.")
        if self.auth.style == "oauth-refresh":
            form = {"grant_type": "refresh_token", "refresh_token": creds.refresh_token}
            if creds.user:
                form.update(client_id=creds.user, client_secret=creds.password or "")
        else:
            form = {"grant_type": "client_credentials", "client_id": creds.user,
                    "client_secret": creds.password}
        body = self.transport.call("POST", url, self._read_token, data=form)
        if body.get("refresh_token"):
            creds.refresh_token = body["refresh_token"]
            self.transport.secrets.append(body["refresh_token"])
        self.transport.secrets.append(body["access_token"])
        return body["access_token"]

    def _read_token(self, response, text):
        transient(response, f"The token URL answered HTTP {response.status_code}")
        body = None
        if response.status_code < 400:
            body = json_body(response, f"{text} answered with a body that is not JSON")
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise AuthenticationError(
                f"The token URL {text} refused the OAuth client id and secret or the refresh "
                f"token (HTTP {response.status_code}); check them with the API's admin.")
        return body

    def post_login(self, path, body_kind, names):
        """POST the user and password to a login ``path`` (from the origin) as a
        ``body_kind`` ("json" or "form") body of field ``names``: the answer."""
        creds = self.credentials
        payload = {names[0]: creds.user, names[1]: creds.password}
        sent = {"json": payload} if body_kind == "json" else {"data": payload}
        return self.transport.call("POST", urljoin(self.origin_url + "/", path), final, **sent)

    def adopt(self, response):
        """Whether a login answer opened a session (a cookie or a token); keeps the token."""
        token = session_token(response)
        if token:
            self.transport.secrets.append(token)
        self._bearer = token
        return 200 <= response.status_code < 300 and bool(token or response.cookies
                                                          or self.transport.session.cookies)

    def _login(self):
        """The session token ("" for a cookie session) of a new login; refused: raises."""
        auth = self.auth
        response = self.post_login(auth.login_path, auth.login_body, auth.login_fields)
        if not self.adopt(response):
            raise AuthenticationError(
                f"The login call /{auth.login_path} refused the user and password "
                f"(HTTP {response.status_code}); check them.")
        return self._bearer


def session_token(response):
    """The token a login answer's JSON body carries (also under ``data``), or ""."""
    try:
        body = response.json()
    except ValueError:
        return ""
    for holder in (body, body.get("data") if isinstance(body, dict) else None):
        if isinstance(holder, dict):
            for key in TOKEN_KEYS:
                if isinstance(holder.get(key), str) and holder[key]:
                    return holder[key]
    return ""
