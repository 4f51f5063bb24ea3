"""Signed audit checkpoints on a schedule, from inside the web processes."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from ykien.audit import checkpoints
from ykien.audit.checkpoints import CheckpointFile
from ykien.config import Settings

log = logging.getLogger(__name__)


class Checkpointer:
    """A thread that appends a checkpoint whenever the file's last one is `every` seconds old
    (with several processes, whichever looks first writes it; the file is locked)."""

    def __init__(
        self, store: CheckpointFile, session_factory: sessionmaker[Session], every: float
    ) -> None:
        self.store = store
        self.session_factory = session_factory
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="ykien-checkpoints", daemon=True)

    def start(self) -> Checkpointer:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def run_once(self) -> bool:
        """Append a checkpoint if the last one is old enough; True if one was written."""
        age = self.store.age_seconds()
        if age is not None and age < self.every:
            return False
        with self.session_factory() as session:
            checkpoints.write(session=session, store=self.store)
        return True

    def _loop(self) -> None:
        while not self._stop.wait(min(self.every, 30.0)):
            try:
                self.run_once()
            except Exception:  # a full disk must not stop the server; the next round retries
                log.exception("writing the audit checkpoint failed")


def scheduled_checkpoints(
    settings: Settings, session_factory: sessionmaker[Session]
) -> Checkpointer | None:
    """The running checkpointer for settings, or None when the schedule is off."""
    if not settings.audit_checkpoint_seconds:
        return None
    store = CheckpointFile(settings.resolved_audit_checkpoint_file, settings.resolved_audit_key)
    return Checkpointer(store, session_factory, settings.audit_checkpoint_seconds).start()
