"""Reads of experiments for pages, each in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from moderation.models import NOT_WITHHELD

from .choices import Decision, State
from .models import Amendment, Experiment

SORTS = {
    "newest": ("-registered_at", "-pk"),
    "discussed": ("-reply_count", "-registered_at", "-pk"),
    "concluded": ("-concluded_at", "-pk"),
}


def _for_lists(queryset):
    return queryset.select_related(
        "author", "age_band", "service_stage"
    ).prefetch_related("topics")


def experiments_list(
    *,
    topic=None,
    stage=None,
    age=None,
    decision: str = "",
    state: str = "",
    sort: str = "newest",
):
    """Published experiments matching every given filter, in the chosen order.

    A topic is tested per experiment (EXISTS) rather than joined: the database then
    reads experiments in the order's index and stops after a page, where a join
    sorted all of the topic's experiments first (twice as slow at 20,000). Counting
    them is the other way round: see experiments_list_count().
    """
    experiments = _filtered(
        Experiment.objects.public(),
        stage=stage,
        age=age,
        decision=decision,
        state=state,
        sort=sort,
    )
    if topic is not None:
        experiments = experiments.filter(
            Exists(
                Experiment.topics.through.objects.filter(
                    experiment=OuterRef("pk"), topic=topic
                )
            )
        )
    return _for_lists(experiments.order_by(*SORTS.get(sort, SORTS["newest"])))


def experiments_list_count(*, topic=None, **filters) -> int:
    """How many experiments experiments_list() gives for the same filters.

    A topic is joined here: counting from the topic's own rows reads only those,
    where testing each experiment for the topic reads every published one.
    """
    experiments = _filtered(Experiment.objects.public(), **filters)
    if topic is not None:
        experiments = experiments.filter(topics=topic)
    return experiments.count()


def _filtered(experiments, *, stage=None, age=None, decision="", state="", sort=""):
    if stage is not None:
        experiments = experiments.filter(service_stage=stage)
    if age is not None:
        experiments = experiments.filter(age_band=age)
    if decision:
        experiments = experiments.filter(decision=decision)
    if state:
        experiments = experiments.filter(state=state)
    if sort == "concluded":
        experiments = experiments.filter(state=State.CONCLUDED)
    return experiments


def experiments_for_feed(*, topic=None):
    """Registered and concluded experiments, newest first; a withdrawn plan is not re-published."""
    experiments = Experiment.objects.public().filter(
        state__in=(State.REGISTERED, State.CONCLUDED)
    )
    if topic is not None:
        experiments = experiments.filter(topics=topic)
    return experiments.select_related("author").order_by(*SORTS["newest"])


def experiments_latest(*, limit: int):
    return _for_lists(Experiment.objects.public().order_by(*SORTS["newest"]))[:limit]


def experiments_drafts(*, author):
    return Experiment.objects.filter(author=author, state=State.DRAFT).order_by(
        "-updated_at"
    )


def experiment_for_page(*, pk: int, viewer=None):
    """One experiment with everything its page shows, or None.

    Its amendments are the public ones, plus the viewer's own held or hidden ones.
    """
    shown = NOT_WITHHELD
    if viewer is not None and viewer.is_authenticated:
        shown = shown | Q(author=viewer)
    # The experiments it replicates or follows are read only when there are any:
    # joining two more whole experiment rows made this the page's slowest query to
    # build. `get()` rather than `first()`: no ORDER BY for a primary-key lookup.
    try:
        return (
            Experiment.objects.select_related(
                "author",
                "evidence_page",
                "practice_hypothesis",
                "service_stage",
                "age_band",
            )
            .prefetch_related(
                "topics",
                Prefetch(
                    "amendments",
                    queryset=Amendment.objects.filter(shown).select_related("author"),
                ),
                "moderation_log",
            )
            .get(pk=pk)
        )
    except Experiment.DoesNotExist:
        return None


@dataclass(frozen=True)
class OutcomeSummary:
    """How often an idea was tried in practice and what people decided."""

    tried: int
    adopt: int
    adapt: int
    abandon: int

    @property
    def running(self) -> int:
        return self.tried - self.adopt - self.adapt - self.abandon


def outcome_summary(experiments) -> OutcomeSummary:
    """One query: tried (registered or concluded) and the decisions of concluded ones."""
    tried = Q(state__in=(State.REGISTERED, State.CONCLUDED))
    concluded = Q(state=State.CONCLUDED)
    counts = experiments.aggregate(
        tried=Count("pk", filter=tried),
        adopt=Count("pk", filter=concluded & Q(decision=Decision.ADOPT)),
        adapt=Count("pk", filter=concluded & Q(decision=Decision.ADAPT)),
        abandon=Count("pk", filter=concluded & Q(decision=Decision.ABANDON)),
    )
    return OutcomeSummary(**counts)


def experiment_outcomes(experiment) -> OutcomeSummary:
    """The experiment itself and every public replication of it."""
    return outcome_summary(
        Experiment.objects.public().filter(
            Q(pk=experiment.pk) | Q(replication_of=experiment)
        )
    )


def evidence_outcomes(evidence_page) -> OutcomeSummary:
    return outcome_summary(
        Experiment.objects.public().filter(evidence_page=evidence_page)
    )


def experiment_replications(experiment):
    """Published replications and next cycles of an experiment, oldest first."""
    return list(
        Experiment.objects.public()
        .filter(Q(replication_of=experiment) | Q(follow_up_of=experiment))
        .select_related("author")
        .order_by("registered_at", "pk")
    )


def experiments_testing(evidence_page, *, limit: int):
    """Published experiments that test an evidence page, newest first."""
    return list(
        _for_lists(
            Experiment.objects.public().filter(evidence_page=evidence_page)
        ).order_by(*SORTS["newest"])[:limit]
    )
