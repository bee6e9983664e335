"""Value helpers shared by the record makers: timestamps, addresses, owners, tags, custom fields."""

from datetime import timedelta

from sandbox.ploomes import brazil, refdata
from sandbox.ploomes.gen_people import slug
from sandbox.ploomes.rng import BRT, REFERENCE, days_before, moment

from .vocab import COMPETITORS, CUSTOM_FIELDS, TAGS

CITY_WEIGHTS = [c[3] for c in refdata.CITIES]
CEP_RANGE = {uf: (lo, hi) for _, _, uf, _, _, lo, hi in refdata.STATES}


def iso(dt):
    """ISO 8601 in the account's timezone, whole seconds: 2025-03-14T10:22:31-03:00."""
    return dt.astimezone(BRT).replace(microsecond=0).isoformat()


def stamps(r, oldest=900, newest=5):
    """(created_at, updated_at) datetimes, at or before the reference instant."""
    created = moment(r, days_before(oldest), days_before(newest))
    return created, moment(r, created, REFERENCE)


def timestamps(r, oldest=900, newest=5):
    """``created_at``/``updated_at`` as a record carries them."""
    created, updated = stamps(r, oldest, newest)
    return {"created_at": iso(created), "updated_at": iso(updated)}


def after(r, start, max_days):
    """An instant up to ``max_days`` after ``start``, never past the reference instant."""
    return moment(r, start, min(REFERENCE, start + timedelta(days=max_days)))


def city(r):
    """(name, UF) of a city, biased towards big ones."""
    name, uf, _, _ = r.choices(refdata.CITIES, CITY_WEIGHTS)[0]
    return name, uf


def address(r, place=None):
    """A Bloomr address object."""
    name, uf = place or city(r)
    cep = f"{brazil.make_cep(r, *CEP_RANGE[uf]):08d}"
    return {"street": r.choice(refdata.STREETS), "number": str(r.randint(1, 4000)),
            "complement": r.choice([None, None, "Sala 12", "Bloco B", "Galpão 3", "Apto 41"]),
            "district": r.choice(refdata.NEIGHBORHOODS), "city": name, "state": uf,
            "zip": f"{cep[:5]}-{cep[5:]}", "country": "Brasil"}


def owner(acc, r):
    """The id of a user owning a record."""
    return r.randint(1, acc.sizes["users"])


def tag_ids(r, most=2):
    """Up to ``most`` tag ids, sorted."""
    return sorted(r.sample(range(1, len(TAGS) + 1), r.randint(0, most)))


def _custom_value(r, key, kind, options, context):
    if kind == "date":
        return (days_before(r.randint(300, 20000))).date().isoformat()
    if kind == "money":
        return f"{r.randint(100, 50_000) * 1000 + r.randrange(100) / 100:.2f}"
    if kind == "number":
        return r.randint(1, 250)
    if kind == "boolean":
        return r.random() < 0.5
    if kind == "option":
        return r.choice(options)
    if kind == "url":
        return (f"https://www.linkedin.com/in/{slug(context)}" if key == "linkedin"
                else f"https://docs.example/propostas/{slug(context)}.pdf")
    return brazil.make_ie(r) if key == "inscricao_estadual" else r.choice(COMPETITORS)


def custom_values(r, obj, context, fill=0.7):
    """A sparse ``custom_fields`` object for ``obj`` (contact, company or deal).

    ``context`` is a name to derive texts and URLs from.
    """
    values = {}
    for target, key, _label, kind, options in CUSTOM_FIELDS:
        if target == obj and r.random() < fill:
            value = _custom_value(r, key, kind, options, context)
            if value is not None:
                values[key] = value
    return values
