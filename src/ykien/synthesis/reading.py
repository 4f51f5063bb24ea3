"""Reading a synthesis: who has not submitted yet, the drill-down to child items and original
opinions, and the synthesis with its counts as its page and report show it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from ykien.analysis.service import Breakdown, breakdown
from ykien.opinions.models import Opinion, OpinionStatus
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.synthesis.models import (
    Synthesis,
    SynthesisItem,
    SynthesisItemOpinion,
    SynthesisItemSource,
    SynthesisStatus,
)
from ykien.synthesis.schemas import ChildItemOut
from ykien.synthesis.store import (
    counts_from_json,
    get,
    get_item,
    item_opinions,
    items_of,
    synthesis_opinions,
)

# ---------------------------------------------------------------------------------------------
# progress and drill-down


@dataclass(frozen=True)
class PendingUnit:
    """A unit under the organisation that has not submitted its synthesis yet."""

    organisation_id: int
    name: str
    parent_id: int | None
    depth: int  # 1 = a direct child
    status: str | None  # its latest revision's status, None when it has not started


def pending_children(
    *, session: Session, consultation_id: int, organisation_id: int
) -> list[PendingUnit]:
    """The organisations beneath this one (children and their subtrees) yet to submit, in tree
    order."""
    root = orgs.get(session=session, organisation_id=organisation_id)
    rows = orgs.tree(session=session, roots=[root.tree_path])[1:]
    ids = [row.organisation.id for row in rows]
    statuses: dict[int, set[str]] = {}
    latest_status: dict[int, str] = {}
    found = session.execute(
        select(Synthesis.organisation_id, Synthesis.status)
        .where(Synthesis.consultation_id == consultation_id, Synthesis.organisation_id.in_(ids))
        .order_by(Synthesis.revision)
    ).all()
    for org_id, status in found:
        statuses.setdefault(org_id, set()).add(status)
        latest_status[org_id] = status
    return [
        PendingUnit(
            organisation_id=row.organisation.id,
            name=row.organisation.name,
            parent_id=row.organisation.parent_id,
            depth=row.depth,
            status=latest_status.get(row.organisation.id),
        )
        for row in rows
        if SynthesisStatus.SUBMITTED not in statuses.get(row.organisation.id, set())
    ]


ChildItem = ChildItemOut  # a child organisation's item consolidated into an item


@dataclass(frozen=True)
class DrillDown:
    item: SynthesisItem
    child_items: list[ChildItem]
    own_opinion_ids: list[int]


def drill_down(*, session: Session, item_id: int) -> DrillDown:
    """One level down from an item: the child items it consolidates and its own opinions."""
    item = get_item(session=session, item_id=item_id)
    rows = session.execute(
        select(SynthesisItem, Synthesis.organisation_id, Organisation.name)
        .join(SynthesisItemSource, SynthesisItemSource.child_item_id == SynthesisItem.id)
        .join(Synthesis, Synthesis.id == SynthesisItem.synthesis_id)
        .join(Organisation, Organisation.id == Synthesis.organisation_id)
        .where(SynthesisItemSource.item_id == item.id)
        .order_by(Organisation.name, SynthesisItem.position)
    ).all()
    own = session.scalars(
        item_opinions(item.id)
        .where(SynthesisItemOpinion.direct.is_(True))
        .order_by(SynthesisItemOpinion.opinion_id)
    )
    return DrillDown(
        item=item,
        child_items=[
            ChildItem(
                item_id=child.id,
                synthesis_id=child.synthesis_id,
                organisation_id=org_id,
                organisation_name=name,
                title=child.title,
                raw=child.raw_count,
                unique=child.unique_count,
            )
            for child, org_id, name in rows
        ],
        own_opinion_ids=list(own),
    )


def opinions_under(*, session: Session, item_id: int) -> list[int]:
    """Every original opinion behind an item, at any depth below it."""
    get_item(session=session, item_id=item_id)
    return list(session.scalars(item_opinions(item_id).order_by(SynthesisItemOpinion.opinion_id)))


# ---------------------------------------------------------------------------------------------
# reading a synthesis with its counts


@dataclass
class ItemView:
    item: SynthesisItem
    counts: Breakdown
    quotes: list[tuple[int, str]]
    child_item_count: int


@dataclass
class SynthesisView:
    synthesis: Synthesis
    organisation_name: str
    totals: Breakdown
    items: list[ItemView]
    next_after: str | None = None  # where the next page of items starts, if there is one


ITEMS_PAGE = 50  # items per page of a synthesis (a national one has thousands)


def item_cursor(item: SynthesisItem) -> str:
    return f"{item.position}:{item.id}"


def _page_of_items(
    session: Session, synthesis_id: int, after: str, limit: int
) -> tuple[list[SynthesisItem], str | None]:
    """The items after the cursor "position:id" in their order (keyset), and the next cursor."""
    query = select(SynthesisItem).where(SynthesisItem.synthesis_id == synthesis_id)
    position, _, item_id = after.partition(":")
    if position.isdigit() and item_id.isdigit():
        query = query.where(
            tuple_(SynthesisItem.position, SynthesisItem.id) > (int(position), int(item_id))
        )
    rows = list(
        session.scalars(query.order_by(SynthesisItem.position, SynthesisItem.id).limit(limit + 1))
    )
    more = len(rows) > limit
    return rows[:limit], item_cursor(rows[limit - 1]) if more else None


def view(
    *, session: Session, synthesis_id: int, after: str = "", limit: int | None = None
) -> SynthesisView:
    """A synthesis with its items (a page of `limit` after the cursor `after`, or all); counts
    are those written when it was drafted or signed off (live only for older drafts)."""
    synthesis = get(session=session, synthesis_id=synthesis_id)
    org = orgs.get(session=session, organisation_id=synthesis.organisation_id)
    next_after = None
    if limit is None:
        items = items_of(session=session, synthesis_id=synthesis_id)
    else:
        items, next_after = _page_of_items(session, synthesis_id, after, limit)
    quote_ids = {q for item in items for q in item.quote_ids}
    texts = dict(
        session.execute(
            select(Opinion.id, Opinion.text).where(
                Opinion.id.in_(quote_ids), Opinion.status != OpinionStatus.HIDDEN
            )
        ).all()
    )
    sources: dict[int, int] = {}
    for item_id in session.scalars(
        select(SynthesisItemSource.item_id).where(
            SynthesisItemSource.item_id.in_([i.id for i in items])
        )
    ):
        sources[item_id] = sources.get(item_id, 0) + 1
    return SynthesisView(
        synthesis=synthesis,
        organisation_name=org.name,
        totals=_counts(session, synthesis, synthesis.frozen_counts, synthesis_opinions),
        items=[
            ItemView(
                item=item,
                counts=_counts(session, synthesis, item.frozen_counts, item_opinions, item.id),
                quotes=[(q, texts[q]) for q in item.quote_ids if q in texts],
                child_item_count=sources.get(item.id, 0),
            )
            for item in items
        ],
        next_after=next_after,
    )


def _counts(
    session: Session,
    synthesis: Synthesis,
    frozen: dict[str, Any] | None,
    query: Any,
    target_id: int | None = None,
) -> Breakdown:
    if frozen is not None:
        return counts_from_json(frozen)
    return breakdown(
        session=session,
        consultation_id=synthesis.consultation_id,
        opinion_ids=query(synthesis.id if target_id is None else target_id),
    )
