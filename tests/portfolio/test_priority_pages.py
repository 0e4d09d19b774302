"""Where people decide: priorities, keystones and what-if on the admin's pages, the use case's and the
portfolio's admin pages, the team pages and the API; read back as a person or a BI tool would."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.models import AuditEvent
from portfolio.models import Portfolio, PortfolioMembership, PriorityWeights
from tests.factories import UseCaseFactory, UseCaseLinkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(world):
    """Three of the world's team's use cases in review or later, a reinforcing chain a - b - c in an
    adopted portfolio (b is its keystone), and d depending on a."""
    team, domain = world.use_case.team, world.use_case.domain
    a, b, c, d = (
        UseCaseFactory(
            title=title, status="approved", team=team, domain=domain, owner=world.owner, business_value=value
        )
        for title, value in (("Churn model", 5), ("Next best offer", 4), ("Retention emails", 3), ("Call routing", 2))
    )
    UseCaseLinkFactory(source=a, target=b, kind="reinforces", strength=2)
    UseCaseLinkFactory(source=b, target=c, kind="reinforces", strength=2)
    UseCaseLinkFactory(source=d, target=a, kind="depends_on", strength=2)
    portfolio = Portfolio.objects.create(reference="PF-001", name="Customer retention", status="adopted")
    for member in (a, b, c):
        PortfolioMembership.objects.create(portfolio=portfolio, use_case=member)
    return {"a": a, "b": b, "c": c, "d": d, "portfolio": portfolio}


def test_the_committee_reads_the_ranked_list_and_downloads_it(world, committee_admin, chain):
    client = committee_admin(world.finance)

    page = client.get("/admin/portfolio/portfolio/priorities/")
    download = client.get("/admin/portfolio/portfolio/priorities/?format=csv")

    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(chain["b"].reference) < html.index(chain["d"].reference)  # b: reinforced twice
    assert 'class="keystone"' in html
    assert download.status_code == 200 and download["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "rank",
        "reference",
        "title",
        "portfolio",
        "standalone score",
        "synergy",
        "priority",
        "keystone",
        "why",
    ]
    ranked = [row[1] for row in rows[1:]]
    assert ranked[0] == chain["b"].reference
    by_reference = {row[1]: row for row in rows[1:]}
    assert by_reference[chain["b"].reference][7] == "yes" and by_reference[chain["b"].reference][3] == "PF-001"
    assert by_reference[chain["b"].reference][8].startswith("ranked 1st of 4: standalone")


def test_the_list_ranks_within_a_portfolio_and_refuses_an_unknown_one(world, committee_admin, chain):
    client = committee_admin(world.finance)

    inside = client.get("/admin/portfolio/portfolio/priorities/?portfolio=PF-001&format=csv")
    unknown = client.get("/admin/portfolio/portfolio/priorities/?portfolio=PF-999")

    rows = list(csv.reader(io.StringIO(inside.content.decode("utf-8-sig"))))[1:]
    assert sorted(row[1] for row in rows) == sorted(chain[k].reference for k in "abc")
    assert [row[0] for row in rows] == ["1", "2", "3"]
    assert unknown.status_code == 200 and "Please correct the filters below." in unknown.content.decode()


def test_what_if_in_the_admin_names_the_lost_dependency_and_the_split(world, committee_admin, chain):
    client = committee_admin(world.finance)

    stop_a = client.get(f"/admin/portfolio/portfolio/what-if/?use_cases={chain['a'].reference}")
    stop_b = client.get(f"/admin/portfolio/portfolio/what-if/?use_cases={chain['b'].reference.lower()}")
    unknown = client.get("/admin/portfolio/portfolio/what-if/?use_cases=UC-9999")

    assert f"{chain['d'].reference} Call routing: depends on {chain['a'].reference}" in stop_a.content.decode()
    assert "yes: 1 group(s) become 2" in stop_b.content.decode()
    assert "No use case you may see is UC-9999." in unknown.content.decode()


def test_the_use_case_list_action_opens_what_if_with_the_ticked_use_cases(world, committee_admin, chain):
    client = committee_admin(world.finance)

    response = client.post(
        "/admin/domains/usecase/",
        {"action": "what_if_stopping", "_selected_action": [chain["a"].pk, chain["c"].pk]},
    )

    assert response.status_code == 302
    assert response["Location"] == (
        f"/admin/portfolio/portfolio/what-if/?use_cases={chain['a'].reference}%2C{chain['c'].reference}"
    )


def test_the_use_case_admin_page_shows_its_priority_and_the_dependency_gate(world, committee_admin, chain):
    client = committee_admin(world.finance)
    chain["a"].status = "submitted"
    chain["a"].save(update_fields=["status"])

    html = client.get(f"/admin/domains/usecase/{chain['d'].pk}/change/").content.decode()
    keystone = client.get(f"/admin/domains/usecase/{chain['b'].pk}/change/").content.decode()

    assert 'id="priority-sentence"' in html and "standalone" in html
    assert 'id="dependency-gate"' in html and f"{chain['a'].reference} Churn model (Submitted)" in html
    assert "Keystone of its portfolio" in keystone


def test_the_portfolio_admin_page_ranks_its_members_and_flags_the_keystone(world, committee_admin, chain):
    client = committee_admin(world.finance)

    html = client.get(f"/admin/portfolio/portfolio/{chain['portfolio'].pk}/change/").content.decode()

    assert "Members by priority" in html
    table = html[html.index('class="ranked-members"') :]
    assert table.index(chain["b"].reference) < table.index(chain["a"].reference)
    assert "keystone-flag" in table


def test_the_committee_edits_the_weights_in_the_admin_audited(world, committee_admin, chain):
    client = committee_admin(world.finance)
    page = client.get("/admin/portfolio/priorityweights/")
    form = {"business_value": 1, "feasibility": 0.25, "data_readiness": 0.2, "risk": 0.15, "synergy": 0, "conflict": 1}

    saved = client.post("/admin/portfolio/priorityweights/1/change/", form)

    assert page.status_code == 200 and "/admin/portfolio/priorityweights/1/change/" in page.content.decode()
    assert saved.status_code == 302
    assert PriorityWeights.objects.get().synergy == 0
    event = AuditEvent.objects.get(action="priority.weights_changed")
    assert event.actor == world.finance and event.data["changes"]["synergy"] == [0.5, 0.0]


def test_a_weight_out_of_range_is_refused_on_the_form(world, committee_admin, chain):
    client = committee_admin(world.finance)
    form = {"business_value": -1, "feasibility": 0.25, "data_readiness": 0.2, "risk": 0.15, "synergy": 0, "conflict": 1}

    refused = client.post("/admin/portfolio/priorityweights/1/change/", form)

    assert refused.status_code == 200
    assert "Ensure this value is greater than or equal to 0.0." in refused.content.decode()
    assert PriorityWeights.current().business_value == 0.4  # unchanged


def test_the_priorities_page_takes_the_same_queries_with_more_use_cases(world, committee_admin, chain):
    from portfolio.priorities import forget_table

    client = committee_admin(world.finance)
    client.get("/admin/portfolio/portfolio/priorities/")  # warm the session

    def queries() -> int:
        forget_table()  # the table computed afresh each time, as after any change
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/portfolio/portfolio/priorities/").status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for number in range(30):
        other = UseCaseFactory(status="submitted", team=world.use_case.team, domain=world.use_case.domain)
        UseCaseLinkFactory(source=other, target=chain["c"], kind="shares_data")
        del number
    assert queries() == few


# API -------------------------------------------------------------------------------------------------


def test_the_api_lists_priorities_and_a_bi_tool_pulls_them_as_csv(world, chain):
    from tests.api.test_faults_api import token_client

    client = token_client(world.finance, can_write=False)

    listed = client.get("/api/v1/priorities/")
    keystones = client.get("/api/v1/priorities/?keystone=true")
    as_csv = client.get("/api/v1/priorities/?format=csv")

    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 4 and body["results"][0]["reference"] == chain["b"].reference
    first = body["results"][0]
    assert first["keystone"] is True and first["cut_off"] == 1 and first["portfolio"] == "PF-001"
    assert first["priority"] == pytest.approx(first["standalone"] + first["synergy"], abs=1e-3)
    assert [row["reference"] for row in keystones.json()["results"]] == [chain["b"].reference]
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert rows[0]["reference"] == chain["b"].reference and rows[0]["keystone"] == "True"


@pytest.mark.parametrize(("query", "field"), [("keystone=maybe", "keystone"), ("sort=rank", "sort")])
def test_the_api_refuses_a_bad_filter_naming_it(world, chain, query, field):
    client = APIClient()
    client.force_login(world.owner)

    refused = client.get(f"/api/v1/priorities/?{query}")

    assert refused.status_code == 400 and field in refused.json()


def test_the_api_what_if_writes_nothing_and_names_what_it_cannot_find(world, chain):
    client = APIClient()
    client.force_login(world.owner)
    events = AuditEvent.objects.count()

    answered = client.get(f"/api/v1/what-if/?use_cases={chain['b'].reference}")
    unknown = client.get("/api/v1/what-if/?use_cases=UC-9999")
    empty = client.get("/api/v1/what-if/")

    assert answered.status_code == 200
    body = answered.json()
    assert body["stopped"] == [chain["b"].reference]
    assert body["portfolios"][0]["splits"] is True and body["portfolios"][0]["reference"] == "PF-001"
    assert {row["reference"] for row in body["most_affected"]} == {chain["a"].reference, chain["c"].reference}
    assert unknown.status_code == 404 and unknown.json()["use_cases"] == ["No use case you may see is UC-9999."]
    assert empty.status_code == 400 and "use_cases" in empty.json()
    assert AuditEvent.objects.count() == events


def test_anonymous_gets_401_from_both(db):
    client = APIClient()

    assert client.get("/api/v1/priorities/").status_code == 401
    assert client.get("/api/v1/what-if/?use_cases=UC-0001").status_code == 401


# Team pages -------------------------------------------------------------------------------------------


def test_the_team_page_shows_the_priority_and_the_keystone(world, client, chain):
    client.force_login(world.owner)

    detail = client.get(f"/use-cases/{chain['b'].reference}/").content.decode()
    portfolios = client.get("/portfolios/").content.decode()

    assert 'id="priority-sentence"' in detail and "Ranked 1st of 4: standalone" in detail
    assert "tag--keystone" in detail
    assert portfolios.count("tag--keystone") == 1


def test_what_if_counts_another_teams_draft_without_naming_it(world, chain):
    other_team_draft = UseCaseFactory(title="Secret pricing idea", status="draft")
    UseCaseLinkFactory(source=other_team_draft, target=chain["a"], kind="depends_on")
    client = APIClient()
    client.force_login(world.owner)

    body = client.get(f"/api/v1/what-if/?use_cases={chain['a'].reference}").json()

    assert [row["reference"] for row in body["losing_dependency"]] == [chain["d"].reference]
    assert body["hidden_dependants"] == 1
    assert "Secret pricing idea" not in str(body)


def test_an_unknown_domain_or_portfolio_has_no_rows_as_in_the_apis_other_filters(world, chain):
    client = APIClient()
    client.force_login(world.owner)

    assert client.get("/api/v1/priorities/?domain=nowhere").json()["results"] == []
    assert client.get("/api/v1/priorities/?portfolio=PF-999").json()["count"] == 0
    assert client.get("/api/v1/what-if/?use_cases=not-a-reference%20at%20all").status_code == 400


def test_the_api_endpoints_take_the_same_queries_whatever_the_number_of_use_cases(world, chain):
    from portfolio.priorities import forget_table

    client = APIClient()
    client.force_login(world.owner)
    client.get("/api/v1/priorities/")  # the session

    def queries() -> tuple[int, int]:
        counts = []
        for url in ("/api/v1/priorities/", f"/api/v1/what-if/?use_cases={chain['b'].reference}"):
            forget_table()
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured.captured_queries))
        return tuple(counts)

    few = queries()
    for number in range(25):
        other = UseCaseFactory(status="submitted", team=world.use_case.team, domain=world.use_case.domain)
        UseCaseLinkFactory(source=other, target=chain["b"], kind="reinforces")
        del number
    assert queries() == few
