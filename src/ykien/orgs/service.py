"""Organisation tree: create, look up by tolerant name, subtree membership."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.audit import service as audit
from ykien.errors import NotFound, UserError
from ykien.orgs.models import Organisation, OrgKind

MAX_NAME = 300


def create(
    *,
    session: Session,
    name: str,
    kind: str = OrgKind.OTHER,
    parent_id: int | None = None,
    short_name: str | None = None,
    actor_person_id: int | None = None,
) -> Organisation:
    """Add an organisation under parent_id (or as a root)."""
    name = vt.collapse_spaces(vt.clean(name))
    if not name or len(name) > MAX_NAME:
        raise UserError(
            "org_name_invalid",
            f"Tên tổ chức phải có từ 1 đến {MAX_NAME} ký tự.",
            f"An organisation name must have 1 to {MAX_NAME} characters.",
        )
    if kind not in set(OrgKind):
        raise UserError(
            "org_kind_invalid",
            f"Loại tổ chức không hợp lệ: {kind}.",
            f"Unknown organisation kind: {kind}.",
        )
    parent = get(session=session, organisation_id=parent_id) if parent_id is not None else None
    org = Organisation(
        name=name,
        name_key=vt.name_key(name),
        short_name=vt.clean(short_name) if short_name else None,
        kind=kind,
        parent_id=parent_id,
        level=(parent.level + 1) if parent else 0,
    )
    session.add(org)
    session.flush()
    org.tree_path = f"{parent.tree_path if parent else '/'}{org.id}/"
    audit.record(
        session=session,
        action="organisation.created",
        entity_type="organisation",
        entity_id=org.id,
        actor_person_id=actor_person_id,
        payload={"name": name, "kind": kind, "parent_id": parent_id},
    )
    return org


def get(*, session: Session, organisation_id: int) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(
            "org_not_found",
            f"Không tìm thấy tổ chức số {organisation_id}.",
            f"Organisation {organisation_id} does not exist.",
        )
    return org


def subtree_ids(*, session: Session, organisation_id: int) -> set[int]:
    """Ids of the organisation and all its descendants."""
    root = get(session=session, organisation_id=organisation_id)
    rows = session.execute(
        select(Organisation.id).where(Organisation.tree_path.startswith(root.tree_path))
    )
    return set(rows.scalars())


def _lookup_keys(name: str) -> tuple[str, str]:
    """An exact-but-tolerant key (case, spacing, tone placement) and a diacritic-free one."""
    return "t:" + " ".join(vt.tone_key(name).split()), "f:" + vt.name_key(name)


def name_index(*, session: Session) -> dict[str, int | None]:
    """Lookup keys of names and short names -> id; a key shared by two organisations -> None."""
    index: dict[str, int | None] = {}
    rows = session.execute(select(Organisation.id, Organisation.name, Organisation.short_name))
    for org_id, name, short in rows:
        for label in (name, short):
            if not label:
                continue
            for key in _lookup_keys(label):
                index[key] = org_id if index.get(key, org_id) == org_id else None
    return index


def match_name(index: dict[str, int | None], name: str) -> int | None:
    """The id whose name matches: tone-placement-tolerant first, then ignoring diacritics."""
    precise, loose = _lookup_keys(name)
    found = index.get(precise)
    return found if found is not None else index.get(loose)


def find_by_name(*, session: Session, name: str) -> Organisation | None:
    """The organisation whose name matches, ignoring case, diacritics and tone placement."""
    org_id = match_name(name_index(session=session), name)
    return session.get(Organisation, org_id) if org_id is not None else None


@dataclass(frozen=True, slots=True)
class TreeRow:
    """An organisation in a displayed tree, with its indentation depth."""

    organisation: Organisation
    depth: int


def subtree_orgs(*, session: Session, roots: Iterable[str]) -> list[Organisation]:
    """Every organisation at or under one of the tree paths `roots` (no duplicates)."""
    prefixes = _outermost(roots)
    if not prefixes:
        return []
    condition = or_(*(Organisation.tree_path.startswith(prefix) for prefix in prefixes))
    return list(session.execute(select(Organisation).where(condition)).scalars())


def _outermost(roots: Iterable[str]) -> list[str]:
    """The tree paths not inside another of them."""
    ordered = sorted(set(roots), key=len)
    kept: list[str] = []
    for path in ordered:
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return kept


def tree(*, session: Session, roots: Iterable[str] | None = None) -> list[TreeRow]:
    """The organisations under `roots` (all when None) in tree order, with their depth.

    Siblings are in Vietnamese alphabetical order; a root's depth is 0.
    """
    if roots is None:
        found = list(session.execute(select(Organisation)).scalars())
    else:
        found = subtree_orgs(session=session, roots=roots)
    present = {org.id for org in found}
    children: dict[int | None, list[Organisation]] = {}
    for org in found:
        parent = org.parent_id if org.parent_id in present else None
        children.setdefault(parent, []).append(org)
    for siblings in children.values():
        siblings.sort(key=lambda org: (vt.sort_key(org.name), org.id))
    rows: list[TreeRow] = []
    stack: list[tuple[Organisation, int]] = [(org, 0) for org in reversed(children.get(None, []))]
    while stack:
        org, depth = stack.pop()
        rows.append(TreeRow(org, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(org.id, [])))
    return rows
