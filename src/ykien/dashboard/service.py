"""The figures of a consultation's dashboard, read from tallies kept as opinions are written
(ykien.analysis.tallies): no figure counts the opinions when the page is viewed.

Opinions hidden by moderation are left out, as in the analysis. Every opinion figure is given raw
and de-duplicated (a campaign that was not undone counts once per group); before any analysis
has run the two are equal. Days are calendar days in the given time zone (Vietnam by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ykien.analysis import tallies
from ykien.analysis.models import AnalysisRun, RunStatus, Theme, ThemeStatus
from ykien.consultations import service as consultations
from ykien.decisions.models import Decision, DecisionStatus, Outcome
from ykien.drafts.models import Section
from ykien.opinions.models import Channel, OpinionKind
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.synthesis.models import Synthesis, SynthesisStatus
from ykien.timefmt import VN_TZ

NOT_STARTED = "not_started"
SYNTHESIS_STAGES = (
    SynthesisStatus.SUBMITTED.value,
    SynthesisStatus.SIGNED_OFF.value,
    SynthesisStatus.DRAFT.value,
    NOT_STARTED,
)
DECISION_STATUSES = tuple(status.value for status in DecisionStatus)
OUTCOMES = tuple(outcome.value for outcome in Outcome)


@dataclass(frozen=True)
class Tally:
    raw: int
    unique: int


@dataclass(frozen=True)
class DayTally:
    day: date
    tally: Tally


@dataclass(frozen=True)
class FacetTally:
    """A group of opinions (an organisation, a kind, a channel, a theme) and its count."""

    key: str
    name: str
    tally: Tally


@dataclass(frozen=True)
class SectionTally:
    """A section of the table of contents, its own opinions and those of its whole subtree."""

    section_id: int
    label: str
    heading: str
    depth: int
    tally: Tally
    subtree_raw: int


@dataclass(frozen=True)
class UnitProgress:
    organisation_id: int
    name: str
    depth: int
    stage: str  # submitted, signed_off, draft or not_started
    submitted_at: datetime | None


@dataclass(frozen=True)
class SynthesisProgress:
    units: list[UnitProgress]
    by_stage: dict[str, int]


@dataclass(frozen=True)
class DecisionProgress:
    by_status: dict[str, int]
    by_outcome: dict[str, int]  # decisions in force (not superseded)


@dataclass(frozen=True)
class Dashboard:
    consultation_id: int
    analysed: bool  # a finished analysis run exists: de-duplicated figures are meaningful
    total: Tally
    days: list[DayTally]
    organisations: list[FacetTally]
    sections: list[SectionTally]
    general: Tally  # opinions not attached to a section
    kinds: list[FacetTally]
    channels: list[FacetTally]
    themes: list[FacetTally]
    syntheses: SynthesisProgress
    decisions: DecisionProgress
    tz_name: str = field(default="Asia/Ho_Chi_Minh")


# ---------------------------------------------------------------------------------------------
# opinion counts: read from the tallies kept as opinions are written (ykien.analysis.tallies)


def _tally(cell: tallies.Cell | None) -> Tally:
    return Tally(cell.raw, cell.unique) if cell is not None else Tally(0, 0)


def _facet(session: Session, consultation_id: int, facet: str) -> dict[str, tallies.Cell]:
    return tallies.read(session=session, consultation_id=consultation_id, facets=[facet])[facet]


def opinions_per_day(
    *, session: Session, consultation_id: int, tz: ZoneInfo = VN_TZ
) -> list[DayTally]:
    """Opinions per local day from the first to the last day with any (empty days as zero).

    In Vietnam's zone both counts are exact; in another one the days are summed from hourly
    tallies, exact for the raw count, while a campaign spread over several hours of one day
    counts once per hour in the de-duplicated one."""
    found: dict[date, Tally] = {}
    if tz.key == tallies.DAY_ZONE:
        for key, cell in _facet(session, consultation_id, "day").items():
            found[date.fromisoformat(key)] = _tally(cell)
    else:
        for key, cell in _facet(session, consultation_id, "hour").items():
            hour = datetime.strptime(key, "%Y-%m-%d %H").replace(tzinfo=UTC)
            day = hour.astimezone(tz).date()
            before = found.get(day, Tally(0, 0))
            found[day] = Tally(before.raw + cell.raw, before.unique + cell.unique)
    if not found:
        return []
    first, last = min(found), max(found)
    span = (last - first).days + 1
    every_day = (first + timedelta(days=offset) for offset in range(span))
    return [DayTally(d, found.get(d, Tally(0, 0))) for d in every_day]


def _facets(rows: list[tuple[Any, ...]]) -> list[FacetTally]:
    """Largest (raw) first, then by name."""
    tallies_ = [
        FacetTally(str(key if key is not None else ""), str(name or ""), Tally(raw, unique))
        for key, name, raw, unique in rows
    ]
    return sorted(tallies_, key=lambda f: (-f.tally.raw, f.name, f.key))


def opinions_by_organisation(*, session: Session, consultation_id: int) -> list[FacetTally]:
    """Per organisation: the one spoken for, else the author's own; key "" for neither."""
    found = _facet(session, consultation_id, "organisation")
    ids = [int(key) for key in found if key]
    names = dict(
        session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        ).all()
    )
    rows = [
        (key, names.get(int(key), "") if key else "", cell.raw, cell.unique)
        for key, cell in found.items()
    ]
    return _facets(rows)


