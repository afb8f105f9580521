"""One request at a time, in process: SQL queries and render time of each benchmarked page.

Usage (from bench/run.sh, with the benchmark's environment): python bench/single.py NAME=PATH...
Prints one tab-separated line per page: name, status, queries, median milliseconds over
REPEAT requests after one warm-up request. No server and no network: the Django test client.
"""

import os
import statistics
import sys
import time
from pathlib import Path

REPEAT = 10


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apothecary.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for arg in argv:
        name, _, path = arg.partition("=")
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        count = len(queries.captured_queries)  # the next request resets the query log
        times = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        sys.stdout.write(
            f"{name}\t{response.status_code}\t{count}\t{statistics.median(times):.1f}\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
