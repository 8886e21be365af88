import datetime

import pytest

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from evidence.models import EvidenceIndexPage, EvidencePage, HomePage, OutcomeRating
from tests.evidence.factories import (
    EvidencePageFactory,
    OutcomeRatingFactory,
    PracticeHypothesisFactory,
)

pytestmark = pytest.mark.django_db


def test_new_site_has_home_and_evidence_index(client):
    home = HomePage.objects.get()
    index = EvidenceIndexPage.objects.get()
    assert index.get_parent().specific == home
    assert client.get("/").status_code == 200
    assert client.get("/evidence/").status_code == 200


def test_evidence_pages_live_only_under_the_evidence_index(home_page, evidence_index):
    assert EvidencePage.can_create_at(evidence_index)
    assert not EvidencePage.can_create_at(home_page)
    assert not HomePage.can_create_at(evidence_index)
    # One home page and one index per site.
    assert not HomePage.can_create_at(home_page.get_parent())
    assert not EvidenceIndexPage.can_create_at(home_page)


def test_evidence_page_requires_its_editorial_fields(evidence_index):
    page = EvidencePage(title="DEMO Something", slug="demo-something")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    for field in (
        "standfirst",
        "what_it_is",
        "mechanism",
        "source_type",
        "last_reviewed",
    ):
        assert field in error.value.message_dict


def test_next_review_cannot_precede_last_review(evidence_index):
    page = EvidencePageFactory.build(
        last_reviewed=datetime.date(2026, 5, 1), next_review=datetime.date(2026, 4, 1)
    )
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "next_review" in error.value.message_dict


def test_database_refuses_a_review_date_in_the_wrong_order(evidence_index):
    page = EvidencePageFactory(parent=evidence_index)
    page.next_review = page.last_reviewed - datetime.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidencePage.objects.filter(pk=page.pk).update(next_review=page.next_review)


@pytest.mark.parametrize("strength", [-1, 5])
def test_database_refuses_a_strength_outside_0_to_4(evidence_index, strength):
    page = EvidencePageFactory(parent=evidence_index)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeRating.objects.create(
            page=page, outcome="x", effect="positive", strength=strength
        )


def test_database_refuses_an_unknown_effect(evidence_index):
    page = EvidencePageFactory(parent=evidence_index)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeRating.objects.create(
            page=page, outcome="x", effect="brilliant", strength=2
        )


def test_practice_hypothesis_keeps_its_id_when_the_page_is_revised(evidence_index):
    page = EvidencePageFactory(parent=evidence_index)
    hypothesis = PracticeHypothesisFactory(page=page)
    page.title = "DEMO Renamed"
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.title == "DEMO Renamed"
    assert list(page.hypotheses.values_list("pk", flat=True)) == [hypothesis.pk]


def test_strongest_rating_picks_the_best_evidenced_outcome(evidence_index):
    page = EvidencePageFactory(parent=evidence_index)
    OutcomeRatingFactory(page=page, outcome="Weak", strength=1)
    OutcomeRatingFactory(page=page, outcome="Strong", strength=4)
    assert page.strongest_rating.outcome == "Strong"
