"""A use case's content is declared once (domains.models.USE_CASE_CONTENT_SECTIONS) and every place
that reads or writes it follows: the API serializer, the team form, the admin and the services."""

import pytest
from django.contrib import admin

from domains.models import USE_CASE_CONTENT_FIELDS, USE_CASE_RELATION_FIELDS, UseCase
from domains.services import USE_CASE_EDITABLE_FIELDS

pytestmark = pytest.mark.django_db


def test_the_serializer_writes_exactly_the_content():
    from domains.api.serializers import UseCaseSerializer

    fields = UseCaseSerializer().fields
    writable = {name for name, field in fields.items() if not field.read_only}
    assert writable == {*USE_CASE_CONTENT_FIELDS, "external_id"}


def test_the_team_form_has_every_content_field_in_its_sections():
    from tests.factories import TeamFactory, UserFactory
    from web.forms import UseCaseForm

    member = UserFactory()
    TeamFactory(members=[member])
    form = UseCaseForm(instance=UseCase(), actor=member)
    in_sections = [field.name for _key, _heading, _lesson, fields in form.sections() for field in fields]
    assert in_sections == list(USE_CASE_CONTENT_FIELDS)


def test_the_admin_shows_every_content_field_and_foundations_as_an_inline(rf):
    from domains.models import UseCaseFoundation

    model_admin = admin.site._registry[UseCase]
    # A fieldset's entry is a field or a row of fields shown side by side.
    shown = [
        name
        for _title, options in model_admin.fieldsets
        for entry in options["fields"]
        for name in (entry if isinstance(entry, tuple | list) else (entry,))
    ]
    assert set(USE_CASE_CONTENT_FIELDS) - set(shown) == {"foundations"}
    assert UseCaseFoundation in {inline.model for inline in model_admin.inlines}


def test_the_services_accept_the_content_and_nothing_of_the_workflow():
    assert {
        *(set(USE_CASE_CONTENT_FIELDS) - set(USE_CASE_RELATION_FIELDS)),
        "external_id",
    } == USE_CASE_EDITABLE_FIELDS
    assert not {"status", "reference", "status_changed_at"} & USE_CASE_EDITABLE_FIELDS
