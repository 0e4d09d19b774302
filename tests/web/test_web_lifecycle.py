"""The lifecycle on the team pages: the team takes approved work to delivery and scale from the use
case's page, and discards a draft it no longer wants."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from domains.models import UseCase

pytestmark = pytest.mark.django_db


def step_url(use_case, action):
    return reverse("web:use_case_step", args=[use_case.reference, action])


def test_the_team_starts_the_pilot_then_scales_from_the_page(client, org):
    use_case = org.approve(org.use_case())
    client.force_login(org.paul)  # in the team, not the owner

    page = client.get(reverse("web:use_case_detail", args=[use_case.reference]))
    assert step_url(use_case, "start_delivery") in page.text
    response = client.post(step_url(use_case, "start_delivery"), follow=True)
    assert f"{use_case.reference}: start delivery (pilot) done." in response.text
    page = client.get(reverse("web:use_case_detail", args=[use_case.reference]))
    assert step_url(use_case, "scale") in page.text
    client.post(step_url(use_case, "scale"))

    use_case.refresh_from_db()
    assert use_case.status == "scaled"
    assert AuditEvent.objects.filter(use_case=use_case, action="workflow.scale", actor=org.paul).exists()


def test_another_team_sees_no_step_and_posting_one_changes_nothing(client, org):
    use_case = org.approve(org.use_case())
    client.force_login(org.bob)

    page = client.get(reverse("web:use_case_detail", args=[use_case.reference]))
    assert step_url(use_case, "start_delivery") not in page.text
    response = client.post(step_url(use_case, "start_delivery"), follow=True)

    assert "Only a member of the team that owns the use case or the committee chair" in response.text
    use_case.refresh_from_db()
    assert use_case.status == "approved"


def test_the_team_discards_a_draft_which_leaves_its_list_but_stays_on_record(client, org):
    use_case = org.use_case(title="An idea we dropped")
    client.force_login(org.alice)

    response = client.post(step_url(use_case, "discard"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("web:my_use_cases")
    assert "An idea we dropped" not in response.text
    assert client.get(reverse("web:use_case_detail", args=[use_case.reference])).status_code == 404
    assert UseCase.objects.get(pk=use_case.pk).status == "discarded"
    assert AuditEvent.objects.filter(use_case=use_case, action="workflow.discard", actor=org.alice).exists()


def test_a_submitted_use_case_offers_no_discard(client, org):
    use_case = org.use_case()
    org.submit(use_case)
    client.force_login(org.alice)
    page = client.get(reverse("web:use_case_detail", args=[use_case.reference]))
    assert step_url(use_case, "discard") not in page.text


def test_an_unknown_step_is_404(client, org):
    use_case = org.use_case()
    client.force_login(org.alice)
    assert client.post(step_url(use_case, "approve")).status_code == 404
    use_case.refresh_from_db()
    assert use_case.status == "draft"
