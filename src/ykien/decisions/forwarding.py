"""Across levels: a lower organisation's signed synthesis of its collection on a higher level's
draft (a child consultation) is forwarded to the subcommittees of the level that owns the draft.

Each item goes to the parent consultation's subcommittees whose sections cover it (an item
without a matching section goes to the parent's first subcommittee); the receiving subcommittee
answers it with a decision on the item (target type "item"), which answers every opinion behind
it, at every level. Forwarding a revision twice changes nothing; a newer revision supersedes the
older one's rows, which are kept for the history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from ykien.accounts.models import Membership, Person, Role
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.db.base import utcnow
from ykien.decisions.models import Decision, DecisionStatus, ForwardedItem, TargetType
from ykien.decisions.queues import (
    get_subcommittee,
    item_sections,
    sections_of_subcommittee,
    subcommittees_of,
)
from ykien.drafts.models import Section
from ykien.errors import Conflict, NotFound, UserError
from ykien.events import service as events
from ykien.events.models import Event
from ykien.opinions.models import Opinion, OpinionStatus
from ykien.orgs.models import Organisation
from ykien.synthesis import store
from ykien.synthesis.models import (
    ItemKind,
    Synthesis,
    SynthesisItem,
    SynthesisItemOpinion,
    SynthesisItemSource,
    SynthesisStatus,
)

# ---------------------------------------------------------------------------------------------
# where each item goes


@dataclass
class Route:
    item: SynthesisItem
    subcommittee_ids: list[int]
    by_default: bool  # no subcommittee handles its sections: the parent's first one takes it


@dataclass
class Plan:
    synthesis: Synthesis
    child: Consultation
    parent: Consultation
    routes: list[Route]


def _refuse(code: str, vi: str, en: str) -> UserError:
    return UserError(code, vi, en)


def _checked_source(session: Session, synthesis_id: int) -> tuple[Synthesis, Consultation]:
    """The synthesis, if it is the latest signed one of a child consultation's organiser."""
    synthesis = store.get(session=session, synthesis_id=synthesis_id)
    child = consultations.get(session=session, consultation_id=synthesis.consultation_id)
    if child.parent_id is None:
        raise _refuse(
            "no_parent_consultation",
            "Đợt lấy ý kiến này không phải đợt lấy ý kiến ở cấp dưới trên dự thảo của cấp trên; "
            "không có cấp sở hữu dự thảo để chuyển lên.",
            "This consultation is not a lower level's collection on a higher level's draft; "
            "there is no owning level to forward to.",
        )
    if synthesis.organisation_id != child.organiser_id:
        raise _refuse(
            "not_organiser_synthesis",
            "Chỉ báo cáo tổng hợp của đơn vị tổ chức đợt lấy ý kiến mới được chuyển lên cấp "
            "sở hữu dự thảo.",
            "Only the organiser's synthesis of the collection is forwarded to the owning level.",
        )
    if synthesis.status not in (SynthesisStatus.SIGNED_OFF, SynthesisStatus.SUBMITTED):
        raise _refuse(
            "not_signed_off",
            "Cần ký duyệt báo cáo tổng hợp trước khi chuyển lên cấp sở hữu dự thảo.",
            "Sign the synthesis off before forwarding it to the owning level.",
        )
    newest = store.latest(
        session=session, consultation_id=child.id, organisation_id=synthesis.organisation_id
    )
    if newest is not None and newest.id != synthesis.id:
        raise Conflict(
            "stale_revision",
            "Đã có phiên bản mới hơn của báo cáo tổng hợp này.",
            "A newer revision of this synthesis exists.",
        )
    return synthesis, child


def _item_sections(session: Session, item: SynthesisItem) -> set[int]:
    if item.kind == ItemKind.SECTION and item.section_id is not None:
        return {item.section_id}
    return item_sections(session=session, target_type=TargetType.ITEM, target_id=item.id)


