"""The experiment page costs the same number of queries with no critiques as with twenty."""

import pytest

from forum import services
from tests.accounts.factories import PASSWORD, UserFactory
from tests.critique.factories import all_scores, submitted_critique
from tests.forum.factories import concluded

pytestmark = pytest.mark.django_db

# Two fewer than tests/forum/test_detail_queries.py: no replies means no page of threads.
DETAIL_QUERIES_ANONYMOUS = 11
DETAIL_QUERIES_SIGNED_IN = 19


def experiment_with(critiques: int):
    """A concluded experiment set up as the forum's query test does, plus critiques."""
    experiment = concluded()
    services.experiment_start_replication(original=experiment, by=UserFactory())
    add_critiques(experiment, critiques)
    return experiment


def add_critiques(experiment, count: int) -> None:
    for number in range(count):
        critique = submitted_critique(
            experiment, UserFactory(), scores=all_scores(number % 4 + 1)
        )
        for point in critique.points.all()[:1]:
            point.status, point.reply = "addressed", "Done."
            point.responded_at = critique.submitted_at
            point.save()


@pytest.mark.parametrize("critiques", [0, 20])
def test_anonymous_query_count_does_not_grow(
    client, critiques, django_assert_num_queries, settings
):
    # Rendering, not the copy kept for anonymous readers (tests/core/test_page_cache.py).
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0
    experiment = experiment_with(critiques)
    url = experiment.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(DETAIL_QUERIES_ANONYMOUS):
        response = client.get(url)
    body = response.content.decode()
    if critiques:
        assert "Critiques (20)" in body
        assert body.count('class="critique"') == 20
    else:
        assert "No critiques yet." in body


@pytest.mark.parametrize("critiques", [0, 20])
def test_signed_in_query_count_does_not_grow(
    client, critiques, django_assert_num_queries
):
    experiment = experiment_with(critiques)
    reader = UserFactory(username="reader", roles=["practitioner"])
    client.login(username=reader.username, password=PASSWORD)
    url = experiment.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(DETAIL_QUERIES_SIGNED_IN):
        response = client.get(url)
    assert "Critique this experiment" in response.content.decode()
