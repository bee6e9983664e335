"""Where each source field should go in Odoo: an explainable proposal, and map validation.

For one source field, every Odoo field of the target model is scored on
three kinds of evidence: the label (synonyms and similarity, see
:mod:`mapping.lexicon`), the type (can the source type become the field type)
and the values (patterns of the profile, options that match a selection).
The best compatible field above :data:`THRESHOLD` is proposed; otherwise a new
``x_`` field of the best type, or nothing for fields never filled. Every
proposal carries its :class:`Reason` list. Same input, same output.
"""
import re
from dataclasses import dataclass, field, fields as dataclass_fields, replace

from .lexicon import (PATTERN_WEIGHTS, TARGET_PATTERNS, fold, option_similarity, similarity,
                      synonym_score)
from .profile import FieldProfile, patterns_of

PREFIX = "x_migrated_"     # prefix of new fields when the source names none
THRESHOLD = 0.55          # lowest score of an existing field worth proposing
VALUE_FIT = 0.98          # share of values that must convert when the fit depends on values
MIN_EVIDENCE = 3          # filled values before the values count as evidence
NAME_LENGTH = 50
OPTION_MATCH = 0.8        # similarity of an option name and a selection label to pair them
CONVERTER = "custom"

FIT_FACTORS = {"exact": 1.0, "lossless": 0.95, "lossy": 0.8, "as_text": 0.8}
VALUES_FACTOR = 0.9
#: source type -> {Odoo ttype: fit}: ``exact``, ``lossless``, ``lossy`` (loses detail),
#: ``as_text`` (a typed value written as text), ``if:<pattern>`` (when the values match).
COMPATIBILITY = {
    "string": {"char": "exact", "text": "exact", "html": "lossless", "integer": "if:integer",
               "float": "if:decimal", "monetary": "if:decimal", "date": "if:date",
               "boolean": "if:boolean"},
    "text": {"text": "exact", "html": "exact", "char": "lossy"},
    "integer": {"integer": "exact", "float": "lossless", "monetary": "lossless", "char": "as_text"},
    "money": {"monetary": "exact", "float": "exact", "integer": "if:integer", "char": "as_text"},
    "decimal": {"float": "exact", "monetary": "lossless", "integer": "if:integer",
                "char": "as_text"},
    "percent": {"float": "exact", "integer": "if:integer", "char": "as_text"},
    "option": {"selection": "exact", "many2one": "exact", "many2many": "lossless",
               "char": "as_text", "text": "as_text"},
    "options": {"many2many": "exact", "char": "as_text", "text": "as_text"},
    "date": {"date": "exact", "datetime": "lossless", "char": "as_text"},
    "time": {"char": "exact", "float": "lossless"},
    "datetime": {"datetime": "exact", "date": "lossy", "char": "as_text"},
    "boolean": {"boolean": "exact"},
    "cpf": {"char": "exact"},
    "cnpj": {"char": "exact"},
    "address": {"char": "exact", "text": "exact"},
    "image": {"char": "exact"},
    "attachment": {"char": "exact"},
    "color": {"char": "exact", "integer": "lossy"},
    "user": {"many2one": "exact", "many2many": "lossless"},
    "contact": {"many2one": "exact", "many2many": "lossless"},
    "product": {"many2one": "exact", "many2many": "lossless"},
    "signature": {"char": "exact"},
    "formula": {"char": "lossless", "text": "lossless", "float": "if:decimal",
                "integer": "if:integer"},
    "unknown": {"char": "lossless", "text": "lossless"},
}
#: Best type of a new field per source type; None: not migrated by default.
NEW_TTYPES = {
    "string": "char", "text": "text", "integer": "integer", "money": "float", "decimal": "float",
    "percent": "float", "option": "selection", "options": "many2many", "date": "date",
    "time": "char", "datetime": "datetime", "boolean": "boolean", "cpf": "char", "cnpj": "char",
    "address": "char", "image": "char", "attachment": "char", "color": "char",
    "user": "many2one", "contact": "many2one", "product": "many2one", "signature": None,
    "formula": None, "unknown": "char",
}
REFERENCE_RELATIONS = {"user": ("res.users",), "contact": ("res.partner",),
                       "product": ("product.product", "product.template")}
NEW_RELATIONS = {"user": "res.users", "contact": "res.partner", "product": "product.product"}
#: Models whose records come from the source itself: option lists cannot link to them.
RECORD_MODELS = frozenset(("res.users", "res.partner", "product.product", "product.template",
                           "res.company", "res.currency", "ir.attachment", "crm.lead",
                           "sale.order"))
#: The tag model of each target model, comodel of new multi-option fields.
TAG_MODELS = {"res.partner": "res.partner.category", "crm.lead": "crm.tag",
              "product.template": "product.tag", "sale.order": "crm.tag"}