def plan(*, session: Session, synthesis_id: int) -> Plan:
    """Which subcommittees of the owning level each item of the synthesis goes to."""
    synthesis, child = _checked_source(session, synthesis_id)
    assert child.parent_id is not None
    parent = consultations.get(session=session, consultation_id=child.parent_id)
    subs = subcommittees_of(session=session, consultation_id=parent.id)
    if not subs:
        raise _refuse(
            "no_parent_subcommittee",
            f"Đợt lấy ý kiến cấp trên “{parent.title}” chưa có tiểu ban nào để nhận ý kiến.",
            f"The parent consultation “{parent.title}” has no subcommittee to receive the items.",
        )
    handled = {s.id: sections_of_subcommittee(session=session, subcommittee_id=s.id) for s in subs}
    routes = []
    for item in store.items_of(session=session, synthesis_id=synthesis.id):
        sections = _item_sections(session, item)
        chosen = [s.id for s in subs if handled[s.id] & sections]
        routes.append(Route(item, chosen or [subs[0].id], not chosen))
    if not routes:  # nothing would go up, and forwarding it again could not be told apart
        raise _refuse(
            "nothing_to_forward",
            "Báo cáo tổng hợp chưa có mục nào (chưa có ý kiến nào đến đơn vị) nên không có gì "
            "để chuyển lên cấp sở hữu dự thảo.",
            "The synthesis has no items (no opinion reached the organisation): there is nothing "
            "to forward to the owning level.",
        )
    return Plan(synthesis, child, parent, routes)


# ---------------------------------------------------------------------------------------------
# forwarding


@dataclass
class Forwarded:
    plan: Plan
    rows: list[ForwardedItem]
    already: bool  # this revision had been forwarded before: nothing changed
    superseded: int  # rows of an older revision superseded now


def _current_rows(session: Session, child_id: int, organisation_id: int) -> list[ForwardedItem]:
    return list(
        session.scalars(
            select(ForwardedItem)
            .where(
                ForwardedItem.from_consultation_id == child_id,
                ForwardedItem.from_organisation_id == organisation_id,
                ForwardedItem.superseded_at.is_(None),
            )
            .order_by(ForwardedItem.id)
        )
    )


def forward_up(*, session: Session, synthesis_id: int, by: int | None) -> Forwarded:
    """Send every item of the signed synthesis to the owning level's subcommittees."""
    found = plan(session=session, synthesis_id=synthesis_id)
    synthesis, child = found.synthesis, found.child
    current = _current_rows(session, child.id, synthesis.organisation_id)
    if current and all(row.synthesis_id == synthesis.id for row in current):
        return Forwarded(found, current, already=True, superseded=0)
    now = utcnow()
    for row in current:
        row.superseded_at = now
    rows = [
        ForwardedItem(
            synthesis_id=synthesis.id,
            synthesis_item_id=route.item.id,
            from_consultation_id=child.id,
            from_organisation_id=synthesis.organisation_id,
            to_consultation_id=found.parent.id,
            to_subcommittee_id=sub_id,
            forwarded_by_person_id=by,
            forwarded_at=now,
        )
        for route in found.routes
        for sub_id in route.subcommittee_ids
    ]
    session.add_all(rows)
    session.flush()
    audit.record(
        session=session,
        action="synthesis.forwarded_up",
        entity_type="synthesis",
        entity_id=synthesis.id,
        actor_person_id=by,
        payload={
            "from_consultation_id": child.id,
            "organisation_id": synthesis.organisation_id,
            "revision": synthesis.revision,
            "to_consultation_id": found.parent.id,
            "routes": {str(r.item.id): r.subcommittee_ids for r in found.routes},
            "superseded": sorted(row.id for row in current),
        },
    )
    _notify_owners(session, found)
    return Forwarded(found, rows, already=False, superseded=len(current))


# ---------------------------------------------------------------------------------------------
# the standing board: every draft's items up in one action


@dataclass
class BoardRow:
    """A lower-level collection the organisation runs on a higher level's draft: its latest
    synthesis, where it would go (`plan`) or why it cannot go yet (`refusal`)."""

    child: Consultation
    synthesis: Synthesis | None
    plan: Plan | None
    refusal: UserError | None
    forwarded: bool  # this revision is already with the owning level


def _no_synthesis(child: Consultation) -> UserError:
    return _refuse(
        "no_synthesis",
        f"Chưa có báo cáo tổng hợp của đơn vị cho đợt “{child.title}”.",
        f"The organisation has no synthesis for “{child.title}” yet.",
    )


