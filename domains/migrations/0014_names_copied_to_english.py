"""The names and descriptions written so far are English: they become the English translation
(name_en, description_en), in the rows and in their field history, so nothing is lost now that pages
read the reader's language. The business
functions migration 0002 created get their French names too (unless an administrator renamed them)."""

from django.db import migrations
from django.db.models import F

from core.migration_operations import checks_set_aside

# The models, and the field history of those that have one.
TRANSLATED = (
    "businessfunction",
    "domain",
    "team",
    "foundation",
    "historicaldomain",
    "historicalteam",
    "historicalfoundation",
)

# slug: (English name as 0002 created it, French name, French description)
FUNCTIONS_FR = {
    "hr": ("Human Resources", "Ressources humaines", "Personnes, talents, formation et environnement de travail."),
    "marketing": ("Marketing", "Marketing", "Marque, campagnes, personnalisation et connaissance client."),
    "finance": ("Finance", "Finance", "Planification, contrôle de gestion, comptabilité et trésorerie."),
    "operations": ("Operations", "Opérations", "Magasins, exécution logistique et prestation de service."),
    "it": ("IT", "Informatique", "Systèmes, infrastructure, sécurité et architecture."),
    "customer-service": ("Customer Service", "Service client", "Relation client, après-vente et centre de contact."),
    "sales": ("Sales", "Ventes", "Équipes commerciales, B2B et vente en magasin."),
    "legal-compliance": (
        "Legal & Compliance",
        "Juridique et conformité",
        "Droit, réglementation (AI Act européen, RGPD) et éthique.",
    ),
    "supply-chain": (
        "Supply Chain",
        "Chaîne d'approvisionnement",
        "Prévision de la demande, achats, stocks et transport.",
    ),
    "data-analytics": ("Data & Analytics", "Data et analytique", "Plateforme de données, gouvernance et analytique."),
}


def copy_to_english(apps, schema_editor):
    for model_name in TRANSLATED:
        model = apps.get_model("domains", model_name)
        # A description kept whole over its limit (NOT VALID) would refuse any update of its row.
        with checks_set_aside(schema_editor, model._meta.db_table):
            model.objects.filter(name_en__isnull=True).update(name_en=F("name"))
            model.objects.filter(description_en__isnull=True).update(description_en=F("description"))
            if model_name == "businessfunction":
                for slug, (english, name, description) in FUNCTIONS_FR.items():
                    model.objects.filter(slug=slug, name=english, name_fr__isnull=True).update(
                        name_fr=name, description_fr=description
                    )


class Migration(migrations.Migration):
    dependencies = [("domains", "0013_names_in_each_language")]
    operations = [migrations.RunPython(copy_to_english, migrations.RunPython.noop)]
