"""The four paging styles; a page is cut from the collection's rows in id order.

* ``page``: ``?page=N&per_page=M`` -> ``{"data": [...], "meta": {"page", "per_page", "total",
  "total_pages"}}``.
* ``offset``: ``?offset=O&limit=M`` -> ``{"results": [...], "count", "offset", "limit"}``.
* ``cursor``: ``?cursor=C&limit=M`` -> ``{"data": [...], "next_cursor", "has_more"}``; the
  cursor is opaque (it encodes the last id served); repeat the other parameters with it.
* ``link``: ``?page=N&page_size=M`` -> a bare list, ``Link: <url>; rel="next"`` (absolute,
  keeping the other parameters) while rows remain, and ``X-Total-Count``.

Sizes default to 25 and are clamped to 100. ``shift`` (the page-shift fault) moves the start
of a page that is not the first one by one row (-1 repeats a row, +1 skips one); cursors are
keyset-based and not shifted.
"""

import base64
import binascii
import json
import math

STYLES = ("page", "offset", "cursor", "link")
DEFAULT_SIZE, MAX_SIZE = 25, 100
SIZE_PARAM = {"page": "per_page", "offset": "limit", "cursor": "limit", "link": "page_size"}


class BadParameter(ValueError):
    """A paging parameter that is not a valid number or cursor (answered 400)."""


def _int(params, name, default, minimum):
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"'{name}' must be an integer") from None
    if value < minimum:
        raise BadParameter(f"'{name}' must be at least {minimum}")
    return value


def encode_cursor(rid):
    """The opaque cursor that continues after ``rid``."""
    return base64.urlsafe_b64encode(json.dumps({"after": rid}).encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """The id a cursor continues after."""
    try:
        return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["after"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise BadParameter("invalid cursor") from None


class Pager:
    """Cuts pages in one style. ``after(rows, rid)`` finds a cursor's position in ``rows``."""

    def __init__(self, style):
        if style not in STYLES:
            raise ValueError(f"paging must be one of {', '.join(STYLES)}")
        self.style = style

    def start_and_size(self, params):
        """(start index or None for a cursor request, page size, page number or offset)."""
        size = min(MAX_SIZE, _int(params, SIZE_PARAM[self.style], DEFAULT_SIZE, 1))
        if self.style == "offset":
            offset = _int(params, "offset", 0, 0)
            return offset, size, offset
        if self.style == "cursor":
            return None, size, None
        page = _int(params, "page", 1, 1)
        return (page - 1) * size, size, page

    def page(self, rows, params, after, next_url, shift=0):
        """(body, headers, whether the shift applied) of one page of ``rows``.

        ``after(rows, rid)`` is the index after a cursor's id; ``next_url(changes)`` the
        absolute URL of this request with ``changes`` to its query.
        """
        start, size, where = self.start_and_size(params)
        if start is None:
            cursor = params.get("cursor")
            start = after(rows, decode_cursor(cursor)) if cursor else 0
            chunk = rows[start:start + size]
            more = start + size < len(rows)
            return {"data": chunk, "next_cursor": encode_cursor(chunk[-1]["id"]) if more and chunk else None,
                    "has_more": more}, {}, False
        shifted = bool(shift) and start > 0
        begin = max(0, start + shift) if shifted else start
        chunk, total = rows[begin:begin + size], len(rows)
        if self.style == "page":
            meta = {"page": where, "per_page": size, "total": total, "total_pages": math.ceil(total / size)}
            return {"data": chunk, "meta": meta}, {}, shifted
        if self.style == "offset":
            return {"results": chunk, "count": total, "offset": where, "limit": size}, {}, shifted
        headers = {"X-Total-Count": str(total)}
        if start + size < total:
            headers["Link"] = f'<{next_url({"page": where + 1, "page_size": size})}>; rel="next"'
        return chunk, headers, shifted
