"""Portfolios: groups of use cases that reinforce one another, proposed by clustering runs over the
link graph and adopted, edited or dismissed by the committee (portfolio.services)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.limits import NOTE_MAX_CHARS, limited_text, text_limit_constraints
from core.models import TimeStampedModel

from ..choices import LIVE_PORTFOLIO_STATUSES, MembershipSource, PortfolioStatus, RunStatus

PORTFOLIO_REFERENCE_PREFIX = "PF-"


class ClusteringRun(TimeStampedModel):
    """One proposal of portfolios: the parameters it ran with, the graph it saw (its fingerprint and
    counts), how it went, and what it changed. A run's results are written in one transaction at its
    end: a run that fails, or whose worker dies, leaves nothing behind but its own row."""

    Status = RunStatus

    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.PENDING, editable=False
    )
    parameters = models.JSONField(_("parameters"), default=dict, blank=True, editable=False)
    fingerprint = models.CharField(
        _("graph fingerprint"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Hash of the nodes, weighted edges and parameters: equal fingerprints, equal portfolios."),
    )
    started_by = models.ForeignKey(
        "domains.User",
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clustering_runs",
        editable=False,
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, editable=False)
    # Written by the worker while it runs: a running run whose heartbeat stops was lost with its worker.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True, editable=False)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, editable=False)
    progress_message = models.CharField(_("step"), max_length=200, blank=True, editable=False)
    node_count = models.PositiveIntegerField(_("use cases"), null=True, blank=True, editable=False)
    edge_count = models.PositiveIntegerField(_("edges"), null=True, blank=True, editable=False)
    foundation_count = models.PositiveIntegerField(_("shared foundations"), null=True, blank=True, editable=False)
    portfolio_count = models.PositiveIntegerField(_("portfolios"), null=True, blank=True, editable=False)
    isolated_count = models.PositiveIntegerField(_("isolated use cases"), null=True, blank=True, editable=False)
    moved_count = models.PositiveIntegerField(
        _("use cases moved"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Use cases that joined, left or changed portfolio in this run."),
    )
    modularity = models.FloatField(_("modularity"), null=True, blank=True, editable=False)
    resolution_used = models.FloatField(
        _("resolution used"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The resolution Leiden ran at: the one asked for, scaled up with the graph's total weight."),
    )
    duration_seconds = models.FloatField(_("duration (s)"), null=True, blank=True, editable=False)
    error = limited_text(_("error"), NOTE_MAX_CHARS, blank=True, editable=False)
    changes = models.JSONField(_("changes"), default=dict, blank=True, editable=False)
    isolated = models.JSONField(
        _("isolated use cases"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("Ids of the covered use cases with no link and no shared foundation."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("clustering run")
        verbose_name_plural = _("clustering runs")
        indexes = [
            models.Index(fields=["updated_at", "id"], name="run_updated_id_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="run_status_heartbeat_idx"),
        ]
        constraints = [
            *text_limit_constraints("run", {"error": NOTE_MAX_CHARS}),
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values),
                name="run_status_valid",
                violation_error_message=_("Unknown run status."),
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="run_progress_0_to_100", violation_error_message=_("0 to 100.")
            ),
        ]

    def __str__(self) -> str:
        return _("Run #%(id)s (%(status)s)") % {"id": self.pk, "status": self.get_status_display()}

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)


class Portfolio(TimeStampedModel):
    """A group of use cases the committee funds together. Its metrics are computed from the graph
    by the run that last placed its members, and again after each edit of its members."""

    Status = PortfolioStatus

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    # A name the committee gave is kept by later runs; a generated one follows the members.
    name_is_custom = models.BooleanField(_("named by the committee"), default=False, editable=False)
    theme = limited_text(_("theme"), NOTE_MAX_CHARS, blank=True, help_text=_("What the group is for, in a few lines."))
    owner = models.ForeignKey(
        "domains.User",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_portfolios",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PortfolioStatus.choices,
        default=PortfolioStatus.PROPOSED,
        editable=False,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True, editable=False)
    status_reason = limited_text(_("reason"), NOTE_MAX_CHARS, blank=True, editable=False)
    proposed_by_run = models.ForeignKey(
        ClusteringRun,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_portfolios",
        editable=False,
    )
    last_run = models.ForeignKey(
        ClusteringRun,
        verbose_name=_("last run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matched_portfolios",
        editable=False,
    )
    # Metrics (portfolio.metrics), written with the members.
    member_count = models.PositiveIntegerField(_("members"), default=0, editable=False)
    internal_weight = models.FloatField(_("internal link weight"), default=0, editable=False)
    cohesion = models.FloatField(
        _("cohesion"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Average share of each member's link weight that stays inside the portfolio."),
    )
    total_benefit = models.DecimalField(
        _("total estimated benefit (EUR)"), max_digits=18, decimal_places=2, null=True, blank=True, editable=False
    )
    total_cost = models.DecimalField(
        _("total estimated cost (EUR)"), max_digits=18, decimal_places=2, null=True, blank=True, editable=False
    )
    transformation_share = models.FloatField(
        _("share of transformation"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Share of the members whose ambition is transformation."),
    )
    domains = models.JSONField(_("domains spanned"), default=list, blank=True, editable=False)
    functions = models.JSONField(_("functions spanned"), default=list, blank=True, editable=False)
    shared_foundations = models.JSONField(_("shared foundations"), default=list, blank=True, editable=False)
    explanation = models.JSONField(_("why (data)"), default=dict, blank=True, editable=False)
    # What a dismissed or archived portfolio last held (use-case ids): a later run that finds the same
    # group again matches it here instead of proposing it anew.
    remembered_members = models.JSONField(default=list, blank=True, editable=False)
    # Use cases the committee took out: later runs do not put them back.
    excluded_use_cases = models.JSONField(default=list, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["reference"]
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")
        indexes = [models.Index(fields=["updated_at", "id"], name="portfolio_updated_id_idx")]
        constraints = [
            *text_limit_constraints("portfolio", {"theme": NOTE_MAX_CHARS, "status_reason": NOTE_MAX_CHARS}),
            models.CheckConstraint(
                condition=Q(status__in=PortfolioStatus.values),
                name="portfolio_status_valid",
                violation_error_message=_("Unknown portfolio status."),
            ),
            models.CheckConstraint(
                condition=Q(cohesion__isnull=True) | Q(cohesion__gte=0, cohesion__lte=1),
                name="portfolio_cohesion_0_to_1",
                violation_error_message=_("Cohesion is a share from 0 to 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}" if self.reference else self.name

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_PORTFOLIO_STATUSES

    @property
    def why(self) -> str:
        """The one-line reason for the group, in the reader's language (portfolio.explain), the
        foundation and the domains it names too."""
        from domains.models import Domain, Foundation
        from domains.translation import names_in_current_language

        from ..explain import why_sentence

        explanation = dict(self.explanation or {})
        if explanation.get("foundation"):
            explanation["foundation"] = names_in_current_language(Foundation, [explanation["foundation"]])[0]
        explanation["domains"] = names_in_current_language(Domain, explanation.get("domains") or [])
        return why_sentence(explanation)

    # The run keeps the names of the domains, functions and foundations in the default language
    # (portfolio.metrics); these say them in the reader's.

    @property
    def domains_shown(self) -> list[str]:
        from domains.models import Domain
        from domains.translation import names_in_current_language

        return names_in_current_language(Domain, self.domains)

    @property
    def functions_shown(self) -> list[str]:
        from domains.models import BusinessFunction
        from domains.translation import names_in_current_language

        return names_in_current_language(BusinessFunction, self.functions)

    @property
    def shared_foundations_shown(self) -> list[dict]:
        return [_named_foundation(item, "id") for item in self.shared_foundations]


class PortfolioMembership(TimeStampedModel):
    """That a use case belongs to a live portfolio (one at most), why, and whether the committee
    pinned it there (a pinned member stays whatever later runs find)."""

    Source = MembershipSource

    # A run writes up to one row per use case in one go: no single-column index on the timestamps
    # (the API's cursor walks the (updated_at, id) index below; nothing reads by created_at).
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    portfolio = models.ForeignKey(
        Portfolio, verbose_name=_("portfolio"), on_delete=models.CASCADE, related_name="memberships"
    )
    use_case = models.OneToOneField(
        "domains.UseCase",
        verbose_name=_("use case"),
        on_delete=models.CASCADE,
        related_name="portfolio_membership",
    )
    pinned = models.BooleanField(_("pinned"), default=False, editable=False)
    source = models.CharField(
        _("placed by"),
        max_length=20,
        choices=MembershipSource.choices,
        default=MembershipSource.CLUSTERING,
        editable=False,
    )
    # The weight of the use case's ties inside the portfolio, and the strongest of them, strongest
    # first: [{"type": "link", "kind": ..., "use_case": id, "reference": ..., "title": ..., "weight": w}
    # or {"type": "foundation", "foundation": id, "name": ..., "shared_with": n, "weight": w}].
    strength = models.FloatField(_("tie weight"), default=0, editable=False)
    ties = models.JSONField(_("ties"), default=list, blank=True, editable=False)
    # A digest of (strength, ties) as last written (MemberFacts.digest): a run compares it with what it
    # measured instead of reading every member's ties back. Empty: unknown, written again next time.
    ties_digest = models.CharField(max_length=32, blank=True, default="", editable=False)
    added_by = models.ForeignKey(
        "domains.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("added by"),
    )
    # No field history here: a run rewrites thousands of memberships in bulk. Who placed, moved or
    # pinned a member is in the audit trail (the committee) and in the run's change summary (runs).

    class Meta:
        ordering = ["portfolio_id", "-strength", "use_case_id"]
        verbose_name = _("portfolio member")
        verbose_name_plural = _("portfolio members")
        indexes = [models.Index(fields=["updated_at", "id"], name="membership_updated_id_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=MembershipSource.values),
                name="membership_source_valid",
                violation_error_message=_("Unknown membership source."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.use_case_id} in {self.portfolio_id}"

    @property
    def audit_use_case_id(self) -> int | None:
        return self.use_case_id

    @property
    def ties_shown(self) -> list[dict]:
        """The ties, a foundation named in the reader's language (the run kept the default's)."""
        return [_named_foundation(tie, "foundation") if tie.get("type") == "foundation" else tie for tie in self.ties]


def _named_foundation(item: dict, id_key: str) -> dict:
    from domains.models import Foundation
    from domains.translation import name_in_current_language

    return {**item, "name": name_in_current_language(Foundation, item.get(id_key), item.get("name", ""))}
