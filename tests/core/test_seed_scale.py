"""`manage.py seed_demo --scale N`: generated volume that the site reads as its own."""

import hashlib
import random
from io import StringIO

import pytest

from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from core.scale import USERNAME_PREFIX, Counts, spread
from critique.choices import CritiqueState
from critique.models import CriterionScore, Critique, CritiquePoint
from critique.rubric import current_version
from evidence.models import EvidencePage
from forum.choices import State
from forum.models import Amendment, Experiment, Reply
from forum.plan import plan_as_dict, plan_hash

pytestmark = pytest.mark.django_db

# A tenth of a unit: 5 users, 1 evidence page, 20 experiments, 200 replies, 40 critiques.
SMALL = 0.1


def seed(scale=SMALL, **options) -> str:
    out = StringIO()
    call_command("seed_demo", scale=scale, no_progress=True, stdout=out, **options)
    return out.getvalue()


def digest() -> str:
    """The generated content, without ids (which depend on what the database held)."""
    content = hashlib.sha256()
    for rows in (
        Experiment.objects.order_by("created_at", "pk").values_list(
            "title", "state", "author__username", "reply_count", "registered_at", "aim"
        ),
        Reply.objects.order_by("submit_date", "pk").values_list(
            "user__username", "comment", "level", "order"
        ),
        Critique.objects.order_by("created_at", "pk").values_list(
            "reviewer__username", "state", "strengths", "recommendation"
        ),
    ):
        content.update(repr(list(rows)).encode())
    return content.hexdigest()


def test_counts_scale_linearly():
    assert Counts.for_scale(1) == Counts(50, 5, 200, 2000, 400)
    assert Counts.for_scale(100) == Counts(5000, 500, 20_000, 200_000, 40_000)
    assert Counts.for_scale(SMALL) == Counts(5, 1, 20, 200, 40)
    with pytest.raises(ValueError):
        Counts.for_scale(0)


def test_spread_keeps_the_total_and_the_cap():
    rng = random.Random(1)
    weights = [rng.lognormvariate(0, 1.5) for _ in range(300)]
    counts = spread(rng, 3000, weights, cap=100)
    assert sum(counts) == 3000
    assert max(counts) <= 100
    # More than the caps allow: every one full, the rest left over.
    assert spread(rng, 50, [1, 1, 1], cap=4) == [4, 4, 4]


def test_scale_seed_makes_a_site_in_the_right_proportions(client):
    output = seed()
    assert "experiments: 20 created" in output
    assert "Run `manage.py update_index`" in output
    users = User.objects.filter(username__startswith=USERNAME_PREFIX)
    assert users.count() == 5
    assert EvidencePage.objects.live().count() == 1
    experiments = Experiment.objects.count()
    assert experiments == 20
    assert Reply.objects.count() == 10 * experiments
    assert Critique.objects.count() == 2 * experiments
    assert set(Experiment.objects.values_list("state", flat=True)) == set(State)

    assert client.login(username=f"{USERNAME_PREFIX}00001", password="demo-password")
    client.logout()
    busiest = Experiment.objects.order_by("-reply_count").first()
    page = EvidencePage.objects.get()
    for url in (
        "/",
        "/experiments/",
        "/experiments/?sort=discussed",
        busiest.get_absolute_url(),
        "/critiques/queue/",
        "/evidence/",
        page.url,
    ):
        assert client.get(url).status_code == 200, url


@pytest.fixture
def seeded(db):
    seed()


def test_registered_plans_are_intact(seeded):
    today = timezone.localdate()
    public = Experiment.objects.exclude(state=State.DRAFT)
    assert public.exists()
    for experiment in public:
        assert experiment.plan_sha256 == plan_hash(experiment.registered_plan)
        assert experiment.registered_plan == plan_as_dict(
            experiment, registered_at=experiment.registered_at
        )
        assert experiment.created_at < experiment.registered_at < timezone.now()
        if experiment.state == State.REGISTERED:
            assert experiment.planned_end_date >= today
        if experiment.concluded_at:
            assert experiment.registered_at < experiment.concluded_at < timezone.now()
    for amendment in Amendment.objects.select_related("experiment"):
        assert amendment.experiment.registered_at < amendment.created_at
    assert not Experiment.objects.filter(held_at__isnull=False).exists()
    assert not Experiment.objects.filter(hidden_at__isnull=False).exists()


