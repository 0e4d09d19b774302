"""The committee imports an inventory in the admin: upload and preview (nothing written), then confirm."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from domains.models import UseCase
from exchange import services
from exchange.models import ImportRun
from tests.exchange.test_import import GOOD, HEADER, MAPPING

pytestmark = pytest.mark.django_db


def _upload(client, content: bytes, **extra):
    import yaml

    return client.post(
        reverse("admin:exchange_importrun_add"),
        {"file": SimpleUploadedFile("inventory.csv", content), "mapping_text": yaml.safe_dump(MAPPING), **extra},
    )


def test_a_committee_member_previews_then_confirms_an_import(world, committee_admin):
    client = committee_admin(world.chair)

    response = _upload(client, (HEADER + GOOD).encode())

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("admin:exchange_importrun_change", args=[run.pk])
    services.import_run_execute(run_id=run.pk)  # the worker's part (no worker in this test)
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Preview: nothing has been written" in page.content.decode()
    assert not UseCase.objects.filter(external_source="test-inventory").exists()

    confirmed = client.post(reverse("admin:exchange_importrun_confirm", args=[run.pk]))

    real = ImportRun.objects.exclude(pk=run.pk).get()
    assert confirmed.status_code == 302 and not real.dry_run
    services.import_run_execute(run_id=real.pk)
    assert UseCase.objects.filter(external_source="test-inventory").count() == 1


def test_a_preview_with_bad_rows_lists_them_and_cannot_be_confirmed(world, committee_admin):
    client = committee_admin(world.chair)
    _upload(client, (HEADER + GOOD + "2,Triage,Department of Tests,OCIO,Sunsetting,Neither,,,,,\r\n").encode())
    run = services.import_run_execute(run_id=ImportRun.objects.get().pk)

    page = client.get(reverse("admin:exchange_importrun_change", args=[run.pk])).content.decode()

    assert "Sunsetting" in page and "Import for real" not in page
    response = client.post(reverse("admin:exchange_importrun_confirm", args=[run.pk]))
    assert response.status_code == 302
    assert ImportRun.objects.count() == 1


def test_a_bad_mapping_is_shown_on_the_form_and_nothing_is_kept(world, committee_admin):
    client = committee_admin(world.chair)

    response = client.post(
        reverse("admin:exchange_importrun_add"),
        {"file": SimpleUploadedFile("inventory.csv", (HEADER + GOOD).encode()), "mapping_text": "name: x\nsource: x"},
    )

    assert response.status_code == 200
    assert "external_id" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_mapping_starts_from_a_files_headers(world, committee_admin):
    client = committee_admin(world.chair)

    response = client.post(
        reverse("admin:exchange_importmapping_from_headers"),
        {"file": SimpleUploadedFile("inventory.csv", (HEADER + GOOD).encode()), "name": "Mine", "source": "mine"},
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "title: Name" in text or "column: Name" in text
    assert "Columns not mapped yet" in text
