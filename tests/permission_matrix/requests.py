"""How each row of the matrix is asked: for every (first column, request) of docs/permissions.md, the
HTTP request to send and, for a write, what it changes. The expected answer is the document's; this
module only knows how to ask. A row without an entry here, or an entry without a row, fails
tests/test_permission_matrix.py.

- `path(w)`: the URL, or the URLs of a row about several, from the world's objects
  (tests/permission_matrix/world.py).
- `data(w, who)`: the body (or one per URL, for a row about several); `who` is the person asking (a
  token's user for a token), for rows about "the requester".
- `state(w)`: what the write changes, read before and after. An allowed write must change it, a
  refused one must leave it (and the audit trail) as it was. None: a read.
- `keep(w)`: what must not change whoever asks and whatever the answer (status, reference).
- `prepare(w)`: set up in the test's savepoint, after the body is built and before the state is read.
- `audited`: an allowed write appends to the audit trail (False: the admin saves it directly).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.forms import MultiWidget
from django.urls import reverse
from django.utils import timezone

from core.models import ApiToken, AuditEvent
from domains.models import BusinessFunction, Domain, Foundation, Team, UseCase, User
from governance.dashboard import CHARTS as DASHBOARD_CHARTS
from governance.models import (
    ChangeRequest,
    Committee,
    CommitteeMembership,
    Decision,
    ImpactSnapshot,
    Kpi,
    Meeting,
    Notification,
    ReviewRound,
    SideEffect,
    Vote,
)
from portfolio.models import DuplicatePair, PriorityWeights, UseCaseLink
from tests.factories import function

from .world import MatrixWorld as W

Path = Callable[[W], "str | list[str]"]


@dataclass(frozen=True)
class Ask:
    method: str  # get, post, put, patch, delete; "put,patch,delete" asks each with the same expectation
    path: Path
    data: Callable[[W, Any], Any] | None = None
    state: Callable[[W], Any] | None = None
    keep: Callable[[W], Any] | None = None
    prepare: Callable[[W], None] | None = None
    api: bool = False
    # An allowed write records its audit event (every service does); False for the admin's direct
    # saves of reference data, which keep field history instead.
    audited: bool = True

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(self.method.split(","))

    def paths(self, w: W) -> list[str]:
        """A row about several URLs (a group of endpoints or admin pages) asks each of them."""
        paths = self.path(w)
        return [paths] if isinstance(paths, str) else list(paths)


# Reading the database ------------------------------------------------------------------------------


def values(model, pk: Callable[[W], int]) -> Callable[[W], Any]:
    return lambda w: model.objects.filter(pk=pk(w)).values().first()


def uc_row(name: str):
    return values(UseCase, lambda w: w.uc(name).pk)


def link_row(name: str):
    return values(UseCaseLink, lambda w: w.links[name].pk)


def status_and_reference(name: str):
    return lambda w: UseCase.objects.filter(pk=w.uc(name).pk).values_list("status", "reference").get()


def count(*models):
    return lambda w: tuple(model.objects.count() for model in models)


def both(*reads):
    return lambda w: tuple(read(w) for read in reads)


def committee_state(w: W):
    committee = Committee.objects.filter(pk=w.committee.pk).values().first()
    memberships = list(
        CommitteeMembership.objects.filter(committee=w.committee)
        .order_by("pk")
        .values_list("user_id", "function_id", "role", "start_date", "end_date")
    )
    return committee, memberships


def team_members(slug: str):
    return lambda w: sorted(Team.objects.get(slug=slug).members.values_list("pk", flat=True))


# Paths ----------------------------------------------------------------------------------------------


def url(name: str, *args: Callable[[W], Any]) -> Path:
    return lambda w: reverse(name, args=[arg(w) for arg in args])


def ref(name: str):
    return lambda w: w.uc(name).reference


def pk(name: str):
    return lambda w: w.uc(name).pk


def const(value):
    return lambda w: value


def admin(model: str, view: str, *args) -> Path:
    app, name = model.split(".")
    return url(f"admin:{app}_{name}_{view}", *args)


# Forms as a browser posts them ------------------------------------------------------------------------


def form_values(form) -> dict:
    """What a browser sends for an unbound form showing its initial values (split widgets, such as
    the admin's date and time, send one value per part)."""
    data: dict = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = field.prepare_value(bound.value())
        widget = field.widget
        if isinstance(widget, MultiWidget):
            for index, part in enumerate(widget.decompress(value)):
                if part is not None:
                    data[f"{bound.html_name}_{index}"] = part
        elif value is None or value is False:
            continue
        elif value is True:
            data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = value
        if field.show_hidden_initial and bound.html_name in data:
            # A field with a callable default sends its initial value too, to tell what changed.
            data[bound.html_initial_name] = data[bound.html_name]
    return data


def admin_page_values(response) -> dict:
    """The POST data of an admin add or change page, inlines included (tests/admin_forms.py, with
    split widgets)."""
    data = form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for form in formset.forms:
            data.update(form_values(form))
    return data


# Team site forms --------------------------------------------------------------------------------------

LINK_FORMSET = {
    "links-TOTAL_FORMS": "0",
    "links-INITIAL_FORMS": "0",
    "links-MIN_NUM_FORMS": "0",
    "links-MAX_NUM_FORMS": "20",
}


def web_form(name: str, **overrides):
    """The team form of a use case as the browser posts it, with `overrides` (callables of w)."""

    def data(w: W, who) -> dict:
        from web.forms import UseCaseForm

        posted = form_values(UseCaseForm(instance=w.uc(name), actor=w.team_member))
        posted.update(LINK_FORMSET, action="save")
        posted.update({key: value(w) for key, value in overrides.items()})
        return posted

    return data


def kpi_of(name: str):
    """The success measure of a use case of the world (the factory gives each one: a growth measure)."""
    return lambda w: w.uc(name).kpis.order_by("pk").first().pk


def side_effect_of(name: str):
    return lambda w: w.uc(name).side_effects.order_by("pk").first().pk


def a_measurement_of(name: str):
    """A measurement to remove, made when the row is asked (inside the test's savepoint)."""

    def pk(w: W) -> int:
        from governance.models import KpiMeasurement

        kpi = w.uc(name).kpis.order_by("pk").first()
        measurement, _created = KpiMeasurement.objects.get_or_create(
            kpi=kpi, date=datetime.date(2026, 1, 5), defaults={"value": 2}
        )
        return measurement.pk

    return pk


def a_snapshot(w: W) -> int:
    """A weekly snapshot of the dashboard's figures, made when the row is asked."""
    snapshot, _created = ImpactSnapshot.objects.get_or_create(
        taken_on=datetime.date(2026, 1, 4), defaults={"figures": {"use_cases": 9}}
    )
    return snapshot.pk


IMPORT_MAPPING = {
    "name": "Matrix inventory",
    "source": "matrix-inventory",
    "external_id": "ID",
    "fields": {"title": "Name", "domain": "Domain", "team": "Team"},
}


def an_import_mapping(w: W) -> int:
    """A saved import mapping, made when the row is asked."""
    from exchange.models import ImportMapping

    mapping, _created = ImportMapping.objects.get_or_create(
        name=IMPORT_MAPPING["name"], defaults={"source": IMPORT_MAPPING["source"], "definition": IMPORT_MAPPING}
    )
    return mapping.pk


def an_import_run(w: W) -> int:
    """A previewed dry run of a one-row file (Pricing's team and Customer experience's domain), made when
    the row is asked."""
    from core.actors import SYSTEM
    from exchange import services
    from exchange.models import ImportRun

    run = ImportRun.objects.filter(file_name="matrix.csv", dry_run=True).first()
    if run is None:
        run = services.import_run_create(
            actor=SYSTEM,
            file_name="matrix.csv",
            content=b"ID,Name,Domain,Team\r\n1,Imported idea,Customer experience,Pricing\r\n",
            definition=IMPORT_MAPPING,
            enqueue=False,
        )
        run = services.import_run_execute(run_id=run.pk, actor=SYSTEM)
    return run.pk


def import_runs(w: W) -> list:
    from exchange.models import ImportRun

    return sorted(ImportRun.objects.values_list("pk", "dry_run", "status"))


def impact_rows(name: str, model: str):
    """What a use case's success measures or side effects are, read before and after a write."""

    def read(w: W):
        from governance.models import Kpi, KpiMeasurement, SideEffect

        models = {"kpi": Kpi, "measurement": KpiMeasurement, "side_effect": SideEffect}
        lookup = "kpi__use_case" if model == "measurement" else "use_case"
        rows = models[model].objects.filter(**{lookup: w.uc(name)}).values()
        return sorted(tuple(sorted(row.items())) for row in rows)

    return read


def web_kpi(**overrides):
    fields = {
        "name": "Repeat purchase rate",
        "category": "lasting_results",
        "unit": "%",
        "baseline": "18",
        "target": "24",
        "direction": "higher",
        "frequency": "monthly",
        "owner": "",
    }
    return body(**{**fields, **overrides})


def web_side_effect(**overrides):
    fields = {
        "kind": "anticipated",
        "category": "workforce",
        "title": "Store staff lose the routine of ordering by hand",
        "likelihood": "3",
        "severity": "4",
        "status": "open",
    }
    return body(**{**fields, **overrides})


def web_measurement(name: str):
    def data(w: W, who) -> dict:
        prefix = f"kpi-{kpi_of(name)(w)}"
        return {f"{prefix}-date": timezone.localdate().isoformat(), f"{prefix}-value": "2.5"}

    return data


def new_web_use_case(w: W, who) -> dict:
    return {
        "title": "A new pricing idea",
        "team": w.pricing.pk,
        "domain": w.domain.pk,
        "owner": w.owner.pk,
        **LINK_FORMSET,
        "action": "save",
    }


# Admin forms ----------------------------------------------------------------------------------------


def admin_form(path: Path, **changes: Callable[[W, Any], Any]):
    """The POST data of an admin add or change page, read once from the administrator's page, with
    `changes` applied (each a callable of (w, who), or None to drop the key)."""

    def data(w: W, who) -> dict:
        address = path(w)
        if address not in w.forms:
            client = w.client("admin", api=False)
            response = client.get(address)
            assert response.status_code == 200, (address, response.status_code)
            w.forms[address] = admin_page_values(response)
        posted = dict(w.forms[address])
        for key, change in changes.items():
            value = change(w, who)
            if value is None:
                posted.pop(key, None)
            else:
                posted[key] = value
        return posted

    return data


def membership_index(w: W, user: User) -> int:
    """The inline form of the committee page that holds this person's membership."""
    ids = list(
        CommitteeMembership.objects.filter(committee=w.committee).order_by("pk").values_list("user_id", flat=True)
    )
    return ids.index(user.pk)


def committee_change(**memberships):
    """The committee page's POST with changes to memberships: {attribute of w: {field: value}}."""

    def data(w: W, who) -> dict:
        posted = admin_form(admin("governance.committee", "change", lambda w: w.committee.pk))(w, who)
        for person, fields in memberships.items():
            index = membership_index(w, getattr(w, person))
            for name, value in fields.items():
                posted[f"memberships-{index}-{name}"] = value(w) if callable(value) else value
        return posted

    return data


def end_chairs_membership(w: W) -> None:
    """The chair steps down (yesterday): the committee has no chair until someone is made one."""
    CommitteeMembership.objects.filter(committee=w.committee, user=w.chair).update(end_date=yesterday())


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def add_newcomer_to_committee(w: W, who) -> dict:
    posted = admin_form(admin("governance.committee", "change", lambda w: w.committee.pk))(w, who)
    total = int(posted["memberships-TOTAL_FORMS"])
    posted.update(
        {
            "memberships-TOTAL_FORMS": str(total + 1),
            f"memberships-{total}-user": str(User.objects.get(username="newcomer").pk),
            f"memberships-{total}-function": str(function("it").pk),
            f"memberships-{total}-role": "member",
            f"memberships-{total}-start_date": timezone.localdate().isoformat(),
            f"memberships-{total}-committee": str(w.committee.pk),
        }
    )
    return posted


def action(model: str, name: str, selected: Callable[[W], int], state, **extra) -> Ask:
    """An admin action run from the list on one ticked row (a form action with its form filled in:
    `extra`)."""

    def data(w: W, who) -> dict:
        return {"action": name, "index": "0", "_selected_action": [str(selected(w))], **extra}

    return Ask("post", admin(model, "changelist"), data, state=state)


def workflow_action(name: str, use_case: str, **extra) -> Ask:
    return action(
        "domains.usecase", name, pk(use_case), both(uc_row(use_case), count(Vote, Decision, ChangeRequest)), **extra
    )


def delete_selected(model: str, model_class, selected: Callable[[W], int]) -> Ask:
    return action(model, "delete_selected", selected, count(model_class), post="yes")


def version(model, pk_of):
    """A past version of an object, for simple-history's page."""
    return lambda w: model.history.filter(id=pk_of(w)).order_by("history_id").first().history_id


# API bodies -----------------------------------------------------------------------------------------


def body(**fields):
    return lambda w, who: {key: value(w) if callable(value) else value for key, value in fields.items()}


ALL_WRITES = "put,patch,delete"

RECORD_MODELS = {
    "core.auditevent": AuditEvent,
    "governance.reviewround": ReviewRound,
    "governance.vote": Vote,
    "governance.decision": Decision,
    "governance.changerequest": ChangeRequest,
    "governance.notification": Notification,
}

REFERENCE_MODELS = {
    "domains.businessfunction": BusinessFunction,
    "domains.domain": Domain,
    "domains.foundation": Foundation,
}

# The objects of the detail pages and endpoints --------------------------------------------------------

OBJECTS = {
    "auth.group": lambda w: w.group.pk,
    "core.apitoken": lambda w: w.read_token.pk,
    "domains.user": lambda w: w.team_member.pk,
    "domains.businessfunction": lambda w: function("finance").pk,
    "domains.domain": lambda w: w.domain.pk,
    "domains.team": lambda w: w.pricing.pk,
    "domains.foundation": lambda w: w.foundation.pk,
    "domains.usecase": pk("draft"),
    "portfolio.usecaselink": lambda w: w.links["draft"].pk,
    "core.auditevent": lambda w: w.event_about("submitted").pk,
    "governance.committee": lambda w: w.committee.pk,
    "governance.meeting": lambda w: w.meeting.pk,
    "governance.reviewround": lambda w: w.round_of("in_review").pk,
    "governance.vote": lambda w: w.vote_on("voted").pk,
    "governance.decision": lambda w: w.decision_on("approved").pk,
    "governance.changerequest": lambda w: w.change_request_on("changes_requested").pk,
    "governance.notification": lambda w: w.notification().pk,
    "axes.accessattempt": lambda w: AccessAttempt.objects.order_by("pk").first().pk,
    "axes.accesslog": lambda w: AccessLog.objects.order_by("pk").first().pk,
    "axes.accessfailurelog": lambda w: AccessFailureLog.objects.order_by("pk").first().pk,
    "governance.kpi": kpi_of("draft"),
    "governance.sideeffect": side_effect_of("draft"),
    "governance.kpimeasurement": a_measurement_of("draft"),
    "governance.impactsnapshot": lambda w: a_snapshot(w),
    "exchange.importrun": an_import_run,
    "exchange.importmapping": an_import_mapping,
}
# What each admin model's pages say the object is, in the request column.
OBJECT_NAMES = {
    "auth.group": "the committee's group",
    "core.apitoken": "the read token (finance's)",
    "domains.user": "team-member",
    "domains.businessfunction": "Finance",
    "domains.domain": "Customer experience",
    "domains.team": "Pricing",
    "domains.foundation": "Customer data platform",
    "domains.usecase": "Pricing's draft",
    "portfolio.usecaselink": "the link from Pricing's draft",
    "core.auditevent": "an event about Pricing's submitted use case",
    "governance.committee": "the committee",
    "governance.meeting": "the next meeting",
    "governance.reviewround": "the round of Pricing's use case in review",
    "governance.vote": "a vote on Pricing's voted use case",
    "governance.decision": "the decision on Pricing's approved use case",
    "governance.changerequest": "the change request on Pricing's use case with changes requested",
    "governance.notification": "a notification",
    "axes.accessattempt": "a failed sign-in",
    "axes.accesslog": "a sign-in",
    "axes.accessfailurelog": "a failed sign-in",
}
HISTORY_MODELS = {
    "domains.domain": Domain,
    "domains.team": Team,
    "domains.foundation": Foundation,
    "domains.usecase": UseCase,
    "portfolio.usecaselink": UseCaseLink,
    "governance.committee": Committee,
    "governance.kpi": Kpi,
    "governance.sideeffect": SideEffect,
}


# Models the admin shows alike, asked together in one row per page: the committee's record (written
# only by the services, read-only to everyone) and the reference data the committee keeps.
ADMIN_GROUPS = (
    (
        "core.auditevent",
        "governance.reviewround",
        "governance.vote",
        "governance.decision",
        "governance.changerequest",
        "governance.notification",
    ),
    ("domains.businessfunction", "domains.domain", "domains.foundation"),
    # django-axes' records of sign-ins and failed attempts: an administrator's.
    ("axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"),
    # A use case's success measures and side effects (of Pricing's draft), saved through the services.
    ("governance.kpi", "governance.sideeffect"),
    # The measurements, across measures, and the weekly snapshots of the dashboard: read-only.
    ("governance.kpimeasurement", "governance.impactsnapshot"),
    # Imports: the runs (a record) and the saved mappings, the committee's.
    ("exchange.importrun", "exchange.importmapping"),
)
# Where a model's old address (/admin/<app>/<model>/<id>/, a redirect to its change page) is asked.
OLD_ADDRESS = "admin/<app>/<model>/<path:object_id>/"


def several(prefix: str, parts, suffix: str) -> str:
    """The first column of a row about several URLs, as the document writes it: `api:{vote,decision}-list`
    is api:vote-list and api:decision-list (tests/permission_matrix/matrix.py expands it)."""
    return f"{prefix}{{{','.join(parts)}}}{suffix}"


def admin_names(models, view: str) -> str:
    return several("admin:", [model.replace(".", "_") for model in models], f"_{view}")


def obj(model: str) -> Callable[[W], int]:
    return OBJECTS[model]


def _pages(models: tuple[str, ...], view: str, *args_of) -> Callable[[W], list[str]]:
    return lambda w: [admin(model, view, *(arg(model) for arg in args_of))(w) for model in models]


def _admin_pages() -> dict[tuple[str, str], Ask]:
    """Every registered model's list, add, change, delete and history pages (GET), one row per page
    for a single model or a group of models the admin shows alike."""
    grouped = {model for group in ADMIN_GROUPS for model in group}
    groups = [*ADMIN_GROUPS, *((model,) for model in OBJECTS if model not in grouped)]
    asks = {}
    for models in groups:
        thing = OBJECT_NAMES[models[0]] if len(models) == 1 else "one"

        def key(view: str, models=models) -> str:
            return admin_names(models, view) if len(models) > 1 else f"admin:{models[0].replace('.', '_')}_{view}"

        asks[(key("changelist"), "GET the list")] = Ask("get", _pages(models, "changelist"))
        asks[(key("add"), "GET the add page")] = Ask("get", _pages(models, "add"))
        asks[(key("change"), f"GET {thing}")] = Ask("get", _pages(models, "change", obj))
        asks[(key("delete"), f"GET delete {thing}")] = Ask("get", _pages(models, "delete", obj))
        asks[(key("history"), f"GET the history of {thing}")] = Ask("get", _pages(models, "history", obj))
        with_versions = tuple(model for model in models if model in HISTORY_MODELS)
        if with_versions:
            asks[(key("simple_history", with_versions), f"GET a past version of {thing}")] = Ask(
                "get",
                _pages(
                    with_versions, "simple_history", obj, lambda model: version(HISTORY_MODELS[model], OBJECTS[model])
                ),
            )
    asks[(OLD_ADDRESS, "GET each model's object at its old address")] = Ask(
        "get",
        lambda w: [f"/admin/{model.replace('.', '/')}/{pk_of(w)}/" for model, pk_of in OBJECTS.items()],
    )
    return asks


# The read-only endpoints and the object each row reads.
API_READ_ONLY = {
    "function": lambda w: function("finance").pk,
    "domain": lambda w: w.domain.pk,
    "team": lambda w: w.pricing.pk,
    "foundation": lambda w: w.foundation.pk,
    "committee": lambda w: w.committee.pk,
    "committee-membership": lambda w: CommitteeMembership.objects.get(user=w.chair).pk,
    "review-round": lambda w: w.round_of("in_review").pk,
    "vote": lambda w: w.vote_on("voted").pk,
    "decision": lambda w: w.decision_on("approved").pk,
    "change-request": lambda w: w.change_request_on("changes_requested").pk,
    "meeting": lambda w: w.meeting.pk,
    "audit-event": lambda w: w.event_about("submitted").pk,
    "graph-node": pk("submitted"),
    "graph-edge": lambda w: w.links["shared"].pk,
}


def _api_reads() -> dict[tuple[str, str], Ask]:
    """The read-only endpoints: the list, one row past draft (drafts have rows of their own below),
    and the writes they do not have."""
    lists = several("api:", API_READ_ONLY, "-list")
    details = several("api:", API_READ_ONLY, "-detail")

    def each(route: str, with_pk: bool):
        return lambda w: [
            reverse(f"api:{basename}-{route}", args=[pk_of(w)] if with_pk else [])
            for basename, pk_of in API_READ_ONLY.items()
        ]

    return {
        (lists, "GET the list"): Ask("get", each("list", False), api=True),
        (lists, "POST a row"): Ask("post", each("list", False), body(name="x"), api=True),
        (details, "GET a row about shared work"): Ask("get", each("detail", True), api=True),
        (details, "PUT, PATCH or DELETE a row"): Ask(ALL_WRITES, each("detail", True), body(name="x"), api=True),
    }


def _api_action_gets() -> dict[tuple[str, str], Ask]:
    return {
        (f"api:use-case-workflow-{name}", "GET Pricing's submitted use case"): Ask(
            "get", url(f"api:use-case-workflow-{name}", pk("submitted")), api=True
        )
        for name in ("submit", "start-review", "votes", "decide", "request-changes", "transition")
    }


def _workflow_step(step: str, use_case: str, endpoint: str, payload: dict | None = None) -> Ask:
    return Ask(
        "post",
        url(f"api:use-case-workflow-{endpoint}", pk(use_case)),
        body(**(payload or {})),
        state=both(uc_row(use_case), count(Vote, Decision, ChangeRequest)),
        api=True,
    )


def _transition(step: str, use_case: str) -> Ask:
    return _workflow_step(step, use_case, "transition", {"action": step})


def portfolio_of(w: W):
    """The portfolio the portfolio rows read, made in the test's savepoint the first time a row asks:
    a run over the world's links proposes the one group they make (the two shared use cases the
    `shared` link joins, hence a minimum size of 2), and the committee places Pricing's draft in it."""
    from core.actors import SYSTEM
    from portfolio import services as portfolio_services
    from portfolio.models import Portfolio

    portfolio = Portfolio.objects.order_by("pk").first()
    if portfolio is None:
        run = portfolio_services.clustering_run_create(actor=SYSTEM, dispatch=False, min_size=2)
        portfolio_services.clustering_run_execute(run_id=run.pk)
        portfolio = Portfolio.objects.get()
        portfolio_services.portfolio_member_add(actor=SYSTEM, portfolio=portfolio, use_case=w.uc("draft"))
    return portfolio


def membership_of(name: str) -> Callable[[W], int]:
    from portfolio.models import PortfolioMembership

    return lambda w: PortfolioMembership.objects.get(portfolio=portfolio_of(w), use_case=w.uc(name)).pk


# The portfolio endpoints (read-only) and the object each detail row reads.
PORTFOLIO_READS = {
    "portfolio": lambda w: portfolio_of(w).pk,
    "portfolio-membership": membership_of("submitted"),
    "clustering-run": lambda w: portfolio_of(w).proposed_by_run_id,
}


def _portfolio_reads() -> dict[tuple[str, str], Ask]:
    lists = several("api:", PORTFOLIO_READS, "-list")
    details = several("api:", PORTFOLIO_READS, "-detail")

    def each(route: str, with_pk: bool):
        def paths(w: W) -> list[str]:
            portfolio_of(w)  # the lists too are read with the portfolio in place: they have rows to show
            return [
                reverse(f"api:{basename}-{route}", args=[pk_of(w)] if with_pk else [])
                for basename, pk_of in PORTFOLIO_READS.items()
            ]

        return paths

    return {
        (lists, "GET the list"): Ask("get", each("list", False), api=True),
        (lists, "POST a row"): Ask("post", each("list", False), body(name="x"), api=True),
        (details, "GET the portfolio, the membership of Pricing's submitted use case, the run"): Ask(
            "get", each("detail", True), api=True
        ),
        (details, "PUT, PATCH or DELETE a row"): Ask(ALL_WRITES, each("detail", True), body(name="x"), api=True),
    }


# Admin: portfolios, clustering runs and the map: the rows read the API rows' portfolio (portfolio_of)
# and the run that proposed it.


def portfolio_pk(w: W) -> int:
    return portfolio_of(w).pk


def run_pk(w: W) -> int:
    return portfolio_of(w).proposed_by_run_id


def portfolio_row(w: W):
    from portfolio.models import Portfolio

    return Portfolio.objects.filter(pk=portfolio_pk(w)).values().first()


def portfolio_members(w: W) -> list:
    from portfolio.models import PortfolioMembership

    return sorted(PortfolioMembership.objects.filter(portfolio=portfolio_pk(w)).values_list("use_case_id", "pinned"))


def adopt_the_portfolio(w: W) -> None:
    from core.actors import SYSTEM
    from portfolio import services as portfolio_services

    portfolio_services.portfolio_adopt(actor=SYSTEM, portfolio=portfolio_of(w))


def values_of_run(w: W):
    from portfolio.models import ClusteringRun

    return ClusteringRun.objects.filter(pk=run_pk(w)).values().first().items()


def run_count(w: W) -> int:
    from portfolio.models import ClusteringRun

    return ClusteringRun.objects.count()


def portfolio_admin(view: str, *args) -> Path:
    return admin("portfolio.portfolio", view, *args)


def run_admin(view: str, *args) -> Path:
    return admin("portfolio.clusteringrun", view, *args)


def portfolio_action(name: str, **extra) -> Ask:
    return action("portfolio.portfolio", name, portfolio_pk, portfolio_row, apply="1", **extra)


# API: success measures, measurements and side effects (governance/api/impact.py). The objects are the
# factory's growth measure and side effect of each use case (kpi_of, side_effect_of, a_measurement_of).


def _kpi_body(use_case: str):
    return body(use_case=pk(use_case), name="Repeat purchase rate", category="lasting_results", baseline=18, target=24)


def _measurements(*days_ago: int):
    """A push: one body (a JSON array), for the one URL of its row."""
    return lambda w, who: [
        [{"date": (timezone.localdate() - datetime.timedelta(days=n)).isoformat(), "value": 2.5} for n in days_ago]
    ]


def _owned_by_team_member(name: str):
    def prepare(w: W) -> None:
        from governance.models import Kpi

        Kpi.objects.filter(pk=kpi_of(name)(w)).update(owner=w.team_member)

    return prepare


def _impact_api() -> dict[tuple[str, str], Ask]:
    from governance.models import Kpi, KpiMeasurement, SideEffect

    def kpi(name: str, route: str = "api:kpi-detail"):
        return url(route, kpi_of(name))

    def side_effect(name: str):
        return url("api:side-effect-detail", side_effect_of(name))

    def measurement(name: str):
        return url("api:kpi-measurement-detail", a_measurement_of(name))

    return {
        ("api:kpi-list", "GET the list"): Ask("get", url("api:kpi-list"), api=True),
        ("api:kpi-list", "POST a measure for Pricing's submitted use case"): Ask(
            "post", url("api:kpi-list"), _kpi_body("submitted"), state=count(Kpi), api=True
        ),
        ("api:kpi-list", "POST a measure for Pricing's draft"): Ask(
            "post", url("api:kpi-list"), _kpi_body("draft"), state=count(Kpi), api=True
        ),
        ("api:kpi-detail", "GET the measure of Pricing's submitted use case"): Ask("get", kpi("submitted"), api=True),
        ("api:kpi-detail", "GET the measure of Pricing's draft"): Ask("get", kpi("draft"), api=True),
        ("api:kpi-detail", "PATCH the measure of Pricing's submitted use case: target 4"): Ask(
            "patch", kpi("submitted"), body(target=4), state=impact_rows("submitted", "kpi"), api=True
        ),
        ("api:kpi-detail", "DELETE the measure of Pricing's draft"): Ask(
            "delete", kpi("draft"), state=impact_rows("draft", "kpi"), api=True
        ),
        ("api:kpi-detail", "DELETE the only measure of Pricing's submitted use case"): Ask(
            "delete", kpi("submitted"), state=impact_rows("submitted", "kpi"), api=True
        ),
        ("api:kpi-detail", "PUT the measure of Pricing's submitted use case"): Ask(
            "put", kpi("submitted"), body(name="x"), state=impact_rows("submitted", "kpi"), api=True
        ),
        ("api:kpi-measurements", "GET the measurements of Pricing's submitted use case's measure"): Ask(
            "get", kpi("submitted", "api:kpi-measurements"), api=True
        ),
        ("api:kpi-measurements", "POST two measurements to Pricing's submitted use case's measure"): Ask(
            "post",
            kpi("submitted", "api:kpi-measurements"),
            _measurements(14, 7),
            state=impact_rows("submitted", "measurement"),
            api=True,
        ),
        ("api:kpi-measurements", "POST one dated tomorrow to Pricing's submitted use case's measure"): Ask(
            "post",
            kpi("submitted", "api:kpi-measurements"),
            _measurements(-1),
            state=impact_rows("submitted", "measurement"),
            api=True,
        ),
        ("api:kpi-measurements", "POST one to Logistics' submitted use case's measure, owned by team-member"): Ask(
            "post",
            kpi("logistics_submitted", "api:kpi-measurements"),
            _measurements(7),
            prepare=_owned_by_team_member("logistics_submitted"),
            state=impact_rows("logistics_submitted", "measurement"),
            api=True,
        ),
        ("api:kpi-measurement-list", "GET the list"): Ask("get", url("api:kpi-measurement-list"), api=True),
        ("api:kpi-measurement-list", "POST a row"): Ask(
            "post", url("api:kpi-measurement-list"), body(value=1), state=count(KpiMeasurement), api=True
        ),
        ("api:kpi-measurement-detail", "GET a measurement of Pricing's submitted use case"): Ask(
            "get", measurement("submitted"), api=True
        ),
        ("api:kpi-measurement-detail", "GET a measurement of Pricing's draft"): Ask(
            "get", measurement("draft"), api=True
        ),
        ("api:kpi-measurement-detail", "PUT, PATCH or DELETE a measurement of Pricing's submitted use case"): Ask(
            ALL_WRITES, measurement("submitted"), body(value=1), state=impact_rows("submitted", "measurement"), api=True
        ),
        ("api:side-effect-list", "GET the list"): Ask("get", url("api:side-effect-list"), api=True),
        ("api:side-effect-list", "POST a side effect of Pricing's submitted use case"): Ask(
            "post",
            url("api:side-effect-list"),
            body(use_case=pk("submitted"), category="workforce", title="Staff lose a routine", severity=4),
            state=count(SideEffect),
            api=True,
        ),
        ("api:side-effect-detail", "GET the side effect of Pricing's submitted use case"): Ask(
            "get", side_effect("submitted"), api=True
        ),
        ("api:side-effect-detail", "GET the side effect of Pricing's draft"): Ask(
            "get", side_effect("draft"), api=True
        ),
        ("api:side-effect-detail", "PATCH the side effect of Pricing's submitted use case: severity 4"): Ask(
            "patch", side_effect("submitted"), body(severity=4), state=impact_rows("submitted", "side_effect"), api=True
        ),
        ("api:side-effect-detail", "DELETE the side effect of Pricing's submitted use case"): Ask(
            "delete", side_effect("submitted"), state=impact_rows("submitted", "side_effect"), api=True
        ),
        ("api:side-effect-detail", "PUT the side effect of Pricing's submitted use case"): Ask(
            "put", side_effect("submitted"), body(title="x"), state=impact_rows("submitted", "side_effect"), api=True
        ),
        ("api:use-case-impact-side-effects-reviewed", "POST Pricing's in-delivery use case"): Ask(
            "post",
            url("api:use-case-impact-side-effects-reviewed", pk("in_delivery")),
            state=impact_rows("in_delivery", "side_effect"),
            api=True,
        ),
        ("api:use-case-impact-side-effects-reviewed", "GET Pricing's in-delivery use case"): Ask(
            "get", url("api:use-case-impact-side-effects-reviewed", pk("in_delivery")), api=True
        ),
    }


def _kpi_page(name: str) -> Path:
    return admin("governance.kpi", "change", kpi_of(name))


def _inline_kpi_added(name: str):
    """The use case's page as posted with a new row in its success measures."""

    def data(w: W, who) -> dict:
        posted = admin_form(admin("domains.usecase", "change", pk(name)))(w, who)
        index = int(posted["kpis-TOTAL_FORMS"])
        posted.update(
            {
                "kpis-TOTAL_FORMS": str(index + 1),
                f"kpis-{index}-name": "Repeat purchases",
                f"kpis-{index}-category": "lasting_results",
                f"kpis-{index}-baseline": "18",
                f"kpis-{index}-target": "24",
                f"kpis-{index}-direction": "higher",
            }
        )
        return posted

    return data


def _impact_admin() -> dict[tuple[str, str], Ask]:
    """The admin's pages of success measures and side effects beyond their GETs (_admin_pages): saving
    them (on their pages and as inlines of the use case's page), recording a measurement, the removal
    a service refuses, and the foundations ranked by what they unlock."""
    from governance.models import KpiMeasurement

    def extra_measure_pk(w: W) -> int:
        # A second measure of Pricing's draft, made when the row is asked: removing it leaves one.
        kpi, _created = Kpi.objects.get_or_create(
            use_case=w.uc("draft"),
            name="Handling time",
            defaults={"category": "efficiency", "baseline": 9, "target": 7, "direction": "lower"},
        )
        return kpi.pk

    ranking = url("admin:domains_foundation_ranking")
    return {
        ("admin:governance_kpi_add", "POST a measure for Pricing's submitted use case"): Ask(
            "post",
            admin("governance.kpi", "add"),
            body(
                use_case=pk("submitted"),
                name="Repeat purchases",
                category="lasting_results",
                baseline="18",
                target="24",
                direction="higher",
                frequency="monthly",
            ),
            state=count(Kpi),
        ),
        ("admin:governance_kpi_change", "POST the measure of Pricing's submitted use case: new name"): Ask(
            "post",
            _kpi_page("submitted"),
            admin_form(_kpi_page("submitted"), name=lambda w, who: "Conversion to paid"),
            state=impact_rows("submitted", "kpi"),
        ),
        ("admin:governance_kpi_change", "POST the measure of Pricing's in-delivery use case: a value recorded"): Ask(
            "post",
            _kpi_page("in_delivery"),
            admin_form(
                _kpi_page("in_delivery"),
                **{
                    "recorded-0-date": lambda w, who: timezone.localdate().isoformat(),
                    "recorded-0-value": lambda w, who: "2.6",
                },
            ),
            state=impact_rows("in_delivery", "measurement"),
        ),
        ("admin:governance_kpi_delete", "POST delete the second measure of Pricing's draft"): Ask(
            "post",
            admin("governance.kpi", "delete", extra_measure_pk),
            body(post="yes"),
            state=impact_rows("draft", "kpi"),
        ),
        ("admin:governance_kpi_delete", "POST delete the only measure of Pricing's submitted use case"): Ask(
            "post",
            admin("governance.kpi", "delete", kpi_of("submitted")),
            body(post="yes"),
            state=impact_rows("submitted", "kpi"),
        ),
        ("admin:governance_sideeffect_change", "POST the side effect of Pricing's submitted use case: mitigating"): Ask(
            "post",
            admin("governance.sideeffect", "change", side_effect_of("submitted")),
            admin_form(
                admin("governance.sideeffect", "change", side_effect_of("submitted")),
                status=lambda w, who: "mitigating",
            ),
            state=impact_rows("submitted", "side_effect"),
        ),
        (admin_names(ADMIN_GROUPS[4], "change"), "POST one"): Ask(
            "post",
            _pages(ADMIN_GROUPS[4], "change", obj),
            body(note="Changed"),
            state=count(KpiMeasurement, ImpactSnapshot),
        ),
        ("admin:domains_usecase_change", "POST Pricing's submitted use case: a success measure added"): Ask(
            "post",
            admin("domains.usecase", "change", pk("submitted")),
            _inline_kpi_added("submitted"),
            state=impact_rows("submitted", "kpi"),
        ),
        ("admin:domains_foundation_ranking", "GET the foundations ranked by what they unlock"): Ask("get", ranking),
        ("admin:domains_foundation_ranking", "GET the ranking as CSV"): Ask(
            "get", lambda w: ranking(w) + "?format=csv"
        ),
    }


ASKS: dict[tuple[str, str], Ask] = {
    # Signing in, languages, health, API schema ---------------------------------------------------------
    ("login", "GET the sign-in page"): Ask("get", url("login")),
    ("logout", "POST sign out"): Ask("post", url("logout")),
    ("logout", "GET sign out"): Ask("get", url("logout")),
    ("password_reset", "GET the reset form"): Ask("get", url("password_reset")),
    ("password_reset_done", "GET the 'email sent' page"): Ask("get", url("password_reset_done")),
    ("password_reset_confirm", "GET a reset link with a wrong token"): Ask(
        "get", url("password_reset_confirm", const("MQ"), const("wrong-token"))
    ),
    ("password_reset_complete", "GET the 'password changed' page"): Ask("get", url("password_reset_complete")),
    ("set_language", "POST French"): Ask("post", url("set_language"), body(language="fr", next="/")),
    ("healthz", "GET"): Ask("get", url("healthz")),
    ("favicon", "GET"): Ask("get", url("favicon")),
    ("api-schema", "GET the OpenAPI schema"): Ask("get", url("api-schema"), api=True),
    ("api-docs", "GET the API docs page"): Ask("get", url("api-docs"), api=True),
    ("api:api-root", "GET the API root"): Ask("get", url("api:api-root"), api=True),
    # Team site ----------------------------------------------------------------------------------------
    ("web:my_use_cases", "GET"): Ask("get", url("web:my_use_cases")),
    ("web:use_case_browse", "GET"): Ask("get", url("web:use_case_browse")),
    ("web:use_case_lookup", "GET ?q=Pricing"): Ask("get", lambda w: reverse("web:use_case_lookup") + "?q=Pricing"),
    ("web:use_case_similar", "GET ?title=Pricing"): Ask(
        "get", lambda w: reverse("web:use_case_similar") + "?title=Pricing+engine"
    ),
    ("web:use_case_new", "GET the form"): Ask("get", url("web:use_case_new")),
    ("web:use_case_new", "POST a draft for Pricing"): Ask(
        "post", url("web:use_case_new"), new_web_use_case, state=count(UseCase)
    ),
    ("web:use_case_detail", "GET Pricing's draft"): Ask("get", url("web:use_case_detail", ref("draft"))),
    ("web:use_case_detail", "GET Pricing's submitted use case"): Ask(
        "get", url("web:use_case_detail", ref("submitted"))
    ),
    ("web:use_case_detail", "GET Pricing's discarded draft"): Ask("get", url("web:use_case_detail", ref("discarded"))),
    ("web:use_case_detail", "GET an unknown reference"): Ask("get", url("web:use_case_detail", const("UC-9999"))),
    ("web:use_case_edit", "GET Pricing's draft"): Ask("get", url("web:use_case_edit", ref("draft"))),
    ("web:use_case_edit", "GET Pricing's submitted use case"): Ask("get", url("web:use_case_edit", ref("submitted"))),
    ("web:use_case_edit", "POST Pricing's draft: new title"): Ask(
        "post",
        url("web:use_case_edit", ref("draft")),
        web_form("draft", title=const("Renamed on the team site")),
        state=uc_row("draft"),
    ),
    ("web:use_case_edit", "POST Pricing's draft: team → Logistics"): Ask(
        "post",
        url("web:use_case_edit", ref("draft")),
        web_form("draft", team=lambda w: w.logistics.pk),
        state=uc_row("draft"),
    ),
    ("web:use_case_edit", "POST Pricing's draft: new title, with status and reference in the form (ignored)"): Ask(
        "post",
        url("web:use_case_edit", ref("draft")),
        web_form("draft", title=const("Renamed"), status=const("approved"), reference=const("UC-9999")),
        state=uc_row("draft"),
        keep=status_and_reference("draft"),
    ),
    ("web:use_case_edit", "POST Pricing's submitted use case: new title"): Ask(
        "post",
        url("web:use_case_edit", ref("submitted")),
        web_form("submitted", title=const("Renamed after submission")),
        state=uc_row("submitted"),
    ),
    ("web:use_case_submit", "POST Pricing's draft"): Ask(
        "post", url("web:use_case_submit", ref("draft")), state=uc_row("draft")
    ),
    ("web:use_case_submit", "GET Pricing's draft"): Ask("get", url("web:use_case_submit", ref("draft"))),
    ("web:use_case_withdraw", "POST Pricing's submitted use case"): Ask(
        "post", url("web:use_case_withdraw", ref("submitted")), state=uc_row("submitted")
    ),
    ("web:use_case_withdraw", "GET Pricing's submitted use case"): Ask(
        "get", url("web:use_case_withdraw", ref("submitted"))
    ),
    ("web:use_case_step", "POST discard Pricing's draft"): Ask(
        "post", url("web:use_case_step", ref("draft"), const("discard")), state=uc_row("draft")
    ),
    ("web:use_case_step", "POST start_delivery on Pricing's approved use case"): Ask(
        "post", url("web:use_case_step", ref("approved"), const("start_delivery")), state=uc_row("approved")
    ),
    ("web:use_case_step", "POST start_review on Pricing's submitted use case (not a team step)"): Ask(
        "post", url("web:use_case_step", ref("submitted"), const("start_review")), state=uc_row("submitted")
    ),
    ("web:use_case_step", "GET discard Pricing's draft"): Ask(
        "get", url("web:use_case_step", ref("draft"), const("discard"))
    ),
    ("web:portfolio_list", "GET"): Ask("get", url("web:portfolio_list")),
    ("web:foundation_list", "GET"): Ask("get", url("web:foundation_list")),
    ("web:kpi_new", "GET the form for Pricing's submitted use case"): Ask("get", url("web:kpi_new", ref("submitted"))),
    ("web:kpi_new", "GET the form for Pricing's draft"): Ask("get", url("web:kpi_new", ref("draft"))),
    ("web:kpi_new", "POST a measure on Pricing's submitted use case"): Ask(
        "post", url("web:kpi_new", ref("submitted")), web_kpi(), state=impact_rows("submitted", "kpi")
    ),
    ("web:kpi_new", "POST a measure on Pricing's draft"): Ask(
        "post", url("web:kpi_new", ref("draft")), web_kpi(), state=impact_rows("draft", "kpi")
    ),
    ("web:kpi_edit", "GET the measure of Pricing's submitted use case"): Ask(
        "get", url("web:kpi_edit", ref("submitted"), kpi_of("submitted"))
    ),
    ("web:kpi_edit", "POST the measure of Pricing's submitted use case: new name"): Ask(
        "post",
        url("web:kpi_edit", ref("submitted"), kpi_of("submitted")),
        web_kpi(name="Conversion at checkout", category="growth", baseline="2", target="3"),
        state=impact_rows("submitted", "kpi"),
    ),
    ("web:kpi_delete", "POST the measure of Pricing's draft"): Ask(
        "post", url("web:kpi_delete", ref("draft"), kpi_of("draft")), state=impact_rows("draft", "kpi")
    ),
    ("web:kpi_delete", "GET the measure of Pricing's draft"): Ask(
        "get", url("web:kpi_delete", ref("draft"), kpi_of("draft"))
    ),
    ("web:kpi_measure", "POST a measurement of Pricing's in-delivery use case"): Ask(
        "post",
        url("web:kpi_measure", ref("in_delivery"), kpi_of("in_delivery")),
        web_measurement("in_delivery"),
        state=impact_rows("in_delivery", "measurement"),
    ),
    ("web:kpi_measure", "GET Pricing's in-delivery use case's measure"): Ask(
        "get", url("web:kpi_measure", ref("in_delivery"), kpi_of("in_delivery"))
    ),
    ("web:measurement_delete", "POST a measurement of Pricing's in-delivery use case"): Ask(
        "post",
        url("web:measurement_delete", ref("in_delivery"), kpi_of("in_delivery"), a_measurement_of("in_delivery")),
        state=impact_rows("in_delivery", "measurement"),
    ),
    ("web:side_effect_new", "GET the form for Pricing's submitted use case"): Ask(
        "get", url("web:side_effect_new", ref("submitted"))
    ),
    ("web:side_effect_new", "POST a side effect on Pricing's submitted use case"): Ask(
        "post",
        url("web:side_effect_new", ref("submitted")),
        web_side_effect(),
        state=impact_rows("submitted", "side_effect"),
    ),
    ("web:side_effect_edit", "GET the side effect of Pricing's submitted use case"): Ask(
        "get", url("web:side_effect_edit", ref("submitted"), side_effect_of("submitted"))
    ),
    ("web:side_effect_edit", "POST the side effect of Pricing's submitted use case: severity 4"): Ask(
        "post",
        url("web:side_effect_edit", ref("submitted"), side_effect_of("submitted")),
        web_side_effect(category="customer", title="Customers see fewer slots", likelihood="2", severity="4"),
        state=impact_rows("submitted", "side_effect"),
    ),
    ("web:side_effect_delete", "POST the side effect of Pricing's submitted use case"): Ask(
        "post",
        url("web:side_effect_delete", ref("submitted"), side_effect_of("submitted")),
        state=impact_rows("submitted", "side_effect"),
    ),
    ("web:side_effect_delete", "GET the side effect of Pricing's submitted use case"): Ask(
        "get", url("web:side_effect_delete", ref("submitted"), side_effect_of("submitted"))
    ),
    ("web:side_effects_reviewed", "POST Pricing's in-delivery use case"): Ask(
        "post",
        url("web:side_effects_reviewed", ref("in_delivery")),
        state=impact_rows("in_delivery", "side_effect"),
    ),
    ("web:side_effects_reviewed", "GET Pricing's in-delivery use case"): Ask(
        "get", url("web:side_effects_reviewed", ref("in_delivery"))
    ),
    # API: use cases -----------------------------------------------------------------------------------
    ("api:use-case-list", "GET the list"): Ask("get", url("api:use-case-list"), api=True),
    ("api:use-case-list", "POST a draft for Pricing (owner: a Pricing member)"): Ask(
        "post",
        url("api:use-case-list"),
        body(title="A new pricing idea", domain=lambda w: w.domain.slug, team="pricing", owner="owner"),
        state=count(UseCase),
        api=True,
    ),
    ("api:use-case-list", "POST a draft for Pricing with status approved"): Ask(
        "post",
        url("api:use-case-list"),
        body(
            title="Approved already", domain=lambda w: w.domain.slug, team="pricing", owner="owner", status="approved"
        ),
        state=count(UseCase),
        api=True,
    ),
    ("api:use-case-detail", "GET Pricing's draft"): Ask("get", url("api:use-case-detail", pk("draft")), api=True),
    ("api:use-case-detail", "GET Pricing's submitted use case"): Ask(
        "get", url("api:use-case-detail", pk("submitted")), api=True
    ),
    ("api:use-case-detail", "GET Pricing's discarded draft"): Ask(
        "get", url("api:use-case-detail", pk("discarded")), api=True
    ),
    ("api:use-case-detail", "GET an unknown id"): Ask("get", url("api:use-case-detail", const(999999)), api=True),
    ("api:use-case-detail", "PATCH Pricing's draft: new title"): Ask(
        "patch", url("api:use-case-detail", pk("draft")), body(title="Renamed by API"), state=uc_row("draft"), api=True
    ),
    ("api:use-case-detail", "PATCH Pricing's submitted use case: new title"): Ask(
        "patch",
        url("api:use-case-detail", pk("submitted")),
        body(title="Renamed by API"),
        state=uc_row("submitted"),
        api=True,
    ),
    ("api:use-case-detail", "PATCH Pricing's draft: status → approved"): Ask(
        "patch", url("api:use-case-detail", pk("draft")), body(status="approved"), state=uc_row("draft"), api=True
    ),
    ("api:use-case-detail", "PATCH Pricing's draft: reference → UC-9999"): Ask(
        "patch", url("api:use-case-detail", pk("draft")), body(reference="UC-9999"), state=uc_row("draft"), api=True
    ),
    ("api:use-case-detail", "PATCH Pricing's draft: owner → other-team-member"): Ask(
        "patch",
        url("api:use-case-detail", pk("draft")),
        body(owner="other-team-member"),
        state=uc_row("draft"),
        api=True,
    ),
    ("api:use-case-detail", "PATCH Pricing's draft: team → Logistics"): Ask(
        "patch",
        url("api:use-case-detail", pk("draft")),
        body(team="logistics"),
        state=uc_row("draft"),
        api=True,
    ),
    ("api:use-case-detail", "PATCH Logistics' draft: team → Pricing, owner → owner"): Ask(
        "patch",
        url("api:use-case-detail", pk("logistics_draft")),
        body(team="pricing", owner="owner"),
        state=uc_row("logistics_draft"),
        api=True,
    ),
    ("api:use-case-detail", "PUT or DELETE Pricing's draft"): Ask(
        "put,delete", url("api:use-case-detail", pk("draft")), body(title="x"), state=uc_row("draft"), api=True
    ),
    # API: links ---------------------------------------------------------------------------------------
    ("api:link-list", "GET the list"): Ask("get", url("api:link-list"), api=True),
    ("api:link-list", "POST a link from Pricing's draft to Pricing's submitted use case"): Ask(
        "post",
        url("api:link-list"),
        body(source=pk("draft"), target=pk("submitted"), kind="shares_platform"),
        state=count(UseCaseLink),
        api=True,
    ),
    ("api:link-list", "POST a link from Pricing's submitted use case to Logistics' submitted use case"): Ask(
        "post",
        url("api:link-list"),
        body(source=pk("submitted"), target=pk("logistics_submitted"), kind="depends_on"),
        state=count(UseCaseLink),
        api=True,
    ),
    ("api:link-list", "POST a link from Logistics' draft to Pricing's submitted use case"): Ask(
        "post",
        url("api:link-list"),
        body(source=pk("logistics_draft"), target=pk("submitted"), kind="depends_on"),
        state=count(UseCaseLink),
        api=True,
    ),
    ("api:link-detail", "GET the link from Pricing's draft"): Ask(
        "get", url("api:link-detail", lambda w: w.links["draft"].pk), api=True
    ),
    ("api:link-detail", "GET the link between the submitted use cases"): Ask(
        "get", url("api:link-detail", lambda w: w.links["shared"].pk), api=True
    ),
    ("api:link-detail", "PATCH the link from Pricing's draft: strength 3"): Ask(
        "patch",
        url("api:link-detail", lambda w: w.links["draft"].pk),
        body(strength=3),
        state=link_row("draft"),
        api=True,
    ),
    ("api:link-detail", "PATCH the link between the submitted use cases: strength 3"): Ask(
        "patch",
        url("api:link-detail", lambda w: w.links["shared"].pk),
        body(strength=3),
        state=link_row("shared"),
        api=True,
    ),
    ("api:link-detail", "PATCH Logistics' link: source → Pricing's submitted use case"): Ask(
        "patch",
        url("api:link-detail", lambda w: w.links["logistics"].pk),
        body(source=pk("submitted")),
        state=link_row("logistics"),
        api=True,
    ),
    ("api:link-detail", "PATCH Logistics' link: source → Pricing's draft"): Ask(
        "patch",
        url("api:link-detail", lambda w: w.links["logistics"].pk),
        body(source=pk("draft")),
        state=link_row("logistics"),
        api=True,
    ),
    ("api:link-detail", "DELETE the link from Pricing's draft"): Ask(
        "delete", url("api:link-detail", lambda w: w.links["draft"].pk), state=count(UseCaseLink), api=True
    ),
    ("api:link-detail", "DELETE the link between the submitted use cases"): Ask(
        "delete", url("api:link-detail", lambda w: w.links["shared"].pk), state=count(UseCaseLink), api=True
    ),
    ("api:link-detail", "PUT the link from Pricing's draft"): Ask(
        "put",
        url("api:link-detail", lambda w: w.links["draft"].pk),
        body(source=pk("draft"), target=pk("submitted"), kind="reinforces", strength=3),
        state=link_row("draft"),
        api=True,
    ),
    # API: records about drafts ------------------------------------------------------------------------
    ("api:review-round-detail", "GET the round of Pricing's withdrawn draft"): Ask(
        "get", url("api:review-round-detail", lambda w: w.round_of("withdrawn").pk), api=True
    ),
    ("api:vote-detail", "GET the vote on Pricing's withdrawn draft"): Ask(
        "get", url("api:vote-detail", lambda w: w.vote_on("withdrawn").pk), api=True
    ),
    ("api:change-request-detail", "GET the change request on Pricing's withdrawn draft"): Ask(
        "get", url("api:change-request-detail", lambda w: w.change_request_on("withdrawn").pk), api=True
    ),
    ("api:audit-event-detail", "GET an event about Pricing's draft"): Ask(
        "get", url("api:audit-event-detail", lambda w: w.event_about("draft").pk), api=True
    ),
    ("api:audit-event-detail", "GET the event of the write token's creation"): Ask(
        "get",
        url(
            "api:audit-event-detail",
            lambda w: AuditEvent.objects.get(action="api_token.created", target_id=str(w.write_token.pk)).pk,
        ),
        api=True,
    ),
    ("api:graph-node-detail", "GET Pricing's draft"): Ask("get", url("api:graph-node-detail", pk("draft")), api=True),
    ("api:graph-edge-detail", "GET the link from Pricing's draft"): Ask(
        "get", url("api:graph-edge-detail", lambda w: w.links["draft"].pk), api=True
    ),
    # API: portfolios and clustering runs -----------------------------------------------------------------
    **_portfolio_reads(),
    ("api:portfolio-membership-detail", "GET the membership of Pricing's draft"): Ask(
        "get", url("api:portfolio-membership-detail", membership_of("draft")), api=True
    ),
    # Workflow steps, through the API --------------------------------------------------------------------
    ("submit", "Pricing's draft"): _workflow_step("submit", "draft", "submit"),
    ("submit", "Pricing's submitted use case (wrong state)"): _workflow_step("submit", "submitted", "submit"),
    ("withdraw", "Pricing's submitted use case"): _transition("withdraw", "submitted"),
    ("discard", "Pricing's draft"): _transition("discard", "draft"),
    ("start_review", "Pricing's submitted use case"): _workflow_step("start_review", "submitted", "start-review"),
    ("request_changes", "Pricing's use case in review"): _workflow_step(
        "request_changes", "in_review", "request-changes", {"comment": "Quantify the benefit."}
    ),
    ("vote", "Pricing's use case in review"): _workflow_step(
        "vote", "in_review", "votes", {"choice": "approve", "comment": "Sound."}
    ),
    ("approve", "Pricing's use case in review, quorum met"): _workflow_step(
        "approve", "voted", "decide", {"outcome": "approved", "rationale": "Weighed."}
    ),
    ("reject", "Pricing's use case in review, quorum met"): _workflow_step(
        "reject", "voted", "decide", {"outcome": "rejected", "rationale": "Weighed."}
    ),
    ("approve", "Pricing's use case in review, quorum met, as a bare transition"): _transition("approve", "voted"),
    ("put_on_hold", "Pricing's submitted use case"): _transition("put_on_hold", "submitted"),
    ("resume", "Pricing's use case on hold"): _transition("resume", "on_hold"),
    ("start_delivery", "Pricing's approved use case"): _transition("start_delivery", "approved"),
    ("scale", "Pricing's use case in delivery"): _transition("scale", "in_delivery"),
    ("retire", "Pricing's approved use case"): _transition("retire", "approved"),
    # Admin: the site ------------------------------------------------------------------------------------
    ("admin:index", "GET"): Ask("get", url("admin:index")),
    # The dashboard (the admin's home page) serves each chart's rows as CSV (governance/dashboard.py).
    ("admin:dashboard_csv", "GET each chart's CSV of the dashboard"): Ask(
        "get", lambda w: [reverse("admin:dashboard_csv", args=[slug]) for slug in DASHBOARD_CHARTS]
    ),
    ("admin:dashboard_csv", "GET a chart's CSV for an unknown domain"): Ask(
        "get", lambda w: reverse("admin:dashboard_csv", args=["pipeline"]) + "?domain=atlantis"
    ),
    ("admin:dashboard_csv", "GET the CSV of an unknown chart"): Ask("get", url("admin:dashboard_csv", const("pie"))),
    ("admin:login", "GET"): Ask("get", url("admin:login")),
    ("admin:logout", "POST"): Ask("post", url("admin:logout")),
    ("admin:password_change", "GET"): Ask("get", url("admin:password_change")),
    ("admin:password_change_done", "GET"): Ask("get", url("admin:password_change_done")),
    ("admin:jsi18n", "GET"): Ask("get", url("admin:jsi18n")),
    ("admin:autocomplete", "GET use cases for a link's target, term Pricing"): Ask(
        "get",
        lambda w: (
            reverse("admin:autocomplete") + "?app_label=portfolio&model_name=usecaselink&field_name=target&term=Pricing"
        ),
    ),
    ("admin:view_on_site", "GET Pricing's draft"): Ask(
        "get",
        lambda w: reverse(
            "admin:view_on_site",
            args=[ContentType.objects.get_for_model(UseCase).pk, w.uc("draft").pk],
        ),
    ),
    **{
        ("admin:app_list", f"GET the {app} app"): Ask("get", url("admin:app_list", const(app)))
        for app in ("auth", "axes", "core", "domains", "portfolio", "governance")
    },
    ("admin/(?P<url>.*)$", "GET /admin/no-such-page/"): Ask("get", const("/admin/no-such-page/")),
    **_admin_pages(),
    ("admin:auth_user_password_change", "GET team-member's password form"): Ask(
        "get", url("admin:auth_user_password_change", lambda w: w.team_member.pk)
    ),
    # Admin: success measures, side effects and the foundations ranked (governance/admin.py,
    # domains/admin_views.py) ------------------------------------------------------------------------------
    **_impact_admin(),
    # Admin: saving ------------------------------------------------------------------------------------------
    ("admin:auth_group_change", "POST the committee's group: add change_user"): Ask(
        "post",
        admin("auth.group", "change", lambda w: w.group.pk),
        admin_form(
            admin("auth.group", "change", lambda w: w.group.pk),
            permissions=lambda w, who: [
                *w.forms[reverse("admin:auth_group_change", args=[w.group.pk])]["permissions"],
                str(Permission.objects.get(codename="change_user").pk),
            ],
        ),
        state=lambda w: sorted(Group.objects.get(pk=w.group.pk).permissions.values_list("codename", flat=True)),
    ),
    ("admin:core_apitoken_change", "POST the read token (finance's): new name"): Ask(
        "post",
        admin("core.apitoken", "change", lambda w: w.read_token.pk),
        admin_form(admin("core.apitoken", "change", lambda w: w.read_token.pk), name=lambda w, who: "Renamed"),
        state=values(ApiToken, lambda w: w.read_token.pk),
    ),
    ("admin:core_auditevent_change", "GET the event of the write token's creation"): Ask(
        "get",
        admin(
            "core.auditevent",
            "change",
            lambda w: AuditEvent.objects.get(action="api_token.created", target_id=str(w.write_token.pk)).pk,
        ),
    ),
    ("admin:core_apitoken_change", "GET the write token (team-member's)"): Ask(
        "get", admin("core.apitoken", "change", lambda w: w.write_token.pk)
    ),
    ("admin:core_apitoken_add", "POST a token acting as team-member"): Ask(
        "post",
        admin("core.apitoken", "add"),
        body(name="Someone else's", user=lambda w: w.team_member.pk, rate_limit="1200/min"),
        state=count(ApiToken),
    ),
    ("admin:domains_user_change", "POST team-member: made staff"): Ask(
        "post",
        admin("domains.user", "change", lambda w: w.team_member.pk),
        admin_form(admin("domains.user", "change", lambda w: w.team_member.pk), is_staff=lambda w, who: "on"),
        state=values(User, lambda w: w.team_member.pk),
    ),
    (admin_names(ADMIN_GROUPS[1], "change"), "POST one: new description"): Ask(
        "post",
        _pages(ADMIN_GROUPS[1], "change", lambda model: OBJECTS[model]),
        lambda w, who: [
            admin_form(admin(model, "change", OBJECTS[model]), description=lambda w, who: "Described.")(w, who)
            for model in ADMIN_GROUPS[1]
        ],
        state=lambda w: [values(REFERENCE_MODELS[model], OBJECTS[model])(w) for model in ADMIN_GROUPS[1]],
    ),
    ("admin:domains_team_change", "POST Logistics: the requester added to its members"): Ask(
        "post",
        admin("domains.team", "change", lambda w: w.logistics.pk),
        admin_form(
            admin("domains.team", "change", lambda w: w.logistics.pk),
            members=lambda w, who: [str(w.other_team_member.pk), str((who or w.team_member).pk)],
        ),
        state=team_members("logistics"),
    ),
    ("admin:domains_team_add", "POST a new team with the requester in it"): Ask(
        "post",
        admin("domains.team", "add"),
        lambda w, who: {
            "name_en": "Shadow team",
            "name_fr": "Équipe fantôme",
            "slug": "shadow-team",
            "function": str(function("finance").pk),
            "members": [str((who or w.team_member).pk)],
        },
        state=count(Team),
    ),
    ("admin:domains_team_delete", "POST delete the empty team"): Ask(
        "post",
        admin("domains.team", "delete", lambda w: Team.objects.get(slug="empty").pk),
        body(post="yes"),
        state=count(Team),
    ),
    ("admin:domains_usecase_change", "POST Pricing's draft: new title"): Ask(
        "post",
        admin("domains.usecase", "change", pk("draft")),
        admin_form(admin("domains.usecase", "change", pk("draft")), title=lambda w, who: "Renamed in the admin"),
        state=uc_row("draft"),
    ),
    (
        "admin:domains_usecase_change",
        "POST Pricing's draft: new title, with status and reference in the form (ignored)",
    ): Ask(
        "post",
        admin("domains.usecase", "change", pk("draft")),
        admin_form(
            admin("domains.usecase", "change", pk("draft")),
            title=lambda w, who: "Renamed in the admin",
            status=lambda w, who: "approved",
            reference=lambda w, who: "UC-9999",
        ),
        state=uc_row("draft"),
        keep=status_and_reference("draft"),
    ),
    ("admin:domains_usecase_change", "POST Pricing's submitted use case: new title"): Ask(
        "post",
        admin("domains.usecase", "change", pk("submitted")),
        admin_form(admin("domains.usecase", "change", pk("submitted")), title=lambda w, who: "Corrected"),
        state=uc_row("submitted"),
    ),
    ("admin:domains_usecase_simple_history", "POST a past version of Pricing's draft"): Ask(
        "post",
        admin("domains.usecase", "simple_history", pk("draft"), version(UseCase, pk("draft"))),
        body(title="Reverted"),
        state=uc_row("draft"),
    ),
    ("admin:portfolio_usecaselink_change", "POST the link from Pricing's draft: strength 3"): Ask(
        "post",
        admin("portfolio.usecaselink", "change", lambda w: w.links["draft"].pk),
        admin_form(
            admin("portfolio.usecaselink", "change", lambda w: w.links["draft"].pk), strength=lambda w, who: "3"
        ),
        state=link_row("draft"),
    ),
    ("admin:portfolio_usecaselink_delete", "POST delete the link from Pricing's draft"): Ask(
        "post",
        admin("portfolio.usecaselink", "delete", lambda w: w.links["draft"].pk),
        body(post="yes"),
        state=count(UseCaseLink),
    ),
    ("admin:governance_meeting_change", "POST the next meeting: minutes"): Ask(
        "post",
        admin("governance.meeting", "change", lambda w: w.meeting.pk),
        admin_form(admin("governance.meeting", "change", lambda w: w.meeting.pk), minutes=lambda w, who: "Noted."),
        state=values(Meeting, lambda w: w.meeting.pk),
    ),
    (admin_names(ADMIN_GROUPS[0], "change"), "POST one"): Ask(
        "post",
        _pages(ADMIN_GROUPS[0], "change", lambda model: OBJECTS[model]),
        body(comment="x"),
        state=lambda w: [values(RECORD_MODELS[model], OBJECTS[model])(w) for model in ADMIN_GROUPS[0]],
    ),
    # Admin: the committee's mandate, quorum and members (the rule the lead is changing) --------------------
    ("admin:governance_committee_change", "POST the committee: quorum 1 vote from 1 function"): Ask(
        "post",
        admin("governance.committee", "change", lambda w: w.committee.pk),
        admin_form(
            admin("governance.committee", "change", lambda w: w.committee.pk),
            quorum_votes=lambda w, who: "1",
            quorum_functions=lambda w, who: "1",
        ),
        state=committee_state,
    ),
    ("admin:governance_committee_change", "POST the committee: newcomer added as a member"): Ask(
        "post",
        admin("governance.committee", "change", lambda w: w.committee.pk),
        add_newcomer_to_committee,
        state=committee_state,
    ),
    ("admin:governance_committee_change", "POST the committee: finance made chair (the chair's membership ended)"): Ask(
        "post",
        admin("governance.committee", "change", lambda w: w.committee.pk),
        committee_change(finance={"role": "chair"}, chair={"end_date": lambda w: yesterday().isoformat()}),
        state=committee_state,
        prepare=end_chairs_membership,
    ),
    ("admin:governance_committee_add", "POST a new committee"): Ask(
        "post",
        admin("governance.committee", "add"),
        admin_form(
            admin("governance.committee", "add"),
            name=lambda w, who: "Shadow committee",
            quorum_votes=lambda w, who: "1",
            quorum_functions=lambda w, who: "1",
        ),
        state=count(Committee),
    ),
    ("admin:governance_committee_delete", "POST delete the dormant committee"): Ask(
        "post",
        admin("governance.committee", "delete", lambda w: Committee.objects.get(name="Dormant committee").pk),
        body(post="yes"),
        state=count(Committee),
    ),
    # Admin: portfolios, clustering runs and the map ------------------------------------------------------
    ("admin:portfolio_portfolio_changelist", "GET the list"): Ask(
        "get", lambda w: (portfolio_of(w), reverse("admin:portfolio_portfolio_changelist"))[1]
    ),
    ("admin:portfolio_portfolio_add", "GET the add page"): Ask("get", portfolio_admin("add")),
    ("admin:portfolio_portfolio_change", "GET the portfolio"): Ask("get", portfolio_admin("change", portfolio_pk)),
    ("admin:portfolio_portfolio_delete", "GET delete the portfolio"): Ask(
        "get", portfolio_admin("delete", portfolio_pk)
    ),
    ("admin:portfolio_portfolio_history", "GET the history of the portfolio"): Ask(
        "get", portfolio_admin("history", portfolio_pk)
    ),
    ("admin:portfolio_portfolio_simple_history", "GET a past version of the portfolio"): Ask(
        "get", portfolio_admin("simple_history", portfolio_pk, lambda w: portfolio_of(w).history.earliest().history_id)
    ),
    ("admin:portfolio_portfolio_change", "POST the portfolio: new name"): Ask(
        "post",
        portfolio_admin("change", portfolio_pk),
        admin_form(portfolio_admin("change", portfolio_pk), name=lambda w, who: "Pricing and logistics"),
        state=portfolio_row,
    ),
    ("admin:portfolio_portfolio_change", "POST the portfolio: Pricing's approved use case placed in it"): Ask(
        "post",
        portfolio_admin("change", portfolio_pk),
        admin_form(
            portfolio_admin("change", portfolio_pk),
            **{"memberships-2-0-use_case": lambda w, who: str(w.uc("approved").pk)},
        ),
        state=portfolio_members,
    ),
    ("admin:portfolio_portfolio_map", "GET the network map"): Ask("get", portfolio_admin("map")),
    ("admin:portfolio_portfolio_map_data", "GET the map's data, with the shared foundations"): Ask(
        "get", lambda w: (portfolio_of(w), reverse("admin:portfolio_portfolio_map_data") + "?foundations=on")[1]
    ),
    ("admin:portfolio_portfolio_map_data", "GET the map's data for an unknown domain"): Ask(
        "get", lambda w: reverse("admin:portfolio_portfolio_map_data") + "?domain=atlantis"
    ),
    ("admin:portfolio_portfolio_priorities", "GET the ranked list"): Ask("get", portfolio_admin("priorities")),
    ("admin:portfolio_portfolio_priorities", "GET the ranked list as CSV"): Ask(
        "get", lambda w: reverse("admin:portfolio_portfolio_priorities") + "?format=csv"
    ),
    ("admin:portfolio_portfolio_what_if", "GET what stopping Pricing's approved use case would do"): Ask(
        "get", lambda w: reverse("admin:portfolio_portfolio_what_if") + f"?use_cases={w.uc('approved').reference}"
    ),
    (
        "admin:portfolio_portfolio_duplicate_judge",
        "POST Pricing's approved and submitted use cases: not a duplicate",
    ): Ask(
        "post",
        lambda w: reverse("admin:portfolio_portfolio_duplicate_judge"),
        lambda w, who: {"use_case": w.uc("approved").pk, "other": w.uc("submitted").pk, "verdict": "not_duplicate"},
        state=lambda w: sorted(DuplicatePair.objects.values_list("first_id", "second_id", "verdict")),
    ),
    ("admin:portfolio_priorityweights_changelist", "GET the list (the one row)"): Ask(
        "get", admin("portfolio.priorityweights", "changelist")
    ),
    ("admin:portfolio_priorityweights_add", "GET the add page"): Ask("get", admin("portfolio.priorityweights", "add")),
    ("admin:portfolio_priorityweights_change", "GET the weights"): Ask(
        "get", admin("portfolio.priorityweights", "change", const(1))
    ),
    ("admin:portfolio_priorityweights_change", "POST the weights: synergy 0.7"): Ask(
        "post",
        admin("portfolio.priorityweights", "change", const(1)),
        admin_form(admin("portfolio.priorityweights", "change", const(1)), synergy=lambda w, who: "0.7"),
        state=lambda w: tuple(PriorityWeights.current().as_dict().values()),
    ),
    ("admin:portfolio_priorityweights_delete", "GET delete the weights"): Ask(
        "get", admin("portfolio.priorityweights", "delete", const(1))
    ),
    ("admin:portfolio_priorityweights_history", "GET the history of the weights"): Ask(
        "get", admin("portfolio.priorityweights", "history", const(1))
    ),
    ("admin:portfolio_clusteringrun_changelist", "GET the list"): Ask(
        "get", lambda w: (portfolio_of(w), reverse("admin:portfolio_clusteringrun_changelist"))[1]
    ),
    ("admin:portfolio_clusteringrun_add", "GET the 'Propose portfolios' form"): Ask("get", run_admin("add")),
    ("admin:portfolio_clusteringrun_add", "POST propose portfolios with the defaults"): Ask(
        "post", run_admin("add"), body(), state=run_count
    ),
    ("admin:portfolio_clusteringrun_add", "POST propose portfolios with resolution 500"): Ask(
        "post", run_admin("add"), body(resolution="500"), state=run_count
    ),
    ("admin:portfolio_clusteringrun_change", "GET the run"): Ask("get", run_admin("change", run_pk)),
    ("admin:portfolio_clusteringrun_change", "POST the run: status failed"): Ask(
        "post",
        run_admin("change", run_pk),
        body(status="failed"),
        state=lambda w: list(values_of_run(w)),
    ),
    ("admin:portfolio_clusteringrun_delete", "GET delete the run"): Ask("get", run_admin("delete", run_pk)),
    ("admin:portfolio_clusteringrun_history", "GET the history of the run"): Ask("get", run_admin("history", run_pk)),
    (
        "admin/portfolio/{portfolio,clusteringrun,priorityweights}/<path:object_id>/",
        "GET the portfolio, the run and the weights at their old address",
    ): Ask(
        "get",
        lambda w: [
            f"/admin/portfolio/portfolio/{portfolio_pk(w)}/",
            f"/admin/portfolio/clusteringrun/{run_pk(w)}/",
            "/admin/portfolio/priorityweights/1/",
        ],
    ),
    ("portfolio.portfolio adopt_portfolios", "on the proposal, with a reason"): portfolio_action(
        "adopt_portfolios", reason="Funded for the year."
    ),
    ("portfolio.portfolio dismiss_portfolios", "on the proposal"): portfolio_action("dismiss_portfolios", reason=""),
    ("portfolio.portfolio archive_portfolios", "on the portfolio, once adopted"): replace(
        portfolio_action("archive_portfolios", reason="Done."), prepare=adopt_the_portfolio
    ),
    # Admin actions ----------------------------------------------------------------------------------------
    ("domains.usecase workflow_submit", "on Pricing's draft"): workflow_action("workflow_submit", "draft"),
    ("domains.usecase workflow_withdraw", "on Pricing's submitted use case"): workflow_action(
        "workflow_withdraw", "submitted"
    ),
    ("domains.usecase workflow_start_review", "on Pricing's submitted use case"): workflow_action(
        "workflow_start_review", "submitted"
    ),
    ("domains.usecase workflow_vote", "on Pricing's use case in review"): workflow_action(
        "workflow_vote", "in_review", apply="1", choice="approve", comment=""
    ),
    ("domains.usecase workflow_decide", "on Pricing's use case in review, quorum met"): workflow_action(
        "workflow_decide", "voted", apply="1", outcome="approved", rationale="Weighed.", conditions=""
    ),
    ("domains.usecase workflow_request_changes", "on Pricing's use case in review"): workflow_action(
        "workflow_request_changes", "in_review", apply="1", comment="Quantify it."
    ),
    ("domains.usecase workflow_put_on_hold", "on Pricing's submitted use case"): workflow_action(
        "workflow_put_on_hold", "submitted"
    ),
    ("domains.usecase workflow_resume", "on Pricing's use case on hold"): workflow_action("workflow_resume", "on_hold"),
    ("domains.usecase workflow_start_delivery", "on Pricing's approved use case"): workflow_action(
        "workflow_start_delivery", "approved"
    ),
    ("domains.usecase workflow_scale", "on Pricing's use case in delivery"): workflow_action(
        "workflow_scale", "in_delivery"
    ),
    ("domains.usecase workflow_retire", "on Pricing's approved use case"): workflow_action(
        "workflow_retire", "approved"
    ),
    # A read: it redirects to the what-if page and changes nothing (so no state is compared).
    ("domains.usecase what_if_stopping", "on Pricing's approved use case"): action(
        "domains.usecase", "what_if_stopping", pk("approved"), None
    ),
    ("domains.usecase workflow_override_gate", "on Pricing's approved use case: start delivery, with a reason"): (
        workflow_action(
            "workflow_override_gate", "approved", apply="1", step="start_delivery", override_reason="Pilot covers it."
        )
    ),
    ("core.apitoken revoke_tokens", "on the read token (finance's)"): action(
        "core.apitoken", "revoke_tokens", lambda w: w.read_token.pk, values(ApiToken, lambda w: w.read_token.pk)
    ),
    ("domains.usecase mark_side_effects_reviewed", "on Pricing's in-delivery use case, reviewed today"): action(
        "domains.usecase",
        "mark_side_effects_reviewed",
        pk("in_delivery"),
        impact_rows("in_delivery", "side_effect"),
        apply="1",
        reviewed_on=timezone.localdate().isoformat(),
    ),
    ("governance.committee prepare_next_meeting", "on the committee"): action(
        "governance.committee", "prepare_next_meeting", lambda w: w.committee.pk, count(AuditEvent, Meeting)
    ),
    ("auth.group delete_selected", "on the committee's group"): delete_selected(
        "auth.group", Group, lambda w: w.group.pk
    ),
    ("domains.user delete_selected", "on newcomer"): delete_selected(
        "domains.user", User, lambda w: User.objects.get(username="newcomer").pk
    ),
    ("domains.businessfunction delete_selected", "on Sales"): delete_selected(
        "domains.businessfunction", BusinessFunction, lambda w: function("sales").pk
    ),
    ("domains.domain delete_selected", "on the unused domain"): delete_selected(
        "domains.domain", Domain, lambda w: Domain.objects.get(slug="unused").pk
    ),
    ("domains.foundation delete_selected", "on the unused foundation"): delete_selected(
        "domains.foundation", Foundation, lambda w: Foundation.objects.get(slug="unused").pk
    ),
    ("portfolio.usecaselink delete_selected", "on the link from Pricing's draft"): delete_selected(
        "portfolio.usecaselink", UseCaseLink, lambda w: w.links["draft"].pk
    ),
    ("governance.committee delete_selected", "on the dormant committee"): delete_selected(
        "governance.committee", Committee, lambda w: Committee.objects.get(name="Dormant committee").pk
    ),
    ("governance.meeting delete_selected", "on the next meeting"): delete_selected(
        "governance.meeting", Meeting, lambda w: w.meeting.pk
    ),
    **{
        (f"{model} delete_selected", f"on {OBJECT_NAMES[model]}"): delete_selected(model, model_class, OBJECTS[model])
        for model, model_class in (
            ("axes.accessattempt", AccessAttempt),
            ("axes.accesslog", AccessLog),
            ("axes.accessfailurelog", AccessFailureLog),
        )
    },
    **_api_reads(),
    **_api_action_gets(),
    **_impact_api(),
    ("admin:exchange_importrun_confirm", "POST confirm the previewed import"): Ask(
        "post", url("admin:exchange_importrun_confirm", an_import_run), data=lambda w, who: {}, state=import_runs
    ),
    ("admin:exchange_importmapping_from_headers", "GET the form"): Ask(
        "get", url("admin:exchange_importmapping_from_headers")
    ),
    ("exchange_export_portfolio", "GET the portfolio workbook"): Ask("get", url("exchange_export_portfolio")),
    ("exchange_export_eu_register", "GET the EU AI Act register"): Ask("get", url("exchange_export_eu_register")),
    ("api:export-portfolio", "GET the portfolio workbook"): Ask("get", url("api:export-portfolio"), api=True),
    ("api:export-eu-ai-act-register", "GET the EU AI Act register"): Ask(
        "get", url("api:export-eu-ai-act-register"), api=True
    ),
    ("exchange_export_federal_inventory", "GET the federal inventory"): Ask(
        "get", url("exchange_export_federal_inventory")
    ),
    ("api:priorities", "GET the ranked list"): Ask("get", url("api:priorities"), api=True),
    ("api:priorities", "POST a row"): Ask("post", url("api:priorities"), body(rank=1), api=True),
    ("api:what-if", "GET what stopping Pricing's approved use case would do"): Ask(
        "get", lambda w: reverse("api:what-if") + f"?use_cases={w.uc('approved').reference}", api=True
    ),
    ("api:what-if", "POST a row"): Ask("post", url("api:what-if"), body(use_cases="UC-0001"), api=True),
    ("api:similar-use-cases", "GET ?title=Pricing"): Ask(
        "get", lambda w: reverse("api:similar-use-cases") + "?title=Pricing+engine", api=True
    ),
    ("api:similar-use-cases", "POST a row"): Ask("post", url("api:similar-use-cases"), body(title="x"), api=True),
    ("api:export-federal-inventory", "GET the federal inventory"): Ask(
        "get", url("api:export-federal-inventory"), api=True
    ),
    ("api:import-run-list", "GET the list"): Ask(
        "get", lambda w: (an_import_run(w), reverse("api:import-run-list"))[1], api=True
    ),
    ("api:import-run-list", "POST a row"): Ask("post", url("api:import-run-list"), body(name="x"), api=True),
    ("api:import-run-detail", "GET the previewed import"): Ask(
        "get", url("api:import-run-detail", an_import_run), api=True
    ),
    ("api:import-run-detail", "PUT, PATCH or DELETE a row"): Ask(
        ALL_WRITES, url("api:import-run-detail", an_import_run), body(name="x"), api=True
    ),
}

# The admin's direct saves (reference data, accounts, groups, meetings, deletions):
# field history, no audit event. Every other allowed write goes through a service that audits it.
DIRECT_SAVES = {
    ("admin:auth_group_change", "POST the committee's group: add change_user"),
    ("admin:domains_user_change", "POST team-member: made staff"),
    (admin_names(ADMIN_GROUPS[1], "change"), "POST one: new description"),
    ("admin:domains_team_delete", "POST delete the empty team"),
    ("admin:governance_meeting_change", "POST the next meeting: minutes"),
    ("admin:governance_committee_delete", "POST delete the dormant committee"),
    # Confirming records a new import run; its audit event comes when the import has run.
    ("admin:exchange_importrun_confirm", "POST confirm the previewed import"),
    *(key for key in ASKS if key[0].endswith(" delete_selected") and not key[0].startswith("portfolio.")),
}
assert set(ASKS) >= DIRECT_SAVES, DIRECT_SAVES - set(ASKS)
ASKS = {key: replace(spec, audited=False) if key in DIRECT_SAVES else spec for key, spec in ASKS.items()}
