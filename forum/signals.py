"""Posting a reply: our receiver replaces xtd's, which mails pickled, signed user data
(password hash included) in its mute links and cannot update our reply counter."""

from django_comments.signals import comment_was_posted
from django_comments_xtd import views as xtd_views
from django_comments_xtd.models import TmpXtdComment

from .models import Experiment
from .replies import reply_create

comment_was_posted.disconnect(xtd_views.on_comment_was_posted, sender=TmpXtdComment)


def on_reply_posted(sender, comment, request, **kwargs):
    if not isinstance(comment.content_object, Experiment):
        return
    comment.xtd_comment = reply_create(fields=dict(comment))


comment_was_posted.connect(
    on_reply_posted, sender=TmpXtdComment, dispatch_uid="forum-reply"
)
