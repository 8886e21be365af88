"""Every index write goes through one worker: real processes, real files, no mocks.

Each test gets its own folder with a file SQLite database and a Whoosh index folder
(copied from one migrated and indexed template per test session), then starts
`manage.py search_worker` (db_worker on the "search" queue) and writer processes that go through
forum.services, with the settings in index_worker_settings.py (the database task
backend). The index is then read back two ways: the Whoosh files directly, and the
application's own search (index_worker_helpers.py `check`) on the same database.

A worker is killed "mid-write" by watching Linux's /proc/locks for the moment it
holds the experiment index's Whoosh write lock, which it takes after building the
documents and keeps until its commit has finished; half-written segment files left
behind show the kill landed inside the commit.

What django-tasks-db 0.12 does with a worker that dies: the task it had claimed stays
RUNNING for ever, and nothing in the package puts it back. `search_worker` therefore
returns RUNNING search tasks to READY when it starts (the queue has one worker, so they
belong to a dead one); the kill tests check the next worker re-runs them.

Batches: an `index_sync` task also claims the other index updates waiting in the queue
and writes them all in one Whoosh commit (search/sync.py). Commits are counted from
the index itself: every commit writes a new table of contents, one generation on.
"""

import fcntl
import json
import math
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser

from django.conf import settings

from .index_worker_helpers import COMMON_WORD

pytestmark = pytest.mark.skipif(
    settings.SEARCH_BACKEND != "whoosh",
    reason="The single index-writer design concerns the Whoosh backend only "
    f"(SEARCH_BACKEND is {settings.SEARCH_BACKEND!r}).",
)

PROJECT = Path(__file__).resolve().parents[2]
SETTINGS_MODULE = "tests.search.index_worker_settings"
HELPERS_MODULE = "tests.search.index_worker_helpers"
TASK_TABLE = "django_tasks_database_dbtaskresult"
EXPERIMENT_INDEX = "forum_experiment"
DRAIN_TIMEOUT = 120  # seconds for the worker to empty the queue
PROCESS_TIMEOUT = 120  # seconds for any one writer, checker or command

WRITERS = 4
PER_WRITER = 30
RETITLE_EVERY = 5  # every 5th experiment ends with 3 titles, a few more with 2
VERSIONS = 3
KILL_BATCH = 100  # experiments queued in one go for the killed workers
REQUEUE_BATCH = 10
BATCH_WRITES = 30  # experiments whose queued updates one worker writes at once
SMALL_BATCH = 4  # SEARCH_SYNC_BATCH for the capped run
# SEARCH_SYNC_BATCH while workers are killed: small enough that the queue takes
# several commits, so a second kill still finds a write to land in.
KILL_SYNC_BATCH = 10

needs_proc_locks = pytest.mark.skipif(
    not os.path.exists("/proc/locks"),
    reason="Killing the worker mid-write reads the Whoosh write lock's holder "
    "from Linux's /proc/locks.",
)


