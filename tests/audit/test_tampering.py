"""A tampering suite: every way of altering the audit log or the opinions behind its back that
someone with write access to the database might try, each one caught by verify (on SQLite and
on PostgreSQL), against the last signed checkpoint kept in a file outside the database."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.factories import NOW, World, build_world
from ykien.audit import checkpoints
from ykien.audit import service as audit
from ykien.audit.checkpoints import CheckpointFile, CheckpointInvalid
from ykien.audit.models import AuditEvent, AuditHead
from ykien.opinions import integrity
from ykien.opinions import service as opinions
from ykien.opinions.importer import import_opinions
from ykien.opinions.models import Opinion

KEY = b"k" * 32


@dataclass
class Scene:
    session: Session
    consultation_id: int
    sections: dict[str, int]
    member: int
    outsider: int
    store: CheckpointFile
    ids: list[int]  # opinions submitted one by one
    hidden: int  # one of them, hidden by a moderator
    imported: list[int]  # opinions of an import batch

    def sql(self, statement: str, **params: object) -> None:
        self.session.execute(text(statement), params)

    def last(self, chain: int) -> AuditEvent:
        return (
            self.session.execute(
                select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq.desc())
            )
            .scalars()
            .first()
        )  # type: ignore[return-value]

    def chain(self, opinion_id: int) -> int:
        return audit.chain_of(opinion_id)


def _import(session: Session, world: World, folder: Path) -> list[int]:
    path = folder / "nhap.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Nội dung ý kiến", "Điều khoản"])
        writer.writerow(["Đề nghị làm rõ phạm vi điều chỉnh.", "Điều 1"])
        writer.writerow(["Bổ sung hình thức lấy ý kiến trực tuyến.", "Điều 3"])
        writer.writerow(["Thời hạn 30 ngày là quá ngắn.", "Điều 4"])
    before = set(session.execute(select(Opinion.id)).scalars())
    import_opinions(session=session, consultation_id=world.consultation.id, source=path, now=NOW)
    return sorted(set(session.execute(select(Opinion.id)).scalars()) - before)


@pytest.fixture
def scene(session: Session, tmp_path: Path) -> Scene:
    world = build_world(session)
    ids = []
    for i, body in enumerate(
        ["Đề nghị sửa Điều 1.", "Bổ sung khoản 3.", "Đồng ý với dự thảo.", "Ý kiến thứ tư.", "Hết."]
    ):
        result = opinions.submit(
            session=session,
            consultation_id=world.consultation.id,
            text=body,
            kind="comment",
            section_id=world.section("Điều 1").id if i % 2 else None,
            quote="Luật này" if i == 1 else None,
            author_person_id=world.member_a,
            now=NOW,
        )
        ids.append(result.opinion.id)
    opinions.hide(session=session, opinion_id=ids[2], reason="Trùng lặp")
    imported = _import(session, world, tmp_path)
    session.flush()
    store = CheckpointFile(tmp_path / "checkpoints.jsonl", KEY)
    checkpoints.write(session=session, store=store)
    scene = Scene(
        session,
        world.consultation.id,
        {section.label: section.id for section in world.sections},
        world.member_a,
        world.outsider_person,
        store,
        ids,
        ids[2],
        imported,
    )
    assert _verify(scene) is None, "the untouched scene must verify"
    return scene


def _verify(scene: Scene) -> audit.ChainProblem | None:
    scene.session.expire_all()
    return integrity.verify_all(session=scene.session, checkpoint=scene.store.latest()).problem


def _rewrite_head(scene: Scene, chain: int) -> None:
    """What a careful intruder does after deleting events: point the head at the new last."""
    last = scene.last(chain)
    seq, digest = (last.seq, last.hash) if last else (0, audit.GENESIS_HASH)
    scene.sql("update audit_head set seq = :s, hash = :h where id = :c", s=seq, h=digest, c=chain)


def _swap(scene: Scene, table: str, a: int, b: int) -> None:
    scene.sql(f"update {table} set id = -7 where id = :a", a=a)
    scene.sql(f"update {table} set id = :a where id = :b", a=a, b=b)
    scene.sql(f"update {table} set id = :b where id = -7", b=b)


def _event_ids(scene: Scene, chain: int) -> list[int]:
    return list(
        scene.session.execute(
            select(AuditEvent.id).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)
        ).scalars()
    )


# --- the chains -------------------------------------------------------------------------------


def edit_payload(s: Scene) -> None:
    s.sql("update audit_events set payload = '{}' where id = :i", i=s.last(s.chain(s.ids[0])).id)


def edit_action(s: Scene) -> None:
    s.sql("update audit_events set action = 'x.y' where id = :i", i=s.last(s.chain(s.ids[1])).id)


def edit_entity(s: Scene) -> None:
    event_id = _event_ids(s, s.chain(s.ids[0]))[0]
    s.sql("update audit_events set entity_id = 999 where id = :i", i=event_id)


def edit_actor(s: Scene) -> None:
    s.sql(
        "update audit_events set actor_person_id = 1 where id = :i", i=s.last(s.chain(s.ids[0])).id
    )


def edit_time(s: Scene) -> None:
    s.sql(
        "update audit_events set occurred_at = :t where id = :i",
        t=NOW.replace(year=2020),
        i=s.last(s.chain(s.ids[0])).id,
    )


def edit_and_rehash_one(s: Scene) -> None:
    """Alter an event and recompute its own hash (but not its successors')."""
    chain = s.chain(s.hidden)
    event = s.session.execute(
        select(AuditEvent).where(AuditEvent.chain == chain, AuditEvent.seq == 1)
    ).scalar_one()
    event.payload = '{"forged":true}'
    event.hash = audit._recomputed(event)
    s.session.flush()


def delete_middle(s: Scene) -> None:
    ids = _event_ids(s, s.chain(s.hidden))
    s.sql("delete from audit_events where id = :i", i=ids[len(ids) // 2])


def delete_tail_rewrite_head(s: Scene) -> None:
    chain = s.chain(s.ids[0])
    s.sql("delete from audit_events where id = :i", i=s.last(chain).id)
    _rewrite_head(s, chain)


def delete_tail_of_every_chain_rewrite_heads(s: Scene) -> None:
    for chain in range(1, audit.CHAINS + 1):
        last = s.last(chain)
        if last is not None:
            s.sql("delete from audit_events where id = :i", i=last.id)
            _rewrite_head(s, chain)


def delete_whole_chain_and_head(s: Scene) -> None:
    chain = s.chain(s.ids[0])
    s.sql("delete from audit_events where chain = :c", c=chain)
    s.sql("delete from audit_head where id = :c", c=chain)


def delete_whole_chain_reset_head(s: Scene) -> None:
    chain = s.chain(s.ids[1])
    s.sql("delete from audit_events where chain = :c", c=chain)
    _rewrite_head(s, chain)


def delete_everything(s: Scene) -> None:
    s.sql("delete from audit_events")
    s.sql("delete from audit_head")


def delete_everything_keep_heads_at_zero(s: Scene) -> None:
    s.sql("delete from audit_events")
    s.sql("update audit_head set seq = 0, hash = :h", h=audit.GENESIS_HASH)


def insert_in_middle(s: Scene) -> None:
    chain = s.chain(s.hidden)
    first = s.session.execute(
        select(AuditEvent).where(AuditEvent.chain == chain, AuditEvent.seq == 1)
    ).scalar_one()
    s.sql("update audit_events set seq = seq + 1000 where chain = :c and seq > 1", c=chain)
    fields = {
        "seq": 2,
        "occurred_at": first.occurred_at,
        "actor_person_id": None,
        "action": "opinion.restored",
        "entity_type": "opinion",
        "entity_id": s.hidden,
        "payload": "{}",
    }
    forged = audit.event_hash(prev_hash=first.hash, **fields)  # type: ignore[arg-type]
    s.session.add(AuditEvent(**fields, chain=chain, prev_hash=first.hash, hash=forged))
    s.session.flush()


def rebuild_chain_from_genesis(s: Scene) -> None:
    """Rewrite a whole chain with consistent hashes (one event dropped) and its head."""
    chain = s.chain(s.ids[0])
    events = list(
        s.session.execute(
            select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)
        ).scalars()
    )
    s.session.delete(events.pop())
    prev = audit.GENESIS_HASH
    for event in events:
        event.prev_hash = prev
        event.payload = event.payload.replace("Đề nghị", "Xin")
        event.hash = prev = audit._recomputed(event)
    head = s.session.get(AuditHead, chain)
    assert head is not None
    head.seq, head.hash = (events[-1].seq, prev) if events else (0, audit.GENESIS_HASH)
    s.session.flush()


def swap_event_ids(s: Scene) -> None:
    ids = _event_ids(s, s.chain(s.hidden))
    _swap(s, "audit_events", ids[0], ids[-1])


def swap_seqs(s: Scene) -> None:
    ids = _event_ids(s, s.chain(s.hidden))
    s.sql("update audit_events set seq = -1 where id = :i", i=ids[0])
    s.sql("update audit_events set seq = 1 where id = :i", i=ids[1])
    s.sql("update audit_events set seq = 2 where id = :i", i=ids[0])


def move_to_unknown_chain(s: Scene) -> None:
    s.sql("update audit_events set chain = 99 where id = :i", i=s.last(s.chain(s.ids[0])).id)


# --- the opinions against the log -------------------------------------------------------------


def edit_opinion_text(s: Scene) -> None:
    s.sql("update opinions set text = 'Ý kiến đã bị sửa.' where id = :i", i=s.ids[0])


def edit_opinion_text_and_hash(s: Scene) -> None:
    new = "Ý kiến đã bị sửa."
    s.sql(
        "update opinions set text = :t, content_hash = :h where id = :i",
        t=new,
        h=opinions.content_hash(new),
        i=s.ids[0],
    )


def edit_opinion_quote(s: Scene) -> None:
    s.sql("update opinions set quote = 'khác' where id = :i", i=s.ids[1])


def edit_opinion_kind(s: Scene) -> None:
    s.sql("update opinions set kind = 'disagree' where id = :i", i=s.ids[3])


def edit_opinion_author(s: Scene) -> None:
    s.sql(
        "update opinions set author_person_id = :p where id = :i",
        p=s.outsider,
        i=s.ids[0],
    )


def move_opinion_to_section(s: Scene) -> None:
    s.sql(
        "update opinions set section_id = :x where id = :i",
        x=s.sections["Điều 4"],
        i=s.ids[0],
    )


def delete_opinion(s: Scene) -> None:
    s.sql("delete from opinions where id = :i", i=s.ids[4])


def insert_opinion(s: Scene) -> None:
    row = s.session.get(Opinion, s.ids[0])
    assert row is not None
    s.sql(
        "insert into opinions (consultation_id, text, kind, channel, submitted_at, status, "
        "content_hash, receipt_code) values (:c, :t, 'comment', 'online', :at, 'published', "
        ":h, 'YK-FORGED-0001')",
        c=row.consultation_id,
        t="Ý kiến chèn thêm.",
        at=NOW,
        h=opinions.content_hash("Ý kiến chèn thêm."),
    )


def hide_opinion_behind_the_log(s: Scene) -> None:
    s.sql("update opinions set status = 'hidden', hidden_reason = 'x' where id = :i", i=s.ids[0])


def unhide_opinion_behind_the_log(s: Scene) -> None:
    s.sql(
        "update opinions set status = 'published', hidden_reason = null where id = :i", i=s.hidden
    )


def change_hidden_reason(s: Scene) -> None:
    s.sql("update opinions set hidden_reason = 'lý do khác' where id = :i", i=s.hidden)


def swap_opinion_ids(s: Scene) -> None:
    _swap(s, "opinions", s.ids[0], s.ids[3])


def delete_opinion_and_its_events_rewrite_head(s: Scene) -> None:
    """The opinion and every event about it at the tail of its chain, head rewritten."""
    opinion_id = s.ids[4]
    chain = s.chain(opinion_id)
    s.sql("delete from opinions where id = :i", i=opinion_id)
    s.sql(
        "delete from audit_events where chain = :c and entity_type = 'opinion' and entity_id = :i",
        c=chain,
        i=opinion_id,
    )
    _rewrite_head(s, chain)


def edit_imported_opinion(s: Scene) -> None:
    new = "Nội dung nhập đã bị sửa."
    s.sql(
        "update opinions set text = :t, content_hash = :h where id = :i",
        t=new,
        h=opinions.content_hash(new),
        i=s.imported[1],
    )


def delete_imported_opinion(s: Scene) -> None:
    s.sql("delete from opinions where id = :i", i=s.imported[0])


def swap_imported_opinion_ids(s: Scene) -> None:
    _swap(s, "opinions", s.imported[0], s.imported[2])


# --- the checkpoint file ----------------------------------------------------------------------


def _lines(s: Scene) -> list[str]:
    return s.store.path.read_text(encoding="utf-8").splitlines()


def edit_checkpoint(s: Scene) -> None:
    """Truncate a chain and lower its seq in the signed checkpoint to match."""
    delete_tail_rewrite_head(s)
    lines = _lines(s)
    record = json.loads(lines[-1])
    chain = str(s.chain(s.ids[0]))
    last = s.last(int(chain))
    record["body"]["chains"][chain] = [last.seq, last.hash] if last else [0, audit.GENESIS_HASH]
    s.store.path.write_text("\n".join([*lines[:-1], json.dumps(record)]) + "\n", encoding="utf-8")


def forge_checkpoint_with_another_key(s: Scene) -> None:
    delete_tail_rewrite_head(s)
    CheckpointFile(s.store.path, b"not-the-key" * 3).append(checkpoints.take(session=s.session))


def drop_a_middle_checkpoint(s: Scene) -> None:
    for _ in range(2):
        checkpoints.write(session=s.session, store=s.store)
    lines = _lines(s)
    s.store.path.write_text("\n".join([lines[0], lines[2]]) + "\n", encoding="utf-8")


CASES: list[Callable[[Scene], None]] = [
    edit_payload,
    edit_action,
    edit_entity,
    edit_actor,
    edit_time,
    edit_and_rehash_one,
    delete_middle,
    delete_tail_rewrite_head,
    delete_tail_of_every_chain_rewrite_heads,
    delete_whole_chain_and_head,
    delete_whole_chain_reset_head,
    delete_everything,
    delete_everything_keep_heads_at_zero,
    insert_in_middle,
    rebuild_chain_from_genesis,
    swap_event_ids,
    swap_seqs,
    move_to_unknown_chain,
    edit_opinion_text,
    edit_opinion_text_and_hash,
    edit_opinion_quote,
    edit_opinion_kind,
    edit_opinion_author,
    move_opinion_to_section,
    delete_opinion,
    insert_opinion,
    hide_opinion_behind_the_log,
    unhide_opinion_behind_the_log,
    change_hidden_reason,
    swap_opinion_ids,
    delete_opinion_and_its_events_rewrite_head,
    edit_imported_opinion,
    delete_imported_opinion,
    swap_imported_opinion_ids,
    edit_checkpoint,
    forge_checkpoint_with_another_key,
    drop_a_middle_checkpoint,
]


@pytest.mark.parametrize("tamper", CASES, ids=[case.__name__ for case in CASES])
def test_tampering_is_caught(scene: Scene, tamper: Callable[[Scene], None]) -> None:
    tamper(scene)
    try:
        problem = _verify(scene)
    except CheckpointInvalid:
        return  # the checkpoint file itself was altered: verify refuses it
    assert problem is not None, f"{tamper.__name__} went unnoticed"
    assert problem.describe()


def test_honest_work_after_a_checkpoint_still_verifies(scene: Scene) -> None:
    """New opinions, hides and restores after the checkpoint are not tampering."""
    extra = opinions.submit(
        session=scene.session,
        consultation_id=scene.consultation_id,
        text="Ý kiến sau điểm kiểm tra.",
        author_person_id=scene.member,
        now=NOW,
    )
    opinions.hide(session=scene.session, opinion_id=extra.opinion.id, reason="Thử")
    opinions.restore(session=scene.session, opinion_id=scene.hidden)
    assert _verify(scene) is None
    checkpoints.write(session=scene.session, store=scene.store)
    assert _verify(scene) is None


def test_tail_truncation_without_a_checkpoint_is_caught_by_the_data(
    scene: Scene,
) -> None:
    """Even with no checkpoint, a deleted received event is missed by its opinion."""
    scene.store.path.unlink()
    delete_tail_rewrite_head(scene)
    scene.session.expire_all()
    problem = integrity.verify_all(session=scene.session).problem
    assert problem is not None and problem.problem.startswith("opinion_")
