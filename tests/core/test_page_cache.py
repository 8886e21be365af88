"""Experiment pages kept for anonymous readers: served from the cache while nothing
changes, and never a moment longer once something on them has (core/page_cache.py)."""

import pytest

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.services import account_delete
from critique import services as critique_services
from forum.models import Reply
from forum.replies import reply_edit
from moderation import services as moderation_services
from moderation.services import premoderation_paused
from tests.accounts.factories import PASSWORD, UserFactory
from tests.critique.factories import submitted_critique
from tests.forum.factories import registered
from tests.moderation.helpers import add_reply, words

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 300
    cache.clear()


@pytest.fixture
def experiment():
    return registered(title="Text reminders before family time")


@pytest.fixture
def reply(experiment, other_practitioner):
    with premoderation_paused():
        return add_reply(
            experiment, "Reminders the day before helped", other_practitioner
        )


def anonymous_view(client, experiment, query=""):
    """The page as a visitor gets it, and how many SQL queries that took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(experiment.get_absolute_url() + query)
    return response, len(queries)


def test_second_visit_is_served_from_the_cache(client, experiment, reply):
    first, first_queries = anonymous_view(client, experiment)
    second, second_queries = anonymous_view(client, experiment)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert first_queries > 5
    assert second_queries == 0
    assert "Reminders the day before helped" in words(second)


def test_each_page_of_replies_is_kept_apart(client, experiment, reply):
    anonymous_view(client, experiment)
    second_page, queries = anonymous_view(client, experiment, "?page=2")
    assert queries > 0  # not the first page's copy
    assert second_page.status_code == 200


def test_other_query_strings_are_never_cached(client, experiment, reply):
    anonymous_view(client, experiment, "?utm_source=newsletter")
    _again, queries = anonymous_view(client, experiment, "?utm_source=newsletter")
    assert queries > 0


def test_a_new_reply_shows_at_once(client, experiment, reply, practitioner):
    anonymous_view(client, experiment)
    with premoderation_paused():
        add_reply(experiment, "We tried a text two days before", practitioner)
    response, queries = anonymous_view(client, experiment)
    assert queries > 0
    assert "We tried a text two days before" in words(response)


def test_an_edited_reply_shows_its_new_text(client, experiment, reply):
    anonymous_view(client, experiment)
    # reply_edit writes with update(), which sends no signal.
    reply_edit(reply=reply, by=reply.user, text="Reminders on the morning helped more")
    response, _queries = anonymous_view(client, experiment)
    assert "Reminders on the morning helped more" in words(response)
    assert "Reminders the day before helped" not in words(response)


def test_a_reply_a_moderator_hides_disappears_at_once(
    client, experiment, reply, moderator
):
    anonymous_view(client, experiment)
    moderation_services.content_hide(target=reply, by=moderator, reason="Off topic")
    response, _queries = anonymous_view(client, experiment)
    assert "Reminders the day before helped" not in words(response)


def test_redacted_text_is_gone_at_once(client, experiment, reply, moderator):
    anonymous_view(client, experiment)
    moderation_services.content_redact(
        target=Reply.objects.get(pk=reply.pk),
        by=moderator,
        field="comment",
        reason="Names a school",
    )
    response, _queries = anonymous_view(client, experiment)
    assert "Reminders the day before helped" not in words(response)


def test_a_hidden_experiment_is_no_longer_served(client, experiment, moderator):
    assert anonymous_view(client, experiment)[0].status_code == 200
    moderation_services.content_hide(target=experiment, by=moderator, reason="Spam")
    assert anonymous_view(client, experiment)[0].status_code == 404


def test_a_critique_and_its_helpful_marks_show_at_once(
    client, experiment, practitioner, other_practitioner
):
    anonymous_view(client, experiment)
    critique = submitted_critique(experiment, reviewer=other_practitioner)
    response, _queries = anonymous_view(client, experiment)
    assert "Critiques (1)" in words(response)
    before = words(response)
    critique_services.helpful_mark(critique=critique, by=practitioner)
    after = words(anonymous_view(client, experiment)[0])
    assert after != before
    assert "1 person finds this critique helpful" in after


def test_a_deleted_account_shows_as_a_former_member(client, experiment, reply):
    anonymous_view(client, experiment)
    name = reply.user.public_name
    account_delete(user=reply.user)
    page = words(anonymous_view(client, experiment)[0])
    assert name not in page
    assert "Former member" in page


def test_signed_in_readers_never_get_the_anonymous_copy(
    client, experiment, reply, practitioner
):
    anonymous_view(client, experiment)
    client.login(username=practitioner.username, password=PASSWORD)
    response, queries = anonymous_view(client, experiment)
    assert queries > 0
    assert "Add a reply" in response.content.decode()


def test_a_waiting_message_is_shown_and_the_page_not_kept(client, experiment):
    anonymous_view(client, experiment)
    person = UserFactory()
    client.login(username=person.username, password=PASSWORD)
    response = client.post("/accounts/logout/", follow=False)
    assert response.status_code == 302
    shown, queries = anonymous_view(client, experiment)
    assert queries > 0
    assert "signed out" in words(shown).lower()
    # The message was shown once, and the page that showed it was not kept.
    again, _queries = anonymous_view(client, experiment)
    assert "signed out" not in words(again).lower()
    assert anonymous_view(client, experiment)[1] == 0


def test_zero_seconds_turns_the_cache_off(client, experiment, settings):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0
    anonymous_view(client, experiment)
    _response, queries = anonymous_view(client, experiment)
    assert queries > 0


def test_signing_in_does_not_drop_the_kept_pages(client, experiment, practitioner):
    anonymous_view(client, experiment)
    other = Client()
    other.login(username=practitioner.username, password=PASSWORD)  # writes last_login
    assert anonymous_view(client, experiment)[1] == 0
