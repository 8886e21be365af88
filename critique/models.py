"""The critique rubric (editable, versioned) and critiques written against a version of it.

The rules that must hold whatever code writes the rows are database constraints:
the score scale, one critique per reviewer per experiment, the states and what each
state needs, one helpful mark per person, and (by a trigger, see migration 0002) that
every score belongs to a criterion of the rubric version its critique was written on.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from modelsearch import index
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, Orderable, RevisionMixin

from moderation.models import (
    NOT_WITHHELD,
    ModeratedContent,
    moderated_content_constraints,
)

from .choices import (
    SCORE_MAX,
    SCORE_MIN,
    Certainty,
    CritiqueState,
    Expertise,
    PointKind,
    PointStatus,
    Recommendation,
    RequestState,
)

TEXT_LONG = 5000


class Rubric(DraftStateMixin, RevisionMixin, ClusterableModel):
    """The rubric editors edit. Each publish that changes it makes a `RubricVersion`."""

    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Shown to reviewers above the criteria."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("introduction"),
        InlinePanel("criteria", label=_("Criteria"), min_num=1),
    ]

    class Meta:
        verbose_name = _("critique rubric")

    def __str__(self) -> str:
        return self.title


class RubricCriterion(Orderable):
    rubric = ParentalKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(
        _("code"),
        max_length=8,
        help_text=_(
            "A short, stable label such as C3. Keep the code when you reword a "
            "criterion so the score profile lines up across versions."
        ),
    )
    title = models.CharField(_("title"), max_length=200)
    guidance = models.TextField(_("question for the reviewer"), blank=True)
    optional = models.BooleanField(
        _("optional"), default=False, help_text=_("Reviewers may leave it unscored.")
    )
    level_1 = models.TextField(_("level 1 (weakest)"))
    level_2 = models.TextField(_("level 2"))
    level_3 = models.TextField(_("level 3"))
    level_4 = models.TextField(_("level 4 (strongest)"))

    panels = [
        FieldPanel("code"),
        FieldPanel("title"),
        FieldPanel("guidance"),
        FieldPanel("optional"),
        MultiFieldPanel(
            [
                FieldPanel("level_1"),
                FieldPanel("level_2"),
                FieldPanel("level_3"),
                FieldPanel("level_4"),
            ],
            heading=_("What each level means"),
        ),
    ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class RubricVersion(models.Model):
    """A frozen copy of the rubric as published; critiques point at one and never change."""

    rubric = models.ForeignKey(
        Rubric, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    content_sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(
                fields=["rubric", "number"], name="rubric_version_number_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, version {self.number}"


class VersionCriterion(models.Model):
    """One criterion's wording, frozen in a rubric version."""

    version = models.ForeignKey(
        RubricVersion, on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=8)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    optional = models.BooleanField(default=False)
    level_1 = models.TextField()
    level_2 = models.TextField()
    level_3 = models.TextField()
    level_4 = models.TextField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="version_criterion_code_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def levels(self) -> list[tuple[int, str]]:
        return [
            (1, self.level_1),
            (2, self.level_2),
            (3, self.level_3),
            (4, self.level_4),
        ]


class CritiqueQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(state=CritiqueState.SUBMITTED)

    def public(self):
        """Submitted or withdrawn, and neither held for nor hidden by a moderator."""
        return self.filter(
            NOT_WITHHELD,
            state__in=(CritiqueState.SUBMITTED, CritiqueState.WITHDRAWN),
        )


