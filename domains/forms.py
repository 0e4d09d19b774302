"""Form pieces shared by the admin and the team forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import JourneyStage
from .models import UseCase


class JourneyStagesField(forms.MultipleChoiceField):
    """The customer-journey stages as checkboxes, stored as a JSON list."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", JourneyStage.choices)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("customer-journey stages"))
        kwargs.setdefault("help_text", UseCase._meta.get_field("journey_stages").help_text)
        super().__init__(**kwargs)


class UseCaseAdminForm(forms.ModelForm):
    journey_stages = JourneyStagesField()
    # The version the page was opened on: saving over a newer one is refused with what changed.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = UseCase
        # The admin's fieldsets decide the fields; this form swaps the journey-stages widget and
        # carries the version.
        fields = ("journey_stages",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("loaded_version", self.instance.version)

    def clean(self):
        cleaned = super().clean()
        started = cleaned.get("loaded_version")
        if self.instance.pk and started is not None:
            from .selectors import edit_conflict

            current = UseCase.objects.get(pk=self.instance.pk)
            if current.version != started:
                conflict = edit_conflict(current, started)
                # Saving again is then a deliberate choice over their changes.
                self.data = self.data.copy()
                self.data["loaded_version"] = current.version
                raise forms.ValidationError(conflict.message, code="changed_meanwhile")
        return cleaned
