from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Imports of an existing inventory (CSV, XLSX, through a mapping file) and the exports regulators
    and executives ask for (the portfolio workbook, the federal inventory layout, the EU AI Act
    register). It sits at the top with the team site: it reads and writes every app below it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "exchange"
    verbose_name = _("Import and export")
