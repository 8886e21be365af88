"""Who may critique, answer, acknowledge, mark and ask; what a submission needs.

Everything goes through critique/services.py, the only code that changes critiques.
"""

import pytest

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType

from critique import services
from critique.choices import CritiqueState, PointKind, PointStatus, RequestState
from critique.models import (
    CriterionScore,
    Critique,
    CritiquePoint,
    CritiqueRequest,
    HelpfulMark,
    Rubric,
    RubricVersion,
)
from critique.rubric import current_version, rubric_version_publish
from critique.rules import ScoreInput
from critique.workflow import ActionRefused
from forum import services as forum_services
from moderation.models import Reason, Report
from notifications.models import Kind, Notification
from tests.accounts.factories import UserFactory
from tests.critique.factories import (
    COMPLETE,
    CONCERNS,
    QUESTIONS,
    all_scores,
    draft_critique,
    submitted_critique,
)
from tests.forum.factories import ExperimentFactory, concluded, registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def experiment():
    """A registered experiment by its own author (not one of the named fixtures)."""
    return registered()


@pytest.fixture
def reviewer(other_practitioner):
    return other_practitioner


@pytest.fixture
def bystander(db):
    """A third practitioner, neither author nor reviewer."""
    return UserFactory(username="robin", roles=["practitioner"])


def criterion(code: str, version=None):
    return (version or current_version()).criteria.get(code=code)


def scores_without(*codes: str, score: int = 3) -> dict[int, ScoreInput]:
    return {
        criterion_id: value
        for criterion_id, value in all_scores(score).items()
        if criterion_id not in {criterion(code).pk for code in codes}
    }


def save(critique, by, *, data=None, scores=None, concerns=None, questions=None):
    return services.critique_save(
        critique=critique,
        by=by,
        data=COMPLETE if data is None else data,
        scores=all_scores() if scores is None else scores,
        concerns=list(CONCERNS) if concerns is None else concerns,
        questions=list(QUESTIONS) if questions is None else questions,
    )


def critique_rows(critique) -> tuple:
    return (
        list(Critique.objects.filter(pk=critique.pk).values()),
        list(CriterionScore.objects.filter(critique=critique).order_by("pk").values()),
        list(CritiquePoint.objects.filter(critique=critique).order_by("pk").values()),
    )


def answer_all(critique, status=PointStatus.ADDRESSED, reply="Yes, see the diary."):
    return {point.pk: (status, reply) for point in critique.points.all()}


# --- Who may write a critique ----------------------------------------------------


def test_reviewer_starts_a_draft_on_the_current_rubric(experiment, reviewer):
    critique = services.critique_start(experiment=experiment, by=reviewer)
    assert critique.state == CritiqueState.DRAFT
    assert critique.rubric_version == current_version()
    assert critique.reviewer == reviewer


def test_starting_twice_returns_the_same_draft(experiment, reviewer):
    first = services.critique_start(experiment=experiment, by=reviewer)
    save(first, reviewer)
    second = services.critique_start(experiment=experiment, by=reviewer)
    assert second.pk == first.pk
    assert Critique.objects.count() == 1
    assert second.strengths == COMPLETE["strengths"]


def test_a_concluded_experiment_can_be_critiqued(reviewer):
    critique = submitted_critique(concluded(), reviewer)
    assert critique.state == CritiqueState.SUBMITTED


def test_author_cannot_critique_their_own_experiment(experiment):
    with pytest.raises(ActionRefused, match="You cannot critique your own experiment."):
        services.critique_start(experiment=experiment, by=experiment.author)
    assert not Critique.objects.exists()


def test_moderator_cannot_critique(experiment, moderator):
    with pytest.raises(ActionRefused, match="Moderators do not write critiques"):
        services.critique_start(experiment=experiment, by=moderator)
    assert not Critique.objects.exists()


