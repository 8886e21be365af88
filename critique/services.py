"""Every change to critiques, their answers, helpful marks and requests.

Keyword-only, permission and state checked, atomic. Each refusal raises
`ActionRefused` with a sentence a person can act on.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core import page_cache
from forum.models import Experiment
from moderation.models import Reason
from moderation.services import (
    FIRST_POSTS_REASON,
    hold_for_review,
    needs_premoderation,
    report_create,
)
from notifications.models import Kind
from notifications.services import notify

from . import permissions
from .choices import (
    Certainty,
    CritiqueState,
    Expertise,
    PointKind,
    PointStatus,
    Recommendation,
    RequestState,
)
from .counts import critique_count_refresh
from .models import (
    CriterionScore,
    Critique,
    CritiquePoint,
    CritiqueRequest,
    HelpfulMark,
)
from .rubric import current_version
from .rules import ScoreInput, score_problem, submission_problems
from .workflow import ActionRefused, transition

TEXT_FIELDS = (
    "strengths",
    "other_explanations",
    "suggestions",
    "missed_evidence",
    "conflict_statement",
)
CHOICE_FIELDS = ("certainty", "recommendation", "expertise", "same_team")
CHOICES = {
    "certainty": Certainty,
    "recommendation": Recommendation,
    "expertise": Expertise,
}


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise ActionRefused(message)


def _experiment_locked(experiment: Experiment) -> Experiment:
    """The experiment as it is now, locked so it cannot be withdrawn meanwhile."""
    return Experiment.objects.select_for_update().get(pk=experiment.pk)


def _refuse_unless_public(experiment: Experiment) -> None:
    _refuse_unless(
        not experiment.is_withheld,
        "This experiment is with the moderators. It can be critiqued once it is public again.",
    )


def _locked(critique: Critique) -> Critique:
    return (
        Critique.objects.select_for_update()
        .select_related("experiment", "rubric_version")
        .get(pk=critique.pk)
    )


@transaction.atomic
def critique_start(*, experiment: Experiment, by) -> Critique:
    """The reviewer's critique of `experiment`: their existing one, or a new draft."""
    experiment = _experiment_locked(experiment)
    reason = permissions.why_cannot_critique(by, experiment)
    _refuse_unless(not reason, reason)
    _refuse_unless_public(experiment)
    existing = Critique.objects.filter(experiment=experiment, reviewer=by).first()
    if existing is not None:
        return existing
    version = current_version()
    _refuse_unless(
        version is not None,
        "No critique rubric has been published yet. An editor must publish one.",
    )
    try:
        with transaction.atomic():
            return Critique.objects.create(
                experiment=experiment, reviewer=by, rubric_version=version
            )
    except IntegrityError:
        # Two "start" requests at once: the other one made it.
        return Critique.objects.get(experiment=experiment, reviewer=by)


@transaction.atomic
def critique_save(
    *,
    critique: Critique,
    by,
    data: dict,
    scores: dict[int, ScoreInput],
    concerns: list[str],
    questions: list[str],
) -> Critique:
    """Save the reviewer's draft: free text, choices, scores and points."""
    critique = _locked(critique)
    _refuse_unless(
        permissions.is_reviewer(by, critique), "Only the reviewer can change it."
    )
    transition("save", critique.state)
    criterion_ids = set(critique.rubric_version.criteria.values_list("pk", flat=True))
    strangers = set(scores) - criterion_ids
    _refuse_unless(
        not strangers,
        f"This critique is written on rubric version {critique.rubric_version.number}; "
        "some criteria sent are not part of it. Reload the form and try again.",
    )
    for value in scores.values():
        problem = score_problem(value)
        _refuse_unless(not problem, problem)
    for name, choices in CHOICES.items():
        _refuse_unless(
            data.get(name, "") in ("", *choices.values),
            f"Choose one of the listed answers for {name}.",
        )
    for name in TEXT_FIELDS + CHOICE_FIELDS:
        if name in data:
            setattr(critique, name, data[name])
    critique.save()
    CriterionScore.objects.filter(critique=critique).delete()
    CriterionScore.objects.bulk_create(
        CriterionScore(
            critique=critique,
            criterion_id=criterion_id,
            score=value.score,
            cant_tell=value.cant_tell,
            comment=value.comment.strip(),
        )
        for criterion_id, value in scores.items()
        if value.is_answered or value.comment.strip()
    )
    CritiquePoint.objects.filter(critique=critique).delete()
    CritiquePoint.objects.bulk_create(
        CritiquePoint(critique=critique, kind=kind, position=position, text=text)
        for kind, texts in (
            (PointKind.CONCERN, concerns),
            (PointKind.QUESTION, questions),
        )
        # A blank point is no point: it must not satisfy "describe your concern".
        for position, text in enumerate(
            (t.strip() for t in texts if t.strip()), start=1
        )
    )
    return critique


