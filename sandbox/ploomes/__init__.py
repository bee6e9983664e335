"""A faithful, deterministic Ploomes CRM API sandbox (pure Python, no Odoo import).

    from sandbox.ploomes import PloomesSandbox
    with PloomesSandbox(seed=7, scale=200, key="test-key") as sb:
        requests.get(f"{sb.base_url}/Contacts", headers={"User-Key": sb.key})

or ``python -m sandbox.ploomes --seed 7 --scale 200 --port 8099``.

Modules: ``app`` (PloomesSandbox), ``server`` (HTTP, auth, rate limit, faults, control
endpoints), ``api`` (paths, envelopes, paging, errors), ``odata`` (query-option parsers),
``evaluator`` (filter evaluation), ``query`` (planning, ordering, shaping), ``catalog``
(entity sets and navigations), ``store`` (generated views plus the overlay of changes),
``dataset`` (ground truth and ``mutate``), ``generator``/``gen_*`` (lazy records),
``layout`` (id ranges and counts), ``fields``/``lookups``/``refdata``/``brazil`` (data),
``faults``, ``ratelimit``, ``config`` (undocumented behaviours), ``files`` (file bytes).

Where the reference (``ploomes-api.md``) is unsure, the sandbox picks the safest reading
and makes it configurable (``config.Behaviour``): ``$top`` over 300 is capped with a
nextLink (or 400), ``@odata.nextLink`` when rows remain, OData-style error bodies,
``Retry-After`` on 429s, key-addressed GET served as a bare object. Unverified syntax
(``in``, ``has``, ``$inlinecount``, date-times without offset) is rejected with 400.
Field type ids 3/14/15/16 (date-time, user, contact, product references) are the
sandbox's own; e-mail attachments carry ``EntityId`` null (no id is documented).
"""

from .app import PloomesSandbox

__all__ = ["PloomesSandbox"]
