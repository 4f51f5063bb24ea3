"""The shared limiter of every process (on Redis when configured, else in the database): the
sign-in limiter, and per-client request rates (`hit`, used by ykien.web.ratelimit).

Failures are counted per account *and* client address, so guesses from one place block that
place only and the rightful owner still signs in from hers; and per address alone with a
much higher bound, for one place trying many accounts. Once a key reaches its bound it is
blocked for a delay that doubles with every further failure (30 s, 60 s, ... at most 15 min),
so a blocked owner waits seconds, not the whole window, while guessing stays slow. A success
clears the account+address key.

Request rates are fixed windows: `hit(key, limit, window)` counts one request of `key` in the
current window and answers how many seconds remain of it once `limit` requests were counted
(0: this request is allowed). They share the counters' table (keys start with "rate:").
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import case, delete, literal, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from ykien.accounts.models import SigninFailure
from ykien.db.engine import unit_of_work

WINDOW = 300  # seconds a count of failures lasts
PER_ACCOUNT_ADDRESS = 5
PER_ADDRESS = 50
FIRST_DELAY = 30
MAX_DELAY = 900


@dataclass(frozen=True, slots=True)
class Rule:
    key: str
    limit: int


def rules(username: str, address: str) -> list[Rule]:
    """The counters a sign-in attempt for `username` from `address` is checked against."""
    name = username.strip().lower()[:100]
    return [
        Rule(f"acct:{name}|ip:{address}", PER_ACCOUNT_ADDRESS),
        Rule(f"ip:{address}", PER_ADDRESS),
    ]


def delay_for(failures: int, limit: int) -> int:
    """Seconds a key stays blocked after its `failures`-th failure (0 below the limit)."""
    if failures < limit:
        return 0
    return min(MAX_DELAY, FIRST_DELAY * 2 ** min(failures - limit, 10))


class Limiter(Protocol):
    def blocked_for(self, rules: list[Rule]) -> int:
        """Seconds until an attempt is allowed again (0: allowed now)."""

    def failed(self, rules: list[Rule]) -> None: ...

    def succeeded(self, rules: list[Rule]) -> None: ...

    def hit(self, key: str, limit: int, window: int) -> int:
        """Count one request of `key`; seconds to wait if `limit` were already counted in the
        current `window` seconds (0: allowed)."""


PRUNE_ONE_IN = 500  # one hit in this many prunes the counters idle for a day


def _retry_after(window_start: datetime, window: int, now: datetime) -> int:
    return max(1, int((window_start + timedelta(seconds=window) - now).total_seconds()) + 1)


class DatabaseLimiter:
    """Counters in the `signin_failures` table, each change in its own short transaction."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def blocked_for(self, rules: list[Rule]) -> int:
        now = datetime.now(UTC)
        with self.session_factory() as session:
            rows = session.execute(
                select(SigninFailure.blocked_until).where(
                    SigninFailure.key.in_([rule.key for rule in rules])
                )
            ).scalars()
            waits = [(until - now).total_seconds() for until in rows if until is not None]
        return max([0, *(int(wait) + 1 for wait in waits if wait > 0)])

    def failed(self, rules: list[Rule]) -> None:
        with unit_of_work(self.session_factory) as session:
            # the rows exist first, written at once: on SQLite a transaction that read before
            # writing could not take the write lock beside another one (SQLITE_BUSY at once),
            # on PostgreSQL two first failures would race to insert the same key
            now = datetime.now(UTC)
            for rule in rules:
                session.execute(
                    _insert(session)
                    .values(key=rule.key, failures=0, window_start=now)
                    .on_conflict_do_nothing(index_elements=["key"])
                )
            for rule in rules:
                _count_failure(session, rule)

    def succeeded(self, rules: list[Rule]) -> None:
        with unit_of_work(self.session_factory) as session:
            row = session.get(SigninFailure, rules[0].key)
            if row is not None:
                session.delete(row)

    def hit(self, key: str, limit: int, window: int) -> int:
        with unit_of_work(self.session_factory) as session:
            if session.get_bind().dialect.name == "postgresql":
                # a request count need not survive a crash: no wait for the WAL flush
                session.execute(text("SET LOCAL synchronous_commit TO OFF"))
            return _count_request(session, f"rate:{key}", limit, window)


