"""Everything the site holds about one person, as a JSON-ready dict (the "download your
data" file).

Built in a fixed number of queries whatever the person has written: one query per kind
of record, with related rows prefetched. Other people appear only as their public name,
never with their e-mail address; nothing of theirs that readers cannot see (drafts,
posts withheld by a moderator, withdrawn critiques' text) is included.
"""

import json

from allauth.account.models import EmailAddress

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, Q
from django.utils import timezone

from critique.choices import CritiqueState
from critique.models import (
    CriterionScore,
    Critique,
    CritiquePoint,
    CritiqueRequest,
    HelpfulMark,
)
from forum.models import DiscussionMute, Experiment, Reply
from moderation.models import Report
from notifications.models import EmailOptOut, Notification

from .models import User

FORMAT = "iuseevidence-personal-data"
FORMAT_VERSION = 1
# Secrets and machinery rather than information about the person.
USER_FIELDS_LEFT_OUT = {"password"}


def _row(obj, *, leave_out=()) -> dict:
    """The object's own columns; a foreign key is given as its id (`author_id`)."""
    row = {}
    for field in obj._meta.concrete_fields:
        if field.name in leave_out or getattr(field, "parent_link", False):
            continue
        key = field.attname if field.is_relation else field.name
        row[key] = field.value_from_object(obj)
    return row


def _name(user) -> str | None:
    return user.public_name if user is not None else None


def _public_title(experiment, *, user) -> str | None:
    """The title, unless it is someone else's draft or withheld by a moderator."""
    if experiment is None:
        return None
    if experiment.author_id != user.pk and not experiment.is_public:
        return None
    return experiment.title


def _profile(user: User) -> dict:
    profile = _row(user, leave_out=USER_FIELDS_LEFT_OUT)
    profile["organisation_type_label"] = str(user.get_organisation_type_display())
    profile["region_label"] = str(user.get_region_display())
    profile["public_name"] = user.public_name
    profile["profile_url"] = user.get_absolute_url() if user.is_active else None
    return profile


def _admin_preferences(user: User) -> dict | None:
    """Wagtail's per-person admin settings (editors and moderators have them)."""
    if not apps.is_installed("wagtail.users"):
        return None
    from wagtail.users.models import UserProfile

    preferences = UserProfile.objects.filter(user=user).first()
    if preferences is None:
        return None
    row = _row(preferences, leave_out={"id", "user"})
    row["avatar"] = preferences.avatar.name or ""
    return row


def _experiments(user: User) -> list[dict]:
    experiments = (
        Experiment.objects.filter(author=user)
        .select_related(
            "evidence_page", "practice_hypothesis", "service_stage", "age_band"
        )
        .prefetch_related("topics", "amendments")
        .order_by("created_at", "pk")
    )
    rows = []
    for experiment in experiments:
        row = _row(experiment, leave_out={"author", "creation_token"})
        row["url"] = experiment.get_absolute_url()
        row["state_label"] = str(experiment.get_state_display())
        row["hypothesis_sentence"] = str(experiment.hypothesis_sentence)
        row["evidence_page_title"] = (
            experiment.evidence_page.title if experiment.evidence_page else None
        )
        row["practice_hypothesis_name"] = (
            str(experiment.practice_hypothesis)
            if experiment.practice_hypothesis
            else None
        )
        row["service_stage_name"] = (
            str(experiment.service_stage) if experiment.service_stage else None
        )
        row["age_band_name"] = str(experiment.age_band) if experiment.age_band else None
        row["topics"] = [topic.name for topic in experiment.topics.all()]
        row["amendments"] = [
            _row(amendment, leave_out={"experiment"})
            for amendment in experiment.amendments.all()
        ]
        rows.append(row)
    return rows


def _replies(user: User) -> list[dict]:
    replies = list(Reply.objects.filter(user=user).order_by("submit_date", "pk"))
    experiment_ids = {int(reply.object_pk) for reply in replies if reply.object_pk}
    titles = dict(
        Experiment.objects.visible_to(user)
        .filter(pk__in=experiment_ids)
        .values_list("pk", "title")
    )
    rows = []
    for reply in replies:
        row = _row(reply, leave_out={"content_type", "site"})
        experiment_id = int(reply.object_pk) if reply.object_pk else None
        row["experiment_id"] = experiment_id
        row["experiment_title"] = titles.get(experiment_id)
        row["url"] = reply.get_absolute_url() if experiment_id in titles else None
        rows.append(row)
    return rows


def _critiques_written(user: User) -> list[dict]:
    critiques = (
        Critique.objects.filter(reviewer=user)
        .select_related("experiment", "rubric_version")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=CriterionScore.objects.select_related("criterion"),
            ),
            "points",
        )
        .order_by("created_at", "pk")
    )
    rows = []
    for critique in critiques:
        row = _row(critique, leave_out={"reviewer"})
        row["experiment_title"] = _public_title(critique.experiment, user=user)
        row["url"] = critique.get_absolute_url() if not critique.is_draft else None
        row["rubric_version"] = str(critique.rubric_version)
        row["scores"] = [
            {
                **_row(score, leave_out={"id", "critique"}),
                "criterion_code": score.criterion.code,
                "criterion_title": score.criterion.title,
                "label": score.label,
            }
            for score in critique.scores.all()
        ]
        # The author's answers (status, reply) come with each point.
        row["points"] = [
            _row(point, leave_out={"critique"}) for point in critique.points.all()
        ]
        rows.append(row)
    return rows


