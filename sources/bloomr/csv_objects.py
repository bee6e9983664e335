"""Which object each file of an export holds, and its record-key and updated-at columns.

A file is recognised by the words of its name (Portuguese or English, accents, case and
plurals folded by :func:`~...mapping.lexicon.tokens`), else by the columns of its header:
each object has telling column names, weighted; ``export (3).csv`` with ``Assunto``,
``Para`` and ``Enviado em`` holds e-mails.
"""
from typing import NamedTuple

from ...mapping.lexicon import fold, tokens

#: Object key -> the words of a file name that name it.
OBJECT_WORDS = {
    "contacts": ("contatos", "contato", "pessoas", "pessoa", "people", "person", "contacts"),
    "companies": ("empresas", "organizacoes", "organizations", "companies", "accounts", "contas"),
    "deals": ("negocios", "oportunidades", "deals", "opportunities"),
    "stages": ("etapas", "estagios", "fases", "stages"),
    "users": ("usuarios", "users", "vendedores"),
    "calls": ("ligacoes", "chamadas", "telefonemas", "calls"),
    "meetings": ("reunioes", "compromissos", "meetings"),
    "emails": ("emails", "e-mails"),
    "tasks": ("tarefas", "tasks"),
    "tags": ("marcadores", "etiquetas", "tags", "labels"),
}
#: Words of a column naming the object its ids belong to (``ID da empresa``, ``owner_id``).
REFERENCE_WORDS = {
    "contacts": ("contato", "pessoa", "person", "contact"),
    "companies": ("empresa", "organizacao", "organization", "company", "account", "conta"),
    "deals": ("negocio", "oportunidade", "deal", "opportunity"),
    "stages": ("etapa", "estagio", "fase", "stage"),
    "users": ("usuario", "responsavel", "dono", "proprietario", "vendedor", "criador", "autor",
              "user", "owner", "creator", "author"),
    "tags": ("marcador", "etiqueta", "tag"),
}
#: Object key -> {column name: weight} of the columns that tell a file holds it.
SIGNATURES = {
    "contacts": {"cargo": 2, "cpf": 2, "celular": 1, "sobrenome": 2, "data nascimento": 2,
                 "id empresa": 1, "job title": 2, "first name": 2, "last name": 2, "mobile": 1,
                 "company id": 1, "birthday": 2},
    "companies": {"cnpj": 3, "razao social": 3, "nome fantasia": 2, "segmento": 2, "setor": 1,
                  "industry": 2, "dominio": 2, "domain": 2, "numero funcionario": 2,
                  "employees": 2, "legal name": 2, "website": 1},
    "deals": {"valor": 2, "amount": 2, "id etapa": 2, "stage id": 2, "etapa": 1, "stage": 1,
              "data fechamento": 2, "previsao fechamento": 2, "close date": 2,
              "motivo perda": 3, "lost reason": 3, "ganho em": 2, "id contato": 1},
    "stages": {"ordem": 2, "posicao": 2, "order": 2, "position": 2, "funil": 2, "pipeline": 2},
    "users": {"perfil": 2, "papel": 2, "role": 2, "ativo": 1, "active": 1, "ultimo acesso": 3,
              "last login": 3, "administrador": 2, "admin": 2},
    "calls": {"duracao": 2, "duration": 2, "direcao": 3, "direction": 3, "gravacao": 3,
              "recording": 3, "numero discado": 3, "resultado": 1, "outcome": 1},
    "meetings": {"inicio": 2, "start": 2, "fim": 2, "termino": 2, "end": 2, "local": 2,
                 "location": 2, "participante": 3, "attendee": 3, "link reuniao": 3},
    "emails": {"assunto": 3, "subject": 3, "remetente": 3, "destinatario": 3, "para": 2,
               "de": 1, "from": 2, "cc": 2, "corpo": 2, "body": 2, "enviado": 2, "sent": 2},
    "tasks": {"prazo": 2, "vencimento": 2, "due date": 2, "concluida": 3, "completed": 2,
              "done": 2, "tipo tarefa": 3},
    "tags": {"cor": 2, "color": 2, "colour": 2},
}
HEADER_FLOOR = 2          # weight of telling columns needed to recognise a file by its header
KEY_COLUMNS = ("id", "codigo", "code", "uuid")
UPDATED_COLUMNS = ("atualizado em", "atualizado", "ultima atualizacao", "data atualizacao",
                   "modificado em", "alterado em", "ultima modificacao", "data modificacao",
                   "updated at", "updated", "last updated", "last modified", "modified at",
                   "date modified")


