from django import forms
from django.utils.translation import gettext_lazy as _

from safeguarding.forms import IdentifiabilityCheckMixin

from .models import READER_REASONS


class ReportForm(IdentifiabilityCheckMixin, forms.Form):
    """Only moderators read a report, so warnings pass; identifiers never get stored."""

    identifiability_fields = ("details",)
    publishing = False

    reason = forms.ChoiceField(
        label=_("What is wrong with it?"),
        choices=READER_REASONS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason that fits best.")},
    )
    details = forms.CharField(
        label=_("Anything the moderators should know (optional)"),
        help_text=_(
            "Say where the problem is, without repeating anything that could "
            "identify someone."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReasonForm(forms.Form):
    """Every moderation action needs a reason; it goes into the audit log."""

    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Kept in the audit log. Do not quote the text itself."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason. It is kept in the audit log.")},
    )


class AuthorReasonForm(ReasonForm):
    """A reason the author is also shown (hiding)."""

    reason = forms.CharField(
        label=_("Reason (the author is shown this)"),
        help_text=_(
            "Say what is wrong in a way that helps the author put it right. "
            "Do not quote the text itself."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason. The author is shown it.")},
    )


class ConfirmedReasonForm(ReasonForm):
    """A reason, and a tick to confirm an action that cannot be undone."""

    confirm = forms.BooleanField(
        label=_("I understand this cannot be undone"),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class RedactionForm(ConfirmedReasonForm):
    field = forms.ChoiceField(
        label=_("What to remove"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what to remove.")},
    )
    field_order = ["field", "reason", "confirm"]

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = choices
