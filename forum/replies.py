"""Replies under experiments: saving a posted reply, editing, reading a page of threads,
and telling followers and the author.

django-comments-xtd supplies the model, the form and the threading; we save the row
ourselves (instead of xtd's receiver) so that the reply count, the author's e-mail and
mute links that carry no personal data happen in the same transaction.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from moderation.services import (
    FIRST_POSTS_REASON,
    QUASI_IDENTIFIERS_REASON,
    hold_for_review,
    needs_premoderation,
)
from safeguarding.identify import check_fields
from search.sync import index_sync_later

from .models import DiscussionMute, Experiment, Reply

EDIT_WINDOW = datetime.timedelta(minutes=settings.REPLY_EDIT_MINUTES)
THREADS_PER_PAGE = 20
MUTE_SALT = "forum.discussion-mute"
DUPLICATE_WINDOW = datetime.timedelta(seconds=60)


class ReplyRefused(Exception):
    """The reply change is not allowed; str(error) says why."""


def _replies_for(experiment: Experiment):
    return Reply.objects.filter(
        content_type=ContentType.objects.get_for_model(Experiment),
        object_pk=str(experiment.pk),
        site_id=settings.SITE_ID,
    )


@transaction.atomic
def reply_create(*, fields: dict) -> Reply:
    """Save a reply posted through the comments form (xtd's TmpXtdComment fields).

    A second identical post from the same person within a minute returns the first.
    One of a new member's first replies is saved with `is_public` False and waits for
    a moderator; it counts, and its followers hear of it, once approved.
    """
    experiment = fields["content_object"]
    same_place = (
        {"level": 0} if not fields["parent_id"] else {"parent_id": fields["parent_id"]}
    )
    duplicate = (
        _replies_for(experiment)
        .filter(
            user=fields["user"],
            comment=fields["comment"],
            submit_date__gte=timezone.now() - DUPLICATE_WINDOW,
            **same_place,
        )
        .first()
    )
    if duplicate is not None:
        return duplicate
    hold_reason = ""
    if check_fields({"comment": fields["comment"]}).needs_premoderation:
        hold_reason = QUASI_IDENTIFIERS_REASON
    elif fields.get("user") is not None and needs_premoderation(user=fields["user"]):
        hold_reason = FIRST_POSTS_REASON
    reply = Reply(
        **{name: value for name, value in fields.items() if name != "xtd_comment"}
    )
    if hold_reason:
        reply.is_public = False
    reply.save()
    if hold_reason:
        hold_for_review(target=reply, reason=hold_reason)
        return reply
    Experiment.objects.filter(pk=experiment.pk).update(reply_count=F("reply_count") + 1)
    transaction.on_commit(lambda: _enqueue_notifications(reply.pk))
    return reply


def _enqueue_notifications(reply_id: int) -> None:
    from .tasks import send_reply_notifications

    send_reply_notifications.enqueue(reply_id)


def can_edit(user, reply: Reply, *, now=None) -> bool:
    now = now or timezone.now()
    return (
        user.is_authenticated
        and reply.user_id == user.pk
        and reply.is_public
        and not reply.is_removed
        and now - reply.submit_date <= EDIT_WINDOW
    )


@transaction.atomic
def reply_edit(*, reply: Reply, by, text: str) -> None:
    """Change one's own reply within the edit window; the page then shows it was edited."""
    if not can_edit(by, reply):
        raise ReplyRefused(
            _("You can change your own reply for %(minutes)s minutes after posting it.")
            % {"minutes": settings.REPLY_EDIT_MINUTES}
        )
    if not text.strip():
        raise ReplyRefused(_("A reply cannot be empty."))
    # update(), not save(): xtd's pre_save hook would renumber the thread.
    Reply.objects.filter(pk=reply.pk).update(
        comment=text.strip(), edited_at=timezone.now()
    )
    if check_fields({"comment": text}).needs_premoderation:
        reply.refresh_from_db()
        hold_for_review(target=reply, reason=QUASI_IDENTIFIERS_REASON)
    index_sync_later(reply)  # update() sends no signal


@dataclass
class ThreadPage:
    """One page of a discussion: root threads with their nested replies, in reading order."""

    page_obj: object
    replies: list
    total: int


def replies_page(*, experiment: Experiment, page_number, viewer=None) -> ThreadPage:
    """A page of whole threads (roots paginated), in three queries whatever the size.

    The viewer also sees their own replies that are held or hidden (with a notice).
    """
    shown = Q(is_public=True)
    if viewer is not None and viewer.is_authenticated:
        shown |= Q(user=viewer)
    public = _replies_for(experiment).filter(shown)
    roots = (
        public.filter(level=0).order_by("thread_id").values_list("thread_id", flat=True)
    )
    page_obj = Paginator(roots, THREADS_PER_PAGE).get_page(page_number)
    thread_ids = list(page_obj.object_list)
    replies = list(
        public.filter(thread_id__in=thread_ids)
        .select_related("user")
        .order_by("thread_id", "order")
    )
    return ThreadPage(page_obj=page_obj, replies=replies, total=experiment.reply_count)


def mute_token(*, user_id: int, experiment_id: int) -> str:
    return signing.dumps({"u": user_id, "e": experiment_id}, salt=MUTE_SALT)


def mute_read(token: str) -> tuple[int, int] | None:
    try:
        data = signing.loads(
            token, salt=MUTE_SALT, max_age=datetime.timedelta(days=365)
        )
    except signing.BadSignature:
        return None
    return data["u"], data["e"]


def discussion_mute(*, user_id: int, experiment_id: int) -> None:
    DiscussionMute.objects.get_or_create(user_id=user_id, experiment_id=experiment_id)


def recipients_for(reply: Reply) -> list:
    """Followers of the discussion and the experiment's author, minus the poster and the muted."""
    from accounts.models import User

    experiment = reply.content_object
    follower_ids = set(
        _replies_for(experiment)
        .filter(followup=True, is_public=True, is_removed=False, user__isnull=False)
        .values_list("user_id", flat=True)
    )
    follower_ids.add(experiment.author_id)
    follower_ids.discard(reply.user_id)
    muted = set(
        DiscussionMute.objects.filter(experiment=experiment).values_list(
            "user_id", flat=True
        )
    )
    return list(
        User.objects.filter(pk__in=follower_ids - muted, is_active=True).exclude(
            email=""
        )
    )
