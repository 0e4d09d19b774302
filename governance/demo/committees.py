"""The demo's steering committee: the demo users with a committee role sit on one committee that
covers every domain, each representing their home function. Idempotent: found by name, memberships
by (committee, user) while open."""

from __future__ import annotations

from collections.abc import Iterable

from governance.models import Committee, CommitteeMembership

DEMO_COMMITTEE = "AI Steering Committee"
DEMO_MANDATE = (
    "Business functions together, not IT alone, decide which AI use cases the group pursues, "
    "how they reinforce one another, and when pilots scale."
)
COMMITTEE_ROLES = {"chair", "member", "secretary"}


def load_committees(report, users: dict, user_rows: Iterable[dict], functions: dict) -> Committee:
    """`user_rows` follow data.USERS: username, function (slug) and committee_role ("chair",
    "member", "secretary" or empty)."""
    committee, created = Committee.objects.get_or_create(
        name=DEMO_COMMITTEE,
        defaults={"mandate": DEMO_MANDATE, "covers_all_domains": True, "quorum_votes": 3, "quorum_functions": 3},
    )
    report.count("committees", created)
    open_members = set(
        CommitteeMembership.objects.filter(committee=committee, end_date__isnull=True).values_list("user_id", flat=True)
    )
    for row in user_rows:
        role = row.get("committee_role") or ""
        if role not in COMMITTEE_ROLES:
            continue
        user = users[row["username"]]
        if user.pk in open_members:
            continue
        CommitteeMembership.objects.create(
            committee=committee, user=user, function=functions[row["function"]], role=role
        )
        open_members.add(user.pk)
        report.count("committee memberships", True)
    return committee


def open_seeded_review_rounds(report) -> None:
    """Demo use cases are put "in review" as data, not through the workflow: give each the open
    review round the workflow would have opened, so members can vote and meetings list them."""
    from django.db.models import Exists, OuterRef

    from domains.choices import Status
    from domains.models import UseCase
    from governance.models import ReviewRound
    from governance.selectors import committee_for

    open_round = ReviewRound.objects.filter(use_case=OuterRef("pk"), closed_at__isnull=True)
    without_round = UseCase.objects.filter(~Exists(open_round), status=Status.IN_REVIEW)
    for use_case in without_round.select_related("domain").order_by("pk"):
        committee = committee_for(use_case)
        if committee is None:
            continue
        ReviewRound.objects.create(use_case=use_case, committee=committee, number=use_case.review_rounds.count() + 1)
        report.count("review rounds", True)
