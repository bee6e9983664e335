"""Static reference tables: Brazilian geography, names and vocabulary (pt-BR)."""

BRAZIL = 76

# (Id, Name, UF, capital latitude, capital longitude, CEP prefix low, CEP prefix high)
STATES = [
    (1, "Acre", "AC", -9.97, -67.81, 69900, 69999),
    (2, "Alagoas", "AL", -9.67, -35.74, 57000, 57999),
    (3, "Amapá", "AP", 0.03, -51.07, 68900, 68999),
    (4, "Amazonas", "AM", -3.12, -60.02, 69000, 69299),
    (5, "Bahia", "BA", -12.97, -38.50, 40000, 48999),
    (6, "Ceará", "CE", -3.73, -38.53, 60000, 63999),
    (7, "Distrito Federal", "DF", -15.79, -47.88, 70000, 73699),
    (8, "Espírito Santo", "ES", -20.32, -40.34, 29000, 29999),
    (9, "Goiás", "GO", -16.68, -49.26, 72800, 76799),
    (10, "Maranhão", "MA", -2.53, -44.30, 65000, 65999),
    (11, "Mato Grosso", "MT", -15.60, -56.10, 78000, 78899),
    (12, "Mato Grosso do Sul", "MS", -20.47, -54.62, 79000, 79999),
    (13, "Minas Gerais", "MG", -19.92, -43.94, 30000, 39999),
    (14, "Pará", "PA", -1.46, -48.50, 66000, 68899),
    (15, "Paraíba", "PB", -7.12, -34.86, 58000, 58999),
    (16, "Paraná", "PR", -25.43, -49.27, 80000, 87999),
    (17, "Pernambuco", "PE", -8.05, -34.88, 50000, 56999),
    (18, "Piauí", "PI", -5.09, -42.80, 64000, 64999),
    (19, "Rio de Janeiro", "RJ", -22.91, -43.17, 20000, 28999),
    (20, "Rio Grande do Norte", "RN", -5.79, -35.21, 59000, 59999),
    (21, "Rio Grande do Sul", "RS", -30.03, -51.23, 90000, 99999),
    (22, "Rondônia", "RO", -8.76, -63.90, 76800, 76999),
    (23, "Roraima", "RR", 2.82, -60.67, 69300, 69399),
    (24, "Santa Catarina", "SC", -27.60, -48.55, 88000, 89999),
    (25, "São Paulo", "SP", -23.55, -46.63, 1000, 19999),
    (26, "Sergipe", "SE", -10.91, -37.07, 49000, 49999),
    (27, "Tocantins", "TO", -10.18, -48.33, 77000, 77999),
]

