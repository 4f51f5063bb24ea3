"""Declared access to opinions and their lists (web layer): loaders used by both presentations.

consultation: Consultation = Depends(listed_consultation)       # its opinions may be listed
opinion_id: int = Depends(moderated_opinion)                    # the caller may moderate it
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends
from sqlalchemy.orm import Session

from ykien.consultations.models import Consultation
from ykien.opinions import search
from ykien.opinions import service as opinions
from ykien.web.deps import PathId, Principal, current_principal, forbid, require_principal
from ykien.web.tx import get_db


def listed_consultation(
    consultation_id: PathId,
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
) -> Consultation:
    """The consultation of the path, if the caller may see it (unpublished: its staff only)."""
    return search.consultation_for(session=db, viewer=principal, consultation_id=consultation_id)


async def require_moderator(principal: Principal = Depends(require_principal)) -> Principal:
    """A secretary or admin somewhere (the opinion's own check follows in its loader)."""
    if not search.may_moderate_any(principal):
        raise forbid()
    return principal


def moderated_opinion(
    opinion_id: PathId,
    principal: Principal = Depends(require_moderator),
    db: Session = Depends(get_db),
) -> int:
    """The opinion of the path, if a moderator role of the caller covers its organisation."""
    search.ensure_may_moderate(session=db, viewer=principal, opinion_id=opinion_id)
    return opinion_id


@dataclass(frozen=True, slots=True)
class VisibleOpinion:
    consultation: Consultation
    row: search.OpinionRow


def visible_opinion(db: Session, principal: Principal | None, opinion_id: int) -> VisibleOpinion:
    """The opinion as the caller may see it (404 when the policy hides it from them)."""
    consultation_id = opinions.get(session=db, opinion_id=opinion_id).consultation_id
    consultation = search.consultation_for(
        session=db, viewer=principal, consultation_id=consultation_id
    )
    row = search.opinion_row(
        session=db, consultation=consultation, viewer=principal, opinion_id=opinion_id
    )
    return VisibleOpinion(consultation, row)


def opinion_for_caller(
    opinion_id: PathId,
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
) -> VisibleOpinion:
    """Loader: the opinion of the path as the caller may see it."""
    return visible_opinion(db, principal, opinion_id)
