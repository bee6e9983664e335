"""Collections of the invented Bloomr account: their order, id styles and sizes by scale."""

# Dependency order: a collection only refers to collections before it.
COLLECTIONS = ("users", "pipelines", "stages", "tags", "custom_fields", "companies", "contacts",
               "deals", "calls", "meetings", "emails", "tasks", "files")
# Prefixed string ids ("ct_000042") for business objects; plain integers for the rest.
PREFIXES = {"companies": "co", "contacts": "ct", "deals": "dl", "calls": "ca", "meetings": "mt",
            "emails": "em", "tasks": "tk", "files": "fl"}
ID_WIDTH = 6


def record_id(collection, n):
    """The id of the ``n``-th record (from 1) of a collection."""
    prefix = PREFIXES.get(collection)
    return f"{prefix}_{n:0{ID_WIDTH}d}" if prefix else n


def seq_of(collection, rid):
    """The sequence number behind an id (an int, or a text as it came in a URL); None if alien."""
    text = str(rid)
    prefix = PREFIXES.get(collection)
    if prefix:
        head, _, digits = text.partition("_")
        return int(digits) if head == prefix and digits.isdigit() else None
    return int(text) if text.isdigit() else None


def sizes(scale, fixed):
    """Record counts by collection: contacts = scale, the rest proportional.

    ``fixed`` holds the sizes of the reference tables (pipelines, stages, tags, custom fields).
    """
    scale = max(1, int(scale))
    deals = max(1, scale // 2)
    return {**fixed, "users": min(40, 3 + scale // 25), "companies": max(1, scale // 4),
            "contacts": scale, "deals": deals, "calls": 2 * deals, "meetings": deals,
            "emails": 2 * deals, "tasks": deals, "files": max(1, scale // 10)}
