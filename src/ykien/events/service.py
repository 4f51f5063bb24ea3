"""Events: recording and editing an event (organisers, attendees, drafts discussed), the
event list and detail, the fast entry of opinions voiced at an event, and in-app notifications.

Report ingestion lives in events.reports, written submissions in events.submissions,
recommendations (kiến nghị) in events.recommendations. Services take a session and never commit;
the caller commits at the request or command boundary, so a refused step leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.accounts import service as accounts
from ykien.accounts.models import Person
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.db.base import utcnow
from ykien.drafts import service as drafts
from ykien.errors import NotFound, UserError
from ykien.events import collects
from ykien.events.checks import checked, checked_kind, required, sha256
from ykien.events.models import (
    Event,
    EventAttendee,
    EventConsultation,
    EventKind,
    EventOrganiser,
    EventStatus,
    EventTopic,
    Notification,
    Recommendation,
    RecommendationStatus,
)
from ykien.events.readers import read_document
from ykien.opinions.models import Opinion
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation

MAX_TITLE = 500
MAX_PLACE = 500
MAX_NAME = 200
MAX_PERSON_TITLE = 300
MAX_AGENDA = 20_000
MAX_MINUTES = 2_000_000
OPEN_STATUSES = (RecommendationStatus.OPEN, RecommendationStatus.IN_PROGRESS)


# ---------------------------------------------------------------------------------------------
# Events


@dataclass(frozen=True, slots=True)
class AttendeeIn:
    """An attendee as entered: a person record or a name, with title and organisation."""

    name: str = ""
    title: str | None = None
    person_id: int | None = None
    organisation_id: int | None = None
    organisation_name: str | None = None


def get_event(*, session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(
            "event_not_found",
            f"Không có sự kiện số {event_id}.",
            f"Event {event_id} does not exist.",
        )
    return event


def _attendee_row(session: Session, event_id: int, given: AttendeeIn) -> EventAttendee:
    name = given.name
    title = given.title
    organisation_id = given.organisation_id
    if given.person_id is not None:
        person = session.get(Person, given.person_id)
        if person is None:
            raise NotFound(
                "person_not_found",
                f"Không có người số {given.person_id}.",
                f"Person {given.person_id} does not exist.",
            )
        name = name or person.full_name
        title = title or person.title
        organisation_id = organisation_id or person.organisation_id
    if organisation_id is not None:
        orgs.get(session=session, organisation_id=organisation_id)
    return EventAttendee(
        event_id=event_id,
        person_id=given.person_id,
        name=accounts.checked_full_name(name),
        title=checked(title, limit=MAX_PERSON_TITLE, field_vi="Chức danh", field_en="The title")
        or None,
        organisation_id=organisation_id,
        organisation_name=checked(
            given.organisation_name, limit=300, field_vi="Tên đơn vị", field_en="The organisation"
        )
        or None,
    )


def _set_organisers(session: Session, event: Event, organiser_ids: Iterable[int]) -> None:
    for row in session.scalars(select(EventOrganiser).where(EventOrganiser.event_id == event.id)):
        session.delete(row)
    session.flush()
    for organisation_id in dict.fromkeys(organiser_ids):
        orgs.get(session=session, organisation_id=organisation_id)
        session.add(EventOrganiser(event_id=event.id, organisation_id=organisation_id))


def _set_attendees(session: Session, event: Event, attendees: Sequence[AttendeeIn]) -> None:
    """Replace the attendees; a name already linked to a person keeps its link."""
    known = {
        vt.name_key(row.name): row.person_id
        for row in session.scalars(select(EventAttendee).where(EventAttendee.event_id == event.id))
    }
    for row in session.scalars(select(EventAttendee).where(EventAttendee.event_id == event.id)):
        session.delete(row)
    session.flush()
    for given in attendees:
        person_id = given.person_id or known.get(vt.name_key(given.name))
        linked = AttendeeIn(
            name=given.name,
            title=given.title,
            person_id=person_id,
            organisation_id=given.organisation_id,
            organisation_name=given.organisation_name,
        )
        session.add(_attendee_row(session, event.id, linked))


def _add_topics(
    session: Session,
    event: Event,
    *,
    consultation_ids: Iterable[int] = (),
    draft_ids: Iterable[int] = (),
    labels: Iterable[str] = (),
) -> None:
    existing = {
        (t.consultation_id, t.draft_id, t.label)
        for t in session.scalars(select(EventTopic).where(EventTopic.event_id == event.id))
    }
    wanted: list[tuple[int | None, int | None, str]] = []
    for consultation_id in consultation_ids:
        consultations.get(session=session, consultation_id=consultation_id)
        wanted.append((consultation_id, None, ""))
    for draft_id in draft_ids:
        drafts.get_draft(session=session, draft_id=draft_id)
        wanted.append((None, draft_id, ""))
    for label in labels:
        cleaned = checked(label, limit=500, field_vi="Tên dự thảo", field_en="The draft name")
        if cleaned:
            wanted.append((None, None, cleaned))
    for key in dict.fromkeys(wanted):
        if key not in existing:
            session.add(
                EventTopic(event_id=event.id, consultation_id=key[0], draft_id=key[1], label=key[2])
            )


@dataclass(frozen=True, slots=True)
class EventFields:
    """The editable fields of an event, checked."""

    title: str
    kind: str
    starts_at: datetime
    place: str
    chair_person_id: int | None
    chair_name: str | None
    chair_title: str | None
    agenda: str
    minutes: str


def _event_fields(
    session: Session,
    *,
    title: str,
    kind: str,
    starts_at: datetime,
    place: str,
    chair_person_id: int | None,
    chair_name: str | None,
    chair_title: str | None,
    agenda: str,
    minutes: str,
) -> EventFields:
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")
    if chair_person_id is not None and session.get(Person, chair_person_id) is None:
        raise NotFound(
            "person_not_found",
            f"Không có người số {chair_person_id}.",
            f"Person {chair_person_id} does not exist.",
        )
    return EventFields(
        title=required(title, limit=MAX_TITLE, field_vi="Tên sự kiện", field_en="The title"),
        kind=checked_kind(kind),
        starts_at=starts_at.astimezone(UTC),
        place=checked(place, limit=MAX_PLACE, field_vi="Địa điểm", field_en="The place"),
        chair_person_id=chair_person_id,
        chair_name=checked(chair_name, limit=MAX_NAME, field_vi="Chủ trì", field_en="The chair")
        or None,
        chair_title=checked(
            chair_title, limit=MAX_PERSON_TITLE, field_vi="Chức danh", field_en="The title"
        )
        or None,
        agenda=checked(agenda, limit=MAX_AGENDA, field_vi="Chương trình", field_en="The agenda"),
        minutes=checked(minutes, limit=MAX_MINUTES, field_vi="Biên bản", field_en="The minutes"),
    )


def create_event(
    *,
    session: Session,
    consultation_id: int,
    title: str,
    kind: str,
    starts_at: datetime,
    place: str = "",
    chair_person_id: int | None = None,
    chair_name: str | None = None,
    chair_title: str | None = None,
    agenda: str = "",
    minutes: str = "",
    minutes_filename: str | None = None,
    minutes_sha256: str | None = None,
    organiser_ids: Sequence[int] = (),
    attendees: Sequence[AttendeeIn] = (),
    topic_consultation_ids: Sequence[int] = (),
    topic_draft_ids: Sequence[int] = (),
    topic_labels: Sequence[str] = (),
    consultation_ids: Sequence[int] = (),
    status: str = EventStatus.CONFIRMED,
    actor_person_id: int | None = None,
) -> Event:
    """Record an event under a consultation, with its organisers, attendees and topics; it
    collects opinions for that consultation and the others of `consultation_ids`."""
    consultations.get(session=session, consultation_id=consultation_id)
    fields = _event_fields(
        session,
        title=title,
        kind=kind,
        starts_at=starts_at,
        place=place,
        chair_person_id=chair_person_id,
        chair_name=chair_name,
        chair_title=chair_title,
        agenda=agenda,
        minutes=minutes,
    )
    event = Event(
        consultation_id=consultation_id,
        title=fields.title,
        kind=fields.kind,
        starts_at=fields.starts_at,
        place=fields.place,
        chair_person_id=fields.chair_person_id,
        chair_name=fields.chair_name,
        chair_title=fields.chair_title,
        agenda=fields.agenda,
        minutes=fields.minutes,
        minutes_filename=minutes_filename,
        minutes_sha256=minutes_sha256,
        status=status if status in set(EventStatus) else EventStatus.CONFIRMED,
        created_by_person_id=actor_person_id,
    )
    session.add(event)
    session.flush()
    collects.set_collected(session=session, event=event, consultation_ids=consultation_ids)
    _set_organisers(session, event, organiser_ids)
    _set_attendees(session, event, attendees)
    _add_topics(
        session,
        event,
        consultation_ids=[consultation_id, *consultation_ids, *topic_consultation_ids],
        draft_ids=topic_draft_ids,
        labels=topic_labels,
    )
    session.flush()
    _audit_created(session, event, organiser_ids, len(attendees), actor_person_id)
    return event


def _audit_created(
    session: Session,
    event: Event,
    organiser_ids: Sequence[int],
    attendee_count: int,
    actor_person_id: int | None,
) -> None:
    audit.record(
        session=session,
        action="event.created",
        entity_type="event",
        entity_id=event.id,
        actor_person_id=actor_person_id,
        payload={
            "consultation_id": event.consultation_id,
            "title": event.title,
            "kind": event.kind,
            "starts_at": event.starts_at.isoformat(),
            "organisers": list(dict.fromkeys(organiser_ids)),
            "attendees": attendee_count,
            "consultations": collects.collected_ids(session=session, event=event),
        },
    )


def update_event(
    *,
    session: Session,
    event_id: int,
    title: str,
    kind: str,
    starts_at: datetime,
    place: str = "",
    chair_person_id: int | None = None,
    chair_name: str | None = None,
    chair_title: str | None = None,
    agenda: str = "",
    minutes: str | None = None,
    minutes_filename: str | None = None,
    minutes_sha256: str | None = None,
    organiser_ids: Sequence[int] = (),
    attendees: Sequence[AttendeeIn] | None = None,
    consultation_ids: Sequence[int] | None = None,
    actor_person_id: int | None = None,
) -> Event:
    """Change an event's fields and organisers (and attendees, minutes and the consultations
    it collects for when given)."""
    event = get_event(session=session, event_id=event_id)
    fields = _event_fields(
        session,
        title=title,
        kind=kind,
        starts_at=starts_at,
        place=place,
        chair_person_id=chair_person_id,
        chair_name=chair_name,
        chair_title=chair_title,
        agenda=agenda,
        minutes=event.minutes if minutes is None else minutes,
    )
    for name in (
        "title",
        "kind",
        "starts_at",
        "place",
        "chair_person_id",
        "chair_name",
        "chair_title",
        "agenda",
        "minutes",
    ):
        setattr(event, name, getattr(fields, name))
    if minutes_sha256 is not None:
        event.minutes_filename = minutes_filename
        event.minutes_sha256 = minutes_sha256
    _set_organisers(session, event, organiser_ids)
    if attendees is not None:
        _set_attendees(session, event, attendees)
    if consultation_ids is not None:
        collects.set_collected(session=session, event=event, consultation_ids=consultation_ids)
        _add_topics(session, event, consultation_ids=consultation_ids)
    session.flush()
    audit.record(
        session=session,
        action="event.updated",
        entity_type="event",
        entity_id=event.id,
        actor_person_id=actor_person_id,
        payload={
            "title": event.title,
            "kind": event.kind,
            "starts_at": event.starts_at.isoformat(),
        },
    )
    return event


def minutes_from_file(data: bytes, *, filename: str, max_bytes: int) -> tuple[str, str]:
    """The text of an uploaded minutes file and its SHA-256; UserError for a bad file."""
    text = read_document(data, filename=filename, max_bytes=max_bytes)
    if len(text) > MAX_MINUTES:
        raise UserError(
            "too_long",
            "Biên bản quá dài.",
            "The minutes are too long.",
        )
    return text, sha256(data)


def event_ids_of(*, session: Session, consultation_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Event.id)
            .where(Event.consultation_id == consultation_id)
            .order_by(Event.starts_at.desc(), Event.id.desc())
        )
    )


@dataclass(frozen=True, slots=True)
class EventSummary:
    event: Event
    organiser_names: list[str]
    opinion_count: int
    recommendation_count: int
    open_recommendation_count: int


def _organiser_names(session: Session, event_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {event_id: [] for event_id in event_ids}
    rows = session.execute(
        select(EventOrganiser.event_id, Organisation.name)
        .join(Organisation, Organisation.id == EventOrganiser.organisation_id)
        .where(EventOrganiser.event_id.in_(event_ids))
        .order_by(EventOrganiser.id)
    )
    for event_id, name in rows:
        names[event_id].append(name)
    return names


def _counts(
    session: Session, column: Any, event_ids: list[int], *conditions: Any
) -> dict[int, int]:
    rows = session.execute(
        select(column, func.count()).where(column.in_(event_ids), *conditions).group_by(column)
    )
    return {event_id: count for event_id, count in rows}


def list_events(*, session: Session, consultation_id: int) -> list[EventSummary]:
    """The events recorded under the consultation or collecting for it, latest first."""
    consultations.get(session=session, consultation_id=consultation_id)
    collecting = select(EventConsultation.event_id).where(
        EventConsultation.consultation_id == consultation_id
    )
    events = list(
        session.scalars(
            select(Event)
            .where(or_(Event.consultation_id == consultation_id, Event.id.in_(collecting)))
            .order_by(Event.starts_at.desc(), Event.id.desc())
        )
    )
    ids = [e.id for e in events]
    names = _organiser_names(session, ids)
    opinion_counts = _counts(session, Opinion.event_id, ids)
    recommendation_counts = _counts(session, Recommendation.event_id, ids)
    open_counts = _counts(
        session, Recommendation.event_id, ids, Recommendation.status.in_(OPEN_STATUSES)
    )
    return [
        EventSummary(
            event=e,
            organiser_names=names.get(e.id, []),
            opinion_count=opinion_counts.get(e.id, 0),
            recommendation_count=recommendation_counts.get(e.id, 0),
            open_recommendation_count=open_counts.get(e.id, 0),
        )
        for e in events
    ]


@dataclass(frozen=True, slots=True)
class OrganisationRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class TopicRow:
    consultation_id: int | None
    draft_id: int | None
    label: str


@dataclass
class EventDetail:
    event: Event
    organisers: list[OrganisationRef]
    attendees: list[EventAttendee]
    topics: list[TopicRow]
    opinions: list[Opinion]
    recommendations: list[Recommendation]
    # for a dialogue meeting: earlier recommendations to the same addressees still open
    earlier_open: list[Recommendation] = field(default_factory=list)
    # the consultations (drafts) the event collects for, its own first
    consultations: list[collects.CollectedConsultation] = field(default_factory=list)


def event_detail(*, session: Session, event_id: int) -> EventDetail:
    event = get_event(session=session, event_id=event_id)
    organisers = [
        OrganisationRef(org_id, name)
        for org_id, name in session.execute(
            select(Organisation.id, Organisation.name)
            .join(EventOrganiser, EventOrganiser.organisation_id == Organisation.id)
            .where(EventOrganiser.event_id == event_id)
            .order_by(EventOrganiser.id)
        )
    ]
    attendees = list(
        session.scalars(
            select(EventAttendee)
            .where(EventAttendee.event_id == event_id)
            .order_by(EventAttendee.id)
        )
    )
    topics = [
        TopicRow(t.consultation_id, t.draft_id, t.label or _topic_label(session, t))
        for t in session.scalars(
            select(EventTopic).where(EventTopic.event_id == event_id).order_by(EventTopic.id)
        )
    ]
    event_opinions = list(
        session.scalars(select(Opinion).where(Opinion.event_id == event_id).order_by(Opinion.id))
    )
    recommendations = list(
        session.scalars(
            select(Recommendation)
            .where(Recommendation.event_id == event_id)
            .order_by(Recommendation.id)
        )
    )
    detail = EventDetail(event, organisers, attendees, topics, event_opinions, recommendations)
    detail.consultations = collects.collected(session=session, event=event)
    if event.kind == EventKind.DIALOGUE:
        detail.earlier_open = earlier_open_recommendations(session=session, event_id=event_id)
    return detail


def _topic_label(session: Session, topic: EventTopic) -> str:
    if topic.consultation_id is not None:
        consultation = session.get(Consultation, topic.consultation_id)
        return consultation.title if consultation else ""
    if topic.draft_id is not None:
        return drafts.get_draft(session=session, draft_id=topic.draft_id).title
    return ""


def add_event_opinion(**fields: Any) -> Opinion:
    """Kept for callers of the former place: see events.entry.add_event_opinion."""
    from ykien.events.entry import add_event_opinion as add  # entry builds on this module

    return add(**fields)


# ---------------------------------------------------------------------------------------------
# Notifications


def notify(
    *,
    session: Session,
    text: str,
    link: str = "",
    person_id: int | None = None,
    organisation_id: int | None = None,
    now: datetime | None = None,
) -> Notification:
    """An in-app message to a person or an organisation's secretariat."""
    notification = Notification(
        person_id=person_id,
        organisation_id=organisation_id,
        text=text,
        link=link[:500],
        created_at=now or utcnow(),
    )
    session.add(notification)
    session.flush()
    return notification


