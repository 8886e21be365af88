"""An experiment's kept `critique_count`, and the critique queue that filters on it.

The count is the experiment's submitted critiques that everyone can see: not drafts,
not withdrawn ones, not those held for or hidden by a moderator.
"""

import importlib
from types import SimpleNamespace

import pytest

from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from critique import services
from critique.counts import critique_counts_refresh_all
from critique.selectors import WANTED_BELOW, critique_queue
from forum.models import Experiment
from moderation import services as moderation
from tests.accounts.factories import UserFactory
from tests.critique.factories import draft_critique, submitted_critique
from tests.forum.factories import registered

pytestmark = pytest.mark.django_db

REASON = "Names a school."


def count_of(experiment) -> int:
    return Experiment.objects.values_list("critique_count", flat=True).get(
        pk=experiment.pk
    )


def reviewer():
    return UserFactory(roles=["practitioner"])


def test_a_draft_is_not_counted_and_a_submitted_critique_is():
    experiment = registered()
    critique = draft_critique(experiment)
    assert count_of(experiment) == 0
    services.critique_submit(critique=critique, by=critique.reviewer)
    assert count_of(experiment) == 1
    submitted_critique(experiment, reviewer())
    assert count_of(experiment) == 2


def test_withdrawing_takes_the_critique_off_the_count():
    experiment = registered()
    critique = submitted_critique(experiment, reviewer())
    services.critique_withdraw(
        critique=critique, by=critique.reviewer, reason="I misread the baseline."
    )
    assert count_of(experiment) == 0


def test_hiding_and_unhiding_follow_the_moderator(moderator):
    experiment = registered()
    critique = submitted_critique(experiment, reviewer())
    moderation.content_hide(target=critique, by=moderator, reason=REASON)
    assert count_of(experiment) == 0
    moderation.content_unhide(target=critique, by=moderator, reason=REASON)
    assert count_of(experiment) == 1


def test_a_held_critique_counts_once_approved(moderator):
    experiment = registered()
    critique = draft_critique(experiment)
    services.critique_submit(
        critique=critique, by=critique.reviewer, hold_reason="Check the names."
    )
    assert count_of(experiment) == 0
    moderation.content_approve(target=critique, by=moderator, reason="Fine.")
    assert count_of(experiment) == 1


def test_the_queue_shows_experiments_below_the_threshold_only():
    waiting = registered(title="Waiting for critics")
    busy = registered(title="Already critiqued")
    for _ in range(WANTED_BELOW):
        submitted_critique(busy, reviewer())
    submitted_critique(waiting, reviewer())
    assert list(critique_queue()) == [waiting]


def test_the_queue_page_shows_the_kept_count(client):
    experiment = registered(title="Waiting for critics")
    submitted_critique(experiment, reviewer())
    page = client.get(reverse("critique:queue")).content.decode()
    assert "Waiting for critics" in page
    assert "1 critique so far." in page


def test_the_queue_page_costs_the_same_however_many_critiques_exist(client):
    url = reverse("critique:queue")
    registered()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(3):
        experiment = registered()
        submitted_critique(experiment, reviewer())
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_recounting_everything_puts_a_wrong_count_right():
    experiment = registered()
    submitted_critique(experiment, reviewer())
    untouched = registered()
    Experiment.objects.update(critique_count=7)
    critique_counts_refresh_all()
    assert count_of(experiment) == 1
    assert count_of(untouched) == 0


def test_the_migration_backfills_the_count():
    experiment = registered()
    submitted_critique(experiment, reviewer())
    withdrawn = submitted_critique(experiment, reviewer())
    services.critique_withdraw(
        critique=withdrawn, by=withdrawn.reviewer, reason="Posted twice."
    )
    Experiment.objects.update(critique_count=0)
    migration = importlib.import_module(
        "forum.migrations.0003_critique_count_and_list_indexes"
    )
    # The function reads only the editor's connection.
    migration.critique_counts_backfill(
        django_apps, SimpleNamespace(connection=connection)
    )
    assert count_of(experiment) == 1
