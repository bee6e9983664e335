"""Ploomes workflow automations, which cannot move: written up for the admin to rebuild.

Each automation becomes an audit line: what triggers it, what it does, and
which Odoo Automation Rule (``base_automation``) trigger and actions rebuild it.
"""

from ...mapping.converters import Converters
from ...mapping.lexicon import fold

CONVERTERS = Converters()
converter = CONVERTERS.register

#: Ploomes EntityId -> the Odoo model its records became.
ENTITY_MODELS = {1: "res.partner", 2: "crm.lead", 4: "sale.order", 7: "sale.order",
                 10: "product.template", 12: "mail.activity", 36: "mail.message"}
#: Words of a Ploomes trigger name -> kind of Odoo trigger.
TRIGGERS = (
    (("criad", "novo", "nova", "cadastr"), "creation"),
    (("ganh",), "won"),
    (("perd",), "lost"),
    (("finaliz", "conclu"), "done"),
    (("alter", "atualiz", "mud"), "update"),
)
#: Words of a Ploomes action name -> kind of Odoo action.
ACTIONS = (
    (("tarefa", "atividade"), "activity"),
    (("e-mail", "email"), "email"),
    (("estagio", "etapa"), "stage"),
    (("responsavel", "dono"), "owner"),
    (("webhook",), "webhook"),
    (("venda", "pedido", "cotacao", "proposta"), "record"),
)


def kind_of(name, table, default):
    folded = fold(name)
    return next((kind for keys, kind in table if any(key in folded for key in keys)), default)


def sorted_actions(actions):
    return sorted(actions or (), key=lambda action: action.get("Ordination") or 0)


@converter("automation_actions")
def convert_automation_actions(value, line, record, ctx):
    """The actions of an automation, in order, as readable lines."""
    lines = []
    for action in sorted_actions(value):
        name = (ctx.lookup("Automations@Actions@Actions", action.get("ActionId")) or {}).get("Name")
        parameters = (action.get("Parameters") or "").strip()
        label = name or f"#{action.get('ActionId')}"
        lines.append(f"{len(lines) + 1}. {label}" + (f": {parameters}" if parameters else ""))
    return {line.target: "\n".join(lines) or False}


@converter("automation_plan")
def convert_automation_plan(value, line, record, ctx):
    """The Odoo model, trigger kind and action kinds that rebuild an automation."""
    trigger = (ctx.lookup("Automations@Triggers", record.get("TriggerId")) or {}).get("Name")
    actions = [(ctx.lookup("Automations@Actions@Actions", action.get("ActionId")) or {}).get("Name")
               for action in sorted_actions(record.get("Actions"))]
    return {
        line.target: ENTITY_MODELS.get(record.get("EntityId")) or False,
        "trigger_kind": kind_of(trigger, TRIGGERS, "other"),
        "action_kinds": ",".join(kind_of(name, ACTIONS, "server") for name in actions) or False,
    }
