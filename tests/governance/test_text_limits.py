"""Committee texts have limits too, refused by the services with the field named, whichever way they
come (API, admin, a script)."""

import pytest
from django.core.exceptions import ValidationError

from core.limits import NOTE_MAX_CHARS, PROSE_MAX_CHARS
from governance import services
from governance.models import ChangeRequest, Decision, Vote
from tests.governance.conftest import advance, approve_votes

pytestmark = pytest.mark.django_db


def test_a_vote_comment_over_its_limit_is_refused(world):
    use_case = advance(world, "in_review")
    with pytest.raises(ValidationError) as refused:
        services.vote_cast(actor=world.finance, use_case=use_case, choice="approve", comment="c" * (NOTE_MAX_CHARS + 1))
    assert "comment" in refused.value.message_dict
    assert not Vote.objects.exists()


def test_a_change_request_over_its_limit_is_refused(world):
    use_case = advance(world, "in_review")
    with pytest.raises(ValidationError) as refused:
        services.use_case_request_changes(actor=world.finance, use_case=use_case, comment="c" * (NOTE_MAX_CHARS + 1))
    assert "comment" in refused.value.message_dict
    assert not ChangeRequest.objects.exists()
    use_case.refresh_from_db()
    assert use_case.status == "in_review"


def test_a_decision_rationale_over_its_limit_is_refused(world):
    use_case = advance(world, "in_review")
    approve_votes(world, use_case)
    with pytest.raises(ValidationError) as refused:
        services.use_case_decide(
            actor=world.chair, use_case=use_case, outcome="approved", rationale="r" * (PROSE_MAX_CHARS + 1)
        )
    assert "rationale" in refused.value.message_dict
    assert not Decision.objects.exists()
