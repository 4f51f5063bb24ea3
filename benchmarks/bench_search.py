"""Search and opinion-list latency at scale, today's query beside the previous one, same data.

Loads one consultation with N opinions directly in SQL (COPY on PostgreSQL, executemany on
SQLite; the texts from a pool of Vietnamese phrases, authors and organisations, the search keys
computed as the intake computes them), then measures, in this process, `list_opinions` (the
read function of the list page, its JSON twin and /api/v1/search) for a secretary who sees
every opinion:

* the list's first page, last page (by number) and second page (by cursor);
* searches: a rare name and a common phrase, each typed with and without diacritics, and a
  two-letter term (no trigram: the fall-back).

"before" is the code as it was (`previous_list`): ``key LIKE '%…%'`` with no index (on
PostgreSQL its connection turns bitmap scans off, the only way to a GIN index) and OFFSET
pagination; "now" is the trigram index (pg_trgm GIN / FTS5 trigram) and keyset pagination.
The two run interleaved, call by call, on the same data. Prints p50 / p95 in ms of each and the
ratio of the p95s.

    PYTHONPATH=src python -m benchmarks.bench_search --opinions 200000 --db both
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, case, func, select, text
from sqlalchemy.orm import Session

from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.db import keyset, migrate
from ykien.db.engine import make_engine
from ykien.drafts import service as drafts
from ykien.opinions import search
from ykien.opinions.models import Opinion, OpinionStatus
from ykien.orgs import service as orgs

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NOW = datetime(2025, 6, 15, 3, 0, tzinfo=UTC)
UNITS = 40
PHRASES = """
đề nghị bổ sung quy định | làm rõ trách nhiệm của cơ quan | chuyển đổi số trong cơ quan nhà nước
cải cách hành chính | công tác cán bộ trẻ | phòng chống tham nhũng lãng phí
nâng cao chất lượng sinh hoạt chi bộ | đoàn thanh niên cộng sản | hội cựu chiến binh
Đảng uỷ khối cần chỉ đạo | thành ủy đã ban hành nghị quyết | hoà bình và phát triển bền vững
lấy ý kiến nhân dân về dự thảo | văn kiện đại hội | sửa đổi khoản 2 | bỏ điểm c
thời hạn thực hiện quá ngắn | kinh phí bảo đảm thực hiện | đào tạo bồi dưỡng cán bộ
tinh gọn bộ máy | giám sát và phản biện xã hội | quyền làm chủ của nhân dân
đồng ý với dự thảo | không đồng ý với phương án | kiến nghị ban soạn thảo xem xét
""".replace("\n", "|").split("|")
PHRASES = [p.strip() for p in PHRASES if p.strip()]
RARE_NAME = "Hoàng Thị Xuyến"  # 1 opinion in 20,000
SEARCHES = [
    ("rare name, with diacritics", RARE_NAME),
    ("rare name, without", "hoang thi xuyen"),
    ("common phrase, with diacritics", "chuyển đổi số"),
    ("common phrase, without", "chuyen doi so"),
    ("two letters (fall-back)", "xu"),
]


@dataclass
class StaffViewer:
    """A secretary of the root organisation: sees and moderates every opinion."""

    person_id: int
    roots: tuple[str, ...]
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.roles = {"secretary": self.roots}

    def covers(self, tree_path: str, roles: Iterable[str]) -> bool:
        return any(tree_path.startswith(r) for role in roles for r in self.roles.get(role, ()))

    def has_any(self, roles: Iterable[str]) -> bool:
        return any(self.roles.get(role) for role in roles)


# --- loading ----------------------------------------------------------------------------------


def _world(session: Session) -> tuple[int, list[tuple[int, str]], str]:
    """The consultation, its units (id, name) and the root's tree path."""
    bloc = orgs.create(session=session, name="Đảng bộ Khối", kind="party_committee")
    units = [
        orgs.create(session=session, name=f"Chi bộ số {i}", kind="party_cell", parent_id=bloc.id)
        for i in range(1, UNITS + 1)
    ]
    draft = drafts.create_draft(session=session, title="Luật đo tìm kiếm", kind="law")
    law = "LUẬT ĐO TÌM KIẾM\nChương 1\nQUY ĐỊNH CHUNG\n" + "".join(
        f"Điều {a}. Nội dung số {a}\n" for a in range(1, 41)
    )
    version = drafts.import_version(
        session=session, draft_id=draft.id, data=law.encode(), filename="luat.txt"
    )
    consultation = consultations.create(
        session=session,
        title="Đo tìm kiếm",
        draft_version_id=version.id,
        organiser_id=bloc.id,
        opens_at=NOW - timedelta(days=60),
        closes_at=NOW + timedelta(days=60),
    )
    consultations.open_(session=session, consultation_id=consultation.id)
    session.commit()
    return consultation.id, [(u.id, u.name) for u in units], bloc.tree_path


