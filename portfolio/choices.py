from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkKind(models.TextChoices):
    SHARES_DATA = "shares_data", _("Shares data")
    SHARES_PLATFORM = "shares_platform", _("Shares platform")
    DEPENDS_ON = "depends_on", _("Depends on")
    REINFORCES = "reinforces", _("Reinforces")
    CONFLICTS_WITH = "conflicts_with", _("Conflicts with")


# Kinds where A-B and B-A are the same relation: stored once, whichever way round.
SYMMETRIC_KINDS = (
    LinkKind.SHARES_DATA,
    LinkKind.SHARES_PLATFORM,
    LinkKind.REINFORCES,
    LinkKind.CONFLICTS_WITH,
)


class LinkStrength(models.IntegerChoices):
    WEAK = 1, _("1 - Weak")
    MEDIUM = 2, _("2 - Medium")
    STRONG = 3, _("3 - Strong")
