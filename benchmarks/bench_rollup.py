"""Roll-up of a consultation over a 5-level organisation tree in PostgreSQL, beside the baseline.

Builds, in a throwaway database, a tree of 10,000 units (--quick: 1,000) with 5 people each and
2,000,000 opinions (--quick: 100,000), bulk-loaded with COPY: 10% given on behalf of an ancestor
of the author's unit, 3% hidden, 1% in campaigns; 90% of the units have submitted their synthesis.
Prints the time of `synthesis.rollup.rollup` for every organisation and the time of the
straightforward baseline (per organisation, its own opinions then its children's, recursively,
one query at a time): measured in full when it would take at most 5 minutes, otherwise measured on
a sample of organisations per level and extrapolated (the output says which). The figures of both
are compared on every organisation the baseline visited.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from ykien.consultations import service as consultations
from ykien.db import migrate
from ykien.db.engine import make_engine
from ykien.drafts import service as drafts
from ykien.synthesis import rollup

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NOW = datetime(2025, 6, 15, 3, 0, tzinfo=UTC)
LEVELS = 5
PEOPLE_PER_UNIT = 5
BASELINE_FULL_LIMIT = 300.0  # seconds: beyond this the baseline is sampled and extrapolated
SAMPLE_PER_LEVEL = 3
LAW = "LUẬT ĐO CỘNG DỒN\nChương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi\nNội dung.\n"


@contextmanager
def database() -> Iterator[Engine]:
    """A fresh migrated PostgreSQL database, dropped afterwards."""
    name = f"ykien_bench_rollup_{os.getpid()}"
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
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


def level_sizes(units: int) -> list[int]:
    """Units per level of a tree with one root and a common branching factor."""
    branching = 1.0
    while sum(branching**level for level in range(LEVELS)) < units:
        branching += 0.01
    sizes = [max(1, round(branching**level)) for level in range(LEVELS - 1)]
    return [*sizes, units - sum(sizes)]


def make_tree(units: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Parent (0 for the root) and depth of organisations 1..units (index 0 unused)."""
    parent = np.zeros(units + 1, dtype=np.int64)
    depth = np.zeros(units + 1, dtype=np.int64)
    first, previous = 1, np.array([1])
    for level, size in enumerate(level_sizes(units)):
        ids = np.arange(first, first + size)
        if level:
            parent[ids] = rng.choice(previous, size=size)
        depth[ids] = level
        first, previous = first + size, ids
    return parent, depth


def _copy(connection: Connection, table: str, columns: str, lines: Iterator[str]) -> None:
    dbapi: Any = connection.connection.dbapi_connection
    with dbapi.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) >= 50_000:
                copy.write("".join(batch))
                batch.clear()
        copy.write("".join(batch))


def _setval(connection: Connection, table: str) -> None:
    connection.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    )


