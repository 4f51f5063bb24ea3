"""Serving the app with uvicorn: one process, or several that each listen on their own socket.

With `workers > 1` every worker process binds host:port itself with SO_REUSEPORT, so the kernel
spreads new connections evenly over the workers. (uvicorn's own `--workers` shares one listening
socket: the first worker to wake accepts every pending connection, so under a burst of keep-alive
connections one worker served nearly all of them while the other idled.)

`python -m ykien.web.serve APP` serves an ASGI app given as "module:attribute" the same way
(the web benchmark serves its bare comparison endpoint with it).
"""

from __future__ import annotations

import argparse
import multiprocessing
import signal
import socket
from types import FrameType

import uvicorn

from ykien.config import Settings

# the app: ykien's own built from these settings, or an ASGI app given as "module:attribute"
AppSource = Settings | str


def _socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _config(source: AppSource, log_level: str) -> uvicorn.Config:
    if isinstance(source, Settings):
        from ykien.app import create_app

        return uvicorn.Config(create_app(source), log_level=log_level, access_log=False)
    return uvicorn.Config(source, log_level=log_level, access_log=False)


def _worker(source: AppSource, host: str, port: int, log_level: str) -> None:
    sock = _socket(host, port)
    uvicorn.Server(_config(source, log_level)).run(sockets=[sock])


def run(
    source: AppSource, *, host: str, port: int, workers: int = 1, log_level: str = "warning"
) -> None:
    """Serve until interrupted; with workers > 1, in that many processes (see above)."""
    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        config = _config(source, log_level)
        config.host, config.port = host, port
        uvicorn.Server(config).run()
        return
    context = multiprocessing.get_context("spawn")  # nothing of this process is inherited
    processes = [
        context.Process(target=_worker, args=(source, host, port, log_level), name=f"web-{i}")
        for i in range(workers)
    ]
    for process in processes:
        process.start()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in progress

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in processes:
        process.join()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("app", help='an ASGI app as "module:attribute"')
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    run(args.app, host=args.host, port=args.port, workers=args.workers)


if __name__ == "__main__":
    main()
