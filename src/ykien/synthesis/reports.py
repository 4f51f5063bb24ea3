"""The official reports built from the database, ready for the writers of ykien.exports.reports.

- synthesis_report: "Báo cáo tổng hợp ý kiến" of one synthesis (its organisation's letterhead,
  totals, items per section and per theme, quotes cited by receipt code, the meetings with their
  speakers against attendees, the proposed wordings quoted verbatim with their section).

The letterhead, issue and subject helpers are shared with the response table of
`ykien.decisions.report`. The channel and kind names are given by the caller (`Labels`): a report
does not read the web layer's catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import String, func, select
from sqlalchemy.orm import Session, aliased

from ykien.accounts.models import Person
from ykien.analysis.service import Breakdown, Counts
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.drafts.models import Draft, DraftVersion, Section
from ykien.events.models import Event, EventAttendee
from ykien.exports import reports as exports
from ykien.exports.admin_docx import Letterhead, Signature
from ykien.opinions.models import Opinion, OpinionStatus
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation, OrgKind
from ykien.synthesis import service as syntheses
from ykien.synthesis.models import ItemKind
from ykien.synthesis.store import synthesis_opinions
from ykien.timefmt import VN_TZ

DEFAULT_PLACE = "Hà Nội"
# the number is written by hand on the signed paper copy; no-break spaces keep the gap in DOCX
BLANK_NUMBER = "\u00a0" * 6 + "/BC"
NO_ORGANISATION = "Cá nhân, tổ chức khác"
GENERAL_SECTION = syntheses.OTHER_TITLE
SYNTHESIS_SIGNER = "Thư ký tổng hợp"
PARTY_KINDS = frozenset({OrgKind.PARTY_COMMITTEE, OrgKind.PARTY_CELL})


@dataclass(frozen=True)
class Labels:
    """The names a report prints for the channels and kinds of opinion (raw values if absent)."""

    channels: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Issue:
    """Where and when a report is issued, and its number/symbol (blank-numbered when None)."""

    place: str = DEFAULT_PLACE
    number_symbol: str | None = None
    issued_on: date | None = None  # today in Vietnam when None


def vietnam_today(tz: ZoneInfo = VN_TZ, *, now: datetime | None = None) -> date:
    """Today's date in the given (Vietnamese) time zone."""
    return (now or datetime.now(tz)).astimezone(tz).date()


def letterhead_for(*, session: Session, organisation_id: int, issue: Issue) -> Letterhead:
    """The organisation issues; its parent is the body above; party units take the party motto."""
    org = orgs.get(session=session, organisation_id=organisation_id)
    parent = orgs.get(session=session, organisation_id=org.parent_id) if org.parent_id else None
    return Letterhead(
        parent_body=parent.name if parent else None,
        issuing_body=org.name,
        number_symbol=issue.number_symbol or BLANK_NUMBER,
        place=issue.place,
        issued_on=issue.issued_on or vietnam_today(),
        motto="party" if org.kind in PARTY_KINDS else "state",
    )


def consultation_subject(*, session: Session, consultation: Consultation) -> str:
    """What the opinions were on, reading on from "góp ý": "dự thảo <draft title>"."""
    title = session.scalar(
        select(Draft.title)
        .join(DraftVersion, DraftVersion.draft_id == Draft.id)
        .where(DraftVersion.id == consultation.draft_version_id)
    )
    subject = " ".join((title or consultation.title).split())
    if subject.casefold().startswith("dự thảo"):
        return subject[0].lower() + subject[1:]
    return f"dự thảo {subject}"


# ---------------------------------------------------------------------------------------------
# the synthesis report


def _counts(rows: Sequence[tuple[str, Counts]], labels: Mapping[str, str]) -> list[exports.Count]:
    return [
        exports.Count(labels.get(name) or name or NO_ORGANISATION, c.raw, c.unique)
        for name, c in rows
    ]


def _totals(found: Breakdown, labels: Labels) -> exports.Totals:
    return exports.Totals(
        raw=found.total.raw,
        deduplicated=found.total.unique,
        by_organisation=_counts(found.by_organisation, {}),
        by_channel=_counts(found.by_channel, labels.channels),
        by_kind=_counts(found.by_kind, labels.kinds),
    )


def _quotes(session: Session, opinion_ids: Iterable[int]) -> dict[int, exports.Quote]:
    """Visible opinions as quotes: receipt code, text, author's name and organisation."""
    ids = list(opinion_ids)
    if not ids:
        return {}
    author_org = aliased(Organisation)
    behalf = aliased(Organisation)
    rows = session.execute(
        select(
            Opinion.id,
            Opinion.receipt_code,
            Opinion.text,
            func.coalesce(Person.full_name, Opinion.author_name),
            func.coalesce(behalf.name, author_org.name),
        )
        .outerjoin(Person, Person.id == Opinion.author_person_id)
        .outerjoin(author_org, author_org.id == Person.organisation_id)
        .outerjoin(behalf, behalf.id == Opinion.on_behalf_of_id)
        .where(Opinion.id.in_(ids), Opinion.status != OpinionStatus.HIDDEN)
    ).all()
    return {
        opinion_id: exports.Quote(opinion_id, code, " ".join(text.split()), author, org)
        for opinion_id, code, text, author, org in rows
    }