def _by_column(
    session: Session, consultation_id: int, facet: str, order: tuple[str, ...]
) -> list[FacetTally]:
    """Counts per value of a coded column, in the given order (unknown values last)."""
    found = _facet(session, consultation_id, facet)
    facets = [FacetTally(key, key, _tally(cell)) for key, cell in found.items()]
    rank = {value: position for position, value in enumerate(order)}
    return sorted(facets, key=lambda f: (rank.get(f.key, len(order)), f.key))


def opinions_by_kind(*, session: Session, consultation_id: int) -> list[FacetTally]:
    order = tuple(kind.value for kind in OpinionKind)
    return _by_column(session, consultation_id, "kind", order)


def opinions_by_channel(*, session: Session, consultation_id: int) -> list[FacetTally]:
    order = tuple(channel.value for channel in Channel)
    return _by_column(session, consultation_id, "channel", order)


def opinions_by_theme(*, session: Session, consultation_id: int) -> list[FacetTally]:
    """Active themes of the analysis, largest first (themes with no visible opinion left out)."""
    found = tallies.per_scope(session=session, consultation_id=consultation_id, scope="theme")
    labels = dict(
        session.execute(
            select(Theme.id, Theme.label).where(
                Theme.consultation_id == consultation_id,
                Theme.status == ThemeStatus.ACTIVE,
                Theme.id.in_(list(found)),
            )
        ).all()
    )
    return _facets(
        [
            (theme_id, labels[theme_id], c.raw, c.unique)
            for theme_id, c in found.items()
            if theme_id in labels
        ]
    )


def opinions_by_section(
    *, session: Session, consultation_id: int
) -> tuple[list[SectionTally], Tally]:
    """Every section of the consulted version in document order, and the unattached opinions."""
    found = {
        int(key) if key else None: _tally(cell)
        for key, cell in _facet(session, consultation_id, "section").items()
    }
    general = found.pop(None, Tally(0, 0))
    consultation = consultations.get(session=session, consultation_id=consultation_id)
    sections = session.execute(
        select(Section.id, Section.parent_id, Section.depth, Section.label, Section.heading)
        .where(Section.version_id == consultation.draft_version_id)
        .order_by(Section.position)
    ).all()
    subtree = _subtree_totals(
        [(row.id, row.parent_id) for row in sections],
        {section_id: tally.raw for section_id, tally in found.items() if section_id is not None},
    )
    return (
        [
            SectionTally(
                section_id=row.id,
                label=row.label,
                heading=row.heading or "",
                depth=row.depth,
                tally=found.get(row.id, Tally(0, 0)),
                subtree_raw=subtree.get(row.id, 0),
            )
            for row in sections
        ],
        general,
    )


def opinion_total(*, session: Session, consultation_id: int) -> Tally:
    """Every visible opinion of the consultation, raw and de-duplicated."""
    return _tally(_facet(session, consultation_id, "total").get(""))


