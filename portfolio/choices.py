from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkKind(models.TextChoices):
    SHARES_DATA = "shares_data", _("Shares data")
    SHARES_PLATFORM = "shares_platform", _("Shares platform")
    DEPENDS_ON = "depends_on", _("Depends on")
    REINFORCES = "reinforces", _("Reinforces")
    CONFLICTS_WITH = "conflicts_with", _("Conflicts with")
    # The committee merged two suggestions of the same idea (portfolio.duplicates): kept as a link.
    DUPLICATES = "duplicates", _("Same idea as")


# Kinds where A-B and B-A are the same relation: stored once, whichever way round.
SYMMETRIC_KINDS = (
    LinkKind.SHARES_DATA,
    LinkKind.SHARES_PLATFORM,
    LinkKind.REINFORCES,
    LinkKind.CONFLICTS_WITH,
    LinkKind.DUPLICATES,
)


class DuplicateVerdict(models.TextChoices):
    NOT_DUPLICATE = "not_duplicate", _("Not a duplicate")
    MERGED = "merged", _("Merged: the same idea, linked")


class LinkStrength(models.IntegerChoices):
    WEAK = 1, _("1 - Weak")
    MEDIUM = 2, _("2 - Medium")
    STRONG = 3, _("3 - Strong")


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class PortfolioStatus(models.TextChoices):
    """A proposal becomes a portfolio when the committee adopts it. Dismissed and archived
    portfolios keep the members they last had: a later run that finds the same group again matches
    it and does not propose it anew."""

    PROPOSED = "proposed", _("Proposed")
    ADOPTED = "adopted", _("Adopted")
    DISMISSED = "dismissed", _("Dismissed")
    ARCHIVED = "archived", _("Archived")


# Portfolios that hold members; the others only remember them.
LIVE_PORTFOLIO_STATUSES = (PortfolioStatus.PROPOSED, PortfolioStatus.ADOPTED)


class MembershipSource(models.TextChoices):
    CLUSTERING = "clustering", _("Proposed by a clustering run")
    COMMITTEE = "committee", _("Placed by the committee")