def test_signed_out_visitor_cannot_critique(experiment):
    with pytest.raises(ActionRefused, match="Sign in to critique"):
        services.critique_start(experiment=experiment, by=AnonymousUser())


def test_draft_experiment_cannot_be_critiqued(reviewer):
    with pytest.raises(
        ActionRefused,
        match="Only a registered plan can be critiqued; this one is still a draft.",
    ):
        services.critique_start(experiment=ExperimentFactory(), by=reviewer)
    assert not Critique.objects.exists()


def test_withdrawn_experiment_cannot_be_critiqued(experiment, reviewer):
    forum_services.experiment_withdraw(
        experiment=experiment, by=experiment.author, reason="Moved team."
    )
    with pytest.raises(
        ActionRefused, match="This experiment was withdrawn, so it cannot be critiqued."
    ):
        services.critique_start(experiment=experiment, by=reviewer)
    assert not Critique.objects.exists()


def test_draft_cannot_be_submitted_once_the_experiment_is_withdrawn(
    experiment, reviewer
):
    critique = draft_critique(experiment, reviewer)
    forum_services.experiment_withdraw(
        experiment=experiment, by=experiment.author, reason="Moved team."
    )
    with pytest.raises(ActionRefused, match="was withdrawn"):
        services.critique_submit(critique=critique, by=reviewer)
    critique.refresh_from_db()
    assert critique.state == CritiqueState.DRAFT
    assert critique.submitted_at is None


def test_no_published_rubric_is_explained(experiment, reviewer):
    RubricVersion.objects.all().delete()
    with pytest.raises(ActionRefused, match="No critique rubric has been published"):
        services.critique_start(experiment=experiment, by=reviewer)


@pytest.mark.parametrize("who", ["author", "bystander", "moderator", "anonymous"])
@pytest.mark.parametrize("action", ["save", "submit", "discard", "withdraw"])
def test_only_the_reviewer_acts_on_their_critique(
    action, who, experiment, reviewer, bystander, moderator
):
    person = {
        "author": experiment.author,
        "bystander": bystander,
        "moderator": moderator,
        "anonymous": AnonymousUser(),
    }[who]
    critique = draft_critique(experiment, reviewer)
    if action == "withdraw":
        critique = services.critique_submit(critique=critique, by=reviewer)
    before = critique_rows(critique)
    with pytest.raises(ActionRefused, match=r"Only the reviewer can \w+ it\."):
        if action == "save":
            save(critique, person, data={"strengths": "Someone else's words."})
        elif action == "submit":
            services.critique_submit(critique=critique, by=person)
        elif action == "discard":
            services.critique_discard(critique=critique, by=person)
        else:
            services.critique_withdraw(critique=critique, by=person, reason="Not mine.")
    assert critique_rows(critique) == before


# --- Submitting ------------------------------------------------------------------


def test_submitting_tells_the_author_and_keeps_the_scores(experiment, reviewer):
    critique = submitted_critique(experiment, reviewer)
    critique.refresh_from_db()
    assert critique.state == CritiqueState.SUBMITTED
    assert critique.submitted_at is not None
    assert critique.scores.count() == 9
    notification = Notification.objects.get()
    assert notification.recipient == experiment.author
    assert notification.kind == Kind.CRITIQUE_RECEIVED
    assert notification.critique == critique
    assert not Report.objects.exists()


