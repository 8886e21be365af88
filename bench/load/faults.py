# ruff: noqa: S311, S108, S603 - seeded randomness, scratch folders, fixed commands.
"""Fault drills: each breaks one part of the running site and checks what follows.

    .venv/bin/python bench/load/faults.py                  # all five
    .venv/bin/python bench/load/faults.py search-kill pg-restart

Scenarios (each prints PASS/FAIL per expected outcome):

search-kill    the search worker is killed (SIGKILL) mid-batch; on restart it puts
               the claimed tasks back, the index opens and every document is present.
web-kill       gunicorn workers are killed (SIGKILL) while posts are in flight; no
               partial rows, reply counts agree, gunicorn replaces the workers, every
               accepted post is stored and indexed.
sqlite-busy    many concurrent POSTs, then a write lock held from outside for 5 s:
               requests wait for the lock, no 500; (for information) a lock held
               past the 20 s busy timeout.
index-missing  the index folder is removed, then made unwritable: pages and /search/
               still answer, with a clear message and log line; update_index restores.
pg-restart     the site on PostgreSQL; the server is restarted under load: errors only
               around the restart, recovery without anyone stepping in.

SQLite scenarios start from one prepared copy of the seeded database and index.
Results: bench/results/faults.json.
"""

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.load.load_test import RESULTS, Member, Recorder, run_load  # noqa: E402
from bench.load.stack import Stack, check_port  # noqa: E402

CHATTR = shutil.which("chattr") or "/usr/bin/chattr"
PG_CTLCLUSTER = shutil.which("pg_ctlcluster") or "/usr/bin/pg_ctlcluster"
TASK_TABLE = "django_tasks_database_dbtaskresult"
POSTING_MIX = {"reply": 10, "critique": 3, "experiment_detail": 2, "search": 1}


class Report:
    def __init__(self, name):
        self.name = name
        self.checks = []
        self.facts = {}
        print(f"\n== {name}")

    def check(self, label, ok, detail=""):
        self.checks.append({"check": label, "passed": bool(ok), "detail": detail})
        print(
            f"{'PASS' if ok else 'FAIL'}  {label}{'  (' + str(detail) + ')' if detail != '' else ''}"
        )

    def info(self, label, value):
        self.facts[label] = value
        print(f"INFO  {label}: {value}")

    @property
    def passed(self):
        return all(c["passed"] for c in self.checks)

    def as_dict(self):
        return {"passed": self.passed, "checks": self.checks, "facts": self.facts}


