"""Critique pages through the test client: writing, answering, finding and refusing."""

import pytest

from django.urls import reverse

from critique.models import Critique, CritiquePoint
from critique.rubric import current_version
from tests.accounts.factories import PASSWORD, UserFactory
from tests.critique.factories import submitted_critique
from tests.forum.factories import ExperimentFactory, registered

pytestmark = pytest.mark.django_db


def form_data(version=None, *, action="submit", score="3", **extra) -> dict:
    version = version or current_version()
    data = {
        "rubric_version": version.pk,
        "strengths": "The baseline was recorded before starting.",
        "main_concerns": "Only one rater.\n\nShort follow-up period.",
        "questions": "How were moved sessions counted?",
        "certainty": "low",
        "recommendation": "adapt",
        "expertise": "practitioner",
        "action": action,
        "identifiability_attested": "on",
    }
    for criterion in version.criteria.all():
        data[f"score_{criterion.pk}"] = score
        data[f"comment_{criterion.pk}"] = ""
    data.update(extra)
    return data


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_write_and_submit_a_critique(client, other_practitioner):
    experiment = registered()
    signed_in(client, other_practitioner)
    url = reverse("critique:critique_new", args=[experiment.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "C1 Clear question and hypothesis" in page.content.decode()
    response = client.post(url, form_data(), follow=True)
    critique = Critique.objects.get()
    assert critique.state == "submitted"
    assert [p.text for p in critique.points.filter(kind="concern")] == [
        "Only one rater.",
        "Short follow-up period.",
    ]
    body = response.content.decode()
    assert "Your critique is published" in body
    assert "Critique profile" in body
    assert "How critics scored each criterion" in body


def test_incomplete_submission_keeps_the_draft(client, other_practitioner):
    experiment = registered()
    signed_in(client, other_practitioner)
    data = form_data(certainty="")
    response = client.post(
        reverse("critique:critique_new", args=[experiment.pk]), data, follow=True
    )
    critique = Critique.objects.get()
    assert critique.state == "draft"
    assert critique.strengths == data["strengths"]
    assert "Choose your overall certainty." in response.content.decode()


def test_author_answers_point_by_point(client, other_practitioner):
    experiment = registered()
    critique = submitted_critique(experiment, other_practitioner)
    signed_in(client, experiment.author)
    url = reverse("critique:critique_respond", args=[critique.pk])
    assert client.get(url).status_code == 200
    data = {}
    for point in critique.points.all():
        data[f"status_{point.pk}"] = "addressed"
        data[f"reply_{point.pk}"] = f"Answer to {point.position}"
    data["identifiability_attested"] = "on"
    response = client.post(url, data, follow=True)
    assert "the reviewer has been told" in response.content.decode()
    assert set(CritiquePoint.objects.values_list("status", flat=True)) == {"addressed"}


def test_queue_and_mine_pages(client, other_practitioner):
    experiment = registered()
    signed_in(client, other_practitioner)
    queue = client.get(reverse("critique:queue"))
    assert experiment.title in queue.content.decode()
    mine = client.get(reverse("critique:mine"))
    assert mine.status_code == 200
    assert client.get(reverse("critique:queue") + "?topic=nope").status_code == 200


def test_draft_experiment_cannot_be_critiqued(client, other_practitioner):
    experiment = ExperimentFactory()
    signed_in(client, other_practitioner)
    response = client.get(reverse("critique:critique_new", args=[experiment.pk]))
    assert response.status_code == 404
    assert not Critique.objects.exists()


def test_other_users_cannot_answer(client):
    experiment = registered()
    critique = submitted_critique(experiment)
    signed_in(client, UserFactory())
    response = client.post(
        reverse("critique:critique_respond", args=[critique.pk]), {}, follow=True
    )
    assert "Only the experiment&#x27;s author" in response.content.decode()


def test_crafted_score_outside_the_scale_is_refused_and_nothing_saved(
    client, other_practitioner
):
    experiment = registered()
    signed_in(client, other_practitioner)
    version = current_version()
    first = version.criteria.first()
    response = client.post(
        reverse("critique:critique_new", args=[experiment.pk]),
        form_data(**{f"score_{first.pk}": "5"}),
    )
    assert response.status_code == 200
    assert "Choose a score from 1 to 4" in response.content.decode()
    assert not Critique.objects.exists()


def test_crafted_criteria_from_another_version_are_refused(client, other_practitioner):
    from critique.rubric import rubric_version_publish

    experiment = registered()
    old = current_version()
    rubric = old.rubric
    criterion = rubric.criteria.first()
    criterion.title = "Clear, testable question"
    criterion.save()
    new = rubric_version_publish(rubric=rubric)
    signed_in(client, other_practitioner)
    data = form_data(new)
    data.update({f"score_{c.pk}": "2" for c in old.criteria.all()})
    response = client.post(reverse("critique:critique_new", args=[experiment.pk]), data)
    assert response.status_code == 200
    assert "not part of rubric version 2" in response.content.decode()
    assert not Critique.objects.exists()
    # The form of an old version cannot be posted as the new one either.
    response = client.post(
        reverse("critique:critique_new", args=[experiment.pk]), form_data(old)
    )
    assert "belongs to another version" in response.content.decode()
    assert not Critique.objects.exists()


def test_double_submission_saves_one_critique(client, other_practitioner):
    experiment = registered()
    signed_in(client, other_practitioner)
    url = reverse("critique:critique_new", args=[experiment.pk])
    client.post(url, form_data())
    response = client.post(url, form_data(strengths="A second try"), follow=True)
    assert Critique.objects.count() == 1
    critique = Critique.objects.get()
    assert critique.state == "submitted"
    assert critique.strengths != "A second try"
    assert "already critiqued" in response.content.decode()


def test_withdrawn_experiment_cannot_be_critiqued(client, other_practitioner):
    from forum import services as forum_services

    experiment = registered()
    forum_services.experiment_withdraw(
        experiment=experiment, by=experiment.author, reason="Team changed."
    )
    signed_in(client, other_practitioner)
    response = client.post(
        reverse("critique:critique_new", args=[experiment.pk]),
        form_data(),
        follow=True,
    )
    assert "was withdrawn, so it cannot be critiqued" in response.content.decode()
    assert not Critique.objects.exists()


def test_identifiers_are_refused_even_in_a_draft(client, other_practitioner):
    experiment = registered()
    signed_in(client, other_practitioner)
    response = client.post(
        reverse("critique:critique_new", args=[experiment.pk]),
        form_data(action="save", strengths="Call Mum on 07700 900123 to check."),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Remove before saving" in body
    assert '<mark class="finding finding--block">07700 900123</mark>' in body
    assert not Critique.objects.exists()


def test_warnings_need_a_reason_and_the_attestation_to_publish(
    client, other_practitioner
):
    experiment = registered()
    signed_in(client, other_practitioner)
    url = reverse("critique:critique_new", args=[experiment.pk])
    flagged = "Mrs Patel, the team manager, checked the baseline."
    response = client.post(
        url, form_data(strengths=flagged, identifiability_attested="")
    )
    body = response.content.decode()
    assert "say here why they are safe to publish" in body
    assert "Tick to confirm that nobody can be identified" in body
    assert not Critique.objects.exists()
    response = client.post(
        url,
        form_data(
            strengths=flagged,
            identifiability_reason="An invented name used as an example.",
        ),
        follow=True,
    )
    assert Critique.objects.get().state == "submitted"


def test_live_check_endpoint_lists_findings(client, other_practitioner):
    signed_in(client, other_practitioner)
    response = client.post(
        reverse("safeguarding:check"), {"text": "Email me at sam@example.org"}
    )
    assert response.status_code == 200
    (finding,) = response.json()["findings"]
    assert finding["severity"] == "block"
    assert finding["text"] == "sam@example.org"


def test_three_quasi_identifiers_send_the_critique_to_a_moderator(
    client, other_practitioner, django_capture_on_commit_callbacks, mailoutbox
):
    experiment = registered()
    signed_in(client, other_practitioner)
    text = "The boy is aged 7, one of seven children, and the only Sikh pupil there."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("critique:critique_new", args=[experiment.pk]),
            form_data(
                strengths=text, identifiability_reason="Checked with my manager."
            ),
            follow=True,
        )
    critique = Critique.objects.get()
    assert critique.state == "submitted"
    assert critique.is_held
    assert "A moderator checks it before others see it" in response.content.decode()
    # The author hears nothing until a moderator approves it.
    assert not [m for m in mailoutbox if experiment.author.email in m.to]
