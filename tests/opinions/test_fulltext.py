"""The full-text index behind `apply_search` follows every write path, on both databases."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Engine, delete, select, text, update
from sqlalchemy.orm import Session

from tests.factories import NOW, World, build_world
from ykien.db import migrate
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.opinions import service as opinions
from ykien.opinions.importer import import_opinions
from ykien.opinions.models import Opinion
from ykien.opinions.search import apply_search, document_keys, parse_query

TRIGGERS = {"opinions_fts_insert", "opinions_fts_update", "opinions_fts_delete"}


def _submit(session: Session, world: World, body: str) -> int:
    return opinions.submit(
        session=session,
        consultation_id=world.consultation.id,
        text=body,
        author_person_id=world.member_a,
        now=NOW,
    ).opinion.id


def _found(session: Session, query: str) -> list[int]:
    return list(
        session.execute(apply_search(select(Opinion.id).order_by(Opinion.id), query)).scalars()
    )


def _indexed(session: Session, query: str) -> set[int]:
    """The rows the index alone names (SQLite's FTS5 table; PostgreSQL: the LIKE itself)."""
    parsed = parse_query(query)
    assert parsed is not None
    column = "search_tone" if parsed.mode == "tone" else "search_fold"
    if session.get_bind().dialect.name == "sqlite":
        phrase = parsed.key.replace('"', '""')
        found = session.execute(
            text("SELECT rowid FROM opinions_fts WHERE opinions_fts MATCH :m"),
            {"m": f'{column} : "{phrase}"'},
        )
        return set(found.scalars())
    return set(_found(session, query))


def _import(session: Session, world: World, tmp_path: Path, rows: list[str]) -> None:
    source = tmp_path / "nhap.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Nội dung"])
        writer.writerows([row] for row in rows)
    result = import_opinions(
        session=session, consultation_id=world.consultation.id, source=source, now=NOW
    )
    assert result.rows_imported == len(rows) and not result.errors


def test_the_index_follows_intake_import_edits_and_deletes(
    session: Session, tmp_path: Path
) -> None:
    world = build_world(session)
    first = _submit(session, world, "Đề nghị làm rõ trách nhiệm của Ủy ban Kiểm tra.")
    _import(session, world, tmp_path, ["Ủy ban cần công khai kết luận.", "Về việc dâng hoa."])
    imported = set(_found(session, "uy ban")) - {first}
    assert len(imported) == 1
    assert set(_found(session, "uy ban")) == _indexed(session, "uy ban") == {first} | imported
    assert _indexed(session, "Ủy ban") == {first} | imported
    # an edit of the keys (a renamed author's opinions recomputed): old words gone, new found
    fold, tone = document_keys("Đề nghị sửa Điều 7 về thời hạn.")
    session.execute(
        update(Opinion).where(Opinion.id == first).values(search_fold=fold, search_tone=tone)
    )
    assert _found(session, "uy ban") == sorted(imported)
    assert _indexed(session, "uy ban") == imported
    assert _found(session, "thoi han") == [first] and _indexed(session, "thoi han") == {first}
    session.execute(delete(Opinion).where(Opinion.id.in_(imported)))
    assert _found(session, "uy ban") == [] and _indexed(session, "uy ban") == set()
    assert _found(session, "dang hoa") != []  # the other imported row is still indexed


def test_short_and_odd_phrases_fall_back_or_are_escaped(session: Session) -> None:
    world = build_world(session)
    a = _submit(session, world, 'Mục 5% của quỹ, ghi “50%” và "trích dẫn" ở Ô số 9.')
    b = _submit(session, world, "Ý kiến khác về ô nhiễm.")
    assert _found(session, "ô") == [a, b]  # one character: no trigram, the LIKE alone
    assert _found(session, "o so 9") == [a]
    assert _found(session, "5%") == [a] and _found(session, "50%") == [a]
    assert _found(session, "%") == [a] and _found(session, "_") == []
    assert _found(session, '"trich dan"') == [a]
    assert _found(session, 'dẫn" ở') == [a]
    assert _found(session, "ô nhiễm") == [b] and _found(session, "o nhiem") == [b]
    assert _found(session, "nhiêm") == []  # with marks: exact, syllable by syllable


def test_sqlite_keeps_its_triggers_at_head(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        names = set(
            conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
        )
    assert names >= TRIGGERS, "a migration rebuilt opinions: call create_sqlite_fulltext after it"


def test_postgres_answers_the_search_from_the_trigram_index(pg_engine: Engine) -> None:
    query = apply_search(select(Opinion.id), "nguyen doan hoan")
    with pg_engine.connect() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        compiled = query.compile(pg_engine)
        plan = conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).scalars().all()
    assert any("ix_opinions_search_fold_trgm" in line for line in plan), plan


def test_the_migration_indexes_existing_rows_and_goes_back(fresh_engine: Engine) -> None:
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        world = build_world(session)
        mine = _submit(session, world, "Ý kiến cũ về Đảng ủy.")
    migrate.downgrade(fresh_engine, "0015")
    with fresh_engine.connect() as conn:
        if fresh_engine.dialect.name == "sqlite":
            tables = conn.execute(text("SELECT name FROM sqlite_master")).scalars().all()
            assert "opinions_fts" not in tables
        else:
            indexes = conn.execute(text("SELECT indexname FROM pg_indexes")).scalars().all()
            assert "ix_opinions_search_fold_trgm" not in indexes
    migrate.upgrade(fresh_engine)
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        assert _found(session, "dang uy") == [mine]
        assert _indexed(session, "Đảng uỷ") == {mine}
