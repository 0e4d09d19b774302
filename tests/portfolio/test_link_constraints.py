import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from core.models import AuditEvent
from domains.models import UseCase
from portfolio.models import UseCaseLink
from portfolio.services import link_create
from tests.factories import UseCaseFactory, UseCaseLinkFactory

pytestmark = pytest.mark.django_db

Kind = UseCaseLink.Kind


def test_link_to_itself_is_refused_by_full_clean_and_database():
    use_case = UseCaseFactory()
    link = UseCaseLink(source=use_case, target=use_case, kind=Kind.REINFORCES)
    with pytest.raises(ValidationError) as excinfo:
        link.full_clean()
    assert "A use case cannot be linked to itself." in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        UseCaseLink.objects.create(source=use_case, target=use_case, kind=Kind.REINFORCES)


def test_same_directed_link_twice_is_refused():
    link = UseCaseLinkFactory(kind=Kind.DEPENDS_ON)
    again = UseCaseLink(source=link.source, target=link.target, kind=Kind.DEPENDS_ON)
    with pytest.raises(ValidationError) as excinfo:
        again.full_clean()
    assert "already have a link of this kind" in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        UseCaseLink.objects.create(source=link.source, target=link.target, kind=Kind.DEPENDS_ON)


@pytest.mark.parametrize("kind", [Kind.SHARES_DATA, Kind.SHARES_PLATFORM, Kind.REINFORCES, Kind.CONFLICTS_WITH])
def test_symmetric_link_the_other_way_round_counts_as_the_same(kind):
    link = UseCaseLinkFactory(kind=kind)
    reverse = UseCaseLink(source=link.target, target=link.source, kind=kind)
    with pytest.raises(ValidationError) as excinfo:
        reverse.full_clean()
    assert "the other way round counts too" in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        UseCaseLink.objects.create(source=link.target, target=link.source, kind=kind)


def test_two_kinds_between_the_same_pair_are_allowed():
    link = UseCaseLinkFactory(kind=Kind.SHARES_DATA)
    other = UseCaseLink(source=link.target, target=link.source, kind=Kind.REINFORCES)
    other.full_clean()
    other.save()
    assert UseCaseLink.objects.count() == 2


def test_strength_outside_1_to_3_is_refused():
    link = UseCaseLinkFactory()
    link.strength = 4
    with pytest.raises(ValidationError):
        link.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        UseCaseLink.objects.filter(pk=link.pk).update(strength=4)


def _chain(length: int) -> list:
    """length use cases, each depending on the next: uc[0] -> uc[1] -> ... -> uc[-1]."""
    use_cases = [UseCaseFactory() for _ in range(length)]
    UseCaseLink.objects.bulk_create(
        UseCaseLink(source=a, target=b, kind=Kind.DEPENDS_ON) for a, b in zip(use_cases, use_cases[1:], strict=False)
    )
    return use_cases


def test_cycle_closing_a_chain_of_50_dependencies_is_refused_with_the_cycle_named():
    chain = _chain(50)
    closing = UseCaseLink(source=chain[-1], target=chain[0], kind=Kind.DEPENDS_ON)

    with pytest.raises(ValidationError) as excinfo:
        closing.full_clean()

    message = excinfo.value.message_dict["target"][0]
    expected = " → ".join([chain[-1].reference, *[uc.reference for uc in chain]])
    assert message == f"This dependency would close a cycle: {expected}."


def test_dependency_into_the_middle_of_a_chain_without_cycle_is_allowed():
    chain = _chain(50)
    shortcut = UseCaseLink(source=chain[0], target=chain[25], kind=Kind.DEPENDS_ON)
    shortcut.full_clean()


def test_two_use_cases_depending_on_each_other_is_a_cycle():
    link = UseCaseLinkFactory(kind=Kind.DEPENDS_ON)
    with pytest.raises(ValidationError) as excinfo:
        UseCaseLink(source=link.target, target=link.source, kind=Kind.DEPENDS_ON).full_clean()
    assert link.source.reference in str(excinfo.value) and link.target.reference in str(excinfo.value)


def test_database_trigger_refuses_a_cycle_that_skips_validation(postgres_only):
    chain = _chain(50)
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        UseCaseLink.objects.create(source=chain[-1], target=chain[0], kind=Kind.DEPENDS_ON)
    assert f"{chain[-1].reference} → {chain[0].reference}" in str(excinfo.value)
    assert chain[-1].reference in str(excinfo.value).splitlines()[0].rsplit("→", 1)[-1]


