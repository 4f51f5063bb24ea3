"""Declared access: who may do what, checked in one place for both presentations of a route.

A loader dependency fetches the object named in the path and checks the principal's right, so a
route cannot forget the check:

    def moderation_page(consultation: Consultation = Depends(ConsultationFor(MODERATOR_ROLES)))

Every path id is a `PathId` (1 .. 2**31-1): a larger one is a 422, never a database error.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Depends
from sqlalchemy.orm import Session

from ykien.accounts import service as accounts
from ykien.accounts.models import Role
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation, ConsultationStatus
from ykien.errors import Forbidden
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.web.deps import (
    ADMIN_ROLES,
    MODERATOR_ROLES,
    STAFF_ROLES,
    PathId,
    Principal,
    current_principal,
    require_principal,
    require_staff,
)
from ykien.web.tx import get_db

__all__ = [
    "MODERATOR_ROLES",
    "STAFF_ROLES",
    "ConsultationFor",
    "PathId",
    "adopt_root",
    "check_runs",
    "is_instance_admin",
    "may_run",
    "readable_consultation",
    "reader_consultation",
    "require_manager",
    "roots_of",
]


def roots_of(principal: Principal, roles: Iterable[str]) -> list[str]:
    """The tree paths the principal's `roles` cover."""
    return [path for role in roles for path in principal.roles.get(role, ())]


def is_instance_admin(db: Session, principal: Principal) -> bool:
    """An instance admin holds the admin role over every root of the organisation forest
    (so over every organisation); only they create roots."""
    tops = orgs.roots(session=db)
    return bool(tops) and all(principal.covers(top.tree_path, ADMIN_ROLES) for top in tops)


def adopt_root(db: Session, principal: Principal, root: Organisation) -> None:
    """The instance admin who created a root administers it (and so stays an instance admin)."""
    accounts.grant_role(
        session=db,
        person_id=principal.person_id,
        organisation_id=root.id,
        role=Role.ADMIN,
        actor_person_id=principal.person_id,
    )


def may_run(principal: Principal, paths: Iterable[str], roles: Iterable[str]) -> bool:
    """True if the principal holds one of `roles` over the organiser or a scope root."""
    wanted = tuple(roles)
    return any(principal.covers(path, wanted) for path in paths)


def require_manager(principal: Principal = Depends(require_staff)) -> Principal:
    """A secretary (or admin) somewhere: may create consultations and import opinions."""
    if not principal.has_any(MODERATOR_ROLES):
        raise Forbidden(
            "forbidden",
            "Chỉ thư ký tổng hợp mới được thực hiện thao tác này.",
            "Only a secretariat may do this.",
        )
    return principal


def consultation_forbidden() -> Forbidden:
    return Forbidden(
        "consultation_forbidden",
        "Vai trò của bạn không bao gồm đơn vị tổ chức đợt lấy ý kiến này.",
        "Your role does not cover the organisation running this consultation.",
    )


def check_runs(
    db: Session, principal: Principal, consultation_id: int, roles: Iterable[str]
) -> None:
    """Refuse unless the principal's roles cover the consultation (404 if it does not exist)."""
    paths = consultations.authority_paths(session=db, consultation_id=consultation_id)
    if not may_run(principal, paths, roles):
        raise consultation_forbidden()


class ConsultationFor:
    """Loader: the consultation of the path, if one of `roles` covers its organiser or scope."""

    def __init__(self, roles: Iterable[str] = STAFF_ROLES) -> None:
        self.roles = tuple(roles)

    def __call__(
        self,
        consultation_id: PathId,
        principal: Principal = Depends(require_principal),
        db: Session = Depends(get_db),
    ) -> Consultation:
        check_runs(db, principal, consultation_id, self.roles)
        return consultations.get(session=db, consultation_id=consultation_id)


def readable_consultation(
    db: Session, consultation_id: int, principal: Principal | None
) -> Consultation:
    """A published consultation, or an unpublished one for staff who run it; else 404."""
    consultation = consultations.get(session=db, consultation_id=consultation_id)
    if consultation.status != ConsultationStatus.DRAFT:
        return consultation
    if principal is not None:
        paths = consultations.authority_paths(session=db, consultation_id=consultation_id)
        if may_run(principal, paths, STAFF_ROLES):
            return consultation
    raise consultations.not_found(consultation_id)


def reader_consultation(
    consultation_id: PathId,
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
) -> Consultation:
    """Loader: the consultation of the path as its readers see it (see readable_consultation)."""
    return readable_consultation(db, consultation_id, principal)
