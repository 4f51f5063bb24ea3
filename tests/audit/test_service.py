import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ykien.audit import service as audit
from ykien.audit.models import AuditEvent

ENTITY = 7
CHAIN = audit.chain_of(ENTITY)


def _chain(session: Session, count: int = 5) -> None:
    """`count` events of one entity, so all in one chain (CHAIN)."""
    for i in range(count):
        audit.record(
            session=session,
            action="test.event",
            entity_type="thing",
            entity_id=ENTITY,
            payload={"n": i, "text": "Đảng ủy"},
        )


def test_a_fresh_chain_verifies(session: Session) -> None:
    _chain(session)
    result = audit.verify(session=session)
    assert result.ok
    assert result.checked >= 5


def test_altered_payload_is_caught(session: Session) -> None:
    _chain(session)
    seq = session.execute(
        text(f"select max(seq) - 2 from audit_events where chain = {CHAIN}")
    ).scalar_one()
    session.execute(
        text(f"update audit_events set payload = :p where seq = :s and chain = {CHAIN}"),
        {"p": '{"n":99}', "s": seq},
    )
    result = audit.verify(session=session)
    assert result.problem is not None
    assert (result.problem.seq, result.problem.problem) == (seq, "altered")


def test_deleted_event_is_caught(session: Session) -> None:
    _chain(session)
    seq = session.execute(
        text(f"select max(seq) - 2 from audit_events where chain = {CHAIN}")
    ).scalar_one()
    session.execute(
        text(f"delete from audit_events where seq = :s and chain = {CHAIN}"), {"s": seq}
    )
    result = audit.verify(session=session)
    assert result.problem is not None
    assert (result.problem.seq, result.problem.problem) == (seq + 1, "deleted")
    assert "deleted" in result.problem.describe()


def test_deleted_last_event_is_caught_by_the_head(session: Session) -> None:
    _chain(session)
    seq = session.execute(
        text(f"select max(seq) from audit_events where chain = {CHAIN}")
    ).scalar_one()
    session.execute(
        text(f"delete from audit_events where seq = :s and chain = {CHAIN}"), {"s": seq}
    )
    result = audit.verify(session=session)
    assert result.problem is not None
    assert result.problem.problem == "head_mismatch"


def test_inserted_event_is_caught(session: Session) -> None:
    """A forged event slipped in before the last one, with later seqs shifted up."""
    _chain(session)
    in_chain = AuditEvent.chain == CHAIN
    last = session.execute(
        select(AuditEvent).where(in_chain).order_by(AuditEvent.seq.desc()).limit(1)
    ).scalar_one()
    before = session.execute(
        select(AuditEvent).where(in_chain, AuditEvent.seq == last.seq - 1)
    ).scalar_one()
    seq = last.seq
    session.execute(
        text(f"update audit_events set seq = seq + 1 where seq = :s and chain = {CHAIN}"),
        {"s": seq},
    )
    fields = {
        "seq": seq,
        "occurred_at": before.occurred_at,
        "actor_person_id": None,
        "action": "opinion.hidden",
        "entity_type": "opinion",
        "entity_id": ENTITY,
        "payload": "{}",
    }
    forged = audit.event_hash(prev_hash=before.hash, **fields)  # type: ignore[arg-type]
    session.add(AuditEvent(**fields, chain=CHAIN, prev_hash=before.hash, hash=forged))
    session.flush()
    result = audit.verify(session=session)
    assert result.problem is not None
    assert (result.problem.seq, result.problem.problem) == (seq, "inserted")


@pytest.mark.parametrize("field", ["action", "entity_id", "actor_person_id"])
def test_any_altered_field_is_caught(session: Session, field: str) -> None:
    _chain(session, 3)
    seq = session.execute(
        text(f"select max(seq) from audit_events where chain = {CHAIN}")
    ).scalar_one()
    value = "'x.y'" if field == "action" else "4242"
    session.execute(
        text(f"update audit_events set {field} = {value} where seq = :s and chain = {CHAIN}"),
        {"s": seq},
    )
    result = audit.verify(session=session)
    assert result.problem is not None and result.problem.problem == "altered"


def test_events_spread_over_chains_and_each_chain_is_verified(session: Session) -> None:
    for entity in range(40):
        audit.record(session=session, action="test.event", entity_type="thing", entity_id=entity)
    chains = session.execute(text("select count(distinct chain) from audit_events")).scalar_one()
    assert chains == audit.CHAINS
    assert audit.verify(session=session).ok
    other = audit.chain_of(3)
    session.execute(
        text("update audit_events set payload = :p where chain = :c and entity_id = 3"),
        {"c": other, "p": '{"x":1}'},
    )
    problem = audit.verify(session=session).problem
    assert problem is not None and (problem.chain, problem.problem) == (other, "altered")


def test_an_event_moved_to_an_unknown_chain_is_caught(session: Session) -> None:
    _chain(session, 2)
    session.execute(text(f"update audit_events set chain = 99 where chain = {CHAIN} and seq = 1"))
    problem = audit.verify(session=session).problem
    assert problem is not None and problem.chain == 99
