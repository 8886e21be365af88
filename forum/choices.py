"""Fixed vocabularies of a practice experiment's plan and results."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REGISTERED = "registered", _("Registered")
    CONCLUDED = "concluded", _("Concluded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


PUBLIC_STATES = (State.REGISTERED, State.CONCLUDED, State.WITHDRAWN)


class Direction(models.TextChoices):
    INCREASE = "increase", _("increase")
    DECREASE = "decrease", _("decrease")


class TeamType(models.TextChoices):
    EARLY_HELP = "early_help", _("Early help")
    FRONT_DOOR = "front_door", _("Front door or assessment")
    CHILD_IN_NEED = "cin_cp", _("Child in need and child protection")
    CHILDREN_IN_CARE = "children_in_care", _("Children in care")
    CARE_LEAVERS = "care_leavers", _("Leaving care")
    FOSTERING = "fostering", _("Fostering, adoption or kinship")
    DISABLED_CHILDREN = "disabled_children", _("Disabled children")
    ADOLESCENTS = "adolescents", _("Adolescent or exploitation team")
    OTHER = "other", _("Other")


class FamiliesBand(models.TextChoices):
    ONE = "1", _("1 family")
    FEW = "2-5", _("2 to 5 families")
    SEVERAL = "6-10", _("6 to 10 families")
    MANY = "11-20", _("11 to 20 families")
    MORE = "21+", _("More than 20 families")


class Comparison(models.TextChoices):
    NONE = "none", _("No comparison")
    BEFORE_AFTER = "before_after", _("Before and after")
    USUAL_PRACTICE = "usual_practice", _("Usual practice at the same time")
    EARLIER_PERIOD = "earlier_period", _("An earlier period")
    ALLOCATION = "allocation", _("Alternating or random allocation")


class OutcomeAgainstPrediction(models.TextChoices):
    BETTER = "better", _("Better than predicted")
    AS_PREDICTED = "as_predicted", _("About as predicted")
    SMALLER = "smaller", _("Smaller change than predicted")
    NO_CHANGE = "no_change", _("No change")
    WORSE = "worse", _("Made things worse")
    MIXED = "mixed", _("Mixed")


class Decision(models.TextChoices):
    ADOPT = "adopt", _("Adopt")
    ADAPT = "adapt", _("Adapt")
    ABANDON = "abandon", _("Abandon")


class Sort(models.TextChoices):
    NEWEST = "newest", _("Newest")
    DISCUSSED = "discussed", _("Most discussed")
    CONCLUDED = "concluded", _("Recently concluded")
