"""The identifiability check as a form mixin, so every form that publishes text runs it.

A form lists the text fields it publishes in `identifiability_fields`. On every clean:
- a **block** finding (NHS number, e-mail address...) is an error on its field, so
  nothing with it can be saved;
- when the form publishes (`self.publishing` is True), **warnings** (likely names,
  dates, places...) need either a fix or a stated reason, and the attestation tick is
  required.
The findings stay on the form (`form.identifiability`) for the template to mark the
flagged words, and `form.needs_premoderation` tells the view to hold the post.
"""

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .identify import CheckResult, check_fields

ATTESTATION = (
    "No child, family member or colleague can be identified from what I wrote, and "
    "nothing in it comes from court proceedings or case records."
)


class IdentifiabilityCheckMixin:
    identifiability_fields: tuple[str, ...] = ()
    # Forms whose every submission publishes set this; others set it per request.
    publishing = True
    # The last check's result (a CheckResult), once the form has been cleaned.
    identifiability = None

    def clean(self):
        data = super().clean()
        self.run_identifiability_check()
        return data

    def add_identifiability_fields(self) -> None:
        """The reason box and the attestation tick, for forms that publish; call from
        __init__ after super().__init__(), so they come after the form's own fields."""
        self.fields["identifiability_reason"] = forms.CharField(
            label="Why the highlighted details must stay (only if you keep them)",
            help_text=(
                "The check flags words that often identify people, such as names, "
                "dates and places. Change them, or say here why they are safe."
            ),
            widget=forms.Textarea(attrs={"rows": 2}),
            required=False,
            max_length=500,
        )
        self.fields["identifiability_attested"] = forms.BooleanField(
            label=ATTESTATION, required=False
        )

    def identifiability_texts(self) -> dict[str, str]:
        data = getattr(self, "cleaned_data", {})
        return {
            name: str(data.get(name) or "")
            for name in self.identifiability_fields
            if name in self.fields
        }

    def run_identifiability_check(self) -> CheckResult:
        result = check_fields(self.identifiability_texts())
        self.identifiability = result
        for name, findings in result.findings.items():
            blocks = [f for f in findings if f.severity == "block"]
            if blocks:
                self.add_error(
                    name,
                    "Remove before saving: "
                    + "; ".join(f"{f.label} “{f.text}”" for f in blocks)
                    + ". Nothing that identifies a person can be published here.",
                )
        if self.publishing and not result.blocked:
            self._require_reason_and_attestation(result)
        return result

    def _require_reason_and_attestation(self, result: CheckResult) -> None:
        reason = (self.cleaned_data.get("identifiability_reason") or "").strip()
        if result.warnings and not reason:
            self.add_error(
                "identifiability_reason",
                "Some details may identify someone (they are marked below each "
                "box). Change them, or say here why they are safe to publish.",
            )
        if not self.cleaned_data.get("identifiability_attested"):
            self.add_error(
                "identifiability_attested",
                "Tick to confirm that nobody can be identified from what you wrote.",
            )

    @property
    def identifiability_field_names(self) -> str:
        """For the live-check script: the names of the boxes it watches."""
        return " ".join(self.identifiability_fields)

    @property
    def needs_premoderation(self) -> bool:
        return bool(self.identifiability and self.identifiability.needs_premoderation)

    def findings_for(self, name: str) -> list:
        if self.identifiability is None:
            return []
        return self.identifiability.findings.get(name, [])


def marked_text(text: str, findings) -> str:
    """The text, escaped, with each flagged span in <mark> followed by what it is."""
    parts, position = [], 0
    for finding in sorted(findings, key=lambda f: f.start):
        parts.append(escape(text[position : finding.start]))
        parts.append(
            f'<mark class="finding finding--{finding.severity}">'
            f"{escape(text[finding.start : finding.end])}</mark>"
            f'<span class="finding__label"> ({escape(finding.label)})</span>'
        )
        position = finding.end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above
