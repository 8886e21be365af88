"""Critique pages. Thin: forms check input, services decide and change, selectors read."""

from django_ratelimit.decorators import ratelimit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evidence.models import Topic
from forum.models import Experiment
from forum.permissions import can_view as can_view_experiment
from forum.permissions import is_moderator
from moderation.services import QUASI_IDENTIFIERS_REASON

from . import permissions, selectors, services
from .forms import (
    CritiqueForm,
    CritiqueRequestForm,
    ResponseForm,
    WithdrawCritiqueForm,
)
from .models import Critique, CritiqueRequest
from .rubric import current_version
from .workflow import ActionRefused

PER_PAGE = 20
# Generous for a person, tight for a script; the limit page says what to do.
WRITE_LIMIT = ratelimit(key="user", rate="60/h", method="POST", block=True)
ASK_LIMIT = ratelimit(key="user", rate="20/h", method="POST", block=True)


def _experiment_or_404(request, pk: int) -> Experiment:
    experiment = Experiment.objects.select_related("author").filter(pk=pk).first()
    if experiment is None or not can_view_experiment(request.user, experiment):
        raise Http404("No experiment found")
    return experiment


def _critique_or_404(request, pk: int) -> Critique:
    critique = (
        Critique.objects.select_related(
            "experiment", "experiment__author", "reviewer", "rubric_version"
        )
        .filter(pk=pk)
        .first()
    )
    if critique is None or not permissions.can_view(request.user, critique):
        raise Http404("No critique found")
    return critique


def _back_to(critique: Critique):
    return redirect(critique.get_absolute_url())


def _save_from_form(request, *, form, critique: Critique):
    """Save the draft, then submit it if asked; a refused submission keeps the draft."""
    services.critique_save(
        critique=critique, by=request.user, **form.service_arguments()
    )
    if request.POST.get("action") != "submit":
        messages.success(
            request, "Your draft is saved. Only you can see it until you submit it."
        )
        return redirect(critique.get_edit_url())
    try:
        critique = services.critique_submit(
            critique=critique,
            by=request.user,
            hold_reason=QUASI_IDENTIFIERS_REASON if form.needs_premoderation else "",
        )
    except ActionRefused as error:
        messages.error(
            request, f"Your draft is saved, but it cannot be submitted yet. {error}"
        )
        return redirect(critique.get_edit_url())
    if critique.is_held:
        messages.success(
            request,
            "Your critique is submitted. A moderator checks it before others see it.",
        )
        return _back_to(critique)
    messages.success(request, "Your critique is published. The author has been told.")
    return _back_to(critique)


@login_required
@require_http_methods(["GET", "POST"])
@WRITE_LIMIT
def critique_new(request, experiment_pk: int):
    experiment = _experiment_or_404(request, experiment_pk)
    reason = permissions.why_cannot_critique(request.user, experiment)
    if reason:
        messages.error(request, reason)
        return redirect(experiment.get_absolute_url())
    existing = Critique.objects.filter(
        experiment=experiment, reviewer=request.user
    ).first()
    if existing is not None:
        if existing.is_draft:
            return redirect(existing.get_edit_url())
        messages.info(request, "You have already critiqued this experiment.")
        return _back_to(existing)
    version = current_version()
    if version is None:
        messages.error(request, "Critiques open once an editor publishes the rubric.")
        return redirect(experiment.get_absolute_url())
    form = CritiqueForm(request.POST or None, version=version)
    form.publishing = request.POST.get("action") == "submit"
    if request.method == "POST" and form.is_valid():
        try:
            critique = services.critique_start(experiment=experiment, by=request.user)
            if critique.rubric_version_id != version.pk:
                raise ActionRefused(
                    "The rubric changed while you were writing. Reload the form."
                )
            if not critique.is_draft:
                messages.info(request, "You have already critiqued this experiment.")
                return _back_to(critique)
            return _save_from_form(request, form=form, critique=critique)
        except ActionRefused as error:
            form.add_error(None, str(error))
    return render(
        request,
        "critique/critique_form.html",
        {"form": form, "experiment": experiment, "critique": None, "version": version},
    )


@login_required
@require_http_methods(["GET", "POST"])
@WRITE_LIMIT
def critique_edit(request, pk: int):
    critique = _critique_or_404(request, pk)
    if not permissions.is_reviewer(request.user, critique):
        raise Http404("No critique found")
    if not critique.is_draft:
        messages.info(
            request,
            "This critique is already submitted, so it cannot be changed. "
            "You can withdraw it instead.",
        )
        return _back_to(critique)
    form = CritiqueForm(
        request.POST or None, version=critique.rubric_version, critique=critique
    )
    form.publishing = request.POST.get("action") == "submit"
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            return _save_from_form(request, form=form, critique=critique)
        except ActionRefused as error:
            form.add_error(None, str(error))
    elif request.method == "GET":
        problems = services.critique_problems(critique)
    return render(
        request,
        "critique/critique_form.html",
        {
            "form": form,
            "experiment": critique.experiment,
            "critique": critique,
            "version": critique.rubric_version,
            "problems": problems,
        },
    )


