"""The task queue: huey on an SQLite file (embedded default), on Redis in production.

Built from settings like the app (nothing at import time). Jobs take ids, open their own
session, report progress in the database and can be re-run safely.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey

from ykien.config import Settings

log = logging.getLogger(__name__)


def make_queue(settings: Settings) -> Huey:
    """The huey instance for settings, with every ykien task registered on it."""
    url = settings.resolved_queue_url
    huey: Huey
    if url.startswith("memory://"):
        huey = MemoryHuey("ykien", immediate=True)
    elif url.startswith(("redis://", "rediss://")):
        huey = RedisHuey("ykien", url=url)
    else:
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("ykien", filename=str(path))
    from ykien.analysis import jobs as analysis_jobs

    analysis_jobs.register(huey, settings)
    return huey


@dataclass
class EmbeddedWorker:
    """A worker thread inside the web process, for the embedded (laptop) setup."""

    huey: Huey
    poll_seconds: float = 0.5
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="ykien-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_pending(self) -> int:
        """Run every task waiting in the queue now; return how many ran."""
        ran = 0
        while (task := self.huey.dequeue()) is not None:
            self._execute(task)
            ran += 1
        return ran

    def _loop(self) -> None:
        while not self._stop.is_set():
            if not self.run_pending():
                self._stop.wait(self.poll_seconds)

    def _execute(self, task: object) -> None:
        try:
            self.huey.execute(task)
        except Exception:  # the job has recorded its failure; keep serving other jobs
            log.exception("task %s failed", task)
