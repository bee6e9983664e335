"""Record makers for the reference tables (pipelines, stages, tags, custom fields) and deals."""

from datetime import timedelta

from sandbox.ploomes import refdata
from sandbox.ploomes.rng import REFERENCE, rng

from .layout import record_id
from .values import custom_values, iso, owner, stamps, tag_ids, timestamps
from .vocab import CUSTOM_FIELDS, LOST_REASONS, PIPELINES, STAGES, TAG_COLORS, TAGS


def make_pipelines(acc, n):
    """A sales pipeline."""
    pid, name = PIPELINES[n - 1]
    return {"id": pid, "name": name, "is_default": pid == 1,
            **timestamps(rng(acc.seed, "bloomr-pipeline", n), 1800, 1200)}


def make_stages(acc, n):
    """A stage of a pipeline, with its order, probability and won/lost flags."""
    sid, pid, name, probability, won, lost = STAGES[n - 1]
    order = [s[0] for s in STAGES if s[1] == pid].index(sid) + 1
    return {"id": sid, "name": name, "pipeline_id": pid, "pipeline": dict(PIPELINES)[pid],
            "order": order, "probability": probability, "is_won": won, "is_lost": lost,
            **timestamps(rng(acc.seed, "bloomr-stage", n), 1800, 1200)}


def make_tags(acc, n):
    """A tag any contact, company or deal can carry."""
    return {"id": n, "name": TAGS[n - 1], "color": TAG_COLORS[n - 1],
            **timestamps(rng(acc.seed, "bloomr-tag", n), 1500, 300)}


def make_custom_fields(acc, n):
    """A custom field definition."""
    obj, key, label, kind, options = CUSTOM_FIELDS[n - 1]
    return {"id": n, "object": obj, "key": key, "label": label, "type": kind,
            "options": list(options), "required": False,
            **timestamps(rng(acc.seed, "bloomr-field", n), 1500, 300)}


def _stage(r):
    pipeline = 1 if r.random() < 0.8 else 2
    return r.choice([s for s in STAGES if s[1] == pipeline])


def make_deals(acc, n):
    """A deal in BRL; won and lost deals closed in the past, open ones maybe in the future."""
    r = rng(acc.seed, "bloomr-deal", n)
    sid, pid, _, probability, won, lost = _stage(r)
    contact = acc.get("contacts", record_id("contacts", r.randint(1, acc.sizes["contacts"])))
    company_id = contact["company_id"] if contact else None
    if company_id is None and r.random() < 0.5:
        company_id = record_id("companies", r.randint(1, acc.sizes["companies"]))
    created, updated = stamps(r)
    if won or lost:
        close = (created + (updated - created) * r.random()).date().isoformat()
    else:
        close = (REFERENCE + timedelta(days=r.randint(5, 120))).date().isoformat() if r.random() < 0.8 else None
    title = r.choice(refdata.DEAL_SUBJECTS)
    return {"id": record_id("deals", n), "title": title,
            "amount": f"{r.randint(5, 5000) * 100 + r.randrange(100) / 100:.2f}", "currency": "BRL",
            "pipeline_id": pid, "stage_id": sid, "status": "won" if won else "lost" if lost else "open",
            "probability": probability, "close_date": close, "company_id": company_id,
            "contact_id": contact["id"] if contact and r.random() < 0.9 else None,
            "owner_id": owner(acc, r), "lost_reason": r.choice(LOST_REASONS) if lost else None,
            "tag_ids": tag_ids(r), "custom_fields": custom_values(r, "deal", title, 0.5),
            "created_at": iso(created), "updated_at": iso(updated)}
