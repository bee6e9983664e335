"""Users, contacts (companies and people) and their phones."""

import unicodedata
from collections import namedtuple

from . import brazil, refdata
from .layout import BASE, CHILD_BASE, STRIDE
from .rng import REFERENCE, days_before, fmt_date, fmt_dt, moment, rng, unit
from .schema import CONTACT, USER, blank

Identity = namedtuple("Identity", "name email domain legal_name")
STATE_BY_UF = {uf: (sid, lat, lon, lo, hi) for sid, _, uf, lat, lon, lo, hi in refdata.STATES}
STATE_BY_ID = {sid: uf for sid, _, uf, *_ in refdata.STATES}
ACCOUNT_DOMAIN = "sandbox-equipamentos.example"
HTML_NOTES = [
    "<p>{s}</p><script>alert('xss')</script>",
    "<div onclick=\"steal()\">{s}</div><script src=\"https://evil.example/x.js\"></script>",
    "<b>Importante:</b> {s}<br><img src=x onerror=\"alert(1)\"><a href=\"javascript:void(0)\">link</a>",
    "<table><tr><td>{s}</td></tr></table><style>body{{display:none}}</style>",
]


def slug(text):
    """ASCII, lower-case, alphanumerics and dots only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_text.lower() if c.isalnum() or c == ".").strip(".")


def _note(r, sentences=3):
    return " ".join(r.choice(refdata.NOTE_SENTENCES) for _ in range(r.randint(1, sentences)))


def big_text(r, size=10240):
    """A note of at least ``size`` characters."""
    parts, total = [], 0
    while total < size:
        s = r.choice(refdata.NOTE_SENTENCES)
        parts.append(s)
        total += len(s) + 1
    return "\n".join(parts)


def html_text(r):
    """A note carrying HTML, script tags included."""
    return r.choice(HTML_NOTES).format(s=_note(r))


class PeopleMixin:
    """Users, contacts and phones (mixed into ``Generator``)."""

    # -- users --------------------------------------------------------------------------
    def _user_names(self, u):
        r = rng(self.seed, "user-name", u)
        first = r.choice(refdata.FEMALE_NAMES if r.random() < 0.5 else refdata.MALE_NAMES)
        return first, r.choice(refdata.SURNAMES)

    def user_name(self, u):
        """Display name of user rank ``u`` (rank 0 is the integration user)."""
        return "Integração API" if u == 0 else " ".join(self._user_names(u))

    def user_suspended(self, u):
        """Suspended users still own records; the last one always is suspended."""
        return u >= 2 and (u == self.n.users - 1 or unit(self.seed, "suspended", u) < 0.1)

    def user_without_email(self, u):
        """Some users have no e-mail at all."""
        return u >= 2 and (u == self.n.users - 2 or unit(self.seed, "no-email", u) < 0.06)

    def make_user(self, u):
        """One ``/Users`` row."""
        r = rng(self.seed, "user", u)
        rec = blank(USER)
        first, last = self._user_names(u)
        created = moment(r, days_before(2000), days_before(200))
        updated = moment(r, created, REFERENCE)
        email = f"integracao@{ACCOUNT_DOMAIN}" if u == 0 else f"{slug(first)}.{slug(last)}@{ACCOUNT_DOMAIN}"
        rec.update(
            Id=BASE["Users"] + u, Name=self.user_name(u),
            Email=None if self.user_without_email(u) else email,
            Suspended=self.user_suspended(u),
            ProfileId=40000051 if u < 2 else (40000052 if r.random() < 0.2 else 40000053),
            RoleId=40000501 + r.randrange(8), Phone=brazil.make_phone(r, "SP", True)[0],
            Language="pt-BR", LanguageId=1, Integration=u == 0, NativeIntegration=False,
            AccountOwner=u == 1, LastLogin=fmt_dt(moment(r, updated, REFERENCE)),
            LastSeen=fmt_dt(moment(r, updated, REFERENCE)), LastSeenRoute="/deals",
            LastSeenPlatform="web", CreatorId=BASE["Users"] + 1, UpdaterId=BASE["Users"] + 1,
            CreateDate=fmt_dt(created), UpdateDate=fmt_dt(updated), LastUpdateDate=fmt_dt(updated),
            Editable=True,
        )
        return rec

    # -- contact identity ---------------------------------------------------------------
    def _identity(self, rank):
        if rank % 4 == 0:
            ident = self._company_identity(rank)
        elif rank % 4 >= 2 and self.dirty("duplicate", rank):
            ident = self.identity(rank - 1)
        else:
            ident = self._person_identity(rank)
        if not self.dirt:
            return ident
        r = rng(self.seed, "identity-dirt", rank)
        if self.dirty("bad-email", rank) and ident.email:
            local = slug(ident.email.split("@")[0]) or "contato"
            ident = ident._replace(email=brazil.bad_email(r, local, ident.domain))
        if self.dirty("empty-name", rank):
            ident = ident._replace(name=r.choice(["", " ", "\t"]))
        return ident

    def _company_identity(self, rank):
        r = rng(self.seed, "company-id", rank)
        kind, word = r.choice(refdata.COMPANY_KINDS), r.choice(refdata.COMPANY_WORDS)
        name = f"{kind} {word}"
        extra = r.random()
        if extra < 0.25:
            name += f" {r.choice(refdata.CITIES)[0]}"
        elif extra < 0.35:
            name += f" {r.choice(refdata.COMPANY_SUFFIXES)}"
        legal = f"{word} {r.choice(refdata.LEGAL_ACTIVITIES)} {r.choice(refdata.COMPANY_SUFFIXES)}"
        domain = slug(word) + slug(kind)[:6] + r.choice([".com.br", ".com.br", ".com", ".ind.br"])
        local = r.choice(["contato", "compras", "financeiro", "comercial", "adm", "vendas"])
        return Identity(name, f"{local}@{domain}", domain, legal)

    def _person_identity(self, rank):
        r = rng(self.seed, "person-id", rank)
        if r.random() < 0.03:
            name = r.choice(refdata.ODD_NAMES)
            first, last = name.split()[0], name.split()[-1]
        else:
            first = r.choice(refdata.FEMALE_NAMES if r.random() < 0.5 else refdata.MALE_NAMES)
            last = r.choice(refdata.SURNAMES)
            middle = f" {r.choice(refdata.SURNAMES)}" if r.random() < 0.5 else ""
            name = f"{first}{middle} {last}"
        if r.random() < 0.7 and rank - rank % 4 < self.n.contacts:
            domain = self.identity(rank - rank % 4).domain
        else:
            domain = r.choice(refdata.EMAIL_PROVIDERS)
        local = f"{slug(first)}.{slug(last)}" if r.random() < 0.7 else f"{slug(first)[:1]}{slug(last)}"
        return Identity(name, f"{local or 'contato'}@{domain}", domain, None)

    def document(self, rank, purpose, person):
        """(digits, formatted) CPF or CNPJ; broken check digits when dirty."""
        r = rng(self.seed, "doc", purpose, rank)
        valid = not self.dirty("bad-doc", purpose, rank)
        digits = brazil.make_cpf(r, valid) if person else brazil.make_cnpj(r, valid)
        return digits, (brazil.fmt_cpf if person else brazil.fmt_cnpj)(digits)

    def person_company_id(self, rank):
        """CompanyId of a person: its company, none, or (dirt) an id that does not exist."""
        if self.dirty("dangling", rank):
            return BASE["Contacts"] + 99000000 + rank
        if unit(self.seed, "independent", rank) < 0.08:
            return None
        return BASE["Contacts"] + rank - rank % 4

    def company_people(self, rank):
        """Ranks of the people whose CompanyId is company ``rank``."""
        return [p for p in range(rank + 1, min(rank + 4, self.n.contacts))
                if self.person_company_id(p) == BASE["Contacts"] + rank]

    # -- contacts -----------------------------------------------------------------------
    def make_contact(self, rank):
        """One ``/Contacts`` row (companies at rank % 4 == 0, people otherwise)."""
        r = rng(self.seed, "contact", rank)
        company = rank % 4 == 0
        ident = self.identity(rank)
        rec = blank(CONTACT)
        created = moment(r, days_before(2200), days_before(2))
        updated = moment(r, created, REFERENCE)
        rec.update(
            Id=BASE["Contacts"] + rank, TypeId=1 if company else 2, Name=ident.name,
            Email=ident.email if r.random() < 0.92 else None,
            StatusId=r.choices([40000011, 40000012, 40000013, 40000014], [6, 3, 2, 1])[0],
            OwnerId=self.pick_user(r), OriginId=40000201 + r.randrange(7),
            CurrencyId=1, EmailMarketing=r.random() < 0.4, HasConsent=r.random() < 0.6,
            Key=self.key("contact", rank), Editable=True, Deletable=True,
            CreatorId=self.pick_user(r), UpdaterId=self.pick_user(r),
            CreateDate=fmt_dt(created), LastUpdateDate=fmt_dt(updated),
        )
        if r.random() < 0.15:
            rec.update(ImportId=40070001 + r.randrange(5), ImportationIdCreate=40070001 + r.randrange(5))
        self._fill_register(rec, r, rank, company)
        self._fill_address(rec, r, company)
        self._fill_note(rec, r, rank)
        if company:
            code, name = r.choice(refdata.CNAE)
            rec.update(LegalName=ident.legal_name, Website=f"https://www.{ident.domain}",
                       RelationshipId=40000251 + r.randrange(4),
                       LineOfBusinessId=40000301 + r.randrange(10),
                       NumberOfEmployeesId=40000351 + r.randrange(6), ClassId=r.randrange(4),
                       CNAECode=code, CNAEName=name)
        else:
            rec.update(CompanyId=self.person_company_id(rank), RoleId=40000501 + r.randrange(8),
                       DepartmentId=40000601 + r.randrange(8), ClassId=0)
            self._fill_birthday(rec, r)
        return rec

    def _fill_register(self, rec, r, rank, company):
        if r.random() < (0.1 if company else 0.4):
            return
        digits, formatted = self.document(rank, "register", person=not company)
        rec["Register"] = formatted if r.random() < 0.7 else digits
        rec["CNPJ" if company else "CPF"] = formatted
        if not company and r.random() < 0.3:
            rec["IdentityDocument"] = (f"{r.randint(10, 99)}.{r.randint(100, 999)}."
                                       f"{r.randint(100, 999)}-{r.randint(0, 9)}")

    def _fill_address(self, rec, r, company):
        if r.random() < 0.03:
            country = r.choice([32, 152, 620, 840])
            rec.update(CountryId=country, ForeignZipCode=f"{r.randint(1000, 99999)}",
                       StreetAddress="Av. Corrientes 1234" if country == 32 else "Main Street 100")
            return
        rec["CountryId"] = refdata.BRAZIL
        if not company and r.random() < 0.4:
            return
        k, (city, uf, _, _) = self.pick_city(r)
        sid, lat, lon, lo, hi = STATE_BY_UF[uf]
        if uf == "SP":
            lo, hi = (1000, 5999) if city == "São Paulo" else (6000, 19999)
        rec.update(
            CityId=refdata.CITY_ID_BASE + k, StateId=sid, ZipCode=brazil.make_cep(r, lo, hi),
            StreetAddress=r.choice(refdata.STREETS), StreetAddressNumber=str(r.randint(1, 4999)),
            StreetAddressLine2=r.choice([None, None, "Sala 12", "Loja 2", "Galpão 3", "Apto 41"]),
            Neighborhood=r.choice(refdata.NEIGHBORHOODS),
        )
        if r.random() < 0.3:
            rec.update(Latitude=round(lat + r.uniform(-0.2, 0.2), 6),
                       Longitude=round(lon + r.uniform(-0.2, 0.2), 6))

    def _fill_note(self, rec, r, rank):
        if self.dirty("big-note", "contact", rank):
            rec["Note"] = big_text(r)
        elif self.dirty("html-note", "contact", rank):
            rec["Note"] = html_text(r)
        elif r.random() < 0.3:
            rec["Note"] = _note(r)

    @staticmethod
    def _fill_birthday(rec, r):
        if r.random() < 0.5:
            return
        born = days_before(r.randint(20 * 365, 70 * 365))
        nxt = born.replace(year=REFERENCE.year) if not (born.month == 2 and born.day == 29) \
            else born.replace(year=REFERENCE.year, day=28)
        if nxt < REFERENCE:
            nxt = nxt.replace(year=nxt.year + 1)
        rec.update(Birthday=fmt_date(born), NextAnniversary=fmt_date(nxt),
                   PreviousAnniversary=fmt_date(nxt.replace(year=nxt.year - 1)))

    def phones(self, rank, record):
        """Phones of a contact, typed in assorted formats."""
        r = rng(self.seed, "phones", rank)
        company = rank % 4 == 0
        n = r.choice((1, 1, 2, 2, 3)) if company else r.choice((0, 1, 1, 2))
        uf = STATE_BY_ID.get(record.get("StateId"), "SP")
        types = [brazil.PHONE_COMMERCIAL, brazil.PHONE_WHATSAPP, brazil.PHONE_FAX] if company \
            else [brazil.PHONE_MOBILE, brazil.PHONE_WHATSAPP, brazil.PHONE_HOME]
        out = []
        for j in range(max(n, 2) if rank == 0 else n):
            type_id = types[j]
            text, digits = brazil.make_phone(r, uf, type_id in (brazil.PHONE_MOBILE, brazil.PHONE_WHATSAPP))
            out.append({"Id": CHILD_BASE["Phones"] + rank * STRIDE["Phones"] + j, "ContactId": record["Id"],
                        "PhoneNumber": text, "SearchPhoneNumber": digits, "TypeId": type_id,
                        "CountryId": refdata.BRAZIL})
        return out

    def contact_population(self, rank):
        """("company"|"person", index within that kind) for custom-field coverage."""
        return ("company", rank // 4) if rank % 4 == 0 else ("person", rank - rank // 4 - 1)

    # -- free text of custom fields -----------------------------------------------------
    def field_text(self, f, r, rank):
        """A believable value for a text-like custom field, by its label."""
        name = f.name
        if name == "Inscrição Estadual":
            return brazil.make_ie(r)
        if name == "Inscrição Municipal":
            return brazil.make_im(r)
        if name == "LinkedIn":
            return f"https://www.linkedin.com/company/empresa-{rank}"
        if f.type_id == 17:
            k, (city, uf, _, _) = self.pick_city(r)
            return f"{r.choice(refdata.STREETS)}, {r.randint(1, 999)} - {r.choice(refdata.NEIGHBORHOODS)}, {city}/{uf}"
        if f.type_id == 18:
            return self.files_url(f"documents/imagem-{f.id}-{rank}.png")
        if f.type_id == 20:
            return f"#{r.randrange(0x1000000):06X}"
        if f.type_id == 2:
            return "\n".join(r.choice(refdata.NOTE_SENTENCES) for _ in range(r.randint(2, 5)))
        if name == "NCM":
            return f"{r.randint(8401, 8479)}.{r.randint(10, 90)}.{r.randint(0, 99):02d}"
        if name in ("Código no ERP", "Número da NF-e"):
            return f"{r.randint(1, 999999):06d}"
        if name == "Canal":
            return r.choice(["Telefone", "WhatsApp", "Presencial", "Videochamada"])
        return r.choice(refdata.NOTE_SENTENCES)
