"""Field metadata (``/Fields`` and friends) and the values of custom fields.

Type ids 3, 14, 15 and 16 are not documented; the reference only says that date-time,
user-, contact- and product-reference fields exist. The sandbox assigns them here and
clients must map types by ``/Fields@Types`` (``NativeType``, ``Name``), not by id.
"""

import uuid
from dataclasses import dataclass, field as dc_field

from .rng import REFERENCE, days_before, fmt_date, fmt_dt, mix, moment

ENTITIES = [  # (EntityId, Name) as in ``/Fields@Entities``
    (1, "Cliente"), (2, "Negócio"), (3, "Lead"), (4, "Venda"), (5, "Bloco de venda"),
    (7, "Proposta"), (8, "Bloco de proposta"), (10, "Produto"), (11, "Grupo de produtos"),
    (12, "Tarefa"), (14, "Produto da proposta"), (15, "Sua empresa"), (20, "Produto da venda"),
    (24, "Usuário"), (25, "Cidade"), (31, "Estágio"), (36, "Registro de interação"),
    (44, "Funil"), (66, "Documento"), (75, "Produto do cliente"),
]
TYPES = [  # (Id, Name, NativeType, Listable, Multipliable)
    (1, "Texto simples", "String", False, False), (2, "Texto multilinha", "BigString", False, False),
    (3, "Data e hora", "DateTime", False, False), (4, "Número inteiro", "Integer", False, False),
    (5, "Moeda", "Decimal", False, False), (6, "Número decimal", "Decimal", False, False),
    (7, "Opções pré-cadastradas", "Integer", True, True), (8, "Data", "DateTime", False, False),
    (9, "Horário", "DateTime", False, False), (10, "Checkbox", "Bool", False, False),
    (11, "CPF", "String", False, False), (12, "CNPJ", "String", False, False),
    (13, "Porcentagem", "Decimal", False, False), (14, "Usuário", "Integer", True, True),
    (15, "Cliente", "Integer", True, True), (16, "Produto", "Integer", True, True),
    (17, "Endereço", "String", False, False), (18, "Imagem", "String", False, False),
    (19, "Anexo", "Integer", False, False), (20, "Cor", "String", False, False),
    (21, "Assinatura DocuSign", "String", False, False), (22, "Desenvolvedor", "String", False, False),
    (24, "Assinatura D4Sign", "String", False, False),
]
PREFIX = {1: "contact", 2: "deal", 4: "order", 7: "quote", 10: "product", 12: "task",
          36: "interaction_record"}
OWNER_COLUMN = {1: "ContactId", 2: "DealId", 4: "OrderId", 7: "QuoteId", 10: "ProductId",
                12: "TaskId", 36: "InteractionRecordId"}
VALUE_COLUMNS = (
    "StringValue", "BigStringValue", "IntegerValue", "DecimalValue", "DateTimeValue", "BoolValue",
    "ObjectValueId", "ObjectValueName", "UserValueId", "UserValueName", "ContactValueId",
    "ContactValueName", "ProductValueId", "ProductValueName", "AttachmentValueId",
    "AttachmentValueName", "CurrencyValueId",
)
SECONDARY = {14: 24, 15: 1, 16: 10}

