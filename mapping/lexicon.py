"""Words of CRM field labels: normalization, pt_BR/English synonyms and label similarity.

Labels are compared as tuples of *tokens*: accents and case folded, stop words
dropped, common abbreviations expanded and plural endings trimmed, so that
"Observações" and "obs." or "Inscr. Estadual" and "Inscrição estadual" agree.
"""
import re
import unicodedata
from difflib import SequenceMatcher
from fnmatch import fnmatchcase
from functools import lru_cache

STOPWORDS = frozenset((
    "a", "o", "as", "os", "ao", "aos", "e", "de", "da", "do", "das", "dos", "em", "no", "na",
    "nos", "nas", "para", "pra", "por", "pelo", "pela", "com", "um", "uma", "se", "ou",
    "the", "of", "and", "for", "to", "in", "on", "by", "with", "an", "or",
))
#: Tokens that qualify a label without changing what it is ("Peso (kg)", "Chance (%)").
UNIT_TOKENS = frozenset((
    "kg", "g", "cm", "mm", "m", "m2", "m3", "l", "dia", "mes", "mese", "ano", "hora", "minuto", "r",
    "rs", "brl", "usd", "percentual", "un",
))
ABBREVIATIONS = {
    "tel": ("telefone",), "cel": ("celular",), "whats": ("whatsapp",), "wpp": ("whatsapp",),
    "zap": ("whatsapp",), "obs": ("observacao",), "dt": ("data",), "insc": ("inscricao",),
    "inscr": ("inscricao",), "est": ("estadual",), "mun": ("municipal",),
    "ie": ("inscricao", "estadual"), "im": ("inscricao", "municipal"), "qtd": ("quantidade",),
    "qtde": ("quantidade",), "num": ("numero",), "nro": ("numero",), "nr": ("numero",),
    "vlr": ("valor",), "vl": ("valor",), "prev": ("previsao",), "cod": ("codigo",),
    "resp": ("responsavel",), "mail": ("email",), "site": ("website",),
    "homepage": ("website",),
}
#: Words after which a Portuguese label qualifies its head: "Telefone *do contato*".
PREPOSITIONS = frozenset(("de", "do", "da", "dos", "das", "of"))
#: Weight of a phrase found only among the qualifiers of a label.
QUALIFIER_WEIGHT = 0.6