# (Name, UF, IBGE code, weight) — weight biases the choice towards big cities.
CITIES = [
    ("São Paulo", "SP", 3550308, 12), ("Rio de Janeiro", "RJ", 3304557, 6),
    ("Belo Horizonte", "MG", 3106200, 4), ("Brasília", "DF", 5300108, 4),
    ("Salvador", "BA", 2927408, 3), ("Fortaleza", "CE", 2304400, 3),
    ("Curitiba", "PR", 4106902, 4), ("Manaus", "AM", 1302603, 2),
    ("Recife", "PE", 2611606, 3), ("Porto Alegre", "RS", 4314902, 4),
    ("Belém", "PA", 1501402, 2), ("Goiânia", "GO", 5208707, 2),
    ("Guarulhos", "SP", 3518800, 2), ("Campinas", "SP", 3509502, 3),
    ("São Luís", "MA", 2111300, 1), ("São Gonçalo", "RJ", 3304904, 1),
    ("Maceió", "AL", 2704302, 1), ("Duque de Caxias", "RJ", 3301702, 1),
    ("Natal", "RN", 2408102, 1), ("Teresina", "PI", 2211001, 1),
    ("Campo Grande", "MS", 5002704, 1), ("São Bernardo do Campo", "SP", 3548708, 2),
    ("João Pessoa", "PB", 2507507, 1), ("Nova Iguaçu", "RJ", 3303500, 1),
    ("Santo André", "SP", 3547809, 2), ("Osasco", "SP", 3534401, 2),
    ("São José dos Campos", "SP", 3549904, 2), ("Jaboatão dos Guararapes", "PE", 2607901, 1),
    ("Ribeirão Preto", "SP", 3543402, 2), ("Uberlândia", "MG", 3170206, 1),
    ("Sorocaba", "SP", 3552205, 1), ("Contagem", "MG", 3118601, 1),
    ("Aracaju", "SE", 2800308, 1), ("Feira de Santana", "BA", 2910800, 1),
    ("Cuiabá", "MT", 5103403, 1), ("Joinville", "SC", 4209102, 2),
    ("Juiz de Fora", "MG", 3136702, 1), ("Londrina", "PR", 4113700, 1),
    ("Aparecida de Goiânia", "GO", 5201405, 1), ("Niterói", "RJ", 3303302, 1),
    ("Ananindeua", "PA", 1500800, 1), ("Porto Velho", "RO", 1100205, 1),
    ("Serra", "ES", 3205002, 1), ("Caxias do Sul", "RS", 4305108, 1),
    ("Macapá", "AP", 1600303, 1), ("Florianópolis", "SC", 4205407, 2),
    ("Vila Velha", "ES", 3205200, 1), ("Mauá", "SP", 3529401, 1),
    ("São José do Rio Preto", "SP", 3549805, 1), ("Santos", "SP", 3548500, 1),
    ("Mogi das Cruzes", "SP", 3530607, 1), ("Betim", "MG", 3106705, 1),
    ("Diadema", "SP", 3513801, 1), ("Campina Grande", "PB", 2504009, 1),
    ("Jundiaí", "SP", 3525904, 1), ("Maringá", "PR", 4115200, 1),
    ("Montes Claros", "MG", 3143302, 1), ("Piracicaba", "SP", 3538709, 1),
    ("Olinda", "PE", 2609600, 1), ("Rio Branco", "AC", 1200401, 1),
    ("Anápolis", "GO", 5201108, 1), ("Bauru", "SP", 3506003, 1),
    ("Vitória", "ES", 3205309, 1), ("Caruaru", "PE", 2604106, 1),
    ("Blumenau", "SC", 4202404, 1), ("Vitória da Conquista", "BA", 2933307, 1),
    ("Franca", "SP", 3516200, 1), ("Pelotas", "RS", 4314407, 1),
    ("Ponta Grossa", "PR", 4119905, 1), ("Canoas", "RS", 4304606, 1),
    ("Boa Vista", "RR", 1400100, 1), ("Palmas", "TO", 1721000, 1),
    ("Petrolina", "PE", 2611101, 1), ("Foz do Iguaçu", "PR", 4108304, 1),
    ("Chapecó", "SC", 4204202, 1), ("Mossoró", "RN", 2408003, 1),
    ("Imperatriz", "MA", 2105302, 1), ("Santarém", "PA", 1506807, 1),
    ("Dourados", "MS", 5003702, 1), ("Rondonópolis", "MT", 5107602, 1),
    ("Arapiraca", "AL", 2700300, 1), ("Itabuna", "BA", 2914802, 1),
    ("Sobral", "CE", 2312908, 1), ("Juazeiro do Norte", "CE", 2307304, 1),
    ("Criciúma", "SC", 4204608, 1), ("Santa Maria", "RS", 4316907, 1),
    ("Cascavel", "PR", 4104808, 1), ("Uberaba", "MG", 3170107, 1),
    ("Petrópolis", "RJ", 3303906, 1), ("Volta Redonda", "RJ", 3306305, 1),
    ("São Carlos", "SP", 3548906, 1), ("Itajaí", "SC", 4208203, 1),
    ("Araguaína", "TO", 1702109, 1), ("Várzea Grande", "MT", 5108402, 1),
    ("Parnaíba", "PI", 2207702, 1), ("Lagarto", "SE", 2803500, 1),
]
CITY_ID_BASE = 3830  # São Paulo is 3830, as in the reference's examples

# (Id, Name, Short1, Short2, PhoneMask)
COUNTRIES = [
    (32, "Argentina", "AR", "ARG", "+54 (99) 9999-9999"),
    (76, "Brasil", "BR", "BRA", "+55 (99) 99999-9999"),
    (152, "Chile", "CL", "CHL", "+56 9 9999 9999"),
    (600, "Paraguai", "PY", "PRY", "+595 999 999999"),
    (620, "Portugal", "PT", "PRT", "+351 999 999 999"),
    (840, "Estados Unidos", "US", "USA", "+1 (999) 999-9999"),
    (858, "Uruguai", "UY", "URY", "+598 9999 9999"),
]

# (Id, Code, Symbol)
CURRENCIES = [(1, "BRL", "R$"), (2, "USD", "US$"), (3, "EUR", "€")]

