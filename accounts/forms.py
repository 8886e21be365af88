from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User
from .roles import SELF_DECLARED_ROLES, Role, group_name

ROLE_HELP = _("Choose every role that applies. Editors and moderators are appointed.")


def _self_declared_role_choices():
    return [(role.value, role.label) for role in SELF_DECLARED_ROLES]


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds to its own (username, e-mail, password)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_(
            "Shown beside what you write. Use a professional name, not a family's."
        ),
    )
    roles = forms.MultipleChoiceField(
        label=_("Your roles"),
        choices=_self_declared_role_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=ROLE_HELP,
    )

    def signup(self, request, user) -> None:
        from .services import user_set_self_declared_roles

        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])
        user_set_self_declared_roles(
            user=user, roles=[Role(value) for value in self.cleaned_data["roles"]]
        )


class ProfileForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Your roles"),
        choices=_self_declared_role_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=ROLE_HELP,
    )

    class Meta:
        model = User
        fields = ["display_name", "organisation_type", "region", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        held = set(self.instance.groups.values_list("name", flat=True))
        self.fields["roles"].initial = [
            role.value for role in SELF_DECLARED_ROLES if group_name(role) in held
        ]
        self.fields["region"].help_text = _(
            "No finer than a region, so nobody can place you."
        )


class AccountDeleteForm(forms.Form):
    """The person's password and a tick, so an account is never deleted by accident."""

    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that my account will be closed for good and cannot be restored."
        ),
        error_messages={
            "required": _(
                "Tick the box to confirm that you want to delete your account."
            )
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.label_suffix = ""
        self.fields["password"].error_messages["required"] = _(
            "Enter your current password."
        )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.has_usable_password():
            raise forms.ValidationError(
                _(
                    "Your account has no password yet. Set one under “Change password”, "
                    "then come back to delete your account."
                )
            )
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("That is not your current password. Check it and try again.")
            )
        return password
