"""Fixed vocabularies of a critique."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CritiqueState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Certainty(models.TextChoices):
    HIGH = "high", _("High")
    MODERATE = "moderate", _("Moderate")
    LOW = "low", _("Low")
    VERY_LOW = "very_low", _("Very low")


class Recommendation(models.TextChoices):
    PROMISING = "promising", _("Promising, worth replicating")
    ADAPT = "adapt", _("Adapt and re-test")
    INSUFFICIENT = "insufficient", _("Insufficient information")
    NOT_SUPPORTED = "not_supported", _("Not supported")
    CONCERN = "concern", _("Raises a concern for moderators")


class Expertise(models.TextChoices):
    PRACTITIONER = "practitioner", _("Practitioner")
    MANAGER = "manager", _("Manager")
    RESEARCHER = "researcher", _("Researcher")
    LIVED_EXPERIENCE = "lived_experience", _("Lived experience")


class PointKind(models.TextChoices):
    CONCERN = "concern", _("Main concern")
    QUESTION = "question", _("Question")


class PointStatus(models.TextChoices):
    ADDRESSED = "addressed", _("Addressed")
    NOT_ADDRESSED = "not_addressed", _("Not addressed")
    DISAGREE = "disagree", _("Disagree")


class RequestState(models.TextChoices):
    OPEN = "open", _("Waiting")
    DONE = "done", _("Critique submitted")
    DECLINED = "declined", _("Declined")


# The scale every criterion is scored on; "can't tell" is stored apart from it.
SCORE_MIN = 1
SCORE_MAX = 4
CANT_TELL = "cant_tell"
