"""Redaction really purges: the live row, stored versions, reports that quote the
text, and the search index lose it; the logs keep who, when, why and which field."""

import json

import pytest

from django.core import mail

from critique.models import CriterionScore, Critique, CritiquePoint
from forum import services as forum_services
from forum.models import Amendment, Experiment, ModerationLogEntry, Reply
from moderation import services
from moderation.models import AuditAction, AuditEntry, Reason, Report
from moderation.redaction import REDACTED
from notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.critique.factories import submitted_critique
from tests.forum.factories import registered
from tests.moderation.helpers import add_reply, moderation_entries, page_text

pytestmark = pytest.mark.django_db

SECRET = "Zephaniah Quiller"  # a made-up name that must disappear


def index_hits(model, word: str) -> list[int]:
    """What the search index itself holds for `word`, whatever the site would show."""
    from modelsearch.backends import get_search_backend

    return [obj.pk for obj in get_search_backend().search(word, model.objects.all())]


def all_rows_text() -> str:
    """Every row a redaction could have left the text in, as one string."""
    rows = []
    for model in (
        Experiment,
        Amendment,
        Reply,
        Critique,
        CritiquePoint,
        CriterionScore,
        Report,
        AuditEntry,
        ModerationLogEntry,
        Notification,
    ):
        rows += list(model.objects.values())
    return json.dumps(rows, default=str)


def redact(target, field, moderator, reason="Names a child."):
    services.content_redact(target=target, by=moderator, field=field, reason=reason)


def test_redacting_a_plan_field_purges_row_plan_amendments_reports_and_index(
    client, sign_in, moderator, search_index, committed, reporters
):
    with committed():
        experiment = registered(aim=f"Work with {SECRET} and her brother.")
        forum_services.experiment_amend(
            experiment=experiment,
            by=experiment.author,
            field="aim",
            new_text=f"Work with {SECRET} only.",
            reason="Brother moved.",
        )
        forum_services.experiment_amend(
            experiment=experiment,
            by=experiment.author,
            field="aim",
            new_text="Work with the young person (13-15) only.",
            reason="Anonymised.",
        )
    services.report_submit(
        target=experiment,
        reporter=reporters[0],
        reason=Reason.IDENTIFIES,
        details=f"It names {SECRET}.",
    )
    assert index_hits(Experiment, "Zephaniah") == [experiment.pk]
    assert SECRET in all_rows_text()

    with committed():
        response = sign_in(moderator).post(
            f"/moderation/experiment/{experiment.pk}/redact/",
            {"field": "aim", "reason": "Names a child.", "confirm": "on"},
        )
    assert response.status_code == 302

    assert SECRET not in all_rows_text()
    redacted = Experiment.objects.get()
    assert redacted.aim == REDACTED
    assert redacted.registered_plan["aim"] == REDACTED
    assert set(Amendment.objects.values_list("previous_text", flat=True)) == {REDACTED}
    assert index_hits(Experiment, "Zephaniah") == []
    client.logout()
    assert SECRET not in page_text(client.get(experiment.get_absolute_url()))
    plan = client.get(f"/experiments/{experiment.pk}/plan.json").json()
    assert SECRET not in json.dumps(plan)
    assert plan["redactions"][0]["field"] == "aim"
    entry = moderation_entries().get(action=AuditAction.REDACTED)
    assert (entry.actor, entry.field, entry.reason) == (
        moderator,
        "aim",
        "Names a child.",
    )
    assert Report.objects.get().status == "resolved"
    # Everything else in the plan is as it was.
    assert redacted.title == experiment.title
    assert redacted.registered_plan["measure"] == experiment.measure


def test_the_old_redact_page_also_writes_the_audit_log(moderator):
    experiment = registered(baseline=f"{SECRET}'s school attendance")
    forum_services.experiment_redact_plan(
        experiment=experiment, by=moderator, field="baseline", reason="Name."
    )
    assert SECRET not in all_rows_text()
    assert moderation_entries().get().field == "baseline"


