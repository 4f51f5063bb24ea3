"""The search condition as SQL, answered from a trigram index on both databases.

The condition is the same substring test on both — the stored key contains the query's key
(``key LIKE '%phrase%'``, escaped) — so both give the results `ykien.opinions.search`
documents; only how the rows are found differs:

* PostgreSQL: a GIN trigram index (pg_trgm, migration 0015) on each key answers that LIKE
  directly;
* SQLite: an FTS5 table with the trigram tokenizer over the two keys (external content, kept in
  step by triggers) first finds the rows that contain every trigram of the phrase, in order
  (``opinions_fts MATCH 'search_fold : "phrase"'``), and the same LIKE on those rows keeps the
  exact semantics (FTS5 folds case its own way; the LIKE has the last word).

A phrase shorter than three characters has no trigram: on both databases it falls back to the
plain LIKE (kept away from the index), which scans the rows the other filters leave.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, case, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

TRIGRAM = 3  # the shortest phrase a trigram index can answer
FTS_TABLE = "opinions_fts"


class KeyContains(ColumnElement[bool]):
    """`column` contains `key`: a LIKE, narrowed first by the FTS5 index on SQLite."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a condition as it stands: no "= 1" after it
    _traverse_internals = [  # noqa: RUF012 (the type SQLAlchemy declares)
        ("like_clause", InternalTraversal.dp_clauseelement),
        ("fts_match", InternalTraversal.dp_clauseelement),
        ("rowid_column", InternalTraversal.dp_clauseelement),
        ("indexed", InternalTraversal.dp_boolean),  # part of the statement cache key
    ]

    def __init__(self, column: Any, id_column: Any, key: str) -> None:
        self.indexed = len(key) >= TRIGRAM
        # a phrase without a trigram must not go through the index: pg_trgm would read all of
        # it (slower than the scan); COALESCE hides the column from the index, same result
        target = column if self.indexed else func.coalesce(column, "")
        self.like_clause = target.contains(key, autoescape=True)
        self.rowid_column = id_column
        phrase = key.replace('"', '""')
        self.fts_match = literal(f'{column.key} : "{phrase}"')


@compiles(KeyContains)
def _key_contains_default(element: KeyContains, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.like_clause, **kw)


@compiles(KeyContains, "sqlite")
def _key_contains_sqlite(element: KeyContains, compiler: SQLCompiler, **kw: Any) -> str:
    like = compiler.process(element.like_clause, **kw)
    if not element.indexed:
        return like
    rowid = compiler.process(element.rowid_column, **kw)
    match = compiler.process(element.fts_match, **kw)
    narrowed = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {match}"
    return f"({rowid} IN ({narrowed}) AND {like})"


def word_start_rank(column: Any, key: str) -> ColumnElement[int]:
    """1 where the phrase begins a word of the key (" hoa" in "hoa binh"), else 0 ("khoa").

    The search's relevance: a match at the start of a word is what was meant far more often
    than one inside a word. The results sort on it first, then newest first.
    """
    return case((literal(" ").concat(column).contains(" " + key, autoescape=True), 1), else_=0)
