"""Run Alembic migrations from code (the CLI and the tests use this)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def _run(engine: Engine, step: Callable[[Config, str], None], revision: str) -> None:
    """Run the migration step in one transaction.

    On SQLite a table is altered by copying it into a new one and dropping the old (Alembic's
    batch mode), which the foreign keys of rows that point at it refuse while they are
    enforced. So, as SQLite's own procedure for schema changes says, enforcement is turned off
    for the migration (a PRAGMA that only takes effect outside a transaction), every reference
    is checked with `PRAGMA foreign_key_check` before the commit, and enforcement is back on
    afterwards.
    """
    config = alembic_config(engine)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _set_foreign_keys(connection, on=False)
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                step(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration left broken references: {broken[:5]}")
        finally:
            if sqlite:
                _set_foreign_keys(connection, on=True)


def _set_foreign_keys(connection: Connection, *, on: bool) -> None:
    raw = connection.connection.driver_connection  # autocommit: no transaction is open
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to revision."""
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    _run(engine, command.downgrade, revision)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new migration against the database at engine (developers only)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)


# what the migrations create that no model describes (migration 0015): SQLite's FTS5 table
# and its shadow tables, PostgreSQL's trigram GIN indexes
OUTSIDE_MODELS_PREFIXES = (
    "opinions_fts",
    "ix_opinions_search_fold_trgm",
    "ix_opinions_search_tone_trgm",
)


def described_by_models(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's `include_object`: False for the schema objects the models leave out on purpose."""
    return not (reflected and name is not None and name.startswith(OUTSIDE_MODELS_PREFIXES))
