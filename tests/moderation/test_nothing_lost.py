"""Moderation changes only what it says it changes: hiding then showing again,
redacting one field, suspending then reinstating leave everything else as it was."""

import pytest

from accounts.models import User
from critique.models import CriterionScore, Critique, CritiquePoint
from forum import services as forum_services
from forum.models import Amendment, Experiment, Reply
from moderation import services
from moderation.redaction import REDACTED

pytestmark = pytest.mark.django_db

CONTENT = (Experiment, Amendment, Reply, Critique, CritiquePoint, CriterionScore)


def snapshot() -> dict:
    """Every content row, as plain data."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in (*CONTENT, User)
    }


@pytest.fixture
def busy(experiment, reply, critique):
    """An experiment with an amendment, a reply and a critique."""
    forum_services.experiment_amend(
        experiment=experiment,
        by=experiment.author,
        field="aim",
        new_text="A clearer aim.",
        reason="Clarity.",
    )
    return {"experiment": experiment, "reply": reply, "critique": critique}


@pytest.mark.parametrize("name", ["experiment", "reply", "critique"])
def test_hide_then_show_again_restores_everything(busy, moderator, name):
    before = snapshot()
    target = busy[name]
    services.content_hide(target=target, by=moderator, reason="Checking.")
    assert snapshot() != before
    services.content_unhide(
        target=type(target).objects.get(pk=target.pk), by=moderator, reason="Fine."
    )
    assert snapshot() == before


def test_hiding_an_amendment_then_showing_it_again_restores_everything(busy, moderator):
    amendment = Amendment.objects.get()
    before = snapshot()
    services.content_hide(target=amendment, by=moderator, reason="Checking.")
    services.content_unhide(target=amendment, by=moderator, reason="Fine.")
    assert snapshot() == before


def test_redacting_one_field_changes_only_that_field(busy, moderator):
    before = snapshot()
    experiment = busy["experiment"]
    services.content_redact(
        target=experiment, by=moderator, field="aim", reason="Names a child."
    )
    after = snapshot()
    for label in ("forum.Reply", "critique.Critique", "critique.CritiquePoint"):
        assert after[label] == before[label], label
    assert after["critique.CriterionScore"] == before["critique.CriterionScore"]
    assert after["accounts.User"] == before["accounts.User"]

    (old,), (new,) = before["forum.Experiment"], after["forum.Experiment"]
    changed = {key for key in old if old[key] != new[key]}
    assert changed == {"aim", "registered_plan", "updated_at"}
    assert new["aim"] == REDACTED
    plan_changes = {
        key
        for key in old["registered_plan"]
        if old["registered_plan"][key] != new["registered_plan"][key]
    }
    assert plan_changes == {"aim"}
    (old_amendment,), (new_amendment,) = (
        before["forum.Amendment"],
        after["forum.Amendment"],
    )
    assert {k for k in old_amendment if old_amendment[k] != new_amendment[k]} == {
        "previous_text",
        "new_text",
    }


def test_redacting_one_critique_point_changes_only_that_point(busy, moderator):
    critique = busy["critique"]
    point = critique.points.first()
    before = snapshot()
    services.content_redact(
        target=critique, by=moderator, field=f"point-{point.pk}", reason="Name."
    )
    after = snapshot()
    for label in before:
        if label != "critique.CritiquePoint":
            assert after[label] == before[label], label
    changed = [
        (old["id"], key)
        for old, new in zip(
            before["critique.CritiquePoint"],
            after["critique.CritiquePoint"],
            strict=True,
        )
        for key in old
        if old[key] != new[key]
    ]
    assert changed == [(point.pk, "text")]


def test_suspend_then_reinstate_restores_everything(busy, moderator):
    before = snapshot()
    author = busy["experiment"].author
    services.user_suspend(user=author, by=moderator, reason="Testing.")
    services.user_reinstate(user=author, by=moderator, reason="Tested.")
    assert snapshot() == before
