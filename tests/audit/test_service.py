import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ykien.audit import service as audit
from ykien.audit.models import AuditEvent


def _chain(session: Session, count: int = 5) -> None:
    for i in range(count):
        audit.record(
            session=session,
            action="test.event",
            entity_type="thing",
            entity_id=i,
            payload={"n": i, "text": "Đảng ủy"},
        )


def test_a_fresh_chain_verifies(session: Session) -> None:
    _chain(session)
    result = audit.verify(session=session)
    assert result.ok
    assert result.checked >= 5


def test_altered_payload_is_caught(session: Session) -> None:
    _chain(session)
    seq = session.execute(text("select max(seq) - 2 from audit_events")).scalar_one()
    session.execute(
        text("update audit_events set payload = :p where seq = :s"), {"p": '{"n":99}', "s": seq}
    )
    result = audit.verify(session=session)
    assert result.problem is not None
    assert (result.problem.seq, result.problem.problem) == (seq, "altered")


def test_deleted_event_is_caught(session: Session) -> None:
    _chain(session)
    seq = session.execute(text("select max(seq) - 2 from audit_events")).scalar_one()
    session.execute(text("delete from audit_events where seq = :s"), {"s": seq})
    result = audit.verify(session=session)
    assert result.problem is not None
    assert (result.problem.seq, result.problem.problem) == (seq + 1, "deleted")
    assert "deleted" in result.problem.describe()


def test_deleted_last_event_is_caught_by_the_head(session: Session) -> None:
    _chain(session)
    seq = session.execute(text("select max(seq) from audit_events")).scalar_one()
    session.execute(text("delete from audit_events where seq = :s"), {"s": seq})
    result = audit.verify(session=session)
    assert result.problem is not None
    assert result.problem.problem == "head_mismatch"


def test_inserted_event_is_caught(session: Session) -> None:
    """A forged event slipped in before the last one, with later seqs shifted up."""
    _chain(session)
    last = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()
    before = session.execute(select(AuditEvent).where(AuditEvent.seq == last.seq - 1)).scalar_one()
    seq = last.seq
    session.execute(text("update audit_events set seq = seq + 1 where seq = :s"), {"s": seq})
    forged_at = before.occurred_at
    fields = {
        "seq": seq,
        "occurred_at": forged_at,
        "actor_person_id": None,
        "action": "opinion.hidden",
        "entity_type": "opinion",
        "entity_id": 1,
        "payload": "{}",
    }
    session.add(
        AuditEvent(
            **fields, prev_hash=before.hash, hash=audit.event_hash(prev_hash=before.hash, **fields)
        )
    )
    session.flush()
    result = audit.verify(session=session)
    assert result.problem is not None
    assert (result.problem.seq, result.problem.problem) == (seq, "inserted")


@pytest.mark.parametrize("field", ["action", "entity_id", "actor_person_id"])
def test_any_altered_field_is_caught(session: Session, field: str) -> None:
    _chain(session, 3)
    seq = session.execute(text("select max(seq) from audit_events")).scalar_one()
    value = "'x.y'" if field == "action" else "4242"
    session.execute(text(f"update audit_events set {field} = {value} where seq = :s"), {"s": seq})
    result = audit.verify(session=session)
    assert result.problem is not None and result.problem.problem == "altered"
