"""The decision workflow (draft, edit, approve, publish) of the subcommittees' answers.

Every state change is audited. Which opinions a theme or campaign decision answers is read from
the current memberships, so merges, splits and moves are reflected at once. The queues live in
`decisions.queues`, the section mapping in `decisions.sections`, what participants see in
`decisions.responses`; their functions are re-exported here for callers of the workflow."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.consultations import subcommittees
from ykien.consultations.models import Consultation
from ykien.db.base import utcnow
from ykien.decisions.models import (
    Decision,
    DecisionSection,
    DecisionStatus,
    Outcome,
    Publication,
)
from ykien.decisions.queues import (
    MAX_EXPLANATION,
    MAX_NOTE,
    MAX_WORDING,
    PRECEDENCE,
    Item,
    Queue,
    QueueItem,
    check_item,
    forward,
    get_subcommittee,
    holders,
    item_sections,
    level_up,
    opinions_of_item,
    queue,
    refusal,
    sections_of_subcommittee,
    subcommittees_of,
    trail_of,
)
from ykien.decisions.responses import (
    Effective,
    Lookup,
    Response,
    SynthesisStep,
    Trace,
    campaigns_of,
    check_item_title,
    decisions_of,
    effective_decisions,
    lookup,
    people_by_id,
    responses,
    themes_of,
    traces,
)
from ykien.decisions.sections import (
    SectionChange,
    next_version,
    section_changes,
    section_choices,
    section_ids_of,
)
from ykien.drafts.models import Section
from ykien.errors import Conflict, NotFound
from ykien.events import service as events
from ykien.opinions import service as opinions
from ykien.opinions.models import Opinion

__all__ = [
    "MAX_EXPLANATION",
    "MAX_NOTE",
    "MAX_WORDING",
    "PRECEDENCE",
    "Effective",
    "Item",
    "Lookup",
    "Published",
    "Queue",
    "QueueItem",
    "Response",
    "SectionChange",
    "SynthesisStep",
    "Trace",
    "approve",
    "campaigns_of",
    "check_item",
    "check_item_title",
    "decisions_of",
    "draft",
    "edit",
    "effective_decisions",
    "forward",
    "get_decision",
    "get_subcommittee",
    "history",
    "holders",
    "item_sections",
    "level_up",
    "lookup",
    "next_version",
    "notice_text",
    "opinions_of_item",
    "people_by_id",
    "publish",
    "queue",
    "responses",
    "section_changes",
    "section_choices",
    "section_ids_of",
    "sections_of_subcommittee",
    "subcommittees_of",
    "themes_of",
    "traces",
    "trail_of",
]


# ---------------------------------------------------------------------------------------------
# decisions


def get_decision(*, session: Session, decision_id: int) -> Decision:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("decision_not_found", "Không có quyết định này.", "No such decision.")
    return decision


def _checked_fields(
    outcome: str, explanation: str, new_wording: str | None
) -> tuple[str, str | None]:
    if outcome not in set(Outcome):
        raise refusal("bad_outcome", "Kết quả xử lý không hợp lệ.", "Unknown outcome.")
    explanation = opinions.clean_text(
        explanation, limit=MAX_EXPLANATION, field_vi="Giải trình", field_en="The explanation"
    ).strip()
    if not explanation:
        raise refusal(
            "explanation_required",
            "Cần ghi nội dung tiếp thu, giải trình.",
            "Write the explanation of the decision.",
        )
    wording = opinions.clean_text(
        new_wording or "", limit=MAX_WORDING, field_vi="Nội dung mới", field_en="The new wording"
    ).strip()
    return explanation, wording or None


def _checked_sections(
    session: Session, consultation: Consultation, section_ids: Iterable[int]
) -> list[int]:
    """Sections of the consultation's version or of the next version; others are refused."""
    wanted = set(section_ids)
    if not wanted:
        return []
    versions = {consultation.draft_version_id}
    following = next_version(session=session, version_id=consultation.draft_version_id)
    if following is not None:
        versions.add(following.id)
    found = set(
        session.scalars(
            select(Section.id).where(Section.id.in_(wanted), Section.version_id.in_(versions))
        )
    )
    if wanted - found:
        raise refusal(
            "section_not_in_draft",
            "Có mục không thuộc dự thảo này hoặc phiên bản kế tiếp.",
            "Some sections are not in this draft or its next version.",
        )
    return sorted(wanted)


def _set_sections(session: Session, decision: Decision, section_ids: list[int]) -> None:
    session.execute(
        DecisionSection.__table__.delete().where(  # type: ignore[attr-defined]
            DecisionSection.decision_id == decision.id
        )
    )
    session.add_all(DecisionSection(decision_id=decision.id, section_id=i) for i in section_ids)
    session.flush()


