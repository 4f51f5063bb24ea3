"""Section, kind and moderation-flag proposals of an analysis run, and the people's decisions
on them (confirm, correct, undo); every decision is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from ykien.analysis.models import (
    OpinionAnalysis,
    ProposalStatus,
    SectionSuggestion,
)
from ykien.audit import service as audit
from ykien.drafts.models import Section
from ykien.errors import UserError
from ykien.opinions import service as opinions
from ykien.opinions.models import Opinion, OpinionKind, OpinionStatus


def _bad(code: str, vi: str, en: str) -> UserError:
    return UserError(code, vi, en)


def pending_section_opinions(consultation_id: int) -> Select[Any]:
    return (
        select(SectionSuggestion.opinion_id)
        .join(Opinion, Opinion.id == SectionSuggestion.opinion_id)
        .where(
            SectionSuggestion.consultation_id == consultation_id,
            SectionSuggestion.status == ProposalStatus.PROPOSED,
            Opinion.section_id.is_(None),
        )
        .distinct()
    )


@dataclass
class SectionProposalRow:
    suggestion_id: int
    opinion_id: int
    text: str
    section_label: str
    confidence: float
    method: str
    evidence: str


def section_proposals(
    *, session: Session, consultation_id: int, min_confidence: float = 0.0, limit: int = 200
) -> list[SectionProposalRow]:
    """The best pending proposal per opinion without a section, most confident first."""
    rows = session.execute(
        select(
            SectionSuggestion.id,
            Opinion.id,
            Opinion.text,
            Section.label,
            SectionSuggestion.confidence,
            SectionSuggestion.method,
            SectionSuggestion.evidence,
        )
        .join(Opinion, Opinion.id == SectionSuggestion.opinion_id)
        .join(Section, Section.id == SectionSuggestion.section_id)
        .where(
            SectionSuggestion.consultation_id == consultation_id,
            SectionSuggestion.status == ProposalStatus.PROPOSED,
            SectionSuggestion.rank == 1,
            SectionSuggestion.confidence >= min_confidence,
            Opinion.section_id.is_(None),
        )
        .order_by(SectionSuggestion.confidence.desc(), Opinion.id)
        .limit(limit)
    ).all()
    return [SectionProposalRow(*row) for row in rows]


def confirm_sections(
    *,
    session: Session,
    consultation_id: int,
    suggestion_ids: Sequence[int],
    actor_person_id: int | None,
) -> int:
    """Give each opinion the proposed section (bulk); its other proposals are set aside."""
    chosen = session.scalars(
        select(SectionSuggestion).where(
            SectionSuggestion.id.in_(set(suggestion_ids)),
            SectionSuggestion.consultation_id == consultation_id,
            SectionSuggestion.status == ProposalStatus.PROPOSED,
        )
    ).all()
    done = 0
    for suggestion in chosen:
        opinion = session.get_one(Opinion, suggestion.opinion_id)
        if opinion.section_id is not None:
            continue
        opinion.section_id = suggestion.section_id
        session.execute(
            update(SectionSuggestion)
            .where(SectionSuggestion.opinion_id == opinion.id)
            .values(status=ProposalStatus.REJECTED)
        )
        suggestion.status = ProposalStatus.CONFIRMED
        done += 1
    if done:
        audit.record(
            session=session,
            action="sections.confirmed",
            entity_type="consultation",
            entity_id=consultation_id,
            actor_person_id=actor_person_id,
            payload={"suggestion_ids": sorted(s.id for s in chosen), "count": done},
        )
    return done


def pending_kinds(consultation_id: int) -> Select[Any]:
    return (
        select(OpinionAnalysis.opinion_id)
        .join(Opinion, Opinion.id == OpinionAnalysis.opinion_id)
        .where(
            OpinionAnalysis.consultation_id == consultation_id,
            OpinionAnalysis.proposed_kind.is_not(None),
            OpinionAnalysis.kind_status == ProposalStatus.PROPOSED,
            Opinion.kind == OpinionKind.COMMENT,
        )
    )


def pending_flags(consultation_id: int) -> Select[Any]:
    return (
        select(OpinionAnalysis.opinion_id)
        .join(Opinion, Opinion.id == OpinionAnalysis.opinion_id)
        .where(
            OpinionAnalysis.consultation_id == consultation_id,
            OpinionAnalysis.flag.is_not(None),
            OpinionAnalysis.flag_status == ProposalStatus.PROPOSED,
            Opinion.status != OpinionStatus.HIDDEN,
        )
    )


@dataclass
class ProposalRow:
    opinion_id: int
    text: str
    value: str
    confidence: float
    evidence: str


def _proposals(
    session: Session, pending: Select[Any], value: Any, score: Any, evidence: Any, limit: int
) -> list[ProposalRow]:
    """Pending per-opinion proposals, the strongest first."""
    rows = session.execute(
        select(Opinion.id, Opinion.text, value, score, evidence)
        .join(OpinionAnalysis, OpinionAnalysis.opinion_id == Opinion.id)
        .where(Opinion.id.in_(pending))
        .order_by(score.desc(), Opinion.id)
        .limit(limit)
    ).all()
    return [ProposalRow(r[0], r[1], r[2] or "", float(r[3] or 0), r[4] or "") for r in rows]


def kind_proposals(
    *, session: Session, consultation_id: int, limit: int = 200
) -> list[ProposalRow]:
    return _proposals(
        session,
        pending_kinds(consultation_id),
        OpinionAnalysis.proposed_kind,
        OpinionAnalysis.kind_confidence,
        OpinionAnalysis.kind_cue,
        limit,
    )


def flag_proposals(
    *, session: Session, consultation_id: int, limit: int = 200
) -> list[ProposalRow]:
    return _proposals(
        session,
        pending_flags(consultation_id),
        OpinionAnalysis.flag,
        OpinionAnalysis.flag_score,
        OpinionAnalysis.flag_terms,
        limit,
    )


def _analyses(
    session: Session, consultation_id: int, opinion_ids: Sequence[int]
) -> list[OpinionAnalysis]:
    return list(
        session.scalars(
            select(OpinionAnalysis).where(
                OpinionAnalysis.consultation_id == consultation_id,
                OpinionAnalysis.opinion_id.in_(set(opinion_ids)),
            )
        )
    )


def decide_kinds(
    *,
    session: Session,
    consultation_id: int,
    opinion_ids: Sequence[int],
    accept: bool,
    actor_person_id: int | None,
) -> int:
    """Accept (the opinion takes the proposed kind) or reject kind proposals, in bulk."""
    done = 0
    for analysis in _analyses(session, consultation_id, opinion_ids):
        if analysis.proposed_kind is None or analysis.kind_status != ProposalStatus.PROPOSED:
            continue
        if accept:
            session.get_one(Opinion, analysis.opinion_id).kind = analysis.proposed_kind
        analysis.kind_status = ProposalStatus.CONFIRMED if accept else ProposalStatus.REJECTED
        done += 1
    if done:
        audit.record(
            session=session,
            action="kinds.accepted" if accept else "kinds.rejected",
            entity_type="consultation",
            entity_id=consultation_id,
            actor_person_id=actor_person_id,
            payload={"opinion_ids": sorted(set(opinion_ids)), "count": done},
        )
    return done


def decide_flags(
    *,
    session: Session,
    consultation_id: int,
    opinion_ids: Sequence[int],
    hide: bool,
    reason: str,
    actor_person_id: int | None,
) -> int:
    """Hide the flagged opinions with a reason (kept and counted), or dismiss the flags."""
    done = 0
    for analysis in _analyses(session, consultation_id, opinion_ids):
        if analysis.flag is None or analysis.flag_status != ProposalStatus.PROPOSED:
            continue
        if hide:
            opinions.hide(
                session=session,
                opinion_id=analysis.opinion_id,
                reason=reason,
                actor_person_id=actor_person_id,
            )
        analysis.flag_status = ProposalStatus.CONFIRMED if hide else ProposalStatus.REJECTED
        done += 1
    if done and not hide:
        audit.record(
            session=session,
            action="flags.dismissed",
            entity_type="consultation",
            entity_id=consultation_id,
            actor_person_id=actor_person_id,
            payload={"opinion_ids": sorted(set(opinion_ids)), "count": done},
        )
    return done
