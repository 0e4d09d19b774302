"""Two people editing the same use case: the second save does not silently overwrite the first. The
form carries the version it was opened on; a save over a newer version comes back with who changed
what (and its value now) and everything this person typed; saving again is then a deliberate choice.
The same holds in the admin and for any caller of the service."""

import pytest
from django.urls import reverse

from core.exceptions import ChangedMeanwhile
from domains import services
from tests.admin_forms import admin_change_form_data
from tests.web.test_web_edit import edit_url, form_data

pytestmark = pytest.mark.django_db


def test_the_second_save_is_refused_with_what_changed_and_keeps_the_input(client, org):
    use_case = org.use_case()
    client.force_login(org.alice)
    opened = client.get(edit_url(use_case))
    started_from = opened.context["form"]["loaded_version"].value()
    # Meanwhile Paul, her teammate, renames it.
    services.use_case_update(actor=org.paul, use_case=use_case, data={"title": "Paul's better title"})

    alice = form_data(
        org, title="Alice's title", problem_statement="Alice typed this at length.", loaded_version=started_from
    )
    refused = client.post(edit_url(use_case), alice)

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "While you were editing, Paul Durand saved" in page
    assert "and changed: title" in page
    assert "Changed meanwhile; it is now: Paul&#x27;s better title" in page
    assert 'value="Alice&#x27;s title"' in page and "Alice typed this at length." in page
    use_case.refresh_from_db()
    assert use_case.title == "Paul's better title"

    # She has seen theirs; saving again from the page keeps hers.
    again = client.post(
        edit_url(use_case), {**alice, "loaded_version": refused.context["form"]["loaded_version"].value()}
    )
    assert again.status_code == 302
    use_case.refresh_from_db()
    assert use_case.title == "Alice's title"


def test_a_save_from_the_current_version_goes_through(client, org):
    use_case = org.use_case()
    client.force_login(org.alice)
    version = client.get(edit_url(use_case)).context["form"]["loaded_version"].value()
    assert client.post(edit_url(use_case), form_data(org, loaded_version=version)).status_code == 302
    use_case.refresh_from_db()
    assert use_case.version == version + 1


def test_the_service_refuses_an_edit_started_from_an_older_version(org):
    use_case = org.use_case()
    first = use_case.version
    services.use_case_update(actor=org.paul, use_case=use_case, data={"problem_statement": "Paul's words"})

    with pytest.raises(ChangedMeanwhile) as refused:
        services.use_case_update(actor=org.alice, use_case=use_case, data={"title": "X"}, expected_version=first)

    assert refused.value.status_code == 409
    assert refused.value.details["changed_fields"] == ["problem_statement"]
    assert refused.value.details["changed_by"] == ["Paul Durand"]
    assert refused.value.details["current_version"] == first + 1


def test_the_admin_refuses_a_save_over_a_newer_version(committee_admin, org):
    use_case = org.use_case()
    client = committee_admin(org.finance)
    url = reverse("admin:domains_usecase_change", args=[use_case.pk])
    data = admin_change_form_data(client.get(url))
    services.use_case_update(actor=org.alice, use_case=use_case, data={"title": "Alice renamed it"})

    data["title"] = "The committee's title"
    refused = client.post(url, data)

    assert refused.status_code == 200
    assert "While you were editing, Alice Martin saved" in refused.content.decode()
    use_case.refresh_from_db()
    assert use_case.title == "Alice renamed it"


def test_the_api_refuses_a_patch_made_from_an_older_version(org):
    from rest_framework.test import APIClient

    use_case = org.use_case()
    api = APIClient()
    api.force_login(org.alice)
    read = api.get(f"/api/v1/use-cases/{use_case.pk}/")
    etag = read["ETag"]
    assert etag == f'"{read.json()["version"]}"'
    services.use_case_update(actor=org.paul, use_case=use_case, data={"title": "Paul's better title"})

    refused = api.patch(f"/api/v1/use-cases/{use_case.pk}/", {"title": "Alice's"}, format="json", HTTP_IF_MATCH=etag)
    assert refused.status_code == 409
    assert refused.json()["changed_fields"] == ["title"] and refused.json()["changed_by"] == ["Paul Durand"]
    use_case.refresh_from_db()
    assert use_case.title == "Paul's better title"

    current = api.get(f"/api/v1/use-cases/{use_case.pk}/")["ETag"]
    saved = api.patch(f"/api/v1/use-cases/{use_case.pk}/", {"title": "Alice's"}, format="json", HTTP_IF_MATCH=current)
    assert saved.status_code == 200 and saved["ETag"] != current
    bad = api.patch(f"/api/v1/use-cases/{use_case.pk}/", {"title": "X"}, format="json", HTTP_IF_MATCH="yesterday")
    assert bad.status_code == 400 and "If-Match" in bad.json()
