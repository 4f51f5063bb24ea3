from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from ykien.audit import service as audit
from ykien.db import migrate
from ykien.db.models import Base


def test_migrations_match_the_models_and_run_both_ways(fresh_engine: Engine) -> None:
    with fresh_engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": migrate.described_by_models}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    migrate.downgrade(fresh_engine, "base")
    assert set(inspect(fresh_engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        heads = conn.execute(text("select id, seq, hash from audit_head order by id")).all()
    assert heads == [(chain, 0, "0" * 64) for chain in range(1, audit.CHAINS + 1)]


def test_sqlite_connections_use_wal_and_foreign_keys(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("pragma journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("pragma foreign_keys")).scalar_one() == 1


def test_downgrading_the_chains_merges_them_into_one_valid_chain(fresh_engine: Engine) -> None:
    from ykien.db.engine import make_session_factory, unit_of_work

    with unit_of_work(make_session_factory(fresh_engine)) as session:
        for entity in range(40):
            audit.record(session=session, action="t", entity_type="x", entity_id=entity)
    migrate.downgrade(fresh_engine, "0003")
    with fresh_engine.connect() as conn:
        seqs = conn.execute(text("select seq from audit_events order by seq")).scalars().all()
        assert seqs == list(range(1, 41))
    migrate.upgrade(fresh_engine)
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        result = audit.verify(session=session)
        assert result.ok and result.checked == 40
