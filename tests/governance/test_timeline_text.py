"""What the timeline says about each kind of event: one readable, translatable sentence, never the
raw action name and data."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core import services as core_services
from core.models import AuditEvent
from domains import services as domain_services
from governance import services
from governance.selectors import TIMELINE_KIND_LABELS, TimelineKind, audit_event_text, use_case_timeline
from portfolio import services as link_services
from tests.factories import FoundationFactory, UseCaseFactory, UserFactory, function
from tests.governance.conftest import advance

pytestmark = pytest.mark.django_db


def _submitted(world, **fields):
    """Another use case of the world's team, past draft: its title may be shown anywhere."""
    use_case = UseCaseFactory(team=world.use_case.team, owner=world.owner, **fields)
    return advance(world, "submitted", use_case=use_case)


def _last(use_case):
    return use_case_timeline(use_case=use_case)[-1]


def test_creation_says_created_with_the_title(world):
    use_case = domain_services.use_case_create(
        actor=world.owner,
        data={
            "title": "Churn radar",
            "domain": world.use_case.domain,
            "team": world.use_case.team,
            "owner": world.owner,
        },
    )
    entry = _last(use_case)
    assert (entry.kind, entry.text) == (TimelineKind.FIELD_CHANGE, "Created: Churn radar")


def test_field_changes_name_the_fields_by_their_labels(world):
    domain_services.use_case_update(
        actor=world.owner, use_case=world.use_case, data={"title": "Slot radar", "business_value": 5}
    )
    entry = _last(world.use_case)
    assert (entry.kind, entry.text) == (TimelineKind.FIELD_CHANGE, "Changed: title, business value")


def test_a_change_of_functions_is_listed_once_by_its_label(world):
    domain_services.use_case_update(
        actor=world.owner, use_case=world.use_case, data={"feasibility": 5}, functions=[function("finance")]
    )
    texts = [e.text for e in use_case_timeline(use_case=world.use_case)]
    # the column from the field history, the relation (which history does not see) from the event
    assert texts == ["Changed: feasibility", "Changed: functions involved"]


def test_foundation_events_name_the_foundation(world):
    platform = FoundationFactory(name="Demand forecasting platform", slug="demand-platform")
    usage = domain_services.foundation_usage_add(actor=world.owner, use_case=world.use_case, foundation=platform)
    assert _last(world.use_case).text == "Foundation added: Demand forecasting platform"
    domain_services.foundation_usage_update(actor=world.owner, usage=usage, note="Daily forecasts")
    assert _last(world.use_case).text == "How it uses Demand forecasting platform: note changed"
    domain_services.foundation_usage_remove(actor=world.owner, usage=usage)
    assert _last(world.use_case).text == "Foundation removed: Demand forecasting platform"
    assert _last(world.use_case).kind == TimelineKind.FIELD_CHANGE


def test_link_events_name_the_other_use_case_and_the_relation(world):
    other = _submitted(world, title="Demand forecasting for every store")
    link = link_services.link_create(
        actor=world.owner, source=world.use_case, target=other, kind="depends_on", strength=2
    )
    entry = _last(world.use_case)
    assert entry.kind == TimelineKind.LINK
    assert entry.text == f"Linked to {other.reference} Demand forecasting for every store: depends on it (strength 2)"

    link = link_services.link_update(actor=world.owner, link=link, data={"kind": "reinforces", "strength": 3})
    assert _last(world.use_case).text == (
        f"Link to {other.reference} Demand forecasting for every store changed: they reinforce each other (strength 3)"
    )

    link_services.link_delete(actor=world.owner, link=link)
    assert _last(world.use_case).text == (
        f"Link to {other.reference} Demand forecasting for every store removed (they reinforce each other)"
    )


@pytest.mark.parametrize(
    ("kind", "relation"),
    [
        ("shares_data", "they share data"),
        ("shares_platform", "they share a platform"),
        ("conflicts_with", "they conflict"),
    ],
)
def test_every_link_kind_has_its_own_wording(world, kind, relation):
    other = _submitted(world, title="Store replenishment")
    link_services.link_create(actor=world.owner, source=world.use_case, target=other, kind=kind, strength=1)
    assert _last(world.use_case).text == f"Linked to {other.reference} Store replenishment: {relation} (strength 1)"


def test_a_dependency_read_from_the_other_end_says_who_depends_on_whom(world):
    other = UseCaseFactory(title="Store replenishment")
    # the committee links another team's use case to ours
    link_services.link_create(actor=world.chair, source=other, target=world.use_case, kind="depends_on")
    event = AuditEvent.objects.get(action="link.created")
    assert audit_event_text(event, use_case=world.use_case) == (
        f"Linked to {other.reference}: it depends on this one (strength 2)"
    )


