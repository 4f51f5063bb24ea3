from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from ykien.audit import service as audit
from ykien.db import migrate
from ykien.db.models import Base


def test_migrations_match_the_models_and_run_both_ways(fresh_engine: Engine) -> None:
    with fresh_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
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