#: Targets whose values go through a formatting converter.
VIA = {"vat": "cnpj_cpf", "phone": "phone_number", "mobile": "phone_number", "email": "email",
       "email_from": "email", "zip": "cep"}
VIA_TYPES = frozenset(("string", "cpf", "cnpj", "integer", "unknown"))
#: Values that a new text field normalizes when most of them have the shape.
NEW_VIA = (("phone", "phone_number"), ("email", "email"))
#: Patterns that say what a value is, whatever the label says.
TELLING_PATTERNS = ("email", "phone", "cnpj", "cpf", "url")

TEMPLATES = {
    "label_synonym": "label '{label}' ≈ {target} (synonym)",
    "label_similar": "label '{label}' ≈ '{target_label}' ({percent} % similar)",
    "pattern_share": "{percent} % of values are {pattern}",
    "pattern_mismatch": "only {percent} % of values are {pattern}",
    "pattern_conflict": "{percent} % of values are {pattern}, which {target} does not hold",
    "options_matched": "{matched} of {total} options match values of {target}",
    "type_fit": "type {source} → {ttype}",
    "type_lossy": "type {source} → {ttype} (loses detail)",
    "type_as_text": "type {source} → {ttype} (written as text)",
    "type_values": "type {source} → {ttype} ({percent} % of values convert)",
    "formatted": "values normalized as {converter}",
    "target_taken": "{target} is already filled by another line",
    "target_lost": "{target} went to '{other}', a better match",
    "below_threshold": "best existing match {target} scores {score:.2f}, below {threshold:.2f}",
    "no_match": "no compatible Odoo field matches",
    "new_field": "new {ttype} field",
    "never_filled": "never filled in {total} records",
    "no_values": "no values profiled",
    "rarely_filled": "filled in only {percent} % of records",
    "not_migrated": "{source} fields are not migrated by default",
    "own_field": "{target} was created for this field by an earlier migration",
}
PATTERN_NOUNS = {
    "email": "e-mail addresses", "phone": "phones", "cnpj": "CNPJs", "cpf": "CPFs",
    "cep": "CEPs", "url": "URLs", "date": "dates", "money": "amounts of money", "html": "HTML",
    "integer": "whole numbers", "decimal": "numbers", "boolean": "yes/no values",
}
CONVERTER_NOUNS = {"cnpj_cpf": "CNPJ/CPF", "phone_number": "phone numbers",
                   "email": "e-mail addresses", "cep": "CEP"}


@dataclass(frozen=True)
class TargetField:
    """An Odoo field a source field may go to."""

    name: str
    label: str                # English label
    label_pt: str = ""        # pt_BR label, when known
    ttype: str = "char"
    selection: tuple = ()     # ((key, label), ...)
    relation: str = None      # comodel of relational fields
    required: bool = False    # required and without a default in Odoo


@dataclass(frozen=True)
class Reason:
    """One piece of evidence for a proposal: a code of :data:`TEMPLATES` and its values."""

    code: str
    params: dict

    def text(self, templates=None, pattern_nouns=None, converter_nouns=None):
        """The sentence; English by default, or with translated templates and nouns."""
        templates = TEMPLATES if templates is None else templates
        pattern_nouns = PATTERN_NOUNS if pattern_nouns is None else pattern_nouns
        converter_nouns = CONVERTER_NOUNS if converter_nouns is None else converter_nouns
        values = dict(self.params)
        if "share" in values:
            values["percent"] = percent(values["share"])
        if "pattern" in values:
            values["pattern"] = pattern_nouns[values["pattern"]]
        if "converter" in values:
            values["converter"] = converter_nouns[values["converter"]]
        return templates[self.code].format(**values)

    def as_dict(self):
        return {"code": self.code, "params": dict(self.params)}


@dataclass(frozen=True)
class Proposal:
    """Where one source field goes: an ``existing`` field, a ``new`` x_ field, or ``skip``."""

    path: str
    action: str
    target: str = None
    new_field_type: str = None
    new_field_label: str = None
    converter: str = CONVERTER
    params: dict = field(default_factory=dict)
    confidence: float = 0.0
    reasons: tuple = ()

    def reasons_text(self):
        """The reasons as one English text: ``"label 'Celular' ≈ mobile (synonym); ..."``."""
        return "; ".join(reason.text() for reason in self.reasons)


@dataclass(frozen=True)
class Candidate:
    """An existing field scored for one source field."""

    target: TargetField
    score: float
    reasons: tuple
    params: dict


def percent(share):
    return int(round(share * 100))


# -- type compatibility ------------------------------------------------------------------

