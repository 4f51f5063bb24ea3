"""Subcommittee queues and forwarding, the decision workflow, effective decisions and traces.

Every state change is audited. Which opinions a theme or campaign decision answers is read from
the current memberships, so merges, splits and moves are reflected at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ykien.accounts.models import Person
from ykien.analysis.models import (
    DuplicateGroup,
    DuplicateMember,
    ProposalStatus,
    Theme,
    ThemeMember,
    ThemeStatus,
    counts_in_campaign,
)
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation, Subcommittee, SubcommitteeSection
from ykien.db.base import utcnow
from ykien.decisions.models import (
    Decision,
    DecisionSection,
    DecisionStatus,
    Forward,
    Outcome,
    Publication,
    TargetType,
)
from ykien.drafts.models import DraftVersion, Section, SectionMapping
from ykien.errors import Conflict, NotFound, UserError
from ykien.events import service as events
from ykien.opinions import service as opinions
from ykien.opinions.models import Opinion, OpinionStatus
from ykien.orgs.models import Organisation
from ykien.synthesis.models import Synthesis, SynthesisItem, SynthesisItemOpinion

MAX_EXPLANATION = 20_000
MAX_WORDING = 20_000
MAX_NOTE = 2_000
# precedence of the decisions that may answer an opinion: its own first
PRECEDENCE = (TargetType.OPINION, TargetType.CAMPAIGN, TargetType.THEME)

Item = tuple[str, int]  # (target type, target id)


def _bad(code: str, vi: str, en: str) -> UserError:
    return UserError(code, vi, en)


# ---------------------------------------------------------------------------------------------
# subcommittees and the sections of items


def get_subcommittee(*, session: Session, subcommittee_id: int) -> Subcommittee:
    found = session.get(Subcommittee, subcommittee_id)
    if found is None:
        raise NotFound("subcommittee_not_found", "Không có tiểu ban này.", "No such subcommittee.")
    return found


def subcommittees_of(*, session: Session, consultation_id: int) -> list[Subcommittee]:
    return list(
        session.scalars(
            select(Subcommittee)
            .where(Subcommittee.consultation_id == consultation_id)
            .order_by(Subcommittee.id)
        )
    )


def sections_of_subcommittee(*, session: Session, subcommittee_id: int) -> set[int]:
    return set(
        session.scalars(
            select(SubcommitteeSection.section_id).where(
                SubcommitteeSection.subcommittee_id == subcommittee_id
            )
        )
    )


def _theme_opinions(theme_id: int) -> Select[Any]:
    return select(ThemeMember.opinion_id).where(ThemeMember.theme_id == theme_id)


def _campaign_opinions(group_id: int) -> Select[Any]:
    return select(DuplicateMember.opinion_id).where(
        DuplicateMember.group_id == group_id, DuplicateMember.excluded.is_(False)
    )


def opinions_of_item(target_type: str, target_id: int) -> Select[Any]:
    """SQL for the ids of the opinions an item covers now (current memberships)."""
    if target_type == TargetType.THEME:
        return _theme_opinions(target_id)
    if target_type == TargetType.CAMPAIGN:
        return _campaign_opinions(target_id)
    return select(Opinion.id).where(Opinion.id == target_id)


def item_sections(*, session: Session, target_type: str, target_id: int) -> set[int]:
    """The sections of an item: its opinion's, or those of its visible opinions."""
    return set(
        session.scalars(
            select(Opinion.section_id)
            .where(
                Opinion.id.in_(opinions_of_item(target_type, target_id)),
                Opinion.section_id.is_not(None),
                Opinion.status != OpinionStatus.HIDDEN,
            )
            .distinct()
        )
    )


def check_item(*, session: Session, consultation_id: int, target_type: str, target_id: int) -> str:
    """The item's title (for lists); refuses an unknown item or one of another consultation."""
    title: str | None = None
    owner: int | None = None
    if target_type == TargetType.OPINION:
        opinion = session.get(Opinion, target_id)
        if opinion is not None:
            owner, title = opinion.consultation_id, opinion.text
    elif target_type == TargetType.THEME:
        theme = session.get(Theme, target_id)
        if theme is not None and theme.status == ThemeStatus.ACTIVE:
            owner, title = theme.consultation_id, theme.label
    elif target_type == TargetType.CAMPAIGN:
        group = session.get(DuplicateGroup, target_id)
        if group is not None and group.status != ProposalStatus.REJECTED:
            owner = group.consultation_id
            title = session.get_one(Opinion, group.canonical_opinion_id).text
    else:
        raise _bad("bad_target", "Loại đối tượng không hợp lệ.", "Unknown kind of item.")
    if owner != consultation_id or title is None:
        raise NotFound(
            "item_not_found",
            "Không có ý kiến, chủ đề hoặc nhóm ý kiến này trong đợt lấy ý kiến.",
            "No such opinion, theme or campaign in this consultation.",
        )
    return title


