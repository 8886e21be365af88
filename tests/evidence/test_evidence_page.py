import pytest

from tests.evidence.factories import (
    EvidencePageFactory,
    OutcomeRatingFactory,
    PracticeHypothesisFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence_page(evidence_index, topic, age_band):
    """A live evidence page with two ratings, a hypothesis and a reference."""
    page = EvidencePageFactory(
        parent=evidence_index,
        title="DEMO Family Time Planner",
        slug="demo-family-time-planner",
        topics=[topic],
        age_bands=[age_band],
    )
    OutcomeRatingFactory(
        page=page, outcome="Children stay at home", effect="no_effect", strength=4
    )
    OutcomeRatingFactory(
        page=page, outcome="Parents attend meetings", effect="positive", strength=1
    )
    PracticeHypothesisFactory(
        page=page, statement="If I plan family time together then..."
    )
    ReferenceFactory(page=page, citation="DEMO reference: Writer, B. (2025).")
    return page


def test_evidence_page_is_served_at_its_slug(client, evidence_page):
    response = client.get("/evidence/demo-family-time-planner/")
    assert response.status_code == 200
    assert "DEMO Family Time Planner" in response.content.decode()


def test_each_outcome_shows_effect_and_strength_as_words(client, evidence_page):
    html = client.get(evidence_page.url).content.decode()
    assert "Children stay at home" in html
    assert "No effect" in html
    assert "4 of 4 - strong" in html
    assert "Parents attend meetings" in html
    assert "Positive" in html
    assert "1 of 4 - limited" in html


def test_page_shows_every_editorial_section(client, evidence_page):
    html = client.get(evidence_page.url).content.decode()
    for text in (
        "Headline points",
        "What it is",
        "How it works",
        "For whom and where",
        "Implementation",
        "2 of 5 - low cost",
        "Randomised controlled trial",
        "Neglect",
        "6 to 11 years",
        "10 January 2026",
        "10 January 2027",
        "DEMO reference: Writer, B. (2025).",
    ):
        assert text in html, text


def test_practice_hypotheses_have_stable_anchors(client, evidence_page):
    hypothesis = evidence_page.hypotheses.get()
    html = client.get(evidence_page.url).content.decode()
    assert f'id="hypothesis-{hypothesis.pk}"' in html
    assert "If I plan family time together then..." in html


def test_unknown_cost_says_so(client, evidence_index):
    page = EvidencePageFactory(parent=evidence_index, cost_rating=None)
    assert "Not known" in client.get(page.url).content.decode()


def test_unpublished_evidence_page_is_not_served(client, evidence_page):
    evidence_page.unpublish()
    assert client.get("/evidence/demo-family-time-planner/").status_code == 404