def compatibility(source_type, ttype, relation=None):
    """Fit of a source type to an Odoo field type (see :data:`COMPATIBILITY`), or None
    when no value of that type can fill such a field."""
    fit = COMPATIBILITY.get(source_type, {}).get(ttype)
    if fit and ttype in ("many2one", "many2many"):
        allowed = REFERENCE_RELATIONS.get(source_type)
        linkable = relation in allowed if allowed else relation not in RECORD_MODELS
        return fit if linkable else None
    return fit


def type_evidence(field_info, profile, target, fit):
    """(factor, reason) of a fit; factor 0 when the values do not convert."""
    reason_params = {"source": field_info.type, "ttype": target.ttype}
    if fit.startswith("if:"):
        pattern = fit[3:]
        share = profile.patterns.get(pattern, 0.0) if profile and profile.filled else 0.0
        if share < VALUE_FIT:
            return 0.0, None
        return VALUES_FACTOR, Reason("type_values", dict(reason_params, share=share,
                                                         pattern=pattern))
    code = {"lossy": "type_lossy", "as_text": "type_as_text"}.get(fit, "type_fit")
    return FIT_FACTORS[fit], Reason(code, reason_params)


# -- evidence --------------------------------------------------------------------------------

def label_evidence(label, target):
    """(score, reason) of the best of: a synonym of the field, a similar label."""
    score, _concept = synonym_score(label, target.name)
    best = (score, Reason("label_synonym", {"label": label, "target": target.name}))
    for text in (target.label, target.label_pt):
        if text:
            similar = similarity(label, text)
            if similar > best[0]:
                best = (similar, Reason("label_similar", {"label": label, "target_label": text,
                                                          "share": similar}))
    return best if best[0] > 0 else (0.0, None)


def has_evidence(profile):
    return bool(profile) and profile.filled >= MIN_EVIDENCE


def pattern_evidence(score, profile, target):
    """The label score adjusted by the values: the shape the field holds, or another one."""
    if not has_evidence(profile):
        return score, ()
    expected = TARGET_PATTERNS.get(target.name)
    if expected:
        share, pattern = max((profile.patterns.get(p, 0.0), p) for p in expected)
        found = Reason("pattern_share", {"pattern": pattern, "share": share})
        if share >= 0.8:
            weight = PATTERN_WEIGHTS[target.name]
            return 1 - (1 - score) * (1 - weight * share), (found,)
        if share < 0.5:
            return score * 0.5, (Reason("pattern_mismatch", {"pattern": pattern, "share": share}),)
        return score, (found,)
    telling = dominant_pattern(profile, TELLING_PATTERNS, 0.9)
    if telling and target.ttype in ("char", "text", "html"):
        share = profile.patterns[telling]
        return score * 0.6, (Reason("pattern_conflict", {"pattern": telling, "share": share,
                                                         "target": target.name}),)
    return score, ()


def dominant_pattern(profile, patterns, floor):
    """The pattern most values of the profile match, if at least ``floor`` of them do."""
    share, pattern = max((profile.patterns.get(p, 0.0), p) for p in patterns)
    return pattern if share >= floor else None


def match_options(options, selection):
    """``{str(option id): key}`` of the options that name a selection value."""
    mapping = {}
    for option_id, name in options:
        best = max(((max(option_similarity(name, label), option_similarity(name, key)), index)
                    for index, (key, label) in enumerate(selection)), default=(0.0, None))
        if best[0] >= OPTION_MATCH:
            mapping[str(option_id)] = selection[best[1]][0]
    return mapping


def option_evidence(score, field_info, target):
    """The score adjusted by how many options of the field have a value in the selection."""
    if target.ttype != "selection" or field_info.type != "option" or not field_info.options:
        return score, (), {}
    mapping = match_options(field_info.options, target.selection)
    total = len(field_info.options)
    coverage = len(mapping) / total
    reason = Reason("options_matched", {"matched": len(mapping), "total": total,
                                        "target": target.name})
    if coverage >= 0.8 and total >= 2:
        score = 1 - (1 - score) * (1 - 0.5 * coverage)
    elif coverage < 0.5:
        score *= 0.6 + 0.4 * coverage
    return score, (reason,), {"options": mapping}


def score_target(field_info, profile, target):
    """The :class:`Candidate` of one Odoo field, or None when it cannot hold the values."""
    fit = compatibility(field_info.type, target.ttype, target.relation)
    if not fit:
        return None
    type_factor, type_reason = type_evidence(field_info, profile, target, fit)
    if not type_factor:
        return None
    score, label_reason = label_evidence(field_info.label, target)
    score, pattern_reasons = pattern_evidence(score, profile, target)
    score, option_reasons, params = option_evidence(score, field_info, target)
    if score <= 0:
        return None
    reasons = tuple(r for r in (label_reason,) if r) + pattern_reasons + option_reasons
    return Candidate(target, round(min(score * type_factor, 1.0), 4), reasons + (type_reason,),
                     params)


