"""Page query counts stay the same however much evidence is published."""

import pytest

from tests.evidence.factories import EvidencePageFactory, OutcomeRatingFactory
from tests.forum.factories import registered

pytestmark = pytest.mark.django_db

HOME_QUERIES = 11
INDEX_QUERIES = 13


def publish(count, *, parent, topics):
    """`count` evidence pages, each tested by a registered experiment."""
    for _ in range(count):
        page = EvidencePageFactory(parent=parent, topics=topics)
        OutcomeRatingFactory(page=page)
        registered(evidence_page=page, topics=topics)


@pytest.mark.parametrize("published", [3, 15])
def test_home_page_query_count_is_constant(
    client, evidence_index, topic, other_topic, published, django_assert_num_queries
):
    publish(published, parent=evidence_index, topics=[topic, other_topic])
    client.get("/")
    with django_assert_num_queries(HOME_QUERIES):
        client.get("/")


@pytest.mark.parametrize("published", [3, 15])
def test_evidence_index_query_count_is_constant(
    client,
    evidence_index,
    topic,
    other_topic,
    age_band,
    published,
    django_assert_num_queries,
):
    publish(published, parent=evidence_index, topics=[topic, other_topic])
    url = "/evidence/?topic=neglect&age=&strength=1"
    client.get(url)
    with django_assert_num_queries(INDEX_QUERIES):
        client.get(url)