def test_replies_are_threaded_and_counted(seeded):
    replies = {reply.pk: reply for reply in Reply.objects.all()}
    experiments = {experiment.pk: experiment for experiment in Experiment.objects.all()}
    for reply in replies.values():
        experiment = experiments[int(reply.object_pk)]
        assert experiment.state in (State.REGISTERED, State.CONCLUDED)
        assert reply.is_public and reply.held_at is None and reply.hidden_at is None
        assert experiment.registered_at < reply.submit_date < timezone.now()
        if reply.level == 0:
            assert reply.thread_id == reply.parent_id == reply.pk
            assert reply.order == 1
        else:
            parent = replies[reply.parent_id]
            assert parent.object_pk == reply.object_pk
            assert parent.thread_id == reply.thread_id
            assert parent.level == reply.level - 1
            assert parent.order < reply.order
            assert parent.submit_date < reply.submit_date
    assert max(reply.level for reply in replies.values()) == 2
    counts = dict(
        Reply.objects.order_by().values_list("object_pk").annotate(total=Count("pk"))
    )
    for experiment in experiments.values():
        assert experiment.reply_count == counts.get(str(experiment.pk), 0)


def test_critiques_follow_the_rules(seeded):
    version = current_version()
    criteria = set(version.criteria.values_list("pk", flat=True))
    critiques = Critique.objects.select_related("experiment")
    assert critiques.filter(state=CritiqueState.SUBMITTED).exists()
    for critique in critiques:
        assert critique.experiment.state in (State.REGISTERED, State.CONCLUDED)
        assert critique.reviewer_id != critique.experiment.author_id
        assert critique.rubric_version_id == version.pk
        scored = CriterionScore.objects.filter(critique=critique)
        assert set(scored.values_list("criterion_id", flat=True)) == criteria
        if critique.state != CritiqueState.DRAFT:
            assert critique.experiment.registered_at < critique.submitted_at
    assert CritiquePoint.objects.exists()
    # Each experiment's kept count is its submitted critiques (none are withheld).
    submitted = dict(
        critiques.filter(state=CritiqueState.SUBMITTED)
        .order_by()
        .values_list("experiment")
        .annotate(total=Count("pk"))
    )
    assert any(submitted.values())
    for pk, kept in Experiment.objects.values_list("pk", "critique_count"):
        assert kept == submitted.get(pk, 0)


def test_a_second_batch_is_refused(seeded):
    with pytest.raises(CommandError, match="Scale data is already present"):
        seed()
    assert Experiment.objects.count() == 20


def test_the_same_seed_gives_the_same_content():
    digests = []
    for seed_value in (7, 7, 8):
        with transaction.atomic():
            seed(seed=seed_value)
            digests.append(digest())
            transaction.set_rollback(True)
    assert digests[0] == digests[1] != digests[2]


def test_progress_is_redrawn_on_a_terminal():
    class Terminal(StringIO):
        def isatty(self):
            return True

    out = Terminal()
    call_command("seed_demo", scale=SMALL, stdout=out)
    assert "\r  replies 200/200 (100%)" in out.getvalue()
    assert "replies: 200 created in" in out.getvalue()


@pytest.mark.parametrize("value", ["0", "-1", "lots"])
def test_scale_must_be_a_positive_number(value):
    with pytest.raises(CommandError, match="--scale must be"):
        call_command("seed_demo", "--scale", value)


@override_settings(DEMO_CONTENT_ALLOWED=False)
def test_scale_is_refused_where_demo_content_is_off():
    with pytest.raises(CommandError, match="Demo content is switched off"):
        seed()
    assert not User.objects.exists()