def _reviewer_action(request, pk: int, *, template: str, form_class=None, perform):
    """A confirm-then-act page for the reviewer of one critique."""
    critique = _critique_or_404(request, pk)
    if not permissions.is_reviewer(request.user, critique):
        raise Http404("No critique found")
    form = form_class(request.POST or None) if form_class else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            return perform(critique, form)
        except ActionRefused as error:
            messages.error(request, str(error))
            return (
                _back_to(critique)
                if not critique.is_draft
                else redirect("critique:mine")
            )
    return render(request, template, {"critique": critique, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def critique_discard(request, pk: int):
    def perform(critique, _form):
        services.critique_discard(critique=critique, by=request.user)
        messages.success(request, "Your draft critique is deleted.")
        return redirect(critique.experiment.get_absolute_url())

    return _reviewer_action(
        request, pk, template="critique/critique_discard.html", perform=perform
    )


@login_required
@require_http_methods(["GET", "POST"])
def critique_withdraw(request, pk: int):
    def perform(critique, form):
        services.critique_withdraw(
            critique=critique, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request, "Your critique is withdrawn; the reason shows instead."
        )
        return _back_to(critique)

    return _reviewer_action(
        request,
        pk,
        template="critique/critique_withdraw.html",
        form_class=WithdrawCritiqueForm,
        perform=perform,
    )


@login_required
@require_http_methods(["GET", "POST"])
@WRITE_LIMIT
def critique_respond(request, pk: int):
    critique = _critique_or_404(request, pk)
    if not permissions.can_respond(request.user, critique):
        messages.error(
            request, "Only the experiment's author can answer a submitted critique."
        )
        return _back_to(critique)
    points = critique.points.order_by("kind", "position")
    form = ResponseForm(request.POST or None, points=points)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.critique_respond(
                critique=critique, by=request.user, answers=form.answers()
            )
        except ActionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Your answers are saved and the reviewer has been told."
                if changed
                else "Nothing had changed, so nothing was sent.",
            )
            return _back_to(critique)
    return render(
        request, "critique/critique_respond.html", {"critique": critique, "form": form}
    )


@login_required
@require_POST
def critique_acknowledge(request, pk: int):
    critique = _critique_or_404(request, pk)
    try:
        services.critique_acknowledge(critique=critique, by=request.user)
    except ActionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Thank you. The author has been told.")
    return _back_to(critique)


@login_required
@require_POST
@WRITE_LIMIT
def critique_helpful(request, pk: int):
    critique = _critique_or_404(request, pk)
    try:
        if request.POST.get("action") == "unmark":
            services.helpful_unmark(critique=critique, by=request.user)
        else:
            services.helpful_mark(critique=critique, by=request.user)
    except ActionRefused as error:
        messages.error(request, str(error))
    return _back_to(critique)


@login_required
@require_http_methods(["GET", "POST"])
@ASK_LIMIT
def critique_request(request, experiment_pk: int):
    experiment = _experiment_or_404(request, experiment_pk)
    if not permissions.can_request(request.user, experiment):
        messages.error(
            request, "Only the author of a registered experiment can ask for critiques."
        )
        return redirect(experiment.get_absolute_url())
    form = CritiqueRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.critique_request(
                experiment=experiment,
                by=request.user,
                reviewers=form.cleaned_data["usernames"],
                message=form.cleaned_data["message"],
            )
        except ActionRefused as error:
            form.add_error("usernames", str(error))
        else:
            if made:
                names = ", ".join(r.reviewer.public_name for r in made)
                messages.success(request, f"Asked {names}. They have been told.")
            else:
                messages.info(
                    request,
                    "Everyone you named has already been asked or has critiqued it.",
                )
            return redirect(experiment.get_absolute_url())
    asked = CritiqueRequest.objects.filter(experiment=experiment).select_related(
        "reviewer"
    )
    return render(
        request,
        "critique/critique_request.html",
        {"experiment": experiment, "form": form, "asked": asked},
    )


@login_required
@require_POST
def critique_request_decline(request, pk: int):
    critique_request = get_object_or_404(
        CritiqueRequest.objects.select_related("experiment"),
        pk=pk,
        reviewer=request.user,
    )
    try:
        services.critique_request_decline(request=critique_request, by=request.user)
    except ActionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Declined. The request is off your list.")
    return redirect("critique:mine")


@require_GET
def critique_queue(request):
    topics = Topic.objects.order_by("category", "sort_order", "name")
    slug = request.GET.get("topic", "")
    topic = None
    if slug:
        topic = next((t for t in topics if t.slug == slug), None)
        if topic is None:
            messages.error(
                request, "There is no such topic; showing every topic instead."
            )
    page_obj = Paginator(selectors.critique_queue(topic=topic), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "critique/queue.html",
        {
            "topics": topics,
            "topic": topic,
            "page_obj": page_obj,
            "experiments": page_obj.object_list,
            "querystring": f"topic={topic.slug}" if topic else "",
            "wanted_below": selectors.WANTED_BELOW,
            "may_critique": request.user.is_authenticated
            and not is_moderator(request.user),
        },
    )


@login_required
@require_GET
def my_critiques(request):
    return render(
        request,
        "critique/mine.html",
        {"mine": selectors.my_critiques(user=request.user)},
    )
