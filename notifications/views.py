from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .forms import PreferencesForm
from .models import EmailOptOut, Kind, Notification

PER_PAGE = 25


@login_required
@require_GET
def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user).select_related(
        "actor", "experiment", "critique"
    )
    page_obj = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page_obj, "notifications": page_obj.object_list},
    )


@login_required
@require_GET
def notification_open(request, pk: int):
    """Follow a notification: it counts as read, then the page it is about opens."""
    notification = get_object_or_404(
        Notification.objects.select_related("experiment"),
        pk=pk,
        recipient=request.user,
    )
    services.notification_open(notification=notification)
    return redirect(notification.target_url())


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(
        request,
        f"{count} notification{'s' if count != 1 else ''} marked as read."
        if count
        else "Nothing was unread.",
    )
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    turned_off = set(
        EmailOptOut.objects.filter(user=request.user).values_list("kind", flat=True)
    )
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.email_preferences_set(
                user=request.user, kinds_wanted=set(form.cleaned_data["kinds"])
            )
            messages.success(request, "Your e-mail choices are saved.")
            return redirect("notifications:preferences")
    else:
        form = PreferencesForm(
            initial={"kinds": [kind for kind in Kind.values if kind not in turned_off]}
        )
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # mail clients post one-click unsubscribes (RFC 8058); the token is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Turn off one kind of e-mail from the link in an e-mail, signed in or not."""
    found = services.unsubscribe_read(token)
    if found is None:
        raise Http404("This link is not valid. Use the link from a recent e-mail.")
    user_id, kind = found
    done = request.method == "POST"
    if done:
        services.email_opt_out(user_id=user_id, kind=kind)
    return render(
        request,
        "notifications/unsubscribe.html",
        {"kind_label": Kind(kind).label, "done": done},
    )
