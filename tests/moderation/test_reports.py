"""Readers report posts; enough different reporters hide a post until a moderator
reviews it; one person can send only so many reports an hour."""

import pytest
from defusedxml import ElementTree as ET

from django.test import override_settings

from forum.models import Experiment
from moderation.models import AuditAction, Reason, Report
from notifications.models import Kind, Notification
from tests.forum.factories import ExperimentFactory, registered
from tests.moderation.helpers import moderation_entries, page_text

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FRESH_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "moderation-report-rate-test",
    }
}


def report_url(kind: str, pk: int) -> str:
    return f"/moderation/report/{kind}/{pk}/"


def send_report(client, kind, pk, reason="identifies", details=""):
    return client.post(report_url(kind, pk), {"reason": reason, "details": details})


def list_titles(client) -> str:
    return page_text(client.get("/experiments/"))


def feed_titles(client) -> list[str]:
    root = ET.fromstring(client.get("/experiments/feed/").content)
    return [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]


def search_titles(client, q: str) -> list[str]:
    outcome = client.get("/search/", {"q": q, "kind": "experiment"}).context["outcome"]
    return [hit.title for hit in outcome.hits] if outcome.kind == "experiment" else []


# The button and the form


def test_every_post_has_a_report_link_for_signed_in_readers(
    sign_in, experiment, reply, critique, other_practitioner
):
    from forum import services

    amendment = services.experiment_amend(
        experiment=experiment,
        by=experiment.author,
        field="duration",
        new_text="10 weeks",
        reason="Half term.",
    )
    client = sign_in(other_practitioner)
    html = client.get(experiment.get_absolute_url()).content.decode()
    for kind, pk in [
        ("experiment", experiment.pk),
        ("amendment", amendment.pk),
        ("reply", reply.pk),
        ("critique", critique.pk),
    ]:
        assert f'href="{report_url(kind, pk)}"' in html, kind


def test_signed_out_readers_see_no_report_link_and_are_sent_to_sign_in(
    client, experiment
):
    html = client.get(experiment.get_absolute_url()).content.decode()
    assert "/moderation/report/" not in html
    response = client.get(report_url("experiment", experiment.pk))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_report_form_lists_the_reasons_and_works_without_javascript(
    sign_in, experiment, other_practitioner
):
    response = sign_in(other_practitioner).get(report_url("experiment", experiment.pk))
    html = page_text(response)
    assert response.status_code == 200
    for label in (
        "May identify a person",
        "Court material",
        "Unprofessional",
        "Safeguarding concern",
        "Misinformation",
    ):
        assert label in html
    assert "A reviewer raised a concern" not in html
    assert "<script" not in html.split("<main", 1)[1]
    assert "not a referral route" in html


def test_a_report_is_saved_and_the_reader_thanked(
    sign_in, experiment, other_practitioner
):
    client = sign_in(other_practitioner)
    response = send_report(
        client, "experiment", experiment.pk, "court", "Quotes a court order."
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.target, report.reason, report.reporter, report.details) == (
        experiment,
        Reason.COURT,
        other_practitioner,
        "Quotes a court order.",
    )
    assert "A moderator will look at your report" in page_text(
        client.get(response["Location"])
    )


def test_a_report_needs_a_reason(sign_in, experiment, other_practitioner):
    response = send_report(sign_in(other_practitioner), "experiment", experiment.pk, "")
    assert response.status_code == 200
    assert "Choose the reason that fits best." in page_text(response)
    assert not Report.objects.exists()


def test_a_reader_cannot_choose_the_reviewers_reason(
    sign_in, experiment, other_practitioner
):
    response = send_report(
        sign_in(other_practitioner), "experiment", experiment.pk, "critique_concern"
    )
    assert response.status_code == 200
    assert not Report.objects.exists()


def test_drafts_and_unknown_things_cannot_be_reported(sign_in, other_practitioner):
    draft = ExperimentFactory()
    client = sign_in(other_practitioner)
    assert client.get(report_url("experiment", draft.pk)).status_code == 404
    assert send_report(client, "experiment", draft.pk).status_code == 404
    assert client.get(report_url("page", 1)).status_code == 404
    assert client.get(report_url("reply", 999999)).status_code == 404
    assert not Report.objects.exists()


# Hidden after reports from K different people


