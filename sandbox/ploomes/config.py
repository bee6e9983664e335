"""Behaviours the reference is unsure about, configurable per sandbox (safest by default)."""

from dataclasses import dataclass

TOP_OVER_CAP = ("cap", "error")
NEXT_LINK = ("more", "truncated", "off")
ERROR_STYLES = ("odata", "aspnet")


@dataclass
class Behaviour:
    """How the sandbox answers where the API's behaviour is not documented.

    * ``page_cap``: maximum rows per page (300).
    * ``top_over_cap``: ``"cap"`` silently serves ``page_cap`` rows (plus a nextLink);
      ``"error"`` answers 400 like ASP.NET's MaxTop validation.
    * ``next_link``: ``"more"`` adds ``@odata.nextLink`` whenever rows remain after the
      page; ``"truncated"`` only when the server served fewer rows than asked ($top absent
      or over the cap); ``"off"`` never.
    * ``error_style``: ``"odata"`` -> ``{"error": {"code": "", "message": ...}}``;
      ``"aspnet"`` -> ``{"Message": ...}``.
    * ``retry_after``: send ``Retry-After`` on rate-limit 429s.
    * ``key_lookup``: serve ``GET /Entity(id)``; when False it answers 400 (the reference
      reports it unsupported by one integration).
    """

    page_cap: int = 300
    top_over_cap: str = "cap"
    next_link: str = "more"
    error_style: str = "odata"
    retry_after: bool = True
    key_lookup: bool = True

    def __post_init__(self):
        for name, allowed in (("top_over_cap", TOP_OVER_CAP), ("next_link", NEXT_LINK),
                              ("error_style", ERROR_STYLES)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}")