def _saved_scores(critique: Critique) -> dict[int, ScoreInput]:
    return {
        row.criterion_id: ScoreInput(row.score, row.cant_tell, row.comment)
        for row in critique.scores.all()
    }


def critique_problems(critique: Critique) -> list[str]:
    return submission_problems(
        critique=critique,
        criteria=list(critique.rubric_version.criteria.all()),
        scores=_saved_scores(critique),
        concerns=list(critique.points.filter(kind=PointKind.CONCERN)),
    )


@transaction.atomic
def critique_submit(*, critique: Critique, by, hold_reason: str = "") -> Critique:
    """Publish the draft. Tells the author; a concern for moderators opens a report.

    One of a new member's first posts, or a critique the identifiability check flags
    (`hold_reason`), waits for a moderator instead; the author is told once it is
    approved.
    """
    critique = _locked(critique)
    _refuse_unless(
        permissions.is_reviewer(by, critique), "Only the reviewer can submit it."
    )
    reason = permissions.why_cannot_critique(by, critique.experiment)
    _refuse_unless(not reason, reason)
    _refuse_unless_public(critique.experiment)
    critique.state = transition("submit", critique.state)
    problems = critique_problems(critique)
    _refuse_unless(not problems, " ".join(problems))
    if not hold_reason and needs_premoderation(user=by):
        hold_reason = FIRST_POSTS_REASON
    held = bool(hold_reason)
    critique.submitted_at = timezone.now()
    critique.save()
    critique_count_refresh(critique.experiment_id)
    CritiqueRequest.objects.filter(
        experiment=critique.experiment, reviewer=by, state=RequestState.OPEN
    ).update(state=RequestState.DONE, closed_at=critique.submitted_at)
    if held:
        hold_for_review(target=critique, reason=hold_reason)
    else:
        notify(
            recipient=critique.experiment.author,
            kind=Kind.CRITIQUE_RECEIVED,
            actor=by,
            experiment=critique.experiment,
            critique=critique,
        )
    if critique.recommendation == Recommendation.CONCERN:
        concerns = critique.points.filter(kind=PointKind.CONCERN)
        report_create(
            target=critique.experiment,
            reason=Reason.CRITIQUE_CONCERN,
            reporter=by,
            details="\n\n".join(point.text for point in concerns),
            source=critique,
        )
    return critique


@transaction.atomic
def critique_discard(*, critique: Critique, by) -> None:
    critique = _locked(critique)
    _refuse_unless(
        permissions.is_reviewer(by, critique), "Only the reviewer can discard it."
    )
    transition("discard", critique.state)
    critique.delete()


@transaction.atomic
def critique_withdraw(*, critique: Critique, by, reason: str) -> Critique:
    """Take a submitted critique back; a stub with the reason stays in its place."""
    critique = _locked(critique)
    _refuse_unless(
        permissions.is_reviewer(by, critique), "Only the reviewer can withdraw it."
    )
    critique.state = transition("withdraw", critique.state)
    _refuse_unless(bool(reason.strip()), "Say why you are withdrawing the critique.")
    critique.withdrawn_at = timezone.now()
    critique.withdrawal_reason = reason.strip()
    critique.save()
    critique_count_refresh(critique.experiment_id)
    return critique


@transaction.atomic
def critique_respond(
    *, critique: Critique, by, answers: dict[int, tuple[str, str]]
) -> int:
    """The author answers points: {point id: (status, reply)}. Returns how many changed."""
    critique = _locked(critique)
    _refuse_unless(
        permissions.can_respond(by, critique),
        "Only the experiment's author can answer a submitted critique.",
    )
    _refuse_unless(
        not critique.is_withheld,
        "This critique is with the moderators and cannot be answered now.",
    )
    points = {point.pk: point for point in critique.points.all()}
    _refuse_unless(
        set(answers) <= set(points),
        "Some answers are for points that are not in this critique. Reload the page.",
    )
    now = timezone.now()
    changed = []
    for point_id, (status, reply) in answers.items():
        point = points[point_id]
        reply = reply.strip()
        if not status and not reply:
            continue
        _refuse_unless(
            status in PointStatus.values,
            f"Point {point.position}: choose addressed, not addressed or disagree.",
        )
        if (point.status, point.reply) == (status, reply):
            continue
        point.status, point.reply, point.responded_at = status, reply, now
        point.acknowledged_at = None  # a changed answer needs a fresh acknowledgement
        changed.append(point)
    CritiquePoint.objects.bulk_update(
        changed, ["status", "reply", "responded_at", "acknowledged_at"]
    )
    if changed:
        notify(
            recipient=critique.reviewer,
            kind=Kind.RESPONSE_RECEIVED,
            actor=by,
            experiment=critique.experiment,
            critique=critique,
        )
    return len(changed)


