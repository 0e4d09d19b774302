"""Importing an inventory: every cleaning rule on crafted rows, the mapping's translations, dry run,
all or nothing, skip-bad-rows, idempotent re-import, two sources, malformed files."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from core.actors import SYSTEM
from core.models import AuditAction, AuditEvent
from domains.models import Domain, Foundation, Team, UseCase
from exchange import services
from exchange.cleaning import Cleaner
from exchange.mapping import MappingError, load
from exchange.models import ImportRun
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "ID,Name,Agency,Bureau,Stage,Impact,Systems,Topic,Owner,Benefit,Since\r\n"
MAPPING = {
    "name": "Test inventory",
    "source": "test-inventory",
    "file": {"dates": "month_first"},
    "blank_values": ["N/A", "None"],
    "external_id": {"column": "ID"},
    "fields": {
        "title": "Name",
        "domain": {"column": "Agency", "create": True},
        "team": {"columns": ["Agency", "Bureau"], "join": " / ", "create": True, "function": "it"},
        "status": {
            "column": "Stage",
            "default": "submitted",
            "values": {"Operation and Maintenance": "scaled", "Initiated": "submitted", "Retired": "retired"},
        },
        "is_high_impact": {"column": "Impact", "values": {"Rights-Impacting": True, "Neither": False}},
        "foundations": {"column": "Systems", "split": ",", "create": True, "kind": "platform"},
        "functions": {"column": "Topic", "create": True},
        "owner": "Owner",
        "estimated_annual_benefit": "Benefit",
        "status_since": {"column": "Since", "unmatched": "blank"},
    },
}


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\ufeff" + header + "".join(rows)).encode("utf-8")


def _import(content: bytes, *, mapping=None, dry_run=False, skip_bad_rows=False, name="inventory.csv", actor=SYSTEM):
    run = services.import_run_create(
        actor=actor,
        file_name=name,
        content=content,
        definition=mapping or MAPPING,
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
        enqueue=False,
    )
    return services.import_run_execute(run_id=run.pk, actor=actor)


def _errors(run: ImportRun) -> list[dict]:
    return [problem for problem in run.problems if problem["severity"] == "error"]


GOOD = (
    '1,Chatbot,Department of Tests,OCIO,Operation and Maintenance,Neither,"AWS, Azure",Health,,"1,200.50",7/1/2023\r\n'
)


# Cleaning, rule by rule ----------------------------------------------------------------------------


def test_surrounding_whitespace_bom_invisible_characters_and_blank_markers_are_cleaned():
    cleaner = Cleaner(blank_values=frozenset({"", "n/a"}))

    assert cleaner.text("  Chatbot \n") == "Chatbot"
    assert cleaner.text("\ufeffName\u200b") == "Name"
    assert cleaner.text(" N/A ") == ""
    assert cleaner.text("line one\r\nline two") == "line one\nline two"
    assert cleaner.counts["surrounding whitespace trimmed"] == 2
    assert cleaner.counts["blank marker (N/A...) read as empty"] == 1


@pytest.mark.parametrize(
    ("text", "month_first", "expected"),
    [
        ("2024-07-01", True, datetime.date(2024, 7, 1)),
        ("7/1/2023", True, datetime.date(2023, 7, 1)),
        ("7/1/2023", False, datetime.date(2023, 1, 7)),
        ("13/1/2023", True, datetime.date(2023, 1, 13)),  # not month first: the other order
        ("1 July 2024", True, datetime.date(2024, 7, 1)),
        ("22-Jul", True, datetime.date(2022, 7, 1)),
        ("2022-11-16 (first formal action)", True, datetime.date(2022, 11, 16)),
        (45000, True, datetime.date(2023, 3, 15)),  # an Excel serial day
        ("Ongoing", True, None),
    ],
)
def test_dates_are_read_in_several_formats(text, month_first, expected):
    assert Cleaner(blank_values=frozenset(), month_first=month_first).date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,200.50", "1200.50"), ("1 200,50", "1200.50"), ("€ 12 000", "12000"), ("12,5", "12.5"), ("12k", None)],
)
def test_numbers_are_read_as_people_type_them(text, expected):
    number = Cleaner(blank_values=frozenset()).number(text)
    assert (str(number) if number is not None else None) == expected


def test_a_list_in_one_cell_becomes_its_items_without_blanks_or_repeats():
    cleaner = Cleaner(blank_values=frozenset({"", "n/a"}))

    assert cleaner.items("AWS, Azure , OpenAI,, aws, N/A", ",") == ["AWS", "Azure", "OpenAI"]


def test_categories_match_despite_case_spacing_and_trailing_space():
    content = _csv(
        GOOD,
        "2,Triage,Department of Tests ,OCIO,operation and  maintenance,NEITHER,,Health,,,\r\n",
    )

    run = _import(content)

    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    assert Domain.objects.filter(name__startswith="Department of Tests").count() == 1
    assert set(UseCase.objects.values_list("status", flat=True)) == {"scaled"}
    assert run.cleaning["category matched despite case, spacing or accents"] >= 2


def test_newlines_inside_quoted_values_with_crlf_rows_stay_in_their_cell():
    content = _csv('1,"Chat\r\nbot",Department of Tests,OCIO,Initiated,Neither,,,,,\r\n')

    run = _import(content)

    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    assert UseCase.objects.get().title == "Chat\nbot"


# The mapping translates ----------------------------------------------------------------------------


def test_the_mapping_translates_stage_impact_systems_topics_and_amounts():
    run = _import(_csv(GOOD))

    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    use_case = UseCase.objects.get()
    assert use_case.status == "scaled"
    assert use_case.status_changed_at.date() == datetime.date(2023, 7, 1)
    assert use_case.is_high_impact is False
    assert use_case.estimated_annual_benefit == pytest.approx(1200.50)
    assert sorted(use_case.foundations.values_list("name", flat=True)) == ["AWS", "Azure"]
    assert set(Foundation.objects.values_list("kind", flat=True)) == {"platform"}
    assert list(use_case.functions.values_list("name", flat=True)) == ["Health"]
    assert use_case.team.name == "Department of Tests / OCIO"
    assert use_case.external_source == "test-inventory" and use_case.external_id == "1"


def test_an_imported_status_goes_through_the_workflow_service_with_an_imported_audit_event():
    _import(_csv(GOOD))

    event = AuditEvent.objects.get(action=AuditAction.WORKFLOW_IMPORTED)
    assert event.data["from"] == "draft" and event.data["to"] == "scaled"
    assert event.data["since"] == "2023-07-01"


def test_an_imported_use_case_without_an_owner_needs_one_and_no_user_is_made_up():
    from domains.models import User

    users_before = User.objects.count()

    run = _import(_csv(GOOD.replace(",Health,,", ",Health,nobody@example.com,")))

    use_case = UseCase.objects.get()
    assert use_case.owner is None and use_case.needs_owner
    assert use_case.business_value is None and use_case.ambition == ""
    assert any("No user has this username" in p["message"] for p in run.problems)
    assert User.objects.count() == users_before
    assert not User.objects.filter(email="nobody@example.com").exists()


def _team_with_member(person) -> Team:
    """The team GOOD's row names ("Department of Tests / OCIO"), with `person` in it."""
    from domains.models import BusinessFunction

    domain = Domain.objects.create(name="Department of Tests", slug="department-of-tests")
    team = Team.objects.create(
        name="Department of Tests / OCIO", slug="tests-ocio", function=BusinessFunction.objects.get(slug="it")
    )
    team.members.add(person)
    assert domain.pk and team.pk
    return team


