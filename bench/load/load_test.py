# ruff: noqa: S311, S108 - seeded randomness for repeatable runs; a scratch folder.
"""Load test with nothing lost: simulated members read, search, reply and critique.

    .venv/bin/python bench/load/load_test.py --quick         # about 30 s of load
    .venv/bin/python bench/load/load_test.py                 # 50 users for 5 minutes

It builds a fresh SQLite database and Whoosh index under --workdir (written demo by
default, `--scale N` for generated volume), starts gunicorn on 127.0.0.1 and the
Procfile's two task workers with bench/load/settings.py, and runs --users simulated
members, one thread each, for --duration seconds. Every reply and critique the
server accepts is recorded with a unique word in its text. Afterwards it waits for
both task queues to drain and checks that every accepted post is in the database,
in the search index and found by searching for its word (through the search backend
for all of them, through /search/ for a sample). Results: bench/results/load.json.
"""

import argparse
import json
import random
import re
import statistics
import string
import sys
import threading
import time
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.load.stack import ROOT, Stack, check_port  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SEARCH_WORDS = [
    "family",
    "supervision",
    "visit",
    "planning",
    "reflective",
    "kinship",
    "feedback",
    "review",
    "conversation",
    "mentor",
]
# What a simulated member does next, and how often (weights).
ACTIONS = {
    "home": 8,
    "experiment_list": 14,
    "experiment_detail": 20,
    "evidence": 10,
    "critique_queue": 5,
    "search": 15,
    "reply": 18,
    "critique": 6,
}


class Form:
    def __init__(self, action, method):
        self.action = action
        self.method = method
        self.fields = []  # (name, value) as a browser would send them untouched
        self.choices = {}  # radio/checkbox name -> [values]

    def names(self):
        return {name for name, _ in self.fields} | set(self.choices)


class FormParser(HTMLParser):
    """Just enough of a browser to read forms: inputs, textareas, radios, selects."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a.get("action") or "", (a.get("method") or "get").lower())
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                self._form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self._form.fields.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self._form.choices.setdefault(self._select, []).append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def forms_in(html):
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def new_token(rng):
    return "lt" + "".join(rng.choice(string.ascii_lowercase) for _ in range(10))


REPLY_TEXTS = [
    "We tried something similar in our team and the reflective discussion in supervision helped.",
    "Thank you for sharing the plan; the way you gathered feedback after each visit is useful.",
    "I wonder whether the planning meeting could include the family time coordinator as well.",
    "Our service found the conversation cards easier to use after a short practice session.",
]


class Recorder:
    """Every request's timing and outcome, and every accepted post, from all threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples = []  # (kind, status, seconds, started_at)
        self.errors = []  # 5xx and connection failures
        self.accepted = {"reply": [], "critique": []}
        self.rejected = []

    def request(self, session, kind, method, url, **kwargs):
        started = time.time()
        t0 = time.perf_counter()
        try:
            response = session.request(method, url, timeout=90, **kwargs)
        except requests.RequestException as error:
            with self.lock:
                self.samples.append((kind, 0, time.perf_counter() - t0, started))
                self.errors.append(
                    {
                        "kind": kind,
                        "url": url,
                        "status": 0,
                        "error": repr(error)[:300],
                        "at": started,
                        "elapsed": time.perf_counter() - t0,
                    }
                )
            return None
        elapsed = time.perf_counter() - t0
        with self.lock:
            self.samples.append((kind, response.status_code, elapsed, started))
            if response.status_code >= 500:
                self.errors.append(
                    {
                        "kind": kind,
                        "url": url,
                        "status": response.status_code,
                        "body": response.text[:500],
                        "at": started,
                        "elapsed": elapsed,
                    }
                )
        return response

    def accept(self, kind, record):
        with self.lock:
            self.accepted[kind].append(record)

    def reject(self, kind, url, status, detail):
        with self.lock:
            self.rejected.append(
                {"kind": kind, "url": url, "status": status, "detail": detail[:300]}
            )

    def summary(self):
        by_kind = {}
        for kind, status, seconds, _ in self.samples:
            by_kind.setdefault(kind, []).append((status, seconds))
        out = {}
        for kind, rows in sorted(by_kind.items()):
            times = sorted(s for _, s in rows)
            statuses = {}
            for status, _ in rows:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
            out[kind] = {
                "count": len(rows),
                "p50_ms": round(1000 * percentile(times, 50), 1),
                "p95_ms": round(1000 * percentile(times, 95), 1),
                "max_ms": round(1000 * times[-1], 1),
                "statuses": statuses,
            }
        return out


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[p - 1]


