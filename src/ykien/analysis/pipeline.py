"""The batch analysis of one consultation, stage by stage, on this machine or on a Dask cluster.

Stages: per-opinion keys, signatures, kind proposals and flags (only for opinions not yet
analysed: re-runs are incremental); campaigns from the stored signatures; section proposals for
opinions without a section (only new ones); themes over the de-duplicated texts (recomputed,
keeping every theme a person edited). The per-opinion stage and the campaign stage read their
input by id range, so on Dask each worker loads its own partition from the database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from ykien.analysis import bulk, dedupe, kinds, routing, textpipe, themes
from ykien.analysis.models import (
    AnalysisRun,
    DuplicateGroup,
    DuplicateMember,
    OpinionAnalysis,
    RunStatus,
    SectionSuggestion,
    Theme,
    ThemeMember,
    counts_in_campaign,
)
from ykien.analysis.moderation import ModerationModel, default_model
from ykien.analysis.reconcile import (
    PROPOSED,
    _expand,
    _multiplicities,
    _reconcile_campaigns,
    _reconcile_themes,
    _visible,
)
from ykien.consultations.models import Consultation
from ykien.db.engine import make_engine
from ykien.drafts.models import Section
from ykien.opinions.models import Channel, Opinion, OpinionKind

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
Row = tuple[int, str]
PARTITION_SIZE = 20_000


@dataclass(frozen=True)
class Partition:
    """Opinions of a consultation with lo <= id < hi (picklable: sent to Dask workers)."""

    database_url: str
    consultation_id: int
    lo: int
    hi: int


@lru_cache(maxsize=4)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def load_texts(part: Partition, *, only_new: bool = False) -> list[Row]:
    """(id, text) of the partition's visible opinions; only those never analysed if only_new."""
    query = _visible(select(Opinion.id, Opinion.text), part.consultation_id).where(
        Opinion.id >= part.lo, Opinion.id < part.hi
    )
    if only_new:
        analysed = select(OpinionAnalysis.opinion_id).where(
            OpinionAnalysis.opinion_id >= part.lo, OpinionAnalysis.opinion_id < part.hi
        )
        query = query.where(Opinion.id.not_in(analysed))
    with _engine_for(part.database_url).connect() as conn:
        return [(row.id, row.text) for row in conn.execute(query.order_by(Opinion.id))]


class Executor(Protocol):
    """Runs fn on each partition, in parallel where it can; yields results as they finish."""

    def map(self, fn: Callable[[Partition], Any], parts: Sequence[Partition]) -> Iterator[Any]: ...


class LocalExecutor:
    def map(self, fn: Callable[[Partition], Any], parts: Sequence[Partition]) -> Iterator[Any]:
        for part in parts:
            yield fn(part)


class DaskExecutor:
    def __init__(self, client: Any) -> None:
        self.client = client

    def map(self, fn: Callable[[Partition], Any], parts: Sequence[Partition]) -> Iterator[Any]:
        from distributed import as_completed

        futures = self.client.map(fn, parts, pure=False)
        for future in as_completed(futures):
            yield future.result()


@dataclass(frozen=True)
class TextModels:
    """What the per-opinion stage needs besides the text; built once per run."""

    kind_classifier: kinds.KindClassifier | None
    moderation: ModerationModel
    num_perm: int


