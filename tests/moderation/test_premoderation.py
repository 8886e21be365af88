"""A new member's first posts wait for a moderator; the author sees that they wait;
approval makes them public and tells the people a post would have told."""

import pytest

from django.core import mail
from django.test import override_settings

from critique.models import Critique
from forum.models import Experiment, Reply
from moderation import services
from moderation.models import AuditAction
from notifications.models import Kind, Notification
from tests.accounts.factories import UserFactory
from tests.critique.factories import draft_critique, submitted_critique
from tests.forum.factories import ExperimentFactory, registered
from tests.moderation.helpers import add_reply, moderation_entries, page_text

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("first_two_posts_wait"),
]


@pytest.fixture
def first_two_posts_wait(settings):
    """The product's default: a new member's first two posts wait for a moderator."""
    settings.MODERATION_PREMODERATE_FIRST_POSTS = 2


@pytest.fixture
def newcomer(db):
    return UserFactory(username="newcomer", roles=["practitioner"])


@pytest.fixture
def public_experiment(db):
    """A registered experiment by someone whose posts are already trusted."""
    with services.premoderation_paused():
        return registered(title="Agreeing the purpose of visits")


def approve(target, moderator):
    services.content_approve(target=target, by=moderator, reason="Nothing identifying.")


# Who waits


def test_needs_premoderation_until_two_posts_are_public(
    newcomer, moderator, public_experiment
):
    assert services.needs_premoderation(user=newcomer)
    first = registered(author=newcomer)
    assert first.is_held
    assert services.needs_premoderation(user=newcomer)
    approve(first, moderator)
    assert services.needs_premoderation(user=newcomer)
    reply = add_reply(public_experiment, "My second post", newcomer)
    assert reply.is_held
    approve(reply, moderator)
    assert not services.needs_premoderation(user=newcomer)
    assert not registered(author=newcomer).is_held


def test_moderators_and_paused_seeding_never_wait(moderator, newcomer):
    assert not services.needs_premoderation(user=moderator)
    with services.premoderation_paused():
        assert not services.needs_premoderation(user=newcomer)
    assert services.needs_premoderation(user=newcomer)


@override_settings(MODERATION_PREMODERATE_FIRST_POSTS=0)
def test_zero_switches_pre_moderation_off(newcomer):
    assert not services.needs_premoderation(user=newcomer)
    assert not registered(author=newcomer).is_held


# Experiments


def test_a_new_members_registered_experiment_waits_and_its_author_sees_why(
    client, sign_in, newcomer, search_index, committed
):
    draft = ExperimentFactory(author=newcomer, title="Waiting plan")
    author = sign_in(newcomer)
    with committed():
        response = author.post(
            f"/experiments/{draft.pk}/register/", {"identifiability_attested": "on"}
        )
    assert "New members' first posts are checked by a moderator" in page_text(
        author.get(response["Location"])
    )
    experiment = Experiment.objects.get()
    assert experiment.state == "registered" and experiment.is_held
    assert "Waiting for a moderator." in page_text(
        author.get(experiment.get_absolute_url())
    )
    assert "Waiting for a moderator" in page_text(author.get("/experiments/mine/"))

    client.logout()
    assert client.get(experiment.get_absolute_url()).status_code == 404
    assert "Waiting plan" not in page_text(client.get("/experiments/"))
    assert "Waiting plan" not in client.get("/experiments/feed/").content.decode()
    assert (
        client.get("/search/", {"q": "waiting plan"})
        .context["outcome"]
        .counts["experiment"]
        == 0
    )
    entry = moderation_entries().get()
    assert (entry.action, entry.actor, entry.reason) == (
        AuditAction.HELD,
        None,
        services.FIRST_POSTS_REASON,
    )


def test_approving_makes_the_experiment_public_and_tells_the_author(
    client, sign_in, newcomer, moderator, search_index, committed
):
    experiment = registered(author=newcomer, title="Waiting plan")
    moderator_client = sign_in(moderator)
    queue = page_text(moderator_client.get("/moderation/"))
    assert "Experiment “Waiting plan”" in queue
    with committed():
        response = moderator_client.post(
            f"/moderation/experiment/{experiment.pk}/approve/",
            {"reason": "Practice-level and anonymous."},
        )
    assert response.status_code == 302
    client.logout()
    assert client.get(experiment.get_absolute_url()).status_code == 200
    assert "Waiting plan" in page_text(client.get("/experiments/"))
    assert (
        client.get("/search/", {"q": "waiting plan"})
        .context["outcome"]
        .counts["experiment"]
        == 1
    )
    notification = Notification.objects.get(recipient=newcomer)
    assert notification.kind == Kind.CONTENT_APPROVED
    assert [m.subject for m in mail.outbox] == [
        "Your post on “Waiting plan” is now public"
    ]
    assert (
        moderation_entries()
        .filter(action=AuditAction.APPROVED, actor=moderator)
        .exists()
    )


