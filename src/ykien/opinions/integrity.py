"""The opinions table compared with the audit log: what the log says must be what is stored.

Every opinion taken in one by one has its "opinion.received" event (consultation, section,
channel, content hash, receipt code and a digest of the stored row); imported opinions are
covered by their batch's "opinions.imported" event (row count and a digest of their content
hashes in insertion order); hiding and restoring are events too. `verify_all` runs the chain
verification of ykien.audit and, over the same pass, rebuilds what the log says about each
opinion, then walks the opinions table: a row edited, added, deleted, moved to another id or
hidden/unhidden behind the log's back is reported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.audit import service as audit
from ykien.audit.checkpoints import Checkpoint
from ykien.audit.models import AuditEvent
from ykien.opinions.models import Opinion, OpinionStatus

BATCH = 5000


def _stamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


ROW_FIELDS = (
    "id",
    "consultation_id",
    "section_id",
    "quote",
    "quote_start",
    "quote_end",
    "text",
    "kind",
    "proposed_wording",
    "author_person_id",
    "author_name",
    "on_behalf_of_id",
    "channel",
    "event_id",
    "import_batch_id",
    "submitted_at",
    "idempotency_key",
    "content_hash",
    "receipt_code",
)


def row_digest(row: Mapping[str, Any]) -> str:
    """SHA-256 over the stored fields of an opinion that never change after it is received
    (`row`: the inserted values, absent ones being NULL)."""
    fields = [row.get(name) for name in ROW_FIELDS]
    fields = [_stamp(v) if isinstance(v, datetime) else v for v in fields]
    body = json.dumps(
        [str(v) if isinstance(v, StrEnum) else v for v in fields],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _stored_row(opinion: Opinion) -> dict[str, Any]:
    return {name: getattr(opinion, name) for name in ROW_FIELDS}


@dataclass(slots=True)
class _Logged:
    """What the log says about one opinion."""

    received: dict[str, Any] | None = None
    actor: int | None = None
    hidden_reason: str | None = None  # set while the last hide is not undone


@dataclass(slots=True)
class OpinionLog:
    """Facts about opinions gathered from intact audit events (see audit.verify's on_event)."""

    opinions: dict[int, _Logged] = field(default_factory=dict)
    imports: dict[int, dict[str, Any]] = field(default_factory=dict)

    def see(self, event: AuditEvent) -> None:
        if event.action == "opinions.imported" and event.entity_id is not None:
            self.imports[event.entity_id] = json.loads(event.payload)
            return
        if event.entity_type != "opinion" or event.entity_id is None:
            return
        logged = self.opinions.setdefault(event.entity_id, _Logged())
        if event.action == "opinion.received":
            logged.received = json.loads(event.payload)
            logged.actor = event.actor_person_id
        elif event.action == "opinion.hidden":
            logged.hidden_reason = str(json.loads(event.payload).get("reason", ""))
        elif event.action == "opinion.restored":
            logged.hidden_reason = None


def _problem(kind: str, opinion_id: int, detail: str) -> audit.ChainProblem:
    return audit.ChainProblem(
        0, None, kind, audit.chain_of(opinion_id), f"opinion {opinion_id}: {detail}"
    )


def _compare(opinion: Opinion, logged: _Logged | None) -> audit.ChainProblem | None:
    from ykien.opinions.service import content_hash

    if content_hash(opinion.text) != opinion.content_hash:
        return _problem("opinion_altered", opinion.id, "its text no longer matches its hash")
    if opinion.import_batch_id is None:
        if logged is None or logged.received is None:
            return _problem("opinion_unlogged", opinion.id, "stored without its received event")
        got = logged.received
        expected = {
            "consultation_id": opinion.consultation_id,
            "section_id": opinion.section_id,
            "channel": str(opinion.channel),
            "content_hash": opinion.content_hash,
            "receipt": opinion.receipt_code,
        }
        wrong = [name for name, value in expected.items() if got.get(name) != value]
        if "row" in got and got["row"] != row_digest(_stored_row(opinion)):
            wrong.append("row")
        if logged.actor != opinion.author_person_id:
            wrong.append("author")
        if wrong:
            return _problem("opinion_altered", opinion.id, "changed: " + ", ".join(wrong))
    reason = logged.hidden_reason if logged is not None else None
    hidden = opinion.status == OpinionStatus.HIDDEN
    if hidden != (reason is not None) or (hidden and opinion.hidden_reason != reason):
        state = "hidden" if hidden else "visible"
        return _problem("opinion_status", opinion.id, f"{state}, which the log does not say")
    return None


def _rows(session: Session) -> Iterator[Opinion]:
    last = 0
    while True:
        rows = (
            session.execute(
                select(Opinion)
                .where(Opinion.id > last)
                .order_by(Opinion.id)
                .limit(BATCH)
                .execution_options(populate_existing=True)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        session.expunge_all()


def reconcile(*, session: Session, log: OpinionLog) -> audit.ChainProblem | None:
    """The first difference between the opinions table and what the log says, if any."""
    batches: dict[int, tuple[int, Any]] = {}
    for opinion in _rows(session):
        problem = _compare(opinion, log.opinions.pop(opinion.id, None))
        if problem is not None:
            return problem
        if opinion.import_batch_id is not None:
            count, digest = batches.get(opinion.import_batch_id, (0, hashlib.sha256()))
            digest.update(opinion.content_hash.encode("ascii"))
            batches[opinion.import_batch_id] = (count + 1, digest)
    for opinion_id, logged in sorted(log.opinions.items()):
        if logged.received is not None:
            return _problem("opinion_deleted", opinion_id, "in the log but no longer stored")
    return _check_imports(batches, log.imports)


def _check_imports(
    batches: dict[int, tuple[int, Any]], logged: dict[int, dict[str, Any]]
) -> audit.ChainProblem | None:
    for batch_id in sorted(set(batches) | set(logged)):
        count, digest = batches.get(batch_id, (0, hashlib.sha256()))
        payload = logged.get(batch_id)
        if payload is None:
            problem, detail = "opinion_unlogged", f"{count} opinions of an unlogged import"
        elif payload.get("rows_imported") != count:
            problem = "opinion_deleted" if count < payload["rows_imported"] else "opinion_unlogged"
            detail = f"{count} stored, {payload['rows_imported']} imported"
        elif payload.get("content_digest") != digest.hexdigest():
            problem, detail = "opinion_altered", "the stored rows differ from the imported ones"
        else:
            continue
        return audit.ChainProblem(0, None, problem, 0, f"import batch {batch_id}: {detail}")
    return None


def verify_all(*, session: Session, checkpoint: Checkpoint | None = None) -> audit.VerifyResult:
    """Verify the chains (against `checkpoint` if given), then the opinions against the log."""
    log = OpinionLog()
    result = audit.verify(session=session, checkpoint=checkpoint, on_event=log.see)
    if result.problem is not None:
        return result
    return audit.VerifyResult(result.checked, reconcile(session=session, log=log))
