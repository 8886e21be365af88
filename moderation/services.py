"""Every moderation change: reports, pre-moderation, the queue's actions, suspensions.

Keyword-only and atomic. The actions a moderator takes check `is_moderator`, need a
reason, and raise `ActionRefused` with a sentence when they cannot be done. Each writes
an `AuditEntry` (who, what, which object, why; never removed text).
"""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from critique.choices import CritiqueState
from critique.counts import critique_count_refresh
from critique.models import Critique
from forum.models import Amendment, Experiment, Reply
from forum.permissions import is_moderator
from notifications.models import Kind
from notifications.services import notify
from search.sync import index_sync_later

from . import redaction, targets
from .audit import audit_record
from .models import (
    NOT_WITHHELD,
    READER_REASONS,
    AuditAction,
    Reason,
    Report,
    ReportStatus,
    Suspension,
)

FIRST_POSTS_REASON = "New members' first posts are checked by a moderator."
QUASI_IDENTIFIERS_REASON = (
    "The identifiability check found three or more details that together could "
    "identify someone."
)
_premoderation = threading.local()


class ActionRefused(Exception):
    """The moderation action is not allowed; str(error) says why."""


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise ActionRefused(message)


def _require_moderator(by) -> None:
    _refuse_unless(is_moderator(by), _("Only moderators can do that."))


def _require_reason(reason: str) -> str:
    _refuse_unless(
        bool(reason and reason.strip()),
        _("Give a reason. It is kept in the audit log."),
    )
    return reason.strip()


def hide_after_reports() -> int:
    """How many different people must report something before it is hidden."""
    return getattr(settings, "MODERATION_HIDE_AFTER_REPORTS", 3)


def premoderate_first_posts() -> int:
    """How many of a new member's posts wait for a moderator."""
    return getattr(settings, "MODERATION_PREMODERATE_FIRST_POSTS", 2)


# Reports


@transaction.atomic
def report_create(
    *, target, reason: Reason, reporter=None, details: str = "", source=None
) -> Report:
    """Open a report about `target`; the same open report from the same source is kept once."""
    fields = {
        "content_type": ContentType.objects.get_for_model(target),
        "object_id": target.pk,
        "reason": reason,
        "reporter": reporter,
    }
    if source is not None:
        fields["source_type"] = ContentType.objects.get_for_model(source)
        fields["source_id"] = source.pk
    report, _created = Report.objects.get_or_create(
        **fields, status="open", defaults={"details": details}
    )
    return report


def can_report(user, target) -> bool:
    """Signed-in people may report what they can see; drafts are nobody's business."""
    return (
        user.is_authenticated
        and user.is_active
        and targets.is_published(target)
        and (targets.is_public(target) or targets.is_author(user, target))
    )


@transaction.atomic
def report_submit(*, target, reporter, reason: str, details: str = "") -> Report:
    """A reader's report. Enough different reporters hide the target until reviewed."""
    _refuse_unless(
        can_report(reporter, target),
        _("You can report only what you can see on the site, once signed in."),
    )
    _refuse_unless(
        reason in dict(READER_REASONS),
        _("Choose one of the reasons listed."),
    )
    report = report_create(
        target=target, reason=reason, reporter=reporter, details=details.strip()
    )
    _hide_if_reported_enough(target)
    return report


def _open_reports(target):
    return Report.objects.filter(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        status=ReportStatus.OPEN,
    )


def _hide_if_reported_enough(target) -> None:
    threshold = hide_after_reports()
    if threshold < 1:
        return
    reporters = (
        _open_reports(target)
        .filter(reporter__isnull=False)
        .values("reporter")
        .distinct()
        .count()
    )
    if reporters < threshold:
        return
    target = _fresh(target)
    if target.is_withheld:
        return
    _apply(
        target,
        hidden_at=timezone.now(),
        hidden_reason=_(
            "Reported by %(count)s people; hidden until a moderator reviews it."
        )
        % {"count": reporters},
        hidden_by_reports=True,
    )
    audit_record(
        actor=None,
        action=AuditAction.AUTO_HIDDEN,
        target=target,
        reason=_("Reported by %(count)s different people.") % {"count": reporters},
    )
    _tell_author(target, Kind.CONTENT_HIDDEN)


def _close_reports(target, *, status: ReportStatus) -> int:
    return _open_reports(target).update(status=status, closed_at=timezone.now())


# Hidden and held: the state every post shares


def _fresh(target):
    """The target re-read (and locked where the database can) inside the transaction."""
    model = type(target)
    # Only this row's own table: a reply's default query joins nullable tables, which
    # PostgreSQL cannot lock.
    query = model.objects.select_for_update(of=("self",))
    if isinstance(target, Amendment | Critique):
        query = query.select_related("experiment")
    fresh = query.get(pk=target.pk)
    # A draft is its author's alone; nothing a moderator does applies to it.
    _refuse_unless(
        targets.is_published(fresh), _("Drafts are private to their author.")
    )
    return fresh