@override_settings(MODERATION_HIDE_AFTER_REPORTS=3)
def test_reports_from_three_people_hide_the_experiment_everywhere_but_for_its_author(
    client, sign_in, experiment, reporters, search_index, committed
):
    with committed():
        experiment.save()  # indexed
    assert "Agreeing the purpose of visits" in list_titles(client)
    assert search_titles(client, "purpose visits") == ["Agreeing the purpose of visits"]

    # The same person twice, and two reasons, still count as one person.
    with committed():
        send_report(sign_in(reporters[0]), "experiment", experiment.pk, "identifies")
        send_report(sign_in(reporters[0]), "experiment", experiment.pk, "court")
        send_report(sign_in(reporters[1]), "experiment", experiment.pk, "identifies")
    assert not Experiment.objects.get().is_hidden
    with committed():
        response = send_report(sign_in(reporters[2]), "experiment", experiment.pk)
    assert response["Location"] == "/experiments/"  # the reporter can no longer see it

    hidden = Experiment.objects.get()
    assert hidden.is_hidden and hidden.hidden_by_reports
    client.logout()
    assert "Agreeing the purpose of visits" not in list_titles(client)
    assert "Agreeing the purpose of visits" not in feed_titles(client)
    assert search_titles(client, "purpose visits") == []
    assert client.get(experiment.get_absolute_url()).status_code == 404
    assert sign_in(reporters[3]).get(experiment.get_absolute_url()).status_code == 404
    assert client.get(f"/experiments/{experiment.pk}/plan.json").status_code == 404

    author_page = page_text(
        sign_in(experiment.author).get(experiment.get_absolute_url())
    )
    assert "Hidden until a moderator reviews it." in author_page
    assert "Reported by 3 people" in author_page
    assert (
        Notification.objects.get(recipient=experiment.author).kind
        == Kind.CONTENT_HIDDEN
    )
    entry = moderation_entries().get()
    assert (entry.action, entry.actor) == (AuditAction.AUTO_HIDDEN, None)


@override_settings(MODERATION_HIDE_AFTER_REPORTS=2)
def test_reported_reply_and_critique_are_hidden_from_others(
    client, sign_in, experiment, reply, critique, reporters, search_index, committed
):
    with committed():
        reply.save()
        critique.save()
    assert (
        client.get("/search/", {"q": "cancelled visits"})
        .context["outcome"]
        .counts["reply"]
        == 1
    )
    assert (
        client.get("/search/", {"q": "baseline"}).context["outcome"].counts["critique"]
        == 1
    )
    for reporter in reporters[:2]:
        with committed():
            send_report(sign_in(reporter), "reply", reply.pk, "unprofessional")
            send_report(sign_in(reporter), "critique", critique.pk, "misinformation")
    client.logout()
    html = page_text(client.get(experiment.get_absolute_url()))
    assert "Did you count the cancelled visits?" not in html
    assert f'id="critique-{critique.pk}"' not in html
    assert Experiment.objects.get().reply_count == 0
    search = client.get("/search/", {"q": "cancelled visits"}).context["outcome"]
    assert search.counts["reply"] == 0
    assert (
        client.get("/search/", {"q": "baseline"}).context["outcome"].counts["critique"]
        == 0
    )

    own = page_text(sign_in(reply.user).get(experiment.get_absolute_url()))
    assert "Did you count the cancelled visits?" in own
    assert "Hidden until a moderator reviews it." in own
    reviewer_view = page_text(
        sign_in(critique.reviewer).get(experiment.get_absolute_url())
    )
    assert f'id="critique-{critique.pk}"' in reviewer_view
    assert "Hidden until a moderator reviews it." in reviewer_view


def test_one_report_does_not_hide_anything(client, sign_in, experiment, reporters):
    send_report(sign_in(reporters[0]), "experiment", experiment.pk)
    client.logout()
    assert client.get(experiment.get_absolute_url()).status_code == 200


# Rate limit


# The test settings switch posting limits off; this test is about one.
@override_settings(
    RATELIMIT_ENABLE=True, CACHES=FRESH_CACHE, MODERATION_HIDE_AFTER_REPORTS=100
)
def test_the_eleventh_report_in_an_hour_is_refused_with_a_message(sign_in, reporters):
    experiments = [registered(title=f"Experiment {n}") for n in range(11)]
    client = sign_in(reporters[0])
    for experiment in experiments[:10]:
        assert send_report(client, "experiment", experiment.pk).status_code == 302
    response = send_report(client, "experiment", experiments[10].pk)
    assert response.status_code == 429
    assert "Too many reports for now" in page_text(response)
    assert "try again later" in page_text(response)
    assert Report.objects.count() == 10
    # Someone else can still report.
    assert (
        send_report(sign_in(reporters[1]), "experiment", experiments[10].pk).status_code
        == 302
    )