class Member:
    """One simulated member with a session of their own."""

    def __init__(
        self, base_url, username, password, targets, recorder, rng, think, mix=None
    ):
        self.base = base_url
        self.username = username
        self.password = password
        self.targets = targets
        self.rec = recorder
        self.rng = rng
        self.think = think
        self.mix = mix or ACTIONS
        self.session = requests.Session()
        self.critiqued = set()
        self.signed_in = False

    def url(self, path):
        return urljoin(self.base, path)

    def get(self, kind, path, **kwargs):
        return self.rec.request(self.session, kind, "GET", self.url(path), **kwargs)

    def post(self, kind, path, data, referer):
        return self.rec.request(
            self.session,
            kind,
            "POST",
            self.url(path),
            data=data,
            headers={"Referer": self.url(referer)},
            allow_redirects=False,
        )

    def sign_in(self):
        page = self.get("sign_in_page", "/accounts/login/")
        if page is None or page.status_code != 200:
            return False
        form = next((f for f in forms_in(page.text) if "password" in f.names()), None)
        if form is None:
            return False
        data = dict(form.fields)
        data.update(login=self.username, password=self.password)
        response = self.post("sign_in", "/accounts/login/", data, "/accounts/login/")
        self.signed_in = response is not None and response.status_code == 302
        if response is not None and not self.signed_in:
            self.rec.reject(
                "sign_in", "/accounts/login/", response.status_code, self.username
            )
        return self.signed_in

    def run(self, stop_at):
        if not self.sign_in():
            return
        kinds = list(self.mix)
        weights = [self.mix[k] for k in kinds]
        while time.monotonic() < stop_at:
            action = self.rng.choices(kinds, weights)[0]
            getattr(self, "do_" + action)()
            if self.think:
                time.sleep(self.rng.uniform(*self.think))

    def experiment(self):
        return self.rng.choice(self.targets["experiments"])

    def do_home(self):
        self.get("home", "/")

    def do_experiment_list(self):
        page = self.rng.choice(["", "?page=2", "?sort=discussed"])
        self.get("experiment_list", "/experiments/" + page)

    def do_experiment_detail(self):
        self.get("experiment_detail", self.experiment()["url"])

    def do_evidence(self):
        if self.rng.random() < 0.3:
            self.get("evidence", "/evidence/")
        else:
            self.get("evidence", self.rng.choice(self.targets["evidence"]))

    def do_critique_queue(self):
        self.get("critique_queue", "/critiques/queue/")

    def do_search(self):
        words = " ".join(self.rng.sample(SEARCH_WORDS, self.rng.choice([1, 1, 2])))
        kind = self.rng.choice(["", "", "experiment", "reply", "evidence", "critique"])
        params = {"q": words}
        if kind:
            params["kind"] = kind
        self.get("search", "/search/", params=params)
        if self.rng.random() < 0.3:
            self.get("autocomplete", "/search/autocomplete/", params={"q": words[:4]})

    def do_reply(self):
        experiment = self.experiment()
        page = self.get("experiment_detail", experiment["url"])
        if page is None or page.status_code != 200:
            return
        forms = [f for f in forms_in(page.text) if f.action.endswith("/comments/post/")]
        if not forms:
            return
        # Mostly a new thread (the first form), sometimes an answer to a reply.
        form = forms[0] if self.rng.random() < 0.6 else self.rng.choice(forms)
        token = new_token(self.rng)
        data = dict(form.fields)
        data.update(
            comment=f"{self.rng.choice(REPLY_TEXTS)} Reference word {token}.",
            identifiability_attested="on",
        )
        data.pop("followup", None)
        response = self.post("reply_post", "/comments/post/", data, experiment["url"])
        if response is None or response.status_code >= 500:
            return
        location = response.headers.get("Location", "")
        found = re.search(r"[?&]c=(\d+)|#c(\d+)", location)
        if response.status_code == 302 and found:
            pk = found.group(1) or found.group(2)
            self.rec.accept(
                "reply",
                {
                    "pk": int(pk),
                    "token": token,
                    "experiment": experiment["pk"],
                    "user": self.username,
                    "at": time.time(),
                },
            )
        else:
            self.rec.reject(
                "reply",
                experiment["url"],
                response.status_code,
                location or _errors(response.text),
            )

    def do_critique(self):
        choices = [
            e
            for e in self.targets["experiments"]
            if e["pk"] not in self.critiqued and e["author"] != self.username
        ]
        if not choices:
            return self.do_experiment_detail()
        experiment = self.rng.choice(choices)
        path = f"/critiques/new/{experiment['pk']}/"
        page = self.get("critique_form", path)
        if page is None or page.status_code != 200:
            return
        if "/critiques/new/" not in page.url:
            # Redirected: already critiqued (or not allowed); the page says why.
            self.critiqued.add(experiment["pk"])
            return
        form = next(
            (f for f in forms_in(page.text) if "rubric_version" in f.names()), None
        )
        if form is None:
            return
        token = new_token(self.rng)
        data = dict(form.fields)
        for name, values in form.choices.items():
            if name.startswith("score_"):
                data[name] = self.rng.choice([v for v in values if v] or values)
            elif name == "recommendation":
                data[name] = self.rng.choice([v for v in values if v != "concern"])
            elif name in ("certainty", "expertise"):
                data[name] = self.rng.choice(values)
        data.update(
            strengths=f"A clear plan with a realistic measure of change. Reference word {token}.",
            suggestions="Consider asking families for feedback at the end of each cycle.",
            identifiability_attested="on",
            action="submit",
        )
        data.pop("same_team", None)
        response = self.post("critique_post", path, data, path)
        if response is None or response.status_code >= 500:
            return
        self.critiqued.add(experiment["pk"])
        location = response.headers.get("Location", "")
        found = re.search(r"#critique-(\d+)", location)
        if response.status_code == 302 and found:
            self.rec.accept(
                "critique",
                {
                    "pk": int(found.group(1)),
                    "token": token,
                    "experiment": experiment["pk"],
                    "user": self.username,
                    "at": time.time(),
                },
            )
        else:
            self.rec.reject(
                "critique",
                path,
                response.status_code,
                location or _errors(response.text),
            )