# ---------------------------------------------------------------------------------------------
# queues and forwarding


def _default_holders(session: Session, consultation_id: int, sections: set[int]) -> set[int]:
    if not sections:
        return set()
    return set(
        session.scalars(
            select(SubcommitteeSection.subcommittee_id)
            .join(Subcommittee, Subcommittee.id == SubcommitteeSection.subcommittee_id)
            .where(
                Subcommittee.consultation_id == consultation_id,
                SubcommitteeSection.section_id.in_(sections),
            )
        )
    )


def _forwards(session: Session, consultation_id: int) -> dict[Item, list[Forward]]:
    trail: dict[Item, list[Forward]] = {}
    rows = session.scalars(
        select(Forward)
        .where(Forward.consultation_id == consultation_id)
        .order_by(Forward.forwarded_at, Forward.id)
    )
    for forward in rows:
        trail.setdefault((forward.target_type, forward.target_id), []).append(forward)
    return trail


def holders(
    *,
    session: Session,
    consultation_id: int,
    target_type: str,
    target_id: int,
    trail: dict[Item, list[Forward]] | None = None,
) -> set[int]:
    """The subcommittees whose queue holds the item now: by its sections, then the forwards."""
    sections = item_sections(session=session, target_type=target_type, target_id=target_id)
    current = _default_holders(session, consultation_id, sections)
    if trail is None:
        trail = _forwards(session, consultation_id)
    for forward in trail.get((target_type, target_id), []):
        current.discard(forward.from_subcommittee_id)
        current.add(forward.to_subcommittee_id)
    return current


@dataclass
class QueueItem:
    target_type: str
    target_id: int
    title: str
    opinion_count: int
    forwarded_in: bool
    decision: Decision | None  # the latest decision of the item, any status


@dataclass
class Queue:
    subcommittee: Subcommittee
    themes: list[QueueItem]
    campaigns: list[QueueItem]
    opinions: list[QueueItem]
    opinion_total: int
    trail: list[Forward] = field(default_factory=list)


def _touching(kind: str, sections: set[int], consultation_id: int) -> Select[Any]:
    """SQL for the ids of the themes/campaigns/opinions with an opinion in the sections."""
    visible = select(Opinion.id).where(
        Opinion.section_id.in_(sections), Opinion.status != OpinionStatus.HIDDEN
    )
    if kind == TargetType.THEME:
        return (
            select(Theme.id)
            .join(ThemeMember, ThemeMember.theme_id == Theme.id)
            .where(
                Theme.consultation_id == consultation_id,
                Theme.status == ThemeStatus.ACTIVE,
                ThemeMember.opinion_id.in_(visible),
            )
            .distinct()
        )
    if kind == TargetType.CAMPAIGN:
        return (
            select(DuplicateGroup.id)
            .join(DuplicateMember, DuplicateMember.group_id == DuplicateGroup.id)
            .where(
                DuplicateGroup.consultation_id == consultation_id,
                counts_in_campaign(),
                DuplicateMember.opinion_id.in_(visible),
            )
            .distinct()
        )
    return visible.where(Opinion.consultation_id == consultation_id)


def _queued_ids(
    session: Session, subcommittee: Subcommittee, kind: str, trail: dict[Item, list[Forward]]
) -> tuple[list[int], set[int]]:
    """Ids held by default (not forwarded away) and ids forwarded in, for one kind of item."""
    sections = sections_of_subcommittee(session=session, subcommittee_id=subcommittee.id)
    moved = {item_id for (k, item_id) in trail if k == kind}
    default = (
        []
        if not sections
        else list(session.scalars(_touching(kind, sections, subcommittee.consultation_id)))
    )
    kept = [i for i in default if i not in moved]
    arrived: set[int] = set()
    for item_id in moved:
        if subcommittee.id in holders(
            session=session,
            consultation_id=subcommittee.consultation_id,
            target_type=kind,
            target_id=item_id,
            trail=trail,
        ):
            arrived.add(item_id)
    return kept, arrived


