"""Declared access to subcommittees and decisions: staff whose roles cover a subcommittee's
organisation see its queue; members and chairs draft and forward; only a chair approves; a chair
or a secretary publishes. A person named to the subcommittee (consultations.subcommittees) holds
the member's rights over it, and its chair the chair's, whatever their roles elsewhere.

    sub: Subcommittee = Depends(SubcommitteeFor(DRAFT_ROLES))
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Depends
from sqlalchemy.orm import Session

from ykien.accounts.models import Role
from ykien.consultations import subcommittees
from ykien.consultations.models import Subcommittee
from ykien.decisions import service as decisions
from ykien.decisions.models import Decision
from ykien.orgs import service as orgs
from ykien.web.deps import PathId, Principal, forbid, require_staff
from ykien.web.tx import get_db

VIEW_ROLES = (Role.SUBCOMMITTEE_MEMBER, Role.CHAIR, Role.SECRETARY, Role.ADMIN)
DRAFT_ROLES = (Role.SUBCOMMITTEE_MEMBER, Role.CHAIR)
APPROVE_ROLES = (Role.CHAIR,)
PUBLISH_ROLES = (Role.CHAIR, Role.SECRETARY)


def may(
    db: Session, principal: Principal, subcommittee: Subcommittee, roles: Iterable[str]
) -> bool:
    """True if one of `roles` covers the subcommittee's organisation, or the principal is named
    to the subcommittee with one of them (a member: SUBCOMMITTEE_MEMBER; the chair: CHAIR too)."""
    wanted = tuple(roles)
    org = orgs.get(session=db, organisation_id=subcommittee.organisation_id)
    if principal.covers(org.tree_path, wanted):
        return True
    seat = subcommittees.seat_of(
        session=db, subcommittee_id=subcommittee.id, person_id=principal.person_id
    )
    if seat is None:
        return False
    held = (Role.SUBCOMMITTEE_MEMBER, Role.CHAIR) if seat.chair else (Role.SUBCOMMITTEE_MEMBER,)
    return any(role in wanted for role in held)


def check(
    db: Session, principal: Principal, subcommittee: Subcommittee, roles: Iterable[str]
) -> None:
    if not may(db, principal, subcommittee, roles):
        raise forbid()


def decision_for(
    db: Session, principal: Principal, decision_id: int, roles: Iterable[str]
) -> Decision:
    """The decision, if one of `roles` covers its subcommittee's organisation."""
    decision = decisions.get_decision(session=db, decision_id=decision_id)
    subcommittee = decisions.get_subcommittee(session=db, subcommittee_id=decision.subcommittee_id)
    check(db, principal, subcommittee, roles)
    return decision


class SubcommitteeFor:
    """Loader: the subcommittee of the path, if one of `roles` covers its organisation."""

    def __init__(self, roles: Iterable[str] = VIEW_ROLES) -> None:
        self.roles = tuple(roles)

    def __call__(
        self,
        subcommittee_id: PathId,
        principal: Principal = Depends(require_staff),
        db: Session = Depends(get_db),
    ) -> Subcommittee:
        found = decisions.get_subcommittee(session=db, subcommittee_id=subcommittee_id)
        check(db, principal, found, self.roles)
        return found


class DecisionFor:
    """Loader: the decision of the path, if one of `roles` covers its subcommittee."""

    def __init__(self, roles: Iterable[str] = VIEW_ROLES) -> None:
        self.roles = tuple(roles)

    def __call__(
        self,
        decision_id: PathId,
        principal: Principal = Depends(require_staff),
        db: Session = Depends(get_db),
    ) -> Decision:
        return decision_for(db, principal, decision_id, self.roles)
