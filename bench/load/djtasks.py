# ruff: noqa: S105 - the load users' password is public, like the demo one.
"""Django-side helpers for the load and fault benchmarks, run as a separate process.

    python -m bench.load.djtasks users 50
    python -m bench.load.djtasks targets
    python -m bench.load.djtasks queue
    python -m bench.load.djtasks drain --timeout 600
    python -m bench.load.djtasks integrity
    python -m bench.load.djtasks reconcile accepted.json
    python -m bench.load.djtasks touch-replies 400
    python -m bench.load.djtasks make-replies 3000
    python -m bench.load.djtasks index-coverage

Each prints one JSON object on stdout. DJANGO_SETTINGS_MODULE and BENCH_LOAD_DIR
come from the caller (bench/load/stack.py sets them).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.settings")

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django_tasks.base import TaskResultStatus  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402

from modelsearch.backends import get_search_backend  # noqa: E402

from accounts.models import User  # noqa: E402
from critique.choices import CritiqueState  # noqa: E402
from critique.models import Critique  # noqa: E402
from evidence.models import EvidencePage  # noqa: E402
from forum.models import Experiment, Reply  # noqa: E402

USER_PREFIX = "load-user-"
PASSWORD = "demo-password"
PENDING = (TaskResultStatus.READY, TaskResultStatus.RUNNING)


def cmd_users(args):
    """Create load-user-001... (verified e-mail, no roles); existing ones are kept."""
    hashed = make_password(PASSWORD)
    names = [f"{USER_PREFIX}{n:03d}" for n in range(1, args.count + 1)]
    existing = set(
        User.objects.filter(username__in=names).values_list("username", flat=True)
    )
    with transaction.atomic():
        for name in names:
            if name in existing:
                continue
            user = User(
                username=name,
                email=f"{name}@example.invalid",
                display_name=f"Load user {name[-3:]} (DEMO)",
                password=hashed,
            )
            user.save()
            EmailAddress.objects.create(
                user=user, email=user.email, verified=True, primary=True
            )
    return {"users": names, "password": PASSWORD}


def cmd_targets(_args):
    experiments = [
        {"pk": e.pk, "url": e.get_absolute_url(), "author": e.author.username}
        for e in Experiment.objects.public()
        .filter(state__in=("registered", "concluded"), discussion_locked=False)
        .select_related("author")
        .order_by("pk")
    ]
    evidence = [page.url for page in EvidencePage.objects.live().public()]
    return {"experiments": experiments, "evidence": evidence}


def queue_counts():
    rows = (
        DBTaskResult.objects.filter(status__in=PENDING)
        .values_list("queue_name", "status")
        .order_by()
        .annotate(n=Count("pk"))
    )
    counts = {f"{queue}:{status}": n for queue, status, n in rows}
    failed = (
        DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
        .values_list("queue_name")
        .order_by()
        .annotate(n=Count("pk"))
    )
    return {
        "pending": counts,
        "pending_total": sum(counts.values()),
        "failed": dict(failed),
    }


def cmd_queue(_args):
    return queue_counts()


def cmd_drain(args):
    start = time.monotonic()
    while True:
        counts = queue_counts()
        if counts["pending_total"] == 0:
            return {
                "drained": True,
                "seconds": round(time.monotonic() - start, 1),
                **counts,
            }
        if time.monotonic() - start > args.timeout:
            return {
                "drained": False,
                "seconds": round(time.monotonic() - start, 1),
                **counts,
            }
        connection.close()
        time.sleep(1)


def cmd_integrity(_args):
    """Rows that disagree: reply counts, submitted critiques without their scores."""
    content_type = ContentType.objects.get_for_model(Experiment)
    counted = dict(
        Reply.objects.filter(content_type=content_type, is_public=True)
        .values_list("object_pk")
        .order_by()
        .annotate(n=Count("pk"))
    )
    reply_count_mismatches = [
        {
            "experiment": e.pk,
            "reply_count": e.reply_count,
            "public_replies": counted.get(str(e.pk), 0),
        }
        for e in Experiment.objects.only("pk", "reply_count")
        if e.reply_count != counted.get(str(e.pk), 0)
    ]
    incomplete = []
    for critique in (
        Critique.objects.exclude(state=CritiqueState.DRAFT)
        .select_related("rubric_version")
        .annotate(n_scores=Count("scores"))
    ):
        required = critique.rubric_version.criteria.filter(optional=False).count()
        answered = critique.scores.filter(
            Q(score__isnull=False) | Q(cant_tell=True)
        ).count()
        if answered < required:
            incomplete.append(
                {"critique": critique.pk, "required": required, "answered": answered}
            )
    orphan_replies = (
        Reply.objects.filter(content_type=content_type)
        .exclude(
            object_pk__in=[
                str(pk) for pk in Experiment.objects.values_list("pk", flat=True)
            ]
        )
        .count()
    )
    return {
        "replies": Reply.objects.count(),
        "critiques": Critique.objects.count(),
        "reply_count_mismatches": reply_count_mismatches,
        "critiques_missing_scores": incomplete,
        "orphan_replies": orphan_replies,
    }


def index_pks(model):
    """The primary keys stored in `model`'s Whoosh index (root documents)."""
    from search.backends.whoosh.mapping import PK

    backend = get_search_backend()
    index = backend.get_index_for_model(model)
    found = set()

    def collect(ix):
        with ix.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                if PK in fields:
                    found.add(str(fields[PK]))

    index.store.read(index.name, collect)
    return found