# (EntityId, Name, TypeId, options, Multiple, applies-to) — applies-to: None, "company", "person"
CUSTOM = [
    (1, "Inscrição Estadual", 1, None, False, "company"),
    (1, "Inscrição Municipal", 1, None, False, "company"),
    (1, "CPF do responsável", 11, None, False, "person"),
    (1, "CNPJ da matriz", 12, None, False, "company"),
    (1, "Data de fundação", 8, None, False, "company"),
    (1, "Cliente VIP", 10, None, False, None),
    (1, "Porte da empresa", 7, ["MEI", "Microempresa", "Pequena", "Média", "Grande"], False, "company"),
    (1, "Interesses", 7, ["Fornos", "Refrigeração", "Energia solar", "Software", "Manutenção",
                          "Treinamento"], True, None),
    (1, "Número de filiais", 4, None, False, "company"),
    (1, "Faturamento anual (milhões)", 6, None, False, "company"),
    (1, "Limite de crédito", 5, None, False, None),
    (1, "Desconto padrão", 13, None, False, None),
    (1, "Observações internas", 2, None, False, None),
    (1, "LinkedIn", 1, None, False, None),
    (1, "Executivo de contas secundário", 14, None, False, None),
    (1, "Indicado por", 15, None, False, None),
    (1, "Endereço de entrega", 17, None, False, "company"),
    (1, "Logotipo", 18, None, False, "company"),
    (1, "Contrato assinado", 19, None, False, None),
    (1, "Cor do cartão", 20, None, False, None),
    (1, "Melhor horário para contato", 9, None, False, "person"),
    (1, "Última visita", 3, None, False, None),
    (2, "Como chegou até nós", 7, ["Site", "Indicação", "Google", "Feira", "Instagram", "Outro"],
     False, None),
    (2, "Previsão de fechamento", 8, None, False, None),
    (2, "Valor de entrada", 5, None, False, None),
    (2, "Precisa de financiamento", 10, None, False, None),
    (2, "Concorrentes", 7, ["TecnoForno", "FrioSul", "Grupo Brasa", "Nenhum"], True, None),
    (2, "Produto principal", 16, None, False, None),
    (2, "Prazo de entrega (dias)", 4, None, False, None),
    (2, "Probabilidade", 13, None, False, None),
    (2, "Código no ERP", 1, None, False, None),
    (2, "Contexto", 2, None, False, None),
    (10, "Custo", 5, None, False, None),
    (10, "NCM", 1, None, False, None),
    (10, "Estoque mínimo", 4, None, False, None),
    (10, "Importado", 10, None, False, None),
    (10, "Linha", 7, ["Linha leve", "Linha pesada", "Serviços"], False, None),
    (10, "Foto do produto", 18, None, False, None),
    (7, "Condição especial", 1, None, False, None),
    (7, "Data de validação", 8, None, False, None),
    (7, "Requer aprovação da diretoria", 10, None, False, None),
    (7, "Forma de pagamento", 7, ["À vista", "30/60/90", "Boleto 28 dias", "Cartão 12x",
                                  "BNDES/Finame"], False, None),
    (4, "Número da NF-e", 1, None, False, None),
    (4, "Data de entrega prevista", 8, None, False, None),
    (4, "Frete", 6, None, False, None),
    (4, "Transportadora", 7, ["Correios", "Jadlog", "Braspress", "Retira na loja"], False, None),
    (12, "Prioridade", 7, ["Baixa", "Média", "Alta"], False, None),
    (12, "Cobrar retorno", 10, None, False, None),
    (12, "Assunto", 1, None, False, None),
    (36, "Resultado do contato", 7, ["Positivo", "Neutro", "Negativo", "Sem resposta"], False, None),
    (36, "Satisfação (1-5)", 4, None, False, None),
    (36, "Canal", 1, None, False, None),
]
NATIVE = {  # EntityId -> [(key suffix, label, PropertyName, TypeId)]
    1: [("name", "Nome", "Name", 1), ("legal_name", "Razão social", "LegalName", 1),
        ("register", "CPF/CNPJ", "Register", 1), ("email", "E-mail", "Email", 1),
        ("status", "Status", "StatusId", 7), ("owner", "Responsável", "OwnerId", 14),
        ("origin", "Origem", "OriginId", 7), ("zipcode", "CEP", "ZipCode", 4),
        ("city", "Cidade", "CityId", 7), ("note", "Observações", "Note", 2),
        ("birthday", "Aniversário", "Birthday", 8), ("avatar", "Foto", "AvatarUrl", 18)],
    2: [("title", "Título", "Title", 1), ("amount", "Valor", "Amount", 5),
        ("contact", "Cliente", "ContactId", 15), ("owner", "Responsável", "OwnerId", 14),
        ("stage", "Estágio", "StageId", 7), ("start_date", "Data de início", "StartDate", 8),
        ("finish_date", "Data de conclusão", "FinishDate", 8)],
    4: [("number", "Número", "OrderNumber", 4), ("date", "Data", "Date", 8),
        ("amount", "Valor", "Amount", 5), ("stage", "Estágio", "StageId", 7)],
    7: [("number", "Número", "QuoteNumber", 4), ("date", "Data", "Date", 8),
        ("amount", "Valor", "Amount", 5), ("expiration_date", "Validade", "ExpirationDate", 8)],
    10: [("name", "Nome", "Name", 1), ("code", "Código", "Code", 1),
         ("unit_price", "Preço unitário", "UnitPrice", 5), ("group", "Grupo", "GroupId", 7)],
    12: [("title", "Título", "Title", 1), ("date", "Data", "DateTime", 3),
         ("description", "Descrição", "Description", 2)],
    36: [("content", "Conteúdo", "Content", 2), ("date", "Data", "Date", 3)],
}
FIELD_PROPS = (
    "Id", "Key", "Name", "EntityId", "SecondaryEntityId", "TypeId", "Dynamic", "PropertyName",
    "OptionsTableId", "Multiple", "Required", "Unique", "Hidden", "Disabled", "FormHidden",
    "Permanent", "Integration", "Filterable", "Importable", "DefaultStringValue",
    "DefaultBigStringValue", "DefaultIntegerValue", "DefaultDecimalValue", "DefaultDateTimeValue",
    "DefaultBoolValue", "InternalFormula", "ExternalFormulaUrl", "OriginFieldKey",
)
OPTIONS_TABLE_BASE = 40015000
STAMP = fmt_dt(days_before(500))