class Drills:
    def __init__(self, args):
        self.args = args
        self.root = Path(args.workdir)
        self.template = self.root / "template"
        self.users = None
        self.targets = None

    # --- set-up -------------------------------------------------------------------

    def sqlite_stack(self, name):
        """A copy of the prepared SQLite template, with its own folder."""
        if self.users is None:
            print(f"Preparing the template in {self.template} ...")
            template = Stack(self.template, port=self.args.port)
            self.users = template.prepare(users=self.args.users)
            self.targets = template.django("targets")
        workdir = self.root / name
        if (workdir / "whoosh").exists():  # an interrupted index-missing run
            paths = [p for p in (workdir / "whoosh").rglob("*") if not p.is_symlink()]
            subprocess.run([CHATTR, "-i", *map(str, paths)], check=False)
        if workdir.exists():
            shutil.rmtree(workdir)
        shutil.copytree(self.template, workdir, symlinks=True)
        for log in workdir.glob("*.log"):
            log.unlink()
        return Stack(workdir, port=self.args.port, web_workers=3, web_threads=4)

    def load(
        self, stack, seconds, users=None, mix=None, think=(0.0, 0.3), recorder=None
    ):
        names = self.users["users"][: users or self.args.users]
        return run_load(
            stack.base_url,
            names,
            self.users["password"],
            self.targets,
            seconds,
            think=think,
            seed=random.randrange(1_000_000),
            mix=mix,
            recorder=recorder,
            log=lambda line: print(line),
        )

    @staticmethod
    def task_counts(stack):
        with sqlite3.connect(stack.sqlite_path, timeout=30) as db:
            rows = db.execute(
                f"SELECT status, COUNT(*) FROM {TASK_TABLE} WHERE queue_name = 'search' GROUP BY status"  # noqa: S608
            ).fetchall()
        return dict(rows)

    def reconcile(self, stack, recorder, report, search_seconds=120):
        path = stack.workdir / "accepted.json"
        path.write_text(json.dumps(recorder.accepted))
        result = stack.django("reconcile", path, "--search-seconds", search_seconds)
        for kind in ("reply", "critique"):
            r = result[kind]
            report.check(
                f"every accepted {kind} stored, public and indexed",
                not (
                    r["missing_from_database"]
                    or r["not_public"]
                    or r["missing_from_index"]
                    or r["not_found_by_search"]
                ),
                f"accepted {r['accepted']}, in database {r['in_database']}, in index {r['in_index']}, "
                f"found {r['found_by_search']}/{r['searched']}",
            )
        return result

    # --- 1: search worker killed mid-batch -------------------------------------------

    def search_kill(self):
        report = Report("search-kill: search worker SIGKILLed mid-batch")
        stack = self.sqlite_stack("search-kill")
        try:
            stack.start_web()
            stack.start_worker()
            touched = stack.django("touch-replies", 100_000)
            report.info("experiments and replies saved again", touched["saved"])
            # Several rounds, each killing the worker at a different point of a batch:
            # while building documents, and (later) inside Whoosh's commit.
            for offset in self.args.kill_after:
                made = stack.django("make-replies", self.args.queued_replies)
                queued = self.task_counts(stack)
                starts = stack.log_text("search").count("Starting worker")
                stack.start_search()
                deadline = time.monotonic() + 120
                # Tasks the previous (killed) worker left RUNNING are put back first;
                # wait for the new worker's own claim.
                while time.monotonic() < deadline:
                    if (
                        stack.log_text("search").count("Starting worker") > starts
                        and self.task_counts(stack).get("RUNNING", 0) > 1
                    ):
                        break
                    time.sleep(0.02)
                time.sleep(offset)
                at_kill = self.task_counts(stack)
                stack.kill("search", signal.SIGKILL)
                stack.procs.pop("search")
                report.info(
                    f"kill {offset} s into a batch",
                    f"queued {queued}, at the kill {at_kill}",
                )
                # 500 RUNNING when the kill lands inside a batch; 1 when it lands
                # as the worker has claimed the first task of its next batch and not
                # yet the rest (batches of a small index take well under a second).
                report.check(
                    f"killed mid-batch at {offset} s (tasks claimed, not finished)",
                    at_kill.get("RUNNING", 0) >= 1,
                    f"{at_kill.get('RUNNING', 0)} running, {made['made']} new replies queued",
                )
            leftovers = sorted(p.name for p in stack.index_path.rglob("*LOCK*"))
            report.info("lock files left in the index folder", leftovers)
            stack.start_search()
            drained = stack.drain(timeout=600)
            log = stack.log_text("search")
            report.check(
                "restarted worker puts the claimed tasks back",
                "back in the queue" in log,
                next(
                    (line for line in log.splitlines() if "back in the queue" in line),
                    "no such line",
                ),
            )
            report.check(
                "queue drains after restart",
                drained["drained"],
                f"{drained['seconds']} s",
            )
            report.check(
                "no failed index tasks", not drained["failed"], drained["failed"]
            )
            coverage = stack.django("index-coverage")
            report.check(
                "index opens and holds every findable object",
                coverage["complete"],
                {
                    k: f"{v['in_index']}/{v['expected']}"
                    for k, v in coverage.items()
                    if isinstance(v, dict)
                },
            )
            response = requests.get(
                stack.base_url + "/search/", params={"q": "family"}, timeout=60
            )
            report.check(
                "search page works afterwards",
                response.status_code == 200 and "unavailable" not in response.text,
                response.status_code,
            )
        finally:
            stack.stop_all()
        return report

    # --- 2: gunicorn workers killed mid-request --------------------------------------

    def web_kill(self):
        report = Report("web-kill: gunicorn workers SIGKILLed with posts in flight")
        stack = self.sqlite_stack("web-kill")
        kills = []
        try:
            stack.start_all()
            before = stack.web_worker_pids()
            stop = threading.Event()

            def killer():
                rng = random.Random(7)
                while not stop.wait(self.args.kill_every):
                    pids = stack.web_worker_pids()
                    if pids:
                        victim = rng.choice(pids)
                        try:
                            os.kill(victim, signal.SIGKILL)
                            kills.append({"pid": victim, "at": time.time()})
                        except ProcessLookupError:
                            pass

            thread = threading.Thread(target=killer, daemon=True)
            thread.start()
            recorder = self.load(stack, self.args.seconds, mix=POSTING_MIX)
            stop.set()
            thread.join()
            report.info("workers killed", len(kills))
            time.sleep(3)
            after = stack.web_worker_pids()
            report.check(
                "gunicorn replaced the killed workers",
                len(after) == len(before) and set(after) != set(before),
                f"{len(before)} workers before, {len(after)} after, pids changed: {set(after) != set(before)}",
            )
            five = [e for e in recorder.errors if e["status"] >= 500]
            dropped = [e for e in recorder.errors if e["status"] == 0]
            report.check("no 5xx responses", not five, len(five))
            report.info("requests cut off by a kill (connection closed)", len(dropped))
            report.info("accepted", {k: len(v) for k, v in recorder.accepted.items()})
            drained = stack.drain(timeout=600)
            report.check("queues drain", drained["drained"], drained)
            integrity = stack.django("integrity")
            report.check(
                "reply counts agree with the reply rows",
                not integrity["reply_count_mismatches"],
                integrity["reply_count_mismatches"][:5],
            )
            report.check(
                "no submitted critique without its scores",
                not integrity["critiques_missing_scores"],
                integrity["critiques_missing_scores"][:5],
            )
            report.check(
                "no reply without its experiment",
                integrity["orphan_replies"] == 0,
                integrity["orphan_replies"],
            )
            with sqlite3.connect(stack.sqlite_path) as db:
                check = db.execute("PRAGMA integrity_check").fetchone()[0]
            report.check("SQLite integrity_check", check == "ok", check)
            self.reconcile(stack, recorder, report)
        finally:
            stack.stop_all()
        return report

    # --- 3: SQLite busy --------------------------------------------------------------

    def sqlite_busy(self):
        report = Report("sqlite-busy: concurrent writes and an outside write lock")
        stack = self.sqlite_stack("sqlite-busy")
        try:
            stack.start_all()
            recorder = self.load(
                stack,
                self.args.seconds,
                mix={"reply": 1, "critique": 1},
                think=(0.0, 0.0),
            )
            summary = recorder.summary()
            five = [e for e in recorder.errors if e["status"] >= 500]
            report.info(
                "burst",
                {
                    k: summary[k]
                    for k in ("reply_post", "critique_post")
                    if k in summary
                },
            )
            report.check(
                "burst of concurrent POSTs: no 5xx",
                not five,
                f"{len(five)} of {len(recorder.samples)}",
            )
            report.check(
                "burst: no connection failures",
                not [e for e in recorder.errors if e["status"] == 0],
            )

            for hold, expect_ok in ((5, True), (self.args.long_lock, None)):
                rec = Recorder()
                # Signed in first: signing in writes the session, which would wait too.
                members = [self._member(stack, n, rec) for n in range(10)]
                lock_ready = threading.Event()
                release = threading.Event()

                def holder(seconds=hold, lock_ready=lock_ready, release=release):
                    db = sqlite3.connect(
                        stack.sqlite_path, timeout=30, isolation_level=None
                    )
                    db.execute("BEGIN IMMEDIATE")
                    lock_ready.set()
                    release.wait(seconds)
                    db.execute("ROLLBACK")
                    db.close()

                thread = threading.Thread(target=holder, daemon=True)
                thread.start()
                lock_ready.wait()
                t0 = time.monotonic()
                timer = threading.Timer(hold, release.set)
                timer.start()
                posters = [
                    threading.Thread(target=member.do_reply, daemon=True)
                    for member in members
                ]
                for poster in posters:
                    poster.start()
                for poster in posters:
                    poster.join()
                thread.join()
                waited = time.monotonic() - t0
                posts = [s for s in rec.samples if s[0] == "reply_post"]
                statuses = {}
                for _, status, _, _ in posts:
                    statuses[status] = statuses.get(status, 0) + 1
                slowest = max((s[2] for s in posts), default=0)
                label = f"write lock held outside for {hold} s"
                if expect_ok:
                    report.check(
                        f"{label}: replies wait and succeed, no 5xx",
                        posts and set(statuses) <= {302},
                        f"statuses {statuses}, slowest {slowest:.1f} s, {waited:.1f} s in all",
                    )
                else:
                    report.info(
                        f"{label} (past the 20 s busy timeout)",
                        f"statuses {statuses}, slowest {slowest:.1f} s; errors: "
                        + "; ".join(
                            sorted(
                                {
                                    e.get("body", e.get("error", ""))[:80]
                                    for e in rec.errors
                                }
                            )
                        )[:300],
                    )
                for kind in recorder.accepted:
                    recorder.accepted[kind].extend(rec.accepted[kind])
            log = stack.log_text("web")
            report.info(
                "'database is locked' in the web log", log.count("database is locked")
            )
            alive = {name: proc.poll() is None for name, proc in stack.procs.items()}
            report.check(
                "task workers survive a lock past the busy timeout",
                all(alive.values()),
                alive,
            )
            for name in ("worker", "search"):
                if not alive.get(name, True):
                    last = stack.log_text(name).strip().splitlines()[-1:]
                    report.info(f"{name} exited with", last[0][:200] if last else "")
                    stack.procs.pop(name)
                    getattr(stack, f"start_{name}")()
            drained = stack.drain(timeout=300)
            report.check("queues drain", drained["drained"], drained["seconds"])
            self.reconcile(stack, recorder, report)
        finally:
            stack.stop_all()
        return report

    # --- 4: index missing, then unwritable ------------------------------------------------

    def _pages_ok(self, stack):
        s = requests.Session()
        paths = [
            "/",
            "/experiments/",
            self.targets["experiments"][0]["url"],
            self.targets["evidence"][0],
            "/critiques/queue/",
        ]
        return {p: s.get(stack.base_url + p, timeout=60).status_code for p in paths}

    def _member(self, stack, n=0, recorder=None):
        member = Member(
            stack.base_url,
            self.users["users"][n],
            self.users["password"],
            self.targets,
            recorder or Recorder(),
            random.Random(random.randrange(1_000_000)),
            None,
        )
        if not member.sign_in():
            raise RuntimeError(f"{member.username} could not sign in")
        return member

    @staticmethod
    def _index_paths(stack):
        """The index folder and everything in it but symbolic links (chattr skips none)."""
        paths = [stack.index_path, *stack.index_path.rglob("*")]
        return [str(p) for p in paths if not p.is_symlink()]

    def index_missing(self):
        report = Report("index-missing: index folder removed, then unwritable")
        stack = self.sqlite_stack("index-missing")
        try:
            stack.start_all()
            moved = stack.workdir / "whoosh.moved"
            stack.index_path.rename(moved)
            statuses = self._pages_ok(stack)
            report.check(
                "pages serve with the index missing",
                set(statuses.values()) == {200},
                statuses,
            )
            response = requests.get(
                stack.base_url + "/search/", params={"q": "family"}, timeout=60
            )
            report.check(
                "/search/ answers 200 with a clear message",
                response.status_code == 200
                and "Search is unavailable" in response.text,
                response.status_code,
            )
            member = self._member(stack, 0)
            member.do_reply()
            report.check(
                "a reply is accepted while the index is missing",
                len(member.rec.accepted["reply"]) == 1,
                member.rec.rejected[:1],
            )
            time.sleep(4)
            web_log, search_log = stack.log_text("web"), stack.log_text("search")
            line = next(
                (
                    x
                    for x in web_log.splitlines()
                    if "SearchIndexMissing" in x or "Search failed" in x
                ),
                "",
            )
            report.check("a clear line in the web log", bool(line), line[:160])
            sline = next(
                (
                    x
                    for x in search_log.splitlines()
                    if "ERROR" in x or "missing" in x.lower()
                ),
                "",
            )
            report.info("search worker log", sline[:200] or "(nothing)")
            drained = stack.drain(timeout=120)
            report.info(
                "index tasks after the outage",
                {"drained": drained["drained"], "failed": drained["failed"]},
            )
            result = stack.manage("update_index")
            report.check(
                "manage.py update_index rebuilds it",
                result.returncode == 0 and stack.index_path.exists(),
            )
            token = (
                member.rec.accepted["reply"][0]["token"]
                if member.rec.accepted["reply"]
                else "family"
            )
            response = requests.get(
                stack.base_url + "/search/",
                params={"q": token, "kind": "reply"},
                timeout=60,
            )
            report.check(
                "the reply posted during the outage is found after the rebuild",
                response.status_code == 200
                and f"#c{member.rec.accepted['reply'][0]['pk']}" in response.text,
                token,
            )

            # Unwritable: as root, permission bits do not stop writes; the immutable flag does.
            log_seen = len(stack.log_text("search").splitlines())
            subprocess.run([CHATTR, "+i", *self._index_paths(stack)], check=True)
            try:
                member2 = self._member(stack, 1)
                member2.do_reply()
                statuses = self._pages_ok(stack)
                report.check(
                    "pages serve with the index unwritable",
                    set(statuses.values()) == {200},
                    statuses,
                )
                response = requests.get(
                    stack.base_url + "/search/", params={"q": "family"}, timeout=60
                )
                report.check(
                    "/search/ still answers from the read-only index",
                    response.status_code == 200
                    and "Search is unavailable" not in response.text,
                    response.status_code,
                )
                report.check(
                    "a reply is accepted while the index is unwritable",
                    len(member2.rec.accepted["reply"]) == 1,
                    member2.rec.rejected[:1],
                )
                time.sleep(8)
                drained = stack.drain(timeout=120)
                search_log = stack.log_text("search").splitlines()[log_seen:]
                errs = [x for x in search_log if "ERROR" in x or "Error" in x]
                report.check(
                    "the failed index write is logged",
                    bool(errs),
                    (errs[-1] if errs else "")[:200],
                )
                report.info(
                    "index tasks while unwritable",
                    {"drained": drained["drained"], "failed": drained["failed"]},
                )
            finally:
                subprocess.run([CHATTR, "-i", *self._index_paths(stack)], check=True)
            coverage = stack.django("index-coverage")
            report.info(
                "index coverage before the rebuild",
                {
                    k: f"{v['in_index']}/{v['expected']}"
                    for k, v in coverage.items()
                    if isinstance(v, dict)
                },
            )
            result = stack.manage("update_index")
            coverage = stack.django("index-coverage")
            report.check(
                "update_index after the folder is writable again: every object indexed",
                result.returncode == 0 and coverage["complete"],
                {
                    k: f"{v['in_index']}/{v['expected']}"
                    for k, v in coverage.items()
                    if isinstance(v, dict)
                },
            )
        finally:
            stack.stop_all()
            if (stack.workdir / "whoosh.moved").exists():
                shutil.rmtree(stack.workdir / "whoosh.moved", ignore_errors=True)
        return report

    # --- 5: PostgreSQL restarted under load ---------------------------------------------------

    def pg_restart(self):
        report = Report("pg-restart: PostgreSQL restarted under load")
        version = (
            self.args.pg_version
            or sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
        )
        url = f"postgres://postgres@127.0.0.1:5432/{self.args.pg_database}"
        stack = Stack(
            self.root / "pg",
            port=self.args.port,
            database_url=url,
            web_workers=3,
            web_threads=4,
        )
        print(f"Preparing {url} ...")
        users = stack.prepare(users=self.args.users)
        targets = stack.django("targets")
        saved = self.users, self.targets
        self.users, self.targets = users, targets
        window = {}
        try:
            stack.start_all()

            def restart():
                time.sleep(self.args.restart_at)
                window["start"] = time.time()
                done = subprocess.run(
                    [PG_CTLCLUSTER, version, "main", "restart"],
                    capture_output=True,
                    text=True,
                )
                window["end"] = time.time()
                window["rc"] = done.returncode
                window["output"] = (done.stdout + done.stderr).strip()[:300]

            thread = threading.Thread(target=restart, daemon=True)
            thread.start()
            recorder = self.load(stack, self.args.pg_seconds, think=(0.2, 1.0))
            thread.join()
            report.info(
                "restart",
                f"pg_ctlcluster {version} main restart took {window['end'] - window['start']:.1f} s (rc {window['rc']})",
            )
            grace = self.args.grace
            errors = recorder.errors
            # An error is placed at the moment its response came back: a request
            # sent a second before the restart can fail when the server goes down.
            outside = [
                e
                for e in errors
                if not (
                    window["start"] - 1
                    <= e["at"] + e.get("elapsed", 0)
                    <= window["end"] + grace
                )
            ]
            report.info(
                "errors",
                f"{len(errors)} of {len(recorder.samples)} requests "
                f"({sum(1 for e in errors if e['status'] >= 500)} 5xx, {sum(1 for e in errors if e['status'] == 0)} connection)",
            )
            report.check(
                "a database out of reach gives 503 (with Retry-After), never 500",
                not [e for e in errors if e["status"] == 500],
                sorted({e["status"] for e in errors}),
            )
            if errors:
                report.info(
                    "error times (responses) relative to the restart start (s)",
                    sorted(
                        {
                            round(e["at"] + e.get("elapsed", 0) - window["start"], 1)
                            for e in errors
                        }
                    )[:40],
                )
            report.check(
                f"errors only within the restart window (+{grace} s)",
                not outside,
                f"{len(outside)} outside"
                + (f"; first: {outside[0]}" if outside else ""),
            )
            late = [s for s in recorder.samples if s[3] > window["end"] + grace]
            report.check(
                "requests after the window succeed",
                late and all(0 < s[1] < 500 for s in late),
                f"{len(late)} requests",
            )
            alive = {name: proc.poll() is None for name, proc in stack.procs.items()}
            report.check(
                "every process still running (no manual restart)",
                all(alive.values()),
                alive,
            )
            for name in ("worker", "search"):
                tail = [
                    x
                    for x in stack.log_text(name).splitlines()
                    if "Error" in x or "error" in x
                ][-1:]
                if tail:
                    report.info(f"{name} log", tail[0][:200])
            drained = stack.drain(timeout=120)
            report.check(
                "task queues drain without intervention", drained["drained"], drained
            )
            if not drained["drained"] or not all(alive.values()):
                for name, ok in alive.items():
                    if not ok:
                        stack.procs.pop(name)
                        getattr(
                            stack,
                            {
                                "web": "start_web",
                                "worker": "start_worker",
                                "search": "start_search",
                            }[name],
                        )()
                # A default-queue task the dead worker had claimed stays RUNNING for
                # good (only search_worker puts claimed tasks back), so this drain can
                # only wait for what is READY.
                drained = stack.drain(timeout=90)
                report.info(
                    "after restarting the dead processes by hand",
                    {k: drained[k] for k in ("drained", "seconds", "pending")},
                )
            integrity = stack.django("integrity")
            report.check(
                "reply counts agree and no critique lacks its scores",
                not integrity["reply_count_mismatches"]
                and not integrity["critiques_missing_scores"],
                {
                    "mismatches": integrity["reply_count_mismatches"][:5],
                    "incomplete": integrity["critiques_missing_scores"][:5],
                },
            )
            self.reconcile(stack, recorder, report)
        finally:
            stack.stop_all()
            self.users, self.targets = saved
        return report


