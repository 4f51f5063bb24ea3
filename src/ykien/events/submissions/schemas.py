"""Written submissions' API contract: input models and the shapes answered."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from ykien.opinions.models import OpinionKind
from ykien.types import DbId


class SubmissionItemOut(BaseModel):
    text: str
    start: int
    end: int
    references: list[str]
    section_id: int | None
    section_label: str | None
    proposed_wording: str | None
    kind: str


class SubmissionOut(BaseModel):
    id: int
    consultation_id: int
    organisation_id: int
    filename: str
    sha256: str
    items: list[SubmissionItemOut]
    confirmed_at: datetime | None
    opinion_ids: list[int]
    url: str


class SubmissionItemIn(BaseModel):
    text: str = Field(max_length=100_000)
    section_id: DbId | None = None
    proposed_wording: str | None = Field(default=None, max_length=100_000)
    kind: str = Field(default=OpinionKind.COMMENT.value, max_length=20)
    include: bool = True


class ConfirmSubmissionIn(BaseModel):
    items: list[SubmissionItemIn] | None = Field(default=None, max_length=2_000)
