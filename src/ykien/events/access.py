"""Declared access for the events pages and their JSON twins: loader dependencies that fetch the
object of the path and check the principal's right over its consultation.

Staff whose roles cover the consultation may look; its secretaries (and admins) create, review
and confirm. A recommendation is seen by the staff of its addressee organisation and answered by
the addressee's chair or secretariat, the person made responsible for it, or the consultation's
secretariat.
"""

from __future__ import annotations

from fastapi import Depends
from sqlalchemy.orm import Session

from ykien.accounts.models import Role
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.errors import Forbidden
from ykien.events import service as events
from ykien.events.models import Event, EventReport, Recommendation, Submission
from ykien.events.recommendations import service as recommendations
from ykien.events.reports import service as reports
from ykien.events.submissions import service as submissions
from ykien.orgs.models import Organisation
from ykien.web.access import check_runs, may_run
from ykien.web.deps import MODERATOR_ROLES, STAFF_ROLES, PathId, Principal, require_staff
from ykien.web.tx import get_db

# Who answers a recommendation over its addressee organisation: its chair and its secretariat.
ANSWER_ROLES = (*MODERATOR_ROLES, Role.CHAIR)


def roles_for(manage: bool) -> tuple[str, ...]:
    return MODERATOR_ROLES if manage else STAFF_ROLES


def may(db: Session, principal: Principal, consultation_id: int, roles: tuple[str, ...]) -> bool:
    paths = consultations.authority_paths(session=db, consultation_id=consultation_id)
    return may_run(principal, paths, roles)


def may_manage(db: Session, principal: Principal, consultation_id: int) -> bool:
    return may(db, principal, consultation_id, MODERATOR_ROLES)


class ConsultationEvents:
    """Loader: the consultation of the path, for staff covering it (secretaries if `manage`)."""

    def __init__(self, *, manage: bool = False) -> None:
        self.roles = roles_for(manage)

    def __call__(
        self,
        consultation_id: PathId,
        principal: Principal = Depends(require_staff),
        db: Session = Depends(get_db),
    ) -> Consultation:
        check_runs(db, principal, consultation_id, self.roles)
        return consultations.get(session=db, consultation_id=consultation_id)


class EventFor:
    """Loader: the event of the path, for staff covering its consultation."""

    def __init__(self, *, manage: bool = False) -> None:
        self.roles = roles_for(manage)

    def __call__(
        self,
        event_id: PathId,
        principal: Principal = Depends(require_staff),
        db: Session = Depends(get_db),
    ) -> Event:
        event = events.get_event(session=db, event_id=event_id)
        check_runs(db, principal, event.consultation_id, self.roles)
        return event


def report_for(
    report_id: PathId, principal: Principal = Depends(require_staff), db: Session = Depends(get_db)
) -> EventReport:
    """Loader: the report of the path, for the consultation's secretaries."""
    report = reports.get_report(session=db, report_id=report_id)
    check_runs(db, principal, report.consultation_id, MODERATOR_ROLES)
    return report


def submission_for(
    submission_id: PathId,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Submission:
    """Loader: the written submission of the path, for the consultation's secretaries."""
    submission = submissions.get_submission(session=db, submission_id=submission_id)
    check_runs(db, principal, submission.consultation_id, MODERATOR_ROLES)
    return submission


def _org_path(db: Session, organisation_id: int | None) -> str | None:
    if organisation_id is None:
        return None
    org = db.get(Organisation, organisation_id)
    return org.tree_path if org else None


def may_answer(db: Session, principal: Principal, recommendation: Recommendation) -> bool:
    """The addressee's chair or secretariat, the responsible person, or the consultation's
    secretariat."""
    if recommendation.responsible_person_id == principal.person_id:
        return True
    path = _org_path(db, recommendation.addressee_organisation_id)
    if path is not None and principal.covers(path, ANSWER_ROLES):
        return True
    return may_manage(db, principal, recommendation.consultation_id)


def _check_sees(db: Session, principal: Principal, recommendation: Recommendation) -> None:
    if recommendation.responsible_person_id == principal.person_id:
        return
    path = _org_path(db, recommendation.addressee_organisation_id)
    if path is not None and principal.covers(path, STAFF_ROLES):
        return
    check_runs(db, principal, recommendation.consultation_id, STAFF_ROLES)


def _check_answers(db: Session, principal: Principal, recommendation: Recommendation) -> None:
    if not may_answer(db, principal, recommendation):
        raise Forbidden(
            "recommendation_forbidden",
            "Chỉ lãnh đạo chủ trì, thư ký của đơn vị nhận kiến nghị, người được giao phụ trách"
            " (hoặc thư ký của đợt lấy ý kiến) mới được trả lời.",
            "Only the chair or the secretariat of the addressee, the person responsible (or the"
            " consultation's secretariat) may answer.",
        )


class RecommendationFor:
    """Loader: the recommendation of the path, for those who see it; `answer`: only those who
    may answer it; `assign`: only the consultation's secretaries."""

    def __init__(self, *, answer: bool = False, assign: bool = False) -> None:
        self.answer = answer
        self.assign = assign

    def __call__(
        self,
        recommendation_id: PathId,
        principal: Principal = Depends(require_staff),
        db: Session = Depends(get_db),
    ) -> Recommendation:
        found = recommendations.get_recommendation(session=db, recommendation_id=recommendation_id)
        _check_sees(db, principal, found)
        if self.answer:
            _check_answers(db, principal, found)
        if self.assign:
            check_runs(db, principal, found.consultation_id, MODERATOR_ROLES)
        return found


# The loaders as used in the routes: `event: Event = Depends(managed_event)`.
viewed_event = EventFor()
managed_event = EventFor(manage=True)
seen_recommendation = RecommendationFor()
answered_recommendation = RecommendationFor(answer=True)
assigned_recommendation = RecommendationFor(assign=True)