def board(*, session: Session, organisation_id: int) -> list[BoardRow]:
    """What one "forward all" of the organisation's standing board would do, draft by draft."""
    rows = []
    children = session.scalars(
        select(Consultation)
        .where(Consultation.organiser_id == organisation_id, Consultation.parent_id.is_not(None))
        .order_by(Consultation.id)
    )
    for child in children:
        synthesis = store.latest(
            session=session, consultation_id=child.id, organisation_id=organisation_id
        )
        if synthesis is None:
            rows.append(BoardRow(child, None, None, _no_synthesis(child), forwarded=False))
            continue
        try:
            found = plan(session=session, synthesis_id=synthesis.id)
        except UserError as refusal:
            rows.append(BoardRow(child, synthesis, None, refusal, forwarded=False))
            continue
        current = _current_rows(session, child.id, organisation_id)
        done = bool(current) and all(row.synthesis_id == synthesis.id for row in current)
        rows.append(BoardRow(child, synthesis, found, None, forwarded=done))
    return rows


def forward_all(*, session: Session, organisation_id: int, by: int | None) -> list[Forwarded]:
    """Send each draft's items to the subcommittees of the level that owns that draft; the
    collections not ready (no signed synthesis) stay as they are, as `board` shows them."""
    ready = [
        row
        for row in board(session=session, organisation_id=organisation_id)
        if row.plan is not None and not row.forwarded
    ]
    if not ready:
        raise _refuse(
            "nothing_to_forward",
            "Không có báo cáo tổng hợp nào đã ký duyệt mà chưa chuyển lên cấp sở hữu dự thảo.",
            "No signed synthesis is waiting to go to the level that owns its draft.",
        )
    return [
        forward_up(session=session, synthesis_id=row.plan.synthesis.id, by=by)
        for row in ready
        if row.plan is not None
    ]


def _notify_owners(session: Session, found: Plan) -> None:
    """An in-app notice to the secretaries and chairs of the receiving subcommittees' units."""
    org_ids = {
        s.organisation_id
        for s in subcommittees_of(session=session, consultation_id=found.parent.id)
        if any(s.id in r.subcommittee_ids for r in found.routes)
    }
    people = session.scalars(
        select(Membership.person_id)
        .where(
            Membership.organisation_id.in_(org_ids),
            Membership.role.in_([Role.SECRETARY, Role.CHAIR, Role.SUBCOMMITTEE_MEMBER]),
        )
        .distinct()
    ).all()
    origin = session.get_one(Organisation, found.synthesis.organisation_id).name
    text = (
        f"{origin} đã chuyển {len(found.routes)} mục của báo cáo tổng hợp (lần "
        f"{found.synthesis.revision}) lên đợt lấy ý kiến “{found.parent.title}”."
    )
    for person_id in sorted(people):
        events.notify(
            session=session,
            text=text,
            link=f"/c/{found.parent.id}/subcommittees",
            person_id=person_id,
        )


# ---------------------------------------------------------------------------------------------
# the receiving subcommittee's queue and the drill-down


@dataclass
class ForwardedQueueItem:
    id: int  # the forwarded row
    item_id: int
    title: str
    summary: str
    organisation: str
    from_consultation_id: int
    from_consultation: str
    revision: int
    raw_count: int | None
    unique_count: int | None
    opinion_count: int
    forwarded_at: datetime
    decision: Decision | None


def _opinion_counts(session: Session, item_ids: list[int]) -> dict[int, int]:
    if not item_ids:
        return {}
    rows = session.execute(
        select(SynthesisItemOpinion.item_id, func.count())
        .join(Opinion, Opinion.id == SynthesisItemOpinion.opinion_id)
        .where(SynthesisItemOpinion.item_id.in_(item_ids), Opinion.status != OpinionStatus.HIDDEN)
        .group_by(SynthesisItemOpinion.item_id)
    )
    return {item_id: int(n) for item_id, n in rows}


def _latest_item_decisions(
    session: Session, consultation_id: int, item_ids: list[int]
) -> dict[int, Decision]:
    found: dict[int, Decision] = {}
    if item_ids:
        for decision in session.scalars(
            select(Decision)
            .where(
                Decision.consultation_id == consultation_id,
                Decision.target_type == TargetType.ITEM,
                Decision.target_id.in_(item_ids),
            )
            .order_by(Decision.id)
        ):
            found[decision.target_id] = decision
    return found


