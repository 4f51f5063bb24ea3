"""Declared access for the events pages and their JSON twins: loader dependencies that fetch the
object of the path and check the principal's right over its consultation.

Staff whose roles cover the consultation may look; its secretaries (and admins) create, review
and confirm. The secretary of a unit inside the consultation's scope (below its organiser)
records her own unit's events in it and sees its events. A recommendation is seen by the staff
of its addressee organisation and answered by the addressee's chair or secretariat, the person
made responsible for it, or the consultation's secretariat.
"""

from __future__ import annotations

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.accounts.models import Role
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.errors import Forbidden
from ykien.events import service as events
from ykien.events.models import Event, EventOrganiser, EventReport, Recommendation, Submission
from ykien.events.recommendations import service as recommendations
from ykien.events.reports import service as reports
from ykien.events.submissions import service as submissions
from ykien.orgs.models import Organisation
from ykien.web.access import check_runs, consultation_forbidden, may_run, roots_of
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


def unit_roots(
    db: Session, principal: Principal, consultation_id: int, roles: tuple[str, ...]
) -> list[str]:
    """The tree paths of the units inside the consultation's scope where the principal holds
    one of `roles` (the organiser's and scope roots' own paths included)."""
    paths = consultations.authority_paths(session=db, consultation_id=consultation_id)
    return [root for root in roots_of(principal, roles) if any(root.startswith(p) for p in paths)]


def may_record(db: Session, principal: Principal, consultation_id: int) -> bool:
    """Records events in the consultation: its secretariat, or a unit's inside its scope."""
    return bool(unit_roots(db, principal, consultation_id, MODERATOR_ROLES))


def organises(db: Session, principal: Principal, event: Event, roles: tuple[str, ...]) -> bool:
    """True if the principal holds one of `roles` over one of the event's organisers."""
    paths = db.scalars(
        select(Organisation.tree_path)
        .join(EventOrganiser, EventOrganiser.organisation_id == Organisation.id)
        .where(EventOrganiser.event_id == event.id)
    )
    return any(principal.covers(path, roles) for path in paths)


def may_manage_event(db: Session, principal: Principal, event: Event) -> bool:
    """The consultation's secretariat, or the secretary of a unit organising the event."""
    return may_manage(db, principal, event.consultation_id) or organises(
        db, principal, event, MODERATOR_ROLES
    )


def own_organisers(
    db: Session, principal: Principal, consultation_id: int, organiser_ids: list[int]
) -> list[int]:
    """The organisers of an event the principal records: as chosen by the consultation's
    secretariat; a unit's secretary records her own units' events only (hers when none is
    chosen)."""
    if may_manage(db, principal, consultation_id):
        return organiser_ids
    roots = unit_roots(db, principal, consultation_id, MODERATOR_ROLES)
    if not organiser_ids:
        own = db.scalars(select(Organisation.id).where(Organisation.tree_path.in_(roots)))
        return sorted(own)
    for organisation_id in organiser_ids:
        org = db.get(Organisation, organisation_id)
        if org is not None and not any(org.tree_path.startswith(root) for root in roots):
            raise Forbidden(
                "event_organiser_forbidden",
                "Bạn chỉ ghi nhận được sự kiện do đơn vị mình tổ chức.",
                "You may only record events your own unit organises.",
            )
    return organiser_ids


class ConsultationEvents:
    """Loader: the consultation of the path, for staff covering it (secretaries if `manage`);
    with `units`, also for those of a unit inside its scope (who record their own events)."""

    def __init__(self, *, manage: bool = False, units: bool = False) -> None:
        self.roles = roles_for(manage)
        self.units = units

    def __call__(
        self,
        consultation_id: PathId,
        principal: Principal = Depends(require_staff),
        db: Session = Depends(get_db),
    ) -> Consultation:
        if not (self.units and unit_roots(db, principal, consultation_id, self.roles)):
            check_runs(db, principal, consultation_id, self.roles)
        return consultations.get(session=db, consultation_id=consultation_id)


class EventFor:
    """Loader: the event of the path, for staff covering its consultation or a unit inside its
    scope; `manage`: for its secretariat or the secretary of a unit organising the event."""

    def __init__(self, *, manage: bool = False) -> None:
        self.roles = roles_for(manage)
        self.manage = manage

    def __call__(
        self,
        event_id: PathId,
        principal: Principal = Depends(require_staff),
        db: Session = Depends(get_db),
    ) -> Event:
        event = events.get_event(session=db, event_id=event_id)
        if may(db, principal, event.consultation_id, self.roles):
            return event
        if self.manage:
            allowed = organises(db, principal, event, self.roles)
        else:
            allowed = bool(unit_roots(db, principal, event.consultation_id, self.roles))
        if not allowed:
            raise consultation_forbidden()
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


def runnable_consultations(
    db: Session, principal: Principal
) -> list[consultations.ManagedConsultation]:
    """The consultations the principal may run events for (as their secretary or admin)."""
    return consultations.managed_under(session=db, roots=roots_of(principal, MODERATOR_ROLES))


def check_collects_for(db: Session, principal: Principal, consultation_ids: list[int]) -> None:
    """An event collects only for consultations the principal runs."""
    for consultation_id in consultation_ids:
        if not may_manage(db, principal, consultation_id):
            raise Forbidden(
                "consultation_forbidden",
                f"Bạn không phụ trách đợt lấy ý kiến số {consultation_id}.",
                f"You do not run consultation {consultation_id}.",
            )


# The loaders as used in the routes: `event: Event = Depends(managed_event)`.
viewed_event = EventFor()
managed_event = EventFor(manage=True)
seen_recommendation = RecommendationFor()
answered_recommendation = RecommendationFor(answer=True)
assigned_recommendation = RecommendationFor(assign=True)