def rank_targets(field_info, profile, targets, own=None):
    """Candidates of every compatible Odoo field, best first (ties by name). ``own``: the
    name a new field of this source field gets; a compatible field of that name was made
    for it by an earlier migration and is its own (full confidence)."""
    candidates = (score_target(field_info, profile, target) for target in targets)
    ranked = sorted((c for c in candidates if c), key=lambda c: (-c.score, c.target.name))
    mine = next((t for t in targets if t.name == own), None) if own else None
    fit = mine and compatibility(field_info.type, mine.ttype, mine.relation)
    factor, type_reason = type_evidence(field_info, profile, mine, fit) if fit else (0, None)
    if factor:
        params = option_evidence(1.0, field_info, mine)[2]
        ranked = [Candidate(mine, 1.0, (Reason("own_field", {"target": own}), type_reason), params)
                  ] + [c for c in ranked if c.target.name != own]
    return ranked


# -- proposals -----------------------------------------------------------------------------------

def base_params(field_info, ttype):
    return {"type": field_info.type, "ttype": ttype}


def existing_proposal(field_info, candidate):
    """Send the field to an existing Odoo field."""
    target = candidate.target
    params = dict(base_params(field_info, target.ttype), **candidate.params)
    reasons = candidate.reasons
    if target.relation and target.ttype in ("many2one", "many2many"):
        params["relation"] = target.relation
    if target.name in VIA and field_info.type in VIA_TYPES:
        params["via"] = VIA[target.name]
        reasons += (Reason("formatted", {"converter": params["via"]}),)
    return Proposal(field_info.path, "existing", target.name, converter=CONVERTER,
                    params=params, confidence=round(candidate.score, 2), reasons=reasons)


def new_params(field_info, profile, ttype, model):
    """Params of a new field: its selection, its comodel, a formatting converter."""
    params = base_params(field_info, ttype)
    if ttype == "selection":
        keys = option_keys(field_info.options)
        params["selection"] = [[keys[option_id], name] for option_id, name in field_info.options]
        params["options"] = {str(option_id): key for option_id, key in keys.items()}
    elif field_info.type in NEW_RELATIONS:
        params["relation"] = NEW_RELATIONS[field_info.type]
    elif ttype == "many2many" and model in TAG_MODELS:
        params["relation"] = TAG_MODELS[model]
    if ttype == "char" and field_info.type == "string" and has_evidence(profile):
        for pattern, via in NEW_VIA:
            if profile.patterns.get(pattern, 0.0) >= 0.8:
                params["via"] = via
                break
    return params


def option_keys(options):
    """``{option id: selection key}``: the ASCII slug of each name, made unique."""
    keys, used = {}, set()
    for option_id, name in options:
        base = slug(name) or f"option_{option_id}"
        key, n = base, 2
        while key in used:
            key, n = f"{base}_{n}", n + 1
        used.add(key)
        keys[option_id] = key
    return keys


def new_proposal(field_info, profile, best, model, lead_reasons=()):
    """A new x_ field of the best type for the source type (named later)."""
    ttype = NEW_TTYPES[field_info.type]
    if ttype == "many2one" and field_info.multiple:
        ttype = "many2many"
    params = new_params(field_info, profile, ttype, model)
    reasons = list(lead_reasons)
    if best:
        reasons.append(Reason("below_threshold", {"target": best.target.name, "score": best.score,
                                                  "threshold": THRESHOLD}))
        reasons.extend(r for r in best.reasons if not r.code.startswith("type_"))
    elif not lead_reasons:
        reasons.append(Reason("no_match", {}))
    reasons.append(Reason("new_field", {"ttype": ttype}))
    if params.get("via"):
        shape = next(p for p, via in NEW_VIA if via == params["via"])
        reasons.append(Reason("pattern_share", {"pattern": shape,
                                                "share": profile.patterns[shape]}))
        reasons.append(Reason("formatted", {"converter": params["via"]}))
    reasons.extend(fill_reasons(profile))
    confidence = 0.9 - 0.6 * (best.score if best else 0.0)
    if field_info.type == "unknown":
        confidence = min(confidence, 0.5)
    return Proposal(field_info.path, "new", None, ttype, field_info.label, CONVERTER, params,
                    round(confidence, 2), tuple(reasons))


def fill_reasons(profile):
    if not profile or not profile.total:
        return [Reason("no_values", {})]
    if profile.fill_rate < 0.05:
        return [Reason("rarely_filled", {"share": profile.fill_rate})]
    return []


