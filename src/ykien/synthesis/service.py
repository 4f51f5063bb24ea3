"""Draft, edit, sign off, revise and submit an organisation's synthesis.

A synthesis consolidates the organisation's own opinions (authored by its people or given on its
behalf) and the latest submitted synthesis of each direct child organisation. Every item keeps
the exact SET of original opinions behind it, so an opinion reached twice (own and via a child,
or through two channels) counts once; de-duplicated counts count a campaign once. Look-ups live
in `synthesis.store`, the drill-down and the read view in `synthesis.reading`; both are
re-exported here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, delete, func, insert, literal, or_, select
from sqlalchemy.orm import Session

from ykien.accounts.models import Person
from ykien.analysis import themes as theme_algo
from ykien.analysis.models import Theme, ThemeMember, ThemeStatus
from ykien.analysis.service import Breakdown, Counts, breakdown, breakdowns
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.db.base import utcnow
from ykien.drafts.models import Section
from ykien.errors import Conflict, UserError
from ykien.opinions import service as opinions
from ykien.opinions.models import Opinion, OpinionStatus
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.synthesis.models import (
    ItemKind,
    Synthesis,
    SynthesisItem,
    SynthesisItemOpinion,
    SynthesisItemSource,
    SynthesisStatus,
)
from ykien.synthesis.reading import (
    ChildItem,
    DrillDown,
    ItemView,
    PendingUnit,
    SynthesisView,
    drill_down,
    opinions_under,
    pending_children,
    view,
)
from ykien.synthesis.rollup import counted
from ykien.synthesis.store import (
    INSERT_CHUNK,
    MAX_QUOTES,
    MAX_SUMMARY,
    MAX_TITLE,
    OTHER_TITLE,
    SUMMARY_SAMPLE,
    ItemKey,
    counts_from_json,
    counts_to_json,
    get,
    get_item,
    history,
    item_opinions,
    items_of,
    latest,
    latest_submitted,
    opinions_of,
    synthesis_opinions,
)

__all__ = [
    "INSERT_CHUNK",
    "MAX_QUOTES",
    "MAX_SUMMARY",
    "MAX_TITLE",
    "OTHER_TITLE",
    "SUMMARY_SAMPLE",
    "ChildItem",
    "DrillDown",
    "ItemKey",
    "ItemView",
    "PendingUnit",
    "SynthesisView",
    "counts_from_json",
    "counts_to_json",
    "draft_synthesis",
    "drill_down",
    "edit_item",
    "edit_summary",
    "get",
    "get_item",
    "history",
    "item_opinions",
    "items_of",
    "latest",
    "latest_submitted",
    "new_revision",
    "opinions_of",
    "opinions_under",
    "pending_children",
    "reorder",
    "set_quotes",
    "sign_off",
    "submit",
    "synthesis_opinions",
    "view",
]

# ---------------------------------------------------------------------------------------------
# drafting: collect own opinions and children's items into buckets keyed by section/theme


@dataclass
class _Bucket:
    """What will become one item: its opinions (own and from children) and where they came from."""

    key: ItemKey
    title: str = ""
    own: set[int] = field(default_factory=set)
    from_children: set[int] = field(default_factory=set)
    child_item_ids: list[int] = field(default_factory=list)
    child_notes: list[str] = field(default_factory=list)
    quote_ids: list[int] = field(default_factory=list)

    @property
    def opinion_ids(self) -> set[int]:
        return self.own | self.from_children


def _own_opinions(session: Session, consultation_id: int, organisation_id: int) -> Select[Any]:
    """Visible opinions authored by the organisation's people or given on its behalf (those
    the consultation's counting rule counts)."""
    return (
        select(Opinion.id)
        .outerjoin(Person, Person.id == Opinion.author_person_id)
        .where(
            Opinion.consultation_id == consultation_id,
            counted(session, consultation_id),
            or_(
                Opinion.on_behalf_of_id == organisation_id,
                Person.organisation_id == organisation_id,
            ),
        )
    )


