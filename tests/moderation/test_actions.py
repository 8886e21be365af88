"""The moderation queue and each action on it: who may use them, what they change,
what the author is told and what the audit log keeps."""

import pytest

from django.test import override_settings

from accounts.models import User
from forum.models import Experiment, Reply
from moderation import services
from moderation.models import AuditAction, Reason, Report, Suspension
from notifications.models import Kind, Notification
from tests.accounts.factories import PASSWORD, UserFactory
from tests.critique.factories import submitted_critique
from tests.moderation.helpers import moderation_entries, page_text, words

pytestmark = pytest.mark.django_db

REASON = {"reason": "Names a school."}
ACTIONS = ["approve", "hide", "unhide", "dismiss", "redact", "lock", "unlock"]


def action_url(target, action: str, kind: str = "") -> str:
    kind = kind or target._meta.model_name
    return f"/moderation/{kind}/{target.pk}/{action}/"


def report(target, reporter, reason=Reason.IDENTIFIES):
    return services.report_submit(target=target, reporter=reporter, reason=reason)


# Who may use the queue


def test_the_queue_is_for_moderators_only(
    client, sign_in, practitioner, moderator, admin
):
    response = client.get("/moderation/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert sign_in(practitioner).get("/moderation/").status_code == 404
    assert sign_in(moderator).get("/moderation/").status_code == 200
    assert sign_in(admin).get("/moderation/").status_code == 200


@pytest.mark.parametrize("action", ACTIONS)
def test_non_moderators_cannot_see_or_use_any_action(
    sign_in, experiment, reply, other_practitioner, action
):
    report(experiment, other_practitioner)
    before = list(Experiment.objects.values()), list(Report.objects.values())
    client = sign_in(other_practitioner)
    assert client.get(f"/moderation/experiment/{experiment.pk}/").status_code == 404
    assert client.get(action_url(experiment, action)).status_code == 404
    data = {**REASON, "confirm": "on", "field": "title"}
    assert client.post(action_url(experiment, action), data).status_code == 404
    assert client.post(action_url(reply, "hide"), data).status_code == 404
    assert (list(Experiment.objects.values()), list(Report.objects.values())) == before
    assert not moderation_entries().exists()


@pytest.mark.parametrize(
    "call",
    [
        lambda t, by: services.content_approve(target=t, by=by, reason="x"),
        lambda t, by: services.content_hide(target=t, by=by, reason="x"),
        lambda t, by: services.content_unhide(target=t, by=by, reason="x"),
        lambda t, by: services.reports_dismiss(target=t, by=by, reason="x"),
        lambda t, by: services.content_redact(target=t, by=by, field="aim", reason="x"),
        lambda t, by: services.discussion_lock(experiment=t, by=by, reason="x"),
        lambda t, by: services.discussion_unlock(experiment=t, by=by, reason="x"),
        lambda t, by: services.user_suspend(user=t.author, by=by, reason="x"),
        lambda t, by: services.user_reinstate(user=t.author, by=by, reason="x"),
    ],
)
def test_every_service_refuses_non_moderators(experiment, other_practitioner, call):
    with pytest.raises(services.ActionRefused, match="Only moderators"):
        call(experiment, other_practitioner)
    assert not moderation_entries().exists()


def test_an_action_needs_a_reason(sign_in, moderator, reply):
    client = sign_in(moderator)
    response = client.post(action_url(reply, "hide"), {"reason": ""})
    assert response.status_code == 200
    assert "Give a reason. The author is shown it." in page_text(response)
    assert Reply.objects.get().is_public
    with pytest.raises(services.ActionRefused, match="Give a reason"):
        services.content_hide(target=reply, by=moderator, reason="  ")


# The queue


def test_the_queue_groups_reports_by_post_with_counts_and_reasons(
    sign_in, moderator, experiment, reply, critique, reporters
):
    report(experiment, reporters[0], Reason.IDENTIFIES)
    report(experiment, reporters[0], Reason.COURT)
    report(experiment, reporters[1], Reason.IDENTIFIES)
    report(reply, reporters[2], Reason.UNPROFESSIONAL)
    services.report_create(
        target=experiment,
        reason=Reason.CRITIQUE_CONCERN,
        reporter=critique.reviewer,
        details="The plan names the family's town.",
        source=critique,
    )
    html = page_text(sign_in(moderator).get("/moderation/"))
    assert "Reported (2)" in html
    assert "3 reports from 2 people" in html
    assert "May identify a person: 2" in html and "Court material: 1" in html
    assert "1 report from 1 person" in html and "Unprofessional: 1" in html
    assert "Reply on “Agreeing the purpose of visits”" in html
    assert "Concerns raised by reviewers (1)" in html
    assert (
        "The plan names the family&#x27;s town." in html
        or "The plan names the family's town." in html
    )
    assert f"/moderation/experiment/{experiment.pk}/" in html


def test_the_item_page_shows_reports_and_the_actions_that_apply(
    sign_in, moderator, experiment, reporters
):
    report(experiment, reporters[0])
    html = page_text(sign_in(moderator).get(f"/moderation/experiment/{experiment.pk}/"))
    assert "May identify a person" in html and reporters[0].public_name in html
    for action in ("dismiss", "hide", "redact", "lock"):
        assert action_url(experiment, action) in html
    assert action_url(experiment, "approve") not in html
    assert action_url(experiment, "unhide") not in html
    assert f"/moderation/people/{experiment.author.pk}/suspend/" in html


# Hide, unhide, dismiss


def test_hiding_asks_for_confirmation_then_hides_and_tells_the_author(
    client, sign_in, moderator, experiment, reply, reporters
):
    report(reply, reporters[0])
    moderator_client = sign_in(moderator)
    confirm = page_text(moderator_client.get(action_url(reply, "hide")))
    assert "Its author is told, with your reason." in confirm
    assert Reply.objects.get().is_public  # a GET changes nothing
    response = moderator_client.post(
        action_url(reply, "hide"), {"reason": "Unkind to a colleague."}
    )
    assert response.status_code == 302

    hidden = Reply.objects.get()
    assert hidden.is_hidden and not hidden.is_public and not hidden.hidden_by_reports
    assert Experiment.objects.get().reply_count == 0
    assert Report.objects.get().status == "resolved"
    notification = Notification.objects.get(recipient=reply.user)
    assert notification.kind == Kind.CONTENT_HIDDEN
    author_view = words(sign_in(reply.user).get(experiment.get_absolute_url()))
    assert "Hidden by a moderator: Unkind to a colleague." in author_view
    assert "is hidden. Open it to see why" in page_text(
        sign_in(reply.user).get("/notifications/")
    )
    client.logout()
    assert reply.comment not in page_text(client.get(experiment.get_absolute_url()))
    entry = moderation_entries().get()
    assert (entry.actor, entry.action, entry.target, entry.reason) == (
        moderator,
        AuditAction.HIDDEN,
        hidden,
        "Unkind to a colleague.",
    )


def test_unhiding_shows_it_again_and_dismisses_open_reports(
    client, sign_in, moderator, experiment, reply, reporters
):
    services.content_hide(target=reply, by=moderator, reason="Checking.")
    report(experiment, reporters[0])
    services.report_create(target=reply, reason=Reason.COURT, reporter=reporters[1])
    response = sign_in(moderator).post(
        action_url(reply, "unhide"), {"reason": "Checked: fine."}
    )
    assert response.status_code == 302
    shown = Reply.objects.get()
    assert shown.is_public and not shown.is_hidden
    assert Experiment.objects.get().reply_count == 1
    statuses = dict(Report.objects.values_list("content_type__model", "status"))
    assert statuses == {"reply": "dismissed", "experiment": "open"}
    client.logout()
    assert reply.comment in page_text(client.get(experiment.get_absolute_url()))
    assert moderation_entries().filter(action=AuditAction.UNHIDDEN).count() == 1


@override_settings(MODERATION_HIDE_AFTER_REPORTS=2)
def test_dismissing_reports_shows_again_what_they_hid(
    client, sign_in, moderator, experiment, reporters
):
    report(experiment, reporters[0])
    report(experiment, reporters[1])
    assert Experiment.objects.get().hidden_by_reports
    response = sign_in(moderator).post(
        action_url(experiment, "dismiss"), {"reason": "Fictional names only."}
    )
    assert response.status_code == 302
    assert not Experiment.objects.get().is_hidden
    assert set(Report.objects.values_list("status", flat=True)) == {"dismissed"}
    client.logout()
    assert client.get(experiment.get_absolute_url()).status_code == 200
    with pytest.raises(services.ActionRefused, match="no open reports"):
        services.reports_dismiss(target=experiment, by=moderator, reason="Again.")


def test_dismissing_does_not_show_what_a_moderator_hid(
    moderator, experiment, reporters
):
    report(experiment, reporters[0])
    services.content_hide(target=experiment, by=moderator, reason="Names a school.")
    services.report_create(
        target=experiment, reason=Reason.COURT, reporter=reporters[1]
    )
    services.reports_dismiss(target=experiment, by=moderator, reason="Handled.")
    assert Experiment.objects.get().is_hidden


def test_a_moderator_can_hide_a_critique_and_an_amendment(
    client, moderator, experiment, critique
):
    from forum import services as forum_services

    amendment = forum_services.experiment_amend(
        experiment=experiment,
        by=experiment.author,
        field="duration",
        new_text="Ten weeks at Oakfield Primary",
        reason="Holidays.",
    )
    services.content_hide(target=critique, by=moderator, reason="Off topic.")
    services.content_hide(target=amendment, by=moderator, reason="Names a school.")
    html = page_text(client.get(experiment.get_absolute_url()))
    assert f'id="critique-{critique.pk}"' not in html
    assert "Oakfield" not in html
    assert "No critiques yet." in html


# Discussion lock


def test_closing_and_reopening_a_discussion(
    sign_in, post_reply, moderator, experiment, other_practitioner
):
    moderator_client = sign_in(moderator)
    moderator_client.post(action_url(experiment, "lock"), {"reason": "Heated."})
    assert Experiment.objects.get().discussion_locked
    reader = sign_in(other_practitioner)
    page = page_text(reader.get(experiment.get_absolute_url()))
    assert "A moderator has closed this discussion." in page
    assert "Add a reply" not in page
    post_reply(reader, experiment, "Still replying")
    assert not Reply.objects.exists()
    with pytest.raises(services.ActionRefused, match="already closed"):
        services.discussion_lock(experiment=experiment, by=moderator, reason="Again.")

    sign_in(moderator).post(action_url(experiment, "unlock"), {"reason": "Calmer now."})
    assert not Experiment.objects.get().discussion_locked
    assert "Add a reply" in page_text(
        sign_in(other_practitioner).get(experiment.get_absolute_url())
    )
    assert list(
        moderation_entries().order_by("pk").values_list("action", flat=True)
    ) == [
        AuditAction.LOCKED,
        AuditAction.UNLOCKED,
    ]


def test_lock_is_only_for_experiments(sign_in, moderator, reply):
    assert sign_in(moderator).get(action_url(reply, "lock")).status_code == 404


# Suspension


def test_suspending_stops_sign_in_and_reinstating_restores_it(
    client, sign_in, moderator, experiment
):
    author = experiment.author
    moderator_client = sign_in(moderator)
    url = f"/moderation/people/{author.pk}/suspend/"
    response = moderator_client.post(url, {"reason": "Repeatedly identifies families."})
    assert response.status_code == 200  # the box was not ticked
    assert "Tick the box to confirm." in page_text(response)
    assert User.objects.get(pk=author.pk).is_active
    moderator_client.post(
        url, {"reason": "Repeatedly identifies families.", "confirm": "on"}
    )
    assert not User.objects.get(pk=author.pk).is_active
    assert Suspension.objects.get().reason == "Repeatedly identifies families."
    assert "Repeatedly identifies families." in page_text(
        moderator_client.get("/moderation/")
    )
    client.logout()
    assert not client.login(username=author.username, password=PASSWORD)
    assert client.get(experiment.get_absolute_url()).status_code == 200  # posts stay

    sign_in(moderator).post(
        f"/moderation/people/{author.pk}/reinstate/", {"reason": "Agreed to the rules."}
    )
    assert User.objects.get(pk=author.pk).is_active
    assert Suspension.objects.get().lifted_by == moderator
    client.logout()
    assert client.login(username=author.username, password=PASSWORD)
    assert list(
        moderation_entries().order_by("pk").values_list("action", "target_id")
    ) == [(AuditAction.SUSPENDED, author.pk), (AuditAction.REINSTATED, author.pk)]


def test_moderators_cannot_suspend_themselves_other_moderators_or_admins(
    moderator, admin
):
    other_moderator = UserFactory(username="mod2", roles=["moderator"])
    for person, message in [
        (moderator, "yourself"),
        (other_moderator, "administrator"),
        (admin, "administrator"),
    ]:
        with pytest.raises(services.ActionRefused, match=message):
            services.user_suspend(user=person, by=moderator, reason="Testing.")
    services.user_suspend(user=other_moderator, by=admin, reason="Left the team.")
    assert not User.objects.get(pk=other_moderator.pk).is_active


def test_reinstating_needs_a_suspension(moderator, practitioner):
    with pytest.raises(services.ActionRefused, match="not suspended"):
        services.user_reinstate(user=practitioner, by=moderator, reason="Why not.")
    services.user_suspend(user=practitioner, by=moderator, reason="Spam.")
    with pytest.raises(services.ActionRefused, match="already suspended"):
        services.user_suspend(user=practitioner, by=moderator, reason="Spam again.")


def test_concern_from_a_critique_links_to_both(sign_in, moderator, experiment):
    critique = submitted_critique(
        experiment, UserFactory(username="worried"), recommendation="concern"
    )
    html = page_text(sign_in(moderator).get("/moderation/"))
    assert "Concerns raised by reviewers (1)" in html
    assert f"/moderation/critique/{critique.pk}/" in html
    assert "Cancellations were counted by the author alone." in html
