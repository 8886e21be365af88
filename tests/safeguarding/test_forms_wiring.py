"""The identifiability check guards every form that publishes text, on the server.

Each test posts the way a browser (or a crafted request) would, and checks both what
the person is told and that nothing with an identifier was stored.
"""

import pytest

from django.urls import reverse

from forum.choices import State
from forum.models import Amendment, Experiment, Reply
from forum.reply_forms import ReplyForm
from moderation.models import Report
from moderation.services import QUASI_IDENTIFIERS_REASON
from tests.accounts.factories import PASSWORD
from tests.forum.factories import RESULTS, ExperimentFactory, registered

pytestmark = pytest.mark.django_db

NHS_NUMBER = "943 476 5919"  # a valid mod-11 check digit
ATTESTED = {"identifiability_attested": "on"}
QUASI = "The girl, aged 7, is Somali and has cystic fibrosis."


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def page(response) -> str:
    import html

    return html.unescape(response.content.decode())


# The plan: a draft stops only at blocks; registering settles warnings.


def plan_data(experiment=None, **changes) -> dict:
    from forum.forms import PlanForm

    form = PlanForm(instance=experiment)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, False):
            continue
        if isinstance(value, list):
            data[name] = [str(item) for item in value]
        else:
            data[name] = value
    data.update(changes)
    return data


def test_a_draft_with_an_nhs_number_is_not_saved(client, practitioner):
    experiment = ExperimentFactory(author=practitioner, aim="Fewer cancelled visits.")
    signed_in(client, practitioner)
    response = client.post(
        reverse("forum:experiment_edit", args=[experiment.pk]),
        plan_data(experiment, aim=f"Child's NHS number is {NHS_NUMBER}."),
    )
    assert response.status_code == 200
    text = page(response)
    assert "Remove before saving" in text
    assert "NHS number" in text
    experiment.refresh_from_db()
    assert experiment.aim == "Fewer cancelled visits."


def test_a_draft_with_only_warnings_is_saved_and_they_are_shown(client, practitioner):
    experiment = ExperimentFactory(author=practitioner)
    signed_in(client, practitioner)
    response = client.post(
        reverse("forum:experiment_edit", args=[experiment.pk]),
        plan_data(experiment, aim="Try it with Amy's family in Leeds."),
    )
    assert response.status_code == 302
    experiment.refresh_from_db()
    assert experiment.aim == "Try it with Amy's family in Leeds."


def test_register_page_marks_warnings_and_needs_a_reason(client, practitioner):
    experiment = ExperimentFactory(
        author=practitioner, aim="Try it with Amy's family in Leeds."
    )
    signed_in(client, practitioner)
    url = reverse("forum:experiment_register", args=[experiment.pk])
    preview = page(client.get(url))
    assert "Check these details before you register" in preview
    assert '<mark class="finding finding--warn">Amy</mark>' in preview

    refused = page(client.post(url, ATTESTED))
    assert "say here why they are safe to publish" in refused
    assert Experiment.objects.get().state == State.DRAFT

    client.post(url, ATTESTED | {"identifiability_reason": "Amy is a made-up name."})
    assert Experiment.objects.get().state == State.REGISTERED


def test_register_needs_the_attestation_tick(client, practitioner):
    experiment = ExperimentFactory(author=practitioner)
    signed_in(client, practitioner)
    url = reverse("forum:experiment_register", args=[experiment.pk])
    response = client.post(url, {})
    assert "Tick to confirm that nobody can be identified" in page(response)
    assert Experiment.objects.get().state == State.DRAFT


def test_a_plan_saved_with_an_identifier_cannot_be_registered(client, practitioner):
    # Saved before the rule existed (or written straight to the database).
    experiment = ExperimentFactory(author=practitioner, aim="Ring 07700 900123.")
    signed_in(client, practitioner)
    url = reverse("forum:experiment_register", args=[experiment.pk])
    response = client.post(
        url, ATTESTED | {"identifiability_reason": "It is fine."}, follow=True
    )
    assert "must be removed before it can be registered" in page(response)
    assert Experiment.objects.get().state == State.DRAFT


def test_a_plan_with_three_quasi_identifiers_waits_for_a_moderator(
    client, practitioner
):
    experiment = ExperimentFactory(author=practitioner, hypothesis_who=QUASI)
    signed_in(client, practitioner)
    response = client.post(
        reverse("forum:experiment_register", args=[experiment.pk]),
        ATTESTED | {"identifiability_reason": "Described coarsely on purpose."},
        follow=True,
    )
    experiment.refresh_from_db()
    assert experiment.state == State.REGISTERED
    assert experiment.is_held
    assert experiment.held_reason == QUASI_IDENTIFIERS_REASON
    assert "A moderator checks it before others see it" in page(response)


# Amendments, results and withdrawal publish at once.


