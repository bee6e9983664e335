"""Where a page's records, count and continuation sit in a REST answer, and how one page
of a profiled collection is requested and followed (the profiler and the client share it).

Styles: ``page`` (page number + size), ``offset`` (offset + size), ``cursor`` (a next
cursor in the body, sent back as a parameter), ``link`` (a ``Link: rel="next"`` header or
a next URL in the body), ``""`` (one page). The opaque resume cursor is the page number,
the offset, the API's cursor or the next URL, as text.
"""
from urllib.parse import urlsplit

RECORD_KEYS = ("data", "results", "items", "records", "value", "entries", "rows", "objects")
TOTAL_KEYS = ("total", "total_count", "totalCount", "count", "total_items", "totalItems",
              "total_results", "totalResults", "total_records", "totalRecords")
TOTAL_HEADERS = ("X-Total-Count", "X-Total", "Total-Count", "X-Total-Results")
MORE_KEYS = ("has_more", "hasMore", "has_next", "hasNext", "more")
SIZE_NAMES = ("per_page", "page_size", "limit", "pageSize", "size", "perPage", "per-page",
              "count", "take")
PAGE_NAMES = ("page", "page_number", "pageNumber", "p")
OFFSET_NAMES = ("offset", "skip", "start")
CURSOR_NAMES = ("cursor", "after", "page_token", "pageToken", "starting_after", "next",
                "continuation")
LINK_HEADER = "@link"  # params["next"] when the next URL is in the Link header


def value_at(body, path):
    """The value at a dotted ``path`` of a JSON body ("": the body), or None."""
    for part in filter(None, path.split(".")):
        if not isinstance(body, dict):
            return None
        body = body.get(part)
    return body


def records_path(body, name=""):
    """The dotted path of the record list in a body: ``""`` for a bare list, a known key,
    the collection's name, or the largest list of objects one level down; None if none."""
    if isinstance(body, list):
        return ""
    if not isinstance(body, dict):
        return None
    for key in (*RECORD_KEYS, name, name.replace("-", "_")):
        if isinstance(body.get(key), list):
            return key
    for key, inner in body.items():
        if isinstance(inner, dict):
            found = records_path(inner, name)
            if found:
                return f"{key}.{found}"
    lists = [(len(v), k) for k, v in body.items() if isinstance(v, list)
             and all(isinstance(item, dict) for item in v)]
    return max(lists)[1] if lists else None


def scalars(body, skip, depth=3, prefix=""):
    """(dotted path, value) of the non-list leaves of a body's envelope, ``skip`` (the
    records' path) left out, at most ``depth`` levels down."""
    if not isinstance(body, dict) or depth == 0:
        return
    for key, inner in body.items():
        path = f"{prefix}{key}"
        if path == skip:
            continue
        if isinstance(inner, dict):
            yield from scalars(inner, skip, depth - 1, f"{path}.")
        elif not isinstance(inner, list):
            yield path, inner


def total_of(body, headers, skip):
    """The record count the API announces (headers, then the body's envelope), or None."""
    for name in TOTAL_HEADERS:
        if str(headers.get(name, "")).isdigit():
            return int(headers[name])
    for path, value in scalars(body, skip):
        if path.rsplit(".", 1)[-1] in TOTAL_KEYS and isinstance(value, int) \
                and not isinstance(value, bool):
            return value
    return None


def _is_link(value):
    return isinstance(value, str) and (value.startswith(("http://", "https://", "/"))
                                       or "?" in value)


def next_link(body, links, skip):
    """Where the next URL is: (LINK_HEADER, url) from a ``Link`` header, or (path, url)
    from the body; None if neither."""
    if links.get("next", {}).get("url"):
        return LINK_HEADER, links["next"]["url"]
    for path, value in scalars(body, skip):
        words = path.lower().replace("_", ".").split(".")
        if "next" in words or "nextlink" in words or path.lower().endswith("nextlink"):
            if _is_link(value):
                return path, value
    return None


def next_cursor(body, skip):
    """(path, cursor) of a next cursor in the body's envelope (not a URL), or None."""
    for path, value in scalars(body, skip):
        last = path.rsplit(".", 1)[-1].lower()
        named = "cursor" in last or "token" in last or last in ("next", "after")
        if named and value not in (None, "") and not isinstance(value, bool) \
                and not _is_link(value):
            return path, str(value)
    return None


def more_path(body, skip):
    """The path of a "has more" flag in the envelope, or None."""
    for path, value in scalars(body, skip):
        if path.rsplit(".", 1)[-1] in MORE_KEYS and isinstance(value, bool):
            return path
    return None


def cursor_names(path):
    """Parameter names worth trying for a cursor found at ``path`` (``next_cursor`` →
    ``cursor``, ``nextPageToken`` → ``pageToken``...), then the usual ones."""
    last = path.rsplit(".", 1)[-1]
    derived = last
    for head in ("next_", "next", "Next"):
        if last.startswith(head) and len(last) > len(head):
            derived = last[len(head):]
            derived = derived[0].lower() + derived[1:]
            break
    return list(dict.fromkeys((derived, *CURSOR_NAMES)))


def request(collection, cursor, size, extra=None):
    """(path or absolute URL, query parameters) of the page at ``cursor`` (None: first)."""
    params = dict(extra or {})
    names = collection.params
    if names.get("size") and size:
        params[names["size"]] = size
    if collection.paging == "link" and cursor:
        return cursor, None
    if collection.paging == "page":
        params[names["page"]] = int(cursor) if cursor else names.get("first", 1)
    elif collection.paging == "offset":
        params[names["offset"]] = int(cursor) if cursor else 0
    elif collection.paging == "cursor" and cursor:
        params[names["cursor"]] = cursor
    return collection.path, params


def following(collection, cursor, size, records, body, links):
    """The resume cursor of the page after this one, or None if this is the last."""
    names = collection.params
    if not records:
        return None
    if names.get("more") and value_at(body, names["more"]) is False:
        return None
    full = len(records) >= size if names.get("size") and size else True
    if collection.paging == "page":
        first = names.get("first", 1)
        return str((int(cursor) if cursor else first) + 1) if full else None
    if collection.paging == "offset":
        return str((int(cursor) if cursor else 0) + len(records)) if full else None
    if collection.paging == "cursor":
        value = value_at(body, names.get("next", ""))
        return str(value) if value not in (None, "") and str(value) != cursor else None
    if collection.paging == "link":
        if names.get("next") == LINK_HEADER:
            return links.get("next", {}).get("url") or None
        value = value_at(body, names.get("next", ""))
        return value if _is_link(value) else None
    return None


def is_off_origin(url, origin_url):
    """Whether an absolute ``url`` leads away from ``origin_url`` (a relative one never)."""
    parts, home = urlsplit(url), urlsplit(origin_url)
    return bool(parts.netloc) and (parts.scheme, parts.netloc) != (home.scheme, home.netloc)
