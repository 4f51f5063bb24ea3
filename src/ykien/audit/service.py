"""Append to and verify the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.audit.checkpoints import Checkpoint
from ykien.audit.models import AuditEvent, AuditHead
from ykien.db import bulk
from ykien.db.base import utcnow

GENESIS_HASH = "0" * 64
# Events are spread over independent chains by entity, so writers of different entities do not
# queue behind one head row until their commits (PostgreSQL can then group the commits).
CHAINS = 16


def chain_of(entity_id: int | None) -> int:
    """The chain (1..CHAINS) of an entity's events; one entity's events stay in order."""
    return 1 + (entity_id or 0) % CHAINS


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
    """Append one event to its chain; the chain's head row is locked so writers line up."""
    event = NewEvent(action, entity_type, entity_id, actor_person_id, payload, occurred_at)
    return record_many(session=session, events=[event])[0]


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append (see record_many)."""

    action: str
    entity_type: str
    entity_id: int | None
    actor_person_id: int | None = None
    payload: dict[str, Any] | None = None
    occurred_at: datetime | None = None


def record_many(*, session: Session, events: Sequence[NewEvent]) -> list[AuditEvent]:
    """Append events in order, each to its entity's chain, in one round of statements.

    The heads of the chains concerned are locked in chain order (so batches never deadlock one
    another), the hashes are chained here and the rows are inserted in one flush.
    """
    if not events:
        return []
    chains = sorted({chain_of(event.entity_id) for event in events})
    heads: dict[int, tuple[int, str]] = {
        chain: (seq, digest)
        for chain, seq, digest in session.execute(
            select(AuditHead.id, AuditHead.seq, AuditHead.hash)
            .where(AuditHead.id.in_(chains))
            .order_by(AuditHead.id)
            .with_for_update()
        )
    }
    now = utcnow()
    rows = []
    for new in events:
        chain = chain_of(new.entity_id)
        last_seq, last_hash = heads[chain]
        occurred_at = new.occurred_at or now
        seq = last_seq + 1
        payload_text = canonical_json(new.payload or {})
        digest = event_hash(
            prev_hash=last_hash,
            seq=seq,
            occurred_at=occurred_at,
            actor_person_id=new.actor_person_id,
            action=new.action,
            entity_type=new.entity_type,
            entity_id=new.entity_id,
            payload=payload_text,
        )
        rows.append(
            {
                "chain": chain,
                "seq": seq,
                "occurred_at": occurred_at,
                "actor_person_id": new.actor_person_id,
                "action": new.action,
                "entity_type": new.entity_type,
                "entity_id": new.entity_id,
                "payload": payload_text,
                "prev_hash": last_hash,
                "hash": digest,
            }
        )
        heads[chain] = (seq, digest)
    stored = bulk.add_many(session, AuditEvent, rows)
    bulk.update_many(
        session,
        AuditHead,
        [{"id": chain, "seq": seq, "hash": digest} for chain, (seq, digest) in heads.items()],
    )
    return stored


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    event_id: int | None
    # "altered", "inserted", "deleted", "head_mismatch", "truncated", "chain_deleted",
    # "reordered", "checkpoint_invalid", or a data problem (see ykien.opinions.integrity)
    problem: str
    chain: int = 1
    detail: str = ""

    def describe(self) -> str:
        where = f"event #{self.seq} of chain {self.chain}" + (
            f" (id {self.event_id})" if self.event_id else ""
        )
        known = {
            "altered": f"{where} was altered: its content no longer matches its hash",
            "inserted": f"{where} was inserted: it does not follow the chain",
            "deleted": f"an event before {where} was deleted: the chain is broken there",
            "head_mismatch": (
                f"events after #{self.seq} of chain {self.chain} were deleted or its head changed"
            ),
            "truncated": (
                f"chain {self.chain} no longer holds event #{self.seq} of the last signed "
                "checkpoint: events were deleted (and the head rewritten) or replaced"
            ),
            "chain_deleted": f"chain {self.chain} was deleted (the last checkpoint has it)",
            "reordered": f"{where} has an id out of order: row ids were swapped or rewritten",
            "checkpoint_invalid": "the checkpoint file was altered",
        }
        text = known.get(self.problem, self.problem.replace("_", " "))
        return f"{text}: {self.detail}" if self.detail else text


@dataclass(frozen=True, slots=True)
class VerifyResult:
    checked: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


EventObserver = Callable[[AuditEvent], None]


def _events(session: Session, chain: int, batch: int = 5000) -> Iterator[AuditEvent]:
    last_seq = 0
    while True:
        rows = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.chain == chain, AuditEvent.seq > last_seq)
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


def verify(
    *,
    session: Session,
    checkpoint: Checkpoint | None = None,
    on_event: EventObserver | None = None,
) -> VerifyResult:
    """Recompute every chain from its start; report the first event that breaks one.

    An event whose own hash is wrong was altered. An event that chains to the one two places
    back means the event between was inserted; a gap in the chain means events were deleted.
    Events after a chain's last one are caught by its head row; a tail deleted together with
    a rewritten head, or a whole chain deleted, by the signed `checkpoint` (see
    audit.checkpoints). Within a chain, row ids grow with seq (the head lock orders the
    writers), so swapped ids are caught too. `on_event` sees every intact event.
    """
    checked = 0
    heads = {head.id: head for head in session.execute(select(AuditHead)).scalars()}
    stray = session.execute(
        select(AuditEvent.seq, AuditEvent.id, AuditEvent.chain)
        .where(AuditEvent.chain.not_in(list(heads)))
        .limit(1)
    ).first()
    if stray is not None:
        return VerifyResult(0, ChainProblem(stray.seq, stray.id, "inserted", stray.chain))
    reached = checkpoint.chains if checkpoint is not None else {}
    for chain in sorted(set(reached) - set(heads)):
        if reached[chain][0] > 0:
            return VerifyResult(0, ChainProblem(reached[chain][0], None, "chain_deleted", chain))
    for chain in sorted(heads):
        count, problem = _verify_chain(session, chain, heads[chain], reached.get(chain), on_event)
        checked += count
        if problem is not None:
            return VerifyResult(checked, problem)
    return VerifyResult(checked, None)


def _verify_chain(
    session: Session,
    chain: int,
    head: AuditHead,
    reached: tuple[int, str] | None,
    on_event: EventObserver | None,
) -> tuple[int, ChainProblem | None]:
    head_seq, head_hash = head.seq, head.hash
    prev_hash, prev_prev_hash = GENESIS_HASH, None
    prev_seq, prev_id = 0, None
    checked = 0
    for event in _events(session, chain):
        chained = event.prev_hash == prev_hash
        if not chained and event.prev_hash == prev_prev_hash:
            return checked - 1, ChainProblem(prev_seq, prev_id, "inserted", chain)
        if _recomputed(event) != event.hash:
            return checked, ChainProblem(event.seq, event.id, "altered", chain)
        if not chained:
            kind = "deleted" if event.seq > prev_seq + 1 else "inserted"
            return checked, ChainProblem(event.seq, event.id, kind, chain)
        if event.seq != prev_seq + 1:
            return checked, ChainProblem(event.seq, event.id, "inserted", chain)
        if prev_id is not None and event.id <= prev_id:
            return checked, ChainProblem(event.seq, event.id, "reordered", chain)
        if reached is not None and event.seq == reached[0] and event.hash != reached[1]:
            return checked, ChainProblem(event.seq, event.id, "truncated", chain)
        if on_event is not None:
            on_event(event)
        prev_prev_hash, prev_hash = prev_hash, event.hash
        prev_seq, prev_id = event.seq, event.id
        checked += 1
    if head_seq != prev_seq or head_hash != prev_hash:
        return checked, ChainProblem(prev_seq, None, "head_mismatch", chain)
    if reached is not None and prev_seq < reached[0]:
        return checked, ChainProblem(reached[0], None, "truncated", chain)
    return checked, None
