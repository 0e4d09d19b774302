"""The one API router: every app registers its viewsets here, kebab-case plural routes."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from domains.api.views import BusinessFunctionViewSet, DomainViewSet, FoundationViewSet, TeamViewSet, UseCaseViewSet
from exchange.api.exports import EuAiActRegisterExportView, FederalInventoryExportView, PortfolioWorkbookExportView
from exchange.api.views import ImportRunViewSet
from governance.api.audit import AuditEventViewSet
from governance.api.committee import (
    ChangeRequestViewSet,
    CommitteeMembershipViewSet,
    CommitteeViewSet,
    DecisionViewSet,
    MeetingViewSet,
    ReviewRoundViewSet,
    VoteViewSet,
)
from governance.api.impact import KpiMeasurementViewSet, KpiViewSet, SideEffectViewSet, UseCaseImpactViewSet
from governance.api.views import UseCaseWorkflowViewSet
from portfolio.api.graph import GraphEdgeViewSet, GraphNodeViewSet
from portfolio.api.priorities import PriorityListView, SimilarUseCasesView, WhatIfView
from portfolio.api.views import ClusteringRunViewSet, PortfolioMembershipViewSet, PortfolioViewSet, UseCaseLinkViewSet

router = DefaultRouter()
router.register("functions", BusinessFunctionViewSet, basename="function")
router.register("domains", DomainViewSet, basename="domain")
router.register("teams", TeamViewSet, basename="team")
router.register("foundations", FoundationViewSet, basename="foundation")
router.register("use-cases", UseCaseViewSet, basename="use-case")
# The workflow verbs live on the use-case routes (/use-cases/{id}/submit/ ...), served by governance.
router.register("use-cases", UseCaseWorkflowViewSet, basename="use-case-workflow")
# The side-effect review too (/use-cases/{id}/side-effects-reviewed/), beside the impact endpoints.
router.register("use-cases", UseCaseImpactViewSet, basename="use-case-impact")
router.register("kpis", KpiViewSet, basename="kpi")
router.register("kpi-measurements", KpiMeasurementViewSet, basename="kpi-measurement")
router.register("side-effects", SideEffectViewSet, basename="side-effect")
router.register("links", UseCaseLinkViewSet, basename="link")
router.register("committees", CommitteeViewSet, basename="committee")
router.register("committee-memberships", CommitteeMembershipViewSet, basename="committee-membership")
router.register("review-rounds", ReviewRoundViewSet, basename="review-round")
router.register("votes", VoteViewSet, basename="vote")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("change-requests", ChangeRequestViewSet, basename="change-request")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("graph/nodes", GraphNodeViewSet, basename="graph-node")
router.register("graph/edges", GraphEdgeViewSet, basename="graph-edge")
router.register("portfolios", PortfolioViewSet, basename="portfolio")
router.register("portfolio-memberships", PortfolioMembershipViewSet, basename="portfolio-membership")
router.register("clustering-runs", ClusteringRunViewSet, basename="clustering-run")
router.register("import-runs", ImportRunViewSet, basename="import-run")

app_name = "api"
urlpatterns = [
    *router.urls,
    # The portfolio workbook and the EU AI Act register, as .xlsx files.
    path("export/portfolio.xlsx", PortfolioWorkbookExportView.as_view(), name="export-portfolio"),
    path("export/eu-ai-act-register.xlsx", EuAiActRegisterExportView.as_view(), name="export-eu-ai-act-register"),
    path("export/federal-ai-inventory.csv", FederalInventoryExportView.as_view(), name="export-federal-inventory"),
    # Synergy-aware priorities (JSON, or CSV with format=csv) and "what if we stop these" (reads only).
    path("priorities/", PriorityListView.as_view(), name="priorities"),
    path("what-if/", WhatIfView.as_view(), name="what-if"),
    # Duplicates at intake: existing use cases that look like the idea described.
    path("similar-use-cases/", SimilarUseCasesView.as_view(), name="similar-use-cases"),
]
