"""The synthesis API contract: input models (`*In`, also filled from the pages' forms) and the
output models of units, syntheses, items and the drill-down."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from ykien.types import DbId

MAX_ID = 2_147_483_647
MAX_TEXT = 20_000


class CountsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    raw: int = Field(description="every opinion")
    unique: int = Field(description="a campaign counts once")


class FacetOut(BaseModel):
    name: str
    raw: int
    unique: int


class BreakdownOut(BaseModel):
    total: CountsOut
    by_organisation: list[FacetOut]
    by_channel: list[FacetOut]
    by_kind: list[FacetOut]


class SynthesisBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    revision: int
    status: str


class UnitOut(BaseModel):
    organisation_id: int
    name: str
    latest: SynthesisBrief | None
    reached: CountsOut = Field(description="opinions that reached it through submitted syntheses")
    beneath: CountsOut = Field(description="every opinion beneath it, submitted or not")
    has_children: bool


class PendingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    organisation_id: int
    name: str
    parent_id: int | None
    depth: int
    status: str | None


class UnitsOut(BaseModel):
    consultation_id: int
    unit: UnitOut
    children: list[UnitOut]
    pending: list[PendingOut]
    pending_total: int


class QuoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    opinion_id: int
    text: str


class ItemOut(BaseModel):
    id: int
    kind: str
    section_id: int | None
    theme_id: int | None
    title: str
    summary: str
    position: int
    edited: bool
    counts: BreakdownOut
    quotes: list[QuoteOut]
    child_item_count: int


class RevisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    revision: int
    status: str
    signed_off_at: datetime | None
    submitted_at: datetime | None


class SynthesisOut(BaseModel):
    id: int
    consultation_id: int
    organisation_id: int
    organisation_name: str
    revision: int
    status: str
    summary: str
    signed_off_at: datetime | None
    submitted_at: datetime | None
    submitted_to_id: int | None
    totals: BreakdownOut
    items: list[ItemOut] = Field(description="a page of items, in their order")
    next_after: str | None = Field(
        default=None, description="pass as ?after= for the next page of items; null: the last"
    )
    history: list[RevisionOut]


class ChildItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    item_id: int
    synthesis_id: int
    organisation_id: int
    organisation_name: str
    title: str
    raw: int | None
    unique: int | None


class OpinionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    receipt_code: str
    text: str
    status: str
    channel: str
    kind: str
    section_label: str | None
    author: str | None
    submitted_at: datetime


class DrillDownOut(BaseModel):
    item_id: int
    synthesis_id: int
    title: str
    child_items: list[ChildItemOut]
    opinions: list[OpinionOut] = Field(description="the item's own opinions, one page")
    own_total: int
    beneath_total: int = Field(description="original opinions at any depth below the item")
    page: int
    more: bool


class DraftIn(BaseModel):
    organisation_id: DbId = Field(ge=1, le=MAX_ID)


class SummaryIn(BaseModel):
    summary: str = Field(max_length=MAX_TEXT * 2)


class OrderIn(BaseModel):
    item_ids: list[DbId] = Field(max_length=10_000)


class ItemIn(BaseModel):
    title: str | None = Field(default=None, max_length=MAX_TEXT)
    summary: str | None = Field(default=None, max_length=MAX_TEXT * 2)


class QuotesIn(BaseModel):
    opinion_ids: list[DbId] = Field(max_length=1_000)


class MoveIn(BaseModel):
    """The page's "move up / down" buttons."""

    direction: str = Field(pattern="^(up|down)$")
