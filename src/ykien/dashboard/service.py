"""The figures of a consultation's dashboard, one grouped query per chart.

Opinions hidden by moderation are left out, as in the analysis. Every opinion figure is given raw
and de-duplicated (a campaign that was not undone counts once per group); before any analysis
has run the two are equal. Days are calendar days in the given time zone (Vietnam by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, aliased

from ykien.accounts.models import Person
from ykien.analysis.models import (
    AnalysisRun,
    DuplicateGroup,
    DuplicateMember,
    RunStatus,
    Theme,
    ThemeMember,
    ThemeStatus,
    counts_in_campaign,
)
from ykien.consultations import service as consultations
from ykien.decisions.models import Decision, DecisionStatus, Outcome
from ykien.drafts.models import Section
from ykien.opinions.models import Channel, Opinion, OpinionKind, OpinionStatus
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
# opinion counts


def _campaign_of(consultation_id: int) -> Any:
    """Opinion id -> the campaign that counts it once (the lowest, if several)."""
    return (
        select(
            DuplicateMember.opinion_id.label("opinion_id"),
            func.min(DuplicateMember.group_id).label("group_id"),
        )
        .join(DuplicateGroup, DuplicateGroup.id == DuplicateMember.group_id)
        .where(DuplicateGroup.consultation_id == consultation_id, counts_in_campaign())
        .group_by(DuplicateMember.opinion_id)
        .subquery()
    )


@dataclass(frozen=True)
class _Counting:
    """The visible opinions of a consultation joined to their campaign, ready to group.

    Each opinion appears at most once per group, so the de-duplicated count is the number of
    distinct campaigns plus the opinions in none: a DISTINCT over the few campaign ids, far
    cheaper than one over every opinion's key.
    """

    base: Select[Any]
    campaign: ColumnElement[Any]

    def _counts(self) -> tuple[Any, Any]:
        raw = func.count()
        unique = func.count(func.distinct(self.campaign)) + raw - func.count(self.campaign)
        return raw, unique

    def grouped(self, session: Session, *columns: Any) -> list[tuple[Any, ...]]:
        """Rows of (*columns, raw, unique), one per group."""
        query = self.base.add_columns(*columns, *self._counts()).group_by(*columns)
        return [tuple(row) for row in session.execute(query)]

    def total(self, session: Session) -> Tally:
        raw, unique = session.execute(self.base.add_columns(*self._counts())).one()
        return Tally(int(raw), int(unique))


def _counting(consultation_id: int, base: Select[Any] | None = None) -> _Counting:
    campaign = _campaign_of(consultation_id)
    query = (base if base is not None else select().select_from(Opinion)).outerjoin(
        campaign, campaign.c.opinion_id == Opinion.id
    )
    query = query.where(
        Opinion.consultation_id == consultation_id, Opinion.status != OpinionStatus.HIDDEN
    )
    return _Counting(query, campaign.c.group_id)


def _local_day(session: Session, tz: ZoneInfo) -> ColumnElement[Any]:
    """SQL for the calendar day of an opinion's submission in the time zone."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite knows no zones: shift by the zone's offset (exact where there is no DST)
        offset = tz.utcoffset(datetime.now()) or timedelta(0)
        return func.date(Opinion.submitted_at, f"{int(offset.total_seconds()):+d} seconds")
    return func.date(func.timezone(tz.key, Opinion.submitted_at))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def opinions_per_day(
    *, session: Session, consultation_id: int, tz: ZoneInfo = VN_TZ
) -> list[DayTally]:
    """Opinions per local day from the first to the last day with any (empty days as zero)."""
    day = _local_day(session, tz)
    found = {
        _as_date(value): Tally(int(raw), int(unique))
        for value, raw, unique in _counting(consultation_id).grouped(session, day)
    }
    if not found:
        return []
    first, last = min(found), max(found)
    span = (last - first).days + 1
    every_day = (first + timedelta(days=offset) for offset in range(span))
    return [DayTally(d, found.get(d, Tally(0, 0))) for d in every_day]