def _rows_query(
    current_only: bool = True,
) -> Select[ForwardedItem, SynthesisItem, Synthesis, str, str]:
    query = (
        select(ForwardedItem, SynthesisItem, Synthesis, Organisation.name, Consultation.title)
        .join(SynthesisItem, SynthesisItem.id == ForwardedItem.synthesis_item_id)
        .join(Synthesis, Synthesis.id == ForwardedItem.synthesis_id)
        .join(Organisation, Organisation.id == ForwardedItem.from_organisation_id)
        .join(Consultation, Consultation.id == ForwardedItem.from_consultation_id)
        .order_by(Organisation.name, ForwardedItem.from_consultation_id, SynthesisItem.position)
    )
    if current_only:
        query = query.where(ForwardedItem.superseded_at.is_(None))
    return query


def _queue_items(
    session: Session,
    consultation_id: int,
    rows: Sequence[Row[ForwardedItem, SynthesisItem, Synthesis, str, str]],
) -> list[ForwardedQueueItem]:
    item_ids = [item.id for _, item, _, _, _ in rows]
    counts = _opinion_counts(session, item_ids)
    decided = _latest_item_decisions(session, consultation_id, item_ids)
    return [
        ForwardedQueueItem(
            id=row.id,
            item_id=item.id,
            title=item.title,
            summary=item.summary,
            organisation=org_name,
            from_consultation_id=row.from_consultation_id,
            from_consultation=title,
            revision=synthesis.revision,
            raw_count=item.raw_count,
            unique_count=item.unique_count,
            opinion_count=counts.get(item.id, 0),
            forwarded_at=row.forwarded_at,
            decision=decided.get(item.id),
        )
        for row, item, synthesis, org_name, title in rows
    ]


def forwarded_queue(*, session: Session, subcommittee_id: int) -> list[ForwardedQueueItem]:
    """The items forwarded up to this subcommittee (current revisions only), with their origin."""
    sub = get_subcommittee(session=session, subcommittee_id=subcommittee_id)
    rows = session.execute(_rows_query().where(ForwardedItem.to_subcommittee_id == sub.id)).all()
    return _queue_items(session, sub.consultation_id, rows)


def forwarded_from(*, session: Session, consultation_id: int) -> list[ForwardedQueueItem]:
    """What this (child) consultation forwarded up, with the owning level's answer so far."""
    consultation = consultations.get(session=session, consultation_id=consultation_id)
    if consultation.parent_id is None:
        return []
    rows = session.execute(
        _rows_query().where(ForwardedItem.from_consultation_id == consultation_id)
    ).all()
    return _queue_items(session, consultation.parent_id, rows)


@dataclass
class OpinionOrigin:
    id: int
    text: str
    section_label: str | None
    kind: str
    channel: str
    event_id: int | None
    event_title: str | None
    organisation: str | None  # given on behalf of, else the author's organisation
    via: str | None  # the child organisation whose synthesis consolidated it, if not direct
    receipt_code: str


@dataclass
class ForwardedDrill:
    row: ForwardedItem
    item: ForwardedQueueItem
    child_items: list[SynthesisItem]
    opinions: list[OpinionOrigin]


def get_forwarded(*, session: Session, subcommittee_id: int, forwarded_id: int) -> ForwardedItem:
    row = session.get(ForwardedItem, forwarded_id)
    if row is None or row.to_subcommittee_id != subcommittee_id:
        raise NotFound(
            "forwarded_not_found",
            "Không có mục chuyển lên này trong danh sách của tiểu ban.",
            "No such forwarded item in this subcommittee's queue.",
        )
    return row


def _via(session: Session, item_id: int) -> dict[int, str]:
    """opinion id -> the child organisation whose consolidated item brought it in."""
    rows = session.execute(
        select(SynthesisItemOpinion.opinion_id, Organisation.name)
        .join(
            SynthesisItemSource, SynthesisItemSource.child_item_id == SynthesisItemOpinion.item_id
        )
        .join(SynthesisItem, SynthesisItem.id == SynthesisItemSource.child_item_id)
        .join(Synthesis, Synthesis.id == SynthesisItem.synthesis_id)
        .join(Organisation, Organisation.id == Synthesis.organisation_id)
        .where(SynthesisItemSource.item_id == item_id)
        .order_by(Organisation.name)
    )
    found: dict[int, str] = {}
    for opinion_id, name in rows:
        found.setdefault(opinion_id, name)
    return found


