"""Use cases already on hold get the state they return to when resumed, read once from the audit trail
(the last "put on hold" says where it came from); with no such record, an open review round means it was
in review, an approval that it was approved, else it was submitted. From now on the workflow writes the field itself."""

from django.db import migrations

HOLDABLE = {"submitted", "in_review", "approved"}


def backfill(apps, schema_editor):
    UseCase = apps.get_model("domains", "UseCase")
    AuditEvent = apps.get_model("core", "AuditEvent")
    ReviewRound = apps.get_model("governance", "ReviewRound")
    Decision = apps.get_model("governance", "Decision")
    for use_case in UseCase.objects.filter(status="on_hold", status_before_hold=""):
        event = (
            AuditEvent.objects.filter(use_case_id=use_case.pk, action="workflow.put_on_hold")
            .order_by("-created_at", "-id")
            .values_list("data", flat=True)
            .first()
        )
        previous = (event or {}).get("from")
        if previous not in HOLDABLE and Decision.objects.filter(use_case_id=use_case.pk, outcome="approved").exists():
            previous = "approved"
        if previous not in HOLDABLE:
            has_open_round = ReviewRound.objects.filter(use_case_id=use_case.pk, closed_at__isnull=True).exists()
            previous = "in_review" if has_open_round else "submitted"
        UseCase.objects.filter(pk=use_case.pk).update(status_before_hold=previous)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0009_auditevent_moved_to_core"),
        ("domains", "0009_status_before_hold_and_discarded"),
        ("core", "0001_initial"),
    ]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
