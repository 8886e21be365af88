"""Every URL pattern of the site, requested by six kinds of people: each gets what the
permission matrix (tests/security/permission_matrix.py) says, and nothing changes
unless the matrix says the action happens.

The matrix must keep up with the URL configuration: a new URL pattern without an
entry, or an entry for a URL that no longer exists, fails here.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress

from django.contrib import messages as message_levels
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts.models import User
from critique.models import (
    CriterionScore,
    Critique,
    CritiquePoint,
    CritiqueRequest,
    HelpfulMark,
)
from forum.models import (
    Amendment,
    DiscussionMute,
    Experiment,
    ModerationLogEntry,
    Reply,
)
from moderation.models import AuditEntry, Report, Suspension
from notifications.models import EmailOptOut, Notification
from tests.accounts.factories import UserFactory
from tests.security.permission_matrix import (
    ACTORS,
    MATRIX,
    NOT_ALLOWED,
    PAGE,
    World,
    redirect,
    row,
)

# Whole prefixes left out of the matrix, and why.
EXCLUDED_PREFIXES = {
    # Wagtail's admin checks its own permissions (and has its own test suite); who may
    # enter it at all is checked by test_wagtail_admin_front_door below.
    "admin/": "Wagtail admin",
    # Wagtail's document serving, with Wagtail's own collection privacy checks.
    "documents/": "Wagtail documents",
    # Served by the web server (WhiteNoise), or by Django only when DEBUG is on.
    "static/": "static files",
    "media/": "uploaded files",
}

METHODS = ("GET", "POST")


# ---------------------------------------------------------------------------
# The URL configuration


def _join(prefix: str, route: str) -> str:
    """Join routes as `ResolverMatch.route` does: without the inner pattern's "^"."""
    return route if not prefix else prefix + route.removeprefix("^")


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        route = _join(prefix, str(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = (
                    f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                )
            yield from _walk(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or route
            yield (
                (f"{namespace}:{name}" if namespace else name),
                route,
                entry.lookup_str,
            )


def all_url_patterns() -> list[tuple[str, str, str]]:
    """(name, route, view) of every URL pattern, excluded prefixes included."""
    return list(_walk(get_resolver()))


def url_patterns() -> dict[str, set[str]]:
    """{URL name: its routes} of every pattern the matrix must cover."""
    found: dict[str, set[str]] = {}
    for name, route, _view in all_url_patterns():
        if not route.startswith(tuple(EXCLUDED_PREFIXES)):
            found.setdefault(name, set()).add(route)
    return found


def test_every_url_pattern_has_an_entry_in_the_matrix():
    missing = sorted(set(url_patterns()) - set(MATRIX))
    assert not missing, (
        f"URL patterns with no entry in the permission matrix: {missing}"
    )


def test_every_entry_in_the_matrix_names_an_existing_url():
    stale = sorted(set(MATRIX) - set(url_patterns()))
    assert not stale, f"Matrix entries for URL names that no longer exist: {stale}"


def test_every_route_of_each_url_name_is_exercised():
    for name, routes in url_patterns().items():
        declared = {case.route for case in MATRIX.get(name, [])}
        if len(routes) == 1:
            assert declared <= {None, *routes}, (name, declared, routes)
        else:
            assert declared == routes, (
                f"{name} has the routes {sorted(routes)}; give each case its route "
                f"and a case for each route (now {sorted(declared, key=str)})"
            )


def test_django_admin_is_not_mounted():
    views = [view for _name, _route, view in all_url_patterns()]
    assert not [view for view in views if view.startswith("django.contrib.admin.")]


def test_every_case_states_every_actor_and_its_wrong_cells_exist():
    for name, cases in MATRIX.items():
        assert cases, name
        variants = [case.variant for case in cases]
        assert len(set(variants)) == len(variants), f"{name}: variants must differ"
        for case in cases:
            assert set(case.get) == set(ACTORS), (name, case.variant)
            if case.post is not None:
                assert set(case.post) == set(ACTORS), (name, case.variant)
            for wrong in case.wrong:
                assert case.outcomes(wrong.method) is not None, (name, wrong)
                assert wrong.actor in ACTORS, (name, wrong)


def test_button_only_actions_have_post_rows():
    for name, cases in MATRIX.items():
        for case in cases:
            if NOT_ALLOWED in case.get.values():
                assert case.post is not None, (name, case.variant)


# ---------------------------------------------------------------------------
# What changed


WATCHED = (
    User,
    User.groups.through,
    EmailAddress,
    Experiment,
    Experiment.topics.through,
    Amendment,
    ModerationLogEntry,
    Reply,
    DiscussionMute,
    Critique,
    CriterionScore,
    CritiquePoint,
    HelpfulMark,
    CritiqueRequest,
    Report,
    AuditEntry,
    Suspension,
    Notification,
    EmailOptOut,
)


def snapshot() -> dict[str, list[tuple]]:
    """Every stored row a request to one of these URLs could change.

    Plain SQL, since it runs twice in each of a thousand tests; the table names come
    from the models above.
    """
    rows = {}
    with connection.cursor() as cursor:
        for model in WATCHED:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608
            rows[model._meta.label] = cursor.fetchall()
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


# ---------------------------------------------------------------------------
# The matrix, cell by cell


@pytest.fixture
def administrator(db):
    """A superuser."""
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def world(request, db):
    return World(request)


def _cells():
    for name, cases in MATRIX.items():
        for case in cases:
            label = f"{name}({case.variant})" if case.variant else name
            for method in METHODS:
                outcomes = case.outcomes(method)
                if outcomes is None:
                    continue
                for actor in ACTORS:
                    marks = [
                        pytest.mark.xfail(
                            strict=True,
                            reason=f"expected {outcomes[actor]}, but {wrong.actual}; "
                            f"see {wrong.where}",
                        )
                        for wrong in case.wrong
                        if (wrong.method, wrong.actor) == (method, actor)
                    ]
                    yield pytest.param(
                        name,
                        case,
                        actor,
                        method,
                        id=f"{label}-{actor}-{method}",
                        marks=marks,
                    )


@pytest.mark.parametrize(("name", "case", "actor", "method"), list(_cells()))
def test_permission(client, world, name, case, actor, method):
    """One cell of the matrix: one URL, one person, one method."""
    expected = case.outcomes(method)[actor]
    address = case.url(world)
    match = resolve(urlsplit(address).path)
    assert match.view_name == name, f"{address} is {match.view_name}, not {name}"
    if case.route is not None:
        assert match.route == case.route, (address, match.route)
    user = world.user(actor)
    if user is not None:
        client.force_login(user)
    data = case.data(world) if method == "POST" else None

    before = snapshot()
    response = client.get(address) if method == "GET" else client.post(address, data)
    after = snapshot()

    actual = f"{response.status_code} {response.get('Location', '')}".strip()
    assert response.status_code == expected.status, (
        f"{method} {address} as {actor}: expected {expected}, got {actual}"
    )
    location = response.get("Location")
    if expected.kind == "login":
        parts = urlsplit(location)
        assert parts.path == reverse("account_login"), actual
        assert parse_qs(parts.query).get("next") == [address], actual
    elif expected.to is not None and expected.status in (301, 302):
        assert location == expected.location(world), actual
    if expected.kind == "refused":
        shown = list(get_messages(response.wsgi_request))
        assert shown, "refused without saying why"
        assert all(message.level != message_levels.SUCCESS for message in shown), [
            str(message) for message in shown
        ]

    changed = changed_tables(before, after)
    if expected.changes:
        assert changed, (
            f"{method} {address} as {actor} was meant to act, but changed nothing"
        )
    else:
        assert not changed, (
            f"{method} {address} as {actor} ({expected}) changed {changed}"
        )


# ---------------------------------------------------------------------------
# The Wagtail admin's front door: editors and administrators only. Moderators work
# in the site's own moderation pages and have no admin access.

ADMIN_LOGIN = redirect("/admin/login/?next=/admin/")
ADMIN_FRONT_DOOR = row(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, PAGE, PAGE)


@pytest.mark.parametrize("actor", ACTORS)
def test_wagtail_admin_front_door(client, world, actor):
    expected = ADMIN_FRONT_DOOR[actor]
    user = world.user(actor)
    if user is not None:
        client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == expected.status
    if expected.to is not None:
        assert response["Location"] == expected.to


# Appointing editors and moderators happens under Settings > Users: administrators only.
USERS_LOGIN = redirect("/admin/login/?next=/admin/users/")
USER_ADMIN = row(
    USERS_LOGIN, USERS_LOGIN, USERS_LOGIN, USERS_LOGIN, redirect("/admin/"), PAGE
)


@pytest.mark.parametrize("actor", ACTORS)
def test_only_administrators_manage_users_in_the_admin(client, world, actor):
    expected = USER_ADMIN[actor]
    user = world.user(actor)
    if user is not None:
        client.force_login(user)
    response = client.get("/admin/users/")
    assert response.status_code == expected.status
    if expected.to is not None:
        assert response["Location"] == expected.to
