"""Loader dependencies for the analysis (web layer): a campaign, theme or run of the path, if
the principal's roles cover its consultation. Staff may look; secretaries and admins may edit."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Depends
from sqlalchemy.orm import Session

from ykien.analysis import service as analysis
from ykien.analysis.models import AnalysisRun, DuplicateGroup, Theme
from ykien.consultations import service as consultations
from ykien.web.access import check_runs, may_run
from ykien.web.deps import MODERATOR_ROLES, STAFF_ROLES, PathId, Principal, require_staff
from ykien.web.tx import get_db


def may_edit(db: Session, principal: Principal, consultation_id: int) -> bool:
    """True if the principal may run the analysis and change its proposals."""
    paths = consultations.authority_paths(session=db, consultation_id=consultation_id)
    return may_run(principal, paths, MODERATOR_ROLES)


class StaffConsultation:
    """Loader: the consultation id of the path, if a staff role of `roles` covers it."""

    def __init__(self, roles: Iterable[str] = STAFF_ROLES) -> None:
        self.roles = tuple(roles)

    def __call__(
        self,
        consultation_id: PathId,
        principal: Principal = Depends(require_staff),
        db: Session = Depends(get_db),
    ) -> int:
        check_runs(db, principal, consultation_id, self.roles)
        return consultation_id


class CampaignFor:
    """Loader: the campaign (duplicate group) of the path."""

    def __init__(self, roles: Iterable[str] = STAFF_ROLES) -> None:
        self.roles = tuple(roles)

    def __call__(
        self,
        group_id: PathId,
        principal: Principal = Depends(require_staff),
        db: Session = Depends(get_db),
    ) -> DuplicateGroup:
        group = analysis.get_campaign(session=db, group_id=group_id)
        check_runs(db, principal, group.consultation_id, self.roles)
        return group


class ThemeFor:
    """Loader: the (active) theme of the path."""

    def __init__(self, roles: Iterable[str] = STAFF_ROLES) -> None:
        self.roles = tuple(roles)

    def __call__(
        self,
        theme_id: PathId,
        principal: Principal = Depends(require_staff),
        db: Session = Depends(get_db),
    ) -> Theme:
        theme = analysis.get_theme(session=db, theme_id=theme_id)
        check_runs(db, principal, theme.consultation_id, self.roles)
        return theme


def staff_run(
    run_id: PathId, principal: Principal = Depends(require_staff), db: Session = Depends(get_db)
) -> AnalysisRun:
    """Loader: the analysis run of the path."""
    run = analysis.get_run(session=db, run_id=run_id)
    check_runs(db, principal, run.consultation_id, STAFF_ROLES)
    return run


Viewable = Depends(StaffConsultation())
Editable = Depends(StaffConsultation(MODERATOR_ROLES))
ViewableCampaign = Depends(CampaignFor())
EditableCampaign = Depends(CampaignFor(MODERATOR_ROLES))
ViewableTheme = Depends(ThemeFor())
EditableTheme = Depends(ThemeFor(MODERATOR_ROLES))