def _active_themes(session: Session, consultation_id: int) -> dict[int, int]:
    """Theme id -> the active theme it now lives in (following merges)."""
    rows = session.execute(
        select(Theme.id, Theme.status, Theme.merged_into_id).where(
            Theme.consultation_id == consultation_id
        )
    ).all()
    merged = {tid: into for tid, status, into in rows if status == ThemeStatus.MERGED and into}
    resolved: dict[int, int] = {}
    for tid, _, _ in rows:
        target, seen = tid, {tid}
        while target in merged and merged[target] not in seen:
            target = merged[target]
            seen.add(target)
        resolved[tid] = target
    return resolved


def _add_own(session: Session, buckets: dict[ItemKey, _Bucket], own: Select[Any]) -> None:
    """Put each own opinion in its section's bucket, its themes' buckets, or the general one."""
    placed: set[int] = set()
    own_ids = own.subquery()
    sections = session.execute(
        select(Opinion.id, Opinion.section_id).where(Opinion.id.in_(select(own_ids.c.id)))
    ).all()
    memberships = session.execute(
        select(ThemeMember.theme_id, ThemeMember.opinion_id)
        .join(Theme, Theme.id == ThemeMember.theme_id)
        .where(ThemeMember.opinion_id.in_(select(own_ids.c.id)))
        .where(Theme.status == ThemeStatus.ACTIVE)
    ).all()
    for opinion_id, section_id in sections:
        if section_id is not None:
            _bucket(buckets, (ItemKind.SECTION, section_id, None)).own.add(opinion_id)
            placed.add(opinion_id)
    for theme_id, opinion_id in memberships:
        _bucket(buckets, (ItemKind.THEME, None, theme_id)).own.add(opinion_id)
        placed.add(opinion_id)
    for opinion_id, _ in sections:
        if opinion_id not in placed:
            _bucket(buckets, (ItemKind.OTHER, None, None)).own.add(opinion_id)


def _bucket(buckets: dict[ItemKey, _Bucket], key: ItemKey) -> _Bucket:
    found = buckets.get(key)
    if found is None:
        found = buckets[key] = _Bucket(key)
    return found


def _child_key(item: SynthesisItem, themes: dict[int, int]) -> ItemKey:
    if item.kind == ItemKind.THEME and item.theme_id is not None:
        return (ItemKind.THEME, None, themes.get(item.theme_id, item.theme_id))
    if item.kind == ItemKind.SECTION and item.section_id is not None:
        return (ItemKind.SECTION, item.section_id, None)
    return (ItemKind.OTHER, None, None)


def _add_children(
    session: Session,
    buckets: dict[ItemKey, _Bucket],
    *,
    consultation_id: int,
    organisation_id: int,
) -> list[Synthesis]:
    """Merge the items of each direct child's latest submitted synthesis into the buckets."""
    child_ids = session.scalars(
        select(Organisation.id).where(Organisation.parent_id == organisation_id)
    ).all()
    submitted = latest_submitted(
        session=session, consultation_id=consultation_id, organisation_ids=child_ids
    )
    if not submitted:
        return []
    names = dict(
        session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(submitted))
        ).all()
    )
    by_synthesis = {s.id: s for s in submitted.values()}
    items = session.scalars(
        select(SynthesisItem)
        .where(SynthesisItem.synthesis_id.in_(by_synthesis))
        .order_by(SynthesisItem.synthesis_id, SynthesisItem.position)
    ).all()
    visible = session.execute(
        select(SynthesisItemOpinion.item_id, SynthesisItemOpinion.opinion_id)
        .join(Opinion, Opinion.id == SynthesisItemOpinion.opinion_id)
        .join(SynthesisItem, SynthesisItem.id == SynthesisItemOpinion.item_id)
        .where(
            SynthesisItem.synthesis_id.in_(by_synthesis),
            Opinion.status != OpinionStatus.HIDDEN,
        )
    ).all()
    per_item: dict[int, set[int]] = {}
    for item_id, opinion_id in visible:
        per_item.setdefault(item_id, set()).add(opinion_id)
    themes = _active_themes(session, consultation_id)
    for item in items:
        bucket = _bucket(buckets, _child_key(item, themes))
        bucket.from_children |= per_item.get(item.id, set())
        bucket.child_item_ids.append(item.id)
        bucket.title = bucket.title or item.title
        bucket.quote_ids.extend(item.quote_ids)
        if item.summary.strip():
            org_name = names[by_synthesis[item.synthesis_id].organisation_id]
            bucket.child_notes.append(f"- {org_name}: {item.summary.strip()}")
    return list(by_synthesis.values())