class Critique(index.Indexed, ModeratedContent, models.Model):
    experiment = models.ForeignKey(
        "forum.Experiment", on_delete=models.PROTECT, related_name="critiques"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="critiques"
    )
    rubric_version = models.ForeignKey(
        RubricVersion, on_delete=models.PROTECT, related_name="critiques"
    )
    state = models.CharField(
        max_length=16, choices=CritiqueState.choices, default=CritiqueState.DRAFT
    )

    strengths = models.TextField(_("strengths"), max_length=TEXT_LONG, blank=True)
    other_explanations = models.TextField(
        _("other explanations"), max_length=TEXT_LONG, blank=True
    )
    suggestions = models.TextField(
        _("suggestions for the next cycle"), max_length=TEXT_LONG, blank=True
    )
    missed_evidence = models.TextField(
        _("evidence the author may have missed"), max_length=TEXT_LONG, blank=True
    )
    certainty = models.CharField(
        _("overall certainty"), max_length=16, choices=Certainty.choices, blank=True
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=16, choices=Recommendation.choices, blank=True
    )
    same_team = models.BooleanField(
        _("I work in the same team as the author"), default=False
    )
    conflict_statement = models.TextField(
        _("other conflicts of interest"), max_length=1000, blank=True
    )
    expertise = models.CharField(
        _("my expertise"), max_length=24, choices=Expertise.choices, blank=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(max_length=1000, blank=True)
    # Kept by the helpful-mark services so the page shows it without counting.
    helpful_count = models.PositiveIntegerField(default=0)

    objects = CritiqueQuerySet.as_manager()

    search_fields = [
        index.SearchField("search_text"),
        index.FilterField("state"),
        index.FilterField("submitted_at"),
        index.FilterField("experiment_id"),
        index.FilterField("held_at"),
        index.FilterField("hidden_at"),
    ]

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["experiment", "reviewer"], name="critique_one_per_reviewer"
            ),
            models.CheckConstraint(
                condition=Q(state__in=CritiqueState.values),
                name="critique_state_known",
            ),
            models.CheckConstraint(
                condition=Q(certainty="") | Q(certainty__in=Certainty.values),
                name="critique_certainty_known",
            ),
            models.CheckConstraint(
                condition=Q(recommendation="")
                | Q(recommendation__in=Recommendation.values),
                name="critique_recommendation_known",
            ),
            models.CheckConstraint(
                condition=Q(expertise="") | Q(expertise__in=Expertise.values),
                name="critique_expertise_known",
            ),
            models.CheckConstraint(
                condition=Q(state=CritiqueState.DRAFT)
                | (
                    Q(submitted_at__isnull=False)
                    & ~Q(strengths="")
                    & ~Q(certainty="")
                    & ~Q(recommendation="")
                    & ~Q(expertise="")
                ),
                name="critique_submitted_is_complete",
            ),
            models.CheckConstraint(
                condition=~Q(state=CritiqueState.WITHDRAWN)
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawal_reason="")),
                name="critique_withdrawn_has_reason",
            ),
            *moderated_content_constraints("critique"),
        ]
        indexes = [models.Index(fields=["experiment", "state"])]

    def __str__(self) -> str:
        return f"Critique of {self.experiment} by {self.reviewer}"

    def get_absolute_url(self) -> str:
        return self.experiment.get_absolute_url() + f"#critique-{self.pk}"

    @classmethod
    def get_indexed_objects(cls):
        """Submitted, public critiques of experiments that are public and not withdrawn."""
        from django.apps import apps

        open_experiments = (
            apps.get_model("forum", "Experiment")
            .objects.public()
            .filter(state__in=("registered", "concluded"))
            .values("pk")
        )
        return (
            cls.objects.filter(
                NOT_WITHHELD,
                state=CritiqueState.SUBMITTED,
                experiment_id__in=models.Subquery(open_experiments),
            )
            .select_related("experiment", "reviewer")
            .prefetch_related("points", "scores")
        )

    def search_text(self) -> str:
        if self.state != CritiqueState.SUBMITTED:
            return ""
        parts = [
            self.strengths,
            self.other_explanations,
            self.suggestions,
            self.missed_evidence,
        ]
        parts += [point.text for point in self.points.all()]
        parts += [score.comment for score in self.scores.all()]
        return "\n".join(part for part in parts if part)

    @property
    def anchor(self) -> str:
        return f"critique-{self.pk}"

    def get_edit_url(self) -> str:
        return reverse("critique:critique_edit", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.state == CritiqueState.DRAFT

    @property
    def is_withdrawn(self) -> bool:
        return self.state == CritiqueState.WITHDRAWN

    @property
    def is_public(self) -> bool:
        """Anyone may read it: submitted or withdrawn, neither held nor hidden."""
        return self.state != CritiqueState.DRAFT and not self.is_withheld


class CriterionScore(models.Model):
    """A reviewer's score on one criterion: 1-4, "can't tell", or (optional only) none."""

    critique = models.ForeignKey(
        Critique, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        VersionCriterion, on_delete=models.PROTECT, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    cant_tell = models.BooleanField(default=False)
    comment = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["critique", "criterion"], name="score_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True)
                | Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="score_on_scale",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(cant_tell=False),
                name="score_or_cant_tell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.label}"

    @property
    def label(self) -> str:
        if self.cant_tell:
            return str(_("Can't tell"))
        if self.score is None:
            return str(_("Not scored"))
        return f"{self.score} of {SCORE_MAX}"


class CritiquePoint(models.Model):
    """One main concern or question, and the author's answer to it."""

    critique = models.ForeignKey(
        Critique, on_delete=models.CASCADE, related_name="points"
    )
    kind = models.CharField(max_length=16, choices=PointKind.choices)
    position = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=16, choices=PointStatus.choices, blank=True, default=""
    )
    reply = models.TextField(max_length=2000, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["critique", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["critique", "kind", "position"], name="point_position_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PointKind.values), name="point_kind_known"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="point_has_text"),
            models.CheckConstraint(
                condition=(Q(status="") & Q(responded_at__isnull=True))
                | (Q(status__in=PointStatus.values) & Q(responded_at__isnull=False)),
                name="point_response_complete",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | ~Q(status=""),
                name="point_acknowledged_after_response",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.position}"


class HelpfulMark(models.Model):
    critique = models.ForeignKey(
        Critique, on_delete=models.CASCADE, related_name="helpful_marks"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["critique", "user"], name="helpful_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} found critique {self.critique_id} helpful"


class CritiqueRequest(models.Model):
    """An author asking a named colleague to critique their experiment."""

    experiment = models.ForeignKey(
        "forum.Experiment", on_delete=models.CASCADE, related_name="critique_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="critique_requests",
    )
    message = models.TextField(max_length=1000, blank=True)
    state = models.CharField(
        max_length=16, choices=RequestState.choices, default=RequestState.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["experiment", "reviewer"], name="critique_request_once"
            ),
            models.CheckConstraint(
                condition=Q(state__in=RequestState.values),
                name="critique_request_state_known",
            ),
            models.CheckConstraint(
                condition=~Q(reviewer=models.F("requested_by")),
                name="critique_request_not_self",
            ),
            models.CheckConstraint(
                condition=Q(state=RequestState.OPEN) | Q(closed_at__isnull=False),
                name="critique_request_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requested_by} asked {self.reviewer} about {self.experiment}"
