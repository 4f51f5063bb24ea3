"""Organisation tree: create, look up by tolerant name, subtree membership."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, literal, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.audit import service as audit
from ykien.errors import NotFound, UserError
from ykien.orgs.models import Organisation, OrgKind

MAX_NAME = 300


def _checked_name(name: str) -> str:
    name = vt.collapse_spaces(vt.clean(name))
    if not name or len(name) > MAX_NAME:
        raise UserError(
            "org_name_invalid",
            f"Tên tổ chức phải có từ 1 đến {MAX_NAME} ký tự.",
            f"An organisation name must have 1 to {MAX_NAME} characters.",
        )
    return name


def _check_kind(kind: str) -> None:
    if kind not in set(OrgKind):
        raise UserError(
            "org_kind_invalid",
            f"Loại tổ chức không hợp lệ: {kind}.",
            f"Unknown organisation kind: {kind}.",
        )


def checked_tier(tier: str | None, tiers: Sequence[str] | None) -> str | None:
    """The tier as stored (None when empty); refused unless it is one of `tiers`.

    `tiers` None (callers that do not know the settings) accepts no tier but None.
    """
    tier = vt.collapse_spaces(vt.clean(tier)) if tier else ""
    if not tier:
        return None
    if tier not in (tiers or ()):
        listed = ", ".join(tiers or ())
        raise UserError(
            "org_tier_invalid",
            f"Cấp “{tier}” không có trong danh sách các cấp: {listed}.",
            f"The tier “{tier}” is not one of the configured tiers: {listed}.",
        )
    return tier


def create(
    *,
    session: Session,
    name: str,
    kind: str = OrgKind.OTHER,
    parent_id: int | None = None,
    short_name: str | None = None,
    tier: str | None = None,
    tiers: Sequence[str] | None = None,
    actor_person_id: int | None = None,
) -> Organisation:
    """Add an organisation under parent_id (or as a root); `tier` must be one of `tiers`."""
    name = _checked_name(name)
    _check_kind(kind)
    tier = checked_tier(tier, tiers)
    parent = get(session=session, organisation_id=parent_id) if parent_id is not None else None
    org = Organisation(
        name=name,
        name_key=vt.name_key(name),
        short_name=vt.clean(short_name) if short_name else None,
        kind=kind,
        tier=tier,
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
        payload={"name": name, "kind": kind, "parent_id": parent_id, "tier": tier},
    )
    return org


def update(
    *,
    session: Session,
    organisation_id: int,
    name: str,
    kind: str,
    short_name: str | None = None,
    tier: str | None = None,
    tiers: Sequence[str] | None = None,
    actor_person_id: int | None = None,
) -> Organisation:
    """Rename an organisation, change its kind, short name or tier (not its place: `move`)."""
    org = get(session=session, organisation_id=organisation_id)
    name = _checked_name(name)
    _check_kind(kind)
    org.tier = checked_tier(tier, tiers)
    org.name, org.name_key, org.kind = name, vt.name_key(name), kind
    org.short_name = vt.clean(short_name) if short_name else None
    session.flush()
    audit.record(
        session=session,
        action="organisation.updated",
        entity_type="organisation",
        entity_id=org.id,
        actor_person_id=actor_person_id,
        payload={"name": name, "kind": kind, "short_name": org.short_name, "tier": org.tier},
    )
    return org


def roots(*, session: Session) -> list[Organisation]:
    """The organisations without a parent (the tops of the forest)."""
    return list(session.scalars(select(Organisation).where(Organisation.parent_id.is_(None))))


def check_move(
    *, session: Session, organisation_id: int, parent_id: int | None
) -> tuple[Organisation, Organisation | None]:
    """The organisation and its new parent; refused under itself or one of its descendants."""
    org = get(session=session, organisation_id=organisation_id)
    parent = get(session=session, organisation_id=parent_id) if parent_id is not None else None
    if parent is not None and parent.tree_path.startswith(org.tree_path):
        raise UserError(
            "org_move_into_itself",
            "Không thể chuyển một tổ chức vào chính nó hoặc vào một tổ chức cấp dưới của nó.",
            "An organisation cannot be moved under itself or under one of its descendants.",
        )
    return org, parent


def move(
    *,
    session: Session,
    organisation_id: int,
    parent_id: int | None,
    actor_person_id: int | None = None,
) -> Organisation:
    """Put an organisation (and its whole subtree) under another parent, or make it a root.

    Every `tree_path` and `level` of the subtree is rewritten by one UPDATE; roles held over
    the subtree follow it, since access is computed from the paths at each request.
    """
    org, parent = check_move(session=session, organisation_id=organisation_id, parent_id=parent_id)
    old_parent, old_path = org.parent_id, org.tree_path
    new_path = f"{parent.tree_path if parent else '/'}{org.id}/"
    shift = ((parent.level + 1) if parent else 0) - org.level
    session.flush()
    session.execute(
        sql_update(Organisation)
        .where(Organisation.tree_path.startswith(old_path))
        .values(
            tree_path=literal(new_path) + func.substr(Organisation.tree_path, len(old_path) + 1),
            level=Organisation.level + shift,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sql_update(Organisation)
        .where(Organisation.id == org.id)
        .values(parent_id=parent_id)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    audit.record(
        session=session,
        action="organisation.moved",
        entity_type="organisation",
        entity_id=organisation_id,
        actor_person_id=actor_person_id,
        payload={"from_parent_id": old_parent, "to_parent_id": parent_id, "from_path": old_path,
                 "to_path": new_path},
    )  # fmt: skip
    return get(session=session, organisation_id=organisation_id)


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