def _rows(consultation_id: int, units: list[tuple[int, str]], count: int) -> Iterator[tuple]:
    rng = random.Random(16)
    for i in range(count):
        body = ", ".join(rng.sample(PHRASES, 4)).capitalize() + "."
        if i % 20_000 == 7:
            body = f"Bà {RARE_NAME} đề nghị {body[0].lower()}{body[1:]}"
        unit_id, unit_name = units[i % len(units)]
        author = f"Trần Văn {i % 997}"
        fold, tone = search.document_keys(body, author, unit_name)
        moment = NOW - timedelta(seconds=count - i)
        status = OpinionStatus.HIDDEN if i % 50 == 0 else OpinionStatus.PUBLISHED
        digest = hashlib.sha256(body.encode()).hexdigest()
        yield (consultation_id, body, "comment", author, unit_id, "import", moment,
               str(status), digest, f"YK-B{i:015d}", fold, tone)  # fmt: skip


COLUMNS = (
    "consultation_id, text, kind, author_name, on_behalf_of_id, channel, submitted_at, status,"
    " content_hash, receipt_code, search_fold, search_tone"
)
TRIGRAM_INDEXES = {
    "ix_opinions_search_fold_trgm": "search_fold",
    "ix_opinions_search_tone_trgm": "search_tone",
}


