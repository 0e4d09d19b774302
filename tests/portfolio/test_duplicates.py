"""Duplicates at intake: the method meets its target on the labelled set, a draft finds the same idea
(paraphrased, or in French) and not a near miss, the committee's verdicts stick, and the team form,
the admin and the API show the suggestions."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.models import AuditEvent
from domains.models import UseCaseFoundation
from portfolio.choices import LinkKind
from portfolio.duplicates import chosen_scores, evaluation_set, forget_index, precision_recall
from portfolio.models import DuplicatePair, UseCaseLink
from portfolio.selectors import similar_use_cases
from portfolio.services import duplicate_pair_judge
from tests.factories import DomainFactory, FoundationFactory, TeamFactory, UseCaseFactory

pytestmark = pytest.mark.django_db

CHURN = (
    "Predict customer churn for subscription customers",
    "Subscribers cancel without warning and retention offers arrive too late; we want to score each "
    "customer's risk of leaving every week.",
)
CHURN_PARAPHRASE = (
    "Subscriber attrition early-warning score",
    "We lose subscribers who cancel without any warning sign; a weekly score of who is likely to leave "
    "would let the retention team call them before they go.",
)
CHURN_FR = (
    "Prédire le churn des clients abonnés",
    "Les abonnés résilient sans prévenir et les offres de fidélisation arrivent trop tard ; nous voulons "
    "noter chaque semaine le risque de départ de chaque client.",
)
ATTRITION = (
    "Predict employee attrition",
    "Good employees resign and managers learn it too late; estimate which employees are at risk of leaving.",
)


def test_the_method_in_use_meets_the_target_on_the_labelled_set():
    data = evaluation_set()

    precision, recall, suggested = precision_recall(data, chosen_scores(data), 0.4)

    assert precision >= 0.8 and recall >= 0.6, (precision, recall)
    assert suggested > 0
    assert len(data.labelled) >= 50 and {kind for *_p, kind in data.labelled} >= {
        "paraphrase",
        "translation",
        "near-miss",
    }


def test_the_command_prints_precision_and_recall_of_each_method():
    out = io.StringIO()

    call_command("evaluate_duplicates", "--method", "char-ngrams", "--method", "word-tfidf", stdout=out)

    text = out.getvalue()
    assert "char-ngrams    +domain" in text and "word-tfidf     text" in text
    assert "In use: char-ngrams with the domain and foundation bonus at PORTFOLIO_DUPLICATE_THRESHOLD=0.4" in text


@pytest.fixture
def portfolio_of_ideas(world):
    forget_index()
    marketing = DomainFactory(name="Marketing", slug="marketing")
    hr = DomainFactory(name="HR", slug="hr")
    crm = FoundationFactory(name="CRM", slug="crm")
    team = world.use_case.team
    churn = UseCaseFactory(
        title=CHURN[0], problem_statement=CHURN[1], domain=marketing, team=team, owner=world.owner, status="approved"
    )
    UseCaseFoundation.objects.create(use_case=churn, foundation=crm)
    attrition = UseCaseFactory(
        title=ATTRITION[0], problem_statement=ATTRITION[1], domain=hr, team=team, owner=world.owner, status="submitted"
    )
    return {"churn": churn, "attrition": attrition, "marketing": marketing, "hr": hr, "crm": crm}


def test_a_paraphrase_finds_the_original_and_not_the_near_miss(world, portfolio_of_ideas):
    found = similar_use_cases(
        actor=world.owner,
        title=CHURN_PARAPHRASE[0],
        problem=CHURN_PARAPHRASE[1],
        domain_id=portfolio_of_ideas["marketing"].pk,
    )

    assert [s.reference for s in found] == [portfolio_of_ideas["churn"].reference]
    assert found[0].same_domain is True


def test_the_same_idea_in_french_with_its_domain_and_foundation_is_found(world, portfolio_of_ideas):
    found = similar_use_cases(
        actor=world.owner,
        title=CHURN_FR[0],
        problem=CHURN_FR[1],
        domain_id=portfolio_of_ideas["marketing"].pk,
        foundation_ids=[portfolio_of_ideas["crm"].pk],
    )

    assert [s.reference for s in found] == [portfolio_of_ideas["churn"].reference]
    assert found[0].shared_foundations == 1


def test_an_unrelated_idea_gets_no_suggestion(world, portfolio_of_ideas):
    found = similar_use_cases(
        actor=world.owner,
        title="Optimise delivery routes",
        problem="Drivers follow fixed rounds planned weeks ahead; plan each day's routes from the actual orders.",
    )

    assert found == []


def test_another_teams_draft_is_never_suggested(world, portfolio_of_ideas):
    other_team = TeamFactory(name="Elsewhere", slug="elsewhere")
    UseCaseFactory(title=CHURN[0], problem_statement=CHURN[1], team=other_team, status="draft")

    found = similar_use_cases(actor=world.owner, title=CHURN[0], problem=CHURN[1])

    assert [s.reference for s in found] == [portfolio_of_ideas["churn"].reference]


def test_not_a_duplicate_is_never_suggested_again_and_merge_links_them(world, portfolio_of_ideas):
    churn, marketing = portfolio_of_ideas["churn"], portfolio_of_ideas["marketing"]
    twin, third = (
        UseCaseFactory(
            title=title, problem_statement=problem, team=world.use_case.team, domain=marketing, status="submitted"
        )
        for title, problem in (CHURN_PARAPHRASE, (CHURN[0] + " (v2)", CHURN[1]))
    )
    UseCaseFoundation.objects.create(use_case=twin, foundation=portfolio_of_ideas["crm"])
    UseCaseFoundation.objects.create(use_case=third, foundation=portfolio_of_ideas["crm"])

    def suggested():
        return {
            s.reference
            for s in similar_use_cases(
                actor=world.finance,
                title=twin.title,
                problem=twin.problem_statement,
                domain_id=marketing.pk,
                foundation_ids=[portfolio_of_ideas["crm"].pk],
                exclude_id=twin.pk,
            )
        }

    before = suggested()

    duplicate_pair_judge(actor=world.finance, use_case=twin, other=third, verdict="not_duplicate")
    duplicate_pair_judge(actor=world.finance, use_case=twin, other=churn, verdict="merged")

    after = similar_use_cases(actor=world.finance, title=twin.title, problem=twin.problem_statement, exclude_id=twin.pk)
    assert before == {churn.reference, third.reference}
    assert after == []
    link = UseCaseLink.objects.get(kind=LinkKind.DUPLICATES)
    assert {link.source_id, link.target_id} == {twin.pk, churn.pk}
    verdicts = {(p.first_id, p.second_id): p.verdict for p in DuplicatePair.objects.all()}
    assert verdicts == {
        tuple(sorted((twin.pk, third.pk))): "not_duplicate",
        tuple(sorted((twin.pk, churn.pk))): "merged",
    }
    events = list(AuditEvent.objects.filter(action="duplicate.judged").order_by("pk").values_list("data", flat=True))
    assert [e["verdict"] for e in events] == ["not_duplicate", "merged"] and "link" in events[1]


def test_a_team_member_may_not_judge_a_pair(world, portfolio_of_ideas):
    with pytest.raises(PermissionDenied):
        duplicate_pair_judge(
            actor=world.owner,
            use_case=portfolio_of_ideas["churn"],
            other=portfolio_of_ideas["attrition"],
            verdict="not_duplicate",
        )

    assert not DuplicatePair.objects.exists()


def test_a_suggestion_takes_the_same_queries_whatever_the_number_of_use_cases(world, portfolio_of_ideas):
    def queries(extra: int) -> int:
        for number in range(extra):
            UseCaseFactory(title=f"Idea number {number}", problem_statement=f"Problem {number}", status="submitted")
        similar_use_cases(actor=world.owner, title=CHURN[0], problem=CHURN[1])  # the index, built once
        with CaptureQueriesContext(connection) as captured:
            similar_use_cases(actor=world.owner, title=CHURN[0], problem=CHURN[1], exclude_id=world.use_case.pk)
        return len(captured.captured_queries)

    assert queries(2) == queries(30)


# Where people see them -------------------------------------------------------------------------------


def test_the_team_form_asks_as_they_type_and_gets_json(world, client, portfolio_of_ideas):
    client.force_login(world.owner)

    form = client.get("/use-cases/new/").content.decode()
    answer = client.get(
        "/use-cases/similar/",
        {
            "title": CHURN_PARAPHRASE[0],
            "problem_statement": CHURN_PARAPHRASE[1],
            "domain": portfolio_of_ideas["marketing"].pk,
        },
    )

    assert 'id="similar-use-cases"' in form and 'data-similar-url="/use-cases/similar/"' in form
    [row] = answer.json()["results"]
    assert row["reference"] == portfolio_of_ideas["churn"].reference
    assert row["url"] == f"/use-cases/{portfolio_of_ideas['churn'].reference}/"
    assert row["why"] == "similar title and problem, same domain"


def test_the_admin_shows_the_suggestions_and_the_committee_judges_them(world, committee_admin, portfolio_of_ideas):
    client = committee_admin(world.finance)
    twin = UseCaseFactory(
        title=CHURN_PARAPHRASE[0],
        problem_statement=CHURN_PARAPHRASE[1],
        team=world.use_case.team,
        domain=portfolio_of_ideas["marketing"],
        status="submitted",
    )
    churn = portfolio_of_ideas["churn"]
    UseCaseFoundation.objects.create(use_case=twin, foundation=portfolio_of_ideas["crm"])

    page = client.get(f"/admin/domains/usecase/{twin.pk}/change/").content.decode()
    asked = client.get(
        f"/admin/portfolio/portfolio/duplicates/judge/?use_case={twin.pk}&other={churn.pk}&verdict=not_duplicate"
    )
    assert asked.status_code == 200 and not DuplicatePair.objects.exists()  # a link asks first, writes nothing
    judged = client.post(
        "/admin/portfolio/portfolio/duplicates/judge/",
        {"use_case": twin.pk, "other": churn.pk, "verdict": "not_duplicate"},
    )

    panel = page[page.index('id="duplicates-panel"') :]
    assert churn.reference in panel[:8000] and "Not a duplicate" in panel[:8000]
    assert judged.status_code == 302 and judged["Location"] == f"/admin/domains/usecase/{twin.pk}/change/"
    assert DuplicatePair.objects.get().verdict == "not_duplicate"
    assert (
        churn.reference
        not in client.get(f"/admin/domains/usecase/{twin.pk}/change/")
        .content.decode()
        .split('id="duplicates-panel"')[1][:8000]
    )


def test_the_api_suggests_and_names_bad_parameters(world, portfolio_of_ideas):
    client = APIClient()
    client.force_login(world.owner)

    found = client.get(
        "/api/v1/similar-use-cases/",
        {"title": CHURN_PARAPHRASE[0], "problem_statement": CHURN_PARAPHRASE[1], "domain": "marketing"},
    )
    no_title = client.get("/api/v1/similar-use-cases/")
    bad_foundation = client.get("/api/v1/similar-use-cases/", {"title": "x", "foundations": "nowhere"})

    assert found.status_code == 200 and [r["reference"] for r in found.json()["results"]] == [
        portfolio_of_ideas["churn"].reference
    ]
    assert no_title.status_code == 400 and "title" in no_title.json()
    assert bad_foundation.status_code == 404 and bad_foundation.json()["foundations"] == ["No foundation is nowhere."]


def test_judging_a_merged_pair_not_a_duplicate_takes_the_link_away(world, portfolio_of_ideas):
    churn, attrition = portfolio_of_ideas["churn"], portfolio_of_ideas["attrition"]
    duplicate_pair_judge(actor=world.finance, use_case=churn, other=attrition, verdict="merged")

    duplicate_pair_judge(actor=world.finance, use_case=churn, other=attrition, verdict="not_duplicate")

    assert not UseCaseLink.objects.filter(kind=LinkKind.DUPLICATES).exists()
    assert DuplicatePair.objects.get().verdict == "not_duplicate"
    assert AuditEvent.objects.filter(action="link.deleted").count() == 1
