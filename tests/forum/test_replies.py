"""Threaded replies through django-comments-xtd: posting, depth cap, preview, editing, mail."""

import datetime
import re

import pytest

from django.core import mail
from django.utils import timezone

from forum.models import Experiment, Reply
from forum.reply_forms import ReplyForm
from tests.accounts.factories import PASSWORD, UserFactory
from tests.forum.factories import ExperimentFactory, registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def post_reply(django_capture_on_commit_callbacks):
    """Post through the comments form, running on-commit work (the e-mail task) as a real request would."""

    def post(client, experiment, text="A thought", *, reply_to=0, **extra):
        data = ReplyForm(experiment).initial.copy()
        data.update(
            comment=text,
            reply_to=reply_to,
            next=experiment.get_absolute_url(),
            identifiability_attested="on",
        )
        data.update(extra)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/comments/post/", data)

    return post


@pytest.fixture
def experiment():
    """A registered experiment by its own author."""
    return registered()


@pytest.fixture
def reader(client, other_practitioner):
    """A client signed in as a practitioner who is not the author."""
    client.login(username=other_practitioner.username, password=PASSWORD)
    return client


def test_signed_in_reader_posts_a_reply(
    post_reply, reader, experiment, other_practitioner
):
    response = post_reply(reader, experiment, "Did you **count** cancellations?")
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert reply.user == other_practitioner
    assert response["Location"].startswith(experiment.get_absolute_url())
    page = reader.get(experiment.get_absolute_url()).content.decode()
    assert "Did you <strong>count</strong> cancellations?" in page
    assert Experiment.objects.get().reply_count == 1


def test_author_is_always_told_about_a_reply(post_reply, reader, experiment):
    post_reply(reader, experiment, "Nice plan")
    assert [message.to for message in mail.outbox] == [[experiment.author.email]]
    body = mail.outbox[0].body
    assert "Nice plan" in body
    assert "/experiments/mute/" in body
    assert mail.outbox[0].extra_headers["List-Unsubscribe"].startswith("<http")


def test_followers_are_told_and_can_mute(
    post_reply, client, experiment, other_practitioner
):
    follower = UserFactory(username="follower")
    client.login(username="follower", password=PASSWORD)
    post_reply(client, experiment, "Following this", followup="on")
    mail.outbox.clear()
    client.logout()
    client.login(username=other_practitioner.username, password=PASSWORD)
    post_reply(client, experiment, "Second reply")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([experiment.author.email, follower.email])

    message = next(m for m in mail.outbox if m.to == [follower.email])
    mute_path = re.search(r"http://[^/]+(/experiments/mute/\S+/)", message.body).group(
        1
    )
    client.logout()
    assert (
        client.get(mute_path).status_code == 200
    )  # a confirmation page, nothing changed yet
    client.post(mute_path)
    mail.outbox.clear()
    client.login(username=other_practitioner.username, password=PASSWORD)
    post_reply(client, experiment, "Third reply")
    assert [m.to for m in mail.outbox] == [[experiment.author.email]]


def test_mute_link_carries_no_personal_data_and_cannot_be_forged(
    post_reply, client, reader, experiment
):
    post_reply(reader, experiment, "Hello")
    token = re.search(r"/experiments/mute/(\S+)/", mail.outbox[0].body).group(1)
    assert experiment.author.email not in token
    assert "pbkdf2" not in token and "md5" not in token
    assert client.get(f"/experiments/mute/{token}x/").status_code == 404


def test_replies_nest_three_deep_and_no_deeper(post_reply, reader, experiment):
    post_reply(reader, experiment, "Level 0")
    first = Reply.objects.get()
    post_reply(reader, experiment, "Level 1", reply_to=first.pk)
    second = Reply.objects.get(comment="Level 1")
    post_reply(reader, experiment, "Level 2", reply_to=second.pk)
    third = Reply.objects.get(comment="Level 2")
    assert [first.level, second.level, third.level] == [0, 1, 2]

    response = post_reply(reader, experiment, "Level 3", reply_to=third.pk)
    assert response.status_code == 200
    assert "Replies can nest only 3 levels deep" in response.content.decode()
    assert "Level 3" in response.content.decode()  # the text is kept for the person
    assert Reply.objects.count() == 3
    assert Experiment.objects.get().reply_count == 3


