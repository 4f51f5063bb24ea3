"""The opinions' API contract: submitting one, "my opinions", the lists and search, imports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from ykien.drafts.schemas import SectionOut
from ykien.opinions.models import OpinionKind
from ykien.types import DbId

# form/body bounds; the service applies the configured limits with a clear message
MAX_TEXT_FIELD = 1_000_000
MAX_QUOTE_FIELD = 20_000
MAX_REASON_FORM = 2_000  # the service's limit (1,000) answers with a clear message below this


class OpinionIn(BaseModel):
    """One opinion, from the reader's form or the API (the same use case)."""

    text: str = Field(max_length=MAX_TEXT_FIELD)
    kind: str = Field(default=OpinionKind.COMMENT, max_length=20)
    section_id: DbId | None = None
    quote: str | None = Field(default=None, max_length=MAX_QUOTE_FIELD)
    quote_start: int | None = Field(default=None, ge=0)
    proposed_wording: str | None = Field(default=None, max_length=MAX_TEXT_FIELD)
    anonymous: StrictBool = False


class OpinionReceiptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(validation_alias="opinion_id")
    receipt_code: str
    status: str
    created: bool = Field(description="False when an earlier submission with the key is returned")


class ConsultationSectionOut(SectionOut):
    opinion_count: int = Field(description="Published and received opinions (never hidden)")


class MyOpinionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    consultation_id: int
    consultation_title: str
    section_id: int | None
    section_label: str | None
    kind: str
    text: str
    quote: str | None
    proposed_wording: str | None
    status: str
    hidden_reason: str | None
    receipt_code: str
    submitted_at: datetime


class MyOpinionsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    items: list[MyOpinionOut]
    total: int
    page: int
    pages: int
    per_page: int
    next_cursor: str | None = Field(default=None, description="`after` for the next page")
    previous_cursor: str | None = Field(default=None, description="`before` for the previous")


class HighlightOut(BaseModel):
    """A matched span of a field, in code points of the field's text as returned."""

    field: str = Field(description="text, author or organisation")
    start: int
    end: int


class OpinionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    consultation_id: int
    section_id: int | None
    section_label: str | None
    kind: str
    channel: str
    status: str
    hidden_reason: str | None
    text: str
    quote: str | None
    proposed_wording: str | None
    author: str | None = Field(description="the person's name or the name given; null if none")
    anonymous: bool
    organisation_id: int | None
    organisation: str | None
    submitted_at: datetime
    can_moderate: bool = Field(description="the caller may hide or restore it")
    highlights: list[HighlightOut]

    @field_validator("highlights", mode="before")
    @classmethod
    def _spans(cls, value: Any) -> Any:
        """The search's {field: [(start, end), ...]} as one list of spans."""
        if isinstance(value, dict):
            return [
                {"field": name, "start": start, "end": end}
                for name, spans in value.items()
                for start, end in spans
            ]
        return value


class OpinionPageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    items: list[OpinionOut]
    total: int = Field(description="opinions matching, all pages")
    hidden: int = Field(description="of which hidden (never deleted, counted apart)")
    page: int = Field(description="the page's number (from the nearer end without a cursor)")
    pages: int
    page_size: int
    next_cursor: str | None = Field(
        default=None, description="pass as `after` for the next page; null on the last page"
    )
    previous_cursor: str | None = Field(
        default=None, description="pass as `before` for the previous page; null on the first"
    )


class SearchOut(OpinionPageOut):
    query: str
    mode: str | None = Field(
        description="fold: typed without diacritics, matched ignoring them; "
        "tone: typed with them, matched exactly up to case and tone placement"
    )


class HideIn(BaseModel):
    reason: str = Field(max_length=MAX_REASON_FORM)


class RowErrorOut(BaseModel):
    row: int
    column: str
    reason: str
    reason_vi: str
    reason_en: str


class ImportOut(BaseModel):
    batch_id: int
    rows_total: int
    rows_imported: int
    rows_rejected: int
    errors: list[RowErrorOut]
    errors_truncated: bool
    report_url: str | None
