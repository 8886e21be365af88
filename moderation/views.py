"""Report forms for everyone signed in; the queue, item pages and actions for
moderators; the audit log for administrators. Thin: services decide and change."""

from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from forum.permissions import is_moderator

from . import redaction, selectors, services, targets
from .forms import (
    AuthorReasonForm,
    ConfirmedReasonForm,
    ReasonForm,
    RedactionForm,
    ReportForm,
)

REPORT_RATE_GROUP = "moderation.report"


def report_rate(group=None, request=None) -> str:
    """How many reports one person may send (MODERATION_REPORT_RATE, "10/h")."""
    return getattr(settings, "MODERATION_REPORT_RATE", "10/h")


def _target_or_404(kind: str, pk: int):
    target = targets.target_get(kind, pk)
    if target is None or not targets.is_published(target):
        raise Http404(_("Nothing found"))
    return target


@login_required
@require_http_methods(["GET", "POST"])
def report(request, kind: str, pk: int):
    """The report button's page: choose a reason, add details, send."""
    target = _target_or_404(kind, pk)
    if not services.can_report(request.user, target):
        raise Http404(_("Nothing found"))
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if is_ratelimited(
            request,
            group=REPORT_RATE_GROUP,
            key="user",
            rate=report_rate,
            method=ALL,
            increment=True,
        ):
            return render(
                request,
                "moderation/report_limited.html",
                {"target": target, "back_url": targets.url_of(target)},
                status=429,
            )
        try:
            services.report_submit(
                target=target,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except services.ActionRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _(
                    "Thank you. A moderator will look at your report. If a child is "
                    "at risk of harm now, follow your local safeguarding procedures "
                    "or call 999."
                ),
            )
        return redirect(_back_after_report(request.user, kind, pk))
    return render(
        request,
        "moderation/report.html",
        {
            "form": form,
            "target": target,
            "kind": kind,
            "description": targets.describe(target),
            "back_url": targets.url_of(target),
        },
    )


def _back_after_report(user, kind: str, pk: int) -> str:
    """Back to what was reported, unless the report has just hidden it."""
    target = targets.target_get(kind, pk)
    if target is not None and (
        targets.is_public(target) or targets.is_author(user, target)
    ):
        return targets.url_of(target)
    return reverse("forum:experiment_list")


def _moderator_or_404(request) -> None:
    if not is_moderator(request.user):
        raise Http404(_("Nothing found"))


@login_required
@require_GET
def queue(request):
    _moderator_or_404(request)
    return render(
        request, "moderation/queue.html", {"queue": selectors.moderation_queue()}
    )


@login_required
@require_GET
def item(request, kind: str, pk: int):
    _moderator_or_404(request)
    target = _target_or_404(kind, pk)
    review = selectors.item_review(kind=kind, target=target)
    return render(
        request,
        "moderation/item.html",
        {
            "review": review,
            "target": target,
            "kind": kind,
            "description": targets.describe(target),
            "url": targets.url_of(target),
            "author": targets.author_of(target),
            "actions": _available_actions(kind, target, review),
            "is_public": targets.is_public(target),
        },
    )


# Each action: its form, what the page says, the button, and the service to call.
ACTIONS = {
    "approve": {
        "form": ReasonForm,
        "title": gettext_lazy("Approve"),
        "explain": gettext_lazy(
            "Everyone will be able to see it, and its author is told."
        ),
        "button": gettext_lazy("Approve"),
        "done": gettext_lazy("Approved. It is public now."),
    },
    "hide": {
        "form": AuthorReasonForm,
        "title": gettext_lazy("Hide"),
        "explain": gettext_lazy(
            "Nobody but its author and the moderators will see it, in lists, pages, "
            "feeds or search. Its author is told, with your reason. Open reports "
            "about it are resolved. You can show it again later."
        ),
        "button": gettext_lazy("Hide it"),
        "warning": True,
        "done": gettext_lazy("Hidden. Its author has been told why."),
    },
    "unhide": {
        "form": ReasonForm,
        "title": gettext_lazy("Show again"),
        "explain": gettext_lazy(
            "Everyone will be able to see it again. Reports still open about it are "
            "dismissed."
        ),
        "button": gettext_lazy("Show it again"),
        "done": gettext_lazy("It is visible again."),
    },
    "dismiss": {
        "form": ReasonForm,
        "title": gettext_lazy("Dismiss the reports"),
        "explain": gettext_lazy(
            "The open reports are closed as needing nothing. If it was hidden only "
            "because of them, it is shown again."
        ),
        "button": gettext_lazy("Dismiss the reports"),
        "done": gettext_lazy("Reports dismissed."),
    },
    "redact": {
        "form": RedactionForm,
        "title": gettext_lazy("Redact"),
        "explain": gettext_lazy(
            "The chosen text is replaced with “[Removed by a moderator]” everywhere "
            "it is kept: the page, earlier versions (the registered plan, "
            "amendments), reports that quote it and the search index. The audit "
            "log keeps who, when and why, never the removed text."
        ),
        "button": gettext_lazy("Redact"),
        "warning": True,
        "done": gettext_lazy("Redacted and logged."),
    },
    "lock": {
        "form": ReasonForm,
        "title": gettext_lazy("Close the discussion"),
        "explain": gettext_lazy(
            "Nobody can add replies. The replies already posted stay."
        ),
        "button": gettext_lazy("Close the discussion"),
        "done": gettext_lazy("The discussion is closed."),
    },
    "unlock": {
        "form": ReasonForm,
        "title": gettext_lazy("Reopen the discussion"),
        "explain": gettext_lazy("People can reply again."),
        "button": gettext_lazy("Reopen the discussion"),
        "done": gettext_lazy("The discussion is open again."),
    },
}


