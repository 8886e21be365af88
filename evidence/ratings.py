"""The two rating axes of an outcome, kept apart on purpose and never merged into a score."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Effect(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    MOSTLY_POSITIVE = "mostly_positive", _("Mostly positive")
    MIXED = "mixed", _("Mixed")
    NO_EFFECT = "no_effect", _("No effect")
    NEGATIVE = "negative", _("Negative")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


class Strength(models.IntegerChoices):
    INSUFFICIENT = 0, _("insufficient")
    LIMITED = 1, _("limited")
    SOME = 2, _("some")
    MODERATE = 3, _("moderate")
    STRONG = 4, _("strong")


STRENGTH_MAX = max(Strength.values)


def strength_label(value: int) -> str:
    """Text shown wherever a strength appears, e.g. "3 of 4 - moderate"."""
    return _("%(value)s of %(max)s - %(label)s") % {
        "value": value,
        "max": STRENGTH_MAX,
        "label": Strength(value).label,
    }


class CostRating(models.IntegerChoices):
    VERY_LOW = 1, _("1 of 5 - very low cost")
    LOW = 2, _("2 of 5 - low cost")
    MODERATE = 3, _("3 of 5 - moderate cost")
    HIGH = 4, _("4 of 5 - high cost")
    VERY_HIGH = 5, _("5 of 5 - very high cost")


class SourceType(models.TextChoices):
    SYSTEMATIC_REVIEW = "systematic_review", _("Systematic review")
    RCT = "rct", _("Randomised controlled trial")
    QUASI_EXPERIMENT = "quasi_experiment", _("Quasi-experimental study")
    BEFORE_AFTER = "before_after", _("Before-and-after study")
    QUALITATIVE = "qualitative", _("Qualitative study")
    PRACTICE_GUIDE = "practice_guide", _("Practice guide")
    EXPERT_CONSENSUS = "expert_consensus", _("Expert consensus")
    LIVED_EXPERIENCE = "lived_experience", _("Lived experience")