SCENARIOS = {
    "search-kill": "search_kill",
    "web-kill": "web_kill",
    "sqlite-busy": "sqlite_busy",
    "index-missing": "index_missing",
    "pg-restart": "pg_restart",
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help="any of: " + ", ".join(SCENARIOS))
    parser.add_argument("--workdir", default="/tmp/iuseevidence-faults")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=40, help="load per scenario")
    parser.add_argument(
        "--queued-replies",
        type=int,
        default=2000,
        help="search-kill: new replies queued before each start of the worker",
    )
    parser.add_argument(
        "--kill-after",
        type=float,
        nargs="+",
        default=[0.3, 1.5, 3.0],
        help="search-kill: seconds into the batch",
    )
    parser.add_argument(
        "--kill-every", type=float, default=5.0, help="web-kill: seconds between kills"
    )
    parser.add_argument("--long-lock", type=float, default=25.0)
    parser.add_argument("--pg-version", default="")
    parser.add_argument("--pg-database", default="iuseevidence_faults")
    parser.add_argument("--pg-seconds", type=float, default=60)
    parser.add_argument("--restart-at", type=float, default=20)
    parser.add_argument(
        "--grace",
        type=float,
        default=5.0,
        help="pg-restart: seconds after the restart allowed to fail",
    )
    parser.add_argument("--out", default=str(RESULTS / "faults.json"))
    args = parser.parse_args(argv)
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    check_port(args.port)
    chosen = args.scenarios or list(SCENARIOS)
    drills = Drills(args)
    results = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenarios": {},
    }
    out = Path(args.out)
    if out.exists():
        previous = json.loads(out.read_text())
        results["scenarios"] = previous.get("scenarios", {})
    for name in chosen:
        try:
            report = getattr(drills, SCENARIOS[name])()
            results["scenarios"][name] = report.as_dict() | {
                "ran_at": datetime.now(UTC).isoformat(timespec="seconds")
            }
        except Exception as error:  # a drill that cannot finish is a failure, reported
            print(f"FAIL  {name} could not finish: {error!r}")
            results["scenarios"][name] = {"passed": False, "error": repr(error)[:2000]}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print("\nSummary")
    for name in chosen:
        print(f"{'PASS' if results['scenarios'][name]['passed'] else 'FAIL'}  {name}")
    return 0 if all(results["scenarios"][n]["passed"] for n in chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