def _titles(session: Session, buckets: dict[ItemKey, _Bucket]) -> dict[ItemKey, tuple[int, str]]:
    """Natural order and title of every bucket: sections in document order, themes, general."""
    section_ids = [k[1] for k in buckets if k[0] == ItemKind.SECTION]
    theme_ids = [k[2] for k in buckets if k[0] == ItemKind.THEME]
    sections = session.execute(
        select(Section.id, Section.position, Section.label, Section.heading).where(
            Section.id.in_(section_ids)
        )
    ).all()
    labels = dict(
        session.execute(select(Theme.id, Theme.label).where(Theme.id.in_(theme_ids))).all()
    )
    found: dict[ItemKey, tuple[int, str]] = {}
    for sid, position, label, heading in sections:
        title = f"{label}. {heading}" if heading else label
        found[(ItemKind.SECTION, sid, None)] = (position, title)
    last = max((position for position, _ in found.values()), default=0) + 1
    by_size = sorted(
        (k for k in buckets if k[0] == ItemKind.THEME),
        key=lambda k: (-len(buckets[k].opinion_ids), k[2] or 0),
    )
    for rank, key in enumerate(by_size):
        found[key] = (last + rank, labels.get(key[2] or 0, "") or buckets[key].title)
    found[(ItemKind.OTHER, None, None)] = (last + len(by_size), OTHER_TITLE)
    return found


def _prefill(session: Session, bucket: _Bucket, *, summarise: bool) -> tuple[str, list[int]]:
    """A summary and representative quotes pre-filled from the analysis, for a person to edit."""
    own_summary, quotes = "", [q for q in bucket.quote_ids if q in bucket.opinion_ids]
    if summarise and bucket.own:
        own_summary, own_quotes = _describe_own(session, bucket)
        quotes = own_quotes + quotes
    parts = [own_summary] if own_summary else []
    parts.extend(bucket.child_notes)
    return "\n".join(parts)[:MAX_SUMMARY], list(dict.fromkeys(quotes))[:MAX_QUOTES]


def _describe_own(session: Session, bucket: _Bucket) -> tuple[str, list[int]]:
    theme = session.get(Theme, bucket.key[2]) if bucket.key[0] == ItemKind.THEME else None
    if theme is not None:
        # the analysis's own summary of the theme, kept to the sentences citing our opinions
        sentences = json.loads(theme.summary_json or "[]")
        cited = [s for s in sentences if set(s.get("opinion_ids", [])) & bucket.own]
        if cited:
            quotes = [int(i) for i in json.loads(theme.quote_ids_json or "[]") if i in bucket.own]
            return " ".join(str(s["text"]) for s in cited), quotes
    sample = sorted(bucket.own)[:SUMMARY_SAMPLE]
    texts = session.execute(select(Opinion.id, Opinion.text).where(Opinion.id.in_(sample))).all()
    _, _, summary, quotes = theme_algo.describe([(row[0], row[1]) for row in texts])
    return " ".join(sentence.text for sentence in summary), list(quotes)


def _synthesis_summary(
    session: Session, synthesis: Synthesis, totals: Counts, *, spoken: bool = True
) -> str:
    """The pre-filled summary, with the synthesis's own totals (the figures its report shows)."""
    org = orgs.get(session=session, organisation_id=synthesis.organisation_id)
    items = select(SynthesisItem.id).where(SynthesisItem.synthesis_id == synthesis.id)
    own = session.scalar(
        select(func.count(func.distinct(SynthesisItemOpinion.opinion_id))).where(
            SynthesisItemOpinion.item_id.in_(items), SynthesisItemOpinion.direct.is_(True)
        )
    )
    children = session.scalar(
        select(func.count(func.distinct(SynthesisItem.synthesis_id)))
        .join(SynthesisItemSource, SynthesisItemSource.child_item_id == SynthesisItem.id)
        .where(SynthesisItemSource.item_id.in_(items))
    )
    text = f"{org.name} tổng hợp {totals.raw} ý kiến (sau khi gộp trùng còn {totals.unique} ý kiến)"
    members = "cán bộ, đảng viên, đoàn viên, hội viên thuộc đơn vị"
    if own and children:
        text += f": {own} ý kiến của {members} và ý kiến từ báo cáo tổng hợp của "
        text += f"{children} đơn vị trực thuộc"
    elif children:
        text += f" từ báo cáo tổng hợp của {children} đơn vị trực thuộc"
    else:
        text += f" của {members}"
    if spoken:
        return text + "; kể cả ý kiến chỉ phát biểu tại hội nghị, tọa đàm."
    return text + "; không tính ý kiến chỉ phát biểu tại hội nghị, tọa đàm."


