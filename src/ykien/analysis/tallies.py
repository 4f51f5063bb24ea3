"""Opinion counts kept up to date as opinions are written, so no page counts opinions per view.

`opinion_tallies` holds one row per (consultation, facet, key): `raw`, the visible (not hidden)
opinions with that key, and `merged`, how many of those a campaign folds away (its members minus
the campaigns among them), so the de-duplicated count is `raw - merged`.

Facets of the opinion itself: total, day (in Vietnam), hour (UTC, "YYYY-MM-DD HH": the raw
counts of local days in another whole-hour zone are summed from it), section, organisation (the
one spoken for, else the author's at the time of writing), kind, channel, attachment (the
roll-up's groups: author's organisation, organisation spoken for, spoken at a meeting). Facets
of a membership (scope_id: the theme or campaign): theme and campaign themselves, and their
kinds, channels and organisations.

`raw` is kept by database triggers on `opinions`, `theme_members` and `duplicate_members`, so every
write path counts, whatever it goes through: the intake writer, the importer's COPY, moderation,
a kind accepted, a delete, the analysis job's bulk writes. On PostgreSQL the triggers are
statement-level over transition tables (one grouped upsert per statement, not per row); SQLite
gets row triggers.

`merged` depends on which campaigns count, so it is computed over campaign members only (never
the whole consultation) by `refresh_campaign_tallies`: at the end of the analysis job and after a
campaign is decided or split. Any write that could change it in between (a campaign member hidden
or re-kinded, a membership changed) sets the consultation's `stale` row, and readers then compute
`merged` from the campaign members on the fly until the next refresh: always correct, and only
the campaign members are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import BigInteger, String, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from ykien.db.base import Base

STALE_FACET, STALE_KEY = "stale", "merged"
BASE_FACETS = ("total", "hour", "day", "section", "organisation", "kind", "channel", "attachment")
DAY_ZONE = "Asia/Ho_Chi_Minh"  # the `day` facet's calendar (Vietnam has no DST: +7 h)
SCOPES = ("theme", "campaign")
SCOPED_FACETS = ("", "_kind", "_channel", "_organisation")


class OpinionTally(Base):
    __tablename__ = "opinion_tallies"

    consultation_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    facet: Mapped[str] = mapped_column(String(24), primary_key=True)
    # the theme or campaign of a membership facet, 0 for a facet of the opinion itself
    scope_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    raw: Mapped[int] = mapped_column(BigInteger, default=0)
    merged: Mapped[int] = mapped_column(BigInteger, default=0)


# ---------------------------------------------------------------------------------------------
# the SQL of the cells an opinion counts in (shared by the triggers, the rebuild and the refresh)


def _hour(dialect: str) -> str:
    if dialect == "postgresql":
        return "to_char(f.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"
    return "strftime('%Y-%m-%d %H', f.submitted_at)"


def _day(dialect: str) -> str:
    if dialect == "postgresql":
        return f"to_char(f.submitted_at AT TIME ZONE '{DAY_ZONE}', 'YYYY-MM-DD')"
    return "date(f.submitted_at, '+25200 seconds')"


def _base_cells(dialect: str, facts: str, extra: str = "") -> list[str]:
    """One SELECT per facet of the opinion: (consultation_id, facet, key, s[, extra])."""
    keys = {
        "total": "''",
        "hour": _hour(dialect),
        "day": _day(dialect),
        "section": "COALESCE(CAST(f.section_id AS TEXT), '')",
        "organisation": "COALESCE(CAST(f.org AS TEXT), '')",
        "kind": "f.kind",
        "channel": "f.channel",
        # the roll-up's groups: "author's organisation:organisation spoken for:1 if at a meeting"
        "attachment": "COALESCE(CAST(f.author_org AS TEXT), '') || ':' || "
        "COALESCE(CAST(f.on_behalf_of_id AS TEXT), '') || ':' || "
        "CASE WHEN f.channel = 'event' THEN '1' ELSE '0' END",
    }
    return [
        f"SELECT f.consultation_id, '{facet}' AS facet, 0 AS scope_id, {keys[facet]} AS key, "
        f"f.s{extra} "
        f"FROM {facts}"
        for facet in BASE_FACETS
    ]


def _scope_cells(scope: str, facts: str, extra: str = "") -> list[str]:
    """One SELECT per facet of a membership; `facts` carries the theme or campaign id as sid."""
    values = {
        "": "''",
        "_kind": "f.kind",
        "_channel": "f.channel",
        "_organisation": "COALESCE(CAST(f.org AS TEXT), '')",
    }
    return [
        f"SELECT f.consultation_id, '{scope}{suffix}' AS facet, f.sid AS scope_id, "
        f"{values[suffix]} AS key, f.s{extra} FROM {facts}"
        for suffix in SCOPED_FACETS
    ]


MEMBER_COLUMNS = {
    "theme": ("opinion_id", "theme_id"),
    "campaign": ("opinion_id", "group_id", "excluded"),
}
MEMBERSHIP = {
    # scope: (table, id column, condition for a membership that counts)
    "theme": ("theme_members", "theme_id", "1 = 1"),
    "campaign": ("duplicate_members", "group_id", "NOT {m}.excluded"),
}


def _facts(rows: str, sign: str, extra: str = "") -> str:
    """The opinion facts of `rows` (opinions' columns), with their sign s."""
    return (
        f"SELECT d.consultation_id, d.id, d.kind, d.channel, d.section_id, d.submitted_at, "
        f"COALESCE(d.on_behalf_of_id, p.organisation_id) AS org, p.organisation_id AS author_org, "
        f"d.on_behalf_of_id, {sign} AS s{extra} "
        f"FROM {rows} d LEFT JOIN people p ON p.id = d.author_person_id"
    )


def _scoped_facts(scope: str, opinions: str) -> str:
    """Facts of `opinions` (rows with facts' columns) in every membership of `scope`."""
    table, column, counts = MEMBERSHIP[scope]
    return (
        f"SELECT o.*, sm.{column} AS sid FROM {opinions} o "
        f"JOIN {table} sm ON sm.opinion_id = o.id AND {counts.format(m='sm')}"
    )


def _membership_facts(scope: str, rows: str, sign: str) -> str:
    """Facts of the visible opinions of membership `rows` of `scope`, with their sign s."""
    _, column, counts = MEMBERSHIP[scope]
    return (
        f"SELECT o.consultation_id, o.id, o.kind, o.channel, o.section_id, o.submitted_at, "
        f"COALESCE(o.on_behalf_of_id, p.organisation_id) AS org, p.organisation_id AS author_org, "
        f"o.on_behalf_of_id, {sign} AS s, "
        f"d.{column} AS sid FROM {rows} d JOIN opinions o ON o.id = d.opinion_id "
        f"LEFT JOIN people p ON p.id = o.author_person_id "
        f"WHERE o.status <> 'hidden' AND {counts.format(m='d')}"
    )


def _upsert(cells: Iterable[str]) -> str:
    union = " UNION ALL ".join(cells)
    return (
        "INSERT INTO opinion_tallies (consultation_id, facet, scope_id, key, raw, merged) "
        f"SELECT c.consultation_id, c.facet, c.scope_id, c.key, SUM(c.s), 0 FROM ({union}) c "
        "GROUP BY c.consultation_id, c.facet, c.scope_id, c.key HAVING SUM(c.s) <> 0 "
        "ORDER BY c.consultation_id, c.facet, c.scope_id, c.key "
        "ON CONFLICT (consultation_id, facet, scope_id, key) "
        "DO UPDATE SET raw = opinion_tallies.raw + excluded.raw"
    )


def _flag_stale(consultations: str) -> str:
    """Mark `consultations` (a SELECT of consultation ids) as needing `merged` recomputed."""
    return (
        "INSERT INTO opinion_tallies (consultation_id, facet, scope_id, key, raw, merged) "
        f"SELECT DISTINCT s.cid, '{STALE_FACET}', 0, '{STALE_KEY}', 1, 0 FROM ({consultations}) s "
        "WHERE s.cid IS NOT NULL "
        "ON CONFLICT (consultation_id, facet, scope_id, key) DO UPDATE SET raw = 1"
    )


# what changes an opinion's cells; other updates (its text, its search keys) cost nothing
CHANGED = (
    "(n.status = 'hidden') <> (o.status = 'hidden') OR n.kind <> o.kind "
    "OR n.channel <> o.channel OR n.consultation_id <> o.consultation_id "
    "OR n.section_id IS DISTINCT FROM o.section_id "
    "OR n.on_behalf_of_id IS DISTINCT FROM o.on_behalf_of_id "
    "OR n.author_person_id IS DISTINCT FROM o.author_person_id "
    "OR n.submitted_at <> o.submitted_at"
)


# ---------------------------------------------------------------------------------------------
# PostgreSQL: statement-level triggers over transition tables


def _pg_opinion_statements(op: str) -> list[str]:
    visible = "WHERE r.status <> 'hidden'"
    if op == "INSERT":
        delta = f"(SELECT r.* , 1 AS sign FROM new_rows r {visible})"
    elif op == "DELETE":
        delta = f"(SELECT r.*, -1 AS sign FROM old_rows r {visible})"
    else:
        changed = f"SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {CHANGED}"
        delta = (
            f"(SELECT r.*, -1 AS sign FROM old_rows r {visible} AND r.id IN ({changed}) "
            f"UNION ALL SELECT r.*, 1 FROM new_rows r {visible} AND r.id IN ({changed}))"
        )
    facts = f"WITH facts AS ({_facts(delta, 'd.sign')}), " + ", ".join(
        f"{scope}_facts AS ({_scoped_facts(scope, 'facts')})" for scope in SCOPES
    )
    cells = _base_cells("postgresql", "facts f")
    if op != "INSERT":  # a new opinion belongs to no theme or campaign yet
        for scope in SCOPES:
            cells += _scope_cells(scope, f"{scope}_facts f")
    statements = [f"{facts} {_upsert(cells)}"]
    if op != "INSERT":
        statements.append(
            _flag_stale(
                "SELECT o.consultation_id AS cid FROM old_rows o "
                "JOIN duplicate_members m ON m.opinion_id = o.id"
                if op == "DELETE"
                else "SELECT n.consultation_id AS cid FROM new_rows n "
                "JOIN old_rows o ON o.id = n.id JOIN duplicate_members m ON m.opinion_id = n.id "
                f"WHERE {CHANGED}"
            )
        )
    return statements


def _pg_membership_statements(scope: str, op: str) -> list[str]:
    parts = []
    if op in ("DELETE", "UPDATE"):
        parts.append(_membership_facts(scope, "old_rows", "-1"))
    if op in ("INSERT", "UPDATE"):
        parts.append(_membership_facts(scope, "new_rows", "1"))
    facts = " UNION ALL ".join(parts)
    statements = [f"WITH facts AS ({facts}) {_upsert(_scope_cells(scope, 'facts f'))}"]
    rows = "new_rows" if op != "DELETE" else "old_rows"
    if scope == "campaign":
        changed = (
            f"SELECT g.consultation_id AS cid FROM {rows} r "
            "JOIN duplicate_groups g ON g.id = r.group_id"
        )
    else:
        changed = (
            f"SELECT o.consultation_id AS cid FROM {rows} r JOIN opinions o ON o.id = r.opinion_id "
            "JOIN duplicate_members m ON m.opinion_id = r.opinion_id"
        )
    statements.append(_flag_stale(changed))
    return statements


def _pg_function(name: str, statements: list[str]) -> str:
    body = ";\n  ".join(statements)
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n  {body};\n  RETURN NULL;\nEND $$"
    )


