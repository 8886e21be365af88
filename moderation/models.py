"""Reports that something needs a moderator's attention."""

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

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=Reason.values), name="report_reason_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values),
                name="report_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.content_type} {self.object_id}"