def test_a_known_owner_is_found_by_email():
    person = UserFactory(username="ada", email="ada@example.com")
    _team_with_member(person)

    run = _import(_csv(GOOD.replace(",Health,,", ",Health,ADA@example.com,")))

    assert UseCase.objects.get().owner == person
    assert run.problems == []


def test_an_owner_outside_the_team_is_left_out_and_reported_as_the_team_pages_would_refuse():
    person = UserFactory(username="ada", email="ada@example.com")  # in no team

    run = _import(_csv(GOOD.replace(",Health,,", ",Health,ada@example.com,")))

    use_case = UseCase.objects.get()
    assert use_case.owner is None and use_case.needs_owner
    [problem] = run.problems
    assert problem["severity"] == "warning" and problem["column"] == "Owner" and problem["row"] == 2
    assert problem["value"] == "ada@example.com"
    assert problem["message"] == (
        "Not a member of the team Department of Tests / OCIO: the owner is left empty (the use case needs an owner)."
    )
    assert person.pk  # nobody was added to a team to make the owner fit


def test_a_re_import_naming_an_outsider_keeps_the_owner_the_use_case_has():
    ada = UserFactory(username="ada", email="ada@example.com")
    _team_with_member(ada)
    UserFactory(username="bob", email="bob@example.com")  # not in the team
    _import(_csv(GOOD.replace(",Health,,", ",Health,ada@example.com,")))

    run = _import(_csv(GOOD.replace(",Health,,", ",Health,bob@example.com,")))

    assert UseCase.objects.get().owner == ada
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 0, 1)
    [problem] = run.problems
    assert problem["message"] == "Not a member of the team Department of Tests / OCIO: the use case keeps its owner."


