import datetime

import factory
import wagtail_factories

from evidence.models import EvidencePage, OutcomeRating, PracticeHypothesis, Reference
from evidence.ratings import Effect, SourceType


class EvidencePageFactory(wagtail_factories.PageFactory):
    """A live evidence page; pass parent=<the evidence index>."""

    class Meta:
        model = EvidencePage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"DEMO Intervention {n}")
    slug = factory.Sequence(lambda n: f"demo-intervention-{n}")
    standfirst = "A fictional approach used only to test the site."
    headline_points = factory.LazyFunction(lambda: [("point", "Works best early.")])
    what_it_is = "<p>A structured conversation.</p>"
    mechanism = "<p>Families feel heard.</p>"
    context = "<p>Early help teams.</p>"
    implementation = "<p>Half a day of training.</p>"
    cost_rating = 2
    source_type = SourceType.RCT
    last_reviewed = datetime.date(2026, 1, 10)
    next_review = datetime.date(2027, 1, 10)

    @factory.post_generation
    def topics(page, create, extracted, **kwargs):
        if create and extracted:
            page.topics.set(extracted)
            page.save()

    @factory.post_generation
    def age_bands(page, create, extracted, **kwargs):
        if create and extracted:
            page.age_bands.set(extracted)
            page.save()


class OutcomeRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeRating

    page = None
    outcome = factory.Sequence(lambda n: f"Outcome {n}")
    effect = Effect.POSITIVE
    strength = 2


class PracticeHypothesisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeHypothesis

    page = None
    statement = factory.Sequence(
        lambda n: (
            f"If I try idea {n} with families then engagement will rise because of trust."
        )
    )


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    page = None
    citation = "DEMO reference: Author, A. (2024). A fictional study."