def cmd_index_coverage(_args):
    """Every object that should be findable is in the index (Whoosh only)."""
    out = {}
    for label, model in (
        ("experiment", Experiment),
        ("reply", Reply),
        ("critique", Critique),
    ):
        expected = {
            str(pk) for pk in model.get_indexed_objects().values_list("pk", flat=True)
        }
        present = index_pks(model)
        out[label] = {
            "expected": len(expected),
            "in_index": len(expected & present),
            "missing": sorted(expected - present, key=int)[:50],
            "missing_total": len(expected - present),
        }
    out["complete"] = all(v["missing_total"] == 0 for v in out.values())
    return out


def _search_found(model, token, pk):
    results = get_search_backend().search(token, model.get_indexed_objects())[:20]
    return any(str(obj.pk) == str(pk) for obj in results)


def cmd_reconcile(args):
    """Each accepted post: in the database, public, in the index, found by searching its token."""
    accepted = json.loads(Path(args.path).read_text())
    whoosh = os.environ.get("SEARCH_BACKEND", "whoosh") == "whoosh"
    out = {}
    for kind, model in (("reply", Reply), ("critique", Critique)):
        posts = accepted.get(kind, [])
        pks = [int(p["pk"]) for p in posts]
        rows = {obj.pk: obj for obj in model.objects.filter(pk__in=pks)}
        findable = set(
            model.get_indexed_objects().filter(pk__in=pks).values_list("pk", flat=True)
        )
        present = index_pks(model) if whoosh else None
        missing_db, not_public, missing_index, not_found, wrong_text = (
            [],
            [],
            [],
            [],
            [],
        )
        searched = 0
        deadline = time.monotonic() + args.search_seconds
        for post in posts:
            pk = int(post["pk"])
            row = rows.get(pk)
            if row is None:
                missing_db.append(pk)
                continue
            text = row.comment if kind == "reply" else row.strengths
            if post["token"] not in text:
                wrong_text.append(pk)
            if pk not in findable:
                not_public.append(pk)
                continue
            if present is not None and str(pk) not in present:
                missing_index.append(pk)
            if time.monotonic() < deadline:
                searched += 1
                if not _search_found(model, post["token"], pk):
                    not_found.append(pk)
        out[kind] = {
            "accepted": len(posts),
            "in_database": len(posts) - len(missing_db),
            "findable": len(findable),
            "in_index": None
            if present is None
            else len(findable & {int(p) for p in present}),
            "searched": searched,
            "found_by_search": searched - len(not_found),
            "missing_from_database": missing_db,
            "not_public": not_public,
            "missing_from_index": missing_index,
            "not_found_by_search": not_found,
            "text_mismatch": wrong_text,
        }
    out["ok"] = all(
        not v["missing_from_database"]
        and not v["not_public"]
        and not v["missing_from_index"]
        and not v["not_found_by_search"]
        and not v["text_mismatch"]
        for v in out.values()
    )
    return out


def cmd_touch_replies(args):
    """Save `count` replies again (or as many as exist), each queueing an index update."""
    saved = 0
    with transaction.atomic():
        for reply in Reply.objects.order_by("pk")[: args.count]:
            reply.save(update_fields=["comment"])
            saved += 1
        for experiment in Experiment.objects.public().order_by("pk"):
            experiment.save(update_fields=["title"])
            saved += 1
    return {"saved": saved}


def cmd_make_replies(args):
    """Write `count` new public replies (as load users), each queueing an index update."""
    from django.conf import settings
    from django.db.models import F
    from django.utils import timezone

    content_type = ContentType.objects.get_for_model(Experiment)
    experiments = list(
        Experiment.objects.public().filter(state__in=("registered", "concluded"))
    )
    users = list(User.objects.filter(username__startswith=USER_PREFIX))
    made = 0
    while made < args.count:
        with transaction.atomic():
            for _ in range(min(200, args.count - made)):
                experiment = experiments[made % len(experiments)]
                user = users[made % len(users)]
                Reply(
                    content_type=content_type,
                    object_pk=str(experiment.pk),
                    site_id=settings.SITE_ID,
                    user=user,
                    user_name=user.public_name[:50],
                    user_email=user.email,
                    comment=f"Queued reply number {made} about reflective supervision.",
                    submit_date=timezone.now(),
                    is_public=True,
                ).save()
                Experiment.objects.filter(pk=experiment.pk).update(
                    reply_count=F("reply_count") + 1
                )
                made += 1
    return {"made": made}


def main(argv=None):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("users").add_argument("count", type=int)
    sub.add_parser("targets")
    sub.add_parser("queue")
    sub.add_parser("drain").add_argument("--timeout", type=float, default=600)
    sub.add_parser("integrity")
    sub.add_parser("index-coverage")
    reconcile = sub.add_parser("reconcile")
    reconcile.add_argument("path")
    reconcile.add_argument("--search-seconds", type=float, default=300)
    sub.add_parser("touch-replies").add_argument("count", type=int)
    sub.add_parser("make-replies").add_argument("count", type=int)
    args = parser.parse_args(argv)
    handler = globals()["cmd_" + args.command.replace("-", "_")]
    json.dump(handler(args), sys.stdout, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
