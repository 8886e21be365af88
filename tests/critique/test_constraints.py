"""The database refuses bad critique rows whatever code writes them.

These tests go round the services and write with the ORM, as a careless migration,
shell session or future view might. Each bad write must fail with IntegrityError
(on SQLite and on PostgreSQL) and leave nothing behind; each has a good twin that
succeeds, so the test fails if the write is refused for some other reason.
"""

import pytest

from django.db import IntegrityError, transaction
from django.utils import timezone

from critique import services
from critique.choices import CritiqueState, PointKind, PointStatus
from critique.models import (
    CriterionScore,
    Critique,
    CritiquePoint,
    CritiqueRequest,
    HelpfulMark,
    Rubric,
    RubricVersion,
    VersionCriterion,
)
from critique.rubric import current_version, rubric_version_publish
from tests.accounts.factories import UserFactory
from tests.critique.factories import draft_critique, submitted_critique
from tests.forum.factories import registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def experiment():
    return registered()


@pytest.fixture
def empty_draft(experiment, other_practitioner) -> Critique:
    """A draft with no scores yet, on rubric version 1."""
    return services.critique_start(experiment=experiment, by=other_practitioner)


@pytest.fixture
def version_2() -> RubricVersion:
    rubric = Rubric.objects.get()
    rubric.criteria.filter(code="C1").update(title="Is the question clear?")
    version = rubric_version_publish(rubric=rubric)
    assert version.number == 2
    return version


def c1(version: RubricVersion) -> VersionCriterion:
    return version.criteria.get(code="C1")


# --- Scores ------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, 5, 40])
def test_score_off_the_scale_is_refused(bad, empty_draft):
    criterion = c1(empty_draft.rubric_version)
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionScore.objects.create(
            critique=empty_draft, criterion=criterion, score=bad
        )
    assert not CriterionScore.objects.exists()


@pytest.mark.parametrize("good", [1, 4, None])
def test_score_on_the_scale_or_none_is_stored(good, empty_draft):
    CriterionScore.objects.create(
        critique=empty_draft, criterion=c1(empty_draft.rubric_version), score=good
    )
    assert CriterionScore.objects.get().score == good