def test_missing_required_scores_are_named(experiment, reviewer):
    critique = draft_critique(experiment, reviewer, scores=scores_without("C3", "C8"))
    before = critique_rows(critique)
    with pytest.raises(ActionRefused) as error:
        services.critique_submit(critique=critique, by=reviewer)
    message = str(error.value)
    assert "C3 Strength of the comparison (design): choose a score or" in message
    assert "C8 Honest, proportionate interpretation: choose a score or" in message
    assert "C1 " not in message
    assert critique_rows(critique) == before
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "field, message",
    [
        ("strengths", "Name at least one strength of the experiment."),
        ("certainty", "Choose your overall certainty."),
        ("recommendation", "Choose a recommendation."),
        ("expertise", "Say what expertise you bring."),
    ],
)
def test_missing_parts_are_refused_and_the_draft_kept(
    field, message, experiment, reviewer
):
    critique = draft_critique(experiment, reviewer, **{field: ""})
    before = critique_rows(critique)
    with pytest.raises(ActionRefused) as error:
        services.critique_submit(critique=critique, by=reviewer)
    assert str(error.value) == message
    assert critique_rows(critique) == before
    assert Critique.objects.get().state == CritiqueState.DRAFT


def test_blank_strengths_count_as_missing(experiment, reviewer):
    critique = draft_critique(experiment, reviewer, strengths="   \n ")
    with pytest.raises(ActionRefused, match="Name at least one strength"):
        services.critique_submit(critique=critique, by=reviewer)


def test_everything_missing_is_listed_at_once(experiment, reviewer):
    critique = services.critique_start(experiment=experiment, by=reviewer)
    with pytest.raises(ActionRefused) as error:
        services.critique_submit(critique=critique, by=reviewer)
    message = str(error.value)
    for code in ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"):
        assert f"{code} " in message
    assert "C9" not in message
    for part in ("strength", "certainty", "recommendation", "expertise"):
        assert part in message
    assert Critique.objects.get().state == CritiqueState.DRAFT


def test_optional_c9_may_be_left_unscored(experiment, reviewer):
    critique = draft_critique(experiment, reviewer, scores=scores_without("C9"))
    services.critique_submit(critique=critique, by=reviewer)
    critique.refresh_from_db()
    assert critique.state == CritiqueState.SUBMITTED
    assert not critique.scores.filter(criterion__code="C9").exists()


def test_cant_tell_counts_as_an_answer(experiment, reviewer):
    critique = draft_critique(experiment, reviewer, scores=all_scores(None))
    services.critique_submit(critique=critique, by=reviewer)
    critique.refresh_from_db()
    assert critique.state == CritiqueState.SUBMITTED
    assert critique.scores.count() == 9
    assert all(
        score.cant_tell and score.score is None for score in critique.scores.all()
    )
    assert critique.scores.first().label == "Can't tell"


def test_a_comment_without_a_score_does_not_answer_a_criterion(experiment, reviewer):
    scores = all_scores()
    scores[criterion("C2").pk] = ScoreInput(comment="Not sure what evidence this is.")
    critique = draft_critique(experiment, reviewer, scores=scores)
    c2 = critique.scores.get(criterion__code="C2")
    assert (c2.score, c2.cant_tell, c2.comment) == (
        None,
        False,
        "Not sure what evidence this is.",
    )
    with pytest.raises(ActionRefused, match="C2 Grounded in evidence"):
        services.critique_submit(critique=critique, by=reviewer)


def test_concern_for_moderators_needs_a_main_concern(experiment, reviewer):
    critique = services.critique_start(experiment=experiment, by=reviewer)
    save(
        critique, reviewer, data={**COMPLETE, "recommendation": "concern"}, concerns=[]
    )
    with pytest.raises(ActionRefused, match="describe it under main concerns"):
        services.critique_submit(critique=critique, by=reviewer)
    assert Critique.objects.get().state == CritiqueState.DRAFT
    assert not Report.objects.exists()


def test_a_blank_concern_is_no_concern(experiment, reviewer):
    critique = services.critique_start(experiment=experiment, by=reviewer)
    save(
        critique,
        reviewer,
        data={**COMPLETE, "recommendation": "concern"},
        concerns=["   ", "\n"],
        questions=["  Who counted?  ", ""],
    )
    assert list(critique.points.values_list("kind", "position", "text")) == [
        (PointKind.QUESTION, 1, "Who counted?")
    ]
    with pytest.raises(ActionRefused, match="describe it under main concerns"):
        services.critique_submit(critique=critique, by=reviewer)
    assert not Report.objects.exists()


