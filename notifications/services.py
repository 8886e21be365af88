"""Telling people things: a row in their notification list and, unless turned off, an e-mail."""

import datetime

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone

from .models import EmailOptOut, Kind, Notification

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
UNSUBSCRIBE_MAX_AGE = datetime.timedelta(days=365)


def notify(*, recipient, kind: Kind, experiment, actor=None, critique=None) -> None:
    """Add a notification for `recipient` and e-mail it after the transaction commits.

    Nobody is told about their own action.
    """
    if actor is not None and recipient.pk == actor.pk:
        return
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        actor=actor,
        experiment=experiment,
        critique=critique,
    )
    transaction.on_commit(lambda: _enqueue_email(notification.pk))


def _enqueue_email(notification_id: int) -> None:
    from .tasks import send_notification_email

    send_notification_email.enqueue(notification_id)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user).unread().count()


def notification_open(*, notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def notifications_mark_all_read(*, user) -> int:
    return (
        Notification.objects.filter(recipient=user)
        .unread()
        .update(read_at=timezone.now())
    )


def wants_email(*, user, kind: str) -> bool:
    return not EmailOptOut.objects.filter(user=user, kind=kind).exists()


@transaction.atomic
def email_preferences_set(*, user, kinds_wanted: set[str]) -> None:
    """Keep e-mail on for `kinds_wanted` and turn it off for every other kind."""
    EmailOptOut.objects.filter(user=user, kind__in=kinds_wanted).delete()
    for kind in set(Kind.values) - set(kinds_wanted):
        EmailOptOut.objects.get_or_create(user=user, kind=kind)


def email_opt_out(*, user_id: int, kind: str) -> None:
    EmailOptOut.objects.get_or_create(user_id=user_id, kind=kind)


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """The (user id, kind) a link stands for, or None when it was altered, is too old
    or its account is gone."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("k") not in Kind.values:
        return None
    # A link outlives its account; opting out a deleted account would fail.
    if not get_user_model().objects.filter(pk=data.get("u")).exists():
        return None
    return data["u"], data["k"]
