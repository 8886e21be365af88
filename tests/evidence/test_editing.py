"""Editors write, preview, revise and publish evidence in the Wagtail admin."""

import pytest

from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from evidence.models import EvidencePage, Topic
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db


def evidence_form(topic: Topic, **overrides) -> dict:
    data = {
        "title": "DEMO Kitchen Table Plans",
        "slug": "demo-kitchen-table-plans",
        "standfirst": "A fictional way of writing plans with families.",
        "headline_points": streamfield([("point", "Plans written together are read.")]),
        "outcome_ratings": inline_formset(
            [
                {
                    "outcome": "Families understand the plan",
                    "effect": "mixed",
                    "strength": "3",
                }
            ]
        ),
        "what_it_is": rich_text("A plan written at the kitchen table."),
        "mechanism": rich_text("Ownership."),
        "context": rich_text("Child in need work."),
        "implementation": rich_text("No training needed."),
        "hypotheses": inline_formset(
            [{"statement": "If I write plans with parents then they will follow them."}]
        ),
        "cost_rating": "1",
        "cost_note": "",
        "source_type": "qualitative",
        "references": inline_formset(
            [{"citation": "DEMO reference: A. (2025).", "url": ""}]
        ),
        "last_reviewed": "2026-02-01",
        "next_review": "2027-02-01",
    }
    data.update(overrides)
    # Multi-value fields stay lists; nested_form_data would number them.
    return {**nested_form_data(data), "topics": [str(topic.pk)]}


@pytest.fixture
def editor_client(client, editor):
    """A test client logged in as a member of the Editor group."""
    assert client.login(username=editor.username, password=PASSWORD)
    return client


def add_url(parent) -> str:
    return f"/admin/pages/add/evidence/evidencepage/{parent.pk}/"


def test_editor_publishes_an_evidence_page(
    editor_client, evidence_index, topic, client
):
    response = editor_client.post(
        add_url(evidence_index), {**evidence_form(topic), "action-publish": "publish"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = EvidencePage.objects.get(slug="demo-kitchen-table-plans")
    assert page.live
    assert page.outcome_ratings.get().strength == 3
    assert list(page.topics.all()) == [topic]
    html = client.get("/evidence/demo-kitchen-table-plans/").content.decode()
    assert "3 of 4 - moderate" in html


def test_editor_saves_a_draft_that_the_public_cannot_see(
    editor_client, evidence_index, topic
):
    response = editor_client.post(add_url(evidence_index), evidence_form(topic))
    assert response.status_code == 302
    page = EvidencePage.objects.get(slug="demo-kitchen-table-plans")
    assert not page.live
    editor_client.logout()
    assert editor_client.get("/evidence/demo-kitchen-table-plans/").status_code == 404


def test_editor_previews_before_publishing(editor_client, evidence_index, topic):
    preview_url = add_url(evidence_index) + "preview/"
    response = editor_client.post(preview_url, evidence_form(topic))
    assert response.json()["is_valid"] is True
    html = editor_client.get(preview_url).content.decode()
    assert "DEMO Kitchen Table Plans" in html
    assert "Families understand the plan" in html
    assert not EvidencePage.objects.filter(slug="demo-kitchen-table-plans").exists()


def test_revision_keeps_history_and_hypothesis_ids(
    editor_client, evidence_index, topic
):
    editor_client.post(
        add_url(evidence_index), {**evidence_form(topic), "action-publish": "1"}
    )
    page = EvidencePage.objects.get(slug="demo-kitchen-table-plans")
    hypothesis = page.hypotheses.get()
    data = evidence_form(
        topic,
        title="DEMO Kitchen Table Plans, revised",
        hypotheses=inline_formset(
            [
                {
                    "id": str(hypothesis.pk),
                    "statement": "If I write plans with parents then...",
                }
            ],
            initial=1,
        ),
        outcome_ratings=inline_formset(
            [
                {
                    "id": str(page.outcome_ratings.get().pk),
                    "outcome": "Families understand the plan",
                    "effect": "mixed",
                    "strength": "3",
                }
            ],
            initial=1,
        ),
        references=inline_formset([], initial=0),
    )
    response = editor_client.post(
        f"/admin/pages/{page.pk}/edit/", {**data, "action-publish": "1"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.title == "DEMO Kitchen Table Plans, revised"
    assert page.revisions.count() == 2
    assert page.hypotheses.get().pk == hypothesis.pk


def test_missing_rating_is_refused_with_a_message(editor_client, evidence_index, topic):
    data = evidence_form(topic, outcome_ratings=inline_formset([], min=1))
    response = editor_client.post(
        add_url(evidence_index), {**data, "action-publish": "1"}
    )
    assert response.status_code == 200
    assert not EvidencePage.objects.exists()


def test_editor_cannot_publish_outside_the_evidence_section(
    editor_client, home_page, topic
):
    response = editor_client.get(
        f"/admin/pages/add/evidence/evidencepage/{home_page.pk}/"
    )
    assert response.status_code in (302, 403)


def test_practitioner_cannot_open_the_admin(client, practitioner):
    client.login(username=practitioner.username, password=PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_editor_manages_topics(editor_client):
    response = editor_client.get("/admin/snippets/evidence/topic/")
    assert response.status_code == 200
    assert "Neglect" in response.content.decode()
