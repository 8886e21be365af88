from io import StringIO

import pytest

from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone

from wagtail.models import PageLogEntry, Revision

from accounts.models import User
from accounts.roles import Role, group_name
from evidence.models import EvidencePage
from forum import selectors
from forum.choices import Decision, OutcomeAgainstPrediction, State
from forum.models import Amendment, Experiment, Reply
from forum.plan import plan_as_dict, plan_hash

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "users": User.objects.count(),
        "groups": Group.objects.count(),
        "pages": EvidencePage.objects.count(),
        "revisions": Revision.objects.count(),
        "log": PageLogEntry.objects.count(),
        "passwords": sorted(User.objects.values_list("password", flat=True)),
        "experiments": Experiment.objects.count(),
        "replies": Reply.objects.count(),
        "amendments": Amendment.objects.count(),
        "reply_counts": sorted(Experiment.objects.values_list("pk", "reply_count")),
    }


def test_seed_demo_creates_a_living_site(client):
    call_command("seed_demo", stdout=StringIO())
    pages = EvidencePage.objects.live()
    assert pages.count() >= 12
    assert all(page.title.startswith("DEMO ") for page in pages)
    assert len({topic for page in pages for topic in page.topics.all()}) >= 10
    assert all(page.outcome_ratings.exists() for page in pages)
    assert User.objects.count() >= 8
    for role in Role:
        assert User.objects.filter(groups__name=group_name(role)).exists(), role
    assert User.objects.filter(is_superuser=True).exists()
    assert client.get("/evidence/").context["page_obj"].paginator.count == pages.count()


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    before = snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == before


def test_demo_users_can_log_in(client):
    call_command("seed_demo", stdout=StringIO())
    assert client.login(username="practitioner", password="demo-password")


@override_settings(DEMO_CONTENT_ALLOWED=False)
def test_seed_demo_refuses_where_demo_content_is_off():
    with pytest.raises(CommandError, match="Demo content is switched off"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=StringIO())


def test_demo_experiments_cover_every_state_and_decision(seeded):
    experiments = Experiment.objects.all()
    assert experiments.count() >= 30
    for state in State:
        assert experiments.filter(state=state).exists(), state
    concluded = experiments.filter(state=State.CONCLUDED)
    for decision in Decision:
        assert concluded.filter(decision=decision).exists(), decision
    for outcome in (OutcomeAgainstPrediction.NO_CHANGE, OutcomeAgainstPrediction.WORSE):
        assert concluded.filter(outcome_against_prediction=outcome).exists(), outcome
    withdrawn = experiments.filter(state=State.WITHDRAWN)
    assert withdrawn.count() >= 2
    assert all(experiment.withdrawal_reason for experiment in withdrawn)
    assert experiments.filter(is_retrospective=True).exists()
    assert experiments.filter(practice_hypothesis__isnull=False).exists()
    assert (
        experiments.public()
        .filter(
            evidence_page__isnull=True, outside_reference__startswith="DEMO reference:"
        )
        .exists()
    )
    assert (
        Amendment.objects.filter(experiment__state=State.REGISTERED)
        .values("experiment")
        .distinct()
        .count()
        >= 2
    )


def test_demo_replications_and_follow_ups_make_the_tallies_non_trivial(seeded):
    public = Experiment.objects.public()
    replications = public.filter(replication_of__isnull=False)
    follow_ups = public.filter(follow_up_of__isnull=False)
    assert replications.count() >= 5
    assert follow_ups.count() >= 3
    assert replications.filter(state=State.CONCLUDED).exists()
    assert follow_ups.filter(state=State.CONCLUDED).exists()
    for experiment in replications:
        assert experiment.author_id != experiment.replication_of.author_id
        assert experiment.registered_at > experiment.replication_of.registered_at
    for experiment in follow_ups:
        assert experiment.author_id == experiment.follow_up_of.author_id
        assert experiment.registered_at > experiment.follow_up_of.registered_at
    tallies = [selectors.evidence_outcomes(page) for page in EvidencePage.objects.all()]
    assert max(tally.tried for tally in tallies) >= 3
    assert any(tally.adopt and tally.adapt and tally.running for tally in tallies)


def test_demo_registered_plans_are_intact(seeded):
    today = timezone.localdate()
    for experiment in Experiment.objects.public():
        assert experiment.plan_sha256 == plan_hash(experiment.registered_plan)
        assert experiment.registered_plan == plan_as_dict(
            experiment, registered_at=experiment.registered_at
        )
        assert experiment.registered_at < timezone.now()
        if experiment.state == State.REGISTERED:
            assert experiment.planned_end_date >= today
        if experiment.concluded_at:
            assert experiment.registered_at < experiment.concluded_at
    for amendment in Amendment.objects.select_related("experiment"):
        assert amendment.experiment.registered_at < amendment.created_at


def test_demo_discussions_are_threaded_and_counted(seeded):
    replies = Reply.objects.all()
    assert replies.count() >= 150
    assert set(replies.values_list("level", flat=True)) == {0, 1, 2}
    assert replies.aggregate(deepest=Max("level"))["deepest"] == 2
    usernames = set(replies.values_list("user__username", flat=True))
    assert {"practitioner", "practitioner2", "manager", "researcher"} <= usernames
    experiments = {experiment.pk: experiment for experiment in Experiment.objects.all()}
    for reply in replies:
        experiment = experiments[int(reply.object_pk)]
        assert experiment.state in (State.REGISTERED, State.CONCLUDED)
        assert reply.is_public and reply.user_name == reply.user.public_name[:50]
        assert experiment.registered_at < reply.submit_date < timezone.now()
    for experiment in experiments.values():
        public = replies.filter(object_pk=str(experiment.pk), is_public=True)
        assert experiment.reply_count == public.count(), experiment.title
    assert not mail.outbox
