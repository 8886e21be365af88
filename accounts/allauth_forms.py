"""allauth's own forms with our wording (a module apart: allauth imports accounts.forms)."""

from allauth.account import forms as allauth_forms

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FORMER_MEMBER_USERNAME_PREFIX


class LoginForm(allauth_forms.LoginForm):
    """allauth's login form with plainer labels and no trailing colons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["login"].label = _("Username or email address")
        self.fields["password"].label = _("Password")
        self.fields["remember"].label = _("Keep me signed in on this device")


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up form with plainer labels and no trailing colons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["email"].label = _("Email address")
        self.fields["username"].help_text = _(
            "Shown in your profile address. Letters, digits and @ . + - _ only."
        )
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password (again)")

    def clean_username(self):
        username = super().clean_username()
        if username.lower().startswith(FORMER_MEMBER_USERNAME_PREFIX):
            raise forms.ValidationError(
                _(
                    "Names starting with “%(prefix)s” are kept for deleted accounts. "
                    "Choose another username."
                )
                % {"prefix": FORMER_MEMBER_USERNAME_PREFIX}
            )
        return username
