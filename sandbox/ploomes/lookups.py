"""The account's configuration tables (small, fully materialised at start)."""

from . import refdata
from .rng import days_before, fmt_dt

USER_BASE = 40100100
STAMP = fmt_dt(days_before(400))

PIPELINES = [
    ("Vendas B2B", "#1E88E5", False,
     ["Prospecção", "Qualificação", "Apresentação", "Proposta enviada", "Negociação", "Fechamento"]),
    ("Renovações", "#43A047", False, ["Contato inicial", "Proposta", "Negociação", "Fechamento"]),
    ("Licitações", "#FB8C00", False, ["Edital publicado", "Documentação", "Disputa", "Homologação"]),
    ("Funil 2019 (arquivado)", "#9E9E9E", True, ["Entrada", "Em andamento", "Concluído"]),
]
LOSS_REASONS = ["Preço", "Concorrência", "Sem orçamento", "Sem resposta", "Prazo de entrega", "Desistência"]
TASK_TYPES = [  # (Name, Icon, Color); InteractionRecords use the same table
    ("Ligação", "phone", "#1E88E5"), ("E-mail", "envelope", "#8E24AA"),
    ("Reunião", "users", "#43A047"), ("Visita", "map-marker", "#F4511E"),
    ("Tarefa", "check", "#546E7A"), ("WhatsApp", "whatsapp", "#25D366"),
]
TAGS = {  # EntityId -> [(Name, Color)]
    1: [("Cliente ativo", "#2E7D32"), ("VIP", "#F9A825"), ("Inadimplente", "#C62828"),
        ("Parceiro estratégico", "#6A1B9A"), ("Prospect frio", "#90A4AE"),
        ("Licitação", "#EF6C00"), ("Exportação", "#00838F"), ("Key account", "#283593")],
    2: [("Urgente", "#D32F2F"), ("Upsell", "#388E3C"), ("Recorrente", "#1976D2"),
        ("Indicação", "#7B1FA2"), ("Grande conta", "#F57C00"), ("Risco", "#5D4037")],
    12: [("Pessoal", "#455A64"), ("Prioridade", "#C2185B"), ("Aguardando cliente", "#FFA000")],
    36: [("Reclamação", "#B71C1C"), ("Elogio", "#1B5E20"), ("Follow-up", "#0277BD")],
}
TAG_BASE = 40020001


def _rows(base, names, **extra):
    return [dict(Id=base + i, Name=name, **extra) for i, name in enumerate(names)]


def tag_ids(entity_id):
    """Ids of the tags defined for an EntityId, in order."""
    start = TAG_BASE
    for eid, tags in TAGS.items():
        if eid == entity_id:
            return list(range(start, start + len(tags)))
        start += len(tags)
    return []


def pipeline_stage_ids():
    """PipelineId -> ordered stage ids."""
    out, next_id = {}, 40002001
    for p, (_, _, _, stages) in enumerate(PIPELINES):
        out[40001001 + p] = list(range(next_id, next_id + len(stages)))
        next_id += len(stages)
    return out


def loss_reason_ids():
    """PipelineId -> loss reason ids (every pipeline has its own reasons)."""
    return {40001001 + p: [40003001 + p * 10 + i for i in range(len(LOSS_REASONS))]
            for p in range(len(PIPELINES))}


def _pipelines():
    pipes, stages, reasons = [], [], []
    stage_ids, reason_ids = pipeline_stage_ids(), loss_reason_ids()
    for p, (name, color, archived, stage_names) in enumerate(PIPELINES):
        pid = 40001001 + p
        pipes.append({
            "Id": pid, "Name": name, "Ordination": p, "Archived": archived, "Color": color,
            "IconId": 1 + p, "MustPassAllStages": False, "ForbiddenStageReturn": False,
            "MayWinDeals": True, "MayLoseDeals": True, "WinDealOnLastStage": p == 2,
            "MayCreateQuotes": True, "MayCreateOrders": True, "MayCreateDocuments": False,
            "CreateOrderOnWonDeal": False, "SingularUnitName": "Negócio",
            "PluralUnitName": "Negócios", "FormId": None, "LastUpdateDate": STAMP,
        })
        for o, (sid, sname) in enumerate(zip(stage_ids[pid], stage_names, strict=True)):
            stages.append({"Id": sid, "Name": sname, "PipelineId": pid, "Ordination": o,
                           "LastPipelineStage": o == len(stage_names) - 1, "TriggerId": None})
        for rid, rname in zip(reason_ids[pid], LOSS_REASONS, strict=True):
            reasons.append({"Id": rid, "Name": rname, "PipelineId": pid, "LastUpdateDate": STAMP})
    return pipes, stages, reasons


