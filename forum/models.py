import uuid

from django_comments_xtd.models import XtdComment

from django.conf import settings
from django.db import models
from django.db.models import Q, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from modelsearch import index

from accounts.models import Region
from evidence.models import AgeBand, EvidencePage, PracticeHypothesis, Topic
from moderation.models import (
    NOT_WITHHELD,
    ModeratedContent,
    moderated_content_constraints,
)

from .choices import (
    Comparison,
    Decision,
    Direction,
    FamiliesBand,
    OutcomeAgainstPrediction,
    State,
    TeamType,
)

TEXT_SHORT = 200
TEXT_MEDIUM = 2000
TEXT_LONG = 5000


# Experiments anyone may see: not drafts, not held for or hidden by a moderator.
PUBLIC = Q(~Q(state=State.DRAFT), NOT_WITHHELD)
# The critique queue: registered or concluded experiments with fewer than this many
# critiques. "Not withdrawn" rather than "registered or concluded" (the same rows, as
# drafts are not public): SQLite would take an index on state for `state IN (...)`
# and sort, where the partial index below needs no sort.
CRITIQUE_WANTED_BELOW = 2
# What those two conditions read, for the partial indexes that cover them.
CONDITION_COLUMNS = ("state", "held_at", "hidden_at")
CRITIQUE_WANTED = Q(
    PUBLIC,
    ~Q(state=State.WITHDRAWN),
    critique_count__lt=CRITIQUE_WANTED_BELOW,
)


class ExperimentQuerySet(models.QuerySet):
    def public(self):
        """Experiments anyone may see: not drafts, not held for or hidden by a moderator."""
        return self.filter(PUBLIC)

    def visible_to(self, user):
        """Public experiments, plus all of the user's own (drafts, held, hidden)."""
        if user.is_authenticated:
            return self.filter((~Q(state=State.DRAFT) & NOT_WITHHELD) | Q(author=user))
        return self.public()