def analyse_partition(part: Partition, *, models: TextModels, run_id: int) -> int:
    """Keys, signatures, kinds and flags of the partition's new opinions, written; return count.

    Per partition, not per opinion: the analysis keys are computed once for the exact keys and
    the signatures, kinds and flags are worked out once per distinct text, and the rows go to
    the database in one bulk write (COPY on PostgreSQL).
    """
    rows = load_texts(part, only_new=True)
    if not rows:
        return 0
    ids = [opinion_id for opinion_id, _ in rows]
    texts = [text for _, text in rows]
    del rows
    keys = dedupe.analysis_keys(texts)
    exact = [dedupe.digest(key) for key in keys]
    sigs = dedupe.signatures_of_keys(keys, num_perm=models.num_perm)
    del keys
    distinct = list(dict.fromkeys(texts))
    at = {text: n for n, text in enumerate(distinct)}
    flags = models.moderation.predict(distinct)
    proposals = _kind_proposals(distinct, models.kind_classifier)
    records = []
    for i, opinion_id in enumerate(ids):
        n = at[texts[i]]
        kind, flag = proposals[n], flags[n]
        records.append((
            opinion_id, part.consultation_id, run_id, exact[i], sigs[i].tobytes(),
            kind.kind if kind else None,
            kind.confidence if kind else None,
            (kind.cue or "")[:200] if kind else None,
            flag.label if flag else None,
            flag.score if flag else None,
            ", ".join(flag.terms)[:300] if flag else None,
            PROPOSED, PROPOSED,
        ))  # fmt: skip
    with _engine_for(part.database_url).begin() as conn:
        bulk.insert_rows(conn, OpinionAnalysis.__tablename__, ANALYSIS_COLUMNS, records)
    return len(records)


ANALYSIS_COLUMNS = (
    "opinion_id", "consultation_id", "run_id", "exact_key", "signature", "proposed_kind",
    "kind_confidence", "kind_cue", "flag", "flag_score", "flag_terms", "kind_status",
    "flag_status",
)  # fmt: skip


def _kind_proposals(
    texts: Sequence[str], classifier: kinds.KindClassifier | None
) -> list[kinds.KindProposal | None]:
    """Cue phrases combined with the consultation's classifier; unconfident ones left out."""
    learned = classifier.predict(texts) if classifier else [None] * len(texts)
    found: list[kinds.KindProposal | None] = []
    for text, guess in zip(texts, learned, strict=True):
        proposal = kinds.combine_kind(kinds.cue_kind(text), guess)
        confident = proposal is not None and proposal.confidence >= kinds.MIN_CONFIDENCE
        found.append(proposal if confident else None)
    return found


