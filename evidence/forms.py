from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AgeBand, Topic, TopicCategory
from .ratings import Strength, strength_label


class EvidenceFilterForm(forms.Form):
    """The evidence index's filters, read from the query string.

    A value we do not know is reported on the form and that filter is left out;
    the other filters still apply.
    """

    topic = forms.ChoiceField(label=_("Topic"), required=False)
    age = forms.ChoiceField(label=_("Age band"), required=False)
    strength = forms.TypedChoiceField(
        label=_("Strength of evidence"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any strength"))]
        + [
            (value, _("At least %(label)s") % {"label": strength_label(value)})
            for value in Strength.values
            if value > 0
        ],
        error_messages={
            "invalid_choice": _(
                "Strength of evidence must be a whole number from 1 to 4; showing every strength."
            )
        },
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data or None, **kwargs)
        self.topics = {topic.slug: topic for topic in Topic.objects.all()}
        self.age_bands = {band.code: band for band in AgeBand.objects.all()}
        grouped: dict[str, list[tuple[str, str]]] = {}
        for topic in self.topics.values():
            label = TopicCategory(topic.category).label
            grouped.setdefault(label, []).append((topic.slug, topic.name))
        self.fields["topic"].choices = [("", _("All topics"))] + list(grouped.items())
        self.fields["topic"].error_messages["invalid_choice"] = _(
            "We have no topic called “%(value)s”; showing every topic."
        )
        self.fields["age"].choices = [("", _("All ages"))] + [
            (band.code, band.label) for band in self.age_bands.values()
        ]
        self.fields["age"].error_messages["invalid_choice"] = _(
            "We have no age band called “%(value)s”; showing every age band."
        )

    def valid_filters(self) -> dict:
        """Keyword arguments for `evidence_filtered` from the fields that validated."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        filters = {}
        if data.get("topic"):
            filters["topic"] = self.topics[data["topic"]]
        if data.get("age"):
            filters["age_band"] = self.age_bands[data["age"]]
        if data.get("strength") is not None:
            filters["min_strength"] = data["strength"]
        return filters

    def querystring(self) -> str:
        """The valid filters as a query string, for pagination links."""
        if not self.is_bound:
            return ""
        self.is_valid()
        pairs = [
            (name, self.data[name])
            for name in ("topic", "age", "strength")
            if self.cleaned_data.get(name) not in (None, "")
        ]
        return urlencode(pairs)
