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
        defaults={"mandate": DEMO_MANDATE, "covers_all_domains": True, "quorum_votes": 3, "quorum_functions": 2},
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