def _audit(
    session: Session, decision: Decision, action: str, actor: int | None, **payload: Any
) -> None:
    audit.record(
        session=session,
        action=f"decision.{action}",
        entity_type="decision",
        entity_id=decision.id,
        actor_person_id=actor,
        payload={
            "target": [decision.target_type, decision.target_id],
            "status": decision.status,
            **payload,
        },
    )


def draft(
    *,
    session: Session,
    subcommittee_id: int,
    target_type: str,
    target_id: int,
    outcome: str,
    explanation: str,
    new_wording: str | None = None,
    section_ids: Sequence[int] = (),
    supersedes_id: int | None = None,
    actor_person_id: int | None = None,
) -> Decision:
    """A new draft decision on an item; with supersedes_id, the correction of a published one."""
    subcommittee = get_subcommittee(session=session, subcommittee_id=subcommittee_id)
    subcommittees.refuse_closed(subcommittee)
    consultation = consultations.get(session=session, consultation_id=subcommittee.consultation_id)
    check_item(
        session=session,
        consultation_id=consultation.id,
        target_type=target_type,
        target_id=target_id,
    )
    explanation, wording = _checked_fields(outcome, explanation, new_wording)
    sections = _checked_sections(session, consultation, section_ids)
    if supersedes_id is not None:
        _check_supersedable(session, supersedes_id, target_type, target_id)
    _refuse_second_open(session, consultation.id, target_type, target_id)
    decision = Decision(
        consultation_id=consultation.id,
        subcommittee_id=subcommittee.id,
        target_type=target_type,
        target_id=target_id,
        outcome=outcome,
        explanation=explanation,
        new_wording=wording,
        supersedes_id=supersedes_id,
        drafted_by_person_id=actor_person_id,
    )
    session.add(decision)
    session.flush()
    _set_sections(session, decision, sections)
    _audit(session, decision, "drafted", actor_person_id, outcome=outcome, sections=sections)
    return decision


def _check_supersedable(session: Session, old_id: int, target_type: str, target_id: int) -> None:
    old = get_decision(session=session, decision_id=old_id)
    if old.status != DecisionStatus.PUBLISHED or (old.target_type, old.target_id) != (
        target_type,
        target_id,
    ):
        raise refusal(
            "not_supersedable",
            "Chỉ thay thế được quyết định đã công bố của cùng một mục.",
            "Only a published decision on the same item can be superseded.",
        )


def _refuse_second_open(
    session: Session, consultation_id: int, target_type: str, target_id: int
) -> None:
    open_id = session.scalar(
        select(Decision.id).where(
            Decision.consultation_id == consultation_id,
            Decision.target_type == target_type,
            Decision.target_id == target_id,
            Decision.status.in_([DecisionStatus.DRAFT, DecisionStatus.APPROVED]),
        )
    )
    if open_id is not None:
        raise Conflict(
            "decision_open",
            f"Mục này đã có dự thảo quyết định số {open_id} chưa công bố.",
            f"This item already has an unpublished decision ({open_id}).",
        )


def edit(
    *,
    session: Session,
    decision_id: int,
    outcome: str,
    explanation: str,
    new_wording: str | None = None,
    section_ids: Sequence[int] = (),
    actor_person_id: int | None = None,
) -> Decision:
    """Change a draft (an approved decision goes back to draft: it must be approved again)."""
    decision = get_decision(session=session, decision_id=decision_id)
    if decision.frozen:
        raise Conflict(
            "decision_frozen",
            "Quyết định đã công bố không sửa được; hãy tạo quyết định thay thế.",
            "A published decision cannot be changed; draft a correction that supersedes it.",
        )
    consultation = consultations.get(session=session, consultation_id=decision.consultation_id)
    explanation, wording = _checked_fields(outcome, explanation, new_wording)
    sections = _checked_sections(session, consultation, section_ids)
    decision.outcome, decision.explanation, decision.new_wording = outcome, explanation, wording
    decision.status = DecisionStatus.DRAFT
    decision.approved_by_person_id, decision.approved_at = None, None
    decision.updated_at = utcnow()
    _set_sections(session, decision, sections)
    _audit(session, decision, "edited", actor_person_id, outcome=outcome, sections=sections)
    return decision


