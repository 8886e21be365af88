"""The experiment page costs the same number of queries with 10 replies or 200."""

import pytest

from django.conf import settings

from forum import services
from forum.models import Experiment, Reply
from tests.accounts.factories import PASSWORD, UserFactory
from tests.forum.factories import concluded

pytestmark = pytest.mark.django_db

DETAIL_QUERIES_ANONYMOUS = 13
DETAIL_QUERIES_SIGNED_IN = 21


def add_replies(experiment, count: int) -> None:
    """`count` replies from several people, nested three deep, as threads of three."""
    people = [UserFactory() for _ in range(4)]
    parent = None
    for number in range(count):
        person = people[number % len(people)]
        reply = Reply(
            content_object=experiment,
            site_id=settings.SITE_ID,
            user=person,
            user_name=person.public_name,
            user_email=person.email,
            comment=f"Reply number {number} with **Markdown**",
            parent_id=parent.pk if parent is not None and parent.level < 2 else 0,
        )
        reply.save()
        parent = reply if reply.level < 2 else None
    Experiment.objects.filter(pk=experiment.pk).update(reply_count=count)


@pytest.fixture
def busy_experiment():
    """A concluded experiment with an amendment-free plan and a replication."""
    experiment = concluded()
    services.experiment_start_replication(original=experiment, by=UserFactory())
    return experiment


@pytest.mark.parametrize("replies", [10, 200])
def test_anonymous_detail_query_count_is_constant(
    client, busy_experiment, replies, django_assert_num_queries, settings
):
    # Rendering, not the copy kept for anonymous readers (tests/core/test_page_cache.py).
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0
    add_replies(busy_experiment, replies)
    url = busy_experiment.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(DETAIL_QUERIES_ANONYMOUS):
        response = client.get(url)
    assert "Reply number 0 with <strong>Markdown</strong>" in response.content.decode()


@pytest.mark.parametrize("replies", [10, 200])
def test_signed_in_detail_query_count_is_constant(
    client, busy_experiment, replies, django_assert_num_queries
):
    add_replies(busy_experiment, replies)
    reader = UserFactory(username="reader")
    client.login(username=reader.username, password=PASSWORD)
    url = busy_experiment.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(DETAIL_QUERIES_SIGNED_IN):
        response = client.get(url)
    assert "Add a reply" in response.content.decode()