@dataclass(frozen=True)
class _Kept:
    """What a person changed on an item of the draft being refreshed."""

    title: str
    summary: str
    position: int
    edited: bool
    quote_ids: list[int]


def _keep_edits(session: Session, synthesis: Synthesis) -> dict[ItemKey, _Kept]:
    """Forget the draft's items, remembering their edits by section/theme."""
    kept: dict[ItemKey, _Kept] = {}
    old = items_of(session=session, synthesis_id=synthesis.id)
    for item in old:
        key = _child_key(item, {})
        kept[key] = _Kept(item.title, item.summary, item.position, item.edited, item.quote_ids)
    ids = [item.id for item in old]
    if ids:
        session.execute(delete(SynthesisItemOpinion).where(SynthesisItemOpinion.item_id.in_(ids)))
        session.execute(delete(SynthesisItemSource).where(SynthesisItemSource.item_id.in_(ids)))
        session.execute(delete(SynthesisItem).where(SynthesisItem.id.in_(ids)))
    return kept


def _ordered_keys(
    buckets: dict[ItemKey, _Bucket],
    natural: dict[ItemKey, tuple[int, str]],
    kept: dict[ItemKey, _Kept],
) -> list[ItemKey]:
    """Items a person already ordered keep their order; new ones follow in natural order."""

    def rank(key: ItemKey) -> tuple[int, int]:
        if key in kept:
            return (0, kept[key].position)
        return (1, natural[key][0])

    return sorted(buckets, key=rank)


def _write_items(
    session: Session,
    synthesis: Synthesis,
    buckets: dict[ItemKey, _Bucket],
    *,
    kept: dict[ItemKey, _Kept],
    summarise: bool,
) -> None:
    natural = _titles(session, buckets)
    created: list[tuple[SynthesisItem, _Bucket]] = []
    for position, key in enumerate(_ordered_keys(buckets, natural, kept)):
        bucket = buckets[key]
        previous = kept.get(key)
        if previous is not None and previous.edited:
            title, summary, edited = previous.title, previous.summary, True
            quotes = [q for q in previous.quote_ids if q in bucket.opinion_ids]
        else:
            summary, quotes = _prefill(session, bucket, summarise=summarise)
            title, edited = natural[key][1][:MAX_TITLE], False
        item = SynthesisItem(
            synthesis_id=synthesis.id,
            kind=key[0],
            section_id=key[1],
            theme_id=key[2],
            title=title,
            summary=summary,
            position=position,
            quote_ids_json=json.dumps(quotes),
            edited=edited,
        )
        session.add(item)
        created.append((item, bucket))
    session.flush()
    opinion_rows = [
        {"item_id": item.id, "opinion_id": oid, "direct": oid in bucket.own}
        for item, bucket in created
        for oid in sorted(bucket.opinion_ids)
    ]
    source_rows = [
        {"item_id": item.id, "child_item_id": child}
        for item, bucket in created
        for child in dict.fromkeys(bucket.child_item_ids)
    ]
    _insert(session, SynthesisItemOpinion, opinion_rows)
    _insert(session, SynthesisItemSource, source_rows)


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(insert(model), rows[start : start + INSERT_CHUNK])