def test_a_value_the_mapping_does_not_know_refuses_the_row_naming_row_column_and_value():
    run = _import(_csv(GOOD, "2,Triage,Department of Tests,OCIO,Sunsetting,Neither,,,,,\r\n"))

    assert run.status == ImportRun.Status.REFUSED
    [problem] = _errors(run)
    assert (problem["row"], problem["column"], problem["value"]) == (3, "Stage", "Sunsetting")
    assert "Operation and Maintenance" in problem["message"]
    assert not UseCase.objects.exists()


# Dry run, all or nothing, skip bad rows --------------------------------------------------------------


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing():
    run = _import(_csv(GOOD, "2,Triage,Department of Tests,CBP,Initiated,Neither,GPU farm,,,,\r\n"), dry_run=True)

    assert run.status == ImportRun.Status.PREVIEWED
    assert run.created_count == 2
    assert run.created_records["domains"] == ["Department of Tests"]
    assert not UseCase.objects.exists()
    assert not Domain.objects.filter(name="Department of Tests").exists()
    assert not Foundation.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.USE_CASE_CREATED).exists()


def test_one_bad_row_writes_nothing_when_bad_rows_are_not_skipped():
    content = _csv(GOOD, "2,,Department of Tests,OCIO,Initiated,Neither,,,,,\r\n")

    run = _import(content)

    assert run.status == ImportRun.Status.REFUSED
    assert [(p["row"], p["column"]) for p in _errors(run)] == [(3, "Name")]
    assert not UseCase.objects.exists()
    assert not Team.objects.filter(name__startswith="Department of Tests").exists()


def test_skip_bad_rows_imports_the_good_ones_and_reports_the_bad():
    content = _csv(GOOD, "2,Triage,Department of Tests,OCIO,Initiated,Neither,,,,-5,\r\n")

    run = _import(content, skip_bad_rows=True)

    assert run.status == ImportRun.Status.SUCCEEDED
    assert (run.created_count, run.skipped_count) == (1, 1)
    assert [(p["row"], p["column"], p["value"]) for p in _errors(run)] == [(3, "Benefit", "-5")]
    assert list(UseCase.objects.values_list("external_id", flat=True)) == ["1"]


