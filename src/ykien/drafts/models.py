"""Drafts, their versions and the section tree of each version."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ykien.db.base import Base, UTCDateTime, utcnow


class DraftKind(StrEnum):
    LAW = "law"
    REGULATION = "regulation"
    POLITICAL_REPORT = "political_report"
    PLAN = "plan"
    OTHER = "other"


class Draft(Base):
    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(32), default=DraftKind.OTHER)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DraftVersion(Base):
    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("draft_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(500))
    previous_version_id: Mapped[int | None] = mapped_column(ForeignKey("draft_versions.id"))
    source_filename: Mapped[str] = mapped_column(String(300))
    source_sha256: Mapped[str] = mapped_column(String(64))
    section_count: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Section(Base):
    __tablename__ = "sections"
    __table_args__ = (
        UniqueConstraint("version_id", "position"),
        Index("ix_sections_version_path", "version_id", "path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"), index=True)
    position: Mapped[int]  # document order within the version, 0-based
    depth: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(500))
    heading: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")


class SectionChange(StrEnum):
    SAME = "same"
    CHANGED = "changed"
    NEW = "new"
    REMOVED = "removed"


class SectionMapping(Base):
    """How a section of a version relates to the previous version's (same/changed/new/removed)."""

    __tablename__ = "section_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id"), index=True)
    old_section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"), index=True)
    new_section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    similarity: Mapped[float] = mapped_column(default=1.0)
    diff: Mapped[str] = mapped_column(Text, default="")
