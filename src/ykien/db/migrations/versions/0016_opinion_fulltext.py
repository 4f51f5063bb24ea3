"""opinion full-text search: trigram indexes over the two search keys

PostgreSQL: the pg_trgm extension and one GIN trigram index per key (search_fold,
search_tone), so that the search's ``key LIKE '%phrase%'`` is answered from the index; the
index follows every INSERT, UPDATE, DELETE and COPY by itself.

SQLite: an FTS5 table with the trigram tokenizer over the same two keys, external content
(the keys are stored once, in opinions), kept in step with the table by three triggers, so
that the intake, the bulk importer, edits and deletes need no code of their own.

A later migration that rebuilds the opinions table on SQLite (Alembic's batch mode copies the
table and drops the old one, and the triggers with it) must call `create_sqlite_fulltext`
afterwards; tests/opinions/test_fulltext.py checks the triggers are there at head.

Revision ID: 0016
Revises: 0015
"""

from alembic import op
from sqlalchemy import Connection

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_SQLITE_UP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS opinions_fts USING fts5("
    " search_fold, search_tone, content='opinions', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS opinions_fts_insert AFTER INSERT ON opinions BEGIN"
    " INSERT INTO opinions_fts(rowid, search_fold, search_tone)"
    " VALUES (new.id, new.search_fold, new.search_tone); END",
    "CREATE TRIGGER IF NOT EXISTS opinions_fts_delete AFTER DELETE ON opinions BEGIN"
    " INSERT INTO opinions_fts(opinions_fts, rowid, search_fold, search_tone)"
    " VALUES ('delete', old.id, old.search_fold, old.search_tone); END",
    "CREATE TRIGGER IF NOT EXISTS opinions_fts_update"
    " AFTER UPDATE OF search_fold, search_tone ON opinions BEGIN"
    " INSERT INTO opinions_fts(opinions_fts, rowid, search_fold, search_tone)"
    " VALUES ('delete', old.id, old.search_fold, old.search_tone);"
    " INSERT INTO opinions_fts(rowid, search_fold, search_tone)"
    " VALUES (new.id, new.search_fold, new.search_tone); END",
    # index the rows already there
    "INSERT INTO opinions_fts(opinions_fts) VALUES ('rebuild')",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS opinions_fts_update",
    "DROP TRIGGER IF EXISTS opinions_fts_delete",
    "DROP TRIGGER IF EXISTS opinions_fts_insert",
    "DROP TABLE IF EXISTS opinions_fts",
]
_PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_opinions_search_fold_trgm"
    " ON opinions USING gin (search_fold gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_opinions_search_tone_trgm"
    " ON opinions USING gin (search_tone gin_trgm_ops)",
]
_PG_DOWN = [
    "DROP INDEX IF EXISTS ix_opinions_search_tone_trgm",
    "DROP INDEX IF EXISTS ix_opinions_search_fold_trgm",
    # the extension stays: other objects may use it, and dropping it needs its owner
]


def create_sqlite_fulltext(connection: Connection) -> None:
    """The FTS5 table and its triggers, (re)built from the opinions' keys; idempotent."""
    for statement in _SQLITE_UP:
        connection.exec_driver_sql(statement)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        create_sqlite_fulltext(connection)
    elif connection.dialect.name == "postgresql":
        for statement in _PG_UP:
            connection.exec_driver_sql(statement)


def downgrade() -> None:
    connection = op.get_bind()
    statements = {"sqlite": _SQLITE_DOWN, "postgresql": _PG_DOWN}.get(connection.dialect.name, [])
    for statement in statements:
        connection.exec_driver_sql(statement)
