"""Report review's API contract: input models and the shapes answered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from ykien.types import DbId


class ReportItemOut(BaseModel):
    id: int
    field: str
    start: int
    end: int
    text: str
    detail: str
    state: str
    edited_text: str | None
    person_id: int | None
    organisation_id: int | None
    consultation_id: int | None
    draft_reason: str | None = Field(
        default=None, description="why the draft was proposed: title, section, home or chosen"
    )
    draft_evidence: str | None = None
    credited_organisation_id: int | None


class ReportOut(BaseModel):
    id: int
    consultation_id: int
    source_filename: str
    cleaned_text: str
    proposal: dict[str, Any]
    items: list[ReportItemOut]
    event_id: int | None
    confirmed_at: datetime | None
    url: str


class ReviewIn(BaseModel):
    state: str = Field(max_length=10, description="pending, accepted or rejected")
    edited_text: str | None = Field(default=None, max_length=100_000)
    person_id: DbId | None = None
    organisation_id: DbId | None = None
    consultation_id: DbId | None = Field(
        default=None, description="an opinion: the draft it is about; a draft: its consultation"
    )
    credited_organisation_id: DbId | None = Field(
        default=None, description="an opinion: the organisation it counts for"
    )


class ConfirmReportIn(BaseModel):
    title: str | None = Field(default=None, max_length=500)
    kind: str | None = Field(default=None, max_length=20)
    starts_at: str | None = Field(default=None, max_length=40)
    place: str | None = Field(default=None, max_length=500)
    accept_pending: bool = False


class BulkReviewIn(BaseModel):
    item_ids: list[DbId] = Field(default_factory=list, max_length=10_000)
    state: str = Field(max_length=10, description="accepted or rejected")
    all: bool = Field(default=False, description="every item of the report, not item_ids")