def test_database_trigger_refuses_an_update_that_closes_a_cycle(postgres_only):
    chain = _chain(3)
    unrelated = UseCaseLinkFactory(source=chain[2], target=UseCaseFactory(), kind=Kind.DEPENDS_ON)
    with pytest.raises(IntegrityError), transaction.atomic():
        UseCaseLink.objects.filter(pk=unrelated.pk).update(target=chain[0])


def _diamond_ladder(layers: int) -> list[list]:
    """layers rows of 2 use cases; each depends on both use cases of the next row, so there are
    2**(layers - 1) distinct paths from the top row to the bottom one."""
    first = UseCaseFactory()
    shared = {"domain": first.domain, "team": first.team, "owner": first.owner}
    ladder = [[first, UseCaseFactory(**shared)]]
    ladder += [[UseCaseFactory(**shared), UseCaseFactory(**shared)] for _ in range(layers - 1)]
    UseCaseLink.objects.bulk_create(
        UseCaseLink(source=upper, target=lower, kind=Kind.DEPENDS_ON)
        for row, below in zip(ladder[-2::-1], ladder[:0:-1], strict=True)  # bottom-up
        for upper in row
        for lower in below
    )
    return ladder


def test_database_trigger_stays_linear_on_a_graph_with_exponentially_many_paths(postgres_only):
    with connection.cursor() as cursor:  # a path-enumerating trigger fails instead of hanging
        cursor.execute("SET LOCAL statement_timeout = '10s'")
    # Bottom-up, each new link's target already has 2**k paths below it: every insert is checked.
    ladder = _diamond_ladder(40)
    assert UseCaseLink.objects.filter(kind=Kind.DEPENDS_ON).count() == 39 * 4

    # No cycle: an outsider depending on the top walks all 2**39 paths below it, each node once.
    outsider = UseCaseFactory()
    UseCaseLink.objects.create(source=outsider, target=ladder[0][0], kind=Kind.DEPENDS_ON)

    bottom, top = ladder[-1][1], ladder[0][0]
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        UseCaseLink.objects.create(source=bottom, target=top, kind=Kind.DEPENDS_ON)
    first_line = str(excinfo.value).splitlines()[0]
    assert first_line.startswith("This dependency would close a dependency cycle: ")
    path = first_line.removeprefix("This dependency would close a dependency cycle: ").split(" → ")
    # One shortest path: bottom, then one use case per row from the top down to bottom again.
    assert len(path) == 41
    assert path[0] == path[-1] == bottom.reference
    assert path[1] == top.reference
    for reference, row in zip(path[1:], ladder, strict=True):
        assert reference in {use_case.reference for use_case in row}
    assert not UseCaseLink.objects.filter(source=bottom, target=top).exists()


def test_database_trigger_names_the_shortest_cycle_and_ignores_the_updated_row(postgres_only):
    chain = _chain(6)  # 0 -> 1 -> 2 -> 3 -> 4 -> 5
    UseCaseLink.objects.create(source=chain[1], target=chain[4], kind=Kind.DEPENDS_ON)  # shortcut
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        UseCaseLink.objects.create(source=chain[5], target=chain[0], kind=Kind.DEPENDS_ON)
    expected = " → ".join(chain[i].reference for i in (5, 0, 1, 4, 5))
    assert f"This dependency would close a dependency cycle: {expected}" in str(excinfo.value)

    # Turning 0 -> 1 round into 5 -> 0 closes no cycle: the only way back went through that row.
    first = UseCaseLink.objects.get(source=chain[0], target=chain[1])
    UseCaseLink.objects.filter(pk=first.pk).update(source=chain[5], target=chain[0])
    assert UseCaseLink.objects.filter(source=chain[5], target=chain[0]).exists()


def test_link_service_records_an_audit_event_and_refuses_with_a_message():
    source, target = UseCaseFactory(), UseCaseFactory()
    source.team.members.add(source.owner)  # the owner works in the team that owns the use case
    # Another team's drafts are not linkable; one sent back for changes is both visible and editable.
    UseCase.objects.filter(pk__in=[source.pk, target.pk]).update(status="changes_requested")
    link = link_create(actor=source.owner, source=source, target=target, kind=Kind.SHARES_DATA, strength=3)
    event = AuditEvent.objects.get(action="link.created")
    assert event.use_case_id == source.pk
    assert event.data == {"source": source.reference, "target": target.reference, "kind": "shares_data", "strength": 3}
    assert link.created_by == source.owner

    target.team.members.add(target.owner)
    with pytest.raises(ValidationError) as excinfo:
        link_create(actor=target.owner, source=target, target=source, kind=Kind.SHARES_DATA)
    assert "the other way round counts too" in str(excinfo.value)
    assert UseCaseLink.objects.count() == 1
