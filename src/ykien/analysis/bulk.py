"""Bulk writes of analysis rows: COPY on PostgreSQL, one executemany on SQLite.

The rows are plain tuples in the order of the given columns; the write joins the caller's
transaction (the connection's), so a failed stage leaves nothing half written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection


def insert_rows(
    conn: Connection, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert rows (tuples in columns' order) into table with the fastest path of the database."""
    if not rows:
        return
    names = ", ".join(columns)
    dbapi: Any = conn.connection.dbapi_connection
    cursor = dbapi.cursor()
    try:
        if conn.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    finally:
        cursor.close()
