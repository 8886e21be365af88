from django_comments.views.comments import post_comment
from django_ratelimit.decorators import ratelimit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import replies
from .models import Experiment, Reply
from .reply_forms import ReplyEditForm


@login_required
@require_POST
@ratelimit(group="forum.publish", key="user", rate="60/h", method="POST", block=True)
def reply_post(request):
    """django_comments' posting view, in one transaction: a refused reply leaves no row.

    Nobody replies under an experiment that is held for or hidden by a moderator.
    """
    object_pk = request.POST.get("object_pk", "")
    experiment = (
        Experiment.objects.filter(pk=object_pk).first() if object_pk.isdigit() else None
    )
    if experiment is not None and experiment.is_withheld:
        if experiment.author_id != request.user.pk:
            raise Http404(_("No experiment found"))
        messages.error(
            request,
            _("Replies open once a moderator has approved this experiment."),
        )
        return redirect(experiment.get_absolute_url())
    with transaction.atomic():
        response = post_comment(request)
    if response.status_code == 302:
        latest = (
            Reply.objects.filter(user=request.user)
            .order_by("-pk")
            .values("held_at", "held_reason")
            .first()
        )
        if latest is not None and latest["held_at"] is not None:
            messages.info(
                request,
                _(
                    "Your reply is saved. A moderator checks it before others see "
                    "it: %(reason)s"
                )
                % {"reason": latest["held_reason"]},
            )
    return response


@require_GET
def reply_posted(request):
    """Where a post without a `next` address lands: the new reply on its page."""
    reply_id = request.GET.get("c", "")
    reply = Reply.objects.filter(pk=reply_id).first() if reply_id.isdigit() else None
    if reply is None:
        return redirect("forum:experiment_list")
    return redirect(reply.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(group="forum.publish", key="user", rate="60/h", method="POST", block=True)
def reply_edit(request, pk: int):
    reply = get_object_or_404(
        Reply, pk=pk, user=request.user, is_public=True, is_removed=False
    )
    if not replies.can_edit(request.user, reply):
        messages.error(
            request,
            _(
                "Replies can be changed only in the first few minutes. Post a new reply to add to it."
            ),
        )
        return redirect(reply.get_absolute_url())
    form = ReplyEditForm(request.POST or None, initial={"comment": reply.comment})
    if request.method == "POST" and form.is_valid():
        try:
            replies.reply_edit(
                reply=reply, by=request.user, text=form.cleaned_data["comment"]
            )
        except replies.ReplyRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("Your reply was updated. It now shows that it was edited."),
            )
            return redirect(reply.get_absolute_url())
    return render(request, "forum/reply_edit.html", {"reply": reply, "form": form})


@require_http_methods(["GET", "POST"])
def discussion_mute(request, token: str):
    """Stop e-mail about one experiment's replies; the link in each e-mail is the key."""
    found = replies.mute_read(token)
    if found is None:
        raise Http404(_("This link is not valid. Use the link from a recent e-mail."))
    user_id, experiment_id = found
    experiment = get_object_or_404(Experiment, pk=experiment_id)
    if request.method == "POST":
        replies.discussion_mute(user_id=user_id, experiment_id=experiment_id)
        return render(
            request,
            "forum/discussion_muted.html",
            {"experiment": experiment, "done": True},
        )
    return render(
        request,
        "forum/discussion_muted.html",
        {"experiment": experiment, "done": False},
    )
