from django.conf import settings


def site_chrome(request):
    """Values every page's header and footer need."""
    return {"site_name": settings.WAGTAIL_SITE_NAME}
