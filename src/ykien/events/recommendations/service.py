"""Recommendations (kiến nghị): raised at an event or in a written opinion, assigned to an
addressee with a due date, answered (the raiser is notified), followed up in an inbox. Services
take a session and never commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.accounts.models import Person
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.db.base import utcnow
from ykien.errors import Conflict, NotFound, UserError
from ykien.events.checks import checked, required, sha256, today_in_vietnam
from ykien.events.models import (
    Recommendation,
    RecommendationStatus,
)
from ykien.events.service import (
    MAX_NAME,
    OPEN_STATUSES,
    get_event,
    notify,
)
from ykien.opinions import service as opinions
from ykien.orgs import service as orgs
from ykien.timefmt import VN_TZ

MAX_ANSWER = 20_000
MAX_RECOMMENDATION = 10_000


# ---------------------------------------------------------------------------------------------
# Recommendations


def get_recommendation(*, session: Session, recommendation_id: int) -> Recommendation:
    found = session.get(Recommendation, recommendation_id)
    if found is None:
        raise NotFound(
            "recommendation_not_found",
            f"Không có kiến nghị số {recommendation_id}.",
            f"Recommendation {recommendation_id} does not exist.",
        )
    return found


def _check_people_and_orgs(
    session: Session, organisation_ids: Iterable[int | None], person_id: int | None
) -> None:
    for organisation_id in organisation_ids:
        if organisation_id is not None:
            orgs.get(session=session, organisation_id=organisation_id)
    if person_id is not None and session.get(Person, person_id) is None:
        raise NotFound(
            "person_not_found", f"Không có người số {person_id}.", f"No person {person_id}."
        )


def create_recommendation(
    *,
    session: Session,
    consultation_id: int,
    text: str,
    event_id: int | None = None,
    opinion_id: int | None = None,
    addressee_organisation_id: int | None = None,
    responsible_person_id: int | None = None,
    responsible_name: str | None = None,
    due_on: date | None = None,
    raised_by_organisation_id: int | None = None,
    raised_by_person_id: int | None = None,
    actor_person_id: int | None = None,
) -> Recommendation:
    """Record a recommendation raised at an event or in a written opinion."""
    consultations.get(session=session, consultation_id=consultation_id)
    body = required(
        text, limit=MAX_RECOMMENDATION, field_vi="Nội dung kiến nghị", field_en="The text"
    )
    if event_id is not None:
        get_event(session=session, event_id=event_id)
    if opinion_id is not None:
        opinions.get(session=session, opinion_id=opinion_id)
    _check_people_and_orgs(
        session, (addressee_organisation_id, raised_by_organisation_id), responsible_person_id
    )
    recommendation = Recommendation(
        consultation_id=consultation_id,
        event_id=event_id,
        opinion_id=opinion_id,
        text=body,
        addressee_organisation_id=addressee_organisation_id,
        responsible_person_id=responsible_person_id,
        responsible_name=checked(
            responsible_name, limit=MAX_NAME, field_vi="Người phụ trách", field_en="Responsible"
        )
        or None,
        due_on=due_on,
        raised_by_organisation_id=raised_by_organisation_id,
        raised_by_person_id=raised_by_person_id,
        created_by_person_id=actor_person_id,
    )
    session.add(recommendation)
    session.flush()
    audit.record(
        session=session,
        action="recommendation.created",
        entity_type="recommendation",
        entity_id=recommendation.id,
        actor_person_id=actor_person_id,
        payload={
            "consultation_id": consultation_id,
            "event_id": event_id,
            "opinion_id": opinion_id,
            "addressee": addressee_organisation_id,
            "due_on": due_on.isoformat() if due_on else None,
        },
    )
    return recommendation


def assign_recommendation(
    *,
    session: Session,
    recommendation_id: int,
    addressee_organisation_id: int | None,
    responsible_person_id: int | None = None,
    responsible_name: str | None = None,
    due_on: date | None = None,
    actor_person_id: int | None = None,
) -> Recommendation:
    """Set who must answer, who is responsible and by when."""
    recommendation = get_recommendation(session=session, recommendation_id=recommendation_id)
    _check_people_and_orgs(session, (addressee_organisation_id,), responsible_person_id)
    recommendation.addressee_organisation_id = addressee_organisation_id
    recommendation.responsible_person_id = responsible_person_id
    recommendation.responsible_name = (
        checked(
            responsible_name, limit=MAX_NAME, field_vi="Người phụ trách", field_en="Responsible"
        )
        or None
    )
    recommendation.due_on = due_on
    session.flush()
    audit.record(
        session=session,
        action="recommendation.assigned",
        entity_type="recommendation",
        entity_id=recommendation.id,
        actor_person_id=actor_person_id,
        payload={
            "addressee": addressee_organisation_id,
            "responsible_person_id": responsible_person_id,
            "due_on": due_on.isoformat() if due_on else None,
        },
    )
    return recommendation


def set_recommendation_status(
    *,
    session: Session,
    recommendation_id: int,
    status: str,
    actor_person_id: int | None = None,
) -> Recommendation:
    """Open, in progress or closed; "answered" comes with an answer (answer_recommendation)."""
    recommendation = get_recommendation(session=session, recommendation_id=recommendation_id)
    if status not in set(RecommendationStatus) or status == RecommendationStatus.ANSWERED:
        raise UserError(
            "recommendation_status_invalid",
            f"Trạng thái không hợp lệ: {status}. Muốn trả lời, hãy nhập nội dung trả lời.",
            f"Not a valid status: {status}. To answer, write the answer.",
        )
    previous = recommendation.status
    recommendation.status = status
    session.flush()
    audit.record(
        session=session,
        action="recommendation.status_changed",
        entity_type="recommendation",
        entity_id=recommendation.id,
        actor_person_id=actor_person_id,
        payload={"from": previous, "to": status},
    )
    return recommendation


def answer_recommendation(
    *,
    session: Session,
    recommendation_id: int,
    answer: str,
    actor_person_id: int | None = None,
    now: datetime | None = None,
) -> Recommendation:
    """Record the answer; the raiser (organisation and person) is notified."""
    now = now or utcnow()
    recommendation = get_recommendation(session=session, recommendation_id=recommendation_id)
    if recommendation.status == RecommendationStatus.CLOSED:
        raise Conflict(
            "recommendation_closed",
            "Kiến nghị này đã đóng; không trả lời thêm.",
            "This recommendation is closed; it takes no more answers.",
        )
    body = required(answer, limit=MAX_ANSWER, field_vi="Nội dung trả lời", field_en="The answer")
    recommendation.answer = body
    recommendation.answered_at = now
    recommendation.status = RecommendationStatus.ANSWERED
    message = f"Kiến nghị đã được trả lời: {recommendation.text[:150]}"
    link = f"/recommendations/{recommendation.id}"
    notified = False
    if recommendation.raised_by_organisation_id is not None:
        notify(
            session=session,
            text=message,
            link=link,
            organisation_id=recommendation.raised_by_organisation_id,
            now=now,
        )
        notified = True
    if recommendation.raised_by_person_id is not None:
        notify(
            session=session,
            text=message,
            link=link,
            person_id=recommendation.raised_by_person_id,
            now=now,
        )
        notified = True
    if notified:
        recommendation.notified_at = now
    session.flush()
    audit.record(
        session=session,
        action="recommendation.answered",
        entity_type="recommendation",
        entity_id=recommendation.id,
        actor_person_id=actor_person_id,
        payload={"answer_sha256": sha256(body.encode("utf-8")), "notified": notified},
        occurred_at=now,
    )
    return recommendation


def inbox(
    *, session: Session, organisation_ids: Iterable[int], include_done: bool = False
) -> list[Recommendation]:
    """Recommendations addressed to the organisations, by due date (none last)."""
    ids = list(organisation_ids)
    if not ids:
        return []
    statement = select(Recommendation).where(Recommendation.addressee_organisation_id.in_(ids))
    if not include_done:
        statement = statement.where(Recommendation.status.in_(OPEN_STATUSES))
    rows = list(session.scalars(statement.order_by(Recommendation.id)))
    rows.sort(key=lambda r: (r.due_on is None, r.due_on or date.max, r.id))
    return rows


def overdue(
    *, session: Session, organisation_ids: Iterable[int] | None = None, today: date | None = None
) -> list[Recommendation]:
    """Not answered or closed and due before today (Vietnam time)."""
    today = today or today_in_vietnam()
    statement = select(Recommendation).where(
        Recommendation.status.in_(OPEN_STATUSES),
        Recommendation.due_on.is_not(None),
        Recommendation.due_on < today,
    )
    if organisation_ids is not None:
        statement = statement.where(
            Recommendation.addressee_organisation_id.in_(list(organisation_ids))
        )
    return list(session.scalars(statement.order_by(Recommendation.due_on, Recommendation.id)))


def recommendations_of(*, session: Session, consultation_id: int) -> list[Recommendation]:
    return list(
        session.scalars(
            select(Recommendation)
            .where(Recommendation.consultation_id == consultation_id)
            .order_by(Recommendation.id)
        )
    )


def due_date_of(value: str) -> date | None:
    """A due date typed as dd/mm/yyyy or yyyy-mm-dd; None when empty."""
    value = value.strip()
    if not value:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise UserError(
        "due_date_invalid",
        f"Hạn trả lời không hợp lệ: “{value[:40]}” (cần dd/mm/yyyy).",
        f"The due date is not valid: “{value[:40]}” (expected dd/mm/yyyy).",
    )


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=VN_TZ).astimezone(UTC)
