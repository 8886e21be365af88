"""Local development: debug pages, e-mail printed to the console, demo content allowed."""

from .base import *  # noqa: F403
from .base import env_list

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"  # noqa: F405
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
DEMO_CONTENT_ALLOWED = True
# Wagtail logs every page save at INFO; too chatty when loading demo content.
LOGGING["loggers"] = {"wagtail": {"level": "WARNING"}}  # noqa: F405
