"""The durable boundary for submissions: an opinion is committed before it is acknowledged.

`receive` records one submission in its own transaction. `IntakeWriter` is what the web app's
submission endpoint uses: concurrent requests hand their submissions to one writer thread per
process, which takes everything waiting (up to `max_batch`), checks the submitters' credentials
and records the whole batch with `service.submit_many` in one transaction with one commit
(group commit). Each request gets its own outcome, and only after that commit; a refused
submission does not affect the others of its batch.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ykien.accounts import credentials
from ykien.accounts.credentials import Credential
from ykien.consultations import service as consultations
from ykien.db.engine import unit_of_work
from ykien.errors import LoginRequired, UserError
from ykien.opinions import service
from ykien.opinions.models import Channel, Opinion
from ykien.opinions.service import Submission, SubmitResult

log = logging.getLogger(__name__)

MAX_BATCH = 256
LINGER = 0.0005  # seconds: how long a batch waits for the next submission
MAX_WAIT = 0.002  # seconds: how long a batch gathers in all
MAX_QUEUE = 4096  # submissions waiting for the writer; beyond, refused at once
BUDGET = 2.0  # seconds from a request's arrival: later, it is refused rather than stored
TARGET_SHARE = 0.25  # of the budget: a standing queue delay above it refuses new submissions
INTERVAL = 0.1  # seconds over which the smallest queue delay is taken

# when the request being served arrived (set by the web app's admission control)
request_arrived: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "request_arrived", default=None
)


class Overloaded(UserError):
    """The intake is full or the submission waited past its budget: nothing was stored; the
    client may retry (with the same Idempotency-Key) after Retry-After seconds."""

    status_code = 503
    retry_after = 1

    def __init__(self) -> None:
        super().__init__(
            "overloaded",
            "Máy chủ đang quá tải; ý kiến chưa được lưu, vui lòng gửi lại sau giây lát.",
            "The server is busy; the opinion was not stored, send it again in a moment.",
        )


# what the staff member who records an opinion for someone else does in the same transaction,
# once it is created: (session, opinion, recorder's person id)
AfterRecorded = Callable[[Session, Opinion, int], None]
RECORDED_CHANNELS = frozenset({Channel.EVENT, Channel.WRITTEN})


@dataclass(frozen=True, slots=True)
class Recorded:
    """A submission a staff member records for someone else: an opinion voiced at an event or
    written on paper (channel event or written). Its author stays as given (the speaker's
    person record, or their name); the credential's person is the recorder, who must be signed
    in (the route checked their right to record); `then` runs in the batch's transaction once
    the opinion is created (not for a repeated idempotency key)."""

    submission: Submission
    then: AfterRecorded | None = None

    def __post_init__(self) -> None:
        if self.submission.channel not in RECORDED_CHANNELS:
            raise ValueError(f"a recorded submission has channel event or written, not "
                             f"{self.submission.channel}")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Receipt:
    opinion_id: int
    receipt_code: str
    status: str
    created: bool


def _receipt(result: SubmitResult) -> Receipt:
    opinion = result.opinion
    return Receipt(opinion.id, opinion.receipt_code, opinion.status, result.created)


def receive(session_factory: sessionmaker[Session], **fields: Any) -> Receipt:
    """Submit and commit; the receipt is only returned once the opinion is on disk."""
    with unit_of_work(session_factory) as session:
        return _receipt(service.submit(session=session, **fields))


Given = Submission | Recorded
# a submission ready to store, its recorder's person id and what follows (recorded ones only)
_Checked = tuple[Submission, int | None, AfterRecorded | None]


def _authors(
    session: Session, batch: Sequence[tuple[Given, Credential]]
) -> list[_Checked | UserError]:
    """Each submission with its author's person id, or why it is refused (checked in the
    transaction that records the batch). A recorded one keeps its author; its credential
    names the recorder."""
    people = credentials.people_of(session=session, credentials=[c for _s, c in batch])
    checked: list[_Checked | UserError] = []
    for (given, _credential), person_id in zip(batch, people, strict=True):
        if isinstance(person_id, UserError):
            checked.append(person_id)
        elif isinstance(given, Recorded):
            if person_id is None:
                checked.append(LoginRequired())
            else:
                checked.append((given.submission, person_id, given.then))
        elif person_id is None and not given.anonymous:
            checked.append(LoginRequired())
        else:
            checked.append((replace(given, author_person_id=person_id), None, None))
    return checked


def record_batch(
    session: Session, batch: Sequence[tuple[Given, Credential]]
) -> list[Receipt | UserError]:
    """Authenticate and record a batch in the caller's transaction; one outcome per item."""
    checked = _authors(session, batch)
    valid = [item[0] for item in checked if not isinstance(item, UserError)]
    results = iter(service.submit_many(session=session, submissions=valid))
    outcomes: list[Receipt | UserError] = []
    for item in checked:
        if isinstance(item, UserError):
            outcomes.append(item)
            continue
        submission, recorder, then = item
        outcome = next(results)
        if isinstance(outcome, UserError):
            if outcome.code == "consultation_not_published":
                outcome = consultations.not_found(submission.consultation_id)
            outcomes.append(outcome)
            continue
        if outcome.created and then is not None and recorder is not None:
            then(session, outcome.opinion, recorder)
        outcomes.append(_receipt(outcome))
    return outcomes


