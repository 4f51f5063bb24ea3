"""Analysis runs and the machine proposals they store: campaigns, themes, sections, kinds, flags.

Every proposal is something a person confirms or edits. Human edits are recorded on the rows
(status, pinned, edited) and a re-run leaves them as they are.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from ykien.db.base import Base, UTCDateTime, utcnow


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class ThemeStatus(StrEnum):
    ACTIVE = "active"
    MERGED = "merged"


class AnalysisRun(Base):
    __tablename__ = "analysis_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    engine: Mapped[str] = mapped_column(String(10), default="local")
    status: Mapped[str] = mapped_column(String(10), default=RunStatus.QUEUED)
    stage: Mapped[str] = mapped_column(String(32), default="")
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    stats_json: Mapped[str] = mapped_column(Text, default="{}")
    error: Mapped[str | None] = mapped_column(Text)
    requested_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def params(self) -> dict[str, Any]:
        return dict(json.loads(self.params_json or "{}"))

    @property
    def stats(self) -> dict[str, Any]:
        return dict(json.loads(self.stats_json or "{}"))


class OpinionAnalysis(Base):
    """Per-opinion results that never change for a given text: kept so re-runs are incremental."""

    __tablename__ = "opinion_analysis"
    __table_args__ = (Index("ix_opinion_analysis_consultation", "consultation_id", "opinion_id"),)

    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"), primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id"))
    exact_key: Mapped[bytes] = mapped_column(LargeBinary(16))
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    proposed_kind: Mapped[str | None] = mapped_column(String(20))
    kind_confidence: Mapped[float | None] = mapped_column(Float)
    kind_cue: Mapped[str | None] = mapped_column(String(200))
    kind_status: Mapped[str] = mapped_column(String(10), default=ProposalStatus.PROPOSED)
    flag: Mapped[str | None] = mapped_column(String(10))
    flag_score: Mapped[float | None] = mapped_column(Float)
    flag_terms: Mapped[str | None] = mapped_column(String(300))
    flag_status: Mapped[str] = mapped_column(String(10), default=ProposalStatus.PROPOSED)


class DuplicateGroup(Base):
    """A campaign: opinions with the same or nearly the same text. Nothing is deleted by it."""

    __tablename__ = "duplicate_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id"))
    canonical_opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"))
    exact: Mapped[bool] = mapped_column(default=False)
    size: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default=ProposalStatus.PROPOSED)
    variants_json: Mapped[str] = mapped_column(Text, default="[]")
    # copies of a spun template (alternatives at its phrases), not near-copies of one text
    template: Mapped[bool] = mapped_column(default=False, server_default=false())
    decided_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DuplicateMember(Base):
    __tablename__ = "duplicate_members"
    __table_args__ = (UniqueConstraint("group_id", "opinion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("duplicate_groups.id"), index=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"), index=True)
    similarity: Mapped[float] = mapped_column(Float, default=1.0)
    # why it joined: "exact copy", "near copy: ... agree", "template copy: ..."
    reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # split out of the campaign by a person; a re-run does not put it back
    excluded: Mapped[bool] = mapped_column(default=False)


def counts_in_campaign() -> ColumnElement[bool]:
    """A membership that makes an opinion count with its campaign: not split out, of a campaign
    not undone (the query joins DuplicateGroup to DuplicateMember)."""
    return and_(
        DuplicateMember.excluded.is_(False), DuplicateGroup.status != ProposalStatus.REJECTED
    )


class Theme(Base):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id"))
    label: Mapped[str] = mapped_column(String(300))
    # a person renamed, merged, split or moved opinions: a re-run keeps this theme as it is
    edited: Mapped[bool] = mapped_column(default=False)
    key_phrases_json: Mapped[str] = mapped_column(Text, default="[]")
    summary_json: Mapped[str] = mapped_column(Text, default="[]")
    quote_ids_json: Mapped[str] = mapped_column(Text, default="[]")
    cohesion: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(10), default=ThemeStatus.ACTIVE)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ThemeMember(Base):
    __tablename__ = "theme_members"
    __table_args__ = (UniqueConstraint("theme_id", "opinion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), index=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"), index=True)
    # placed here by a person; a re-run does not move it
    pinned: Mapped[bool] = mapped_column(default=False)


class SectionSuggestion(Base):
    __tablename__ = "section_suggestions"
    __table_args__ = (UniqueConstraint("opinion_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id"))
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    rank: Mapped[int] = mapped_column(default=1)
    confidence: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(10))
    evidence: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default=ProposalStatus.PROPOSED)