def _apply(target, **changes) -> None:
    """Write moderation fields of `target`, keep a reply's `is_public`, the reply
    count and the critique count in step, and queue the search index update."""
    for name, value in changes.items():
        setattr(target, name, value)
    if isinstance(target, Reply):
        was_public = target.is_public
        target.is_public = not target.is_withheld
        Reply.objects.filter(pk=target.pk).update(is_public=target.is_public, **changes)
        change = int(target.is_public) - int(was_public)
        if change:
            Experiment.objects.filter(pk=int(target.object_pk)).update(
                reply_count=F("reply_count") + change
            )
        index_sync_later(target)
    elif isinstance(target, Amendment):
        target.save(update_fields=list(changes))
        index_sync_later(target.experiment)  # its text is found through the experiment
    else:
        target.save(update_fields=list(changes))  # post_save re-indexes
        if isinstance(target, Critique):
            critique_count_refresh(target.experiment_id)


def _tell_author(target, kind: Kind, *, actor=None) -> None:
    author = targets.author_of(target)
    if author is None:
        return
    notify(
        recipient=author,
        kind=kind,
        actor=actor,
        experiment=targets.experiment_of(target),
        critique=target if isinstance(target, Critique) else None,
    )


# Pre-moderation


@contextmanager
def premoderation_paused():
    """Publish at once inside the block (loading demo content)."""
    previous = getattr(_premoderation, "paused", False)
    _premoderation.paused = True
    try:
        yield
    finally:
        _premoderation.paused = previous


def needs_premoderation(*, user) -> bool:
    """True while fewer than MODERATION_PREMODERATE_FIRST_POSTS of `user`'s posts are
    public (registered experiments, replies, submitted critiques); moderators never wait.
    """
    first = premoderate_first_posts()
    if first < 1 or getattr(_premoderation, "paused", False):
        return False
    if not user.is_authenticated or is_moderator(user):
        return False
    counts = (
        lambda: Experiment.objects.public().filter(author=user).count(),
        lambda: Reply.objects.filter(NOT_WITHHELD, user=user, is_public=True).count(),
        lambda: Critique.objects.public().filter(reviewer=user).count(),
    )
    published = 0
    for count in counts:
        published += count()
        if published >= first:
            return False
    return True


@transaction.atomic
def hold_for_review(*, target, reason: str) -> None:
    """Send `target` to pre-moderation: only its author and moderators see it until a
    moderator approves it. For other parts of the code (the first-posts rule, the
    identifiability check); `reason` is shown to moderators and the author."""
    reason = _require_reason(reason)
    if target.is_held:
        return
    _apply(target, held_at=timezone.now(), held_reason=reason[:200])
    audit_record(actor=None, action=AuditAction.HELD, target=target, reason=reason)


# The queue's actions


@transaction.atomic
def content_approve(*, target, by, reason: str) -> None:
    """A held post goes public; its author (and, for a critique, the experiment's
    author; for a reply, the discussion's followers) are told."""
    _require_moderator(by)
    reason = _require_reason(reason)
    target = _fresh(target)
    _refuse_unless(target.is_held, _("This is not waiting for a moderator."))
    _apply(target, held_at=None, held_reason="")
    audit_record(actor=by, action=AuditAction.APPROVED, target=target, reason=reason)
    _tell_author(target, Kind.CONTENT_APPROVED, actor=by)
    if (
        isinstance(target, Critique)
        and target.is_public
        and target.state == CritiqueState.SUBMITTED
    ):
        notify(
            recipient=target.experiment.author,
            kind=Kind.CRITIQUE_RECEIVED,
            actor=target.reviewer,
            experiment=target.experiment,
            critique=target,
        )
    if isinstance(target, Reply) and target.is_public:
        reply_id = target.pk
        transaction.on_commit(lambda: _enqueue_reply_notifications(reply_id))


def _enqueue_reply_notifications(reply_id: int) -> None:
    from forum.tasks import send_reply_notifications

    send_reply_notifications.enqueue(reply_id)


@transaction.atomic
def content_hide(*, target, by, reason: str) -> None:
    """Take a post down with a reason its author is shown; open reports are resolved."""
    _require_moderator(by)
    reason = _require_reason(reason)
    target = _fresh(target)
    _refuse_unless(
        not (target.is_hidden and not target.hidden_by_reports),
        _("A moderator has already hidden this."),
    )
    _apply(
        target,
        hidden_at=target.hidden_at or timezone.now(),
        hidden_reason=reason,
        hidden_by_reports=False,
        held_at=None,
        held_reason="",
    )
    _close_reports(target, status=ReportStatus.RESOLVED)
    audit_record(actor=by, action=AuditAction.HIDDEN, target=target, reason=reason)
    _tell_author(target, Kind.CONTENT_HIDDEN, actor=by)