@dataclass
class CustomField:
    """One custom-field definition plus what the generator needs to fill it."""
    id: int
    key: str
    name: str
    entity_id: int
    type_id: int
    multiple: bool
    applies_to: str | None
    options: list = dc_field(default_factory=list)  # [(option id, name)]
    table_id: int | None = None


def _guid(seed, *parts):
    return str(uuid.UUID(int=(mix(seed, "guid", *parts) << 64) | mix(seed, "guid2", *parts),
                         version=4)).upper()


class FieldCatalog:
    """The account's field definitions, option tables and options for one seed."""

    def __init__(self, seed):
        self.custom = []
        self.tables, self.options = [], []
        for j, (eid, name, type_id, options, multiple, applies) in enumerate(CUSTOM):
            f = CustomField(40009001 + j, f"{PREFIX[eid]}_{_guid(seed, eid, j)}", name, eid,
                            type_id, multiple, applies)
            if options:
                f.table_id = OPTIONS_TABLE_BASE + 100 * len(self.tables)
                f.options = [(f.table_id + 1 + k, opt) for k, opt in enumerate(options)]
                self.tables.append({"Id": f.table_id, "Name": name, "LastUpdateDate": STAMP})
                self.options += [{"Id": oid, "TableId": f.table_id, "Name": opt,
                                  "ExternalKey": f"opt-{oid}", "LastUpdateDate": STAMP}
                                 for oid, opt in f.options]
            self.custom.append(f)
        self.by_entity = {}
        for f in self.custom:
            self.by_entity.setdefault(f.entity_id, []).append(f)

    def records(self):
        """``/Fields`` rows: native definitions first, then custom ones."""
        out = []
        for eid, natives in NATIVE.items():
            for j, (suffix, label, prop, type_id) in enumerate(natives):
                out.append(self._record(40008001 + eid * 50 + j, f"{PREFIX[eid]}_{suffix}", label,
                                        eid, type_id, False, prop))
        for f in self.custom:
            out.append(self._record(f.id, f.key, f.name, f.entity_id, f.type_id, True, None,
                                    f.table_id, f.multiple))
        return out

    @staticmethod
    def _record(fid, key, name, eid, type_id, dynamic, prop, table_id=None, multiple=False):
        rec = dict.fromkeys(FIELD_PROPS)
        rec.update(Id=fid, Key=key, Name=name, EntityId=eid, SecondaryEntityId=SECONDARY.get(type_id),
                   TypeId=type_id, Dynamic=dynamic, PropertyName=prop, OptionsTableId=table_id,
                   Multiple=multiple, Required=not dynamic and prop in ("Name", "Title"),
                   Unique=False, Hidden=False, Disabled=False, FormHidden=False,
                   Permanent=not dynamic, Integration=False, Filterable=True, Importable=True)
        return rec

    @staticmethod
    def type_records():
        """``/Fields@Types`` rows."""
        return [{"Id": i, "Name": n, "NativeType": t, "Listable": li, "Multipliable": mu}
                for i, n, t, li, mu in TYPES]

    @staticmethod
    def entity_records():
        """``/Fields@Entities`` rows."""
        return [{"Id": i, "Name": n} for i, n in ENTITIES]


