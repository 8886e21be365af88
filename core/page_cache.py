"""Rendered pages kept for anonymous readers, dropped by any change to what they show.

Most people who open an experiment are not signed in, and for them the page is the
same until something on it changes. `anonymous_page_cache` keeps the rendered HTML
of such a view in the cache under the site's current *generation*, a random token.
Any change to published content gives the site a new generation (`bump()`), so
every page kept under an older one is never served again. There is no per-page
bookkeeping to forget: what changed does not matter, only that something did.

What bumps the generation:
- every save and delete of a model in the apps whose content these pages show
  (`CONTENT_APPS`), and changes to their many-to-many relations, through signals;
- `bump()`, called by the services that change rows with `QuerySet.update()`,
  which sends no signal (moderation, redaction, counts, account deletion...).

A bump happens at once and again when the transaction commits. The first stops
readers from being served the old page while the change is being made; the
second drops anything a reader rendered from the old rows in between. A reader
takes the generation before it renders and stores under that one, so a page
rendered from old rows can never land under the new generation.

`ANONYMOUS_PAGE_CACHE_SECONDS` bounds how long a page is kept whatever happens (a
safety net for a change made outside the application, by SQL, say); 0 turns the
cache off. A page is only kept for a plain GET by someone not signed in, with no
query string but `page=<number>`, no messages waiting, and a 200 response that
sets no cookie (a CSRF token on the page would be someone else's).
"""

import functools
import re
import uuid

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.translation import get_language

GENERATION_KEY = "anonymous-pages:generation"
PAGE_KEY = "anonymous-pages:{generation}:{language}:{path}:{page}"
# Apps whose rows appear on cached pages: experiments, replies and their authors'
# names, critiques, moderation notes, topics and evidence titles, Wagtail pages.
CONTENT_APPS = frozenset(
    {
        "accounts",
        "auth",
        "critique",
        "django_comments",
        "django_comments_xtd",
        "evidence",
        "forum",
        "moderation",
        "wagtailcore",
    }
)
_PAGE_QUERY = re.compile(r"^(?:page=(\d{1,6}))?$")


def _seconds() -> int:
    return int(getattr(settings, "ANONYMOUS_PAGE_CACHE_SECONDS", 0))


def generation() -> str:
    """The current generation, starting one if the cache has none (or lost it)."""
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        current = cache.get(GENERATION_KEY)
    return current


def generation_for(models) -> str | None:
    """The generation, if a change to any of `models` replaces it; else None.

    What search's filter cache asks (search/backends/whoosh/subqueries.py) before
    it reuses a subquery's result over these models' tables. Saves that change
    only what no page shows (`last_login`) do not replace it.
    """
    if all(model._meta.app_label in CONTENT_APPS for model in models):
        return generation()
    return None


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def bump() -> None:
    """Drop every kept page, now and again when the current transaction commits."""
    _new_generation()
    transaction.on_commit(_new_generation)


# Saves that change nothing a page shows: signing in writes only `last_login`.
_UNSHOWN_UPDATES = frozenset({"last_login"})


def _on_change(sender, **kwargs):
    if kwargs.get("raw"):
        return  # fixture loading
    update_fields = kwargs.get("update_fields")
    if update_fields and _UNSHOWN_UPDATES.issuperset(update_fields):
        return
    if sender._meta.app_label in CONTENT_APPS:
        bump()


def _on_m2m_change(sender, action, **kwargs):
    if action.startswith("post_"):
        _on_change(kwargs["model"])
        _on_change(type(kwargs["instance"]))


def connect_signals() -> None:
    post_save.connect(_on_change, dispatch_uid="anonymous-pages-save")
    post_delete.connect(_on_change, dispatch_uid="anonymous-pages-delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="anonymous-pages-m2m")


def _cacheable_request(request) -> re.Match | None:
    if request.method != "GET" or request.user.is_authenticated:
        return None
    if len(get_messages(request)):  # counting does not mark them as shown
        return None
    return _PAGE_QUERY.match(request.META.get("QUERY_STRING", ""))


def _cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def anonymous_page_cache(view):
    """Serve `view`'s page to anonymous readers from the cache while nothing changes."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = _seconds()
        query = _cacheable_request(request) if seconds > 0 else None
        if query is None:
            return view(request, *args, **kwargs)
        key = PAGE_KEY.format(
            generation=generation(),
            language=get_language(),
            path=request.path,
            page=query.group(1) or "",
        )
        kept = cache.get(key)
        if kept is not None:
            content, content_type = kept
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if _cacheable_response(request, response):
            cache.set(key, (response.content, response["Content-Type"]), seconds)
        return response

    return wrapper
