"""kill -9 under load: a worker 5 times, then the whole server 5 times, while retrying clients
submit opinions with idempotency keys. Every acknowledged opinion is stored exactly once, the
audit log verifies, and a killed worker is replaced by the process manager."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import Engine, func, select

from tests.conftest import free_port
from tests.factories import build_world
from ykien.accounts import service as accounts
from ykien.accounts import tokens
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.opinions import integrity
from ykien.opinions.models import Opinion

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 6


@contextmanager
def _server(url: str, data_dir: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        "YKIEN_DATABASE_URL": url,
        "YKIEN_DATA_DIR": str(data_dir),
        "YKIEN_ENVIRONMENT": "test",
        "YKIEN_RATE_SUBMISSIONS_PER_MINUTE": "0",  # one token for every client thread
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "ykien.cli", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def _worker_pids(parent: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"PPid:\t{parent}\n" in status and "python" in (entry / "cmdline").read_text():
                found.add(int(entry.name))
    return found


class Clients:
    """Threads that submit numbered opinions and retry each one (same key) until answered."""

    def __init__(self, base: str, cid: int, token: str) -> None:
        self.url = f"{base}/api/v1/consultations/{cid}/opinions"
        self.headers = {"authorization": f"Bearer {token}"}
        self.acked: set[str] = set()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(CLIENTS)]

    def _run(self, index: int) -> None:
        with httpx.Client(timeout=5) as client:
            number = 0
            while not self.stop.is_set():
                number += 1
                key = f"crash-{index}-{number}"
                while True:
                    try:
                        response = client.post(
                            self.url,
                            json={"text": f"Ý kiến thử tải số {key}"},
                            headers={**self.headers, "idempotency-key": key},
                        )
                        if response.status_code in (200, 201):
                            with self.lock:
                                self.acked.add(key)
                            break
                    except httpx.HTTPError:
                        pass
                    if self.stop.is_set():
                        return
                    time.sleep(0.05)

    def __enter__(self) -> Clients:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)


def _wait_for(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/consultations", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


@pytest.mark.slow
def test_kill_9_under_load_loses_nothing_and_stores_nothing_twice(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    if fresh_engine.dialect.name != "postgresql":
        pytest.skip("the crash run uses PostgreSQL, as production does")
    factory = make_session_factory(fresh_engine)
    with unit_of_work(factory) as session:
        world = build_world(session, opens_now=True)
        account = accounts.create_account(
            session=session, person_id=world.member_a, username="taiphu", password="mat-khau-1"
        )
        token = tokens.issue(session=session, account_id=account.id, name="crash").token
        cid = world.consultation.id
    url = fresh_engine.url.render_as_string(hide_password=False)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    replaced_after: list[float] = []
    with Clients(base, cid, token) as clients:
        for _round in range(5):  # kill -9 one worker; the arbiter replaces it
            with _server(url, tmp_path, port) as server:
                _wait_for(port, 180)
                time.sleep(0.5)
                before = _worker_pids(server.pid)
                victim = sorted(before)[0]
                os.kill(victim, signal.SIGKILL)
                killed = time.monotonic()
                while time.monotonic() - killed < 10:
                    now = _worker_pids(server.pid)
                    if len(now - before) >= 1 and len(now) >= 2:
                        break
                    time.sleep(0.05)
                replaced_after.append(time.monotonic() - killed)
                time.sleep(0.5)
                os.killpg(server.pid, signal.SIGKILL)  # then the whole server
                server.wait(timeout=10)
        with _server(url, tmp_path, port):  # the clients finish their pending retries
            _wait_for(port, 180)
            time.sleep(1.0)
    with factory() as session:
        rows = session.execute(
            select(Opinion.idempotency_key, func.count())
            .where(Opinion.idempotency_key.startswith("crash-"))
            .group_by(Opinion.idempotency_key)
        ).all()
        stored = {key for key, _count in rows}
        assert not clients.acked - stored, "acknowledged but missing"
        assert all(count == 1 for _key, count in rows), "stored twice"
        assert integrity.verify_all(session=session).ok
    assert len(clients.acked) > 50
    assert max(replaced_after) < 5, replaced_after
