"""Background work for the forum (django-tasks): e-mail leaves the request."""

from django_tasks import task

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from core.markdown import render_markdown


@task()
def send_reply_notifications(reply_id: int) -> int:
    """E-mail each follower and the experiment's author about a new reply; returns how many."""
    from .models import Reply
    from .replies import mute_token, recipients_for

    reply = (
        Reply.objects.select_related("user").filter(pk=reply_id, is_public=True).first()
    )
    if reply is None or reply.is_removed or reply.is_withheld:
        return 0
    experiment = reply.content_object
    if experiment is None or not experiment.is_public:
        # Held or hidden since the reply was posted: nobody is mailed about it.
        return 0
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    sent = 0
    for person in recipients_for(reply):
        mute_url = base + reverse(
            "forum:discussion_mute",
            kwargs={
                "token": mute_token(user_id=person.pk, experiment_id=experiment.pk)
            },
        )
        context = {
            "person": person,
            "reply": reply,
            "reply_html": render_markdown(reply.comment),
            "experiment": experiment,
            "is_author": person.pk == experiment.author_id,
            "reply_url": base + reply.get_absolute_url(),
            "mute_url": mute_url,
        }
        message = EmailMultiAlternatives(
            subject=f"New reply to “{experiment.title}”",
            body=render_to_string("forum/email/new_reply.txt", context),
            to=[person.email],
            headers={"List-Unsubscribe": f"<{mute_url}>"},
        )
        message.attach_alternative(
            render_to_string("forum/email/new_reply.html", context), "text/html"
        )
        message.send()
        sent += 1
    return sent