def _answers_given(user: User) -> list[dict]:
    """Answers this person gave, as author, to points of others' critiques."""
    points = (
        CritiquePoint.objects.filter(critique__experiment__author=user)
        .exclude(critique__state=CritiqueState.DRAFT)
        .filter(~Q(status="") | ~Q(reply=""))
        .select_related("critique__experiment", "critique__reviewer")
        .order_by("critique__pk", "kind", "position")
    )
    rows = []
    for point in points:
        row = _row(point, leave_out={"critique"})
        critique = point.critique
        if not (critique.state == CritiqueState.SUBMITTED and critique.is_public):
            # The reviewer withdrew it, or a moderator withheld it: not theirs to keep.
            row["text"] = None
        rows.append(
            {
                **row,
                "critique_id": point.critique_id,
                "experiment_title": point.critique.experiment.title,
                "reviewer": _name(point.critique.reviewer),
                "url": point.critique.get_absolute_url(),
            }
        )
    return rows


def _helpful_marks(user: User) -> list[dict]:
    marks = (
        HelpfulMark.objects.filter(user=user)
        .select_related("critique__experiment", "critique__reviewer")
        .order_by("created_at", "pk")
    )
    return [
        {
            **_row(mark, leave_out={"user"}),
            "experiment_title": _public_title(mark.critique.experiment, user=user),
            "reviewer": _name(mark.critique.reviewer),
            "url": mark.critique.get_absolute_url(),
        }
        for mark in marks
    ]


def _critique_requests(user: User) -> tuple[list[dict], list[dict]]:
    requests = (
        CritiqueRequest.objects.filter(Q(requested_by=user) | Q(reviewer=user))
        .select_related("experiment", "requested_by", "reviewer")
        .order_by("created_at", "pk")
    )
    made, received = [], []
    for request in requests:
        row = _row(request)
        row["experiment_title"] = _public_title(request.experiment, user=user)
        row["state_label"] = str(request.get_state_display())
        if request.requested_by_id == user.pk:
            made.append({**row, "reviewer": _name(request.reviewer)})
        if request.reviewer_id == user.pk:
            received.append({**row, "requested_by": _name(request.requested_by)})
    return made, received


def _notifications(user: User) -> list[dict]:
    notifications = (
        Notification.objects.filter(recipient=user)
        .select_related("experiment", "actor")
        .order_by("created_at", "pk")
    )
    return [
        {
            **_row(notification, leave_out={"recipient"}),
            "kind_label": str(notification.get_kind_display()),
            "actor": _name(notification.actor),
            "experiment_title": _public_title(notification.experiment, user=user),
        }
        for notification in notifications
    ]


def _email_opt_outs(user: User) -> list[dict]:
    return [
        {
            **_row(opt_out, leave_out={"user"}),
            "kind_label": str(opt_out.get_kind_display()),
        }
        for opt_out in EmailOptOut.objects.filter(user=user).order_by("pk")
    ]


def _discussion_mutes(user: User) -> list[dict]:
    mutes = (
        DiscussionMute.objects.filter(user=user)
        .select_related("experiment")
        .order_by("created_at", "pk")
    )
    return [
        {
            **_row(mute, leave_out={"user"}),
            "experiment_title": _public_title(mute.experiment, user=user),
        }
        for mute in mutes
    ]


def _reports_made(user: User) -> list[dict]:
    reports = (
        Report.objects.filter(reporter=user)
        .select_related("content_type", "source_type")
        .order_by("created_at", "pk")
    )
    return [
        {
            **_row(report, leave_out={"reporter", "content_type", "source_type"}),
            "target_type": f"{report.content_type.app_label}.{report.content_type.model}",
            "source_type": (
                f"{report.source_type.app_label}.{report.source_type.model}"
                if report.source_type
                else None
            ),
            "reason_label": str(report.get_reason_display()),
            "status_label": str(report.get_status_display()),
        }
        for report in reports
    ]


def personal_data_export(*, user: User) -> dict:
    """Everything held about `user`, ready for JSON (see `personal_data_json`)."""
    requests_made, requests_received = _critique_requests(user)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "profile": _profile(user),
        "roles": [str(role.label) for role in user.roles],
        "email_addresses": [
            {
                "email": address.email,
                "verified": address.verified,
                "primary": address.primary,
            }
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "admin_preferences": _admin_preferences(user),
        "experiments": _experiments(user),
        "replies": _replies(user),
        "critiques_written": _critiques_written(user),
        "answers_to_critiques": _answers_given(user),
        "helpful_marks": _helpful_marks(user),
        "critique_requests_made": requests_made,
        "critique_requests_received": requests_received,
        "notifications": _notifications(user),
        "email_opt_outs": _email_opt_outs(user),
        "discussion_mutes": _discussion_mutes(user),
        "reports_made": _reports_made(user),
    }


def personal_data_json(*, user: User) -> str:
    """The export as indented JSON text; dates as ISO 8601."""
    return json.dumps(
        personal_data_export(user=user),
        cls=DjangoJSONEncoder,
        indent=2,
        ensure_ascii=False,
    )
