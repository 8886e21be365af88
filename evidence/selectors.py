"""Reads of evidence pages, with the prefetching that keeps page query counts constant."""

from django.db.models import Exists, OuterRef

from .models import AgeBand, EvidencePage, OutcomeRating, Topic


def _for_cards(queryset):
    return queryset.prefetch_related("topics", "outcome_ratings")


def evidence_latest(*, limit: int):
    """The most recently published live evidence pages, newest first."""
    pages = EvidencePage.objects.live().public().order_by("-first_published_at", "-pk")
    return _for_cards(pages)[:limit]


def evidence_filtered(
    *,
    parent=None,
    topic: Topic | None = None,
    age_band: AgeBand | None = None,
    min_strength: int | None = None,
):
    """Live evidence pages matching every given filter, by title."""
    pages = EvidencePage.objects.live().public()
    if parent is not None:
        pages = pages.child_of(parent)
    if topic is not None:
        pages = pages.filter(topics=topic)
    if age_band is not None:
        pages = pages.filter(age_bands=age_band)
    if min_strength is not None:
        strong_enough = OutcomeRating.objects.filter(
            page=OuterRef("pk"), strength__gte=min_strength
        )
        pages = pages.filter(Exists(strong_enough))
    return _for_cards(pages.order_by("title", "pk"))
