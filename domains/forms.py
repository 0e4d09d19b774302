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

    class Meta:
        model = UseCase
        # The admin's fieldsets decide the fields; this form only swaps the journey-stages widget.
        fields = ("journey_stages",)
