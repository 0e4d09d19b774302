"""The audit trail and the API tokens move to core, the lowest layer: every app writes the one and
the API machinery reads the other. Tables and rows are kept: the state is created over the existing
tables (governance_auditevent, domains_apitoken), which are then renamed; their content types keep
their ids (so audit events about tokens, and the committee's permissions, still point at them); on
PostgreSQL the append-only trigger follows the table and its function is renamed."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = (("domains", "apitoken"), ("governance", "auditevent"))


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, model in MOVED:
        old = ContentType.objects.filter(app_label=old_app, model=model).first()
        if old is None:
            continue  # a new database: post_migrate creates the core content types
        # A core row created meanwhile would hold nothing yet: the old one, referenced by the audit
        # trail and by permissions, wins.
        ContentType.objects.filter(app_label="core", model=model).delete()
        old.app_label = "core"
        old.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, model in MOVED:
        ContentType.objects.filter(app_label="core", model=model).update(app_label=old_app)
    ContentType.objects.clear_cache()


def rename_trigger_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER FUNCTION governance_audit_append_only() RENAME TO core_audit_append_only")


def restore_trigger_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER FUNCTION core_audit_append_only() RENAME TO governance_audit_append_only")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("domains", "0008_apitoken_moved_to_core"),
        ("governance", "0009_auditevent_moved_to_core"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(move_content_types, restore_content_types),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                help_text="What uses it, e.g. 'Power BI finance'.", max_length=100, verbose_name="name"
                            ),
                        ),
                        ("prefix", models.CharField(editable=False, max_length=16, unique=True, verbose_name="prefix")),
                        ("key_hash", models.CharField(editable=False, max_length=64)),
                        (
                            "can_write",
                            models.BooleanField(
                                default=False,
                                help_text="Read-only unless granted: every write answers 403.",
                                verbose_name="may write",
                            ),
                        ),
                        (
                            "rate_limit",
                            models.CharField(
                                default="1200/min",
                                max_length=20,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^\\d+/(s|sec|second|m|min|minute|h|hour|d|day)$",
                                        "Write the limit as requests/period, e.g. 600/min or 10000/hour.",
                                    )
                                ],
                                verbose_name="rate limit",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        (
                            "last_used_at",
                            models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last used"),
                        ),
                        (
                            "revoked_at",
                            models.DateTimeField(blank=True, editable=False, null=True, verbose_name="revoked"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="created_api_tokens",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                help_text="Writes made with this token are recorded under this person.",
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="api_tokens",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="acts as",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "API token",
                        "db_table": "domains_apitoken",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("rate_limit__regex", "^\\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")
                                ),
                                name="apitoken_rate_limit_format",
                                violation_error_message="Write the limit as requests/period, e.g. 600/min or 10000/hour.",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="when")),
                        ("actor_name", models.CharField(blank=True, max_length=150, verbose_name="actor")),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("use_case.created", "Use case created"),
                                    ("use_case.updated", "Use case changed"),
                                    ("use_case.foundation_added", "Foundation added to a use case"),
                                    ("use_case.foundation_updated", "Foundation use changed"),
                                    ("use_case.foundation_removed", "Foundation removed from a use case"),
                                    ("link.created", "Link created"),
                                    ("link.updated", "Link changed"),
                                    ("link.deleted", "Link deleted"),
                                    ("workflow.submit", "Submitted"),
                                    ("workflow.withdraw", "Withdrawn"),
                                    ("workflow.discard", "Draft discarded"),
                                    ("workflow.start_review", "Review started"),
                                    ("workflow.request_changes", "Changes requested"),
                                    ("workflow.approve", "Approved"),
                                    ("workflow.reject", "Rejected"),
                                    ("workflow.put_on_hold", "Put on hold"),
                                    ("workflow.resume", "Resumed"),
                                    ("workflow.start_delivery", "Delivery started"),
                                    ("workflow.scale", "Scaled"),
                                    ("workflow.retire", "Retired"),
                                    ("vote.cast", "Vote cast"),
                                    ("meeting.prepared", "Meeting prepared"),
                                    ("api_token.created", "API token created"),
                                    ("api_token.updated", "API token changed"),
                                    ("api_token.revoked", "API token revoked"),
                                ],
                                db_index=True,
                                max_length=60,
                                verbose_name="action",
                            ),
                        ),
                        ("target_id", models.CharField(max_length=64)),
                        ("target_repr", models.CharField(max_length=255, verbose_name="target")),
                        ("data", models.JSONField(blank=True, default=dict, verbose_name="data")),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="audit_events",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "target_type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="contenttypes.contenttype",
                            ),
                        ),
                        (
                            "use_case",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="audit_events",
                                to="domains.usecase",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "audit event",
                        "db_table": "governance_auditevent",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
                            models.Index(fields=["use_case", "created_at"], name="audit_use_case_idx"),
                        ],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="apitoken", table=None),
        migrations.AlterModelTable(name="auditevent", table=None),
        migrations.RunPython(rename_trigger_function, restore_trigger_function),
    ]