class Site:
    """One temporary installation: database, index folder, and the processes on it."""

    def __init__(self, root: Path):
        self.root = root
        self.db = root / "db.sqlite3"
        self.index = root / "whoosh"
        self.logs = root / "logs"
        self.logs.mkdir(exist_ok=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "DATABASE_URL": f"sqlite:///{self.db}",
            "SEARCH_INDEX_PATH": str(self.index),
            "SEARCH_BACKEND": "whoosh",
            "PYTHONUNBUFFERED": "1",
        }
        self.processes = []

    # Processes

    def start(self, name: str, args: list[str], env=None) -> subprocess.Popen:
        with (
            open(self.logs / f"{name}.out", "wb") as out,
            open(self.logs / f"{name}.err", "wb") as err,
        ):
            process = subprocess.Popen(
                [sys.executable, *args],
                cwd=PROJECT,
                env={**self.env, **(env or {})},
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return "".join(
            (self.logs / f"{name}.{kind}").read_text(errors="replace")
            for kind in ("out", "err")
            if (self.logs / f"{name}.{kind}").exists()
        )

    def finish(self, name: str, process: subprocess.Popen) -> str:
        """Wait for a process that should succeed; return its standard output."""
        try:
            process.wait(timeout=PROCESS_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.returncode == 0, f"{name} failed:\n{self.log(name)[-4000:]}"
        return (self.logs / f"{name}.out").read_text()

    def manage(self, name: str, *args: str) -> str:
        return self.finish(name, self.start(name, ["manage.py", *args]))

    def start_worker(self, name: str, *options: str, env=None) -> subprocess.Popen:
        process = self.start(
            name,
            [
                "manage.py",
                "search_worker",
                "--no-reload",
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--worker-id",
                name,
                *options,
            ],
            env=env,
        )
        return process

    def start_writer(self, number: int, count: int, retitle_every=0, versions=1):
        args = ["-m", HELPERS_MODULE, "write", "--writer", str(number)]
        args += ["--count", str(count), "--retitle-every", str(retitle_every)]
        args += ["--versions", str(versions)]
        return self.start(f"writer{number}", args)

    def start_retitle(self, number: int, version: int) -> subprocess.Popen:
        args = ["-m", HELPERS_MODULE, "retitle", "--writer", str(number)]
        return self.start("retitle", [*args, "--version", str(version)])

    def check(self, name: str, words: list[str]) -> dict:
        """Search each word with the application's search, in a process of its own."""
        process = subprocess.run(
            [sys.executable, "-m", HELPERS_MODULE, "check"],
            cwd=PROJECT,
            env=self.env,
            input=json.dumps({"words": words, "common": COMMON_WORD}),
            capture_output=True,
            text=True,
            timeout=PROCESS_TIMEOUT,
            check=False,
        )
        assert process.returncode == 0, f"{name} failed:\n{process.stderr[-4000:]}"
        return json.loads(process.stdout)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
        for process in self.processes:
            process.wait()

    # The database, read directly

    def query(self, sql: str, params=()) -> list[tuple]:
        connection = sqlite3.connect(self.db, timeout=20)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def task_counts(self) -> Counter:
        rows = self.query(
            f"SELECT status, COUNT(*) FROM {TASK_TABLE} "  # noqa: S608
            "WHERE queue_name = 'search' GROUP BY status"
        )
        return Counter(dict(rows))

    def search_tasks(self, status: str) -> list[dict]:
        rows = self.query(
            f"SELECT args_kwargs, worker_ids FROM {TASK_TABLE} "  # noqa: S608
            "WHERE queue_name = 'search' AND status = ?",
            (status,),
        )
        return [
            {"args": json.loads(args)["args"], "workers": json.loads(workers)}
            for args, workers in rows
        ]

    def published_titles(self) -> dict[str, str]:
        rows = self.query(
            "SELECT id, title FROM forum_experiment WHERE state != 'draft'"
        )
        return {str(pk): title for pk, title in rows}

    def indexed_at_least(self, count: int) -> bool:
        """Whether `count` search tasks have succeeded; none may have failed."""
        counts = self.task_counts()
        assert counts["FAILED"] == 0, self.search_tasks("FAILED")
        return counts["SUCCESSFUL"] >= count

    def wait_drained(self, worker: subprocess.Popen, name: str) -> None:
        """Wait until no search task is READY or RUNNING.

        Tasks a killed worker left RUNNING count as waiting: the worker `name`
        puts them back in the queue when it starts, then runs them.
        """
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while True:
            counts = self.task_counts()
            if counts["READY"] == 0 and counts["RUNNING"] == 0:
                return
            assert worker.poll() is None, f"{name} died:\n{self.log(name)}"
            assert time.monotonic() < deadline, (
                f"the queue was not drained in {DRAIN_TIMEOUT} s: {dict(counts)}"
            )
            time.sleep(0.2)

    # The index, read directly

    def index_path(self) -> str:
        return os.path.realpath(self.index / EXPERIMENT_INDEX)

    def indexed_titles(self) -> dict[str, list[str]]:
        """Every experiment in the Whoosh files: pk -> stored titles (one, if sound)."""
        titles = {}
        index = whoosh_index.open_dir(self.index_path())
        with index.searcher() as searcher:
            for stored in searcher.all_stored_fields():
                if "ms__pk" in stored:  # root documents only
                    titles.setdefault(stored["ms__pk"], []).append(stored["title"])
        return titles

    def generation(self) -> int:
        """The experiment index's generation: one more after every commit."""
        return whoosh_index.open_dir(self.index_path()).latest_generation()

    def whoosh_count(self, word: str) -> int:
        index = whoosh_index.open_dir(self.index_path())
        with index.searcher() as searcher:
            query = QueryParser("title", index.schema).parse(word)
            return len(searcher.search(query, limit=None))

    def leftover_files(self) -> list[str]:
        """Files in the index folder that its table of contents does not name.

        A commit cut short leaves some (a half-written segment); the next commit
        of the index deletes them.
        """
        index = whoosh_index.open_dir(self.index_path())
        segments = {segment.segment_id() for segment in index._segments()}
        toc = f"_MAIN_{index.latest_generation()}.toc"
        return sorted(
            name
            for name in os.listdir(self.index_path())
            if name not in {toc, "MAIN_WRITELOCK"}
            and not any(name.startswith(segment + ".") for segment in segments)
        )

    def write_lock_holders(self) -> set[int]:
        """Processes holding the Whoosh write lock of the experiment index now."""
        try:
            stat = os.stat(Path(self.index_path()) / "MAIN_WRITELOCK")
        except FileNotFoundError:
            return set()
        file_id = (
            f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
        )
        holders = set()
        with open("/proc/locks") as locks:
            for line in locks:
                parts = line.split()
                if len(parts) > 5 and parts[1] == "FLOCK" and parts[5] == file_id:
                    holders.add(int(parts[4]))
        return holders

    def kill_while_writing(self, worker: subprocess.Popen, timeout=20.0) -> None:
        """SIGKILL `worker` while it holds the index's write lock (adding or committing)."""
        deadline = time.monotonic() + timeout
        while worker.pid not in self.write_lock_holders():
            assert worker.poll() is None, "the worker died before it was killed"
            assert time.monotonic() < deadline, "the worker never took the write lock"
            time.sleep(0.001)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + DRAIN_TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def assert_clean_log(site: Site, name: str) -> None:
    log = site.log(name)
    assert "Could not update the search index" not in log, log[-4000:]
    assert "Traceback" not in log, log[-4000:]


@pytest.fixture(scope="session")
def template_site(tmp_path_factory) -> Path:
    """A migrated database with a built index, made once and shared by xdist workers."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the session's folder, common to every xdist worker
    template = root / "index-worker-template"
    with open(root / "index-worker-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (template / "ready").exists():
            shutil.rmtree(template, ignore_errors=True)
            template.mkdir()
            site = Site(template)
            site.manage("migrate", "migrate", "--no-input", "-v", "0")
            site.manage("update_index", "update_index", "-v", "0")
            (template / "ready").touch()
    return template


@pytest.fixture
def site(template_site, tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    for name in ("db.sqlite3", "db.sqlite3-wal"):
        if (template_site / name).exists():
            shutil.copy2(template_site / name, root / name)
    shutil.copytree(template_site / "whoosh", root / "whoosh", symlinks=True)
    site = Site(root)
    try:
        yield site
    finally:
        site.stop_all()


def test_several_writers_one_worker_index_every_latest_version(site):
    worker = site.start_worker("worker")
    writers = [
        site.start_writer(number, PER_WRITER, RETITLE_EVERY, VERSIONS)
        for number in range(1, WRITERS + 1)
    ]
    words = {}  # pk -> every title word it had, latest last
    for number, writer in enumerate(writers, start=1):
        words.update(json.loads(site.finish(f"writer{number}", writer))["titles"])
    site.wait_drained(worker, "worker")

    assert len(words) == WRITERS * PER_WRITER
    counts = site.task_counts()
    assert set(counts) == {"SUCCESSFUL"}, dict(counts)
    assert counts["SUCCESSFUL"] >= 2 * len(words)  # a draft save and a registration
    # One worker wrote everything: every search task ran once, on it.
    workers = {tuple(task["workers"]) for task in site.search_tasks("SUCCESSFUL")}
    assert workers == {("worker",)}
    assert_clean_log(site, "worker")

    database = site.published_titles()
    assert sorted(database) == sorted(words)
    for pk, title in database.items():
        assert title.endswith(" " + words[pk][-1]), (pk, title, words[pk])
    # The Whoosh files hold exactly one document per experiment, with its last title.
    indexed = site.indexed_titles()
    assert indexed == {pk: [title] for pk, title in database.items()}

    latest = {each[-1]: pk for pk, each in words.items()}
    stale = [word for each in words.values() for word in each[:-1]]
    assert len(stale) > WRITERS * (PER_WRITER // RETITLE_EVERY)  # retitles happened
    found = site.check("checker", [*latest, *stale])
    assert found["db"] == database
    assert found["common"] == len(database)
    assert {word: found["hits"][word] for word in latest} == {
        word: [pk] for word, pk in latest.items()
    }
    assert {word: found["hits"][word] for word in stale if found["hits"][word]} == {}


def kill_rounds(site: Site, worker, marks: tuple[int, ...]):
    """Kill the worker mid-write once the index has taken each mark of updates.

    After each kill the index must open and answer straight away, in Whoosh and
    through the application (the latter while the next worker starts). Returns the
    names of the killed workers, the running worker and its name.
    """
    killed = []
    for number, mark in enumerate(marks, start=1):
        wait_until(lambda mark=mark: site.indexed_at_least(mark), f"{mark} updates")
        site.kill_while_writing(worker)
        assert worker.returncode == -signal.SIGKILL
        killed.append(f"worker{number}")
        assert site.whoosh_count(COMMON_WORD) > 0
        leftovers = site.leftover_files()
        worker = site.start_worker(f"worker{number + 1}")
        assert site.check(f"probe{number}", [])["common"] > 0
        print(f"killed worker{number} mid-write; files it left: {leftovers}")
    return killed, worker, f"worker{len(marks) + 1}"


@needs_proc_locks
def test_worker_killed_mid_write_leaves_a_usable_index(site):
    site.env["SEARCH_SYNC_BATCH"] = str(KILL_SYNC_BATCH)
    worker = site.start_worker("worker1")
    writer = site.start_writer(1, KILL_BATCH)
    killed, worker, name = kill_rounds(site, worker, (20, 120))
    words = json.loads(site.finish("writer1", writer))["titles"]
    site.wait_drained(worker, name)

    # Whatever a killed worker had claimed (its task and the batch that task took
    # from the queue) the next worker put back in the queue and ran.
    assert site.search_tasks("RUNNING") == []
    reruns = Counter(tuple(task["workers"]) for task in site.search_tasks("SUCCESSFUL"))
    print(f"tasks by the workers that ran them: {dict(reruns)}")
    assert any(len(workers) > 1 and workers[0] in killed for workers in reruns)
    assert site.task_counts()["FAILED"] == 0
    assert_clean_log(site, name)
    # What the cut-short commits left behind, later commits have removed.
    assert site.leftover_files() == []

    database = site.published_titles()
    assert sorted(database) == sorted(words)
    # Nothing is missing and nothing is doubled, without a rebuild.
    indexed = site.indexed_titles()
    assert indexed == {pk: [title] for pk, title in database.items()}
    found = site.check("checker", [each[-1] for each in words.values()])
    assert found["common"] == len(database)
    assert all(found["hits"][each[-1]] == [pk] for pk, each in words.items())


@needs_proc_locks
def test_next_worker_reruns_the_task_a_killed_worker_had_claimed(site):
    # Registered and indexed (by a worker that stops once the queue is empty)...
    site.finish("writer1", site.start_writer(1, REQUEUE_BATCH))
    site.finish("worker0", site.start_worker("worker0", "--batch"))
    assert site.task_counts()["READY"] == 0
    # ...then each retitled once, so every queued task is its experiment's last.
    titles = json.loads(site.finish("retitle", site.start_retitle(1, version=1)))
    queued = site.task_counts()["READY"]
    assert queued == REQUEUE_BATCH
    for number in range(1, 4):
        worker = site.start_worker(f"worker{number}")
        site.kill_while_writing(worker)
        # Killed holding the write lock, so after claiming a task (and the rest of
        # the queue with it, as one batch); unless it had just let go of the lock
        # and finished, which needs another try.
        if site.search_tasks("RUNNING"):
            break
    else:
        pytest.fail("no kill landed while the worker had a task claimed")
    claimed = site.search_tasks("RUNNING")
    assert {task["workers"][-1] for task in claimed} == {f"worker{number}"}
    assert len(claimed) + site.task_counts()["READY"] == queued
    name = f"worker{number + 1}"
    worker = site.start_worker(name)
    site.wait_drained(worker, name)

    database = site.published_titles()
    assert database.keys() == titles["titles"].keys()
    indexed = site.indexed_titles()
    # Drained: the claimed tasks were put back in the queue and run again.
    reruns = {tuple(task["workers"]) for task in site.search_tasks("SUCCESSFUL")}
    assert (f"worker{number}", name) in reruns
    assert site.task_counts()["FAILED"] == 0
    assert_clean_log(site, name)
    assert indexed == {pk: [title] for pk, title in database.items()}


def test_queued_updates_are_written_in_one_commit_per_batch(site):
    # Updates queued while no worker runs (a draft save and a registration each)...
    site.finish("writer1", site.start_writer(1, BATCH_WRITES))
    first = queued = site.task_counts()["READY"]
    assert queued >= 2 * BATCH_WRITES
    before = site.generation()
    # ...are all taken by the worker's first task and written in one commit.
    site.finish("worker", site.start_worker("worker", "--batch"))
    assert site.generation() == before + 1
    assert site.task_counts() == Counter({"SUCCESSFUL": queued})
    tasks = site.search_tasks("SUCCESSFUL")
    assert {tuple(task["workers"]) for task in tasks} == {("worker",)}
    assert_clean_log(site, "worker")
    database = site.published_titles()
    assert len(database) == BATCH_WRITES
    assert site.indexed_titles() == {pk: [title] for pk, title in database.items()}

    # With a smaller cap, one commit per SMALL_BATCH tasks: the last write wins.
    titles = json.loads(site.finish("retitle", site.start_retitle(1, version=1)))
    queued = site.task_counts()["READY"]
    assert queued == BATCH_WRITES
    before = site.generation()
    capped = site.start_worker(
        "capped", "--batch", env={"SEARCH_SYNC_BATCH": str(SMALL_BATCH)}
    )
    site.finish("capped", capped)
    assert site.generation() == before + math.ceil(queued / SMALL_BATCH)
    assert site.task_counts() == Counter({"SUCCESSFUL": first + queued})
    assert_clean_log(site, "capped")
    database = site.published_titles()
    assert {pk: title.rsplit(" ", 1)[1] for pk, title in database.items()} == titles[
        "titles"
    ]
    assert site.indexed_titles() == {pk: [title] for pk, title in database.items()}
