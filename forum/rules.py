"""What a plan needs before it can be registered, and what results need before they count."""

from django.utils import timezone
from django.utils.translation import gettext as _

REQUIRED_PLAN_TEXT = (
    "title",
    "aim",
    "hypothesis_change",
    "hypothesis_who",
    "hypothesis_outcome",
    "hypothesis_mechanism",
    "what_i_will_try",
    "dose",
    "frequency",
    "duration",
    "measure",
    "measure_when",
    "measure_who",
    "prediction",
    "success_threshold",
    "baseline",
    "child_voice",
)
REQUIRED_PLAN_CHOICES = (
    "hypothesis_direction",
    "service_stage",
    "team_type",
    "age_band",
    "families",
    "region",
    "comparison",
    "planned_end_date",
)
REQUIRED_TICKS = ("manager_aware", "within_statutory_duties", "anonymisation_attested")
# Part B, in the order the form and the page show them.
RESULT_FIELDS = (
    "actual_practice",
    "deviations",
    "outcome_against_prediction",
    "what_happened",
    "family_voice",
    "reflection",
    "decision",
    "next_step",
    "advice",
)
RESULT_TEXT_FIELDS = tuple(
    name
    for name in RESULT_FIELDS
    if name not in ("outcome_against_prediction", "decision")
)
REQUIRED_RESULTS = (
    "actual_practice",
    "outcome_against_prediction",
    "what_happened",
    "reflection",
    "decision",
)


def _label(experiment, name: str) -> str:
    return str(experiment._meta.get_field(name).verbose_name)


def plan_problems(experiment) -> list[str]:
    """Sentences naming what is missing or wrong; empty when the plan can be registered."""
    problems = []
    missing = [
        _label(experiment, name)
        for name in REQUIRED_PLAN_TEXT + REQUIRED_PLAN_CHOICES
        if getattr(experiment, name) is None
        or not str(getattr(experiment, name)).strip()
    ]
    if missing:
        problems.append(_("fill in %(fields)s") % {"fields": ", ".join(missing)})
    if not experiment.evidence_page_id and not experiment.outside_reference.strip():
        problems.append(
            _(
                "name the evidence you are testing: an evidence page or an outside reference"
            )
        )
    if (
        experiment.practice_hypothesis_id
        and experiment.practice_hypothesis.page_id != experiment.evidence_page_id
    ):
        problems.append(
            _("the practice hypothesis must belong to the evidence page you chose")
        )
    unticked = [
        _label(experiment, name)
        for name in REQUIRED_TICKS
        if not getattr(experiment, name)
    ]
    if unticked:
        problems.append(_("confirm: %(ticks)s") % {"ticks": "; ".join(unticked)})
    if (
        experiment.planned_end_date
        and experiment.planned_end_date < timezone.localdate()
    ):
        problems.append(_("the planned end date is in the past"))
    return problems


def results_problems(experiment) -> list[str]:
    missing = [
        _label(experiment, name)
        for name in REQUIRED_RESULTS
        if not str(getattr(experiment, name) or "").strip()
    ]
    return [_("fill in %(fields)s") % {"fields": ", ".join(missing)}] if missing else []