#: concept -> (Odoo field names it denotes on any model, phrases in pt_BR and English).
CONCEPTS = {
    "phone": (("phone",), (
        "telefone", "fone", "telefone fixo", "telefone comercial", "fone comercial",
        "telefone principal", "telefone empresa", "phone", "telephone", "landline", "work phone",
        "business phone", "phone number")),
    "mobile": (("mobile",), (
        "celular", "telefone celular", "numero celular", "whatsapp", "numero whatsapp", "movel",
        "telefone movel", "mobile", "cell", "cell phone", "mobile phone")),
    "email": (("email", "email_from"), (
        "email", "correio eletronico", "endereco email", "email principal", "email contato",
        "email address")),
    "website": (("website",), (
        "website", "web site", "pagina", "pagina web", "endereco web", "url", "sitio")),
    "function": (("function",), (
        "cargo", "funcao", "posicao", "ocupacao", "profissao", "job title", "job position",
        "position")),
    "title": (("title",), (
        "tratamento", "pronome tratamento", "forma tratamento", "saudacao", "salutation",
        "honorific")),
    "zip": (("zip",), ("cep", "codigo postal", "zip", "zip code", "postal code", "zipcode")),
    "street": (("street",), (
        "rua", "logradouro", "endereco", "avenida", "street", "address", "street address")),
    "street2": (("street2",), (
        "bairro", "complemento", "street 2", "address line 2", "neighborhood", "neighbourhood",
        "district")),
    "city": (("city", "city_id"), ("cidade", "municipio", "localidade", "city", "town")),
    "state": (("state_id",), ("estado", "uf", "unidade federativa", "state", "province")),
    "country": (("country_id",), ("pais", "nacao", "country", "nation")),
    "notes": (("comment", "description", "note"), (
        "observacao", "nota", "anotacao", "comentario", "informacao adicional",
        "informacoes adicionais", "notes", "note", "comment", "remark", "observations")),
    "description": (("description",), ("descricao", "description", "descricao tecnica")),
    "sales_description": (("description_sale",), (
        "descricao venda", "descricao comercial", "descricao cotacao", "descricao proposta",
        "sales description")),
    "legal_name": (("x_*_legal_name", "partner_name"), (
        "razao social", "nome empresarial", "legal name", "company legal name")),
    "company_name": (("partner_name",), (
        "nome empresa", "empresa", "company name", "company", "organizacao", "organization")),
    "contact_name": (("contact_name",), (
        "nome contato", "contato", "pessoa contato", "contact name", "contact person")),
    "name": (("name",), (
        "nome", "nome fantasia", "titulo", "titulo negocio", "nome negocio", "nome produto",
        "name", "title", "trade name")),
    "vat": (("vat",), (
        "cnpj", "cnpj cpf", "cpf cnpj", "documento", "numero documento", "tax id", "vat",
        "cadastro nacional pessoa juridica")),
    "cpf": (("l10n_br_cpf_code",), ("cpf", "cadastro pessoa fisica")),
    "state_registration": (("l10n_br_ie_code",), (
        "inscricao estadual", "state registration", "state tax id")),
    "municipal_registration": (("l10n_br_im_code",), (
        "inscricao municipal", "ccm", "cadastro contribuinte mobiliario", "municipal registration",
        "municipal tax id")),
    "suframa": (("l10n_br_isuf_code",), ("suframa", "inscricao suframa", "codigo suframa")),
    "industry": (("industry_id",), (
        "segmento", "ramo", "ramo atividade", "setor", "setor atuacao", "area atuacao",
        "industria", "mercado", "vertical", "industry", "segment", "sector")),
    "reference": (("ref", "default_code"), (
        "codigo", "codigo cliente", "codigo interno", "codigo erp", "referencia",
        "referencia interna", "reference", "internal reference", "customer code", "code", "sku",
        "codigo produto", "part number")),
    "customer_reference": (("client_order_ref",), (
        "pedido cliente", "numero pedido cliente", "ordem compra", "oc", "purchase order",
        "customer reference", "po number")),
    "expected_revenue": (("expected_revenue",), (
        "valor", "valor estimado", "valor negocio", "valor esperado", "valor previsto",
        "valor oportunidade", "receita esperada", "receita prevista", "faturamento previsto",
        "expected revenue", "deal value", "amount")),
    "recurring_revenue": (("recurring_revenue",), (
        "receita recorrente", "valor mensal", "valor recorrente", "mensalidade", "mrr",
        "recurring revenue", "monthly revenue")),
    "probability": (("probability",), (
        "probabilidade", "chance", "chance fechamento", "probabilidade fechamento",
        "chance ganho", "probability", "likelihood", "win probability")),
    "date_deadline": (("date_deadline",), (
        "data fechamento", "previsao fechamento", "data prevista fechamento",
        "fechamento previsto", "data prevista", "expected closing", "close date",
        "closing date", "deadline")),
    "date_closed": (("date_closed",), (
        "data ganho", "data conclusao", "fechado em", "ganho em", "closed date", "won date")),
    "source": (("source_id",), (
        "origem", "fonte", "origem lead", "origem negocio", "canal origem", "como conheceu",
        "como nos conheceu", "como chegou ate nos", "source", "lead source")),
    "medium": (("medium_id",), ("meio", "canal", "canal venda", "medium", "channel")),
    "campaign": (("campaign_id",), ("campanha", "campaign")),
    "referred": (("referred",), (
        "indicado por", "indicacao", "quem indicou", "referred by", "referral")),
    "lost_reason": (("lost_reason_id",), (
        "motivo perda", "razao perda", "motivo negocio perdido", "lost reason", "loss reason")),
    "priority": (("priority",), ("prioridade", "urgencia", "importancia", "priority")),
    "tags": (("category_id", "tag_ids", "product_tag_ids"), (
        "marcadores", "etiquetas", "tags", "labels")),
    "user": (("user_id",), (
        "responsavel", "vendedor", "representante", "executivo conta", "consultor",
        "gerente conta", "owner", "salesperson", "account manager", "sales rep")),
    "team": (("team_id",), ("equipe", "equipe venda", "time venda", "sales team", "team")),
    "customer": (("partner_id",), ("cliente", "conta", "customer", "client", "account")),
    "parent": (("parent_id",), (
        "empresa matriz", "matriz", "empresa mae", "holding", "parent company",
        "related company")),
    "language": (("lang", "lang_id"), ("idioma", "lingua", "language")),
    "color": (("color",), ("cor", "cor cartao", "cor etiqueta", "color", "colour")),
    "active": (("active",), ("ativo", "active")),
    "credit_limit": (("credit_limit",), ("limite credito", "credit limit")),
    "payment_terms": (("property_payment_term_id", "payment_term_id"), (
        "condicao pagamento", "condicoes pagamento", "prazo pagamento", "termos pagamento",
        "payment terms", "payment term")),
    "list_price": (("list_price",), (
        "preco", "preco venda", "preco unitario", "valor unitario", "preco tabela", "price",
        "sales price", "unit price")),
    "cost": (("standard_price",), (
        "custo", "preco custo", "custo unitario", "valor custo", "cost", "unit cost")),
    "barcode": (("barcode",), ("codigo barra", "ean", "ean13", "gtin", "barcode")),
    "weight": (("weight",), ("peso", "peso bruto", "peso liquido", "weight")),
    "volume": (("volume",), ("volume", "cubagem")),
    "category": (("categ_id",), (
        "categoria", "categoria produto", "familia", "category", "product category")),
    "uom": (("uom_id",), ("unidade", "unidade medida", "measurement unit", "unit of measure")),
    "product_type": (("type",), ("tipo produto", "product type")),
    "sale_ok": (("sale_ok",), ("pode ser vendido", "vendavel", "disponivel venda", "can be sold")),
    "purchase_ok": (("purchase_ok",), ("pode ser comprado", "can be purchased")),
    "sale_delay": (("sale_delay",), ("prazo entrega", "tempo entrega", "lead time")),
    "order_date": (("date_order",), (
        "data pedido", "data venda", "data proposta", "order date")),
    "validity": (("validity_date",), (
        "validade", "data validade", "valida ate", "validade proposta", "expiration date")),
    "commitment_date": (("commitment_date",), (
        "data entrega", "entrega prevista", "data entrega prevista", "delivery date",
        "commitment date")),
    "terms": (("note",), (
        "termos condicoes", "condicoes gerais", "terms and conditions", "observacao proposta")),
    "origin_document": (("origin",), ("documento origem", "source document")),
}