def test_reply_to_a_message_on_another_experiment_is_refused(
    post_reply, reader, experiment
):
    other = registered()
    post_reply(reader, other, "Elsewhere")
    elsewhere = Reply.objects.get()
    response = post_reply(reader, experiment, "Crossing over", reply_to=elsewhere.pk)
    assert "not part of this discussion" in response.content.decode()
    assert Reply.objects.count() == 1


def test_reply_to_a_missing_message_is_refused_without_a_row(
    post_reply, reader, experiment
):
    response = post_reply(reader, experiment, "Ghost", reply_to=999999)
    assert response.status_code == 200
    assert Reply.objects.count() == 0


@pytest.mark.parametrize("make", [ExperimentFactory, lambda: None])
def test_no_replies_on_drafts_or_withdrawn_experiments(post_reply, reader, make):
    from forum import services

    experiment = make()
    if experiment is None:
        experiment = registered()
        services.experiment_withdraw(
            experiment=experiment, by=experiment.author, reason="x"
        )
    response = post_reply(reader, experiment, "Hello?")
    assert "Replies open once a plan is registered" in response.content.decode()
    assert not Reply.objects.exists()


def test_locked_discussion_refuses_replies(post_reply, reader, experiment):
    Experiment.objects.filter(pk=experiment.pk).update(discussion_locked=True)
    response = post_reply(reader, experiment, "Hello?")
    assert "closed this discussion" in response.content.decode()
    assert not Reply.objects.exists()


def test_anonymous_visitors_cannot_post(post_reply, client, experiment):
    response = post_reply(client, experiment, "Drive-by")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Reply.objects.exists()


def test_preview_shows_the_rendered_reply_and_saves_nothing(
    post_reply, reader, experiment
):
    response = post_reply(reader, experiment, "Try *this*", preview="1")
    assert response.status_code == 200
    assert "<em>this</em>" in response.content.decode()
    assert not Reply.objects.exists()


def test_script_in_a_reply_is_shown_as_text(post_reply, reader, experiment):
    post_reply(reader, experiment, "<script>alert(1)</script> [x](javascript:alert(1))")
    page = reader.get(experiment.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript:' not in page


def test_oversized_reply_is_refused_and_kept(post_reply, reader, experiment):
    response = post_reply(reader, experiment, "x" * 3001)
    assert response.status_code == 200
    assert "at most 3000 characters" in response.content.decode()
    assert not Reply.objects.exists()


def test_double_submitted_reply_is_saved_once(post_reply, reader, experiment):
    post_reply(reader, experiment, "Same words")
    post_reply(reader, experiment, "Same words")
    assert Reply.objects.count() == 1


def test_author_of_a_reply_edits_it_within_the_window(post_reply, reader, experiment):
    post_reply(reader, experiment, "Frist")
    reply = Reply.objects.get()
    response = reader.post(
        f"/experiments/replies/{reply.pk}/edit/",
        {"comment": "First", "identifiability_attested": "on"},
    )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.comment == "First"
    assert reply.edited_at is not None
    assert "edited" in reader.get(experiment.get_absolute_url()).content.decode()


def test_reply_cannot_be_edited_late_or_by_someone_else(
    post_reply, client, reader, experiment
):
    post_reply(reader, experiment, "Original")
    reply = Reply.objects.get()
    Reply.objects.filter(pk=reply.pk).update(
        submit_date=timezone.now() - datetime.timedelta(minutes=16)
    )
    reader.post(
        f"/experiments/replies/{reply.pk}/edit/",
        {"comment": "Changed", "identifiability_attested": "on"},
    )
    assert Reply.objects.get().comment == "Original"

    Reply.objects.filter(pk=reply.pk).update(submit_date=timezone.now())
    client.logout()
    client.login(username=experiment.author.username, password=PASSWORD)
    response = client.post(
        f"/experiments/replies/{reply.pk}/edit/",
        {"comment": "Hijacked", "identifiability_attested": "on"},
    )
    assert response.status_code == 404
    assert Reply.objects.get().comment == "Original"
