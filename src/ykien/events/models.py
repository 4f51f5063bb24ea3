"""Events (seminars, conferences, dialogue meetings, supervision sessions), event reports under
review, written submissions, recommendations and their follow-up, in-app notifications."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ykien.db.base import Base, UTCDateTime, utcnow


class EventKind(StrEnum):
    SEMINAR = "seminar"
    CONFERENCE = "conference"
    DIALOGUE = "dialogue"
    SUPERVISION = "supervision"


class EventStatus(StrEnum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"


class ItemState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class RecommendationStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_consultation_starts", "consultation_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # the consultation the event was recorded under: its organiser's secretaries run the event
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20), default=EventKind.SEMINAR)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(500), default="")
    chair_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    chair_name: Mapped[str | None] = mapped_column(String(200))
    chair_title: Mapped[str | None] = mapped_column(String(300))
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_filename: Mapped[str | None] = mapped_column(String(300))
    minutes_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default=EventStatus.CONFIRMED)
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EventOrganiser(Base):
    __tablename__ = "event_organisers"
    __table_args__ = (UniqueConstraint("event_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)


class EventConsultation(Base):
    """A consultation (draft) the event collects opinions for; the event's own consultation is
    one of them."""

    __tablename__ = "event_consultations"
    __table_args__ = (UniqueConstraint("event_id", "consultation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)


class EventAttendee(Base):
    """Someone present: a person record or only a name, with the title as written."""

    __tablename__ = "event_attendees"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(300))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    organisation_name: Mapped[str | None] = mapped_column(String(300))


class EventTopic(Base):
    """A consultation or draft discussed at the event (or only its name, as the report gave it)."""

    __tablename__ = "event_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"))
    label: Mapped[str] = mapped_column(String(500), default="")


class EventReport(Base):
    """An uploaded or pasted report of an event and the proposal extracted from it."""

    __tablename__ = "event_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    source_filename: Mapped[str] = mapped_column(String(300), default="")
    source_sha256: Mapped[str] = mapped_column(String(64))
    raw_text: Mapped[str] = mapped_column(Text)
    cleaned_text: Mapped[str] = mapped_column(Text)
    # the extracted scalar fields and the removed noise, as JSON (see events.service)
    proposal_json: Mapped[str] = mapped_column(Text, default="{}")
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReportItem(Base):
    """One extracted item of a report: its span in the cleaned text and its review state."""

    __tablename__ = "event_report_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("event_reports.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    field: Mapped[str] = mapped_column(String(20))
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    # titles of a person, as written (joined by "; ")
    detail: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10), default=ItemState.PENDING)
    edited_text: Mapped[str | None] = mapped_column(Text)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # an opinion or recommendation: the consultation (draft) it is about, proposed then chosen;
    # a draft discussed: the consultation it names
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"))
    # an opinion or recommendation of a report naming several drafts: why its draft was
    # proposed (title, section, home) or "chosen" by the secretary, and what was found
    draft_reason: Mapped[str | None] = mapped_column(String(20))
    draft_evidence: Mapped[str | None] = mapped_column(String(300))
    # an opinion or recommendation: the organisation it is credited to (on behalf of)
    credited_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))


class Submission(Base):
    """An organisation's comment letter: kept as received, split into items, then confirmed."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    # the proposed items (text, references, section, wording, kind) as JSON
    items_json: Mapped[str] = mapped_column(Text, default="[]")
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SubmissionOpinion(Base):
    """An opinion that came from a submission (a link table: opinions stay as they are)."""

    __tablename__ = "submission_opinions"
    __table_args__ = (UniqueConstraint("opinion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"))


class Recommendation(Base):
    """A kiến nghị: raised at an event or in a written opinion, followed until answered."""

    __tablename__ = "recommendations"
    __table_args__ = (
        Index("ix_recommendations_addressee_status", "addressee_organisation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    opinion_id: Mapped[int | None] = mapped_column(ForeignKey("opinions.id"))
    text: Mapped[str] = mapped_column(Text)
    addressee_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    responsible_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    responsible_name: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=RecommendationStatus.OPEN)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    raised_by_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    raised_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Notification(Base):
    """An in-app message to a person or to an organisation's secretariat."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
