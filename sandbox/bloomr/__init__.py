"""An INVENTED Bloomr CRM API and CSV export, for tests and demos (pure Python, no Odoo).

Bloomr publishes no API documentation and nobody here can reach a real account: everything
below (paths, auth, paging, field names, export labels) is this sandbox's own plausible
design, not Bloomr's. Data is Brazilian, deterministic by seed; contacts = scale, companies
≈ scale/4, deals ≈ scale/2, calls and e-mails 2 per deal, meetings and tasks 1 per deal,
files scale/10.

    from sandbox.bloomr import BloomrSandbox
    with BloomrSandbox(seed=7, scale=200, auth="bearer", paging="cursor") as sb:
        requests.get(f"{sb.base_url}/contacts", headers={"Authorization": f"Bearer {sb.credentials['token']}"})

or ``python -m sandbox.bloomr --seed 7 --scale 200 --auth apikey --paging page`` (prints the
base URL and the credentials), and ``python -m sandbox.bloomr export --out DIR``.

**Paths** (under the prefix, default ``/api/v1``): ``GET``/``HEAD`` on ``/{collection}`` and
``/{collection}/{id}`` (a bare JSON object), ``GET /files/{id}/download`` (the bytes). Collections:
``contacts`` (``ct_000001``…), ``companies`` (``co_``), ``deals`` (``dl_``), ``calls`` (``ca_``),
``meetings`` (``mt_``), ``emails`` (``em_``), ``tasks`` (``tk_``), ``files`` (``fl_``) with string
ids; ``users``, ``pipelines``, ``stages``, ``tags``, ``custom_fields`` with integer ids. Every
record has ``created_at``/``updated_at`` (ISO 8601, -03:00); ``?updated_since=ISO`` keeps
``updated_at >=`` it. Contacts, companies and deals carry ``tag_ids`` and a sparse
``custom_fields`` object keyed by the definitions' ``key``; deal ``amount`` is a decimal string
in ``currency`` "BRL". ``/`` and the prefix itself answer an HTML page (the web app);
``/openapi.json`` only with ``openapi=True``. Unknown paths: 404 ``{"error", "message"}``.
Writes (POST/PUT/PATCH/DELETE) on data paths: 405 (read-only) and counted in ``stats()``.

**Auth** (``auth.py``): apikey, bearer, basic, session (``POST {prefix}/auth/login``) or oauth
(``POST /oauth/token``); 401 ``{"error": "unauthorized"}`` with a matching ``WWW-Authenticate``.
**Paging** (``paging.py``): 25 rows by default, at most 100, in id order. ``page``:
``?page=&per_page=`` -> ``{"data", "meta": {"page", "per_page", "total", "total_pages"}}``;
``offset``: ``?offset=&limit=`` -> ``{"results", "count", "offset", "limit"}``; ``cursor``:
``?cursor=&limit=`` -> ``{"data", "next_cursor", "has_more"}``; ``link``: ``?page=&page_size=``
-> a bare list with ``Link: <…>; rel="next"`` and ``X-Total-Count``.
**Rate limit**: ``rate_limit`` requests per ``rate_window`` seconds per credential,
``X-RateLimit-Limit/Remaining/Reset`` on authenticated answers, 429 with ``Retry-After``.
**Faults**: the Ploomes sandbox's ``FaultPlan`` syntax (``500=0.05,slow=0.1:5,shift=0.2``);
``shift`` moves pages after the first (page/offset/link paging). **Dirt** (``dirt.py``).
**Control** (``server.py``): ``/_sandbox/stats``, ``/_sandbox/mutate``, ``/_sandbox/inject``.
**CSV export** (``export.py``, ``columns.py``, ``plant.py``): ``contacts.csv``, ``companies.csv``,
``deals.csv``, ``stages.csv``, ``users.csv``, ``calls.csv``, ``meetings.csv``, ``emails.csv``,
``tasks.csv``, ``tags.csv`` with Portuguese UI labels ("ID", "Nome", "E-mail", "Empresa",
"ID da empresa", "Responsável", "Criado em"…), dates ``dd/mm/aaaa [hh:mm]``, money ``1.234,56``;
UTF-8, UTF-8 with BOM or Latin-1; ``,``, ``;`` or tab; optionally zipped. Dirty exports carry
malformed lines listed by ``export.planted_faults`` and in ``MANIFEST``.

Modules: ``app`` (BloomrSandbox), ``server`` (HTTP), ``api`` (routes, bodies), ``auth``,
``paging``, ``ratelimit``, ``openapi``, ``dataset`` (records and ``mutate``), ``layout`` (ids,
sizes), ``people``/``sales``/``activities`` (record makers), ``values``/``vocab`` (data),
``dirt``, ``export``/``columns``/``plant`` (the CSV export and its planted faults).
"""

from .app import BloomrSandbox

__all__ = ["BloomrSandbox"]
