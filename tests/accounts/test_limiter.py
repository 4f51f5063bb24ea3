"""The shared limiter's database counters under concurrency (SQLite and PostgreSQL): no count
lost or doubled, no "database is locked", and a new window once the last one is over."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine

from ykien.accounts import limiter
from ykien.accounts.models import SigninFailure
from ykien.db.engine import make_session_factory

THREADS = 8


def _together(work: Callable[[], None]) -> list[BaseException]:
    """Run `work` in THREADS threads at once; the exceptions they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def run() -> None:
        start.wait()
        try:
            work()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def test_concurrent_hits_on_one_key_allow_exactly_the_limit(fresh_engine: Engine) -> None:
    shared = limiter.DatabaseLimiter(make_session_factory(fresh_engine))
    allowed: list[int] = []

    def hits() -> None:
        for _ in range(25):
            if shared.hit("search:ip:203.0.113.1", 100, 60) == 0:
                allowed.append(1)

    assert _together(hits) == []
    assert len(allowed) == 100  # of 200
    wait = shared.hit("search:ip:203.0.113.1", 100, 60)
    assert 1 <= wait <= 61


def test_concurrent_sign_in_failures_are_all_counted(fresh_engine: Engine) -> None:
    factory = make_session_factory(fresh_engine)
    shared = limiter.DatabaseLimiter(factory)
    rules = limiter.rules("thuky", "203.0.113.2")

    def failures() -> None:
        for _ in range(3):
            shared.failed(rules)

    assert _together(failures) == []
    with factory() as session:
        counts = {rule.key: session.get(SigninFailure, rule.key).failures for rule in rules}  # type: ignore[union-attr]
    assert set(counts.values()) == {THREADS * 3}
    assert shared.blocked_for(rules) > 0


def test_a_new_window_starts_once_the_last_is_over(fresh_engine: Engine) -> None:
    shared = limiter.DatabaseLimiter(make_session_factory(fresh_engine))
    assert [shared.hit("receipt:acct:7", 2, 1) for _ in range(2)] == [0, 0]
    assert shared.hit("receipt:acct:7", 2, 1) >= 1
    assert shared.hit("receipt:acct:8", 2, 1) == 0  # another client
    time.sleep(1.1)
    assert shared.hit("receipt:acct:7", 2, 1) == 0
