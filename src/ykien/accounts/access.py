"""Loader dependencies for memberships (web layer): the membership of the path, if the
principal administers its organisation."""

from __future__ import annotations

from fastapi import Depends
from sqlalchemy.orm import Session

from ykien.accounts.models import Membership
from ykien.errors import NotFound
from ykien.orgs.access import administered, require_admin
from ykien.web.deps import PathId, Principal
from ykien.web.tx import get_db


def administered_membership(
    membership_id: PathId,
    principal: Principal = Depends(require_admin),
    db: Session = Depends(get_db),
) -> Membership:
    """The membership, if the principal administers its organisation (404 if there is none)."""
    membership = db.get(Membership, membership_id)
    if membership is None:
        raise NotFound(
            "membership_not_found",
            f"Không có phân quyền số {membership_id}.",
            f"No membership {membership_id}.",
        )
    administered(db, principal, membership.organisation_id)
    return membership
