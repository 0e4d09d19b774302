"""The federal inventory export (issue 12): a CSV in the column layout of OMB's 2025 guidance, read
back with the csv module, and its round trip through the import with the shipped 2025 mapping."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.actors import SYSTEM
from domains.choices import AITechnique, Sourcing, Status
from domains.models import UseCase, UseCaseFoundation
from exchange import services
from exchange.federal import HEADERS, federal_inventory_csv
from exchange.selectors import shipped_mapping_path
from tests.factories import DomainFactory, FoundationFactory, TeamFactory, UseCaseFactory, function

pytestmark = pytest.mark.django_db

NAME, AGENCY, BUREAU, STAGE = "Use Case Name", "Agency", "Bureau/Component", "Stage of Development"
HIGH_IMPACT, TOPIC, SYSTEMS = "Is the AI use case high-impact?", "Use Case Topic Area", "System(s) Name"
PROBLEM, OUTPUTS = "What problem is the AI intended to solve?", "Describe the AI system's outputs."
OPERATIONAL = "Date when AI use case became operational or the pilot's start date"
PII = "Does this AI use case involve personally identifiable information (PII) that is maintained by the agency?"
DEVELOPMENT = (
    "Was the system involved in this use case purchased from a vendor or developed under contract(s) or in-house?"
)
MAPPING = "us-federal-ai-inventory-2025"


def rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def in_status(use_case: UseCase, status: str, since: datetime.datetime | None = None) -> UseCase:
    """Test data: a use case in a state without replaying the workflow."""
    UseCase.objects.filter(pk=use_case.pk).update(status=status, status_changed_at=since or timezone.now())
    use_case.refresh_from_db()
    return use_case


def inventory() -> dict[str, UseCase]:
    """Use cases at every stage, with what the layout reads: topic areas, systems, PII, sourcing."""
    agency = DomainFactory(name="Department of Examples", slug="examples")
    claims, benefits = (
        TeamFactory(name="Claims office", slug="claims"),
        TeamFactory(name="Benefits office", slug="benefits"),
    )
    platform, records = FoundationFactory(name="Case platform"), FoundationFactory(name="Records store")
    live = timezone.make_aware(datetime.datetime(2024, 3, 5, 12))
    cases = {
        "scaled": in_status(
            UseCaseFactory(
                domain=agency,
                team=claims,
                title="Claims triage",
                problem_statement="Claims wait 40 days.\nHalf of them are simple.",
                proposed_solution="A priority score per claim.",
                is_high_impact=True,
                uses_personal_data=True,
                sourcing=Sourcing.VENDOR,
                ai_technique=AITechnique.NLP,
                functions=[function("operations"), function("finance")],
            ),
            Status.SCALED,
            live,
        ),
        "pilot": in_status(
            UseCaseFactory(domain=agency, team=benefits, title="Letter drafting", sourcing=Sourcing.HYBRID),
            Status.IN_DELIVERY,
            live,
        ),
        "approved": in_status(UseCaseFactory(domain=agency, team=claims, title="Fraud hints"), Status.APPROVED),
        "submitted": in_status(UseCaseFactory(domain=agency, team=benefits, title="Call summaries"), Status.SUBMITTED),
        "retired": in_status(UseCaseFactory(domain=agency, team=claims, title="Old chatbot"), Status.RETIRED),
        "draft": UseCaseFactory(domain=agency, team=claims, title="A draft nobody submitted"),
        "rejected": in_status(UseCaseFactory(domain=agency, team=claims, title="A rejected idea"), Status.REJECTED),
    }
    UseCaseFoundation.objects.create(use_case=cases["scaled"], foundation=platform)
    UseCaseFoundation.objects.create(use_case=cases["scaled"], foundation=records)
    UseCaseFoundation.objects.create(use_case=cases["pilot"], foundation=platform)
    return cases


def import_file(content: bytes):
    run = services.import_run_create(
        actor=SYSTEM,
        file_name="federal-ai-inventory.csv",
        content=content,
        definition=shipped_mapping_path(MAPPING).read_text(),
        dry_run=False,
        enqueue=False,
    )
    return services.import_run_execute(run_id=run.pk, actor=SYSTEM)


# The layout ------------------------------------------------------------------------------------------


def test_the_columns_are_the_guidances_questions_without_the_withheld_fields():
    assert HEADERS[:5] == ("Use Case ID", NAME, AGENCY, BUREAU, STAGE)
    for question in (HIGH_IMPACT, TOPIC, PROBLEM, OUTPUTS, OPERATIONAL, DEVELOPMENT, SYSTEMS, PII):
        assert question in HEADERS
    assert "Email Address" not in HEADERS
    assert not [header for header in HEADERS if "withheld" in header.lower()]
    assert len(HEADERS) == len(set(HEADERS)) == 33


def test_each_use_case_is_a_row_in_the_guidances_words():
    cases = inventory()

    by_name = {row[NAME]: row for row in rows(federal_inventory_csv(actor=SYSTEM))}

    scaled = by_name["Claims triage"]
    assert scaled["Use Case ID"] == cases["scaled"].reference
    assert (scaled[AGENCY], scaled[BUREAU]) == ("Department of Examples", "Claims office")
    assert scaled[STAGE] == "Deployed"
    assert scaled[HIGH_IMPACT] == "High-impact"
    assert scaled[TOPIC] == "Finance; Operations"
    assert scaled[SYSTEMS] == "Case platform; Records store"
    assert scaled[PII] == "Yes"
    assert scaled[DEVELOPMENT] == "Purchased from a vendor or developed under contract(s)"
    assert scaled["AI Classification"] == "Natural Language Processing"
    assert scaled[PROBLEM] == "Claims wait 40 days.\nHalf of them are simple."
    assert scaled[OUTPUTS] == "A priority score per claim."
    assert scaled[OPERATIONAL] == "2024-03-05"
    assert scaled["Vendor(s) Name"] == ""  # the portfolio does not hold it: left for the agency
    assert [by_name[title][STAGE] for title in ("Letter drafting", "Fraud hints", "Call summaries", "Old chatbot")] == [
        "Pilot",
        "Pre-deployment",
        "Pre-deployment",
        "Retired",
    ]
    assert by_name["Fraud hints"][OPERATIONAL] == ""  # not operational yet
    assert by_name["Fraud hints"][HIGH_IMPACT] == "Not high-impact"


def test_drafts_and_rejected_ideas_are_not_in_the_inventory():
    inventory()

    names = {row[NAME] for row in rows(federal_inventory_csv(actor=SYSTEM))}

    assert "A draft nobody submitted" not in names and "A rejected idea" not in names
    assert len(names) == 5


def test_a_cell_that_looks_like_a_formula_is_written_as_text():
    in_status(UseCaseFactory(title='=HYPERLINK("http://evil.example","Click")'), Status.SUBMITTED)

    (row,) = rows(federal_inventory_csv(actor=SYSTEM))

    assert row[NAME] == '\'=HYPERLINK("http://evil.example","Click")'


# The round trip --------------------------------------------------------------------------------------


def test_the_file_round_trips_through_the_import_with_the_shipped_mapping():
    inventory()
    first = federal_inventory_csv(actor=SYSTEM)
    UseCase.objects.all().delete()

    run = import_file(first)

    assert run.status == "succeeded", run.problems
    assert (run.created_count, run.problem_count) == (5, 0)
    assert federal_inventory_csv(actor=SYSTEM) == first


def test_importing_the_file_again_changes_nothing_and_keeps_where_the_committee_is():
    inventory()
    exported = federal_inventory_csv(actor=SYSTEM)
    UseCase.objects.all().delete()
    import_file(exported)
    # The committee moves one on: the file's "Pre-deployment" still says where it stands.
    reviewed = UseCase.objects.get(title="Call summaries")
    in_status(reviewed, Status.APPROVED)

    again = import_file(exported)

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 5)
    assert UseCase.objects.count() == 5
    reviewed.refresh_from_db()
    assert reviewed.status == Status.APPROVED
    assert federal_inventory_csv(actor=SYSTEM) == exported


def test_importing_the_export_into_the_same_instance_updates_the_use_cases_it_came_from():
    """A use case made in the product is exported under its reference; the shipped mapping reads the
    id as a reference when no use case of the source holds it, so nothing is copied."""
    cases = inventory()
    exported = federal_inventory_csv(actor=SYSTEM)
    references = sorted(UseCase.objects.values_list("reference", flat=True))

    run = import_file(exported)

    assert run.status == "succeeded", run.problems
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 0, 5)
    assert sorted(UseCase.objects.values_list("reference", flat=True)) == references
    assert UseCase.objects.get(pk=cases["pilot"].pk).external_source == ""
    assert federal_inventory_csv(actor=SYSTEM) == exported


# The downloads ---------------------------------------------------------------------------------------


def test_a_committee_member_downloads_the_inventory_from_the_admin(world, committee_admin):
    client = committee_admin(world.finance)
    in_status(world.use_case, Status.SUBMITTED)

    response = client.get("/admin/exchange/export/federal-ai-inventory.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="federal-ai-inventory-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    assert [row[NAME] for row in rows(response.content)] == [world.use_case.title]


def test_the_admin_lists_the_downloads_on_the_apps_page(world, committee_admin):
    client = committee_admin(world.finance)

    page = client.get("/admin/exchange/").content.decode()

    for url in ("portfolio.xlsx", "eu-ai-act-register.xlsx", "federal-ai-inventory.csv"):
        assert f'href="/admin/exchange/export/{url}"' in page


def test_the_api_gives_the_inventory_to_a_token_and_a_json_401_to_anonymous(world):
    in_status(world.use_case, Status.SUBMITTED)
    client = APIClient()
    client.force_login(world.team_member)

    response = client.get("/api/v1/export/federal-ai-inventory.csv")
    anonymous = APIClient().get("/api/v1/export/federal-ai-inventory.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [row[NAME] for row in rows(response.content)] == [world.use_case.title]
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"].startswith("application/json")


def test_awkward_text_round_trips_too():
    """Formula-looking text (escaped on the way out, unescaped on the way in), a text box's CRLF,
    accents, quotes and commas come back as they were, and importing again changes nothing."""
    agency = DomainFactory(name="Département d'exemple", slug="exemple")
    team = TeamFactory(name='Bureau "Nord", Lille', slug="nord")
    in_status(
        UseCaseFactory(
            domain=agency,
            team=team,
            title="-20% de délais, «vite»",
            problem_statement="=SUM(A1:A3)\r\nline two, with a comma",
            proposed_solution="+ a bullet\n@someone",
        ),
        Status.SUBMITTED,
    )
    first = federal_inventory_csv(actor=SYSTEM)
    (row,) = rows(first)
    assert row[NAME].startswith("'-20%") and row[PROBLEM] == "'=SUM(A1:A3)\nline two, with a comma"
    UseCase.objects.all().delete()

    run = import_file(first)

    assert (run.created_count, run.problem_count) == (1, 0), run.problems
    imported = UseCase.objects.get()
    assert imported.title == "-20% de délais, «vite»"
    assert imported.problem_statement == "=SUM(A1:A3)\nline two, with a comma"
    assert imported.proposed_solution == "+ a bullet\n@someone"
    assert federal_inventory_csv(actor=SYSTEM) == first
    assert import_file(first).unchanged_count == 1