def _latest_decisions(
    session: Session, consultation_id: int, kind: str, ids: Iterable[int]
) -> dict[int, Decision]:
    wanted = set(ids)
    if not wanted:
        return {}
    latest: dict[int, Decision] = {}
    rows = session.scalars(
        select(Decision)
        .where(
            Decision.consultation_id == consultation_id,
            Decision.target_type == kind,
            Decision.target_id.in_(wanted),
        )
        .order_by(Decision.id)
    )
    for decision in rows:
        latest[decision.target_id] = decision
    return latest


def _item(
    session: Session,
    consultation_id: int,
    kind: str,
    item_id: int,
    arrived: bool,
    decision: Decision | None,
) -> QueueItem:
    title = check_item(
        session=session, consultation_id=consultation_id, target_type=kind, target_id=item_id
    )
    count = int(
        session.scalar(select(func.count()).select_from(opinions_of_item(kind, item_id).subquery()))
        or 0
    )
    return QueueItem(kind, item_id, title, count, arrived, decision)


def queue(
    *, session: Session, subcommittee_id: int, opinion_limit: int = 50, opinion_offset: int = 0
) -> Queue:
    """The themes, campaigns and opinions a subcommittee has to answer (opinions paged)."""
    subcommittee = get_subcommittee(session=session, subcommittee_id=subcommittee_id)
    cid = subcommittee.consultation_id
    trail = _forwards(session, cid)
    found: dict[str, list[QueueItem]] = {}
    opinion_total = 0
    for kind in (TargetType.THEME, TargetType.CAMPAIGN, TargetType.OPINION):
        kept, arrived = _queued_ids(session, subcommittee, kind, trail)
        ordered = sorted(arrived) + sorted(kept)
        if kind == TargetType.OPINION:
            opinion_total = len(ordered)
            ordered = ordered[opinion_offset : opinion_offset + opinion_limit]
        latest = _latest_decisions(session, cid, kind, ordered)
        found[kind] = [_item(session, cid, kind, i, i in arrived, latest.get(i)) for i in ordered]
    involved = [
        f
        for forwards in trail.values()
        for f in forwards
        if subcommittee.id in (f.from_subcommittee_id, f.to_subcommittee_id)
    ]
    return Queue(
        subcommittee=subcommittee,
        themes=found[TargetType.THEME],
        campaigns=found[TargetType.CAMPAIGN],
        opinions=found[TargetType.OPINION],
        opinion_total=opinion_total,
        trail=sorted(involved, key=lambda f: (f.forwarded_at, f.id), reverse=True),
    )


def trail_of(
    *, session: Session, consultation_id: int, target_type: str, target_id: int
) -> list[Forward]:
    """Every forward of one item, oldest first."""
    return _forwards(session, consultation_id).get((target_type, target_id), [])


def level_up(
    *, session: Session, subcommittee_id: int, target_type: str, target_id: int
) -> Subcommittee:
    """The subcommittee of the nearest higher organisation that handles the item's sections.

    Without one handling those sections, the nearest higher organisation's first subcommittee.
    """
    current = get_subcommittee(session=session, subcommittee_id=subcommittee_id)
    sections = item_sections(session=session, target_type=target_type, target_id=target_id)
    org = session.get_one(Organisation, current.organisation_id)
    fallback: Subcommittee | None = None
    while org.parent_id is not None:
        org = session.get_one(Organisation, org.parent_id)
        candidates = [
            s
            for s in subcommittees_of(session=session, consultation_id=current.consultation_id)
            if s.organisation_id == org.id
        ]
        for candidate in candidates:
            mine = sections_of_subcommittee(session=session, subcommittee_id=candidate.id)
            if mine & sections:
                return candidate
        fallback = fallback or (candidates[0] if candidates else None)
    if fallback is None:
        raise _bad(
            "no_higher_subcommittee",
            "Không có tiểu ban cấp trên trong đợt lấy ý kiến này.",
            "There is no higher-level subcommittee in this consultation.",
        )
    return fallback


