"""The team pages over the demo organisation: realistic data renders on every page."""

import pytest
from django.urls import reverse

from domains.models import UseCase, User

pytestmark = pytest.mark.django_db


def test_every_team_page_renders_over_the_demo_data(demo, client):
    member = User.objects.filter(teams__isnull=False, is_staff=False).order_by("username").first()
    client.force_login(member)
    mine = UseCase.objects.filter(team__members=member).order_by("pk")
    others = UseCase.objects.exclude(team__members=member).exclude(status="draft").order_by("pk")
    editable = mine.filter(status__in=["draft", "changes_requested"]).first()

    pages = [
        reverse("web:my_use_cases"),
        reverse("web:use_case_browse"),
        reverse("web:use_case_browse") + "?ambition=transformation&status=approved",
        reverse("web:use_case_new"),
        *[reverse("web:use_case_detail", args=[uc.reference]) for uc in [*mine[:5], *others[:5]]],
    ]
    if editable is not None:
        pages.append(reverse("web:use_case_edit", args=[editable.reference]))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    assert mine.exists() and others.exists()