def test_concern_for_moderators_opens_one_report_on_the_experiment(
    experiment, reviewer
):
    critique = submitted_critique(experiment, reviewer, recommendation="concern")
    report = Report.objects.get()
    assert report.target == experiment
    assert report.reason == Reason.CRITIQUE_CONCERN
    assert report.source == critique
    assert report.source_type == ContentType.objects.get_for_model(Critique)
    assert report.reporter == reviewer
    assert report.details == CONCERNS[0]
    assert report.status == "open"


def test_submitting_closes_the_reviewers_open_request(experiment, reviewer, bystander):
    services.critique_request(
        experiment=experiment, by=experiment.author, reviewers=[reviewer, bystander]
    )
    submitted_critique(experiment, reviewer)
    mine = CritiqueRequest.objects.get(reviewer=reviewer)
    assert mine.state == RequestState.DONE
    assert mine.closed_at is not None
    assert CritiqueRequest.objects.get(reviewer=bystander).state == RequestState.OPEN


def test_submitting_twice_leaves_one_submitted_critique(experiment, reviewer):
    critique = draft_critique(experiment, reviewer)
    services.critique_submit(critique=critique, by=reviewer)
    first = Critique.objects.get()
    # The same (stale) object again, as a double click would send it.
    with pytest.raises(ActionRefused, match="Only a draft can be submitted."):
        services.critique_submit(critique=critique, by=reviewer)
    assert list(Critique.objects.values_list("state", "submitted_at")) == [
        (CritiqueState.SUBMITTED, first.submitted_at)
    ]
    assert Notification.objects.count() == 1


# --- Bad input at the service ------------------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        (ScoreInput(score=0), "Scores run from 1 to 4."),
        (ScoreInput(score=5), "Scores run from 1 to 4."),
        (ScoreInput(score=-1), "Scores run from 1 to 4."),
        (ScoreInput(score=2, cant_tell=True), "not both"),
    ],
)
def test_bad_scores_are_refused_and_nothing_saved(value, message, experiment, reviewer):
    critique = draft_critique(experiment, reviewer)
    before = critique_rows(critique)
    scores = all_scores(4)
    scores[criterion("C4").pk] = value
    with pytest.raises(ActionRefused, match=message):
        save(
            critique,
            reviewer,
            data={**COMPLETE, "strengths": "A new text that must not be kept."},
            scores=scores,
            concerns=[],
        )
    assert critique_rows(critique) == before
    assert {row.score for row in critique.scores.all()} == {3}


@pytest.mark.parametrize("field", ["certainty", "recommendation", "expertise"])
def test_unknown_choices_are_refused_and_nothing_saved(field, experiment, reviewer):
    critique = draft_critique(experiment, reviewer)
    before = critique_rows(critique)
    with pytest.raises(ActionRefused, match=f"listed answers for {field}"):
        save(critique, reviewer, data={**COMPLETE, field: "very_sure"})
    assert critique_rows(critique) == before


def _publish_reworded_rubric() -> RubricVersion:
    rubric = Rubric.objects.get()
    rubric.criteria.filter(code="C3").update(title="How strong is the comparison?")
    return rubric_version_publish(rubric=rubric)


def test_scores_for_another_rubric_version_are_refused(experiment, reviewer):
    critique = draft_critique(experiment, reviewer)
    before = critique_rows(critique)
    version_2 = _publish_reworded_rubric()
    assert version_2.number == 2
    with pytest.raises(ActionRefused, match="written on rubric version 1"):
        save(critique, reviewer, scores=all_scores(4, version=version_2))
    assert critique_rows(critique) == before
    # A new critique is written on the new version and accepts its criteria.
    other = services.critique_start(experiment=experiment, by=UserFactory())
    assert other.rubric_version == version_2
    save(other, other.reviewer, scores=all_scores(4, version=version_2))
    assert other.scores.count() == 9