def test_a_title_longer_than_the_field_is_refused_whole_never_cut():
    long_title = "T" * 501
    run = _import(_csv(f"1,{long_title},Department of Tests,OCIO,Initiated,Neither,,,,,\r\n"))

    assert run.status == ImportRun.Status.REFUSED
    assert "501 characters" in _errors(run)[0]["message"]


def test_a_342_character_title_is_kept_whole():
    title = "A" * 342
    _import(_csv(f"1,{title},Department of Tests,OCIO,Initiated,Neither,,,,,\r\n"))

    assert UseCase.objects.get().title == title


def test_identical_duplicate_rows_are_reported_and_imported_once():
    run = _import(_csv(GOOD, GOOD, GOOD))

    assert (run.created_count, run.duplicate_count) == (1, 2)
    assert [p["message"] for p in run.problems] == ["Identical to row 2: imported once."] * 2


# Re-import and sources -----------------------------------------------------------------------------


def test_importing_the_same_file_twice_updates_and_creates_no_duplicates():
    _import(_csv(GOOD))
    again = _import(_csv(GOOD.replace("Chatbot", "Chatbot v2")))

    assert (again.created_count, again.updated_count) == (0, 1)
    use_case = UseCase.objects.get()
    assert use_case.title == "Chatbot v2"
    assert use_case.version == 2
    assert list(use_case.history.values_list("title", flat=True)) == ["Chatbot v2", "Chatbot"]
    third = _import(_csv(GOOD.replace("Chatbot", "Chatbot v2")))
    assert (third.created_count, third.updated_count, third.unchanged_count) == (0, 0, 1)


def test_the_same_external_id_from_two_sources_does_not_collide():
    _import(_csv(GOOD))
    _import(_csv(GOOD), mapping={**MAPPING, "name": "Other", "source": "other-organisation"})

    assert sorted(UseCase.objects.values_list("external_source", "external_id")) == [
        ("other-organisation", "1"),
        ("test-inventory", "1"),
    ]


def test_each_import_is_recorded_and_audited():
    run = _import(_csv(GOOD))

    assert run.file_name == "inventory.csv" and len(run.file_sha256) == 64
    assert run.requested_by_name == "system"
    event = AuditEvent.objects.get(action=AuditAction.IMPORT_FINISHED)
    assert event.data["created"] == 1 and event.data["sha256"] == run.file_sha256


def test_a_team_member_may_not_import(world):
    with pytest.raises(PermissionDenied):
        _import(_csv(GOOD), actor=world.team_member)


def test_a_committee_member_in_the_committees_group_may_import(world, committee_admin):
    committee_admin(world.chair)

    run = _import(_csv(GOOD), actor=world.chair)

    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.requested_by == world.chair


# Formula-looking cells are data ----------------------------------------------------------------------


def test_a_formula_in_a_cell_is_stored_as_plain_text():
    content = _csv(
        '1,"=HYPERLINK(""http://evil.example"",""click"")",Department of Tests,OCIO,Initiated,Neither,,,,,\r\n'
    )

    run = _import(content)

    assert UseCase.objects.get().title == '=HYPERLINK("http://evil.example","click")'
    assert run.cleaning["formula-like text kept as plain text"] == 1


# Malformed files -----------------------------------------------------------------------------------


def test_an_empty_file_is_refused_before_anything_is_kept():
    with pytest.raises(ValidationError) as refused:
        _import(b"")
    assert "empty" in str(refused.value)
    assert not ImportRun.objects.exists()


def test_a_file_in_another_encoding_fails_with_what_to_do():
    run = _import((HEADER + "1,Caf\xe9 bot,Tests,OCIO,Initiated,Neither,,,,,\r\n").encode("cp1252"))

    assert run.status == ImportRun.Status.FAILED
    assert "not UTF-8 text" in run.error and "cp1252" in run.error


