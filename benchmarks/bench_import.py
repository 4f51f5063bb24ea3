"""Bulk import of generated opinions through the full import path, beside a raw insert baseline.

Prints, for SQLite and PostgreSQL: rows/s of `import_opinions` (CSV parsing, validation,
reference resolution, organisation matching, receipt codes, audit) and rows/s of the plain
database path for the very same rows (executemany in one transaction / COPY), and the ratio.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from ykien.consultations import service as consultations
from ykien.db import migrate
from ykien.db.engine import make_engine
from ykien.drafts import service as drafts
from ykien.opinions import importer
from ykien.orgs import service as orgs

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NOW = datetime(2025, 6, 15, 3, 0, tzinfo=UTC)
UNITS = [f"Chi bộ Phòng {i} Sở Tài chính" for i in range(1, 41)]
VOCABULARY = """
đề nghị bổ sung làm rõ quy định trách nhiệm của cơ quan tổ chức cá nhân trong việc lấy ý
kiến nhân dân về dự thảo văn kiện đại hội đảng bộ khối chuyển đổi số cải cách hành chính
công tác cán bộ trẻ phòng chống tham nhũng lãng phí nâng cao chất lượng sinh hoạt chi bộ
đoàn thanh niên công đoàn hội cựu chiến binh thành ủy đảng uỷ hoà bình phát triển bền vững
"""
KINDS = ["góp ý", "sửa đổi", "bổ sung", "đồng ý", "không đồng ý", "kiến nghị", "câu hỏi", "bỏ"]


def _law(articles: int = 60) -> str:
    lines = ["LUẬT ĐO HIỆU NĂNG"]
    for chapter in range(1, articles // 10 + 1):
        lines += [f"Chương {chapter}", f"NỘI DUNG CHƯƠNG {chapter}"]
        for article in range((chapter - 1) * 10 + 1, chapter * 10 + 1):
            lines.append(f"Điều {article}. Quy định số {article}")
            lines += [f"{k}. Khoản {k} của điều {article} quy định nội dung." for k in (1, 2, 3)]
    return "\n".join(lines) + "\n"


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    """Rows of about 30 words with a section reference, organisation, kind and date."""
    rng = random.Random(seed)
    words_pool = VOCABULARY.split()
    refs = [f"Điều {a}" for a in range(1, 61)] + [
        f"khoản {k} Điều {a}" for a in range(1, 61) for k in (1, 2, 3)
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Mã", "Nội dung", "Điều khoản", "Loại", "Người góp ý", "Đơn vị", "Ngày"])
        for i in range(rows):
            words = rng.choices(words_pool, k=30)
            day = NOW - timedelta(days=rng.randrange(30))
            writer.writerow([
                i, " ".join(words).capitalize() + ".", rng.choice(refs) if i % 7 else "",
                rng.choice(KINDS), f"Nguyễn Văn {i % 997}", rng.choice(UNITS),
                day.strftime("%d/%m/%Y"),
            ])  # fmt: skip


def setup_world(session: Session) -> int:
    bloc = orgs.create(session=session, name="Đảng bộ Khối", kind="party_committee")
    for name in UNITS:
        orgs.create(session=session, name=name, kind="party_cell", parent_id=bloc.id)
    draft = drafts.create_draft(session=session, title="Luật đo hiệu năng", kind="law")
    version = drafts.import_version(
        session=session, draft_id=draft.id, data=_law().encode(), filename="luat.txt"
    )
    consultation = consultations.create(
        session=session,
        title="Đo hiệu năng",
        draft_version_id=version.id,
        organiser_id=bloc.id,
        opens_at=NOW - timedelta(days=60),
        closes_at=NOW + timedelta(days=60),
    )
    consultations.open_(session=session, consultation_id=consultation.id)
    return consultation.id


@contextmanager
def database(kind: str, folder: Path) -> Iterator[Engine]:
    """A fresh migrated database of the kind, dropped afterwards."""
    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{folder / f'{uuid.uuid4().hex}.sqlite3'}")
        migrate.upgrade(engine)
        yield engine
        engine.dispose()
        return
    name = f"ykien_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}")
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def full_import(engine: Engine, source: Path) -> tuple[float, int]:
    with Session(engine) as session:
        consultation_id = setup_world(session)
        session.commit()
        started = time.perf_counter()
        result = importer.import_opinions(
            session=session, consultation_id=consultation_id, source=source, now=NOW
        )
        session.commit()
        elapsed = time.perf_counter() - started
    assert not result.errors, result.errors[:3]
    return elapsed, result.rows_imported


def prepared_rows(engine: Engine, source: Path) -> list[tuple[Any, ...]]:
    """The exact tuples the import inserts (its batch row is committed, its opinions are not)."""
    return prepared_and_timed(engine, source)[0]


def prepared_and_timed(engine: Engine, source: Path) -> tuple[list[tuple[Any, ...]], float]:
    """prepared_rows and the seconds of the import without its writes."""
    with Session(engine) as session:
        consultation_id = setup_world(session)
        session.commit()
        captured: list[tuple[Any, ...]] = []
        original = importer._insert_rows
        importer._insert_rows = lambda _s, rows: captured.extend(rows)  # type: ignore[assignment]
        started = time.perf_counter()
        try:
            importer.import_opinions(
                session=session, consultation_id=consultation_id, source=source, now=NOW
            )
        finally:
            importer._insert_rows = original
        seconds = time.perf_counter() - started
        session.commit()
    return captured, seconds


def raw_insert(engine: Engine, rows: list[tuple[Any, ...]]) -> float:
    """The baseline: the same rows straight into the table, one transaction."""
    with Session(engine) as session:
        started = time.perf_counter()
        importer._insert_rows(session.connection(), rows)
        session.commit()
        return time.perf_counter() - started


def _copy_into(engine: Engine, table: str, rows: list[tuple[Any, ...]]) -> float:
    """COPY of the rows (in the importer's column order) into table, one transaction."""
    columns = ", ".join(importer._COLUMNS)
    raw: Any = engine.raw_connection()
    try:
        cursor = raw.cursor()
        started = time.perf_counter()
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        raw.commit()
        return time.perf_counter() - started
    finally:
        raw.close()


def where_the_time_goes(engine: Engine, rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL: COPY of the same rows into a bare table and into opinions with and without
    its indexes, search keys and a trigram index, each after emptying the table."""
    count = len(rows)

    def line(label: str, table: str, these: list[tuple[Any, ...]]) -> None:
        seconds = _copy_into(engine, table, these)
        print(f"    {label:<52} {count / seconds:>10,.0f} rows/s ({seconds:.1f} s)")
        with engine.begin() as conn:
            # (a DELETE checks every referencing foreign key row by row: minutes)
            conn.execute(text(f"TRUNCATE {table} CASCADE"))

    with engine.begin() as conn:
        conn.execute(
            text("CREATE TABLE bench_bare (LIKE opinions INCLUDING DEFAULTS INCLUDING IDENTITY)")
        )
    line("plain COPY into a bare table (no index, no key)", "bench_bare", rows)
    unkeyed = [(*row[:-2], None, None) for row in rows]
    line("bare table, without the two search keys", "bench_bare", unkeyed)
    with engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT indexname, indexdef, EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conname = indexname) FROM pg_indexes WHERE tablename = 'opinions' "
                "AND indexname NOT LIKE 'pk_%'"
            )
        ).all()
    with engine.begin() as conn:
        for name, _definition, constraint in found:
            conn.execute(text(f"ALTER TABLE opinions DROP CONSTRAINT {name}" if constraint
                              else f"DROP INDEX {name}"))  # fmt: skip
    line("opinions, foreign keys and primary key only", "opinions", rows)
    with engine.begin() as conn:
        for _name, definition, _constraint in found:
            conn.execute(text(definition))
    line(f"opinions as migrated ({len(found)} secondary indexes)", "opinions", rows)
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        for key in ("search_fold", "search_tone"):
            conn.execute(
                text(f"CREATE INDEX bench_trgm_{key} ON opinions USING gin ({key} gin_trgm_ops)")
            )
    line("... plus trigram GIN indexes on both search keys", "opinions", rows)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX bench_trgm_search_fold"))
        conn.execute(text("DROP INDEX bench_trgm_search_tone"))
        conn.execute(text("DROP TABLE bench_bare"))


def checking_only(engine: Engine, source: Path) -> float:
    """The import without the database writes (reading, checks, keys, receipt codes)."""
    return prepared_and_timed(engine, source)[1]


def run(rows: int, kinds: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        source = folder / "opinions.csv"
        write_csv(source, rows)
        size = source.stat().st_size / 1e6
        print(f"bulk import: {rows:,} generated opinions, {size:.0f} MB CSV")
        for kind in kinds:
            with database(kind, folder) as engine:
                rows_for_baseline = prepared_rows(engine, source)
                baseline = raw_insert(engine, rows_for_baseline)
                if kind == "postgresql":
                    where_the_time_goes(engine, rows_for_baseline)
                del rows_for_baseline
            with database(kind, folder) as engine:
                checks = checking_only(engine, source)
            with database(kind, folder) as engine:
                elapsed, imported = full_import(engine, source)
            rate, base_rate = imported / elapsed, rows / baseline
            name = "COPY" if kind == "postgresql" else "executemany"
            print(
                f"  {kind:<10} import {rate:>10,.0f} rows/s ({elapsed:.1f} s)   "
                f"raw {name} {base_rate:>10,.0f} rows/s ({baseline:.1f} s)   "
                f"ratio {rate / base_rate:.2f}   "
                f"(reading and checking alone {rows / checks:,.0f} rows/s)"
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", action="append", choices=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    run(args.rows, args.db or ["sqlite", "postgresql"])


if __name__ == "__main__":
    main()