# Replies


def test_a_new_members_reply_waits_uncounted_and_unmailed_until_approved(
    client, sign_in, post_reply, newcomer, moderator, public_experiment, committed
):
    author = sign_in(newcomer)
    response = post_reply(author, public_experiment, "A first reply about visits")
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert not reply.is_public and reply.is_held
    assert Experiment.objects.get(pk=public_experiment.pk).reply_count == 0
    assert mail.outbox == []
    own_view = page_text(author.get(public_experiment.get_absolute_url()))
    assert "A first reply about visits" in own_view
    assert "Waiting for a moderator." in own_view
    assert "Your reply is saved. A moderator checks" in own_view

    client.logout()
    assert "A first reply about visits" not in page_text(
        client.get(public_experiment.get_absolute_url())
    )

    with committed():
        approve(reply, moderator)
    reply.refresh_from_db()
    assert reply.is_public and not reply.is_held
    assert Experiment.objects.get(pk=public_experiment.pk).reply_count == 1
    assert "A first reply about visits" in page_text(
        client.get(public_experiment.get_absolute_url())
    )
    # The experiment's author hears of the reply now, and the newcomer of the approval.
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([public_experiment.author.email, newcomer.email])


# Critiques


def test_a_new_members_critique_waits_and_the_author_is_told_on_approval(
    client, sign_in, newcomer, moderator, public_experiment
):
    critique = submitted_critique(public_experiment, newcomer)
    assert critique.is_held
    assert not Notification.objects.filter(kind=Kind.CRITIQUE_RECEIVED).exists()
    client.logout()
    page = page_text(client.get(public_experiment.get_absolute_url()))
    assert f'id="critique-{critique.pk}"' not in page
    assert "No critiques yet." in page
    own_view = page_text(sign_in(newcomer).get(public_experiment.get_absolute_url()))
    assert f'id="critique-{critique.pk}"' in own_view
    assert "Waiting for a moderator." in own_view

    approve(critique, moderator)
    assert Critique.objects.get().is_public
    assert Notification.objects.get(kind=Kind.CRITIQUE_RECEIVED).recipient == (
        public_experiment.author
    )
    client.logout()
    assert f'id="critique-{critique.pk}"' in page_text(
        client.get(public_experiment.get_absolute_url())
    )


def test_a_held_experiment_cannot_be_critiqued_or_replied_to(
    sign_in, post_reply, newcomer, public_experiment
):
    from critique.workflow import ActionRefused

    held = registered(author=newcomer)
    with pytest.raises(ActionRefused):
        draft_critique(held, UserFactory())
    other = sign_in(UserFactory(username="other"))
    assert post_reply(other, held, "Sneaky").status_code == 404
    assert not Reply.objects.exists()


# Another part of the code sends a post for review


def test_hold_for_review_sends_a_public_post_to_the_queue(
    client, sign_in, moderator, public_experiment, other_practitioner
):
    with services.premoderation_paused():
        reply = add_reply(
            public_experiment,
            "Twelve, of faith, in a small village",
            other_practitioner,
        )
    assert Experiment.objects.get(pk=public_experiment.pk).reply_count == 1
    services.hold_for_review(target=reply, reason="Three quasi-identifiers found.")
    reply.refresh_from_db()
    assert reply.is_held and not reply.is_public
    assert Experiment.objects.get(pk=public_experiment.pk).reply_count == 0
    client.logout()
    assert "Twelve, of faith" not in page_text(
        client.get(public_experiment.get_absolute_url())
    )
    queue = page_text(sign_in(moderator).get("/moderation/"))
    assert "Three quasi-identifiers found." in queue
    assert "Twelve, of faith" in queue
    with pytest.raises(services.ActionRefused):
        services.hold_for_review(target=public_experiment, reason=" ")


def test_approve_refuses_what_is_not_waiting(moderator, public_experiment):
    with pytest.raises(services.ActionRefused, match="not waiting"):
        approve(public_experiment, moderator)
