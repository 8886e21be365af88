"""Spirit at the root, as Spirit's project template has it (without Django's admin)."""

import spirit.urls

from django.urls import include, path

urlpatterns = [path("", include(spirit.urls))]
