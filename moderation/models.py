"""Reports, the append-only audit log, suspensions, and the fields every post shares
for being held back (pre-moderation) or hidden by a moderator."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    IDENTIFIES = "identifies", _("May identify a person")
    COURT = "court", _("Court material")
    UNPROFESSIONAL = "unprofessional", _("Unprofessional")
    SAFEGUARDING = "safeguarding", _("Safeguarding concern")
    MISINFORMATION = "misinformation", _("Misinformation")
    CRITIQUE_CONCERN = "critique_concern", _("A reviewer raised a concern")


# The reasons a reader can choose; a critique concern is raised by the critique form.
READER_REASONS = tuple(
    (value, label)
    for value, label in Reason.choices
    if value != Reason.CRITIQUE_CONCERN
)


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(max_length=24, choices=Reason.choices)
    details = models.TextField(max_length=5000, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What raised it when that is not the target itself (a critique about an experiment).
    source_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=Reason.values), name="report_reason_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values),
                name="report_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.OPEN) | Q(closed_at__isnull=False),
                name="report_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.content_type} {self.object_id}"


class ModeratedContent(models.Model):
    """Fields shared by everything people post: held for a moderator, or hidden by one.

    Held (`held_at`): pre-moderation; nobody but the author (and moderators) sees it
    until a moderator approves it. Hidden (`hidden_at`): taken down by a moderator, or
    automatically once enough people reported it (`hidden_by_reports`). Either way the
    author still sees it, with a notice.
    """

    held_at = models.DateTimeField(null=True, blank=True, editable=False)
    held_reason = models.CharField(max_length=200, blank=True, editable=False)
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_reason = models.TextField(max_length=2000, blank=True, editable=False)
    hidden_by_reports = models.BooleanField(default=False, editable=False)

    class Meta:
        abstract = True

    @property
    def is_held(self) -> bool:
        return self.held_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_withheld(self) -> bool:
        """Held or hidden: only the author and moderators see it."""
        return self.held_at is not None or self.hidden_at is not None


# Rows anyone may see, as far as moderation goes (each model adds its own states).
NOT_WITHHELD = Q(held_at__isnull=True, hidden_at__isnull=True)


def moderated_content_constraints(prefix: str) -> list:
    """The database rules for `ModeratedContent` fields, named for one model."""
    return [
        models.CheckConstraint(
            condition=Q(held_at__isnull=True) | ~Q(held_reason=""),
            name=f"{prefix}_held_has_reason",
        ),
        models.CheckConstraint(
            condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
            name=f"{prefix}_hidden_has_reason",
        ),
        models.CheckConstraint(
            condition=Q(hidden_by_reports=False) | Q(hidden_at__isnull=False),
            name=f"{prefix}_hidden_by_reports_is_hidden",
        ),
    ]


class AuditAction(models.TextChoices):
    HELD = "held", _("Held for a moderator")
    APPROVED = "approved", _("Approved")
    AUTO_HIDDEN = "auto_hidden", _("Hidden after reports")
    HIDDEN = "hidden", _("Hidden")
    UNHIDDEN = "unhidden", _("Shown again")
    DISMISSED = "dismissed", _("Reports dismissed")
    REDACTED = "redacted", _("Redacted")
    LOCKED = "locked", _("Discussion closed")
    UNLOCKED = "unlocked", _("Discussion reopened")
    SUSPENDED = "suspended", _("Account suspended")
    REINSTATED = "reinstated", _("Account reinstated")
    ROLE_GRANTED = "role_granted", _("Role given")
    ROLE_REMOVED = "role_removed", _("Role taken away")
    ADMIN_GRANTED = "admin_granted", _("Administrator rights given")
    ADMIN_REMOVED = "admin_removed", _("Administrator rights taken away")
    PERMISSIONS_CHANGED = "permissions_changed", _("Role's permissions changed")


# Changes to who may do what (see permission_audit.py), as against actions on posts.
PERMISSION_ACTIONS = (
    AuditAction.ROLE_GRANTED,
    AuditAction.ROLE_REMOVED,
    AuditAction.ADMIN_GRANTED,
    AuditAction.ADMIN_REMOVED,
    AuditAction.PERMISSIONS_CHANGED,
)


class AppendOnly(Exception):
    """The audit log only grows: its entries are never changed or deleted."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnly("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """Who did what to which object, when and why; never the text that was removed.

    Append-only: the model refuses changes and deletions, and so does the database
    (triggers, see `db_triggers.py` and migration 0003).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the site acted by itself (after reports, on posting)."),
    )
    action = models.CharField(max_length=24, choices=AuditAction.choices)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    # Which part of the target, for a redaction: a field name, never its text.
    field = models.CharField(max_length=60, blank=True)
    reason = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AuditAction.values),
                name="audit_action_known",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="audit_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target_type} {self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit entries cannot be deleted.")


class Suspension(models.Model):
    """A moderator stopped someone signing in; open until reinstated."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    reason = models.TextField(max_length=2000)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(lifted_at__isnull=True),
                name="suspension_one_open_per_user",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="suspension_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(lifted_by__isnull=False),
                name="suspension_lifted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} suspended {self.created_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.lifted_at is None
