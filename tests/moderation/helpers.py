"""Shared helpers for the moderation tests."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from forum.models import Experiment, Reply
from forum.replies import reply_create


def add_reply(experiment, text: str, user) -> Reply:
    """A reply saved the way the posting view saves it (so pre-moderation applies)."""
    return reply_create(
        fields={
            "content_object": experiment,
            "content_type": ContentType.objects.get_for_model(Experiment),
            "object_pk": str(experiment.pk),
            "site_id": settings.SITE_ID,
            "user": user,
            "user_name": user.public_name,
            "user_email": user.email,
            "user_url": "",
            "comment": text,
            "parent_id": 0,
            "followup": False,
            "is_public": True,
            "is_removed": False,
        }
    )


def page_text(response) -> str:
    import html

    return html.unescape(response.content.decode())


def words(response) -> str:
    """The page as a reader hears it: text without tags, spaces collapsed."""
    import re

    from django.utils.html import strip_tags

    return re.sub(r"\s+", " ", page_text_of(strip_tags(response.content.decode())))


def page_text_of(markup: str) -> str:
    import html

    return html.unescape(markup)


def moderation_entries():
    """Audit entries for actions on posts and people, without role and permission
    changes (giving the test's moderator their role is one of those)."""
    from moderation.models import PERMISSION_ACTIONS, AuditEntry

    return AuditEntry.objects.exclude(action__in=PERMISSION_ACTIONS)
