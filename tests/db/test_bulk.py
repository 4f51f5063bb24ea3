from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import NOW
from ykien.audit.models import AuditEvent, AuditHead
from ykien.db import bulk
from ykien.orgs.models import Organisation


def _orgs(count: int, offset: int = 0) -> list[dict[str, object]]:
    return [
        {
            "name": f"Chi bộ số {offset + i}", "name_key": f"chi bo so {offset + i}",
            "kind": "party_cell", "level": 0, "tree_path": "/", "created_at": NOW,
        }
        for i in range(count)
    ]  # fmt: skip


def test_new_ids_come_back_in_the_rows_order(session: Session) -> None:
    for rows in (_orgs(1), _orgs(37, offset=100)):
        ids = bulk.insert_returning_ids(session, Organisation, rows)
        query = select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        names = {row.id: row.name for row in session.execute(query)}
        assert [names[i] for i in ids] == [row["name"] for row in rows]
    assert bulk.insert_returning_ids(session, Organisation, []) == []


def test_added_objects_are_persistent_without_another_insert(session: Session) -> None:
    (event,) = bulk.add_many(
        session,
        AuditEvent,
        [
            {
                "chain": 1, "seq": 10**6, "occurred_at": NOW, "actor_person_id": None,
                "action": "test", "entity_type": "test", "entity_id": None, "payload": "{}",
                "prev_hash": "0" * 64, "hash": "1" * 64,
            }
        ],
    )  # fmt: skip
    session.flush()  # nothing pending: a second INSERT would break the unique (chain, seq)
    assert event in session and event.id is not None
    stored = session.execute(select(AuditEvent).where(AuditEvent.id == event.id)).scalar_one()
    assert stored.occurred_at == NOW and stored is event


def test_update_many_sets_each_row_by_id(session: Session) -> None:
    bulk.update_many(
        session,
        AuditHead,
        [{"id": 2, "seq": 7, "hash": "a" * 64}, {"id": 5, "seq": 9, "hash": "b" * 64}],
    )
    rows = session.execute(
        select(AuditHead.id, AuditHead.seq, AuditHead.hash).where(AuditHead.id.in_([2, 5]))
    ).all()
    assert sorted(tuple(row) for row in rows) == [(2, 7, "a" * 64), (5, 9, "b" * 64)]
