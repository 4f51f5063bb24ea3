"""Declared access to syntheses: staff whose roles cover a synthesis's ORGANISATION (held there or
at an ancestor) read it; secretaries and admins covering it change it.

    at: SynthesisAt = Depends(SynthesisFor(MODERATOR_ROLES))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.consultations import service as consultations
from ykien.errors import Forbidden, UserError
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.synthesis import service as syntheses
from ykien.synthesis.models import Synthesis, SynthesisItem
from ykien.web.deps import MODERATOR_ROLES, STAFF_ROLES, PathId, Principal, require_staff
from ykien.web.tx import get_db


def synthesis_forbidden() -> Forbidden:
    return Forbidden(
        "synthesis_forbidden",
        "Vai trò của bạn không bao gồm đơn vị của báo cáo tổng hợp này.",
        "Your role does not cover the organisation of this synthesis.",
    )


def check_org(principal: Principal, org: Organisation, roles: Iterable[str]) -> None:
    if not principal.covers(org.tree_path, roles):
        raise synthesis_forbidden()


def may_edit(principal: Principal, org: Organisation) -> bool:
    return principal.covers(org.tree_path, MODERATOR_ROLES)


def check_in_scope(db: Session, consultation_id: int, org: Organisation) -> None:
    """Refuse an organisation outside the consultation's organiser and scope subtrees."""
    paths = consultations.authority_paths(session=db, consultation_id=consultation_id)
    if not any(org.tree_path.startswith(path) for path in paths):
        raise UserError(
            "organisation_out_of_scope",
            "Đơn vị này không tham gia đợt lấy ý kiến.",
            "This organisation does not take part in the consultation.",
        )


def roots_for(db: Session, principal: Principal, consultation_id: int) -> list[Organisation]:
    """The highest organisations of the consultation that the principal's staff roles cover."""
    authority = consultations.authority_paths(session=db, consultation_id=consultation_id)
    held = {path for role in STAFF_ROLES for path in principal.roles.get(role, ())}
    found: set[str] = set()
    for mine in held:
        for path in authority:
            if mine.startswith(path):
                found.add(mine)
            elif path.startswith(mine):
                found.add(path)
    tops = {p for p in found if not any(p != o and p.startswith(o) for o in found)}
    if not tops:
        raise synthesis_forbidden()
    rows = db.scalars(select(Organisation).where(Organisation.tree_path.in_(tops))).all()
    return sorted(rows, key=lambda org: (org.tree_path.count("/"), org.name))


def chosen_unit(
    db: Session, principal: Principal, consultation_id: int, organisation_id: int | None
) -> tuple[Organisation, list[Organisation]]:
    """The unit asked for (default: the highest one covered) and the highest ones covered."""
    roots = roots_for(db, principal, consultation_id)
    if organisation_id is None:
        return roots[0], roots
    org = orgs.get(session=db, organisation_id=organisation_id)
    check_org(principal, org, STAFF_ROLES)
    check_in_scope(db, consultation_id, org)
    return org, roots


@dataclass
class SynthesisAt:
    """A synthesis the principal may open, with its organisation."""

    synthesis: Synthesis
    org: Organisation
    principal: Principal


@dataclass
class ItemAt(SynthesisAt):
    """A synthesis item the principal may open, with its synthesis and organisation."""

    item: SynthesisItem


def synthesis_at(
    db: Session, principal: Principal, synthesis_id: int, roles: Iterable[str]
) -> SynthesisAt:
    synthesis = syntheses.get(session=db, synthesis_id=synthesis_id)
    org = orgs.get(session=db, organisation_id=synthesis.organisation_id)
    check_org(principal, org, roles)
    return SynthesisAt(synthesis, org, principal)


class SynthesisFor:
    """Loader: the synthesis of the path, if one of `roles` covers its organisation."""

    def __init__(self, roles: Iterable[str] = STAFF_ROLES) -> None:
        self.roles = tuple(roles)

    def __call__(
        self,
        synthesis_id: PathId,
        principal: Principal = Depends(require_staff),
        db: Session = Depends(get_db),
    ) -> SynthesisAt:
        return synthesis_at(db, principal, synthesis_id, self.roles)


class ItemFor:
    """Loader: the synthesis item of the path, if one of `roles` covers its organisation."""

    def __init__(self, roles: Iterable[str] = STAFF_ROLES) -> None:
        self.roles = tuple(roles)

    def __call__(
        self,
        item_id: PathId,
        principal: Principal = Depends(require_staff),
        db: Session = Depends(get_db),
    ) -> ItemAt:
        item = syntheses.get_item(session=db, item_id=item_id)
        at = synthesis_at(db, principal, item.synthesis_id, self.roles)
        return ItemAt(at.synthesis, at.org, principal, item)
