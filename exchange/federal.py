"""The portfolio as a U.S. federal AI use-case inventory: a CSV in the column layout of OMB's 2025
guidance (M-25-21 reporting), one row per use case in the inventory, the columns headed with the
guidance's questions. It reads back with the shipped mapping `us-federal-ai-inventory-2025`
(exchange/mappings/), so exporting, importing the file and exporting again gives the same file.

What the layout asks and the portfolio does not hold (vendors, ATO, testing and monitoring answers...)
is left blank for the agency to complete. The fields the guidance withholds from public reporting (the
contact's email address, the "withheld from public reporting" answer itself) are left out.

Which use cases: those `actor` may see that have entered the inventory, submitted or later; drafts,
discarded drafts and rejected ideas never were an AI use case of the organisation."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from django.db.models import F
from django.utils import timezone

from domains.choices import AITechnique, Sourcing, Status
from domains.models import UseCase, UseCaseFoundation
from domains.selectors import use_case_list
from domains.translation import default_name_field

from .cleaning import escape_formula

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# The source the shipped 2025 mapping imports under: a use case imported from such a file keeps its
# id in the export, any other is identified by its reference.
SOURCE = "us-federal-ai-inventory-2025"
LIST_SEPARATOR = "; "
NOT_IN_INVENTORY = (Status.DRAFT, Status.DISCARDED, Status.REJECTED)

# OMB's stages of development, from the statuses (the workflow has more steps than the guidance).
STAGES = {
    Status.SUBMITTED: "Pre-deployment",
    Status.IN_REVIEW: "Pre-deployment",
    Status.CHANGES_REQUESTED: "Pre-deployment",
    Status.APPROVED: "Pre-deployment",
    Status.ON_HOLD: "Pre-deployment",
    Status.IN_DELIVERY: "Pilot",
    Status.SCALED: "Deployed",
    Status.RETIRED: "Retired",
}
# Operational since: the date the use case went into delivery or production, for those that are.
OPERATIONAL = (Status.IN_DELIVERY, Status.SCALED)
HIGH_IMPACT, NOT_HIGH_IMPACT = "High-impact", "Not high-impact"
DEVELOPMENT = {
    Sourcing.IN_HOUSE: "Developed in-house",
    Sourcing.VENDOR: "Purchased from a vendor or developed under contract(s)",
    Sourcing.HYBRID: "Developed with both contracting and in-house resources",
}
# The guidance's AI classifications; the portfolio's techniques are finer.
CLASSIFICATION = {
    AITechnique.CLASSICAL_ML: "Classical/Predictive Machine Learning",
    AITechnique.GENERATIVE: "Generative AI",
    AITechnique.NLP: "Natural Language Processing",
    AITechnique.COMPUTER_VISION: "Computer Vision",
    AITechnique.OPTIMISATION: "Optimization",
    AITechnique.AGENTIC: "Agentic AI",
    AITechnique.OTHER: "Other",
}

Row = dict
Cell = Callable[[Row], str]


def _blank(row: Row) -> str:
    return ""


def _field(name: str) -> Cell:
    """A text as the import reads it back: line breaks plain (a text box's CRLF as LF)."""
    return lambda row: (row[name] or "").replace("\r\n", "\n").replace("\r", "\n")


def _use_case_id(row: Row) -> str:
    return row["external_id"] if row["external_source"] == SOURCE and row["external_id"] else row["reference"]


def _operational_date(row: Row) -> str:
    changed = row["status_changed_at"]
    if row["status"] not in OPERATIONAL or changed is None:
        return ""
    return timezone.localtime(changed).date().isoformat()


# The layout, in the guidance's order: (header, how the cell is read from a use case's row).
COLUMNS: tuple[tuple[str, Cell], ...] = (
    ("Use Case ID", _use_case_id),
    ("Use Case Name", _field("title")),
    ("Agency", _field("domain_name")),
    ("Bureau/Component", _field("team_name")),
    ("Stage of Development", lambda row: STAGES.get(row["status"], "")),
    ("Is the AI use case high-impact?", lambda row: HIGH_IMPACT if row["is_high_impact"] else NOT_HIGH_IMPACT),
    ("Justification", _blank),
    ("Use Case Topic Area", lambda row: LIST_SEPARATOR.join(row["functions"])),
    ("AI Classification", lambda row: CLASSIFICATION.get(row["ai_technique"], "")),
    ("What problem is the AI intended to solve?", _field("problem_statement")),
    (
        "What are the expected benefits and positive outcomes from the AI for an agency's mission and/or the "
        "general public?",
        _blank,
    ),
    ("Describe the AI system's outputs.", _field("proposed_solution")),
    ("Date when AI use case became operational or the pilot's start date", _operational_date),
    (
        "Was the system involved in this use case purchased from a vendor or developed under contract(s) or in-house?",
        lambda row: DEVELOPMENT.get(row["sourcing"], ""),
    ),
    ("Vendor(s) Name", _blank),
    ("Does this AI use case have an associated Authorization to Operate (ATO)?", _blank),
    ("System(s) Name", lambda row: LIST_SEPARATOR.join(row["foundations"])),
    (
        "Describe any data used to train, fine-tune, and/or evaluate performance of the model(s) used in this "
        "use case.",
        _blank,
    ),
    (
        "If the data is required to be publicly disclosed as an open government data asset, provide a link to "
        "the entry on the Federal Data Catalog.",
        _blank,
    ),
    (
        "Does this AI use case involve personally identifiable information (PII) that is maintained by the agency?",
        lambda row: "Yes" if row["uses_personal_data"] else "No",
    ),
    (
        "If publicly available, provide the link to the AI use case's associated Privacy Impact Assessment "
        "(PIA), if any.",
        _blank,
    ),
    ("Which, if any, demographic variables does the AI use case explicitly use as model features?", _blank),
    ("Does this project include custom-developed code?", _blank),
    ("If the code is open source, provide the link for the publicly available source code.", _blank),
    ("Has pre-deployment testing been conducted for this AI use case?", _blank),
    ("Has an AI impact assessment been completed for this AI use case?", _blank),
    (
        "What are the potential impacts of using the AI for this particular use case and how were they identified?",
        _blank,
    ),
    ("Has an independent review of the AI use case been conducted?", _blank),
    (
        "Is there a process to conduct ongoing monitoring to identify any adverse impacts to the performance and "
        "security of the AI functionality, as well as to privacy, civil rights, and civil liberties?",
        _blank,
    ),
    (
        "Has the agency established sufficient and periodic training for operators of the AI to interpret and "
        "act on its output and manage associated risks?",
        _blank,
    ),
    ("Does this AI use case have an appropriate fail-safe that minimizes the risk of significant harm?", _blank),
    (
        "Is there an established appeal process in the event that an impacted individual would like to appeal "
        "or contest the AI system's outcome?",
        _blank,
    ),
    (
        "What steps has the agency taken to consult and incorporate feedback from end users of this AI use case "
        "and the public?",
        _blank,
    ),
)
HEADERS = tuple(header for header, _cell in COLUMNS)


def _names(rows) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for use_case_id, name in rows:
        if name:
            names.setdefault(use_case_id, []).append(name)
    return names


def federal_inventory_rows(*, actor) -> Iterator[list[str]]:
    """The header, then one list of cells per use case in the inventory, by reference. Names are the
    default language's (the inventory is the organisation's record, whatever language reads it); every
    cell is defused against formula injection. A fixed number of queries whatever the rows."""
    use_cases = use_case_list(actor=actor).exclude(status__in=NOT_IN_INVENTORY)
    ids = use_cases.order_by().values("pk")
    name = default_name_field()
    functions = _names(
        UseCase.functions.through.objects.filter(usecase_id__in=ids)
        .order_by("usecase_id", f"businessfunction__{name}")
        .values_list("usecase_id", f"businessfunction__{name}")
    )
    foundations = _names(
        UseCaseFoundation.objects.filter(use_case_id__in=ids)
        .order_by("use_case_id", f"foundation__{name}")
        .values_list("use_case_id", f"foundation__{name}")
    )
    rows = (
        use_cases.select_related(None)
        .prefetch_related(None)
        .order_by("reference")
        .values(
            "pk",
            "reference",
            "external_source",
            "external_id",
            "title",
            "status",
            "status_changed_at",
            "is_high_impact",
            "uses_personal_data",
            "ai_technique",
            "sourcing",
            "problem_statement",
            "proposed_solution",
            domain_name=F(f"domain__{name}"),
            team_name=F(f"team__{name}"),
        )
    )
    yield list(HEADERS)
    for row in rows.iterator(chunk_size=2000):
        row["functions"] = functions.get(row["pk"], [])
        row["foundations"] = foundations.get(row["pk"], [])
        yield [escape_formula(cell(row)) for _header, cell in COLUMNS]


def federal_inventory_csv(*, actor) -> bytes:
    """The inventory as CSV bytes: UTF-8 with a byte-order mark (so Excel reads the accents), CRLF rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(federal_inventory_rows(actor=actor))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
