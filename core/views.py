from django.shortcuts import render


def rate_limited(request, exception):
    """Shown (status 429) when someone posts or tries to sign in too often."""
    return render(request, "429.html", status=429)
