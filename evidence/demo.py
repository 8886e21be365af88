"""Fictional "DEMO" evidence summaries from site/demo/evidence.json (loaded by seed_demo)."""

import datetime
import json

from django.conf import settings
from django.db import transaction

from .models import (
    AgeBand,
    EvidenceIndexPage,
    EvidencePage,
    OutcomeRating,
    PracticeHypothesis,
    Reference,
    Topic,
)
from .setup import pages_ensure, vocabulary_ensure

DEMO_FILE = settings.BASE_DIR / "site" / "demo" / "evidence.json"


@transaction.atomic
def evidence_seed() -> list[EvidencePage]:
    """Publish the demo evidence pages that do not exist yet; existing ones are left untouched."""
    vocabulary_ensure()
    pages_ensure()
    index = EvidenceIndexPage.objects.get()
    existing = set(EvidencePage.objects.values_list("slug", flat=True))
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    bands = {band.code: band for band in AgeBand.objects.all()}
    created = []
    for entry in json.loads(DEMO_FILE.read_text())["evidence"]:
        if entry["slug"] in existing:
            continue
        page = EvidencePage(
            title=entry["title"],
            slug=entry["slug"],
            standfirst=entry["standfirst"],
            headline_points=[("point", point) for point in entry["headline_points"]],
            what_it_is=entry["what_it_is"],
            mechanism=entry["mechanism"],
            context=entry["context"],
            implementation=entry["implementation"],
            cost_rating=entry["cost_rating"],
            cost_note=entry["cost_note"],
            source_type=entry["source_type"],
            last_reviewed=datetime.date.fromisoformat(entry["last_reviewed"]),
            next_review=datetime.date.fromisoformat(entry["next_review"]),
        )
        page.outcome_ratings = [
            OutcomeRating(**rating) for rating in entry["outcome_ratings"]
        ]
        page.hypotheses = [PracticeHypothesis(**item) for item in entry["hypotheses"]]
        page.references = [Reference(**item) for item in entry["references"]]
        page.topics = [topics[slug] for slug in entry["topics"]]
        page.age_bands = [bands[code] for code in entry["age_bands"]]
        index.add_child(instance=page)
        page.save_revision().publish()
        created.append(page)
    return created
