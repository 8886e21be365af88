"""Redaction: a moderator's removal of one piece of text from everywhere it is kept.

For each kind of target, `redactable_fields` lists what can be removed and `purge`
removes it: from the live row, from the copies kept beside it (an experiment's
registered plan and every amendment of that field; the next amendment's "previous
text"; a critique's points, answers and score comments), from reports that quote it,
and from the search index (re-indexed when the transaction commits). Notifications
keep no text, and their e-mails are rendered when sent, so nothing queued keeps it.
The logs record the field's name, never its text.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _

from critique.models import CriterionScore, Critique, CritiquePoint
from forum.models import Amendment, Experiment, ModerationLogEntry, Reply
from forum.plan import TEXT_FIELD_NAMES
from search.sync import index_sync_later

from .models import Report
from .targets import kind_of

REDACTED = "[Removed by a moderator]"

EXPERIMENT_RESULT_FIELDS = (
    "actual_practice",
    "deviations",
    "what_happened",
    "family_voice",
    "reflection",
    "next_step",
    "advice",
    "withdrawal_reason",
)
CRITIQUE_TEXT_FIELDS = (
    "strengths",
    "other_explanations",
    "suggestions",
    "missed_evidence",
    "conflict_statement",
    "withdrawal_reason",
)


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


def redactable_fields(target) -> list[tuple[str, str]]:
    """(key, label) for each piece of text a moderator may remove from `target`."""
    kind = kind_of(target)
    if kind == "experiment":
        return [
            (name, _label(Experiment, name))
            for name in (*TEXT_FIELD_NAMES, *EXPERIMENT_RESULT_FIELDS)
        ]
    if kind == "amendment":
        return [
            ("new_text", _("The new text")),
            ("reason", _("The reason for the change")),
        ]
    if kind == "reply":
        return [("comment", _("The reply"))]
    fields = [(name, _label(Critique, name)) for name in CRITIQUE_TEXT_FIELDS]
    for point in target.points.order_by("kind", "position"):
        name = f"{point.get_kind_display()} {point.position}"
        fields.append((f"point-{point.pk}", name))
        if point.reply:
            fields.append(
                (
                    f"answer-{point.pk}",
                    _("The author's answer to %(point)s") % {"point": name.lower()},
                )
            )
    for score in target.scores.exclude(comment="").select_related("criterion"):
        fields.append(
            (
                f"score-{score.pk}",
                _("Comment on %(code)s") % {"code": score.criterion.code},
            )
        )
    return fields


def purge(target, *, field: str, by, reason: str) -> None:
    """Replace one piece of text of `target` with REDACTED everywhere it is kept."""
    kind = kind_of(target)
    {
        "experiment": _purge_experiment,
        "amendment": _purge_amendment,
        "reply": _purge_reply,
        "critique": _purge_critique,
    }[kind](target, field=field, by=by, reason=reason)
    _purge_reports(target)


def _purge_experiment(experiment: Experiment, *, field: str, by, reason: str) -> None:
    setattr(experiment, field, REDACTED)
    if experiment.registered_plan and field in experiment.registered_plan:
        experiment.registered_plan[field] = REDACTED
    experiment.save()  # post_save re-indexes it and what depends on it
    if field in TEXT_FIELD_NAMES:
        experiment.amendments.filter(field=field).update(
            previous_text=REDACTED, new_text=REDACTED
        )
        # plan.json lists the plan's redactions (field, time, reason).
        ModerationLogEntry.objects.create(
            experiment=experiment,
            moderator=by,
            action=ModerationLogEntry.Action.REDACT_PLAN,
            field=field,
            reason=reason.strip(),
        )


def _purge_amendment(amendment: Amendment, *, field: str, by, reason: str) -> None:
    if field == "new_text":
        # The next amendment of the same field starts from this text.
        Amendment.objects.filter(
            experiment_id=amendment.experiment_id,
            field=amendment.field,
            previous_text=amendment.new_text,
        ).update(previous_text=REDACTED)
        Amendment.objects.filter(pk=amendment.pk).update(new_text=REDACTED)
        amendment.new_text = REDACTED
    else:
        Amendment.objects.filter(pk=amendment.pk).update(reason=REDACTED)
        amendment.reason = REDACTED
    index_sync_later(amendment.experiment)  # amendments are found through it


def _purge_reply(reply: Reply, *, field: str, by, reason: str) -> None:
    # update(), not save(): xtd's save would renumber the thread.
    Reply.objects.filter(pk=reply.pk).update(comment=REDACTED)
    reply.comment = REDACTED
    index_sync_later(reply)


def _purge_critique(critique: Critique, *, field: str, by, reason: str) -> None:
    prefix, _sep, pk = field.partition("-")
    if prefix == "point":
        CritiquePoint.objects.filter(critique=critique, pk=pk).update(text=REDACTED)
    elif prefix == "answer":
        CritiquePoint.objects.filter(critique=critique, pk=pk).update(reply=REDACTED)
    elif prefix == "score":
        CriterionScore.objects.filter(critique=critique, pk=pk).update(comment=REDACTED)
    else:
        setattr(critique, field, REDACTED)
        critique.save(update_fields=[field])
    index_sync_later(critique)


def _purge_reports(target) -> None:
    """Reports about `target` may quote it, and a concern for moderators copies a
    critique's concerns into a report it raises: their details go too."""
    content_type = ContentType.objects.get_for_model(target)
    Report.objects.filter(
        Q(content_type=content_type, object_id=target.pk, source_type__isnull=True)
        | Q(source_type=content_type, source_id=target.pk)
    ).exclude(details="").update(details=REDACTED)