def draft_synthesis(
    *,
    session: Session,
    consultation_id: int,
    organisation_id: int,
    by: int | None,
    summarise: bool = True,
) -> Synthesis:
    """Draft (or refresh the current draft of) the organisation's synthesis.

    Refreshing recomputes the opinion sets and keeps what a person edited (titles, summaries,
    order). A signed-off latest revision is refused: start a new revision first.
    """
    consultation = consultations.get(session=session, consultation_id=consultation_id)
    orgs.get(session=session, organisation_id=organisation_id)
    current = latest(
        session=session, consultation_id=consultation_id, organisation_id=organisation_id
    )
    if current is not None and current.frozen:
        raise Conflict(
            "synthesis_signed_off",
            "Báo cáo tổng hợp mới nhất đã được ký duyệt; hãy tạo phiên bản mới để tổng hợp lại.",
            "The latest synthesis is signed off; start a new revision to draft again.",
        )
    buckets: dict[ItemKey, _Bucket] = {}
    own = _own_opinions(session, consultation_id, organisation_id)
    _add_own(session, buckets, own)
    children = _add_children(
        session, buckets, consultation_id=consultation_id, organisation_id=organisation_id
    )
    synthesis = current or Synthesis(
        consultation_id=consultation_id,
        organisation_id=organisation_id,
        revision=1,
        created_by_person_id=by,
    )
    if current is None:
        session.add(synthesis)
        session.flush()
    kept = _keep_edits(session, synthesis) if current is not None else {}
    _write_items(session, synthesis, buckets, kept=kept, summarise=summarise)
    total = len(set().union(*(b.opinion_ids for b in buckets.values())))
    session.flush()
    totals = _write_counts(session, synthesis)  # the draft's counts, as of this drafting
    if not synthesis.summary_edited:
        synthesis.summary = _synthesis_summary(
            session, synthesis, totals.total, spoken=consultation.count_spoken_only
        )
    synthesis.updated_at = utcnow()
    _record(
        session,
        synthesis,
        "refreshed" if current is not None else "drafted",
        by,
        items=len(buckets),
        opinions=total,
        children=sorted(child.id for child in children),
    )
    return synthesis


def _record(
    session: Session, synthesis: Synthesis, action: str, by: int | None, **payload: Any
) -> None:
    audit.record(
        session=session,
        action=f"synthesis.{action}",
        entity_type="synthesis",
        entity_id=synthesis.id,
        actor_person_id=by,
        payload={
            "consultation_id": synthesis.consultation_id,
            "organisation_id": synthesis.organisation_id,
            "revision": synthesis.revision,
            **payload,
        },
    )


# ---------------------------------------------------------------------------------------------
# editing a draft


def _editable(session: Session, synthesis_id: int) -> Synthesis:
    synthesis = get(session=session, synthesis_id=synthesis_id)
    if synthesis.frozen:
        raise UserError(
            "synthesis_frozen",
            "Báo cáo tổng hợp đã được ký duyệt nên không thể sửa; hãy tạo phiên bản mới.",
            "This synthesis is signed off and cannot be changed; start a new revision.",
        )
    return synthesis


def _clean(value: str, *, limit: int, field_vi: str, field_en: str) -> str:
    return opinions.clean_text(value, limit=limit, field_vi=field_vi, field_en=field_en).strip()


def edit_item(
    *,
    session: Session,
    item_id: int,
    by: int | None,
    title: str | None = None,
    summary: str | None = None,
) -> SynthesisItem:
    """Change an item's title and/or summary; re-drafting keeps the change."""
    item = get_item(session=session, item_id=item_id)
    synthesis = _editable(session, item.synthesis_id)
    changes: dict[str, Any] = {}
    if title is not None:
        cleaned = " ".join(
            _clean(title, limit=MAX_TITLE, field_vi="Tiêu đề", field_en="The title").split()
        )
        if not cleaned:
            raise UserError("title_required", "Mục cần có tiêu đề.", "An item needs a title.")
        changes["title"], item.title = cleaned, cleaned
    if summary is not None:
        cleaned = _clean(summary, limit=MAX_SUMMARY, field_vi="Tóm tắt", field_en="The summary")
        changes["summary_chars"], item.summary = len(cleaned), cleaned
    if changes:
        item.edited = True
        synthesis.updated_at = utcnow()
        _record(session, synthesis, "item_edited", by, item_id=item.id, **changes)
    return item


def edit_summary(*, session: Session, synthesis_id: int, summary: str, by: int | None) -> Synthesis:
    synthesis = _editable(session, synthesis_id)
    synthesis.summary = _clean(
        summary, limit=MAX_SUMMARY, field_vi="Tóm tắt", field_en="The summary"
    )
    synthesis.summary_edited = True
    synthesis.updated_at = utcnow()
    _record(session, synthesis, "summary_edited", by, chars=len(synthesis.summary))
    return synthesis