def test_a_file_in_another_encoding_imports_when_the_mapping_says_which():
    content = (HEADER + "1,Caf\xe9 bot,Tests,OCIO,Initiated,Neither,,,,,\r\n").encode("cp1252")

    run = _import(content, mapping={**MAPPING, "file": {"encoding": "cp1252"}})

    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    assert UseCase.objects.get().title == "Café bot"


def test_a_binary_file_is_not_a_csv():
    run = _import(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), name="picture.csv")

    assert run.status == ImportRun.Status.FAILED
    assert "binary" in run.error


def test_a_file_without_the_mapped_columns_names_them():
    run = _import(b"Something,Else\r\n1,2\r\n")

    assert run.status == ImportRun.Status.REFUSED
    assert {p["column"] for p in _errors(run)} >= {"Name", "Agency", "ID"}


def test_an_xlsx_with_no_header_row_is_refused_clearly():
    workbook = Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)

    run = _import(buffer.getvalue(), name="inventory.xlsx")

    assert run.status == ImportRun.Status.FAILED
    assert "no header row" in run.error


def test_an_xlsx_inventory_imports_like_a_csv():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        [
            "1",
            "Chatbot",
            "Department of Tests",
            "OCIO",
            "Retired",
            "Neither",
            "",
            "",
            "",
            1200,
            datetime.datetime(2024, 3, 1),
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    run = _import(buffer.getvalue(), name="inventory.xlsx")

    assert run.status == ImportRun.Status.SUCCEEDED, (run.error, run.problems)
    use_case = UseCase.objects.get()
    assert use_case.status == "retired" and use_case.status_changed_at.date() == datetime.date(2024, 3, 1)


def test_a_file_that_claims_to_be_xlsx_but_is_not_fails_clearly():
    run = _import(b"PK\x03\x04not really a zip", name="inventory.xlsx")

    assert run.status == ImportRun.Status.FAILED
    assert "cannot be read as an .xlsx workbook" in run.error


def test_a_file_over_the_upload_limit_is_refused_with_the_command_to_use(settings):
    settings.EXCHANGE_IMPORT_MAX_BYTES = 20_000_000
    content = _csv(GOOD) + b"x" * 50_000_000

    with pytest.raises(ValidationError) as refused:
        _import(content)
    assert "import_use_cases" in str(refused.value)
    assert not ImportRun.objects.exists()


def test_an_unclosed_quote_swallowing_the_file_fails_clearly(settings):
    settings.EXCHANGE_IMPORT_MAX_BYTES = 60_000_000
    content = _csv('1,"Chatbot' + "x" * 1_100_000 + "\r\n")

    run = _import(content)

    assert run.status == ImportRun.Status.FAILED
    assert "cannot be read as CSV" in run.error


# Mappings --------------------------------------------------------------------------------------------


def test_a_mapping_with_mistakes_names_every_one():
    with pytest.raises(MappingError) as refused:
        load({"name": "x", "source": "Bad Source", "external_id": "ID", "fields": {"title": "Name", "colour": "C"}})

    keys = {error["key"] for error in refused.value.errors}
    assert keys == {"source", "fields.colour", "fields.domain", "fields.team"}


def test_a_mapping_value_that_is_not_a_status_is_refused():
    bad = {**MAPPING, "fields": {**MAPPING["fields"], "status": {"column": "Stage", "values": {"Live": "live"}}}}

    with pytest.raises(MappingError) as refused:
        load(bad)
    assert refused.value.errors[0]["key"] == "fields.status.values.Live"


def test_the_shipped_federal_mapping_loads():
    from exchange.selectors import shipped_mapping_path

    mapping = load(shipped_mapping_path("us-federal-ai-inventory-2024").read_text())

    assert mapping.source == "us-federal-ai-inventory"
    assert mapping.external_id_columns == ("3_abr", "4_bureau", "2_use_case_name")


def test_a_saved_mapping_is_audited(world, committee_admin):
    import yaml

    committee_admin(world.chair)

    saved = services.import_mapping_save(actor=world.chair, text=yaml.safe_dump(MAPPING))

    assert saved.source == "test-inventory"
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT_MAPPING_SAVED, target_id=str(saved.pk)).exists()


