import uuid

from django_ratelimit.decorators import ratelimit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import ModelForm
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.page_cache import anonymous_page_cache
from critique import permissions as critique_permissions
from critique import selectors as critique_selectors
from critique.presenters import profile_chart
from evidence.models import EvidencePage, PracticeHypothesis, Topic
from moderation.services import QUASI_IDENTIFIERS_REASON

from . import permissions, presenters, replies, selectors, services
from .choices import State
from .forms import (
    AmendmentForm,
    ExperimentFilterForm,
    PlanForm,
    RedactionForm,
    RegisterForm,
    ResultsForm,
    WithdrawForm,
)
from .models import Experiment
from .plan import TEXT_FIELD_NAMES
from .reply_forms import ReplyForm
from .rules import plan_problems

PER_PAGE = 20
# Generous for a person, tight for a script; the limit page says what to do. Autosave
# posts to the edit view, which is not limited; new drafts and publishing are.
CREATE_LIMIT = ratelimit(key="user", rate="30/h", method="POST", block=True)
PUBLISH_LIMIT = ratelimit(
    group="forum.publish", key="user", rate="60/h", method="POST", block=True
)


class CountedPaginator(Paginator):
    """A paginator that counts with a query of its own, cheaper than counting the
    page's query (selectors.experiments_list_count says why)."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count()


def _experiment_or_404(request, pk: int) -> Experiment:
    experiment = selectors.experiment_for_page(pk=pk, viewer=request.user)
    if experiment is None or not permissions.can_view(request.user, experiment):
        raise Http404(_("No experiment found"))
    return experiment


def _refused(request, experiment, error: services.ActionRefused):
    messages.error(request, str(error))
    return redirect(experiment.get_absolute_url())


@require_GET
def experiment_list(request, topic_slug: str | None = None):
    topic = get_object_or_404(Topic, slug=topic_slug) if topic_slug else None
    form = ExperimentFilterForm(request.GET or None)
    filters = form.valid_data()
    chosen = set(filters) - {"sort"}
    if topic is not None:
        filters["topic"] = topic
    experiments = selectors.experiments_list(**filters)
    paginator = CountedPaginator(
        experiments, PER_PAGE, count=lambda: selectors.experiments_list_count(**filters)
    )
    page_obj = paginator.get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "forum/experiment_list.html",
        {
            "topic": topic,
            "filter_form": form,
            "filters_active": bool(chosen),
            "page_obj": page_obj,
            "experiments": page_obj.object_list,
            "querystring": querystring.urlencode(),
        },
    )


@anonymous_page_cache
def experiment_detail(request, pk: int, slug: str | None = None):
    experiment = _experiment_or_404(request, pk)
    if slug != experiment.slug:
        return redirect(experiment.get_absolute_url(), permanent=True)
    grouped = presenters.amendments_by_field(experiment)
    moderator = permissions.is_moderator(request.user)
    public = experiment.is_public
    context = {
        "experiment": experiment,
        "plan_sections": presenters.plan_sections(experiment, grouped),
        "header_amendments": presenters.header_amendments(grouped),
        "is_moderator": moderator,
        "can": {
            "edit": permissions.can_edit_plan(request.user, experiment),
            "amend": permissions.can_amend(request.user, experiment),
            "results": permissions.can_post_results(request.user, experiment),
            "withdraw": permissions.can_withdraw(request.user, experiment),
            "replicate": public
            and permissions.can_build_on(request.user, experiment)
            and not permissions.is_author(request.user, experiment),
            "follow_up": public
            and permissions.can_start_follow_up(request.user, experiment),
            "redact": moderator and not experiment.is_draft,
            "reply": public and permissions.can_reply(request.user, experiment),
            "report": request.user.is_authenticated and not experiment.is_draft,
        },
        "outcomes": selectors.experiment_outcomes(experiment),
        "replications": selectors.experiment_replications(experiment),
    }
    if not experiment.is_draft and not experiment.is_withdrawn:
        section = critique_selectors.critique_section(
            experiment=experiment, viewer=request.user
        )
        context.update(
            critiques=section,
            critique_chart=profile_chart(section.profile),
            can_critique=public
            and critique_permissions.can_critique(request.user, experiment),
            can_request_critique=public
            and critique_permissions.can_request(request.user, experiment),
        )
        context.update(
            thread=replies.replies_page(
                experiment=experiment,
                page_number=request.GET.get("page"),
                viewer=request.user,
            ),
            reply_form=ReplyForm(experiment) if context["can"]["reply"] else None,
            max_reply_level=settings.COMMENTS_XTD_MAX_THREAD_LEVEL_BY_APP_MODEL[
                "forum.experiment"
            ],
            edit_cutoff=timezone.now() - replies.EDIT_WINDOW,
        )
    return render(request, "forum/experiment_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@CREATE_LIMIT
def experiment_create(request):
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            experiment = services.experiment_create(
                author=request.user,
                data=form.plan_data(),
                token=form.cleaned_data["creation_token"],
            )
            return _after_draft_save(request, experiment)
    else:
        form = PlanForm(initial={"creation_token": uuid.uuid4(), **_prefill(request)})
    return render(request, "forum/plan_form.html", {"form": form, "experiment": None})


def _prefill(request) -> dict:
    """Start a plan from an evidence page (and one of its hypotheses) when linked from there."""
    initial = {}
    evidence_id = request.GET.get("evidence", "")
    page = (
        EvidencePage.objects.live().filter(pk=evidence_id).first()
        if evidence_id.isdigit()
        else None
    )
    if page is not None:
        initial["evidence_page"] = page.pk
        initial["topics"] = list(page.topics.values_list("pk", flat=True))
        hypothesis_id = request.GET.get("hypothesis", "")
        if hypothesis_id.isdigit():
            hypothesis = PracticeHypothesis.objects.filter(
                pk=hypothesis_id, page=page
            ).first()
            if hypothesis is not None:
                initial["practice_hypothesis"] = hypothesis.pk
    return initial


def _after_draft_save(request, experiment):
    if request.POST.get("autosave"):
        return JsonResponse(
            {
                "saved": True,
                "id": experiment.pk,
                "edit_url": reverse(
                    "forum:experiment_edit", kwargs={"pk": experiment.pk}
                ),
            }
        )
    if "register" in request.POST:
        return redirect("forum:experiment_register", pk=experiment.pk)
    messages.success(
        request, _("Draft saved. Only you can see it until you register it.")
    )
    return redirect("forum:experiment_edit", pk=experiment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def experiment_edit(request, pk: int):
    experiment = _experiment_or_404(request, pk)
    if not permissions.can_edit_plan(request.user, experiment):
        messages.error(
            request,
            _(
                "A registered plan cannot be edited. Add an amendment to record a change."
            )
            if permissions.is_author(request.user, experiment)
            else _("Only the author can edit this plan."),
        )
        return redirect(experiment.get_absolute_url())
    form = PlanForm(request.POST or None, instance=Experiment.objects.get(pk=pk))
    if request.method == "POST":
        if form.is_valid():
            try:
                experiment = services.experiment_update_draft(
                    experiment=experiment, by=request.user, data=form.plan_data()
                )
            except services.ActionRefused as error:
                return _refused(request, experiment, error)
            return _after_draft_save(request, experiment)
        if request.POST.get("autosave"):
            return JsonResponse({"saved": False, "errors": form.errors}, status=400)
    return render(
        request, "forum/plan_form.html", {"form": form, "experiment": experiment}
    )


@login_required
@require_http_methods(["GET", "POST"])
@PUBLISH_LIMIT
def experiment_register(request, pk: int):
    experiment = _experiment_or_404(request, pk)
    if not permissions.can_register(request.user, experiment):
        messages.error(request, _("This plan is already registered or is not yours."))
        return redirect(experiment.get_absolute_url())
    form = RegisterForm(
        request.POST if request.method == "POST" else None, experiment=experiment
    )
    if request.method == "POST" and form.is_valid():
        try:
            experiment = services.experiment_register(
                experiment=experiment,
                by=request.user,
                hold_reason=_hold_reason(form),
            )
        except services.ActionRefused as error:
            messages.error(request, str(error))
            return redirect("forum:experiment_register", pk=pk)
        if experiment.is_held:
            messages.success(
                request,
                _(
                    "Your plan is registered. It can no longer be edited, only "
                    "amended. A moderator checks it before others see it: %(reason)s"
                )
                % {"reason": experiment.held_reason},
            )
        else:
            messages.success(
                request,
                _("Your plan is registered. It can no longer be edited, only amended."),
            )
        return redirect(experiment.get_absolute_url())
    if request.method == "GET":
        form.preview()
    flagged = [
        (str(Experiment._meta.get_field(name).verbose_name), text, found)
        for name, text in form.identifiability_texts().items()
        if (found := form.findings_for(name))
    ]
    return render(
        request,
        "forum/experiment_register.html",
        {
            "experiment": experiment,
            "problems": plan_problems(experiment),
            "form": form,
            "flagged": flagged,
        },
    )


def _hold_reason(form) -> str:
    return QUASI_IDENTIFIERS_REASON if form.needs_premoderation else ""


@login_required
@require_http_methods(["GET", "POST"])
def experiment_delete(request, pk: int):
    experiment = _experiment_or_404(request, pk)
    if request.method == "POST":
        try:
            services.experiment_delete_draft(experiment=experiment, by=request.user)
        except services.ActionRefused as error:
            return _refused(request, experiment, error)
        messages.success(request, _("Draft deleted."))
        return redirect("forum:my_experiments")
    if not permissions.can_edit_plan(request.user, experiment):
        return _refused(
            request,
            experiment,
            services.ActionRefused(_("Only the author can delete a draft.")),
        )
    return render(request, "forum/experiment_delete.html", {"experiment": experiment})


def _form_action(request, pk, *, form_class, allowed, template, perform, success):
    experiment = _experiment_or_404(request, pk)
    if request.method == "GET" and not allowed(request.user, experiment):
        messages.error(request, _("That is not possible for this experiment now."))
        return redirect(experiment.get_absolute_url())
    # A model form works on its own copy, so a rejected post leaves `experiment` as read.
    extra = (
        {"instance": Experiment.objects.get(pk=pk)}
        if issubclass(form_class, ModelForm)
        else {}
    )
    form = form_class(request.POST or None, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            perform(experiment, form)
        except services.ActionRefused as error:
            return _refused(request, experiment, error)
        messages.success(request, success)
        if form.needs_premoderation:
            messages.info(
                request,
                _("A moderator checks it before others see it: %(reason)s")
                % {"reason": QUASI_IDENTIFIERS_REASON},
            )
        return redirect(experiment.get_absolute_url())
    return render(request, template, {"experiment": experiment, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
@PUBLISH_LIMIT
def experiment_amend(request, pk: int):
    return _form_action(
        request,
        pk,
        form_class=AmendmentForm,
        allowed=permissions.can_amend,
        template="forum/experiment_amend.html",
        perform=lambda experiment, form: services.experiment_amend(
            experiment=experiment,
            by=request.user,
            field=form.cleaned_data["field"],
            new_text=form.cleaned_data["new_text"],
            reason=form.cleaned_data["reason"],
            hold_reason=_hold_reason(form),
        ),
        success=_("Amendment added. Readers see it beside the registered text."),
    )


@login_required
@require_http_methods(["GET", "POST"])
@PUBLISH_LIMIT
def experiment_results(request, pk: int):
    return _form_action(
        request,
        pk,
        form_class=ResultsForm,
        allowed=permissions.can_post_results,
        template="forum/experiment_results.html",
        perform=lambda experiment, form: services.experiment_post_results(
            experiment=experiment,
            by=request.user,
            data=form.cleaned_data,
            hold_reason=_hold_reason(form),
        ),
        success=_("Results posted. Thank you for sharing what happened."),
    )


@login_required
@require_http_methods(["GET", "POST"])
@PUBLISH_LIMIT
def experiment_withdraw(request, pk: int):
    return _form_action(
        request,
        pk,
        form_class=WithdrawForm,
        allowed=permissions.can_withdraw,
        template="forum/experiment_withdraw.html",
        perform=lambda experiment, form: services.experiment_withdraw(
            experiment=experiment, by=request.user, reason=form.cleaned_data["reason"]
        ),
        success=_(
            "The experiment is withdrawn. Its title, dates and your reason stay visible."
        ),
    )


@login_required
@require_POST
@CREATE_LIMIT
def experiment_replicate(request, pk: int):
    experiment = _experiment_or_404(request, pk)
    try:
        draft = services.experiment_start_replication(
            original=experiment, by=request.user
        )
    except services.ActionRefused as error:
        return _refused(request, experiment, error)
    messages.success(request, _("A draft copy of the plan is ready for you to adapt."))
    return redirect("forum:experiment_edit", pk=draft.pk)


@login_required
@require_POST
@CREATE_LIMIT
def experiment_follow_up(request, pk: int):
    experiment = _experiment_or_404(request, pk)
    try:
        draft = services.experiment_start_follow_up(
            predecessor=experiment, by=request.user
        )
    except services.ActionRefused as error:
        return _refused(request, experiment, error)
    messages.success(
        request, _("The next cycle starts as a draft copied from this plan.")
    )
    return redirect("forum:experiment_edit", pk=draft.pk)


@require_GET
def experiment_plan_json(request, pk: int):
    experiment = _experiment_or_404(request, pk)
    if experiment.registered_plan is None:
        raise Http404(_("This plan is not registered."))
    redactions = [
        {
            "field": entry.field,
            "at": entry.created_at.isoformat(),
            "reason": entry.reason,
        }
        for entry in experiment.moderation_log.all()
    ]
    body = {
        "plan": experiment.registered_plan,
        "sha256": experiment.plan_sha256,
        "canonical": "JSON of `plan`, keys sorted, separators (',', ':'), UTF-8, non-ASCII as is",
        "redactions": redactions,
    }
    response = JsonResponse(
        body, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def experiment_redact(request, pk: int):
    experiment = _experiment_or_404(request, pk)
    if not permissions.can_redact(request.user, experiment):
        raise Http404
    form = RedactionForm(request.POST or None)
    form.fields["field"].choices = [
        (name, str(Experiment._meta.get_field(name).verbose_name))
        for name in TEXT_FIELD_NAMES
    ]
    if request.method == "POST" and form.is_valid():
        try:
            services.experiment_redact_plan(
                experiment=experiment, by=request.user, **form.cleaned_data
            )
        except services.ActionRefused as error:
            return _refused(request, experiment, error)
        messages.success(request, _("Redacted and logged."))
        return redirect(experiment.get_absolute_url())
    return render(
        request,
        "forum/experiment_redact.html",
        {"experiment": experiment, "form": form},
    )


@login_required
@require_GET
def my_experiments(request):
    mine = (
        Experiment.objects.filter(author=request.user)
        .select_related("age_band", "service_stage", "author")
        .prefetch_related("topics")
        .order_by("-updated_at")
    )
    return render(
        request, "forum/my_experiments.html", {"experiments": mine, "State": State}
    )
