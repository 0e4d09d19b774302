from django.db import migrations

FUNCTIONS = [
    ("hr", "Human Resources", "People, talent, learning and workplace."),
    ("marketing", "Marketing", "Brand, campaigns, personalisation and customer insight."),
    ("finance", "Finance", "Planning, control, accounting and treasury."),
    ("operations", "Operations", "Stores, logistics execution and service delivery."),
    ("it", "IT", "Systems, infrastructure, security and architecture."),
    ("customer-service", "Customer Service", "Care, after-sales and contact centre."),
    ("sales", "Sales", "Commercial teams, B2B and store selling."),
    ("legal-compliance", "Legal & Compliance", "Law, regulation (EU AI Act, GDPR) and ethics."),
    ("supply-chain", "Supply Chain", "Demand planning, procurement, inventory and transport."),
    ("data-analytics", "Data & Analytics", "Data platform, governance and analytics."),
]


def create_functions(apps, schema_editor):
    BusinessFunction = apps.get_model("domains", "BusinessFunction")
    for slug, name, description in FUNCTIONS:
        BusinessFunction.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})


def remove_functions(apps, schema_editor):
    BusinessFunction = apps.get_model("domains", "BusinessFunction")
    BusinessFunction.objects.filter(slug__in=[slug for slug, _, _ in FUNCTIONS], teams__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("domains", "0001_initial")]
    operations = [migrations.RunPython(create_functions, remove_functions)]