def _facets(rows: list[tuple[Any, ...]]) -> list[FacetTally]:
    """Largest (raw) first, then by name."""
    tallies = [
        FacetTally(str(key if key is not None else ""), str(name or ""), Tally(raw, unique))
        for key, name, raw, unique in rows
    ]
    return sorted(tallies, key=lambda f: (-f.tally.raw, f.name, f.key))


def opinions_by_organisation(*, session: Session, consultation_id: int) -> list[FacetTally]:
    """Per organisation: the one spoken for, else the author's own; key "" for neither."""
    author = aliased(Person)
    behalf = aliased(Organisation)
    author_org = aliased(Organisation)
    base = (
        select()
        .select_from(Opinion)
        .outerjoin(author, author.id == Opinion.author_person_id)
        .outerjoin(behalf, behalf.id == Opinion.on_behalf_of_id)
        .outerjoin(author_org, author_org.id == author.organisation_id)
    )
    org_id = func.coalesce(behalf.id, author_org.id)
    org_name = func.coalesce(behalf.name, author_org.name)
    rows = _counting(consultation_id, base).grouped(session, org_id, org_name)
    return _facets(rows)


def _by_column(
    session: Session, consultation_id: int, column: Any, order: tuple[str, ...]
) -> list[FacetTally]:
    """Counts per value of a coded column, in the given order (unknown values last)."""
    rows = _counting(consultation_id).grouped(session, column)
    tallies = [FacetTally(str(v), str(v), Tally(raw, unique)) for v, raw, unique in rows]
    rank = {value: position for position, value in enumerate(order)}
    return sorted(tallies, key=lambda f: (rank.get(f.key, len(order)), f.key))


def opinions_by_kind(*, session: Session, consultation_id: int) -> list[FacetTally]:
    order = tuple(kind.value for kind in OpinionKind)
    return _by_column(session, consultation_id, Opinion.kind, order)


def opinions_by_channel(*, session: Session, consultation_id: int) -> list[FacetTally]:
    order = tuple(channel.value for channel in Channel)
    return _by_column(session, consultation_id, Opinion.channel, order)


def opinions_by_theme(*, session: Session, consultation_id: int) -> list[FacetTally]:
    """Active themes of the analysis, largest first (themes with no visible opinion left out)."""
    base = (
        select()
        .select_from(Opinion)
        .join(ThemeMember, ThemeMember.opinion_id == Opinion.id)
        .join(Theme, Theme.id == ThemeMember.theme_id)
        .where(Theme.consultation_id == consultation_id, Theme.status == ThemeStatus.ACTIVE)
    )
    rows = _counting(consultation_id, base).grouped(session, ThemeMember.theme_id)
    labels = dict(
        session.execute(
            select(Theme.id, Theme.label).where(Theme.id.in_([theme_id for theme_id, *_ in rows]))
        ).all()
    )
    return _facets([(theme_id, labels[theme_id], raw, unique) for theme_id, raw, unique in rows])


def opinions_by_section(
    *, session: Session, consultation_id: int
) -> tuple[list[SectionTally], Tally]:
    """Every section of the consulted version in document order, and the unattached opinions."""
    rows = _counting(consultation_id).grouped(session, Opinion.section_id)
    found = {section_id: Tally(int(raw), int(unique)) for section_id, raw, unique in rows}
    general = found.pop(None, Tally(0, 0))
    consultation = consultations.get(session=session, consultation_id=consultation_id)
    sections = session.execute(
        select(Section.id, Section.parent_id, Section.depth, Section.label, Section.heading)
        .where(Section.version_id == consultation.draft_version_id)
        .order_by(Section.position)
    ).all()
    subtree = _subtree_totals(
        [(row.id, row.parent_id) for row in sections],
        {section_id: tally.raw for section_id, tally in found.items()},
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
        total=_counting(consultation_id).total(session),
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
