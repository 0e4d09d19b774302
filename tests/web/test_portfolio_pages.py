"""The team site's portfolios: the Portfolios page (each adopted portfolio, its members, the
foundations they share, the scattered pilots) and, on each use case's page, its portfolio and its
strongest ties. Portfolios come from a real clustering run over real links, adopted through the
committee's service."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.actors import SYSTEM
from domains.models import UseCaseFoundation
from governance import services as workflow
from portfolio import services
from portfolio.models import Portfolio, PortfolioMembership
from tests.factories import FoundationFactory, UseCaseLinkFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("web:portfolio_list")


def detail(use_case) -> str:
    return reverse("web:use_case_detail", args=[use_case.reference])


def group(org, size: int, *, label: str, team=None, kind: str = "reinforces", foundation: str | None = None):
    """`size` use cases of one team submitted to the committee (through the workflow), every pair
    linked, and all of them on one foundation when named: a group the clustering keeps together."""
    team = team or org.pricing
    owner = team.members.first()
    members = [org.submit(org.use_case(title=f"{label} {i}", team=team, owner=owner)) for i in range(size)]
    for position, source in enumerate(members):
        for target in members[position + 1 :]:
            UseCaseLinkFactory(source=source, target=target, kind=kind, strength=3)
    if foundation:
        shared = FoundationFactory(name=foundation)
        UseCaseFoundation.objects.bulk_create(UseCaseFoundation(use_case=uc, foundation=shared) for uc in members)
    return members


def cluster():
    run = services.clustering_run_create(actor=SYSTEM, dispatch=False)
    return services.clustering_run_execute(run_id=run.pk)


def adopt_all(prefix: str = "Portfolio") -> list[Portfolio]:
    """Adopt every proposal, named "<prefix> <n>", owned by nobody in particular."""
    adopted = []
    for n, portfolio in enumerate(Portfolio.objects.filter(status="proposed").order_by("reference")):
        adopted.append(services.portfolio_adopt(actor=SYSTEM, portfolio=portfolio, name=f"{prefix} {n}"))
    return adopted


def portfolio_of(use_case) -> Portfolio:
    return PortfolioMembership.objects.select_related("portfolio").get(use_case=use_case).portfolio


# The Portfolios page -------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client, org):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_nav_leads_to_the_page_and_marks_it(alice_client, org):
    response = alice_client.get(PAGE)
    assert response.status_code == 200
    assert f'<a href="{PAGE}" aria-current="page">Portfolios</a>' in response.text
    assert f'<a href="{PAGE}">Portfolios</a>' in alice_client.get(reverse("web:use_case_browse")).text


def test_says_so_when_nothing_is_adopted_yet(alice_client, org):
    group(org, 3, label="Pricing idea")
    cluster()  # proposed, not adopted

    response = alice_client.get(PAGE)

    assert "No portfolio adopted yet" in response.text
    assert "Pricing idea 0" not in response.text


def test_an_adopted_portfolio_shows_its_why_members_foundations_and_metrics(alice_client, org):
    members = group(org, 4, label="Dynamic pricing", foundation="Customer 360")
    cluster()
    (portfolio,) = adopt_all("Pricing that sells")
    portfolio.owner = org.paul
    portfolio.save(update_fields=["owner"])

    text = alice_client.get(PAGE).text

    assert "Pricing that sells" in text
    assert f'id="{portfolio.reference}"' in text
    assert portfolio.why and portfolio.why in text  # "4 use cases sharing Customer 360 and ..."
    assert "Owner: <strong>Paul Durand</strong>" in text
    for use_case in members:
        assert f'href="{detail(use_case)}"><span class="ref">{use_case.reference}</span> {use_case.title}</a>' in text
    assert "Customer 360" in text and "used by 4 members" in text
    assert f"{round(portfolio.cohesion * 100)} %" in text
    assert "1,000,000 €" in text  # 4 x 250,000 estimated by the factory
    assert "Your team takes part" in text


def test_another_team_sees_the_portfolio_without_the_your_team_marks(bob_client, org):
    group(org, 3, label="Dynamic pricing")
    cluster()
    adopt_all("Pricing that sells")

    text = bob_client.get(PAGE).text

    assert "Pricing that sells" in text and "Dynamic pricing 0" in text
    assert "Your team takes part" not in text


def test_a_proposal_is_not_listed(alice_client, org):
    group(org, 3, label="Adopted one")
    cluster()
    adopt_all("Adopted portfolio")
    group(org, 3, label="Still proposed", kind="shares_data")
    cluster()
    assert Portfolio.objects.filter(status="proposed").count() == 1

    text = alice_client.get(PAGE).text

    assert "Adopted one 0" in text
    assert "Still proposed 0" not in text


def test_another_teams_draft_placed_in_a_portfolio_is_not_shown_to_an_outsider(client, org):
    # given a portfolio of Pricing's, one of whose members went back to draft after the run
    members = group(org, 4, label="Pricing member")
    cluster()
    adopt_all("Pricing that sells")
    draft = workflow.use_case_withdraw(actor=org.alice, use_case=members[0])
    draft.title = "Secret pricing draft"
    draft.save(update_fields=["title"])
    assert PortfolioMembership.objects.filter(use_case=draft).exists()

    # then Logistics sees the portfolio and the other members, not the draft
    client.force_login(org.bob)
    outsider = client.get(PAGE).text
    assert "Pricing member 1" in outsider
    assert "Secret pricing draft" not in outsider and draft.reference not in outsider
    # nor the tie to it on a fellow member's page
    page = client.get(detail(members[1])).text
    assert "Pricing member 2" in page
    assert "Secret pricing draft" not in page and draft.reference not in page

    # while its own team still sees it in both places
    client.force_login(org.alice)
    assert "Secret pricing draft" in client.get(PAGE).text
    assert "Secret pricing draft" in client.get(detail(members[1])).text


def test_lists_the_scattered_pilots_of_the_latest_run(alice_client, org):
    group(org, 3, label="Linked")
    alone = org.submit(org.use_case(title="Lonely chatbot", team=org.logistics, owner=org.bob))
    cluster()

    text = alice_client.get(PAGE).text

    scattered = text[text.index('id="h-scattered"') :]
    assert f'<span class="ref">{alone.reference}</span> Lonely chatbot' in scattered
    assert "Linked 0" not in scattered


def test_says_when_the_links_were_never_analysed(alice_client, org):
    assert "The links have not been analysed yet." in alice_client.get(PAGE).text


def test_query_count_does_not_grow_with_portfolios_and_members(alice_client, org, django_assert_max_num_queries):
    # given 2 adopted portfolios and a scattered pilot, then 20 (with more members each) and 4 pilots
    group(org, 3, label="First", foundation="Shared A")
    group(org, 3, label="Second", team=org.logistics)
    org.submit(org.use_case(title="Alone first"))
    cluster()
    adopt_all("Early")
    with CaptureQueriesContext(connection) as few:
        assert alice_client.get(PAGE).status_code == 200
    for n in range(18):
        group(org, 4, label=f"Group {n}", team=org.logistics if n % 2 else None, foundation=f"Shared {n}")
    for n in range(3):
        org.submit(org.use_case(title=f"Alone {n}"))
    cluster()
    adopt_all("Later")
    assert Portfolio.objects.filter(status="adopted").count() == 20

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = alice_client.get(PAGE)

    assert response.text.count("</span> Group 17 ") == 4  # its members, linked
    assert "Alone 2" in response.text


# A use case's page ---------------------------------------------------------------------------------


def test_a_members_page_shows_its_portfolio_and_strongest_ties(alice_client, org):
    members = group(org, 3, label="Store forecast", kind="shares_data", foundation="Customer 360")
    cluster()
    (portfolio,) = adopt_all("Stores that plan ahead")

    text = alice_client.get(detail(members[0])).text

    aside = text[text.index('id="h-portfolio"') :]
    assert f'href="{PAGE}#{portfolio.reference}"' in aside
    assert "Stores that plan ahead" in aside and "Adopted" in aside
    assert f'Shares data with <a href="{detail(members[1])}"><span class="ref">{members[1].reference}</span>' in aside
    assert "Shares the Customer 360 foundation with 2 other members" in aside
    assert "Pinned" not in aside


def test_a_dependency_tie_says_which_way_it_goes(alice_client, org):
    # given a -> b -> c, each depending on the next (and a -> c)
    a, b, c = group(org, 3, label="Layer", kind="depends_on")
    cluster()
    adopt_all()

    aside = alice_client.get(detail(b)).text.split('id="h-portfolio"')[1]

    assert f'Depends on <a href="{detail(c)}">' in aside
    assert f'Is a dependency of <a href="{detail(a)}">' in aside


def test_a_pinned_member_says_so(alice_client, org):
    members = group(org, 3, label="Store forecast")
    cluster()
    adopt_all()
    membership = PortfolioMembership.objects.get(use_case=members[0])
    services.portfolio_member_pin(actor=SYSTEM, membership=membership)

    aside = alice_client.get(detail(members[0])).text.split('id="h-portfolio"')[1]

    assert "Pinned" in aside
    assert "pinned this use case in it" in aside


def test_a_proposal_shows_as_proposed_without_a_link_to_the_page(alice_client, org):
    members = group(org, 3, label="Store forecast")
    cluster()
    portfolio = portfolio_of(members[0])

    aside = alice_client.get(detail(members[0])).text.split('id="h-portfolio"')[1]

    assert portfolio.name in aside and "Proposed" in aside
    assert f"{PAGE}#" not in aside


def test_a_use_case_in_no_portfolio_says_so(alice_client, org):
    use_case = org.submit(org.use_case())
    cluster()
    assert "Not in any portfolio" in alice_client.get(detail(use_case)).text


def test_ties_add_no_queries_to_the_use_case_page(alice_client, org, django_assert_max_num_queries):
    # given a member with a single tie, and one with the most ties a member keeps
    pair = group(org, 3, label="Few ties")
    hub = org.submit(org.use_case(title="Hub"))
    spokes = [org.submit(org.use_case(title=f"Spoke {i}")) for i in range(7)]
    for spoke in spokes:
        UseCaseLinkFactory(source=hub, target=spoke, kind="shares_platform", strength=3)
    foundations = [FoundationFactory(name=f"Platform {i}") for i in range(3)]
    for foundation in foundations:
        UseCaseFoundation.objects.bulk_create(
            UseCaseFoundation(use_case=uc, foundation=foundation) for uc in [hub, *spokes]
        )
    cluster()
    adopt_all()
    assert len(PortfolioMembership.objects.get(use_case=hub).ties) == 5
    with CaptureQueriesContext(connection) as few:
        alice_client.get(detail(pair[0]))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = alice_client.get(detail(hub))

    aside = response.text.split('id="h-portfolio"')[1].split('id="h-feedback"')[0]
    assert aside.count("<li>") == 5
