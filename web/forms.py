"""Forms of the team web pages. They validate input and hand it to the services of each layer;
they never write a model themselves and never touch a status."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.limits import NOTE_MAX_CHARS
from domains.choices import AMBITION_HELP, Ambition, RiskTier, Status
from domains.forms import JourneyStagesField
from domains.models import (
    USE_CASE_CONTENT_FIELDS,
    USE_CASE_CONTENT_SECTIONS,
    USE_CASE_RELATION_FIELDS,
    BusinessFunction,
    Domain,
    Foundation,
    Team,
    UseCase,
    User,
)
from domains.selectors import is_shared, use_case_list
from portfolio.choices import LinkKind, LinkStrength

SCORE_CHOICES = [("", _("Not scored yet"))] + [(str(n), str(n)) for n in range(1, 6)]

# The content fields set as attributes (functions and foundations go to the services as arguments).
CONTENT_FIELDS = tuple(name for name in USE_CASE_CONTENT_FIELDS if name not in USE_CASE_RELATION_FIELDS)

# The one-line lesson of each section of the form (domains.models.USE_CASE_CONTENT_SECTIONS).
SECTION_LESSONS = {
    "idea": _("Name it so a colleague in another function understands it at a glance."),
    "problem": _(
        "Start from the problem, not the technology. Which moment of the customer's journey gets better, and for whom?"
    ),
    "ambition": _("Optimising what exists and transforming how value is created are both useful; say which this is."),
    "value": _(
        "The committee weighs value against what it takes. Data readiness is often the real constraint: be candid."
    ),
    "risk": _("The EU AI Act classifies uses by risk; personal data brings its own duties."),
    "foundations": _(
        "Data sources, platforms and models that already exist. Reusing a foundation makes every use case built on "
        "it cheaper and the next one faster."
    ),
}


class UseCaseForm(forms.ModelForm):
    """The content of a use case. Fields a draft may leave empty stay optional here; the workflow
    service decides on submission what is still missing."""

    journey_stages = JourneyStagesField(label=UseCase._meta.get_field("journey_stages").verbose_name)
    ambition = forms.ChoiceField(
        label=UseCase._meta.get_field("ambition").verbose_name,
        choices=Ambition.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    functions = forms.ModelMultipleChoiceField(
        label=UseCase._meta.get_field("functions").verbose_name,
        help_text=UseCase._meta.get_field("functions").help_text,
        queryset=BusinessFunction.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    foundations = forms.ModelMultipleChoiceField(
        label=UseCase._meta.get_field("foundations").verbose_name,
        queryset=Foundation.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    # The version the form was opened on: a save over a newer one is refused with what changed.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = UseCase
        fields = CONTENT_FIELDS
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "problem_statement": forms.Textarea(attrs={"rows": 4}),
            "proposed_solution": forms.Textarea(attrs={"rows": 4}),
            "risk_tier": forms.Select,
            "estimated_annual_benefit": forms.NumberInput(attrs={"min": 0, "step": "1000", "inputmode": "decimal"}),
            "estimated_annual_cost": forms.NumberInput(attrs={"min": 0, "step": "1000", "inputmode": "decimal"}),
        }

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        teams = Team.objects.filter(members=actor).order_by("name")
        self.fields["team"].queryset = teams
        self.fields["team"].empty_label = None
        self.fields["domain"].queryset = Domain.objects.order_by("name")
        # The owner is someone of the submitting teams; by default, whoever creates it.
        # The current owner stays selectable even after leaving the team.
        self.fields["owner"].queryset = (
            User.objects.filter(Q(teams__in=teams) | Q(pk=self.instance.owner_id)).distinct().order_by("username")
        )
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["sponsor"].queryset = User.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.sponsor_id)
        ).order_by("last_name", "first_name", "username")
        self.fields["sponsor"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["sponsor"].empty_label = _("No sponsor yet")
        self.fields["foundations"].label_from_instance = lambda f: f.name
        for name in ("business_value", "feasibility", "data_readiness"):
            field = UseCase._meta.get_field(name)
            self.fields[name] = forms.TypedChoiceField(
                label=field.verbose_name,
                help_text=field.help_text,
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
        if self.instance.pk:
            self.initial.setdefault("loaded_version", self.instance.version)
            self.initial.setdefault("functions", list(self.instance.functions.all()))
            self.initial.setdefault("foundations", list(self.instance.foundations.all()))
        elif not self.is_bound:
            # A new use case is owned by whoever starts it, for the first of their teams.
            self.initial["owner"] = actor.pk
            first_team = teams.first()
            if first_team is not None:
                self.initial["team"] = first_team.pk
        self.fields["risk_tier"].required = False
        required_to_submit = set(UseCase.REQUIRED_FOR_SUBMISSION) | {"functions"}
        for name, field in self.fields.items():
            field.required_to_submit = name in required_to_submit
            field.label = capfirst(field.label)

    def clean_risk_tier(self):
        # Not assessed yet is a fine answer for a draft; a form posted without the field means it.
        return self.cleaned_data.get("risk_tier") or RiskTier.NOT_ASSESSED

    def mark_missing(self, names) -> None:
        """Fields the workflow found empty on submission: flagged for assistive technology too."""
        for name in names:
            if name in self.fields:
                bound = self[name]
                described = [f"{bound.auto_id}_helptext"] if bound.help_text else []
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": " ".join([*described, f"{bound.auto_id}_error"])}
                )

    def ambition_options(self):
        """The ambition radios with the one-line lesson of each."""
        return [(radio, AMBITION_HELP.get(radio.data["value"], "")) for radio in self["ambition"]]

    def sections(self):
        return [
            (key, heading, SECTION_LESSONS[key], [self[name] for name in names])
            for key, heading, names in USE_CASE_CONTENT_SECTIONS
        ]

    def content_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in CONTENT_FIELDS}

    def show_conflict(self, conflict) -> None:
        """Someone saved since this form was opened: say who changed what, keep everything typed,
        and take their version as the new starting point, so saving again is a deliberate choice."""
        self.add_error(None, conflict.message)
        current = conflict.details.get("current_values", {})
        for name in conflict.details.get("changed_fields", []):
            if name in self.fields:
                self.add_error(name, _("Changed meanwhile; it is now: %(value)s") % {"value": current.get(name) or "—"})
        self.data = self.data.copy()
        self.data["loaded_version"] = conflict.details["current_version"]

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's ValidationError beside the fields it names, the rest at the top."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


class LinkForm(forms.Form):
    """One related use case: whom it relates to, and how. The target is typed or picked by its
    reference; any use case visible to the team can be linked."""

    target = forms.CharField(
        label=_("Related use case"),
        max_length=20,
        required=False,
        help_text=_("Type a reference (UC-0042) or words of its title, then pick it from the list."),
        widget=forms.TextInput(attrs={"data-use-case-picker": "", "autocomplete": "off", "placeholder": "UC-0000"}),
    )
    kind = forms.ChoiceField(label=_("Kind of link"), choices=[("", "—"), *LinkKind.choices], required=False)
    strength = forms.TypedChoiceField(
        label=_("Strength"), choices=LinkStrength.choices, coerce=int, initial=LinkStrength.MEDIUM, required=False
    )
    rationale = forms.CharField(
        label=_("Why they relate"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One sentence the committee will read: what they share, or how one helps the other."),
    )

    def __init__(self, *args, actor: User, use_case: UseCase | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.use_case = use_case

    def clean(self):
        cleaned = super().clean()
        reference = (cleaned.get("target") or "").strip().split(" ")[0].upper()
        kind = cleaned.get("kind")
        if not reference and not kind:
            return cleaned
        if not reference:
            self.add_error("target", _("Pick the use case this one relates to."))
            return cleaned
        if not kind:
            self.add_error("kind", _("Say how the two use cases relate."))
        target = use_case_list(actor=self.actor).filter(reference=reference).first()
        if target is None:
            self.add_error("target", _("No use case %(reference)s that you can see.") % {"reference": reference})
        elif self.use_case is not None and target.pk == self.use_case.pk:
            self.add_error("target", _("A use case cannot be linked to itself."))
        cleaned["target_use_case"] = target
        cleaned["strength"] = cleaned.get("strength") or LinkStrength.MEDIUM
        return cleaned

    def has_changed(self) -> bool:
        # The strength has a default: a row with only its default strength is still an empty row.
        return any(name in self.changed_data for name in ("target", "kind", "rationale"))

    @property
    def is_filled(self) -> bool:
        return bool(self.cleaned_data.get("target_use_case") and self.cleaned_data.get("kind"))


class BaseLinkFormSet(forms.BaseFormSet):
    def __init__(self, *args, actor: User, use_case: UseCase | None, **kwargs):
        self.actor = actor
        self.use_case = use_case
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"actor": self.actor, "use_case": self.use_case}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            actor=self.actor,
            use_case=self.use_case,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form


LinkFormSet = forms.formset_factory(LinkForm, formset=BaseLinkFormSet, extra=1, max_num=20, absolute_max=20)


class RemoveLinksForm(forms.Form):
    """Existing links from this use case that the team wants to drop."""

    remove = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.links = list(links)
        self.fields["remove"].choices = [(str(link.pk), str(link.pk)) for link in self.links]

    def links_to_remove(self):
        chosen = set(self.cleaned_data.get("remove") or [])
        return [link for link in self.links if str(link.pk) in chosen]


class UseCaseSearchForm(forms.Form):
    """How the organisation-wide browse page asks for its filters (drafts are never listed there).
    It renders and checks them; the filtering itself is the API's filterset
    (domains.filters.UseCaseFilterSet), so the page and the API answer the same question the same
    way."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    domain = forms.ModelChoiceField(
        label=_("Domain"), queryset=Domain.objects.order_by("name"), required=False, empty_label=_("All domains")
    )
    function = forms.ModelChoiceField(
        label=_("Function"),
        queryset=BusinessFunction.objects.order_by("name"),
        required=False,
        empty_label=_("All functions"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *[(v, label) for v, label in Status.choices if is_shared(v)]],
    )
    ambition = forms.ChoiceField(
        label=_("Ambition"), required=False, choices=[("", _("Any ambition")), *Ambition.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].to_field_name = "slug"
        self.fields["function"].to_field_name = "slug"
