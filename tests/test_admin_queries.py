"""The use-case changelist runs a fixed number of queries, however many rows it shows."""

import pytest
from django.urls import reverse

from domains.models import UseCase
from tests.factories import DomainFactory, TeamFactory, UseCaseFactory, UserFactory, function

pytestmark = pytest.mark.django_db


def _admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _make_use_cases(count: int) -> None:
    domain, team, owner = DomainFactory(), TeamFactory(), UserFactory()
    for _ in range(count):
        UseCaseFactory(domain=domain, team=team, owner=owner, functions=[function("marketing"), function("it")])


def _changelist_queries(admin_client, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = admin_client.get(_admin_url(UseCase, "changelist"), {"all": ""})
    assert response.status_code == 200
    assert response.context["cl"].result_count == count
    return len(ctx)


def test_use_case_changelist_query_count_does_not_grow_with_rows(admin_client):
    _make_use_cases(10)
    with_10 = _changelist_queries(admin_client, 10)
    _make_use_cases(190)
    with_200 = _changelist_queries(admin_client, 200)
    assert with_10 == with_200
    assert with_200 <= 15
