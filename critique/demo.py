"""Fictional demo critiques of the demo experiments, from site/demo/critiques.json.

Loaded by `manage.py seed_demo` after the demo experiments and their replies.

Everything goes through the critique services (start, save, submit, withdraw, answer,
acknowledge, mark helpful, ask for a critique, decline), so every rule holds as it does
on the site: only registered or concluded experiments are critiqued, never by their
author or by a moderator, one critique per reviewer per experiment; a recommendation
that raises a concern opens a moderation report; people are notified as the site would
notify them. The services stamp "now"; nothing here depends on the date.

A critique that already exists (same experiment and reviewer) is left as it is, with
its answers, acknowledgement and helpful marks, and a request that already exists is
not made again, so running the seed twice creates nothing the second time.

Who marks a critique helpful is drawn by a random generator seeded with the critique's
experiment and reviewer, so the demo is the same every time it is loaded.
"""

import json
import random

from django.conf import settings
from django.db import transaction

from accounts.demo import demo_usernames
from accounts.models import User
from forum.demo import DEMO_FILE as EXPERIMENTS_FILE
from forum.models import Experiment

from . import services
from .choices import CritiqueState, PointKind
from .models import Critique, CritiqueRequest
from .rubric import rubric_ensure_default
from .rules import ScoreInput

DEMO_FILE = settings.BASE_DIR / "site" / "demo" / "critiques.json"
# Scores in the file are listed in the default rubric's order.
SCORE_CODES = ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9")
CANT_TELL = "?"
NOT_SCORED = "-"
CRITIQUE_FIELDS = (
    "strengths",
    "other_explanations",
    "suggestions",
    "missed_evidence",
    "certainty",
    "recommendation",
    "expertise",
    "same_team",
    "conflict_statement",
)
# How many people (besides the reviewer) mark a submitted critique helpful.
HELPFUL_COUNTS = (0, 1, 2, 3)
HELPFUL_WEIGHTS = (3, 4, 2, 1)
# The administrator stays out of the demo's conversations.
NOT_MARKING = {"admin"}


def _entries() -> list[dict]:
    return json.loads(DEMO_FILE.read_text())["experiments"]


class _Lookup:
    """The demo users and experiments the entries name, read once."""

    def __init__(self):
        self.users = {user.username: user for user in User.objects.all()}
        self.plans = {
            entry["key"]: (entry["author"], entry["plan"]["title"])
            for entry in json.loads(EXPERIMENTS_FILE.read_text())["experiments"]
        }

    def user(self, username: str) -> User:
        try:
            return self.users[username]
        except KeyError:
            raise ValueError(f"Demo user {username!r} does not exist.") from None

    def experiment(self, key: str) -> Experiment:
        try:
            author, title = self.plans[key]
        except KeyError:
            raise ValueError(f"Demo experiment {key!r} is not in the demo.") from None
        experiment = Experiment.objects.filter(
            author=self.user(author), title=title
        ).first()
        if experiment is None:
            raise ValueError(
                f"Demo experiment {key!r} does not exist yet; load the experiments first."
            )
        return experiment


def _scores(spec: dict, version) -> dict[int, ScoreInput]:
    """The spec's "3 2 ? 4 …" as service input, with its comments, keyed by criterion id.

    A criterion the spec leaves out is left unscored; on a submitted critique a
    required criterion it leaves out (an editor may have added one) is "can't tell".
    """
    tokens = dict(zip(SCORE_CODES, spec.get("scores", "").split(), strict=False))
    comments = spec.get("comments", {})
    complete = spec.get("state", CritiqueState.SUBMITTED) != CritiqueState.DRAFT
    scores = {}
    for criterion in version.criteria.all():
        token = tokens.get(criterion.code)
        comment = comments.get(criterion.code, "")
        if token is None and complete and not criterion.optional:
            token = CANT_TELL
        if token == CANT_TELL:
            scores[criterion.pk] = ScoreInput(cant_tell=True, comment=comment)
        elif token not in (None, NOT_SCORED):
            scores[criterion.pk] = ScoreInput(score=int(token), comment=comment)
        elif comment:
            scores[criterion.pk] = ScoreInput(comment=comment)
    return scores


