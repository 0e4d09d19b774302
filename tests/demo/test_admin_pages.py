"""The committee's admin renders every page with the demo organisation (loaded once per test session)."""

import pytest
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse

from domains.models import UseCase
from portfolio.models import UseCaseLink

pytestmark = pytest.mark.django_db


def _admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_changelist_renders_with_the_demo_data_for_an_administrator(demo, admin_client):
    for model in admin.site._registry:
        response = admin_client.get(_admin_url(model, "changelist"))
        assert response.status_code == 200, model
        assert response.context["cl"].result_count == model._default_manager.count(), model


def test_a_committee_member_opens_every_committee_list_and_no_other(demo, client):
    from governance.selectors import committee_admin_permissions

    client.login(request=HttpRequest(), username="camille.petit", password="demo-pass-2026")
    allowed = {(p.content_type.app_label, p.content_type.model) for p in committee_admin_permissions()}
    for model in admin.site._registry:
        response = client.get(_admin_url(model, "changelist"))
        expected = 200 if (model._meta.app_label, model._meta.model_name) in allowed else 403
        assert response.status_code == expected, model


def test_every_change_page_renders_with_the_demo_data(demo, admin_client):
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        response = admin_client.get(_admin_url(model, "change", obj.pk))
        assert response.status_code == 200, model
        if model_admin.has_add_permission(response.wsgi_request):
            assert admin_client.get(_admin_url(model, "add")).status_code == 200, model


def test_use_case_changelist_shows_references_and_filters(demo, admin_client):
    response = admin_client.get(_admin_url(UseCase, "changelist"), {"status__exact": "in_review"})
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown and all(uc.status == "in_review" for uc in shown)
    assert shown[0].reference in response.content.decode()


def test_use_case_change_page_shows_links_both_ways_and_foundations(demo, admin_client):
    link = UseCaseLink.objects.select_related("source", "target").order_by("pk").first()
    page = admin_client.get(_admin_url(UseCase, "change", link.target.pk)).content.decode()
    assert "links to this use case" in page.lower()
    assert "links from this use case" in page.lower()
    assert "foundations it builds on" in page.lower()
    assert link.source.title in page


def test_status_is_read_only_in_the_admin(demo, admin_client):
    use_case = UseCase.objects.filter(status="draft").first()
    page = admin_client.get(_admin_url(UseCase, "change", use_case.pk))
    assert "status" not in page.context["adminform"].form.fields


def test_admin_edit_and_inline_link_go_through_the_services_and_are_audited(demo, admin_client, staff_user):
    from core.models import AuditEvent
    from tests.admin_forms import admin_change_form_data

    use_case = UseCase.objects.filter(status="draft").order_by("pk").first()
    other = UseCase.objects.exclude(pk=use_case.pk).filter(status="draft").order_by("pk").first()
    url = _admin_url(UseCase, "change", use_case.pk)
    data = admin_change_form_data(admin_client.get(url))
    data["title"] = "Renamed by the committee"
    index = int(data["outgoing_links-TOTAL_FORMS"])
    data["outgoing_links-TOTAL_FORMS"] = index + 1
    data.update({f"outgoing_links-{index}-kind": "depends_on", f"outgoing_links-{index}-target": other.pk})
    data[f"outgoing_links-{index}-strength"] = 3

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    use_case.refresh_from_db()
    assert use_case.title == "Renamed by the committee"
    assert UseCaseLink.objects.filter(source=use_case, target=other, kind="depends_on", strength=3).exists()
    actions = set(AuditEvent.objects.filter(use_case=use_case, actor=staff_user).values_list("action", flat=True))
    assert actions == {"use_case.updated", "link.created"}


def test_admin_shows_a_dependency_cycle_as_a_form_error(demo, admin_client):
    from tests.admin_forms import admin_change_form_data

    link = UseCaseLink.objects.filter(kind="depends_on").select_related("source", "target").order_by("pk").first()
    url = _admin_url(UseCase, "change", link.target.pk)
    data = admin_change_form_data(admin_client.get(url))
    index = int(data["outgoing_links-TOTAL_FORMS"])
    data["outgoing_links-TOTAL_FORMS"] = index + 1
    data.update({f"outgoing_links-{index}-kind": "depends_on", f"outgoing_links-{index}-target": link.source.pk})
    data[f"outgoing_links-{index}-strength"] = 2

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "This dependency would close a cycle" in response.content.decode()
    assert not UseCaseLink.objects.filter(source=link.target, target=link.source, kind="depends_on").exists()
