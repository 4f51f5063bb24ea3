"""Who may work on a draft, declared as dependencies (web layer).

    def draft_page(draft: Draft = ManagedDraft, ...)

A secretary (or admin) whose role covers the draft's organisation manages its versions; a draft
that names no organisation is managed by any secretariat.
"""

from __future__ import annotations

from fastapi import Depends
from sqlalchemy.orm import Session

from ykien.drafts import service as drafts
from ykien.drafts.models import Draft, DraftVersion
from ykien.errors import Forbidden
from ykien.orgs import service as orgs
from ykien.web.access import require_manager
from ykien.web.deps import MODERATOR_ROLES, PathId, Principal
from ykien.web.tx import get_db


def draft_forbidden() -> Forbidden:
    return Forbidden(
        "draft_forbidden",
        "Vai trò của bạn không bao gồm đơn vị soạn thảo dự thảo này.",
        "Your role does not cover the organisation that drafts this document.",
    )


def managed(db: Session, principal: Principal, draft: Draft) -> Draft:
    """The draft, if the principal's secretariat role covers its organisation."""
    if draft.organisation_id is not None:
        org = orgs.get(session=db, organisation_id=draft.organisation_id)
        if not principal.covers(org.tree_path, MODERATOR_ROLES):
            raise draft_forbidden()
    return draft


def _managed_draft(
    draft_id: PathId,
    db: Session = Depends(get_db),
    principal: Principal = Depends(require_manager),
) -> Draft:
    return managed(db, principal, drafts.get_draft(session=db, draft_id=draft_id))


def _managed_version(
    version_id: PathId,
    db: Session = Depends(get_db),
    principal: Principal = Depends(require_manager),
) -> DraftVersion:
    version = drafts.get_version(session=db, version_id=version_id)
    managed(db, principal, drafts.get_draft(session=db, draft_id=version.draft_id))
    return version


ManagedDraft = Depends(_managed_draft)
ManagedVersion = Depends(_managed_version)