class Experiment(index.Indexed, ModeratedContent, models.Model):
    """A practice experiment: a plan (Part A) that can be registered, then results (Part B)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="experiments"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    # A token carried by the "new experiment" form, so a double submission saves once.
    creation_token = models.UUIDField(null=True, blank=True, editable=False)

    # Part A: the plan.
    title = models.CharField(_("title"), max_length=160)
    aim = models.TextField(_("aim"), max_length=TEXT_MEDIUM, blank=True)
    hypothesis_change = models.CharField(_("If I…"), max_length=TEXT_SHORT, blank=True)
    hypothesis_who = models.CharField(_("with…"), max_length=TEXT_SHORT, blank=True)
    hypothesis_outcome = models.CharField(_("then…"), max_length=TEXT_SHORT, blank=True)
    hypothesis_direction = models.CharField(
        _("will…"), max_length=16, choices=Direction.choices, blank=True
    )
    hypothesis_mechanism = models.CharField(
        _("because…"), max_length=TEXT_SHORT, blank=True
    )
    evidence_page = models.ForeignKey(
        EvidencePage,
        verbose_name=_("evidence tested"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experiments",
    )
    practice_hypothesis = models.ForeignKey(
        PracticeHypothesis,
        verbose_name=_("practice hypothesis"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experiments",
    )
    outside_reference = models.TextField(
        _("outside reference"), max_length=1000, blank=True
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="experiments")
    service_stage = models.ForeignKey(
        Topic,
        verbose_name=_("service stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"category": "stage"},
    )
    team_type = models.CharField(
        _("team type"), max_length=32, choices=TeamType.choices, blank=True
    )
    age_band = models.ForeignKey(
        AgeBand,
        verbose_name=_("age band"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="experiments",
    )
    families = models.CharField(
        _("number of families"), max_length=8, choices=FamiliesBand.choices, blank=True
    )
    region = models.CharField(
        _("region"), max_length=32, choices=Region.choices, blank=True
    )
    what_i_will_try = models.TextField(
        _("what I will try"), max_length=TEXT_LONG, blank=True
    )
    dose = models.CharField(_("dose"), max_length=TEXT_SHORT, blank=True)
    frequency = models.CharField(_("frequency"), max_length=TEXT_SHORT, blank=True)
    duration = models.CharField(_("duration"), max_length=TEXT_SHORT, blank=True)
    comparison = models.CharField(
        _("compared with"), max_length=32, choices=Comparison.choices, blank=True
    )
    measure = models.TextField(_("outcome measure"), max_length=TEXT_MEDIUM, blank=True)
    measure_when = models.CharField(
        _("when it is measured"), max_length=TEXT_SHORT, blank=True
    )
    measure_who = models.CharField(_("who rates it"), max_length=TEXT_SHORT, blank=True)
    prediction = models.TextField(_("prediction"), max_length=TEXT_MEDIUM, blank=True)
    success_threshold = models.TextField(
        _("success threshold"), max_length=TEXT_MEDIUM, blank=True
    )
    baseline = models.TextField(_("baseline"), max_length=TEXT_MEDIUM, blank=True)
    data_collection_started = models.BooleanField(
        _("data collection has already started"), default=False
    )
    manager_aware = models.BooleanField(
        _("my manager knows about this test"), default=False
    )
    within_statutory_duties = models.BooleanField(
        _("it stays within my statutory duties"), default=False
    )
    family_informed = models.BooleanField(
        _("families are told where appropriate"), default=False
    )
    child_voice = models.TextField(
        _("how the child's voice is sought"), max_length=TEXT_MEDIUM, blank=True
    )
    planned_end_date = models.DateField(_("planned end date"), null=True, blank=True)
    anonymisation_attested = models.BooleanField(
        _("no person can be identified from this plan"), default=False
    )

    # Registration: the frozen plan, its hash and when.
    registered_at = models.DateTimeField(null=True, blank=True)
    registered_plan = models.JSONField(null=True, blank=True, editable=False)
    plan_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    is_retrospective = models.BooleanField(default=False)

    # Part B: results.
    actual_practice = models.TextField(
        _("what I actually did"), max_length=TEXT_LONG, blank=True
    )
    deviations = models.TextField(
        _("deviations from the plan, and why"), max_length=TEXT_LONG, blank=True
    )
    outcome_against_prediction = models.CharField(
        _("against the prediction"),
        max_length=16,
        choices=OutcomeAgainstPrediction.choices,
        blank=True,
    )
    what_happened = models.TextField(
        _("what happened"), max_length=TEXT_LONG, blank=True
    )
    family_voice = models.TextField(
        _("the child's or family's voice (paraphrased)"),
        max_length=TEXT_LONG,
        blank=True,
    )
    reflection = models.TextField(
        _("reflection and other explanations"), max_length=TEXT_LONG, blank=True
    )
    decision = models.CharField(
        _("decision"), max_length=8, choices=Decision.choices, blank=True
    )
    next_step = models.TextField(_("next step"), max_length=TEXT_MEDIUM, blank=True)
    advice = models.TextField(
        _("advice for others"), max_length=TEXT_MEDIUM, blank=True
    )
    concluded_at = models.DateTimeField(null=True, blank=True)

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(max_length=TEXT_MEDIUM, blank=True)

    replication_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replications",
    )
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )

    # Kept by the reply services so list pages sort by discussion without counting.
    reply_count = models.PositiveIntegerField(default=0)
    # Submitted critiques everyone can see, kept by the critique and moderation
    # services (critique/counts.py) so the critique queue filters without counting.
    critique_count = models.PositiveIntegerField(default=0, editable=False)
    discussion_locked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExperimentQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("search_text"),
        index.FilterField("state"),
        index.FilterField("decision"),
        index.FilterField("age_band_id"),
        index.FilterField("topics"),  # for the topic facet's counts
        index.FilterField("registered_at"),
        index.FilterField("held_at"),
        index.FilterField("hidden_at"),
        index.RelatedFields(
            "topics", [index.SearchField("name"), index.FilterField("slug")]
        ),
    ]

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "creation_token"], name="experiment_created_once"
            ),
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="experiment_state_known"
            ),
            models.CheckConstraint(
                condition=Q(state=State.DRAFT)
                | (Q(registered_at__isnull=False) & ~Q(plan_sha256="")),
                name="experiment_public_has_registration",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.CONCLUDED)
                | (Q(concluded_at__isnull=False) & ~Q(decision="")),
                name="experiment_concluded_has_decision",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.WITHDRAWN)
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawal_reason="")),
                name="experiment_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(state=State.DRAFT)
                | Q(evidence_page__isnull=False)
                | ~Q(outside_reference=""),
                name="experiment_registered_names_evidence",
            ),
            models.CheckConstraint(
                condition=Q(state=State.DRAFT) | ~Q(hypothesis_direction=""),
                name="experiment_registered_has_direction",
            ),
            *moderated_content_constraints("experiment"),
        ]
        indexes = [
            models.Index(fields=["state", "-created_at"]),
            models.Index(fields=["state", "-concluded_at"]),
            models.Index(fields=["state", "-reply_count"]),
            # Partial indexes whose conditions are the filters of the pages that use
            # them, so a page of the newest (or oldest) walks the index and stops.
            # The columns of the condition are in the index too: then the
            # paginator's count reads the index alone, never the table's rows.
            models.Index(
                fields=["registered_at", *CONDITION_COLUMNS],
                condition=PUBLIC,
                name="experiment_public_registered",
            ),
            models.Index(
                fields=["decision", "registered_at", *CONDITION_COLUMNS],
                condition=PUBLIC,
                name="experiment_public_decision",
            ),
            models.Index(
                fields=["registered_at", *CONDITION_COLUMNS, "critique_count"],
                condition=CRITIQUE_WANTED,
                name="experiment_critique_wanted",
            ),
            # The experiments whose discussion is open, read on every search to
            # filter replies and critiques (get_indexed_objects() of both): the
            # index alone answers, without reading each experiment's row.
            models.Index(
                fields=["state", "held_at", "hidden_at"],
                name="experiment_visibility",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "forum:experiment_detail", kwargs={"pk": self.pk, "slug": self.slug}
        )

    @property
    def slug(self) -> str:
        return slugify(self.title)[:60] or "experiment"

    @property
    def is_draft(self) -> bool:
        return self.state == State.DRAFT

    @property
    def is_withdrawn(self) -> bool:
        return self.state == State.WITHDRAWN

    @property
    def is_public(self) -> bool:
        """Anyone may see it: published, and neither held nor hidden."""
        return self.state != State.DRAFT and not self.is_withheld

    @classmethod
    def get_indexed_objects(cls):
        """Only published experiments are searchable; drafts never reach the index."""
        return cls.objects.public().prefetch_related("topics", "amendments")

    def search_dependents(self):
        """Replies and critiques are findable only while their experiment is."""
        from django.apps import apps

        critique_model = apps.get_model("critique", "Critique")
        replies = Reply.objects.filter(
            content_type__app_label="forum",
            content_type__model="experiment",
            object_pk=str(self.pk),
        )
        return [
            (Reply, replies.values_list("pk", flat=True)),
            (
                critique_model,
                critique_model.objects.filter(experiment=self).values_list(
                    "pk", flat=True
                ),
            ),
        ]

    def search_text(self) -> str:
        """What search matches besides the title; a withdrawn experiment keeps only its stub."""
        if self.state == State.WITHDRAWN:
            return self.withdrawal_reason
        parts = [self.hypothesis_sentence, self.aim, self.what_i_will_try, self.measure]
        parts += [
            amendment.new_text
            for amendment in self.amendments.all()
            if not amendment.is_withheld
        ]
        if self.state == State.CONCLUDED:
            parts += [self.what_happened, self.reflection, self.advice]
        return "\n".join(part for part in parts if part)

    @property
    def days_registered_before_results(self) -> int | None:
        if self.registered_at and self.concluded_at:
            return (self.concluded_at - self.registered_at).days
        return None

    @property
    def hypothesis_sentence(self) -> str:
        """The hypothesis as one sentence: "If I … with … then … will … because …"."""
        return _(
            "If I %(change)s with %(who)s then %(outcome)s will %(direction)s because %(mechanism)s."
        ) % {
            "change": self.hypothesis_change or "…",
            "who": self.hypothesis_who or "…",
            "outcome": self.hypothesis_outcome or "…",
            "direction": self.get_hypothesis_direction_display() or "…",
            "mechanism": self.hypothesis_mechanism or "…",
        }


class Amendment(ModeratedContent, models.Model):
    """A change to one field of a registered plan; the registered text itself never changes."""

    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="amendments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("part of the plan"), max_length=40)
    previous_text = models.TextField()
    new_text = models.TextField(_("new text"), max_length=TEXT_LONG)
    reason = models.TextField(_("reason for the change"), max_length=TEXT_MEDIUM)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="amendment_has_reason"
            ),
            *moderated_content_constraints("amendment"),
        ]

    def __str__(self) -> str:
        return f"{self.experiment}: {self.field}"

    def get_absolute_url(self) -> str:
        return self.experiment.get_absolute_url() + f"#amendment-{self.pk}"


class ModerationLogEntry(models.Model):
    """Who changed published text in place, when and why; never the removed text itself."""

    class Action(models.TextChoices):
        REDACT_PLAN = "redact_plan", _("Redacted part of a registered plan")

    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="moderation_log"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    field = models.CharField(max_length=40, blank=True)
    reason = models.TextField(max_length=TEXT_MEDIUM)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="moderation_log_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.field}) by {self.moderator}"


def new_creation_token() -> uuid.UUID:
    return uuid.uuid4()


class Reply(index.Indexed, ModeratedContent, XtdComment):
    """A reply in an experiment's discussion (django-comments-xtd's threaded comment).

    xtd's `is_public` is what every read checks; it is False while the reply is held
    or hidden, and the `ModeratedContent` fields say which and why.
    """

    edited_at = models.DateTimeField(null=True, blank=True)

    search_fields = [
        index.SearchField("comment"),
        index.FilterField("object_pk"),
        index.FilterField("is_public"),
        index.FilterField("is_removed"),
        index.FilterField("submit_date"),
        index.FilterField("held_at"),
        index.FilterField("hidden_at"),
    ]

    class Meta(XtdComment.Meta):
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = moderated_content_constraints("reply")

    @classmethod
    def get_indexed_objects(cls):
        """Public replies under experiments whose discussion is public."""
        open_experiments = (
            Experiment.objects.public()
            .filter(state__in=(State.REGISTERED, State.CONCLUDED))
            .annotate(pk_text=Cast("pk", models.CharField()))
            .values("pk_text")
        )
        return cls.objects.filter(
            NOT_WITHHELD,
            is_public=True,
            is_removed=False,
            object_pk__in=Subquery(open_experiments),
        )

    def get_absolute_url(self, anchor_pattern="#c%(id)s") -> str:
        return reverse("forum:experiment_detail", kwargs={"pk": self.object_pk}) + (
            anchor_pattern % self.__dict__
        )


class DiscussionMute(models.Model):
    """Someone who asked for no more e-mail about replies to one experiment."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="mutes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "experiment"], name="discussion_mute_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} muted {self.experiment}"