def _load_pg(engine: Engine, rows: Iterator[tuple]) -> None:
    """COPY, with the trigram indexes built afterwards (faster than row by row), timed apart."""
    with engine.begin() as conn:
        for name in TRIGRAM_INDEXES:
            conn.exec_driver_sql(f"DROP INDEX {name}")
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY opinions ({COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
    print(f"  COPY: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql("SET maintenance_work_mem = '256MB'")
        for name, column in TRIGRAM_INDEXES.items():
            conn.exec_driver_sql(
                f"CREATE INDEX {name} ON opinions USING gin ({column} gin_trgm_ops)"
            )
    print(f"  trigram GIN indexes built: {time.perf_counter() - started:.1f} s")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE opinions")


def _load_sqlite(engine: Engine, rows: Iterator[tuple]) -> None:
    """executemany in batches; the FTS5 triggers index every row as it is inserted."""
    started = time.perf_counter()
    placeholders = ", ".join("?" * len(COLUMNS.split(",")))
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        batch: list[tuple] = []
        for row in rows:
            batch.append((*row[:6], row[6].strftime("%Y-%m-%d %H:%M:%S.%f"), *row[7:]))
            if len(batch) == 10_000:
                cursor.executemany(
                    f"INSERT INTO opinions ({COLUMNS}) VALUES ({placeholders})", batch
                )
                batch.clear()
        if batch:
            cursor.executemany(f"INSERT INTO opinions ({COLUMNS}) VALUES ({placeholders})", batch)
        raw.commit()
        cursor.execute("ANALYZE")
    finally:
        raw.close()
    print(f"  insert with the FTS5 triggers: {time.perf_counter() - started:.1f} s")


# --- the previous code path, kept for the baseline ---------------------------------------------


def previous_list(
    *, session: Session, consultation: Consultation, viewer: Any, text_query: str | None,
    page: int,
) -> int:  # fmt: skip
    """The list as it was: a plain LIKE on the key, OFFSET pagination; the rows' count."""
    parsed = search.parse_query(text_query)

    def searched(query: Any) -> Any:
        if parsed is None:
            return query
        column = Opinion.search_tone if parsed.mode == search.TONE else Opinion.search_fold
        return query.where(column.contains(parsed.key, autoescape=True))

    scope = search.visibility(session=session, viewer=viewer, consultation=consultation)
    where = [Opinion.consultation_id == consultation.id, scope]
    hidden = case((Opinion.status == OpinionStatus.HIDDEN, 1), else_=0)
    counted = searched(
        search._joined(select(func.count(), func.coalesce(func.sum(hidden), 0))).where(*where)
    )
    total, _hidden = session.execute(counted).one()
    pages = max(1, -(-int(total) // search.PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = session.execute(
        searched(search._rows_query(session, consultation).where(*where))
        .order_by(Opinion.submitted_at.desc(), Opinion.id.desc())
        .offset((page - 1) * search.PAGE_SIZE)
        .limit(search.PAGE_SIZE)
    ).all()
    return len(rows)


# --- measuring --------------------------------------------------------------------------------


def timed_pair(
    before: Callable[[], object], now: Callable[[], object], repeat: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """p50 and p95 in ms of `repeat` calls of each, interleaved (the machine's load then falls
    on both alike), after 2 warm-up calls of each."""
    for _ in range(2):
        before()
        now()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for call, into in ((before, samples[0]), (now, samples[1])):
            started = time.perf_counter()
            call()
            into.append((time.perf_counter() - started) * 1000)
    return _percentiles(samples[0]), _percentiles(samples[1])


def _percentiles(samples: list[float]) -> tuple[float, float]:
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def _now_cases(session: Session, consultation: Consultation, viewer: Any) -> dict[str, Callable]:
    def listed(q: str | None = None, page: int = 1, seek: Any = None) -> Callable[[], object]:
        filters = search.parse_filters(q=q)
        return lambda: search.list_opinions(
            session=session, consultation=consultation, viewer=viewer, filters=filters,
            page=page, seek=seek,
        )  # fmt: skip

    first = listed()()
    assert isinstance(first, search.OpinionPage)
    after = keyset.decode(first.next_cursor, search.CURSOR_KINDS)
    cases = {
        "list, first page": listed(),
        "list, last page": listed(page=first.pages),
        "list, next page (cursor)": listed(page=2, seek=keyset.Seek(after=after)),
    }
    cases.update({f"search: {label}": listed(q=q) for label, q in SEARCHES})
    return cases


def _before_cases(session: Session, consultation: Consultation, viewer: Any) -> dict[str, Callable]:
    def listed(q: str | None = None, page: int = 1) -> Callable[[], object]:
        return lambda: previous_list(
            session=session, consultation=consultation, viewer=viewer, text_query=q, page=page
        )

    first = search.list_opinions(
        session=session, consultation=consultation, viewer=viewer,
        filters=search.parse_filters(),
    )  # fmt: skip
    cases = {
        "list, first page": listed(),
        "list, last page": listed(page=first.pages),
        "list, next page (cursor)": listed(page=2),
    }
    cases.update({f"search: {label}": listed(q=q) for label, q in SEARCHES})
    return cases


def _previous_schema(conn: Connection) -> None:
    """The connection as the previous code ran: no trigram index (PostgreSQL: bitmap scans,
    the only way to a GIN index, are off for this connection; the B-tree index scans stay)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET enable_bitmapscan = off")


def measure(engine: Engine, consultation_id: int, viewer: Any, repeat: int) -> None:
    with engine.connect() as old_conn, engine.connect() as new_conn:
        _previous_schema(old_conn)
        old, new = Session(bind=old_conn), Session(bind=new_conn)
        old_consultation = old.get(Consultation, consultation_id)
        consultation = new.get(Consultation, consultation_id)
        assert consultation is not None and old_consultation is not None
        before_cases = _before_cases(old, old_consultation, viewer)
        now_cases = _now_cases(new, consultation, viewer)
        results = {
            name: timed_pair(before_cases[name], call, repeat) for name, call in now_cases.items()
        }
        for label, q in SEARCHES:
            found = search.list_opinions(
                session=new, consultation=consultation, viewer=viewer,
                filters=search.parse_filters(q=q),
            )  # fmt: skip
            print(f"  {label!r}: {found.total} opinions found")
        old.close()
        new.close()
    print(f"  {'case':<40} {'before p50/p95 ms':>20} {'now p50/p95 ms':>18} {'p95 ratio':>10}")
    for name, ((b50, b95), (p50, p95)) in results.items():
        print(f"  {name:<40} {b50:>9.1f} /{b95:>8.1f} {p50:>8.1f} /{p95:>7.1f} {b95 / p95:>9.1f}x")


def run(url: str, opinions: int, repeat: int, *, load: bool = True) -> None:
    """Load (unless `load` is False: a database this program loaded before) and measure."""
    engine = make_engine(url)
    if load:
        migrate.upgrade(engine)
        with Session(engine) as session:
            consultation_id, units, root = _world(session)
        rows = _rows(consultation_id, units, opinions)
        started = time.perf_counter()
        (_load_pg if engine.dialect.name == "postgresql" else _load_sqlite)(engine, rows)
        print(f"  loaded {opinions:,} opinions in {time.perf_counter() - started:.1f} s")
    with engine.connect() as conn:
        consultation_id = conn.execute(text("SELECT min(id) FROM consultations")).scalar_one()
        root = conn.execute(text("SELECT min(tree_path) FROM organisations")).scalar_one()
    measure(engine, consultation_id, StaffViewer(person_id=0, roots=(root,)), repeat)
    engine.dispose()


@contextmanager
def pg_database(keep: bool = False) -> Iterator[str]:
    name = f"ykien_searchbench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    try:
        yield url
    finally:
        if keep:
            print(f"  kept: {url}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opinions", type=int, default=200_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--url", help="measure a database loaded before with --keep")
    args = parser.parse_args(argv)
    if args.url:
        run(args.url, args.opinions, args.repeat, load=False)
        return
    if args.db in ("postgres", "both"):
        print(f"PostgreSQL, {args.opinions:,} opinions in one consultation")
        with pg_database(keep=args.keep) as url:
            run(url, args.opinions, args.repeat)
    if args.db in ("sqlite", "both"):
        print(f"SQLite, {args.opinions:,} opinions in one consultation")
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", args.opinions, args.repeat)


if __name__ == "__main__":
    main()
