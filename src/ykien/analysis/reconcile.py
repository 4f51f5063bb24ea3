"""Reconciling a run's campaigns and themes with what is stored: proposed ones replaced,
decided ones kept and extended, machine themes matched to the earlier ones by their members so
their ids stay stable (used by `ykien.analysis.pipeline`)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ykien.analysis import dedupe, themes
from ykien.analysis.models import (
    DuplicateGroup,
    DuplicateMember,
    ProposalStatus,
    Theme,
    ThemeMember,
    ThemeStatus,
)
from ykien.db.base import utcnow
from ykien.opinions.models import Opinion, OpinionStatus

if TYPE_CHECKING:
    from ykien.analysis.pipeline import RunContext

INSERT_BATCH = 2_000
PROPOSED = str(ProposalStatus.PROPOSED)
# an opinion in two proposed themes would count twice; this overlap makes a theme "the same"
THEME_MATCH_JACCARD = 0.3


def _visible(query: Any, consultation_id: int) -> Any:
    return query.where(
        Opinion.consultation_id == consultation_id, Opinion.status != OpinionStatus.HIDDEN
    )


def _reconcile_campaigns(
    session: Session, ctx: RunContext, groups: Sequence[dedupe.DuplicateGroup]
) -> int:
    """Replace the proposed campaigns; leave confirmed and undone ones as a person left them.

    Opinions in a decided campaign are settled: a new copy of a confirmed campaign joins it
    (a person can split it out again), and an undone grouping is not proposed again.
    """
    decided = session.scalars(
        select(DuplicateGroup).where(
            DuplicateGroup.consultation_id == ctx.consultation_id,
            DuplicateGroup.status != ProposalStatus.PROPOSED,
        )
    ).all()
    settled: dict[int, DuplicateGroup] = {}
    for group in decided:
        for opinion_id in session.scalars(
            select(DuplicateMember.opinion_id).where(DuplicateMember.group_id == group.id)
        ):
            settled[opinion_id] = group
    _delete_proposed_campaigns(session, ctx.consultation_id)
    created = 0
    for found in groups:
        confirmed = {
            settled[m].id: settled[m]
            for m in found.member_ids
            if m in settled and settled[m].status == ProposalStatus.CONFIRMED
        }
        fresh = [m for m in found.member_ids if m not in settled]
        if confirmed and fresh:
            target = next(iter(confirmed.values()))
            _add_members(session, target.id, fresh, found.similarity, found.reasons)
            target.size += len(fresh)
            continue
        if len(fresh) < 2:
            continue
        canonical = found.canonical_id if found.canonical_id in fresh else fresh[0]
        row = DuplicateGroup(
            consultation_id=ctx.consultation_id,
            run_id=ctx.run_id,
            canonical_opinion_id=canonical,
            exact=found.exact,
            template=found.template,
            size=len(fresh),
            variants_json=json.dumps(_variants(session, canonical, fresh), ensure_ascii=False),
        )
        session.add(row)
        session.flush()
        _add_members(session, row.id, fresh, found.similarity, found.reasons)
        created += 1
    return created


def _delete_proposed_campaigns(session: Session, consultation_id: int) -> None:
    proposed = select(DuplicateGroup.id).where(
        DuplicateGroup.consultation_id == consultation_id,
        DuplicateGroup.status == ProposalStatus.PROPOSED,
    )
    session.execute(delete(DuplicateMember).where(DuplicateMember.group_id.in_(proposed)))
    session.execute(
        delete(DuplicateGroup).where(
            DuplicateGroup.consultation_id == consultation_id,
            DuplicateGroup.status == ProposalStatus.PROPOSED,
        )
    )


def _add_members(
    session: Session,
    group_id: int,
    opinion_ids: Sequence[int],
    similarity: Any,
    reasons: Any = None,
) -> None:
    rows = [
        {
            "group_id": group_id,
            "opinion_id": m,
            "similarity": float(similarity.get(m, 1.0)),
            "reason": str((reasons or {}).get(m, ""))[:200],
        }
        for m in opinion_ids
    ]
    for start in range(0, len(rows), INSERT_BATCH):
        session.execute(insert(DuplicateMember), rows[start : start + INSERT_BATCH])


def _variants(session: Session, canonical: int, members: Sequence[int]) -> list[tuple[str, int]]:
    """The most common differences of the variants from the canonical text (sampled)."""
    sample = [m for m in members if m != canonical][:200]
    texts = dict(
        session.execute(
            select(Opinion.id, Opinion.text).where(Opinion.id.in_([canonical, *sample]))
        ).all()
    )
    variants = [texts[m] for m in sample if m in texts]
    return dedupe.variants_summary(texts.get(canonical, ""), variants) if variants else []


def _reconcile_themes(
    session: Session, ctx: RunContext, found: Sequence[tuple[themes.Theme, set[int]]]
) -> int:
    """Store the new themes, reusing machine themes that overlap; edited themes stay as they are."""
    previous = _machine_themes(session, ctx.consultation_id)
    used: set[int] = set()
    placed: dict[int, set[int]] = {}
    stored = 0
    for theme, members in found:
        if not members:
            continue
        match_id = _best_match(members, previous, used)
        row = (
            session.get_one(Theme, match_id)
            if match_id is not None
            else Theme(consultation_id=ctx.consultation_id)
        )
        row.run_id = ctx.run_id
        row.label = theme.label[:300]
        row.key_phrases_json = json.dumps(theme.key_phrases, ensure_ascii=False)
        row.summary_json = json.dumps(
            [{"text": s.text, "opinion_ids": list(s.opinion_ids)} for s in theme.summary],
            ensure_ascii=False,
        )
        row.quote_ids_json = json.dumps(theme.quote_ids)
        row.cohesion = float(theme.cohesion)
        row.updated_at = utcnow()
        if match_id is None:
            session.add(row)
            session.flush()
        used.add(row.id)
        placed[row.id] = members
        stored += 1
        session.execute(
            delete(ThemeMember).where(ThemeMember.theme_id == row.id, ThemeMember.pinned.is_(False))
        )
        records = [{"theme_id": row.id, "opinion_id": m} for m in sorted(members)]
        for start in range(0, len(records), INSERT_BATCH):
            session.execute(insert(ThemeMember), records[start : start + INSERT_BATCH])
    _retire_themes(session, {t: m for t, m in previous.items() if t not in used}, placed)
    return stored


def _retire_themes(
    session: Session, retired: dict[int, set[int]], placed: dict[int, set[int]]
) -> None:
    """Previous machine themes the run no longer finds: emptied and marked merged into the new
    theme holding most of their opinions, never deleted, so that what cites them (a synthesis
    item, a decision) keeps a valid reference and its title."""
    for theme_id, old in retired.items():
        shared = {new_id: len(old & members) for new_id, members in placed.items()}
        best = max(shared, key=lambda new_id: (shared[new_id], -new_id), default=None)
        session.execute(delete(ThemeMember).where(ThemeMember.theme_id == theme_id))
        row = session.get_one(Theme, theme_id)
        row.status = ThemeStatus.MERGED
        row.merged_into_id = best if best is not None and shared[best] else None
        row.updated_at = utcnow()


def _expand(ids: Sequence[int], canonical_of: dict[int, int]) -> set[int]:
    """The ids with every member of the campaigns they represent."""
    chosen = set(ids)
    return chosen | {member for member, canonical in canonical_of.items() if canonical in chosen}


def _machine_themes(session: Session, consultation_id: int) -> dict[int, set[int]]:
    """Active, unedited themes -> their members (candidates for reuse by a re-run)."""
    rows = session.execute(
        select(Theme.id, ThemeMember.opinion_id)
        .outerjoin(ThemeMember, ThemeMember.theme_id == Theme.id)
        .where(
            Theme.consultation_id == consultation_id,
            Theme.edited.is_(False),
            Theme.status == ThemeStatus.ACTIVE,
        )
    ).all()
    found: defaultdict[int, set[int]] = defaultdict(set)
    for theme_id, opinion_id in rows:
        members = found[theme_id]
        if opinion_id is not None:
            members.add(opinion_id)
    return dict(found)


def _best_match(members: set[int], previous: dict[int, set[int]], used: set[int]) -> int | None:
    """The unused previous theme sharing the most members (Jaccard), if similar enough."""
    best_id, best = None, THEME_MATCH_JACCARD
    for theme_id, old in previous.items():
        if theme_id in used or not old:
            continue
        score = len(members & old) / len(members | old)
        if score >= best:
            best_id, best = theme_id, score
    return best_id


def _multiplicities(
    session: Session, consultation_id: int, canonical_of: dict[int, int]
) -> Counter[int]:
    """Representative opinion id (a campaign's canonical, else itself) -> visible opinions."""
    weights: Counter[int] = Counter()
    for opinion_id in session.scalars(_visible(select(Opinion.id), consultation_id)):
        weights[canonical_of.get(opinion_id, opinion_id)] += 1
    return weights
