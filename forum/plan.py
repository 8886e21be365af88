"""The plan's canonical form, its SHA-256, and what it reads like after amendments.

Canonical JSON (schema "iuseevidence-plan/1"), so anyone can recompute the hash from
`/experiments/<id>/plan.json`:

- one object; keys sorted; no insignificant white space (separators "," and ":");
  UTF-8 with characters written as themselves (not \\u escapes);
- text: Unicode NFC, line endings "\\n", trailing spaces removed from every line,
  leading and trailing blank space removed from the whole;
- choices as their stored code ("increase", "before_after"); true/false as JSON booleans;
- dates as "YYYY-MM-DD", the registration time as UTC "YYYY-MM-DDTHH:MM:SSZ";
- linked records as ids: "evidence_page" and "practice_hypothesis" (null when absent);
  "service_stage" and "age_band" as codes, "topics" as a sorted list of slugs.

The hash is the lowercase hex SHA-256 of those UTF-8 bytes.
"""

import datetime
import hashlib
import json
import unicodedata
from dataclasses import dataclass

SCHEMA = "iuseevidence-plan/1"


@dataclass(frozen=True)
class PlanField:
    name: str
    kind: str = "text"  # text, choice, bool, date, relation
    amendable: bool = True


# Every part of the plan (Part A), in the order the form and the page show them.
PLAN_FIELDS: tuple[PlanField, ...] = (
    PlanField("title"),
    PlanField("aim"),
    PlanField("hypothesis_change"),
    PlanField("hypothesis_who"),
    PlanField("hypothesis_outcome"),
    PlanField("hypothesis_direction", "choice", amendable=False),
    PlanField("hypothesis_mechanism"),
    PlanField("evidence_page", "relation", amendable=False),
    PlanField("practice_hypothesis", "relation", amendable=False),
    PlanField("outside_reference"),
    PlanField("topics", "relation", amendable=False),
    PlanField("service_stage", "relation", amendable=False),
    PlanField("team_type", "choice", amendable=False),
    PlanField("age_band", "relation", amendable=False),
    PlanField("families", "choice", amendable=False),
    PlanField("region", "choice", amendable=False),
    PlanField("what_i_will_try"),
    PlanField("dose"),
    PlanField("frequency"),
    PlanField("duration"),
    PlanField("comparison", "choice", amendable=False),
    PlanField("measure"),
    PlanField("measure_when"),
    PlanField("measure_who"),
    PlanField("prediction"),
    PlanField("success_threshold"),
    PlanField("baseline"),
    PlanField("data_collection_started", "bool", amendable=False),
    PlanField("manager_aware", "bool", amendable=False),
    PlanField("within_statutory_duties", "bool", amendable=False),
    PlanField("family_informed", "bool", amendable=False),
    PlanField("child_voice"),
    PlanField("planned_end_date", "date", amendable=False),
    PlanField("anonymisation_attested", "bool", amendable=False),
)
PLAN_FIELD_NAMES = tuple(field.name for field in PLAN_FIELDS)
TEXT_FIELD_NAMES = tuple(field.name for field in PLAN_FIELDS if field.kind == "text")
AMENDABLE_FIELD_NAMES = tuple(field.name for field in PLAN_FIELDS if field.amendable)


def normalise_text(value: str) -> str:
    text = unicodedata.normalize("NFC", value or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def utc_timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plan_as_dict(experiment, *, registered_at: datetime.datetime) -> dict:
    """The plan's canonical content as a plain dict (see the module docstring)."""
    plan = {
        "schema": SCHEMA,
        "experiment": experiment.pk,
        "registered_at": utc_timestamp(registered_at),
    }
    for field in PLAN_FIELDS:
        value = getattr(experiment, field.name)
        if field.kind == "text":
            plan[field.name] = normalise_text(value)
        elif field.kind == "choice":
            plan[field.name] = value or ""
        elif field.kind == "bool":
            plan[field.name] = bool(value)
        elif field.kind == "date":
            plan[field.name] = value.isoformat() if value else None
        elif field.name == "topics":
            plan[field.name] = sorted(topic.slug for topic in experiment.topics.all())
        elif field.name == "service_stage":
            plan[field.name] = value.slug if value else None
        elif field.name == "age_band":
            plan[field.name] = value.code if value else None
        else:
            plan[field.name] = value.pk if value else None
    return plan


def canonical_bytes(plan: dict) -> bytes:
    return json.dumps(
        plan, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def plan_hash(plan: dict) -> str:
    return hashlib.sha256(canonical_bytes(plan)).hexdigest()
