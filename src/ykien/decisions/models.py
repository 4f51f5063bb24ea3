"""Decisions on opinions, themes and campaigns, their publication batches and the queue trail.

A decision is drafted by a subcommittee, approved by the chair and published; a published
decision is frozen and is corrected only by a new decision that supersedes it. Which opinions a
theme or campaign decision covers is never stored: it is read from the current memberships.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ykien.db.base import Base, UTCDateTime, utcnow


class TargetType(StrEnum):
    OPINION = "opinion"
    THEME = "theme"
    CAMPAIGN = "campaign"
    ITEM = "item"  # a synthesis item forwarded up from a child consultation


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly_accepted"
    NOT_ACCEPTED = "not_accepted"
    NOTED = "noted"


class DecisionStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class Publication(Base):
    """One publishing act: its decisions are announced together (one notice per person)."""

    __tablename__ = "decision_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    published_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decision_count: Mapped[int] = mapped_column(default=0)
    notified_count: Mapped[int] = mapped_column(default=0)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (
        Index("ix_decisions_target", "consultation_id", "target_type", "target_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    subcommittee_id: Mapped[int] = mapped_column(ForeignKey("subcommittees.id"), index=True)
    target_type: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text, default="")
    new_wording: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=DecisionStatus.DRAFT)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    drafted_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    publication_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision_publications.id"), index=True
    )
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def frozen(self) -> bool:
        return self.status in (DecisionStatus.PUBLISHED, DecisionStatus.SUPERSEDED)


class DecisionSection(Base):
    """A section the decision concerns (current version) or changed (the next version)."""

    __tablename__ = "decision_sections"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), primary_key=True, index=True)


class Forward(Base):
    """An item sent on from one subcommittee's queue to another's; the trail is kept."""

    __tablename__ = "queue_forwards"
    __table_args__ = (
        Index("ix_queue_forwards_target", "consultation_id", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    target_type: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int]
    from_subcommittee_id: Mapped[int] = mapped_column(ForeignKey("subcommittees.id"))
    to_subcommittee_id: Mapped[int] = mapped_column(ForeignKey("subcommittees.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    forwarded_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    forwarded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ForwardedItem(Base):
    """A child consultation's synthesis item routed to a subcommittee of the owning level.

    Forwarding the same revision again changes nothing; a newer revision supersedes the rows of
    the older one (kept, with superseded_at) for the history.
    """

    __tablename__ = "forwarded_items"
    __table_args__ = (
        Index("ix_forwarded_items_to", "to_consultation_id", "to_subcommittee_id"),
        Index("ix_forwarded_items_from", "from_consultation_id", "from_organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    synthesis_id: Mapped[int] = mapped_column(ForeignKey("syntheses.id"), index=True)
    synthesis_item_id: Mapped[int] = mapped_column(ForeignKey("synthesis_items.id"), index=True)
    from_consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    from_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    to_consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    to_subcommittee_id: Mapped[int] = mapped_column(ForeignKey("subcommittees.id"))
    forwarded_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    forwarded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# English message ids (translated in decisions.po) and the Vietnamese terms of the record
OUTCOME_LABELS: dict[str, str] = {
    Outcome.ACCEPTED: "Accepted in full",
    Outcome.PARTLY_ACCEPTED: "Partly accepted",
    Outcome.NOT_ACCEPTED: "Not accepted",
    Outcome.NOTED: "Noted, explained",
}
OUTCOME_VI: dict[str, str] = {
    Outcome.ACCEPTED: "Tiếp thu",
    Outcome.PARTLY_ACCEPTED: "Tiếp thu một phần",
    Outcome.NOT_ACCEPTED: "Không tiếp thu",
    Outcome.NOTED: "Ghi nhận, giải trình",
}
DECISION_STATUS_LABELS: dict[str, str] = {
    DecisionStatus.DRAFT: "Draft",
    DecisionStatus.APPROVED: "Approved",
    DecisionStatus.PUBLISHED: "Made public",
    DecisionStatus.SUPERSEDED: "Superseded",
}
TARGET_LABELS: dict[str, str] = {
    TargetType.OPINION: "Opinion",
    TargetType.THEME: "Theme",
    TargetType.CAMPAIGN: "Campaign",
    TargetType.ITEM: "Item from a lower level",
}
CHANGE_LABELS: dict[str, str] = {
    "same": "Unchanged",
    "changed": "Changed",
    "new": "New",
    "removed": "Removed",
}
VIA_LABELS: dict[str, str] = {
    TargetType.CAMPAIGN: "This answer covers the whole campaign",
    TargetType.THEME: "This answer covers the whole theme",
    TargetType.ITEM: "Answered by the level that owns the draft, on the item it was forwarded in",
}
SYNTHESIS_LABELS: dict[str, str] = {
    "draft": "Being drafted",
    "signed_off": "Signed off",
    "submitted": "Submitted to the level above",
}
