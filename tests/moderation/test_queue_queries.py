"""The moderation queue costs the same number of queries with one report or ten,
and with one held post of each kind or ten."""

import pytest

from forum import services as forum_services
from moderation import services
from moderation.models import Reason
from tests.accounts.factories import UserFactory
from tests.critique.factories import submitted_critique
from tests.forum.factories import registered
from tests.moderation.helpers import add_reply

pytestmark = pytest.mark.django_db

# Session, user, moderator role, unread notifications; open reports (two groupings) and
# the reported posts of each kind (plus replies' experiments); held posts of each kind
# (plus replies' experiments); reviewers' concerns with their experiments and
# critiques; hidden posts of each kind; suspensions.
QUEUE_QUERIES = 25


def queue_queries(client, assert_num_queries) -> None:
    client.get("/moderation/")  # warm caches (content types, session)
    with assert_num_queries(QUEUE_QUERIES):
        response = client.get("/moderation/")
    assert response.status_code == 200


def fill(count: int, moderator) -> None:
    """`count` reported posts of every kind, `count` held ones and concerns."""
    for number in range(count):
        reporter = UserFactory()
        experiment = registered(title=f"Experiment {number}")
        amendment = forum_services.experiment_amend(
            experiment=experiment,
            by=experiment.author,
            field="duration",
            new_text=f"{number + 20} weeks",
            reason="Changed.",
        )
        reply = add_reply(experiment, f"Reply {number}", UserFactory())
        critique = submitted_critique(
            experiment, UserFactory(), recommendation="concern"
        )
        for target in (experiment, amendment, reply, critique):
            services.report_submit(
                target=target, reporter=reporter, reason=Reason.UNPROFESSIONAL
            )
        held = registered(title=f"Held {number}")
        held_reply = add_reply(held, f"Held reply {number}", UserFactory())
        for target in (held, held_reply):
            services.hold_for_review(target=target, reason="Checking.")
        services.content_hide(target=critique, by=moderator, reason="Hidden.")
        services.user_suspend(user=UserFactory(), by=moderator, reason="Spam.")


def test_queue_queries_do_not_grow(sign_in, moderator, django_assert_num_queries):
    client = sign_in(moderator)
    fill(1, moderator)
    queue_queries(client, django_assert_num_queries)
    fill(9, moderator)
    queue_queries(client, django_assert_num_queries)
    html = client.get("/moderation/").content.decode()
    assert (
        "Reported (30)" in html
    )  # experiments, amendments, replies (critiques hidden)
    assert "Waiting for approval (20)" in html
    assert "Concerns raised by reviewers (10)" in html
