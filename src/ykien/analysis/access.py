"""Loader dependencies for the analysis (web layer): the consultation, campaign, theme or run of
the path, if the principal's roles cover its consultation. Staff may look; secretaries and
admins may edit."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import Depends
from sqlalchemy.orm import Session

from ykien.analysis import service as analysis
from ykien.consultations import service as consultations
from ykien.web.access import check_runs, may_run
from ykien.web.deps import MODERATOR_ROLES, STAFF_ROLES, PathId, Principal, require_staff
from ykien.web.tx import get_db

Fetch = Callable[[Session, int], Any]


def may_edit(db: Session, principal: Principal, consultation_id: int) -> bool:
    """True if the principal may run the analysis and change its proposals."""
    paths = consultations.authority_paths(session=db, consultation_id=consultation_id)
    return may_run(principal, paths, MODERATOR_ROLES)


def covered(path_id: str, fetch: Fetch, roles: Iterable[str] = STAFF_ROLES) -> Any:
    """A dependency: `fetch(db, <path_id>)` (404 if there is none), refused (403) unless one of
    the staff's `roles` covers the consultation of what was fetched."""
    wanted = tuple(roles)

    def load(principal: Principal, db: Session, **ids: int) -> Any:
        found = fetch(db, ids[path_id])
        consultation_id = found if isinstance(found, int) else found.consultation_id
        check_runs(db, principal, consultation_id, wanted)
        return found

    keyword = inspect.Parameter.KEYWORD_ONLY
    load.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(path_id, keyword, annotation=PathId),
            inspect.Parameter(
                "principal", keyword, default=Depends(require_staff), annotation=Principal
            ),
            inspect.Parameter("db", keyword, default=Depends(get_db), annotation=Session),
        ]
    )
    return Depends(load)


def _consultation(db: Session, consultation_id: int) -> int:
    return consultation_id


def _campaign(db: Session, group_id: int) -> Any:
    return analysis.get_campaign(session=db, group_id=group_id)


def _theme(db: Session, theme_id: int) -> Any:
    return analysis.get_theme(session=db, theme_id=theme_id)


def _run(db: Session, run_id: int) -> Any:
    return analysis.get_run(session=db, run_id=run_id)


Viewable = covered("consultation_id", _consultation)
Editable = covered("consultation_id", _consultation, MODERATOR_ROLES)
ViewableCampaign = covered("group_id", _campaign)
EditableCampaign = covered("group_id", _campaign, MODERATOR_ROLES)
ViewableTheme = covered("theme_id", _theme)
EditableTheme = covered("theme_id", _theme, MODERATOR_ROLES)
ViewableRun = covered("run_id", _run)