def approve(*, session: Session, decision_id: int, actor_person_id: int | None = None) -> Decision:
    """The chair approves a draft."""
    decision = get_decision(session=session, decision_id=decision_id)
    if decision.status != DecisionStatus.DRAFT:
        raise Conflict(
            "not_a_draft", "Chỉ phê duyệt được dự thảo quyết định.", "Only a draft can be approved."
        )
    decision.status = DecisionStatus.APPROVED
    decision.approved_by_person_id, decision.approved_at = actor_person_id, utcnow()
    _audit(session, decision, "approved", actor_person_id)
    return decision


@dataclass
class Published:
    publication: Publication
    decisions: list[Decision]
    # person id -> the ids of their opinions answered in this batch
    recipients: dict[int, list[int]]


def publish(
    *,
    session: Session,
    consultation_id: int,
    decision_ids: Sequence[int],
    actor_person_id: int | None = None,
    link: str = "/me/opinions",
) -> Published:
    """Publish approved decisions together; each author gets one in-app notice for the batch."""
    chosen = list(
        session.scalars(
            select(Decision).where(
                Decision.id.in_(set(decision_ids)), Decision.consultation_id == consultation_id
            )
        )
    )
    if not chosen or len(chosen) != len(set(decision_ids)):
        raise refusal(
            "nothing_to_publish", "Hãy chọn quyết định để công bố.", "Choose decisions to publish."
        )
    if any(d.status != DecisionStatus.APPROVED for d in chosen):
        raise Conflict(
            "not_approved",
            "Chỉ công bố được quyết định đã được phê duyệt.",
            "Only approved decisions can be published.",
        )
    now = utcnow()
    publication = Publication(
        consultation_id=consultation_id,
        published_by_person_id=actor_person_id,
        published_at=now,
        decision_count=len(chosen),
    )
    session.add(publication)
    session.flush()
    for decision in sorted(chosen, key=lambda d: d.id):
        _publish_one(session, decision, publication, actor_person_id)
    recipients = _recipients(session, chosen)
    title = consultations.get(session=session, consultation_id=consultation_id).title
    for person_id, opinion_ids in sorted(recipients.items()):
        events.notify(
            session=session,
            person_id=person_id,
            text=notice_text(title, len(opinion_ids)),
            link=link,
            now=now,
        )
    publication.notified_count = len(recipients)
    audit.record(
        session=session,
        action="decisions.published",
        entity_type="decision_publication",
        entity_id=publication.id,
        actor_person_id=actor_person_id,
        payload={"decision_ids": sorted(d.id for d in chosen), "notified": len(recipients)},
    )
    return Published(publication, chosen, recipients)


def notice_text(consultation_title: str, answered: int) -> str:
    """The in-app notice (Vietnamese, the language of the record)."""
    return (
        f"Đã công bố kết quả tiếp thu, giải trình {answered} ý kiến của bạn "
        f"trong đợt lấy ý kiến «{consultation_title}»."
    )


def _publish_one(
    session: Session, decision: Decision, publication: Publication, actor: int | None
) -> None:
    decision.status = DecisionStatus.PUBLISHED
    decision.published_by_person_id, decision.published_at = actor, publication.published_at
    decision.publication_id = publication.id
    if decision.supersedes_id is not None:
        old = session.get_one(Decision, decision.supersedes_id)
        old.status, old.superseded_at = DecisionStatus.SUPERSEDED, publication.published_at
        _audit(session, old, "superseded", actor, by=decision.id)
    _audit(session, decision, "published", actor, publication_id=publication.id)


def _recipients(session: Session, chosen: Sequence[Decision]) -> dict[int, list[int]]:
    """Authors whose opinions these decisions now answer (an opinion's own decision wins)."""
    covered: set[int] = set()
    for decision in chosen:
        covered.update(session.scalars(opinions_of_item(decision.target_type, decision.target_id)))
    effective = effective_decisions(session=session, opinion_ids=covered)
    published = {d.id for d in chosen}
    answered = [i for i in covered if i in effective and effective[i].decision.id in published]
    by_person: dict[int, list[int]] = {}
    rows = session.execute(
        select(Opinion.id, Opinion.author_person_id).where(
            Opinion.id.in_(answered), Opinion.author_person_id.is_not(None)
        )
    )
    for opinion_id, person_id in rows:
        if person_id is not None:
            by_person.setdefault(person_id, []).append(opinion_id)
    return {p: sorted(ids) for p, ids in by_person.items()}


def history(*, session: Session, decision: Decision) -> list[Decision]:
    """Every decision on the same item, oldest first (corrections and drafts included)."""
    return list(
        session.scalars(
            select(Decision)
            .where(
                Decision.consultation_id == decision.consultation_id,
                Decision.target_type == decision.target_type,
                Decision.target_id == decision.target_id,
            )
            .order_by(Decision.id)
        )
    )