@transaction.atomic
def critique_acknowledge(*, critique: Critique, by) -> int:
    """The reviewer acknowledges the author's answers; returns how many were new."""
    critique = _locked(critique)
    _refuse_unless(
        permissions.can_acknowledge(by, critique),
        "Only the reviewer can acknowledge the answers to a submitted critique.",
    )
    count = (
        CritiquePoint.objects.filter(critique=critique, acknowledged_at__isnull=True)
        .exclude(status="")
        .update(acknowledged_at=timezone.now())
    )
    page_cache.bump()  # update() sends no signal; the page shows acknowledgements
    _refuse_unless(count > 0, "There are no new answers to acknowledge.")
    notify(
        recipient=critique.experiment.author,
        kind=Kind.REVIEWER_ACKNOWLEDGED,
        actor=by,
        experiment=critique.experiment,
        critique=critique,
    )
    return count


@transaction.atomic
def helpful_mark(*, critique: Critique, by) -> bool:
    """Mark a critique helpful, once per person; False if they already had."""
    critique = _locked(critique)
    _refuse_unless(
        permissions.can_mark_helpful(by, critique) and not critique.is_withheld,
        "You can mark someone else's submitted critique as helpful.",
    )
    _mark, created = HelpfulMark.objects.get_or_create(critique=critique, user=by)
    if created:
        Critique.objects.filter(pk=critique.pk).update(
            helpful_count=F("helpful_count") + 1
        )
    return created


@transaction.atomic
def helpful_unmark(*, critique: Critique, by) -> bool:
    if not by.is_authenticated:
        return False
    deleted, _detail = HelpfulMark.objects.filter(critique=critique, user=by).delete()
    if deleted:
        Critique.objects.filter(pk=critique.pk, helpful_count__gt=0).update(
            helpful_count=F("helpful_count") - 1
        )
    return bool(deleted)


@transaction.atomic
def critique_request(
    *, experiment: Experiment, by, reviewers: list, message: str = ""
) -> list[CritiqueRequest]:
    """Ask named colleagues for a critique; each is told. Returns the new requests."""
    experiment = _experiment_locked(experiment)
    _refuse_unless(
        permissions.can_request(by, experiment),
        "Only the author of a registered experiment can ask for critiques.",
    )
    _refuse_unless_public(experiment)
    for reviewer in reviewers:
        reason = permissions.why_cannot_critique(reviewer, experiment)
        if reason and reviewer.pk == by.pk:
            reason = "You cannot ask yourself for a critique."
        elif reason:
            reason = f"{reviewer.public_name} cannot be asked: {reason}"
        _refuse_unless(not reason, reason)
    already = set(
        Critique.objects.filter(experiment=experiment)
        .exclude(state=CritiqueState.DRAFT)
        .values_list("reviewer_id", flat=True)
    )
    made = []
    for reviewer in reviewers:
        if reviewer.pk in already:
            continue
        request, created = CritiqueRequest.objects.get_or_create(
            experiment=experiment,
            reviewer=reviewer,
            defaults={"requested_by": by, "message": message.strip()},
        )
        if not created:
            continue
        made.append(request)
        notify(
            recipient=reviewer,
            kind=Kind.CRITIQUE_REQUESTED,
            actor=by,
            experiment=experiment,
        )
    return made


@transaction.atomic
def critique_request_decline(*, request: CritiqueRequest, by) -> None:
    _refuse_unless(
        by.is_authenticated and request.reviewer_id == by.pk,
        "Only the person asked can decline.",
    )
    # Checked in the update itself: the reviewer may have submitted meanwhile.
    declined = CritiqueRequest.objects.filter(
        pk=request.pk, state=RequestState.OPEN
    ).update(state=RequestState.DECLINED, closed_at=timezone.now())
    _refuse_unless(declined == 1, "This request is no longer open.")
