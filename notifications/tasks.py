"""E-mail for notifications, sent by the worker so requests never wait for SMTP.

The e-mail is rendered from the notification's row and what it links to when the task
runs, not when it was queued: text a moderator redacted meanwhile goes out redacted,
and nothing is sent about something hidden from the recipient meanwhile.
"""

from django_tasks import task

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

SUBJECTS = {
    "critique_received": "New critique of “{title}”",
    "response_received": "The author answered your critique of “{title}”",
    "critique_requested": "Would you critique “{title}”?",
    "reviewer_acknowledged": "A reviewer acknowledged your answers on “{title}”",
    "content_hidden": "Something you posted on “{title}” is hidden",
    "content_approved": "Your post on “{title}” is now public",
}


@task()
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification unless its recipient turned that kind off; True if sent."""
    from .models import Notification
    from .services import unsubscribe_token, wants_email

    notification = (
        Notification.objects.select_related("recipient", "actor", "experiment")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return False
    person = notification.recipient
    if not person.is_active or not person.email:
        return False
    if not wants_email(user=person, kind=notification.kind):
        return False
    if not notification.is_still_relevant:
        return False
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    unsubscribe_url = base + reverse(
        "notifications:unsubscribe",
        kwargs={"token": unsubscribe_token(user_id=person.pk, kind=notification.kind)},
    )
    context = {
        "person": person,
        "notification": notification,
        "experiment": notification.experiment,
        "actor_name": notification.actor.public_name if notification.actor else "",
        "target_url": base + notification.target_url(),
        "settings_url": base + reverse("notifications:preferences"),
        "unsubscribe_url": unsubscribe_url,
    }
    message = EmailMultiAlternatives(
        subject=SUBJECTS[notification.kind].format(title=notification.experiment_title),
        body=render_to_string("notifications/email/notification.txt", context),
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string("notifications/email/notification.html", context), "text/html"
    )
    message.send()
    return True