def test_scores_for_unknown_criteria_are_refused(experiment, reviewer):
    critique = draft_critique(experiment, reviewer)
    before = critique_rows(critique)
    with pytest.raises(ActionRefused, match="some criteria sent are not part of it"):
        save(critique, reviewer, scores={**all_scores(), 987654: ScoreInput(score=2)})
    assert critique_rows(critique) == before


def test_saving_replaces_scores_and_points(experiment, reviewer):
    critique = draft_critique(experiment, reviewer)
    save(
        critique,
        reviewer,
        scores={criterion("C1").pk: ScoreInput(score=1, comment="  Vague.  ")},
        concerns=[],
        questions=["What counted as a cancellation?", "Who kept the diary?"],
    )
    assert [(s.criterion.code, s.score, s.comment) for s in critique.scores.all()] == [
        ("C1", 1, "Vague.")
    ]
    assert list(
        critique.points.order_by("position").values_list("kind", "position", "text")
    ) == [
        (PointKind.QUESTION, 1, "What counted as a cancellation?"),
        (PointKind.QUESTION, 2, "Who kept the diary?"),
    ]


# --- Answers and acknowledgements ---------------------------------------------


def test_author_answers_the_points_and_the_reviewer_is_told(experiment, reviewer):
    critique = submitted_critique(experiment, reviewer)
    changed = services.critique_respond(
        critique=critique, by=experiment.author, answers=answer_all(critique)
    )
    assert changed == 2
    for point in critique.points.all():
        assert point.status == PointStatus.ADDRESSED
        assert point.reply == "Yes, see the diary."
        assert point.responded_at is not None
    told = Notification.objects.get(kind=Kind.RESPONSE_RECEIVED)
    assert told.recipient == reviewer
    # The same answers again change nothing and tell nobody.
    assert (
        services.critique_respond(
            critique=critique, by=experiment.author, answers=answer_all(critique)
        )
        == 0
    )
    assert Notification.objects.filter(kind=Kind.RESPONSE_RECEIVED).count() == 1


@pytest.mark.parametrize("who", ["reviewer", "bystander", "moderator"])
def test_only_the_author_can_answer(who, experiment, reviewer, bystander, moderator):
    person = {"reviewer": reviewer, "bystander": bystander, "moderator": moderator}[who]
    critique = submitted_critique(experiment, reviewer)
    with pytest.raises(ActionRefused, match="Only the experiment's author can answer"):
        services.critique_respond(
            critique=critique, by=person, answers=answer_all(critique)
        )
    assert not CritiquePoint.objects.exclude(status="").exists()


def test_a_draft_critique_cannot_be_answered(experiment, reviewer):
    critique = draft_critique(experiment, reviewer)
    with pytest.raises(ActionRefused, match="answer a submitted critique"):
        services.critique_respond(
            critique=critique, by=experiment.author, answers=answer_all(critique)
        )


def test_answers_need_a_status_and_a_known_point(experiment, reviewer):
    critique = submitted_critique(experiment, reviewer)
    point = critique.points.first()
    with pytest.raises(ActionRefused, match="choose addressed, not addressed or"):
        services.critique_respond(
            critique=critique,
            by=experiment.author,
            answers={point.pk: ("", "A reply with no status.")},
        )
    with pytest.raises(ActionRefused, match="not in this critique"):
        services.critique_respond(
            critique=critique,
            by=experiment.author,
            answers={point.pk + 1000: (PointStatus.DISAGREE, "Elsewhere.")},
        )
    assert not CritiquePoint.objects.exclude(status="").exists()


