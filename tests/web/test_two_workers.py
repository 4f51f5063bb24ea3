"""The app under the real process manager with two workers: session revocation, the sign-in
limiter and the per-client rates hold across both processes, and proxy headers are believed
only from the trusted proxy. Each request's worker is read from /proc (which process holds the
connection), so every step is shown on a chosen worker. Loopback only, bounded in time."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import Engine

from tests.conftest import free_port
from tests.factories import World
from tests.web.conftest import PASSWORD
from tests.web.test_crash import _wait_for, _worker_pids

ROOT = Path(__file__).resolve().parents[2]
PROXY = "127.0.0.2"  # the trusted proxy: requests sent from this loopback address
DIRECT = "127.0.0.1"  # a client reaching the workers directly (not trusted)
SEARCHES_PER_MINUTE = 4
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@contextmanager
def _server(url: str, data_dir: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        "YKIEN_DATABASE_URL": url,
        "YKIEN_DATA_DIR": str(data_dir),
        "YKIEN_ENVIRONMENT": "test",
        "YKIEN_QUEUE_URL": "memory://",
        "YKIEN_TRUSTED_PROXIES": PROXY,
        "YKIEN_RATE_SEARCHES_PER_MINUTE": str(SEARCHES_PER_MINUTE),
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


def _server_side_inode(port: int, client_port: int) -> str | None:
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = fields[1].rsplit(":", 1)[1], fields[2].rsplit(":", 1)[1]
            if int(local, 16) == port and int(remote, 16) == client_port:
                return fields[9]
    return None


def _owner(workers: set[int], port: int, client_port: int) -> int | None:
    """The worker process holding the server side of the connection from `client_port`."""
    inode = _server_side_inode(port, client_port)
    for pid in workers:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


class Browser:
    """One client (cookies kept) that sends each request to a chosen worker: it opens fresh
    keep-alive connections until one is held by that worker, and checks every answer came
    from it."""

    def __init__(self, port: int, workers: set[int], source: str = DIRECT, **headers: str):
        self.port, self.workers, self.source, self.headers = port, workers, source, headers
        self.cookies: dict[str, str] = {}
        self.client: httpx.Client | None = None
        self.on: int | None = None

    def _call(self, method: str, path: str, **kwargs: Any) -> tuple[httpx.Response, int | None]:
        assert self.client is not None
        if self.cookies:
            cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            kwargs["headers"] = {**kwargs.get("headers", {}), "cookie": cookie}
        with self.client.stream(method, path, **kwargs) as response:
            client_port = response.extensions["network_stream"].get_extra_info("client_addr")[1]
            worker = _owner(self.workers, self.port, client_port)
            response.read()
        self.client.cookies.clear()  # kept here instead, as sent and as set
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0" and "1970" not in morsel["expires"]:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response, worker

    def _pin(self, worker: int) -> None:
        for _attempt in range(60):
            if self.on == worker and self.client is not None:
                return
            if self.client is not None:
                self.client.close()
            self.client = httpx.Client(
                base_url=f"http://127.0.0.1:{self.port}",
                transport=httpx.HTTPTransport(local_address=self.source),
                limits=httpx.Limits(max_connections=1),
                headers=self.headers,
                timeout=10,
            )
            _probe, self.on = self._call("GET", "/api/v1/consultations")
        raise AssertionError(f"no connection reached worker {worker}")

    def send(self, worker: int, method: str, path: str, **kwargs: Any) -> httpx.Response:
        self._pin(worker)
        response, served_by = self._call(method, path, **kwargs)
        assert served_by == worker, f"{method} {path} went to {served_by}, not {worker}"
        return response

    def csrf(self, worker: int) -> str:
        match = CSRF.search(self.send(worker, "GET", "/login").text)
        assert match
        return match.group(1)

    def sign_in(self, worker: int, username: str = "thuky", password: str = PASSWORD) -> int:
        form = {"username": username, "password": password, "csrf_token": self.csrf(worker)}
        return self.send(worker, "POST", "/login", data=form).status_code

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


@contextmanager
def _two_workers(fresh_engine: Engine, tmp_path: Path) -> Iterator[tuple[int, list[int]]]:
    port = free_port()
    url = fresh_engine.url.render_as_string(hide_password=False)
    with _server(url, tmp_path, port) as server:
        _wait_for(port, 180)
        deadline = time.monotonic() + 60
        while len(workers := _worker_pids(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == 2, workers
        _wait_for(port, 60)
        yield port, sorted(workers)


def _me(browser: Browser, worker: int) -> int:
    return browser.send(worker, "GET", "/api/v1/me").status_code


@pytest.mark.slow
def test_sessions_limiter_rates_and_proxy_headers_hold_across_two_workers(
    fresh_engine: Engine, web_world: World, tmp_path: Path
) -> None:
    with _two_workers(fresh_engine, tmp_path) as (port, (one, two)):
        workers = {one, two}
        # sessions: signed in on one worker, known and then ended on the other
        owner = Browser(port, workers)
        assert owner.sign_in(one) == 303
        copied = Browser(port, workers)
        copied.cookies = dict(owner.cookies)
        assert _me(copied, two) == 200
        owner.send(one, "POST", "/logout", data={"csrf_token": owner.csrf(one)})
        assert _me(copied, two) == 401 and _me(copied, one) == 401
        assert owner.sign_in(two) == 303
        copied.cookies = dict(owner.cookies)
        assert _me(copied, one) == 200
        ended = owner.send(
            two, "POST", "/account/sessions/end", data={"csrf_token": owner.csrf(two)}
        )
        assert ended.status_code == 303
        assert _me(copied, one) == 401

        # the sign-in limiter: guesses spread over both workers, with a rotating
        # X-Forwarded-For that a direct client may not choose, are one count
        guesses = []
        for attempt in range(6):
            guesser = Browser(port, workers, **{"x-forwarded-for": f"192.0.2.{attempt}"})
            guesses.append(guesser.sign_in((one, two)[attempt % 2], password="sai"))
            guesser.close()
        assert guesses[:5] == [400] * 5 and guesses[5] == 429, guesses
        blocked = Browser(port, workers)
        assert blocked.sign_in(one) == 429 and blocked.sign_in(two) == 429
        # through the trusted proxy the owner's own address is believed: she signs in
        behind_proxy = Browser(port, workers, PROXY, **{"x-forwarded-for": "198.51.100.7"})
        assert behind_proxy.sign_in(two) == 303

        # the per-client search rate: one count for both workers
        cid = web_world.consultation.id
        search = f"/api/v1/search?q=luat&consultation_id={cid}"
        reader = Browser(port, workers, PROXY, **{"x-forwarded-for": "203.0.113.5"})
        statuses = [reader.send((one, two)[i % 2], "GET", search).status_code for i in range(4)]
        assert statuses == [200] * 4
        for worker in (one, two):
            refused = reader.send(worker, "GET", search)
            assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        # the same header sent directly is not believed: that client is the peer, not 203.0.113.5
        direct = Browser(port, workers, **{"x-forwarded-for": "203.0.113.5"})
        assert direct.send(one, "GET", search).status_code == 200
        for browser in (owner, copied, blocked, behind_proxy, reader, direct):
            browser.close()