def _report_item(session: Session, view: syntheses.ItemView) -> exports.SynthesisItem:
    quotes = _quotes(session, (q for q, _ in view.quotes))
    return exports.SynthesisItem(
        label=view.item.title,
        summary=view.item.summary,
        raw=view.counts.total.raw,
        deduplicated=view.counts.total.unique,
        quotes=[quotes[q] for q, _ in view.quotes if q in quotes],
        opinion_ids=syntheses.opinions_under(session=session, item_id=view.item.id),
    )


def _meetings(session: Session, synthesis_id: int) -> list[exports.Meeting]:
    """The meetings whose opinions the synthesis holds: distinct speakers against attendees."""
    visible = (
        select(Opinion)
        .where(Opinion.id.in_(synthesis_opinions(synthesis_id)))
        .where(Opinion.status != OpinionStatus.HIDDEN, Opinion.event_id.is_not(None))
        .subquery()
    )
    speaker = func.coalesce(func.cast(visible.c.author_person_id, String), visible.c.author_name)
    rows = session.execute(
        select(Event.id, Event.title, Event.starts_at, func.count(func.distinct(speaker)))
        .join(visible, visible.c.event_id == Event.id)
        .group_by(Event.id, Event.title, Event.starts_at)
        .order_by(Event.starts_at, Event.id)
    ).all()
    attendees = dict(
        session.execute(
            select(EventAttendee.event_id, func.count())
            .where(EventAttendee.event_id.in_([row[0] for row in rows]))
            .group_by(EventAttendee.event_id)
        ).all()
    )
    return [
        exports.Meeting(title, vietnam_today(now=starts_at), speakers, attendees.get(event_id, 0))
        for event_id, title, starts_at, speakers in rows
    ]


def _wordings(session: Session, synthesis_id: int) -> list[exports.Wording]:
    """Every proposed wording, verbatim, with the section it amends, in the draft's order."""
    rows = session.execute(
        select(Opinion.id, Opinion.proposed_wording, Section.label)
        .join(Section, Section.id == Opinion.section_id, isouter=True)
        .where(Opinion.id.in_(synthesis_opinions(synthesis_id)))
        .where(Opinion.status != OpinionStatus.HIDDEN)
        .where(func.coalesce(Opinion.proposed_wording, "") != "")
        .order_by(Section.position, Opinion.id)
    ).all()
    quotes = _quotes(session, (opinion_id for opinion_id, _w, _l in rows))
    return [
        exports.Wording(
            label or GENERAL_SECTION,
            replace(quotes[opinion_id], text=(wording or "").strip()),
        )
        for opinion_id, wording, label in rows
        if opinion_id in quotes
    ]


def _signer_name(session: Session, person_id: int | None) -> str:
    person = session.get(Person, person_id) if person_id else None
    return person.full_name if person else ""


def synthesis_report(
    *, session: Session, synthesis_id: int, issue: Issue | None = None, labels: Labels | None = None
) -> exports.SynthesisReport:
    """ "Báo cáo tổng hợp ý kiến" of one synthesis, with the counts it shows on its page."""
    issue = issue or Issue()
    found = syntheses.view(session=session, synthesis_id=synthesis_id)
    synthesis = found.synthesis
    consultation = consultations.get(session=session, consultation_id=synthesis.consultation_id)
    org = orgs.get(session=session, organisation_id=synthesis.organisation_id)
    parent = orgs.get(session=session, organisation_id=org.parent_id) if org.parent_id else None
    recipients = [f"{parent.name} (để báo cáo)"] if parent else []
    recipients.append(f"Lưu: {org.short_name or org.name}")
    items = [_report_item(session, view) for view in found.items]
    kinds = [view.item.kind for view in found.items]
    return exports.SynthesisReport(
        letterhead=letterhead_for(session=session, organisation_id=org.id, issue=issue),
        signature=Signature(
            on_behalf=None,
            position=SYNTHESIS_SIGNER,
            name=_signer_name(session, synthesis.signed_off_by_person_id),
        ),
        recipients=recipients,
        consultation_title=consultation_subject(session=session, consultation=consultation),
        period_start=vietnam_today(now=consultation.opens_at),
        period_end=vietnam_today(now=consultation.closes_at),
        totals=_totals(found.totals, labels or Labels()),
        sections=[i for i, kind in zip(items, kinds, strict=True) if kind != ItemKind.THEME],
        themes=[i for i, kind in zip(items, kinds, strict=True) if kind == ItemKind.THEME],
        introduction=synthesis.summary or None,
        meetings=_meetings(session, synthesis.id),
        wordings=_wordings(session, synthesis.id),
    )
