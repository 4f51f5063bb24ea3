"""Many rows in one round of statements, with their new ids, as ORM objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import BindParameter, Dialect, Table, bindparam, insert, text, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.types import NullType

from ykien.db.base import Base

M = TypeVar("M", bound=Base)


def insert_returning_ids(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]]
) -> list[int]:
    """Insert rows (dicts with the same keys, giving every column that has a Python-side
    default) into model's table; their new ids, in order.

    On PostgreSQL one INSERT ... SELECT FROM unnest(one array per column): its text is the same
    for any number of rows, so the driver parses it once and the server prepares it once
    (SQLAlchemy's multi-row VALUES statement is re-parsed by psycopg on every call: 1.5 ms for
    16 opinions, more than the database spends storing them). Elsewhere SQLAlchemy's
    executemany with RETURNING. A duplicate key raises IntegrityError either way.
    """
    if not rows:
        return []
    table = cast(Table, model.__table__)
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        result = session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), list(rows)
        )
        return list(result.scalars())
    columns = list(rows[0])
    arrays = _arrays(table, dialect, columns, rows)
    # one statement of fixed text (prepared once) whatever the number of rows; ids come from the
    # sequence in ORDER BY order, so sorting them gives the rows' order
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"SELECT {', '.join(columns)} FROM unnest({_typed(table, dialect, columns)}) "
        f"WITH ORDINALITY AS given({', '.join(columns)}, n) ORDER BY n RETURNING id"
    )
    return sorted(session.execute(text(sql).bindparams(*arrays)).scalars())


def update_many(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Update rows by id (dicts with the same keys, "id" among them) in one statement."""
    if not rows:
        return
    table = cast(Table, model.__table__)
    dialect = session.connection().dialect
    columns = [name for name in rows[0] if name != "id"]
    if dialect.name != "postgresql":
        session.execute(
            update(table).where(table.c.id == bindparam("row_id")),
            [{"row_id": row["id"], **{name: row[name] for name in columns}} for row in rows],
        )
        return
    names = ["id", *columns]
    sql = (
        f"UPDATE {table.name} SET {', '.join(f'{name} = given.{name}' for name in columns)} "
        f"FROM unnest({_typed(table, dialect, names)}) AS given({', '.join(names)}) "
        f"WHERE {table.name}.id = given.id"
    )
    session.execute(text(sql).bindparams(*_arrays(table, dialect, names, rows)))


def _typed(table: Table, dialect: Dialect, columns: Sequence[str]) -> str:
    """The array parameters of unnest(), cast to the columns' types."""
    return ", ".join(
        f"CAST(:{name} AS {table.c[name].type.compile(dialect=dialect)}[])" for name in columns
    )


def _arrays(
    table: Table, dialect: Dialect, columns: Sequence[str], rows: Sequence[dict[str, Any]]
) -> list[BindParameter[Any]]:
    """One array per column, with the column types' own conversions applied."""
    params = []
    for name in columns:
        process = table.c[name].type.bind_processor(dialect)
        values = [row[name] for row in rows]
        if process is not None:
            values = [None if value is None else process(value) for value in values]
        params.append(bindparam(name, values, type_=NullType()))
    return params


def add_many(session: Session, model: type[M], rows: Sequence[dict[str, Any]]) -> list[M]:
    """Insert rows as with insert_returning_ids and return them as persistent ORM objects
    (without loading them again)."""
    ids = insert_returning_ids(session, model, rows)
    objects = []
    for row, new_id in zip(rows, ids, strict=True):
        instance = model(**row, id=new_id)
        make_transient_to_detached(instance)
        session.add(instance)
        objects.append(instance)
    return objects
