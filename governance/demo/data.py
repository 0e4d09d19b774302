"""Demo organisation for `manage.py load_demo`: Maison Verte Group.

Maison Verte Group (HQ Lyon) is a fictional mid-size European omnichannel home-and-garden retailer:
128 stores (104 in France, 16 in Belgium, 8 in Switzerland), of which 46 have a heated garden centre,
an e-commerce site and app (14% of sales), the Club Verte loyalty programme (4.2 million active
members), two distribution centres (Villefranche-sur-Saône and Orléans), about 9,500 employees plus
1,800 seasonal staff a year, and €1.9 billion of revenue.

Pure data, deterministic, no imports. The business functions already exist in the database; their
slugs are listed in _FUNCTION_SLUGS only so that check() can validate references.

Run `python3 governance/demo/data.py` to validate every rule the loader and the database rely on.
"""

from __future__ import annotations

# --------------------------------------------------------------------------------------------------
# Reference values (private: used by check() only; FUNCTIONS are created by a migration)
# --------------------------------------------------------------------------------------------------

_FUNCTION_SLUGS = (
    "hr",
    "marketing",
    "finance",
    "operations",
    "it",
    "customer-service",
    "sales",
    "legal-compliance",
    "supply-chain",
    "data-analytics",
)
_COMMITTEE_ROLES = ("chair", "member", "secretary", None)
_FOUNDATION_KINDS = ("data_source", "platform", "model", "infrastructure")
_AMBITIONS = ("optimisation", "transformation")
_JOURNEY_STAGES = ("discover", "choose", "purchase", "onboarding", "usage", "support", "loyalty")
_AI_TECHNIQUES = ("classical_ml", "generative", "nlp", "computer_vision", "optimisation", "agentic", "other")
_RISK_TIERS = ("prohibited", "high", "limited", "minimal", "not_assessed")
_SOURCINGS = ("in_house", "vendor", "hybrid")
_STATUSES = (
    "draft",
    "submitted",
    "in_review",
    "changes_requested",
    "approved",
    "rejected",
    "on_hold",
    "in_delivery",
    "scaled",
    "retired",
)
_LINK_KINDS = ("shares_data", "shares_platform", "depends_on", "reinforces", "conflicts_with")
_SYMMETRIC_KINDS = ("shares_data", "shares_platform", "reinforces", "conflicts_with")

# --------------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------------


def _user(username, first_name, last_name, function, committee_role=None):
    return {
        "username": username,
        "first_name": first_name,
        "last_name": last_name,
        "email": f"{username}@maisonverte.example",
        "function": function,
        "committee_role": committee_role,
        "is_staff": committee_role is not None,
    }


USERS = [
    # AI steering committee
    _user("marc.dubois", "Marc", "Dubois", "operations", "chair"),  # Chief Operating Officer
    _user("sophie.laurent", "Sophie", "Laurent", "hr", "member"),  # HR Director
    _user("julien.moreau", "Julien", "Moreau", "marketing", "member"),  # Marketing & Loyalty Director
    _user("claire.martin", "Claire", "Martin", "finance", "member"),  # Chief Financial Officer
    _user("thomas.bernard", "Thomas", "Bernard", "it", "member"),  # Chief Information Officer
    _user("nadia.benali", "Nadia", "Benali", "legal-compliance", "member"),  # General Counsel and DPO
    _user("isabelle.roux", "Isabelle", "Roux", "customer-service", "member"),  # Head of Customer Care
    _user("pierre.garnier", "Pierre", "Garnier", "supply-chain", "member"),  # Supply Chain Director
    _user("camille.petit", "Camille", "Petit", "data-analytics", "secretary"),  # AI portfolio office
    # Team members
    _user("lucas.fontaine", "Lucas", "Fontaine", "marketing"),  # CRM & loyalty manager
    _user("emma.girard", "Emma", "Girard", "marketing"),  # Head of content
    _user("ines.morel", "Inès", "Morel", "sales"),  # E-commerce product manager
    _user("hugo.lefebvre", "Hugo", "Lefebvre", "it"),  # Lead engineer, digital
    _user("lea.mercier", "Léa", "Mercier", "supply-chain"),  # Demand planning manager
    _user("sarah.rousseau", "Sarah", "Rousseau", "supply-chain"),  # Procurement performance lead
    _user("antoine.chevalier", "Antoine", "Chevalier", "operations"),  # Store operations excellence lead
    _user("theo.vincent", "Théo", "Vincent", "operations"),  # Store process and loss prevention manager
    _user("manon.blanc", "Manon", "Blanc", "customer-service"),  # Contact-centre operations manager
    _user("maxime.faure", "Maxime", "Faure", "hr"),  # Talent acquisition manager
    _user("chloe.andre", "Chloé", "André", "finance"),  # Financial control manager
    _user("nicolas.lambert", "Nicolas", "Lambert", "data-analytics"),  # Data platform lead
]

# --------------------------------------------------------------------------------------------------
# Business domains
# --------------------------------------------------------------------------------------------------

DOMAINS = [
    {
        "slug": "customer-experience",
        "name": "Customer Experience & Care",
        "description": (
            "Every contact with Maison Verte after the sale: delivery, returns, after-sales and advice. "
            "AI should remove avoidable contacts, warn customers before something goes wrong and give "
            "advisers the full picture in seconds, so that a problem becomes a reason to stay."
        ),
        "owner": "isabelle.roux",
        "sponsor": "marc.dubois",
        "strategic_priority": 1,
    },
    {
        "slug": "marketing-personalisation",
        "name": "Marketing, Loyalty & Personalisation",
        "description": (
            "Club Verte, CRM, media and brand content. AI should replace mass campaigns and blanket "
            "vouchers with relevant, measured contacts built around the projects customers are in, "
            "and show which euros of marketing actually create incremental sales."
        ),
        "owner": "julien.moreau",
        "sponsor": "marc.dubois",
        "strategic_priority": 1,
    },
    {
        "slug": "ecommerce",
        "name": "E-commerce & Digital Discovery",
        "description": (
            "The website, the app and the way customers find, compare and plan their purchases online. "
            "AI should help customers go from a vague project ('a vegetable patch on a north-facing "
            "balcony') to the right basket, available locally, with a reliable delivery date."
        ),
        "owner": "ines.morel",
        "sponsor": "julien.moreau",
        "strategic_priority": 2,
    },
    {
        "slug": "supply-chain-inventory",
        "name": "Supply Chain & Inventory",
        "description": (
            "Forecasting, buying, replenishment, suppliers, distribution centres and home delivery. "
            "AI should put the right stock in the right store before the weather turns, cut the "
            "€146 million of store stock and the end-of-season markdowns, and see supplier risk early."
        ),
        "owner": "pierre.garnier",
        "sponsor": "marc.dubois",
        "strategic_priority": 1,
    },
    {
        "slug": "store-operations",
        "name": "Store Operations",
        "description": (
            "What happens in the 128 stores and 46 garden centres: staffing, shelves, live plants, "
            "click & collect, energy and loss. AI should free store teams from admin so that they spend "
            "their time advising customers, never to watch or grade them."
        ),
        "owner": "antoine.chevalier",
        "sponsor": "marc.dubois",
        "strategic_priority": 2,
    },
    {
        "slug": "people-workplace",
        "name": "People & Workplace",
        "description": (
            "Hiring, onboarding, skills, internal mobility and the tools employees use every day. AI "
            "should shorten seasonal hiring and answer employees' questions at any hour; decisions "
            "about people stay with people, and anything high-risk goes through the works councils."
        ),
        "owner": "sophie.laurent",
        "sponsor": "marc.dubois",
        "strategic_priority": 3,
    },
    {
        "slug": "finance-risk",
        "name": "Finance, Risk & Compliance",
        "description": (
            "Accounts payable, cash, fraud, contracts, product compliance and privacy. AI should "
            "remove manual matching and checking, give a reliable view of seasonal cash needs and "
            "catch fraud and compliance gaps before they cost us money or reputation."
        ),
        "owner": "claire.martin",
        "sponsor": "marc.dubois",
        "strategic_priority": 2,
    },
]

# --------------------------------------------------------------------------------------------------
# Teams
# --------------------------------------------------------------------------------------------------

TEAMS = [
    {
        "slug": "crm-loyalty",
        "name": "CRM & Loyalty",
        "function": "marketing",
        "description": "Runs Club Verte, CRM campaigns, member offers and marketing measurement.",
        "members": ["lucas.fontaine", "julien.moreau"],
    },
    {
        "slug": "brand-content",
        "name": "Brand & Content",
        "function": "marketing",
        "description": "Campaign creative, product content, advice guides and the brand's tone of voice.",
        "members": ["emma.girard"],
    },
    {
        "slug": "ecommerce-product",
        "name": "E-commerce Product",
        "function": "sales",
        "description": "Product management and engineering for the website and the Maison Verte app.",
        "members": ["ines.morel", "hugo.lefebvre"],
    },
    {
        "slug": "demand-planning",
        "name": "Demand Planning",
        "function": "supply-chain",
        "description": "Forecasts, seasonal buys, store replenishment, markdowns and DC and delivery planning.",
        "members": ["lea.mercier", "pierre.garnier"],
    },
    {
        "slug": "procurement",
        "name": "Procurement",
        "function": "supply-chain",
        "description": "Supplier selection, supplier performance, lead times and product listing compliance.",
        "members": ["sarah.rousseau", "lea.mercier"],
    },
    {
        "slug": "store-ops-excellence",
        "name": "Store Operations Excellence",
        "function": "operations",
        "description": "Store processes, staffing standards, loss prevention and garden-centre operations.",
        "members": ["antoine.chevalier", "theo.vincent"],
    },
    {
        "slug": "customer-care",
        "name": "Customer Care",
        "function": "customer-service",
        "description": "The Lyon contact centre (140 advisers), chat, social care and after-sales.",
        "members": ["manon.blanc", "isabelle.roux"],
    },
    {
        "slug": "talent-acquisition",
        "name": "Talent Acquisition & Workforce Planning",
        "function": "hr",
        "description": "Recruitment, seasonal hiring, onboarding, skills and the HR shared service centre.",
        "members": ["maxime.faure", "sophie.laurent"],
    },
    {
        "slug": "financial-control",
        "name": "Financial Control",
        "function": "finance",
        "description": "Accounts payable, treasury, management control, fraud and internal control.",
        "members": ["chloe.andre", "claire.martin"],
    },
    {
        "slug": "data-platform",
        "name": "Data Platform",
        "function": "data-analytics",
        "description": "Data warehouse, ML platform, feature store and the shared data products.",
        "members": ["nicolas.lambert", "hugo.lefebvre"],
    },
    {
        "slug": "digital-workplace",
        "name": "Digital Workplace",
        "function": "it",
        "description": "Employee tools, IT service desk and the LLM gateway used by every generative AI use case.",
        "members": ["hugo.lefebvre", "thomas.bernard"],
    },
    {
        "slug": "legal-privacy",
        "name": "Legal & Privacy Office",
        "function": "legal-compliance",
        "description": "Contracts, product regulation, GDPR requests and AI Act classification.",
        "members": ["nadia.benali"],
    },
]

# --------------------------------------------------------------------------------------------------
# Foundations: the shared data sources, platforms and models use cases build on
# --------------------------------------------------------------------------------------------------

FOUNDATIONS = [
    {
        "slug": "customer-360",
        "name": "Customer 360",
        "kind": "data_source",
        "owner_team": "crm-loyalty",
        "readiness": 3,
        "description": (
            "One record per customer joining loyalty, web accounts, orders, deliveries and care contacts. "
            "Covers 78% of revenue; store customers without a loyalty card remain anonymous."
        ),
    },
    {
        "slug": "loyalty-transactions",
        "name": "Club Verte transactions",
        "kind": "data_source",
        "owner_team": "crm-loyalty",
        "readiness": 5,
        "description": (
            "Line-level purchases, points and vouchers of 4.2 million active members since 2016, "
            "refreshed daily, with consent flags for marketing use."
        ),
    },
    {
        "slug": "product-catalogue-pim",
        "name": "Product catalogue (PIM)",
        "kind": "data_source",
        "owner_team": "ecommerce-product",
        "readiness": 4,
        "description": (
            "182,000 products including marketplace, with attributes, images, supplier documents and "
            "translations in French, Dutch and German. Attribute completeness is 52%."
        ),
    },
    {
        "slug": "pos-sales-history",
        "name": "POS sales history",
        "kind": "data_source",
        "owner_team": "data-platform",
        "readiness": 5,
        "description": (
            "Ticket lines from all 128 stores since 2015, with prices, promotions and payment type, "
            "loaded hourly into the data warehouse."
        ),
    },
    {
        "slug": "inventory-positions",
        "name": "Inventory and stock positions",
        "kind": "data_source",
        "owner_team": "demand-planning",
        "readiness": 3,
        "description": (
            "Stock per SKU in stores, DCs and in transit, updated every 15 minutes. Store accuracy is "
            "around 92% at SKU level because of phantom stock."
        ),
    },
    {
        "slug": "supplier-master-data",
        "name": "Supplier master data",
        "kind": "data_source",
        "owner_team": "procurement",
        "readiness": 2,
        "description": (
            "2,400 active suppliers with terms, lead times, certificates and delivery history. "
            "Being cleaned and moved to the new MDM tool; lead times and certificates are incomplete."
        ),
    },
    {
        "slug": "hris-data",
        "name": "HR information system data",
        "kind": "data_source",
        "owner_team": "talent-acquisition",
        "readiness": 2,
        "description": (
            "Employee records, contracts, schedules, absences and training. Migration from three "
            "country systems to one HRIS is in progress; access is restricted and logged."
        ),
    },
    {
        "slug": "web-clickstream",
        "name": "Web and app clickstream",
        "kind": "data_source",
        "owner_team": "ecommerce-product",
        "readiness": 4,
        "description": (
            "Server-side events from the website and the app (11 million visitors a year), consented "
            "sessions only, kept 25 months."
        ),
    },
    {
        "slug": "contact-centre-transcripts",
        "name": "Contact-centre transcripts",
        "kind": "data_source",
        "owner_team": "customer-care",
        "readiness": 3,
        "description": (
            "Transcribed calls, emails and chats from the contact-centre platform, pseudonymised, "
            "kept 12 months. Call transcription is live for French; Dutch and German are in test."
        ),
    },
    {
        "slug": "erp-gl-finance",
        "name": "ERP and general ledger data",
        "kind": "data_source",
        "owner_team": "financial-control",
        "readiness": 4,
        "description": (
            "Purchase orders, goods receipts, supplier invoices, payments and GL postings of the 7 legal "
            "entities, replicated daily to the data warehouse."
        ),
    },
    {
        "slug": "ml-platform",
        "name": "ML platform",
        "kind": "platform",
        "owner_team": "data-platform",
        "readiness": 4,
        "description": (
            "Shared environment to train, deploy and monitor models, with a model registry, scheduled "
            "pipelines and drift monitoring. Runs 23 models in production."
        ),
    },
    {
        "slug": "llm-gateway",
        "name": "LLM gateway",
        "kind": "platform",
        "owner_team": "digital-workplace",
        "readiness": 3,
        "description": (
            "Single access point to approved large language models hosted in the EU, with logging, "
            "personal-data masking, cost tracking per use case and prompt guardrails."
        ),
    },
    {
        "slug": "feature-store",
        "name": "Customer and product feature store",
        "kind": "platform",
        "owner_team": "data-platform",
        "readiness": 4,
        "description": (
            "Curated, versioned features (purchase rhythm, category affinity, price sensitivity, "
            "store proximity) shared by personalisation and retention models, served online and in batch."
        ),
    },
    {
        "slug": "vector-search-index",
        "name": "Vector search index",
        "kind": "infrastructure",
        "owner_team": "data-platform",
        "readiness": 4,
        "description": (
            "Embedding index over products, advice guides, supplier documents and internal procedures, "
            "used for semantic search and retrieval by assistants."
        ),
    },
    {
        "slug": "data-warehouse",
        "name": "Data warehouse",
        "kind": "infrastructure",
        "owner_team": "data-platform",
        "readiness": 5,
        "description": (
            "Cloud data warehouse (EU region) holding sales, stock, customer, finance and HR data marts, "
            "with row-level access control."
        ),
    },
    {
        "slug": "demand-forecasting-model",
        "name": "Store-SKU demand forecasting model",
        "kind": "model",
        "owner_team": "demand-planning",
        "readiness": 5,
        "description": (
            "Daily forecasts for 65,000 SKUs in 128 stores, 16 weeks ahead, published every night "
            "and reused by replenishment, buying, markdown and slotting."
        ),
    },
    {
        "slug": "identity-resolution",
        "name": "Identity resolution",
        "kind": "model",
        "owner_team": "crm-loyalty",
        "readiness": 2,
        "description": (
            "Matches loyalty cards, web accounts, guest orders and payment tokens into households. "
            "In build; current match rate on guest orders is 41%."
        ),
    },
]

