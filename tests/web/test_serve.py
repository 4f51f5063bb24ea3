"""`ykien serve --workers N`: every worker listens on its own socket and gets connections."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_connections_are_spread_over_the_workers_and_sigterm_stops_them() -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "ykien.web.serve", "tests.web.pid_app:app",
         "--port", str(port), "--workers", "2"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        pids: set[str] = set()
        deadline = time.monotonic() + 60
        while len(pids) < 2 and time.monotonic() < deadline:
            try:
                # a new connection each time: the kernel picks a worker's socket per connection
                with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
                    pids.add(client.get("/").text)
            except httpx.HTTPError:
                time.sleep(0.1)
        assert len(pids) == 2, f"only {pids} answered"
        assert str(server.pid) not in pids  # the parent only supervises
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
