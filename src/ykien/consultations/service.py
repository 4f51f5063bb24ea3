"""Consultations: create, open, close, scope checks, subcommittees."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.accounts import service as accounts
from ykien.audit import service as audit
from ykien.consultations.models import (
    Consultation,
    ConsultationScope,
    ConsultationStatus,
    Subcommittee,
    SubcommitteeSection,
)
from ykien.db.base import utcnow
from ykien.drafts.models import DraftVersion, Section
from ykien.errors import NotFound, UserError
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.timefmt import format_datetime


def create(
    *,
    session: Session,
    title: str,
    draft_version_id: int,
    organiser_id: int,
    opens_at: datetime,
    closes_at: datetime,
    scope_organisation_ids: list[int] | None = None,
    description: str = "",
    allow_anonymous: bool = False,
    opinions_public: bool = True,
    identity_required: bool = True,
    actor_person_id: int | None = None,
) -> Consultation:
    """A consultation in status draft; scope defaults to the organiser's subtree."""
    title = vt.collapse_spaces(vt.clean(title))
    if not title or len(title) > 500:
        raise UserError(
            "consultation_title_invalid",
            "Tiêu đề đợt lấy ý kiến phải có từ 1 đến 500 ký tự.",
            "A consultation title must have 1 to 500 characters.",
        )
    if closes_at <= opens_at:
        raise UserError(
            "consultation_window_invalid",
            "Thời điểm kết thúc phải sau thời điểm bắt đầu.",
            "The closing time must be after the opening time.",
        )
    if session.get(DraftVersion, draft_version_id) is None:
        raise NotFound(
            "version_not_found",
            f"Không có phiên bản dự thảo số {draft_version_id}.",
            f"Draft version {draft_version_id} does not exist.",
        )
    orgs.get(session=session, organisation_id=organiser_id)
    scope_ids = list(dict.fromkeys(scope_organisation_ids or [organiser_id]))
    for org_id in scope_ids:
        orgs.get(session=session, organisation_id=org_id)
    consultation = Consultation(
        title=title,
        description=vt.clean(description),
        draft_version_id=draft_version_id,
        organiser_id=organiser_id,
        opens_at=opens_at,
        closes_at=closes_at,
        allow_anonymous=allow_anonymous,
        opinions_public=opinions_public,
        identity_required=identity_required,
        status=ConsultationStatus.DRAFT,
    )
    session.add(consultation)
    session.flush()
    session.add_all(
        ConsultationScope(consultation_id=consultation.id, organisation_id=org_id)
        for org_id in scope_ids
    )
    audit.record(
        session=session,
        action="consultation.created",
        entity_type="consultation",
        entity_id=consultation.id,
        actor_person_id=actor_person_id,
        payload={
            "title": title,
            "draft_version_id": draft_version_id,
            "scope": scope_ids,
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
        },
    )
    return consultation


def get(*, session: Session, consultation_id: int) -> Consultation:
    consultation = session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound(
            "consultation_not_found",
            f"Không có đợt lấy ý kiến số {consultation_id}.",
            f"Consultation {consultation_id} does not exist.",
        )
    return consultation


_STATUS_ACTIONS: dict[str, str] = {
    ConsultationStatus.OPEN: "consultation.opened",
    ConsultationStatus.CLOSED: "consultation.closed",
}


def _set_status(
    session: Session, consultation_id: int, status: str, actor_person_id: int | None
) -> Consultation:
    consultation = get(session=session, consultation_id=consultation_id)
    if consultation.status == status:
        return consultation
    consultation.status = status
    audit.record(
        session=session,
        action=_STATUS_ACTIONS[status],
        entity_type="consultation",
        entity_id=consultation_id,
        actor_person_id=actor_person_id,
    )
    return consultation


def open_(
    *, session: Session, consultation_id: int, actor_person_id: int | None = None
) -> Consultation:
    """Publish the consultation: it takes opinions within its window."""
    return _set_status(session, consultation_id, ConsultationStatus.OPEN, actor_person_id)


