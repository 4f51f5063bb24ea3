"""Events, fast entry of what was said, report ingestion and review, written submissions,
recommendations and their follow-up.

Services take a session and never commit; the caller commits at the request or command
boundary, so a refused step leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
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
from ykien.drafts.models import Section
from ykien.drafts.refs import SectionIndex
from ykien.errors import Conflict, NotFound, UserError
from ykien.events.extract import EventProposal, extract_event
from ykien.events.models import (
    Event,
    EventAttendee,
    EventKind,
    EventOrganiser,
    EventReport,
    EventStatus,
    EventTopic,
    ItemState,
    Notification,
    Recommendation,
    RecommendationStatus,
    ReportItem,
    Submission,
    SubmissionOpinion,
)
from ykien.events.readers import read_document
from ykien.events.submissions import split_submission
from ykien.opinions import service as opinions
from ykien.opinions.models import Channel, Opinion, OpinionKind
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.timefmt import VN_TZ

MAX_TITLE = 500
MAX_PLACE = 500
MAX_NAME = 200
MAX_PERSON_TITLE = 300
MAX_AGENDA = 20_000
MAX_MINUTES = 2_000_000
MAX_REPORT_CHARS = 500_000
MAX_ANSWER = 20_000
MAX_RECOMMENDATION = 10_000
MAX_LOOKUP = 20
# The fields of a report whose items are reviewed one by one, in display order.
REPORT_FIELDS = (
    "title",
    "date",
    "place",
    "organiser",
    "person",
    "organisation",
    "draft",
    "opinion",
    "recommendation",
    "commitment",
    "resolution",
)
_OPEN_STATUSES = (RecommendationStatus.OPEN, RecommendationStatus.IN_PROGRESS)
# "k2 đ5", "đ5", "c2": the short forms secretaries type for khoản, Điều, chương.
_SHORT_FORMS = (
    (re.compile(r"(?<!\w)[kK]\.?\s*(\d{1,3})(?!\w)"), "khoản {}"),
    (re.compile(r"(?<!\w)[dđDĐ]\.?\s*(\d{1,4}[a-z]?)(?!\w)"), "Điều {}"),
    (re.compile(r"(?<!\w)[cC]\.?\s*([IVXLCivxlc]+|\d{1,3})(?!\w)"), "Chương {}"),
)


# ---------------------------------------------------------------------------------------------
# Checks


def _checked(value: str | None, *, limit: int, field_vi: str, field_en: str) -> str:
    """NFC, control characters stripped, spaces trimmed, at most `limit` characters."""
    cleaned = vt.clean(value or "").strip()
    if len(cleaned) > limit:
        raise UserError(
            "too_long",
            f"{field_vi} dài quá {limit:,} ký tự.".replace(",", "."),
            f"{field_en} is longer than {limit:,} characters.",
        )
    return cleaned


def _required(value: str | None, *, limit: int, field_vi: str, field_en: str) -> str:
    cleaned = _checked(value, limit=limit, field_vi=field_vi, field_en=field_en)
    if not cleaned:
        raise UserError(
            "field_required",
            f"{field_vi} không được để trống.",
            f"{field_en} is required.",
        )
    return cleaned


def checked_kind(kind: str) -> str:
    if kind not in set(EventKind):
        raise UserError(
            "event_kind_invalid",
            f"Loại sự kiện không hợp lệ: {kind}.",
            f"Unknown event kind: {kind}.",
        )
    return kind


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def today_in_vietnam(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(VN_TZ).date()


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
        title=_checked(title, limit=MAX_PERSON_TITLE, field_vi="Chức danh", field_en="The title")
        or None,
        organisation_id=organisation_id,
        organisation_name=_checked(
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
        cleaned = _checked(label, limit=500, field_vi="Tên dự thảo", field_en="The draft name")
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
        title=_required(title, limit=MAX_TITLE, field_vi="Tên sự kiện", field_en="The title"),
        kind=checked_kind(kind),
        starts_at=starts_at.astimezone(UTC),
        place=_checked(place, limit=MAX_PLACE, field_vi="Địa điểm", field_en="The place"),
        chair_person_id=chair_person_id,
        chair_name=_checked(chair_name, limit=MAX_NAME, field_vi="Chủ trì", field_en="The chair")
        or None,
        chair_title=_checked(
            chair_title, limit=MAX_PERSON_TITLE, field_vi="Chức danh", field_en="The title"
        )
        or None,
        agenda=_checked(agenda, limit=MAX_AGENDA, field_vi="Chương trình", field_en="The agenda"),
        minutes=_checked(minutes, limit=MAX_MINUTES, field_vi="Biên bản", field_en="The minutes"),
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
    status: str = EventStatus.CONFIRMED,
    actor_person_id: int | None = None,
) -> Event:
    """Record an event under a consultation, with its organisers, attendees and topics."""
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
    _set_organisers(session, event, organiser_ids)
    _set_attendees(session, event, attendees)
    _add_topics(
        session,
        event,
        consultation_ids=[consultation_id, *topic_consultation_ids],
        draft_ids=topic_draft_ids,
        labels=topic_labels,
    )
    session.flush()
    audit.record(
        session=session,
        action="event.created",
        entity_type="event",
        entity_id=event.id,
        actor_person_id=actor_person_id,
        payload={
            "consultation_id": consultation_id,
            "title": event.title,
            "kind": event.kind,
            "starts_at": event.starts_at.isoformat(),
            "organisers": list(dict.fromkeys(organiser_ids)),
            "attendees": len(attendees),
        },
    )
    return event


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
    actor_person_id: int | None = None,
) -> Event:
    """Change an event's fields and organisers (and attendees and minutes when given)."""
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
    return text, _sha256(data)


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
    """The consultation's events, latest first, with their counts."""
    consultations.get(session=session, consultation_id=consultation_id)
    events = list(
        session.scalars(
            select(Event)
            .where(Event.consultation_id == consultation_id)
            .order_by(Event.starts_at.desc(), Event.id.desc())
        )
    )
    ids = [e.id for e in events]
    names = _organiser_names(session, ids)
    opinion_counts = _counts(session, Opinion.event_id, ids)
    recommendation_counts = _counts(session, Recommendation.event_id, ids)
    open_counts = _counts(
        session, Recommendation.event_id, ids, Recommendation.status.in_(_OPEN_STATUSES)
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


# ---------------------------------------------------------------------------------------------
# Look-ups for fast entry


@dataclass(frozen=True, slots=True)
class PersonChoice:
    id: int
    full_name: str
    title: str | None
    organisation: str | None


def search_people(*, session: Session, query: str, limit: int = 10) -> list[PersonChoice]:
    """People whose name contains every word typed, ignoring case, diacritics and tone placement."""
    words = vt.name_key(vt.clean(query))[:100].split()
    if not words:
        return []
    statement = (
        select(Person.id, Person.full_name, Person.title, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(*(Person.name_key.contains(word, autoescape=True) for word in words[:6]))
        .limit(500)
    )
    found = [PersonChoice(*row) for row in session.execute(statement)]
    found.sort(key=lambda p: (vt.person_sort_key(p.full_name), p.id))
    return found[: min(limit, MAX_LOOKUP)]


def expand_short_forms(typed: str) -> str:
    """ "k2 đ5" -> "khoản 2 Điều 5": the abbreviations secretaries type, spelled out."""
    expanded = vt.clean(typed)
    for pattern, template in _SHORT_FORMS:
        expanded = pattern.sub(_spelled_out(template), expanded)
    return expanded


def _spelled_out(template: str) -> Callable[[re.Match[str]], str]:
    return lambda match: template.format(match.group(1))


def _consultation_sections(session: Session, consultation_id: int) -> list[Section]:
    consultation = consultations.get(session=session, consultation_id=consultation_id)
    return drafts.sections_of(session=session, version_id=consultation.draft_version_id)


def resolve_section(
    *, session: Session, consultation_id: int, typed: str, sections: Sequence[Section] | None = None
) -> Section | None:
    """The section a typed reference names ("đ5", "dieu 5", "k2 đ5"), or None if unclear."""
    if not typed.strip():
        return None
    sections = (
        sections if sections is not None else _consultation_sections(session, consultation_id)
    )
    index = SectionIndex(sections)
    found = index.resolve_text(typed[:200])
    if found is None:
        found = index.resolve_text(expand_short_forms(typed[:200]))
    return sections[found] if found is not None else None


@dataclass(frozen=True, slots=True)
class SectionChoice:
    id: int
    label: str
    heading: str


def search_sections(
    *, session: Session, consultation_id: int, query: str, limit: int = 10
) -> list[SectionChoice]:
    """The section a reference names first, then its subsections, then labels that match."""
    sections = _consultation_sections(session, consultation_id)
    limit = min(limit, MAX_LOOKUP)
    chosen: list[Section] = []
    named = resolve_section(
        session=session, consultation_id=consultation_id, typed=query, sections=sections
    )
    if named is not None:
        chosen.append(named)
        chosen.extend(s for s in sections if s.parent_id == named.id)
    wanted = vt.name_key(expand_short_forms(query))
    if wanted:
        chosen.extend(
            s for s in sections if vt.name_key(f"{s.label} {s.heading}").startswith(wanted)
        )
    unique = list({s.id: s for s in chosen}.values())[:limit]
    return [SectionChoice(s.id, s.label, s.heading) for s in unique]


# ---------------------------------------------------------------------------------------------
# Fast entry


def _author_fields(
    session: Session,
    event: Event,
    *,
    person_id: int | None,
    name: str | None,
) -> dict[str, Any]:
    """submit()'s author fields: the person if in scope, else their name, else the organiser."""
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFound(
                "person_not_found",
                f"Không có người số {person_id}.",
                f"Person {person_id} does not exist.",
            )
        if consultations.person_in_scope(
            session=session, consultation_id=event.consultation_id, person_id=person_id
        ):
            return {"author_person_id": person_id}
        return {"author_name": person.full_name}
    if name:
        return {"author_name": name}
    scope = consultations.scope_org_ids(session=session, consultation_id=event.consultation_id)
    for organisation_id in session.scalars(
        select(EventOrganiser.organisation_id)
        .where(EventOrganiser.event_id == event.id)
        .order_by(EventOrganiser.id)
    ):
        if organisation_id in scope:
            return {"on_behalf_of_id": organisation_id}
    return {"author_name": event.title[:MAX_NAME]}


def _ensure_attendee(session: Session, event: Event, person_id: int | None, name: str) -> None:
    """A speaker not yet listed among the attendees is added to them."""
    rows = session.scalars(select(EventAttendee).where(EventAttendee.event_id == event.id))
    key = vt.name_key(name)
    for row in rows:
        if (person_id is not None and row.person_id == person_id) or vt.name_key(row.name) == key:
            return
    session.add(_attendee_row(session, event.id, AttendeeIn(name=name, person_id=person_id)))


def add_event_opinion(
    *,
    session: Session,
    event_id: int,
    text: str,
    speaker_person_id: int | None = None,
    speaker_name: str | None = None,
    section_ref: str | None = None,
    section_id: int | None = None,
    kind: str = OpinionKind.COMMENT,
    proposed_wording: str | None = None,
    idempotency_key: str | None = None,
    actor_person_id: int | None = None,
    max_chars: int = 10_000,
    now: datetime | None = None,
) -> Opinion:
    """Record one opinion voiced at the event (channel "event"), the section given as typed."""
    event = get_event(session=session, event_id=event_id)
    name = _checked(speaker_name, limit=MAX_NAME, field_vi="Người phát biểu", field_en="Speaker")
    if section_id is None and section_ref and section_ref.strip():
        section = resolve_section(
            session=session, consultation_id=event.consultation_id, typed=section_ref
        )
        if section is None:
            raise UserError(
                "section_reference_unknown",
                f"Không tìm thấy mục “{section_ref.strip()[:80]}” trong dự thảo.",
                f"No section “{section_ref.strip()[:80]}” in the draft.",
            )
        section_id = section.id
    author = _author_fields(session, event, person_id=speaker_person_id, name=name or None)
    result = opinions.submit(
        session=session,
        consultation_id=event.consultation_id,
        text=text,
        kind=kind,
        section_id=section_id,
        proposed_wording=proposed_wording,
        channel=Channel.EVENT,
        event_id=event.id,
        idempotency_key=idempotency_key,
        max_chars=max_chars,
        now=now,
        **author,
    )
    if result.created and (speaker_person_id is not None or name):
        speaker = name
        if not speaker and speaker_person_id is not None:
            person = session.get(Person, speaker_person_id)
            speaker = person.full_name if person else ""
        _ensure_attendee(session, event, speaker_person_id, speaker)
        session.flush()
    if result.created and actor_person_id is not None:
        audit.record(
            session=session,
            action="event.opinion_recorded",
            entity_type="event",
            entity_id=event.id,
            actor_person_id=actor_person_id,
            payload={"opinion_id": result.opinion.id},
        )
    return result.opinion


# ---------------------------------------------------------------------------------------------
# Report ingestion and review


def get_report(*, session: Session, report_id: int) -> EventReport:
    report = session.get(EventReport, report_id)
    if report is None:
        raise NotFound(
            "event_report_not_found",
            f"Không có bản tin/biên bản số {report_id}.",
            f"Event report {report_id} does not exist.",
        )
    return report


def report_items(*, session: Session, report_id: int) -> list[ReportItem]:
    return list(
        session.scalars(
            select(ReportItem)
            .where(ReportItem.report_id == report_id)
            .order_by(ReportItem.position)
        )
    )


def _proposal_json(proposal: EventProposal, year: int) -> dict[str, Any]:
    starts_at: str | None = None
    if proposal.dates:
        first = proposal.dates[0]
        try:
            local = datetime(
                proposal.year_of(first) or year,
                first.month,
                first.day,
                first.hour or 0,
                first.minute or 0,
                tzinfo=VN_TZ,
            )
            starts_at = local.astimezone(UTC).isoformat()
        except ValueError:
            starts_at = None
    return {
        "title": proposal.title.text if proposal.title else None,
        "kind": proposal.kind,
        "starts_at": starts_at,
        "place": proposal.place.text if proposal.place else None,
        "removed": [{"reason": r.reason, "text": r.text} for r in proposal.removed],
    }


def _proposal_items(proposal: EventProposal) -> list[tuple[str, int, int, str, str]]:
    """(field, start, end, text, detail) of every extracted item, in the review order."""
    found: list[tuple[str, int, int, str, str]] = []
    if proposal.title:
        found.append(("title", proposal.title.start, proposal.title.end, proposal.title.text, ""))
    for d in proposal.dates[:1]:
        found.append(("date", d.mention.start, d.mention.end, d.mention.text, ""))
    if proposal.place:
        found.append(("place", proposal.place.start, proposal.place.end, proposal.place.text, ""))
    simple = {
        "organiser": proposal.organisers,
        "organisation": proposal.organisations,
        "draft": proposal.drafts,
        "opinion": proposal.opinions,
        "recommendation": proposal.recommendations,
        "commitment": proposal.commitments,
        "resolution": proposal.resolutions,
    }
    for p in proposal.people:
        titles = "; ".join(t.text for t in p.titles)
        found.append(("person", p.name.start, p.name.end, p.name.text, titles))
    for field_name in REPORT_FIELDS:
        for m in simple.get(field_name, []):
            found.append((field_name, m.start, m.end, m.text, ""))
    order = {name: i for i, name in enumerate(REPORT_FIELDS)}
    found.sort(key=lambda item: (order[item[0]], item[1]))
    return found


def _person_by_name(session: Session, name: str) -> int | None:
    ids = list(session.scalars(select(Person.id).where(Person.name_key == vt.name_key(name))))
    return ids[0] if len(ids) == 1 else None


def ingest_report(
    *,
    session: Session,
    consultation_id: int,
    data: bytes | None = None,
    text: str | None = None,
    filename: str = "",
    max_bytes: int = 20_000_000,
    actor_person_id: int | None = None,
    now: datetime | None = None,
) -> EventReport:
    """Read and clean a report, extract the event, store it with every item pending review.

    Nothing here is an opinion yet: confirm_report creates the event and its opinions.
    """
    consultations.get(session=session, consultation_id=consultation_id)
    if data is not None:
        raw = read_document(data, filename=filename or "report.txt", max_bytes=max_bytes)
        digest = _sha256(data)
    else:
        raw = vt.clean(text or "")
        if not raw.strip():
            raise UserError(
                "report_empty",
                "Hãy dán nội dung bản tin/biên bản hoặc chọn một tệp.",
                "Paste the report's text or choose a file.",
            )
        digest = _sha256(raw.encode("utf-8"))
    if len(raw) > MAX_REPORT_CHARS:
        raise UserError(
            "report_too_long",
            f"Bản tin/biên bản dài quá {MAX_REPORT_CHARS:,} ký tự.".replace(",", "."),
            f"The report is longer than {MAX_REPORT_CHARS:,} characters.",
        )
    now = now or utcnow()
    proposal = extract_event(raw)
    index = orgs.name_index(session=session)
    report = EventReport(
        consultation_id=consultation_id,
        source_filename=filename[:300],
        source_sha256=digest,
        raw_text=raw,
        cleaned_text=proposal.text,
        proposal_json=json.dumps(
            _proposal_json(proposal, today_in_vietnam(now).year), ensure_ascii=False
        ),
        created_by_person_id=actor_person_id,
        created_at=now,
    )
    session.add(report)
    session.flush()
    for position, (field_name, start, end, item_text, detail) in enumerate(
        _proposal_items(proposal)
    ):
        item = ReportItem(
            report_id=report.id,
            position=position,
            field=field_name,
            start=start,
            end=end,
            text=item_text,
            detail=detail,
        )
        if field_name == "person":
            item.person_id = _person_by_name(session, item_text)
        elif field_name in ("organiser", "organisation"):
            item.organisation_id = orgs.match_name(index, item_text)
        session.add(item)
    session.flush()
    audit.record(
        session=session,
        action="event_report.ingested",
        entity_type="event_report",
        entity_id=report.id,
        actor_person_id=actor_person_id,
        payload={"consultation_id": consultation_id, "sha256": digest, "filename": filename},
        occurred_at=now,
    )
    return report


def proposal_of(report: EventReport) -> dict[str, Any]:
    """The stored proposal: title, kind, starts_at (ISO), place, removed noise."""
    loaded: dict[str, Any] = json.loads(report.proposal_json or "{}")
    return loaded


def _ensure_open(report: EventReport) -> None:
    if report.confirmed_at is not None:
        raise Conflict(
            "event_report_confirmed",
            "Bản tin/biên bản này đã được xác nhận; không sửa hay xác nhận lại được.",
            "This report was already confirmed; it cannot be changed or confirmed again.",
        )


def review_item(
    *,
    session: Session,
    report_id: int,
    item_id: int,
    state: str,
    edited_text: str | None = None,
    person_id: int | None = None,
    organisation_id: int | None = None,
    actor_person_id: int | None = None,
) -> ReportItem:
    """Accept, reject or edit one extracted item and link it to a person or organisation."""
    report = get_report(session=session, report_id=report_id)
    _ensure_open(report)
    item = session.get(ReportItem, item_id)
    if item is None or item.report_id != report_id:
        raise NotFound(
            "report_item_not_found",
            f"Không có mục số {item_id} trong bản tin này.",
            f"Item {item_id} is not part of this report.",
        )
    if state not in set(ItemState):
        raise UserError(
            "item_state_invalid",
            f"Trạng thái không hợp lệ: {state}.",
            f"Unknown review state: {state}.",
        )
    if person_id is not None and session.get(Person, person_id) is None:
        raise NotFound(
            "person_not_found", f"Không có người số {person_id}.", f"No person {person_id}."
        )
    if organisation_id is not None:
        orgs.get(session=session, organisation_id=organisation_id)
    edited = _checked(edited_text, limit=10_000, field_vi="Nội dung", field_en="The text")
    item.state = state
    item.edited_text = edited if edited and edited != item.text else None
    item.person_id = person_id
    item.organisation_id = organisation_id
    session.flush()
    audit.record(
        session=session,
        action="event_report.item_reviewed",
        entity_type="event_report",
        entity_id=report_id,
        actor_person_id=actor_person_id,
        payload={"item_id": item_id, "state": state, "edited": item.edited_text is not None},
    )
    return item


def accept_pending(*, session: Session, report_id: int, actor_person_id: int | None = None) -> int:
    """Accept every item still pending; returns how many."""
    report = get_report(session=session, report_id=report_id)
    _ensure_open(report)
    count = 0
    for item in report_items(session=session, report_id=report_id):
        if item.state == ItemState.PENDING:
            item.state = ItemState.ACCEPTED
            count += 1
    session.flush()
    audit.record(
        session=session,
        action="event_report.accepted_pending",
        entity_type="event_report",
        entity_id=report_id,
        actor_person_id=actor_person_id,
        payload={"accepted": count},
    )
    return count


def _value(item: ReportItem) -> str:
    return item.edited_text or item.text


def _org_for(session: Session, item: ReportItem, actor_person_id: int | None) -> int:
    """The linked organisation, or one with the same name, or a new root organisation."""
    if item.organisation_id is not None:
        return item.organisation_id
    found = orgs.find_by_name(session=session, name=_value(item))
    if found is not None:
        return found.id
    return orgs.create(session=session, name=_value(item)[:300], actor_person_id=actor_person_id).id


def _person_for(session: Session, item: ReportItem) -> int:
    """The linked person, else a new person record (a delegate with no account)."""
    if item.person_id is not None:
        return item.person_id
    title = item.detail.split("; ")[0] if item.detail else None
    return accounts.create_person(session=session, full_name=_value(item), title=title).id


def _first_value(items: list[ReportItem], field_name: str) -> str | None:
    for item in items:
        if item.field == field_name and item.state != ItemState.REJECTED:
            return _value(item)
    return None


def confirm_report(
    *,
    session: Session,
    report_id: int,
    title: str | None = None,
    kind: str | None = None,
    starts_at: datetime | None = None,
    place: str | None = None,
    actor_person_id: int | None = None,
    now: datetime | None = None,
) -> Event:
    """Create the event from the accepted items: organisers, attendees, drafts discussed,
    opinions and recommendations. Pending and rejected items are left out; a second
    confirmation is refused."""
    now = now or utcnow()
    report = get_report(session=session, report_id=report_id)
    _ensure_open(report)
    proposal = proposal_of(report)
    items = report_items(session=session, report_id=report_id)
    accepted = [i for i in items if i.state == ItemState.ACCEPTED]
    chosen_title = title or _first_value(items, "title") or proposal.get("title")
    if not chosen_title:
        raise UserError(
            "event_title_missing",
            "Hãy nhập tên sự kiện trước khi xác nhận.",
            "Enter the event's title before confirming.",
        )
    moment = starts_at
    if moment is None and proposal.get("starts_at"):
        moment = datetime.fromisoformat(proposal["starts_at"])
    if moment is None:
        raise UserError(
            "event_date_missing",
            "Hãy nhập ngày giờ diễn ra sự kiện trước khi xác nhận.",
            "Enter when the event took place before confirming.",
        )
    organiser_ids = [
        _org_for(session, i, actor_person_id) for i in accepted if i.field == "organiser"
    ]
    attendees = _accepted_attendees(session, accepted)
    event = create_event(
        session=session,
        consultation_id=report.consultation_id,
        title=chosen_title,
        kind=kind or proposal.get("kind") or EventKind.SEMINAR,
        starts_at=moment,
        place=place if place is not None else (_first_value(items, "place") or ""),
        minutes=report.cleaned_text,
        minutes_filename=report.source_filename or None,
        minutes_sha256=report.source_sha256,
        organiser_ids=organiser_ids,
        attendees=attendees,
        topic_labels=[_value(i) for i in accepted if i.field == "draft"],
        actor_person_id=actor_person_id,
    )
    opinion_ids = _confirm_statements(session, event, accepted, actor_person_id, now)
    report.event_id = event.id
    report.confirmed_at = now
    session.flush()
    audit.record(
        session=session,
        action="event_report.confirmed",
        entity_type="event_report",
        entity_id=report.id,
        actor_person_id=actor_person_id,
        payload={"event_id": event.id, "opinions": opinion_ids},
        occurred_at=now,
    )
    return event


def _accepted_attendees(session: Session, accepted: list[ReportItem]) -> list[AttendeeIn]:
    seen: set[int] = set()
    attendees: list[AttendeeIn] = []
    for item in accepted:
        if item.field != "person":
            continue
        person_id = _person_for(session, item)
        if person_id in seen:
            continue
        seen.add(person_id)
        person = session.get(Person, person_id)
        titles = item.detail or (person.title if person else None) or None
        attendees.append(
            AttendeeIn(
                name=person.full_name if person else _value(item),
                title=titles[:MAX_PERSON_TITLE] if titles else None,
                person_id=person_id,
                organisation_id=item.organisation_id,
            )
        )
    return attendees


def _confirm_statements(
    session: Session,
    event: Event,
    accepted: list[ReportItem],
    actor_person_id: int | None,
    now: datetime,
) -> list[int]:
    """Opinions (and recommendations with their opinions) from the accepted statements."""
    sections = _consultation_sections(session, event.consultation_id)
    index = SectionIndex(sections)
    raised_by = session.scalars(
        select(EventOrganiser.organisation_id)
        .where(EventOrganiser.event_id == event.id)
        .order_by(EventOrganiser.id)
    ).first()
    created: list[int] = []
    for item in accepted:
        if item.field not in ("opinion", "recommendation"):
            continue
        found = index.resolve_text(_value(item))
        opinion = add_event_opinion(
            session=session,
            event_id=event.id,
            text=_value(item),
            speaker_person_id=item.person_id,
            section_id=sections[found].id if found is not None else None,
            kind=OpinionKind.RECOMMENDATION if item.field == "recommendation" else "comment",
            idempotency_key=f"event-report:{item.report_id}:{item.id}",
            now=now,
        )
        created.append(opinion.id)
        if item.field == "recommendation":
            create_recommendation(
                session=session,
                consultation_id=event.consultation_id,
                text=_value(item),
                event_id=event.id,
                opinion_id=opinion.id,
                addressee_organisation_id=item.organisation_id,
                raised_by_organisation_id=raised_by,
                raised_by_person_id=item.person_id,
                actor_person_id=actor_person_id,
            )
    return created


# ---------------------------------------------------------------------------------------------
# Written submissions


@dataclass(frozen=True, slots=True)
class SubmissionItemIn:
    """One item of a letter as corrected before confirmation."""

    text: str
    section_id: int | None = None
    proposed_wording: str | None = None
    kind: str = OpinionKind.COMMENT
    include: bool = True


def get_submission(*, session: Session, submission_id: int) -> Submission:
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise NotFound(
            "submission_not_found",
            f"Không có văn bản góp ý số {submission_id}.",
            f"Submission {submission_id} does not exist.",
        )
    return submission


def _guess_kind(text: str, wording: str | None) -> str:
    folded = vt.fold(text)
    if "kien nghi" in folded:
        return OpinionKind.RECOMMENDATION
    if wording:
        return OpinionKind.AMEND
    if re.search(r"\bbo sung\b", folded):
        return OpinionKind.ADD
    if re.search(r"\b(?:bo|loai bo|bai bo)\b", folded):
        return OpinionKind.DELETE
    return OpinionKind.COMMENT


def preview_submission(
    *,
    session: Session,
    consultation_id: int,
    organisation_id: int,
    data: bytes,
    filename: str,
    max_bytes: int = 20_000_000,
    actor_person_id: int | None = None,
) -> Submission:
    """Read the letter and split it into proposed opinions; nothing is an opinion yet."""
    organisation = orgs.get(session=session, organisation_id=organisation_id)
    if organisation_id not in consultations.scope_org_ids(
        session=session, consultation_id=consultation_id
    ):
        raise UserError(
            "organisation_out_of_scope",
            f"{organisation.name} không thuộc phạm vi lấy ý kiến của đợt này.",
            f"{organisation.name} is not within the consultation's scope.",
        )
    text = read_document(data, filename=filename or "letter.txt", max_bytes=max_bytes)
    sections = _consultation_sections(session, consultation_id)
    index = SectionIndex(sections)
    items = []
    for item in split_submission(text):
        found = {i for i in (index.resolve_text(ref) for ref in item.references) if i is not None}
        section = sections[found.pop()] if len(found) == 1 else None
        items.append(
            {
                "text": item.text,
                "start": item.start,
                "end": item.end,
                "references": list(item.references),
                "section_id": section.id if section else None,
                "section_label": section.label if section else None,
                "proposed_wording": item.proposed_wording,
                "kind": _guess_kind(item.text, item.proposed_wording),
            }
        )
    if not items:
        raise UserError(
            "submission_no_items",
            "Không tìm thấy ý kiến nào trong văn bản góp ý này.",
            "No opinion was found in this comment letter.",
        )
    submission = Submission(
        consultation_id=consultation_id,
        organisation_id=organisation_id,
        filename=(filename or "letter.txt")[:300],
        sha256=_sha256(data),
        text=text,
        items_json=json.dumps(items, ensure_ascii=False),
        created_by_person_id=actor_person_id,
    )
    session.add(submission)
    session.flush()
    audit.record(
        session=session,
        action="submission.previewed",
        entity_type="submission",
        entity_id=submission.id,
        actor_person_id=actor_person_id,
        payload={"organisation_id": organisation_id, "sha256": submission.sha256},
    )
    return submission


def submission_items(submission: Submission) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(submission.items_json or "[]")
    return loaded


def confirm_submission(
    *,
    session: Session,
    submission_id: int,
    items: Sequence[SubmissionItemIn] | None = None,
    actor_person_id: int | None = None,
    now: datetime | None = None,
) -> list[Opinion]:
    """Create the letter's opinions (channel written, on behalf of the organisation)."""
    now = now or utcnow()
    submission = get_submission(session=session, submission_id=submission_id)
    if submission.confirmed_at is not None:
        raise Conflict(
            "submission_confirmed",
            "Văn bản góp ý này đã được xác nhận.",
            "This submission was already confirmed.",
        )
    if items is None:
        items = [
            SubmissionItemIn(
                text=i["text"],
                section_id=i["section_id"],
                proposed_wording=i["proposed_wording"],
                kind=i["kind"],
            )
            for i in submission_items(submission)
        ]
    created: list[Opinion] = []
    for number, item in enumerate(items):
        if not item.include:
            continue
        result = opinions.submit(
            session=session,
            consultation_id=submission.consultation_id,
            text=item.text,
            kind=item.kind,
            section_id=item.section_id,
            proposed_wording=item.proposed_wording,
            on_behalf_of_id=submission.organisation_id,
            channel=Channel.WRITTEN,
            idempotency_key=f"submission:{submission.id}:{number}",
            now=now,
        )
        session.add(SubmissionOpinion(submission_id=submission.id, opinion_id=result.opinion.id))
        created.append(result.opinion)
        if item.kind == OpinionKind.RECOMMENDATION:
            create_recommendation(
                session=session,
                consultation_id=submission.consultation_id,
                text=result.opinion.text,
                opinion_id=result.opinion.id,
                raised_by_organisation_id=submission.organisation_id,
                actor_person_id=actor_person_id,
            )
    if not created:
        raise UserError(
            "submission_nothing_chosen",
            "Chưa chọn ý kiến nào để ghi nhận.",
            "No item was chosen to record.",
        )
    submission.confirmed_at = now
    session.flush()
    audit.record(
        session=session,
        action="submission.confirmed",
        entity_type="submission",
        entity_id=submission.id,
        actor_person_id=actor_person_id,
        payload={"opinions": [o.id for o in created]},
        occurred_at=now,
    )
    return created


def submission_opinion_ids(*, session: Session, submission_id: int) -> list[int]:
    return list(
        session.scalars(
            select(SubmissionOpinion.opinion_id)
            .where(SubmissionOpinion.submission_id == submission_id)
            .order_by(SubmissionOpinion.id)
        )
    )


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
    body = _required(
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
        responsible_name=_checked(
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
        _checked(
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
    body = _required(answer, limit=MAX_ANSWER, field_vi="Nội dung trả lời", field_en="The answer")
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
        payload={"answer_sha256": _sha256(body.encode("utf-8")), "notified": notified},
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
        statement = statement.where(Recommendation.status.in_(_OPEN_STATUSES))
    rows = list(session.scalars(statement.order_by(Recommendation.id)))
    rows.sort(key=lambda r: (r.due_on is None, r.due_on or date.max, r.id))
    return rows


def overdue(
    *, session: Session, organisation_ids: Iterable[int] | None = None, today: date | None = None
) -> list[Recommendation]:
    """Not answered or closed and due before today (Vietnam time)."""
    today = today or today_in_vietnam()
    statement = select(Recommendation).where(
        Recommendation.status.in_(_OPEN_STATUSES),
        Recommendation.due_on.is_not(None),
        Recommendation.due_on < today,
    )
    if organisation_ids is not None:
        statement = statement.where(
            Recommendation.addressee_organisation_id.in_(list(organisation_ids))
        )
    return list(session.scalars(statement.order_by(Recommendation.due_on, Recommendation.id)))


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
                Recommendation.status.in_(_OPEN_STATUSES),
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
