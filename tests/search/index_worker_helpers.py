"""The writer and checker processes of test_index_worker.py.

Run from the project folder as ``python -m tests.search.index_worker_helpers ...``
with DJANGO_SETTINGS_MODULE, DATABASE_URL and SEARCH_INDEX_PATH set by the test.

``write``: one author creates and registers experiments through forum.services
(``experiment_create``, ``experiment_register``), and retitles some of them several
times. No service changes a registered title (an amendment adds text beside it), so
a retitle is a plain ``save()`` in a transaction; like every save of an experiment
it queues ``index_sync`` on commit. Prints JSON
``{"titles": {pk: [first title word, ..., latest title word]}}``.

``retitle``: gives every experiment of one writer a new title, one save each.
Prints JSON ``{"titles": {pk: title word}}``.

``check``: reads JSON ``{"words": [...], "common": word}`` on stdin and searches each
word the way the site does (the search backend on ``Experiment.objects.public()``:
the Whoosh files, then the rows fetched from the database). Prints JSON
``{"db": {pk: title}, "hits": {word: [pk, ...]}, "common": count}``.
"""

import argparse
import json
import sys

import django

TITLE = "Agreeing the purpose of family time"
COMMON_WORD = "purpose"
PLAN = {
    "aim": "Find out whether agreeing the purpose of sessions reduces cancellations.",
    "hypothesis_change": "agree the purpose of each family time session",
    "hypothesis_who": "parents of children in care aged 6-11",
    "hypothesis_outcome": "the number of cancelled sessions",
    "hypothesis_direction": "decrease",
    "hypothesis_mechanism": "everyone knows what the time is for",
    "outside_reference": "DEMO reference: Writer, B. (2025). A fictional study.",
    "team_type": "children_in_care",
    "families": "2-5",
    "region": "england_north_west",
    "what_i_will_try": "A ten-minute conversation before each block of family time.",
    "dose": "one ten-minute conversation",
    "frequency": "before each block of sessions",
    "duration": "8 weeks",
    "comparison": "before_after",
    "measure": "Sessions cancelled as a share of sessions planned.",
    "measure_when": "weekly",
    "measure_who": "me, from the contact diary",
    "prediction": "Fewer cancellations than in the 8 weeks before.",
    "success_threshold": "At least a quarter fewer cancellations.",
    "baseline": "About one in three sessions cancelled.",
    "manager_aware": True,
    "within_statutory_duties": True,
    "family_informed": True,
    "child_voice": "Ask each child what they want from the time, in their own words.",
    "anonymisation_attested": True,
}


def title_word(writer: int, number: int, version: int) -> str:
    """A word found in one title only: writer, experiment and version."""
    return f"wr{writer}x{number:03d}v{version}"


def write(writer: int, count: int, retitle_every: int, versions: int) -> dict:
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from evidence.models import AgeBand, Topic
    from forum import services
    from forum.models import Experiment

    author = User.objects.create_user(
        username=f"writer{writer}", email=f"writer{writer}@example.invalid"
    )
    data = {
        **PLAN,
        "service_stage": Topic.objects.get(
            slug="children-in-care-and-placement-stability"
        ),
        "age_band": AgeBand.objects.get(code="6-11"),
        "planned_end_date": timezone.localdate() + datetime.timedelta(days=60),
        "topics": [Topic.objects.get(slug="reunification")],
    }
    words = {}  # pk -> every title word it had, oldest first
    numbers = {}

    def retitle(pk: int) -> None:
        version = len(words[pk])
        word = title_word(writer, numbers[pk], version)
        with transaction.atomic():
            experiment = Experiment.objects.select_for_update().get(pk=pk)
            experiment.title = f"{TITLE} {word}"
            experiment.save()
        words[pk].append(word)

    for number in range(count):
        word = title_word(writer, number, 0)
        draft = services.experiment_create(
            author=author, data={**data, "title": f"{TITLE} {word}"}
        )
        services.experiment_register(experiment=draft, by=author)
        words[draft.pk] = [word]
        numbers[draft.pk] = number
        # Retitle an earlier experiment while the other writers are still creating.
        if retitle_every and number % retitle_every == retitle_every - 1:
            retitle(list(words)[number - 1])
    # Then bring every retitled one (and a few more) to its last version.
    if retitle_every:
        for pk in list(words)[::retitle_every]:
            while len(words[pk]) < versions:
                retitle(pk)
    return {"titles": {str(pk): each for pk, each in words.items()}}


def retitle_all(writer: int, version: int) -> dict:
    """Give every experiment of one writer a new title, one save each."""
    from django.db import transaction

    from forum.models import Experiment

    titles = {}
    pks = Experiment.objects.filter(author__username=f"writer{writer}")
    for number, pk in enumerate(pks.order_by("pk").values_list("pk", flat=True)):
        word = title_word(writer, number, version)
        with transaction.atomic():
            experiment = Experiment.objects.select_for_update().get(pk=pk)
            experiment.title = f"{TITLE} {word}"
            experiment.save()
        titles[str(pk)] = word
    return {"titles": titles}


def check(words: list[str], common: str) -> dict:
    from modelsearch.backends import get_search_backend

    from forum.models import Experiment

    backend = get_search_backend()
    public = Experiment.objects.public()
    return {
        "db": {str(pk): title for pk, title in public.values_list("pk", "title")},
        "hits": {
            word: sorted(str(found.pk) for found in backend.search(word, public))
            for word in words
        },
        "common": len(backend.search(common, public)),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    writer = commands.add_parser("write")
    writer.add_argument("--writer", type=int, required=True)
    writer.add_argument("--count", type=int, required=True)
    writer.add_argument("--retitle-every", type=int, default=0)
    writer.add_argument("--versions", type=int, default=1)
    retitler = commands.add_parser("retitle")
    retitler.add_argument("--writer", type=int, required=True)
    retitler.add_argument("--version", type=int, required=True)
    commands.add_parser("check")
    args = parser.parse_args(argv)

    django.setup()
    if args.command == "write":
        result = write(args.writer, args.count, args.retitle_every, args.versions)
    elif args.command == "retitle":
        result = retitle_all(args.writer, args.version)
    else:
        request = json.load(sys.stdin)
        result = check(request["words"], request.get("common", COMMON_WORD))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
