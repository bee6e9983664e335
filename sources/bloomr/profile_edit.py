"""The API profile as the admin reviews and edits it: one row per collection (the object
it is read as, how it is paged, its record key and update date), and the edited rows
written back into the profile. Auth and paths stay the probe's: they say where the key goes.
"""
from ...mapping.spec import ApiProbe
from ..errors import InvalidConfiguration
from .profile import PAGING_STYLES, ApiProfile
from .render import render_profile

#: Paging parameters each style needs, by role (``next``: where the next cursor or URL is).
NEEDED_PARAMS = {"page": ("page",), "offset": ("offset",), "cursor": ("cursor", "next"),
                 "link": ("next",)}
#: What a row holds that the admin may change.
EDITABLE = ("entity", "paging", "params", "page_cap", "records_path", "record_key",
            "updated_at", "delta_param")


def params_text(params):
    """``{"page": "page", "size": "per_page"}`` -> ``"page=page, size=per_page"``."""
    return ", ".join(f"{role}={name}" for role, name in params.items())


def parse_params(text, collection):
    """The paging parameters of ``text`` (``role=name, ...``), or InvalidConfiguration."""
    params = {}
    for pair in filter(None, (part.strip() for part in (text or "").split(","))):
        role, sep, name = (part.strip() for part in pair.partition("="))
        if not sep or not role or not name:
            raise InvalidConfiguration(
                f"{collection}: paging parameters are written role=name, separated by commas "
                f"(e.g. page=page, size=per_page), not {pair!r}.")
        params[role] = name
    return params


def profile_rows(data):
    """The collections of a stored profile as rows to review."""
    return [{
        "name": c.name, "path": c.path, "status": c.status, "total": c.total,
        "entity": c.entity, "paging": c.paging, "params": params_text(c.params),
        "page_cap": c.page_cap, "records_path": c.records_path, "record_key": c.record_key,
        "updated_at": c.updated_at, "delta_param": c.delta_param,
        "fields": "\n".join(f"{f.path}: {f'reference → {f.reference}' if f.reference else f.type}"
                            for f in c.fields),
    } for c in ApiProfile.from_dict(data).collections]


def edit_profile(data, rows):
    """The :class:`~mapping.spec.ApiProbe` of a stored profile with the rows' edits, or
    InvalidConfiguration saying in plain words what cannot be read that way."""
    profile = ApiProfile.from_dict(data)
    by_name = {c.name: c for c in profile.collections}
    readers = {}
    for row in rows:
        collection = by_name.get(row["name"])
        if collection is None:
            raise InvalidConfiguration(f"The API profile has no collection {row['name']!r}: "
                                       f"probe the API again.")
        values = {name: row.get(name) for name in EDITABLE}
        values["params"] = parse_params(values["params"], collection.name)
        values["page_cap"] = values["page_cap"] or None
        for name in ("entity", "paging", "records_path", "record_key", "updated_at", "delta_param"):
            values[name] = (values[name] or "").strip()
        _check(collection.name, values)
        if values["entity"]:
            readers.setdefault(values["entity"], []).append(collection.name)
        for name, value in values.items():
            setattr(collection, name, value)
    check_read_once(readers, "collection")
    return ApiProbe(profile.as_dict(), render_profile(profile), profile.usable)


def check_read_once(readers, what):
    """InvalidConfiguration when an object is read from two places (``readers``: {object:
    [collection or file names]})."""
    twice = {entity: names for entity, names in readers.items() if len(names) > 1}
    if twice:
        raise InvalidConfiguration(f"An object is read from one {what} only: " + "; ".join(
            f"{entity} from {' and '.join(names)}" for entity, names in sorted(twice.items())))


def _check(name, values):
    paging = values["paging"]
    if paging and paging not in PAGING_STYLES:
        raise InvalidConfiguration(f"{name}: unknown paging style {paging!r} "
                                   f"(known: {', '.join(PAGING_STYLES)}, or none).")
    missing = [role for role in NEEDED_PARAMS.get(paging, ()) if not values["params"].get(role)]
    if missing:
        raise InvalidConfiguration(
            f"{name}: {paging} paging needs the parameter{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (role=name).")
    if values["page_cap"] is not None and values["page_cap"] < 1:
        raise InvalidConfiguration(f"{name}: the page cap is a number of records, at least 1.")
    if values["delta_param"] and not values["updated_at"]:
        raise InvalidConfiguration(f"{name}: a delta filter needs the field of the update date.")