@transaction.atomic
def content_unhide(*, target, by, reason: str) -> None:
    """Show a hidden post again; reports still open about it are dismissed."""
    _require_moderator(by)
    reason = _require_reason(reason)
    target = _fresh(target)
    _refuse_unless(target.is_hidden, _("This is not hidden."))
    _apply(target, hidden_at=None, hidden_reason="", hidden_by_reports=False)
    _close_reports(target, status=ReportStatus.DISMISSED)
    audit_record(actor=by, action=AuditAction.UNHIDDEN, target=target, reason=reason)


@transaction.atomic
def reports_dismiss(*, target, by, reason: str) -> int:
    """Close the open reports about a post as needing nothing; a post hidden only
    because of them is shown again. Returns how many were closed."""
    _require_moderator(by)
    reason = _require_reason(reason)
    target = _fresh(target)
    closed = _close_reports(target, status=ReportStatus.DISMISSED)
    _refuse_unless(closed > 0, _("There are no open reports about this."))
    if target.hidden_by_reports:
        _apply(target, hidden_at=None, hidden_reason="", hidden_by_reports=False)
    audit_record(actor=by, action=AuditAction.DISMISSED, target=target, reason=reason)
    return closed


@transaction.atomic
def content_redact(*, target, by, field: str, reason: str) -> None:
    """Remove one piece of text everywhere it is kept (see `redaction`); logged with
    the field's name and the reason, never the text. Open reports are resolved."""
    _require_moderator(by)
    reason = _require_reason(reason)
    target = _fresh(target)
    _refuse_unless(
        targets.is_published(target),
        _("Drafts are private to their author and cannot be redacted."),
    )
    _refuse_unless(
        field in dict(redaction.redactable_fields(target)),
        _("Choose one of the listed parts to redact."),
    )
    redaction.purge(target, field=field, by=by, reason=reason)
    _close_reports(target, status=ReportStatus.RESOLVED)
    audit_record(
        actor=by,
        action=AuditAction.REDACTED,
        target=target,
        reason=reason,
        field=field,
    )


def _experiment_locked(experiment: Experiment) -> Experiment:
    return Experiment.objects.select_for_update().get(pk=experiment.pk)


@transaction.atomic
def discussion_lock(*, experiment: Experiment, by, reason: str) -> Experiment:
    """Close an experiment's discussion: no new replies; the replies stay."""
    _require_moderator(by)
    reason = _require_reason(reason)
    experiment = _experiment_locked(experiment)
    _refuse_unless(
        not experiment.discussion_locked, _("This discussion is already closed.")
    )
    experiment.discussion_locked = True
    experiment.save(update_fields=["discussion_locked"])
    audit_record(actor=by, action=AuditAction.LOCKED, target=experiment, reason=reason)
    return experiment


@transaction.atomic
def discussion_unlock(*, experiment: Experiment, by, reason: str) -> Experiment:
    _require_moderator(by)
    reason = _require_reason(reason)
    experiment = _experiment_locked(experiment)
    _refuse_unless(experiment.discussion_locked, _("This discussion is open."))
    experiment.discussion_locked = False
    experiment.save(update_fields=["discussion_locked"])
    audit_record(
        actor=by, action=AuditAction.UNLOCKED, target=experiment, reason=reason
    )
    return experiment


# Accounts


def open_suspension(user) -> Suspension | None:
    return Suspension.objects.filter(user=user, lifted_at__isnull=True).first()


@transaction.atomic
def user_suspend(*, user, by, reason: str) -> Suspension:
    """Stop someone signing in (their account becomes inactive); what they posted stays."""
    _require_moderator(by)
    reason = _require_reason(reason)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    _refuse_unless(user.pk != by.pk, _("You cannot suspend yourself."))
    _refuse_unless(
        not user.is_superuser and (by.is_superuser or not is_moderator(user)),
        _("Only an administrator can suspend a moderator or an administrator."),
    )
    _refuse_unless(
        user.is_active and open_suspension(user) is None,
        _("This account is already suspended or closed."),
    )
    user.is_active = False
    user.save(update_fields=["is_active"])
    suspension = Suspension.objects.create(user=user, reason=reason, suspended_by=by)
    audit_record(actor=by, action=AuditAction.SUSPENDED, target=user, reason=reason)
    return suspension


@transaction.atomic
def user_reinstate(*, user, by, reason: str) -> None:
    """Lift a suspension: the person can sign in again."""
    _require_moderator(by)
    reason = _require_reason(reason)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    suspension = open_suspension(user)
    _refuse_unless(
        suspension is not None, _("This account is not suspended by a moderator.")
    )
    suspension.lifted_at = timezone.now()
    suspension.lifted_by = by
    suspension.save(update_fields=["lifted_at", "lifted_by"])
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=by, action=AuditAction.REINSTATED, target=user, reason=reason)
