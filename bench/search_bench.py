"""Search benchmark: our Whoosh backend against the raw engine and modelsearch's SQLite backend.

Run from the project root (never under pytest; see bench/README.md):

    .venv/bin/python bench/search_bench.py --quick
    .venv/bin/python bench/search_bench.py --docs 10000 --docs 50000 --queries 200 \
        --out bench/results/search.json

Everything is written to a fresh temporary directory (SQLite file and Whoosh
indexes), which is removed at the end unless --keep is given.
"""

import argparse
import datetime
import gc
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import CorpusGenerator, make_queries  # noqa: E402
from bench.stats import log, percentile  # noqa: E402

SEED = 20251126
# The database task backend (bench/settings.py) the worker-path figures queue on.
BENCH_TASKS = "search_bench"
DEFAULT_SIZES = [10_000, 50_000]
QUICK_SIZES = [1_000]
TARGETS = {
    "index_docs_per_s": 800,
    "e2e_over_raw_p95": 1.5,
    "e2e_p95_ms": 25.0,
    "e2e_highlight_p95_ms": 35.0,
}
WARMUP_QUERIES = 10
# Seconds one timed pass may take before it stops early (set from --pass-budget);
# a pass that stops early reports how many queries it timed.
PASS_BUDGET = {"seconds": 300.0, "minimum": 20}

now = time.perf_counter
cpu = time.process_time


def summary(times):
    wall = times["wall"]
    out = {
        "n": len(wall),
        "p50_ms": percentile(wall, 50),
        "p95_ms": percentile(wall, 95),
        "mean_ms": sum(wall) / len(wall) if wall else None,
        "max_ms": max(wall) if wall else None,
    }
    if "timed_out" in times:
        out["timed_out"] = sum(times["timed_out"])
    if times.get("cpu"):
        # CPU time of this process: what the work costs without the waiting a
        # busy, shared machine adds to the wall time.
        out["cpu_p50_ms"] = percentile(times["cpu"], 50)
        out["cpu_p95_ms"] = percentile(times["cpu"], 95)
    return out


def dir_size(path):
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def timed_pass(queries, run_one, budget=None, minimum=None):
    """Run `run_one(query)` for each query: wall and CPU milliseconds of each.

    Stops once `budget` seconds (default: --pass-budget) are spent and at least
    `minimum` queries have run, so one very slow variant cannot stall the run.
    """
    budget = PASS_BUDGET["seconds"] if budget is None else budget
    minimum = PASS_BUDGET["minimum"] if minimum is None else minimum
    gc.collect()
    times = {"wall": [], "cpu": []}
    started = now()
    for query in queries:
        start, start_cpu = now(), cpu()
        run_one(query)
        times["wall"].append((now() - start) * 1000)
        times["cpu"].append((cpu() - start_cpu) * 1000)
        spent = now() - started
        if budget is not None and spent > budget and len(times["wall"]) >= minimum:
            break
    return times