def _pg_trigger(name: str, table: str, op: str, function: str) -> str:
    referencing = {
        "INSERT": "NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }[op]
    return (
        f"CREATE TRIGGER {name} AFTER {op} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
    )


def _pg_ddl() -> list[str]:
    ddl = []
    for op in ("INSERT", "UPDATE", "DELETE"):
        function = f"ykien_tally_opinions_{op.lower()}"
        ddl.append(_pg_function(function, _pg_opinion_statements(op)))
        ddl.append(_pg_trigger(f"{function}_t", "opinions", op, function))
        for scope in SCOPES:
            table = MEMBERSHIP[scope][0]
            function = f"ykien_tally_{table}_{op.lower()}"
            ddl.append(_pg_function(function, _pg_membership_statements(scope, op)))
            ddl.append(_pg_trigger(f"{function}_t", table, op, function))
    ddl.append(
        _pg_function(
            "ykien_tally_duplicate_groups_update",
            [_flag_stale("SELECT r.consultation_id AS cid FROM new_rows r")],
        )
    )
    ddl.append(
        _pg_trigger(
            "ykien_tally_duplicate_groups_update_t",
            "duplicate_groups",
            "UPDATE",
            "ykien_tally_duplicate_groups_update",
        )
    )
    return ddl


# ---------------------------------------------------------------------------------------------
# SQLite: row triggers

_OPINION_COLUMNS = (
    "consultation_id",
    "id",
    "kind",
    "channel",
    "section_id",
    "submitted_at",
    "on_behalf_of_id",
    "author_person_id",
)


def _sqlite_row(ref: str, sign: int) -> str:
    columns = ", ".join(f"{ref}.{c} AS {c}" for c in _OPINION_COLUMNS)
    return f"SELECT {columns}, {sign} AS sign WHERE {ref}.status <> 'hidden'"


def _sqlite_opinion_body(op: str) -> list[str]:
    rows = {
        "INSERT": _sqlite_row("NEW", 1),
        "DELETE": _sqlite_row("OLD", -1),
        "UPDATE": f"{_sqlite_row('OLD', -1)} UNION ALL {_sqlite_row('NEW', 1)}",
    }[op]
    facts = f"({_facts(f'({rows})', 'd.sign')}) f"
    cells = _base_cells("sqlite", facts)
    if op != "INSERT":
        for scope in SCOPES:
            cells += _scope_cells(scope, f"({_scoped_facts(scope, facts[:-2])}) f")
    body = [_upsert(cells)]
    if op != "INSERT":
        ref = "OLD" if op == "DELETE" else "NEW"
        body.append(
            _flag_stale(
                f"SELECT {ref}.consultation_id AS cid WHERE EXISTS "
                f"(SELECT 1 FROM duplicate_members WHERE opinion_id = {ref}.id)"
            )
        )
    return body


def _sqlite_membership_body(scope: str, op: str) -> list[str]:
    columns = MEMBER_COLUMNS[scope]
    parts = []
    for ref, sign in (("OLD", "-1"), ("NEW", "1")):
        if (ref == "OLD" and op == "INSERT") or (ref == "NEW" and op == "DELETE"):
            continue
        row = "(SELECT " + ", ".join(f"{ref}.{c} AS {c}" for c in columns) + ")"
        parts.append(f"SELECT * FROM ({_membership_facts(scope, row, sign)})")
    facts = f"({' UNION ALL '.join(parts)}) f"
    ref = "OLD" if op == "DELETE" else "NEW"
    if scope == "campaign":
        changed = f"SELECT consultation_id AS cid FROM duplicate_groups WHERE id = {ref}.group_id"
    else:
        changed = (
            f"SELECT consultation_id AS cid FROM opinions WHERE id = {ref}.opinion_id AND EXISTS "
            f"(SELECT 1 FROM duplicate_members WHERE opinion_id = {ref}.opinion_id)"
        )
    return [_upsert(_scope_cells(scope, facts)), _flag_stale(changed)]


def _sqlite_trigger(name: str, table: str, op: str, body: list[str], when: str = "") -> str:
    statements = ";\n  ".join(body)
    condition = f" WHEN {when}" if when else ""
    return f"CREATE TRIGGER {name} AFTER {op} ON {table}{condition}\nBEGIN\n  {statements};\nEND"


def _sqlite_ddl() -> list[str]:
    changed = CHANGED.replace("n.", "NEW.").replace("o.", "OLD.")
    changed = changed.replace("IS DISTINCT FROM", "IS NOT")
    ddl = []
    for op in ("INSERT", "UPDATE", "DELETE"):
        when = changed if op == "UPDATE" else ""
        ddl.append(
            _sqlite_trigger(
                f"ykien_tally_opinions_{op.lower()}", "opinions", op, _sqlite_opinion_body(op), when
            )
        )
        for scope in SCOPES:
            table = MEMBERSHIP[scope][0]
            ddl.append(
                _sqlite_trigger(
                    f"ykien_tally_{table}_{op.lower()}",
                    table,
                    op,
                    _sqlite_membership_body(scope, op),
                )
            )
    ddl.append(
        _sqlite_trigger(
            "ykien_tally_duplicate_groups_update",
            "duplicate_groups",
            "UPDATE",
            [_flag_stale("SELECT NEW.consultation_id AS cid")],
        )
    )
    return ddl


TRIGGERED_TABLES = ("opinions", "theme_members", "duplicate_members")


def create_triggers_ddl(dialect: str) -> list[str]:
    """The statements that create the triggers keeping `raw` (and the stale flag) up to date."""
    return _pg_ddl() if dialect == "postgresql" else _sqlite_ddl()


def drop_triggers_ddl(dialect: str) -> list[str]:
    names = [
        f"ykien_tally_{t}_{op}" for t in TRIGGERED_TABLES for op in ("insert", "update", "delete")
    ]
    names.append("ykien_tally_duplicate_groups_update")
    if dialect == "postgresql":
        return [f"DROP FUNCTION IF EXISTS {name}() CASCADE" for name in names]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


# ---------------------------------------------------------------------------------------------
# rebuilding from scratch and recomputing `merged`


def _all_cells(dialect: str, where: str) -> list[str]:
    """Cells of every visible opinion matching `where` (on opinions o), base and memberships."""
    rows = f"(SELECT * FROM opinions o WHERE o.status <> 'hidden' AND {where})"
    facts = f"({_facts(rows, '1')}) f"
    cells = _base_cells(dialect, facts)
    for scope in SCOPES:
        cells += _scope_cells(scope, f"({_scoped_facts(scope, facts[:-2])}) f")
    return cells


def rebuild(*, session: Session, consultation_id: int | None = None) -> None:
    """Count every tally afresh (a migration's backfill, or a repair), then `merged`."""
    dialect = session.get_bind().dialect.name
    where = "1 = 1" if consultation_id is None else f"o.consultation_id = {int(consultation_id)}"
    doomed = "" if consultation_id is None else f" WHERE consultation_id = {int(consultation_id)}"
    session.execute(text(f"DELETE FROM opinion_tallies{doomed}"))
    session.execute(text(_upsert(_all_cells(dialect, where))))
    ids = session.scalars(
        text(f"SELECT DISTINCT consultation_id FROM opinions o WHERE {where}")
    ).all()
    for found in ids:
        refresh_campaign_tallies(session=session, consultation_id=int(found))


def _counting_members(consultation_id: int) -> str:
    """opinion id -> the campaign it counts with (the lowest not undone it is not split from)."""
    return (
        "SELECT m.opinion_id, MIN(m.group_id) AS g FROM duplicate_members m "
        "JOIN duplicate_groups dg ON dg.id = m.group_id "
        f"WHERE dg.consultation_id = {int(consultation_id)} AND NOT m.excluded "
        "AND dg.status <> 'rejected' GROUP BY m.opinion_id"
    )


def _merged_rows(session: Session, consultation_id: int) -> list[tuple[str, int, str, int]]:
    """(facet, scope id, key, merged) computed over the consultation's campaign members only."""
    dialect = session.get_bind().dialect.name
    rows = (
        f"(SELECT o.*, cm.g FROM opinions o JOIN ({_counting_members(consultation_id)}) cm "
        "ON cm.opinion_id = o.id WHERE o.status <> 'hidden')"
    )
    facts = f"({_facts(rows, '1', ', d.g AS g')}) f"
    cells = _base_cells(dialect, facts, ", f.g")
    for scope in SCOPES:
        cells += _scope_cells(scope, f"({_scoped_facts(scope, facts[:-2])}) f", ", f.g")
    union = " UNION ALL ".join(cells)
    found = session.execute(
        text(
            f"SELECT c.facet, c.scope_id, c.key, COUNT(*) - COUNT(DISTINCT c.g) FROM ({union}) c "
            "GROUP BY c.facet, c.scope_id, c.key HAVING COUNT(*) > COUNT(DISTINCT c.g)"
        )
    ).all()
    return [(str(f), int(sid), str(key), int(merged)) for f, sid, key, merged in found]


_FLAG = (
    "INSERT INTO opinion_tallies (consultation_id, facet, scope_id, key, raw, merged) "
    "VALUES (:cid, :facet, 0, :key, :raw, 0) "
    "ON CONFLICT (consultation_id, facet, scope_id, key) DO UPDATE SET raw = excluded.raw"
)


def refresh_campaign_tallies(*, session: Session, consultation_id: int) -> None:
    """Recompute `merged` of the consultation from its campaign members and clear the stale
    flag. The analysis job calls this once at its end; deciding or splitting a campaign too."""
    cid = int(consultation_id)
    flag = {"cid": cid, "facet": STALE_FACET, "key": STALE_KEY}
    # the flag row first (locked until commit): a write landing meanwhile sets it again after
    session.execute(text(_FLAG), {**flag, "raw": 1})
    merged = _merged_rows(session, cid)
    session.execute(
        text("UPDATE opinion_tallies SET merged = 0 WHERE consultation_id = :cid AND merged <> 0"),
        {"cid": cid},
    )
    if merged:
        session.execute(
            text(
                "INSERT INTO opinion_tallies (consultation_id, facet, scope_id, key, raw, merged) "
                "VALUES (:cid, :facet, :sid, :key, 0, :merged) "
                "ON CONFLICT (consultation_id, facet, scope_id, key) "
                "DO UPDATE SET merged = excluded.merged"
            ),
            [{"cid": cid, "facet": f, "sid": i, "key": k, "merged": m} for f, i, k, m in merged],
        )
    session.execute(text(_FLAG), {**flag, "raw": 0})


# ---------------------------------------------------------------------------------------------
# reading


@dataclass(frozen=True)
class Cell:
    raw: int
    unique: int


def _stale(session: Session, consultation_id: int) -> bool:
    flag = session.scalar(
        text(
            "SELECT raw FROM opinion_tallies WHERE consultation_id = :cid "
            "AND facet = :facet AND scope_id = 0 AND key = :key"
        ),
        {"cid": consultation_id, "facet": STALE_FACET, "key": STALE_KEY},
    )
    return bool(flag)


def _cells(
    session: Session,
    consultation_id: int,
    condition: str,
    params: dict[str, object],
    raw_only: bool = False,
) -> list[tuple[str, int, str, Cell]]:
    """(facet, scope id, key, cell) of the rows matching `condition`, raw > 0."""
    cid = int(consultation_id)
    rows = session.execute(
        text(
            "SELECT facet, scope_id, key, raw, merged FROM opinion_tallies "
            f"WHERE consultation_id = :cid AND raw > 0 AND {condition}"
        ),
        {**params, "cid": cid},
    ).all()
    live: dict[tuple[str, int, str], int] | None = None
    if rows and not raw_only and _stale(session, cid):
        live = {(f, i, k): m for f, i, k, m in _merged_rows(session, cid)}
    found = []
    for facet, scope_id, key, raw, merged in rows:
        folded = merged if live is None else live.get((facet, scope_id, key), 0)
        found.append((str(facet), int(scope_id), str(key), Cell(int(raw), int(raw) - folded)))
    return found


def read(
    *, session: Session, consultation_id: int, facets: Iterable[str], scope_id: int = 0
) -> dict[str, dict[str, Cell]]:
    """facet -> key -> (raw, unique) of the consultation (of one theme or campaign when
    `scope_id` is given with its facets), zero counts left out."""
    wanted = sorted(set(facets))
    params: dict[str, object] = {f"f{i}": f for i, f in enumerate(wanted)} | {"sid": scope_id}
    names = ", ".join(f":f{i}" for i in range(len(wanted)))
    found: dict[str, dict[str, Cell]] = {facet: {} for facet in wanted}
    condition = f"facet IN ({names}) AND scope_id = :sid"
    for facet, _, key, cell in _cells(session, consultation_id, condition, params):
        found[facet][key] = cell
    return found


def read_scopes(
    *,
    session: Session,
    consultation_id: int,
    facets: Iterable[str],
    scope_ids: Iterable[int],
    top: int | None = None,
) -> dict[int, dict[str, dict[str, Cell]]]:
    """scope id -> facet -> key -> cell for many themes or campaigns in one query; with `top`,
    only the `top` largest keys of each facet of each (a national theme spans 10,000 units)."""
    wanted = sorted(set(facets))
    ids = sorted({int(i) for i in scope_ids})
    found: dict[int, dict[str, dict[str, Cell]]] = {i: {f: {} for f in wanted} for i in ids}
    if not ids:
        return found
    params: dict[str, object] = {f"f{i}": f for i, f in enumerate(wanted)}
    params |= {f"s{i}": scope_id for i, scope_id in enumerate(ids)}
    facet_names = ", ".join(f":f{i}" for i in range(len(wanted)))
    scope_names = ", ".join(f":s{i}" for i in range(len(ids)))
    condition = f"facet IN ({facet_names}) AND scope_id IN ({scope_names})"
    if top is not None:
        condition = (
            f"(facet, scope_id, key) IN (SELECT facet, scope_id, key FROM (SELECT facet, "
            "scope_id, key, ROW_NUMBER() OVER (PARTITION BY facet, scope_id ORDER BY raw DESC, "
            "key) AS n FROM opinion_tallies WHERE consultation_id = :cid AND raw > 0 AND "
            f"{condition}) ranked WHERE n <= {int(top)})"
        )
    for facet, scope_id, key, cell in _cells(session, consultation_id, condition, params):
        found[scope_id][facet][key] = cell
    return found


def per_scope(*, session: Session, consultation_id: int, scope: str) -> dict[int, Cell]:
    """Theme or campaign id -> its (raw, unique) count of visible opinions."""
    found = _cells(session, consultation_id, "facet = :facet", {"facet": scope})
    return {scope_id: cell for _, scope_id, _, cell in found}


def raw_counts(*, session: Session, consultation_id: int, facet: str) -> dict[str, int]:
    """key -> raw count of one facet of the opinions themselves (no de-duplication: cheaper)."""
    found = _cells(
        session, consultation_id, "facet = :facet AND scope_id = 0", {"facet": facet}, True
    )
    return {key: cell.raw for _, _, key, cell in found}