def _errors(html):
    found = re.findall(r'class="[^"]*(?:error|errorlist)[^"]*"[^>]*>(.*?)<', html, re.S)
    return " | ".join(x.strip() for x in found if x.strip())[:300] or html[:200]


def run_load(
    base_url,
    usernames,
    password,
    targets,
    duration,
    think=(0.5, 2.0),
    seed=1,
    mix=None,
    recorder=None,
    log=print,
):
    """Run one thread per member until `duration` seconds have passed; returns the Recorder."""
    recorder = recorder or Recorder()
    stop_at = time.monotonic() + duration
    threads = []
    for n, username in enumerate(usernames):
        member = Member(
            base_url,
            username,
            password,
            targets,
            recorder,
            random.Random(seed * 1000 + n),
            think,
            mix,
        )
        thread = threading.Thread(target=member.run, args=(stop_at,), daemon=True)
        threads.append(thread)
        thread.start()
        time.sleep(min(0.1, duration / max(len(usernames), 1) / 10))
    last = time.monotonic()
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        if time.monotonic() - last >= 30:
            last = time.monotonic()
            with recorder.lock:
                log(
                    f"  {len(recorder.samples)} requests, {len(recorder.errors)} errors, "
                    f"{len(recorder.accepted['reply'])} replies, {len(recorder.accepted['critique'])} critiques"
                )
    for thread in threads:
        thread.join(timeout=120)
    return recorder


