import re

from allauth.core import ratelimit

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .export import personal_data_json
from .forms import AccountDeleteForm, ProfileForm
from .models import User
from .roles import Role
from .services import (
    ADMINISTRATOR_REFUSAL,
    AccountDeletionRefused,
    account_delete,
    user_update_profile,
)


def profile(request, username: str):
    """A person's public profile."""
    person = get_object_or_404(
        User.objects.filter(is_active=True).prefetch_related("groups"),
        username=username,
    )
    return render(request, "accounts/profile.html", {"person": person})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    # A fresh copy, so a rejected form cannot change the name shown in the header.
    person = User.objects.get(pk=request.user.pk)
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        user_update_profile(
            user=person,
            data=form.cleaned_data,
            roles=[Role(value) for value in form.cleaned_data["roles"]],
        )
        messages.success(request, _("Your profile has been saved."))
        return redirect(person.get_absolute_url())
    return render(request, "accounts/profile_edit.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def data_export(request):
    """What the download holds (GET); the JSON file itself (POST, so it is CSRF-checked)."""
    if request.method == "GET":
        return render(request, "accounts/data_export.html")
    # Only characters that are safe inside a quoted file name.
    username = re.sub(r"[^A-Za-z0-9._@+-]", "_", request.user.username)
    filename = f"iuseevidence-data-{username}-{timezone.localdate().isoformat()}.json"
    return HttpResponse(
        personal_data_json(user=request.user),
        content_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request):
    """Delete one's own account after the password and a tick; then sign out."""
    form = AccountDeleteForm(request.POST or None, user=request.user)
    refusal = None
    if request.user.is_superuser:
        refusal = ADMINISTRATOR_REFUSAL
    elif request.method == "POST":
        # The form is a password check: limit guesses as allauth does for its own.
        if not ratelimit.consume(request, action="reauthenticate", user=request.user):
            refusal = _(
                "Too many attempts. Wait a minute, then enter your password again."
            )
            form = AccountDeleteForm(user=request.user)
        elif form.is_valid():
            try:
                account_delete(user=request.user)
            except AccountDeletionRefused as error:
                refusal = str(error)
            else:
                logout(request)
                return render(request, "accounts/account_deleted.html")
    return render(
        request, "accounts/account_delete.html", {"form": form, "refusal": refusal}
    )
