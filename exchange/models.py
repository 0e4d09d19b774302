"""What an import is made of: the mappings (saved, reusable), each run (who, when, which file, what it
did and every problem it found) and the file a person uploaded, kept so that nothing submitted is lost
when a worker or Redis is down."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class ImportMapping(TimeStampedModel):
    """A mapping file saved in the admin: which column feeds which field and how values translate.
    `definition` is the parsed document (exchange.mapping validates it); the same document can be a
    YAML or JSON file given to the command."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    source = models.CharField(
        _("source"),
        max_length=100,
        help_text=_("The inventory its files come from; external ids are unique within it."),
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    definition = models.JSONField(_("definition"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_mappings",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")

    def __str__(self) -> str:
        return self.name


class ImportRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    PREVIEWED = "previewed", _("Previewed (dry run)")
    SUCCEEDED = "succeeded", _("Imported")
    REFUSED = "refused", _("Refused: nothing written")
    FAILED = "failed", _("Failed")


class ImportRun(TimeStampedModel):
    """One import of one file, dry run or real: the record the committee and an auditor read."""

    Status = ImportRunStatus

    mapping = models.ForeignKey(
        ImportMapping,
        verbose_name=_("mapping"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
    )
    # The mapping as it was used: a saved mapping edited later does not rewrite what a run did.
    mapping_definition = models.JSONField(_("mapping used"))
    source = models.CharField(_("source"), max_length=100)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file checksum (SHA-256)"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_runs",
    )
    requested_by_name = models.CharField(_("requested by"), max_length=150)
    dry_run = models.BooleanField(_("dry run"), default=False)
    skip_bad_rows = models.BooleanField(_("skip bad rows"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=ImportRunStatus.choices, default="queued")
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    rows_processed = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("left alone"), default=0)
    skipped_count = models.PositiveIntegerField(_("bad rows skipped"), default=0)
    duplicate_count = models.PositiveIntegerField(_("identical duplicate rows"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    # Every problem {row, column, value, message}, up to exchange.importer.PROBLEMS_KEPT of them.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    # What was cleaned, per rule: {"whitespace trimmed": 2390, ...}; and other findings.
    cleaning = models.JSONField(_("cleaning applied"), default=dict, blank=True)
    created_records = models.JSONField(_("records created"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportRunStatus.values),
                name="importrun_status_valid",
                violation_error_message=_("Unknown import status."),
            ),
        ]

    def __str__(self) -> str:
        when = self.created_at.strftime("%Y-%m-%d %H:%M") if self.created_at else ""
        return f"{self.file_name} ({when})"

    @property
    def is_finished(self) -> bool:
        return self.status in {
            ImportRunStatus.PREVIEWED,
            ImportRunStatus.SUCCEEDED,
            ImportRunStatus.REFUSED,
            ImportRunStatus.FAILED,
        }

    @property
    def progress_percent(self) -> int | None:
        if not self.rows_total:
            return None
        return min(100, round(100 * self.rows_processed / self.rows_total))


class ImportFile(models.Model):
    """The uploaded bytes, in the database: a worker on another machine reads them, and they are there
    until the import has run, whatever happened to the broker meanwhile."""

    run = models.OneToOneField(ImportRun, on_delete=models.CASCADE, related_name="file", verbose_name=_("import run"))
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("imported file")
        verbose_name_plural = _("imported files")

    def __str__(self) -> str:
        return str(self.run)


class ImportFilePiece(models.Model):
    """The bytes of an imported file after its first piece (ImportFile.content), a piece per row, so
    that neither storing nor reading a large file holds it in memory (exchange.storage)."""

    file = models.ForeignKey(ImportFile, on_delete=models.CASCADE, related_name="pieces", verbose_name=_("file"))
    number = models.PositiveIntegerField(_("number"))
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("piece of an imported file")
        verbose_name_plural = _("pieces of imported files")
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="importfilepiece_unique_number")]

    def __str__(self) -> str:
        return f"{self.file} #{self.number}"
