from django import forms
from django.utils.translation import gettext_lazy as _

from evidence.models import AgeBand, Topic
from forum.choices import Decision

MAX_QUERY_LENGTH = 200

KINDS = [
    ("evidence", _("Evidence")),
    ("experiment", _("Experiments")),
    ("critique", _("Critiques")),
    ("reply", _("Replies")),
]
PERIODS = [("", _("Any time")), ("month", _("Past month")), ("year", _("Past year"))]


class SearchForm(forms.Form):
    """The search box and its filters; a value we do not know is reported and left out."""

    q = forms.CharField(label=_("Search"), required=False, strip=True)
    kind = forms.ChoiceField(label=_("Type"), choices=KINDS, required=False)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )
    age = forms.ModelChoiceField(
        label=_("Age band"),
        queryset=AgeBand.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All ages"),
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("Any decision"))] + Decision.choices,
        required=False,
    )
    period = forms.ChoiceField(label=_("Date"), choices=PERIODS, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _(
                "We don't recognise “%(value)s” here, so this filter was left out."
            )

    def clean_q(self):
        query = " ".join(self.cleaned_data["q"].split())
        if len(query) > MAX_QUERY_LENGTH:
            self.truncated = True
            query = query[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0]
        return query

    def valid_data(self) -> dict:
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