def test_the_api_lists_import_runs_to_committee_members_and_nobody_else(world):
    from rest_framework.test import APIClient

    run = _import(_csv(GOOD), dry_run=True)
    member, outsider = APIClient(), APIClient()
    member.force_login(world.finance)  # a sitting member, not in the admin group
    outsider.force_login(world.owner)  # the team's own member

    listed = member.get("/api/v1/import-runs/")
    hidden = outsider.get("/api/v1/import-runs/")

    assert [row["id"] for row in listed.json()["results"]] == [run.pk]
    assert listed.json()["results"][0]["file_name"] == "inventory.csv"
    assert hidden.json()["results"] == []
    assert outsider.get(f"/api/v1/import-runs/{run.pk}/").status_code == 404


def test_a_committee_members_read_only_token_sees_no_import_runs(world):
    """A read-only token is a BI client: it sees what anyone may see, whoever it acts for, and an
    import run's problems quote the file's cells. The member's own session sees the run."""
    from tests.api.test_faults_api import session_client, token_client

    run = _import(_csv(GOOD), dry_run=True)
    bi, robot, person = (
        token_client(world.finance, can_write=False),
        token_client(world.finance, can_write=True),
        session_client(world.finance),
    )

    assert bi.get("/api/v1/import-runs/").json()["results"] == []
    assert bi.get(f"/api/v1/import-runs/{run.pk}/").status_code == 404
    assert robot.get(f"/api/v1/import-runs/{run.pk}/").status_code == 200
    assert [row["id"] for row in person.get("/api/v1/import-runs/").json()["results"]] == [run.pk]


def test_a_reference_the_database_refuses_is_a_clear_error_and_nothing_is_written():
    from domains.services import reference_record_import

    Domain.objects.create(name="Taken", slug="taken")
    before = Domain.objects.count()

    with pytest.raises(ValidationError) as refused:
        reference_record_import(actor=SYSTEM, model=Domain, data={"name": "Another", "slug": "taken"})

    assert "slug taken is taken" in refused.value.messages[0]
    assert Domain.objects.count() == before


def test_a_blank_stage_leaves_an_existing_use_case_where_it_is():
    _import(_csv(GOOD))
    assert UseCase.objects.get(external_id="1").status == "scaled"

    again = _import(_csv(GOOD.replace("Operation and Maintenance", "")))

    assert UseCase.objects.get(external_id="1").status == "scaled"
    assert (again.updated_count, again.unchanged_count) == (0, 1)


def test_the_apostrophe_that_defuses_a_formula_is_taken_off_and_no_other():
    cleaner = Cleaner(blank_values=frozenset())

    assert cleaner.text('\'=HYPERLINK("http://x")') == '=HYPERLINK("http://x")'
    assert cleaner.text("'-20% faster") == "-20% faster"
    assert cleaner.text("'-5") == "'-5"  # a number kept as text: the apostrophe is what the cell says
    assert cleaner.text("'quoted'") == "'quoted'"


def test_a_file_is_stored_and_read_back_in_pieces_byte_for_byte(monkeypatch):
    from exchange import storage

    monkeypatch.setattr(storage, "PIECE_BYTES", 7)  # many pieces, the last one short
    content = _csv(*(GOOD.replace("1,Chatbot", f"{n},Chatbot {n}") for n in range(1, 40)))
    run = services.import_run_create(
        actor=SYSTEM, file_name="inventory.csv", content=content, definition=MAPPING, enqueue=False
    )

    assert storage.file_bytes(run) == content
    assert services.import_run_execute(run_id=run.pk, actor=SYSTEM).created_count == 39


# Names: separators and blank markers that are part of a name ----------------------------------------


