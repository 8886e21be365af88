"""Reads for critique pages, each in a fixed number of queries however many critiques exist."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from forum.models import CRITIQUE_WANTED, CRITIQUE_WANTED_BELOW, Experiment
from moderation.models import NOT_WITHHELD

from .choices import (
    Certainty,
    CritiqueState,
    PointKind,
    Recommendation,
    RequestState,
)
from .models import (
    CriterionScore,
    Critique,
    CritiquePoint,
    CritiqueRequest,
    HelpfulMark,
    RubricVersion,
    VersionCriterion,
)

# A critique-wanted experiment has fewer than this many submitted critiques.
WANTED_BELOW = CRITIQUE_WANTED_BELOW
PROFILE_LEVELS = ("1", "2", "3", "4", "cant_tell")


@dataclass
class ProfileRow:
    """How critics scored one criterion: a count per level, never a total or mean."""

    code: str
    title: str
    counts: dict = field(default_factory=dict)  # level -> count

    @property
    def answered(self) -> int:
        return sum(self.counts.values())


@dataclass
class CritiqueSection:
    # Submitted and withdrawn, oldest first: the public ones, plus the viewer's own
    # held or hidden one (shown to them with a notice).
    critiques: list
    own: Critique | None
    helpful_ids: set
    profile: list
    certainty_counts: list
    recommendation_counts: list

    @property
    def submitted(self) -> list:
        """Submitted critiques everyone can see (what the counts and profile use)."""
        return [
            c
            for c in self.critiques
            if c.state == CritiqueState.SUBMITTED and not c.is_withheld
        ]


def current_criteria():
    latest = RubricVersion.objects.order_by("-published_at", "-pk").values("pk")[:1]
    return VersionCriterion.objects.filter(version_id=Subquery(latest))


def critique_section(*, experiment: Experiment, viewer) -> CritiqueSection:
    """Everything the experiment page shows about critiques, in five queries or fewer."""
    visible = Q(
        NOT_WITHHELD, state__in=(CritiqueState.SUBMITTED, CritiqueState.WITHDRAWN)
    )
    if viewer.is_authenticated:
        visible |= Q(reviewer=viewer)
    rows = list(
        Critique.objects.filter(visible, experiment=experiment)
        .select_related("reviewer", "rubric_version")
        .order_by("created_at", "pk")
    )
    own = next(
        (c for c in rows if viewer.is_authenticated and c.reviewer_id == viewer.pk),
        None,
    )
    critiques = [c for c in rows if c.state != CritiqueState.DRAFT]
    submitted = {
        c.pk: c
        for c in critiques
        if c.state == CritiqueState.SUBMITTED and not c.is_withheld
    }

    # Separate queries rather than prefetches: they run (and count) even when empty,
    # so the page costs the same with no critiques as with many.
    scores_by = defaultdict(list)
    for score in CriterionScore.objects.filter(
        critique__experiment=experiment, critique__state=CritiqueState.SUBMITTED
    ).select_related("criterion"):
        scores_by[score.critique_id].append(score)
    points_by = defaultdict(list)
    for point in CritiquePoint.objects.filter(
        critique__experiment=experiment, critique__state=CritiqueState.SUBMITTED
    ).order_by("kind", "position"):
        points_by[point.critique_id].append(point)
    criteria = list(current_criteria())
    helpful_ids = set()
    if viewer.is_authenticated:
        helpful_ids = set(
            HelpfulMark.objects.filter(
                critique__experiment=experiment, user=viewer
            ).values_list("critique_id", flat=True)
        )

    for critique in critiques:
        critique.score_list = sorted(
            scores_by.get(critique.pk, []), key=lambda s: s.criterion.position
        )
        points = points_by.get(critique.pk, [])
        critique.concerns = [p for p in points if p.kind == PointKind.CONCERN]
        critique.questions = [p for p in points if p.kind == PointKind.QUESTION]
        critique.answered = sum(1 for p in points if p.status)
        critique.unacknowledged = sum(
            1 for p in points if p.status and p.acknowledged_at is None
        )

    return CritiqueSection(
        critiques=critiques,
        own=own,
        helpful_ids=helpful_ids,
        profile=score_profile(criteria, [s for c in submitted for s in scores_by[c]]),
        certainty_counts=_choice_counts(
            Certainty, (c.certainty for c in submitted.values())
        ),
        recommendation_counts=_choice_counts(
            Recommendation, (c.recommendation for c in submitted.values())
        ),
    )


def score_profile(criteria, scores) -> list[ProfileRow]:
    """One row per criterion code: the current wording, then codes only older versions had."""
    rows = {c.code: ProfileRow(code=c.code, title=c.title) for c in criteria}
    for score in scores:
        row = rows.setdefault(
            score.criterion.code,
            ProfileRow(code=score.criterion.code, title=score.criterion.title),
        )
        level = "cant_tell" if score.cant_tell else score.score
        if level is None:
            continue
        row.counts[str(level)] = row.counts.get(str(level), 0) + 1
    for row in rows.values():
        row.counts = {level: row.counts.get(level, 0) for level in PROFILE_LEVELS}
    return list(rows.values())


def _choice_counts(choices, values) -> list[tuple[str, str, int]]:
    counted = Counter(values)
    return [(value, label, counted.get(value, 0)) for value, label in choices.choices]


def critique_queue(*, topic=None):
    """Registered or concluded experiments with too few critiques, oldest first.

    Filters on the experiment's kept `critique_count` (critique/counts.py) rather
    than counting every experiment's critiques on each request.
    """
    # The very condition of the partial index `experiment_critique_wanted`.
    experiments = Experiment.objects.filter(CRITIQUE_WANTED)
    if topic is not None:
        experiments = experiments.filter(topics=topic)
    return (
        experiments.select_related("author", "age_band", "service_stage")
        .prefetch_related("topics")
        .order_by("registered_at", "pk")
    )


@dataclass
class MyCritiques:
    requests_for_me: list
    drafts: list
    submitted: list
    withdrawn: list
    to_answer: list  # critiques of my experiments with points I have not answered
    requests_made: list


def my_critiques(*, user) -> MyCritiques:
    mine = list(
        Critique.objects.filter(reviewer=user)
        .select_related("experiment", "experiment__author")
        .annotate(
            point_total=Count("points"),
            answered=Count("points", filter=~Q(points__status="")),
            unacknowledged=Count(
                "points",
                filter=~Q(points__status="") & Q(points__acknowledged_at__isnull=True),
            ),
        )
        .order_by("-updated_at", "-pk")
    )
    unanswered = CritiquePoint.objects.filter(critique=OuterRef("pk"), status="")
    to_answer = list(
        Critique.objects.filter(experiment__author=user, state=CritiqueState.SUBMITTED)
        .filter(Exists(unanswered))
        .select_related("experiment", "reviewer")
        .annotate(point_total=Count("points"))
        .order_by("submitted_at", "pk")
    )
    requests = CritiqueRequest.objects.select_related(
        "experiment", "requested_by", "reviewer"
    )
    return MyCritiques(
        requests_for_me=list(
            requests.filter(reviewer=user, state=RequestState.OPEN).order_by(
                "created_at"
            )
        ),
        drafts=[c for c in mine if c.state == CritiqueState.DRAFT],
        submitted=[c for c in mine if c.state == CritiqueState.SUBMITTED],
        withdrawn=[c for c in mine if c.state == CritiqueState.WITHDRAWN],
        to_answer=to_answer,
        requests_made=list(requests.filter(requested_by=user)[:50]),
    )
