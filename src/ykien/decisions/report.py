"""The response table "Bảng tổng hợp tiếp thu, giải trình ý kiến" of a consultation's published
decisions, one row per decision and per section it changes (or, naming none, the section its
opinions were given on), with who raised them; ready for the writers of ykien.exports.reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ykien.accounts.models import Person
from ykien.consultations import service as consultations
from ykien.decisions import service as decisions
from ykien.drafts.models import Section
from ykien.exports import reports as exports
from ykien.exports.admin_docx import Signature
from ykien.opinions.models import Opinion, OpinionStatus
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.synthesis.reports import (
    GENERAL_SECTION,
    NO_ORGANISATION,
    Issue,
    consultation_subject,
    letterhead_for,
)
from ykien.text import sort_key

RESPONSE_SIGNER = "Cơ quan chủ trì soạn thảo"


@dataclass(frozen=True)
class _Raised:
    """One visible opinion answered by a decision: where it was given and by whom."""

    opinion_id: int
    section_id: int | None
    raised_by: str


def _raised(session: Session, decision: Any) -> list[_Raised]:
    author_org = aliased(Organisation)
    behalf = aliased(Organisation)
    covered = decisions.opinions_of_item(decision.target_type, decision.target_id)
    rows = session.execute(
        select(Opinion.id, Opinion.section_id, func.coalesce(behalf.name, author_org.name))
        .outerjoin(Person, Person.id == Opinion.author_person_id)
        .outerjoin(author_org, author_org.id == Person.organisation_id)
        .outerjoin(behalf, behalf.id == Opinion.on_behalf_of_id)
        .where(Opinion.id.in_(covered), Opinion.status != OpinionStatus.HIDDEN)
        .order_by(Opinion.id)
    ).all()
    return [_Raised(i, section, name or NO_ORGANISATION) for i, section, name in rows]


def _contributors(raised: Sequence[_Raised]) -> list[exports.Contributor]:
    """Who raised them, most opinions first, then in Vietnamese alphabetical order."""
    counted = Counter(r.raised_by for r in raised)
    ordered = sorted(counted.items(), key=lambda pair: (-pair[1], sort_key(pair[0])))
    return [exports.Contributor(name, count) for name, count in ordered]


def _section_order(session: Session, section_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """Section id -> (position in its version, label)."""
    ids = [i for i in section_ids if i is not None]
    if not ids:
        return {}
    rows = session.execute(
        select(Section.id, Section.position, Section.label).where(Section.id.in_(ids))
    ).all()
    return {section_id: (position, label) for section_id, position, label in rows}


def _rows_at(session: Session, decision: Any, raised: Sequence[_Raised]) -> list[int | None]:
    """Where a decision's row goes: each section it changes (DecisionSection); when it names
    none, the one section all its opinions were given on, else the general part."""
    changed = decisions.section_ids_of(session=session, decision_id=decision.id)
    if changed:
        return list(changed)
    given_on = {r.section_id for r in raised}
    return [given_on.pop()] if len(given_on) == 1 else [None]


def response_sections(session: Session, consultation_id: int) -> list[exports.ResponseSection]:
    """One row per published decision and per section it changes, in draft order; the row
    answers all the decision's opinions and carries the new wording written for that section."""
    grouped: dict[int | None, list[exports.ResponseItem]] = {}
    for response in decisions.responses(session=session, consultation_id=consultation_id):
        decision = response.decision
        raised = _raised(session, decision)
        if not raised:
            continue
        for section_id in _rows_at(session, decision, raised):
            grouped.setdefault(section_id, []).append(
                exports.ResponseItem(
                    summary=" ".join(response.title.split()),
                    raised_by=_contributors(raised),
                    outcome=exports.Outcome(decision.outcome),
                    explanation=decision.explanation,
                    new_wording=decision.new_wording or None,
                    opinion_ids=[r.opinion_id for r in raised],
                )
            )
    order = _section_order(session, (s for s in grouped if s is not None))
    known = sorted((s for s in grouped if s is not None and s in order), key=lambda s: order[s])
    sections = [exports.ResponseSection(order[s][1], grouped[s]) for s in known]
    if None in grouped:
        sections.append(exports.ResponseSection(GENERAL_SECTION, grouped[None]))
    return sections


def response_table(
    *, session: Session, consultation_id: int, issue: Issue | None = None
) -> exports.ResponseTable:
    """ "Bảng tổng hợp tiếp thu, giải trình ý kiến" of the consultation's published decisions,
    issued by the organiser."""
    issue = issue or Issue()
    consultation = consultations.get(session=session, consultation_id=consultation_id)
    organiser = orgs.get(session=session, organisation_id=consultation.organiser_id)
    return exports.ResponseTable(
        letterhead=letterhead_for(session=session, organisation_id=organiser.id, issue=issue),
        signature=Signature(on_behalf=None, position=RESPONSE_SIGNER, name=""),
        recipients=[f"Lưu: {organiser.short_name or organiser.name}"],
        consultation_title=consultation_subject(session=session, consultation=consultation),
        sections=response_sections(session, consultation_id),
    )
