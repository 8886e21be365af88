"""WSGI entry point for the benchmark's Spirit project."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spiritsite.settings")

application = get_wsgi_application()
