"""Append to and verify the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.audit.models import AuditEvent, AuditHead
from ykien.db.base import utcnow

GENESIS_HASH = "0" * 64


def canonical_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(
    *,
    prev_hash: str,
    seq: int,
    occurred_at: datetime,
    actor_person_id: int | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    payload: str,
) -> str:
    """The hash that chains an event to its predecessor; covers every stored field."""
    body = canonical_json(
        {
            "prev": prev_hash,
            "seq": seq,
            "at": occurred_at.isoformat(timespec="microseconds"),
            "actor": actor_person_id,
            "action": action,
            "entity": [entity_type, entity_id],
            "payload": payload,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record(
    *,
    session: Session,
    action: str,
    entity_type: str,
    entity_id: int | None,
    actor_person_id: int | None = None,
    payload: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> AuditEvent:
    """Append one event; the head row is locked so concurrent writers chain in a line."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    occurred_at = occurred_at or utcnow()
    seq = head.seq + 1
    payload_text = canonical_json(payload or {})
    digest = event_hash(
        prev_hash=head.hash,
        seq=seq,
        occurred_at=occurred_at,
        actor_person_id=actor_person_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        payload=payload_text,
    )
    event = AuditEvent(
        seq=seq,
        occurred_at=occurred_at,
        actor_person_id=actor_person_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        payload=payload_text,
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(event)
    head.seq = seq
    head.hash = digest
    session.flush()
    return event


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    event_id: int | None
    problem: str  # "altered", "inserted", "deleted", "head_mismatch"

    def describe(self) -> str:
        where = f"event #{self.seq}" + (f" (id {self.event_id})" if self.event_id else "")
        return {
            "altered": f"{where} was altered: its content no longer matches its hash",
            "inserted": f"{where} was inserted: it does not follow the chain",
            "deleted": f"an event before {where} was deleted: the chain is broken there",
            "head_mismatch": f"events after #{self.seq} were deleted or the head was changed",
        }[self.problem]


@dataclass(frozen=True, slots=True)
class VerifyResult:
    checked: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _events(session: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    last_seq = 0
    while True:
        rows = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.seq > last_seq)
                .order_by(AuditEvent.seq)
                .limit(batch)
                .execution_options(populate_existing=True)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last_seq = rows[-1].seq
        session.expunge_all()


def _recomputed(event: AuditEvent) -> str:
    return event_hash(
        prev_hash=event.prev_hash,
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_person_id=event.actor_person_id,
        action=event.action,
        entity_type=event.entity_type,
        entity_id=event.entity_id,
        payload=event.payload,
    )


def verify(*, session: Session) -> VerifyResult:
    """Recompute the chain from the start; report the first event that breaks it.

    An event whose own hash is wrong was altered. An event that chains to the one two places
    back means the event between was inserted; a gap in the chain means events were deleted.
    Events after the last one are caught by the head row.
    """
    prev_hash, prev_prev_hash = GENESIS_HASH, None
    prev_seq, prev_id = 0, None
    checked = 0
    for event in _events(session):
        chained = event.prev_hash == prev_hash
        if not chained and event.prev_hash == prev_prev_hash:
            return VerifyResult(checked - 1, ChainProblem(prev_seq, prev_id, "inserted"))
        if _recomputed(event) != event.hash:
            return VerifyResult(checked, ChainProblem(event.seq, event.id, "altered"))
        if not chained:
            kind = "deleted" if event.seq > prev_seq + 1 else "inserted"
            return VerifyResult(checked, ChainProblem(event.seq, event.id, kind))
        if event.seq != prev_seq + 1:
            return VerifyResult(checked, ChainProblem(event.seq, event.id, "inserted"))
        prev_prev_hash, prev_hash = prev_hash, event.hash
        prev_seq, prev_id = event.seq, event.id
        checked += 1
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
    if head.seq != prev_seq or head.hash != prev_hash:
        return VerifyResult(checked, ChainProblem(prev_seq, None, "head_mismatch"))
    return VerifyResult(checked, None)