def _tags():
    out, next_id = [], TAG_BASE
    for eid, tags in TAGS.items():
        for name, color in tags:
            out.append({"Id": next_id, "Name": name, "Color": color, "EntityId": eid})
            next_id += 1
    return out


def _geography():
    states = [{"Id": i, "Name": n, "Short": uf, "CountryId": refdata.BRAZIL}
              for i, n, uf, *_ in refdata.STATES]
    state_of = {uf: i for i, _, uf, *_ in refdata.STATES}
    cities = [{"Id": refdata.CITY_ID_BASE + k, "Name": name, "StateId": state_of[uf],
               "CountryId": refdata.BRAZIL, "IBGECode": ibge, "LastUpdateDate": STAMP,
               "Editable": False}
              for k, (name, uf, ibge, _) in enumerate(refdata.CITIES)]
    countries = [{"Id": i, "Name": n, "Short1": s1, "Short2": s2, "PhoneMask": mask}
                 for i, n, s1, s2, mask in refdata.COUNTRIES]
    return states, cities, countries


def _automations():
    triggers = [{"Id": i + 1, "Name": n, "EntityId": e} for i, (n, e) in enumerate([
        ("Negócio criado", 2), ("Negócio ganho", 2), ("Negócio perdido", 2),
        ("Cliente criado", 1), ("Tarefa finalizada", 12), ("Venda criada", 4)])]
    action_types = _rows(1, ["Criar tarefa", "Enviar e-mail", "Mover para estágio",
                             "Alterar responsável", "Disparar webhook", "Criar venda"])
    specs = [
        ("Boas-vindas a novos clientes", 4, [(2, "Template: Boas-vindas"), (1, "Ligar em 3 dias")]),
        ("Pós-venda ao ganhar negócio", 2, [(6, "Pipeline: Vendas B2B"), (1, "Follow-up em 30 dias")]),
        ("Recuperar negócio perdido", 3, [(1, "Reabordar em 90 dias")]),
        ("Notificar ERP", 6, [(5, "https://erp.example/ploomes-hook")]),
        ("Distribuir leads (desativada)", 1, [(4, "Rodízio: Time Sudeste"), (3, "Qualificação")]),
    ]
    autos, action_rows = [], []
    for i, (name, trig, acts) in enumerate(specs):
        aid = 40060001 + i
        autos.append({"Id": aid, "Name": name, "EntityId": triggers[trig - 1]["EntityId"],
                      "TriggerId": trig, "TriggerFilterId": None, "Active": i != 4,
                      "CreatorId": USER_BASE + 1, "CreateDate": fmt_dt(days_before(700 - 40 * i)),
                      "LastUpdateDate": STAMP})
        for o, (atype, param) in enumerate(acts):
            action_rows.append({"Id": aid * 10 + o, "AutomationId": aid, "ActionId": atype,
                                "Ordination": o, "Parameters": param})
    return autos, action_rows, triggers, action_types


def account():
    """The tenant itself (``/Account``)."""
    return {"Id": 40000001, "Name": "Sandbox Equipamentos", "LegalName": "Sandbox Equipamentos Ltda",
            "Register": "11.222.333/0001-81", "Email": "contato@sandbox-equipamentos.example",
            "Website": "https://sandbox-equipamentos.example", "Phone": "(11) 3000-4000",
            "CityId": refdata.CITY_ID_BASE, "StateId": 25, "CountryId": refdata.BRAZIL,
            "CurrencyId": 1, "Language": "pt-BR", "CreateDate": fmt_dt(days_before(1500)),
            "LastUpdateDate": STAMP}


