"""Forms of the team web pages. They validate input and hand it to the services of each layer;
they never write a model themselves and never touch a status."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.formats import get_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.limits import NOTE_MAX_CHARS, PROSE_MAX_CHARS
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
from governance.choices import (
    KpiCategory,
    KpiDirection,
    KpiFrequency,
    SideEffectCategory,
    SideEffectKind,
    SideEffectStatus,
)
from governance.models import Kpi, KpiMeasurement, SideEffect
from governance.services import KPI_EDITABLE_FIELDS
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


# Impact: success measures, their measurements, side effects ---------------------------------------

# What each category of success measure says, shown beside its choice: the committee asks for one
# beyond efficiency before a use case is submitted.
KPI_CATEGORY_HELP = {
    KpiCategory.EFFICIENCY: _("Time or cost saved doing what is done today."),
    KpiCategory.GROWTH: _("Revenue, conversion, basket size, new customers."),
    KpiCategory.ENGAGEMENT: _("How customers or colleagues take it up: use, satisfaction, NPS."),
    KpiCategory.LASTING_RESULTS: _("Results that last: retention, quality, waste avoided."),
    KpiCategory.RISK: _("Risks kept down: errors, complaints, incidents, fairness gaps."),
}
LEVEL_LABELS = {
    1: _("1 – very low"),
    2: _("2 – low"),
    3: _("3 – medium"),
    4: _("4 – high"),
    5: _("5 – very high"),
}
IMPACT_BACK_CHOICES = ("form", "detail")


_THOUSANDS_WITH_COMMAS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")


def normalise_typed_number(value: str) -> str:
    """A number as people type it, in the page's language, made plain ("1234.5"): spaces between
    thousands; with both a comma and a point, the last one is the decimal separator ("1,234.5",
    "1.234,5"); a lone comma is the decimal one where the language writes decimals so ("12,5" in French),
    and separates thousands where it does not ("1,000" in English is a thousand, never 1)."""
    value = value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").strip()
    if "," in value and "." in value:
        decimal, thousands = (",", ".") if value.rfind(",") > value.rfind(".") else (".", ",")
        return value.replace(thousands, "").replace(decimal, ".")
    if "," in value:
        if get_format("DECIMAL_SEPARATOR") != "," and _THOUSANDS_WITH_COMMAS.match(value):
            return value.replace(",", "")
        return value.replace(",", ".")
    return value


class DecimalInputField(forms.DecimalField):
    """A number typed as people type it (normalise_typed_number)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = normalise_typed_number(value)
        return super().to_python(value)


def _decimal_widget():
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


def _person_label(user: User) -> str:
    return user.get_full_name() or user.username


