from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.limits import NOTE_MAX_CHARS, limited_text, text_limit_constraints
from core.models import TimeStampedModel

from ..choices import StrategicPriority
from .translated import TranslatedFieldsMixin, with_translations


class User(AbstractUser):
    """A person: committee member, team member or both. The home function is informative; the
    function a committee member represents lives on their committee membership."""

    function = models.ForeignKey(
        "domains.BusinessFunction",
        verbose_name=_("home function"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    # The language of the emails this person gets; blank: the site's default (settings.LANGUAGE_CODE).
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the emails you receive. Blank: the site's default language."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


# The description in each language has the database's limit (django-modeltranslation adds the
# translation fields after the class; their check constraints are declared here).
DESCRIPTIONS = with_translations("description")


class BusinessFunction(TranslatedFieldsMixin, TimeStampedModel):
    translated_fields = ("name", "description")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = limited_text(_("description"), NOTE_MAX_CHARS, blank=True)

    class Meta:
        constraints = [*text_limit_constraints("function", dict.fromkeys(DESCRIPTIONS, NOTE_MAX_CHARS))]
        ordering = ["name"]
        verbose_name = _("business function")
        verbose_name_plural = _("business functions")

    def __str__(self) -> str:
        return self.name


class Domain(TranslatedFieldsMixin, TimeStampedModel):
    """A business domain, the focus area in which use cases reinforce each other."""

    translated_fields = ("name", "description")

    # Names as long as imported inventories write them (an agency's full name), never cut.
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = limited_text(_("description"), NOTE_MAX_CHARS, blank=True)
    owner = models.ForeignKey(
        "domains.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_domains",
        verbose_name=_("owner"),
    )
    sponsor = models.ForeignKey(
        "domains.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_domains",
        verbose_name=_("sponsor"),
    )
    strategic_priority = models.PositiveSmallIntegerField(
        _("strategic priority"), choices=StrategicPriority.choices, default=StrategicPriority.MEDIUM
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [*text_limit_constraints("domain", dict.fromkeys(DESCRIPTIONS, NOTE_MAX_CHARS))]
        ordering = ["name"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.name


class Team(TranslatedFieldsMixin, TimeStampedModel):
    translated_fields = ("name", "description")

    # An imported bureau qualified by its agency runs long ("DOE · NA-IM (Enterprise) – Office of...").
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    function = models.ForeignKey(
        BusinessFunction, verbose_name=_("function"), on_delete=models.PROTECT, related_name="teams"
    )
    description = limited_text(_("description"), NOTE_MAX_CHARS, blank=True)
    members = models.ManyToManyField("domains.User", blank=True, related_name="teams", verbose_name=_("members"))

    # Field history only: simple-history's many-to-many tracking breaks when membership is changed
    # from the user's side (user.teams.clear()); membership changes belong in an audited service.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        constraints = [*text_limit_constraints("team", dict.fromkeys(DESCRIPTIONS, NOTE_MAX_CHARS))]
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name
