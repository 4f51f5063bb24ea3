"""Shared fixtures: real SQLite and real PostgreSQL, one migrated database each per run,
and a session per test inside a transaction that is rolled back afterwards."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message as EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from ykien.db import migrate
from ykien.db.engine import make_engine

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("YKIEN_SHARED_DATA", REPO.parent / "shared" / "data"))
PG_ADMIN_URL = os.environ.get(
    "YKIEN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


def redis_test_url() -> str:
    """The test Redis database; skips without one, except in CI, where Redis must be there."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_TEST_URL).ping()
    except redis.exceptions.ConnectionError as exc:
        if IN_CI:
            pytest.fail(f"Redis must be reachable in CI ({REDIS_TEST_URL}): {exc}")
        pytest.skip(f"no Redis at {REDIS_TEST_URL}")
    return REDIS_TEST_URL


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data; skips the test when that folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (third-party data lives beside the repo)")
    return path


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def _pg_available() -> str | None:
    """None if the server answers, else the reason."""
    try:
        engine = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:
        return str(exc).splitlines()[0]
    return None


@contextmanager
def throwaway_pg_database() -> Iterator[str]:
    """Create a PostgreSQL database for this run and drop it afterwards; yields its URL."""
    problem = _pg_available()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL must be reachable in CI ({PG_ADMIN_URL}): {problem}")
        pytest.skip(f"no PostgreSQL at {PG_ADMIN_URL}: {problem}")
    name = f"ykien_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    with throwaway_pg_database() as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A new, migrated, empty database for tests that must really commit."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
        migrate.upgrade(engine)
        yield engine
        engine.dispose()
        return
    with throwaway_pg_database() as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> Engine:
    name = "sqlite_engine" if request.param == "sqlite" else "pg_engine"
    result: Engine = request.getfixturevalue(name)
    return result


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work, commits included, is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on a free loopback port, keeping what it receives."""
    controller_class = pytest.importorskip("aiosmtpd.controller").Controller
    inbox = Inbox()
    port = free_port()
    controller = controller_class(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