def forward(
    *,
    session: Session,
    subcommittee_id: int,
    target_type: str,
    target_id: int,
    to_subcommittee_id: int | None,
    note: str = "",
    actor_person_id: int | None = None,
) -> Forward:
    """Send an item from this subcommittee's queue to another (None: up a level)."""
    source = get_subcommittee(session=session, subcommittee_id=subcommittee_id)
    cid = source.consultation_id
    check_item(session=session, consultation_id=cid, target_type=target_type, target_id=target_id)
    if source.id not in holders(
        session=session, consultation_id=cid, target_type=target_type, target_id=target_id
    ):
        raise Conflict(
            "not_in_queue",
            "Mục này không nằm trong danh sách của tiểu ban.",
            "This item is not in the subcommittee's queue.",
        )
    if to_subcommittee_id is None:
        target = level_up(
            session=session,
            subcommittee_id=source.id,
            target_type=target_type,
            target_id=target_id,
        )
    else:
        target = get_subcommittee(session=session, subcommittee_id=to_subcommittee_id)
    if target.consultation_id != cid or target.id == source.id:
        raise _bad(
            "bad_forward_target",
            "Hãy chọn một tiểu ban khác của cùng đợt lấy ý kiến.",
            "Choose another subcommittee of the same consultation.",
        )
    note = opinions.clean_text(note, limit=MAX_NOTE, field_vi="Ghi chú", field_en="The note")
    row = Forward(
        consultation_id=cid,
        target_type=target_type,
        target_id=target_id,
        from_subcommittee_id=source.id,
        to_subcommittee_id=target.id,
        note=note.strip(),
        forwarded_by_person_id=actor_person_id,
        forwarded_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        action="queue.forwarded",
        entity_type=target_type,
        entity_id=target_id,
        actor_person_id=actor_person_id,
        payload={"from": source.id, "to": target.id, "note": row.note, "forward_id": row.id},
    )
    return row


# ---------------------------------------------------------------------------------------------
# decisions


def get_decision(*, session: Session, decision_id: int) -> Decision:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("decision_not_found", "Không có quyết định này.", "No such decision.")
    return decision


def next_version(*, session: Session, version_id: int) -> DraftVersion | None:
    """The version imported after this one (mapped onto it), if any."""
    return session.scalars(
        select(DraftVersion)
        .where(DraftVersion.previous_version_id == version_id)
        .order_by(DraftVersion.number)
        .limit(1)
    ).first()


