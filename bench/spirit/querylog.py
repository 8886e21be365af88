"""Count and time the SQL a request runs, whatever DEBUG says (standard library only).

log = QueryLog()
with connection.execute_wrapper(log):
    client.get(url)
"""

import time


class QueryLog:
    def __init__(self) -> None:
        self.queries: list[dict] = []

    def __len__(self) -> int:
        return len(self.queries)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self.queries.append({"sql": sql[:300], "ms": round(elapsed, 3)})
