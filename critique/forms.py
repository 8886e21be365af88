"""Forms for writing, answering, withdrawing and requesting critiques."""

import re

from django import forms
from django.contrib.auth import get_user_model

from safeguarding.forms import IdentifiabilityCheckMixin

from .choices import (
    CANT_TELL,
    Certainty,
    Expertise,
    PointKind,
    PointStatus,
    Recommendation,
)
from .models import Critique
from .rules import ScoreInput
from .services import CHOICE_FIELDS, TEXT_FIELDS

# The critique fields the form edits, as the save service names them.
SAVED_FIELDS = TEXT_FIELDS + CHOICE_FIELDS
MAX_POINTS = 10
POINT_MAX_LENGTH = 2000
SCORE_FIELD = re.compile(r"^(score|comment)_(\d+)$")


def split_points(text: str) -> list[str]:
    """Paragraphs (separated by a blank line) are separate points."""
    return [part.strip() for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]


class CritiqueForm(IdentifiabilityCheckMixin, forms.Form):
    """A critique against one rubric version: a score field and a comment per criterion.

    Only submitting publishes, so warnings and the attestation matter then; identifiers
    that must never be stored (block findings) stop a draft save too.
    """

    publishing = False

    rubric_version = forms.IntegerField(widget=forms.HiddenInput)
    strengths = forms.CharField(
        label="Strengths",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text="What the experiment does well. Needed before you submit.",
    )
    main_concerns = forms.CharField(
        label="Main concerns",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=(
            "Put each concern in its own paragraph, with a blank line between them. "
            "The author answers each one separately."
        ),
    )
    other_explanations = forms.CharField(
        label="Other explanations for what happened",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    suggestions = forms.CharField(
        label="Suggestions for the next cycle",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    questions = forms.CharField(
        label="Questions for the author",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One question per paragraph; the author answers each one.",
    )
    missed_evidence = forms.CharField(
        label="Evidence the author may have missed",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    certainty = forms.ChoiceField(
        label="Overall, how certain can we be about the result?",
        choices=Certainty.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    recommendation = forms.ChoiceField(
        label="Recommendation",
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=(
            "“Raises a concern for moderators” also sends your main concerns to the "
            "moderators."
        ),
    )
    expertise = forms.ChoiceField(
        label="The expertise I bring",
        choices=Expertise.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    same_team = forms.BooleanField(
        label="I work in the same team as the author", required=False
    )
    conflict_statement = forms.CharField(
        label="Any other conflict of interest",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )

    def __init__(self, *args, version, critique: Critique | None = None, **kwargs):
        self.version = version
        self.criteria = list(version.criteria.all())
        if critique is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_from(critique)
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["rubric_version"].initial = version.pk
        for criterion in self.criteria:
            choices = [(str(n), f"{n}: {text}") for n, text in criterion.levels]
            choices.append((CANT_TELL, "Can't tell"))
            if criterion.optional:
                choices.append(("", "Not scored (this criterion is optional)"))
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=f"{criterion.code} {criterion.title}",
                help_text=criterion.guidance,
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
                error_messages={
                    "invalid_choice": "Choose a score from 1 to 4, or “Can't tell”."
                },
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Comment on {criterion.code} (optional)",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=2000,
            )
        self.identifiability_fields = (
            "strengths",
            "main_concerns",
            "other_explanations",
            "suggestions",
            "questions",
            "missed_evidence",
            "conflict_statement",
        ) + tuple(f"comment_{c.pk}" for c in self.criteria)
        self.add_identifiability_fields()

    @staticmethod
    def _initial_from(critique: Critique) -> dict:
        initial = {name: getattr(critique, name) for name in SAVED_FIELDS}
        points = list(critique.points.all())
        for kind, name in (
            (PointKind.CONCERN, "main_concerns"),
            (PointKind.QUESTION, "questions"),
        ):
            initial[name] = "\n\n".join(p.text for p in points if p.kind == kind)
        for score in critique.scores.all():
            value = CANT_TELL if score.cant_tell else score.score
            initial[f"score_{score.criterion_id}"] = "" if value is None else str(value)
            initial[f"comment_{score.criterion_id}"] = score.comment
        return initial

    def criterion_fields(self):
        """(criterion, score field, comment field) in the rubric's order, for the template."""
        return [
            (c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria
        ]

    def _clean_points(self, name: str, noun: str) -> list[str]:
        points = split_points(self.cleaned_data.get(name, ""))
        if len(points) > MAX_POINTS:
            self.add_error(name, f"Give at most {MAX_POINTS} {noun}s; combine some.")
        for number, text in enumerate(points, start=1):
            if len(text) > POINT_MAX_LENGTH:
                self.add_error(
                    name,
                    f"{noun.capitalize()} {number} is longer than {POINT_MAX_LENGTH} "
                    "characters; shorten it or split it.",
                )
        return points

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rubric_version") != self.version.pk:
            # A hidden field: reported for the whole form so the person sees it.
            raise forms.ValidationError(
                f"This critique is written on rubric version {self.version.number}, but "
                "the form sent belongs to another version. Reload the page and try again."
            )
        known = {
            f"{kind}_{c.pk}" for c in self.criteria for kind in ("score", "comment")
        }
        strangers = [
            key for key in self.data if SCORE_FIELD.match(key) and key not in known
        ]
        if strangers:
            raise forms.ValidationError(
                "Some scores sent are for criteria that are not part of rubric version "
                f"{self.version.number}. Reload the page and fill the form in again."
            )
        cleaned["concern_list"] = self._clean_points("main_concerns", "concern")
        cleaned["question_list"] = self._clean_points("questions", "question")
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        scores = {}
        for criterion in self.criteria:
            raw = data.get(f"score_{criterion.pk}") or ""
            scores[criterion.pk] = ScoreInput(
                score=int(raw) if raw.isdigit() else None,
                cant_tell=raw == CANT_TELL,
                comment=data.get(f"comment_{criterion.pk}", ""),
            )
        return {
            "data": {name: data[name] for name in SAVED_FIELDS},
            "scores": scores,
            "concerns": data["concern_list"],
            "questions": data["question_list"],
        }


class WithdrawCritiqueForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    reason = forms.CharField(
        label="Why are you withdrawing this critique?",
        help_text="Shown in its place, so readers know why it was taken back.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Say why you are withdrawing the critique."},
    )


class ResponseForm(IdentifiabilityCheckMixin, forms.Form):
    """The author's answer to each main concern and question of one critique."""

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.points = list(points)
        self.identifiability_fields = tuple(f"reply_{p.pk}" for p in self.points)
        for point in self.points:
            self.fields[f"status_{point.pk}"] = forms.ChoiceField(
                label=f"{point.get_kind_display()} {point.position}",
                choices=PointStatus.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=point.status or None,
                error_messages={
                    "invalid_choice": "Choose addressed, not addressed or disagree."
                },
            )
            self.fields[f"reply_{point.pk}"] = forms.CharField(
                label=f"Your reply to {point.get_kind_display().lower()} "
                f"{point.position}",
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=2000,
                initial=point.reply,
            )
        self.add_identifiability_fields()

    def point_fields(self):
        return [(p, self[f"status_{p.pk}"], self[f"reply_{p.pk}"]) for p in self.points]

    def clean(self):
        cleaned = super().clean()
        for point in self.points:
            status = cleaned.get(f"status_{point.pk}")
            reply = (cleaned.get(f"reply_{point.pk}") or "").strip()
            if reply and not status:
                self.add_error(
                    f"status_{point.pk}",
                    "Choose addressed, not addressed or disagree for this reply.",
                )
        if not any(cleaned.get(f"status_{p.pk}") for p in self.points):
            raise forms.ValidationError("Answer at least one point before saving.")
        return cleaned

    def answers(self) -> dict[int, tuple[str, str]]:
        return {
            point.pk: (
                self.cleaned_data.get(f"status_{point.pk}") or "",
                self.cleaned_data.get(f"reply_{point.pk}") or "",
            )
            for point in self.points
        }


class CritiqueRequestForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    usernames = forms.CharField(
        label="Who would you like to ask?",
        help_text=(
            "Their user names, separated by commas (up to 5). You can find a "
            "user name on the person's profile page."
        ),
        max_length=400,
    )
    message = forms.CharField(
        label="A short message (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )

    def clean_usernames(self):
        names = [
            name.strip().lstrip("@")
            for name in re.split(r"[,\s]+", self.cleaned_data["usernames"])
            if name.strip()
        ]
        if not names:
            raise forms.ValidationError("Give at least one user name.")
        if len(names) > 5:
            raise forms.ValidationError("Ask at most 5 people at a time.")
        users = list(
            get_user_model().objects.filter(username__in=names, is_active=True)
        )
        found = {user.username for user in users}
        missing = [name for name in names if name not in found]
        if missing:
            raise forms.ValidationError(
                "No one has the user name "
                + ", ".join(f"“{name}”" for name in missing)
                + ". Check the spelling on their profile page."
            )
        return users