def test_an_amendment_with_an_email_address_is_refused(client, practitioner):
    experiment = registered(author=practitioner)
    signed_in(client, practitioner)
    response = client.post(
        reverse("forum:experiment_amend", args=[experiment.pk]),
        {
            "field": "duration",
            "new_text": "10 weeks; write to jo.bloggs@example.org",
            "reason": "Leave",
        }
        | ATTESTED,
    )
    assert response.status_code == 200
    assert "Remove before saving" in page(response)
    assert not Amendment.objects.exists()


def test_an_amendment_with_quasi_identifiers_is_held(client, practitioner):
    experiment = registered(author=practitioner)
    signed_in(client, practitioner)
    client.post(
        reverse("forum:experiment_amend", args=[experiment.pk]),
        {"field": "duration", "new_text": "10 weeks", "reason": QUASI}
        | ATTESTED
        | {"identifiability_reason": "Needed to explain the change."},
    )
    amendment = Amendment.objects.get()
    assert amendment.is_held
    assert amendment.held_reason == QUASI_IDENTIFIERS_REASON


def test_results_with_a_phone_number_are_refused(client, practitioner):
    experiment = registered(author=practitioner)
    signed_in(client, practitioner)
    response = client.post(
        reverse("forum:experiment_results", args=[experiment.pk]),
        RESULTS | ATTESTED | {"what_happened": "Mum rang from 07700 900123."},
    )
    assert "Remove before saving" in page(response)
    experiment.refresh_from_db()
    assert experiment.state == State.REGISTERED
    assert experiment.what_happened == ""


def test_results_need_the_attestation(client, practitioner):
    experiment = registered(author=practitioner)
    signed_in(client, practitioner)
    response = client.post(
        reverse("forum:experiment_results", args=[experiment.pk]), RESULTS
    )
    assert "Tick to confirm" in page(response)
    assert Experiment.objects.get().state == State.REGISTERED


def test_a_withdrawal_reason_with_an_identifier_is_refused(client, practitioner):
    experiment = registered(author=practitioner)
    signed_in(client, practitioner)
    client.post(
        reverse("forum:experiment_withdraw", args=[experiment.pk]),
        {"reason": f"Child NHS {NHS_NUMBER} moved away."} | ATTESTED,
    )
    assert Experiment.objects.get().state == State.REGISTERED


# Replies


def post_reply(client, experiment, text, **extra):
    data = ReplyForm(experiment).initial.copy()
    data.update(comment=text, reply_to=0, next=experiment.get_absolute_url())
    data.update(extra)
    return client.post("/comments/post/", data)


def test_a_crafted_reply_with_an_nhs_number_is_not_saved(client, other_practitioner):
    experiment = registered()
    signed_in(client, other_practitioner)
    response = post_reply(
        client, experiment, f"Their number is {NHS_NUMBER}.", **ATTESTED
    )
    assert response.status_code == 200
    assert "Remove before saving" in page(response)
    assert not Reply.objects.exists()


def test_a_reply_needs_the_attestation(client, other_practitioner):
    experiment = registered()
    signed_in(client, other_practitioner)
    response = post_reply(client, experiment, "How will you count cancellations?")
    assert "Tick to confirm" in page(response)
    assert not Reply.objects.exists()


def test_a_reply_with_three_quasi_identifiers_waits_for_a_moderator(
    client, other_practitioner
):
    experiment = registered()
    signed_in(client, other_practitioner)
    response = post_reply(
        client,
        experiment,
        QUASI,
        identifiability_reason="Only to explain the context.",
        **ATTESTED,
    )
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert reply.is_held and not reply.is_public
    assert reply.held_reason == QUASI_IDENTIFIERS_REASON
    experiment.refresh_from_db()
    assert experiment.reply_count == 0


def test_a_reply_cannot_be_edited_to_add_an_identifier(client, other_practitioner):
    experiment = registered()
    signed_in(client, other_practitioner)
    post_reply(client, experiment, "A first thought.", **ATTESTED)
    reply = Reply.objects.get()
    response = client.post(
        reverse("forum:reply_edit", args=[reply.pk]),
        {"comment": "Write to sam@example.org"} | ATTESTED,
    )
    assert "Remove before saving" in page(response)
    reply.refresh_from_db()
    assert reply.comment == "A first thought."


# Reports: only moderators read them, so warnings pass but identifiers are refused.


def test_a_report_with_an_identifier_is_refused_and_names_pass(
    client, other_practitioner
):
    experiment = registered()
    signed_in(client, other_practitioner)
    url = reverse("moderation:report", args=["experiment", experiment.pk])
    response = client.post(
        url, {"reason": "identifies", "details": f"It gives {NHS_NUMBER}."}
    )
    assert "Remove before saving" in page(response)
    assert not Report.objects.exists()

    client.post(url, {"reason": "identifies", "details": "It names Amy."})
    assert Report.objects.count() == 1