def test_another_teams_draft_is_named_by_its_reference_only(world):
    # given a submitted use case (visible to everyone) linked to another team's draft
    secret = UseCaseFactory(title="Secret acquisition scoring")
    use_case = advance(world, "submitted")
    link_services.link_create(actor=world.chair, source=use_case, target=secret, kind="reinforces")
    # then its timeline does not leak the draft's title
    assert _last(use_case).text == f"Linked to {secret.reference}: they reinforce each other (strength 2)"


def test_a_draft_of_the_same_team_is_named_on_a_draft_of_that_team(world):
    sibling = UseCaseFactory(title="Basket size uplift", team=world.use_case.team, owner=world.owner)
    link_services.link_create(actor=world.owner, source=world.use_case, target=sibling, kind="reinforces")
    assert _last(world.use_case).text == (
        f"Linked to {sibling.reference} Basket size uplift: they reinforce each other (strength 2)"
    )


def test_transitions_say_the_action_and_the_states(world):
    use_case = advance(world, "submitted")
    entry = _last(use_case)
    assert (entry.kind, entry.text) == (TimelineKind.TRANSITION, "Submit: Draft → Submitted")


def test_api_token_events_read_as_sentences(world):
    holder = UserFactory(username="powerbi")
    admin = UserFactory(username="administrator", is_staff=True, is_superuser=True)
    token, _ = core_services.api_token_create(actor=admin, user=holder, name="Power BI finance")
    core_services.api_token_update(actor=admin, token=token, data={"can_write": True})
    core_services.api_token_revoke(actor=admin, token=token)
    texts = [audit_event_text(e) for e in AuditEvent.objects.filter(action__startswith="api_token.").order_by("id")]
    assert texts[0] == "API token created: Power BI finance, acting as powerbi, read only"
    assert texts[1] == f"API token {token} changed: may write"
    assert texts[2] == "API token revoked: Power BI finance"


def test_votes_and_meetings_read_as_sentences(world):
    use_case = advance(world, "in_review")
    services.vote_cast(actor=world.finance, use_case=use_case, choice="approve")
    vote = AuditEvent.objects.get(action="vote.cast")
    assert audit_event_text(vote) == "Voted in round 1: Approve"
    services.meeting_prepare_next(
        actor=world.chair, committee=world.committee, date=timezone.localdate() + datetime.timedelta(days=7)
    )
    meeting = AuditEvent.objects.get(action="meeting.prepared")
    date = meeting.data["date"]
    assert audit_event_text(meeting) == f"Meeting of {date} prepared: 1 use case added to the agenda"


def test_an_unknown_action_reads_as_words_without_its_raw_data(world):
    event = AuditEvent(action="kpi.measurement_recorded", data={"kpi": "churn", "value": 3})
    assert audit_event_text(event) == "Kpi measurement recorded"


def test_the_timeline_with_links_and_foundations_reads_in_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    def add_events(count):
        for _ in range(count):
            other = _submitted(world)
            link_services.link_create(actor=world.owner, source=world.use_case, target=other, kind="reinforces")
            domain_services.foundation_usage_add(
                actor=world.owner, use_case=world.use_case, foundation=FoundationFactory()
            )

    add_events(1)
    with django_assert_max_num_queries(7):
        short = use_case_timeline(use_case=world.use_case)
    add_events(5)
    with django_assert_max_num_queries(7):
        long = use_case_timeline(use_case=world.use_case)
    assert len(long) == len(short) + 10
    assert all(" Use case " in e.text or e.text.startswith("Foundation added: Foundation ") for e in long)


def test_the_audit_admin_lists_each_event_as_a_sentence(admin_client, world):
    advance(world, "submitted")
    changelist = admin_client.get(reverse("admin:core_auditevent_changelist"))
    assert changelist.status_code == 200
    assert "Submit: Draft → Submitted" in changelist.content.decode()


def test_the_sentences_and_kind_labels_are_translated(world):
    other = _submitted(world, title="Prévision de la demande")
    link_services.link_create(actor=world.owner, source=world.use_case, target=other, kind="depends_on", strength=3)
    with translation.override("fr"):
        entry = _last(world.use_case)
        assert entry.text == f"Lié à {other.reference} Prévision de la demande : en dépend (force 3)"
        assert str(TIMELINE_KIND_LABELS[entry.kind]) == "Lien"
        assert str(TIMELINE_KIND_LABELS[TimelineKind.VOTE]) == "Vote"  # the noun, not the verb "Voter"
