"""Record makers for users, companies and contacts: ``make_<collection>(acc, n)``."""

from sandbox.ploomes import brazil, refdata
from sandbox.ploomes.gen_people import slug
from sandbox.ploomes.rng import rng

from .layout import record_id
from .values import address, city, custom_values, owner, tag_ids, timestamps
from .vocab import ACCOUNT_DOMAIN, EMPLOYEE_BANDS, INDUSTRIES, JOB_TITLES

ROLES = ("admin", "manager", "rep")


def person_name(r):
    """(first name, last name), sometimes with two surnames."""
    first = r.choice(refdata.FEMALE_NAMES if r.random() < 0.5 else refdata.MALE_NAMES)
    last = r.choice(refdata.SURNAMES)
    if r.random() < 0.3:
        last = f"{r.choice(refdata.SURNAMES)} {last}"
    return first, last


def unique_email(acc, local, domain):
    """``local@domain``, numbered when the account already has that address."""
    email, k = f"{local}@{domain}", 1
    while email in acc.emails:
        k += 1
        email = f"{local}{k}@{domain}"
    acc.emails.add(email)
    return email


def make_users(acc, n):
    """A team member: the first one is the admin, the next two managers."""
    r = rng(acc.seed, "bloomr-user", n)
    first, last = person_name(r)
    return {"id": n, "name": f"{first} {last}",
            "email": unique_email(acc, f"{slug(first)}.{slug(last.split()[-1])}", ACCOUNT_DOMAIN),
            "role": ROLES[0] if n == 1 else ROLES[1] if n <= 3 else ROLES[2],
            "active": n <= 3 or r.random() > 0.15, **timestamps(r, 1500, 400)}


def make_companies(acc, n):
    """A customer company; some are subsidiaries of an earlier one."""
    r = rng(acc.seed, "bloomr-company", n)
    kind, word = r.choice(refdata.COMPANY_KINDS), r.choice(refdata.COMPANY_WORDS)
    place = city(r)
    name = f"{kind} {word} {r.choice(refdata.COMPANY_SUFFIXES)}"
    return {"id": record_id("companies", n), "name": name,
            "domain": f"{slug(word)}{slug(kind)[:5]}.com.br", "industry": r.choice(INDUSTRIES),
            "employees": r.choice(EMPLOYEE_BANDS), "cnpj": brazil.fmt_cnpj(brazil.make_cnpj(r)),
            "phone": brazil.make_phone(r, place[1], False)[0], "address": address(r, place),
            "parent_id": record_id("companies", r.randint(1, n - 1)) if n > 3 and r.random() < 0.1 else None,
            "owner_id": owner(acc, r), "tag_ids": tag_ids(r),
            "custom_fields": custom_values(r, "company", word), **timestamps(r)}


def make_contacts(acc, n):
    """A person, most often working at one of the companies (and e-mailed there)."""
    r = rng(acc.seed, "bloomr-contact", n)
    first, last = person_name(r)
    company = acc.get("companies", record_id("companies", r.randint(1, acc.sizes["companies"])))
    if r.random() < 0.15:
        company = None
    domain = company["domain"] if company and r.random() < 0.8 else r.choice(refdata.EMAIL_PROVIDERS)
    uf = company["address"]["state"] if company else city(r)[1]
    return {"id": record_id("contacts", n), "first_name": first, "last_name": last,
            "email": unique_email(acc, f"{slug(first)}.{slug(last.split()[-1])}", domain),
            "phone": brazil.make_phone(r, uf, False)[0] if r.random() < 0.7 else None,
            "mobile": brazil.make_phone(r, uf, True)[0] if r.random() < 0.8 else None,
            "job_title": r.choice(JOB_TITLES) if r.random() < 0.8 else None,
            "cpf": brazil.fmt_cpf(brazil.make_cpf(r)) if r.random() < 0.6 else None,
            "company_id": company["id"] if company else None, "owner_id": owner(acc, r),
            "address": address(r), "tag_ids": tag_ids(r),
            "custom_fields": custom_values(r, "contact", f"{first} {last}"), **timestamps(r)}
