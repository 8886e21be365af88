"""Profile our experiment page in-process: cProfile around Django's test client.

Run with the project's virtualenv from the project root, against the database that
compare.py seeded (SPIRIT_BENCH_DIR). Prints one line of JSON: the page's queries
and the top functions by own time and by cumulative time.
"""

import cProfile
import io
import json
import os
import pstats
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.spirit.our_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.spirit.querylog import QueryLog  # noqa: E402


def _top(profile: cProfile.Profile, key: str, limit: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats(key).print_stats(limit)
    text = out.getvalue()
    return text[text.find("   ncalls") :].rstrip()


def main() -> None:
    url = sys.argv[1]
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    client = Client()
    for _ in range(5):
        assert client.get(url).status_code == 200  # noqa: S101 - a broken page stops the profile
    queries = QueryLog()
    with connection.execute_wrapper(queries):
        client.get(url)
    started = time.perf_counter()
    for _ in range(requests):
        client.get(url)
    plain_ms = (time.perf_counter() - started) / requests * 1000
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        client.get(url)
    profile.disable()
    print(
        json.dumps(
            {
                "requests": requests,
                "ms_per_request_unprofiled": round(plain_ms, 2),
                "queries": queries.queries,
                "by_own_time": _top(profile, "tottime", 30),
                "by_cumulative_time": _top(profile, "cumulative", 45),
            }
        )
    )


if __name__ == "__main__":
    main()
