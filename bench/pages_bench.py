"""Page benchmark: server time and SQL queries of the main pages at several data scales.

Run from the project root (never under pytest; see bench/README.md):

    .venv/bin/python bench/pages_bench.py --quick
    .venv/bin/python bench/pages_bench.py --scales 1,10,100 --out bench/results/pages.json

For each scale a fresh SQLite database is built in a temporary directory (migrate,
then `seed_demo --scale N`), by a process of its own so that Django is set up
against that database alone; the pages are requested in-process with Django's
test client, as an anonymous visitor. The directory is removed at the end unless
--keep is given.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.stats import log, percentile  # noqa: E402

SETTINGS = "bench.pages_settings"
DEFAULT_SCALES = [1, 10, 100]
QUICK_SCALES = [0.1, 0.2, 0.5]
DEFAULT_REQUESTS = 30
QUICK_REQUESTS = 5
WARMUP = 3
# Beyond this many indexed documents, building the Whoosh index takes longer than
# the rest of the run (about 100 documents a second on a shared 2-core machine).
DEFAULT_SEARCH_MAX_DOCS = 30_000
# The largest scale's median may be at most this many times the smallest's.
P50_RATIO_LIMIT = 1.5
# What the pages are asked for: an experiment with about this many replies and
# critiques, an evidence page with about this many experiments linked to it.
TARGET_REPLIES = 200
TARGET_CRITIQUES = 10
MIN_CRITIQUES = 4
TARGET_LINKED = 50
SEARCH_QUERY = "kinship carers"
PAGES = [
    "home",
    "experiments",
    "experiments_topic",
    "experiments_decision",
    "experiment_detail",
    "evidence_page",
    "critique_queue",
    "search",
]

now = time.perf_counter


# One scale, in a process of its own


def run_scale(scale, *, requests, search_max_docs):
    """Build, seed and measure one scale; returns its figures as a dict."""
    import django

    django.setup()

    from django.core.management import call_command

    from core.scale import Counts

    result = {"scale": scale, "timings_s": {}}
    started = now()
    call_command("migrate", verbosity=0, interactive=False)
    result["timings_s"]["migrate"] = now() - started
    log(f"scale {scale:g}: migrated in {now() - started:.1f} s")

    started = now()
    call_command("seed_demo", scale=scale, no_progress=True, verbosity=0)
    result["timings_s"]["seed"] = now() - started
    log(f"scale {scale:g}: seeded in {now() - started:.1f} s")

    counts = Counts.for_scale(scale)
    documents = (
        counts.evidence_pages + counts.experiments + counts.replies + counts.critiques
    )
    result["counts"] = counts.__dict__
    searchable = documents <= search_max_docs
    if searchable:
        started = now()
        call_command("update_index", verbosity=0)
        result["timings_s"]["update_index"] = now() - started
        log(
            f"scale {scale:g}: {documents:,} documents indexed in {now() - started:.1f} s"
        )
    else:
        log(
            f"scale {scale:g}: search skipped ({documents:,} documents to index, "
            f"more than --search-max-docs {search_max_docs:,})"
        )

    urls, chosen = _urls(searchable=searchable)
    result["chosen"] = chosen
    result["pages"] = {}
    for name, url in urls.items():
        figures = measure(url, requests=requests)
        result["pages"][name] = figures
        log(
            f"scale {scale:g}: {name:<22} p50 {figures['p50_ms']:8.1f} ms  "
            f"p95 {figures['p95_ms']:8.1f} ms  {figures['queries']} queries"
        )
    return result


def _urls(*, searchable):
    """Each page's URL on this database, and what was picked to stand for each."""
    from django.db.models import Count, Q

    from critique.choices import CritiqueState
    from evidence.models import EvidencePage, Topic
    from forum.choices import Decision, State
    from forum.models import Experiment

    topic = (
        Topic.objects.annotate(n=Count("experiments"))
        .order_by("-n", "pk")
        .values("slug", "n")
        .first()
    )
    # The public experiment nearest to the wanted replies and critiques. Neither a
    # replication nor a next cycle, whose page also reads the experiment it
    # follows (forum/selectors.py reads it only then): the same kind of page at
    # every scale, so its query count can be compared.
    candidates = (
        Experiment.objects.public()
        .filter(state__in=(State.REGISTERED, State.CONCLUDED))
        .filter(replication_of__isnull=True, follow_up_of__isnull=True)
        .annotate(
            submitted=Count(
                "critiques", filter=Q(critiques__state=CritiqueState.SUBMITTED)
            )
        )
        .filter(reply_count__gte=TARGET_REPLIES // 4)
        .values("pk", "reply_count", "submitted")
    )
    # Replies matter most to the page's cost: the nearest reply count among those
    # with at least a few critiques, then the nearest critique count.
    rows = list(candidates)
    rows = [row for row in rows if row["submitted"] >= MIN_CRITIQUES] or rows
    experiment = min(
        rows,
        key=lambda row: (
            abs(row["reply_count"] - TARGET_REPLIES),
            abs(row["submitted"] - TARGET_CRITIQUES),
            row["pk"],
        ),
        default=None,
    )
    if experiment is None:
        experiment = (
            Experiment.objects.public()
            .filter(state__in=(State.REGISTERED, State.CONCLUDED))
            .filter(replication_of__isnull=True, follow_up_of__isnull=True)
            .order_by("-reply_count")
            .values("pk", "reply_count")
            .first()
        )
    experiment_url = Experiment.objects.get(pk=experiment["pk"]).get_absolute_url()
    linked = (
        Experiment.objects.public()
        .filter(evidence_page__isnull=False)
        .values("evidence_page")
        .annotate(n=Count("pk"))
        .values_list("evidence_page", "n")
    )
    page_pk, page_linked = min(
        linked, key=lambda row: (abs(row[1] - TARGET_LINKED), row[0])
    )
    evidence_url = EvidencePage.objects.get(pk=page_pk).url
    urls = {
        "home": "/",
        "experiments": "/experiments/",
        "experiments_topic": f"/experiments/?topic={topic['slug']}",
        "experiments_decision": f"/experiments/?decision={Decision.values[0]}",
        "experiment_detail": experiment_url,
        "evidence_page": evidence_url,
        "critique_queue": "/critiques/queue/",
    }
    if searchable:
        # The experiments tab: without `kind` the page shows the first kind with
        # results, which the data decides (replies at scale 1, experiments above).
        urls["search"] = (
            "/search/?q=" + SEARCH_QUERY.replace(" ", "+") + "&kind=experiment"
        )
    chosen = {
        "topic": topic,
        "experiment": experiment,
        "evidence_page": {"pk": page_pk, "linked_experiments": page_linked},
        "search_query": SEARCH_QUERY if searchable else None,
    }
    return urls, chosen


def measure(url, *, requests):
    """p50 and p95 of `requests` timed GETs after a warm-up, and one GET's queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for _ in range(WARMUP):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # Read at once: the next request starts a fresh query log.
    queries = len(captured.captured_queries)
    wall = []
    for _ in range(requests):
        started = now()
        client.get(url)
        wall.append((now() - started) * 1000)
    return {
        "url": url,
        "n": len(wall),
        "p50_ms": percentile(wall, 50),
        "p95_ms": percentile(wall, 95),
        "max_ms": max(wall),
        "queries": queries,
        "wall_ms": wall,
    }


# The whole run


def checks(results):
    """Pass or fail per page: the same query count everywhere, p50 within the ratio."""
    out = {}
    for page in PAGES:
        rows = [r["pages"][page] for r in results if page in r["pages"]]
        if len(rows) < 2:
            out[page] = {"measured_at": len(rows), "passed": None}
            continue
        queries = [row["queries"] for row in rows]
        ratio = rows[-1]["p50_ms"] / rows[0]["p50_ms"]
        out[page] = {
            "measured_at": len(rows),
            "queries_constant": len(set(queries)) == 1,
            "p50_ratio": ratio,
            "p50_within_limit": ratio <= P50_RATIO_LIMIT,
        }
        out[page]["passed"] = (
            out[page]["queries_constant"] and out[page]["p50_within_limit"]
        )
    return out


def print_table(results, verdicts):
    scales = [r["scale"] for r in results]
    header = f"{'page':<22}" + "".join(
        f"{'N=' + format(s, 'g') + ' p50/p95 ms (q)':>30}" for s in scales
    )
    print(header)
    print("-" * len(header))
    for page in PAGES:
        cells = []
        for r in results:
            row = r["pages"].get(page)
            cells.append(
                f"{row['p50_ms']:.1f} / {row['p95_ms']:.1f} ({row['queries']})"
                if row
                else "not measured"
            )
        print(f"{page:<22}" + "".join(f"{cell:>30}" for cell in cells))
    print()
    failed = 0
    for page, verdict in verdicts.items():
        if verdict["passed"] is None:
            print(
                f"{page:<22} not checked (measured at {verdict['measured_at']} scale)"
            )
            continue
        failed += not verdict["passed"]
        print(
            f"{page:<22} {'PASS' if verdict['passed'] else 'FAIL'}  "
            f"queries {'constant' if verdict['queries_constant'] else 'GROW'}, "
            f"p50 largest/smallest {verdict['p50_ratio']:.2f}x "
            f"(limit {P50_RATIO_LIMIT}x)"
        )
    return failed


def parse_scales(text):
    try:
        scales = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not scales or any(not s > 0 for s in scales):
        raise argparse.ArgumentTypeError("scales must be numbers above 0")
    return sorted(scales)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scales",
        type=parse_scales,
        help="comma-separated seed_demo scales, smallest first "
        f"(default {','.join(map(str, DEFAULT_SCALES))}; "
        f"--quick: {','.join(map(str, QUICK_SCALES))})",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument(
        "--requests",
        type=int,
        help=f"timed requests per page (default {DEFAULT_REQUESTS}; "
        f"--quick: {QUICK_REQUESTS})",
    )
    parser.add_argument(
        "--search-max-docs",
        type=int,
        default=DEFAULT_SEARCH_MAX_DOCS,
        help="measure search only where there are at most this many documents to "
        f"index (default {DEFAULT_SEARCH_MAX_DOCS:,})",
    )
    parser.add_argument("--out", type=Path, help="JSON results file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary files")
    parser.add_argument("--child-scale", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if "pytest" in sys.modules:
        raise SystemExit("Run the benchmark from a shell, not under pytest.")

    requests = args.requests or (QUICK_REQUESTS if args.quick else DEFAULT_REQUESTS)
    if args.child_scale is not None:
        result = run_scale(
            args.child_scale, requests=requests, search_max_docs=args.search_max_docs
        )
        args.child_out.write_text(json.dumps(result))
        return 0

    scales = args.scales or (QUICK_SCALES if args.quick else DEFAULT_SCALES)
    out = args.out or ROOT / "bench" / "results" / (
        "pages-quick.json" if args.quick else "pages.json"
    )
    tmp_root = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    started = now()
    results = []
    try:
        for scale in scales:
            folder = tmp_root / f"scale-{scale:g}"
            folder.mkdir()
            child_out = folder / "result.json"
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": SETTINGS,
                "BENCH_TMPDIR": str(folder),
            }
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child-scale",
                repr(scale),
                "--child-out",
                str(child_out),
                "--requests",
                str(requests),
                "--search-max-docs",
                str(args.search_max_docs),
            ]
            log(f"scale {scale:g}: starting in {folder}")
            # This script again, with arguments it built itself; no shell.
            subprocess.run(command, env=env, cwd=ROOT, check=True)  # noqa: S603
            results.append(json.loads(child_out.read_text()))
    finally:
        if args.keep:
            log(f"kept {tmp_root}")
        else:
            shutil.rmtree(tmp_root, ignore_errors=True)

    verdicts = checks(results)
    failed = print_table(results, verdicts)
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "requests": requests,
        "warmup": WARMUP,
        "p50_ratio_limit": P50_RATIO_LIMIT,
        "total_s": now() - started,
        "scales": results,
        "checks": verdicts,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")
    log(f"wrote {out} ({now() - started:.0f} s in all)")
    # A quick run's scales are too small for the checks to mean much; it only
    # shows that every page answers.
    return 1 if failed and not args.quick else 0


if __name__ == "__main__":
    sys.exit(main())
