"""Serving the app with uvicorn: one process, or several under a process manager.

Two managers for `workers > 1`, both replacing a worker that dies (kill -9 included) within
about a second, and both draining the requests in progress on SIGTERM:

- "gunicorn" (the default): gunicorn's arbiter with uvicorn workers on one shared listening
  socket. Gunicorn watches each worker's heartbeat, restarts dead or hung ones, and stops them
  gracefully (`graceful_timeout`).
- "reuseport": every worker binds host:port itself with SO_REUSEPORT, so the kernel spreads new
  connections evenly over the workers (on one shared socket, the first worker to wake may take
  every pending connection of a burst); a small supervisor here restarts dead workers.

Neither trusts X-Forwarded-For by itself: the app decides from YKIEN_TRUSTED_PROXIES.

`python -m ykien.web.serve APP` serves an ASGI app given as "module:attribute" the same way
(the web benchmark serves its bare comparison endpoint with it).
"""

from __future__ import annotations

import argparse
import multiprocessing
import signal
import socket
import time
import warnings
from types import FrameType
from typing import Any, Literal

import uvicorn

from ykien.config import Settings

# the app: ykien's own built from these settings, or an ASGI app given as "module:attribute"
AppSource = Settings | str
Manager = Literal["gunicorn", "reuseport"]
GRACEFUL_SECONDS = 20
RESTART_POLL = 0.2  # seconds between the supervisor's looks at its workers


def _socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _app(source: AppSource) -> Any:
    if isinstance(source, Settings):
        from ykien.app import create_app

        return create_app(source)
    return source


def _config(source: AppSource, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        _app(source),
        log_level=log_level,
        access_log=False,
        proxy_headers=False,  # client addresses: see ykien.web.deps.client_address
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )


def _worker(source: AppSource, host: str, port: int, log_level: str) -> None:
    sock = _socket(host, port)
    uvicorn.Server(_config(source, log_level)).run(sockets=[sock])


def run(
    source: AppSource,
    *,
    host: str,
    port: int,
    workers: int = 1,
    log_level: str = "warning",
    manager: Manager = "gunicorn",
) -> None:
    """Serve until interrupted; with workers > 1, in that many processes (see above)."""
    if workers <= 1:
        config = _config(source, log_level)
        config.host, config.port = host, port
        uvicorn.Server(config).run()
    elif manager == "gunicorn":
        _run_gunicorn(source, host=host, port=port, workers=workers, log_level=log_level)
    else:
        _run_reuseport(source, host=host, port=port, workers=workers, log_level=log_level)


def _run_reuseport(
    source: AppSource, *, host: str, port: int, workers: int, log_level: str
) -> None:
    context = multiprocessing.get_context("spawn")  # nothing of this process is inherited
    stopping = False

    def start(index: int) -> multiprocessing.process.BaseProcess:
        process = context.Process(
            target=_worker, args=(source, host, port, log_level), name=f"web-{index}"
        )
        process.start()
        return process

    processes = [start(i) for i in range(workers)]

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in progress

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        for index, process in enumerate(processes):
            if not stopping and not process.is_alive():
                process.join()
                processes[index] = start(index)  # a worker died: replace it
        time.sleep(RESTART_POLL)
    for process in processes:
        process.join(GRACEFUL_SECONDS + 5)


def _run_gunicorn(source: AppSource, *, host: str, port: int, workers: int, log_level: str) -> None:
    from gunicorn.app.base import BaseApplication

    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def closed_before_fork(app: Any) -> Any:
        """The app with no connection open (the database's, the queue's): each worker opens
        its own after the fork."""
        state = getattr(app, "state", None)
        if state is not None:
            state.engine.dispose()
            state.queue.storage.close()
        return app

    class Application(BaseApplication):
        def load_config(self) -> None:
            options = {
                "bind": bind,
                "workers": workers,
                "worker_class": "ykien.web.serve.Worker",
                "graceful_timeout": GRACEFUL_SECONDS,
                "timeout": 120,
                "keepalive": 5,
                "backlog": 4096,
                "loglevel": log_level,
                "accesslog": None,
                "forwarded_allow_ips": "",  # the app decides whom to trust
                # built once in the arbiter, so a replacement worker is a fork, ready at once
                # (building the app imports the NLP libraries: seconds); the threads (intake,
                # jobs, checkpoints) start in each worker, on first use or at its startup
                "preload_app": True,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return closed_before_fork(_app(source))

    Application().run()


def _worker_class() -> type:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from uvicorn.workers import UvicornWorker

    class YkienWorker(UvicornWorker):
        CONFIG_KWARGS = {  # noqa: RUF012 (uvicorn's own class attribute)
            "loop": "auto",
            "http": "auto",
            "proxy_headers": False,
            "access_log": False,
            "timeout_graceful_shutdown": GRACEFUL_SECONDS,
        }

    return YkienWorker


def __getattr__(name: str) -> Any:
    """`Worker`, gunicorn's worker class, imported only when gunicorn asks for it."""
    if name == "Worker":
        return _worker_class()
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("app", help='an ASGI app as "module:attribute"')
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--manager", choices=["gunicorn", "reuseport"], default="gunicorn")
    args = parser.parse_args(argv)
    run(args.app, host=args.host, port=args.port, workers=args.workers, manager=args.manager)


if __name__ == "__main__":
    main()
