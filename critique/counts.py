"""An experiment's `critique_count`: its submitted critiques that everyone can see.

Kept on the experiment so that the critique queue filters on a column instead of
counting every experiment's critiques. Whatever changes a critique's state or its
moderation (`critique.services`, `moderation.services._apply`) calls
`critique_count_refresh` in the same transaction. It recounts rather than adds or
subtracts one, so calling it twice, or after a change that did not alter the count,
is harmless.
"""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from moderation.models import NOT_WITHHELD

from .choices import CritiqueState
from .models import Critique

# What `critique_count` counts.
COUNTED = Q(NOT_WITHHELD, state=CritiqueState.SUBMITTED)


def counted_critiques(experiment_ref):
    """One experiment's counted critiques, as a subquery of a single count."""
    return Coalesce(
        Subquery(
            Critique.objects.filter(COUNTED, experiment=experiment_ref)
            .order_by()
            .values("experiment")
            .annotate(total=Count("pk"))
            .values("total")[:1]
        ),
        0,
    )


def critique_count_refresh(experiment_id: int) -> None:
    """Recount one experiment's critiques, in one UPDATE."""
    from forum.models import Experiment

    Experiment.objects.filter(pk=experiment_id).update(
        critique_count=counted_critiques(OuterRef("pk"))
    )


def critique_counts_refresh_all() -> int:
    """Recount every experiment's critiques (loading data in bulk); returns the rows."""
    from forum.models import Experiment

    return Experiment.objects.update(critique_count=counted_critiques(OuterRef("pk")))
