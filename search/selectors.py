"""One search over evidence, experiments and replies, a kind at a time."""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.html import strip_tags

from modelsearch.backends import get_search_backend
from modelsearch.utils import parse_query_string

from critique.models import Critique
from evidence.models import EvidencePage
from forum.models import Experiment, Reply

from .highlight import highlight

logger = logging.getLogger(__name__)
PER_PAGE = 20
# Below this many results in all, a spelling suggestion is offered when there is one.
FEW_RESULTS = 3
PERIODS = {"month": datetime.timedelta(days=31), "year": datetime.timedelta(days=366)}


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    snippet: str
    meta: str = ""
    obj: object = None


@dataclass
class SearchOutcome:
    query: str
    kind: str
    counts: dict = field(default_factory=dict)
    page_obj: object = None
    hits: list = field(default_factory=list)
    failed: bool = False
    suggestion: str | None = None
    facets: dict = field(default_factory=dict)


def _querysets(*, topic=None, age=None, decision="", period=""):
    since = timezone.now() - PERIODS[period] if period in PERIODS else None
    evidence = EvidencePage.objects.live().public()
    # What a page of hits reads, fetched with it (snippets use amendments, titles
    # the experiment, bylines the author).
    experiments = Experiment.objects.public().prefetch_related("amendments")
    replies = Reply.get_indexed_objects().select_related("user")
    critiques = Critique.get_indexed_objects().select_related("experiment", "reviewer")
    if topic is not None:
        evidence = evidence.filter(topics__slug=topic.slug)
        experiments = experiments.filter(topics__slug=topic.slug)
    if age is not None:
        evidence = evidence.filter(age_bands__code=age.code)
        experiments = experiments.filter(age_band_id=age.pk)
    if decision:
        experiments = experiments.filter(decision=decision)
    if since is not None:
        evidence = evidence.filter(last_published_at__gte=since)
        experiments = experiments.filter(registered_at__gte=since)
        replies = replies.filter(submit_date__gte=since)
        critiques = critiques.filter(submitted_at__gte=since)
    querysets = {
        "evidence": evidence,
        "experiment": experiments,
        "critique": critiques,
        "reply": replies,
    }
    # Filters that do not apply to a kind leave that kind out rather than ignore the filter.
    if decision:
        querysets = {"experiment": experiments}
    elif topic is not None or age is not None:
        querysets.pop("reply")
        querysets.pop("critique")
    return querysets


def _hit(kind: str, obj, query: str) -> Hit:
    if kind == "evidence":
        return Hit(
            kind,
            obj.title,
            obj.url,
            highlight(
                f"{obj.standfirst} {strip_tags(obj.what_it_is)} {strip_tags(obj.mechanism)}",
                query,
            ),
            "Evidence",
            obj,
        )
    if kind == "experiment":
        meta = f"Experiment · {obj.get_state_display()}"
        if obj.decision:
            meta += f" · {obj.get_decision_display()}"
        return Hit(
            kind,
            obj.title,
            obj.get_absolute_url(),
            highlight(obj.search_text(), query),
            meta,
            obj,
        )
    if kind == "critique":
        return Hit(
            kind,
            f"Critique of “{obj.experiment.title}”",
            obj.get_absolute_url(),
            highlight(obj.search_text(), query),
            f"Critique by {obj.reviewer.public_name} · "
            f"{obj.get_recommendation_display()}",
            obj,
        )
    experiment_title = getattr(obj.content_object, "title", "")
    return Hit(
        kind,
        f"Reply on “{experiment_title}”",
        obj.get_absolute_url(),
        highlight(obj.comment, query),
        f"Reply by {obj.user.public_name if obj.user else obj.user_name}",
        obj,
    )


FACET_FIELDS = {"decision": "decision", "age": "age_band_id", "topic": "topics"}


def _experiment_facets(results) -> dict:
    """How many matching experiments have each decision, age band and topic.

    Our backend counts all three (and the results) in one pass over the matches;
    another backend is asked for one facet at a time.
    """
    try:
        several = getattr(results, "facets", None)
        if several is not None:
            found = several(list(FACET_FIELDS.values()))
            return {
                name: dict(found[field_name])
                for name, field_name in FACET_FIELDS.items()
            }
        return {
            name: dict(results.facet(field_name))
            for name, field_name in FACET_FIELDS.items()
        }
    except Exception:
        # Counts are a help, not the answer: the results still show without them.
        logger.warning("No counts by decision, age or topic", exc_info=True)
        return {}


def _spelling_suggestion(backend, query: str) -> str | None:
    """Only some backends (ours) can suggest; any failure just means no suggestion."""
    suggest = getattr(backend, "spelling_suggestion", None)
    if suggest is None or not isinstance(query, str):
        return None
    try:
        return suggest(query, [EvidencePage, Experiment, Critique, Reply])
    except Exception:
        logger.warning("No spelling suggestion for %r", query, exc_info=True)
        return None


def search_everything(*, q: str, kind: str = "", page=None, **filters) -> SearchOutcome:
    """Counts for every kind, and one page of hits of the chosen (or first non-empty) kind."""
    _, query = parse_query_string(q, operator="and")
    outcome = SearchOutcome(query=q, kind=kind)
    querysets = _querysets(**filters)
    try:
        backend = get_search_backend()
        results = {name: backend.search(query, qs) for name, qs in querysets.items()}
        if "experiment" in results:
            # First: with our backend this counts the experiments too.
            outcome.facets = _experiment_facets(results["experiment"])
        outcome.counts = {name: found.count() for name, found in results.items()}
    except Exception:
        # A broken index must not take the site down; the page says search is unavailable.
        logger.exception("Search failed for %r", q)
        outcome.failed = True
        outcome.facets = {}
        return outcome
    if sum(outcome.counts.values()) < FEW_RESULTS:
        outcome.suggestion = _spelling_suggestion(backend, q)
    if kind not in results:
        kind = next(
            (name for name, count in outcome.counts.items() if count),
            next(iter(results)),
        )
    outcome.kind = kind
    outcome.page_obj = Paginator(results[kind], PER_PAGE).get_page(page)
    if kind == "reply":
        objects = list(outcome.page_obj.object_list)
        experiments = Experiment.objects.in_bulk(
            [int(reply.object_pk) for reply in objects]
        )
        for reply in objects:
            reply.content_object = experiments.get(int(reply.object_pk))
        outcome.hits = [_hit(kind, reply, q) for reply in objects]
    else:
        outcome.hits = [_hit(kind, obj, q) for obj in outcome.page_obj.object_list]
    return outcome
