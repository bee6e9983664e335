"""The text of an API profile, as the headless command prints it."""
from .profile import ApiProfile

PARAM_ROLES = ("page", "offset", "cursor", "size")


def _paging(collection):
    params = [collection.params[r] for r in PARAM_ROLES if collection.params.get(r)]
    text = collection.paging or "single page"
    if params:
        text += f" ({', '.join(params)})"
    if collection.page_cap:
        text += f", at most {collection.page_cap} a page"
    return text


def _name(collection):
    if collection.entity == collection.name:
        return collection.name
    return f"{collection.name} (read as {collection.entity or 'nothing: not read'})"


def _collection(collection):
    if not collection.ok:
        return [f"{_name(collection)}: HTTP {collection.status}"]
    count = "?" if collection.total is None else f"{collection.total:,}"
    head = [f"{_name(collection)}: {count} records", f"paging {_paging(collection)}",
            f"key {collection.record_key or '?'}",
            f"updated {collection.updated_at or '?'}"]
    if collection.delta_param:
        head.append(f"delta ?{collection.delta_param}=")
    lines = ["; ".join(head)]
    width = max((len(f.path) for f in collection.fields), default=0)
    for guess in collection.fields:
        kind = f"reference → {guess.reference}" if guess.reference else guess.type
        lines.append(f"    {guess.path:<{width}}  {kind}  ({guess.fill:.0%} filled)")
    return lines


def render_profile(profile: ApiProfile) -> str:
    """The auth style, then per collection its paging, count, key, updated-at field and
    fields with their types, then the problems."""
    auth = profile.auth
    lines = [f"API: {profile.base_url}",
             f"Auth: {auth.description or 'none worked'}"
             + (f"; the credential's user at /{auth.account_path}" if auth.account_path else "")]
    if profile.discovery:
        lines.append(f"OpenAPI document: {profile.discovery}")
    if profile.rate_limit:
        lines.append("Rate limit: " + ", ".join(f"{k}: {v}" for k, v in
                                                sorted(profile.rate_limit.items())))
    lines.append(f"Usable: {'yes' if profile.usable else 'no'}")
    for collection in profile.collections:
        lines.append("")
        lines.extend(_collection(collection))
    if profile.problems:
        lines += ["", "Problems:", *(f"  - {problem}" for problem in profile.problems)]
    return "\n".join(lines)
