# ruff: noqa: S603 - commands built here from fixed paths, no outside input.
"""The site under test: a scratch database and index, gunicorn and the two task workers.

Used by load_test.py and faults.py. Every process is started in its own session and
stopped by its own process id; nothing here looks processes up by name.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


class Stack:
    def __init__(
        self,
        workdir,
        port=8765,
        database_url="",
        web_workers=3,
        web_threads=4,
        worker_class="gthread",
        keep_alive=5,
    ):
        self.workdir = Path(workdir)
        self.port = port
        self.database_url = database_url
        self.web_workers = web_workers
        self.web_threads = web_threads
        self.worker_class = worker_class
        self.keep_alive = keep_alive
        self.base_url = f"http://127.0.0.1:{port}"
        self.procs = {}
        self.logs = {}

    # --- environment and one-off commands ---------------------------------------

    @property
    def env(self):
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="bench.load.settings",
            BENCH_LOAD_DIR=str(self.workdir),
            BENCH_PORT=str(self.port),
            PYTHONUNBUFFERED="1",
        )
        env.pop("SEARCH_INDEX_PATH", None)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        else:
            env.pop("DATABASE_URL", None)
        return env

    @property
    def index_path(self):
        return self.workdir / "whoosh"

    @property
    def sqlite_path(self):
        return None if self.database_url else self.workdir / "db.sqlite3"

    def manage(self, *args, check=True, quiet=True):
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def django(self, *args, timeout=None):
        """Run a bench/load/djtasks.py command and return its JSON."""
        result = subprocess.run(
            [PYTHON, "-m", "bench.load.djtasks", *map(str, args)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"djtasks {args} failed:\n{result.stderr[-3000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def prepare(self, users=50, scale=None, log=print):
        """A fresh database and index: migrate, seed, users, update_index, static files."""
        if self.workdir.exists():
            shutil.rmtree(self.workdir)
        self.workdir.mkdir(parents=True)
        if self.database_url:
            self._recreate_postgres_database()
        steps = [
            ("migrate", ["migrate", "--no-input"]),
            (
                "seed_demo",
                ["seed_demo"]
                + (["--scale", str(scale), "--no-progress"] if scale else []),
            ),
        ]
        for label, args in steps:
            started = time.monotonic()
            self.manage(*args)
            log(f"  {label}: {time.monotonic() - started:.1f} s")
        created = self.django("users", users)
        log(f"  {len(created['users'])} load users")
        for label, args in (
            ("update_index", ["update_index"]),
            ("collectstatic", ["collectstatic", "--no-input"]),
            (
                "prune task results",
                ["prune_db_task_results", "--queue-name", "*", "--min-age-days", "0"],
            ),
        ):
            started = time.monotonic()
            self.manage(*args)
            log(f"  {label}: {time.monotonic() - started:.1f} s")
        return created

    def _recreate_postgres_database(self):
        name = self.database_url.rsplit("/", 1)[1]
        base = self.database_url.rsplit("/", 1)[0] + "/postgres"
        import psycopg

        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')

    # --- long-running processes -------------------------------------------------

    def _start(self, name, argv):
        self.logs[name] = self.workdir / f"{name}.log"
        with open(self.logs[name], "ab") as log:
            self.procs[name] = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self.procs[name]

    def start_web(self):
        argv = [
            GUNICORN,
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.web_workers),
            "--worker-class",
            self.worker_class,
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            # Longer than a simulated member's longest pause: with gunicorn's default
            # of 2 s, a member's next request can meet the server closing the idle
            # connection (a reset no browser would show: it retries on a new one).
            "--keep-alive",
            str(self.keep_alive),
            "--access-logfile",
            "-",
            "--access-logformat",
            '%(t)s "%(r)s" %(s)s %(L)s',
        ]
        if self.worker_class == "gthread":
            argv += ["--threads", str(self.web_threads)]
        self._start("web", argv)
        self.wait_ready()

    def start_worker(self):
        # The Procfile's commands, without honcho.
        self._start(
            "worker",
            [
                PYTHON,
                "manage.py",
                "task_worker",
                "--no-reload",
                "--queue-name",
                "default",
            ],
        )

    def start_search(self):
        self._start("search", [PYTHON, "manage.py", "search_worker", "--no-reload"])

    def start_all(self):
        self.start_web()
        self.start_worker()
        self.start_search()

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self.procs.get("web")
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.logs['web']}")
            try:
                if requests.get(self.base_url + "/", timeout=5).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn not answering after {timeout} s")

    def web_worker_pids(self):
        """gunicorn's worker processes: the children of the master we started."""
        master = self.procs["web"].pid
        children = Path(f"/proc/{master}/task/{master}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def kill(self, name, sig=signal.SIGKILL):
        proc = self.procs.get(name)
        if proc is not None and proc.poll() is None:
            os.kill(proc.pid, sig)
            proc.wait(timeout=30)

    def stop(self, name, timeout=20):
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop_all(self):
        for name in list(self.procs):
            self.stop(name)

    def drain(self, timeout=900):
        return self.django("drain", "--timeout", timeout)

    def log_text(self, name):
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def port_free(port):
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def check_port(port):
    if not port_free(port):
        sys.exit(f"Port {port} on 127.0.0.1 is in use; choose another with --port.")
