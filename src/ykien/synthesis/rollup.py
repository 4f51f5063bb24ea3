"""Roll-up over a whole organisation tree: for every organisation, the opinions beneath it.

An opinion belongs to the organisation of its author and to the organisation it was given on
behalf of. It counts at that organisation and travels up while the chain is submitted: a unit's
opinions reach its parent only once the unit has submitted its synthesis, its grandparent only
once the parent has submitted too, and so on (with `submitted_only=False`, all the way up). An
opinion reaching an organisation by two routes counts once; the de-duplicated figure counts a
campaign once.

The groups (opinions per author organisation, behalf organisation and campaign) come from the
opinion tallies (ykien.analysis.tallies) and a grouped read of the campaign members only; the
tree walk then runs over those few groups instead of over millions of opinions.
`baseline_rollup` is the straightforward version kept for comparison: per organisation, its own
opinions and then its children's, one query at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ykien.accounts.models import Person
from ykien.analysis import tallies
from ykien.analysis.models import (
    DuplicateGroup,
    DuplicateMember,
    counts_in_campaign,
)
from ykien.analysis.service import unique_key
from ykien.consultations.models import Consultation
from ykien.opinions.models import Channel, Opinion, OpinionStatus
from ykien.orgs.models import Organisation
from ykien.synthesis.models import Synthesis, SynthesisStatus


@dataclass(frozen=True)
class RollupCounts:
    raw: int
    unique: int


@dataclass(frozen=True)
class _Tree:
    """Organisations as dense indexes with, for each, the indexes its opinions reach."""

    index: dict[int, int]
    ids: list[int]
    reach: list[tuple[int, ...]]


def _submitted(session: Session, consultation_id: int) -> set[int]:
    return set(
        session.scalars(
            select(Synthesis.organisation_id)
            .where(
                Synthesis.consultation_id == consultation_id,
                Synthesis.status == SynthesisStatus.SUBMITTED,
            )
            .distinct()
        )
    )


def _tree(session: Session, *, submitted: set[int] | None) -> _Tree:
    """Every organisation and where its opinions reach (all ancestors when submitted is None)."""
    rows = session.execute(select(Organisation.id, Organisation.parent_id)).all()
    parent = {org_id: parent_id for org_id, parent_id in rows}
    ids = [org_id for org_id, _ in rows]
    index = {org_id: position for position, org_id in enumerate(ids)}
    reach: dict[int, tuple[int, ...]] = {}
    for start in ids:
        chain: list[int] = []
        org_id: int | None = start
        while org_id is not None and org_id not in reach:
            chain.append(org_id)
            passes_up = submitted is None or org_id in submitted
            org_id = parent.get(org_id) if passes_up else None
        above = reach[org_id] if org_id is not None else ()
        for node in reversed(chain):
            above = (index[node], *above)
            reach[node] = above
    return _Tree(index, ids, [reach[org_id] for org_id in ids])


def _campaign_of(consultation_id: int) -> Any:
    """Opinion id -> the campaign that counts it once (the lowest, if several)."""
    return (
        select(
            DuplicateMember.opinion_id.label("opinion_id"),
            func.min(DuplicateMember.group_id).label("group_id"),
        )
        .join(DuplicateGroup, DuplicateGroup.id == DuplicateMember.group_id)
        .where(
            DuplicateGroup.consultation_id == consultation_id,
            counts_in_campaign(),
        )
        .group_by(DuplicateMember.opinion_id)
        .subquery()
    )


def counted(session: Session, consultation_id: int) -> Any:
    """The condition on opinions the consultation's counting rule sets: all visible opinions,
    or, when opinions only spoken at meetings are not counted, those of other channels."""
    spoken = session.scalar(
        select(Consultation.count_spoken_only).where(Consultation.id == consultation_id)
    )
    visible = Opinion.status != OpinionStatus.HIDDEN
    return visible if spoken is not False else visible & (Opinion.channel != Channel.EVENT)


def _groups(session: Session, consultation_id: int) -> list[tuple[Any, ...]]:
    """(author organisation, behalf organisation, campaign, opinions) over counted opinions.

    The opinions in no campaign come from the tallies kept as opinions are written (no scan of
    the opinions); only the campaign members are read, grouped."""
    spoken = session.scalar(
        select(Consultation.count_spoken_only).where(Consultation.id == consultation_id)
    )
    with_meetings = spoken is not False
    campaign = _campaign_of(consultation_id)
    at_meeting = case((Opinion.channel == Channel.EVENT, 1), else_=0)
    columns = (Person.organisation_id, Opinion.on_behalf_of_id, at_meeting, campaign.c.group_id)
    members = session.execute(
        select(*columns, func.count())
        .select_from(Opinion)
        .join(campaign, campaign.c.opinion_id == Opinion.id)
        .outerjoin(Person, Person.id == Opinion.author_person_id)
        .where(Opinion.consultation_id == consultation_id, counted(session, consultation_id))
        .group_by(*columns)
    ).all()
    in_campaigns: dict[tuple[Any, ...], int] = {}
    groups: list[tuple[Any, ...]] = []
    for author_org, behalf_org, meeting, group_id, count in members:
        attached = (author_org, behalf_org, int(meeting))
        in_campaigns[attached] = in_campaigns.get(attached, 0) + int(count)
        groups.append((author_org, behalf_org, group_id, int(count)))
    found = tallies.raw_counts(session=session, consultation_id=consultation_id, facet="attachment")
    for key, raw in found.items():
        author, behalf, meeting = key.split(":")
        if meeting == "1" and not with_meetings:
            continue
        attached = (int(author) if author else None, int(behalf) if behalf else None, int(meeting))
        alone = raw - in_campaigns.get(attached, 0)
        if alone > 0:
            groups.append((attached[0], attached[1], None, alone))
    return groups


def _targets(tree: _Tree, author_org: int | None, behalf_org: int | None) -> tuple[int, ...]:
    """Indexes of the organisations an opinion with these two attachments counts at."""
    first = tree.index.get(author_org) if author_org is not None else None
    second = tree.index.get(behalf_org) if behalf_org is not None else None
    if first is None:
        return tree.reach[second] if second is not None else ()
    if second is None or second == first:
        return tree.reach[first]
    return tuple(set(tree.reach[first]) | set(tree.reach[second]))


def rollup(
    *, session: Session, consultation_id: int, submitted_only: bool = True
) -> dict[int, RollupCounts]:
    """Organisation id -> raw and de-duplicated opinions beneath it (organisations with none
    are left out)."""
    submitted = _submitted(session, consultation_id) if submitted_only else None
    tree = _tree(session, submitted=submitted)
    size = len(tree.ids)
    raw = np.zeros(size, dtype=np.int64)
    unique = np.zeros(size, dtype=np.int64)
    campaign_orgs: list[np.ndarray] = []
    campaign_ids: list[np.ndarray] = []
    for author_org, behalf_org, group_id, count in _groups(session, consultation_id):
        targets = np.fromiter(_targets(tree, author_org, behalf_org), dtype=np.int64)
        if targets.size == 0:
            continue
        raw[targets] += count
        if group_id is None:
            unique[targets] += count
        else:
            campaign_orgs.append(targets)
            campaign_ids.append(np.full(targets.size, group_id, dtype=np.int64))
    if campaign_orgs:
        # a campaign counts once per organisation however many of its opinions reach it
        pairs = np.unique(np.concatenate(campaign_orgs) * (1 << 32) + np.concatenate(campaign_ids))
        unique += np.bincount(pairs >> 32, minlength=size)
    return {tree.ids[i]: RollupCounts(int(raw[i]), int(unique[i])) for i in np.flatnonzero(raw)}


# ---------------------------------------------------------------------------------------------
# the straightforward baseline


def _own_keys(session: Session, consultation_id: int, organisation_id: int) -> set[Any]:
    """(opinion, de-duplication key) of the organisation's own visible opinions.

    Two indexed look-ups (by author, by behalf) rather than one OR across a join, which the
    database could only answer by scanning every opinion.
    """
    visible = select(Opinion.id, unique_key(consultation_id)).where(
        Opinion.consultation_id == consultation_id, counted(session, consultation_id)
    )
    authors = select(Person.id).where(Person.organisation_id == organisation_id)
    by_author = session.execute(visible.where(Opinion.author_person_id.in_(authors))).all()
    on_behalf = session.execute(visible.where(Opinion.on_behalf_of_id == organisation_id)).all()
    return {tuple(row) for row in by_author} | {tuple(row) for row in on_behalf}


def _has_submitted(session: Session, consultation_id: int, organisation_id: int) -> bool:
    found = session.scalar(
        select(Synthesis.id)
        .where(
            Synthesis.consultation_id == consultation_id,
            Synthesis.organisation_id == organisation_id,
            Synthesis.status == SynthesisStatus.SUBMITTED,
        )
        .limit(1)
    )
    return found is not None


def _beneath(
    session: Session, consultation_id: int, organisation_id: int, *, submitted_only: bool
) -> set[tuple[int, int]]:
    """(opinion, de-duplication key) of the organisation and, recursively, of its children."""
    found = _own_keys(session, consultation_id, organisation_id)
    children = session.scalars(
        select(Organisation.id).where(Organisation.parent_id == organisation_id)
    ).all()
    for child in children:
        if submitted_only and not _has_submitted(session, consultation_id, child):
            continue
        found |= _beneath(session, consultation_id, child, submitted_only=submitted_only)
    return found


def baseline_rollup(
    *,
    session: Session,
    consultation_id: int,
    submitted_only: bool = True,
    organisation_ids: Iterable[int] | None = None,
) -> dict[int, RollupCounts]:
    """The same figures the straightforward way: per organisation, recursive queries (N+1)."""
    if organisation_ids is None:
        organisation_ids = session.scalars(select(Organisation.id)).all()
    result: dict[int, RollupCounts] = {}
    for org_id in organisation_ids:
        found = _beneath(session, consultation_id, org_id, submitted_only=submitted_only)
        if found:
            result[org_id] = RollupCounts(len(found), len({key for _, key in found}))
    return result