def skip_proposal(field_info, reason, confidence):
    return Proposal(field_info.path, "skip", None, params=base_params(field_info, None),
                    confidence=confidence, reasons=(reason,))


def never_filled_confidence(total):
    """The more records without a value, the surer that the field is unused."""
    for floor, confidence in ((1000, 0.99), (100, 0.9), (10, 0.75)):
        if total >= floor:
            return confidence
    return 0.6


def check_type(field_info):
    if field_info.type not in NEW_TTYPES:
        raise ValueError(f"{field_info.path}: unknown source type {field_info.type!r}; "
                         f"expected one of {', '.join(NEW_TTYPES)}.")


def decide(field_info, profile, candidates, taken, model):
    """The proposal of one field from its ranked candidates (a new field is left unnamed)."""
    if NEW_TTYPES[field_info.type] is None:
        return skip_proposal(field_info, Reason("not_migrated", {"source": field_info.type}), 0.9)
    if profile and profile.total and not profile.filled:
        return skip_proposal(field_info, Reason("never_filled", {"total": profile.total}),
                             never_filled_confidence(profile.total))
    free = [c for c in candidates if c.target.name not in taken]
    best = free[0] if free else None
    if best and best.score >= THRESHOLD:
        return existing_proposal(field_info, best)
    blocked = [Reason("target_taken", {"target": c.target.name}) for c in candidates
               if c.target.name in taken and c.score >= THRESHOLD][:1]
    return new_proposal(field_info, profile, best, model, blocked)


