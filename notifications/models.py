"""In-app notifications and the kinds of e-mail each person has turned off.

A notification stores links to what it is about, not copied text, so a title that a
moderator redacts is redacted in every notification too, and a queued e-mail (rendered
from the row when it is sent) carries the redacted text.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CRITIQUE_RECEIVED = "critique_received", _("A critique of your experiment")
    RESPONSE_RECEIVED = "response_received", _("The author answered your critique")
    CRITIQUE_REQUESTED = "critique_requested", _("Someone asked you for a critique")
    REVIEWER_ACKNOWLEDGED = (
        "reviewer_acknowledged",
        _("A reviewer acknowledged your answers"),
    )
    CONTENT_HIDDEN = "content_hidden", _("Something you posted was hidden")
    CONTENT_APPROVED = "content_approved", _("A moderator approved your post")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    experiment = models.ForeignKey(
        "forum.Experiment", on_delete=models.CASCADE, related_name="+"
    )
    critique = models.ForeignKey(
        "critique.Critique",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="notification_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def experiment_title(self) -> str:
        """The experiment's title, unless the recipient may no longer see it."""
        experiment = self.experiment
        if experiment.is_public or experiment.author_id == self.recipient_id:
            return experiment.title
        return str(_("an experiment that is no longer shown"))

    @property
    def is_still_relevant(self) -> bool:
        """False once what it is about was hidden from the recipient (no e-mail then)."""
        experiment = self.experiment
        if not (experiment.is_public or experiment.author_id == self.recipient_id):
            return False
        critique = self.critique
        return critique is None or (
            critique.is_public or critique.reviewer_id == self.recipient_id
        )

    def target_url(self) -> str:
        if self.critique_id:
            return self.experiment.get_absolute_url() + f"#critique-{self.critique_id}"
        return self.experiment.get_absolute_url()


class EmailOptOut(models.Model):
    """A kind of notification this person no longer wants by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} has no e-mail for {self.kind}"