# --------------------------------------------------------------------------------------------------
# Use cases
# --------------------------------------------------------------------------------------------------

USE_CASES = [
    # ---------------------------------------------------------------- Customer Experience & Care
    {
        "key": "care-agent-assist",
        "title": "Agent assist for contact-centre advisers",
        "domain": "customer-experience",
        "team": "customer-care",
        "functions": ["customer-service", "it"],
        "owner": "manon.blanc",
        "sponsor": "isabelle.roux",
        "problem_statement": (
            "Our 140 advisers handle about 1.3 million contacts a year across phone, email and chat. "
            "Average handling time on email is 9 min 40 s, of which roughly 40% is spent searching the "
            "order system, the carrier portal and 1,100 knowledge articles. New advisers need 11 weeks "
            "to reach target productivity, and the spring peak relies on 45 temporary advisers."
        ),
        "proposed_solution": (
            "A side panel in the contact-centre tool that summarises the customer's history, retrieves "
            "the relevant knowledge articles and drafts a reply that the adviser edits before sending. "
            "Drafts go through the LLM gateway with order and delivery data injected at run time; nothing "
            "is sent to a customer without an adviser's validation."
        ),
        "ambition": "optimisation",
        "journey_stages": ["support"],
        "ai_technique": "generative",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 3,
        "estimated_annual_benefit": 1_150_000,
        "estimated_annual_cost": 380_000,
        "eu_ai_act_risk": "limited",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "hybrid",
        "foundations": ["llm-gateway", "contact-centre-transcripts", "customer-360", "vector-search-index"],
        "status": "in_delivery",
    },
    {
        "key": "care-chatbot",
        "title": "Self-service chatbot for order, delivery and return questions",
        "domain": "customer-experience",
        "team": "customer-care",
        "functions": ["customer-service", "sales", "it"],
        "owner": "isabelle.roux",
        "sponsor": "marc.dubois",
        "problem_statement": (
            "'Where is my order?' and return requests made up 38% of written contacts, about 260,000 a "
            "year, and almost all of them can be answered from order and carrier data. Web chat was "
            "staffed only 9:00-19:00 on weekdays, while 31% of chat attempts happen in the evening or at "
            "the weekend."
        ),
        "proposed_solution": (
            "A chatbot on the website and the app, authenticated through the customer account, that "
            "answers order status, changes delivery slots, checks return eligibility and can open a "
            "return or book a redelivery. It presents itself as an automated assistant and hands over to "
            "an adviser with the full conversation when it cannot resolve the request. Since going live "
            "in 2024 it resolves 57% of conversations without an adviser."
        ),
        "ambition": "transformation",
        "journey_stages": ["purchase", "support"],
        "ai_technique": "generative",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 1_600_000,
        "estimated_annual_cost": 420_000,
        "eu_ai_act_risk": "limited",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": ["llm-gateway", "customer-360", "contact-centre-transcripts"],
        "status": "scaled",
    },
    {
        "key": "contact-reason-mining",
        "title": "Contact-reason classification from calls, emails and chats",
        "domain": "customer-experience",
        "team": "customer-care",
        "functions": ["customer-service", "data-analytics"],
        "owner": "manon.blanc",
        "sponsor": "isabelle.roux",
        "problem_statement": (
            "Advisers used to pick a contact reason from a 74-item drop-down at the end of each "
            "interaction; an audit of 2,000 contacts found the code wrong or set to 'Other' in 43% of "
            "cases. We could not tell which product families, carriers or web pages generated avoidable "
            "contacts."
        ),
        "proposed_solution": (
            "Speech-to-text on recorded calls plus a multilingual text classifier that assigns one of "
            "32 consolidated contact reasons and the product family concerned to every contact. Results "
            "land in the data warehouse daily and feed a weekly 'avoidable contacts' report shared with "
            "e-commerce, supply chain and category teams."
        ),
        "ambition": "optimisation",
        "journey_stages": ["support"],
        "ai_technique": "nlp",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 3,
        "estimated_annual_benefit": 720_000,
        "estimated_annual_cost": 190_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "hybrid",
        "foundations": ["contact-centre-transcripts", "data-warehouse", "ml-platform"],
        "status": "scaled",
    },
    {
        "key": "returns-reason-analysis",
        "title": "Returns reason analysis from free text and photos",
        "domain": "customer-experience",
        "team": "customer-care",
        "functions": ["customer-service", "supply-chain"],
        "owner": "manon.blanc",
        "sponsor": None,
        "problem_statement": (
            "Online returns cost about €6.8 million a year in reverse logistics and write-offs, with "
            "garden furniture and barbecues returned at 9%. The return reason is a free-text field in "
            "three languages, sometimes with a photo, and nobody analyses it."
        ),
        "proposed_solution": "",
        "ambition": "optimisation",
        "journey_stages": ["support"],
        "ai_technique": "nlp",
        "business_value": 3,
        "feasibility": None,
        "data_readiness": None,
        "estimated_annual_benefit": None,
        "estimated_annual_cost": None,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "in_house",
        "foundations": ["contact-centre-transcripts"],
        "status": "draft",
    },
    {
        "key": "voc-digest",
        "title": "Monthly voice-of-customer digest for category and store managers",
        "domain": "customer-experience",
        "team": "customer-care",
        "functions": ["customer-service", "marketing", "operations"],
        "owner": "isabelle.roux",
        "sponsor": "marc.dubois",
        "problem_statement": (
            "We collect about 85,000 product reviews, 140,000 survey verbatims and 1.3 million contacts a "
            "year, but the only output is an NPS figure per store. Category managers read fewer than 50 "
            "verbatims a month, so recurring defects are spotted late: the faulty pergola fastening in "
            "2023 was identified after 410 complaints."
        ),
        "proposed_solution": (
            "A pipeline that groups verbatims by product, store and theme each month, counts each theme "
            "and writes a two-page digest per category and region with links to representative "
            "verbatims. Themes come from the contact-reason classifier, and every figure in a summary is "
            "checked against the underlying counts before publication."
        ),
        "ambition": "optimisation",
        "journey_stages": ["usage", "support"],
        "ai_technique": "generative",
        "business_value": 3,
        "feasibility": 4,
        "data_readiness": 3,
        "estimated_annual_benefit": 420_000,
        "estimated_annual_cost": 110_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "in_house",
        "foundations": ["contact-centre-transcripts", "llm-gateway", "data-warehouse"],
        "status": "submitted",
    },
    {
        "key": "proactive-delivery-alerts",
        "title": "Proactive alerts for home deliveries at risk of delay",
        "domain": "customer-experience",
        "team": "customer-care",
        "functions": ["customer-service", "supply-chain", "sales"],
        "owner": "manon.blanc",
        "sponsor": "pierre.garnier",
        "problem_statement": (
            "About 7% of bulky home deliveries (sheds, furniture, barbecues) miss the promised slot, and "
            "62% of those customers contact us before we tell them. A late delivery without warning lowers "
            "the order's NPS by 41 points and costs a €15 goodwill gesture on average."
        ),
        "proposed_solution": (
            "Score every scheduled delivery 48 hours ahead from carrier scan events, DC picking progress "
            "and route load to predict missed slots. Customers at risk get an SMS and an app notification "
            "with a new slot proposal before the delay happens, and advisers see the risk flag in their "
            "console."
        ),
        "ambition": "transformation",
        "journey_stages": ["purchase", "support"],
        "ai_technique": "classical_ml",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 3,
        "estimated_annual_benefit": 860_000,
        "estimated_annual_cost": 210_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "in_house",
        "foundations": ["customer-360", "inventory-positions", "ml-platform"],
        "status": "approved",
    },
    {
        "key": "plant-care-companion",
        "title": "Plant care companion in the Maison Verte app",
        "domain": "customer-experience",
        "team": "ecommerce-product",
        "functions": ["sales", "marketing", "customer-service"],
        "owner": "ines.morel",
        "sponsor": "julien.moreau",
        "problem_statement": (
            "Live plants are 17% of store revenue, yet 22% of plant buyers in our 2024 survey said a plant "
            "bought from us died within three months, and half of them did not buy another plant from us. "
            "Our in-store gardeners can only answer care questions when customers come back to the shop."
        ),
        "proposed_solution": (
            "An app feature where customers photograph a plant to identify it and diagnose common "
            "problems (overwatering, pests, frost damage), then receive a care calendar adapted to local "
            "weather. Advice comes from a base written by our horticulturists; the assistant says when it "
            "is unsure and suggests visiting the garden centre."
        ),
        "ambition": "transformation",
        "journey_stages": ["usage", "loyalty"],
        "ai_technique": "computer_vision",
        "business_value": 4,
        "feasibility": 3,
        "data_readiness": 2,
        "estimated_annual_benefit": 950_000,
        "estimated_annual_cost": 420_000,
        "eu_ai_act_risk": "limited",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "hybrid",
        "foundations": ["llm-gateway", "product-catalogue-pim", "customer-360"],
        "status": "in_review",
    },
    {
        "key": "complaint-escalation-routing",
        "title": "Priority routing of complaints at risk of escalation",
        "domain": "customer-experience",
        "team": "customer-care",
        "functions": ["customer-service", "legal-compliance"],
        "owner": "manon.blanc",
        "sponsor": "isabelle.roux",
        "problem_statement": (
            "About 3,800 complaints a year escalate to a formal claim, the consumer mediator or social "
            "media, each costing €240 on average in handling and compensation. The warning signs are "
            "visible earlier (repeated contacts, a second missed delivery, legal vocabulary), but these "
            "emails wait in the same queue as all others, 31 hours on average."
        ),
        "proposed_solution": (
            "A classifier that flags written complaints with a high escalation risk, using the predicted "
            "contact reason, the customer's contact history and the text itself, and routes them to a "
            "senior team with a 4-hour response target. Advisers can override the flag, and overrides "
            "are used to retrain the model every quarter."
        ),
        "ambition": "optimisation",
        "journey_stages": ["support"],
        "ai_technique": "nlp",
        "business_value": 3,
        "feasibility": 4,
        "data_readiness": 3,
        "estimated_annual_benefit": 520_000,
        "estimated_annual_cost": 95_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "in_house",
        "foundations": ["contact-centre-transcripts", "customer-360", "ml-platform"],
        "status": "in_review",
    },
    {
        "key": "multilingual-care",
        "title": "Real-time translation to serve Belgian, Swiss and Spanish customers from Lyon",
        "domain": "customer-experience",
        "team": "customer-care",
        "functions": ["customer-service", "it"],
        "owner": "isabelle.roux",
        "sponsor": None,
        "problem_statement": (
            "We run separate Dutch- and German-speaking adviser pools for our 24 Belgian and Swiss stores: "
            "14 advisers who are hard to recruit and to replace during holidays. Opening e-commerce in "
            "Spain in 2026 would need a third pool."
        ),
        "proposed_solution": "",
        "ambition": "transformation",
        "journey_stages": ["support"],
        "ai_technique": "generative",
        "business_value": None,
        "feasibility": None,
        "data_readiness": None,
        "estimated_annual_benefit": None,
        "estimated_annual_cost": None,
        "eu_ai_act_risk": "not_assessed",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": ["llm-gateway"],
        "status": "draft",
    },
    # ---------------------------------------------------------------- Marketing, Loyalty & Personalisation
    {
        "key": "churn-save-offers",
        "title": "Club Verte churn prediction and save actions",
        "domain": "marketing-personalisation",
        "team": "crm-loyalty",
        "functions": ["marketing", "customer-service", "finance"],
        "owner": "lucas.fontaine",
        "sponsor": "julien.moreau",
        "problem_statement": (
            "Club Verte has 4.2 million active members, but 1.1 million have not bought anything in the "
            "last 12 months. Members who lapse after their first garden season represent about €38 million "
            "of revenue a year. The only retention action today is a generic €10 voucher sent 13 months "
            "after the last purchase, when most members are already gone."
        ),
        "proposed_solution": (
            "A monthly churn-risk score per member based on purchase rhythm, category breadth, returns, "
            "care contacts and app usage, combined with an uplift model that selects the members for whom "
            "an action actually changes behaviour. Save actions (seasonal reminders, service offers, "
            "targeted vouchers) go through the next-best-offer engine with a permanent 10% control group."
        ),
        "ambition": "transformation",
        "journey_stages": ["loyalty"],
        "ai_technique": "classical_ml",
        "business_value": 5,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 2_300_000,
        "estimated_annual_cost": 310_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "in_house",
        "foundations": ["customer-360", "loyalty-transactions", "feature-store", "ml-platform"],
        "status": "in_delivery",
    },
    {
        "key": "next-best-offer",
        "title": "Next-best-offer engine for loyalty emails and the app",
        "domain": "marketing-personalisation",
        "team": "crm-loyalty",
        "functions": ["marketing", "data-analytics", "finance"],
        "owner": "lucas.fontaine",
        "sponsor": "julien.moreau",
        "problem_statement": (
            "Until 2023 we sent 38 largely identical campaigns a year to the whole Club Verte base, with a "
            "1.9% click-to-purchase rate and an unsubscribe rate that doubled between 2020 and 2022. "
            "Vouchers went to everyone and cost €11 million a year, of which an estimated 60% funded "
            "purchases that would have happened anyway."
        ),
        "proposed_solution": (
            "A decision engine that chooses, for each member and each contact, the offer or content with "
            "the highest expected incremental margin under frequency and budget limits. It runs nightly on "
            "the feature store, feeds emails, the app home screen and receipts, and keeps a 5% universal "
            "holdout to measure incrementality."
        ),
        "ambition": "transformation",
        "journey_stages": ["discover", "choose", "loyalty"],
        "ai_technique": "classical_ml",
        "business_value": 5,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 5_400_000,
        "estimated_annual_cost": 900_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "in_house",
        "foundations": ["customer-360", "loyalty-transactions", "feature-store", "ml-platform"],
        "status": "scaled",
    },
    {
        "key": "lifestage-segmentation",
        "title": "Life-stage segments: moving in, first garden, renovation, downsizing",
        "domain": "marketing-personalisation",
        "team": "crm-loyalty",
        "functions": ["marketing", "data-analytics"],
        "owner": "lucas.fontaine",
        "sponsor": "julien.moreau",
        "problem_statement": (
            "Customers who have just moved spend 3.4 times more with us over the next 18 months, but we "
            "only detect a move when the address on the loyalty account changes, on average 7 months "
            "after the event. Our segments are spend bands and say nothing about the project a customer "
            "is in."
        ),
        "proposed_solution": (
            "A set of life-stage and project models (moving in, first garden, renovation in progress, "
            "downsizing) built on basket composition, category sequences and address changes. Segments "
            "are refreshed weekly in the feature store and used by CRM, the homepage and local marketing; "
            "no sensitive data is used and nothing is inferred beyond purchase signals."
        ),
        "ambition": "transformation",
        "journey_stages": ["discover", "choose"],
        "ai_technique": "classical_ml",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 1_800_000,
        "estimated_annual_cost": 240_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "in_house",
        "foundations": ["customer-360", "loyalty-transactions", "identity-resolution", "feature-store"],
        "status": "approved",
    },
    {
        "key": "campaign-creative-variants",
        "title": "Generated creative variants for seasonal campaigns",
        "domain": "marketing-personalisation",
        "team": "brand-content",
        "functions": ["marketing", "legal-compliance"],
        "owner": "emma.girard",
        "sponsor": "julien.moreau",
        "problem_statement": (
            "The spring campaign alone needs about 2,600 assets (formats x languages x segments x "
            "channels), produced by 6 in-house designers and an agency billed €1.2 million a year. As a "
            "result, the next-best-offer engine has only 3 or 4 creatives per offer to choose from."
        ),
        "proposed_solution": (
            "An image and copy generation workflow that produces variants from approved product packshots "
            "and brand templates, with a designer validating every asset before use. Images showing scenes "
            "that do not exist are disclosed as AI-generated. The committee asked for a rights check of the "
            "image model's training data and a brand guardrail test before approval."
        ),
        "ambition": "optimisation",
        "journey_stages": ["discover"],
        "ai_technique": "generative",
        "business_value": 3,
        "feasibility": 3,
        "data_readiness": 4,
        "estimated_annual_benefit": 640_000,
        "estimated_annual_cost": 260_000,
        "eu_ai_act_risk": "limited",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "vendor",
        "foundations": ["product-catalogue-pim", "llm-gateway"],
        "status": "changes_requested",
    },
    {
        "key": "marketing-mix-model",
        "title": "Marketing mix model to reallocate the €42 million media budget",
        "domain": "marketing-personalisation",
        "team": "crm-loyalty",
        "functions": ["marketing", "finance", "data-analytics"],
        "owner": "julien.moreau",
        "sponsor": "claire.martin",
        "problem_statement": (
            "We spend €42 million a year on media: TV, radio, search, social and 11.5 million printed "
            "leaflets. The budget is split on last year's shares; the leaflets alone cost €7.9 million and "
            "nobody can say what they bring. Last-click attribution credits 71% of online sales to search, "
            "which our store-heavy customers barely use."
        ),
        "proposed_solution": (
            "A Bayesian marketing mix model at weekly and regional level covering all channels, calibrated "
            "with two geo-experiments a year (leaflets cut in matched regions). The output is a budget "
            "scenario tool reviewed jointly by Marketing and Finance before each season."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "classical_ml",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 3,
        "estimated_annual_benefit": 2_600_000,
        "estimated_annual_cost": 280_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "hybrid",
        "foundations": ["pos-sales-history", "web-clickstream", "data-warehouse"],
        "status": "in_review",
    },
    {
        "key": "loyalty-redesign-simulator",
        "title": "Club Verte redesign simulator",
        "domain": "marketing-personalisation",
        "team": "crm-loyalty",
        "functions": ["marketing", "finance"],
        "owner": "lucas.fontaine",
        "sponsor": "claire.martin",
        "problem_statement": (
            "Club Verte points cost €19 million a year and 58% of points are earned by members who would "
            "buy anyway. Marketing wants to add a paid tier with services (free delivery, plant guarantee, "
            "tool hire), but Finance cannot assess the margin impact of the four designs on the table."
        ),
        "proposed_solution": (
            "A simulation that replays three years of member transactions under each programme design, "
            "with response curves estimated from past promotions and the 2024 paid-tier pilot in 6 stores. "
            "It reports cost, incremental revenue and migration between tiers for each design, ahead of "
            "the board decision in Q3."
        ),
        "ambition": "transformation",
        "journey_stages": ["loyalty"],
        "ai_technique": "optimisation",
        "business_value": 4,
        "feasibility": 3,
        "data_readiness": 4,
        "estimated_annual_benefit": 3_000_000,
        "estimated_annual_cost": 180_000,
        "eu_ai_act_risk": "not_assessed",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "in_house",
        "foundations": ["loyalty-transactions", "customer-360", "data-warehouse"],
        "status": "submitted",
    },
    {
        "key": "personalised-pricing",
        "title": "Individual online prices based on predicted willingness to pay",
        "domain": "marketing-personalisation",
        "team": "ecommerce-product",
        "functions": ["sales", "marketing", "finance"],
        "owner": "ines.morel",
        "sponsor": "julien.moreau",
        "problem_statement": (
            "Online gross margin is 4.1 points below stores because of price matching with pure players. "
            "A pricing vendor claimed that individual prices based on browsing and purchase history could "
            "add 1.5 to 2.5 margin points online."
        ),
        "proposed_solution": (
            "Adjust the price shown to each logged-in customer within ±8% of the reference price, using the "
            "vendor's willingness-to-pay model. Rejected by the committee: it breaks our single-price "
            "commitment between stores and online, puts trust in Club Verte and consumer-law compliance at "
            "risk, and would fight the markdown engine on the same products."
        ),
        "ambition": "transformation",
        "journey_stages": ["choose", "purchase"],
        "ai_technique": "classical_ml",
        "business_value": 2,
        "feasibility": 3,
        "data_readiness": 3,
        "estimated_annual_benefit": 3_200_000,
        "estimated_annual_cost": 600_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": True,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": ["web-clickstream", "customer-360"],
        "status": "rejected",
    },
    {
        "key": "email-send-time",
        "title": "Send-time optimisation for CRM emails",
        "domain": "marketing-personalisation",
        "team": "crm-loyalty",
        "functions": ["marketing"],
        "owner": "lucas.fontaine",
        "sponsor": "julien.moreau",
        "problem_statement": (
            "In 2021 every CRM email went out at 8:00 on Thursday, and open rates had fallen from 24% to "
            "16% in three years. Members in Switzerland and Belgium received emails timed for French "
            "promotions."
        ),
        "proposed_solution": (
            "A vendor module in the email platform chose the send hour for each member from past opens and "
            "delivered +1.2 points of open rate. Apple Mail Privacy Protection then made opens unreliable "
            "and the next-best-offer engine took over contact timing, so the module was switched off in "
            "March 2024 and its €70,000 licence cancelled."
        ),
        "ambition": "optimisation",
        "journey_stages": ["loyalty"],
        "ai_technique": "classical_ml",
        "business_value": 2,
        "feasibility": 5,
        "data_readiness": 3,
        "estimated_annual_benefit": 150_000,
        "estimated_annual_cost": 70_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": ["loyalty-transactions"],
        "status": "retired",
    },
    {
        "key": "local-store-ads",
        "title": "Local social ads for what is in stock in the nearest store",
        "domain": "marketing-personalisation",
        "team": "brand-content",
        "functions": ["marketing", "operations"],
        "owner": "emma.girard",
        "sponsor": None,
        "problem_statement": (
            "Our social ads are national, so a customer near Annecy can see a barbecue their store does "
            "not stock. 64% of store customers live within 20 minutes of their store, and store managers "
            "ask for a way to push local overstock."
        ),
        "proposed_solution": "",
        "ambition": "transformation",
        "journey_stages": ["discover"],
        "ai_technique": "generative",
        "business_value": 3,
        "feasibility": None,
        "data_readiness": None,
        "estimated_annual_benefit": None,
        "estimated_annual_cost": None,
        "eu_ai_act_risk": "not_assessed",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": ["inventory-positions", "product-catalogue-pim"],
        "status": "draft",
    },
    # ---------------------------------------------------------------- E-commerce & Digital Discovery
    {
        "key": "personalised-homepage",
        "title": "Personalised homepage and product recommendations",
        "domain": "ecommerce",
        "team": "ecommerce-product",
        "functions": ["sales", "marketing", "it"],
        "owner": "ines.morel",
        "sponsor": "julien.moreau",
        "problem_statement": (
            "The website and the app showed the same homepage and 'you may also like' blocks to all 11 "
            "million yearly visitors, chosen by merchandisers each week. Recommendation blocks generated 3% "
            "of online revenue, against 10 to 15% at comparable retailers."
        ),
        "proposed_solution": (
            "Real-time ranking of homepage modules and product recommendations for each visitor, using "
            "browsing, loyalty history when logged in, local store stock and the season. The models run on "
            "the ML platform with the shared feature store and a permanent A/B framework; merchandisers "
            "keep pinned slots for campaigns."
        ),
        "ambition": "transformation",
        "journey_stages": ["discover", "choose"],
        "ai_technique": "classical_ml",
        "business_value": 5,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 4_100_000,
        "estimated_annual_cost": 750_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "in_house",
        "foundations": ["web-clickstream", "customer-360", "feature-store", "product-catalogue-pim"],
        "status": "scaled",
    },
    {
        "key": "semantic-site-search",
        "title": "Semantic search on the website and the app",
        "domain": "ecommerce",
        "team": "ecommerce-product",
        "functions": ["sales", "it"],
        "owner": "hugo.lefebvre",
        "sponsor": "julien.moreau",
        "problem_statement": (
            "In 2023, 14% of site searches returned no result because customers type things like 'stop "
            "cats digging' or regional plant names. Visitors who search convert 2.7 times better than those "
            "who do not, so every failed search is a lost high-intent visitor."
        ),
        "proposed_solution": (
            "Hybrid keyword and vector search over the catalogue, our advice content and store "
            "availability, with query understanding for synonyms, misspellings and plant names in French, "
            "Dutch and German. Ranking is learned from clicks and purchases and merchandisers can boost "
            "products for campaigns."
        ),
        "ambition": "transformation",
        "journey_stages": ["discover", "choose"],
        "ai_technique": "nlp",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 2_900_000,
        "estimated_annual_cost": 480_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "hybrid",
        "foundations": ["vector-search-index", "product-catalogue-pim", "web-clickstream"],
        "status": "scaled",
    },
    {
        "key": "genai-product-descriptions",
        "title": "Generated product descriptions and attributes for the long tail",
        "domain": "ecommerce",
        "team": "brand-content",
        "functions": ["marketing", "sales", "supply-chain"],
        "owner": "emma.girard",
        "sponsor": "julien.moreau",
        "problem_statement": (
            "Of 182,000 online products, 61% have a supplier description of fewer than 40 words and 48% "
            "lack at least one filter attribute (material, dimensions, hardiness zone). Products with "
            "complete content convert 35% better, and our 2 content editors can enrich only about 6,000 "
            "products a year."
        ),
        "proposed_solution": (
            "An LLM workflow that extracts attributes from supplier sheets and images and writes "
            "descriptions in French, Dutch and German in our tone of voice. Generated content enters the "
            "PIM as 'to be validated'; editors approve low-risk families in bulk and regulated products "
            "(plant protection, electrical, children's items) one by one."
        ),
        "ambition": "optimisation",
        "journey_stages": ["discover", "choose"],
        "ai_technique": "generative",
        "business_value": 4,
        "feasibility": 5,
        "data_readiness": 3,
        "estimated_annual_benefit": 1_700_000,
        "estimated_annual_cost": 290_000,
        "eu_ai_act_risk": "limited",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "hybrid",
        "foundations": ["product-catalogue-pim", "llm-gateway"],
        "status": "in_delivery",
    },
    {
        "key": "seo-garden-guides",
        "title": "Garden advice guides for search, written with our horticulturists",
        "domain": "ecommerce",
        "team": "brand-content",
        "functions": ["marketing", "sales"],
        "owner": "emma.girard",
        "sponsor": "julien.moreau",
        "problem_statement": (
            "Non-brand organic search brings 31% of our web sessions, but we have 420 advice pages against "
            "more than 9,000 for each of our two largest competitors. Our 3 content writers produce about 80 "
            "guides a year, so queries like 'when to prune hydrangeas' send customers to competitors, who "
            "then sell them the secateurs."
        ),
        "proposed_solution": (
            "Draft guides generated from our horticulturists' notes, product data and regional climate "
            "data, then edited and signed off by a named expert before publication, aiming at 1,500 guides "
            "in 18 months. The committee asked for a quality protocol (fact checking, duplicate detection, "
            "disclosure wording) and a measurement plan based on non-brand traffic and assisted sales."
        ),
        "ambition": "transformation",
        "journey_stages": ["discover"],
        "ai_technique": "generative",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 3,
        "estimated_annual_benefit": 1_400_000,
        "estimated_annual_cost": 230_000,
        "eu_ai_act_risk": "limited",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "hybrid",
        "foundations": ["llm-gateway", "product-catalogue-pim"],
        "status": "changes_requested",
    },
    {
        "key": "visual-search",
        "title": "Visual search: photograph a plant, a paving stone or a spare part to find it",
        "domain": "ecommerce",
        "team": "ecommerce-product",
        "functions": ["sales", "it"],
        "owner": "hugo.lefebvre",
        "sponsor": "julien.moreau",
        "problem_statement": (
            "Customers regularly come with a photo: a plant seen at a neighbour's, a broken hose "
            "connector, a paving stone to match. Store staff estimate 15 to 20 such requests per store "
            "per spring weekend, and online we have no way to handle them."
        ),
        "proposed_solution": (
            "An image search in the app that matches the customer's photo against our 180,000 product "
            "images and a plant identification model, and returns products available in the customer's "
            "store. Results go through the search ranking service so they respect stock and local "
            "assortment."
        ),
        "ambition": "transformation",
        "journey_stages": ["discover", "choose"],
        "ai_technique": "computer_vision",
        "business_value": 3,
        "feasibility": 3,
        "data_readiness": 3,
        "estimated_annual_benefit": 900_000,
        "estimated_annual_cost": 350_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "vendor",
        "foundations": ["product-catalogue-pim", "vector-search-index"],
        "status": "in_review",
    },
    {
        "key": "garden-project-assistant",
        "title": "Conversational assistant for garden and outdoor projects",
        "domain": "ecommerce",
        "team": "ecommerce-product",
        "functions": ["sales", "marketing", "customer-service"],
        "owner": "ines.morel",
        "sponsor": "marc.dubois",
        "problem_statement": (
            "Project baskets (a vegetable patch, a terrace, a fence) average €640 against €58 for a "
            "standard basket, but 70% of these projects are researched on other sites. Online, customers "
            "must assemble a project from 10 to 30 product pages, and 83% of carts above €400 are "
            "abandoned."
        ),
        "proposed_solution": (
            "An assistant on the website and the app that asks about the project (surface, exposure, "
            "budget, skills), proposes a complete list of compatible products available locally and "
            "explains the steps with our guides. It calls the search, compatibility and stock services as "
            "tools, never invents products or prices, and offers a video call or an appointment with a "
            "store expert."
        ),
        "ambition": "transformation",
        "journey_stages": ["discover", "choose", "purchase"],
        "ai_technique": "agentic",
        "business_value": 5,
        "feasibility": 3,
        "data_readiness": 3,
        "estimated_annual_benefit": 3_400_000,
        "estimated_annual_cost": 850_000,
        "eu_ai_act_risk": "limited",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "hybrid",
        "foundations": ["llm-gateway", "vector-search-index", "product-catalogue-pim", "inventory-positions"],
        "status": "approved",
    },
    {
        "key": "garden-layout-planner",
        "title": "Garden layout planner from a photo of the customer's garden",
        "domain": "ecommerce",
        "team": "ecommerce-product",
        "functions": ["sales", "marketing"],
        "owner": "hugo.lefebvre",
        "sponsor": None,
        "problem_statement": (
            "Landscaping advice is our most requested in-store service in April and May, with waits of up "
            "to 3 weeks in the large garden centres. Customers ask whether we can do it from photos."
        ),
        "proposed_solution": "",
        "ambition": "transformation",
        "journey_stages": ["discover", "choose"],
        "ai_technique": "generative",
        "business_value": None,
        "feasibility": None,
        "data_readiness": None,
        "estimated_annual_benefit": None,
        "estimated_annual_cost": None,
        "eu_ai_act_risk": "not_assessed",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": [],
        "status": "draft",
    },
    {
        "key": "accessory-compatibility",
        "title": "Compatibility checker for spare parts and accessories",
        "domain": "ecommerce",
        "team": "ecommerce-product",
        "functions": ["sales", "customer-service", "supply-chain"],
        "owner": "hugo.lefebvre",
        "sponsor": "isabelle.roux",
        "problem_statement": (
            "11% of online returns of accessories and spare parts (mower blades, pump fittings, batteries) "
            "are due to incompatibility, about 23,000 returns a year. The information exists in supplier "
            "PDFs, but only 18% of it is structured in the PIM."
        ),
        "proposed_solution": (
            "Extract compatibility tables from 14,000 supplier documents into a product-to-product "
            "compatibility graph and show a 'fits your model' check on product pages and in the app. "
            "Advisers and store staff get the same check, and uncertain matches are sent to the supplier "
            "for confirmation."
        ),
        "ambition": "transformation",
        "journey_stages": ["choose", "purchase"],
        "ai_technique": "nlp",
        "business_value": 3,
        "feasibility": 4,
        "data_readiness": 2,
        "estimated_annual_benefit": 680_000,
        "estimated_annual_cost": 170_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["product-catalogue-pim", "supplier-master-data"],
        "status": "submitted",
    },
    {
        "key": "delivery-promise",
        "title": "Reliable delivery date on product pages",
        "domain": "ecommerce",
        "team": "ecommerce-product",
        "functions": ["sales", "supply-chain"],
        "owner": "ines.morel",
        "sponsor": "pierre.garnier",
        "problem_statement": (
            "Product pages show a fixed '3 to 7 working days' for home delivery, when reality ranges from 1 "
            "day to 3 weeks depending on stock location and carrier. A 2024 A/B test showed that a precise "
            "date lifts conversion by 6% on bulky items, but wrong dates create contacts and cancellations."
        ),
        "proposed_solution": (
            "Predict the delivery date per product, postcode and order day from stock positions, DC "
            "workload, carrier performance and route capacity, and display it as a range based on "
            "confidence. The promise is checked daily against actual deliveries and widened automatically "
            "when accuracy drops below 90%."
        ),
        "ambition": "transformation",
        "journey_stages": ["choose", "purchase"],
        "ai_technique": "classical_ml",
        "business_value": 4,
        "feasibility": 3,
        "data_readiness": 3,
        "estimated_annual_benefit": 1_300_000,
        "estimated_annual_cost": 260_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["inventory-positions", "web-clickstream", "ml-platform"],
        "status": "submitted",
    },
    # ---------------------------------------------------------------- Supply Chain & Inventory
    {
        "key": "store-sku-forecast",
        "title": "Store-SKU daily demand forecasting",
        "domain": "supply-chain-inventory",
        "team": "demand-planning",
        "functions": ["supply-chain", "operations", "data-analytics"],
        "owner": "lea.mercier",
        "sponsor": "pierre.garnier",
        "problem_statement": (
            "Until 2023, forecasts were made weekly at store and family level in spreadsheets, with a 48% "
            "weighted error at SKU-store-week level. The result was €146 million of store stock (11.2 "
            "weeks of cover) and, at the same time, a 7.8% out-of-stock rate on the top 2,000 SKUs in the "
            "spring peak."
        ),
        "proposed_solution": (
            "A gradient-boosting model forecasting daily demand for 65,000 SKUs in 128 stores, 16 weeks "
            "ahead, with promotions, prices, seasonality, local events and weather as features. It runs "
            "nightly on the ML platform, publishes to the data warehouse and is monitored by product "
            "family against a naive baseline; weighted error is now 31%."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "classical_ml",
        "business_value": 5,
        "feasibility": 4,
        "data_readiness": 5,
        "estimated_annual_benefit": 6_500_000,
        "estimated_annual_cost": 1_100_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["pos-sales-history", "inventory-positions", "ml-platform", "data-warehouse"],
        "status": "scaled",
    },
    {
        "key": "auto-replenishment",
        "title": "Automated store replenishment orders",
        "domain": "supply-chain-inventory",
        "team": "demand-planning",
        "functions": ["supply-chain", "operations"],
        "owner": "lea.mercier",
        "sponsor": "marc.dubois",
        "problem_statement": (
            "Department managers spend 6 to 8 hours a week checking and adjusting order proposals, about "
            "95,000 hours a year across the network. Measured against actual sales, 40% of their manual "
            "adjustments make the order worse."
        ),
        "proposed_solution": (
            "Orders computed from the store-SKU forecast, predicted supplier lead times, pack sizes and "
            "shelf capacity, sent automatically for 80% of SKUs and shown for review only when the model is "
            "uncertain or a promotion is planned. Store teams keep the right to override, and overrides are "
            "reviewed monthly with Demand Planning. Department managers move from ordering to selling."
        ),
        "ambition": "transformation",
        "journey_stages": [],
        "ai_technique": "optimisation",
        "business_value": 5,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 3_800_000,
        "estimated_annual_cost": 520_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["demand-forecasting-model", "inventory-positions", "supplier-master-data"],
        "status": "in_delivery",
    },
    {
        "key": "seasonal-buy-planning",
        "title": "Seasonal buy quantities for the garden season",
        "domain": "supply-chain-inventory",
        "team": "demand-planning",
        "functions": ["supply-chain", "finance"],
        "owner": "lea.mercier",
        "sponsor": "claire.martin",
        "problem_statement": (
            "About 35% of garden revenue is bought in one go, 6 to 9 months ahead, mostly from Asian "
            "suppliers. In 2023 we ended the season with €21 million of unsold garden furniture and "
            "barbecues while 140 lines were out of stock by mid-May."
        ),
        "proposed_solution": (
            "A quantity recommendation per item and channel that combines the long-range forecast, history "
            "of similar items for new products and margin and markdown economics to set the initial buy "
            "and a reorder option. Buyers keep the decision and record a reason when they deviate by more "
            "than 20%."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "classical_ml",
        "business_value": 5,
        "feasibility": 3,
        "data_readiness": 4,
        "estimated_annual_benefit": 4_200_000,
        "estimated_annual_cost": 420_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["demand-forecasting-model", "pos-sales-history", "supplier-master-data"],
        "status": "approved",
    },
    {
        "key": "weather-demand-sensing",
        "title": "Weather-driven short-term demand sensing",
        "domain": "supply-chain-inventory",
        "team": "demand-planning",
        "functions": ["supply-chain", "operations"],
        "owner": "pierre.garnier",
        "sponsor": "marc.dubois",
        "problem_statement": (
            "A sunny April weekend can triple sales of bedding plants, compost and barbecues within 48 "
            "hours, and the base forecast misses it: error on weather-sensitive families is 61% against 34% "
            "for the rest. Stores compensate with emergency orders that cost €1.4 million a year in extra "
            "transport."
        ),
        "proposed_solution": (
            "Add 10-day local forecasts from Météo-France and MeteoSwiss to a short-term correction layer "
            "over the store-SKU forecast for 40 weather-sensitive families, updated twice a day. DCs get a "
            "5-day pre-allocation signal so they can pick ahead of the weekend."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "classical_ml",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 1_900_000,
        "estimated_annual_cost": 230_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["demand-forecasting-model", "pos-sales-history", "ml-platform"],
        "status": "in_review",
    },
    {
        "key": "markdown-optimisation",
        "title": "End-of-season markdown optimisation",
        "domain": "supply-chain-inventory",
        "team": "demand-planning",
        "functions": ["supply-chain", "finance", "operations"],
        "owner": "lea.mercier",
        "sponsor": "claire.martin",
        "problem_statement": (
            "Markdowns cost €34 million a year, mostly on seasonal garden items and live plants, and are "
            "set by category managers in three national waves. The same discount applies to stores with 2 "
            "weeks of stock and stores with 12, so some sell out at a loss and others still hold stock in "
            "September."
        ),
        "proposed_solution": (
            "A price-response model per item and store cluster that recommends when and how much to mark "
            "down to clear stock by the end of the season at the best margin. Recommendations follow our "
            "pricing rules (at most 3 steps, the same price in store and online in a given area) and are "
            "approved weekly by category managers."
        ),
        "ambition": "optimisation",
        "journey_stages": ["choose", "purchase"],
        "ai_technique": "optimisation",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 3_100_000,
        "estimated_annual_cost": 380_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "vendor",
        "foundations": ["demand-forecasting-model", "pos-sales-history", "inventory-positions"],
        "status": "in_delivery",
    },
    {
        "key": "supplier-lead-time",
        "title": "Supplier lead-time prediction",
        "domain": "supply-chain-inventory",
        "team": "procurement",
        "functions": ["supply-chain"],
        "owner": "sarah.rousseau",
        "sponsor": "pierre.garnier",
        "problem_statement": (
            "Replenishment uses the contractual lead time stored in supplier master data, but the actual "
            "lead time differs by more than 3 days on 37% of purchase orders. The 300 largest of our 2,400 "
            "suppliers carry 80% of volume, and their delays cascade into store out-of-stocks."
        ),
        "proposed_solution": (
            "Predict the actual lead time of each purchase order from the supplier's recent delivery "
            "history, season, order size and, for imports, port congestion. Predictions replace the static "
            "values in replenishment and buy planning, and suppliers drifting by more than 20% are flagged "
            "to their buyer."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "classical_ml",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 3,
        "estimated_annual_benefit": 1_200_000,
        "estimated_annual_cost": 160_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["supplier-master-data", "inventory-positions", "ml-platform"],
        "status": "approved",
    },
    {
        "key": "supplier-risk-monitoring",
        "title": "Supplier risk monitoring from news, financial and ESG signals",
        "domain": "supply-chain-inventory",
        "team": "procurement",
        "functions": ["supply-chain", "legal-compliance", "finance"],
        "owner": "sarah.rousseau",
        "sponsor": "claire.martin",
        "problem_statement": (
            "In 2023 two garden furniture suppliers went into receivership with €2.3 million of orders in "
            "progress, and we learned it from the press. Procurement reviews supplier risk once a year for "
            "the top 150 suppliers only, while the EU due-diligence directive will require us to document "
            "risks across the supply chain."
        ),
        "proposed_solution": (
            "Daily monitoring of news, insolvency filings, financial ratios and ESG controversy feeds for "
            "1,200 suppliers, with a model that classifies events (financial distress, strike, factory "
            "fire, forced-labour allegation) and alerts the category buyer. Alerts and the decisions taken "
            "are logged in the supplier record for audit."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "nlp",
        "business_value": 3,
        "feasibility": 4,
        "data_readiness": 2,
        "estimated_annual_benefit": 600_000,
        "estimated_annual_cost": 150_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "vendor",
        "foundations": ["supplier-master-data"],
        "status": "submitted",
    },
    {
        "key": "delivery-route-optimisation",
        "title": "Route and slot optimisation for bulky home deliveries",
        "domain": "supply-chain-inventory",
        "team": "demand-planning",
        "functions": ["supply-chain", "operations"],
        "owner": "pierre.garnier",
        "sponsor": "marc.dubois",
        "problem_statement": (
            "Our fleet of 86 trucks makes about 210,000 bulky deliveries a year from the two DCs and 22 hub "
            "stores. Planners build routes with a legacy tool that ignores traffic and two-person crew "
            "constraints; trucks leave 68% full and each drop costs €29."
        ),
        "proposed_solution": (
            "A vehicle-routing solver that plans next-day routes with time windows, crew and vehicle "
            "constraints and traffic, and sends the remaining slot capacity back to checkout. Planners keep "
            "a manual override and see the cost impact of every change."
        ),
        "ambition": "optimisation",
        "journey_stages": ["purchase"],
        "ai_technique": "optimisation",
        "business_value": 4,
        "feasibility": 3,
        "data_readiness": 3,
        "estimated_annual_benefit": 1_600_000,
        "estimated_annual_cost": 340_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": ["inventory-positions", "customer-360"],
        "status": "in_review",
    },
    {
        "key": "warehouse-slotting",
        "title": "Slotting optimisation at the Villefranche distribution centre",
        "domain": "supply-chain-inventory",
        "team": "demand-planning",
        "functions": ["supply-chain", "operations"],
        "owner": "pierre.garnier",
        "sponsor": "marc.dubois",
        "problem_statement": (
            "Pickers at the Villefranche-sur-Saône DC walk about 11 km per shift, and slotting is revised "
            "only twice a year. Seasonal items are stored by supplier rather than by how fast they sell, "
            "which slows picking by an estimated 15% in spring."
        ),
        "proposed_solution": (
            "Weekly slotting recommendations based on forecast velocity, item dimensions and co-picking "
            "affinity. Put on hold by the committee until the warehouse management system migration planned "
            "for 2026, because the current WMS cannot apply dynamic locations."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "optimisation",
        "business_value": 3,
        "feasibility": 2,
        "data_readiness": 3,
        "estimated_annual_benefit": 700_000,
        "estimated_annual_cost": 250_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "vendor",
        "foundations": ["demand-forecasting-model", "inventory-positions"],
        "status": "on_hold",
    },
    {
        "key": "assortment-localisation",
        "title": "Store assortment localisation for garden and outdoor ranges",
        "domain": "supply-chain-inventory",
        "team": "demand-planning",
        "functions": ["supply-chain", "sales", "operations"],
        "owner": "lea.mercier",
        "sponsor": "pierre.garnier",
        "problem_statement": (
            "All 128 stores receive one of three national assortment clusters (small, medium, large), "
            "although climate and housing differ widely between Marseille, the Alps and Flanders. In each "
            "store 23% of SKUs sell fewer than 4 units a year, while locally relevant items (Mediterranean "
            "plants, pool care in the south) are missing."
        ),
        "proposed_solution": (
            "Cluster stores on demand patterns, climate zone, housing type and competition, and recommend "
            "SKU additions and deletions per store within space constraints. Category managers review the "
            "recommendations each season, and impact is measured on sales density and stock per store."
        ),
        "ambition": "transformation",
        "journey_stages": ["discover", "choose"],
        "ai_technique": "classical_ml",
        "business_value": 4,
        "feasibility": 3,
        "data_readiness": 4,
        "estimated_annual_benefit": 2_200_000,
        "estimated_annual_cost": 300_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["pos-sales-history", "product-catalogue-pim", "data-warehouse"],
        "status": "submitted",
    },
    # ---------------------------------------------------------------- Store Operations
    {
        "key": "footfall-forecast",
        "title": "Store footfall and workload forecasting",
        "domain": "store-operations",
        "team": "store-ops-excellence",
        "functions": ["operations", "data-analytics", "hr"],
        "owner": "antoine.chevalier",
        "sponsor": "marc.dubois",
        "problem_statement": (
            "Store labour is our second-largest cost at €312 million a year, and traffic varies from 1 to 6 "
            "between a rainy Tuesday in November and a sunny Saturday in April. Store managers plan from "
            "last year's sales, with no view of hourly traffic at the checkouts, in the garden centre or at "
            "the click & collect desk."
        ),
        "proposed_solution": (
            "Forecast footfall and workload per store, zone and 30-minute slot, 6 weeks ahead, from door "
            "counters, tickets, click & collect orders, weather and local events. It reuses the demand "
            "forecasting pipeline and becomes the input of scheduling and seasonal hiring."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "classical_ml",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 1_400_000,
        "estimated_annual_cost": 260_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["pos-sales-history", "ml-platform", "data-warehouse"],
        "status": "in_delivery",
    },
    {
        "key": "staff-scheduling",
        "title": "Demand-driven staff scheduling with employee shift preferences",
        "domain": "store-operations",
        "team": "store-ops-excellence",
        "functions": ["operations", "hr", "legal-compliance"],
        "owner": "antoine.chevalier",
        "sponsor": "sophie.laurent",
        "problem_statement": (
            "Store managers build schedules by hand, about 4 hours a week each, and we measure 14% of hours "
            "over-staffed and 9% under-staffed against traffic. Employees get their schedule 7 days ahead on "
            "average, and last-minute changes were the first complaint in the 2024 engagement survey."
        ),
        "proposed_solution": (
            "An optimiser that builds 4-week schedules from the workload forecast, collective agreements, "
            "skills and the availability and preferences employees enter in the staff app, published at "
            "least 21 days ahead. Managers validate every schedule and no individual performance data is "
            "used. Classified high-risk because it allocates work, so human oversight, logging and a works "
            "council review are built in."
        ),
        "ambition": "transformation",
        "journey_stages": [],
        "ai_technique": "optimisation",
        "business_value": 4,
        "feasibility": 3,
        "data_readiness": 3,
        "estimated_annual_benefit": 3_500_000,
        "estimated_annual_cost": 480_000,
        "eu_ai_act_risk": "high",
        "is_high_impact": True,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": ["hris-data", "pos-sales-history"],
        "status": "in_review",
    },
    {
        "key": "staff-emotion-recognition",
        "title": "Emotion recognition of store staff to score customer-facing attitude",
        "domain": "store-operations",
        "team": "store-ops-excellence",
        "functions": ["operations", "hr"],
        "owner": "theo.vincent",
        "sponsor": "antoine.chevalier",
        "problem_statement": (
            "Mystery shopping shows a friendliness score ranging from 61% to 92% across stores, and the "
            "programme costs €480,000 a year for only 4 visits per store. A video-analytics vendor offered to "
            "infer staff emotions and smiles from the existing store cameras."
        ),
        "proposed_solution": (
            "The vendor's system would have analysed the facial expressions of checkout and sales-floor "
            "staff on CCTV and produced a daily 'attitude score' per employee and store. Rejected: emotion "
            "recognition in the workplace is prohibited by Article 5(1)(f) of the EU AI Act since February "
            "2025, and the committee asked that no similar proposal be resubmitted."
        ),
        "ambition": "optimisation",
        "journey_stages": ["support"],
        "ai_technique": "computer_vision",
        "business_value": 1,
        "feasibility": 3,
        "data_readiness": 2,
        "estimated_annual_benefit": 300_000,
        "estimated_annual_cost": 220_000,
        "eu_ai_act_risk": "prohibited",
        "is_high_impact": True,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": [],
        "status": "rejected",
    },
    {
        "key": "store-associate-copilot",
        "title": "Product-knowledge copilot for store associates on handhelds",
        "domain": "store-operations",
        "team": "store-ops-excellence",
        "functions": ["operations", "sales", "it"],
        "owner": "antoine.chevalier",
        "sponsor": "marc.dubois",
        "problem_statement": (
            "Our 1,800 seasonal staff work mostly on the garden and outdoor floors, where expert questions "
            "peak: which lawn seed for shade, which pump for a 3,000-litre pond. 27% of customers who asked "
            "a question in our survey left without the product, and experienced associates spend about 20% "
            "of their time answering colleagues."
        ),
        "proposed_solution": (
            "A copilot on the store handhelds that answers product and project questions from our "
            "catalogue, guides and supplier documentation, checks stock in the store and nearby stores and "
            "can put a product aside. Answers cite their sources, and the copilot shares its retrieval "
            "stack with the online project assistant."
        ),
        "ambition": "transformation",
        "journey_stages": ["choose", "purchase"],
        "ai_technique": "generative",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 3,
        "estimated_annual_benefit": 2_100_000,
        "estimated_annual_cost": 410_000,
        "eu_ai_act_risk": "limited",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "hybrid",
        "foundations": ["llm-gateway", "vector-search-index", "product-catalogue-pim", "inventory-positions"],
        "status": "in_delivery",
    },
    {
        "key": "shelf-gap-detection",
        "title": "Shelf gap detection with shelf-edge cameras",
        "domain": "store-operations",
        "team": "store-ops-excellence",
        "functions": ["operations", "supply-chain", "it"],
        "owner": "theo.vincent",
        "sponsor": "marc.dubois",
        "problem_statement": (
            "Store systems show stock for 6 to 9% of SKUs that are not actually on the shelf, which blocks "
            "automatic replenishment and frustrates click & collect customers. Manual gap scans cover only "
            "fast-moving aisles, twice a day."
        ),
        "proposed_solution": (
            "Fixed shelf cameras detecting empty facings every hour in 12 stores, reconciling them with "
            "system stock and creating correction and refill tasks. On hold: the 2024 pilot in 2 stores "
            "gave +1.1 points of availability, but hardware at about €95,000 per store does not pay back; "
            "to be revisited with handheld or robot capture."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "computer_vision",
        "business_value": 3,
        "feasibility": 2,
        "data_readiness": 3,
        "estimated_annual_benefit": 900_000,
        "estimated_annual_cost": 1_140_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "vendor",
        "foundations": ["inventory-positions", "product-catalogue-pim"],
        "status": "on_hold",
    },
    {
        "key": "click-collect-picking",
        "title": "2-hour click & collect: slot and picking optimisation",
        "domain": "store-operations",
        "team": "store-ops-excellence",
        "functions": ["operations", "sales", "supply-chain"],
        "owner": "theo.vincent",
        "sponsor": "marc.dubois",
        "problem_statement": (
            "Click & collect is 41% of online orders. We promise 2 hours but keep the promise only 78% of "
            "the time in spring, because picking competes with customers on the floor, and pickers walk 1.3 "
            "km per order on average in the large garden centres."
        ),
        "proposed_solution": (
            "Offer collection slots based on forecast picking capacity, batch orders and compute picking "
            "paths from store layouts and shelf locations. Orders at risk are escalated to the store "
            "manager 45 minutes before the promised time."
        ),
        "ambition": "transformation",
        "journey_stages": ["purchase"],
        "ai_technique": "optimisation",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 3,
        "estimated_annual_benefit": 1_100_000,
        "estimated_annual_cost": 210_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["inventory-positions", "pos-sales-history"],
        "status": "approved",
    },
    {
        "key": "store-energy-optimisation",
        "title": "Energy optimisation of heated greenhouses and store HVAC",
        "domain": "store-operations",
        "team": "store-ops-excellence",
        "functions": ["operations", "finance"],
        "owner": "antoine.chevalier",
        "sponsor": "claire.martin",
        "problem_statement": (
            "Our stores used 168 GWh in 2023 at a cost of €24 million, and the heated greenhouses of the 46 "
            "garden centres account for 30% of it. Setpoints are fixed by season and ignore weather "
            "forecasts and opening hours."
        ),
        "proposed_solution": (
            "A predictive control layer over the building management systems that adjusts heating, "
            "ventilation and greenhouse setpoints every hour from weather forecasts, occupancy and plant "
            "needs. Rolled out with the BMS vendor in 10 stores first, with savings measured against a "
            "weather-normalised baseline."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "optimisation",
        "business_value": 3,
        "feasibility": 4,
        "data_readiness": 3,
        "estimated_annual_benefit": 1_900_000,
        "estimated_annual_cost": 450_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "vendor",
        "foundations": [],
        "status": "approved",
    },
    {
        "key": "self-checkout-loss",
        "title": "Loss detection at self-checkouts with overhead cameras",
        "domain": "store-operations",
        "team": "store-ops-excellence",
        "functions": ["operations", "finance", "legal-compliance"],
        "owner": "theo.vincent",
        "sponsor": "claire.martin",
        "problem_statement": (
            "Unknown loss is 1.6% of sales, about €30 million a year, and stores with self-checkouts run 0.4 "
            "points higher than the others. Self-checkouts now handle 35% of transactions in the 60 stores "
            "equipped."
        ),
        "proposed_solution": (
            "Cameras above the self-checkout stations detect items not scanned or scanned as a cheaper "
            "product and trigger an on-screen prompt, then a check by an assistant. No facial recognition "
            "and no images kept beyond 72 hours. The committee asked for a DPIA, a test of false-alert rates "
            "across customer groups and a rule that no alert leads to action without a staff check."
        ),
        "ambition": "optimisation",
        "journey_stages": ["purchase"],
        "ai_technique": "computer_vision",
        "business_value": 3,
        "feasibility": 3,
        "data_readiness": 3,
        "estimated_annual_benefit": 2_400_000,
        "estimated_annual_cost": 900_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": True,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": ["pos-sales-history"],
        "status": "changes_requested",
    },
    {
        "key": "planogram-compliance",
        "title": "Planogram compliance checks from handheld photos",
        "domain": "store-operations",
        "team": "store-ops-excellence",
        "functions": ["operations", "sales"],
        "owner": "theo.vincent",
        "sponsor": None,
        "problem_statement": (
            "Head office sends about 2,300 planogram changes a year, and store audits show that 30% are not "
            "implemented correctly within two weeks. Promotions then start with products in the wrong "
            "place."
        ),
        "proposed_solution": (
            "Store staff photograph a bay with the handheld; an image model compares it with the planogram "
            "and lists the corrections to make."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "computer_vision",
        "business_value": 3,
        "feasibility": 3,
        "data_readiness": 2,
        "estimated_annual_benefit": None,
        "estimated_annual_cost": None,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "vendor",
        "foundations": ["product-catalogue-pim"],
        "status": "draft",
    },
    {
        "key": "plant-health-detection",
        "title": "Early detection of declining live plants in garden centres",
        "domain": "store-operations",
        "team": "store-ops-excellence",
        "functions": ["operations", "supply-chain"],
        "owner": "antoine.chevalier",
        "sponsor": "pierre.garnier",
        "problem_statement": (
            "Live plant shrink (plants thrown away or sold at 70% off) costs €14.5 million a year, 12% of "
            "plant purchases. In peak season each gardener in a large garden centre looks after more than "
            "20,000 plants and usually notices decline when the plant can no longer be sold."
        ),
        "proposed_solution": (
            "Weekly photo rounds of each bench with the handheld, analysed by an image model trained on our "
            "plant ranges to detect early stress (wilting, yellowing, disease), producing a prioritised care "
            "and markdown list. Markdown suggestions go to the markdown engine so prices drop while plants "
            "still look good."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "computer_vision",
        "business_value": 4,
        "feasibility": 3,
        "data_readiness": 2,
        "estimated_annual_benefit": 2_000_000,
        "estimated_annual_cost": 380_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "hybrid",
        "foundations": ["product-catalogue-pim", "inventory-positions", "ml-platform"],
        "status": "submitted",
    },
    {
        "key": "tool-buyback-valuation",
        "title": "Buy-back valuation of used garden tools and mowers from a photo",
        "domain": "store-operations",
        "team": "store-ops-excellence",
        "functions": ["operations", "finance", "sales"],
        "owner": "theo.vincent",
        "sponsor": None,
        "problem_statement": (
            "Two competitors have launched buy-back of used power tools and mowers against a voucher. Stores "
            "report about 30 requests a month each in spring and we have no process or price grid."
        ),
        "proposed_solution": "",
        "ambition": "transformation",
        "journey_stages": ["purchase", "loyalty"],
        "ai_technique": "computer_vision",
        "business_value": None,
        "feasibility": None,
        "data_readiness": None,
        "estimated_annual_benefit": None,
        "estimated_annual_cost": None,
        "eu_ai_act_risk": "not_assessed",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "in_house",
        "foundations": [],
        "status": "draft",
    },
    # ---------------------------------------------------------------- People & Workplace
    {
        "key": "cv-screening",
        "title": "CV screening and shortlisting for store and seasonal hiring",
        "domain": "people-workplace",
        "team": "talent-acquisition",
        "functions": ["hr", "legal-compliance", "operations"],
        "owner": "maxime.faure",
        "sponsor": "sophie.laurent",
        "problem_statement": (
            "We receive about 96,000 applications a year, 60% of them for store and seasonal roles, and "
            "recruiters answer candidates in 19 days on average. In spring, one good candidate in four has "
            "accepted another offer before we call."
        ),
        "proposed_solution": (
            "Rank applications against the job's requirements (availability, skills, driving licence, "
            "garden or DIY experience) and propose a shortlist that the recruiter confirms, with a reply to "
            "every candidate within 5 days. Classified high-risk (employment, Annex III): the committee asked "
            "for a bias audit on gender, age and postcode, candidate information and a right to human "
            "review before approval."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "nlp",
        "business_value": 4,
        "feasibility": 3,
        "data_readiness": 3,
        "estimated_annual_benefit": 850_000,
        "estimated_annual_cost": 260_000,
        "eu_ai_act_risk": "high",
        "is_high_impact": True,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": ["hris-data"],
        "status": "changes_requested",
    },
    {
        "key": "seasonal-hiring-forecast",
        "title": "Seasonal hiring needs forecast per store",
        "domain": "people-workplace",
        "team": "talent-acquisition",
        "functions": ["hr", "operations", "finance"],
        "owner": "maxime.faure",
        "sponsor": "sophie.laurent",
        "problem_statement": (
            "We hire about 1,800 seasonal employees between February and June. Store managers estimate "
            "needs in December, and in 2024 we were 210 people short in the South-East and 140 over in the "
            "North, with €1.1 million spent on agency staff to fill the gaps."
        ),
        "proposed_solution": (
            "Turn the footfall and workload forecast into hours needed per store, role and week, net of "
            "permanent staff availability, to produce a hiring plan updated monthly. Recruitment campaigns "
            "start from this plan instead of December estimates."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "classical_ml",
        "business_value": 3,
        "feasibility": 4,
        "data_readiness": 3,
        "estimated_annual_benefit": 900_000,
        "estimated_annual_cost": 90_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["hris-data", "pos-sales-history"],
        "status": "approved",
    },
    {
        "key": "hr-policy-assistant",
        "title": "Employee assistant for HR policies and store procedures",
        "domain": "people-workplace",
        "team": "talent-acquisition",
        "functions": ["hr", "it", "operations"],
        "owner": "sophie.laurent",
        "sponsor": "marc.dubois",
        "problem_statement": (
            "The HR service centre receives 54,000 questions a year (leave, payslips, sick-leave procedure, "
            "collective agreement rules), 70% of which are answered in existing documents. Store employees "
            "have no desk access and wait 4 days on average for an answer."
        ),
        "proposed_solution": (
            "An assistant in the staff app that answers from validated HR policies, the collective "
            "agreement and store procedures, cites the document, and opens a ticket with the HR service "
            "centre when the question is personal or the answer unclear. The first version has no access to "
            "individual employee files."
        ),
        "ambition": "transformation",
        "journey_stages": [],
        "ai_technique": "generative",
        "business_value": 3,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 650_000,
        "estimated_annual_cost": 180_000,
        "eu_ai_act_risk": "limited",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "hybrid",
        "foundations": ["llm-gateway", "vector-search-index"],
        "status": "in_delivery",
    },
    {
        "key": "attrition-risk",
        "title": "Early warning on store employee attrition",
        "domain": "people-workplace",
        "team": "talent-acquisition",
        "functions": ["hr", "operations"],
        "owner": "maxime.faure",
        "sponsor": "sophie.laurent",
        "problem_statement": (
            "Annual turnover of permanent store staff is 24%, and 38% in the first year, and each departure "
            "costs about €6,500 in recruitment and training. Managers usually learn of a resignation when it "
            "is handed in."
        ),
        "proposed_solution": (
            "A risk indicator combining tenure, schedule changes, overtime, absence and engagement survey "
            "results to guide the actions of HR business partners. On hold at the request of the works "
            "councils and the DPO until the scope is limited to team-level indicators with no individual "
            "scores; classified high-risk."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "classical_ml",
        "business_value": 3,
        "feasibility": 3,
        "data_readiness": 3,
        "estimated_annual_benefit": 1_300_000,
        "estimated_annual_cost": 150_000,
        "eu_ai_act_risk": "high",
        "is_high_impact": True,
        "uses_personal_data": True,
        "sourcing": "in_house",
        "foundations": ["hris-data", "feature-store"],
        "status": "on_hold",
    },
    {
        "key": "internal-mobility-matching",
        "title": "Internal mobility and skills matching",
        "domain": "people-workplace",
        "team": "talent-acquisition",
        "functions": ["hr", "operations"],
        "owner": "sophie.laurent",
        "sponsor": "marc.dubois",
        "problem_statement": (
            "Only 18% of store manager and department manager positions are filled internally, against a "
            "target of 50%, because HR sees nothing of employees' skills beyond job titles. 2,300 employees "
            "completed training in 2024 that is recorded nowhere useful for mobility."
        ),
        "proposed_solution": (
            "Build skills profiles from job history, training records and employees' own declarations, "
            "suggest open positions and training paths to employees in the staff app, and suggest internal "
            "candidates to recruiters. Employees see and can correct their profile and matches are only "
            "suggestions; classified high-risk, with a bias review every six months."
        ),
        "ambition": "transformation",
        "journey_stages": [],
        "ai_technique": "nlp",
        "business_value": 4,
        "feasibility": 3,
        "data_readiness": 2,
        "estimated_annual_benefit": 1_100_000,
        "estimated_annual_cost": 240_000,
        "eu_ai_act_risk": "high",
        "is_high_impact": True,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": ["hris-data"],
        "status": "in_review",
    },
    {
        "key": "seasonal-staff-microlearning",
        "title": "Micro-learning for seasonal staff generated from product and procedure content",
        "domain": "people-workplace",
        "team": "talent-acquisition",
        "functions": ["hr", "operations"],
        "owner": "maxime.faure",
        "sponsor": None,
        "problem_statement": (
            "Seasonal staff get two days of onboarding and then learn on the floor; 41% said they did not "
            "feel ready to advise customers in their first month. Training content is updated once a year "
            "and misses new ranges."
        ),
        "proposed_solution": (
            "Generate short quiz-based modules per department from the product catalogue and store "
            "procedures, delivered in the staff app before and during the first weeks."
        ),
        "ambition": "transformation",
        "journey_stages": [],
        "ai_technique": "generative",
        "business_value": 3,
        "feasibility": 4,
        "data_readiness": None,
        "estimated_annual_benefit": None,
        "estimated_annual_cost": None,
        "eu_ai_act_risk": "not_assessed",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["llm-gateway"],
        "status": "draft",
    },
    {
        "key": "performance-review-drafting",
        "title": "AI-drafted annual performance reviews for store employees",
        "domain": "people-workplace",
        "team": "talent-acquisition",
        "functions": ["hr", "operations"],
        "owner": "maxime.faure",
        "sponsor": "sophie.laurent",
        "problem_statement": (
            "Store managers write about 7,800 annual reviews, spending 1.5 hours on each, and the quality of "
            "written assessments is very uneven between stores."
        ),
        "proposed_solution": (
            "The tool would have drafted each review from sales figures, checkout speed, absence and "
            "customer feedback for the manager to edit. Rejected: it evaluates individual performance from "
            "monitoring data (high-risk under the AI Act), that data does not reflect individual "
            "contribution fairly, and managers would likely sign drafts as they are. HR will improve the "
            "review template and manager training instead."
        ),
        "ambition": "transformation",
        "journey_stages": [],
        "ai_technique": "generative",
        "business_value": 2,
        "feasibility": 3,
        "data_readiness": 2,
        "estimated_annual_benefit": 400_000,
        "estimated_annual_cost": 120_000,
        "eu_ai_act_risk": "high",
        "is_high_impact": True,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": ["hris-data"],
        "status": "rejected",
    },
    {
        "key": "job-ad-writer",
        "title": "Inclusive job ad writer",
        "domain": "people-workplace",
        "team": "talent-acquisition",
        "functions": ["hr", "marketing"],
        "owner": "maxime.faure",
        "sponsor": None,
        "problem_statement": (
            "We publish about 3,200 job ads a year, written by store managers with uneven quality, and only "
            "21% of applicants for logistics roles are women."
        ),
        "proposed_solution": "",
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "generative",
        "business_value": None,
        "feasibility": None,
        "data_readiness": None,
        "estimated_annual_benefit": None,
        "estimated_annual_cost": None,
        "eu_ai_act_risk": "not_assessed",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "vendor",
        "foundations": [],
        "status": "draft",
    },
    {
        "key": "it-ticket-triage",
        "title": "IT service desk ticket triage",
        "domain": "people-workplace",
        "team": "digital-workplace",
        "functions": ["it"],
        "owner": "hugo.lefebvre",
        "sponsor": "thomas.bernard",
        "problem_statement": (
            "In 2022 the IT service desk received 61,000 tickets a year and 30% were sent to the wrong "
            "resolver group, adding 1.5 days to resolution on average."
        ),
        "proposed_solution": (
            "An in-house text classifier routed tickets to 42 resolver groups with 86% accuracy. Retired in "
            "2025 when the new IT service management platform brought native classification of similar "
            "quality at no extra cost; the team now works on the LLM gateway."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "nlp",
        "business_value": 2,
        "feasibility": 5,
        "data_readiness": 4,
        "estimated_annual_benefit": 210_000,
        "estimated_annual_cost": 60_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": [],
        "status": "retired",
    },
    {
        "key": "meeting-minutes",
        "title": "Meeting minutes and action lists for head-office meetings",
        "domain": "people-workplace",
        "team": "digital-workplace",
        "functions": ["it"],
        "owner": "thomas.bernard",
        "sponsor": None,
        "problem_statement": (
            "Several head-office teams already use free consumer AI tools to summarise meetings, so "
            "confidential content leaves the company. A survey counted 120 regular users."
        ),
        "proposed_solution": "",
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "generative",
        "business_value": None,
        "feasibility": None,
        "data_readiness": None,
        "estimated_annual_benefit": None,
        "estimated_annual_cost": None,
        "eu_ai_act_risk": "not_assessed",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": [],
        "status": "draft",
    },
    # ---------------------------------------------------------------- Finance, Risk & Compliance
    {
        "key": "invoice-matching",
        "title": "Supplier invoice matching and exception handling",
        "domain": "finance-risk",
        "team": "financial-control",
        "functions": ["finance", "supply-chain"],
        "owner": "chloe.andre",
        "sponsor": "claire.martin",
        "problem_statement": (
            "Accounts payable processes 410,000 supplier invoices a year with 22 FTE. 27% do not match the "
            "purchase order or goods receipt automatically and take 12 minutes each by hand. Late-payment "
            "penalties and lost early-payment discounts cost about €900,000 a year."
        ),
        "proposed_solution": (
            "Read invoices with document AI, match them against orders and receipts with tolerances learned "
            "from past resolutions, and propose a resolution for exceptions (price difference, partial "
            "delivery, missing receipt). Clerks approve proposals in the ERP, and prices are checked against "
            "the clauses extracted from supplier contracts."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "nlp",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 1_350_000,
        "estimated_annual_cost": 320_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "vendor",
        "foundations": ["erp-gl-finance", "supplier-master-data"],
        "status": "in_delivery",
    },
    {
        "key": "cash-flow-forecast",
        "title": "13-week cash-flow forecast",
        "domain": "finance-risk",
        "team": "financial-control",
        "functions": ["finance", "supply-chain"],
        "owner": "chloe.andre",
        "sponsor": "claire.martin",
        "problem_statement": (
            "Working capital swings by €180 million between the stock build in February and the end of the "
            "garden season. The weekly cash forecast is assembled in Excel from 14 entity files, takes two "
            "days and missed the April 2024 peak by €37 million, forcing an unplanned draw on the credit "
            "line."
        ),
        "proposed_solution": (
            "A model forecasting receipts and payments 13 weeks ahead by flow type, from sales forecasts, "
            "seasonal purchase commitments, payment terms and history, with treasury analysts adjusting "
            "known one-off items. Accuracy is reported every week against actuals."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "classical_ml",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 850_000,
        "estimated_annual_cost": 140_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["erp-gl-finance", "demand-forecasting-model", "data-warehouse"],
        "status": "approved",
    },
    {
        "key": "expense-anomaly",
        "title": "Anomaly detection on expenses, purchase cards and manual journal entries",
        "domain": "finance-risk",
        "team": "financial-control",
        "functions": ["finance", "legal-compliance"],
        "owner": "chloe.andre",
        "sponsor": "claire.martin",
        "problem_statement": (
            "Internal audit samples about 1% of the 190,000 expense lines and 12,000 manual journal entries "
            "posted each year. Two frauds found in 2023 (fictitious suppliers in a regional office) had run "
            "for three years and cost €410,000."
        ),
        "proposed_solution": (
            "Unsupervised and rule-based models scoring every expense line, purchase-card payment and "
            "manual entry, with the riskiest items sent to internal audit each week together with the "
            "reasons for the score. Reviewers' conclusions retrain the models every quarter."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "classical_ml",
        "business_value": 3,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 600_000,
        "estimated_annual_cost": 130_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "in_house",
        "foundations": ["erp-gl-finance", "hris-data"],
        "status": "in_review",
    },
    {
        "key": "payment-refund-fraud",
        "title": "Online payment and refund fraud scoring",
        "domain": "finance-risk",
        "team": "financial-control",
        "functions": ["finance", "sales", "customer-service"],
        "owner": "chloe.andre",
        "sponsor": "claire.martin",
        "problem_statement": (
            "Online fraud losses (chargebacks, fraudulent returns, refund abuse) reached €3.2 million in "
            "2024, up 45% in two years. Meanwhile the payment provider's generic rules block 2.1% of "
            "legitimate orders, worth €9 million of revenue a year."
        ),
        "proposed_solution": (
            "An in-house score combining payment, device, order and return history signals to release, "
            "review or refuse orders and refunds. No order is refused without the possibility of a manual "
            "review, customers can contest a decision, and false positives are reviewed monthly."
        ),
        "ambition": "optimisation",
        "journey_stages": ["purchase", "support"],
        "ai_technique": "classical_ml",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 4,
        "estimated_annual_benefit": 2_700_000,
        "estimated_annual_cost": 350_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": True,
        "uses_personal_data": True,
        "sourcing": "hybrid",
        "foundations": ["customer-360", "web-clickstream", "erp-gl-finance", "ml-platform"],
        "status": "approved",
    },
    {
        "key": "store-card-credit-scoring",
        "title": "Instant credit decision for a Maison Verte store card",
        "domain": "finance-risk",
        "team": "financial-control",
        "functions": ["finance", "sales", "legal-compliance"],
        "owner": "claire.martin",
        "sponsor": "marc.dubois",
        "problem_statement": (
            "A consumer-credit partner proposed a co-branded card with instant credit at checkout for "
            "baskets above €500 (sheds, verandas, ride-on mowers), expecting €14 million of additional sales "
            "a year and a €1.1 million margin contribution."
        ),
        "proposed_solution": (
            "Credit decisions by the partner's scoring model, enriched with our purchase history. Rejected: "
            "creditworthiness scoring of individuals is high-risk under the AI Act, sharing purchase history "
            "would make us jointly responsible for the data, and the committee judged consumer credit "
            "outside our strategy; interest-free split payment in 3 or 4 instalments is kept instead."
        ),
        "ambition": "transformation",
        "journey_stages": ["purchase"],
        "ai_technique": "classical_ml",
        "business_value": 3,
        "feasibility": 2,
        "data_readiness": 3,
        "estimated_annual_benefit": 1_100_000,
        "estimated_annual_cost": 400_000,
        "eu_ai_act_risk": "high",
        "is_high_impact": True,
        "uses_personal_data": True,
        "sourcing": "vendor",
        "foundations": ["customer-360", "loyalty-transactions"],
        "status": "rejected",
    },
    {
        "key": "store-pnl-simulator",
        "title": "Store P&L what-if simulator for network decisions",
        "domain": "finance-risk",
        "team": "financial-control",
        "functions": ["finance", "operations"],
        "owner": "chloe.andre",
        "sponsor": None,
        "problem_statement": (
            "Decisions on opening hours, garden-centre extensions and closures rely on static P&L files "
            "rebuilt by hand for each case. We reviewed 9 such decisions in 2024, each taking about three "
            "weeks of controller time."
        ),
        "proposed_solution": (
            "Simulate a store's P&L under each scenario from footfall forecasts, sales density and cost drivers."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "optimisation",
        "business_value": 3,
        "feasibility": 3,
        "data_readiness": 3,
        "estimated_annual_benefit": None,
        "estimated_annual_cost": None,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["erp-gl-finance", "pos-sales-history"],
        "status": "draft",
    },
    {
        "key": "contract-clause-review",
        "title": "Supplier contract clause extraction and risk flags",
        "domain": "finance-risk",
        "team": "legal-privacy",
        "functions": ["legal-compliance", "supply-chain", "finance"],
        "owner": "nadia.benali",
        "sponsor": "claire.martin",
        "problem_statement": (
            "We hold about 6,500 active supplier contracts and annual agreements, mostly scanned PDFs. "
            "Simple questions, such as which contracts lack a force majeure clause or which late-delivery "
            "penalties we can claim, take our 4 lawyers weeks: in 2024 we recovered €0.6 million of "
            "penalties out of an estimated €2.4 million due."
        ),
        "proposed_solution": (
            "Extract key clauses (prices and indexation, penalties, termination, liability, force majeure, "
            "ESG commitments) into a searchable repository that links to the source page, and flag "
            "deviations from our standard terms. Lawyers validate extractions for the top 500 suppliers; "
            "results feed invoice matching and supplier risk monitoring."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "generative",
        "business_value": 4,
        "feasibility": 4,
        "data_readiness": 2,
        "estimated_annual_benefit": 1_500_000,
        "estimated_annual_cost": 220_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "hybrid",
        "foundations": ["llm-gateway", "supplier-master-data", "vector-search-index"],
        "status": "in_review",
    },
    {
        "key": "product-compliance-check",
        "title": "Regulatory compliance check of products before listing",
        "domain": "finance-risk",
        "team": "procurement",
        "functions": ["legal-compliance", "supply-chain", "sales"],
        "owner": "sarah.rousseau",
        "sponsor": "nadia.benali",
        "problem_statement": (
            "About 14,000 new products are listed each year, including fertilisers, plant protection "
            "products, electrical tools and children's garden toys under specific rules (CE marking, REACH, "
            "biocides). Three compliance officers check them by hand; in 2024 we had 6 product recalls and a "
            "€120,000 fine for missing labelling on a plant protection product."
        ),
        "proposed_solution": (
            "Read supplier certificates, safety data sheets and labels at listing, check them against a "
            "rules base per product family and country, and block the listing until missing documents are "
            "provided. Compliance officers review only the flagged products."
        ),
        "ambition": "optimisation",
        "journey_stages": [],
        "ai_technique": "nlp",
        "business_value": 4,
        "feasibility": 3,
        "data_readiness": 2,
        "estimated_annual_benefit": 700_000,
        "estimated_annual_cost": 200_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": False,
        "sourcing": "in_house",
        "foundations": ["supplier-master-data", "product-catalogue-pim", "llm-gateway"],
        "status": "submitted",
    },
    {
        "key": "dsar-triage",
        "title": "Triage and preparation of GDPR data subject requests",
        "domain": "finance-risk",
        "team": "legal-privacy",
        "functions": ["legal-compliance", "customer-service", "it"],
        "owner": "nadia.benali",
        "sponsor": "isabelle.roux",
        "problem_statement": (
            "We receive about 5,400 GDPR requests a year (access, deletion, marketing opt-out), mostly mixed "
            "into customer care emails, and 9% were answered after the one-month legal deadline in 2024. "
            "Each access request requires manual searches in 11 systems."
        ),
        "proposed_solution": (
            "Detect GDPR requests in incoming emails and web forms, classify their type, verify identity "
            "through the customer account and pre-assemble the data from the systems connected to the "
            "customer 360. A privacy officer validates every answer before it is sent."
        ),
        "ambition": "optimisation",
        "journey_stages": ["support"],
        "ai_technique": "nlp",
        "business_value": 3,
        "feasibility": 4,
        "data_readiness": 3,
        "estimated_annual_benefit": 350_000,
        "estimated_annual_cost": 110_000,
        "eu_ai_act_risk": "minimal",
        "is_high_impact": False,
        "uses_personal_data": True,
        "sourcing": "in_house",
        "foundations": ["customer-360", "identity-resolution", "contact-centre-transcripts"],
        "status": "approved",
    },
]

# --------------------------------------------------------------------------------------------------
# Links: (source_key, target_key, kind, strength, rationale). depends_on reads "source depends on target".
# --------------------------------------------------------------------------------------------------

# fmt: off
LINKS = [
    # ---------------------------------------------------------------- Cluster: customer care
    ("care-agent-assist", "contact-reason-mining", "shares_data", 3,
     "Both are built on the same transcribed calls, emails and chats from the contact-centre platform."),
    ("care-chatbot", "care-agent-assist", "shares_platform", 3,
     "The bot and the adviser side panel use the same LLM gateway, guardrails and knowledge-article index."),
    ("care-chatbot", "contact-reason-mining", "depends_on", 2,
     "The bot's intents and roadmap are prioritised from the volumes measured by the contact-reason classifier."),
    ("complaint-escalation-routing", "contact-reason-mining", "depends_on", 3,
     "Escalation risk uses the predicted contact reason and product family as its main inputs."),
    ("voc-digest", "contact-reason-mining", "depends_on", 3,
     "The digest groups verbatims with the consolidated contact-reason taxonomy and its daily output."),
    ("complaint-escalation-routing", "care-agent-assist", "reinforces", 2,
     "Flagged complaints reach senior advisers with a ready summary, which makes the 4-hour target realistic."),
    ("proactive-delivery-alerts", "care-chatbot", "reinforces", 2,
     "Customers warned in advance ask fewer 'where is my order' questions, and the bot can confirm the new slot."),
    ("voc-digest", "returns-reason-analysis", "shares_data", 2,
     "Return reasons are one of the verbatim sources the digest summarises per product."),
    ("returns-reason-analysis", "contact-reason-mining", "reinforces", 2,
     "Return reasons and contact reasons together give category teams one view of product defects."),
    ("dsar-triage", "complaint-escalation-routing", "shares_platform", 2,
     "Both classify the same inbound email flow in the contact-centre tool before routing it."),
    ("complaint-escalation-routing", "churn-save-offers", "reinforces", 2,
     "A severe complaint is a strong churn signal, and a well-resolved one is the best moment for a save action."),
    ("proactive-delivery-alerts", "delivery-promise", "shares_data", 3,
     "Both predict delivery outcomes from the same carrier scan events, DC progress and route load data."),
    ("plant-care-companion", "plant-health-detection", "shares_platform", 2,
     "The same plant identification and disease model serves customers' photos and gardeners' bench rounds."),
    ("dsar-triage", "contact-reason-mining", "shares_data", 2,
     "GDPR requests are detected in the same transcribed contact flow that the contact-reason model reads."),
    ("care-agent-assist", "proactive-delivery-alerts", "reinforces", 2,
     "Advisers see the delay risk and the proposed new slot in the same side panel when the customer calls."),
    ("care-chatbot", "returns-reason-analysis", "shares_data", 1,
     "The bot collects return reasons and photos in a structured form that the analysis would reuse."),
    # ---------------------------------------------------------------- Cluster: personalisation and loyalty
    ("lifestage-segmentation", "next-best-offer", "reinforces", 3,
     "Life-stage segments become features and eligibility rules of the offer engine."),
    ("churn-save-offers", "next-best-offer", "depends_on", 3,
     "Save actions are delivered as offers arbitrated by the next-best-offer engine, not as separate campaigns."),
    ("personalised-homepage", "next-best-offer", "shares_platform", 3,
     "Same feature store, ranking service and A/B framework on the ML platform."),
    ("personalised-homepage", "lifestage-segmentation", "shares_data", 2,
     "Homepage modules use the weekly life-stage segments for logged-in visitors."),
    ("loyalty-redesign-simulator", "churn-save-offers", "shares_data", 2,
     "Both rely on member response curves estimated from past vouchers and retention tests."),
    ("loyalty-redesign-simulator", "lifestage-segmentation", "reinforces", 2,
     "Life-stage segments let the simulator test tier benefits designed for movers and first-time gardeners."),
    ("campaign-creative-variants", "next-best-offer", "reinforces", 2,
     "More creative variants per offer give the engine real choices beyond the offer itself."),
    ("marketing-mix-model", "loyalty-redesign-simulator", "shares_data", 1,
     "Both need incrementality estimates from the same geo-experiments and holdout groups."),
    ("marketing-mix-model", "next-best-offer", "reinforces", 2,
     "The mix model sets the CRM budget envelope, and the engine's holdout results calibrate the CRM channel."),
    ("marketing-mix-model", "local-store-ads", "reinforces", 1,
     "Regional response curves from the mix model would show where local ads are worth the spend."),
    ("personalised-pricing", "next-best-offer", "conflicts_with", 3,
     "Individual prices would undercut the member offers the engine selects and break trust in Club Verte."),
    ("local-store-ads", "lifestage-segmentation", "shares_data", 1,
     "Local audiences would be built from the life-stage segments of members living around each store."),
    ("churn-save-offers", "lifestage-segmentation", "shares_data", 2,
     "Churn features include the project stage, since members finishing a renovation lapse naturally."),
    ("campaign-creative-variants", "genai-product-descriptions", "shares_platform", 2,
     "Both use the LLM gateway with the same tone-of-voice guardrails and the validation workflow in the PIM."),
    ("campaign-creative-variants", "personalised-homepage", "reinforces", 1,
     "Homepage modules can rotate the same validated creative variants per segment."),
    ("local-store-ads", "campaign-creative-variants", "shares_platform", 2,
     "Local ads would be produced with the same creative generation workflow and brand templates."),
    # ---------------------------------------------------------------- Cluster: digital discovery
    ("visual-search", "semantic-site-search", "depends_on", 2,
     "Image matches are re-ranked by the search service so that they respect stock and local assortment."),
    ("garden-project-assistant", "semantic-site-search", "depends_on", 3,
     "The assistant calls the search service as a tool to find products; it never generates product lists."),
    ("accessory-compatibility", "garden-project-assistant", "reinforces", 2,
     "Complete project baskets need the compatibility graph to avoid proposing parts that do not fit."),
    ("genai-product-descriptions", "semantic-site-search", "reinforces", 3,
     "Filled attributes and richer descriptions directly improve search recall and filters."),
    ("seo-garden-guides", "genai-product-descriptions", "shares_platform", 2,
     "Same generation workflow, guardrails and editorial validation queue."),
    ("seo-garden-guides", "garden-project-assistant", "reinforces", 2,
     "Expert-validated guides are the content the assistant cites when it explains project steps."),
    ("garden-layout-planner", "garden-project-assistant", "depends_on", 2,
     "The planner would hand the designed layout to the assistant to build the product list."),
    ("garden-layout-planner", "visual-search", "shares_platform", 1,
     "Both need image understanding of customer photos taken outdoors."),
    ("accessory-compatibility", "genai-product-descriptions", "shares_data", 2,
     "Compatibility tables and missing attributes are extracted from the same supplier documents in the PIM."),
    ("seo-garden-guides", "semantic-site-search", "reinforces", 2,
     "Search results include the guides, and guide pages list products ranked by the search service."),
    ("plant-care-companion", "seo-garden-guides", "shares_data", 2,
     "Care advice in the app and published guides come from the same horticulturist-validated content."),
    ("store-associate-copilot", "garden-project-assistant", "shares_platform", 3,
     "The store copilot and the online assistant share the retrieval index, tools and answer guardrails."),
    ("plant-care-companion", "garden-project-assistant", "reinforces", 2,
     "Care advice after the purchase brings customers back into new projects with the assistant."),
    ("delivery-promise", "delivery-route-optimisation", "depends_on", 2,
     "Promised dates rely on the slot capacity computed by the routing solver."),
    ("delivery-promise", "supplier-lead-time", "depends_on", 2,
     "For items not in stock, the promised date is built on the predicted supplier lead time."),
    ("visual-search", "plant-care-companion", "shares_platform", 2,
     "Plant identification from a photo is the same capability in both features."),
    # ---------------------------------------------------------------- Cluster: forecasting and supply
    ("auto-replenishment", "store-sku-forecast", "depends_on", 3,
     "Store orders are computed directly from the store-SKU forecast."),
    ("seasonal-buy-planning", "store-sku-forecast", "depends_on", 3,
     "Initial buys use the long-range version of the same forecast, aggregated to chain level."),
    ("markdown-optimisation", "store-sku-forecast", "depends_on", 3,
     "Markdown depth is set against the forecast of remaining sell-through per store."),
    ("weather-demand-sensing", "store-sku-forecast", "reinforces", 3,
     "The weather layer corrects the base forecast on the 40 families where its error is highest."),
    ("auto-replenishment", "supplier-lead-time", "depends_on", 2,
     "Predicted lead times replace static master-data values when timing orders."),
    ("seasonal-buy-planning", "supplier-lead-time", "depends_on", 2,
     "Reorder options are only valid if the supplier can deliver before the peak."),
    ("supplier-risk-monitoring", "supplier-lead-time", "shares_data", 2,
     "Both enrich the same supplier master data and delivery history."),
    ("supplier-risk-monitoring", "seasonal-buy-planning", "reinforces", 1,
     "Risk alerts on import suppliers inform how the buy is split between sources."),
    ("markdown-optimisation", "seasonal-buy-planning", "reinforces", 2,
     "Better initial buys reduce markdowns, and markdown outcomes feed the next season's buy model."),
    ("assortment-localisation", "store-sku-forecast", "shares_data", 2,
     "Both use three years of store-SKU sales history corrected for stock-outs."),
    ("assortment-localisation", "seasonal-buy-planning", "reinforces", 2,
     "Localised ranges change the quantities to buy per item and must be decided first."),
    ("warehouse-slotting", "store-sku-forecast", "depends_on", 2,
     "Slotting uses forecast velocity per item rather than last season's picks."),
    ("delivery-route-optimisation", "warehouse-slotting", "shares_platform", 1,
     "Both would run on the same optimisation solver licence and planning team."),
    ("auto-replenishment", "markdown-optimisation", "shares_platform", 2,
     "Replenishment and markdown run on the same optimisation engine on the ML platform."),
    ("auto-replenishment", "weather-demand-sensing", "shares_data", 1,
     "Weather pre-allocation signals adjust the same order proposals for the next five days."),
    ("contract-clause-review", "supplier-risk-monitoring", "reinforces", 2,
     "Knowing the contractual exposure (penalties, exclusivity, termination) tells buyers how to act on an alert."),
    ("personalised-pricing", "markdown-optimisation", "conflicts_with", 2,
     "Two engines would set different prices on the same seasonal items, with no single owner of the price."),
    # ---------------------------------------------------------------- Cluster: store operations
    ("staff-scheduling", "footfall-forecast", "depends_on", 3,
     "Schedules are built from the 30-minute workload forecast per zone."),
    ("footfall-forecast", "store-sku-forecast", "shares_platform", 3,
     "The footfall model runs in the same forecasting pipeline, feature set and monitoring as demand."),
    ("click-collect-picking", "staff-scheduling", "reinforces", 2,
     "Collection slots are only reliable if picking hours are planned in the schedule."),
    ("shelf-gap-detection", "auto-replenishment", "reinforces", 3,
     "Detected gaps correct the phantom stock that otherwise blocks automatic orders."),
    ("planogram-compliance", "shelf-gap-detection", "shares_platform", 3,
     "Same shelf image pipeline and product recognition model."),
    ("plant-health-detection", "shelf-gap-detection", "shares_platform", 1,
     "Both would use the image capture and model serving set up for in-store computer vision."),
    ("plant-health-detection", "markdown-optimisation", "reinforces", 2,
     "Early decline alerts let the markdown engine cut prices while plants are still saleable."),
    ("store-associate-copilot", "hr-policy-assistant", "shares_platform", 2,
     "Both employee assistants share the LLM gateway, the retrieval stack and the staff app."),
    ("self-checkout-loss", "shelf-gap-detection", "shares_platform", 2,
     "Both depend on the same in-store camera network and edge devices."),
    ("plant-health-detection", "store-associate-copilot", "reinforces", 1,
     "Gardeners would get care instructions for flagged plants from the copilot."),
    ("click-collect-picking", "footfall-forecast", "shares_data", 2,
     "Collection slot capacity uses the same hourly workload forecast as staffing."),
    ("click-collect-picking", "shelf-gap-detection", "reinforces", 1,
     "Items pickers cannot find are reported as gaps, and known gaps stop slots being offered on missing items."),
    ("planogram-compliance", "store-associate-copilot", "shares_platform", 1,
     "Both run on the store handhelds with the same app framework and photo capture."),
    # ---------------------------------------------------------------- Cluster: people
    ("seasonal-hiring-forecast", "footfall-forecast", "depends_on", 3,
     "Hiring needs are derived from forecast workload hours per store and week."),
    ("cv-screening", "seasonal-hiring-forecast", "reinforces", 2,
     "Fast screening matters most in the weeks the hiring plan says campaigns will peak."),
    ("job-ad-writer", "cv-screening", "reinforces", 1,
     "Clearer ads attract more relevant applications, which makes shortlisting easier and fairer."),
    ("internal-mobility-matching", "attrition-risk", "shares_data", 2,
     "Both use HRIS job histories and training records."),
    ("internal-mobility-matching", "cv-screening", "shares_platform", 2,
     "Same skills taxonomy and matching engine from the recruitment software vendor."),
    ("seasonal-staff-microlearning", "hr-policy-assistant", "shares_data", 2,
     "Modules and assistant answers come from the same validated procedures library."),
    ("seasonal-staff-microlearning", "seasonal-hiring-forecast", "reinforces", 1,
     "Knowing when and where seasonal staff start lets training be scheduled before their first shift."),
    ("staff-scheduling", "attrition-risk", "conflicts_with", 2,
     "Cost-optimal schedules with short-notice changes are a top attrition driver; objectives must be aligned."),
    ("performance-review-drafting", "internal-mobility-matching", "shares_data", 1,
     "Both would have read the same HRIS and training data."),
    ("hr-policy-assistant", "internal-mobility-matching", "reinforces", 1,
     "Employees asking the assistant about careers and training are pointed to their mobility matches."),
    ("attrition-risk", "seasonal-hiring-forecast", "shares_data", 1,
     "Expected departures feed the hiring plan's view of permanent staff available next season."),
    # ---------------------------------------------------------------- Cluster: finance and compliance
    ("invoice-matching", "cash-flow-forecast", "reinforces", 2,
     "Faster invoice approval gives the cash forecast a reliable view of payables."),
    ("expense-anomaly", "invoice-matching", "shares_data", 2,
     "Both read ERP postings and supplier master data; fictitious suppliers show up in both."),
    ("store-pnl-simulator", "cash-flow-forecast", "shares_data", 2,
     "Both use the same ERP cost drivers and store-level P&L mapping."),
    ("payment-refund-fraud", "expense-anomaly", "shares_platform", 2,
     "Same anomaly-detection framework and case management for reviewers."),
    ("store-card-credit-scoring", "payment-refund-fraud", "shares_data", 1,
     "Both would have used customers' payment and order history."),
    ("invoice-matching", "contract-clause-review", "reinforces", 2,
     "Extracted price and penalty clauses let invoice matching check prices and claim late-delivery penalties."),
    ("contract-clause-review", "product-compliance-check", "shares_platform", 2,
     "Same document extraction workflow and legal review queue."),
    ("expense-anomaly", "contract-clause-review", "reinforces", 1,
     "Payments to suppliers with no valid contract in the repository are a strong anomaly signal."),
    ("cash-flow-forecast", "seasonal-buy-planning", "depends_on", 2,
     "Seasonal purchase commitments are the largest outflow the cash forecast must anticipate."),
]
# fmt: on

# The groups of mutually reinforcing work the links are designed to show (used by check() only).
_CLUSTERS = {
    "customer-care": [
        "care-agent-assist",
        "care-chatbot",
        "contact-reason-mining",
        "returns-reason-analysis",
        "voc-digest",
        "proactive-delivery-alerts",
        "complaint-escalation-routing",
        "dsar-triage",
    ],
    "personalisation-loyalty": [
        "churn-save-offers",
        "next-best-offer",
        "lifestage-segmentation",
        "campaign-creative-variants",
        "marketing-mix-model",
        "loyalty-redesign-simulator",
        "personalised-pricing",
        "local-store-ads",
        "personalised-homepage",
    ],
    "digital-discovery": [
        "semantic-site-search",
        "genai-product-descriptions",
        "seo-garden-guides",
        "visual-search",
        "garden-project-assistant",
        "garden-layout-planner",
        "accessory-compatibility",
        "plant-care-companion",
    ],
    "forecasting-supply": [
        "store-sku-forecast",
        "auto-replenishment",
        "seasonal-buy-planning",
        "weather-demand-sensing",
        "markdown-optimisation",
        "supplier-lead-time",
        "supplier-risk-monitoring",
        "delivery-route-optimisation",
        "warehouse-slotting",
        "assortment-localisation",
        "delivery-promise",
    ],
    "store-operations": [
        "footfall-forecast",
        "staff-scheduling",
        "store-associate-copilot",
        "shelf-gap-detection",
        "click-collect-picking",
        "self-checkout-loss",
        "planogram-compliance",
        "plant-health-detection",
    ],
    "people": [
        "cv-screening",
        "seasonal-hiring-forecast",
        "hr-policy-assistant",
        "attrition-risk",
        "internal-mobility-matching",
        "seasonal-staff-microlearning",
        "performance-review-drafting",
        "job-ad-writer",
    ],
    "finance-compliance": [
        "invoice-matching",
        "cash-flow-forecast",
        "expense-anomaly",
        "payment-refund-fraud",
        "store-card-credit-scoring",
        "store-pnl-simulator",
        "contract-clause-review",
        "product-compliance-check",
    ],
}

# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------

_USER_KEYS = {"username", "first_name", "last_name", "email", "function", "committee_role", "is_staff"}
_DOMAIN_KEYS = {"slug", "name", "description", "owner", "sponsor", "strategic_priority"}
_TEAM_KEYS = {"slug", "name", "function", "description", "members"}
_FOUNDATION_KEYS = {"slug", "name", "kind", "owner_team", "readiness", "description"}
_USE_CASE_KEYS = {
    "key",
    "title",
    "domain",
    "team",
    "functions",
    "owner",
    "sponsor",
    "problem_statement",
    "proposed_solution",
    "ambition",
    "journey_stages",
    "ai_technique",
    "business_value",
    "feasibility",
    "data_readiness",
    "estimated_annual_benefit",
    "estimated_annual_cost",
    "eu_ai_act_risk",
    "is_high_impact",
    "uses_personal_data",
    "sourcing",
    "foundations",
    "status",
}
_DRAFT_OPTIONAL = (
    "business_value",
    "feasibility",
    "data_readiness",
    "estimated_annual_benefit",
    "estimated_annual_cost",
)
# Target spread of statuses and the tolerance allowed around each target.
_STATUS_TARGETS = {
    "draft": 10,
    "submitted": 8,
    "in_review": 10,
    "changes_requested": 4,
    "approved": 10,
    "rejected": 4,
    "on_hold": 3,
    "in_delivery": 8,
    "scaled": 6,
    "retired": 2,
}
_STATUS_TOLERANCE = 2


def _check(condition, message):
    if not condition:
        raise AssertionError(message)


def _unique(rows, key, label):
    seen = set()
    for row in rows:
        value = row[key]
        _check(value not in seen, f"{label}: duplicate {key} {value!r}")
        seen.add(value)
    return seen


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value, label, min_length=1):
    _check(
        isinstance(value, str) and len(value.strip()) >= min_length,
        f"{label}: expected text of at least {min_length} characters, got {value!r}",
    )


def _check_users():
    _check(18 <= len(USERS) <= 24, f"USERS: expected 18-24 users, got {len(USERS)}")
    for row in USERS:
        _check(set(row) == _USER_KEYS, f"user {row.get('username')!r}: keys {sorted(set(row) ^ _USER_KEYS)} wrong")
    usernames = _unique(USERS, "username", "USERS")
    _unique(USERS, "email", "USERS")
    for row in USERS:
        name = row["username"]
        _check(name == name.lower() and "." in name, f"user {name!r}: username must be lowercase first.last")
        _check(row["email"] == f"{name}@maisonverte.example", f"user {name!r}: unexpected email {row['email']!r}")
        _text(row["first_name"], f"user {name!r} first_name")
        _text(row["last_name"], f"user {name!r} last_name")
        _check(row["function"] in _FUNCTION_SLUGS, f"user {name!r}: unknown function {row['function']!r}")
        _check(row["committee_role"] in _COMMITTEE_ROLES, f"user {name!r}: bad committee_role")
        _check(
            row["is_staff"] is (row["committee_role"] is not None),
            f"user {name!r}: is_staff must be True exactly for committee people",
        )
    chairs = [u for u in USERS if u["committee_role"] == "chair"]
    secretaries = [u for u in USERS if u["committee_role"] == "secretary"]
    members = [u for u in USERS if u["committee_role"] == "member"]
    _check(len(chairs) == 1, f"USERS: expected exactly 1 chair, got {len(chairs)}")
    _check(chairs[0]["function"] in ("operations", "finance"), "USERS: the chair must come from operations or finance")
    _check(len(secretaries) == 1, f"USERS: expected exactly 1 secretary, got {len(secretaries)}")
    _check(6 <= len(members) <= 7, f"USERS: expected 6-7 committee members, got {len(members)}")
    member_functions = [u["function"] for u in members]
    _check(
        len(set(member_functions)) == len(member_functions),
        f"USERS: committee members must come from distinct functions, got {sorted(member_functions)}",
    )
    required = {"hr", "marketing", "finance", "it", "legal-compliance", "customer-service", "supply-chain"}
    missing = required - set(member_functions) - {chairs[0]["function"]}
    _check(len(missing) <= 7 - len(members), f"USERS: committee misses functions {sorted(missing)}")
    return usernames


def _check_domains(usernames):
    _check(6 <= len(DOMAINS) <= 7, f"DOMAINS: expected 6-7, got {len(DOMAINS)}")
    for row in DOMAINS:
        _check(set(row) == _DOMAIN_KEYS, f"domain {row.get('slug')!r}: keys {sorted(set(row) ^ _DOMAIN_KEYS)} wrong")
    slugs = _unique(DOMAINS, "slug", "DOMAINS")
    _unique(DOMAINS, "name", "DOMAINS")
    for row in DOMAINS:
        slug = row["slug"]
        _check(len(row["name"]) <= 120, f"domain {slug!r}: name longer than 120")
        _text(row["description"], f"domain {slug!r} description", 80)
        _check(row["owner"] in usernames, f"domain {slug!r}: unknown owner {row['owner']!r}")
        _check(row["sponsor"] in usernames, f"domain {slug!r}: unknown sponsor {row['sponsor']!r}")
        _check(row["strategic_priority"] in (1, 2, 3), f"domain {slug!r}: strategic_priority must be 1, 2 or 3")
    return slugs


def _check_teams(usernames):
    _check(10 <= len(TEAMS) <= 12, f"TEAMS: expected 10-12, got {len(TEAMS)}")
    for row in TEAMS:
        _check(set(row) == _TEAM_KEYS, f"team {row.get('slug')!r}: keys {sorted(set(row) ^ _TEAM_KEYS)} wrong")
    slugs = _unique(TEAMS, "slug", "TEAMS")
    _unique(TEAMS, "name", "TEAMS")
    members_of = {}
    for row in TEAMS:
        slug = row["slug"]
        _check(len(row["name"]) <= 120, f"team {slug!r}: name longer than 120")
        _check(row["function"] in _FUNCTION_SLUGS, f"team {slug!r}: unknown function {row['function']!r}")
        _text(row["description"], f"team {slug!r} description", 20)
        _check(row["members"], f"team {slug!r}: no members")
        _check(len(set(row["members"])) == len(row["members"]), f"team {slug!r}: duplicate member")
        for name in row["members"]:
            _check(name in usernames, f"team {slug!r}: unknown member {name!r}")
        members_of[slug] = set(row["members"])
    in_a_team = set().union(*members_of.values())
    for row in USERS:
        if row["committee_role"] is None:
            _check(row["username"] in in_a_team, f"user {row['username']!r} is not committee and in no team")
    return slugs, members_of


def _check_foundations(team_slugs):
    _check(15 <= len(FOUNDATIONS) <= 17, f"FOUNDATIONS: expected 15-17, got {len(FOUNDATIONS)}")
    for row in FOUNDATIONS:
        _check(
            set(row) == _FOUNDATION_KEYS,
            f"foundation {row.get('slug')!r}: keys {sorted(set(row) ^ _FOUNDATION_KEYS)} wrong",
        )
    slugs = _unique(FOUNDATIONS, "slug", "FOUNDATIONS")
    _unique(FOUNDATIONS, "name", "FOUNDATIONS")
    for row in FOUNDATIONS:
        slug = row["slug"]
        _check(row["kind"] in _FOUNDATION_KINDS, f"foundation {slug!r}: bad kind {row['kind']!r}")
        _check(row["owner_team"] in team_slugs, f"foundation {slug!r}: unknown owner_team {row['owner_team']!r}")
        _check(_is_int(row["readiness"]) and 1 <= row["readiness"] <= 5, f"foundation {slug!r}: readiness 1-5")
        _text(row["description"], f"foundation {slug!r} description", 40)
    return slugs


def _check_use_case(uc, usernames, domain_slugs, team_slugs, members_of, foundation_slugs):
    key = uc["key"]
    where = f"use case {key!r}"
    _check(set(uc) == _USE_CASE_KEYS, f"{where}: keys {sorted(set(uc) ^ _USE_CASE_KEYS)} wrong")
    _check(key == key.lower() and " " not in key and len(key) <= 60, f"{where}: key must be a short lowercase slug")
    _text(uc["title"], f"{where} title", 10)
    _check(len(uc["title"]) <= 200, f"{where}: title longer than 200 characters")
    _check(uc["domain"] in domain_slugs, f"{where}: unknown domain {uc['domain']!r}")
    _check(uc["team"] in team_slugs, f"{where}: unknown team {uc['team']!r}")
    _check(uc["owner"] in usernames, f"{where}: unknown owner {uc['owner']!r}")
    _check(uc["owner"] in members_of.get(uc["team"], ()), f"{where}: owner {uc['owner']!r} is not in {uc['team']!r}")
    _check(uc["sponsor"] is None or uc["sponsor"] in usernames, f"{where}: unknown sponsor {uc['sponsor']!r}")
    functions = uc["functions"]
    _check(1 <= len(functions) <= 4, f"{where}: 1-4 functions expected, got {len(functions)}")
    _check(len(set(functions)) == len(functions), f"{where}: duplicate function")
    for slug in functions:
        _check(slug in _FUNCTION_SLUGS, f"{where}: unknown function {slug!r}")
    _check(uc["ambition"] in _AMBITIONS, f"{where}: bad ambition {uc['ambition']!r}")
    stages = uc["journey_stages"]
    _check(isinstance(stages, list) and len(set(stages)) == len(stages), f"{where}: journey_stages must be unique")
    for stage in stages:
        _check(stage in _JOURNEY_STAGES, f"{where}: unknown journey stage {stage!r}")
    _check(uc["ai_technique"] in _AI_TECHNIQUES, f"{where}: bad ai_technique {uc['ai_technique']!r}")
    _check(uc["eu_ai_act_risk"] in _RISK_TIERS, f"{where}: bad eu_ai_act_risk {uc['eu_ai_act_risk']!r}")
    _check(isinstance(uc["is_high_impact"], bool), f"{where}: is_high_impact must be a bool")
    _check(isinstance(uc["uses_personal_data"], bool), f"{where}: uses_personal_data must be a bool")
    _check(uc["sourcing"] in _SOURCINGS, f"{where}: bad sourcing {uc['sourcing']!r}")
    foundations = uc["foundations"]
    _check(len(foundations) <= 4, f"{where}: at most 4 foundations, got {len(foundations)}")
    _check(len(set(foundations)) == len(foundations), f"{where}: duplicate foundation")
    for slug in foundations:
        _check(slug in foundation_slugs, f"{where}: unknown foundation {slug!r}")
    _check(uc["status"] in _STATUSES, f"{where}: bad status {uc['status']!r}")
    is_draft = uc["status"] == "draft"
    for name in ("business_value", "feasibility", "data_readiness"):
        value = uc[name]
        if value is None:
            _check(is_draft, f"{where}: {name} may be None only for a draft")
        else:
            _check(_is_int(value) and 1 <= value <= 5, f"{where}: {name} must be an int 1-5, got {value!r}")
    for name in ("estimated_annual_benefit", "estimated_annual_cost"):
        value = uc[name]
        if value is None:
            _check(is_draft, f"{where}: {name} may be None only for a draft")
        else:
            _check(_is_int(value) and value >= 0, f"{where}: {name} must be a non-negative int, got {value!r}")
    _text(uc["problem_statement"], f"{where} problem_statement", 80)
    if is_draft:
        _check(isinstance(uc["proposed_solution"], str), f"{where}: proposed_solution must be a string")
    else:
        _text(uc["proposed_solution"], f"{where} proposed_solution", 80)
        _check(uc["sponsor"] is not None, f"{where}: a non-draft use case needs a sponsor")
        for name in _DRAFT_OPTIONAL:
            _check(uc[name] is not None, f"{where}: a non-draft use case needs {name}")
    if uc["eu_ai_act_risk"] == "prohibited":
        _check(uc["status"] == "rejected", f"{where}: a prohibited use case must be rejected")
        _check(uc["is_high_impact"], f"{where}: a prohibited use case is high impact")
    if uc["eu_ai_act_risk"] == "high":
        _check(uc["is_high_impact"], f"{where}: a high-risk use case is high impact")


def _check_use_cases(usernames, domain_slugs, team_slugs, members_of, foundation_slugs):
    _check(64 <= len(USE_CASES) <= 70, f"USE_CASES: expected 64-70, got {len(USE_CASES)}")
    keys = _unique(USE_CASES, "key", "USE_CASES")
    _unique(USE_CASES, "title", "USE_CASES")
    for uc in USE_CASES:
        _check_use_case(uc, usernames, domain_slugs, team_slugs, members_of, foundation_slugs)
    by_status = {status: sum(1 for uc in USE_CASES if uc["status"] == status) for status in _STATUSES}
    for status, target in _STATUS_TARGETS.items():
        _check(
            abs(by_status[status] - target) <= _STATUS_TOLERANCE,
            f"USE_CASES: {by_status[status]} with status {status!r}, target {target} ±{_STATUS_TOLERANCE}",
        )
    risks = {uc["eu_ai_act_risk"] for uc in USE_CASES}
    _check(risks == set(_RISK_TIERS), f"USE_CASES: EU AI Act tiers not all used, missing {set(_RISK_TIERS) - risks}")
    _check(
        sum(1 for uc in USE_CASES if uc["eu_ai_act_risk"] == "not_assessed") >= 3,
        "USE_CASES: expected several not_assessed use cases",
    )
    transformation = sum(1 for uc in USE_CASES if uc["ambition"] == "transformation")
    share = transformation / len(USE_CASES)
    _check(0.38 <= share <= 0.50, f"USE_CASES: transformation share {share:.0%}, expected about 45%")
    for domain in domain_slugs:
        _check(any(uc["domain"] == domain for uc in USE_CASES), f"USE_CASES: domain {domain!r} has no use case")
    return keys, by_status


def _dependency_cycle(edges):
    """Return one cycle (list of keys) in the directed graph `edges`, or None."""
    graph = {}
    for source, target in edges:
        graph.setdefault(source, []).append(target)
    white, grey, black = 0, 1, 2
    colour = {}
    for start in sorted(graph):
        if colour.get(start, white) != white:
            continue
        path = [start]
        stack = [(start, iter(graph.get(start, ())))]
        colour[start] = grey
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = black
                stack.pop()
                path.pop()
            elif colour.get(child, white) == grey:
                return path[path.index(child) :] + [child]
            elif colour.get(child, white) == white:
                colour[child] = grey
                path.append(child)
                stack.append((child, iter(graph.get(child, ()))))
    return None


def _check_links(keys):
    _check(85 <= len(LINKS) <= 100, f"LINKS: expected 85-100, got {len(LINKS)}")
    directed, symmetric, depends = set(), set(), []
    for index, link in enumerate(LINKS):
        where = f"LINKS[{index}]"
        _check(isinstance(link, tuple) and len(link) == 5, f"{where}: expected a 5-tuple, got {link!r}")
        source, target, kind, strength, rationale = link
        where = f"LINKS[{index}] ({source} -{kind}-> {target})"
        _check(source in keys, f"{where}: unknown source {source!r}")
        _check(target in keys, f"{where}: unknown target {target!r}")
        _check(source != target, f"{where}: a use case cannot be linked to itself")
        _check(kind in _LINK_KINDS, f"{where}: unknown kind {kind!r}")
        _check(strength in (1, 2, 3) and _is_int(strength), f"{where}: strength must be 1, 2 or 3")
        _text(rationale, f"{where} rationale", 20)
        _check((source, target, kind) not in directed, f"{where}: duplicate link")
        directed.add((source, target, kind))
        if kind in _SYMMETRIC_KINDS:
            pair = (frozenset((source, target)), kind)
            _check(pair not in symmetric, f"{where}: symmetric duplicate (the other way round already exists)")
            symmetric.add(pair)
        else:
            depends.append((source, target))
    cycle = _dependency_cycle(depends)
    _check(cycle is None, f"LINKS: depends_on cycle {' -> '.join(cycle or [])}")
    by_kind = {kind: sum(1 for link in LINKS if link[2] == kind) for kind in _LINK_KINDS}
    _check(2 <= by_kind["conflicts_with"] <= 3, f"LINKS: expected 2-3 conflicts_with, got {by_kind['conflicts_with']}")
    linked = {link[0] for link in LINKS} | {link[1] for link in LINKS}
    isolated = sorted(keys - linked)
    _check(6 <= len(isolated) <= 8, f"LINKS: expected 6-8 isolated use cases, got {len(isolated)}: {isolated}")
    return by_kind, isolated


def _check_clusters(keys):
    """Each cluster is connected by its own links; links across clusters are a few bridges."""
    cluster_of = {}
    for name, members in _CLUSTERS.items():
        for key in members:
            _check(key in keys, f"_CLUSTERS[{name!r}]: unknown use case {key!r}")
            _check(key not in cluster_of, f"_CLUSTERS: {key!r} is in {cluster_of.get(key)!r} and {name!r}")
            cluster_of[key] = name
    linked = {link[0] for link in LINKS} | {link[1] for link in LINKS}
    _check(
        linked == set(cluster_of),
        f"_CLUSTERS: linked use cases not in a cluster {sorted(linked - set(cluster_of))}, "
        f"clustered but unlinked {sorted(set(cluster_of) - linked)}",
    )
    _check(5 <= len(_CLUSTERS) <= 7, f"_CLUSTERS: expected 5-7 clusters, got {len(_CLUSTERS)}")
    neighbours = {key: set() for key in cluster_of}
    bridges = 0
    for source, target, *_ in LINKS:
        if cluster_of[source] == cluster_of[target]:
            neighbours[source].add(target)
            neighbours[target].add(source)
        else:
            bridges += 1
    for name, members in _CLUSTERS.items():
        seen, todo = {members[0]}, [members[0]]
        while todo:
            for other in neighbours[todo.pop()]:
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        _check(
            seen == set(members),
            f"_CLUSTERS[{name!r}]: not connected by its own links, cut off: {sorted(set(members) - seen)}",
        )
    _check(bridges <= len(LINKS) // 5, f"LINKS: {bridges} links between clusters, too many for visible clusters")
    return {name: len(members) for name, members in _CLUSTERS.items()}, bridges


def check():
    """Validate every rule the loader and the database rely on; return the counts."""
    usernames = _check_users()
    domain_slugs = _check_domains(usernames)
    team_slugs, members_of = _check_teams(usernames)
    foundation_slugs = _check_foundations(team_slugs)
    keys, by_status = _check_use_cases(usernames, domain_slugs, team_slugs, members_of, foundation_slugs)
    links_by_kind, isolated = _check_links(keys)
    clusters, bridges = _check_clusters(keys)
    domain_of = {uc["key"]: uc["domain"] for uc in USE_CASES}
    return {
        "users": len(USERS),
        "committee": sum(1 for u in USERS if u["committee_role"]),
        "domains": len(DOMAINS),
        "teams": len(TEAMS),
        "foundations": len(FOUNDATIONS),
        "use_cases": len(USE_CASES),
        "use_cases_by_status": by_status,
        "use_cases_by_ambition": {a: sum(1 for uc in USE_CASES if uc["ambition"] == a) for a in _AMBITIONS},
        "use_cases_by_risk": {r: sum(1 for uc in USE_CASES if uc["eu_ai_act_risk"] == r) for r in _RISK_TIERS},
        "links": len(LINKS),
        "links_by_kind": links_by_kind,
        "cross_domain_links": sum(1 for s, t, *_ in LINKS if domain_of[s] != domain_of[t]),
        "isolated_use_cases": isolated,
        "clusters": clusters,
        "bridges_between_clusters": bridges,
    }


if __name__ == "__main__":
    counts = check()
    for name, value in counts.items():
        print(f"{name}: {value}")
