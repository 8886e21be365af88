"""Rubric versions: freezing the rubric editors publish, and finding the one in use."""

import hashlib
import json

from django.db import transaction

from .models import Rubric, RubricCriterion, RubricVersion, VersionCriterion
from .rubric_default import DEFAULT_CRITERIA, DEFAULT_RUBRIC_TITLE

CRITERION_FIELDS = (
    "code",
    "title",
    "guidance",
    "optional",
    "level_1",
    "level_2",
    "level_3",
    "level_4",
)


def rubric_content(rubric: Rubric) -> dict:
    """The rubric's wording as plain data, in the order reviewers see it."""
    return {
        "title": rubric.title,
        "introduction": rubric.introduction,
        "criteria": [
            {name: getattr(criterion, name) for name in CRITERION_FIELDS}
            for criterion in rubric.criteria.order_by("sort_order", "pk")
        ],
    }


def content_sha256(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def rubric_version_publish(*, rubric: Rubric, by=None) -> RubricVersion | None:
    """Freeze the rubric as a new version if its wording changed; None if it did not."""
    content = rubric_content(rubric)
    digest = content_sha256(content)
    # Lock the rubric row so two publishes at once cannot take the same number.
    Rubric.objects.select_for_update().filter(pk=rubric.pk).first()
    latest = RubricVersion.objects.filter(rubric=rubric).order_by("-number").first()
    if latest is not None and latest.content_sha256 == digest:
        return None
    version = RubricVersion.objects.create(
        rubric=rubric,
        number=(latest.number + 1) if latest else 1,
        title=content["title"],
        introduction=content["introduction"],
        content_sha256=digest,
        published_by=by,
    )
    VersionCriterion.objects.bulk_create(
        VersionCriterion(version=version, position=position, **criterion)
        for position, criterion in enumerate(content["criteria"], start=1)
    )
    return version


def current_version() -> RubricVersion | None:
    """The most recently published rubric version: the one new critiques are written on."""
    return RubricVersion.objects.order_by("-published_at", "-pk").first()


@transaction.atomic
def rubric_ensure_default() -> RubricVersion:
    """Install the default rubric (C1-C9) on a site that has none; return the current version."""
    existing = current_version()
    if existing is not None:
        return existing
    rubric = Rubric.objects.create(title=DEFAULT_RUBRIC_TITLE, live=True)
    RubricCriterion.objects.bulk_create(
        RubricCriterion(
            rubric=rubric,
            sort_order=order,
            code=criterion["code"],
            title=criterion["title"],
            guidance=criterion["guidance"],
            optional=criterion["optional"],
            **{
                f"level_{number}": text
                for number, text in enumerate(criterion["levels"], start=1)
            },
        )
        for order, criterion in enumerate(DEFAULT_CRITERIA)
    )
    rubric.save_revision(log_action=False).publish(log_action=False)
    return current_version()