def _checked_fields(
    outcome: str, explanation: str, new_wording: str | None
) -> tuple[str, str | None]:
    if outcome not in set(Outcome):
        raise _bad("bad_outcome", "Kết quả xử lý không hợp lệ.", "Unknown outcome.")
    explanation = opinions.clean_text(
        explanation, limit=MAX_EXPLANATION, field_vi="Giải trình", field_en="The explanation"
    ).strip()
    if not explanation:
        raise _bad(
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
        raise _bad(
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
        raise _bad(
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
        raise _bad(
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


def decisions_of(
    *, session: Session, consultation_id: int, statuses: Sequence[str] | None = None
) -> list[Decision]:
    query = select(Decision).where(Decision.consultation_id == consultation_id)
    if statuses:
        query = query.where(Decision.status.in_(list(statuses)))
    return list(session.scalars(query.order_by(Decision.id)))


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


# ---------------------------------------------------------------------------------------------
# effective decisions and the participant's trace


@dataclass
class Effective:
    decision: Decision
    via: str  # the target type that answered the opinion: opinion, campaign or theme


def _published_on(session: Session, kind: str, ids: set[int]) -> dict[int, Decision]:
    if not ids:
        return {}
    rows = session.scalars(
        select(Decision)
        .where(
            Decision.target_type == kind,
            Decision.target_id.in_(ids),
            Decision.status == DecisionStatus.PUBLISHED,
        )
        .order_by(Decision.published_at, Decision.id)
    )
    return {d.target_id: d for d in rows}


def campaigns_of(*, session: Session, opinion_ids: Iterable[int]) -> dict[int, int]:
    """opinion id -> its campaign (not undone, not split out)."""
    rows = session.execute(
        select(DuplicateMember.opinion_id, DuplicateMember.group_id)
        .join(DuplicateGroup, DuplicateGroup.id == DuplicateMember.group_id)
        .where(DuplicateMember.opinion_id.in_(set(opinion_ids)), counts_in_campaign())
        .order_by(DuplicateMember.group_id)
    )
    return {opinion_id: group_id for opinion_id, group_id in rows}


def themes_of(*, session: Session, opinion_ids: Iterable[int]) -> dict[int, Theme]:
    """opinion id -> its active theme."""
    rows = session.execute(
        select(ThemeMember.opinion_id, Theme)
        .join(Theme, Theme.id == ThemeMember.theme_id)
        .where(ThemeMember.opinion_id.in_(set(opinion_ids)), Theme.status == ThemeStatus.ACTIVE)
        .order_by(Theme.id)
    )
    return {opinion_id: theme for opinion_id, theme in rows}


def effective_decisions(*, session: Session, opinion_ids: Iterable[int]) -> dict[int, Effective]:
    """The published decision that answers each opinion: its own, else its campaign's, else its
    theme's (from the current memberships)."""
    ids = set(opinion_ids)
    campaign = campaigns_of(session=session, opinion_ids=ids)
    theme = {o: t.id for o, t in themes_of(session=session, opinion_ids=ids).items()}
    owners = {
        TargetType.OPINION: {i: i for i in ids},
        TargetType.CAMPAIGN: campaign,
        TargetType.THEME: theme,
    }
    decided = {
        kind: _published_on(session, kind, set(owners[kind].values())) for kind in PRECEDENCE
    }
    found: dict[int, Effective] = {}
    for opinion_id in ids:
        for kind in PRECEDENCE:
            owner = owners[kind].get(opinion_id)
            if owner is not None and owner in decided[kind]:
                found[opinion_id] = Effective(decided[kind][owner], kind)
                break
    return found


@dataclass
class SynthesisStep:
    organisation: str
    level: int
    status: str
    revision: int
    date: datetime | None


@dataclass
class Trace:
    opinion_id: int
    campaign_id: int | None
    campaign_size: int | None
    theme_id: int | None
    theme_label: str | None
    syntheses: list[SynthesisStep]
    decision: Decision | None
    via: str | None


def _syntheses(session: Session, opinion_ids: set[int]) -> dict[int, list[SynthesisStep]]:
    rows = session.execute(
        select(
            SynthesisItemOpinion.opinion_id,
            Organisation.name,
            Organisation.level,
            Synthesis.status,
            Synthesis.revision,
            func.coalesce(Synthesis.submitted_at, Synthesis.signed_off_at, Synthesis.updated_at),
            Synthesis.id,
        )
        .join(SynthesisItem, SynthesisItem.id == SynthesisItemOpinion.item_id)
        .join(Synthesis, Synthesis.id == SynthesisItem.synthesis_id)
        .join(Organisation, Organisation.id == Synthesis.organisation_id)
        .where(SynthesisItemOpinion.opinion_id.in_(opinion_ids))
        .distinct()
        .order_by(Organisation.level.desc(), Synthesis.id)
    )
    found: dict[int, dict[int, SynthesisStep]] = {}
    for opinion_id, name, level, status, revision, when, synthesis_id in rows:
        found.setdefault(opinion_id, {})[synthesis_id] = SynthesisStep(
            name, level, status, revision, when
        )
    return {o: list(steps.values()) for o, steps in found.items()}


def traces(*, session: Session, opinion_ids: Iterable[int]) -> dict[int, Trace]:
    """What happened to each opinion, computed from the current memberships."""
    ids = set(opinion_ids)
    if not ids:
        return {}
    campaign = campaigns_of(session=session, opinion_ids=ids)
    sizes = dict(
        session.execute(
            select(DuplicateGroup.id, DuplicateGroup.size).where(
                DuplicateGroup.id.in_(set(campaign.values()))
            )
        ).all()
    )
    theme = themes_of(session=session, opinion_ids=ids)
    effective = effective_decisions(session=session, opinion_ids=ids)
    steps = _syntheses(session, ids)
    found = {}
    for opinion_id in ids:
        answer = effective.get(opinion_id)
        group = campaign.get(opinion_id)
        found[opinion_id] = Trace(
            opinion_id=opinion_id,
            campaign_id=group,
            campaign_size=sizes.get(group) if group else None,
            theme_id=theme[opinion_id].id if opinion_id in theme else None,
            theme_label=theme[opinion_id].label if opinion_id in theme else None,
            syntheses=steps.get(opinion_id, []),
            decision=answer.decision if answer else None,
            via=answer.via if answer else None,
        )
    return found


# ---------------------------------------------------------------------------------------------
# sections of a decision and the next version


@dataclass
class SectionChange:
    section_id: int
    label: str
    version_number: int
    # the mapped section of the next version, how it changed and the word diff
    new_section_id: int | None = None
    new_label: str | None = None
    status: str | None = None
    diff: str = ""


def section_changes(*, session: Session, decision: Decision) -> list[SectionChange]:
    """Each section of the decision with its counterpart in the next version, when imported."""
    rows = session.execute(
        select(Section, DraftVersion.number, DraftVersion.id)
        .join(DecisionSection, DecisionSection.section_id == Section.id)
        .join(DraftVersion, DraftVersion.id == Section.version_id)
        .where(DecisionSection.decision_id == decision.id)
        .order_by(DraftVersion.number, Section.position)
    ).all()
    changes = []
    for section, number, version_id in rows:
        change = SectionChange(section.id, section.label, number)
        mapping = _mapping_of(session, section.id, version_id)
        if mapping is not None:
            new = session.get(Section, mapping.new_section_id) if mapping.new_section_id else None
            change.new_section_id = new.id if new else None
            change.new_label = new.label if new else None
            change.status, change.diff = mapping.status, mapping.diff
        changes.append(change)
    return changes


def _mapping_of(session: Session, section_id: int, version_id: int) -> SectionMapping | None:
    """The mapping row of a section: towards the next version (old side) or, for a section of
    the next version itself, from the previous one (new side)."""
    following = next_version(session=session, version_id=version_id)
    if following is not None:
        return session.scalars(
            select(SectionMapping).where(
                SectionMapping.version_id == following.id,
                SectionMapping.old_section_id == section_id,
            )
        ).first()
    return session.scalars(
        select(SectionMapping).where(
            SectionMapping.version_id == version_id, SectionMapping.new_section_id == section_id
        )
    ).first()


def section_choices(
    *, session: Session, consultation_id: int
) -> tuple[DraftVersion, list[Section]]:
    """The sections a decision may name: the next version's once imported, else the current."""
    consultation = consultations.get(session=session, consultation_id=consultation_id)
    version = next_version(session=session, version_id=consultation.draft_version_id)
    if version is None:
        version = session.get_one(DraftVersion, consultation.draft_version_id)
    sections = list(
        session.scalars(
            select(Section).where(Section.version_id == version.id).order_by(Section.position)
        )
    )
    return version, sections


def section_ids_of(*, session: Session, decision_id: int) -> list[int]:
    return sorted(
        session.scalars(
            select(DecisionSection.section_id).where(DecisionSection.decision_id == decision_id)
        )
    )


# ---------------------------------------------------------------------------------------------
# the public response report and receipt lookup


@dataclass
class Response:
    decision: Decision
    title: str
    opinion_count: int
    sections: list[SectionChange]


def responses(*, session: Session, consultation_id: int) -> list[Response]:
    """The published (current) decisions of a consultation, for the public response report."""
    found = []
    for decision in decisions_of(
        session=session, consultation_id=consultation_id, statuses=[DecisionStatus.PUBLISHED]
    ):
        title = check_item_title(session, decision)
        count = int(
            session.scalar(
                select(func.count()).select_from(
                    opinions_of_item(decision.target_type, decision.target_id).subquery()
                )
            )
            or 0
        )
        found.append(
            Response(decision, title, count, section_changes(session=session, decision=decision))
        )
    return found


def check_item_title(session: Session, decision: Decision) -> str:
    """The item's title, or an empty one when the theme/campaign has since gone."""
    try:
        return check_item(
            session=session,
            consultation_id=decision.consultation_id,
            target_type=decision.target_type,
            target_id=decision.target_id,
        )
    except UserError:
        return ""


@dataclass
class Lookup:
    receipt_code: str
    status: str
    section_label: str | None
    text: str | None  # only when the consultation publishes opinions and it is not hidden
    submitted_at: datetime
    trace: Trace


def lookup(*, session: Session, consultation_id: int, receipt_code: str) -> Lookup | None:
    """One opinion by its receipt code, with only what the policy publishes and its answer."""
    code = receipt_code.strip().upper()
    if not code or len(code) > 20:
        return None
    consultation = consultations.get(session=session, consultation_id=consultation_id)
    row = session.execute(
        select(Opinion, Section.label)
        .outerjoin(Section, Section.id == Opinion.section_id)
        .where(Opinion.consultation_id == consultation_id, Opinion.receipt_code == code)
    ).first()
    if row is None:
        return None
    opinion, label = row
    shown = consultation.opinions_public and opinion.status != OpinionStatus.HIDDEN
    return Lookup(
        receipt_code=opinion.receipt_code,
        status=opinion.status,
        section_label=label,
        text=opinion.text if shown else None,
        submitted_at=opinion.submitted_at,
        trace=traces(session=session, opinion_ids=[opinion.id])[opinion.id],
    )


def people_by_id(*, session: Session, person_ids: Iterable[int]) -> dict[int, Person]:
    ids = set(person_ids)
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
