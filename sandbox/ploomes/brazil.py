"""Brazilian identifiers: CNPJ, CPF, IE/IM, phones and CEPs (valid or deliberately broken)."""

from stdnum.br import cnpj as stdnum_cnpj

# Area codes (DDD) by UF, capital first.
DDD = {
    "SP": [11, 12, 13, 14, 15, 16, 17, 18, 19], "RJ": [21, 22, 24], "ES": [27, 28],
    "MG": [31, 32, 33, 34, 35, 37, 38], "PR": [41, 42, 43, 44, 45, 46], "SC": [48, 47, 49],
    "RS": [51, 53, 54, 55], "DF": [61], "GO": [62, 64], "TO": [63], "MT": [65, 66],
    "MS": [67], "AC": [68], "RO": [69], "BA": [71, 73, 74, 75, 77], "SE": [79],
    "PE": [81, 87], "AL": [82], "PB": [83], "RN": [84], "CE": [85, 88], "PI": [86, 89],
    "PA": [91, 93, 94], "AM": [92, 97], "RR": [95], "AP": [96], "MA": [98, 99],
}
PHONE_COMMERCIAL, PHONE_HOME, PHONE_MOBILE, PHONE_FAX, PHONE_WHATSAPP = 1, 2, 3, 4, 5
BAD_EMAILS = ["{u}@", "{u}@@{d}", "{u}.{d}", "{u}@{d_nodot}", "{u} @{d}", "{u}@{d},{u}2@{d}", "n/a"]


def _bump_last(digits):
    return digits[:-1] + str((int(digits[-1]) + 1) % 10)


def cpf_check_digits(first9):
    """The two CPF verification digits of a 9-digit body."""
    out = first9
    for weight in (10, 11):
        total = sum(int(d) * (weight - i) for i, d in enumerate(out))
        out += str((total * 10) % 11 % 10)
    return out[9:]


def make_cnpj(r, valid=True):
    """14 digits; a headquarters (0001) most of the time."""
    branch = "0001" if r.random() < 0.85 else f"{r.randint(2, 40):04d}"
    body = f"{r.randrange(1, 10**8):08d}{branch}"
    digits = body + stdnum_cnpj.calc_check_digits(body)
    return digits if valid else _bump_last(digits)


def make_cpf(r, valid=True):
    """11 digits, never all equal."""
    body = f"{r.randrange(10**6, 10**9 - 1):09d}"
    if len(set(body)) == 1:
        body = body[:-1] + str((int(body[-1]) + 1) % 10)
    digits = body + cpf_check_digits(body)
    return digits if valid else _bump_last(digits)


def fmt_cnpj(d):
    """12.345.678/0001-90"""
    return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"


def fmt_cpf(d):
    """123.456.789-09"""
    return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"


def make_ie(r):
    """Inscrição estadual as typed: dotted digits, bare digits or ISENTO."""
    if r.random() < 0.1:
        return "ISENTO"
    digits = f"{r.randrange(10**8, 10**12):d}"
    if r.random() < 0.5:
        return digits
    return ".".join(digits[i:i + 3] for i in range(0, len(digits), 3))


def make_im(r):
    """Inscrição municipal: 7–9 digits, sometimes with a check dash."""
    digits = f"{r.randrange(10**6, 10**9)}"
    return digits if r.random() < 0.6 else f"{digits[:-1]}-{digits[-1]}"


def make_phone(r, uf, mobile):
    """A phone number in one of the formats people type, and its digits."""
    ddd = r.choice(DDD[uf][:2]) if r.random() < 0.3 else DDD[uf][0]
    if mobile:
        number = f"9{r.randint(6000, 9999)}-{r.randint(0, 9999):04d}"
    else:
        number = f"{r.randint(2, 5)}{r.randint(0, 999):03d}-{r.randint(0, 9999):04d}"
    style = r.randrange(6)
    text = [
        f"({ddd}) {number}", f"+55 {ddd} {number}", f"{ddd}{number.replace('-', '')}",
        f"0xx{ddd} {number}", f"({ddd}) {number}", f"{ddd} {number}",
    ][style]
    return text, int("".join(c for c in text if c.isdigit()))


def make_cep(r, low_prefix, high_prefix):
    """A CEP as Ploomes stores it: an int, so leading zeros are lost."""
    return r.randint(low_prefix, high_prefix) * 1000 + r.randrange(1000)


def bad_email(r, user, domain):
    """A plausible-looking but invalid e-mail address."""
    pattern = r.choice(BAD_EMAILS)
    return pattern.format(u=user, d=domain, d_nodot=domain.split(".")[0])
