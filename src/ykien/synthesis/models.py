"""Syntheses of an organisation's opinions, their items and the provenance of every figure.

A synthesis is drafted from the organisation's own opinions and its children's submitted
syntheses, edited, signed off (then frozen) and submitted to the parent organisation. Each item
keeps the exact set of original opinions behind it and the child items it consolidates.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ykien.db.base import Base, UTCDateTime, utcnow


class SynthesisStatus(StrEnum):
    DRAFT = "draft"
    SIGNED_OFF = "signed_off"
    SUBMITTED = "submitted"


class ItemKind(StrEnum):
    SECTION = "section"
    THEME = "theme"
    OTHER = "other"


class Synthesis(Base):
    __tablename__ = "syntheses"
    __table_args__ = (
        UniqueConstraint("consultation_id", "organisation_id", "revision"),
        Index("ix_syntheses_consultation_status", "consultation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    revision: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(12), default=SynthesisStatus.DRAFT)
    summary: Mapped[str] = mapped_column(Text, default="")
    # a person wrote the summary: re-drafting keeps it
    summary_edited: Mapped[bool] = mapped_column(default=False)
    previous_revision_id: Mapped[int | None] = mapped_column(ForeignKey("syntheses.id"))
    # totals over the union of the items' opinions, written at sign-off and never again
    counts_json: Mapped[str | None] = mapped_column(Text)
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    signed_off_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_to_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))

    @property
    def frozen(self) -> bool:
        return self.status != SynthesisStatus.DRAFT

    @property
    def frozen_counts(self) -> dict[str, Any] | None:
        return dict(json.loads(self.counts_json)) if self.counts_json else None


class SynthesisItem(Base):
    __tablename__ = "synthesis_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    synthesis_id: Mapped[int] = mapped_column(ForeignKey("syntheses.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default=ItemKind.SECTION)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"))
    title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    quote_ids_json: Mapped[str] = mapped_column(Text, default="[]")
    # a person changed the title or the summary: re-drafting keeps them
    edited: Mapped[bool] = mapped_column(default=False)
    # frozen at sign-off: raw, unique and by organisation/channel/kind
    raw_count: Mapped[int | None]
    unique_count: Mapped[int | None]
    counts_json: Mapped[str | None] = mapped_column(Text)

    @property
    def quote_ids(self) -> list[int]:
        return [int(i) for i in json.loads(self.quote_ids_json or "[]")]

    @property
    def frozen_counts(self) -> dict[str, Any] | None:
        return dict(json.loads(self.counts_json)) if self.counts_json else None


class SynthesisItemOpinion(Base):
    """An original opinion behind an item: the organisation's own (direct) or from a child."""

    __tablename__ = "synthesis_item_opinions"

    item_id: Mapped[int] = mapped_column(ForeignKey("synthesis_items.id"), primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"), primary_key=True, index=True)
    direct: Mapped[bool] = mapped_column(default=True)


class SynthesisItemSource(Base):
    """A child organisation's item consolidated into this item."""

    __tablename__ = "synthesis_item_sources"

    item_id: Mapped[int] = mapped_column(ForeignKey("synthesis_items.id"), primary_key=True)
    child_item_id: Mapped[int] = mapped_column(
        ForeignKey("synthesis_items.id"), primary_key=True, index=True
    )
