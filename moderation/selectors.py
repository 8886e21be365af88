"""Reads for the moderation pages, each in a fixed number of queries however many
reports or held posts there are."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count, Max

from . import targets
from .models import AuditEntry, Reason, Report, ReportStatus, Suspension

LIST_LIMIT = 100
AUDIT_PER_PAGE = 50


@dataclass
class QueueItem:
    """One post in the queue, with the open reports about it (if any)."""

    kind: str
    pk: int
    target: object = None  # None when it has been deleted since
    report_count: int = 0
    reporter_count: int = 0
    reasons: list = field(default_factory=list)  # (label, count), most first
    latest: object = None

    @property
    def description(self) -> str:
        if self.target is None:
            return f"{targets.LABELS[self.kind].capitalize()} {self.pk} (deleted)"
        return targets.describe(self.target)

    @property
    def excerpt(self) -> str:
        return targets.text_of(self.target) if self.target is not None else ""

    @property
    def author(self):
        return targets.author_of(self.target) if self.target is not None else None


@dataclass
class Concern:
    """A reviewer's "raises a concern for moderators", with its critique."""

    report: Report
    experiment: object
    critique: object


@dataclass
class Queue:
    reported: list
    held: list
    concerns: list
    hidden: list
    suspensions: list

    @property
    def is_empty(self) -> bool:
        return not (self.reported or self.held or self.concerns)


def _kind_by_type_id() -> dict[int, str]:
    return {ct.pk: kind for kind, ct in targets.content_types().items()}


def _reported() -> list[QueueItem]:
    open_reports = Report.objects.filter(status=ReportStatus.OPEN).exclude(
        reason=Reason.CRITIQUE_CONCERN
    )
    totals = list(
        open_reports.values("content_type_id", "object_id")
        .annotate(
            reports=Count("pk"),
            reporters=Count("reporter", distinct=True),
            latest=Max("created_at"),
        )
        .order_by("-reporters", "-latest")[:LIST_LIMIT]
    )
    by_reason = defaultdict(list)
    for row in open_reports.values("content_type_id", "object_id", "reason").annotate(
        reports=Count("pk")
    ):
        by_reason[(row["content_type_id"], row["object_id"])].append(
            (Reason(row["reason"]).label, row["reports"])
        )
    kinds = _kind_by_type_id()
    items = [
        QueueItem(
            kind=kinds.get(row["content_type_id"], ""),
            pk=row["object_id"],
            report_count=row["reports"],
            reporter_count=row["reporters"],
            reasons=sorted(
                by_reason[(row["content_type_id"], row["object_id"])],
                key=lambda pair: -pair[1],
            ),
            latest=row["latest"],
        )
        for row in totals
    ]
    items = [item for item in items if item.kind]
    _attach_targets(items)
    return items


def _attach_targets(items: list[QueueItem]) -> None:
    wanted = defaultdict(set)
    for item in items:
        wanted[item.kind].add(item.pk)
    found = {kind: targets.targets_in_bulk(kind, pks) for kind, pks in wanted.items()}
    for item in items:
        item.target = found[item.kind].get(item.pk)


def _with_state(kind: str, **filters) -> list[QueueItem]:
    model = targets.model_for(kind)
    rows = list(
        model.objects.filter(**filters)
        .select_related(*targets.related_for(kind))
        .order_by("pk")[:LIST_LIMIT]
    )
    if kind == "reply":
        targets.attach_experiments(rows)
    return [QueueItem(kind=kind, pk=row.pk, target=row) for row in rows]


def _held() -> list[QueueItem]:
    items = []
    for kind in targets.KINDS:
        items += _with_state(kind, held_at__isnull=False, hidden_at__isnull=True)
    return sorted(items, key=lambda item: item.target.held_at)


def _hidden() -> list[QueueItem]:
    items = []
    for kind in targets.KINDS:
        items += _with_state(kind, hidden_at__isnull=False)
    return sorted(items, key=lambda item: item.target.hidden_at, reverse=True)


def _concerns() -> list[Concern]:
    reports = list(
        Report.objects.filter(
            status=ReportStatus.OPEN, reason=Reason.CRITIQUE_CONCERN
        ).select_related("reporter")[:LIST_LIMIT]
    )
    experiments = targets.targets_in_bulk(
        "experiment", {report.object_id for report in reports}
    )
    critiques = targets.targets_in_bulk(
        "critique", {report.source_id for report in reports if report.source_id}
    )
    return [
        Concern(
            report=report,
            experiment=experiments.get(report.object_id),
            critique=critiques.get(report.source_id),
        )
        for report in reports
    ]


def moderation_queue() -> Queue:
    """Everything waiting for a moderator, and what they may want to undo."""
    return Queue(
        reported=_reported(),
        held=_held(),
        concerns=_concerns(),
        hidden=_hidden(),
        suspensions=list(
            Suspension.objects.filter(lifted_at__isnull=True).select_related(
                "user", "suspended_by"
            )[:LIST_LIMIT]
        ),
    )


@dataclass
class ItemReview:
    kind: str
    target: object
    reports: list  # open first, then closed, newest first
    history: list  # audit entries about it, newest first
    author_suspension: Suspension | None

    @property
    def open_reports(self) -> list:
        return [r for r in self.reports if r.status == ReportStatus.OPEN]


def item_review(*, kind: str, target) -> ItemReview:
    """One post with its reports and what moderators did to it."""
    content_type = ContentType.objects.get_for_model(target)
    reports = sorted(
        Report.objects.filter(content_type=content_type, object_id=target.pk)
        .select_related("reporter")
        .order_by("-created_at", "-pk"),
        key=lambda report: report.status != ReportStatus.OPEN,
    )
    history = list(
        AuditEntry.objects.filter(target_type=content_type, target_id=target.pk)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )
    author = targets.author_of(target)
    suspension = (
        Suspension.objects.filter(user=author, lifted_at__isnull=True).first()
        if author is not None
        else None
    )
    return ItemReview(
        kind=kind,
        target=target,
        reports=reports,
        history=history,
        author_suspension=suspension,
    )


def audit_page(*, page_number):
    """The audit log, newest first, a page at a time."""
    entries = AuditEntry.objects.select_related("actor", "target_type").order_by(
        "-created_at", "-pk"
    )
    return Paginator(entries, AUDIT_PER_PAGE).get_page(page_number)