def close(
    *, session: Session, consultation_id: int, actor_person_id: int | None = None
) -> Consultation:
    return _set_status(session, consultation_id, ConsultationStatus.CLOSED, actor_person_id)


def ensure_accepting(consultation: Consultation, now: datetime | None = None) -> None:
    """Raise a clear error unless the consultation takes opinions at `now`."""
    now = now or utcnow()
    if consultation.status == ConsultationStatus.DRAFT:
        raise UserError(
            "consultation_not_published",
            "Đợt lấy ý kiến này chưa được công bố.",
            "This consultation has not been published yet.",
        )
    if now < consultation.opens_at:
        when = format_datetime(consultation.opens_at)
        raise UserError(
            "consultation_not_open_yet",
            f"Đợt lấy ý kiến chưa bắt đầu; bắt đầu nhận ý kiến lúc {when}.",
            f"The consultation is not open yet; it opens at {when}.",
        )
    if consultation.status == ConsultationStatus.CLOSED or now >= consultation.closes_at:
        when = format_datetime(consultation.closes_at)
        raise UserError(
            "consultation_closed",
            f"Đợt lấy ý kiến đã kết thúc lúc {when}; không nhận thêm ý kiến.",
            f"The consultation closed at {when}; no more opinions are taken.",
        )


def scope_org_ids(*, session: Session, consultation_id: int) -> set[int]:
    """Every organisation in the consultation's scope (the scope roots' subtrees)."""
    roots = session.execute(
        select(Organisation.tree_path)
        .join(ConsultationScope, ConsultationScope.organisation_id == Organisation.id)
        .where(ConsultationScope.consultation_id == consultation_id)
    ).scalars()
    ids: set[int] = set()
    for prefix in roots:
        ids.update(
            session.execute(
                select(Organisation.id).where(Organisation.tree_path.startswith(prefix))
            ).scalars()
        )
    return ids


def person_in_scope(*, session: Session, consultation_id: int, person_id: int) -> bool:
    scope = scope_org_ids(session=session, consultation_id=consultation_id)
    return any(
        org.id in scope for org in accounts.organisations_of(session=session, person_id=person_id)
    )


def add_subcommittee(
    *,
    session: Session,
    consultation_id: int,
    organisation_id: int,
    name: str,
    section_ids: list[int],
    actor_person_id: int | None = None,
) -> Subcommittee:
    """A subcommittee that handles the given sections of the consultation's draft version."""
    consultation = get(session=session, consultation_id=consultation_id)
    orgs.get(session=session, organisation_id=organisation_id)
    name = vt.collapse_spaces(vt.clean(name))
    if not name or len(name) > 300:
        raise UserError(
            "subcommittee_name_invalid",
            "Tên tiểu ban phải có từ 1 đến 300 ký tự.",
            "A subcommittee name must have 1 to 300 characters.",
        )
    wanted = set(section_ids)
    found = set(
        session.execute(
            select(Section.id).where(
                Section.id.in_(wanted), Section.version_id == consultation.draft_version_id
            )
        ).scalars()
    )
    if wanted - found:
        missing = ", ".join(str(i) for i in sorted(wanted - found))
        raise UserError(
            "section_not_in_draft",
            f"Các mục sau không thuộc dự thảo của đợt lấy ý kiến: {missing}.",
            f"These sections are not in the consultation's draft: {missing}.",
        )
    subcommittee = Subcommittee(
        consultation_id=consultation_id, organisation_id=organisation_id, name=name
    )
    session.add(subcommittee)
    session.flush()
    session.add_all(
        SubcommitteeSection(subcommittee_id=subcommittee.id, section_id=section_id)
        for section_id in sorted(wanted)
    )
    audit.record(
        session=session,
        action="subcommittee.created",
        entity_type="subcommittee",
        entity_id=subcommittee.id,
        actor_person_id=actor_person_id,
        payload={"consultation_id": consultation_id, "name": name, "sections": sorted(wanted)},
    )
    return subcommittee
