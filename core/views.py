import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

# What a client should wait before trying again while the database is unreachable
# (a restart, a failover, SQLite locked for longer than its busy timeout).
RETRY_AFTER_SECONDS = 30


def rate_limited(request, exception):
    """Shown (status 429) when someone posts or tries to sign in too often."""
    return render(request, "429.html", status=429)


def _database_unavailable(error: BaseException | None) -> bool:
    # OperationalError covers lost and refused connections and locks; InterfaceError
    # a connection already closed. Other database errors (integrity, programming)
    # are faults in our code and stay 500s.
    return isinstance(error, OperationalError | InterfaceError)


@requires_csrf_token
def server_error(request):
    """The 500 page, or a 503 that says when to try again if the database is away.

    Both templates are plain pages that read neither the database nor the session:
    what failed may be the database itself.
    """
    error = sys.exc_info()[1]
    if _database_unavailable(error):
        logger.warning("Database unavailable: %s", error)
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
