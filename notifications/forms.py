from django import forms

from .models import Kind


class PreferencesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Send me an e-mail when",
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Everything still appears in your notifications list.",
    )
