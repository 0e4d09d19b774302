"""generate_scale_data: deterministic, valid against every constraint, refuses to run twice."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from domains.models import UseCase
from portfolio.graph import dependency_cycle
from portfolio.models import UseCaseLink

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[list, list]:
    fields = ["external_id", "title", "status", "domain__slug", "team__slug", "business_value", "ambition"]
    if connection.vendor == "postgresql":  # bulk_create elsewhere stamps the current time
        fields.append("updated_at")
    use_cases = list(UseCase.objects.order_by("external_id").values_list(*fields))
    links = sorted(UseCaseLink.objects.values_list("source__external_id", "target__external_id", "kind", "strength"))
    return use_cases, links


def test_same_seed_gives_the_same_data():
    call_command("generate_scale_data", use_cases=60, links=80, seed=11, stdout=io.StringIO())
    first = snapshot()
    UseCase.objects.all().delete()  # links cascade

    call_command("generate_scale_data", use_cases=60, links=80, seed=11, stdout=io.StringIO())

    assert snapshot() == first
    assert len(first[0]) == 60 and len(first[1]) == 80


def test_generated_data_passes_model_validation_and_has_no_dependency_cycle():
    call_command("generate_scale_data", use_cases=40, links=60, seed=3, stdout=io.StringIO())

    for use_case in UseCase.objects.all():
        use_case.full_clean()
    assert len(set(UseCase.objects.values_list("reference", flat=True))) == 40
    for link in UseCaseLink.objects.filter(kind="depends_on"):
        assert dependency_cycle(source_id=link.source_id, target_id=link.target_id, exclude_link_id=link.pk) == []
        link.validate_constraints()


def test_refuses_to_run_twice_and_impossible_link_counts():
    call_command("generate_scale_data", use_cases=5, stdout=io.StringIO())
    with pytest.raises(CommandError, match="already here"):
        call_command("generate_scale_data", use_cases=5)
    with pytest.raises(CommandError, match="--links"):
        call_command("generate_scale_data", use_cases=3, links=4)