# Setup


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--docs",
        type=int,
        action="append",
        help="corpus size; repeat for several (default: 10000 and 50000)",
    )
    parser.add_argument(
        "--queries", type=int, help="timed queries per size (default: 200)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 1,000 documents and 50 queries",
    )
    parser.add_argument("--out", type=Path, help="where to write the JSON results")
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=1000,
        help="documents per add_items() call, as update_index's default (1000)",
    )
    parser.add_argument(
        "--db-queries",
        type=int,
        default=5,
        help="queries timed on the database backend at sizes above --db-all-up-to",
    )
    parser.add_argument(
        "--db-all-up-to",
        type=int,
        default=10_000,
        help="up to this size the database backend gets every query (default 10000)",
    )
    parser.add_argument(
        "--db-budget",
        type=float,
        default=120.0,
        help="seconds of database-backend searching per size before stopping early",
    )
    parser.add_argument(
        "--db-timeout",
        type=float,
        default=120.0,
        help="stop one database-backend query after this many seconds; it then "
        "counts as this long (a lower bound; default 120)",
    )
    parser.add_argument(
        "--pass-budget",
        type=float,
        default=300.0,
        help="seconds one timed pass of queries may take before stopping early "
        "(after at least 20 queries; default 300)",
    )
    parser.add_argument(
        "--no-database",
        action="store_true",
        help="skip modelsearch's database backend entirely",
    )
    parser.add_argument(
        "--no-whatif",
        action="store_true",
        help="skip the rebuilds with other build options (BUILD_OPTIMIZE, BUILD_PROCS)",
    )
    parser.add_argument(
        "--whatif-up-to",
        type=int,
        default=10_000,
        help="rebuild with other build options at sizes up to this (default 10000)",
    )
    parser.add_argument(
        "--procs",
        type=int,
        default=2,
        help="BUILD_PROCS of the multi-process rebuild variant where the backend's "
        "default is 1 (1 skips it; at most 2); where it is more, the variant is 1",
    )
    parser.add_argument(
        "--sync-docs",
        type=int,
        default=2000,
        help="index updates queued for the search worker's batch path (default 2000)",
    )
    parser.add_argument(
        "--sync-single-docs",
        type=int,
        default=100,
        help="of which run one task per commit, as before batching (default 100)",
    )
    parser.add_argument(
        "--tmpdir", type=Path, help="parent of the temporary working directory"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary working directory"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    if args.quick:
        args.docs = args.docs or QUICK_SIZES
        args.queries = args.queries or 50
        args.out = args.out or ROOT / "bench" / "results" / "search-quick.json"
    args.docs = sorted(set(args.docs or DEFAULT_SIZES))
    args.queries = args.queries or 200
    args.out = args.out or ROOT / "bench" / "results" / "search.json"
    if not 1 <= args.procs <= 2:
        parser.error("--procs must be 1 or 2: the machine is shared")
    return args


def machine_info(args):
    def git(*command):
        try:
            return subprocess.run(  # noqa: S603 - fixed git commands, no shell
                ["git", *command],  # noqa: S607
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    def version(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    dirty = git("status", "--porcelain", "--", "search", "forum")
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "loadavg_start": list(os.getloadavg()),
        "sqlite": sqlite3.sqlite_version,
        "packages": {
            name: version(name)
            for name in ("Django", "wagtail", "modelsearch", "Whoosh-Reloaded")
        },
        "git_commit": git("rev-parse", "--short", "HEAD"),
        # The benchmark measures the working tree: uncommitted edits count.
        "git_uncommitted_in_search_forum": dirty.splitlines() if dirty else [],
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "seed": args.seed,
        "queries": args.queries,
        "chunk_size": args.chunk_size,
    }


def setup_django(workdir):
    os.environ["BENCH_TMPDIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def migrate():
    from django.core.management import call_command

    start = now()
    call_command("migrate", interactive=False, verbosity=0)
    return now() - start


def bench_user():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="search-bench", defaults={"email": "bench@example.invalid"}
    )
    return user


def grow_corpus(generator, target, author):
    """Add registered experiments until there are `target` of them."""
    from django.db import transaction
    from django.utils import timezone

    from forum.choices import Direction, State
    from forum.models import Experiment

    have = Experiment.objects.count()
    if have >= target:
        return 0.0, 0
    base = timezone.now() - datetime.timedelta(days=3 * 365)
    start = now()
    words = 0
    with transaction.atomic():
        batch = []
        for i in range(have, target):
            doc = generator.document()
            words += doc.words
            batch.append(
                Experiment(
                    author=author,
                    state=State.REGISTERED,
                    title=doc.title,
                    aim=doc.aim,
                    what_i_will_try=doc.what_i_will_try,
                    hypothesis_direction=Direction.INCREASE,
                    outside_reference="Synthetic benchmark document",
                    registered_at=base + datetime.timedelta(minutes=37 * i),
                    plan_sha256=hashlib.sha256(f"bench-{i}".encode()).hexdigest(),
                )
            )
            if len(batch) >= 2000:
                Experiment.objects.bulk_create(batch, batch_size=500)
                batch = []
        if batch:
            Experiment.objects.bulk_create(batch, batch_size=500)
    return now() - start, words


def indexed_chunks(chunk_size):
    """The chunks `manage.py update_index` feeds to add_items(), the same way."""
    from modelsearch.management.commands.rebuild_modelsearch_index import Command

    from forum.models import Experiment

    return Command().queryset_chunks(
        Experiment.get_indexed_objects().order_by("pk"), chunk_size
    )


# Indexing


def index_whoosh(backend, chunk_size):
    """Rebuild the Experiment index exactly as update_index does, phase by phase."""
    from whoosh import index as whoosh_index

    from forum.models import Experiment

    index = backend.get_index_for_model(Experiment)
    gc.collect()
    phases = {"start": 0.0, "db_fetch": 0.0, "add_items": 0.0, "finish": 0.0}
    count = 0
    total_start, total_cpu = now(), cpu()
    # With BUILD_PROCS > 1 most of the work is done in child processes.
    children_before = os.times()
    start = now()
    rebuilder = backend.rebuilder_class(index)
    build = rebuilder.start()
    build.add_model(Experiment)
    phases["start"] = now() - start
    chunks = iter(indexed_chunks(chunk_size))
    while True:
        start = now()
        chunk = next(chunks, None)
        phases["db_fetch"] += now() - start
        if chunk is None:
            break
        start = now()
        build.add_items(Experiment, chunk)
        phases["add_items"] += now() - start
        count += len(chunk)
    start = now()
    rebuilder.finish()
    phases["finish"] = now() - start
    seconds, cpu_seconds = now() - total_start, cpu() - total_cpu
    children_after = os.times()
    cpu_seconds += (children_after.children_user - children_before.children_user) + (
        children_after.children_system - children_before.children_system
    )
    path = backend.store.current(index.name)
    return {
        "docs": count,
        "seconds": seconds,
        "docs_per_s": count / seconds,
        "cpu_seconds": cpu_seconds,
        "docs_per_cpu_s": count / cpu_seconds,
        "phases_s": phases,
        "size_mb": dir_size(path) / 1e6,
        # Segments the build wrote (one per BUILD_LIMITMB of postings), and how
        # many are left once finish() has merged them (BUILD_OPTIMIZE).
        "segments_before_optimize": rebuilder.bulk.commits,
        "segments": len(whoosh_index.open_dir(str(path))._segments()),
        "build_options": {
            **backend.build_options,
            "optimize": backend.build_optimize,
        },
        "path": str(path),
    }


def build_variants(procs):
    """(name, backend options) of the rebuilds with other build options."""
    from search.backends.whoosh import WhooshSearchBackend

    default_optimize = WhooshSearchBackend({"PATH": "-"}).build_optimize
    variants = [
        (
            "no_optimize" if default_optimize else "optimize",
            {"BUILD_OPTIMIZE": not default_optimize},
        )
    ]
    default_procs = WhooshSearchBackend({"PATH": "-"}).build_options["procs"]
    other_procs = 1 if default_procs > 1 else procs
    if other_procs != default_procs:
        variants.append((f"procs{other_procs}", {"BUILD_PROCS": other_procs}))
    return variants


def index_whoosh_variants(chunk_size, procs, workdir):
    """The backend's rebuild path again, with other BUILD_* options, in scratch folders."""
    from search.backends.whoosh import WhooshSearchBackend

    results = {}
    for name, options in build_variants(procs):
        path = workdir / f"variant-{name}"
        backend = WhooshSearchBackend({"PATH": path, **options})
        entry = index_whoosh(backend, chunk_size)
        entry["options"] = options
        results[name] = entry
        log(f"  {name}: {entry['docs_per_s']:.0f} docs/s")
        shutil.rmtree(path, ignore_errors=True)
    return results


def index_sync_batches(count, single):
    """The search worker's path: queued index_sync tasks, run by db_worker's Worker.

    `count` experiments get an index_sync task each in a database task queue of
    their own, and the worker runs them in this process; `single` of them first
    with SEARCH_SYNC_BATCH = 1 (one task, one commit: the path before batching).
    The live index is written, as a save would write it.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    from django.conf import settings

    from forum.models import Experiment
    from search.sync import DEFAULT_BATCH, SEARCH_QUEUE, index_sync

    pks = list(
        Experiment.get_indexed_objects().order_by("-pk").values_list("pk", flat=True)
    )
    out = {}
    for name, pks_here, batch in (
        ("one_task_per_commit", pks[:single], 1),
        ("batched", pks[single:][:count], DEFAULT_BATCH),
    ):
        if not pks_here:
            continue
        for pk in pks_here:
            index_sync.using(backend=BENCH_TASKS).enqueue(
                "forum", "experiment", str(pk)
            )
        settings.SEARCH_SYNC_BATCH = batch
        worker = Worker(
            queue_names=[SEARCH_QUEUE],
            interval=0,
            batch=True,
            backend_name=BENCH_TASKS,
            startup_delay=False,
            max_tasks=None,
            worker_id=f"bench-{name}",
        )
        gc.collect()
        start, start_cpu = now(), cpu()
        worker.run()
        seconds, cpu_seconds = now() - start, cpu() - start_cpu
        done = DBTaskResult.objects.filter(
            backend_name=BENCH_TASKS, worker_ids=[f"bench-{name}"], status="SUCCESSFUL"
        ).count()
        out[name] = {
            "tasks": len(pks_here),
            "successful": done,
            "batch_size": batch,
            "seconds": seconds,
            "docs_per_s": len(pks_here) / seconds,
            "ms_per_doc": seconds * 1000 / len(pks_here),
            "cpu_seconds": cpu_seconds,
            "docs_per_cpu_s": len(pks_here) / cpu_seconds,
        }
        log(f"  index_sync {name}: {len(pks_here) / seconds:.0f} docs/s")
    del settings.SEARCH_SYNC_BATCH
    DBTaskResult.objects.filter(backend_name=BENCH_TASKS).delete()
    return out


def database_index_size_mb():
    from django.db import connection

    with connection.cursor() as cursor:
        try:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE '%indexentry%'"
            )
        except Exception:  # dbstat is a compile-time option of SQLite
            return None
        (size,) = cursor.fetchone()
    return (size or 0) / 1e6


def index_database(backend, chunk_size):
    """modelsearch's database backend, emptied then rebuilt as update_index does."""
    from forum.models import Experiment

    index = backend.get_index_for_model(Experiment)
    index.reset()
    gc.collect()
    count = 0
    start, start_cpu = now(), cpu()
    rebuilder = backend.rebuilder_class(index)
    build = rebuilder.start()
    build.add_model(Experiment)
    for chunk in indexed_chunks(chunk_size):
        build.add_items(Experiment, chunk)
        count += len(chunk)
    rebuilder.finish()
    seconds = now() - start
    cpu_seconds = cpu() - start_cpu
    return {
        "cpu_seconds": cpu_seconds,
        "backend": f"{type(backend).__module__}.{type(backend).__name__}",
        "docs": count,
        "seconds": seconds,
        "docs_per_s": count / seconds,
        "size_mb": database_index_size_mb(),
    }


# Searching


def search_whoosh_raw(index_path, queries, warmups, parser_columns):
    """The engine's floor: one open index and searcher, parsed queries, limit=20."""
    from whoosh import index as whoosh_index
    from whoosh.qparser import AndGroup, MultifieldParser

    from search.backends.whoosh.mapping import PK

    ix = whoosh_index.open_dir(index_path)
    parser = MultifieldParser(
        list(parser_columns), ix.schema, fieldboosts=parser_columns, group=AndGroup
    )
    parsed = {text: parser.parse(text) for text in [*warmups, *queries]}
    out = {}
    with ix.searcher() as searcher:

        def reused(text):
            hits = searcher.search(parsed[text], limit=20)
            return [hit[PK] for hit in hits]

        timed_pass(warmups, reused)
        out["raw"] = timed_pass(queries, reused)
        matches = [
            len(searcher.search(parsed[text], limit=None, scored=False))
            for text in queries
        ]

    def opened(text):
        with whoosh_index.open_dir(index_path).searcher() as searcher:
            hits = searcher.search(parsed[text], limit=20)
            return [hit[PK] for hit in hits]

    timed_pass(warmups, opened)
    out["raw_open_per_query"] = timed_pass(queries, opened)
    return out, matches, {text: str(parsed[text]) for text in queries[:5]}


def search_whoosh_backend(backend, queries, warmups):
    """End to end through the backend, plus the backend's own query on a reused searcher."""
    from whoosh import index as whoosh_index

    from modelsearch.utils import parse_query_string

    from forum.models import Experiment
    from search.backends.whoosh.mapping import PK
    from search.backends.whoosh.ranking import SEGMENT_CACHE
    from search.highlight import highlight as site_highlight

    def as_query(text):
        # As search/selectors.py does: every word must occur.
        return parse_query_string(text, operator="and")[1]

    out = {}
    highlight_only = {  # wall ms
        "backend_highlight": [],
        "site_highlight": [],
        "site_highlight_prefetched": [],
    }

    # The backend's compiled query and filter, on one reused searcher: what the
    # filter alone costs, without opening the index per search.
    plans = {
        text: backend.search(as_query(text), Experiment.objects.public())._plan()
        for text in [*warmups, *queries]
    }
    index = backend.get_index_for_model(Experiment)
    ix = whoosh_index.open_dir(str(backend.store.current(index.name)))
    with ix.searcher() as searcher:

        def compiled(text):
            plan = plans[text]
            if plan is None:
                return []
            query, allow = plan
            hits = searcher.search(query, filter=allow, limit=20)
            return [hit[PK] for hit in hits]

        def compiled_no_filter(text):
            plan = plans[text]
            if plan is None:
                return []
            hits = searcher.search(plan[0], limit=20)
            return [hit[PK] for hit in hits]

        timed_pass(warmups, compiled)
        out["backend_query_reused_searcher"] = timed_pass(queries, compiled)
        timed_pass(warmups, compiled_no_filter)
        out["backend_query_no_filter_reused_searcher"] = timed_pass(
            queries, compiled_no_filter
        )

    def e2e(text):
        return list(backend.search(as_query(text), Experiment.objects.public())[:20])

    def e2e_backend_highlight(text):
        query = as_query(text)
        objects = list(backend.search(query, Experiment.objects.public())[:20])
        start = now()
        snippets = [backend.highlight(obj, query) for obj in objects]
        highlight_only["backend_highlight"].append((now() - start) * 1000)
        return snippets

    def e2e_site_highlight(text):
        objects = list(backend.search(as_query(text), Experiment.objects.public())[:20])
        start = now()
        # As search/selectors.py's _hit() does for an experiment.
        snippets = [site_highlight(obj.search_text(), text) for obj in objects]
        highlight_only["site_highlight"].append((now() - start) * 1000)
        return snippets

    def e2e_site_highlight_prefetched(text):
        # The same, with the amendments search_text() reads fetched with the page
        # (one query for all 20) instead of one query per experiment.
        public = Experiment.objects.public().prefetch_related("amendments")
        objects = list(backend.search(as_query(text), public)[:20])
        start = now()
        snippets = [site_highlight(obj.search_text(), text) for obj in objects]
        highlight_only["site_highlight_prefetched"].append((now() - start) * 1000)
        return snippets

    # Each pass starts with no decoded postings kept (ranking.SEGMENT_CACHE), as
    # a freshly started worker would after the warm-up queries; a word's first
    # search in the pass pays for decoding it. "e2e_repeat" runs the same
    # queries again, with every list they need already kept.
    def fresh_pass(run_one, highlighting=None):
        SEGMENT_CACHE.clear()
        timed_pass(warmups, run_one)
        if highlighting:
            highlight_only[highlighting].clear()  # keep the timed queries' only
        return timed_pass(queries, run_one)

    out["e2e"] = fresh_pass(e2e)
    out["e2e_repeat"] = timed_pass(queries, e2e)
    out["e2e_backend_highlight"] = fresh_pass(
        e2e_backend_highlight, "backend_highlight"
    )
    out["e2e_site_highlight"] = fresh_pass(e2e_site_highlight, "site_highlight")
    out["e2e_site_highlight_prefetched"] = fresh_pass(
        e2e_site_highlight_prefetched, "site_highlight_prefetched"
    )
    out["highlight_only_backend"] = {"wall": highlight_only["backend_highlight"]}
    out["highlight_only_site"] = {"wall": highlight_only["site_highlight"]}
    out["highlight_only_site_prefetched"] = {
        "wall": highlight_only["site_highlight_prefetched"]
    }
    return out


def search_database(backend, queries, warmups, budget, timeout):
    """End to end through the database backend; a query is stopped after `timeout` s.

    SQLite's own interrupt stops a query that runs too long; it is then counted at
    `timeout` and flagged, so its figure is a lower bound.
    """
    import threading

    from django.db import OperationalError, connection

    from modelsearch.utils import parse_query_string

    from forum.models import Experiment

    timed_out = []

    def run(text):
        query = parse_query_string(text, operator="and")[1]
        connection.ensure_connection()
        timer = threading.Timer(timeout, connection.connection.interrupt)
        timer.start()
        try:
            list(backend.search(query, Experiment.objects.public())[:20])
            timed_out.append(False)
        except OperationalError as error:
            if "interrupt" not in str(error):
                raise
            timed_out.append(True)
        finally:
            timer.cancel()

    timed_pass(warmups[:1], run)
    timed_out.clear()
    times = timed_pass(queries, run, budget=budget, minimum=3)
    times["timed_out"] = timed_out
    return times


# One size


def bench_size(args, result, workdir, whoosh_backend, database_backend, queries, save):
    """Fill `result` for its size, calling `save()` after each phase."""
    from forum.models import Experiment
    from search.backends.whoosh.mapping import root_schema

    size = result["docs"]
    warmups = make_queries(WARMUP_QUERIES, seed=args.seed + 7)
    result["latency"], result["latency_raw_ms"] = {}, {}

    def record(timings):
        for name, values in timings.items():
            result["latency_raw_ms"][name] = values
            result["latency"][name] = entry = summary(values)
            log(
                f"{size}: {name}: p50 {entry['p50_ms']:.2f} ms, "
                f"p95 {entry['p95_ms']:.2f} ms (n={entry['n']})"
            )
        save()

    log(f"{size}: indexing with the Whoosh backend (rebuild path)")
    result["index_whoosh"] = whoosh_index = index_whoosh(
        whoosh_backend, args.chunk_size
    )
    log(
        f"{size}: {whoosh_index['docs_per_s']:.0f} docs/s, "
        f"{whoosh_index['size_mb']:.1f} MB, phases {whoosh_index['phases_s']}"
    )
    save()
    if not args.no_whatif and size <= args.whatif_up_to:
        log(f"{size}: rebuilds with other build options")
        result["index_whoosh_variants"] = index_whoosh_variants(
            args.chunk_size, args.procs, workdir
        )
        save()

    log(f"{size}: raw Whoosh queries")
    columns = root_schema(Experiment)[1]
    raw, matches, examples = search_whoosh_raw(
        whoosh_index["path"], queries, warmups, columns
    )
    result["query_columns"] = columns
    result["parsed_examples"] = examples
    result["matches"] = {
        "p50": percentile(matches, 50),
        "min": min(matches),
        "max": max(matches),
        "zero_hit_queries": sum(1 for m in matches if m == 0),
    }
    record(raw)
    log(f"{size}: end-to-end through the Whoosh backend")
    record(search_whoosh_backend(whoosh_backend, queries, warmups))

    if database_backend is not None:
        log(f"{size}: indexing with modelsearch's database backend")
        result["index_database"] = index_database(database_backend, args.chunk_size)
        log(f"{size}: {result['index_database']['docs_per_s']:.0f} docs/s")
        save()
        cap = len(queries) if size <= args.db_all_up_to else args.db_queries
        log(f"{size}: end-to-end through the database backend (up to {cap} queries)")
        db_times = search_database(
            database_backend, queries[:cap], warmups, args.db_budget, args.db_timeout
        )
        n = len(db_times["wall"])
        subset = result["latency_raw_ms"]["e2e"]["wall"][:n]
        db_p50 = percentile(db_times["wall"], 50)
        result["database_vs_whoosh"] = {
            "queries": n,
            "whoosh_e2e_p50_ms_same_queries": percentile(subset, 50),
            "database_e2e_p50_ms": db_p50,
            "ratio_of_medians": db_p50 / percentile(subset, 50),
            "queries_stopped_at_timeout": sum(db_times["timed_out"]),
            "timeout_s": args.db_timeout,
        }
        record({"e2e_database": db_times})

    if args.sync_docs or args.sync_single_docs:
        log(f"{size}: the search worker's index_sync path")
        result["index_sync"] = index_sync_batches(
            min(args.sync_docs, size), min(args.sync_single_docs, size)
        )
        save()
    return result


def check_targets(result):
    """Each target at one size: the wall-clock figure, and the CPU-time one beside it."""
    latency = result["latency"]
    index = result["index_whoosh"]

    def p95(name, kind="p95_ms"):
        return latency[name].get(kind)

    def same_queries_p95(kind):
        # The raw engine over exactly the queries the end-to-end pass timed.
        n = latency["e2e"]["n"]
        return percentile(result["latency_raw_ms"]["raw"][kind][:n], 95)

    checks = [
        {
            "target": "indexing >= 800 docs/s (backend rebuild path)",
            "value": index["docs_per_s"],
            "cpu_value": index["docs_per_cpu_s"],
            "limit": TARGETS["index_docs_per_s"],
            "unit": "docs/s",
            "higher_is_better": True,
        },
        {
            "target": "end-to-end p95 <= 1.5 x raw engine p95",
            "value": p95("e2e") / same_queries_p95("wall"),
            "cpu_value": p95("e2e", "cpu_p95_ms") / same_queries_p95("cpu"),
            "limit": TARGETS["e2e_over_raw_p95"],
            "unit": "x",
        },
        {
            "target": "end-to-end p95 < 25 ms, no highlighting",
            "value": p95("e2e"),
            "cpu_value": p95("e2e", "cpu_p95_ms"),
            "limit": TARGETS["e2e_p95_ms"],
            "unit": "ms",
        },
    ]
    for name, label in (
        ("e2e_backend_highlight", "backend.highlight()"),
        ("e2e_site_highlight", "search.highlight(search_text())"),
    ):
        checks.append(
            {
                "target": f"end-to-end p95 < 35 ms, {label}",
                "value": p95(name),
                "cpu_value": p95(name, "cpu_p95_ms"),
                "limit": TARGETS["e2e_highlight_p95_ms"],
                "unit": "ms",
            }
        )
    for check in checks:
        if check.pop("higher_is_better", False):
            check["met"] = check["value"] >= check["limit"]
            check["off_by"] = check["limit"] / check["value"]
        else:
            check["met"] = check["value"] <= check["limit"]
            check["off_by"] = check["value"] / check["limit"]
    return checks


# Report


def fmt(value, digits=1):
    if value is None:
        return "-"
    if isinstance(value, float) and value >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def render(report):
    meta = report["meta"]
    sizes = report["sizes"]
    lines = []  # strings, or (label, cells) rows aligned at the end
    add = lines.append
    add("")
    add(
        f"Search benchmark - {meta['date']} - Python {meta['python']} "
        f"({meta['python_implementation']}) on {meta['platform']}, "
        f"{meta['cpu_count']} CPUs, SQLite {meta['sqlite']}"
    )
    add(
        f"Whoosh-Reloaded {meta['packages']['Whoosh-Reloaded']}, modelsearch "
        f"{meta['packages']['modelsearch']}, Django {meta['packages']['Django']}; "
        f"git {meta['git_commit']}"
        + (
            f" + uncommitted: {', '.join(meta['git_uncommitted_in_search_forum'])}"
            if meta["git_uncommitted_in_search_forum"]
            else ""
        )
    )
    add(
        f"load average at start {meta['loadavg_start'][0]:.1f}, at end "
        f"{meta['loadavg_end'][0]:.1f} (1 min)"
    )
    add(
        f"{meta['queries']} queries of 1-3 practice words (every word must match), "
        f"limit 20; one run, times are p50 / p95 in ms"
    )
    add("")
    add(("", [f"{s['docs']:,} docs" for s in sizes]))

    def row(label, cell):
        add((label, [cell(s) for s in sizes]))

    def lat(name):
        def cell(s):
            entry = s["latency"].get(name)
            if not entry or not entry["n"]:
                return "-"
            text = f"{fmt(entry['p50_ms'], 2)} / {fmt(entry['p95_ms'], 2)}"
            if entry.get("timed_out"):
                return f">= {text} (n={entry['n']}, {entry['timed_out']} stopped)"
            return text if entry["n"] == meta["queries"] else f"{text} (n={entry['n']})"

        return cell

    add("Indexing")
    row(
        "  Whoosh backend, rebuild path (docs/s)",
        lambda s: fmt(s["index_whoosh"]["docs_per_s"], 0),
    )
    row("    wall time (s)", lambda s: fmt(s["index_whoosh"]["seconds"]))
    for phase in ("db_fetch", "add_items", "finish"):
        row(
            f"    {phase} (s)",
            lambda s, phase=phase: fmt(s["index_whoosh"]["phases_s"][phase]),
        )
    row(
        "    segments written -> after finish()",
        lambda s: (
            f"{s['index_whoosh']['segments_before_optimize']} -> "
            f"{s['index_whoosh']['segments']}"
        ),
    )
    row(
        "    by CPU time, with the build processes (docs/CPU-s)",
        lambda s: fmt(s["index_whoosh"]["docs_per_cpu_s"], 0),
    )
    row("  Whoosh index size on disk (MB)", lambda s: fmt(s["index_whoosh"]["size_mb"]))
    variants = [s.get("index_whoosh_variants", {}) for s in sizes]
    names = next((list(v) for v in variants if v), [])
    if names:
        add("  same path, other build options (docs/s; docs/CPU-s incl. children):")
    for name in names:

        def variant(s, name=name):
            entry = s.get("index_whoosh_variants", {}).get(name)
            if not entry:
                return "-"
            return (
                f"{fmt(entry['docs_per_s'], 0)}; {fmt(entry['docs_per_cpu_s'], 0)} "
                f"({entry['segments']} seg)"
            )

        row(f"    {name}", variant)
    if any("index_sync" in s for s in sizes):
        add("  search worker, queued index_sync tasks (docs/s; ms per doc):")
        for name, label in (
            ("one_task_per_commit", "one task per commit (SEARCH_SYNC_BATCH=1)"),
            ("batched", "batched (SEARCH_SYNC_BATCH=500)"),
        ):

            def sync(s, name=name):
                entry = s.get("index_sync", {}).get(name)
                if not entry:
                    return "-"
                return (
                    f"{fmt(entry['docs_per_s'], 0)}; {fmt(entry['ms_per_doc'], 1)} "
                    f"(n={entry['tasks']})"
                )

            row(f"    {label}", sync)
    if any("index_database" in s for s in sizes):
        row(
            "  database backend (SQLite FTS5) (docs/s)",
            lambda s: fmt(s.get("index_database", {}).get("docs_per_s"), 0),
        )
    add("Query latency, p50 / p95 (ms)")
    row("  1 raw Whoosh: reused searcher, parsed query", lat("raw"))
    row("    raw Whoosh, index opened per query", lat("raw_open_per_query"))
    row(
        "    backend's query+filter, reused searcher",
        lat("backend_query_reused_searcher"),
    )
    row(
        "    backend's query, no filter, reused searcher",
        lat("backend_query_no_filter_reused_searcher"),
    )
    row("  2 end to end, Whoosh backend", lat("e2e"))
    row("    the same queries again, postings kept", lat("e2e_repeat"))
    row("  3 end to end + backend.highlight()", lat("e2e_backend_highlight"))
    row("      highlighting alone (20 results)", lat("highlight_only_backend"))
    row("  3 end to end + search.highlight(search_text())", lat("e2e_site_highlight"))
    row("      highlighting alone (20 results)", lat("highlight_only_site"))
    row(
        "    the same, amendments prefetched",
        lat("e2e_site_highlight_prefetched"),
    )
    row("      highlighting alone (20 results)", lat("highlight_only_site_prefetched"))
    if any("e2e_database" in s["latency"] for s in sizes):
        row("  4 end to end, database backend", lat("e2e_database"))
        row(
            "    database / Whoosh, ratio of medians",
            lambda s: (
                ("> " if s["database_vs_whoosh"]["queries_stopped_at_timeout"] else "")
                + f"{s['database_vs_whoosh']['ratio_of_medians']:,.1f}x "
                f"(n={s['database_vs_whoosh']['queries']})"
                if "database_vs_whoosh" in s
                else "-"
            ),
        )
    row(
        "  matching documents per query (median)",
        lambda s: fmt(s["matches"]["p50"], 0),
    )
    add("")
    largest = sizes[-1]
    add(f"Targets at {largest['docs']:,} documents")
    for check in report["targets"]:
        mark = "MET   " if check["met"] else "MISSED"
        miss = "" if check["met"] else f", {check['off_by']:.1f}x off"
        add(
            f"  {mark} {check['target']}: {fmt(check['value'], 2)} {check['unit']}"
            f" (limit {fmt(check['limit'], 1)}{miss}; by CPU time "
            f"{fmt(check['cpu_value'], 2)})"
        )
    add("")
    add(f"Total wall time {report['wall_seconds']:.0f} s")
    rows = [line for line in lines if isinstance(line, tuple)]
    label_width = max(len(label) for label, _ in rows) + 2
    width = max(len(cell) for _, cells in rows for cell in cells) + 3
    return "\n".join(
        line
        if isinstance(line, str)
        else line[0].ljust(label_width) + "".join(c.rjust(width) for c in line[1])
        for line in lines
    )


def write_json(report, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(report, indent=2, default=str) + "\n")
    os.replace(tmp, path)


def main(argv=None):
    if "pytest" in sys.modules or "PYTEST_CURRENT_TEST" in os.environ:
        raise SystemExit("bench/search_bench.py never runs inside pytest.")
    wall_start = now()
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="search-bench-", dir=args.tmpdir))
    try:
        setup_django(workdir)
        report = run(args, workdir)
        report["wall_seconds"] = now() - wall_start
        report["meta"]["loadavg_end"] = list(os.getloadavg())
        write_json(report, args.out)
        print(render(report))
        print(f"JSON written to {args.out}")
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir):
    from modelsearch.backends import get_search_backend

    PASS_BUDGET["seconds"] = args.pass_budget
    report = {"meta": machine_info(args), "sizes": []}
    log(f"working directory {workdir}")
    report["meta"]["migrate_s"] = migrate()
    author = bench_user()
    whoosh_backend = get_search_backend("default")
    database_backend = None if args.no_database else get_search_backend("database")
    if database_backend is not None:
        report["meta"]["database_backend"] = (
            f"{type(database_backend).__module__}.{type(database_backend).__name__}"
        )
    generator = CorpusGenerator(seed=args.seed)
    queries = make_queries(args.queries, seed=args.seed)
    report["meta"]["example_queries"] = queries[:10]
    partial = args.out.with_name(args.out.name + ".partial.tmp")

    def save():
        # Everything so far, in case the run is interrupted (bench/results/*.tmp
        # is ignored by git).
        write_json(report, partial)

    total_words = 0
    for size in args.docs:
        log(f"{size}: generating and inserting documents")
        seconds, words = grow_corpus(generator, size, author)
        total_words += words
        entry = {
            "docs": size,
            "corpus_insert_s": seconds,
            "mean_words_per_doc": total_words / size,
            "complete": False,
        }
        report["sizes"].append(entry)
        bench_size(
            args, entry, workdir, whoosh_backend, database_backend, queries, save
        )
        entry["complete"] = True
        save()
    report["targets"] = check_targets(report["sizes"][-1])
    partial.unlink(missing_ok=True)
    return report


if __name__ == "__main__":
    main()