def drill(*, session: Session, subcommittee_id: int, forwarded_id: int) -> ForwardedDrill:
    """A forwarded item with every original opinion behind it and where each came from."""
    row = get_forwarded(session=session, subcommittee_id=subcommittee_id, forwarded_id=forwarded_id)
    sub = get_subcommittee(session=session, subcommittee_id=subcommittee_id)
    header = session.execute(
        _rows_query(current_only=False).where(ForwardedItem.id == row.id)
    ).all()
    item = _queue_items(session, sub.consultation_id, header)[0]
    author_org = select(Person.organisation_id).where(Person.id == Opinion.author_person_id)
    org_id = func.coalesce(Opinion.on_behalf_of_id, author_org.scalar_subquery())
    rows = session.execute(
        select(Opinion, Section.label, Event.title, Organisation.name)
        .join(SynthesisItemOpinion, SynthesisItemOpinion.opinion_id == Opinion.id)
        .outerjoin(Section, Section.id == Opinion.section_id)
        .outerjoin(Event, Event.id == Opinion.event_id)
        .outerjoin(Organisation, Organisation.id == org_id)
        .where(
            SynthesisItemOpinion.item_id == row.synthesis_item_id,
            Opinion.status != OpinionStatus.HIDDEN,
        )
        .order_by(Opinion.id)
    ).all()
    via = _via(session, row.synthesis_item_id)
    children = list(
        session.scalars(
            select(SynthesisItem)
            .join(SynthesisItemSource, SynthesisItemSource.child_item_id == SynthesisItem.id)
            .where(SynthesisItemSource.item_id == row.synthesis_item_id)
            .order_by(SynthesisItem.id)
        )
    )
    return ForwardedDrill(
        row=row,
        item=item,
        child_items=children,
        opinions=[
            OpinionOrigin(
                id=opinion.id,
                text=opinion.text,
                section_label=label,
                kind=opinion.kind,
                channel=opinion.channel,
                event_id=opinion.event_id,
                event_title=event_title,
                organisation=org_name,
                via=via.get(opinion.id),
                receipt_code=opinion.receipt_code,
            )
            for opinion, label, event_title, org_name in rows
        ],
    )


# ---------------------------------------------------------------------------------------------
# counts and the links between levels


@dataclass
class LevelCounts:
    direct: int  # visible opinions given in this consultation
    forwarded: int  # opinions behind items forwarded up from lower levels, not counted above
    total: int


def _forwarded_opinions(consultation_id: int) -> Select[Any]:
    return (
        select(SynthesisItemOpinion.opinion_id)
        .join(ForwardedItem, ForwardedItem.synthesis_item_id == SynthesisItemOpinion.item_id)
        .join(Opinion, Opinion.id == SynthesisItemOpinion.opinion_id)
        .where(
            ForwardedItem.to_consultation_id == consultation_id,
            ForwardedItem.superseded_at.is_(None),
            Opinion.status != OpinionStatus.HIDDEN,
        )
        .distinct()
    )


def level_counts(*, session: Session, consultation_id: int) -> LevelCounts:
    """This consultation's own opinions and those forwarded up to it, each opinion once."""
    direct = set(
        session.scalars(
            select(Opinion.id).where(
                Opinion.consultation_id == consultation_id, Opinion.status != OpinionStatus.HIDDEN
            )
        )
    )
    forwarded = set(session.scalars(_forwarded_opinions(consultation_id))) - direct
    return LevelCounts(len(direct), len(forwarded), len(direct) + len(forwarded))


@dataclass
class ChildRow:
    consultation: Consultation
    organiser: str
    counts: LevelCounts
    forwarded_revision: int | None  # the revision whose items are with the owning level
    forwarded_at: datetime | None
    items_forwarded: int
    items_answered: int  # of those, items with a published decision of the owning level


def children(*, session: Session, consultation_id: int) -> list[ChildRow]:
    """The lower levels' collections on this consultation's draft, with their counts."""
    found = []
    for child in consultations.children_of(session=session, consultation_id=consultation_id):
        sent = forwarded_from(session=session, consultation_id=child.id)
        items = {row.item_id: row for row in sent}
        answered = sum(
            1
            for row in items.values()
            if row.decision and row.decision.status == DecisionStatus.PUBLISHED
        )
        found.append(
            ChildRow(
                consultation=child,
                organiser=session.get_one(Organisation, child.organiser_id).name,
                counts=level_counts(session=session, consultation_id=child.id),
                forwarded_revision=max((row.revision for row in sent), default=None),
                forwarded_at=max((row.forwarded_at for row in sent), default=None),
                items_forwarded=len(items),
                items_answered=answered,
            )
        )
    return found