def reorder(
    *, session: Session, synthesis_id: int, item_ids: Sequence[int], by: int | None
) -> list[SynthesisItem]:
    """Put the items in the given order (every item of the synthesis, once)."""
    synthesis = _editable(session, synthesis_id)
    items = {item.id: item for item in items_of(session=session, synthesis_id=synthesis_id)}
    if sorted(item_ids) != sorted(items):
        raise UserError(
            "reorder_mismatch",
            "Thứ tự mới phải gồm đúng tất cả các mục của báo cáo, mỗi mục một lần.",
            "The new order must list every item of the synthesis exactly once.",
        )
    for position, item_id in enumerate(item_ids):
        items[item_id].position = position
    synthesis.updated_at = utcnow()
    _record(session, synthesis, "reordered", by, item_ids=list(item_ids))
    return [items[item_id] for item_id in item_ids]


def set_quotes(
    *, session: Session, item_id: int, opinion_ids: Sequence[int], by: int | None
) -> SynthesisItem:
    """Choose the item's representative quotes among its own opinions."""
    item = get_item(session=session, item_id=item_id)
    synthesis = _editable(session, item.synthesis_id)
    chosen = list(dict.fromkeys(opinion_ids))
    members = set(
        session.scalars(item_opinions(item.id).where(SynthesisItemOpinion.opinion_id.in_(chosen)))
    )
    if len(chosen) > MAX_QUOTES or set(chosen) - members:
        raise UserError(
            "bad_quotes",
            f"Chọn tối đa {MAX_QUOTES} trích dẫn trong số các ý kiến của mục này.",
            f"Choose at most {MAX_QUOTES} quotes among this item's opinions.",
        )
    item.quote_ids_json, item.edited = json.dumps(chosen), True
    _record(session, synthesis, "quotes_set", by, item_id=item.id, opinion_ids=chosen)
    return item


# ---------------------------------------------------------------------------------------------
# sign off, new revision, submit


def _write_counts(session: Session, synthesis: Synthesis) -> Breakdown:
    """Count every item's opinions and the synthesis's (four grouped queries for all the items)
    and write the counts down: the pages read them, never the opinions."""
    items = items_of(session=session, synthesis_id=synthesis.id)
    counted = breakdowns(
        session=session,
        consultation_id=synthesis.consultation_id,
        members=select(SynthesisItemOpinion.item_id, SynthesisItemOpinion.opinion_id).where(
            SynthesisItemOpinion.item_id.in_(
                select(SynthesisItem.id).where(SynthesisItem.synthesis_id == synthesis.id)
            )
        ),
    )
    for item in items:
        counts = counted.get(item.id, Breakdown(total=Counts(0, 0)))
        item.raw_count, item.unique_count = counts.total.raw, counts.total.unique
        item.counts_json = json.dumps(counts_to_json(counts), ensure_ascii=False)
    totals = breakdown(
        session=session,
        consultation_id=synthesis.consultation_id,
        opinion_ids=synthesis_opinions(synthesis.id),
    )
    synthesis.counts_json = json.dumps(counts_to_json(totals), ensure_ascii=False)
    return totals


def sign_off(*, session: Session, synthesis_id: int, by: int | None) -> Synthesis:
    """Freeze the synthesis: its counts are written down and nothing can change any more."""
    synthesis = _editable(session, synthesis_id)
    totals = _write_counts(session, synthesis)
    if not synthesis.summary_edited:  # the figures of the frozen counts
        synthesis.summary = _synthesis_summary(session, synthesis, totals.total)
    synthesis.status = SynthesisStatus.SIGNED_OFF
    synthesis.signed_off_by_person_id, synthesis.signed_off_at = by, utcnow()
    _record(session, synthesis, "signed_off", by, raw=totals.total.raw, unique=totals.total.unique)
    return synthesis


def new_revision(*, session: Session, synthesis_id: int, by: int | None) -> Synthesis:
    """A draft revision N+1 copied from the signed-off revision N, which is kept as it is."""
    source = get(session=session, synthesis_id=synthesis_id)
    newest = latest(
        session=session,
        consultation_id=source.consultation_id,
        organisation_id=source.organisation_id,
    )
    if not source.frozen or newest is None or newest.id != source.id:
        raise Conflict(
            "revision_not_allowed",
            "Chỉ tạo phiên bản mới từ phiên bản mới nhất đã được ký duyệt.",
            "A new revision starts from the latest revision, once it is signed off.",
        )
    copy = Synthesis(
        consultation_id=source.consultation_id,
        organisation_id=source.organisation_id,
        revision=source.revision + 1,
        summary=source.summary,
        summary_edited=source.summary_edited,
        previous_revision_id=source.id,
        created_by_person_id=by,
    )
    session.add(copy)
    session.flush()
    for item in items_of(session=session, synthesis_id=source.id):
        _copy_item(session, item, copy.id)
    _record(session, copy, "revised", by, previous_revision_id=source.id)
    return copy