def slug(text):
    """ASCII identifier of a label: ``"Razão Social"`` -> ``"razao_social"``."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


def field_name(label, prefix=PREFIX, taken=frozenset()):
    """A new field name from a label, at most :data:`NAME_LENGTH` characters, not in ``taken``."""
    base = (prefix + (slug(label) or "field"))[:NAME_LENGTH].rstrip("_")
    name, n = base, 2
    while name in taken:
        suffix = f"_{n}"
        name = base[:NAME_LENGTH - len(suffix)].rstrip("_") + suffix
        n += 1
    return name


def own_name(field_info, prefix):
    """The name a new field of ``field_info`` gets (None for the default prefix: fields made
    for no source in particular belong to none)."""
    return field_name(field_info.label, prefix) if prefix != PREFIX else None


def named(proposal, prefix, used):
    """The proposal with its new field named; the name is added to ``used``."""
    if proposal.action != "new":
        return proposal
    name = field_name(proposal.new_field_label, prefix, used)
    used.add(name)
    return replace(proposal, target=name)


def propose_field(field_info, profile, targets, *, prefix=PREFIX, taken=frozenset(), model=None):
    """Proposal for one source field.

    ``targets``: the :class:`TargetField` of the model; ``taken``: names already
    filled by other lines (never proposed again, never used as new names);
    ``model``: the target model, for the comodel of new tag fields.
    """
    check_type(field_info)
    candidates = rank_targets(field_info, profile, targets, own_name(field_info, prefix))
    proposal = decide(field_info, profile, candidates, frozenset(taken), model)
    return named(proposal, prefix, set(taken) | {target.name for target in targets})


def propose_object(fields, profiles, targets, *, prefix=PREFIX, taken=frozenset(), model=None):
    """Proposals for the fields of one object, in their order.

    ``profiles``: ``{path: FieldProfile}``. No existing field is proposed twice:
    the best-scoring source field keeps it (the first one on a tie), the others
    get new fields. New names are unique and avoid ``taken`` and existing fields.
    """
    taken = frozenset(taken)
    for field_info in fields:
        check_type(field_info)
    proposals = [decide(f, profiles.get(f.path),
                        rank_targets(f, profiles.get(f.path), targets, own_name(f, prefix)),
                        taken, model) for f in fields]
    winners = {}
    for index, proposal in enumerate(proposals):
        if proposal.action == "existing":
            holder = winners.get(proposal.target)
            if holder is None or proposal.confidence > proposals[holder].confidence:
                winners[proposal.target] = index
    for index, (field_info, proposal) in enumerate(zip(fields, proposals, strict=True)):
        if proposal.action == "existing" and winners[proposal.target] != index:
            other = fields[winners[proposal.target]].label
            lost = Reason("target_lost", {"target": proposal.target, "other": other})
            proposals[index] = new_proposal(field_info, profiles.get(field_info.path), None,
                                            model, (lost,))
    used = set(taken) | {target.name for target in targets}
    return [named(proposal, prefix, used) for proposal in proposals]


# -- Odoo fields (fallback when the Odoo side passes none) ---------------------------------

def _targets(*rows):
    """TargetFields of ``(name, label, label_pt, ttype[, relation or selection][, required])``."""
    result = []
    for name, label, label_pt, ttype, *more in rows:
        extra = more[0] if more else None
        result.append(TargetField(
            name, label, label_pt, ttype,
            selection=extra if isinstance(extra, tuple) else (),
            relation=extra if isinstance(extra, str) else None,
            required=bool(more[1:] and more[1])))
    return tuple(result)


ADDRESS_TARGETS = (
    ("street", "Street", "Rua", "char"), ("street2", "Street2", "Complemento", "char"),
    ("zip", "Zip", "CEP", "char"), ("city", "City", "Cidade", "char"),
    ("state_id", "State", "Estado", "many2one", "res.country.state"),
    ("country_id", "Country", "País", "many2one", "res.country"),
)
CONTACT_TARGETS = (
    ("phone", "Phone", "Telefone", "char"), ("mobile", "Mobile", "Celular", "char"),
    ("website", "Website", "Site", "char"), ("function", "Job Position", "Cargo", "char"),
    ("title", "Title", "Título", "many2one", "res.partner.title"),
    ("user_id", "Salesperson", "Vendedor", "many2one", "res.users"),
    ("color", "Color Index", "Índice de cores", "integer"),
)
LANGUAGES = (("pt_BR", "Portuguese (BR)"), ("en_US", "English (US)"), ("es_ES", "Spanish"))
PRIORITIES = (("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High"))
PRODUCT_TYPES = (("consu", "Goods"), ("service", "Service"), ("combo", "Combo"))
UTM_TARGETS = (
    ("source_id", "Source", "Origem", "many2one", "utm.source"),
    ("medium_id", "Medium", "Meio", "many2one", "utm.medium"),
    ("campaign_id", "Campaign", "Campanha", "many2one", "utm.campaign"),
)

#: Main writable fields of the Odoo 18 models the migration fills (with l10n_br, account, sale).
ODOO_TARGETS = {
    "res.partner": _targets(
        ("name", "Name", "Nome", "char", None, True), ("email", "Email", "E-mail", "char"),
        *CONTACT_TARGETS, *ADDRESS_TARGETS,
        ("vat", "Tax ID", "CNPJ/CPF", "char"),
        ("company_registry", "Company ID", "Registro da empresa", "char"),
        ("ref", "Reference", "Referência", "char"),
        ("comment", "Notes", "Observações", "html"),
        ("category_id", "Tags", "Marcadores", "many2many", "res.partner.category"),
        ("industry_id", "Industry", "Setor", "many2one", "res.partner.industry"),
        ("parent_id", "Related Company", "Empresa relacionada", "many2one", "res.partner"),
        ("lang", "Language", "Idioma", "selection", LANGUAGES),
        ("active", "Active", "Ativo", "boolean"),
        ("credit_limit", "Credit Limit", "Limite de crédito", "float"),
        ("property_payment_term_id", "Customer Payment Terms", "Condições de pagamento do cliente",
         "many2one", "account.payment.term"),
        ("l10n_br_ie_code", "IE", "IE", "char"), ("l10n_br_im_code", "IM", "IM", "char"),
        ("l10n_br_isuf_code", "SUFRAMA code", "Código SUFRAMA", "char"),
        ("l10n_br_cpf_code", "CPF", "CPF", "char"),
    ),
    "crm.lead": _targets(
        ("name", "Opportunity", "Oportunidade", "char", None, True),
        ("partner_id", "Customer", "Cliente", "many2one", "res.partner"),
        ("contact_name", "Contact Name", "Nome do contato", "char"),
        ("partner_name", "Company Name", "Nome da empresa", "char"),
        ("email_from", "Email", "E-mail", "char"), *CONTACT_TARGETS, *ADDRESS_TARGETS,
        ("description", "Notes", "Observações", "html"),
        ("expected_revenue", "Expected Revenue", "Receita esperada", "monetary"),
        ("recurring_revenue", "Recurring Revenues", "Receitas recorrentes", "monetary"),
        ("probability", "Probability", "Probabilidade", "float"),
        ("date_deadline", "Expected Closing", "Fechamento esperado", "date"),
        ("date_closed", "Closed Date", "Data de encerramento", "datetime"),
        ("priority", "Priority", "Prioridade", "selection", PRIORITIES),
        ("tag_ids", "Tags", "Marcadores", "many2many", "crm.tag"),
        ("team_id", "Sales Team", "Equipe de vendas", "many2one", "crm.team"),
        ("stage_id", "Stage", "Estágio", "many2one", "crm.stage"), *UTM_TARGETS,
        ("referred", "Referred By", "Indicado por", "char"),
        ("lost_reason_id", "Lost Reason", "Motivo da perda", "many2one", "crm.lost.reason"),
        ("lang_id", "Language", "Idioma", "many2one", "res.lang"),
    ),
    "product.template": _targets(
        ("name", "Name", "Nome", "char", None, True),
        ("default_code", "Internal Reference", "Referência interna", "char"),
        ("barcode", "Barcode", "Código de barras", "char"),
        ("list_price", "Sales Price", "Preço de venda", "float"),
        ("standard_price", "Cost", "Custo", "float"),
        ("description", "Description", "Descrição", "html"),
        ("description_sale", "Sales Description", "Descrição de venda", "text"),
        ("description_purchase", "Purchase Description", "Descrição de compra", "text"),
        ("categ_id", "Product Category", "Categoria de produto", "many2one", "product.category"),
        ("uom_id", "Unit of Measure", "Unidade de medida", "many2one", "uom.uom"),
        ("type", "Product Type", "Tipo de produto", "selection", PRODUCT_TYPES),
        ("weight", "Weight", "Peso", "float"), ("volume", "Volume", "Volume", "float"),
        ("sale_ok", "Can be Sold", "Pode ser vendido", "boolean"),
        ("purchase_ok", "Can be Purchased", "Pode ser comprado", "boolean"),
        ("active", "Active", "Ativo", "boolean"),
        ("product_tag_ids", "Tags", "Marcadores", "many2many", "product.tag"),
        ("sale_delay", "Customer Lead Time", "Prazo de entrega ao cliente", "float"),
        ("image_1920", "Image", "Imagem", "binary"),
    ),
    "sale.order": _targets(
        ("partner_id", "Customer", "Cliente", "many2one", "res.partner", True),
        ("date_order", "Order Date", "Data do pedido", "datetime"),
        ("validity_date", "Expiration", "Validade", "date"),
        ("commitment_date", "Delivery Date", "Data de entrega", "datetime"),
        ("client_order_ref", "Customer Reference", "Referência do cliente", "char"),
        ("note", "Terms and conditions", "Termos e condições", "html"),
        ("payment_term_id", "Payment Terms", "Condições de pagamento", "many2one",
         "account.payment.term"),
        ("user_id", "Salesperson", "Vendedor", "many2one", "res.users"),
        ("team_id", "Sales Team", "Equipe de vendas", "many2one", "crm.team"),
        ("origin", "Source Document", "Documento de origem", "char"),
        ("opportunity_id", "Opportunity", "Oportunidade", "many2one", "crm.lead"),
        ("tag_ids", "Tags", "Marcadores", "many2many", "crm.tag"), *UTM_TARGETS,
        ("require_signature", "Online signature", "Assinatura online", "boolean"),
        ("require_payment", "Online payment", "Pagamento online", "boolean"),
    ),
}


# -- validation -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MapLineSpec:
    """One line of a field map, as :func:`validate_map` reads it.

    ``action``: ``existing``, ``new`` or ``skip``; ``ttype``: type of the target
    (of the existing field, or of the new one); ``params``: the converter's (for
    ``custom``: ``options``, ``selection`` of a new selection, ``relation``...);
    ``profile``: the source field's :class:`FieldProfile` (or its dict);
    ``options``: the source field's ``((option id, name), ...)``.
    Aux fields a converter also fills (``mobile_target``, ``extra_target``,
    ``child_target``, ``new_fields``) count as filled by the line.
    """

    object_key: str
    model: str
    source: str
    source_type: str
    action: str = "existing"
    target: str = None
    ttype: str = None
    converter: str = CONVERTER
    params: dict = field(default_factory=dict)
    profile: FieldProfile = None
    label: str = ""
    options: tuple = ()

    @classmethod
    def from_proposal(cls, object_key, model, field_info, proposal, profile=None):
        """The line a :class:`Proposal` of ``field_info`` makes."""
        return cls(object_key, model, field_info.path, field_info.type, proposal.action,
                   proposal.target, proposal.new_field_type or proposal.params.get("ttype"),
                   proposal.converter, dict(proposal.params), profile, field_info.label,
                   field_info.options)

    @property
    def key(self):
        return (self.object_key, self.source)

    @property
    def name(self):
        return self.label or self.source


@dataclass(frozen=True)
class MapError:
    """A problem that forbids confirming a map: a code, an English message, the lines involved."""

    code: str
    message: str
    line_keys: tuple = ()     # ((object_key, source path), ...)


SPEC_FIELDS = frozenset(f.name for f in dataclass_fields(MapLineSpec))
AUX_PARAMS = ("mobile_target", "extra_target", "child_target")


def as_spec(line):
    """A :class:`MapLineSpec` from itself or from a dict with the same keys."""
    if isinstance(line, MapLineSpec):
        spec = line
    else:
        spec = MapLineSpec(**{k: v for k, v in line.items() if k in SPEC_FIELDS})
    if isinstance(spec.profile, dict):
        spec = replace(spec, profile=FieldProfile.from_dict(spec.profile))
    return replace(spec, params=spec.params or {}, options=tuple(spec.options or ()))


def filled_names(spec):
    """Odoo fields a line writes."""
    if spec.action == "skip" or not spec.target:
        return ()
    names = [spec.target] + [spec.params[k] for k in AUX_PARAMS if spec.params.get(k)]
    names += [aux[0] for aux in spec.params.get("new_fields", ())]
    names += list(spec.params.get("fills", ()))
    return tuple(dict.fromkeys(names))


def validate_map(lines, targets_by_model, defaults=None):
    """Errors of a field map, to show before it is confirmed.

    ``lines``: :class:`MapLineSpec` or dicts; ``targets_by_model``: ``{model:
    [TargetField]}``; ``defaults``: ``{object_key: names of the fields its
    defaults fill}``. Type, value and option checks apply to ``custom`` lines,
    whose conversions :data:`COMPATIBILITY` describes.
    """
    specs = [as_spec(line) for line in lines]
    fields_of = {model: {t.name: t for t in targets} for model, targets in targets_by_model.items()}
    errors = duplicate_targets(specs)
    for spec in specs:
        if spec.action != "skip" and spec.converter == CONVERTER:
            errors += line_errors(spec, fields_of.get(spec.model, {}))
    return errors + required_unmapped(specs, fields_of, defaults or {})


def duplicate_targets(specs):
    """Two lines of one object writing the same field."""
    writers = {}
    for spec in specs:
        for name in filled_names(spec):
            writers.setdefault((spec.object_key, spec.model, name), []).append(spec)
    return [MapError("duplicate_target",
                     f"{obj}: {', '.join(repr(s.name) for s in group)} all go to {model}.{name}.",
                     tuple(s.key for s in group))
            for (obj, model, name), group in writers.items() if len(group) > 1]


def line_errors(spec, fields):
    """Type, value and option errors of one ``custom`` line."""
    target = fields.get(spec.target) if spec.action == "existing" else None
    ttype = spec.ttype or (target.ttype if target else None)
    if not ttype or spec.source_type not in COMPATIBILITY:
        return []
    relation = spec.params.get("relation") or (target.relation if target else None)
    fit = compatibility(spec.source_type, ttype, relation)
    where = f"{spec.object_key}: {spec.name!r} → {spec.model}.{spec.target}"
    if not fit:
        kind = f"{ttype} ({relation})" if relation else ttype
        return [MapError("incompatible_type",
                         f"{where}: a {spec.source_type} field cannot fill a {kind} field.",
                         (spec.key,))]
    errors = []
    if fit.startswith("if:"):
        errors += value_errors(spec, where, fit[3:])
    if ttype == "selection":
        selection = target.selection if target else spec.params.get("selection", ())
        errors += option_errors(spec, where, {key for key, _label in selection})
    return errors


def value_errors(spec, where, pattern):
    """Values of the profile that the target type cannot hold."""
    profile = spec.profile
    if not profile or not profile.filled:
        return []
    share = profile.patterns.get(pattern, 0.0)
    if share >= 1.0:
        return []
    bad = [s for s in profile.samples if pattern not in patterns_of(s)][:1]
    example = f", e.g. {bad[0]!r}" if bad else ""
    share_bad = max(1, percent(1 - share))
    return [MapError("unconvertible_values",
                     f"{where}: {share_bad} % of values are not {PATTERN_NOUNS[pattern]}{example}.",
                     (spec.key,))]


def option_errors(spec, where, keys):
    """Options of the source with no value of the target selection."""
    mapping = spec.params.get("options") or {}
    missing = [name for option_id, name in spec.options if str(option_id) not in mapping]
    missing += [f"{option_id} → {key}" for option_id, key in sorted(mapping.items())
                if key not in keys]
    if not missing:
        return []
    return [MapError("unmapped_option",
                     f"{where}: options without a value in the selection: {', '.join(missing)}.",
                     (spec.key,))]


def required_unmapped(specs, fields_of, defaults):
    """Required Odoo fields of an object's model that no line fills and no default covers."""
    errors = []
    objects = dict.fromkeys((spec.object_key, spec.model) for spec in specs)
    for object_key, model in objects:
        lines = [spec for spec in specs if spec.object_key == object_key]
        filled = {name for spec in lines for name in filled_names(spec)}
        covered = filled | set(defaults.get(object_key, ()))
        for target in fields_of.get(model, {}).values():
            if target.required and target.name not in covered:
                keys = tuple(spec.key for spec in lines if spec.target == target.name)
                errors.append(MapError(
                    "required_unmapped",
                    f"{object_key}: {model}.{target.name} ({target.label}) is required, and no "
                    f"line fills it and no default covers it.", keys))
    return errors