def build(user_ids):
    """Every lookup table keyed by its URL path (``_``-prefixed: backing rows of navigations)."""
    pipes, stages, reasons = _pipelines()
    states, cities, countries = _geography()
    autos, action_rows, triggers, action_types = _automations()
    stamp = {"LastUpdateDate": STAMP}
    teams = _rows(40000701, ["Time Sudeste", "Time Sul", "Inside Sales"], **stamp)
    team_users = [{"Id": 40000750 + k, "TeamId": teams[k % 3]["Id"], "UserId": uid}
                  for k, uid in enumerate(user_ids[1:])]
    return {
        "Contacts@Types": _rows(1, ["Empresa", "Pessoa"]),
        "Contacts@Status": [
            {"Id": 40000011 + i, "Name": n, "Label": n, "Icon": icon, "Color": color, "Discarded": d}
            for i, (n, icon, color, d) in enumerate([
                ("Ativo", "check", "#2E7D32", False), ("Prospect", "star", "#1565C0", False),
                ("Inativo", "pause", "#757575", False), ("Descartado", "ban", "#C62828", True)])],
        "Contacts@Origins": _rows(40000201, ["Site", "Indicação", "Google Ads", "Feira/Evento",
                                             "LinkedIn", "Prospecção ativa", "Parceiro"]),
        "Contacts@Relationships": _rows(40000251, ["Cliente", "Parceiro", "Revendedor", "Fornecedor"]),
        "Contacts@Classes": _rows(0, ["Sem classificação", "1 estrela", "2 estrelas", "3 estrelas"]),
        "Contacts@LinesOfBusiness": _rows(40000301, [
            "Indústria", "Comércio varejista", "Atacado", "Serviços", "Tecnologia",
            "Agronegócio", "Saúde", "Educação", "Construção civil", "Alimentação"]),
        "Contacts@NumbersOfEmployees": _rows(40000351, ["1 a 10", "11 a 50", "51 a 200", "201 a 500",
                                                        "501 a 1000", "Mais de 1000"], **stamp),
        "Roles": _rows(40000501, ["Diretor(a)", "Gerente de compras", "Comprador(a)", "Analista",
                                  "Coordenador(a)", "Sócio(a)", "Engenheiro(a)",
                                  "Assistente administrativo"], **stamp),
        "Departments": _rows(40000601, ["Compras", "Financeiro", "Diretoria", "TI", "Operações",
                                        "Comercial", "Engenharia", "RH"], **stamp),
        "PhoneTypes": _rows(1, ["Comercial", "Residencial", "Celular", "Fax", "WhatsApp"]),
        "Users@Profiles": [{"Id": 40000051 + i, "Name": n, "Administrator": a, "ModuleDeals": True,
                            "ModuleQuotes": True, "ModuleOrders": True, "ExportData": a}
                           for i, (n, a) in enumerate([("Administrador", True), ("Gestor", False),
                                                       ("Usuário padrão", False)])],
        "Teams": teams,
        "_TeamUsers": team_users,
        "Deals@Pipelines": pipes,
        "Deals@Stages": stages,
        "Deals@Status": _rows(1, ["Em aberto", "Ganha", "Perdida"]),
        "Deals@LossReasons": reasons,
        "Tasks@Types": [{"Id": 40001201 + i, "Name": n, "Icon": icon, "Color": c}
                        for i, (n, icon, c) in enumerate(TASK_TYPES)],
        "Orders@Stages": [{"Id": 40910001 + i, "Name": n, "Icon": icon, "Ordination": i}
                          for i, (n, icon) in enumerate([
                              ("Novo", "inbox"), ("Aprovado", "thumbs-up"), ("Faturado", "file-text"),
                              ("Entregue", "truck"), ("Cancelado", "times")])],
        "Quotes@ApprovalStatus": _rows(1, ["Aguardando aprovação", "Aprovada", "Reprovada"]),
        "Emails@Status": _rows(1, ["Enviado", "Recebido", "Falha no envio"]),
        "Currencies": [{"Id": i, "Symbol": s, "Code": c, "Editable": False}
                       for i, c, s in refdata.CURRENCIES],
        "Cities": cities,
        "Cities@Countries": countries,
        "Cities@Countries@States": states,
        "Tags": _tags(),
        "Automations": autos,
        "_AutomationActions": action_rows,
        "Automations@Triggers": triggers,
        "Automations@Actions@Actions": action_types,
        "Account": [account()],
    }
