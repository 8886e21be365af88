from django import forms

from .models import Kind


class PreferencesForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    kinds = forms.MultipleChoiceField(
        label="Send me an e-mail when",
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Everything still appears in your notifications list.",
    )