def _insert(session: Session) -> Any:
    """The dialect's INSERT with ON CONFLICT (SQLite and PostgreSQL spell it alike)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(SigninFailure)
    return sqlite.insert(SigninFailure)


def _count_request(session: Session, key: str, limit: int, window: int) -> int:
    """One statement: count the request in the current window (a new window once the last
    one is over) and read the count back, so concurrent requests are never lost or doubled."""
    now = datetime.now(UTC)
    if random.randrange(PRUNE_ONE_IN) == 0:
        session.execute(
            delete(SigninFailure).where(
                SigninFailure.key.startswith("rate:"),
                SigninFailure.window_start < now - timedelta(days=1),
            )
        )
    expired = SigninFailure.window_start <= now - timedelta(seconds=window)
    statement = (
        _insert(session)
        .values(key=key, failures=1, window_start=now)
        .on_conflict_do_update(
            index_elements=["key"],
            set_={
                "failures": case((expired, 1), else_=SigninFailure.failures + 1),
                "window_start": case(
                    (expired, literal(now, SigninFailure.window_start.type)),
                    else_=SigninFailure.window_start,
                ),
            },
        )
        .returning(SigninFailure.failures, SigninFailure.window_start)
    )
    count, window_start = session.execute(statement).one()
    if count <= limit:
        return 0
    return _retry_after(window_start, window, now)


def _count_failure(session: Session, rule: Rule) -> None:
    now = datetime.now(UTC)
    row = session.execute(
        select(SigninFailure).where(SigninFailure.key == rule.key).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        row = SigninFailure(key=rule.key, failures=0, window_start=now)
        session.add(row)
    elif now - row.window_start > timedelta(seconds=WINDOW) and not (
        row.blocked_until and row.blocked_until > now
    ):
        row.failures, row.window_start = 0, now
    row.failures += 1
    delay = delay_for(row.failures, rule.limit)
    row.blocked_until = now + timedelta(seconds=delay) if delay else None
    session.flush()


class RedisLimiter:
    """The same counters in Redis (a count with its window as expiry, a block key)."""

    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url)

    def blocked_for(self, rules: list[Rule]) -> int:
        waits = [self.redis.ttl(f"ykien:signin:block:{rule.key}") for rule in rules]
        return max([0, *(int(wait) for wait in waits if isinstance(wait, int) and wait > 0)])

    def failed(self, rules: list[Rule]) -> None:
        for rule in rules:
            count_key = f"ykien:signin:count:{rule.key}"
            pipe = self.redis.pipeline()
            pipe.incr(count_key)
            pipe.expire(count_key, WINDOW + MAX_DELAY, nx=True)
            failures = int(pipe.execute()[0])
            delay = delay_for(failures, rule.limit)
            if delay:
                self.redis.set(f"ykien:signin:block:{rule.key}", 1, ex=delay)
                self.redis.expire(count_key, WINDOW + delay)

    def succeeded(self, rules: list[Rule]) -> None:
        key = rules[0].key
        self.redis.delete(f"ykien:signin:count:{key}", f"ykien:signin:block:{key}")

    def hit(self, key: str, limit: int, window: int) -> int:
        count_key = f"ykien:rate:{key}"
        pipe = self.redis.pipeline()
        pipe.incr(count_key)
        pipe.expire(count_key, window, nx=True)
        pipe.ttl(count_key)
        count, _set, ttl = pipe.execute()
        if int(count) <= limit:
            return 0
        return max(1, int(ttl))


def make_limiter(url: str, session_factory: sessionmaker[Session]) -> Limiter:
    """Redis when `url` is a Redis URL, else the database."""
    if url.startswith(("redis://", "rediss://")):
        return RedisLimiter(url)
    return DatabaseLimiter(session_factory)
