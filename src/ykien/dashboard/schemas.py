"""The dashboard API contract: opinions raw and de-duplicated by day, organisation, section,
kind, channel and theme; the syntheses' progress; the decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from ykien.dashboard import service as figures


class TallyOut(BaseModel):
    raw: int = Field(description="every visible opinion")
    unique: int = Field(description="a campaign counts once")


class DayOut(TallyOut):
    day: date = Field(description="calendar day in the consultation's time zone")


class FacetOut(TallyOut):
    key: str = Field(description="organisation or theme id, kind or channel code; '' for none")
    name: str


class SectionOut(TallyOut):
    section_id: int
    label: str
    heading: str
    depth: int
    subtree_raw: int = Field(description="opinions on the section and its sub-sections")


class UnitOut(BaseModel):
    organisation_id: int
    name: str
    depth: int
    stage: str = Field(description="submitted, signed_off, draft or not_started")
    submitted_at: datetime | None


class SynthesesOut(BaseModel):
    by_stage: dict[str, int]
    units: list[UnitOut]


class DecisionsOut(BaseModel):
    by_status: dict[str, int]
    by_outcome: dict[str, int] = Field(description="decisions in force (not superseded)")


class DashboardOut(BaseModel):
    consultation_id: int
    analysed: bool = Field(description="an analysis has run: unique counts merge campaigns")
    timezone: str
    total: TallyOut
    days: list[DayOut]
    organisations: list[FacetOut]
    sections: list[SectionOut]
    general: TallyOut = Field(description="opinions not attached to a section")
    kinds: list[FacetOut]
    channels: list[FacetOut]
    themes: list[FacetOut]
    syntheses: SynthesesOut
    decisions: DecisionsOut


def _tally(tally: figures.Tally) -> dict[str, Any]:
    return {"raw": tally.raw, "unique": tally.unique}


def _facets_out(facets: list[figures.FacetTally]) -> list[FacetOut]:
    return [FacetOut(key=f.key, name=f.name, **_tally(f.tally)) for f in facets]


def dashboard_out(board: figures.Dashboard) -> DashboardOut:
    """The documented schema of a dashboard's figures."""
    return DashboardOut(
        consultation_id=board.consultation_id,
        analysed=board.analysed,
        timezone=board.tz_name,
        total=TallyOut(**_tally(board.total)),
        days=[DayOut(day=d.day, **_tally(d.tally)) for d in board.days],
        organisations=_facets_out(board.organisations),
        sections=[
            SectionOut(
                section_id=s.section_id,
                label=s.label,
                heading=s.heading,
                depth=s.depth,
                subtree_raw=s.subtree_raw,
                **_tally(s.tally),
            )
            for s in board.sections
        ],
        general=TallyOut(**_tally(board.general)),
        kinds=_facets_out(board.kinds),
        channels=_facets_out(board.channels),
        themes=_facets_out(board.themes),
        syntheses=SynthesesOut.model_validate(board.syntheses, from_attributes=True),
        decisions=DecisionsOut.model_validate(board.decisions, from_attributes=True),
    )