def empty_row(row_id, f, owner_column, owner_id):
    """An OtherProperties row with every value column null."""
    row = {"Id": row_id, "FieldId": f.id, "FieldKey": f.key, owner_column: owner_id}
    row.update(dict.fromkeys(VALUE_COLUMNS))
    return row


def value_columns(f, r, refs):
    """Value columns for one field: a list of dicts (several for a multi-select).

    ``refs`` supplies references: ``user(r)``, ``contact(r)``, ``product(r)`` return
    ``(id, name)``; ``attachment()`` returns ``(id, name)`` or None; ``cpf()``/``cnpj()``
    return formatted documents; ``text(f, r)`` returns free text for a text field.
    """
    t = f.type_id
    if t == 7:
        chosen = r.sample(f.options, r.randint(1, min(3, len(f.options)))) if f.multiple \
            else [r.choice(f.options)]
        return [{"IntegerValue": oid, "ObjectValueId": oid, "ObjectValueName": name}
                for oid, name in chosen]
    if t in (14, 15, 16):
        ref_id, ref_name = {14: refs.user, 15: refs.contact, 16: refs.product}[t](r)
        col = {14: "User", 15: "Contact", 16: "Product"}[t]
        return [{"IntegerValue": ref_id, f"{col}ValueId": ref_id, f"{col}ValueName": ref_name}]
    if t == 19:
        att = refs.attachment()
        return [{"IntegerValue": att[0], "AttachmentValueId": att[0],
                 "AttachmentValueName": att[1]}] if att else []
    return [_scalar_value(f, r, refs)]


def _scalar_value(f, r, refs):
    t = f.type_id
    if t in (1, 17, 18, 20):
        return {"StringValue": refs.text(f, r)}
    if t == 2:
        return {"BigStringValue": refs.text(f, r)}
    if t == 11:
        return {"StringValue": refs.cpf()}
    if t == 12:
        return {"StringValue": refs.cnpj()}
    if t == 4:
        return {"IntegerValue": r.randint(0, 500)}
    if t == 5:
        return {"DecimalValue": round(r.uniform(500, 250000), 2), "CurrencyValueId": 1}
    if t == 6:
        return {"DecimalValue": round(r.uniform(0.5, 900), 3)}
    if t == 13:
        return {"DecimalValue": round(r.uniform(0, 30), 1)}
    if t == 10:
        return {"BoolValue": r.random() < 0.5}
    if t == 8:
        return {"DateTimeValue": fmt_date(days_before(r.randint(-120, 9000)))}
    if t == 9:
        return {"DateTimeValue": f"{REFERENCE:%Y-%m-%d}T{r.randint(8, 18):02d}:{r.choice((0, 30)):02d}:00-03:00"}
    return {"DateTimeValue": fmt_dt(moment(r, days_before(900), REFERENCE))}  # type 3
