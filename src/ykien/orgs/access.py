"""Who may do what with an organisation, declared as dependencies (web layer).

    def organisation_page(org: Organisation = Depends(OrganisationFor(admin=True)), ...)

An organisation admin's role covers the organisation it is held over and every one below it.
"""

from __future__ import annotations

from fastapi import Depends
from sqlalchemy.orm import Session

from ykien.errors import Forbidden
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.web.deps import (
    ADMIN_ROLES,
    STAFF_ROLES,
    PathId,
    Principal,
    forbid,
    require_principal,
)
from ykien.web.tx import get_db


def not_an_admin() -> Forbidden:
    return Forbidden(
        "forbidden",
        "Chỉ người quản trị tổ chức mới mở được trang này.",
        "Only an organisation admin may open this page.",
    )


def require_admin(principal: Principal = Depends(require_principal)) -> Principal:
    """An organisation admin of some subtree."""
    if not principal.has_any(ADMIN_ROLES):
        raise not_an_admin()
    return principal


def not_an_instance_admin() -> Forbidden:
    return Forbidden(
        "instance_admin_only",
        "Chỉ người quản trị toàn hệ thống mới tạo được tổ chức cấp cao nhất (không có tổ chức cấp "
        "trên).",
        "Only an instance admin may create or make a top-level organisation (one without a "
        "parent).",
    )


def outside_your_tree() -> Forbidden:
    return Forbidden(
        "organisation_forbidden",
        "Tổ chức này nằm ngoài phạm vi quản trị của bạn.",
        "This organisation is outside the organisations you administer.",
    )


def administered(db: Session, principal: Principal, organisation_id: int) -> Organisation:
    """The organisation, if the principal administers it (404 if it does not exist)."""
    org = orgs.get(session=db, organisation_id=organisation_id)
    if not principal.covers(org.tree_path, ADMIN_ROLES):
        raise outside_your_tree()
    return org


class OrganisationFor:
    """Loader: the organisation of the path, if the principal administers it (`admin=True`)
    or holds a staff role over it (`admin=False`) or one of `roles`; 403 for anyone else, 404
    if there is none."""

    def __init__(self, *, admin: bool = True, roles: tuple[str, ...] | None = None) -> None:
        self.roles = roles or (ADMIN_ROLES if admin else STAFF_ROLES)

    def __call__(
        self,
        organisation_id: PathId,
        principal: Principal = Depends(require_principal),
        db: Session = Depends(get_db),
    ) -> Organisation:
        if not principal.has_any(self.roles):
            raise not_an_admin() if self.roles == ADMIN_ROLES else forbid()
        org = orgs.get(session=db, organisation_id=organisation_id)
        if not principal.covers(org.tree_path, self.roles):
            raise outside_your_tree()
        return org
