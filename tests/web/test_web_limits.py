"""The team form shows each text's limit, refuses longer text beside the field with everything typed
kept, and a body too large to read is a 413 page that says going back keeps the text."""

import pytest
from django.urls import reverse

from core.limits import PROSE_MAX_CHARS, REQUEST_BODY_MAX_BYTES
from domains.models import UseCase
from tests.web.test_web_edit import form_data

pytestmark = pytest.mark.django_db


def test_the_form_tells_the_browser_each_limit(alice_client):
    page = alice_client.get(reverse("web:use_case_new")).content.decode()
    assert f'maxlength="{PROSE_MAX_CHARS}"' in page


def test_text_over_its_limit_is_refused_beside_the_field_and_the_input_is_kept(alice_client, org):
    too_long = "p" * (PROSE_MAX_CHARS + 1)
    response = alice_client.post(reverse("web:use_case_new"), form_data(org, problem_statement=too_long))
    assert response.status_code == 200
    assert f"at most {PROSE_MAX_CHARS} characters" in response.content.decode()
    assert too_long in response.content.decode()
    assert "Dynamic pricing for fresh produce" in response.content.decode()
    assert not UseCase.objects.exists()


def test_a_body_too_large_to_read_is_a_413_page(alice_client, org):
    huge = "p" * (REQUEST_BODY_MAX_BYTES + 1)
    response = alice_client.post(reverse("web:use_case_new"), form_data(org, problem_statement=huge))
    assert response.status_code == 413
    assert "Go back in your browser: what you typed is still there." in response.content.decode()
    assert not UseCase.objects.exists()
