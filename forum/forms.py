from django import forms
from django.utils.translation import gettext_lazy as _

from evidence.models import EvidencePage, PracticeHypothesis, Topic, TopicCategory
from safeguarding.forms import IdentifiabilityCheckMixin
from safeguarding.identify import CheckResult, check_fields

from .choices import Decision, OutcomeAgainstPrediction, State
from .models import Experiment
from .plan import AMENDABLE_FIELD_NAMES, PLAN_FIELD_NAMES, TEXT_FIELD_NAMES
from .rules import RESULT_FIELDS, RESULT_TEXT_FIELDS

TEXTAREA = {"rows": 4}


class PlanForm(IdentifiabilityCheckMixin, forms.ModelForm):
    """Part A. Every field may be blank in a draft; registration checks completeness.

    A draft is private, so saving it stops only at details that must never be stored
    (NHS numbers, e-mail addresses...); warnings are shown and settled at registration.
    """

    identifiability_fields = TEXT_FIELD_NAMES
    publishing = False

    creation_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Experiment
        fields = PLAN_FIELD_NAMES
        widgets = {
            "aim": forms.Textarea(attrs=TEXTAREA),
            "hypothesis_direction": forms.RadioSelect,
            "outside_reference": forms.Textarea(attrs={"rows": 2}),
            "topics": forms.CheckboxSelectMultiple,
            "what_i_will_try": forms.Textarea(attrs=TEXTAREA),
            "measure": forms.Textarea(attrs=TEXTAREA),
            "prediction": forms.Textarea(attrs=TEXTAREA),
            "success_threshold": forms.Textarea(attrs={"rows": 2}),
            "baseline": forms.Textarea(attrs={"rows": 2}),
            "comparison": forms.RadioSelect,
            "child_voice": forms.Textarea(attrs={"rows": 3}),
            "planned_end_date": forms.DateInput(attrs={"type": "date"}),
        }
        # Read as one sentence under the fieldset's legend, so kept in lower case.
        labels = {
            "hypothesis_change": _("If I…"),
            "hypothesis_who": _("with…"),
            "hypothesis_outcome": _("then…"),
            "hypothesis_direction": _("will…"),
            "hypothesis_mechanism": _("because…"),
        }
        help_texts = {
            "title": _(
                "A short, plain name for your test. No names of people or places."
            ),
            "aim": _("What you want to find out, in a sentence or two."),
            "hypothesis_change": _(
                "the change you will make, e.g. “agree the purpose of each family time session”"
            ),
            "hypothesis_who": _(
                "who, described coarsely, e.g. “parents of children in care aged 6-11”"
            ),
            "hypothesis_outcome": _(
                "the outcome, e.g. “the number of cancelled sessions”"
            ),
            "hypothesis_mechanism": _("why you expect it to work"),
            "outside_reference": _(
                "If the evidence is not on this site: a citation or link."
            ),
            "region": _("No finer than a region."),
            "dose": _("How much, e.g. “one 20-minute conversation”."),
            "frequency": _("How often, e.g. “before each session”."),
            "duration": _("For how long, e.g. “8 weeks”."),
            "measure": _("What you will count or rate."),
            "prediction": _("What you expect to see if the hypothesis is right."),
            "success_threshold": _("The result that would make you adopt it."),
            "baseline": _("Where things stand now, roughly."),
            "data_collection_started": _(
                "Tick if you have already started collecting data: the plan will be labelled retrospective."
            ),
            "family_informed": _(
                "Leave unticked where telling families would not be appropriate, and say why in the next box."
            ),
            "anonymisation_attested": _(
                "Nothing from court proceedings; no names, dates, places or details that could identify a child, family or colleague."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        for name, field in self.fields.items():
            field.required = name == "title"
        pages = EvidencePage.objects.live().order_by("title")
        self.fields["evidence_page"].queryset = pages
        self.fields["evidence_page"].empty_label = _(
            "Not on this site (give a reference below)"
        )
        hypotheses = PracticeHypothesis.objects.filter(page__in=pages).select_related(
            "page"
        )
        self.fields["practice_hypothesis"].queryset = hypotheses
        grouped: dict[str, list] = {}
        for hypothesis in hypotheses.order_by("page__title", "sort_order"):
            grouped.setdefault(hypothesis.page.title, []).append(
                (hypothesis.pk, hypothesis.statement)
            )
        self.fields["practice_hypothesis"].choices = [
            ("", _("None in particular"))
        ] + list(grouped.items())
        self.fields["service_stage"].queryset = Topic.objects.filter(
            category=TopicCategory.STAGE
        )
        self.fields["topics"].queryset = Topic.objects.all()
        self.fields["hypothesis_direction"].choices = self.fields[
            "hypothesis_direction"
        ].choices[1:]
        self.fields["comparison"].choices = self.fields["comparison"].choices[1:]

    def clean(self):
        data = super().clean()
        page, hypothesis = data.get("evidence_page"), data.get("practice_hypothesis")
        if hypothesis and hypothesis.page_id != getattr(page, "pk", None):
            self.add_error(
                "practice_hypothesis",
                _(
                    "This hypothesis belongs to “%(page)s”. Choose that evidence page, or another hypothesis."
                )
                % {"page": hypothesis.page.title},
            )
        return data

    def plan_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in PLAN_FIELD_NAMES}


class RegisterForm(IdentifiabilityCheckMixin, forms.Form):
    """Registering publishes the plan: the check runs over its saved text.

    Details that may identify someone need a change (back in the draft) or a reason,
    and the author confirms nobody can be identified.
    """

    identifiability_fields = TEXT_FIELD_NAMES

    def __init__(self, *args, experiment: Experiment, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.experiment = experiment
        self.add_identifiability_fields()

    def identifiability_texts(self) -> dict[str, str]:
        return {
            name: str(getattr(self.experiment, name) or "")
            for name in self.identifiability_fields
        }

    def preview(self) -> CheckResult:
        """The findings shown before the author presses Register."""
        self.identifiability = check_fields(self.identifiability_texts())
        return self.identifiability

    def clean(self):
        data = super().clean()
        if self.identifiability.blocked:
            # The draft was saved before a rule changed: send the author back to it.
            raise forms.ValidationError(
                _(
                    "The plan contains details that must be removed before it can be "
                    "registered (marked below). Edit the draft to remove them."
                )
            )
        return data

    def run_identifiability_check(self) -> CheckResult:
        result = check_fields(self.identifiability_texts())
        self.identifiability = result
        if not result.blocked:
            self._require_reason_and_attestation(result)
        return result


class AmendmentForm(IdentifiabilityCheckMixin, forms.Form):
    identifiability_fields = ("new_text", "reason")

    field = forms.ChoiceField(label=_("Part of the plan"))
    new_text = forms.CharField(
        label=_("New text"), widget=forms.Textarea(attrs=TEXTAREA), max_length=5000
    )
    reason = forms.CharField(
        label=_("Why it changed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Readers see this beside the change."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["field"].choices = [("", _("Choose…"))] + [
            (name, str(Experiment._meta.get_field(name).verbose_name).capitalize())
            for name in AMENDABLE_FIELD_NAMES
        ]
        self.add_identifiability_fields()


class ResultsForm(IdentifiabilityCheckMixin, forms.ModelForm):
    identifiability_fields = RESULT_TEXT_FIELDS

    class Meta:
        model = Experiment
        fields = RESULT_FIELDS
        widgets = {
            name: forms.Textarea(attrs=TEXTAREA)
            for name in (
                "actual_practice",
                "deviations",
                "what_happened",
                "family_voice",
                "reflection",
                "next_step",
                "advice",
            )
        } | {
            "outcome_against_prediction": forms.RadioSelect,
            "decision": forms.RadioSelect,
        }
        help_texts = {
            "deviations": _(
                "Anything you did differently from the registered plan, and why. Write “None” if nothing changed."
            ),
            "outcome_against_prediction": _(
                "“No change” and “made things worse” are results worth sharing."
            ),
            "family_voice": _(
                "Paraphrase; never quote a child or family word for word."
            ),
            "decision": _("Adopt it, adapt it and test again, or abandon it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        for name in (
            "actual_practice",
            "outcome_against_prediction",
            "what_happened",
            "reflection",
            "decision",
        ):
            self.fields[name].required = True
        self.fields[
            "outcome_against_prediction"
        ].choices = OutcomeAgainstPrediction.choices
        self.fields["decision"].choices = Decision.choices
        self.add_identifiability_fields()


class WithdrawForm(IdentifiabilityCheckMixin, forms.Form):
    """The reason stays on the public page, so it is checked like any other post."""

    identifiability_fields = ("reason",)

    reason = forms.CharField(
        label=_("Why are you withdrawing this experiment?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("A short note stays on the page with the title and dates."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_identifiability_fields()


class RedactionForm(forms.Form):
    field = forms.ChoiceField(label=_("Part of the plan to remove"))
    reason = forms.CharField(
        label=_("Reason (logged; not the removed text)"), max_length=2000
    )


class ExperimentFilterForm(forms.Form):
    """The list's filters and sort order, read from the query string; bad values are reported."""

    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )
    stage = forms.ModelChoiceField(
        queryset=Topic.objects.filter(category=TopicCategory.STAGE),
        to_field_name="slug",
        required=False,
        label=_("Service stage"),
        empty_label=_("All stages"),
    )
    age = forms.ModelChoiceField(
        queryset=None,
        to_field_name="code",
        required=False,
        label=_("Age band"),
        empty_label=_("All ages"),
    )
    decision = forms.ChoiceField(
        choices=[("", _("Any decision"))] + Decision.choices, required=False
    )
    state = forms.ChoiceField(
        choices=[("", _("Any state"))]
        + [(state.value, state.label) for state in State if state != State.DRAFT],
        required=False,
    )
    sort = forms.ChoiceField(
        choices=[
            ("newest", _("Newest")),
            ("discussed", _("Most discussed")),
            ("concluded", _("Recently concluded")),
        ],
        required=False,
        label=_("Sort by"),
    )

    def __init__(self, *args, **kwargs):
        from evidence.models import AgeBand

        super().__init__(*args, **kwargs)
        self.fields["age"].queryset = AgeBand.objects.all()
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _(
                "We don't recognise “%(value)s” here, so this filter was left out."
            )

    def valid_data(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