def _copy_item(session: Session, item: SynthesisItem, synthesis_id: int) -> None:
    twin = SynthesisItem(
        synthesis_id=synthesis_id,
        kind=item.kind,
        section_id=item.section_id,
        theme_id=item.theme_id,
        title=item.title,
        summary=item.summary,
        position=item.position,
        quote_ids_json=item.quote_ids_json,
        edited=item.edited,
    )
    session.add(twin)
    session.flush()
    session.execute(
        insert(SynthesisItemOpinion).from_select(
            ["item_id", "opinion_id", "direct"],
            select(
                literal(twin.id),
                SynthesisItemOpinion.opinion_id,
                SynthesisItemOpinion.direct,
            ).where(SynthesisItemOpinion.item_id == item.id),
        )
    )
    session.execute(
        insert(SynthesisItemSource).from_select(
            ["item_id", "child_item_id"],
            select(literal(twin.id), SynthesisItemSource.child_item_id).where(
                SynthesisItemSource.item_id == item.id
            ),
        )
    )


def submit(*, session: Session, synthesis_id: int, by: int | None) -> Synthesis:
    """Send the signed-off synthesis to the parent organisation (the top level is final)."""
    synthesis = get(session=session, synthesis_id=synthesis_id)
    if synthesis.status == SynthesisStatus.SUBMITTED:
        raise Conflict(
            "already_submitted",
            "Báo cáo tổng hợp này đã được gửi lên cấp trên.",
            "This synthesis has already been submitted.",
        )
    if synthesis.status != SynthesisStatus.SIGNED_OFF:
        raise UserError(
            "not_signed_off",
            "Cần ký duyệt báo cáo tổng hợp trước khi gửi lên cấp trên.",
            "Sign the synthesis off before submitting it.",
        )
    org = orgs.get(session=session, organisation_id=synthesis.organisation_id)
    if org.parent_id is None:
        raise UserError(
            "top_level_final",
            "Đây là cấp cao nhất: báo cáo tổng hợp đã ký duyệt là bản cuối cùng, không gửi đi đâu.",
            "This is the top level: the signed-off synthesis is final and has nowhere to go.",
        )
    newest = latest(
        session=session, consultation_id=synthesis.consultation_id, organisation_id=org.id
    )
    if newest is not None and newest.id != synthesis.id:
        raise Conflict(
            "stale_revision",
            "Đã có phiên bản mới hơn của báo cáo tổng hợp này.",
            "A newer revision of this synthesis exists.",
        )
    synthesis.status = SynthesisStatus.SUBMITTED
    synthesis.submitted_by_person_id, synthesis.submitted_at = by, utcnow()
    synthesis.submitted_to_id = org.parent_id
    _record(session, synthesis, "submitted", by, to=org.parent_id)
    _notify_parent_secretaries(session, synthesis, org)
    return synthesis


def _notify_parent_secretaries(session: Session, synthesis: Synthesis, org: Organisation) -> None:
    """An in-app notice to every secretary of the organisation the synthesis was sent to."""
    from ykien.accounts.models import Membership, Role
    from ykien.events import service as events

    consultation = consultations.get(session=session, consultation_id=synthesis.consultation_id)
    secretaries = session.scalars(
        select(Membership.person_id)
        .where(Membership.organisation_id == org.parent_id, Membership.role == Role.SECRETARY)
        .distinct()
    ).all()
    text = (
        f"{org.name} đã gửi báo cáo tổng hợp ý kiến (lần {synthesis.revision}) "
        f"về đợt lấy ý kiến “{consultation.title}”."
    )
    for person_id in sorted(secretaries):
        events.notify(
            session=session, text=text, link=f"/syntheses/{synthesis.id}", person_id=person_id
        )