def _subtree_totals(parents: list[tuple[int, int | None]], own: dict[int, int]) -> dict[int, int]:
    """Section id -> its own count plus its descendants' (parents come before children)."""
    totals = {section_id: own.get(section_id, 0) for section_id, _ in parents}
    for section_id, parent_id in reversed(parents):
        if parent_id is not None and parent_id in totals:
            totals[parent_id] += totals[section_id]
    return totals


# ---------------------------------------------------------------------------------------------
# syntheses and decisions


def synthesis_progress(*, session: Session, consultation_id: int) -> SynthesisProgress:
    """Each unit under the organiser and the scope: how far its synthesis has gone."""
    paths = consultations.authority_paths(session=session, consultation_id=consultation_id)
    tree = orgs.tree(session=session, roots=paths)
    latest: dict[int, str] = {}
    submitted_at: dict[int, datetime] = {}
    rows = session.execute(
        select(Synthesis.organisation_id, Synthesis.status, Synthesis.submitted_at)
        .where(Synthesis.consultation_id == consultation_id)
        .order_by(Synthesis.revision)
    ).all()
    for org_id, status, when in rows:
        latest[org_id] = status
        if status == SynthesisStatus.SUBMITTED and when is not None:
            submitted_at[org_id] = when
    units = [
        UnitProgress(
            organisation_id=row.organisation.id,
            name=row.organisation.name,
            depth=row.depth,
            stage=_stage(latest.get(row.organisation.id), row.organisation.id in submitted_at),
            submitted_at=submitted_at.get(row.organisation.id),
        )
        for row in tree
    ]
    by_stage = dict.fromkeys(SYNTHESIS_STAGES, 0)
    for unit in units:
        by_stage[unit.stage] += 1
    return SynthesisProgress(units=units, by_stage=by_stage)


def _stage(latest_status: str | None, ever_submitted: bool) -> str:
    """A unit that submitted once stays submitted while a new revision is drafted."""
    if ever_submitted:
        return SynthesisStatus.SUBMITTED.value
    return latest_status or NOT_STARTED


def decision_progress(*, session: Session, consultation_id: int) -> DecisionProgress:
    rows = session.execute(
        select(Decision.status, Decision.outcome, func.count())
        .where(Decision.consultation_id == consultation_id)
        .group_by(Decision.status, Decision.outcome)
    ).all()
    by_status = dict.fromkeys(DECISION_STATUSES, 0)
    by_outcome = dict.fromkeys(OUTCOMES, 0)
    for status, outcome, count in rows:
        by_status[status] = by_status.get(status, 0) + int(count)
        if status != DecisionStatus.SUPERSEDED:
            by_outcome[outcome] = by_outcome.get(outcome, 0) + int(count)
    return DecisionProgress(by_status=by_status, by_outcome=by_outcome)


def _analysed(session: Session, consultation_id: int) -> bool:
    found = session.scalar(
        select(AnalysisRun.id)
        .where(AnalysisRun.consultation_id == consultation_id, AnalysisRun.status == RunStatus.DONE)
        .limit(1)
    )
    return found is not None


def dashboard(*, session: Session, consultation_id: int, tz: ZoneInfo = VN_TZ) -> Dashboard:
    """Every figure of the consultation's dashboard (404 if the consultation does not exist)."""
    consultations.get(session=session, consultation_id=consultation_id)
    sections, general = opinions_by_section(session=session, consultation_id=consultation_id)
    return Dashboard(
        consultation_id=consultation_id,
        analysed=_analysed(session, consultation_id),
        total=opinion_total(session=session, consultation_id=consultation_id),
        days=opinions_per_day(session=session, consultation_id=consultation_id, tz=tz),
        organisations=opinions_by_organisation(session=session, consultation_id=consultation_id),
        sections=sections,
        general=general,
        kinds=opinions_by_kind(session=session, consultation_id=consultation_id),
        channels=opinions_by_channel(session=session, consultation_id=consultation_id),
        themes=opinions_by_theme(session=session, consultation_id=consultation_id),
        syntheses=synthesis_progress(session=session, consultation_id=consultation_id),
        decisions=decision_progress(session=session, consultation_id=consultation_id),
        tz_name=tz.key,
    )