def _available_actions(kind: str, target, review) -> list[str]:
    available = []
    if target.is_held and not target.is_hidden:
        available.append("approve")
    if review.open_reports:
        available.append("dismiss")
    if not target.is_hidden or target.hidden_by_reports:
        available.append("hide")
    if target.is_hidden:
        available.append("unhide")
    if targets.is_published(target):
        available.append("redact")
    if kind == "experiment" and targets.is_published(target):
        available.append("unlock" if target.discussion_locked else "lock")
    return available


def _perform(action: str, *, kind: str, target, by, data: dict) -> None:
    reason = data["reason"]
    if action == "approve":
        services.content_approve(target=target, by=by, reason=reason)
    elif action == "hide":
        services.content_hide(target=target, by=by, reason=reason)
    elif action == "unhide":
        services.content_unhide(target=target, by=by, reason=reason)
    elif action == "dismiss":
        services.reports_dismiss(target=target, by=by, reason=reason)
    elif action == "redact":
        services.content_redact(
            target=target, by=by, field=data["field"], reason=reason
        )
    elif action == "lock":
        services.discussion_lock(experiment=target, by=by, reason=reason)
    elif action == "unlock":
        services.discussion_unlock(experiment=target, by=by, reason=reason)


@login_required
@require_http_methods(["GET", "POST"])
def act(request, kind: str, pk: int, action: str):
    """A moderator's action: GET asks for the reason (and confirmation), POST does it."""
    _moderator_or_404(request)
    target = _target_or_404(kind, pk)
    spec = ACTIONS.get(action)
    if spec is None or (action in ("lock", "unlock") and kind != "experiment"):
        raise Http404(_("Nothing found"))
    extra = {}
    if action == "redact":
        extra["choices"] = redaction.redactable_fields(target)
    form = spec["form"](request.POST or None, **extra)
    item_url = reverse("moderation:item", kwargs={"kind": kind, "pk": pk})
    if request.method == "POST" and form.is_valid():
        try:
            _perform(
                action,
                kind=kind,
                target=target,
                by=request.user,
                data=form.cleaned_data,
            )
        except services.ActionRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, spec["done"])
        return redirect(item_url)
    return render(
        request,
        "moderation/action.html",
        {
            "form": form,
            "spec": spec,
            "action": action,
            "target": target,
            "kind": kind,
            "description": targets.describe(target),
            "item_url": item_url,
        },
    )


PERSON_ACTIONS = {
    "suspend": {
        "form": ConfirmedReasonForm,
        "title": gettext_lazy("Suspend this account"),
        "explain": gettext_lazy(
            "They are signed out and cannot sign in until a moderator reinstates "
            "them. What they posted stays as it is."
        ),
        "button": gettext_lazy("Suspend"),
        "warning": True,
        "done": gettext_lazy("The account is suspended."),
    },
    "reinstate": {
        "form": ReasonForm,
        "title": gettext_lazy("Reinstate this account"),
        "explain": gettext_lazy("They can sign in again."),
        "button": gettext_lazy("Reinstate"),
        "done": gettext_lazy("The account is reinstated."),
    },
}


@login_required
@require_http_methods(["GET", "POST"])
def person_act(request, pk: int, action: str):
    """Suspend or reinstate someone: GET asks for the reason, POST does it."""
    _moderator_or_404(request)
    spec = PERSON_ACTIONS.get(action)
    if spec is None:
        raise Http404(_("Nothing found"))
    person = get_object_or_404(get_user_model(), pk=pk)
    form = spec["form"](request.POST or None)
    if request.method == "POST" and form.is_valid():
        perform = (
            services.user_suspend if action == "suspend" else services.user_reinstate
        )
        try:
            perform(user=person, by=request.user, reason=form.cleaned_data["reason"])
        except services.ActionRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, spec["done"])
        return redirect("moderation:queue")
    return render(
        request,
        "moderation/person_action.html",
        {
            "form": form,
            "spec": spec,
            "person": person,
            "suspension": services.open_suspension(person),
        },
    )


@login_required
@require_GET
def audit_log(request):
    """The whole audit log, read-only, for administrators."""
    if not request.user.is_superuser:
        raise Http404(_("Nothing found"))
    page_obj = selectors.audit_page(page_number=request.GET.get("page"))
    return render(
        request,
        "moderation/audit.html",
        {"page_obj": page_obj, "entries": page_obj.object_list},
    )
