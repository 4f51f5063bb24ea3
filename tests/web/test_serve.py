"""`ykien serve --workers N`: both process managers spread connections over the workers,
replace a worker killed with SIGKILL within seconds, and stop on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def _served(manager: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "ykien.web.serve", "tests.web.pid_app:app",
         "--port", str(port), "--workers", "2", "--manager", manager],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])},
    )  # fmt: skip
    try:
        yield server, port
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0


def _pids(port: int, want: int, seconds: float, without: set[str] = frozenset()) -> set[str]:  # type: ignore[assignment]
    """Worker pids seen over new connections until `want` distinct ones (not in `without`)."""
    pids: set[str] = set()
    deadline = time.monotonic() + seconds
    while len(pids - without) < want and time.monotonic() < deadline:
        try:
            # a new connection each time: the kernel (or the arbiter's socket) picks a worker
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=2) as client:
                pids.add(client.get("/").text)
        except httpx.HTTPError:
            time.sleep(0.05)
    return pids


@pytest.mark.slow
@pytest.mark.parametrize("manager", ["gunicorn", "reuseport"])
def test_workers_answer_a_killed_one_is_replaced_and_sigterm_stops_them(manager: str) -> None:
    with _served(manager) as (server, port):
        pids = _pids(port, 2, 60)
        assert len(pids) == 2, f"only {pids} answered"
        assert str(server.pid) not in pids  # the parent only supervises
        for round_ in range(5):
            victim = sorted(pids)[round_ % 2]
            os.kill(int(victim), signal.SIGKILL)
            killed_at = time.monotonic()
            fresh = _pids(port, 1, 10, without=pids)
            back_after = time.monotonic() - killed_at
            assert fresh - pids, f"round {round_}: no new worker after the kill"
            # gunicorn forks a new worker; the reuseport supervisor spawns a fresh interpreter
            bound = 5 if manager == "gunicorn" else 15
            assert back_after < bound, f"round {round_}: the new worker took {back_after:.1f} s"
            pids = (pids - {victim}) | (fresh - pids)
