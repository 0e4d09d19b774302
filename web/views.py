"""The team-facing web pages: a team's own use cases, the form that creates and edits them, the
workflow buttons, the organisation-wide catalogue, and the portfolios the committee adopted.

Views read through selectors and write through services: content through domains.services, links
through portfolio.services, the workflow through governance.services. Visibility comes from
domains.selectors.use_case_list, so another team's draft is a 404 here exactly as in the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.database import database_trouble, log_trouble
from core.exceptions import BusinessRuleError, ChangedMeanwhile
from domains import services as domain_services
from domains.choices import AMBITION_HELP, FoundationKind, JourneyStage, Status
from domains.filters import UseCaseFilterSet
from domains.models import UseCase
from domains.selectors import RECORD_ONLY_STATUSES, shared_filter, use_case_list
from governance import selectors
from governance import services as workflow
from governance.exceptions import SubmissionIncomplete
from governance.workflow import TRANSITIONS, available_actions
from portfolio import selectors as portfolio_selectors
from portfolio import services as link_services
from portfolio.choices import LinkKind
from portfolio.models import Portfolio, PortfolioMembership, UseCaseLink

from .forms import LinkFormSet, RemoveLinksForm, UseCaseForm, UseCaseSearchForm

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
        for ref, title, team, status in qs.order_by("reference").values_list(
            "reference", "title", "team__name", "status"
        )[:LOOKUP_LIMIT]
    ]
    return JsonResponse({"results": results})


@login_required
@require_GET
def use_case_detail(request, reference: str):
    use_case = _visible(request, reference)
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
            "usages": use_case.foundation_usages.select_related("foundation").order_by("foundation__name"),
            "related": related,
            "feedback": selectors.use_case_feedback(use_case=use_case),
            "timeline": selectors.use_case_timeline(use_case=use_case),
            "expectation": expectation,
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
    for tie in membership.ties:
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
    cards = [
        PortfolioCard(
            portfolio=portfolio,
            members=portfolio.visible_members,
            foundations=[
                {**foundation, "kind_label": _foundation_kind(foundation.get("kind", ""))}
                for foundation in portfolio.shared_foundations
            ],
            includes_my_team=any(member.use_case.team_id in my_teams for member in portfolio.visible_members),
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
    missing = request.session.pop(MISSING_SESSION_KEY.format(pk=use_case.pk), []) if use_case else []
    status, retry_after = 200, None

    if request.method == "POST" and form.is_valid() and links.is_valid() and removal.is_valid():
        try:
            saved = _save(actor=actor, use_case=use_case, form=form, links=links, removal=removal)
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
            if request.POST.get("action") == "submit":
                return _submit(request, saved)
            messages.success(request, _("%(reference)s saved as a draft.") % {"reference": saved.reference})
            return redirect("web:use_case_edit", reference=saved.reference)

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
            "nav_section": "mine",
        },
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@transaction.atomic
def _save(*, actor, use_case, form: UseCaseForm, links, removal) -> UseCase:
    """Content, foundations and links in one transaction, each through its own service: a refused
    link rolls the content back too, so nothing is left half saved. A refusal is put on the form it
    belongs to, then re-raised so the transaction rolls back."""
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
    return saved


def _submit(request, use_case: UseCase):
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
    except (BusinessRuleError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
        return redirect("web:use_case_detail", reference=use_case.reference)
    messages.success(
        request, _("%(reference)s: %(step)s done.") % {"reference": use_case.reference, "step": str(label).lower()}
    )
    if action == "discard":
        return redirect("web:my_use_cases")
    return redirect("web:use_case_detail", reference=use_case.reference)


def signin_locked_out(request, credentials, *args, **kwargs):
    """django-axes' answer to a sign-in while this username is locked out from this address (429)."""
    from django.conf import settings

    minutes = max(int(settings.AXES_COOLOFF_TIME.total_seconds() // 60), 1)
    response = render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
