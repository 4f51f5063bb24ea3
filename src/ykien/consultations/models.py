"""Consultations on one draft version, their scope and subcommittees."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from ykien.db.base import Base, UTCDateTime, utcnow


class ConsultationStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Consultation(Base):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    draft_version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id"), index=True)
    # a lower organisation's collection on the parent's draft: its signed synthesis is forwarded
    # to the parent's subcommittees (the parent's organiser owns the draft)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"), index=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default=ConsultationStatus.DRAFT)
    allow_anonymous: Mapped[bool] = mapped_column(default=False)
    opinions_public: Mapped[bool] = mapped_column(default=True)
    identity_required: Mapped[bool] = mapped_column(default=True)
    # whether opinions only spoken at meetings (channel event) count in the syntheses
    count_spoken_only: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConsultationScope(Base):
    """An organisation whose whole subtree may take part."""

    __tablename__ = "consultation_scopes"
    __table_args__ = (UniqueConstraint("consultation_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))


class Subcommittee(Base):
    __tablename__ = "subcommittees"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(300))
    # a closed subcommittee takes no new forwards or decisions; its history stays
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SubcommitteeMember(Base):
    """A person named to a subcommittee; the chair approves its decisions."""

    __tablename__ = "subcommittee_members"
    __table_args__ = (UniqueConstraint("subcommittee_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subcommittee_id: Mapped[int] = mapped_column(ForeignKey("subcommittees.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    chair: Mapped[bool] = mapped_column(default=False, server_default=false())


class SubcommitteeSection(Base):
    __tablename__ = "subcommittee_sections"
    __table_args__ = (UniqueConstraint("subcommittee_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subcommittee_id: Mapped[int] = mapped_column(ForeignKey("subcommittees.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), index=True)