def test_reviewer_acknowledges_the_answers(experiment, reviewer, bystander):
    critique = submitted_critique(experiment, reviewer)
    with pytest.raises(ActionRefused, match="no new answers"):
        services.critique_acknowledge(critique=critique, by=reviewer)
    services.critique_respond(
        critique=critique, by=experiment.author, answers=answer_all(critique)
    )
    for person in (experiment.author, bystander):
        with pytest.raises(ActionRefused, match="Only the reviewer can acknowledge"):
            services.critique_acknowledge(critique=critique, by=person)
    assert services.critique_acknowledge(critique=critique, by=reviewer) == 2
    assert not critique.points.filter(acknowledged_at__isnull=True).exists()
    told = Notification.objects.get(kind=Kind.REVIEWER_ACKNOWLEDGED)
    assert told.recipient == experiment.author
    with pytest.raises(ActionRefused, match="no new answers"):
        services.critique_acknowledge(critique=critique, by=reviewer)


def test_a_changed_answer_needs_a_fresh_acknowledgement(experiment, reviewer):
    critique = submitted_critique(experiment, reviewer)
    services.critique_respond(
        critique=critique, by=experiment.author, answers=answer_all(critique)
    )
    services.critique_acknowledge(critique=critique, by=reviewer)
    point = critique.points.first()
    services.critique_respond(
        critique=critique,
        by=experiment.author,
        answers={point.pk: (PointStatus.DISAGREE, "On reflection, no.")},
    )
    point.refresh_from_db()
    assert point.acknowledged_at is None
    assert services.critique_acknowledge(critique=critique, by=reviewer) == 1


# --- Helpful marks -------------------------------------------------------------


def test_helpful_mark_once_per_person_and_unmark(experiment, reviewer, bystander):
    critique = submitted_critique(experiment, reviewer)
    assert services.helpful_mark(critique=critique, by=bystander) is True
    assert services.helpful_mark(critique=critique, by=bystander) is False
    critique.refresh_from_db()
    assert critique.helpful_count == 1
    assert HelpfulMark.objects.filter(critique=critique).count() == 1
    assert services.helpful_unmark(critique=critique, by=bystander) is True
    assert services.helpful_unmark(critique=critique, by=bystander) is False
    critique.refresh_from_db()
    assert critique.helpful_count == 0
    assert not HelpfulMark.objects.exists()
    assert services.helpful_unmark(critique=critique, by=AnonymousUser()) is False


def test_anyone_signed_in_but_the_reviewer_may_mark(
    experiment, reviewer, bystander, moderator
):
    critique = submitted_critique(experiment, reviewer)
    for person in (experiment.author, bystander, moderator):
        assert services.helpful_mark(critique=critique, by=person)
    for person in (reviewer, AnonymousUser()):
        with pytest.raises(ActionRefused, match="someone else's submitted critique"):
            services.helpful_mark(critique=critique, by=person)
    critique.refresh_from_db()
    assert critique.helpful_count == 3


def test_drafts_and_withdrawn_critiques_cannot_be_marked(
    experiment, reviewer, bystander
):
    draft = draft_critique(experiment, reviewer)
    with pytest.raises(ActionRefused):
        services.helpful_mark(critique=draft, by=bystander)
    withdrawn = services.critique_withdraw(
        critique=submitted_critique(registered(), reviewer),
        by=reviewer,
        reason="Wrong experiment.",
    )
    with pytest.raises(ActionRefused):
        services.helpful_mark(critique=withdrawn, by=bystander)
    assert not HelpfulMark.objects.exists()


# --- Asking for critiques --------------------------------------------------------


def test_author_asks_named_colleagues(experiment, reviewer, bystander):
    made = services.critique_request(
        experiment=experiment,
        by=experiment.author,
        reviewers=[reviewer, bystander],
        message="  Could you look at the measure?  ",
    )
    assert {request.reviewer for request in made} == {reviewer, bystander}
    request = CritiqueRequest.objects.get(reviewer=reviewer)
    assert request.state == RequestState.OPEN
    assert request.requested_by == experiment.author
    assert request.message == "Could you look at the measure?"
    assert set(
        Notification.objects.filter(kind=Kind.CRITIQUE_REQUESTED).values_list(
            "recipient", flat=True
        )
    ) == {reviewer.pk, bystander.pk}
    # Asking again makes no second request and no second notification.
    assert (
        services.critique_request(
            experiment=experiment, by=experiment.author, reviewers=[reviewer]
        )
        == []
    )
    assert CritiqueRequest.objects.count() == 2
    assert Notification.objects.count() == 2


