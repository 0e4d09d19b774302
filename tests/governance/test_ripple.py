"""Ripple alerts: when a use case is rejected, put on hold or retired, or a foundation's readiness
drops, exactly the owners of the use cases that depend on it or are reinforced by it (or use the
foundation) hear of it through the outbox, in their language, with what it means for theirs."""

import pytest
from django.utils import translation

from domains.choices import Status
from governance.models import Notification
from tests.factories import FoundationFactory, TeamFactory, UseCaseFactory, UseCaseLinkFactory, UserFactory

from .conftest import advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def around(world):
    """Around world.use_case (the cause): one use case depending on it, one it reinforces, one linked
    only by shared data, one depending on it but retired, one unrelated; each owned by someone else."""
    people = {
        name: UserFactory(username=name, email=f"{name}@example.com") for name in ("dee", "ray", "sam", "old", "uno")
    }
    team = TeamFactory(name="Logistics ops", slug="logistics-ops", members=list(people.values()))
    made = {
        name: UseCaseFactory(title=f"{name.title()}'s use case", team=team, owner=people[name], status=status)
        for name, status in (
            ("dee", Status.APPROVED),
            ("ray", Status.SUBMITTED),
            ("sam", Status.IN_DELIVERY),
            ("old", Status.RETIRED),
            ("uno", Status.SCALED),
        )
    }
    UseCaseLinkFactory(source=made["dee"], target=world.use_case, kind="depends_on")
    UseCaseLinkFactory(source=world.use_case, target=made["ray"], kind="reinforces")
    UseCaseLinkFactory(source=world.use_case, target=made["sam"], kind="shares_data")
    UseCaseLinkFactory(source=made["old"], target=world.use_case, kind="depends_on")
    UseCaseLinkFactory(source=world.use_case, target=made["dee"], kind="reinforces", strength=1)  # and reinforced
    return {"people": people, "use_cases": made}


def ripples():
    return list(Notification.objects.filter(kind="ripple").order_by("email"))


def test_a_rejection_tells_exactly_the_owners_that_depend_on_it_or_are_reinforced_by_it(world, around):
    advance(world, "rejected")

    sent = ripples()

    assert [n.email for n in sent] == ["dee@example.com", "ray@example.com"]
    dee, ray = sent
    reference = world.use_case.reference
    assert dee.subject == f"{reference} changed: what it means for your use cases"
    assert dee.body.startswith(f"{world.use_case} was rejected by the committee.")
    dee_case, ray_case = around["use_cases"]["dee"], around["use_cases"]["ray"]
    assert f"{dee_case} depends on it: its approval, delivery and scale are held until you find another way" in dee.body
    assert f"{dee_case} was reinforced by it" in dee.body
    assert f"{ray_case} was reinforced by it" in ray.body and "depends on it" not in ray.body
    assert all(n.use_case_id == world.use_case.pk for n in sent)


def test_a_hold_says_the_dependency_waits_until_it_resumes(world, around):
    advance(world, "on_hold")

    dee = next(n for n in ripples() if n.email == "dee@example.com")

    assert dee.body.startswith(f"{world.use_case} was put on hold by the committee.")
    assert "wait until it resumes, or the chair lifts the dependency gate with a reason" in dee.body


def test_retiring_tells_them_too(world, around):
    advance(world, "retired")

    assert [n.email for n in ripples()] == ["dee@example.com", "ray@example.com"]
    assert all(n.body.startswith(f"{world.use_case} was retired.") for n in ripples())


def test_other_steps_tell_nobody(world, around):
    advance(world, "scaled")

    assert ripples() == []


def test_each_person_reads_it_in_their_language(world, around):
    dee = around["people"]["dee"]
    dee.language = "fr"
    dee.save(update_fields=["language"])

    advance(world, "rejected")

    french = next(n for n in ripples() if n.email == "dee@example.com")
    english = next(n for n in ripples() if n.email == "ray@example.com")
    with translation.override("fr"):
        expected = f"{world.use_case} a été rejeté par le comité."
    assert french.body.startswith(expected)
    assert english.body.startswith(f"{world.use_case} was rejected by the committee.")


def test_a_use_case_without_an_owner_tells_its_team(world, around):
    dee_case = around["use_cases"]["dee"]
    dee_case.owner = None
    dee_case.save(update_fields=["owner"])

    advance(world, "rejected")

    told = {n.email for n in ripples()}
    assert {f"{name}@example.com" for name in ("dee", "ray", "sam", "old", "uno")} <= told


def test_a_foundation_whose_readiness_drops_tells_the_owners_of_its_live_users(world, around):
    from domains.models import UseCaseFoundation

    lake = FoundationFactory(name="Data lake", readiness=4)
    for name in ("dee", "sam", "old"):
        UseCaseFoundation.objects.create(use_case=around["use_cases"][name], foundation=lake)

    lake.readiness = 5
    lake.save()
    assert ripples() == []  # better, not worse
    lake.readiness = 2
    lake.save()

    sent = ripples()
    assert [n.email for n in sent] == ["dee@example.com", "sam@example.com"]  # old's is retired
    assert sent[0].subject == "The foundation Data lake is less ready: what it means for your use cases"
    assert "dropped from 5 - Industrialised to 2 - In build" in sent[0].body
    assert f"- {around['use_cases']['dee']}" in sent[0].body
