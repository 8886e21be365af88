"""Every allowed and every forbidden state transition of a critique.

The same table is checked twice: on its own (critique/workflow.py) and through the
services a reviewer's buttons call, where a refusal must leave the database alone.
"""

import pytest

from critique import services
from critique.choices import CritiqueState
from critique.models import CriterionScore, Critique, CritiquePoint
from critique.workflow import ACTIONS, TRANSITIONS, ActionRefused, allowed, transition
from moderation.models import Report
from notifications.models import Notification
from tests.critique.factories import (
    COMPLETE,
    CONCERNS,
    QUESTIONS,
    all_scores,
    draft_critique,
    submitted_critique,
)
from tests.forum.factories import registered

pytestmark = pytest.mark.django_db

# What a reviewer can do, written out by hand so a change to TRANSITIONS shows up here.
EXPECTED = {
    ("save", CritiqueState.DRAFT): CritiqueState.DRAFT,
    ("submit", CritiqueState.DRAFT): CritiqueState.SUBMITTED,
    ("discard", CritiqueState.DRAFT): None,
    ("withdraw", CritiqueState.SUBMITTED): CritiqueState.WITHDRAWN,
}
WITHDRAWN = "This critique was withdrawn, so it can no longer be changed."
REFUSALS = {
    ("save", CritiqueState.SUBMITTED): (
        "A submitted critique cannot be changed. Withdraw it if it is wrong."
    ),
    ("save", CritiqueState.WITHDRAWN): WITHDRAWN,
    ("submit", CritiqueState.SUBMITTED): "Only a draft can be submitted.",
    ("submit", CritiqueState.WITHDRAWN): WITHDRAWN,
    ("discard", CritiqueState.SUBMITTED): (
        "Only a draft can be discarded; withdraw a submitted critique instead."
    ),
    ("discard", CritiqueState.WITHDRAWN): WITHDRAWN,
    ("withdraw", CritiqueState.DRAFT): "Only a submitted critique can be withdrawn.",
    ("withdraw", CritiqueState.WITHDRAWN): WITHDRAWN,
}
EVERY_PAIR = [(action, state) for action in ACTIONS for state in CritiqueState]
FORBIDDEN = [pair for pair in EVERY_PAIR if pair not in EXPECTED]


def test_the_table_holds_exactly_the_four_allowed_moves():
    assert set(TRANSITIONS) == set(EXPECTED)
    assert ACTIONS == ["discard", "save", "submit", "withdraw"]
    assert sorted(FORBIDDEN) == sorted(REFUSALS)


@pytest.mark.parametrize("action, state", list(EXPECTED))
def test_allowed_transition_leads_to_its_state(action, state):
    assert allowed(action, state)
    assert transition(action, state) == EXPECTED[(action, state)]


@pytest.mark.parametrize("action, state", FORBIDDEN)
def test_forbidden_transition_is_refused_with_a_sentence(action, state):
    assert not allowed(action, state)
    with pytest.raises(ActionRefused) as error:
        transition(action, state)
    assert str(error.value) == REFUSALS[(action, state)]


def test_unknown_action_is_refused():
    with pytest.raises(ActionRefused, match="Unknown action: publish."):
        transition("publish", CritiqueState.DRAFT)


# --- The same moves through the services ---------------------------------------


def _critique_in(state: str, reviewer) -> Critique:
    experiment = registered()
    if state == CritiqueState.DRAFT:
        return draft_critique(experiment, reviewer)
    critique = submitted_critique(experiment, reviewer)
    if state == CritiqueState.WITHDRAWN:
        critique = services.critique_withdraw(
            critique=critique, by=reviewer, reason="I misread the baseline."
        )
    return critique


def _act(action: str, critique: Critique, by):
    if action == "save":
        return services.critique_save(
            critique=critique,
            by=by,
            data={**COMPLETE, "strengths": "Rewritten after a second look."},
            scores=all_scores(2),
            concerns=["A different concern."],
            questions=[],
        )
    if action == "submit":
        return services.critique_submit(critique=critique, by=by)
    if action == "discard":
        return services.critique_discard(critique=critique, by=by)
    if action == "withdraw":
        return services.critique_withdraw(
            critique=critique, by=by, reason="The author has since explained it."
        )
    raise AssertionError(action)


def snapshot(critique: Critique) -> tuple:
    """Everything an action on `critique` could touch, as plain data."""
    return (
        list(Critique.objects.filter(pk=critique.pk).values()),
        list(CriterionScore.objects.filter(critique=critique).order_by("pk").values()),
        list(CritiquePoint.objects.filter(critique=critique).order_by("pk").values()),
        list(Notification.objects.order_by("pk").values()),
        list(Report.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("action, state", list(EXPECTED))
def test_allowed_action_through_the_service(action, state, other_practitioner):
    critique = _critique_in(state, other_practitioner)
    _act(action, critique, other_practitioner)
    if EXPECTED[(action, state)] is None:
        assert not Critique.objects.filter(pk=critique.pk).exists()
        assert not CriterionScore.objects.filter(critique_id=critique.pk).exists()
        return
    critique.refresh_from_db()
    assert critique.state == EXPECTED[(action, state)]
    if action == "save":
        assert critique.strengths == "Rewritten after a second look."
        assert {score.score for score in critique.scores.all()} == {2}
        assert [point.text for point in critique.points.all()] == [
            "A different concern."
        ]
    elif action == "submit":
        assert critique.submitted_at is not None
    elif action == "withdraw":
        assert critique.withdrawn_at is not None
        assert critique.withdrawal_reason == "The author has since explained it."
        # The critique's content stays, so the stub can say what was withdrawn.
        assert critique.strengths == COMPLETE["strengths"]


@pytest.mark.parametrize("action, state", FORBIDDEN)
def test_forbidden_action_through_the_service_changes_nothing(
    action, state, other_practitioner
):
    critique = _critique_in(state, other_practitioner)
    before = snapshot(critique)
    with pytest.raises(ActionRefused) as error:
        _act(action, critique, other_practitioner)
    assert str(error.value) == REFUSALS[(action, state)]
    assert snapshot(critique) == before
    assert Critique.objects.get(pk=critique.pk).state == state


def test_submitted_critique_keeps_its_points_and_scores_after_refused_save(
    other_practitioner,
):
    critique = _critique_in(CritiqueState.SUBMITTED, other_practitioner)
    with pytest.raises(ActionRefused, match="Withdraw it if it is wrong"):
        _act("save", critique, other_practitioner)
    assert [point.text for point in critique.points.order_by("kind", "position")] == [
        *CONCERNS,
        *QUESTIONS,
    ]
    assert {score.score for score in critique.scores.all()} == {3}
