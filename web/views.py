"""The team-facing web pages: a team's own use cases, the form that creates and edits them, the
workflow buttons, the organisation-wide catalogue, and the portfolios the committee adopted.

Views read through selectors and write through services: content through domains.services, links
through portfolio.services, the workflow through governance.services. Visibility comes from
domains.selectors.use_case_list, so another team's draft is a 404 here exactly as in the API."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.database import database_trouble, log_trouble
from core.exceptions import BusinessRuleError, ChangedMeanwhile
from core.limits import PROSE_MAX_CHARS
from domains import services as domain_services
from domains.choices import AMBITION_HELP, FoundationKind, JourneyStage, Status
from domains.filters import UseCaseFilterSet
from domains.models import Foundation, UseCase, UseCaseFoundation
from domains.models.use_cases import TITLE_MAX_CHARS
from domains.selectors import RECORD_ONLY_STATUSES, FoundationImpact, foundation_impact, shared_filter, use_case_list
from domains.translation import localized
from governance import selectors
from governance import services as workflow
from governance.choices import LIVE_SIDE_EFFECT_STATUSES, KpiCategory, MeasurementSource
from governance.exceptions import SubmissionIncomplete
from governance.models import Kpi, KpiMeasurement, SideEffect
from governance.rules import impact_refusal, measurement_refusal
from governance.services import MeasurementRowsInvalid
from governance.workflow import TRANSITIONS, available_actions
from portfolio import selectors as portfolio_selectors
from portfolio import services as link_services
from portfolio.choices import LinkKind
from portfolio.models import Portfolio, PortfolioMembership, UseCaseLink

from .forms import (
    IMPACT_BACK_CHOICES,
    KpiForm,
    LinkFormSet,
    MeasurementForm,
    RemoveImpactForm,
    RemoveLinksForm,
    SideEffectForm,
    UseCaseForm,
    UseCaseSearchForm,
)
from .templatetags.impact import format_measure

# Workflow steps a team takes from the use case's page, besides submit and withdraw (which have their
# own buttons and flows); the workflow table decides whether this person may take them now.
TEAM_STEPS = ("start_delivery", "scale", "retire", "discard")
STEP_CONFIRMATIONS = {
    "discard": gettext_lazy("Discard this draft? It leaves your team's list; the committee keeps it on record."),
    "retire": gettext_lazy("Retire this use case? It stays on record as retired."),
}
PAGE_SIZE = 25
LOOKUP_LIMIT = 10
# Where the workflow's missing fields wait between the refused submission and the form page.
MISSING_SESSION_KEY = "web.missing_fields.{pk}"
# How a tie through an explicit link reads on a use case's page, before the other use case's name.
TIE_PHRASES = {
    LinkKind.SHARES_DATA: gettext_lazy("Shares data with"),
    LinkKind.SHARES_PLATFORM: gettext_lazy("Shares a platform with"),
    # A member's ties do not keep the direction of a dependency: the page's own links tell it.
    LinkKind.DEPENDS_ON: gettext_lazy("Is linked by a dependency to"),
    LinkKind.REINFORCES: gettext_lazy("Reinforces"),
    LinkKind.DUPLICATES: gettext_lazy("Is the same idea as"),
}
DEPENDENCY_PHRASES = {True: gettext_lazy("Depends on"), False: gettext_lazy("Is a dependency of")}


def _visible(request, reference: str, queryset=None) -> UseCase:
    """The use case if this person may see it; otherwise 404, so a draft's existence is not leaked."""
    return get_object_or_404(use_case_list(actor=request.user, queryset=queryset), reference=reference)


def _is_team_member(user, use_case: UseCase) -> bool:
    return use_case.team_id in _team_ids(user)


def _team_ids(user) -> set[int]:
    if not hasattr(user, "_web_team_ids"):
        user._web_team_ids = set(user.teams.values_list("pk", flat=True))
    return user._web_team_ids


def _require_team_member(request, use_case: UseCase) -> None:
    if not _is_team_member(request.user, use_case):
        raise PermissionDenied(_("Only the members of %(team)s can change this use case.") % {"team": use_case.team})


