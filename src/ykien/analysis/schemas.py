"""The analysis API contract: runs, the overview, campaigns and themes with their counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from ykien.analysis import service as analysis


class CountsOut(BaseModel):
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

    @classmethod
    def of(cls, found: analysis.Breakdown) -> BreakdownOut:
        def facets(items: list[tuple[str, analysis.Counts]]) -> list[FacetOut]:
            return [FacetOut(name=name, raw=c.raw, unique=c.unique) for name, c in items]

        return cls(
            total=CountsOut.model_validate(found.total, from_attributes=True),
            by_organisation=facets(found.by_organisation),
            by_channel=facets(found.by_channel),
            by_kind=facets(found.by_kind),
        )


class RunOut(BaseModel):
    id: int
    consultation_id: int
    engine: str
    status: str
    stage: str
    progress_done: int
    progress_total: int
    params: dict[str, Any]
    stats: dict[str, Any]
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class OverviewOut(BaseModel):
    latest_run: RunOut | None
    opinions: CountsOut
    campaigns: int
    themes: int
    pending_sections: int = Field(description="counted up to pending_limit")
    pending_kinds: int = Field(description="counted up to pending_limit")
    pending_flags: int = Field(description="counted up to pending_limit")
    pending_limit: int = Field(description="a pending count equal to this means at least this")

    @classmethod
    def of(cls, found: analysis.Overview) -> OverviewOut:
        return cls(
            latest_run=RunOut.model_validate(found.run, from_attributes=True)
            if found.run
            else None,
            opinions=CountsOut.model_validate(found.counts, from_attributes=True),
            campaigns=found.campaigns,
            themes=found.themes,
            pending_sections=found.pending_sections,
            pending_kinds=found.pending_kinds,
            pending_flags=found.pending_flags,
            pending_limit=analysis.PENDING_LIMIT,
        )


class SlotOut(BaseModel):
    fixed: bool = Field(description="the same wording in every copy")
    alternatives: list[tuple[str, int]] = Field(description="wordings at this slot, copies each")


class CampaignOut(BaseModel):
    id: int
    status: str
    exact: bool
    canonical_opinion_id: int
    canonical_text: str
    counts: BreakdownOut
    variants: list[tuple[str, int]] = Field(description="common differences and how often")
    template: list[SlotOut] = Field(
        default_factory=list,
        description="one campaign only: its template, slot by slot (empty when no slot varies)",
    )
    template_copies: int = Field(0, description="copies the template's counts are taken over")

    @classmethod
    def of(cls, view: analysis.CampaignView) -> CampaignOut:
        return cls(
            id=view.group.id,
            status=view.group.status,
            exact=view.group.exact,
            canonical_opinion_id=view.group.canonical_opinion_id,
            canonical_text=view.canonical_text,
            counts=BreakdownOut.of(view.counts),
            variants=view.variants,
            template=[
                SlotOut(fixed=slot.fixed, alternatives=list(slot.alternatives))
                for slot in view.template
            ],
            template_copies=view.template_copies,
        )


class SummarySentenceOut(BaseModel):
    text: str
    opinion_ids: list[int]


class ThemeOut(BaseModel):
    id: int
    label: str
    edited: bool
    key_phrases: list[str]
    summary: list[SummarySentenceOut]
    quotes: list[tuple[int, str]]
    counts: BreakdownOut

    @classmethod
    def of(cls, view: analysis.ThemeView) -> ThemeOut:
        return cls(
            id=view.theme.id,
            label=view.theme.label,
            edited=view.theme.edited,
            key_phrases=view.key_phrases,
            summary=[SummarySentenceOut(**s) for s in view.summary],
            quotes=view.quotes,
            counts=BreakdownOut.of(view.counts),
        )


class RunRequest(BaseModel):
    engine: str = "local"
    min_themes: int = Field(default=2, ge=2, le=analysis.MAX_THEMES)
    max_themes: int = Field(default=12, ge=2, le=analysis.MAX_THEMES)
