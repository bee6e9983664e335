"""Bloomr's own reference tables (pt-BR): pipelines, stages, tags, custom fields, vocabularies."""

ACCOUNT_DOMAIN = "aurora-equipamentos.example"

PIPELINES = [(1, "Vendas"), (2, "Parcerias")]
# (id, pipeline id, name, probability, won, lost), in pipeline order
STAGES = [
    (1, 1, "Prospecção", 10, False, False), (2, 1, "Qualificação", 25, False, False),
    (3, 1, "Proposta enviada", 50, False, False), (4, 1, "Negociação", 75, False, False),
    (5, 1, "Ganho", 100, True, False), (6, 1, "Perdido", 0, False, True),
    (7, 2, "Contato inicial", 20, False, False), (8, 2, "Avaliação", 50, False, False),
    (9, 2, "Contrato assinado", 100, True, False), (10, 2, "Descartado", 0, False, True),
]
TAGS = ["VIP", "Cliente antigo", "Indicação", "Evento 2024", "Inadimplente", "Revenda",
        "Prioridade alta", "Não ligar"]
TAG_COLORS = ["#e11d48", "#2563eb", "#16a34a", "#f59e0b", "#7c3aed", "#0891b2", "#db2777",
              "#4b5563"]
# (object, key, label, type, options)
CUSTOM_FIELDS = [
    ("contact", "data_nascimento", "Data de nascimento", "date", []),
    ("contact", "linkedin", "LinkedIn", "url", []),
    ("contact", "origem_lead", "Origem do lead", "option",
     ["Indicação", "Site", "Evento", "Google Ads", "Prospecção ativa"]),
    ("contact", "aceita_newsletter", "Aceita newsletter", "boolean", []),
    ("company", "faturamento_anual", "Faturamento anual", "money", []),
    ("company", "segmento", "Segmento", "option", ["Varejo", "Indústria", "Serviços", "Agronegócio"]),
    ("company", "inscricao_estadual", "Inscrição estadual", "text", []),
    ("company", "data_fundacao", "Data de fundação", "date", []),
    ("deal", "concorrente", "Concorrente", "text", []),
    ("deal", "numero_licencas", "Número de licenças", "number", []),
    ("deal", "link_proposta", "Link da proposta", "url", []),
    ("deal", "desconto_aprovado", "Desconto aprovado", "boolean", []),
]
FIXED_SIZES = {"pipelines": len(PIPELINES), "stages": len(STAGES), "tags": len(TAGS),
               "custom_fields": len(CUSTOM_FIELDS)}

INDUSTRIES = ["Alimentação", "Construção civil", "Varejo", "Tecnologia", "Saúde", "Educação",
              "Logística", "Agronegócio", "Metalurgia", "Hotelaria"]
EMPLOYEE_BANDS = ["1-10", "11-50", "51-200", "201-500", "501-1000", "1000+"]
JOB_TITLES = ["Diretor comercial", "Gerente de compras", "Comprador", "Sócio-proprietário",
              "Analista financeiro", "Coordenadora de suprimentos", "CEO", "Gerente de TI",
              "Assistente administrativo", "Engenheira de produção"]
COMPETITORS = ["Concorrente Sul", "Grupo Meridiano", "TecnoForte", "Nenhum", "Distribuidora Leste"]
LOST_REASONS = ["Preço", "Escolheu o concorrente", "Sem orçamento", "Projeto adiado", "Sem retorno"]
MEETING_TITLES = ["Apresentação da proposta", "Visita técnica", "Reunião de alinhamento",
                  "Demonstração do produto", "Negociação de contrato"]
MEETING_PLACES = ["Google Meet", "Zoom", "Escritório do cliente", "Nosso escritório", "Microsoft Teams"]
DIRECTIONS = ["outbound", "inbound"]
DISPOSITIONS = ["connected", "no_answer", "voicemail", "busy", "wrong_number"]
FILE_NAMES = ["Proposta comercial.pdf", "Contrato assinado.pdf", "Foto da visita.png",
              "Tabela de preços.csv", "Observações.txt"]
