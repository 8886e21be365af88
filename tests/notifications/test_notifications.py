"""People are told about critiques in the site and by e-mail, and can turn e-mail off.

E-mail is sent by a task queued when the transaction commits; the test settings run
tasks at once, so each action is wrapped in django_capture_on_commit_callbacks.
"""

import base64
import json
import re

import pytest

from django.test import Client
from django.urls import reverse

from critique import services
from forum import services as forum_services
from notifications.models import EmailOptOut, Kind, Notification
from notifications.services import notify, unsubscribe_token
from tests.accounts.factories import PASSWORD, UserFactory
from tests.critique.factories import submitted_critique
from tests.forum.factories import registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def experiment(practitioner):
    """A registered experiment by `practitioner` (sam)."""
    return registered(author=practitioner, title="Agreeing the purpose of visits")


@pytest.fixture
def reviewer(other_practitioner):
    return other_practitioner


def answer_all(critique):
    return {
        point.pk: ("addressed", "Yes, see the diary.")
        for point in critique.points.all()
    }


def unsubscribe_url_in(text: str) -> str:
    """The path of the unsubscribe link in an e-mail body."""
    match = re.search(r"https?://[^/\s]+(/notifications/unsubscribe/[^\s\"<>]+/)", text)
    assert match, text
    return match.group(1)


# Each kind: how to set it up (untimed), then the action that notifies, and who
# acts and who is told, as (fixture name of actor, fixture name of recipient).
def _critique_received(experiment, reviewer):
    return lambda: submitted_critique(experiment, reviewer)


def _response_received(experiment, reviewer):
    critique = submitted_critique(experiment, reviewer)
    return lambda: services.critique_respond(
        critique=critique, by=experiment.author, answers=answer_all(critique)
    )


def _critique_requested(experiment, reviewer):
    return lambda: services.critique_request(
        experiment=experiment, by=experiment.author, reviewers=[reviewer]
    )


def _reviewer_acknowledged(experiment, reviewer):
    critique = submitted_critique(experiment, reviewer)
    services.critique_respond(
        critique=critique, by=experiment.author, answers=answer_all(critique)
    )
    return lambda: services.critique_acknowledge(critique=critique, by=reviewer)


KINDS = {
    Kind.CRITIQUE_RECEIVED: (_critique_received, "reviewer", "author"),
    Kind.RESPONSE_RECEIVED: (_response_received, "author", "reviewer"),
    Kind.CRITIQUE_REQUESTED: (_critique_requested, "author", "reviewer"),
    Kind.REVIEWER_ACKNOWLEDGED: (_reviewer_acknowledged, "reviewer", "author"),
}
SUBJECTS = {
    Kind.CRITIQUE_RECEIVED: "New critique of “Agreeing the purpose of visits”",
    Kind.RESPONSE_RECEIVED: (
        "The author answered your critique of “Agreeing the purpose of visits”"
    ),
    Kind.CRITIQUE_REQUESTED: "Would you critique “Agreeing the purpose of visits”?",
    Kind.REVIEWER_ACKNOWLEDGED: (
        "A reviewer acknowledged your answers on “Agreeing the purpose of visits”"
    ),
}