def test_redacting_an_amendment_also_clears_the_next_ones_previous_text(
    moderator, search_index, committed
):
    with committed():
        experiment = registered()
        first = forum_services.experiment_amend(
            experiment=experiment,
            by=experiment.author,
            field="duration",
            new_text=f"Until {SECRET} moves school",
            reason="Move.",
        )
        forum_services.experiment_amend(
            experiment=experiment,
            by=experiment.author,
            field="duration",
            new_text="Ten weeks",
            reason="Clearer.",
        )
    assert index_hits(Experiment, "Zephaniah") == [experiment.pk]
    with committed():
        redact(first, "new_text", moderator)
    assert SECRET not in all_rows_text()
    assert index_hits(Experiment, "Zephaniah") == []
    assert Amendment.objects.get(pk=first.pk).reason == "Move."


def test_redacting_a_reply_purges_its_text_and_the_index(
    client, moderator, experiment, other_practitioner, search_index, committed
):
    with committed():
        reply = add_reply(experiment, f"I know {SECRET} too!", other_practitioner)
    assert index_hits(Reply, "Zephaniah") == [reply.pk]
    with committed():
        redact(reply, "comment", moderator)
    assert SECRET not in all_rows_text()
    assert Reply.objects.get().comment == REDACTED
    assert index_hits(Reply, "Zephaniah") == []
    assert REDACTED in page_text(client.get(experiment.get_absolute_url()))


def test_redacting_a_critique_field_point_answer_and_score_comment(
    moderator, experiment, search_index, committed
):
    with committed():
        critique = submitted_critique(
            experiment,
            UserFactory(username="critic"),
            strengths=f"Good work with {SECRET}.",
            recommendation="concern",
        )
    point = critique.points.get(kind="concern")
    CritiquePoint.objects.filter(pk=point.pk).update(text=f"{SECRET} is named.")
    forum_experiment_author = experiment.author
    from critique import services as critique_services

    critique_services.critique_respond(
        critique=critique,
        by=forum_experiment_author,
        answers={point.pk: ("addressed", f"Removed {SECRET}'s name.")},
    )
    score = critique.scores.first()
    CriterionScore.objects.filter(pk=score.pk).update(comment=f"{SECRET} again")
    Report.objects.filter(reason=Reason.CRITIQUE_CONCERN).update(
        details=f"{SECRET} is named."
    )
    with committed():
        critique.save()
    assert index_hits(Critique, "Zephaniah") == [critique.pk]

    keys = [key for key, _label in services.redaction.redactable_fields(critique)]
    assert {
        "strengths",
        f"point-{point.pk}",
        f"answer-{point.pk}",
        f"score-{score.pk}",
    } <= set(keys)
    with committed():
        for key in (
            "strengths",
            f"point-{point.pk}",
            f"answer-{point.pk}",
            f"score-{score.pk}",
        ):
            redact(Critique.objects.get(), key, moderator)
    assert SECRET not in all_rows_text()
    assert index_hits(Critique, "Zephaniah") == []
    fields = set(moderation_entries().values_list("field", flat=True))
    assert fields == {
        "strengths",
        f"point-{point.pk}",
        f"answer-{point.pk}",
        f"score-{score.pk}",
    }
    # The other texts are untouched.
    assert (
        Critique.objects.get().other_explanations
        == "School holidays fell in the second half."
    )


def test_a_queued_email_is_rendered_from_the_row_when_sent(
    moderator, experiment, django_capture_on_commit_callbacks
):
    """Notifications keep links, not text: an e-mail sent after a redaction of the
    title carries the redacted title."""
    with django_capture_on_commit_callbacks() as callbacks:
        submitted_critique(experiment, UserFactory(username="critic"))
    redact(Experiment.objects.get(), "title", moderator)
    for callback in callbacks:
        callback()
    assert mail.outbox
    for message in mail.outbox:
        assert "Agreeing the purpose of visits" not in message.subject + message.body
        assert REDACTED in message.subject


def test_redaction_needs_a_known_field_and_confirmation(sign_in, moderator, experiment):
    with pytest.raises(services.ActionRefused, match="listed parts"):
        redact(experiment, "author", moderator)
    response = sign_in(moderator).post(
        f"/moderation/experiment/{experiment.pk}/redact/",
        {"field": "aim", "reason": "Names a child."},
    )
    assert response.status_code == 200
    assert "Tick the box to confirm." in page_text(response)
    assert Experiment.objects.get().aim == experiment.aim
