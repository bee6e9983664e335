"""OpenAPI / Swagger documents: where they usually are, and the collections, prefix and
auth hints they declare."""
from urllib.parse import urlsplit

PATHS = ("openapi.json", "swagger.json", "v3/api-docs", "api-docs", "api/openapi.json",
         "api/swagger.json", "swagger/v1/swagger.json", "docs/openapi.json")
ACCOUNT_PATHS = ("me", "users/me", "account", "auth/me", "user")
NOT_COLLECTIONS = ("login", "logout", "auth", "token", "oauth", "session", "sessions",
                   "openapi", "swagger", "docs", "health", "status", "ping", "me", "account")


def is_document(body):
    """Whether a JSON body is an OpenAPI 3 or Swagger 2 document."""
    return isinstance(body, dict) and isinstance(body.get("paths"), dict) and (
        "openapi" in body or "swagger" in body)


def prefix_of(doc):
    """The path the document's paths are relative to (``servers[0].url`` or ``basePath``)."""
    servers = doc.get("servers") or [{}]
    url = servers[0].get("url", "") if isinstance(servers[0], dict) else ""
    return (urlsplit(url).path or doc.get("basePath") or "").strip("/")


def _listable(path, item):
    return isinstance(item, dict) and "get" in item and "{" not in path


def collections(doc):
    """Collection paths (relative to the document's prefix) with a GET and no path
    parameter, auth and account endpoints left out."""
    found = []
    for path, item in doc["paths"].items():
        relative = path.strip("/")
        if relative and _listable(path, item) and relative.split("/")[0] not in NOT_COLLECTIONS \
                and relative not in ACCOUNT_PATHS:
            found.append(relative)
    return found


def account_path(doc):
    """The endpoint of the credential's own user, if the document declares one ("")."""
    paths = {path.strip("/"): item for path, item in doc["paths"].items()}
    return next((p for p in ACCOUNT_PATHS if _listable(p, paths.get(p))), "")


def hints(doc):
    """Lower-case auth hints of the security schemes: header names of API keys, http
    schemes (``bearer``, ``basic``), ``oauth2``."""
    schemes = (doc.get("components") or {}).get("securitySchemes") \
        or doc.get("securityDefinitions") or {}
    found = set()
    for scheme in schemes.values():
        if not isinstance(scheme, dict):
            continue
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            found.add(str(scheme.get("name", "")).lower())
        elif scheme.get("type") == "http":
            found.add(str(scheme.get("scheme", "")).lower())
        elif scheme.get("type") in ("oauth2", "basic"):
            found.add(scheme["type"])
    return found - {""}
