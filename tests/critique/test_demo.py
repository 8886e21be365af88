"""The demo critiques loaded by `manage.py seed_demo` (critique/demo.py)."""

from io import StringIO

import pytest

from django.core.management import call_command
from django.db.models import Count, F, Q

from critique.choices import (
    Certainty,
    CritiqueState,
    Expertise,
    PointKind,
    PointStatus,
    Recommendation,
    RequestState,
)
from critique.demo import critiques_seed
from critique.models import (
    CriterionScore,
    Critique,
    CritiquePoint,
    CritiqueRequest,
    HelpfulMark,
)
from forum.choices import State
from forum.models import Experiment
from forum.permissions import is_moderator
from moderation.models import Reason, Report
from notifications.models import Notification

pytestmark = pytest.mark.django_db

CRITIQUABLE = (State.REGISTERED, State.CONCLUDED)


def submitted_counts():
    """Registered or concluded experiments with how many submitted critiques each has."""
    return Experiment.objects.filter(state__in=CRITIQUABLE).annotate(
        submitted=Count("critiques", filter=Q(critiques__state=CritiqueState.SUBMITTED))
    )


def snapshot() -> dict:
    return {
        "critiques": sorted(
            Critique.objects.values_list(
                "pk", "state", "helpful_count", "submitted_at", "withdrawn_at"
            )
        ),
        "scores": CriterionScore.objects.count(),
        "points": sorted(
            CritiquePoint.objects.values_list(
                "pk", "status", "reply", "responded_at", "acknowledged_at"
            )
        ),
        "helpful": HelpfulMark.objects.count(),
        "requests": sorted(CritiqueRequest.objects.values_list("pk", "state")),
        "notifications": Notification.objects.count(),
        "reports": Report.objects.count(),
    }


def _demo_critiques_keep_every_rule():
    critiques = Critique.objects.select_related("experiment", "reviewer")
    assert critiques.count() >= 40
    for critique in critiques:
        assert critique.experiment.state in CRITIQUABLE, critique
        assert critique.reviewer_id != critique.experiment.author_id, critique
        assert not is_moderator(critique.reviewer), critique
    pairs = list(critiques.values_list("experiment_id", "reviewer_id"))
    assert len(pairs) == len(set(pairs))
    for request in CritiqueRequest.objects.select_related("experiment"):
        assert request.requested_by_id == request.experiment.author_id
        assert not is_moderator(request.reviewer)


def _demo_critiques_are_mostly_submitted_and_answered():
    critiques = Critique.objects.all()
    submitted = critiques.filter(state=CritiqueState.SUBMITTED)
    assert submitted.count() >= 0.75 * critiques.count()
    assert 2 <= critiques.filter(state=CritiqueState.DRAFT).count() <= 5
    withdrawn = critiques.filter(state=CritiqueState.WITHDRAWN)
    assert 2 <= withdrawn.count() <= 3
    assert all(critique.withdrawal_reason for critique in withdrawn)

    shapes = [
        (
            critique.points.filter(kind=PointKind.CONCERN).count(),
            critique.points.filter(kind=PointKind.QUESTION).count(),
        )
        for critique in submitted
    ]
    well_formed = [
        1 <= concerns <= 3 and questions <= 2 for concerns, questions in shapes
    ]
    assert sum(well_formed) >= 0.8 * len(shapes)

    answered = submitted.filter(points__responded_at__isnull=False).distinct()
    assert answered.count() >= 0.75 * submitted.count()
    statuses = set(
        CritiquePoint.objects.exclude(status="").values_list("status", flat=True)
    )
    assert statuses == set(PointStatus.values)
    assert all(
        point.reply for point in CritiquePoint.objects.exclude(status="").only("reply")
    )
    acknowledged = submitted.filter(points__acknowledged_at__isnull=False).distinct()
    assert 0 < acknowledged.count() < answered.count()
    # Points are only answered on submitted critiques.
    assert not CritiquePoint.objects.exclude(
        critique__state=CritiqueState.SUBMITTED
    ).exclude(status="")


def _demo_critiques_show_variety():
    submitted = Critique.objects.filter(state=CritiqueState.SUBMITTED)
    assert set(submitted.values_list("certainty", flat=True)) == set(Certainty.values)
    assert set(submitted.values_list("recommendation", flat=True)) == set(
        Recommendation.values
    )
    assert len(set(submitted.values_list("expertise", flat=True))) >= 3
    assert set(submitted.values_list("expertise", flat=True)) <= set(Expertise.values)

    # A concern for moderators is raised once, and it opened a report.
    concern = submitted.get(recommendation=Recommendation.CONCERN)
    report = Report.objects.get(reason=Reason.CRITIQUE_CONCERN)
    assert report.object_id == concern.experiment_id
    assert report.source_id == concern.pk
    assert Critique.objects.filter(same_team=True).count() == 1

    scores = CriterionScore.objects.filter(critique__state=CritiqueState.SUBMITTED)
    assert set(scores.exclude(score=None).values_list("score", flat=True)) == {
        1,
        2,
        3,
        4,
    }
    assert scores.filter(cant_tell=True).exists()

    marks = HelpfulMark.objects.all()
    assert marks.exists()
    assert not marks.filter(user=F("critique__reviewer")).exists()
    for critique in Critique.objects.annotate(marks=Count("helpful_marks")):
        assert critique.helpful_count == critique.marks

    requests = CritiqueRequest.objects.all()
    assert requests.filter(state=RequestState.OPEN).count() >= 2
    assert requests.filter(state=RequestState.DONE).exists()
    for request in requests.filter(state=RequestState.DONE):
        assert Critique.objects.filter(
            experiment=request.experiment,
            reviewer=request.reviewer,
            state=CritiqueState.SUBMITTED,
        ).exists()


def _demo_critique_queue_has_entries_and_some_experiments_are_busy():
    counts = submitted_counts()
    wanted = counts.filter(submitted__lt=2)
    assert wanted.exists()
    assert wanted.filter(submitted=0).exists()
    assert counts.filter(submitted__gte=3).exists()
    assert counts.filter(submitted__gte=2).exists()


def test_seed_demo_critiques_keep_the_rules_and_a_second_run_adds_nothing():
    """One seeding (it takes seconds) serves every check of the demo critiques."""
    out = StringIO()
    call_command("seed_demo", stdout=out)
    _demo_critiques_keep_every_rule()
    _demo_critiques_are_mostly_submitted_and_answered()
    _demo_critiques_show_variety()
    _demo_critique_queue_has_entries_and_some_experiments_are_busy()
    created = Critique.objects.count()
    assert created >= 40
    assert f"critiques: {created} created" in out.getvalue()
    before = snapshot()
    assert critiques_seed() == []
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "critiques: 0 created" in out.getvalue()
    assert snapshot() == before