def partitions(session: Session, *, database_url: str, consultation_id: int) -> list[Partition]:
    """Id ranges of about PARTITION_SIZE opinions covering the consultation."""
    bounds = session.execute(
        select(func.min(Opinion.id), func.max(Opinion.id), func.count()).where(
            Opinion.consultation_id == consultation_id
        )
    ).one()
    low, high, count = bounds
    if not count:
        return []
    pieces = max(1, -(-count // PARTITION_SIZE))
    step = max(1, -(-(high - low + 1) // pieces))
    return [
        Partition(database_url, consultation_id, lo, min(lo + step, high + 1))
        for lo in range(low, high + 1, step)
    ]


# ---------------------------------------------------------------------------------------------
# the run


@dataclass
class RunContext:
    engine: Engine
    run_id: int
    consultation_id: int
    executor: Executor
    models_dir: Path
    progress: Progress
    dask_client: Any = None
    _stage_started: dict[str, float] = field(default_factory=dict)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def report(self, stage: str, done: int, total: int) -> None:
        with self.session() as session, session.begin():
            run = session.get_one(AnalysisRun, self.run_id)
            run.stage, run.progress_done, run.progress_total = stage, done, total
        started = self._stage_started.setdefault(stage, time.monotonic())
        elapsed = time.monotonic() - started
        eta = elapsed / done * (total - done) if 0 < done < total else 0.0
        log.info("analysis run %s: %s %s/%s, %.0f s, ETA %.0f s",
                 self.run_id, stage, done, total, elapsed, eta)  # fmt: skip
        self.progress(stage, done, total)

    def database_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)


STAGES = ("texts", "campaigns", "sections", "themes")
KEPT_STATS = ("opinions", "unique", "themes", "moderation_model")
# above this many opinions, words are split by a lexicon learnt from a sample of the texts
# (greedy longest match, ~30x faster) instead of the CRF segmenter on every text
FAST_SEGMENTATION_MIN = 20_000


def run_pipeline(ctx: RunContext) -> dict[str, Any]:
    """All stages; returns the run's statistics.

    A re-run that finds nothing new or changed since the last finished run (same visible
    opinions, same human decisions, same parameters) reports every stage done at once and keeps
    that run's results.
    """
    with ctx.session() as session:
        params = session.get_one(AnalysisRun, ctx.run_id).params
        before = input_state(session, ctx.consultation_id, params)
        previous = _last_finished_stats(session, ctx)
        if previous.get("input_state") == before and not _unanalysed(session, ctx.consultation_id):
            for stage in STAGES:
                ctx.report(stage, 1, 1)
            kept = {
                k: previous.get(k) for k in ("opinions", "unique", "themes", "moderation_model")
            }
            return {**kept, "analysed_now": 0, "campaigns": 0, "sections_proposed": 0,
                    "unchanged": True, "input_state": before}  # fmt: skip
        parts = partitions(
            session, database_url=ctx.database_url(), consultation_id=ctx.consultation_id
        )
        segmenter = _segmenter(session, ctx.consultation_id)
        models = TextModels(
            kind_classifier=(
                _train_kind_classifier(session, ctx.consultation_id, segmenter)
                if _unanalysed(session, ctx.consultation_id)
                else None
            ),
            moderation=default_model(ctx.models_dir),
            num_perm=int(params.get("num_perm") or dedupe.NUM_PERM),
        )
    new = _stage_texts(ctx, parts, models)
    campaigns = _stage_campaigns(
        ctx,
        threshold=float(params.get("threshold") or dedupe.THRESHOLD),
        with_templates=bool(params.get("templates", False)),
    )
    routed = _stage_sections(ctx, parts, segmenter)
    theme_count = _stage_themes(
        ctx,
        min_themes=int(params.get("min_themes", 2)),
        max_themes=int(params.get("max_themes", 12)),
    )
    with ctx.session() as session:
        raw, unique = _counts(session, ctx.consultation_id)
        after = input_state(session, ctx.consultation_id, params)
    return {
        "opinions": raw,
        "unique": unique,
        "analysed_now": new,
        "campaigns": campaigns,
        "sections_proposed": routed,
        "themes": theme_count,
        "moderation_model": models.moderation.name,
        "input_state": after,
    }


def input_state(session: Session, consultation_id: int, params: dict[str, Any]) -> str:
    """A digest of what a run reads: the visible opinions (ids, sections), every proposal and
    human decision on campaigns, themes and sections, and the parameters (aggregates only)."""
    visible = session.execute(
        _visible(
            select(
                func.count(),
                func.coalesce(func.sum(Opinion.id), 0),
                func.coalesce(func.max(Opinion.id), 0),
                func.count(Opinion.section_id),
            ),
            consultation_id,
        )
    ).one()
    groups = session.execute(
        select(DuplicateGroup.status, func.count(), func.sum(DuplicateGroup.id))
        .where(DuplicateGroup.consultation_id == consultation_id)
        .group_by(DuplicateGroup.status)
        .order_by(DuplicateGroup.status)
    ).all()

    def members(*where: Any) -> list[Any]:
        return list(session.execute(
            select(func.count(), func.coalesce(func.sum(DuplicateMember.id), 0))
            .join(DuplicateGroup, DuplicateGroup.id == DuplicateMember.group_id)
            .where(DuplicateGroup.consultation_id == consultation_id, *where)
        ).one())  # fmt: skip

    def placed(*where: Any) -> list[Any]:
        return list(session.execute(
            select(func.count(), func.coalesce(func.sum(ThemeMember.id), 0))
            .join(Theme, Theme.id == ThemeMember.theme_id)
            .where(Theme.consultation_id == consultation_id, *where)
        ).one())  # fmt: skip

    theme_rows = session.execute(
        select(Theme.status, Theme.edited, func.count(), func.sum(Theme.id))
        .where(Theme.consultation_id == consultation_id)
        .group_by(Theme.status, Theme.edited)
        .order_by(Theme.status, Theme.edited)
    ).all()
    suggestions = session.execute(
        select(SectionSuggestion.status, func.count())
        .where(SectionSuggestion.consultation_id == consultation_id)
        .group_by(SectionSuggestion.status)
        .order_by(SectionSuggestion.status)
    ).all()
    facts = [
        list(visible), [list(r) for r in groups], members(),
        members(DuplicateMember.excluded.is_(True)), [list(r) for r in theme_rows], placed(),
        placed(ThemeMember.pinned.is_(True)), [list(r) for r in suggestions],
        {k: v for k, v in sorted(params.items()) if k != "scheduler"},
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(facts, default=str).encode()).hexdigest()


def _last_finished_stats(session: Session, ctx: RunContext) -> dict[str, Any]:
    """The statistics of the consultation's last finished run ({} if none)."""
    last = session.scalars(
        select(AnalysisRun)
        .where(
            AnalysisRun.consultation_id == ctx.consultation_id,
            AnalysisRun.status == RunStatus.DONE,
            AnalysisRun.id != ctx.run_id,
        )
        .order_by(AnalysisRun.id.desc())
        .limit(1)
    ).first()
    return last.stats if last is not None else {}


def _unanalysed(session: Session, consultation_id: int) -> int:
    """Visible opinions with no stored analysis yet."""
    analysed = select(OpinionAnalysis.opinion_id).where(
        OpinionAnalysis.consultation_id == consultation_id
    )
    return int(
        session.scalar(
            _visible(select(func.count()), consultation_id).where(Opinion.id.not_in(analysed))
        )
        or 0
    )


def _segmenter(session: Session, consultation_id: int) -> textpipe.Segmenter | None:
    """The word segmenter of this run: the default one, or a learnt lexicon for large ones."""
    total = session.scalar(_visible(select(func.count()), consultation_id)) or 0
    if total <= FAST_SEGMENTATION_MIN:
        return None
    step = max(1, total // themes.LEXICON_SAMPLE)
    ids = session.scalars(_visible(select(Opinion.id), consultation_id).order_by(Opinion.id))
    chosen = [oid for n, oid in enumerate(ids) if n % step == 0][: themes.LEXICON_SAMPLE]
    texts = session.scalars(select(Opinion.text).where(Opinion.id.in_(chosen))).all()
    return themes.learn_lexicon(list(texts))


def _stage_texts(ctx: RunContext, parts: Sequence[Partition], models: TextModels) -> int:
    ctx.report("texts", 0, len(parts))
    task = partial(analyse_partition, models=models, run_id=ctx.run_id)
    for done, _count in enumerate(ctx.executor.map(task, parts), start=1):
        ctx.report("texts", done, len(parts))
    with ctx.session() as session:
        return int(
            session.scalar(
                select(func.count()).where(
                    OpinionAnalysis.run_id == ctx.run_id,
                    OpinionAnalysis.consultation_id == ctx.consultation_id,
                )
            )
            or 0
        )


def _train_kind_classifier(
    session: Session, consultation_id: int, segmenter: textpipe.Segmenter | None = None
) -> kinds.KindClassifier | None:
    """Learn kinds from opinions whose authors chose one on the online form."""
    labelled = session.execute(
        select(Opinion.text, Opinion.kind)
        .where(
            Opinion.consultation_id == consultation_id,
            Opinion.channel == Channel.ONLINE,
            Opinion.kind != OpinionKind.COMMENT,
        )
        .order_by(Opinion.id)
        .limit(50_000)
    ).all()
    by_kind = Counter(kind for _, kind in labelled)
    if len(labelled) < 50 or len(by_kind) < 2:
        return None
    return kinds.KindClassifier(segmenter).fit([t for t, _ in labelled], [k for _, k in labelled])


def _stage_campaigns(ctx: RunContext, *, threshold: float, with_templates: bool = False) -> int:
    """Campaigns from the stored signatures: here, or as one task on a Dask worker (numpy work
    in bounded memory, num_perm * 4 bytes per opinion). dedupe_dask's shuffled LSH, which never
    holds all signatures in one place, spent over 8 min in its bag shuffle at 200,000 opinions
    on 2 workers (bench_analyse): grouping stored signatures takes well under a minute."""
    ctx.report("campaigns", 0, 1)
    if ctx.dask_client is not None:
        future = ctx.dask_client.submit(
            group_stored,
            ctx.database_url(),
            ctx.consultation_id,
            threshold=threshold,
            with_templates=with_templates,
            pure=False,
        )
        groups = list(future.result())
    else:
        ids, keys, sigs = _stored_signatures(ctx)
        groups = (
            dedupe.group_signatures(
                ids,
                keys,
                sigs,
                threshold=threshold,
                texts=partial(_texts_of, ctx),
                with_templates=with_templates,
            )
            if ids
            else []
        )
    with ctx.session() as session, session.begin():
        count = _reconcile_campaigns(session, ctx, groups)
    ctx.report("campaigns", 1, 1)
    return count


def group_stored(
    url: str, consultation_id: int, *, threshold: float, with_templates: bool = False
) -> list[dedupe.DuplicateGroup]:
    """Campaigns of the consultation from its stored signatures (runs on a worker)."""
    engine = _engine_for(url)
    ids, keys, sigs = _signatures_of(engine, consultation_id)
    if not ids:
        return []
    return dedupe.group_signatures(
        ids,
        keys,
        sigs,
        threshold=threshold,
        texts=partial(_texts_with, engine),
        with_templates=with_templates,
    )


def _texts_of(ctx: RunContext, opinion_ids: Sequence[int]) -> list[str]:
    """The texts of these opinions, in their order (read in batches)."""
    return _texts_with(ctx.engine, opinion_ids)


def _texts_with(engine: Engine, opinion_ids: Sequence[int]) -> list[str]:
    found: dict[int, str] = {}
    with engine.connect() as conn:
        for start in range(0, len(opinion_ids), 10_000):
            batch = list(opinion_ids[start : start + 10_000])
            found.update(
                conn.execute(select(Opinion.id, Opinion.text).where(Opinion.id.in_(batch))).all()
            )
    return [found.get(i, "") for i in opinion_ids]


def _stored_signatures(ctx: RunContext) -> tuple[list[int], list[bytes], dedupe.Signatures]:
    return _signatures_of(ctx.engine, ctx.consultation_id)


def _signatures_of(
    engine: Engine, consultation_id: int
) -> tuple[list[int], list[bytes], dedupe.Signatures]:
    query = _visible(
        select(OpinionAnalysis.opinion_id, OpinionAnalysis.exact_key, OpinionAnalysis.signature)
        .join(Opinion, Opinion.id == OpinionAnalysis.opinion_id)
        .order_by(OpinionAnalysis.opinion_id),
        consultation_id,
    )
    ids: list[int] = []
    keys: list[bytes] = []
    blobs: list[bytes] = []
    with engine.connect() as conn:
        for opinion_id, key, blob in conn.execute(query):
            ids.append(opinion_id)
            keys.append(bytes(key))
            blobs.append(bytes(blob))
    if not ids:
        return [], [], np.empty((0, 0), dtype=np.uint32)
    sigs = np.frombuffer(b"".join(blobs), dtype=np.uint32).reshape(len(ids), -1)
    return ids, keys, sigs


def _stage_sections(
    ctx: RunContext, parts: Sequence[Partition], segmenter: textpipe.Segmenter | None = None
) -> int:
    """Propose sections for the visible opinions with none that no finished run has seen.

    Partition by partition (on the workers with Dask); the router is built once per run.
    """
    ctx.report("sections", 0, len(parts))
    with ctx.session() as session:
        consultation = session.get_one(Consultation, ctx.consultation_id)
        sections = session.scalars(
            select(Section)
            .where(Section.version_id == consultation.draft_version_id)
            .order_by(Section.position)
        ).all()
        docs = [
            routing.SectionDoc(
                id=s.id, path=s.path, label=s.label, heading=s.heading, text=s.text,
                parent_id=s.parent_id,
            )
            for s in sections
        ]  # fmt: skip
    if not docs or not parts:
        ctx.report("sections", len(parts), len(parts))
        return 0
    router = routing.SectionRouter(docs, segmenter=segmenter)
    task = partial(route_partition, router=router, run_id=ctx.run_id)
    proposed = 0
    for done, count in enumerate(ctx.executor.map(task, parts), start=1):
        proposed += count
        ctx.report("sections", done, len(parts))
    return proposed


SUGGESTION_COLUMNS = (
    "run_id", "consultation_id", "opinion_id", "section_id", "rank", "confidence", "method",
    "evidence", "status",
)  # fmt: skip


def route_partition(part: Partition, *, router: routing.SectionRouter, run_id: int) -> int:
    """Section proposals of the partition's opinions without a section, analysed by no finished
    run (new ones, or ones a failed run left) and with no proposal yet; returns how many."""
    finished = select(AnalysisRun.id).where(
        AnalysisRun.consultation_id == part.consultation_id, AnalysisRun.status == RunStatus.DONE
    )
    suggested = select(SectionSuggestion.opinion_id).where(
        SectionSuggestion.opinion_id >= part.lo, SectionSuggestion.opinion_id < part.hi
    )
    query = (
        _visible(select(Opinion.id, Opinion.text), part.consultation_id)
        .join(OpinionAnalysis, OpinionAnalysis.opinion_id == Opinion.id)
        .where(
            Opinion.id >= part.lo,
            Opinion.id < part.hi,
            Opinion.section_id.is_(None),
            OpinionAnalysis.run_id.not_in(finished),
            Opinion.id.not_in(suggested),
        )
        .order_by(Opinion.id)
    )
    engine = _engine_for(part.database_url)
    with engine.connect() as conn:
        items = [(row.id, row.text) for row in conn.execute(query)]
    if not items:
        return 0
    proposals = router.propose_many(items)
    records = [
        (run_id, part.consultation_id, opinion_id, proposal.section_id, rank,
         float(proposal.confidence), proposal.method, proposal.evidence[:300], PROPOSED)
        for opinion_id, found in proposals.items()
        for rank, proposal in enumerate(found, start=1)
    ]  # fmt: skip
    with engine.begin() as conn:
        bulk.insert_rows(conn, SectionSuggestion.__tablename__, SUGGESTION_COLUMNS, records)
    return len(proposals)


def _stage_themes(ctx: RunContext, *, min_themes: int, max_themes: int) -> int:
    ctx.report("themes", 0, 1)
    with ctx.session() as session:
        kept = _kept_theme_members(session, ctx.consultation_id)
        canonical_of = _active_campaign_members(session, ctx.consultation_id)
        weights = _multiplicities(session, ctx.consultation_id, canonical_of)
        # small consultations: every distinct text; large ones (and Dask): fit on a sample,
        # then the partitions are assigned one by one (by the workers with Dask)
        sampled = ctx.dask_client is not None or len(weights) > SAMPLE_FOR_THEMES
        if sampled:
            representative, theme_weights = _sampled_texts(session, weights)
        else:
            representative = _unique_texts(session, ctx.consultation_id, weights)
            theme_weights = dict(weights)
    items = [(oid, text) for oid, text in representative if oid not in kept]
    if len(items) < max(min_themes, 2):
        ctx.report("themes", 1, 1)
        return 0
    result, model = themes.find_themes(
        items,
        min_themes=min_themes,
        max_themes=max_themes,
        weights=theme_weights,
        progress=lambda done, total: ctx.report("themes", done, total),
    )
    if sampled:
        members = _assigned_members(ctx, model, len(result.themes), kept)
    else:
        members = [_expand(theme.member_ids, canonical_of) - kept for theme in result.themes]
    with ctx.session() as session, session.begin():
        count = _reconcile_themes(session, ctx, list(zip(result.themes, members, strict=True)))
    ctx.report("themes", 1, 1)
    return count


def assign_partition(part: Partition, *, model: themes.ThemeModel) -> dict[int, int]:
    """Theme index of each visible opinion of the partition (runs on a Dask worker)."""
    return model.assign(load_texts(part))


def _assigned_members(
    ctx: RunContext, model: themes.ThemeModel, count: int, kept: set[int]
) -> list[set[int]]:
    with ctx.session() as session:
        parts = partitions(
            session, database_url=ctx.database_url(), consultation_id=ctx.consultation_id
        )
    members: list[set[int]] = [set() for _ in range(count)]
    task = partial(assign_partition, model=model)
    for done, assigned in enumerate(ctx.executor.map(task, parts), start=1):
        ctx.report("themes", done, len(parts))
        for opinion_id, index in assigned.items():
            if 0 <= index < count and opinion_id not in kept:
                members[index].add(opinion_id)
    return members


SAMPLE_FOR_THEMES = 20_000


def _sampled_texts(session: Session, weights: Counter[int]) -> tuple[list[Row], dict[int, int]]:
    """A deterministic sample of the de-duplicated opinions, with their multiplicities."""
    chosen = sorted(weights)
    if len(chosen) > SAMPLE_FOR_THEMES:
        step = len(chosen) / SAMPLE_FOR_THEMES
        chosen = [chosen[int(i * step)] for i in range(SAMPLE_FOR_THEMES)]
    texts: list[Row] = []
    for start in range(0, len(chosen), 1_000):
        batch = chosen[start : start + 1_000]
        rows = session.execute(
            select(Opinion.id, Opinion.text).where(Opinion.id.in_(batch)).order_by(Opinion.id)
        )
        texts += [(row.id, row.text) for row in rows]
    return texts, {oid: weights[oid] for oid, _ in texts}


def _active_campaign_members(session: Session, consultation_id: int) -> dict[int, int]:
    """Opinion id -> its campaign's canonical opinion id, for campaigns not undone."""
    rows = session.execute(
        select(DuplicateMember.opinion_id, DuplicateGroup.canonical_opinion_id)
        .join(DuplicateGroup, DuplicateGroup.id == DuplicateMember.group_id)
        .where(DuplicateGroup.consultation_id == consultation_id, counts_in_campaign())
    ).all()
    return {opinion_id: canonical for opinion_id, canonical in rows}


def _unique_texts(session: Session, consultation_id: int, weights: Counter[int]) -> list[Row]:
    """One (id, text) per campaign (its canonical) and per other opinion."""
    rows = session.execute(
        _visible(select(Opinion.id, Opinion.text), consultation_id).order_by(Opinion.id)
    )
    return [(row.id, row.text) for row in rows if row.id in weights]


def _kept_theme_members(session: Session, consultation_id: int) -> set[int]:
    """Opinions a person placed: members of edited themes and pinned members."""
    rows = session.execute(
        select(ThemeMember.opinion_id)
        .join(Theme, Theme.id == ThemeMember.theme_id)
        .where(
            Theme.consultation_id == consultation_id,
            (Theme.edited.is_(True)) | (ThemeMember.pinned.is_(True)),
        )
    )
    return {opinion_id for (opinion_id,) in rows}


def _counts(session: Session, consultation_id: int) -> tuple[int, int]:
    """Visible opinions raw, and de-duplicated (a campaign counts once)."""
    canonical_of = _active_campaign_members(session, consultation_id)
    weights = _multiplicities(session, consultation_id, canonical_of)
    return sum(weights.values()), len(weights)
