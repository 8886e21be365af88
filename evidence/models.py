from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .ratings import CostRating, Effect, SourceType, Strength, strength_label


class TopicCategory(models.TextChoices):
    HARM_AND_NEED = "harm_need", _("Harm and need")
    STAGE = "stage", _("Stage")
    APPROACH = "approach", _("Approaches")
    WORKFORCE = "workforce", _("Workforce")


class Topic(models.Model):
    """A term of the managed topic vocabulary, shared by evidence, experiments and search."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    category = models.CharField(
        _("category"), max_length=16, choices=TopicCategory.choices
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("category")]

    class Meta:
        ordering = ["category", "sort_order", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class AgeBand(models.Model):
    """A fixed age band (pre-birth, 0-2 ... 18-25) children and young people fall in."""

    code = models.SlugField(_("code"), max_length=16, unique=True)
    label = models.CharField(_("label"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("age band")
        verbose_name_plural = _("age bands")

    def __str__(self) -> str:
        return self.label


class HomePage(Page):
    intro = models.TextField(
        _("introduction"),
        max_length=600,
        help_text=_("One or two sentences under the site name on the home page."),
    )
    about = RichTextField(
        _("about the movement"),
        blank=True,
        features=["bold", "italic", "link", "ul", "ol"],
    )
    how_to_take_part = RichTextField(
        _("how to take part"),
        blank=True,
        features=["bold", "italic", "link", "ul", "ol"],
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("about"),
        FieldPanel("how_to_take_part"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["evidence.EvidenceIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from .selectors import evidence_latest

        context = super().get_context(request, *args, **kwargs)
        from forum.selectors import experiments_latest

        context["latest_evidence"] = evidence_latest(limit=6)
        context["latest_experiments"] = experiments_latest(limit=4)
        context["evidence_index"] = EvidenceIndexPage.objects.live().first()
        return context


class EvidenceIndexPage(Page):
    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["evidence.HomePage"]
    subpage_types = ["evidence.EvidencePage"]
    max_count = 1

    class Meta:
        verbose_name = _("evidence index")

    def get_context(self, request, *args, **kwargs):
        from .forms import EvidenceFilterForm
        from .selectors import evidence_filtered

        context = super().get_context(request, *args, **kwargs)
        form = EvidenceFilterForm(request.GET)
        filters = form.valid_filters()
        pages = evidence_filtered(parent=self, **filters)
        paginator = Paginator(pages, settings.EVIDENCE_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        context.update(
            filter_form=form,
            filters_active=bool(filters),
            page_obj=page_obj,
            evidence_pages=page_obj.object_list,
            querystring_without_page=form.querystring(),
        )
        return context


class EvidencePage(Page):
    """One editorial summary of research, with ratings per outcome and hypotheses to test."""

    standfirst = models.TextField(
        _("standfirst"),
        max_length=400,
        help_text=_("Two or three sentences: what and for whom."),
    )
    headline_points = StreamField(
        [("point", blocks.CharBlock(max_length=300, label=_("Point")))],
        verbose_name=_("headline points"),
        help_text=_("Three to five short points a busy practitioner should take away."),
    )
    what_it_is = RichTextField(
        _("what it is"), features=["bold", "italic", "link", "ul", "ol"]
    )
    mechanism = RichTextField(
        _("how it works"),
        features=["bold", "italic", "link", "ul", "ol"],
        help_text=_("The mechanism: why it is expected to make a difference."),
    )
    context = RichTextField(
        _("for whom and where"), features=["bold", "italic", "link", "ul", "ol"]
    )
    implementation = RichTextField(
        _("implementation"), features=["bold", "italic", "link", "ul", "ol"]
    )
    cost_rating = models.PositiveSmallIntegerField(
        _("cost"),
        choices=CostRating.choices,
        null=True,
        blank=True,
        help_text=_("Leave blank when the cost is unknown."),
    )
    cost_note = models.TextField(_("about the cost"), max_length=600, blank=True)
    source_type = models.CharField(
        _("source type"), max_length=32, choices=SourceType.choices
    )
    topics = ParentalManyToManyField(Topic, related_name="evidence_pages", blank=True)
    age_bands = ParentalManyToManyField(
        AgeBand, related_name="evidence_pages", blank=True
    )
    last_reviewed = models.DateField(_("last reviewed"))
    next_review = models.DateField(_("next review due"))

    search_fields = Page.search_fields + [
        index.SearchField("standfirst", boost=2),
        index.SearchField("what_it_is"),
        index.SearchField("mechanism"),
        index.SearchField("context"),
        index.SearchField("implementation"),
        index.RelatedFields(
            "topics", [index.SearchField("name"), index.FilterField("slug")]
        ),
        index.RelatedFields("age_bands", [index.FilterField("code")]),
        index.RelatedFields("hypotheses", [index.SearchField("statement")]),
        index.FilterField("source_type"),
        index.FilterField("last_published_at"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("standfirst"),
        FieldPanel("headline_points"),
        InlinePanel("outcome_ratings", label=_("Outcome ratings"), min_num=1),
        FieldPanel("what_it_is"),
        FieldPanel("mechanism"),
        FieldPanel("context"),
        FieldPanel("implementation"),
        InlinePanel("hypotheses", label=_("Practice hypotheses")),
        MultiFieldPanel(
            [FieldPanel("cost_rating"), FieldPanel("cost_note")], heading=_("Cost")
        ),
        FieldPanel("source_type"),
        InlinePanel("references", label=_("References")),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("age_bands", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel([FieldPanel("last_reviewed"), FieldPanel("next_review")]),
    ]

    parent_page_types = ["evidence.EvidenceIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("evidence page")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review__gte=models.F("last_reviewed")),
                name="evidence_next_review_after_last",
            ),
            models.CheckConstraint(
                condition=Q(cost_rating__isnull=True)
                | Q(cost_rating__gte=1, cost_rating__lte=5),
                name="evidence_cost_rating_1_to_5",
            ),
        ]

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if (
            self.last_reviewed
            and self.next_review
            and self.next_review < self.last_reviewed
        ):
            raise ValidationError(
                {
                    "next_review": _(
                        "The next review cannot be earlier than the last review."
                    )
                }
            )

    def get_context(self, request, *args, **kwargs):
        from forum.selectors import evidence_outcomes, experiments_testing

        context = super().get_context(request, *args, **kwargs)
        if self.pk:
            context["outcomes"] = evidence_outcomes(self)
            context["experiments"] = experiments_testing(self, limit=10)
        # .all() works both on a saved page and on an unsaved preview.
        context.update(
            outcome_ratings=list(self.outcome_ratings.all()),
            hypotheses=list(self.hypotheses.all()),
            references=list(self.references.all()),
            topics=list(self.topics.all()),
            age_bands=sorted(self.age_bands.all(), key=lambda band: band.sort_order),
        )
        return context

    @property
    def strongest_rating(self):
        """The outcome rating with the strongest evidence (uses prefetched ratings)."""
        ratings = list(self.outcome_ratings.all())
        return max(ratings, key=lambda rating: rating.strength) if ratings else None


class OutcomeRating(Orderable):
    page = ParentalKey(
        EvidencePage, on_delete=models.CASCADE, related_name="outcome_ratings"
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=160,
        help_text=_("For example: “Children stay safely at home”."),
    )
    effect = models.CharField(_("effect"), max_length=20, choices=Effect.choices)
    strength = models.PositiveSmallIntegerField(
        _("strength of evidence"), choices=Strength.choices
    )
    summary = models.TextField(_("summary"), max_length=600, blank=True)

    panels = [
        FieldPanel("outcome"),
        FieldRowPanel([FieldPanel("effect"), FieldPanel("strength")]),
        FieldPanel("summary"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("outcome rating")
        constraints = [
            models.CheckConstraint(
                condition=Q(strength__gte=0, strength__lte=4),
                name="outcome_strength_0_to_4",
            ),
            models.CheckConstraint(
                condition=Q(effect__in=Effect.values), name="outcome_effect_known"
            ),
        ]

    def __str__(self) -> str:
        return self.outcome

    @property
    def strength_text(self) -> str:
        return strength_label(self.strength)


class PracticeHypothesis(Orderable):
    """A testable statement editors invite practitioners to try; its id stays stable."""

    page = ParentalKey(
        EvidencePage, on_delete=models.CASCADE, related_name="hypotheses"
    )
    statement = models.CharField(
        _("statement"),
        max_length=300,
        help_text=_("“If I … with … then … will … because …”"),
    )
    guidance = models.TextField(_("how to try it"), max_length=1000, blank=True)

    panels = [FieldPanel("statement"), FieldPanel("guidance")]

    class Meta(Orderable.Meta):
        verbose_name = _("practice hypothesis")
        verbose_name_plural = _("practice hypotheses")

    def __str__(self) -> str:
        return self.statement

    @property
    def anchor(self) -> str:
        return f"hypothesis-{self.pk}"


class Reference(Orderable):
    page = ParentalKey(
        EvidencePage, on_delete=models.CASCADE, related_name="references"
    )
    citation = models.TextField(_("citation"), max_length=600)
    url = models.URLField(_("link"), blank=True)

    panels = [FieldPanel("citation"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("reference")

    def __str__(self) -> str:
        return self.citation