class ObjectGuess(NamedTuple):
    """What one file of an export holds (``object`` None: not recognised)."""

    file: str
    object: str
    confidence: float
    reason: str
    key_column: str = None       # the column of the records' ids
    updated_column: str = None   # the column of their last change


_OBJECT_TOKENS = {key: {t for word in words for t in tokens(word)}
                  for key, words in OBJECT_WORDS.items()}
_REFERENCE_TOKENS = {key: {t for word in words for t in tokens(word)}
                     for key, words in REFERENCE_WORDS.items()}
_SIGNATURE_TOKENS = {key: {tokens(name) or (name,): weight for name, weight in columns.items()}
                     for key, columns in SIGNATURES.items()}
_KEY_TOKENS = [tokens(name) for name in KEY_COLUMNS]
_UPDATED_TOKENS = {tokens(name) for name in UPDATED_COLUMNS}


def column_tokens(name):
    """A column name's tokens; a name of stop words only (``Para``, ``De``) as folded."""
    return tokens(name) or (fold(name).strip(),)


def _contains(haystack, needle):
    size = len(needle)
    return any(haystack[i:i + size] == needle for i in range(len(haystack) - size + 1))


def record_key_column(header):
    """The column of the records' ids (``ID``, ``Id``, ``código``), or None."""
    for key in _KEY_TOKENS:
        for name in header:
            if column_tokens(name) == key:
                return name
    return None


def updated_at_column(header):
    """The column of the records' last change (``Atualizado em``, ``Updated at``), or None."""
    return next((name for name in header if tokens(name) in _UPDATED_TOKENS), None)


def referenced_object(name):
    """The object whose ids a column holds by its name (``ID da empresa``, ``company_id``:
    ``companies``), or None."""
    words = column_tokens(name)
    if not {"id", "codigo"} & set(words) or len(words) < 2:
        return None
    return next((key for key, found in _REFERENCE_TOKENS.items() if found & set(words)), None)


def object_of_name(file_name):
    """(object key, confidence, reason) from a file's name, or None."""
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = tokens(stem)
    named = [key for word in words for key, found in _OBJECT_TOKENS.items() if word in found]
    if not named:
        return None
    if len(set(named)) == 1:
        return named[0], 0.95, f"file name '{file_name}' names {named[0]}"
    return named[0], 0.6, (f"file name '{file_name}' names {', '.join(dict.fromkeys(named))}: "
                           f"the first one is taken")


def object_of_header(header):
    """(object key, confidence, reason) from a file's columns, or None."""
    columns = [column_tokens(name) for name in header]
    scores = []
    for key, signature in _SIGNATURE_TOKENS.items():
        found = [name for name, words in zip(header, columns, strict=True)
                 if any(_contains(words, sign) for sign in signature)]
        weight = sum(w for sign, w in signature.items() if any(_contains(c, sign) for c in columns))
        scores.append((weight, key, found))
    scores.sort(key=lambda score: -score[0])
    (weight, key, found), runner_up = scores[0], scores[1][0]
    if weight < HEADER_FLOOR or weight == runner_up:
        return None
    confidence = round(min(0.85, 0.4 + 0.05 * (weight - runner_up)), 2)
    return key, confidence, f"columns {', '.join(found)} are those of {key}"


def guess_object(file):
    """The :class:`ObjectGuess` of one :class:`~.csv_records.ExportFile`."""
    found = object_of_name(file.name) or object_of_header(file.header)
    key, confidence, reason = found or (None, 0.0, "neither its name nor its columns say")
    return ObjectGuess(file.name, key, confidence, reason, file.key_column, file.updated_column)


def propose_objects(export):
    """An :class:`ObjectGuess` per file of an :class:`~.csv_export.Export`, in its order."""
    return [guess_object(file) for file in export.files]