def load_tree(connection: Connection, parent: np.ndarray, depth: np.ndarray) -> None:
    paths = [""] * len(parent)
    for org in range(1, len(parent)):
        paths[org] = f"{paths[parent[org]] if parent[org] else '/'}{org}/"
    stamp = NOW.isoformat()

    def rows() -> Iterator[str]:
        for org in range(1, len(parent)):
            up = str(parent[org]) if parent[org] else "\\N"
            names = f"Đơn vị {org}\tdon vi {org}"
            yield f"{org}\t{up}\t{names}\tparty_cell\t{depth[org]}\t{paths[org]}\t{stamp}\n"

    _copy(
        connection,
        "organisations",
        "id, parent_id, name, name_key, kind, level, tree_path, created_at",
        rows(),
    )
    _setval(connection, "organisations")
    people = (
        (p, 1 + (p - 1) // PEOPLE_PER_UNIT)
        for p in range(1, (len(parent) - 1) * PEOPLE_PER_UNIT + 1)
    )
    _copy(
        connection, "people", "id, full_name, name_key, organisation_id, created_at",
        (f"{p}\tNgười {p}\tnguoi {p}\t{org}\t{stamp}\n" for p, org in people),
    )  # fmt: skip
    _setval(connection, "people")


def world(engine: Engine) -> int:
    """A consultation organised by the root; returns its id."""
    with Session(engine) as session:
        draft = drafts.create_draft(session=session, title="Luật đo cộng dồn", kind="law")
        version = drafts.import_version(
            session=session, draft_id=draft.id, data=LAW.encode(), filename="luat.txt"
        )
        consultation = consultations.create(
            session=session,
            title="Đo cộng dồn",
            draft_version_id=version.id,
            organiser_id=1,
            opens_at=NOW - timedelta(days=60),
            closes_at=NOW + timedelta(days=60),
        )
        session.commit()
        return consultation.id


def ancestors_up(parent: np.ndarray, orgs: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """For each org, its ancestor `steps` levels up (stopping at the root)."""
    found = orgs.copy()
    for _ in range(int(steps.max(initial=0))):
        move = (steps > 0) & (parent[found] > 0)
        found[move] = parent[found[move]]
        steps = steps - 1
    return found


def load_opinions(
    connection: Connection, consultation_id: int, parent: np.ndarray, opinions: int,
    rng: np.random.Generator,
) -> None:  # fmt: skip
    people = (len(parent) - 1) * PEOPLE_PER_UNIT
    author = rng.integers(1, people + 1, size=opinions)
    author_org = 1 + (author - 1) // PEOPLE_PER_UNIT
    behalf = np.where(
        rng.random(opinions) < 0.10,
        ancestors_up(parent, author_org, rng.integers(0, LEVELS, size=opinions)),
        0,
    )
    hidden = rng.random(opinions) < 0.03
    channels = np.array(["online", "event", "written", "import"])[rng.integers(0, 4, opinions)]
    stamp = NOW.isoformat()

    def rows() -> Iterator[str]:
        for i in range(opinions):
            up = str(behalf[i]) if behalf[i] else "\\N"
            status = "hidden" if hidden[i] else "published"
            yield (
                f"{i + 1}\t{consultation_id}\tÝ kiến số {i + 1}\tcomment\t{author[i]}\t{up}\t"
                f"{channels[i]}\t{stamp}\t{status}\t{i:064x}\tR{i:012d}\n"
            )

    columns = (
        "id, consultation_id, text, kind, author_person_id, on_behalf_of_id, channel, "
        "submitted_at, status, content_hash, receipt_code"
    )
    _copy(connection, "opinions", columns, rows())
    _setval(connection, "opinions")


def load_campaigns_and_syntheses(
    connection: Connection, consultation_id: int, units: int, opinions: int,
    rng: np.random.Generator,
) -> None:  # fmt: skip
    stamp = NOW.isoformat()
    connection.execute(
        text(
            "INSERT INTO analysis_runs (id, consultation_id, engine, status, stage, progress_done,"
            " progress_total, params_json, stats_json, created_at) VALUES"
            " (1, :c, 'local', 'done', '', 0, 0, '{}', '{}', :t)"
        ),
        {"c": consultation_id, "t": NOW},
    )
    members = rng.choice(np.arange(1, opinions + 1), size=opinions // 100, replace=False)
    groups = max(1, len(members) // 10)
    group_of = rng.integers(1, groups + 1, size=len(members))
    _copy(
        connection, "duplicate_groups",
        "id, consultation_id, run_id, canonical_opinion_id, exact, size, status, variants_json",
        (f"{g}\t{consultation_id}\t1\t{members[0]}\tt\t10\tconfirmed\t[]\n"
         for g in range(1, groups + 1)),
    )  # fmt: skip
    _copy(
        connection, "duplicate_members", "group_id, opinion_id, similarity, excluded",
        (f"{g}\t{m}\t1.0\tf\n" for g, m in zip(group_of, members, strict=True)),
    )  # fmt: skip
    submitted = [org for org in range(2, units + 1) if rng.random() < 0.9]
    _copy(
        connection, "syntheses",
        "consultation_id, organisation_id, revision, status, summary, summary_edited, created_at,"
        " updated_at",
        (f"{consultation_id}\t{org}\t1\tsubmitted\t\tf\t{stamp}\t{stamp}\n" for org in submitted),
    )  # fmt: skip


def build(engine: Engine, units: int, opinions: int) -> int:
    rng = np.random.default_rng(11)
    parent, depth = make_tree(units, rng)
    with engine.begin() as connection:
        load_tree(connection, parent, depth)
    consultation_id = world(engine)
    with engine.begin() as connection:
        load_opinions(connection, consultation_id, parent, opinions, rng)
        load_campaigns_and_syntheses(connection, consultation_id, units, opinions, rng)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    return consultation_id


def sample_by_level(
    engine: Engine, per_level: int, seed: int = 5
) -> dict[int, tuple[int, list[int]]]:
    """Level -> (organisations at that level, a random sample of them)."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT level, id FROM organisations ORDER BY id")).all()
    by_level: dict[int, list[int]] = {}
    for level, org in rows:
        by_level.setdefault(level, []).append(org)
    rng = np.random.default_rng(seed)
    return {
        level: (
            len(ids),
            sorted(int(i) for i in rng.choice(ids, min(per_level, len(ids)), replace=False)),
        )
        for level, ids in by_level.items()
    }


def time_baseline(
    engine: Engine, consultation_id: int, orgs: list[int]
) -> tuple[float, dict[int, rollup.RollupCounts]]:
    with Session(engine) as session:
        started = time.perf_counter()
        figures = rollup.baseline_rollup(
            session=session, consultation_id=consultation_id, organisation_ids=orgs
        )
        return time.perf_counter() - started, figures


def run(units: int, opinions: int) -> None:
    print(f"roll-up: PostgreSQL, {LEVELS}-level tree of {units:,} units, {opinions:,} opinions")
    with database() as engine:
        started = time.perf_counter()
        consultation_id = build(engine, units, opinions)
        print(f"  bulk load (COPY) and VACUUM ANALYZE: {time.perf_counter() - started:.1f} s")
        with Session(engine) as session:
            started = time.perf_counter()
            figures = rollup.rollup(session=session, consultation_id=consultation_id)
            elapsed = time.perf_counter() - started
        top = figures.get(1, rollup.RollupCounts(0, 0))
        print(
            f"  ykien rollup: {elapsed:.2f} s for every organisation "
            f"(root: {top.raw:,} opinions, {top.unique:,} after campaigns)"
        )
        baseline, checked, how = measure_baseline(engine, consultation_id)
        mismatches = [org for org, counts in checked.items() if figures.get(org) != counts]
        print(f"  baseline (recursive N+1 queries): {baseline:.1f} s {how}")
        print(f"  ratio baseline/rollup: {baseline / elapsed:.0f}x; target rollup <= 60 s: "
              f"{'met' if elapsed <= 60 else 'MISSED'}")  # fmt: skip
        print(
            f"  figures checked against the baseline on {len(checked):,} organisations: "
            + (
                "all equal"
                if not mismatches
                else f"{len(mismatches)} DIFFER, e.g. {mismatches[:5]}"
            )
        )


def measure_baseline(
    engine: Engine, consultation_id: int
) -> tuple[float, dict[int, rollup.RollupCounts], str]:
    """The baseline's time: in full if the sampled estimate is within the limit, else estimated."""
    levels = sample_by_level(engine, SAMPLE_PER_LEVEL)
    estimate, checked = 0.0, dict[int, rollup.RollupCounts]()
    for count, sample in levels.values():
        seconds, figures = time_baseline(engine, consultation_id, sample)
        estimate += seconds / len(sample) * count
        checked |= figures
    if estimate > BASELINE_FULL_LIMIT:
        sampled = sum(len(sample) for _, sample in levels.values())
        return estimate, checked, (
            f"(ESTIMATED: measured on {sampled} organisations sampled per level and extrapolated "
            f"to all, since a full run would take over {BASELINE_FULL_LIMIT / 60:.0f} minutes)"
        )  # fmt: skip
    with engine.connect() as connection:
        everyone = list(connection.execute(text("SELECT id FROM organisations")).scalars())
    seconds, figures = time_baseline(engine, consultation_id, everyone)
    return seconds, figures, "(measured on every organisation)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 units, 100,000 opinions")
    parser.add_argument("--units", type=int)
    parser.add_argument("--opinions", type=int)
    args = parser.parse_args(argv)
    units = args.units or (1_000 if args.quick else 10_000)
    opinions = args.opinions or (100_000 if args.quick else 2_000_000)
    run(units, opinions)


if __name__ == "__main__":
    main()