def _answers(critique: Critique, spec: dict) -> dict[int, tuple[str, str]]:
    """The author's answers the spec gives, keyed by point id."""
    points = {(point.kind, point.position): point for point in critique.points.all()}
    answers = {}
    for kind, name in (
        (PointKind.CONCERN, "concerns"),
        (PointKind.QUESTION, "questions"),
    ):
        for position, item in enumerate(spec.get(name, []), start=1):
            if item.get("status"):
                point = points[(kind, position)]
                answers[point.pk] = (item["status"], item.get("reply", ""))
    return answers


def _mark_helpful(critique: Critique, lookup: _Lookup, key: str) -> None:
    seed = f"critique-helpful:{key}:{critique.reviewer.username}"
    rng = random.Random(seed)  # noqa: S311 (a repeatable demo, not security)
    others = sorted(
        username
        for username, _description in demo_usernames()
        if username != critique.reviewer.username and username not in NOT_MARKING
    )
    count = rng.choices(HELPFUL_COUNTS, weights=HELPFUL_WEIGHTS)[0]
    for username in rng.sample(others, min(count, len(others))):
        services.helpful_mark(critique=critique, by=lookup.user(username))


def _write(spec: dict, experiment: Experiment, lookup: _Lookup, key: str) -> Critique:
    """Write one critique as its reviewer (and its answers as the author) would."""
    reviewer = lookup.user(spec["reviewer"])
    state = spec.get("state", CritiqueState.SUBMITTED)
    critique = services.critique_start(experiment=experiment, by=reviewer)
    critique = services.critique_save(
        critique=critique,
        by=reviewer,
        data={name: spec[name] for name in CRITIQUE_FIELDS if name in spec},
        scores=_scores(spec, critique.rubric_version),
        concerns=[item["text"] for item in spec.get("concerns", [])],
        questions=[item["text"] for item in spec.get("questions", [])],
    )
    if state == CritiqueState.DRAFT:
        return critique
    critique = services.critique_submit(critique=critique, by=reviewer)
    if state == CritiqueState.WITHDRAWN:
        return services.critique_withdraw(
            critique=critique, by=reviewer, reason=spec["withdrawal_reason"]
        )
    answers = _answers(critique, spec)
    if answers:
        services.critique_respond(
            critique=critique, by=experiment.author, answers=answers
        )
        if spec.get("acknowledged"):
            services.critique_acknowledge(critique=critique, by=reviewer)
    _mark_helpful(critique, lookup, key)
    critique.refresh_from_db()
    return critique


def _ask(entry: dict, experiment: Experiment, lookup: _Lookup) -> None:
    """The author's requests for critiques that were not made yet, and any declines."""
    asked = set(
        CritiqueRequest.objects.filter(experiment=experiment).values_list(
            "reviewer__username", flat=True
        )
    )
    for item in entry.get("requests", []):
        if item["reviewer"] in asked:
            continue
        reviewer = lookup.user(item["reviewer"])
        made = services.critique_request(
            experiment=experiment,
            by=experiment.author,
            reviewers=[reviewer],
            message=item.get("message", ""),
        )
        if item.get("declined"):
            for request in made:
                services.critique_request_decline(request=request, by=reviewer)


@transaction.atomic
def critiques_seed() -> list[Critique]:
    """Write the demo critiques that do not exist yet; existing ones are left untouched."""
    rubric_ensure_default()
    lookup = _Lookup()
    created = []
    for entry in _entries():
        key = entry["experiment"]
        experiment = lookup.experiment(key)
        # Requests first, so that a request to someone who then submits is closed.
        _ask(entry, experiment, lookup)
        written = set(
            Critique.objects.filter(experiment=experiment).values_list(
                "reviewer__username", flat=True
            )
        )
        for spec in entry.get("critiques", []):
            if spec["reviewer"] not in written:
                created.append(_write(spec, experiment, lookup, key))
    return created
