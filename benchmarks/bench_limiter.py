"""The shared per-client rate limiter (ykien.accounts.limiter `hit`): what one counted request
costs on each backend, and that the limit holds exactly under concurrency.

For SQLite (WAL), PostgreSQL and Redis: T threads each count requests of their own client
(distinct keys) and then all of them count requests of one hot client (one key, every thread
contending for its row). Printed: hits per second, p50/p99 of one hit, and for the hot key how
many were allowed against the limit (must be exactly the limit: no lost or double counts).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.bench_web import pg_database
from ykien.accounts.limiter import Limiter, make_limiter
from ykien.db import migrate
from ykien.db.engine import make_engine, make_session_factory

REDIS_URL = "redis://127.0.0.1:6379/15"


def _run(limiter: Limiter, threads: int, hits: int, hot: bool, limit: int) -> dict[str, float]:
    times: list[float] = []
    allowed = [0]
    lock = threading.Lock()
    run = uuid.uuid4().hex[:8]

    def work(index: int) -> None:
        key = f"bench:{run}:hot" if hot else f"bench:{run}:{index}"
        mine, ok = [], 0
        for _ in range(hits):
            start = time.perf_counter()
            if limiter.hit(key, limit, 60) == 0:
                ok += 1
            mine.append(time.perf_counter() - start)
        with lock:
            times.extend(mine)
            allowed[0] += ok

    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    times.sort()
    return {
        "rate": len(times) / elapsed,
        "p50": statistics.median(times) * 1000,
        "p99": times[int(len(times) * 0.99) - 1] * 1000,
        "allowed": allowed[0],
    }


@contextmanager
def _backends(with_pg: bool, with_redis: bool) -> Iterator[list[tuple[str, Limiter]]]:
    folder = Path(tempfile.mkdtemp(prefix="ykien-limiter-"))
    sqlite = make_engine(f"sqlite:///{folder / 'limiter.sqlite3'}")
    migrate.upgrade(sqlite)
    found: list[tuple[str, Limiter]] = [("SQLite", make_limiter("", make_session_factory(sqlite)))]
    with pg_database() if with_pg else _nothing() as url:
        if url:
            pg = make_engine(url)
            migrate.upgrade(pg)
            found.append(("PostgreSQL", make_limiter("", make_session_factory(pg))))
        if with_redis:
            found.append(("Redis", make_limiter(REDIS_URL, make_session_factory(sqlite))))
        yield found


@contextmanager
def _nothing() -> Iterator[str]:
    yield ""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--hits", type=int, default=300, help="per thread")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-redis", action="store_true")
    args = parser.parse_args(argv)
    limit = args.threads * args.hits // 2
    print(f"limiter: {args.threads} threads x {args.hits} hits; hot key limit {limit}")
    print("| backend | clients | hits/s | p50 ms | p99 ms | allowed (hot: = limit) |")
    print("|---|---|---|---|---|---|")
    with _backends(not args.no_postgres, not args.no_redis) as backends:
        for name, limiter in backends:
            for hot in (False, True):
                got = _run(limiter, args.threads, args.hits, hot, limit)
                clients = "one hot client" if hot else f"{args.threads} distinct"
                print(
                    f"| {name} | {clients} | {got['rate']:,.0f} | {got['p50']:.2f} | "
                    f"{got['p99']:.2f} | {got['allowed']:,.0f} |"
                )


if __name__ == "__main__":
    main()
