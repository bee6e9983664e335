"""The invented Bloomr REST surface behind auth: collections, single records, file downloads."""

import json
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlencode

from sandbox.ploomes.files import file_bytes

from .dataset import parse_instant
from .layout import COLLECTIONS
from .paging import BadParameter

HOME_PAGE = """<!DOCTYPE html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>Bloomr — CRM para pequenas equipes</title>
<script src="/static/app.js" defer></script></head>
<body><div id="app">Carregando o Bloomr…</div>
<noscript>Ative o JavaScript para usar o Bloomr.</noscript></body></html>
"""


@dataclass
class Response:
    """Status, body (JSON-able, or bytes with a Content-Type header) and headers."""

    status: int
    body: object = None
    headers: dict = field(default_factory=dict)

    def encode(self):
        """(body bytes, content type)."""
        if isinstance(self.body, bytes):
            return self.body, self.headers.get("Content-Type", "application/octet-stream")
        return json.dumps(self.body, ensure_ascii=False).encode(), "application/json; charset=utf-8"


def error(status, code, message, headers=None):
    """A JSON error: ``{"error": code, "message": message}``."""
    return Response(status, {"error": code, "message": message}, dict(headers or {}))


def html(page=HOME_PAGE, status=200):
    """An HTML answer (the web app, a gateway error page)."""
    return Response(status, page.encode(), {"Content-Type": "text/html; charset=utf-8"})


def disposition(name):
    """``Content-Disposition`` of a download: an ASCII fallback plus the UTF-8 name (RFC 6266)."""
    fallback = name.encode("ascii", "replace").decode().replace('"', "'")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def served_name(collection, names):
    """The name ``collection`` is served under (``names``: {collection: other name})."""
    return (names or {}).get(collection, collection)


class BloomrApi:
    """Answers authenticated GET requests on paths below the prefix."""

    def __init__(self, dataset, pager, base_url, names=None):
        self.dataset, self.pager, self.base_url = dataset, pager, base_url
        self.served = {served_name(name, names): name for name in COLLECTIONS}

    def get(self, path, params, shift=0):
        """(Response, whether a shift applied) to ``GET {prefix}{path}`` with ``params`` (a dict)."""
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if not parts or parts[0] not in self.served or len(parts) > 3:
            return error(404, "not_found", f"No route for {path}."), False
        collection = self.served[parts[0]]
        if len(parts) == 1:
            try:
                return self._collection(collection, path, params, shift)
            except BadParameter as exc:
                return error(400, "invalid_parameter", str(exc)), False
        rec = self.dataset.get(collection, parts[1])
        if rec is None:
            return error(404, "not_found", f"No {collection} record with id {parts[1]}."), False
        if len(parts) == 2:
            return Response(200, rec), False
        if collection == "files" and parts[2] == "download":
            data = file_bytes(self.dataset.seed, rec["id"], rec["name"])
            return Response(200, data, {"Content-Type": rec["content_type"],
                                        "Content-Disposition": disposition(rec["name"])}), False
        return error(404, "not_found", f"No route for {path}."), False

    def _collection(self, collection, path, params, shift):
        since = None
        if params.get("updated_since"):
            try:
                since = parse_instant(params["updated_since"])
            except ValueError:
                raise BadParameter("'updated_since' must be an ISO 8601 date-time") from None
        rows = self.dataset.rows(collection, since)

        def after(rows, rid):
            return self.dataset.position_after(collection, rows, rid)

        def next_url(changes):
            return f"{self.base_url}{path}?{urlencode({**params, **changes})}"

        body, headers, shifted = self.pager.page(rows, params, after, next_url, shift)
        return Response(200, body, headers), shifted