@login_required
@require_GET
def my_use_cases(request):
    """The use cases of the teams this person belongs to, with what is expected of them next."""
    teams = list(request.user.teams.order_by("name"))
    # The teams' work, as anyone in them sees it: a discarded draft is on record for the committee only.
    qs = (
        use_case_list(actor=request.user)
        .filter(team__in=[t.pk for t in teams])
        .exclude(status__in=RECORD_ONLY_STATUSES)
        .order_by("-updated_at", "-id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    expectations = selectors.team_expectations(use_cases=rows)
    counts = dict.fromkeys(["draft", "in_committee", "changes", "approved"], 0)
    for status, total in selectors.status_counts(team_ids=[t.pk for t in teams]):
        if status == Status.DRAFT:
            counts["draft"] += total
        elif status in (Status.SUBMITTED, Status.IN_REVIEW):
            counts["in_committee"] += total
        elif status == Status.CHANGES_REQUESTED:
            counts["changes"] += total
        elif status in (Status.APPROVED, Status.IN_DELIVERY, Status.SCALED):
            counts["approved"] += total
    return render(
        request,
        "web/my_use_cases.html",
        {
            "teams": teams,
            "page": page,
            "rows": [(uc, expectations.get(uc.pk)) for uc in rows],
            "counts": counts,
            "nav_section": "mine",
        },
    )


@login_required
@require_GET
def use_case_browse(request):
    """Every use case past draft, across the organisation: how teams find work to join."""
    form = UseCaseSearchForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # a filter the form finds invalid is reported beside its field and left out
    params = {name: value for name in form.fields if (value := request.GET.get(name)) and name not in form.errors}
    qs = use_case_list(actor=request.user).filter(shared_filter())
    qs = UseCaseFilterSet(params, queryset=qs).qs.order_by("-updated_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/use_case_browse.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": form.is_bound,
            "nav_section": "explore",
        },
    )


@login_required
@require_GET
def use_case_lookup(request):
    """The searchable picker's source: visible use cases by reference or title words, as JSON."""
    term = request.GET.get("q", "").strip()
    qs = use_case_list(actor=request.user)
    exclude = request.GET.get("exclude", "").strip()
    if exclude:
        qs = qs.exclude(reference=exclude)
    for word in term.split()[:5]:
        qs = qs.filter(Q(reference__iexact=word) | Q(title__icontains=word))
    results = [
        {"reference": ref, "title": title, "team": team, "status": str(Status(status).label)}
        for ref, title, team, status in qs.order_by("reference")
        .annotate(team_name=localized("team__name"))
        .values_list("reference", "title", "team_name", "status")[:LOOKUP_LIMIT]
    ]
    return JsonResponse({"results": results})


@login_required
@require_GET
def use_case_similar(request):
    """Existing use cases that look like the idea being written (title, problem, domain, foundations),
    as JSON for the form's live suggestions (portfolio.duplicates): those the person may see only."""
    params = request.GET
    exclude = params.get("exclude", "").strip()
    excluded = use_case_list(actor=request.user).filter(reference=exclude).values_list("pk", flat=True).first()
    domain_id = _int_or_none(params.get("domain"))
    foundation_ids = [pk for pk in (_int_or_none(v) for v in params.getlist("foundations")) if pk is not None]
    found = portfolio_selectors.similar_use_cases(
        actor=request.user,
        title=params.get("title", "")[:TITLE_MAX_CHARS],
        problem=params.get("problem_statement", "")[:PROSE_MAX_CHARS],
        domain_id=domain_id,
        foundation_ids=foundation_ids,
        exclude_id=excluded,
    )
    results = [
        {
            "reference": s.reference,
            "title": s.title,
            "status": str(Status(s.status).label),
            "url": reverse("web:use_case_detail", args=[s.reference]),
            "score": s.score,
            "why": _similar_why(s),
        }
        for s in found
    ]
    return JsonResponse({"results": results})


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _similar_why(suggestion) -> str:
    parts = [_("similar title and problem")]
    if suggestion.same_domain:
        parts.append(_("same domain"))
    if suggestion.shared_foundations:
        parts.append(
            ngettext("%(count)d foundation in common", "%(count)d foundations in common", suggestion.shared_foundations)
            % {"count": suggestion.shared_foundations}
        )
    return ", ".join(str(part) for part in parts)


@login_required
@require_GET
def use_case_detail(request, reference: str):
    return _render_detail(request, _visible(request, reference))


def _render_detail(request, use_case: UseCase, *, measurement_form: tuple[int, MeasurementForm] | None = None):
    """The use case's page; `measurement_form` (a measure's id and its bound form) when a measurement
    was refused, so the page comes back with what was typed and the error beside its field."""
    is_member = _is_team_member(request.user, use_case)
    expectation = selectors.team_expectations(use_cases=[use_case])[use_case.pk] if is_member else None
    available = available_actions(actor=request.user, use_case=use_case) if is_member else []
    steps = [action for action in available if action in TEAM_STEPS]
    links = list(
        UseCaseLink.objects.filter(Q(source=use_case) | Q(target=use_case))
        .select_related("source", "target")
        .order_by("kind", "id")
    )
    visible_ids = set(
        use_case_list(actor=request.user)
        .filter(pk__in={link.source_id for link in links} | {link.target_id for link in links})
        .values_list("pk", flat=True)
    )
    related = [
        (link, link.target if link.source_id == use_case.pk else link.source)
        for link in links
        if (link.target_id if link.source_id == use_case.pk else link.source_id) in visible_ids
    ]
    membership = portfolio_selectors.use_case_portfolio(actor=request.user, use_case=use_case)
    return render(
        request,
        "web/use_case_detail.html",
        {
            "use_case": use_case,
            "membership": membership,
            "ties": _ties(request.user, membership, links=links) if membership is not None else [],
            "is_member": is_member,
            "can_edit": is_member and use_case.is_editable,
            "can_submit": "submit" in available,
            "can_withdraw": "withdraw" in available,
            "steps": [(action, TRANSITIONS[action].label, STEP_CONFIRMATIONS.get(action)) for action in steps],
            "nav_section": "mine" if is_member else "explore",
            "journey_stages": [JourneyStage(s).label for s in use_case.journey_stages if s in JourneyStage.values],
            "ambition_help": AMBITION_HELP.get(use_case.ambition, ""),
            "scores": [
                (UseCase.field_label(name).capitalize(), getattr(use_case, name))
                for name in ("business_value", "feasibility", "data_readiness")
            ],
            "five": range(1, 6),
            "usages": use_case.foundation_usages.select_related("foundation").order_by(localized("foundation__name")),
            "related": related,
            "feedback": selectors.use_case_feedback(use_case=use_case),
            "timeline": selectors.use_case_timeline(use_case=use_case),
            "expectation": expectation,
            "impact": _impact(request, use_case, with_trends=True, measurement_form=measurement_form),
            "priority": portfolio_selectors.use_case_priority(actor=request.user, use_case=use_case),
        },
    )


def _ties(actor, membership: PortfolioMembership, *, links: list[UseCaseLink]) -> list[dict]:
    """The strongest ties of a member to its portfolio, as sentences: a linked use case the person
    may not see (another team's draft placed by the committee) is left out. One query for all the
    linked use cases, whose current reference and title are shown rather than those the run saw;
    `links` (the use case's own, already read) say which way a dependency goes."""
    depends_on = {
        link.target_id if link.source_id == membership.use_case_id else link.source_id: (
            link.source_id == membership.use_case_id
        )
        for link in links
        if link.kind == LinkKind.DEPENDS_ON
    }
    linked = {tie["use_case"] for tie in membership.ties if tie.get("type") == "link"}
    visible = (
        {
            pk: (reference, title)
            for pk, reference, title in use_case_list(actor=actor)
            .filter(pk__in=linked)
            .values_list("pk", "reference", "title")
        }
        if linked
        else {}
    )
    ties = []
    for tie in membership.ties_shown:
        if tie.get("type") == "link" and tie["use_case"] in visible:
            reference, title = visible[tie["use_case"]]
            if tie["kind"] == LinkKind.DEPENDS_ON and tie["use_case"] in depends_on:
                phrase = DEPENDENCY_PHRASES[depends_on[tie["use_case"]]]
            else:
                phrase = TIE_PHRASES.get(tie["kind"], _("Is linked to"))
            ties.append({"phrase": phrase, "reference": reference, "title": title})
        elif tie.get("type") == "foundation":
            others = tie.get("shared_with", 0)
            text = ngettext(
                "Shares the %(foundation)s foundation with %(count)d other member",
                "Shares the %(foundation)s foundation with %(count)d other members",
                others,
            ) % {"foundation": tie.get("name", ""), "count": others}
            ties.append({"phrase": text})
    return ties


@dataclass(frozen=True)
class PortfolioCard:
    """An adopted portfolio as the team site shows it: the members this person may see, the
    foundations they share, and whether one of this person's teams takes part."""

    portfolio: Portfolio
    members: list[PortfolioMembership]
    foundations: list[dict]
    includes_my_team: bool
    keystones: frozenset[int] = frozenset()

    @property
    def cohesion_percent(self) -> int | None:
        return _percent(self.portfolio.cohesion)

    @property
    def transformation_percent(self) -> int | None:
        return _percent(self.portfolio.transformation_share)


def _percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


def _foundation_kind(kind: str) -> str:
    return FoundationKind(kind).label if kind in FoundationKind.values else ""


@login_required
@require_GET
def portfolio_list(request):
    """The portfolios the committee adopted (why each holds together, its members, the foundations
    they share) and the scattered pilots of the latest analysis, so a team sees whom to work with."""
    my_teams = _team_ids(request.user)
    keystones = portfolio_selectors.keystones_by_portfolio(actor=request.user)
    cards = [
        PortfolioCard(
            portfolio=portfolio,
            members=portfolio.visible_members,
            foundations=[
                {**foundation, "kind_label": _foundation_kind(foundation.get("kind", ""))}
                for foundation in portfolio.shared_foundations_shown
            ],
            includes_my_team=any(member.use_case.team_id in my_teams for member in portfolio.visible_members),
            keystones=keystones.get(portfolio.pk, frozenset()),
        )
        for portfolio in portfolio_selectors.adopted_portfolios(actor=request.user)
    ]
    run = portfolio_selectors.latest_succeeded_run(actor=request.user)
    isolated = list(portfolio_selectors.isolated_use_cases(actor=request.user, run=run)) if run else []
    return render(
        request,
        "web/portfolio_list.html",
        {
            "cards": cards,
            "run": run,
            "isolated": isolated,
            "my_teams": my_teams,
            "nav_section": "portfolios",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def use_case_new(request):
    if not request.user.teams.exists():
        messages.error(request, _("You are not in any team yet: ask an administrator to add you to yours."))
        return redirect("web:my_use_cases")
    return _edit(request, use_case=None)


@login_required
@require_http_methods(["GET", "POST"])
def use_case_edit(request, reference: str):
    use_case = _visible(request, reference)
    _require_team_member(request, use_case)
    if not use_case.is_editable:
        messages.error(request, _not_editable_message(use_case))
        return redirect("web:use_case_detail", reference=use_case.reference)
    return _edit(request, use_case=use_case)


def _not_editable_message(use_case: UseCase) -> str:
    return _(
        "%(reference)s is %(status)s: it can be edited only while it is a draft or after the committee "
        "requested changes."
    ) % {"reference": use_case.reference, "status": use_case.get_status_display().lower()}


def _outgoing_links(actor, use_case: UseCase | None) -> list[UseCaseLink]:
    """The links from this use case to use cases the person may see (a target that went back to
    draft in another team keeps its title to its team)."""
    if use_case is None:
        return []
    visible = use_case_list(actor=actor).values("pk")
    return list(use_case.outgoing_links.filter(target__in=visible).select_related("target").order_by("kind", "id"))


def _edit(request, *, use_case: UseCase | None):
    actor = request.user
    existing_links = _outgoing_links(actor, use_case)
    data = request.POST if request.method == "POST" else None
    form = UseCaseForm(data, instance=use_case or UseCase(), actor=actor)
    links = LinkFormSet(data, prefix="links", actor=actor, use_case=use_case)
    removal = RemoveLinksForm(data, links=existing_links, prefix="links-existing")
    impact = _impact(request, use_case, with_trends=False) if use_case is not None else None
    impact_removal = RemoveImpactForm(
        data,
        kpis=[row.kpi for row in impact.kpis] if impact else [],
        side_effects=impact.side_effects if impact else [],
        prefix="impact-remove",
    )
    missing = request.session.pop(MISSING_SESSION_KEY.format(pk=use_case.pk), []) if use_case else []
    status, retry_after = 200, None

    if (
        request.method == "POST"
        and form.is_valid()
        and links.is_valid()
        and removal.is_valid()
        and impact_removal.is_valid()
    ):
        try:
            saved = _save(
                actor=actor,
                use_case=use_case,
                form=form,
                links=links,
                removal=removal,
                impact_removal=impact_removal,
            )
        except DatabaseError as exc:
            # Passing database trouble (a lock held too long, a lost connection): nothing was saved,
            # and the form comes back with everything the person typed and what to do.
            trouble = database_trouble(exc)
            if trouble is None:
                raise
            log_trouble(trouble, exc, request.path)
            connection.close_if_unusable_or_obsolete()  # a lost connection is opened again to render
            form.add_error(None, trouble.message)
            status, retry_after = trouble.status, trouble.retry_after
        except ChangedMeanwhile as exc:
            # Someone saved since the form was opened: the form comes back with what they changed
            # and everything this person typed; saving again keeps theirs over it, knowingly.
            if "current_version" in exc.details:
                form.show_conflict(exc)
            else:
                form.add_error(None, exc.message)
            status = 409
        except BusinessRuleError as exc:
            # The state changed since the form was opened (a teammate submitted it, say).
            messages.error(request, exc.message)
            if use_case is None:
                return redirect("web:my_use_cases")
            return redirect("web:use_case_detail", reference=use_case.reference)
        except ValidationError:
            pass  # the errors are on the forms now; show them below
        else:
            action = request.POST.get("action", "save")
            if action == "submit":
                return _submit(request, saved, from_form=True)
            messages.success(request, _("%(reference)s saved as a draft.") % {"reference": saved.reference})
            return redirect(_impact_action_url(saved, action) or reverse("web:use_case_edit", args=[saved.reference]))

    form.mark_missing(missing)
    response = render(
        request,
        "web/use_case_form.html",
        {
            "use_case": use_case,
            "form": form,
            "links": links,
            "removal": removal,
            "existing_links": existing_links,
            "missing_fields": [(name, UseCase.field_label(name)) for name in missing],
            "change_requests": (
                selectors.use_case_feedback(use_case=use_case).open_change_requests
                if use_case is not None and use_case.status == Status.CHANGES_REQUESTED
                else []
            ),
            "missing_names": set(missing),
            "impact": impact,
            "impact_removal": impact_removal,
            "nav_section": "mine",
        },
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@transaction.atomic
def _save(*, actor, use_case, form: UseCaseForm, links, removal, impact_removal: RemoveImpactForm) -> UseCase:
    """Content, foundations, links and the success measures and side effects ticked for removal, in
    one transaction, each through its own service: a refused link rolls the content back too, so
    nothing is left half saved. A refusal is put on the form it belongs to, then re-raised so the
    transaction rolls back."""
    if use_case is not None:
        # Every use case this save touches, locked first in primary-key order (as the link services
        # do): two teams saving links A->B and B->A at once wait for each other, never deadlock.
        targets = [f.cleaned_data.get("target_use_case") for f in links.forms if f.has_changed() and f.is_filled]
        domain_services.use_cases_lock(use_case, *targets, *(link.target for link in removal.links_to_remove()))
    kwargs = {
        "actor": actor,
        "data": form.content_data(),
        "functions": form.cleaned_data["functions"],
        "foundations": form.cleaned_data["foundations"],
    }
    try:
        if use_case is None:
            saved = domain_services.use_case_create(**kwargs)
        else:
            saved = domain_services.use_case_update(
                use_case=use_case, expected_version=form.cleaned_data.get("loaded_version"), **kwargs
            )
    except ValidationError as exc:
        form.add_service_error(exc)
        raise
    for link in removal.links_to_remove():
        link_services.link_delete(actor=actor, link=link)
    for link_form in links.forms:
        if not link_form.has_changed() or not link_form.is_filled:
            continue
        try:
            link_services.link_create(
                actor=actor,
                source=saved,
                target=link_form.cleaned_data["target_use_case"],
                kind=link_form.cleaned_data["kind"],
                strength=link_form.cleaned_data["strength"],
                rationale=link_form.cleaned_data["rationale"].strip(),
            )
        except ValidationError as exc:
            link_form.add_error("target", exc.messages)
            raise
    try:
        for kpi in impact_removal.kpis_to_remove():
            workflow.kpi_delete(actor=actor, kpi=kpi)
        for side_effect in impact_removal.side_effects_to_remove():
            workflow.side_effect_delete(actor=actor, side_effect=side_effect)
    except BusinessRuleError as exc:
        impact_removal.add_error(None, exc.message)
        raise ValidationError(exc.message) from exc
    return saved


def _impact_action_url(use_case: UseCase, action: str) -> str | None:
    """Where a "save the draft, then ..." button of the form's impact section leads: the page that
    adds or edits a success measure or a side effect, coming back to the form afterwards."""
    back = "?back=form"
    if action == "add_kpi":
        return reverse("web:kpi_new", args=[use_case.reference]) + back
    if action == "add_side_effect":
        return reverse("web:side_effect_new", args=[use_case.reference]) + back
    kind, _sep, pk = action.partition(":")
    if pk.isdigit():
        if kind == "edit_kpi":
            return reverse("web:kpi_edit", args=[use_case.reference, int(pk)]) + back
        if kind == "edit_side_effect":
            return reverse("web:side_effect_edit", args=[use_case.reference, int(pk)]) + back
    return None


def _submit(request, use_case: UseCase, *, from_form: bool = False):
    try:
        workflow.use_case_submit(actor=request.user, use_case=use_case)
    except SubmissionIncomplete as exc:
        missing = list(exc.details.get("missing_fields", []))
        request.session[MISSING_SESSION_KEY.format(pk=use_case.pk)] = missing
        messages.error(
            request,
            _("%(reference)s is saved as a draft but cannot be submitted yet: %(count)s field(s) missing.")
            % {"reference": use_case.reference, "count": len(missing)},
        )
        return redirect("web:use_case_edit", reference=use_case.reference)
    except BusinessRuleError as exc:
        if exc.code in IMPACT_REFUSAL_CODES:
            # What is missing is a success measure: the refusal is shown in that section, where the
            # team adds one; the top of the page says where to look.
            _hold_impact_refusal(request, use_case, exc)
            messages.error(
                request,
                (
                    _("%(reference)s is saved as a draft but not submitted: see “%(section)s” below.")
                    if from_form
                    else _("%(reference)s is not submitted: see “%(section)s” below.")
                )
                % {"reference": use_case.reference, "section": IMPACT_SECTION_TITLE},
            )
            return redirect(_impact_url(use_case, "form" if from_form else "detail"))
        messages.error(request, exc.message)
        return redirect("web:use_case_detail", reference=use_case.reference)
    messages.success(
        request,
        _("%(reference)s is submitted to the committee. You will see its feedback here.")
        % {"reference": use_case.reference},
    )
    return redirect("web:use_case_detail", reference=use_case.reference)


@login_required
@require_POST
def use_case_submit_view(request, reference: str):
    return _submit(request, _visible(request, reference))


@login_required
@require_POST
def use_case_withdraw_view(request, reference: str):
    use_case = _visible(request, reference)
    try:
        workflow.use_case_withdraw(actor=request.user, use_case=use_case)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(reference)s is withdrawn from review and back in draft.") % {"reference": use_case.reference},
        )
    return redirect("web:use_case_detail", reference=use_case.reference)


@login_required
@require_POST
def use_case_step_view(request, reference: str, action: str):
    """A workflow step the team takes from the use case's page: start delivery, scale, retire or
    discard. The workflow service decides who may and when."""
    if action not in TEAM_STEPS:
        raise Http404
    use_case = _visible(request, reference)
    label = TRANSITIONS[action].label
    try:
        workflow.use_case_transition(actor=request.user, use_case=use_case, action=action)
    except BusinessRuleError as exc:
        if exc.code in IMPACT_REFUSAL_CODES:
            _hold_impact_refusal(request, use_case, exc)
            messages.error(
                request,
                _("%(reference)s: %(step)s not done: see “%(section)s” below.")
                % {"reference": use_case.reference, "step": str(label).lower(), "section": IMPACT_SECTION_TITLE},
            )
            return redirect(_impact_url(use_case, "detail"))
        messages.error(request, exc.message)
        return redirect("web:use_case_detail", reference=use_case.reference)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("web:use_case_detail", reference=use_case.reference)
    messages.success(
        request, _("%(reference)s: %(step)s done.") % {"reference": use_case.reference, "step": str(label).lower()}
    )
    if action == "discard":
        return redirect("web:my_use_cases")
    return redirect("web:use_case_detail", reference=use_case.reference)


# Impact: success measures, their measurements, side effects ------------------------------------------
#
# Each is added and changed on a page of its own (reached from the use case's page in any state, and
# from the form's impact section, which saves the draft first), and written by the governance
# services, which decide who may: the team that owns the use case, or its committee.

# The workflow's refusals that are about this section (governance/workflow.py): shown inside it.
IMPACT_REFUSAL_CODES = frozenset({"outcome_kpi_missing", "side_effects_not_assessed"})
IMPACT_REFUSAL_SESSION_KEY = "web.impact_refusal.{pk}"
IMPACT_SECTION_TITLE = gettext_lazy("Side effects and success beyond efficiency")
TREND_LENGTH = 12
SPARKLINE_WIDTH, SPARKLINE_HEIGHT, SPARKLINE_PAD = 132, 40, 4
# A side effect's likelihood x severity (1 to 25) read as a level: from 15 high, from 8 medium.
RISK_LEVELS = (
    (15, "high", gettext_lazy("High")),
    (8, "medium", gettext_lazy("Medium")),
    (1, "low", gettext_lazy("Low")),
)


@dataclass(frozen=True)
class Sparkline:
    """A measure's last values drawn as a line in an SVG box, with its baseline and target."""

    points: str
    last_x: float
    last_y: float
    baseline_y: float | None
    target_y: float | None
    label: str
    width: int = SPARKLINE_WIDTH
    height: int = SPARKLINE_HEIGHT


@dataclass(frozen=True)
class KpiRow:
    kpi: Kpi  # with .progress (governance.selectors.kpis_with_progress)
    trend: list[KpiMeasurement]
    sparkline: Sparkline | None
    form: MeasurementForm | None  # None: this person records no measurement of it
    form_open: bool = False

    @property
    def progress_percent(self) -> int | None:
        progress = self.kpi.progress.progress
        return None if progress is None else round(progress * 100)


@dataclass(frozen=True)
class Impact:
    kpis: list[KpiRow]
    side_effects: list[SideEffect]
    can_change: bool
    refusal: dict | None
    outcome_required: bool

    @property
    def has_outcome_kpi(self) -> bool:
        return any(row.kpi.category != KpiCategory.EFFICIENCY for row in self.kpis)

    @property
    def has_assessed_side_effect(self) -> bool:
        return any(effect.is_assessed for effect in self.side_effects)

    @property
    def live_assessed(self) -> int:
        return sum(1 for e in self.side_effects if e.is_assessed and e.status in LIVE_SIDE_EFFECT_STATUSES)


def _impact(
    request, use_case: UseCase, *, with_trends: bool, measurement_form: tuple[int, MeasurementForm] | None = None
) -> Impact:
    """The use case's success measures (with their progress and, on its page, their trend and the
    measurement form) and its side-effect register; a fixed number of queries whatever their count."""
    user = request.user
    can_change = impact_refusal(user, use_case) is None
    kpis = selectors.kpis_with_progress(queryset=use_case.kpis.select_related("owner"))
    recent = selectors.kpi_recent_measurements(kpis=kpis, limit=TREND_LENGTH) if with_trends else {}
    rows = []
    for kpi in kpis:
        kpi.use_case = use_case
        form, form_open = None, False
        if with_trends and _may_measure(user, kpi, can_change):
            if measurement_form is not None and measurement_form[0] == kpi.pk:
                form, form_open = measurement_form[1], True
            else:
                form = MeasurementForm(prefix=f"kpi-{kpi.pk}", initial={"date": timezone.localdate()})
        trend = recent.get(kpi.pk, [])
        rows.append(KpiRow(kpi=kpi, trend=trend, sparkline=_sparkline(kpi, trend), form=form, form_open=form_open))
    # The register ranks by likelihood x severity (the model orders by severity); unrated ones last.
    side_effects = sorted(
        use_case.side_effects.select_related("owner", "kpi"),
        key=lambda effect: (-(effect.score or 0), -(effect.severity or 0), effect.pk),
    )
    for effect in side_effects:
        effect.level = _risk_level(effect.score)
    return Impact(
        kpis=rows,
        side_effects=side_effects,
        can_change=can_change,
        refusal=request.session.pop(IMPACT_REFUSAL_SESSION_KEY.format(pk=use_case.pk), None),
        outcome_required=settings.GOVERNANCE_SUBMISSION_REQUIRES_OUTCOME_KPI,
    )


def _may_measure(user, kpi: Kpi, can_change: bool) -> bool:
    """Whether the page offers this person the measurement form (the service decides on posting):
    whoever may change the use case's measures, and the measure's owner."""
    if can_change:
        return True
    return kpi.owner_id == user.pk and measurement_refusal(user, kpi) is None


def _risk_level(score: int | None) -> tuple[str, str] | None:
    if score is None:
        return None
    return next((key, label) for floor, key, label in RISK_LEVELS if score >= floor)


def _sparkline(kpi: Kpi, trend: list[KpiMeasurement]) -> Sparkline | None:
    if not trend:
        return None
    values = [float(m.value) for m in trend]
    references = [float(v) for v in (kpi.baseline, kpi.target) if v is not None]
    low, high = min(values + references), max(values + references)
    span = (high - low) or 1.0
    inner_w, inner_h = SPARKLINE_WIDTH - 2 * SPARKLINE_PAD, SPARKLINE_HEIGHT - 2 * SPARKLINE_PAD

    def x(index: int) -> float:
        return round(SPARKLINE_PAD + (index / (len(values) - 1) if len(values) > 1 else 0.5) * inner_w, 1)

    def y(value: float) -> float:
        return round(SPARKLINE_PAD + (high - value) / span * inner_h, 1)

    first, last = trend[0], trend[-1]
    label = ngettext(
        "One measurement: %(last)s on %(last_date)s",
        "The last %(count)d measurements, from %(first)s on %(first_date)s to %(last)s on %(last_date)s",
        len(trend),
    ) % {
        "count": len(trend),
        "first": format_measure(first.value),
        "first_date": date_format(first.date, "DATE_FORMAT"),
        "last": format_measure(last.value),
        "last_date": date_format(last.date, "DATE_FORMAT"),
    }
    return Sparkline(
        points=" ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values)),
        last_x=x(len(values) - 1),
        last_y=y(values[-1]),
        baseline_y=y(float(kpi.baseline)) if kpi.baseline is not None else None,
        target_y=y(float(kpi.target)) if kpi.target is not None else None,
        label=label,
    )


def _hold_impact_refusal(request, use_case: UseCase, exc: BusinessRuleError) -> None:
    request.session[IMPACT_REFUSAL_SESSION_KEY.format(pk=use_case.pk)] = {"code": exc.code, "message": exc.message}


def _impact_url(use_case: UseCase, back: str) -> str:
    """The impact section of the form (while the team may still edit the use case) or of the page."""
    if back == "form" and use_case.is_editable:
        return reverse("web:use_case_edit", args=[use_case.reference]) + "#section-impact"
    return reverse("web:use_case_detail", args=[use_case.reference]) + "#impact"


def _back(request) -> str:
    back = request.POST.get("back") or request.GET.get("back")
    return back if back in IMPACT_BACK_CHOICES else "detail"


def _require_impact(request, use_case: UseCase) -> None:
    """The page that changes a measure or a side effect opens for whom the services will let save it."""
    refusal = impact_refusal(request.user, use_case)
    if refusal is not None:
        raise PermissionDenied(refusal)


def _impact_page(request, use_case: UseCase, template: str, form, *, back: str, **context):
    return render(
        request,
        template,
        {
            "use_case": use_case,
            "form": form,
            "back": back,
            "back_url": _impact_url(use_case, back),
            "nav_section": "mine" if _is_team_member(request.user, use_case) else "explore",
            **context,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def kpi_new(request, reference: str):
    return _kpi_page(request, _visible(request, reference), kpi=None)


@login_required
@require_http_methods(["GET", "POST"])
def kpi_edit(request, reference: str, pk: int):
    use_case = _visible(request, reference)
    return _kpi_page(request, use_case, kpi=get_object_or_404(use_case.kpis.select_related("owner"), pk=pk))


def _kpi_page(request, use_case: UseCase, *, kpi: Kpi | None):
    _require_impact(request, use_case)
    back = _back(request)
    data = request.POST if request.method == "POST" else None
    form = KpiForm(data, use_case=use_case, kpi=kpi, actor=request.user)
    if data is not None and form.is_valid():
        try:
            if kpi is None:
                saved = workflow.kpi_create(actor=request.user, use_case=use_case, data=form.service_data())
            else:
                saved = workflow.kpi_update(actor=request.user, kpi=kpi, data=form.service_data())
        except ValidationError as exc:
            form.add_service_error(exc)
        except BusinessRuleError as exc:
            form.add_error(None, exc.message)
        else:
            text = _("Success measure “%(name)s” added.") if kpi is None else _("Success measure “%(name)s” saved.")
            messages.success(request, text % {"name": saved.name})
            return redirect(_impact_url(use_case, back))
    return _impact_page(request, use_case, "web/kpi_form.html", form, back=back, kpi=kpi)


@login_required
@require_POST
def kpi_delete_view(request, reference: str, pk: int):
    use_case = _visible(request, reference)
    kpi = get_object_or_404(use_case.kpis, pk=pk)
    try:
        workflow.kpi_delete(actor=request.user, kpi=kpi)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Success measure “%(name)s” removed, with its measurements.") % {"name": kpi.name})
    return redirect(_impact_url(use_case, _back(request)))


@login_required
@require_POST
def kpi_measure(request, reference: str, pk: int):
    """Record one measurement of a measure from the use case's page, in any state (measurements are
    made in delivery). The same date again updates its value. A refused value comes back on the page,
    beside its field, with what was typed; nothing is written."""
    use_case = _visible(request, reference)
    kpi = get_object_or_404(use_case.kpis, pk=pk)
    kpi.use_case = use_case
    refusal = measurement_refusal(request.user, kpi)
    if refusal is not None:
        raise PermissionDenied(refusal)
    form = MeasurementForm(request.POST, prefix=f"kpi-{kpi.pk}")
    if form.is_valid():
        try:
            result = workflow.kpi_measurements_record(
                actor=request.user, kpi=kpi, rows=[form.row()], source=MeasurementSource.MANUAL
            )
        except MeasurementRowsInvalid as exc:
            form.add_row_errors(exc.details["errors"])
        except BusinessRuleError as exc:
            form.add_error(None, exc.message)
        else:
            measurement = result.measurements[0]
            values = {
                "name": kpi.name,
                "value": format_measure(measurement.value),
                "date": date_format(measurement.date, "DATE_FORMAT"),
            }
            if result.created:
                text = _("%(name)s: %(value)s recorded for %(date)s.")
            elif result.updated:
                text = _("%(name)s: the value of %(date)s is now %(value)s.")
            else:
                text = _("%(name)s: %(date)s already had this value; nothing changed.")
            messages.success(request, text % values)
            return redirect(reverse("web:use_case_detail", args=[use_case.reference]) + f"#kpi-{kpi.pk}")
    return _render_detail(request, use_case, measurement_form=(kpi.pk, form))


@login_required
@require_POST
def measurement_delete_view(request, reference: str, pk: int, measurement: int):
    use_case = _visible(request, reference)
    kpi = get_object_or_404(use_case.kpis, pk=pk)
    row = get_object_or_404(kpi.measurements, pk=measurement)
    workflow.measurement_delete(actor=request.user, measurement=row)
    messages.success(
        request,
        _("%(name)s: the measurement of %(date)s is removed.")
        % {"name": kpi.name, "date": date_format(row.date, "DATE_FORMAT")},
    )
    return redirect(reverse("web:use_case_detail", args=[use_case.reference]) + f"#kpi-{kpi.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def side_effect_new(request, reference: str):
    return _side_effect_page(request, _visible(request, reference), side_effect=None)


@login_required
@require_http_methods(["GET", "POST"])
def side_effect_edit(request, reference: str, pk: int):
    use_case = _visible(request, reference)
    return _side_effect_page(request, use_case, side_effect=get_object_or_404(use_case.side_effects, pk=pk))


def _side_effect_page(request, use_case: UseCase, *, side_effect: SideEffect | None):
    _require_impact(request, use_case)
    back = _back(request)
    data = request.POST if request.method == "POST" else None
    form = SideEffectForm(data, use_case=use_case, side_effect=side_effect, kpis=list(use_case.kpis.all()))
    if data is not None and form.is_valid():
        try:
            if side_effect is None:
                saved = workflow.side_effect_create(actor=request.user, use_case=use_case, data=form.service_data())
            else:
                saved = workflow.side_effect_update(
                    actor=request.user, side_effect=side_effect, data=form.service_data()
                )
        except ValidationError as exc:
            form.add_service_error(exc)
        except BusinessRuleError as exc:
            form.add_error(None, exc.message)
        else:
            if side_effect is None:
                text = _("Side effect “%(title)s” recorded.")
            else:
                text = _("Side effect “%(title)s” saved.")
            messages.success(request, text % {"title": saved.title})
            return redirect(_impact_url(use_case, back))
    return _impact_page(
        request, use_case, "web/side_effect_form.html", form, back=back, side_effect=side_effect, five=range(1, 6)
    )


@login_required
@require_POST
def side_effect_delete_view(request, reference: str, pk: int):
    use_case = _visible(request, reference)
    side_effect = get_object_or_404(use_case.side_effects, pk=pk)
    try:
        workflow.side_effect_delete(actor=request.user, side_effect=side_effect)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Side effect “%(title)s” removed.") % {"title": side_effect.title})
    return redirect(_impact_url(use_case, _back(request)))


@login_required
@require_POST
def side_effects_reviewed_view(request, reference: str):
    """The team went through its live side effects and found them still right: reviewed today."""
    use_case = _visible(request, reference)
    try:
        count = workflow.side_effects_mark_reviewed(actor=request.user, use_case=use_case)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d side effect marked as reviewed today.",
                "%(count)d side effects marked as reviewed today.",
                count,
            )
            % {"count": count},
        )
    return redirect(_impact_url(use_case, "detail"))


# Foundations: what a team can build on ------------------------------------------------------------


@dataclass(frozen=True)
class FoundationCard:
    """A foundation as the team site shows it: what it unlocks (domains.selectors.foundation_impact)
    and the use cases building on it that this person may see."""

    rank: int | None
    impact: FoundationImpact
    use_cases: list[UseCase]
    owned_by_my_team: bool

    @property
    def foundation(self) -> Foundation:
        return self.impact.foundation

    @property
    def statuses(self) -> list[tuple[str, str, int]]:
        return [(status, Status(status).label, count) for status, count in self.impact.by_status.items()]


@login_required
@require_GET
def foundation_list(request):
    """The foundations ranked by what they unlock: the use cases building on each, how many reuse it,
    the estimated benefit it enables and what it holds back while it is not ready. Another team's
    draft never shows; the counts are of shared use cases only."""
    kind = request.GET.get("kind", "")
    foundations = Foundation.objects.filter(kind=kind) if kind in FoundationKind.values else None
    impacts = foundation_impact(foundations=foundations)
    visible = use_case_list(actor=request.user).exclude(status__in=RECORD_ONLY_STATUSES).values("pk")
    building: dict[int, list[UseCase]] = {impact.foundation.pk: [] for impact in impacts}
    for usage in (
        UseCaseFoundation.objects.filter(foundation_id__in=list(building), use_case__in=visible)
        .select_related("use_case__team")
        .order_by("use_case__reference")
    ):
        building[usage.foundation_id].append(usage.use_case)
    my_teams = _team_ids(request.user)
    ranked, unused = [], []
    for impact in impacts:
        use_cases = building[impact.foundation.pk]
        card = FoundationCard(
            rank=None,
            impact=impact,
            use_cases=use_cases,
            owned_by_my_team=impact.foundation.owner_team_id in my_teams,
        )
        if impact.unlocked or use_cases:
            ranked.append(replace(card, rank=len(ranked) + 1))
        else:
            unused.append(card)
    return render(
        request,
        "web/foundation_list.html",
        {
            "ranked": ranked,
            "unused": unused,
            "kinds": FoundationKind.choices,
            "kind": kind if foundations is not None else "",
            "my_teams": my_teams,
            "low_readiness": settings.FOUNDATION_LOW_READINESS,
            "five": range(1, 6),
            "nav_section": "foundations",
        },
    )


def signin_locked_out(request, credentials, *args, **kwargs):
    """django-axes' answer to a sign-in while this username is locked out from this address (429)."""
    from django.conf import settings

    minutes = max(int(settings.AXES_COOLOFF_TIME.total_seconds() // 60), 1)
    response = render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