def test_a_known_name_holding_the_lists_separator_stays_one_name():
    Foundation.objects.create(name="Data, Analytics Hub", slug="data-analytics-hub", kind="platform")
    row = GOOD.replace('"AWS, Azure"', '"AWS, Data, Analytics Hub, Azure"')

    _import(_csv(row))

    names = sorted(UseCase.objects.get().foundations.values_list("name", flat=True))
    assert names == ["AWS", "Azure", "Data, Analytics Hub"]
    assert not Foundation.objects.filter(name__in=["Data", "Analytics Hub"]).exists()


def test_without_a_known_name_the_separator_splits():
    _import(_csv(GOOD.replace('"AWS, Azure"', '"AWS, Data, Analytics Hub"')))

    names = sorted(UseCase.objects.get().foundations.values_list("name", flat=True))
    assert names == ["AWS", "Analytics Hub", "Data"]


def test_a_fields_own_blank_values_let_a_team_be_named_none():
    by_bureau = {**MAPPING, "fields": {**MAPPING["fields"]}}
    by_bureau["fields"]["team"] = {**MAPPING["fields"]["team"], "columns": ["Bureau"]}
    own_blanks = {**by_bureau, "fields": {**by_bureau["fields"]}}
    own_blanks["fields"]["team"] = {**by_bureau["fields"]["team"], "blank_values": []}
    row = GOOD.replace(",OCIO,", ",None,")

    refused = _import(_csv(row), mapping=by_bureau)  # the mapping's blanks: "None" is no team
    run = _import(_csv(row), mapping=own_blanks)

    assert refused.status == ImportRun.Status.REFUSED
    assert [(p["column"], p["message"]) for p in _errors(refused)] == [
        ("Bureau", "Empty: every use case needs a team.")
    ]
    assert run.created_count == 1 and UseCase.objects.get().team.name == "None"


def test_a_fields_blank_values_must_be_a_list():
    mapping = {**MAPPING, "fields": {**MAPPING["fields"], "team": {**MAPPING["fields"]["team"], "blank_values": "x"}}}

    with pytest.raises(MappingError) as refused:
        load(mapping)

    assert refused.value.errors == [
        {"key": "fields.team.blank_values", "message": "List the values that mean an empty cell here, or [] for none."}
    ]


@pytest.mark.parametrize(
    ("external_id", "key", "message"),
    [
        ({"column": "ID", "or_reference": "yes"}, "external_id.or_reference", "or_reference is true or false."),
        (
            {"columns": ["ID", "Name"], "or_reference": True},
            "external_id.or_reference",
            "or_reference needs the id in one column: the column that may hold a reference (UC-0012).",
        ),
        ({"column": "ID", "by": "x"}, "external_id.by", "Unknown key. Known keys: column, columns, or_reference."),
    ],
)
def test_an_external_id_option_that_cannot_be_used_is_named(external_id, key, message):
    with pytest.raises(MappingError) as refused:
        load({**MAPPING, "external_id": external_id})

    assert refused.value.errors == [{"key": key, "message": message}]


def test_an_id_that_is_a_reference_updates_that_use_case_when_the_mapping_says_so():
    _import(_csv(GOOD), mapping={**MAPPING, "source": "elsewhere"})
    made = UseCase.objects.get()
    by_reference = {**MAPPING, "external_id": {"column": "ID", "or_reference": True}}
    row = GOOD.replace("1,Chatbot,", f"{made.reference.lower()},Chatbot v2,")

    run = _import(_csv(row), mapping=by_reference)
    plain = _import(_csv(row.replace("Chatbot v2", "Chatbot v3")))  # without or_reference: a new one

    made.refresh_from_db()
    assert (run.created_count, run.updated_count) == (0, 1)
    assert made.title == "Chatbot v2" and made.external_source == "elsewhere"
    assert plain.created_count == 1 and UseCase.objects.count() == 2