def _team_people(use_case: UseCase, current_id: int | None):
    """Whom a measure or a side effect may be given to: the team's members (and whoever holds it now,
    even after leaving the team)."""
    return (
        User.objects.filter(Q(teams=use_case.team_id) | Q(pk=current_id))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _capitalise_labels(form) -> None:
    for field in form.fields.values():
        field.label = capfirst(field.label)


class ServiceErrorsMixin:
    def add_service_error(self, error: ValidationError) -> None:
        """A service's ValidationError beside the fields it names, the rest at the top."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


class KpiForm(ServiceErrorsMixin, forms.Form):
    """A success measure: what is measured, from where to where, which way is better, how often and
    who answers for it. governance.services.kpi_create / kpi_update write it."""

    FIELDS = KPI_EDITABLE_FIELDS

    def __init__(self, *args, use_case: UseCase, kpi: Kpi | None = None, actor: User, **kwargs):
        if kpi is not None:
            kwargs.setdefault("initial", {name: getattr(kpi, name) for name in self.FIELDS if name != "owner"})
            kwargs["initial"]["owner"] = kpi.owner_id
            for name in ("baseline", "target"):
                # 18, not 18.0000: the figure as it was typed.
                if kwargs["initial"].get(name) is not None:
                    kwargs["initial"][name] = format(kwargs["initial"][name].normalize(), "f")
        super().__init__(*args, **kwargs)
        self.use_case = use_case
        self.kpi = kpi
        model = Kpi._meta
        self.fields["name"] = forms.CharField(
            label=model.get_field("name").verbose_name,
            max_length=model.get_field("name").max_length,
            help_text=_("What is measured, as the committee will read it: “Repeat purchase rate at 90 days”."),
            widget=forms.TextInput(attrs={"autocomplete": "off"}),
        )
        self.fields["category"] = forms.ChoiceField(
            label=model.get_field("category").verbose_name, choices=KpiCategory.choices, widget=forms.RadioSelect
        )
        self.fields["unit"] = forms.CharField(
            label=model.get_field("unit").verbose_name,
            max_length=model.get_field("unit").max_length,
            required=False,
            help_text=model.get_field("unit").help_text,
        )
        self.fields["is_monetary"] = forms.BooleanField(
            label=model.get_field("is_monetary").verbose_name,
            help_text=model.get_field("is_monetary").help_text,
            required=False,
        )
        for name in ("baseline", "target"):
            field = model.get_field(name)
            self.fields[name] = DecimalInputField(
                label=field.verbose_name,
                help_text=field.help_text,
                max_digits=field.max_digits,
                decimal_places=field.decimal_places,
                required=False,
                widget=_decimal_widget(),
            )
        self.fields["target"].help_text = _("Where it should get to.")
        self.fields["target_date"] = forms.DateField(
            label=model.get_field("target_date").verbose_name,
            help_text=model.get_field("target_date").help_text,
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
        self.fields["direction"] = forms.ChoiceField(
            label=model.get_field("direction").verbose_name,
            choices=KpiDirection.choices,
            initial=KpiDirection.HIGHER,
            widget=forms.RadioSelect,
        )
        self.fields["frequency"] = forms.ChoiceField(
            label=model.get_field("frequency").verbose_name, choices=KpiFrequency.choices, initial=KpiFrequency.MONTHLY
        )
        self.fields["owner"] = forms.ModelChoiceField(
            label=model.get_field("owner").verbose_name,
            queryset=_team_people(use_case, kpi.owner_id if kpi else None),
            required=False,
            empty_label=_("No owner yet"),
            help_text=_("Someone of %(team)s who records its measurements.") % {"team": use_case.team},
        )
        self.fields["owner"].label_from_instance = _person_label
        if kpi is None and not self.is_bound:
            self.initial.setdefault("owner", actor.pk if use_case.team.members.filter(pk=actor.pk).exists() else None)
        _capitalise_labels(self)

    def category_options(self):
        return [(radio, KPI_CATEGORY_HELP.get(radio.data["value"], "")) for radio in self["category"]]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = self.use_case.kpis.exclude(pk=self.kpi.pk) if self.kpi else self.use_case.kpis.all()
        if others.filter(name=name).exists():
            raise ValidationError(
                _("%(reference)s already has a success measure with this name.")
                % {"reference": self.use_case.reference}
            )
        return name

    def clean(self):
        cleaned = super().clean()
        baseline, target, direction = cleaned.get("baseline"), cleaned.get("target"), cleaned.get("direction")
        if baseline is not None and target is not None and direction in KpiDirection.values:
            if direction == KpiDirection.HIGHER and target <= baseline:
                self.add_error(
                    "target",
                    _("Higher is better, so the target must be above the baseline (%(baseline)s).")
                    % {"baseline": baseline.normalize()},
                )
            elif direction == KpiDirection.LOWER and target >= baseline:
                self.add_error(
                    "target",
                    _("Lower is better, so the target must be below the baseline (%(baseline)s).")
                    % {"baseline": baseline.normalize()},
                )
        return cleaned

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.FIELDS}
        data["unit"] = data["unit"].strip()
        return data


class MeasurementForm(forms.Form):
    """One value of a measure on one date. The date is read here; the value and the rules (a number,
    not in the future) are governance.services.kpi_measurements_record's, whose refusals name the
    field and are shown beside it."""

    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When it was observed. A date already measured is updated."),
    )
    value = forms.CharField(label=_("Value"), max_length=40, widget=_decimal_widget())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=KpiMeasurement._meta.get_field("note").max_length,
        help_text=_("Optional: where the figure comes from, what happened."),
    )

    def clean_value(self):
        return normalise_typed_number(self.cleaned_data["value"])

    def row(self) -> dict:
        return {
            "date": self.cleaned_data["date"].isoformat(),
            "value": self.cleaned_data["value"],
            "note": self.cleaned_data["note"],
        }

    def add_row_errors(self, errors: list[dict]) -> None:
        for error in errors:
            field = error.get("field")
            self.add_error(field if field in self.fields else None, error["message"])


class SideEffectForm(ServiceErrorsMixin, forms.Form):
    """A side effect, anticipated before delivery or observed after: rated for likelihood and
    severity (1 to 5), mitigated, watched by someone; an observed one may be tied to the success
    measure that shows it. governance.services.side_effect_create / side_effect_update write it."""

    FIELDS = (
        "kind",
        "category",
        "title",
        "description",
        "likelihood",
        "severity",
        "mitigation",
        "owner",
        "status",
        "kpi",
    )

    def __init__(self, *args, use_case: UseCase, side_effect: SideEffect | None = None, kpis=(), **kwargs):
        if side_effect is not None:
            initial = {name: getattr(side_effect, name) for name in self.FIELDS if name not in ("owner", "kpi")}
            initial.update(owner=side_effect.owner_id, kpi=side_effect.kpi_id)
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.use_case = use_case
        self.side_effect = side_effect
        model = SideEffect._meta
        self.fields["kind"] = forms.ChoiceField(
            label=model.get_field("kind").verbose_name,
            choices=SideEffectKind.choices,
            initial=SideEffectKind.ANTICIPATED,
            widget=forms.RadioSelect,
            help_text=_("Anticipated: what could happen, before delivery. Observed: what did happen."),
        )
        self.fields["category"] = forms.ChoiceField(
            label=model.get_field("category").verbose_name,
            choices=[("", "—"), *SideEffectCategory.choices],
            help_text=_("Who or what it touches."),
        )
        self.fields["title"] = forms.CharField(
            label=model.get_field("title").verbose_name,
            max_length=model.get_field("title").max_length,
            help_text=_("In a sentence: “Store staff lose the routine of ordering by hand”."),
            widget=forms.TextInput(attrs={"autocomplete": "off"}),
        )
        self.fields["description"] = forms.CharField(
            label=model.get_field("description").verbose_name,
            required=False,
            max_length=PROSE_MAX_CHARS,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        levels = [("", _("Not rated yet")), *((str(n), label) for n, label in LEVEL_LABELS.items())]
        for name, help_text in (
            ("likelihood", _("How likely it is to happen (or, observed, to happen again).")),
            ("severity", _("How much harm it does when it happens.")),
        ):
            self.fields[name] = forms.TypedChoiceField(
                label=model.get_field(name).verbose_name,
                choices=levels,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text=help_text,
                error_messages={
                    "invalid_choice": _("Rate it from 1 (very low) to 5 (very high); %(value)s is not on the scale.")
                },
            )
        self.fields["mitigation"] = forms.CharField(
            label=model.get_field("mitigation").verbose_name,
            required=False,
            max_length=NOTE_MAX_CHARS,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("What is done to prevent it or soften it."),
        )
        self.fields["owner"] = forms.ModelChoiceField(
            label=model.get_field("owner").verbose_name,
            queryset=_team_people(use_case, side_effect.owner_id if side_effect else None),
            required=False,
            empty_label=_("No owner yet"),
            help_text=_("Who watches it."),
        )
        self.fields["owner"].label_from_instance = _person_label
        self.fields["status"] = forms.ChoiceField(
            label=model.get_field("status").verbose_name,
            choices=SideEffectStatus.choices,
            initial=SideEffectStatus.OPEN,
        )
        self.fields["kpi"] = forms.ModelChoiceField(
            label=model.get_field("kpi").verbose_name,
            queryset=Kpi.objects.filter(pk__in=[kpi.pk for kpi in kpis]).order_by("name"),
            required=False,
            empty_label=_("None"),
            help_text=model.get_field("kpi").help_text,
        )
        self.fields["kpi"].label_from_instance = lambda kpi: kpi.name
        _capitalise_labels(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kpi") is not None and cleaned.get("kind") == SideEffectKind.ANTICIPATED:
            self.add_error(
                "kpi", _("Only an observed side effect is tied to a success measure: choose “Observed”, or none.")
            )
        return cleaned

    def rating_fields(self):
        return [self["likelihood"], self["severity"]]

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.FIELDS}
        for name in ("title", "description", "mitigation"):
            data[name] = data[name].strip()
        return data


class RemoveImpactForm(forms.Form):
    """Success measures and side effects the team ticks in the use-case form to remove on saving."""

    kpis = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    side_effects = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, kpis=(), side_effects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kpis = list(kpis)
        self.side_effects = list(side_effects)
        self.fields["kpis"].choices = [(str(kpi.pk), kpi.name) for kpi in self.kpis]
        self.fields["side_effects"].choices = [(str(effect.pk), effect.title) for effect in self.side_effects]

    def _chosen(self, name, rows):
        chosen = set(self.cleaned_data.get(name) or []) if hasattr(self, "cleaned_data") else set()
        return [row for row in rows if str(row.pk) in chosen]

    def kpis_to_remove(self):
        return self._chosen("kpis", self.kpis)

    def side_effects_to_remove(self):
        return self._chosen("side_effects", self.side_effects)

    def ticked(self, name) -> set[str]:
        return set(self[name].value() or [])