MALE_NAMES = [
    "João", "José", "Antônio", "Francisco", "Carlos", "Paulo", "Pedro", "Lucas",
    "Luiz", "Marcos", "Luís", "Gabriel", "Rafael", "Daniel", "Marcelo", "Bruno",
    "Eduardo", "Felipe", "Raimundo", "Rodrigo", "Caio", "Otávio", "Vinícius",
    "Cauã", "Heitor", "Enzo", "Théo", "Gonçalo", "Sérgio", "Fábio", "Márcio",
    "André", "Júlio", "Tiago", "Henrique", "Joaquim", "Benedito", "Severino",
]
FEMALE_NAMES = [
    "Maria", "Ana", "Francisca", "Antônia", "Adriana", "Juliana", "Márcia",
    "Fernanda", "Patrícia", "Aline", "Sandra", "Camila", "Amanda", "Bruna",
    "Jéssica", "Letícia", "Júlia", "Luciana", "Vanessa", "Mariana", "Conceição",
    "Ângela", "Cecília", "Inês", "Lúcia", "Débora", "Mônica", "Tânia", "Vitória",
    "Thaís", "Gislaine", "Raquel", "Íris", "Lívia", "Sônia", "Glória",
]
SURNAMES = [
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves",
    "Pereira", "Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho",
    "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa", "Rocha",
    "Dias", "Nascimento", "Andrade", "Moreira", "Nunes", "Marques", "Machado",
    "Mendes", "Freitas", "Cardoso", "Ramos", "Gonçalves", "Santana", "Teixeira",
    "Araújo", "Conceição", "Magalhães", "Brandão", "Assunção", "Falcão",
    "Simões", "Guimarães", "Peçanha", "Sá", "Müller", "Schmidt", "O'Brien",
    "Nakamura", "Yamamoto", "Kowalski", "D'Ávila", "Abreu e Lima", "da Cunha",
]
# Occasional odd Unicode in person names: emoji, combining accents, NBSP.
ODD_NAMES = [
    "Ana Clara 🌻", "Jose\u0301 Ma\u0301rio", "Zé\u00a0Carlos", "Luíza 🇧🇷 Prado",
    "Renée Ângelo", "Ñusta Quispe", "Łukasz Nowak", "Oğuz Çelik", "Ærin Søndergaard",
]

COMPANY_KINDS = [
    "Padaria", "Metalúrgica", "Construtora", "Distribuidora", "Agropecuária",
    "Transportadora", "Farmácia", "Clínica", "Escola", "Confecções", "Mercado",
    "Indústria", "Comercial", "Tecnologia", "Consultoria", "Laticínios",
    "Móveis", "Autopeças", "Gráfica", "Hotel",
]
COMPANY_WORDS = [
    "Sol Nascente", "São Jorge", "Horizonte", "Boa Vista", "Águia Dourada",
    "Três Irmãos", "Nova Era", "Bela Vista", "Estrela do Sul", "Vale Verde",
    "Santa Luzia", "Ipê Amarelo", "Pão de Açúcar", "Recanto", "Aliança",
    "Progresso", "Cruzeiro", "Primavera", "Atlântico", "Serra Azul",
    "Jequitibá", "Mandacaru", "Itaúna", "Guaraná", "Coração de Maria",
    "Pioneira", "Paraíso", "Central", "União", "Bandeirantes", "Açaí",
]
COMPANY_SUFFIXES = ["Ltda", "Ltda.", "S.A.", "S/A", "ME", "EIRELI", "EPP", "Ltda - ME"]
LEGAL_ACTIVITIES = [
    "Comércio e Serviços", "Indústria e Comércio", "Serviços", "Comércio",
    "Participações", "Distribuição", "Soluções",
]
STREETS = [
    "Rua das Laranjeiras", "Avenida Paulista", "Rua XV de Novembro", "Rua Sete de Setembro",
    "Avenida Brasil", "Rua Tiradentes", "Rua Dom Pedro II", "Avenida Getúlio Vargas",
    "Rua São João", "Travessa do Comércio", "Alameda Santos", "Rua da Consolação",
    "Avenida Afonso Pena", "Rua Barão do Rio Branco", "Rodovia BR-101, km 12",
    "Rua Marechal Deodoro", "Avenida Beira-Mar", "Rua Conselheiro Nébias",
]
NEIGHBORHOODS = [
    "Centro", "Jardim América", "Vila Mariana", "Boa Viagem", "Savassi",
    "Batel", "Moinhos de Vento", "Pinheiros", "Aldeota", "Distrito Industrial",
    "Água Verde", "Copacabana", "Vila Nova", "Jardim Botânico", "São Cristóvão",
]
CNAE = [
    ("1091-1/02", "Fabricação de produtos de padaria e confeitaria"),
    ("2511-0/00", "Fabricação de estruturas metálicas"),
    ("4120-4/00", "Construção de edifícios"),
    ("4639-7/01", "Comércio atacadista de produtos alimentícios em geral"),
    ("4711-3/02", "Comércio varejista de mercadorias em geral"),
    ("6201-5/01", "Desenvolvimento de programas de computador sob encomenda"),
    ("7020-4/00", "Atividades de consultoria em gestão empresarial"),
    ("4930-2/02", "Transporte rodoviário de carga"),
    ("8630-5/03", "Atividade médica ambulatorial restrita a consultas"),
]
EMAIL_PROVIDERS = ["gmail.com", "hotmail.com", "outlook.com.br", "uol.com.br", "yahoo.com.br", "bol.com.br"]

