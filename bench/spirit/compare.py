"""Our experiment page against a Spirit topic page, served the same way, measured together.

One command sets both sites up in a temporary folder, serves each with gunicorn on
loopback, loads them in alternating rounds and prints the table:

    .venv/bin/python bench/spirit/compare.py

It writes every figure to bench/results/spirit.json. See bench/spirit/README.md for
what is compared and how to read the result.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUR_PYTHON = ROOT / ".venv" / "bin" / "python"
OUR_GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SPIRIT_VENV = ROOT / "bench" / ".venv-spirit"
SPIRIT_PYTHON = SPIRIT_VENV / "bin" / "python"
SPIRIT_GUNICORN = SPIRIT_VENV / "bin" / "gunicorn"
REQUIREMENTS = HERE / "requirements.txt"
DEFAULT_OUT = ROOT / "bench" / "results" / "spirit.json"
TARGET = 1.5
SITES = ("ours", "spirit")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(command: list, *, env: dict, cwd: Path, capture: bool = False) -> str:
    result = subprocess.run(  # noqa: S603 - fixed commands, our own arguments
        [str(part) for part in command],
        env=env,
        cwd=cwd,
        check=False,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"Failed ({result.returncode}): {' '.join(map(str, command))}")
    return result.stdout if capture else ""


def pinned() -> dict[str, str]:
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return pins


def ensure_spirit_venv() -> dict[str, str]:
    """Create bench/.venv-spirit, or bring it to the pinned versions; return them."""
    pins = pinned()
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    if not SPIRIT_PYTHON.exists():
        log(f"Creating {SPIRIT_VENV.relative_to(ROOT)}")
        run([sys.executable, "-m", "venv", SPIRIT_VENV], env=env, cwd=ROOT)
    freeze = run(
        [SPIRIT_PYTHON, "-m", "pip", "freeze"], env=env, cwd=ROOT, capture=True
    )
    installed = {
        name.lower(): version
        for name, _, version in (line.partition("==") for line in freeze.splitlines())
    }
    if any(installed.get(name) != version for name, version in pins.items()):
        log(f"Installing {', '.join(f'{n}=={v}' for n, v in pins.items())}")
        run(
            [SPIRIT_PYTHON, "-m", "pip", "install", "--quiet", "-r", REQUIREMENTS],
            env=env,
            cwd=ROOT,
        )
    return pins


def git_state() -> dict:
    """The commit measured, and whether the working tree differed from it."""

    def git(*arguments) -> str:
        result = subprocess.run(  # noqa: S603 - fixed read-only git commands
            ["git", *arguments],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout.strip()

    changed = git("status", "--porcelain", "--untracked-files=no").splitlines()
    return {"commit": git("rev-parse", "HEAD"), "uncommitted_changes": len(changed)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """One of the two sites: how to set it up and serve it."""

    def __init__(self, name: str, env: dict, args) -> None:
        self.name = name
        self.env = env
        self.args = args
        self.port = free_port()
        self.info: dict = {}
        self.process: subprocess.Popen | None = None
        self.log_file = None

    @property
    def python(self) -> Path:
        return OUR_PYTHON if self.name == "ours" else SPIRIT_PYTHON

    @property
    def cwd(self) -> Path:
        return ROOT if self.name == "ours" else HERE

    def manage(self, *arguments) -> None:
        manage_py = ROOT / "manage.py" if self.name == "ours" else HERE / "manage.py"
        run([self.python, manage_py, *arguments], env=self.env, cwd=self.cwd)

    def set_up(self) -> None:
        started = time.perf_counter()
        self.manage("migrate", "--no-input", "-v0")
        if self.name == "spirit":
            self.manage("createcachetable", "-v0")
        self.manage("collectstatic", "--no-input", "-v0")
        if self.name == "ours":
            seed = [self.python, "-m", "bench.spirit.seed_ours", self.args.replies]
        else:
            seed = [self.python, HERE / "seed_spirit.py", self.args.replies]
        output = run(seed, env=self.env, cwd=self.cwd, capture=True)
        self.info = json.loads(output.strip().splitlines()[-1])
        self.info["setup_seconds"] = round(time.perf_counter() - started, 1)
        if self.info["status"] != 200:
            raise SystemExit(f"{self.name}: the seeded page answered {self.info}")

    def serve(self) -> None:
        if self.name == "ours":
            gunicorn, app = OUR_GUNICORN, "config.wsgi:application"
        else:
            gunicorn, app = SPIRIT_GUNICORN, "spiritsite.wsgi:application"
        command = [
            gunicorn,
            app,
            *gunicorn_options(self.args),
            "--bind",
            f"127.0.0.1:{self.port}",
        ]
        log_path = Path(self.env["SPIRIT_BENCH_DIR"]) / "gunicorn.log"
        self.log_file = log_path.open("w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - fixed command
            [str(part) for part in command],
            env=self.env,
            cwd=self.cwd,
            stdout=subprocess.DEVNULL,
            stderr=self.log_file,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name}: gunicorn exited; see its log")
            try:
                status, body = fetch(self.port, self.info["url"])
                if status == 200:
                    self.info["served_bytes"] = len(body)
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"{self.name}: gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.log_file is not None:
            self.log_file.close()


def gunicorn_options(args) -> list[str]:
    return [
        "--workers",
        str(args.workers),
        "--threads",
        "1",
        "--worker-class",
        "sync",
        "--timeout",
        "60",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]


def fetch(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def load(site: Site, *, seconds: float, concurrency: int, marker: bytes) -> dict:
    """`concurrency` clients, each one request after another, for `seconds`."""
    expected = site.info["served_bytes"]
    latencies: list[float] = []
    problems: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds
    finished = []

    def client() -> None:
        mine, bad = [], []
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                status, body = fetch(site.port, site.info["url"])
            except OSError as error:
                bad.append(f"error {error!r}")
                continue
            mine.append(time.perf_counter() - began)
            if status != 200:
                bad.append(f"status {status}")
            elif abs(len(body) - expected) > expected * 0.02 or marker not in body:
                bad.append(f"body {len(body)} bytes, expected about {expected}")
        with lock:
            latencies.extend(mine)
            problems.extend(bad)
            finished.append(time.perf_counter())

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = max(finished) - start
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 3),
        "rps": len(latencies) / elapsed,
        "latencies": latencies,
        "problems": problems,
        "loadavg_after": os.getloadavg()[0],
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summarise(rounds: list[dict]) -> dict:
    latencies = [value for one in rounds for value in one["latencies"]]
    rps = [one["rps"] for one in rounds]
    return {
        "rps_per_round": [round(value, 2) for value in rps],
        "rps_median": round(statistics.median(rps), 2),
        "rps_min": round(min(rps), 2),
        "rps_max": round(max(rps), 2),
        "requests": len(latencies),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "problems": sum(len(one["problems"]) for one in rounds),
        "problem_examples": sorted({p for one in rounds for p in one["problems"]})[:5],
    }


def profile_ours(site: Site, requests: int) -> dict:
    output = run(
        [OUR_PYTHON, "-m", "bench.spirit.profile_ours", site.info["url"], requests],
        env=site.env,
        cwd=ROOT,
        capture=True,
    )
    return json.loads(output.strip().splitlines()[-1])


def table(results: dict, args) -> str:
    ours, spirit = results["sites"]["ours"], results["sites"]["spirit"]
    rows = [
        ("", "ours", "Spirit"),
        ("page", "experiment, 1st page", "topic, 1st page"),
        (
            "replies / shown on page 1",
            f"{ours['page']['replies']} / {ours['page']['shown_on_first_page']}",
            f"{spirit['page']['replies']} / {spirit['page']['shown_on_first_page']}",
        ),
        (
            "page size (bytes)",
            str(ours["page"]["served_bytes"]),
            str(spirit["page"]["served_bytes"]),
        ),
        ("SQL queries", str(ours["page"]["queries"]), str(spirit["page"]["queries"])),
        ("req/s, median round", str(ours["rps_median"]), str(spirit["rps_median"])),
        (
            "req/s, min-max",
            f"{ours['rps_min']}-{ours['rps_max']}",
            f"{spirit['rps_min']}-{spirit['rps_max']}",
        ),
        ("p50 latency (ms)", str(ours["p50_ms"]), str(spirit["p50_ms"])),
        ("p95 latency (ms)", str(ours["p95_ms"]), str(spirit["p95_ms"])),
        ("requests", str(ours["requests"]), str(spirit["requests"])),
        ("bad responses", str(ours["problems"]), str(spirit["problems"])),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    ratio = results["ratio"]
    lines += [
        "",
        f"throughput ratio ours/Spirit: {ratio['of_medians']:.2f} "
        f"(per round {', '.join(f'{r:.2f}' for r in ratio['per_round'])}); "
        f"target {TARGET}: {'met' if ratio['target_met'] else 'NOT met'}",
        f"{args.rounds} rounds x {args.seconds:g} s per site, alternating; "
        f"{args.concurrency} connections; gunicorn -w {args.workers} --threads 1 (sync)",
        "our page for anonymous readers: "
        + (
            "rendered on every request (--no-page-cache)"
            if args.no_page_cache
            else "kept in the cache between changes (core/page_cache.py)"
        ),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="per round, per site"
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds per site")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--profile-requests", type=int, default=50)
    parser.add_argument(
        "--profile",
        choices=("auto", "always", "never"),
        default="auto",
        help="profile our page in-process: auto = when the target is missed",
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="render our page on every request (ANONYMOUS_PAGE_CACHE_SECONDS=0)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    if not OUR_PYTHON.exists():
        raise SystemExit("No .venv: run `make install-dev` first.")
    pins = ensure_spirit_venv()
    workdir = Path(tempfile.mkdtemp(prefix="spirit-bench-"))
    log(f"Working in {workdir}")
    base_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "SPIRIT_"))
    }
    sites = {}
    for name in SITES:
        folder = workdir / name
        folder.mkdir()
        env = {
            **base_env,
            "SPIRIT_BENCH_DIR": str(folder),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        if name == "ours":
            env["DJANGO_SETTINGS_MODULE"] = "bench.spirit.our_settings"
            # One key for every process (seeding, both workers), not one per import.
            env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
            if args.no_page_cache:
                env["ANONYMOUS_PAGE_CACHE_SECONDS"] = "0"
        else:
            env["DJANGO_SETTINGS_MODULE"] = "spiritsite.settings"
            env["SPIRIT_SECRET_KEY"] = secrets.token_urlsafe(64)
        sites[name] = Site(name, env, args)

    # Both pages show the same first reply, so one marker checks both bodies.
    sys.path.insert(0, str(HERE))
    from texts import reply_texts

    marker = reply_texts(1)[0][:60].encode()
    started_at = datetime.datetime.now(datetime.UTC)
    try:
        for site in sites.values():
            log(
                f"Setting up {site.name}: migrate, collectstatic, {args.replies} replies"
            )
            site.set_up()
            log(f"  {site.info}")
        for site in sites.values():
            site.serve()
            log(f"Serving {site.name} on 127.0.0.1:{site.port}{site.info['url']}")
        for site in sites.values():
            log(f"Warming {site.name} up for {args.warmup:g} s")
            warm = load(
                site, seconds=args.warmup, concurrency=args.concurrency, marker=marker
            )
            if warm["problems"]:
                raise SystemExit(f"{site.name}: {warm['problems'][:3]}")
        rounds: dict[str, list[dict]] = {name: [] for name in SITES}
        for number in range(args.rounds):
            order = SITES if number % 2 == 0 else tuple(reversed(SITES))
            for name in order:
                one = load(
                    sites[name],
                    seconds=args.seconds,
                    concurrency=args.concurrency,
                    marker=marker,
                )
                rounds[name].append(one)
                log(
                    f"round {number + 1}/{args.rounds} {name:6} {one['rps']:7.1f} req/s "
                    f"p50 {percentile(one['latencies'], 0.5) * 1000:6.1f} ms "
                    f"load {one['loadavg_after']:.2f}"
                    + (f" PROBLEMS {len(one['problems'])}" if one["problems"] else "")
                )
    finally:
        for site in sites.values():
            site.stop()
        if sys.exc_info()[0] is not None and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    per_round = [
        ours["rps"] / spirit["rps"]
        for ours, spirit in zip(rounds["ours"], rounds["spirit"], strict=True)
    ]
    results: dict = {
        "benchmark": "bench/spirit/compare.py",
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "note": "shared machine: other work may run at the same time",
        },
        "git": git_state(),
        "versions": {"spirit": pins, "gunicorn_options": gunicorn_options(args)},
        "settings": {
            key: getattr(args, key)
            for key in (
                "replies",
                "rounds",
                "seconds",
                "warmup",
                "concurrency",
                "workers",
                "no_page_cache",
            )
        },
        "sites": {},
    }
    for name in SITES:
        summary = summarise(rounds[name])
        summary["page"] = sites[name].info
        summary["loadavg_per_round"] = [
            round(one["loadavg_after"], 2) for one in rounds[name]
        ]
        results["sites"][name] = summary
    of_medians = (
        results["sites"]["ours"]["rps_median"]
        / results["sites"]["spirit"]["rps_median"]
    )
    results["ratio"] = {
        "of_medians": round(of_medians, 3),
        "per_round": [round(value, 3) for value in per_round],
        "median_of_per_round": round(statistics.median(per_round), 3),
        "target": TARGET,
        "target_met": of_medians >= TARGET,
    }
    if args.profile == "always" or (args.profile == "auto" and of_medians < TARGET):
        log(f"Profiling our page in-process over {args.profile_requests} requests")
        results["profile_ours"] = profile_ours(sites["ours"], args.profile_requests)

    print(table(results, args))
    if "profile_ours" in results:
        profile = results["profile_ours"]
        print(
            f"\nOur page in-process (test client, no HTTP): "
            f"{profile['ms_per_request_unprofiled']} ms a request, "
            f"{len(profile['queries'])} queries taking "
            f"{sum(q['ms'] for q in profile['queries']):.1f} ms in all."
        )
        print("Top functions by cumulative time:")
        print("\n".join(profile["by_cumulative_time"].splitlines()[:30]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    log(f"Wrote {args.out}")
    if args.keep:
        log(f"Kept {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
