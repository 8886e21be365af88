from django.conf import settings
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from forum.reply_views import reply_post, reply_posted

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("people/", include("accounts.urls")),
    path("experiments/", include("forum.urls")),
    path("critiques/", include("critique.urls")),
    path("notifications/", include("notifications.urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("moderation/", include("moderation.urls")),
    path("search/", include("search.urls")),
    # django-comments-xtd's posting view only; its stock URL list would also mount an
    # unguarded REST API and pickled mute links.
    path("comments/post/", reply_post, name="comments-post-comment"),
    path("comments/posted/", reply_posted, name="comments-comment-done"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every other path from the page tree (home, /evidence/...).
urlpatterns += [path("", include(wagtail_urls))]

# A database that cannot be reached gives a 503 with Retry-After, not a 500.
handler500 = "core.views.server_error"