#: Odoo fields whose values have a recognizable shape: field -> patterns.
TARGET_PATTERNS = {
    "phone": ("phone",), "mobile": ("phone",), "email": ("email",), "email_from": ("email",),
    "website": ("url",), "zip": ("cep",), "vat": ("cnpj", "cpf"), "l10n_br_cpf_code": ("cpf",),
}
#: How strongly values alone point at a field: an e-mail column is e-mail, but a URL
#: column may be a LinkedIn profile and eight digits may be any code.
PATTERN_WEIGHTS = {
    "phone": 0.6, "mobile": 0.6, "email": 0.65, "email_from": 0.65, "website": 0.45,
    "zip": 0.4, "vat": 0.7, "l10n_br_cpf_code": 0.65,
}

#: Option names (pt_BR) and the English selection labels they stand for.
OPTION_SYNONYMS = {
    "baixa": "low", "baixo": "low", "media": "medium", "medio": "medium", "normal": "medium",
    "alta": "high", "alto": "high", "muito alta": "very high", "urgente": "very high",
    "critica": "very high", "sim": "yes", "nao": "no", "produto": "goods",
    "mercadoria": "goods", "produto fisico": "goods", "servico": "service", "kit": "combo",
    "portugues": "portuguese", "ingles": "english", "espanhol": "spanish",
    "pessoa juridica": "company", "pessoa fisica": "individual", "oportunidade": "opportunity",
}


