"""Opinions and the import batches that brought some of them in."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ykien.db.base import Base, UTCDateTime, utcnow


class OpinionKind(StrEnum):
    COMMENT = "comment"
    AMEND = "amend"
    ADD = "add"
    DELETE = "delete"
    AGREE = "agree"
    DISAGREE = "disagree"
    RECOMMENDATION = "recommendation"
    QUESTION = "question"


class Channel(StrEnum):
    ONLINE = "online"
    EVENT = "event"
    WRITTEN = "written"
    IMPORT = "import"


class OpinionStatus(StrEnum):
    RECEIVED = "received"
    PUBLISHED = "published"
    HIDDEN = "hidden"
    MERGED = "merged"


class Opinion(Base):
    __tablename__ = "opinions"
    __table_args__ = (
        UniqueConstraint("consultation_id", "idempotency_key"),
        Index("ix_opinions_consultation_section_status", "consultation_id", "section_id", "status"),
        Index("ix_opinions_consultation_hash", "consultation_id", "content_hash"),
        # the opinion list: newest first within a consultation, optionally one status
        Index("ix_opinions_consultation_submitted", "consultation_id", "submitted_at", "id"),
        Index(
            "ix_opinions_consultation_status_submitted",
            "consultation_id",
            "status",
            "submitted_at",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    quote: Mapped[str | None] = mapped_column(Text)
    quote_start: Mapped[int | None]
    quote_end: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default=OpinionKind.COMMENT)
    proposed_wording: Mapped[str | None] = mapped_column(Text)
    author_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # the name as given when there is no person record (imports, anonymous = NULL)
    author_name: Mapped[str | None] = mapped_column(String(200))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10), default=Channel.ONLINE)
    event_id: Mapped[int | None]
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default=OpinionStatus.RECEIVED)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("opinions.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    receipt_code: Mapped[str] = mapped_column(String(20), unique=True)
    # search keys of text, author name and organisation name (see ykien.opinions.search)
    search_fold: Mapped[str | None] = mapped_column(Text)
    search_tone: Mapped[str | None] = mapped_column(Text)


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    file_format: Mapped[str] = mapped_column(String(10))
    source_sha256: Mapped[str] = mapped_column(String(64))
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_imported: Mapped[int] = mapped_column(default=0)
    rows_rejected: Mapped[int] = mapped_column(default=0)
    report: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
