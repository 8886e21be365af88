"""A person's CPD learning record: their experiments and critiques over a period.

Read only. Each row says what the person did, what they learned and how it changed
their practice, the three questions a CPD record for Social Work England asks.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from forum.choices import State
from forum.models import Experiment

from .choices import CritiqueState, PointStatus
from .models import Critique, CritiquePoint

# Shown in the printable page where a column has nothing yet; the CSV leaves it empty.
PROMPTS = {
    "what_i_did": gettext_lazy("Add what you did."),
    "what_i_learned": gettext_lazy("Add your reflection: what did you learn?"),
    "how_it_changed_my_practice": gettext_lazy(
        "Add how this changed, or will change, your practice."
    ),
}
HEADINGS = {
    "what_i_did": gettext_lazy("What I did"),
    "what_i_learned": gettext_lazy("What I learned"),
    "how_it_changed_my_practice": gettext_lazy("How it changed my practice"),
}


@dataclass(frozen=True)
class Row:
    """One item of the record; the three text columns are empty when there is nothing."""

    date: datetime.date
    kind: str
    title: str
    url: str
    what_i_did: str
    what_i_learned: str
    how_it_changed_my_practice: str

    @property
    def columns(self) -> list[tuple[str, str, str]]:
        """(heading, text, prompt) for each of the three columns, in order."""
        return [
            (str(HEADINGS[name]), getattr(self, name), str(PROMPTS[name]))
            for name in HEADINGS
        ]


def _bounds(start: datetime.date, end: datetime.date):
    """Aware datetimes from the start of `start` to the end of `end`, local time."""
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min), zone),
        timezone.make_aware(datetime.datetime.combine(end, datetime.time.max), zone),
    )


def _in(moment, bounds) -> bool:
    return moment is not None and bounds[0] <= moment <= bounds[1]


def _day(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


def _join(*parts: str) -> str:
    return "\n".join(part.strip() for part in parts if part and part.strip())


def _labelled(label: str, text: str) -> str:
    text = text.strip()
    return f"{label}: {text}" if text else ""


def _experiment_row(experiment: Experiment, bounds) -> tuple[datetime.datetime, Row]:
    events = [
        (experiment.registered_at, _("Experiment registered")),
        (experiment.concluded_at, _("Experiment concluded")),
        (experiment.withdrawn_at, _("Experiment withdrawn")),
    ]
    when, kind = max(
        (event for event in events if _in(event[0], bounds)), key=lambda e: e[0]
    )
    if experiment.state == State.WITHDRAWN:
        # Only the stub, as on the experiment's page: the withdrawn text stays unshown.
        return when, Row(
            date=timezone.localdate(when),
            kind=_("Experiment (withdrawn)"),
            title=experiment.title,
            url=experiment.get_absolute_url(),
            what_i_did=_(
                "I registered a practice experiment on %(registered)s and withdrew "
                "it on %(withdrawn)s because: %(reason)s"
            )
            % {
                "registered": _day(experiment.registered_at),
                "withdrawn": _day(experiment.withdrawn_at),
                "reason": experiment.withdrawal_reason,
            },
            what_i_learned="",
            how_it_changed_my_practice="",
        )
    did = [
        _("I planned and registered a practice experiment on %(day)s.")
        % {"day": _day(experiment.registered_at)},
        _labelled(_("Hypothesis"), experiment.hypothesis_sentence),
    ]
    if experiment.concluded_at:
        did.append(
            _labelled(_("What I actually did"), experiment.actual_practice)
            or _labelled(_("What I planned to try"), experiment.what_i_will_try)
        )
    else:
        did.append(_labelled(_("What I planned to try"), experiment.what_i_will_try))
    learned = _join(
        _labelled(_("What happened"), experiment.what_happened),
        _labelled(_("Reflection"), experiment.reflection),
    )
    changed = ""
    if experiment.decision:
        changed = _join(
            _("Decision: %(decision)s.")
            % {"decision": experiment.get_decision_display()},
            _labelled(_("Next step"), experiment.next_step),
            _labelled(_("Advice for others"), experiment.advice),
        )
    row = Row(
        date=timezone.localdate(when),
        kind=kind,
        title=experiment.title,
        url=experiment.get_absolute_url(),
        what_i_did=_join(*did),
        what_i_learned=learned,
        how_it_changed_my_practice=changed,
    )
    return when, row


def response_summary(points: list[CritiquePoint]) -> str:
    """How the author answered the points, e.g. "3 of 4 points addressed; …"."""
    total = len(points)
    counts = dict.fromkeys(PointStatus.values, 0)
    for point in points:
        if point.status:
            counts[point.status] += 1
    unanswered = total - sum(counts.values())
    parts = [
        ngettext(
            "%(addressed)d of %(total)d point addressed",
            "%(addressed)d of %(total)d points addressed",
            total,
        )
        % {"addressed": counts[PointStatus.ADDRESSED], "total": total}
    ]
    if counts[PointStatus.DISAGREE]:
        parts.append(
            _("the author disagreed with %(count)d")
            % {"count": counts[PointStatus.DISAGREE]}
        )
    if counts[PointStatus.NOT_ADDRESSED]:
        parts.append(
            _("%(count)d not addressed") % {"count": counts[PointStatus.NOT_ADDRESSED]}
        )
    if unanswered:
        parts.append(_("%(count)d not answered yet") % {"count": unanswered})
    return "; ".join(parts) + "."


def _point_label(point: CritiquePoint) -> str:
    return f"{point.get_kind_display()} {point.position}"


def _authors_answer(point: CritiquePoint) -> str:
    answer = _("%(point)s: the author said “%(status)s”.") % {
        "point": _point_label(point),
        "status": point.get_status_display(),
    }
    return f"{answer} {point.reply.strip()}".strip()


def _my_answer(point: CritiquePoint) -> str:
    answer = _("%(point)s, my answer: “%(status)s”.") % {
        "point": _point_label(point),
        "status": point.get_status_display(),
    }
    return f"{answer} {point.reply.strip()}".strip()


def _critique_text(critique: Critique) -> list[str]:
    return [
        _labelled(_("Strengths"), critique.strengths),
        _labelled(_("Other explanations"), critique.other_explanations),
        _labelled(_("Suggestions for the next cycle"), critique.suggestions),
        _labelled(_("Evidence that may have been missed"), critique.missed_evidence),
        _("Recommendation: %(recommendation)s. Overall certainty: %(certainty)s.")
        % {
            "recommendation": critique.get_recommendation_display(),
            "certainty": critique.get_certainty_display(),
        },
    ]


def _given_row(critique: Critique, bounds) -> tuple[datetime.datetime, Row]:
    experiment = critique.experiment
    if critique.state == CritiqueState.WITHDRAWN:
        # A withdrawn critique keeps only its stub, here as on the experiment's page.
        when = (
            critique.withdrawn_at
            if _in(critique.withdrawn_at, bounds)
            else critique.submitted_at
        )
        return when, Row(
            date=timezone.localdate(when),
            kind=_("Critique given (withdrawn)"),
            title=experiment.title,
            url=critique.get_absolute_url(),
            what_i_did=_("I withdrew my critique on %(day)s because: %(reason)s")
            % {
                "day": _day(critique.withdrawn_at),
                "reason": critique.withdrawal_reason,
            },
            what_i_learned="",
            how_it_changed_my_practice="",
        )
    points = list(critique.points.all())
    did = [
        _(
            "I wrote a structured critique of %(author)s's practice experiment "
            "“%(title)s”."
        )
        % {"author": experiment.author.public_name, "title": experiment.title},
        *_critique_text(critique),
        *(
            _labelled(_point_label(point), point.text)
            for point in points
            if point.text.strip()
        ),
    ]
    learned = ""
    if any(point.status for point in points):
        learned = _join(
            _("The author's responses: %(summary)s")
            % {"summary": response_summary(points)},
            *(_authors_answer(point) for point in points if point.status),
        )
    return critique.submitted_at, Row(
        date=timezone.localdate(critique.submitted_at),
        kind=_("Critique given"),
        title=experiment.title,
        url=critique.get_absolute_url(),
        what_i_did=_join(*did),
        what_i_learned=learned,
        how_it_changed_my_practice="",
    )


def _received_row(critique: Critique) -> tuple[datetime.datetime, Row]:
    experiment = critique.experiment
    points = list(critique.points.all())
    answered = [point for point in points if point.status]
    did = [
        _("%(reviewer)s critiqued my practice experiment.")
        % {"reviewer": critique.reviewer.public_name},
    ]
    if answered:
        did += [
            ngettext(
                "I answered %(answered)d of %(total)d point.",
                "I answered %(answered)d of %(total)d points.",
                len(points),
            )
            % {"answered": len(answered), "total": len(points)},
            *(_my_answer(point) for point in answered),
        ]
    elif points:
        did.append(
            ngettext(
                "I have not answered the reviewer's %(total)d point yet.",
                "I have not answered the reviewer's %(total)d points yet.",
                len(points),
            )
            % {"total": len(points)}
        )
    learned = _join(
        *_critique_text(critique),
        *(_labelled(_point_label(point), point.text) for point in points),
    )
    return critique.submitted_at, Row(
        date=timezone.localdate(critique.submitted_at),
        kind=_("Critique received"),
        title=experiment.title,
        url=critique.get_absolute_url(),
        what_i_did=_join(*did),
        what_i_learned=learned,
        how_it_changed_my_practice="",
    )


def learning_record(*, user, start: datetime.date, end: datetime.date) -> list[Row]:
    """The user's experiments and critiques given and received from `start` to `end`.

    Three queries whatever the number of items: experiments, critiques, their points.
    """
    bounds = _bounds(start, end)
    experiments = (
        Experiment.objects.filter(author=user)
        .exclude(state=State.DRAFT)
        .filter(
            Q(registered_at__range=bounds)
            | Q(concluded_at__range=bounds)
            | Q(withdrawn_at__range=bounds)
        )
    )
    given_in_range = Q(reviewer=user) & (
        Q(state=CritiqueState.SUBMITTED, submitted_at__range=bounds)
        | (
            Q(state=CritiqueState.WITHDRAWN)
            & (Q(submitted_at__range=bounds) | Q(withdrawn_at__range=bounds))
        )
    )
    received_in_range = Q(
        experiment__author=user,
        state=CritiqueState.SUBMITTED,
        submitted_at__range=bounds,
    )
    critiques = (
        Critique.objects.filter(given_in_range | received_in_range)
        .exclude(experiment__state=State.DRAFT)
        .select_related("experiment", "experiment__author", "reviewer")
        .prefetch_related(
            Prefetch(
                "points", queryset=CritiquePoint.objects.order_by("kind", "position")
            )
        )
    )
    dated = [_experiment_row(experiment, bounds) for experiment in experiments]
    for critique in critiques:
        if critique.reviewer_id == user.pk:
            dated.append(_given_row(critique, bounds))
        else:
            dated.append(_received_row(critique))
    dated.sort(key=lambda pair: pair[0])
    return [row for _when, row in dated]
