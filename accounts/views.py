from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import ProfileForm
from .models import User
from .roles import Role
from .services import user_update_profile


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
