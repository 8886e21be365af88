"""Turn an experiment into what its page shows: plan rows with amendments and diffs."""

import difflib
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .plan import PLAN_FIELDS, TEXT_FIELD_NAMES

# Sections of the plan, each a heading and the fields under it, in reading order.
PLAN_SECTIONS = (
    ("Why", ("aim",)),
    ("The evidence", ("evidence_page", "practice_hypothesis", "outside_reference")),
    (
        "Context",
        ("service_stage", "team_type", "age_band", "families", "region", "topics"),
    ),
    ("What I will try", ("what_i_will_try", "dose", "frequency", "duration")),
    (
        "How I will judge it",
        (
            "comparison",
            "measure",
            "measure_when",
            "measure_who",
            "prediction",
            "success_threshold",
            "baseline",
            "data_collection_started",
        ),
    ),
    (
        "Ethics and agreement",
        (
            "manager_aware",
            "within_statutory_duties",
            "family_informed",
            "child_voice",
            "anonymisation_attested",
            "planned_end_date",
        ),
    ),
)
KINDS = {plan_field.name: plan_field.kind for plan_field in PLAN_FIELDS}


def word_diff(before: str, after: str) -> SafeString:
    """An escaped word-level diff with <del> and <ins>, for readers comparing versions."""
    old, new = before.split(), after.split()
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(
        a=old, b=new, autojunk=False
    ).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(old[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(new[b1:b2]))}</ins>")
        if op == "equal":
            parts.append(escape(" ".join(old[a1:a2])))
    return mark_safe(" ".join(parts))  # noqa: S308 - every piece is escaped above


@dataclass
class PlanRow:
    name: str
    label: str
    value: object
    kind: str
    amendments: list = field(default_factory=list)


@dataclass
class PlanSection:
    heading: str
    rows: list[PlanRow]


def display_value(experiment, name: str):
    if KINDS[name] == "choice":
        return getattr(experiment, f"get_{name}_display")()
    if name == "topics":
        return ", ".join(topic.name for topic in experiment.topics.all())
    value = getattr(experiment, name)
    if name in TEXT_FIELD_NAMES and experiment.registered_plan:
        return experiment.registered_plan.get(name, value)
    return value


HEADER_FIELDS = (
    "title",
    "hypothesis_change",
    "hypothesis_who",
    "hypothesis_outcome",
    "hypothesis_mechanism",
)


def amendments_by_field(experiment) -> dict[str, list]:
    """The experiment's amendments grouped by field, each with its word diff attached."""
    grouped: dict[str, list] = {}
    for amendment in experiment.amendments.all():
        amendment.diff = word_diff(amendment.previous_text, amendment.new_text)
        amendment.label = str(experiment._meta.get_field(amendment.field).verbose_name)
        grouped.setdefault(amendment.field, []).append(amendment)
    return grouped


def header_amendments(grouped: dict[str, list]) -> list:
    """Amendments to the title and hypothesis, shown under the hypothesis."""
    found = [amendment for name in HEADER_FIELDS for amendment in grouped.get(name, [])]
    return sorted(found, key=lambda amendment: amendment.created_at)


def plan_sections(experiment, grouped: dict[str, list]) -> list[PlanSection]:
    sections = []
    for heading, names in PLAN_SECTIONS:
        rows = [
            PlanRow(
                name=name,
                label=str(experiment._meta.get_field(name).verbose_name),
                value=display_value(experiment, name),
                kind=KINDS[name],
                amendments=grouped.get(name, []),
            )
            for name in names
        ]
        sections.append(PlanSection(heading=heading, rows=rows))
    return sections
