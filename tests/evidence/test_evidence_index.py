import pytest

from django.test.utils import override_settings

from tests.evidence.factories import EvidencePageFactory, OutcomeRatingFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [page.title for page in response.context["evidence_pages"]]


@pytest.fixture
def three_pages(evidence_index, topic, other_topic, age_band):
    """Neglect/6-11/strong, Neglect/weak, Domestic abuse/moderate."""
    strong = EvidencePageFactory(
        parent=evidence_index, title="DEMO Alpha", topics=[topic], age_bands=[age_band]
    )
    OutcomeRatingFactory(page=strong, strength=4)
    weak = EvidencePageFactory(
        parent=evidence_index, title="DEMO Bravo", topics=[topic]
    )
    OutcomeRatingFactory(page=weak, strength=1)
    moderate = EvidencePageFactory(
        parent=evidence_index, title="DEMO Charlie", topics=[other_topic]
    )
    OutcomeRatingFactory(page=moderate, strength=3)
    return strong, weak, moderate


def test_index_lists_live_evidence_by_title(client, three_pages):
    three_pages[1].unpublish()
    response = client.get("/evidence/")
    assert titles(response) == ["DEMO Alpha", "DEMO Charlie"]
    assert "2 evidence summaries" in response.content.decode()


def test_filter_by_topic(client, three_pages):
    assert titles(client.get("/evidence/?topic=neglect")) == [
        "DEMO Alpha",
        "DEMO Bravo",
    ]


def test_filter_by_age_band(client, three_pages):
    assert titles(client.get("/evidence/?age=6-11")) == ["DEMO Alpha"]


def test_filter_by_minimum_strength(client, three_pages):
    assert titles(client.get("/evidence/?strength=3")) == ["DEMO Alpha", "DEMO Charlie"]


def test_filters_combine(client, three_pages):
    assert titles(client.get("/evidence/?topic=neglect&strength=3")) == ["DEMO Alpha"]


def test_page_with_two_strong_outcomes_is_listed_once(client, three_pages):
    OutcomeRatingFactory(page=three_pages[0], strength=4)
    assert titles(client.get("/evidence/?strength=4")) == ["DEMO Alpha"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("topic=astrology", "We have no topic called “astrology”"),
        ("age=99-100", "We have no age band called “99-100”"),
        ("strength=9", "Strength of evidence must be a whole number from 1 to 4"),
        (
            "strength=%3Cscript%3E",
            "Strength of evidence must be a whole number from 1 to 4",
        ),
    ],
)
def test_bad_filter_values_are_explained_and_ignored(
    client, three_pages, query, message
):
    response = client.get(f"/evidence/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert titles(response) == ["DEMO Alpha", "DEMO Bravo", "DEMO Charlie"]


def test_bad_filter_does_not_cancel_a_good_one(client, three_pages):
    response = client.get("/evidence/?topic=neglect&strength=many")
    assert titles(response) == ["DEMO Alpha", "DEMO Bravo"]


def test_script_in_a_filter_value_is_shown_as_text(client, three_pages):
    html = client.get("/evidence/?topic=<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_empty_result_suggests_what_to_do(client, three_pages):
    html = client.get("/evidence/?topic=neglect&age=0-2").content.decode()
    assert "Nothing matches these filters" in html


@override_settings(EVIDENCE_PER_PAGE=2)
def test_pagination_keeps_filters_and_survives_bad_page_numbers(
    client, evidence_index, topic
):
    for letter in "ABCDE":
        EvidencePageFactory(
            parent=evidence_index, title=f"DEMO {letter}", topics=[topic]
        )
    first = client.get("/evidence/?topic=neglect")
    assert titles(first) == ["DEMO A", "DEMO B"]
    assert "?topic=neglect&amp;page=2" in first.content.decode()
    assert titles(client.get("/evidence/?topic=neglect&page=3")) == ["DEMO E"]
    assert titles(client.get("/evidence/?topic=neglect&page=abc")) == [
        "DEMO A",
        "DEMO B",
    ]
    assert titles(client.get("/evidence/?topic=neglect&page=999")) == ["DEMO E"]


def test_empty_site_says_nothing_is_published(client, evidence_index):
    assert (
        "No evidence has been published yet"
        in client.get("/evidence/").content.decode()
    )
