"""The portfolio lists for BI: portfolios, their members and the clustering runs, read-only, with the
filters, cursor and CSV of every list; members (and ties) of use cases the requester may not see are
hidden; graph nodes carry their portfolio. The data comes from real runs over real links."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.actors import SYSTEM
from domains.models import UseCaseFoundation
from portfolio import services
from portfolio.models import ClusteringRun, Portfolio, PortfolioMembership
from tests.api.conftest import body
from tests.factories import DomainFactory, FoundationFactory, TeamFactory, UseCaseFactory, UseCaseLinkFactory

pytestmark = pytest.mark.django_db

PORTFOLIOS = "/api/v1/portfolios/"
MEMBERSHIPS = "/api/v1/portfolio-memberships/"
RUNS = "/api/v1/clustering-runs/"
NODES = "/api/v1/graph/nodes/"

PORTFOLIO_KEYS = [
    "id",
    "reference",
    "name",
    "theme",
    "status",
    "status_changed_at",
    "owner",
    "member_count",
    "internal_weight",
    "cohesion",
    "total_benefit",
    "total_cost",
    "transformation_share",
    "domains",
    "functions",
    "shared_foundations",
    "why",
    "proposed_by_run",
    "last_run",
    "created_at",
    "updated_at",
]
MEMBERSHIP_KEYS = [
    "id",
    "portfolio",
    "portfolio_reference",
    "use_case",
    "use_case_reference",
    "pinned",
    "source",
    "strength",
    "ties",
    "created_at",
    "updated_at",
]
RUN_KEYS = [
    "id",
    "status",
    "parameters",
    "fingerprint",
    "started_by",
    "started_at",
    "finished_at",
    "duration_seconds",
    "progress",
    "progress_message",
    "node_count",
    "edge_count",
    "foundation_count",
    "portfolio_count",
    "isolated_count",
    "modularity",
    "resolution_used",
    "moved_count",
    "error",
    "changes",
    "created_at",
    "updated_at",
]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def rows(client, path: str, params: dict | None = None) -> list[dict]:
    response = client.get(path, {"page_size": 1000, **(params or {})})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def csv_rows(client, path: str, params: dict | None = None) -> list[dict]:
    response = client.get(path, {"format": "csv", **(params or {})})
    assert response.status_code == 200, body(response)[:300]
    return list(csv.DictReader(io.StringIO(body(response).decode())))


def cluster(**choices) -> ClusteringRun:
    run = services.clustering_run_create(actor=SYSTEM, dispatch=False, **choices)
    run = services.clustering_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    return run


def linked_group(size: int, *, team, domain, title: str) -> list:
    """`size` approved use cases, each linked to the next, all on one shared foundation."""
    members = [
        UseCaseFactory(status="approved", team=team, owner=team.members.first(), domain=domain, title=f"{title} {i}")
        for i in range(size)
    ]
    for source, target in zip(members, members[1:], strict=False):
        UseCaseLinkFactory(source=source, target=target, kind="reinforces", strength=3)
    foundation = FoundationFactory(name=f"{title} data")
    UseCaseFoundation.objects.bulk_create(UseCaseFoundation(use_case=uc, foundation=foundation) for uc in members)
    return members


@pytest.fixture
def groups(world):
    """Two groups of three, one in Pricing (world.use_case's team) and one in Logistics, clustered by
    a real run; then the committee places Pricing's draft (world.use_case) in the first portfolio."""
    pricing = world.use_case.team
    logistics = TeamFactory(slug="logistics")
    retail = DomainFactory(name="Retail", slug="retail")
    first = linked_group(3, team=pricing, domain=retail, title="Churn")
    second = linked_group(3, team=logistics, domain=retail, title="Routing")
    run = cluster()
    portfolio = Portfolio.objects.get(memberships__use_case=first[0])
    draft = world.use_case
    services.portfolio_member_add(actor=world.chair, portfolio=portfolio, use_case=draft)
    return {"first": first, "second": second, "run": run, "portfolio": portfolio, "draft": draft}


# Shapes --------------------------------------------------------------------------------------------


def test_a_portfolio_row_has_its_metrics_and_the_sentence_that_says_why(world, groups):
    portfolio = groups["portfolio"]
    services.portfolio_adopt(actor=world.chair, portfolio=portfolio, name="Churn prevention", owner=world.chair)
    portfolio.refresh_from_db()

    listed = rows(client_for(world.chair), PORTFOLIOS)
    row = next(r for r in listed if r["id"] == portfolio.pk)

    assert list(row) == PORTFOLIO_KEYS
    assert len(listed) == 2
    assert row["reference"] == portfolio.reference and row["reference"].startswith("PF-")
    assert (row["name"], row["status"], row["owner"]) == ("Churn prevention", "adopted", "chair")
    assert row["member_count"] == 4  # three clustered, the draft placed by the committee
    assert row["why"] == portfolio.why and row["why"].startswith("4 use cases sharing Churn data")
    assert row["shared_foundations"] == ["Churn data"]
    assert row["domains"] == portfolio.domains and "Retail" in row["domains"]
    assert row["proposed_by_run"] == groups["run"].pk and row["last_run"] == groups["run"].pk
    assert row["total_benefit"] == float(portfolio.total_benefit)
    assert client_for(world.chair).get(f"{PORTFOLIOS}{portfolio.pk}/").json() == row


def test_a_membership_row_names_its_portfolio_use_case_and_ties(world, groups):
    member = groups["first"][1]

    [row] = rows(client_for(world.chair), MEMBERSHIPS, {"use_case": member.pk})

    assert list(row) == MEMBERSHIP_KEYS
    assert row["portfolio_reference"] == groups["portfolio"].reference
    assert (row["use_case"], row["use_case_reference"]) == (member.pk, member.reference)
    assert (row["pinned"], row["source"]) == (False, "clustering")
    assert row["strength"] > 0
    linked = {tie["reference"] for tie in row["ties"] if tie["type"] == "link"}
    assert linked == {groups["first"][0].reference, groups["first"][2].reference}
    assert {tie["name"] for tie in row["ties"] if tie["type"] == "foundation"} == {"Churn data"}


def test_a_run_row_has_its_parameters_counts_and_changes(world, groups):
    run = groups["run"]

    [row] = rows(client_for(world.chair), RUNS)

    assert list(row) == RUN_KEYS
    assert (row["id"], row["status"], row["progress"], row["started_by"]) == (run.pk, "succeeded", 100, None)
    assert row["parameters"]["min_size"] == run.parameters["min_size"] and row["fingerprint"] == run.fingerprint
    assert (row["node_count"], row["portfolio_count"]) == (6, 2)
    assert row["modularity"] == run.modularity and row["duration_seconds"] > 0
    assert row["resolution_used"] == 1.0 and row["parameters"]["reference_weight"] == 10_000.0
    assert sorted(new["members"] for new in row["changes"]["new"]) == [3, 3]


def test_the_lists_are_read_only(world, groups):
    chair = client_for(world.chair)
    for path in (PORTFOLIOS, MEMBERSHIPS, RUNS):
        assert chair.post(path, {"name": "x"}, format="json").status_code == 405, path
    portfolio = groups["portfolio"]
    assert chair.patch(f"{PORTFOLIOS}{portfolio.pk}/", {"name": "x"}, format="json").status_code == 405


# Filters, ordering, cursor, CSV ------------------------------------------------------------------------


def test_portfolios_filter_by_status_reference_and_change_time(world, groups):
    chair = client_for(world.chair)
    portfolio = groups["portfolio"]
    services.portfolio_adopt(actor=world.chair, portfolio=portfolio)

    assert [r["id"] for r in rows(chair, PORTFOLIOS, {"status": "adopted"})] == [portfolio.pk]
    assert len(rows(chair, PORTFOLIOS, {"status": "adopted,proposed"})) == 2
    assert [r["id"] for r in rows(chair, PORTFOLIOS, {"reference": portfolio.reference})] == [portfolio.pk]
    assert rows(chair, PORTFOLIOS, {"updated_since": "2999-01-01T00:00:00Z"}) == []
    bad = chair.get(PORTFOLIOS, {"status": "approved"})
    assert bad.status_code == 400 and "adopted" in " ".join(bad.json()["status"])


def test_memberships_filter_by_portfolio_use_case_and_pinned(world, groups):
    chair = client_for(world.chair)
    portfolio = groups["portfolio"]

    in_first = rows(chair, MEMBERSHIPS, {"portfolio": portfolio.pk})
    pinned = rows(chair, MEMBERSHIPS, {"pinned": "true"})

    assert {r["use_case"] for r in in_first} == {uc.pk for uc in groups["first"]} | {groups["draft"].pk}
    assert [(r["use_case"], r["source"]) for r in pinned] == [(groups["draft"].pk, "committee")]
    assert len(rows(chair, MEMBERSHIPS, {"pinned": "false"})) == 6
    assert chair.get(MEMBERSHIPS, {"pinned": "yes"}).status_code == 400


def test_runs_filter_by_status(world, groups):
    chair = client_for(world.chair)
    pending = services.clustering_run_create(actor=world.chair, dispatch=False)

    assert [r["id"] for r in rows(chair, RUNS, {"status": "pending"})] == [pending.pk]
    assert [r["started_by"] for r in rows(chair, RUNS, {"status": "pending"})] == ["chair"]
    # Newest first.
    assert [r["id"] for r in rows(chair, RUNS)] == [pending.pk, groups["run"].pk]


def test_the_cursor_walks_every_row_once(world, groups):
    chair = client_for(world.chair)
    for path in (PORTFOLIOS, MEMBERSHIPS):
        seen, params = [], {"pagination": "cursor", "page_size": 1}
        while True:
            page = chair.get(path, params).json()
            seen += [row["id"] for row in page["results"]]
            if page["next"] is None:
                break
            params = {**params, "cursor": parse_qs(urlsplit(page["next"]).query)["cursor"][0]}
        everything = [row["id"] for row in rows(chair, path)]
        assert sorted(seen) == sorted(everything) and len(seen) == len(set(seen)), path


def test_csv_has_the_json_columns_with_lists_joined_and_ties_readable(world, groups):
    chair = client_for(world.chair)
    member = groups["first"][1]
    portfolio = groups["portfolio"]
    portfolio.refresh_from_db()

    [portfolio_row] = csv_rows(chair, PORTFOLIOS, {"reference": portfolio.reference})
    [member_row] = csv_rows(chair, MEMBERSHIPS, {"use_case": member.pk})
    [run_row] = csv_rows(chair, RUNS)

    assert list(portfolio_row) == PORTFOLIO_KEYS
    assert list(member_row) == MEMBERSHIP_KEYS
    assert list(run_row) == RUN_KEYS
    assert portfolio_row["why"] == portfolio.why
    assert portfolio_row["shared_foundations"] == "Churn data"
    ties = member_row["ties"].split("|")
    assert any(tie.startswith(f"Reinforces {groups['first'][0].reference} (") for tie in ties), ties
    assert any(tie.startswith("Churn data, shared with 2 (") for tie in ties), ties
    assert run_row["status"] == "succeeded" and '"new"' in run_row["changes"]


# Visibility ----------------------------------------------------------------------------------------------


def test_a_drafts_membership_is_hidden_from_tokens_and_other_teams_but_not_from_its_team(world, groups, make_token):
    draft = groups["draft"]
    membership = PortfolioMembership.objects.get(use_case=draft)

    def members(client) -> set[int]:
        return {row["use_case"] for row in rows(client, MEMBERSHIPS)}

    read_token = make_token(user=world.chair)  # a BI client sees no draft, whoever it acts as
    assert draft.pk not in members(read_token)
    assert read_token.get(f"{MEMBERSHIPS}{membership.pk}/").status_code == 404
    assert draft.pk not in members(client_for(world.other_team_member))
    assert draft.pk in members(client_for(world.team_member))
    assert client_for(world.team_member).get(f"{MEMBERSHIPS}{membership.pk}/").status_code == 200
    assert draft.pk in members(client_for(world.chair))
    assert draft.reference not in body(read_token.get(MEMBERSHIPS, {"format": "csv"})).decode()


def test_ties_and_run_changes_naming_a_draft_leave_it_out_for_those_who_may_not_see_it(world, make_token):
    # given a run the committee asked to cover drafts: the draft is clustered, and tied to by name
    pricing = world.use_case.team
    shared = [UseCaseFactory(status="approved", team=pricing, owner=world.owner, title=f"Shared {i}") for i in range(2)]
    draft = world.use_case
    for other in shared:
        UseCaseLinkFactory(source=draft, target=other, kind="reinforces", strength=3)
    UseCaseLinkFactory(source=shared[0], target=shared[1], kind="reinforces", strength=1)
    cluster(statuses=["draft", "approved"])
    assert PortfolioMembership.objects.filter(use_case=draft).exists()
    token, other_team = make_token(user=world.chair), client_for(world.other_team_member)

    def tie_references(client) -> set[str]:
        return {tie.get("reference") for row in rows(client, MEMBERSHIPS) for tie in row["ties"]}

    assert draft.reference in tie_references(client_for(world.chair))
    assert draft.reference in tie_references(client_for(world.team_member))
    assert draft.reference not in tie_references(token)
    assert draft.reference not in tie_references(other_team)
    assert draft.reference not in body(token.get(MEMBERSHIPS, {"format": "csv"})).decode()
    # The draft holds the group together, but a draft never names a portfolio nor its why, for anyone.
    assert draft.title not in rows(client_for(world.chair), PORTFOLIOS)[0]["why"]
    assert draft.title not in rows(token, PORTFOLIOS)[0]["why"]
    assert draft.title not in csv_rows(token, PORTFOLIOS)[0]["why"]

    # when a later run without drafts sees the draft leave its portfolio, by name
    second = cluster()
    assert draft.reference in str(second.changes["left"])

    def named_in_runs(client) -> str:
        return str([row["changes"] for row in rows(client, RUNS)]) + body(client.get(RUNS, {"format": "csv"})).decode()

    assert draft.reference not in named_in_runs(token)
    assert draft.reference not in named_in_runs(other_team)
    assert draft.reference in named_in_runs(client_for(world.chair))
    assert draft.reference in named_in_runs(client_for(world.team_member))


# Graph nodes ----------------------------------------------------------------------------------------------


def test_graph_nodes_carry_their_live_portfolio(world, groups):
    chair = client_for(world.chair)
    portfolio = groups["portfolio"]
    nodes = {row["id"]: row for row in rows(chair, NODES)}
    lonely = UseCaseFactory(status="approved", team=world.use_case.team, owner=world.owner)

    member = nodes[groups["first"][0].pk]
    assert (member["portfolio"], member["portfolio_name"]) == (portfolio.reference, portfolio.name)
    assert nodes[groups["draft"].pk]["portfolio"] == portfolio.reference
    [alone] = rows(chair, NODES, {"reference": lonely.reference})
    assert (alone["portfolio"], alone["portfolio_name"]) == (None, None)
    [alone_csv] = csv_rows(chair, NODES, {"reference": lonely.reference})
    assert (alone_csv["portfolio"], alone_csv["portfolio_name"]) == ("", "")
    # A dismissed portfolio gives its members up: their nodes have none.
    services.portfolio_dismiss(actor=world.chair, portfolio=portfolio, reason="Not now.")
    assert rows(chair, NODES, {"reference": groups["first"][0].reference})[0]["portfolio"] is None


# Query counts ---------------------------------------------------------------------------------------------

LISTS = (PORTFOLIOS, MEMBERSHIPS, RUNS, NODES)
MODES = ({}, {"pagination": "cursor"}, {"format": "csv"})
# Session and user, the committee's permission check, count (pages only), rows, and the visibility
# check of ties or changes (for those who may not see every use case).
MAX_QUERIES = 8


def queries(client) -> dict:
    counts = {}
    for path in LISTS:
        for params in MODES:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path, {"page_size": 1000, **params} if "format" not in params else params)
                assert response.status_code == 200, (path, params)
                body(response)
            counts[(path, tuple(params))] = len(captured)
    return counts


@pytest.mark.parametrize("who", ["chair", "read token", "team member"])
def test_the_lists_run_a_fixed_number_of_queries_whatever_their_rows(
    world, groups, make_token, django_assert_max_num_queries, who
):
    client = {
        "chair": lambda: client_for(world.chair),
        "read token": lambda: make_token(user=world.chair),
        "team member": lambda: client_for(world.team_member),
    }[who]()
    client.get(NODES)  # a token's first request records when it was last used
    few = queries(client)
    retail = DomainFactory(slug="retail")
    for n in range(8):
        team = TeamFactory(slug=f"team-{n}", members=[world.owner])
        linked_group(4, team=team, domain=retail, title=f"Group {n}")
    cluster()
    assert Portfolio.objects.filter(status="proposed").count() >= 10
    assert PortfolioMembership.objects.count() >= 30

    many = queries(client)

    assert many == few
    for path in LISTS:
        for params in MODES:
            with django_assert_max_num_queries(MAX_QUERIES):
                body(client.get(path, params))