def prepare(kind, experiment, reviewer):
    setup, actor, recipient = KINDS[kind]
    people = {"author": experiment.author, "reviewer": reviewer}
    return setup(experiment, reviewer), people[actor], people[recipient]


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_is_shown_and_e_mailed_to_the_right_person(
    kind, experiment, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    act, actor, recipient = prepare(kind, experiment, reviewer)
    already = set(Notification.objects.values_list("pk", flat=True))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act()
    (notification,) = Notification.objects.exclude(pk__in=already)
    assert notification.kind == kind
    assert notification.recipient == recipient
    assert notification.actor == actor
    assert notification.experiment == experiment
    assert notification.is_unread
    assert not Notification.objects.filter(recipient=actor, kind=kind).exists()

    (mail,) = mailoutbox
    assert mail.to == [recipient.email]
    assert mail.subject == SUBJECTS[kind]
    assert actor.public_name in mail.body
    assert "Agreeing the purpose of visits" in mail.body
    link = unsubscribe_url_in(mail.body)
    assert mail.extra_headers["List-Unsubscribe"].endswith(f"{link}>")
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html"
    assert link in html
    assert notification.target_url() in mail.body


def test_nobody_is_told_about_their_own_action(
    experiment, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient=experiment.author,
            actor=experiment.author,
            kind=Kind.CRITIQUE_RECEIVED,
            experiment=experiment,
        )
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_person_without_an_e_mail_address_is_told_in_the_site_only(
    experiment, mailoutbox, django_capture_on_commit_callbacks
):
    reviewer = UserFactory(email="", verified_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.critique_request(
            experiment=experiment, by=experiment.author, reviewers=[reviewer]
        )
    assert Notification.objects.get().recipient == reviewer
    assert mailoutbox == []


# --- Unsubscribing ---------------------------------------------------------------


def _request_mail(experiment, reviewer, mailoutbox, capture):
    mailoutbox.clear()
    with capture(execute=True):
        services.critique_request(
            experiment=experiment, by=experiment.author, reviewers=[reviewer]
        )
    return list(mailoutbox)


def test_unsubscribe_link_asks_first_then_stops_that_kind(
    client,
    experiment,
    reviewer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    (mail,) = _request_mail(
        experiment, reviewer, mailoutbox, django_capture_on_commit_callbacks
    )
    link = unsubscribe_url_in(mail.body)

    # Opening the link (as mail scanners do) turns nothing off.
    response = client.get(link)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stop these e-mails?" in html
    assert "someone asked you for a critique" in html
    assert not EmailOptOut.objects.exists()

    response = client.post(link)
    assert response.status_code == 200
    assert "You will get no more of these e-mails" in response.content.decode()
    assert list(EmailOptOut.objects.values_list("user", "kind")) == [
        (reviewer.pk, Kind.CRITIQUE_REQUESTED)
    ]
    # Posting twice (a second click) is harmless.
    assert client.post(link).status_code == 200
    assert EmailOptOut.objects.count() == 1

    # Later requests are still listed in the site but no longer e-mailed.
    another = registered(author=experiment.author)
    assert (
        _request_mail(another, reviewer, mailoutbox, django_capture_on_commit_callbacks)
        == []
    )
    assert (
        Notification.objects.filter(
            recipient=reviewer, kind=Kind.CRITIQUE_REQUESTED
        ).count()
        == 2
    )

    # Other kinds still come by e-mail.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        critique = submitted_critique(experiment, reviewer)
        services.critique_respond(
            critique=critique, by=experiment.author, answers=answer_all(critique)
        )
    assert [mail.to for mail in mailoutbox] == [
        [experiment.author.email],
        [reviewer.email],
    ]


def test_one_click_unsubscribe_needs_no_csrf_token(experiment, reviewer):
    link = reverse(
        "notifications:unsubscribe",
        kwargs={
            "token": unsubscribe_token(
                user_id=reviewer.pk, kind=Kind.CRITIQUE_REQUESTED
            )
        },
    )
    response = Client(enforce_csrf_checks=True).post(
        link, {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert EmailOptOut.objects.filter(user=reviewer).count() == 1


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.replace(":", ";", 1),
        lambda token: "not-a-token",
    ],
)
def test_tampered_unsubscribe_link_is_not_found(mangle, client, reviewer):
    token = unsubscribe_token(user_id=reviewer.pk, kind=Kind.CRITIQUE_REQUESTED)
    link = reverse("notifications:unsubscribe", kwargs={"token": mangle(token)})
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    assert not EmailOptOut.objects.exists()


def test_token_for_someone_else_cannot_be_forged_from_mine(
    client, reviewer, practitioner
):
    """Swapping the user id inside a signed token breaks the signature."""
    token = unsubscribe_token(user_id=reviewer.pk, kind=Kind.CRITIQUE_REQUESTED)
    payload, rest = token.split(":", 1)
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["u"] = practitioner.pk
    forged = (
        base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )
    link = reverse("notifications:unsubscribe", kwargs={"token": f"{forged}:{rest}"})
    assert client.post(link).status_code == 404
    assert not EmailOptOut.objects.exists()


def test_unsubscribe_link_of_a_deleted_account_is_not_found(client, reviewer):
    token = unsubscribe_token(user_id=reviewer.pk, kind=Kind.CRITIQUE_REQUESTED)
    reviewer.delete()
    link = reverse("notifications:unsubscribe", kwargs={"token": token})
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    assert not EmailOptOut.objects.exists()


# --- The notification list ------------------------------------------------------


@pytest.fixture
def inbox(experiment, reviewer):
    """Two notifications for the author (sam), one for the reviewer (alex)."""
    critique = submitted_critique(experiment, reviewer)
    services.critique_respond(
        critique=critique, by=experiment.author, answers=answer_all(critique)
    )
    services.critique_acknowledge(critique=critique, by=reviewer)
    return critique


def test_list_needs_sign_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_list_shows_only_my_notifications_with_unread_badges(
    client, practitioner, inbox
):
    client.login(username=practitioner.username, password=PASSWORD)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "critiqued your experiment “Agreeing the purpose of visits”" in html
    assert "acknowledged your answers to their critique" in html
    # The reviewer's notification (an answer to their critique) is not mine.
    assert "answered your critique" not in html
    assert html.count('class="badge badge--unread"') == 2
    assert "Mark all as read" in html
    mine = Notification.objects.filter(recipient=practitioner)
    for notification in mine:
        assert reverse("notifications:open", args=[notification.pk]) in html
    theirs = Notification.objects.exclude(recipient=practitioner).get()
    assert reverse("notifications:open", args=[theirs.pk]) not in html


def test_list_without_notifications_says_so(client, practitioner):
    client.login(username=practitioner.username, password=PASSWORD)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "No notifications yet." in html
    assert "Mark all as read" not in html


def test_opening_a_notification_marks_it_read_and_goes_to_the_critique(
    client, practitioner, inbox
):
    client.login(username=practitioner.username, password=PASSWORD)
    notification = Notification.objects.get(
        recipient=practitioner, kind=Kind.CRITIQUE_RECEIVED
    )
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == (
        inbox.experiment.get_absolute_url() + f"#critique-{inbox.pk}"
    )
    notification.refresh_from_db()
    assert not notification.is_unread
    # The other one stays unread.
    assert Notification.objects.filter(recipient=practitioner).unread().count() == 1
    html = client.get(reverse("notifications:list")).content.decode()
    assert html.count('class="badge badge--unread"') == 1


def test_someone_elses_notification_is_not_found(client, practitioner, inbox):
    client.login(username=practitioner.username, password=PASSWORD)
    theirs = Notification.objects.exclude(recipient=practitioner).get()
    response = client.get(reverse("notifications:open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_unread


def test_mark_all_read(client, practitioner, inbox):
    client.login(username=practitioner.username, password=PASSWORD)
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("notifications:list")
    html = response.content.decode()
    assert "2 notifications marked as read." in html
    assert 'class="badge badge--unread"' not in html
    assert not Notification.objects.filter(recipient=practitioner).unread().exists()
    # The reviewer's own notification is untouched.
    assert Notification.objects.exclude(recipient=practitioner).get().is_unread
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "Nothing was unread." in response.content.decode()


def test_header_shows_the_unread_count(client, practitioner, inbox):
    client.login(username=practitioner.username, password=PASSWORD)
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert re.search(
        r'Notifications <span class="count-badge">2<span class="visually-hidden">'
        r" unread</span></span></a>",
        html,
    ), html
    client.post(reverse("notifications:mark_all_read"))
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert ">Notifications</a>" in html
    assert "count-badge" not in html


# --- E-mail choices ---------------------------------------------------------------


def test_preferences_need_sign_in(client):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def checked_kinds(html: str) -> set[str]:
    return set(
        re.findall(r'<input[^>]*value="(\w+)"[^>]*checked', html)
        + re.findall(r'<input[^>]*checked[^>]*value="(\w+)"', html)
    )


def test_preferences_turn_kinds_off_and_on(
    client,
    experiment,
    reviewer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.login(username=reviewer.username, password=PASSWORD)
    url = reverse("notifications:preferences")
    assert checked_kinds(client.get(url).content.decode()) == set(Kind.values)

    keep = [Kind.RESPONSE_RECEIVED]
    response = client.post(url, {"kinds": keep}, follow=True)
    assert "Your e-mail choices are saved." in response.content.decode()
    assert checked_kinds(response.content.decode()) == set(keep)
    assert set(
        EmailOptOut.objects.filter(user=reviewer).values_list("kind", flat=True)
    ) == set(Kind.values) - set(keep)

    assert (
        _request_mail(
            experiment, reviewer, mailoutbox, django_capture_on_commit_callbacks
        )
        == []
    )
    assert Notification.objects.filter(recipient=reviewer).count() == 1

    # Everything back on.
    client.post(url, {"kinds": Kind.values})
    assert not EmailOptOut.objects.filter(user=reviewer).exists()
    other = registered(author=experiment.author)
    (mail,) = _request_mail(
        other, reviewer, mailoutbox, django_capture_on_commit_callbacks
    )
    assert mail.to == [reviewer.email]


def test_preferences_refuse_unknown_kinds(client, reviewer):
    client.login(username=reviewer.username, password=PASSWORD)
    response = client.post(
        reverse("notifications:preferences"), {"kinds": ["everything"]}
    )
    assert response.status_code == 200
    assert not EmailOptOut.objects.exists()


def test_a_redacted_title_is_redacted_in_notifications_too(
    client, practitioner, moderator, inbox
):
    forum_services.experiment_redact_plan(
        experiment=inbox.experiment,
        by=moderator,
        field="title",
        reason="Named a school.",
    )
    client.login(username=practitioner.username, password=PASSWORD)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "Agreeing the purpose of visits" not in html
    assert "[Removed by a moderator]" in html