# a submission, its credential, its outcome and the time after which it is no longer stored
_Item = tuple[Given, Credential, "Future[Receipt]", float]


class IntakeWriter:
    """Group commit for submissions: one writer thread per process (started on first use)."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        max_batch: int = MAX_BATCH,
        linger: float = LINGER,
        max_wait: float = MAX_WAIT,
        max_queue: int = MAX_QUEUE,
        budget: float = BUDGET,
    ) -> None:
        self.session_factory = session_factory
        self.max_batch = max_batch
        self.linger = linger
        self.max_wait = max_wait
        self.max_queue = max_queue
        self.budget = budget
        self.target = budget * TARGET_SHARE
        self.refused = 0  # submissions answered Overloaded (full queue or past budget)
        # the standing queue delay: the smallest delay (from request arrival to being taken by
        # the writer) of the last full interval; 0 whenever the writer found the queue empty
        self.standing_delay = 0.0
        self._interval_end = 0.0
        self._interval_min = float("inf")
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    async def submit(self, submission: Given, credential: Credential) -> Receipt:
        """Record one submission with whatever else is waiting; raises its UserError if it is
        refused. Returns once the batch holding it is committed. A `Recorded` submission
        (staff recording for a speaker) keeps its author; the credential is the recorder's.

        It is refused at once (Overloaded) while the queue stands (every submission taken in
        the last interval had waited more than `target`, a quarter of the budget: the queue
        holds more than the writer's throughput times that delay, Little's law sized by what
        is measured rather than by a fixed length) and beyond `max_queue` waiting submissions.
        One still waiting `budget` seconds after its request arrived is refused when its turn
        comes instead of being stored: its client has probably given up, and a retry with the
        same Idempotency-Key stores it then."""
        if self.overloaded():
            self.refused += 1
            raise Overloaded()
        arrived = request_arrived.get() or time.monotonic()
        future: Future[Receipt] = Future()
        self._ensure_started()
        self._queue.put((submission, credential, future, arrived + self.budget))
        return await asyncio.wrap_future(future)

    def overloaded(self) -> bool:
        """True while a new submission would be refused at once (a standing queue, or a full
        one): the web app's admission control asks before reading the request at all."""
        return self.standing_delay > self.target or self._queue.qsize() >= self.max_queue

    def _ensure_started(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="ykien-intake", daemon=True)
                self._thread.start()

    def close(self) -> None:
        """Finish what is queued, then stop the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join()

    def _take(self) -> tuple[list[_Item], bool]:
        """The next batch; True at the end. Waits for one item, then gathers what arrives while
        items keep coming (each at most `linger` seconds after the last, `max_wait` in all):
        requests answered together come back together, and a batch that waits a moment for
        them costs far less per item than one started at the first arrival.

        Items whose request was cancelled (the client went away) before they were taken are
        left out; the others can no longer be cancelled, so each gets its answer."""
        try:
            item = self._queue.get_nowait()
        except queue.Empty:
            self.standing_delay = 0.0  # the writer caught up: no standing queue
            self._interval_min = float("inf")
            item = self._queue.get()
        items: list[_Item] = []
        now = time.monotonic()
        deadline = now + self.max_wait
        while item is not None:
            self._note_delay(now - (item[3] - self.budget), now)
            if not item[2].set_running_or_notify_cancel():
                pass  # cancelled: nobody waits for it
            elif item[3] < now:
                self.refused += 1
                item[2].set_exception(Overloaded())
            else:
                items.append(item)
            if len(items) >= self.max_batch:
                return items, False
            try:
                item = self._queue.get_nowait()
                continue
            except queue.Empty:
                pass
            wait = min(self.linger, deadline - time.monotonic())
            if wait <= 0:
                return items, False
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                return items, False
        return items, True

    def _note_delay(self, delay: float, now: float) -> None:
        """Keep the smallest delay of the interval; at its end, it is the standing delay."""
        self._interval_min = min(self._interval_min, delay)
        if now >= self._interval_end:
            self.standing_delay = self._interval_min
            self._interval_min = float("inf")
            self._interval_end = now + INTERVAL

    def _run(self) -> None:
        done = False
        while not done:
            items, done = self._take()
            if items:
                self._write(items)

    def _write(self, items: list[_Item]) -> None:
        batch = [(s, c) for s, c, _f, _d in items]
        try:
            try:
                with unit_of_work(self.session_factory) as session:
                    outcomes = record_batch(session, batch)
            except OperationalError:  # e.g. a deadlock with another writer: once more
                log.warning("intake batch of %d failed once; retrying", len(items), exc_info=True)
                with unit_of_work(self.session_factory) as session:
                    outcomes = record_batch(session, batch)
        except Exception as error:  # the whole batch failed: no item is acknowledged
            log.exception("intake batch of %d failed", len(items))
            for _s, _c, future, _d in items:
                future.set_exception(error)
            return
        for (_s, _c, future, _d), outcome in zip(items, outcomes, strict=True):
            if isinstance(outcome, UserError):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
