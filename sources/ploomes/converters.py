# pylint: disable=prefer-env-translation  # pure code without Odoo: _ marks templates Odoo translates when it logs them
"""Converters of Ploomes payload shapes (phone rows, tag links, address and place tables),
and the Ploomes paths and tables the generic converters read."""
from ...mapping.converters import Converters, convert_ref, is_empty, is_mobile, clean_phone
from ...mapping.messages import _

CONVERTERS = Converters()
converter = CONVERTERS.register

#: Default ``params`` of generic converters on Ploomes payloads (map lines and exports
#: made before a line carried them still convert).
GENERIC_PARAMS = {
    "money": {"currency_path": "CurrencyId", "currency_entity": "Currencies",
              "currency_code_field": "Code"},
    "street": {"number_path": "StreetAddressNumber", "complement_path": "StreetAddressLine2"},
    "cnpj_cpf": {"parent_entity": "Contacts"},
    "lookup_name": {"name_field": "Name"},
    "record_by_name": {"name_field": "Name"},
}


@converter("phones")
def convert_phones(value, line, record, ctx):
    """A list of phones into ``phone`` (first landline) and ``mobile`` (first mobile).

    ``params["mobile_target"]`` names the mobile field; further numbers go to
    ``params["extra_target"]`` when given.
    """
    phones, mobiles = [], []
    for row in value or ():
        number = (row.get("PhoneNumber") or "").strip()
        if not number:
            continue
        type_row = ctx.lookup("PhoneTypes", row.get("TypeId")) if row.get("TypeId") else None
        country = ctx.country_code
        formatted = ctx.phone_format(clean_phone(number), country) or number
        target = mobiles if is_mobile(clean_phone(number), (type_row or {}).get("Name"), country) else phones
        target.append(formatted)
    mobile_target = line.params.get("mobile_target", "mobile")
    values = {line.target: phones[0] if phones else False,
              mobile_target: mobiles[0] if mobiles else False}
    extra = phones[1:] + mobiles[1:]
    if extra:
        if line.params.get("extra_target"):
            values[line.params["extra_target"]] = ", ".join(extra)
        else:
            ctx.problem("extra_phones", _("Phones not migrated: %(phones)s."), "info",
                        phones=", ".join(extra))
    elif line.params.get("extra_target"):
        values[line.params["extra_target"]] = False
    return values



ADDRESS_PATHS = ("StreetAddress", "StreetAddressNumber", "StreetAddressLine2",
                 "Neighborhood", "ZipCode", "CityId")


@converter("parent_partner")
def convert_parent_partner(value, line, record, ctx):
    """The company of a person, and the person's contact type.

    Odoo gives a child of type ``contact`` its company's address; a person
    whose own address differs becomes an ``other`` address to keep it.
    """
    values = convert_ref(value, line, record, ctx)
    values["type"] = "contact"
    if values[line.target]:
        company = ctx.lookup(line.params["entity"], value) or {}
        own = [record.get(path) for path in ADDRESS_PATHS]
        if any(not is_empty(item) for item in own) and own != [company.get(p) for p in ADDRESS_PATHS]:
            values["type"] = "other"
    return values



@converter("tags")
def convert_tags(value, line, record, ctx):
    """Tag link rows (``[{TagId}]``) into a many2many of loaded tags."""
    ids = []
    for row in value or ():
        tag_id = row.get("TagId") or (row.get("Tag") or {}).get("Id")
        res_id = ctx.resolve(line.params.get("entity", "Tags"), tag_id)
        if res_id:
            ids.append(res_id)
        else:
            ctx.problem("dangling_reference", _("Tag %(id)s is not loaded."), id=tag_id)
    return {line.target: [(6, 0, sorted(set(ids)))]}


@converter("state")
def convert_state(value, line, record, ctx):
    """A source state id into ``res.country.state`` by its code (UF)."""
    if is_empty(value):
        return {line.target: False}
    row = ctx.lookup(line.params.get("entity", "Cities@Countries@States"), value) or {}
    country = ctx.lookup("Cities@Countries", row.get("CountryId")) or {}
    country_code = _iso2(country) or ctx.country_code
    state_id = ctx.state_id(country_code, row.get("Short")) if row.get("Short") else None
    if not state_id:
        ctx.problem("unknown_state", _("State %(value)s (%(name)s) has no Odoo state."),
                    value=value, name=row.get("Name") or "?")
    return {line.target: state_id or False}


def _iso2(country_row):
    for key in ("Short1", "Short2", "Short"):
        code = (country_row.get(key) or "").strip()
        if len(code) == 2:
            return code.upper()
    return None


@converter("country")
def convert_country(value, line, record, ctx):
    """A source country id into ``res.country`` by its ISO code."""
    if is_empty(value):
        return {line.target: False}
    code = _iso2(ctx.lookup(line.params.get("entity", "Cities@Countries"), value) or {})
    country_id = ctx.country_id(code) if code else None
    if not country_id:
        ctx.problem("unknown_country", _("Country %(value)s has no Odoo country."), value=value)
    return {line.target: country_id or False}