def test_score_changed_to_off_the_scale_is_refused(empty_draft):
    score = CriterionScore.objects.create(
        critique=empty_draft, criterion=c1(empty_draft.rubric_version), score=2
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionScore.objects.filter(pk=score.pk).update(score=5)
    assert CriterionScore.objects.get().score == 2


def test_score_and_cant_tell_together_are_refused(empty_draft):
    criterion = c1(empty_draft.rubric_version)
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionScore.objects.create(
            critique=empty_draft, criterion=criterion, score=3, cant_tell=True
        )
    CriterionScore.objects.create(
        critique=empty_draft, criterion=criterion, cant_tell=True
    )
    assert CriterionScore.objects.get().cant_tell


def test_a_criterion_is_scored_once_per_critique(empty_draft):
    criterion = c1(empty_draft.rubric_version)
    CriterionScore.objects.create(critique=empty_draft, criterion=criterion, score=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionScore.objects.create(
            critique=empty_draft, criterion=criterion, score=3
        )
    assert CriterionScore.objects.get().score == 2


# --- Critiques -----------------------------------------------------------------


def test_second_critique_by_the_same_reviewer_is_refused(empty_draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Critique.objects.create(
            experiment=empty_draft.experiment,
            reviewer=empty_draft.reviewer,
            rubric_version=empty_draft.rubric_version,
        )
    assert Critique.objects.count() == 1


def test_unknown_state_is_refused(empty_draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Critique.objects.filter(pk=empty_draft.pk).update(state="published")
    assert Critique.objects.get().state == CritiqueState.DRAFT


@pytest.mark.parametrize(
    "field, bad", [("certainty", "sure"), ("recommendation", "yes"), ("expertise", "x")]
)
def test_unknown_choice_is_refused(field, bad, empty_draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Critique.objects.filter(pk=empty_draft.pk).update(**{field: bad})


def test_submitted_without_submitted_at_is_refused(experiment, other_practitioner):
    draft = draft_critique(experiment, other_practitioner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Critique.objects.filter(pk=draft.pk).update(state=CritiqueState.SUBMITTED)
    assert Critique.objects.get().state == CritiqueState.DRAFT
    # With the date it is complete, and the database accepts it.
    Critique.objects.filter(pk=draft.pk).update(
        state=CritiqueState.SUBMITTED, submitted_at=timezone.now()
    )


@pytest.mark.parametrize("missing", ["certainty", "recommendation", "expertise"])
def test_submitted_without_a_choice_is_refused(missing, experiment, other_practitioner):
    draft = draft_critique(experiment, other_practitioner, **{missing: ""})
    with pytest.raises(IntegrityError), transaction.atomic():
        Critique.objects.filter(pk=draft.pk).update(
            state=CritiqueState.SUBMITTED, submitted_at=timezone.now()
        )
    assert Critique.objects.get().state == CritiqueState.DRAFT


def test_empty_critique_cannot_be_created_as_submitted(experiment, other_practitioner):
    with pytest.raises(IntegrityError), transaction.atomic():
        Critique.objects.create(
            experiment=experiment,
            reviewer=other_practitioner,
            rubric_version=current_version(),
            state=CritiqueState.SUBMITTED,
        )
    assert not Critique.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"withdrawn_at": timezone.now()},
        {"withdrawn_at": timezone.now(), "withdrawal_reason": ""},
        {"withdrawal_reason": "Wrong experiment."},
    ],
)
def test_withdrawn_without_reason_or_date_is_refused(
    changes, experiment, other_practitioner
):
    critique = submitted_critique(experiment, other_practitioner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Critique.objects.filter(pk=critique.pk).update(
            state=CritiqueState.WITHDRAWN, **changes
        )
    assert Critique.objects.get().state == CritiqueState.SUBMITTED
    Critique.objects.filter(pk=critique.pk).update(
        state=CritiqueState.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawal_reason="Wrong experiment.",
    )


# --- Scores and rubric versions (the trigger of migration 0002) -------------------


def test_score_on_another_versions_criterion_is_refused(empty_draft, version_2):
    assert empty_draft.rubric_version.number == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionScore.objects.create(
            critique=empty_draft, criterion=c1(version_2), score=3
        )
    assert not CriterionScore.objects.exists()
    CriterionScore.objects.create(
        critique=empty_draft, criterion=c1(empty_draft.rubric_version), score=3
    )


def test_bulk_created_scores_are_checked_too(empty_draft, version_2):
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionScore.objects.bulk_create(
            [
                CriterionScore(critique=empty_draft, criterion=criterion, score=2)
                for criterion in version_2.criteria.all()
            ]
        )
    assert not CriterionScore.objects.exists()


def test_moving_a_score_to_another_versions_criterion_is_refused(
    empty_draft, version_2
):
    score = CriterionScore.objects.create(
        critique=empty_draft, criterion=c1(empty_draft.rubric_version), score=3
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionScore.objects.filter(pk=score.pk).update(criterion=c1(version_2))
    with pytest.raises(IntegrityError), transaction.atomic():
        score.criterion = c1(version_2)
        score.save()
    assert CriterionScore.objects.get().criterion.version.number == 1


def test_moving_a_score_to_a_critique_on_another_version_is_refused(
    empty_draft, version_2, experiment
):
    score = CriterionScore.objects.create(
        critique=empty_draft, criterion=c1(empty_draft.rubric_version), score=3
    )
    newer = services.critique_start(experiment=experiment, by=UserFactory())
    assert newer.rubric_version == version_2
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionScore.objects.filter(pk=score.pk).update(critique=newer)
    assert CriterionScore.objects.get().critique == empty_draft


def test_changing_the_version_of_a_scored_critique_is_refused(empty_draft, version_2):
    CriterionScore.objects.create(
        critique=empty_draft, criterion=c1(empty_draft.rubric_version), score=3
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Critique.objects.filter(pk=empty_draft.pk).update(rubric_version=version_2)
    with pytest.raises(IntegrityError), transaction.atomic():
        empty_draft.rubric_version = version_2
        empty_draft.save()
    assert Critique.objects.get().rubric_version.number == 1


def test_unscored_critique_may_move_to_another_version(empty_draft, version_2):
    Critique.objects.filter(pk=empty_draft.pk).update(rubric_version=version_2)
    assert Critique.objects.get().rubric_version == version_2


# --- Points, helpful marks and requests -------------------------------------------


@pytest.fixture
def point(experiment, other_practitioner) -> CritiquePoint:
    critique = submitted_critique(experiment, other_practitioner)
    return critique.points.get(kind=PointKind.CONCERN)


def test_point_status_without_responded_at_is_refused(point):
    with pytest.raises(IntegrityError), transaction.atomic():
        CritiquePoint.objects.filter(pk=point.pk).update(status=PointStatus.ADDRESSED)
    with pytest.raises(IntegrityError), transaction.atomic():
        CritiquePoint.objects.filter(pk=point.pk).update(responded_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        CritiquePoint.objects.filter(pk=point.pk).update(
            status="maybe", responded_at=timezone.now()
        )
    CritiquePoint.objects.filter(pk=point.pk).update(
        status=PointStatus.ADDRESSED, responded_at=timezone.now()
    )


def test_acknowledging_an_unanswered_point_is_refused(point):
    with pytest.raises(IntegrityError), transaction.atomic():
        CritiquePoint.objects.filter(pk=point.pk).update(acknowledged_at=timezone.now())
    point.refresh_from_db()
    assert point.acknowledged_at is None


def test_unknown_point_kind_is_refused(point):
    with pytest.raises(IntegrityError), transaction.atomic():
        CritiquePoint.objects.create(
            critique=point.critique, kind="praise", position=1, text="Nice."
        )


def test_second_helpful_mark_is_refused(point, practitioner):
    HelpfulMark.objects.create(critique=point.critique, user=practitioner)
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpfulMark.objects.create(critique=point.critique, user=practitioner)
    assert HelpfulMark.objects.count() == 1


def test_request_to_oneself_is_refused(experiment):
    with pytest.raises(IntegrityError), transaction.atomic():
        CritiqueRequest.objects.create(
            experiment=experiment,
            requested_by=experiment.author,
            reviewer=experiment.author,
        )
    assert not CritiqueRequest.objects.exists()


def test_second_request_to_the_same_person_is_refused(experiment, practitioner):
    CritiqueRequest.objects.create(
        experiment=experiment, requested_by=experiment.author, reviewer=practitioner
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CritiqueRequest.objects.create(
            experiment=experiment, requested_by=experiment.author, reviewer=practitioner
        )
    assert CritiqueRequest.objects.count() == 1


def test_unknown_request_state_is_refused(experiment, practitioner):
    with pytest.raises(IntegrityError), transaction.atomic():
        CritiqueRequest.objects.create(
            experiment=experiment,
            requested_by=experiment.author,
            reviewer=practitioner,
            state="maybe",
        )
