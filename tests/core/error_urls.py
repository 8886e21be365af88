"""URLs for tests/core/test_errors.py: views that fail the ways a server can."""

from django.db import IntegrityError, OperationalError
from django.urls import path

from config.urls import handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns


def database_gone(request):
    raise OperationalError(
        "connection to server at 127.0.0.1 failed: Connection refused"
    )


def our_fault(request):
    raise IntegrityError("UNIQUE constraint failed")


urlpatterns = [
    path("fail/database/", database_gone),
    path("fail/ours/", our_fault),
    *site_urlpatterns,
]
