"""Subcommittees and their queues: which themes, campaigns and opinions a subcommittee holds,
and forwarding an item to another subcommittee or up a level."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

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
from ykien.consultations.models import Consultation, Subcommittee, SubcommitteeSection
from ykien.db.base import utcnow
from ykien.decisions.models import (
    Decision,
    Forward,
    ForwardedItem,
    TargetType,
)
from ykien.errors import Conflict, NotFound, UserError
from ykien.opinions import service as opinions
from ykien.opinions.models import Opinion, OpinionStatus
from ykien.orgs.models import Organisation
from ykien.synthesis.models import SynthesisItem, SynthesisItemOpinion

MAX_EXPLANATION = 20_000
MAX_WORDING = 20_000
MAX_NOTE = 2_000
# precedence of the decisions that may answer an opinion: its own first, then its campaign's and
# its theme's, then that of the owning level on the synthesis item it was forwarded in
PRECEDENCE = (TargetType.OPINION, TargetType.CAMPAIGN, TargetType.THEME, TargetType.ITEM)

Item = tuple[str, int]  # (target type, target id)


def refusal(code: str, vi: str, en: str) -> UserError:
    """A refused input (a 400) with its message in both languages."""
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
    if target_type == TargetType.ITEM:
        # every original opinion behind the item, its children's included
        return select(SynthesisItemOpinion.opinion_id).where(
            SynthesisItemOpinion.item_id == target_id
        )
    return select(Opinion.id).where(Opinion.id == target_id)


def item_sections(
    *, session: Session, target_type: str, target_id: int, before: datetime | None = None
) -> set[int]:
    """The sections of an item: its opinion's, or those of its visible opinions (submitted up
    to `before` when given)."""
    query = select(Opinion.section_id).where(
        Opinion.id.in_(opinions_of_item(target_type, target_id)),
        Opinion.section_id.is_not(None),
        Opinion.status != OpinionStatus.HIDDEN,
    )
    if before is not None:
        query = query.where(Opinion.submitted_at <= before)
    return set(session.scalars(query.distinct()))


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
    elif target_type == TargetType.ITEM:
        owner, title = _forwarded_item(session, consultation_id, target_id)
    else:
        raise refusal("bad_target", "Loại đối tượng không hợp lệ.", "Unknown kind of item.")
    if owner != consultation_id or title is None:
        raise NotFound(
            "item_not_found",
            "Không có ý kiến, chủ đề hoặc nhóm ý kiến này trong đợt lấy ý kiến.",
            "No such opinion, theme or campaign in this consultation.",
        )
    return title


def _forwarded_item(
    session: Session, consultation_id: int, item_id: int
) -> tuple[int | None, str | None]:
    """(consultation, title) of a synthesis item forwarded to the consultation, else Nones."""
    found = session.execute(
        select(ForwardedItem.to_consultation_id, SynthesisItem.title)
        .join(SynthesisItem, SynthesisItem.id == ForwardedItem.synthesis_item_id)
        .where(
            ForwardedItem.synthesis_item_id == item_id,
            ForwardedItem.to_consultation_id == consultation_id,
        )
        .limit(1)
    ).first()
    return (found[0], found[1]) if found else (None, None)


# ---------------------------------------------------------------------------------------------
# queues and forwarding


def _default_holders(
    session: Session, consultation_id: int, item: Item, sections: set[int]
) -> set[int]:
    """The subcommittees handling one of the item's sections; a closed one only if an opinion
    of the item on its sections came before it closed."""
    if not sections:
        return set()
    rows = session.execute(
        select(Subcommittee.id, Subcommittee.closed_at, SubcommitteeSection.section_id)
        .join(SubcommitteeSection, Subcommittee.id == SubcommitteeSection.subcommittee_id)
        .where(
            Subcommittee.consultation_id == consultation_id,
            SubcommitteeSection.section_id.in_(sections),
        )
    ).all()
    found = {sub_id for sub_id, closed_at, _ in rows if closed_at is None}
    closed: dict[int, tuple[datetime, set[int]]] = {}
    for sub_id, closed_at, section_id in rows:
        if closed_at is not None:
            closed.setdefault(sub_id, (closed_at, set()))[1].add(section_id)
    for sub_id, (closed_at, mine) in closed.items():
        early = item_sections(
            session=session, target_type=item[0], target_id=item[1], before=closed_at
        )
        if early & mine:
            found.add(sub_id)
    return found


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
    current = _default_holders(session, consultation_id, (target_type, target_id), sections)
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


def _touching(
    kind: str, sections: set[int], consultation_id: int, before: datetime | None = None
) -> Select[Any]:
    """SQL for the ids of the themes/campaigns/opinions with an opinion in the sections
    (submitted up to `before`, the closing of a closed subcommittee, when given)."""
    visible = select(Opinion.id).where(
        Opinion.section_id.in_(sections), Opinion.status != OpinionStatus.HIDDEN
    )
    if before is not None:
        visible = visible.where(Opinion.submitted_at <= before)
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
        else list(
            session.scalars(
                _touching(kind, sections, subcommittee.consultation_id, subcommittee.closed_at)
            )
        )
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
            if s.organisation_id == org.id and s.closed_at is None
        ]
        for candidate in candidates:
            mine = sections_of_subcommittee(session=session, subcommittee_id=candidate.id)
            if mine & sections:
                return candidate
        fallback = fallback or (candidates[0] if candidates else None)
    if fallback is None:
        consultation = session.get_one(Consultation, current.consultation_id)
        if consultation.parent_id is not None:
            raise refusal(
                "forward_through_synthesis",
                "Đợt lấy ý kiến này lấy ý kiến trên dự thảo của cấp trên: ý kiến lên cấp trên qua "
                "báo cáo tổng hợp. Hãy ký duyệt báo cáo tổng hợp của đơn vị tổ chức rồi chọn "
                "“Chuyển lên cấp sở hữu dự thảo”.",
                "This collection is on a higher level's draft: opinions go up through the "
                "synthesis. Sign the organiser's synthesis off, then forward it to the owning "
                "level.",
            )
        raise refusal(
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
        raise refusal(
            "bad_forward_target",
            "Hãy chọn một tiểu ban khác của cùng đợt lấy ý kiến.",
            "Choose another subcommittee of the same consultation.",
        )
    if target.closed_at is not None:
        raise Conflict(
            "subcommittee_closed",
            f"Tiểu ban “{target.name}” đã kết thúc hoạt động, không nhận thêm nội dung chuyển đến.",
            f"The subcommittee “{target.name}” is closed and takes no forwarded items.",
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