def fold(text):
    """Lower case without accents: ``"Função"`` -> ``"funcao"``."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def stem(token):
    """Trim Portuguese and English plural endings (``observacoes`` -> ``observacao``)."""
    if len(token) <= 3 or token.endswith("ss"):
        return token
    for ending, replacement in (("coes", "cao"), ("oes", "ao"), ("aes", "ao"), ("ais", "al"),
                                ("eis", "el"), ("ies", "y")):
        if token.endswith(ending):
            return token[: -len(ending)] + replacement
    return token[:-1] if token.endswith("s") else token


@lru_cache(maxsize=8192)
def tokens(text):
    """Normalized tokens of a label, as a tuple."""
    return label_parts(text)[0]


@lru_cache(maxsize=8192)
def label_parts(text):
    """(tokens, head size): the tokens and how many of them precede the first preposition."""
    text = fold(text).replace("%", " percentual ")
    text = re.sub(r"\b([a-z])-(?=[a-z]{2})", r"\1", text)  # e-mail -> email
    result, head = [], None
    for word in re.findall(r"[a-z0-9]+", text):
        if word in PREPOSITIONS and result and head is None:
            head = len(result)
        for token in ABBREVIATIONS.get(word, (word,)):
            if token not in STOPWORDS:
                result.append(stem(token))
    return tuple(result), len(result) if head is None else head


def edit_distance(a, b):
    """Edits (insert, delete, substitute, swap two neighbours) from ``a`` to ``b``."""
    previous, current = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
    return current[-1]


def token_match(a, b):
    """1 for the same token, 0.9 for a near spelling (one edit: ``telefoen``), else 0."""
    if a == b:
        return 1.0
    if min(len(a), len(b)) >= 5 and abs(len(a) - len(b)) <= 1 and edit_distance(a, b) <= 1:
        return 0.9
    return 0.0


def phrase_score(label_tokens, phrase_tokens, head=None):
    """How well a label says a phrase: 1 when it is the phrase, less per extra word, and
    less again when the phrase is only among the qualifiers (after the first ``head`` tokens)."""
    head = len(label_tokens) if head is None else head
    kept = [(i, t) for i, t in enumerate(label_tokens) if t not in UNIT_TOKENS]
    kept = kept or list(enumerate(label_tokens))
    if not kept or not phrase_tokens:
        return 0.0
    matches = [max((token_match(p, t), -i) for i, t in kept) for p in phrase_tokens]
    if min(score for score, _i in matches) == 0:
        return 0.0
    extra = max(0, len(kept) - len(phrase_tokens))
    quality = sum(score for score, _i in matches) / len(matches)
    score = quality * (1.0 if not extra else max(0.6, 0.92 - 0.14 * extra))
    in_head = any(-i < head for _score, i in matches)
    return score if in_head else score * QUALIFIER_WEIGHT


@lru_cache(maxsize=4096)
def concept_scores(label):
    """``{concept: (score, phrase)}`` of the concepts a label names."""
    label_tokens, head = label_parts(label)
    found = {}
    for concept, (_fields, phrases) in CONCEPTS.items():
        best = max((phrase_score(label_tokens, tokens(phrase), head), phrase) for phrase in phrases)
        if best[0] > 0:
            found[concept] = best
    return found


def synonym_score(label, field_name):
    """Best (score, concept) of the concepts of ``label`` that denote ``field_name``."""
    best = (0.0, None)
    for concept, (score, _phrase) in sorted(concept_scores(label).items()):
        if denotes(CONCEPTS[concept][0], field_name) and score > best[0]:
            best = (score, concept)
    return best


def denotes(field_names, field_name):
    """Whether ``field_name`` is one of ``field_names``; ``x_*_legal_name`` stands for the
    field a source's field table creates with its own prefix."""
    return any(fnmatchcase(field_name, name) if "*" in name else field_name == name
               for name in field_names)


def similarity(a, b):
    """Similarity of two labels: soft Jaccard over tokens, or the ratio of near spellings."""
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    matched = sum(max(token_match(x, y) for y in tb) for x in ta)
    matched = min(matched, len(ta), len(tb))
    jaccard = matched / (len(ta) + len(tb) - matched)
    ratio = SequenceMatcher(None, "".join(ta), "".join(tb)).ratio()
    return max(jaccard, ratio if ratio >= 0.85 else 0.0)


def option_similarity(option, label):
    """Similarity of a source option name and a selection label (pt_BR synonyms applied)."""
    english = _OPTION_ENGLISH.get(tokens(option))
    candidates = (option, english) if english else (option,)
    return max(similarity(candidate, label) for candidate in candidates)


_OPTION_ENGLISH = {tokens(name): english for name, english in OPTION_SYNONYMS.items()}