def test_someone_who_already_critiqued_is_not_asked(experiment, reviewer):
    submitted_critique(experiment, reviewer)
    assert (
        services.critique_request(
            experiment=experiment, by=experiment.author, reviewers=[reviewer]
        )
        == []
    )
    assert not CritiqueRequest.objects.exists()


def test_only_the_author_can_ask(experiment, reviewer, bystander):
    with pytest.raises(ActionRefused, match="Only the author of a registered"):
        services.critique_request(
            experiment=experiment, by=bystander, reviewers=[reviewer]
        )
    with pytest.raises(ActionRefused, match="Only the author of a registered"):
        draft = ExperimentFactory()
        services.critique_request(
            experiment=draft, by=draft.author, reviewers=[reviewer]
        )
    assert not CritiqueRequest.objects.exists()


def test_author_cannot_ask_themselves(experiment):
    with pytest.raises(ActionRefused, match="You cannot ask yourself for a critique."):
        services.critique_request(
            experiment=experiment, by=experiment.author, reviewers=[experiment.author]
        )
    assert not CritiqueRequest.objects.exists()


def test_author_cannot_ask_a_moderator(experiment, reviewer, moderator):
    with pytest.raises(ActionRefused) as error:
        services.critique_request(
            experiment=experiment, by=experiment.author, reviewers=[reviewer, moderator]
        )
    assert str(error.value) == (
        f"{moderator.public_name} cannot be asked: Moderators do not write "
        "critiques, so that they can judge them fairly."
    )
    # Refused as a whole: the acceptable reviewer was not asked either.
    assert not CritiqueRequest.objects.exists()
    assert not Notification.objects.exists()


def test_only_the_person_asked_can_decline(experiment, reviewer, bystander):
    (request,) = services.critique_request(
        experiment=experiment, by=experiment.author, reviewers=[reviewer]
    )
    for person in (experiment.author, bystander, AnonymousUser()):
        with pytest.raises(ActionRefused, match="Only the person asked can decline."):
            services.critique_request_decline(request=request, by=person)
    assert CritiqueRequest.objects.get().state == RequestState.OPEN
    services.critique_request_decline(request=request, by=reviewer)
    request.refresh_from_db()
    assert request.state == RequestState.DECLINED
    assert request.closed_at is not None
    with pytest.raises(ActionRefused, match="no longer open"):
        services.critique_request_decline(request=request, by=reviewer)


def test_withdrawn_experiment_cannot_get_requests(experiment, reviewer):
    forum_services.experiment_withdraw(
        experiment=experiment, by=experiment.author, reason="Moved team."
    )
    with pytest.raises(ActionRefused, match="Only the author of a registered"):
        services.critique_request(
            experiment=experiment, by=experiment.author, reviewers=[reviewer]
        )
    assert not CritiqueRequest.objects.exists()


def test_a_request_answered_meanwhile_cannot_be_declined(experiment, reviewer):
    (request,) = services.critique_request(
        experiment=experiment, by=experiment.author, reviewers=[reviewer]
    )
    # The reviewer submits in one tab, then clicks "decline" on an old page.
    submitted_critique(experiment, reviewer)
    assert request.state == RequestState.OPEN  # the page's stale copy
    with pytest.raises(ActionRefused, match="no longer open"):
        services.critique_request_decline(request=request, by=reviewer)
    assert CritiqueRequest.objects.get().state == RequestState.DONE
