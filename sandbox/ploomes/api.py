"""The Ploomes REST surface: paths, query options, envelopes and OData errors (no HTTP here)."""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote_plus

from .odata import QueryError, parse_options
from .query import context_fragment

PATH = re.compile(r"^/(?P<set>[A-Za-z@]+(?:/GetDeletedDeals)?)(?:\((?P<key>[^)]*)\))?/?$")
QUERY_SAFE = "$,()'/:@;="


@dataclass
class Response:
    status: int
    body: object = None
    headers: dict = field(default_factory=dict)

    def encode(self):
        """(body bytes, content type)."""
        if isinstance(self.body, bytes):
            return self.body, self.headers.get("Content-Type", "application/octet-stream")
        return (json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                "application/json; odata.metadata=minimal; charset=utf-8")


class ApiError(Exception):
    """An error answered with the configured error body."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def parse_query(raw):
    """[(name, value)] of a query string; ``+`` is a space, ``%2B`` a plus."""
    pairs = []
    for part in filter(None, raw.split("&")):
        name, _, value = part.partition("=")
        pairs.append((unquote_plus(name), unquote_plus(value)))
    return pairs


def encode_query(pairs):
    """A query string clients can send back as-is."""
    return "&".join(f"{quote(k, safe='$')}={quote(v, safe=QUERY_SAFE)}" for k, v in pairs)


class PloomesApi:
    """Answers GET requests on the Ploomes paths."""

    def __init__(self, catalog, engine, behaviour, base_url):
        self.catalog, self.engine, self.behaviour, self.base_url = catalog, engine, behaviour, base_url

    def error(self, status, message):
        """An error response in the configured style."""
        body = ({"error": {"code": "", "message": message}} if self.behaviour.error_style == "odata"
                else {"Message": message})
        return Response(status, body)

    def get(self, path, raw_query, shift=0):
        """Response to ``GET path?raw_query``; ``shift`` applies the page-shift fault."""
        try:
            return self._get(path, raw_query, shift)
        except QueryError as exc:
            return self.error(400, str(exc))
        except ApiError as exc:
            return self.error(exc.status, str(exc))

    def _get(self, path, raw_query, shift):
        m = PATH.match(unquote_plus(path))
        if not m or m.group("set") not in self.catalog.sets:
            raise ApiError(404, f"No HTTP resource was found that matches the request URI '{self.base_url}{path}'.")
        pairs = parse_query(raw_query)
        opts = parse_options(dict(pairs))
        set_name = m.group("set")
        if m.group("key") is not None:
            return self._single(set_name, m.group("key"), opts)
        return self._collection(set_name, pairs, opts, shift)

    def _single(self, set_name, key, opts):
        if not self.behaviour.key_lookup:
            raise ApiError(400, "Key-addressed GET is not supported; use $filter=Id eq <id>.")
        if set_name == "Fields" and re.fullmatch(r"'[^']*'", key):
            row = next((f for f in self.catalog.sets["Fields"].records if f["Key"] == key[1:-1]), None)
            rid = None if row is None else row["Id"]
        elif re.fullmatch(r"-?\d+", key):
            rid = int(key)
        else:
            raise QueryError(f"Invalid key '{key}'.")
        rec = None if rid is None else self.engine.single(set_name, rid, opts)
        if rec is None:
            raise ApiError(404, f"No {set_name} record with key {key}.")
        context = f"{self.base_url}/$metadata#{set_name}/$entity"
        return Response(200, {"@odata.context": context, **rec})

    def _collection(self, set_name, pairs, opts, shift):
        cap, requested = self.behaviour.page_cap, opts.top
        if requested is not None and requested > cap and self.behaviour.top_over_cap == "error":
            raise QueryError(f"The limit of '{cap}' for Top query has been exceeded. "
                             f"The value from the incoming request is '{requested}'.")
        size = cap if requested is None else min(requested, cap)
        page = self.engine.page(set_name, opts, size, shift)
        type_name = self.catalog.type_of(set_name)
        body = {"@odata.context": f"{self.base_url}/$metadata#{context_fragment(set_name, opts)}"}
        if page.count is not None:
            body["@odata.count"] = page.count
        body["value"] = [self.engine.shape(type_name, rec, opts) for rec in page.rows]
        link = self._next_link(set_name, pairs, requested, page)
        if link:
            body["@odata.nextLink"] = link
        return Response(200, body)

    def _next_link(self, set_name, pairs, requested, page):
        """URL of the next page, per the ``next_link`` behaviour (None when there is none)."""
        mode, served = self.behaviour.next_link, len(page.rows)
        truncated = requested is None or requested > served
        if mode == "off" or not page.more or not served or (mode == "truncated" and not truncated):
            return None
        rest = [(k, v) for k, v in pairs if k not in ("$skip", "$top")]
        rest.append(("$skip", str(page.skip + served)))
        if requested is not None:
            rest.append(("$top", str(requested - served if requested > served else requested)))
        return f"{self.base_url}/{set_name}?{encode_query(rest)}"
