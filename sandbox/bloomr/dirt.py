"""Dirty records on demand: a share ``dirt`` of contacts, companies and deals get one defect.

Defects: an invalid e-mail, CPF or CNPJ, a missing name or title, a dangling ``company_id``
/ ``contact_id`` / ``parent_id`` (an id no record has), an unknown ``owner_id`` and an e-mail
already used by the previous contact. Which record gets which defect is a function of the seed.
"""

from sandbox.ploomes import brazil
from sandbox.ploomes.rng import rng, unit

from .layout import record_id

DANGLING = 900_000  # dangling references point at ids from here on
UNKNOWN_USER = 9_000
KINDS = {
    "contacts": ("bad_email", "no_name", "dangling_company", "unknown_owner", "duplicate_email", "bad_cpf"),
    "companies": ("bad_cnpj", "no_name", "unknown_owner", "dangling_parent"),
    "deals": ("dangling_company", "dangling_contact", "unknown_owner", "no_title"),
}


def defect(seed, dirt, collection, n):
    """The defect of record ``n`` of ``collection`` (None for a clean one)."""
    if collection not in KINDS or unit(seed, "bloomr-dirt", collection, n) >= dirt:
        return None
    return rng(seed, "bloomr-defect", collection, n).choice(KINDS[collection])


def soil(acc, collection, n, rec):
    """``rec`` with its defect applied, if it has one (the record is changed in place)."""
    kind = defect(acc.seed, acc.dirt, collection, n)
    r = rng(acc.seed, "bloomr-soil", collection, n)
    if kind == "bad_email":
        user, _, domain = rec["email"].partition("@")
        rec["email"] = brazil.bad_email(r, user, domain)
    elif kind == "duplicate_email" and n > 1 and acc.table(collection):
        rec["email"] = acc.table(collection)[-1]["email"]
    elif kind == "no_name":
        rec.update({"first_name": None, "last_name": ""} if collection == "contacts" else {"name": ""})
    elif kind == "no_title":
        rec["title"] = ""
    elif kind == "bad_cpf":
        rec["cpf"] = brazil.fmt_cpf(brazil.make_cpf(r, valid=False))
    elif kind == "bad_cnpj":
        rec["cnpj"] = brazil.fmt_cnpj(brazil.make_cnpj(r, valid=False))
    elif kind == "unknown_owner":
        rec["owner_id"] = UNKNOWN_USER + n
    elif kind in ("dangling_company", "dangling_contact", "dangling_parent"):
        target = "contacts" if kind == "dangling_contact" else "companies"
        rec[kind.replace("dangling_", "") + "_id"] = record_id(target, DANGLING + n)
    return rec