def notifications_for(
    *, session: Session, person_id: int | None, organisation_ids: Iterable[int], limit: int = 50
) -> list[Notification]:
    """Newest first: those addressed to the person or to one of the organisations."""
    ids = list(organisation_ids)
    conditions = []
    if person_id is not None:
        conditions.append(Notification.person_id == person_id)
    if ids:
        conditions.append(Notification.organisation_id.in_(ids))
    if not conditions:
        return []
    return list(
        session.scalars(
            select(Notification)
            .where(or_(*conditions))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


# ---------------------------------------------------------------------------------------------
# Open recommendations shown with a dialogue meeting


def earlier_open_recommendations(*, session: Session, event_id: int) -> list[Recommendation]:
    """For a dialogue: earlier recommendations to the same addressees that are still open.

    The addressees are those of the event's own recommendations and its organisers.
    """
    event = get_event(session=session, event_id=event_id)
    addressees = set(
        session.scalars(
            select(Recommendation.addressee_organisation_id).where(
                Recommendation.event_id == event_id,
                Recommendation.addressee_organisation_id.is_not(None),
            )
        )
    ) | set(
        session.scalars(
            select(EventOrganiser.organisation_id).where(EventOrganiser.event_id == event_id)
        )
    )
    if not addressees:
        return []
    earlier_events = select(Event.id).where(Event.starts_at < event.starts_at)
    return list(
        session.scalars(
            select(Recommendation)
            .where(
                Recommendation.addressee_organisation_id.in_(addressees),
                Recommendation.status.in_(OPEN_STATUSES),
                or_(
                    and_(
                        Recommendation.event_id.is_(None),
                        Recommendation.created_at < event.starts_at,
                    ),
                    Recommendation.event_id.in_(earlier_events),
                ),
            )
            .order_by(Recommendation.due_on, Recommendation.id)
        )
    )
