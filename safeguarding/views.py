from django_ratelimit.decorators import ratelimit

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .identify import check_text

MAX_LENGTH = 20_000


@login_required
@require_POST
@ratelimit(key="user", rate="120/m", block=False)
def check(request):
    """The identifiability check for the script that re-checks text as people type.

    The same check runs again on the server when the form is sent; this only helps.
    """
    if getattr(request, "limited", False):
        return JsonResponse(
            {"error": "Too many checks at once; the form will check when you send it."},
            status=429,
        )
    text = request.POST.get("text", "")[:MAX_LENGTH]
    return JsonResponse(
        {
            "findings": [
                {
                    "text": finding.text,
                    "label": finding.label,
                    "severity": finding.severity,
                    "suggestion": finding.suggestion,
                }
                for finding in check_text(text)
            ]
        }
    )