PRODUCT_FAMILIES = ["Equipamentos", "Serviços", "Peças e acessórios", "Software"]
# (group name, family index, product nouns of the group): Families -> Groups -> Products
PRODUCT_GROUPS = [
    ("Fornos e cocção", 0, ["Forno de lastro", "Masseira espiral", "Cilindro laminador", "Coifa inox"]),
    ("Refrigeração", 0, ["Câmara fria", "Expositor refrigerado", "Compressor"]),
    ("Pesagem e corte", 0, ["Balança digital", "Fatiador de frios"]),
    ("Movimentação de carga", 0, ["Empilhadeira", "Paleteira", "Estante de aço"]),
    ("Energia", 0, ["Painel solar", "Inversor"]),
    ("Informática", 0, ["Notebook", "Monitor", "Cadeira ergonômica"]),
    ("Instalação", 1, ["Serviço de instalação"]),
    ("Manutenção", 1, ["Contrato de manutenção"]),
    ("Treinamento e consultoria", 1, ["Treinamento", "Consultoria"]),
    ("Elétrica", 2, ["Cabo flexível", "Disjuntor", "Motor elétrico"]),
    ("Hidráulica", 2, ["Válvula solenoide", "Bomba d'água", "Filtro de ar"]),
    ("Transmissão", 2, ["Rolamento", "Correia dentada"]),
    ("Licenças", 3, ["Licença ERP"]),
]
PRICE_RANGE = {0: (800, 60000), 1: (150, 5000), 2: (12, 900), 3: (200, 3000)}  # by family
PRODUCT_QUALIFIERS = [
    "compacto", "industrial", "premium", "básico", "linha pesada", "inox", "220 V", "trifásico",
    "plus", "pro", "mini", "max", "eco", "modelo 2024", "com garantia estendida", "importado",
    "nacional",
]
MEASUREMENT_UNITS = ["un", "kg", "m", "cx", "pç", "L"]

DEAL_SUBJECTS = [
    "Forno industrial", "Renovação de contrato", "Ampliação da linha",
    "Equipamentos para nova filial", "Projeto de refrigeração", "Licenças de software",
    "Manutenção preventiva", "Reforma da cozinha", "Frota de empilhadeiras",
    "Energia solar", "Upgrade de servidores", "Mobiliário corporativo",
]
TASK_TITLES = [
    "Ligar para confirmar medidas", "Enviar proposta revisada", "Agendar visita técnica",
    "Cobrar retorno da proposta", "Reunião de alinhamento", "Follow-up pós-venda",
    "Confirmar dados para faturamento", "Apresentar nova linha de produtos",
    "Negociar condições de pagamento", "Verificar satisfação do cliente",
]
NOTE_SENTENCES = [
    "Cliente pediu proposta com instalação inclusa.",
    "Ligação: medidas confirmadas com o responsável técnico.",
    "Reunião presencial para apresentar o cronograma de entrega.",
    "Cliente reclamou do prazo de entrega da última compra.",
    "Solicitou desconto de 5% para pagamento à vista.",
    "Visita à fábrica: linha de produção parada para manutenção.",
    "Decisor está de férias até o fim do mês; retomar contato.",
    "Aprovação depende do conselho — próxima reunião em 15 dias.",
    "Concorrente ofereceu condição melhor; avaliar contraproposta.",
    "Enviado catálogo atualizado por WhatsApp.",
]
EMAIL_SUBJECTS = [
    "Proposta comercial", "Dúvida sobre o orçamento", "Agendamento de visita",
    "Envio de catálogo", "Condições de pagamento", "Confirmação de pedido",
    "Nota fiscal e boleto", "Atualização do prazo de entrega",
]