def check_site_search(base_url, accepted, sample, rng):
    """Search /search/ for a sample of the accepted posts' words; each must link to its post."""
    session = requests.Session()
    checked, missing = 0, []
    for kind, anchor in (("reply", "#c{pk}"), ("critique", "#critique-{pk}")):
        posts = accepted[kind]
        for post in rng.sample(posts, min(sample, len(posts))):
            response = session.get(
                base_url + "/search/",
                params={"q": post["token"], "kind": kind},
                timeout=60,
            )
            checked += 1
            if (
                response.status_code != 200
                or anchor.format(pk=post["pk"]) not in response.text
            ):
                missing.append(
                    {"kind": kind, "pk": post["pk"], "status": response.status_code}
                )
    return {"checked": checked, "missing": missing}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=300, help="seconds of load")
    parser.add_argument(
        "--quick", action="store_true", help="about 30 s of load with 20 users"
    )
    parser.add_argument(
        "--scale", type=float, help="seed_demo --scale N instead of the written demo"
    )
    parser.add_argument("--workdir", default="/tmp/iuseevidence-load")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per gunicorn worker (gthread)"
    )
    parser.add_argument(
        "--worker-class", default="gthread", choices=["gthread", "sync"]
    )
    parser.add_argument(
        "--think", type=float, nargs=2, default=(0.5, 2.0), metavar=("MIN", "MAX")
    )
    parser.add_argument(
        "--search-sample",
        type=int,
        default=25,
        help="posts per kind checked through /search/",
    )
    parser.add_argument("--out", default=str(RESULTS / "load.json"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = min(args.duration, 30)
        args.users = min(args.users, 20)
    check_port(args.port)

    stack = Stack(
        args.workdir,
        port=args.port,
        web_workers=args.web_workers,
        web_threads=args.threads,
        worker_class=args.worker_class,
    )
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    print(f"Preparing {args.workdir} ...")
    prepared = stack.prepare(users=args.users, scale=args.scale)
    targets = stack.django("targets")
    print(
        f"  {len(targets['experiments'])} open experiments, {len(targets['evidence'])} evidence pages"
    )
    before = stack.django("integrity")
    result = {
        "started_at": started_at,
        "settings": vars(args) | {"think": list(args.think)},
    }
    try:
        stack.start_all()
        print(
            f"Load: {args.users} users for {args.duration:.0f} s against {stack.base_url}"
        )
        t0 = time.monotonic()
        recorder = run_load(
            stack.base_url,
            prepared["users"],
            prepared["password"],
            targets,
            args.duration,
            think=tuple(args.think),
            seed=args.seed,
        )
        wall = time.monotonic() - t0
        print("Waiting for the task queues to drain ...")
        drained = stack.drain(timeout=900)
        accepted_path = Path(args.workdir) / "accepted.json"
        accepted_path.write_text(json.dumps(recorder.accepted))
        print("Reconciling ...")
        reconcile = stack.django("reconcile", accepted_path)
        site = check_site_search(
            stack.base_url,
            recorder.accepted,
            args.search_sample,
            random.Random(args.seed),
        )
        after = stack.django("integrity")
        coverage = stack.django("index-coverage")
    finally:
        stack.stop_all()

    web_log = stack.log_text("web")
    tracebacks = web_log.count("Traceback (most recent call last)")
    summary = recorder.summary()
    total = len(recorder.samples)
    five_xx = [e for e in recorder.errors if e["status"] >= 500]
    conn = [e for e in recorder.errors if e["status"] == 0]
    new_mismatch = [
        m
        for m in after["reply_count_mismatches"]
        if m not in before["reply_count_mismatches"]
    ]
    checks = {
        "no 5xx responses": not five_xx,
        "no connection failures": not conn,
        "task queues drained": drained["drained"],
        "no failed tasks": not drained.get("failed"),
        "every accepted post in the database": all(
            not reconcile[k]["missing_from_database"] for k in ("reply", "critique")
        ),
        "every accepted post public and in the index": all(
            not reconcile[k]["not_public"] and not reconcile[k]["missing_from_index"]
            for k in ("reply", "critique")
        ),
        "every accepted post found by search (backend)": all(
            not reconcile[k]["not_found_by_search"]
            and reconcile[k]["searched"] == reconcile[k]["accepted"]
            for k in ("reply", "critique")
        ),
        "sample found through /search/": not site["missing"],
        "index holds every findable object": coverage["complete"],
        "reply counts consistent": not new_mismatch,
        "no critique without its scores": not after["critiques_missing_scores"],
        "no tracebacks in the web log": tracebacks == 0,
    }
    result.update(
        wall_seconds=round(wall, 1),
        requests=total,
        requests_per_second=round(total / wall, 1),
        per_kind=summary,
        errors=recorder.errors[:50],
        error_count=len(recorder.errors),
        rejected=recorder.rejected[:50],
        rejected_count=len(recorder.rejected),
        accepted={k: len(v) for k, v in recorder.accepted.items()},
        drain=drained,
        reconcile=reconcile,
        site_search=site,
        index_coverage=coverage,
        integrity_after=after,
        web_log_tracebacks=tracebacks,
        checks=checks,
        passed=all(checks.values()),
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")

    print(
        f"\n{total} requests in {wall:.0f} s ({total / wall:.1f}/s); "
        f"accepted {len(recorder.accepted['reply'])} replies, {len(recorder.accepted['critique'])} critiques; "
        f"{len(recorder.rejected)} refused; queues drained in {drained['seconds']} s"
    )
    print(
        f"{'request':<20}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  statuses"
    )
    for kind, row in summary.items():
        print(
            f"{kind:<20}{row['count']:>7}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['max_ms']:>9}  {row['statuses']}"
        )
    for kind in ("reply", "critique"):
        r = reconcile[kind]
        print(
            f"{kind}: accepted {r['accepted']}, in database {r['in_database']}, in index {r['in_index']}, "
            f"found by search {r['found_by_search']}/{r['searched']}"
        )
    print(
        f"/search/ sample: {site['checked'] - len(site['missing'])}/{site['checked']} found"
    )
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    print(f"{'PASS' if result['passed'] else 'FAIL'}: results in {out}")
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
