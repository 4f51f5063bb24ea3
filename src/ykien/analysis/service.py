"""Analysis runs and what people do with the proposals: confirm, undo, split, rename, merge, move.

Every change is audited; nothing here deletes an opinion. Counts are given raw and
de-duplicated (a campaign that is not undone counts once).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from ykien.accounts.models import Person
from ykien.analysis import tallies, templates
from ykien.analysis import themes as theme_algo
from ykien.analysis.models import (
    AnalysisRun,
    DuplicateGroup,
    DuplicateMember,
    ProposalStatus,
    RunStatus,
    Theme,
    ThemeMember,
    ThemeStatus,
    counts_in_campaign,
)
from ykien.analysis.proposals import pending_flags, pending_kinds, pending_section_opinions
from ykien.audit import service as audit
from ykien.db.base import utcnow
from ykien.errors import Conflict, NotFound, UserError
from ykien.opinions import service as opinions
from ykien.opinions.models import Opinion, OpinionStatus
from ykien.orgs.models import Organisation

ENGINES = ("local", "dask")
MAX_THEMES = 50


def _bad(code: str, vi: str, en: str) -> UserError:
    return UserError(code, vi, en)


def request_run(
    *,
    session: Session,
    consultation_id: int,
    requested_by: int | None,
    engine: str = "local",
    min_themes: int = 2,
    max_themes: int = 12,
    scheduler: str | None = None,
) -> AnalysisRun:
    """A queued run (the caller enqueues it after commit); one run at a time per consultation."""
    if engine not in ENGINES:
        raise _bad("bad_engine", "Bộ máy phân tích không hợp lệ.", "Unknown analysis engine.")
    if not 2 <= min_themes <= max_themes <= MAX_THEMES:
        raise _bad(
            "bad_theme_bounds",
            f"Số chủ đề phải trong khoảng 2 đến {MAX_THEMES}, tối thiểu không lớn hơn tối đa.",
            f"Theme bounds must be within 2..{MAX_THEMES}, the minimum not above the maximum.",
        )
    busy = session.scalar(
        select(AnalysisRun.id).where(
            AnalysisRun.consultation_id == consultation_id,
            AnalysisRun.status.in_([RunStatus.QUEUED, RunStatus.RUNNING]),
        )
    )
    if busy is not None:
        raise Conflict(
            "analysis_busy",
            f"Đợt phân tích số {busy} đang chờ hoặc đang chạy.",
            f"Analysis run {busy} is already queued or running.",
        )
    params: dict[str, Any] = {"min_themes": min_themes, "max_themes": max_themes}
    if scheduler:
        params["scheduler"] = scheduler
    run = AnalysisRun(
        consultation_id=consultation_id,
        engine=engine,
        params_json=json.dumps(params),
        requested_by_person_id=requested_by,
    )
    session.add(run)
    session.flush()
    audit.record(
        session=session,
        action="analysis.requested",
        entity_type="analysis_run",
        entity_id=run.id,
        actor_person_id=requested_by,
        payload={"consultation_id": consultation_id, "engine": engine, **params},
    )
    return run


def get_run(*, session: Session, run_id: int) -> AnalysisRun:
    run = session.get(AnalysisRun, run_id)
    if run is None:
        raise NotFound("run_not_found", "Không có đợt phân tích này.", "No such analysis run.")
    return run


def runs(*, session: Session, consultation_id: int, limit: int = 20) -> list[AnalysisRun]:
    return list(
        session.scalars(
            select(AnalysisRun)
            .where(AnalysisRun.consultation_id == consultation_id)
            .order_by(AnalysisRun.id.desc())
            .limit(limit)
        )
    )


# ---------------------------------------------------------------------------------------------
# counts


def _visible(consultation_id: int) -> Select[Any]:
    return select(Opinion.id).where(
        Opinion.consultation_id == consultation_id, Opinion.status != OpinionStatus.HIDDEN
    )


def unique_key(consultation_id: int) -> Any:
    """SQL for the de-duplication key of an opinion: its campaign (the lowest, if several: as
    the roll-up counts it), else itself."""
    member = (
        select(-func.min(DuplicateMember.group_id))
        .join(DuplicateGroup, DuplicateGroup.id == DuplicateMember.group_id)
        .where(DuplicateMember.opinion_id == Opinion.id, counts_in_campaign())
        .scalar_subquery()
    )
    return func.coalesce(member, Opinion.id)


@dataclass
class Counts:
    raw: int
    unique: int


@dataclass
class Breakdown:
    """Raw and de-duplicated counts of a set of opinions, overall and by facet."""

    total: Counts
    by_organisation: list[tuple[str, Counts]] = field(default_factory=list)
    by_channel: list[tuple[str, Counts]] = field(default_factory=list)
    by_kind: list[tuple[str, Counts]] = field(default_factory=list)


_author = aliased(Person)
_behalf = aliased(Organisation)
_author_org = aliased(Organisation)


def breakdown(*, session: Session, consultation_id: int, opinion_ids: Select[Any]) -> Breakdown:
    """Counts of the visible opinions among opinion_ids, raw and de-duplicated, by facet."""
    key = unique_key(consultation_id)
    org_name = func.coalesce(_behalf.name, _author_org.name, "")
    base = (
        select(Opinion.id)
        .outerjoin(_author, _author.id == Opinion.author_person_id)
        .outerjoin(_behalf, _behalf.id == Opinion.on_behalf_of_id)
        .outerjoin(_author_org, _author_org.id == _author.organisation_id)
        .where(Opinion.id.in_(opinion_ids), Opinion.status != OpinionStatus.HIDDEN)
    )

    def grouped(column: Any) -> list[tuple[str, Counts]]:
        query = base.with_only_columns(
            column, func.count(), func.count(func.distinct(key))
        ).group_by(column)
        rows = session.execute(query).all()
        return sorted(
            ((str(name or ""), Counts(raw, unique)) for name, raw, unique in rows),
            key=lambda item: (-item[1].raw, item[0]),
        )

    raw, unique = session.execute(
        base.with_only_columns(func.count(), func.count(func.distinct(key)))
    ).one()
    return Breakdown(
        total=Counts(raw, unique),
        by_organisation=grouped(org_name),
        by_channel=grouped(Opinion.channel),
        by_kind=grouped(Opinion.kind),
    )


def breakdowns(
    *, session: Session, consultation_id: int, members: Select[Any, Any]
) -> dict[int, Breakdown]:
    """`breakdown` of many sets at once: members selects (set id, opinion id) rows; four grouped
    queries in all, whatever the number of sets (a synthesis's items, say)."""
    found = members.subquery()
    set_id, opinion_id = found.c[0], found.c[1]
    key = unique_key(consultation_id)
    org_name = func.coalesce(_behalf.name, _author_org.name, "")
    base = (
        select()
        .select_from(found)
        .join(Opinion, Opinion.id == opinion_id)
        .outerjoin(_author, _author.id == Opinion.author_person_id)
        .outerjoin(_behalf, _behalf.id == Opinion.on_behalf_of_id)
        .outerjoin(_author_org, _author_org.id == _author.organisation_id)
        .where(Opinion.status != OpinionStatus.HIDDEN)
    )
    result: dict[int, Breakdown] = {}
    for set_key, raw, unique in session.execute(
        base.add_columns(set_id, func.count(), func.count(func.distinct(key))).group_by(set_id)
    ):
        result[int(set_key)] = Breakdown(total=Counts(int(raw), int(unique)))
    for column, field_name in (
        (org_name, "by_organisation"),
        (Opinion.channel, "by_channel"),
        (Opinion.kind, "by_kind"),
    ):
        rows = session.execute(
            base.add_columns(set_id, column, func.count(), func.count(func.distinct(key))).group_by(
                set_id, column
            )
        ).all()
        for set_key, name, raw, unique in rows:
            getattr(result[int(set_key)], field_name).append(
                (str(name or ""), Counts(int(raw), int(unique)))
            )
    for found_breakdown in result.values():
        for field_name in ("by_organisation", "by_channel", "by_kind"):
            getattr(found_breakdown, field_name).sort(key=lambda item: (-item[1].raw, item[0]))
    return result


def scope_breakdowns(
    *,
    session: Session,
    consultation_id: int,
    scope: str,
    scope_ids: Sequence[int],
    top: int | None = None,
) -> dict[int, Breakdown]:
    """Counts of themes' or campaigns' visible opinions, from the tallies (no opinion read);
    with `top`, the `top` largest organisations, channels and kinds of each."""
    facets = [scope, f"{scope}_organisation", f"{scope}_channel", f"{scope}_kind"]
    found = tallies.read_scopes(
        session=session,
        consultation_id=consultation_id,
        facets=facets,
        scope_ids=scope_ids,
        top=top,
    )
    org_ids = {int(k) for cells in found.values() for k in cells[facets[1]] if k}
    names = dict(
        session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
        ).all()
    )

    def grouped(cells: dict[str, tallies.Cell], name: Any = str) -> list[tuple[str, Counts]]:
        return sorted(
            ((name(key), Counts(c.raw, c.unique)) for key, c in cells.items()),
            key=lambda item: (-item[1].raw, item[0]),
        )

    result = {}
    for scope_id, cells in found.items():
        total = cells[scope].get("", tallies.Cell(0, 0))
        result[scope_id] = Breakdown(
            total=Counts(total.raw, total.unique),
            by_organisation=grouped(
                cells[facets[1]], lambda key: names.get(int(key), "") if key else ""
            ),
            by_channel=grouped(cells[facets[2]]),
            by_kind=grouped(cells[facets[3]]),
        )
    return result


def scope_breakdown(
    *, session: Session, consultation_id: int, scope: str, scope_id: int
) -> Breakdown:
    """Counts of one theme's or campaign's visible opinions, from the tallies."""
    found = scope_breakdowns(
        session=session, consultation_id=consultation_id, scope=scope, scope_ids=[scope_id]
    )
    return found[scope_id]


LIST_FACETS = 20  # organisations shown per theme or campaign in the lists


PENDING_LIMIT = 1_000  # the overview counts pending proposals up to this, then says "1000+"


@dataclass
class Overview:
    run: AnalysisRun | None
    counts: Counts
    campaigns: int
    themes: int
    pending_sections: int
    pending_kinds: int
    pending_flags: int


def overview(*, session: Session, consultation_id: int) -> Overview:
    latest = runs(session=session, consultation_id=consultation_id, limit=1)
    total = tallies.read(session=session, consultation_id=consultation_id, facets=["total"])
    everything = total["total"].get("", tallies.Cell(0, 0))
    raw, unique = everything.raw, everything.unique

    def count(query: Select[Any], limit: int | None = None) -> int:
        bounded = query.limit(limit) if limit is not None else query
        return int(session.scalar(select(func.count()).select_from(bounded.subquery())) or 0)

    return Overview(
        run=latest[0] if latest else None,
        counts=Counts(raw, unique),
        campaigns=count(
            select(DuplicateGroup.id).where(
                DuplicateGroup.consultation_id == consultation_id,
                DuplicateGroup.status != ProposalStatus.REJECTED,
            )
        ),
        themes=count(
            select(Theme.id).where(
                Theme.consultation_id == consultation_id, Theme.status == ThemeStatus.ACTIVE
            )
        ),
        pending_sections=count(pending_section_opinions(consultation_id), PENDING_LIMIT),
        pending_kinds=count(pending_kinds(consultation_id), PENDING_LIMIT),
        pending_flags=count(pending_flags(consultation_id), PENDING_LIMIT),
    )


# ---------------------------------------------------------------------------------------------
# campaigns


TEMPLATE_COPIES = 300  # copies aligned to rebuild a campaign's template (the first by id)


@dataclass
class CampaignView:
    group: DuplicateGroup
    canonical_text: str
    counts: Breakdown
    variants: list[tuple[str, int]]
    template: list[templates.Slot] = field(default_factory=list)  # only for one campaign's view
    template_copies: int = 0  # the copies the template was counted over


def get_campaign(*, session: Session, group_id: int) -> DuplicateGroup:
    group = session.get(DuplicateGroup, group_id)
    if group is None:
        raise NotFound("campaign_not_found", "Không có nhóm ý kiến này.", "No such campaign.")
    return group


def _campaign_view(
    session: Session, group: DuplicateGroup, counts: Breakdown | None = None
) -> CampaignView:
    canonical = session.get_one(Opinion, group.canonical_opinion_id)
    return CampaignView(
        group=group,
        canonical_text=canonical.text,
        counts=counts
        or scope_breakdown(
            session=session,
            consultation_id=group.consultation_id,
            scope="campaign",
            scope_id=group.id,
        ),
        variants=[(str(v[0]), int(v[1])) for v in json.loads(group.variants_json or "[]")],
    )


def campaigns(
    *, session: Session, consultation_id: int, limit: int = 50, offset: int = 0
) -> list[CampaignView]:
    """Campaigns, largest first (undone ones last)."""
    rows = session.scalars(
        select(DuplicateGroup)
        .where(DuplicateGroup.consultation_id == consultation_id)
        .order_by(
            (DuplicateGroup.status == ProposalStatus.REJECTED).asc(),
            DuplicateGroup.size.desc(),
            DuplicateGroup.id,
        )
        .limit(limit)
        .offset(offset)
    ).all()
    counts = scope_breakdowns(
        session=session,
        consultation_id=consultation_id,
        scope="campaign",
        scope_ids=[group.id for group in rows],
        top=LIST_FACETS,
    )
    return [_campaign_view(session, group, counts[group.id]) for group in rows]


def campaign(*, session: Session, group_id: int) -> CampaignView:
    """One campaign with its template: the fixed wording and the alternatives at each slot."""
    view = _campaign_view(session, get_campaign(session=session, group_id=group_id))
    texts = session.scalars(
        select(Opinion.text)
        .join(DuplicateMember, DuplicateMember.opinion_id == Opinion.id)
        .where(
            DuplicateMember.group_id == group_id,
            DuplicateMember.excluded.is_(False),
            Opinion.id != view.group.canonical_opinion_id,
        )
        .order_by(Opinion.id)
        .limit(TEMPLATE_COPIES)
    ).all()
    slots = templates.template_slots(view.canonical_text, list(texts))
    if any(not slot.fixed for slot in slots):
        view.template, view.template_copies = slots, len(texts)
    return view


@dataclass
class MemberRow:
    opinion_id: int
    text: str
    organisation: str
    channel: str
    similarity: float
    excluded: bool
    reason: str = ""  # why it joined (claims checked), as the analysis stored it


@dataclass(frozen=True)
class MemberCursor:
    """Where a page of campaign members ends, in their order (kept ones first, most similar
    first, then by opinion): the next page starts after it (keyset, no OFFSET)."""

    excluded: bool
    similarity: float
    opinion_id: int

    def encode(self) -> str:
        return f"{int(self.excluded)}:{self.similarity!r}:{self.opinion_id}"

    @classmethod
    def decode(cls, value: str) -> MemberCursor | None:
        """None for an empty or malformed cursor (the first page)."""
        try:
            excluded, similarity, opinion_id = value.split(":")
            return cls(excluded == "1", float(similarity), int(opinion_id))
        except ValueError:
            return None


def campaign_members(
    *, session: Session, group_id: int, limit: int = 100, after: MemberCursor | None = None
) -> list[MemberRow]:
    org_name = func.coalesce(_behalf.name, _author_org.name, "")
    query = (
        select(
            Opinion.id,
            Opinion.text,
            org_name,
            Opinion.channel,
            DuplicateMember.similarity,
            DuplicateMember.excluded,
            DuplicateMember.reason,
        )
        .join(DuplicateMember, DuplicateMember.opinion_id == Opinion.id)
        .outerjoin(_author, _author.id == Opinion.author_person_id)
        .outerjoin(_behalf, _behalf.id == Opinion.on_behalf_of_id)
        .outerjoin(_author_org, _author_org.id == _author.organisation_id)
        .where(DuplicateMember.group_id == group_id)
    )
    if after is not None:
        excluded, similarity = DuplicateMember.excluded, DuplicateMember.similarity
        query = query.where(
            or_(
                excluded.is_(True) if not after.excluded else false(),
                and_(
                    excluded.is_(after.excluded),
                    or_(
                        similarity < after.similarity,
                        and_(similarity == after.similarity, Opinion.id > after.opinion_id),
                    ),
                ),
            )
        )
    rows = session.execute(
        query.order_by(
            DuplicateMember.excluded, DuplicateMember.similarity.desc(), Opinion.id
        ).limit(limit)
    ).all()
    return [MemberRow(*row) for row in rows]


def member_cursor(row: MemberRow) -> MemberCursor:
    return MemberCursor(row.excluded, row.similarity, row.opinion_id)


CAMPAIGN_ACTIONS = {"confirm": ProposalStatus.CONFIRMED, "undo": ProposalStatus.REJECTED}


def decide_campaign(
    *, session: Session, group_id: int, action: str, actor_person_id: int | None
) -> DuplicateGroup:
    """Confirm a campaign, or undo it (its opinions count separately again)."""
    if action not in CAMPAIGN_ACTIONS:
        raise _bad("bad_action", "Thao tác không hợp lệ.", "Unknown action.")
    group = get_campaign(session=session, group_id=group_id)
    group.status = CAMPAIGN_ACTIONS[action]
    group.decided_by_person_id, group.decided_at = actor_person_id, utcnow()
    audit.record(
        session=session,
        action=f"campaign.{action}",
        entity_type="duplicate_group",
        entity_id=group.id,
        actor_person_id=actor_person_id,
        payload={"size": group.size},
    )
    session.flush()
    tallies.refresh_campaign_tallies(session=session, consultation_id=group.consultation_id)
    return group


def split_campaign(
    *, session: Session, group_id: int, opinion_ids: Sequence[int], actor_person_id: int | None
) -> DuplicateGroup:
    """Take opinions out of a campaign (they count on their own); the campaign is then decided."""
    group = get_campaign(session=session, group_id=group_id)
    chosen = set(opinion_ids)
    members = set(
        session.scalars(
            select(DuplicateMember.opinion_id).where(
                DuplicateMember.group_id == group_id, DuplicateMember.excluded.is_(False)
            )
        )
    )
    if not chosen or not chosen <= members:
        raise _bad(
            "not_members",
            "Hãy chọn ý kiến thuộc nhóm này.",
            "Choose opinions that belong to this campaign.",
        )
    session.execute(
        update(DuplicateMember)
        .where(DuplicateMember.group_id == group_id, DuplicateMember.opinion_id.in_(chosen))
        .values(excluded=True)
    )
    group.size = len(members - chosen)
    if group.canonical_opinion_id in chosen and members - chosen:
        group.canonical_opinion_id = min(members - chosen)
    if group.status == ProposalStatus.PROPOSED:
        group.status = ProposalStatus.CONFIRMED if group.size >= 2 else ProposalStatus.REJECTED
    group.decided_by_person_id, group.decided_at = actor_person_id, utcnow()
    audit.record(
        session=session,
        action="campaign.split",
        entity_type="duplicate_group",
        entity_id=group.id,
        actor_person_id=actor_person_id,
        payload={"opinion_ids": sorted(chosen), "size": group.size},
    )
    session.flush()
    tallies.refresh_campaign_tallies(session=session, consultation_id=group.consultation_id)
    return group


# ---------------------------------------------------------------------------------------------
# themes


@dataclass
class ThemeView:
    theme: Theme
    key_phrases: list[str]
    summary: list[dict[str, Any]]
    quotes: list[tuple[int, str]]
    counts: Breakdown


def get_theme(*, session: Session, theme_id: int) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None or theme.status != ThemeStatus.ACTIVE:
        raise NotFound("theme_not_found", "Không có chủ đề này.", "No such theme.")
    return theme


def _members_query(theme_id: int) -> Select[Any]:
    return select(ThemeMember.opinion_id).where(ThemeMember.theme_id == theme_id)


def _theme_view(session: Session, theme: Theme, counts: Breakdown | None = None) -> ThemeView:
    quote_ids = [int(i) for i in json.loads(theme.quote_ids_json or "[]")]
    texts = dict(
        session.execute(
            select(Opinion.id, Opinion.text).where(
                Opinion.id.in_(quote_ids), Opinion.status != OpinionStatus.HIDDEN
            )
        ).all()
    )
    return ThemeView(
        theme=theme,
        key_phrases=list(json.loads(theme.key_phrases_json or "[]")),
        summary=list(json.loads(theme.summary_json or "[]")),
        quotes=[(i, texts[i]) for i in quote_ids if i in texts],
        counts=counts
        or scope_breakdown(
            session=session, consultation_id=theme.consultation_id, scope="theme", scope_id=theme.id
        ),
    )


def theme_list(*, session: Session, consultation_id: int) -> list[ThemeView]:
    """Active themes, the largest (raw count) first."""
    rows = session.scalars(
        select(Theme).where(
            Theme.consultation_id == consultation_id, Theme.status == ThemeStatus.ACTIVE
        )
    ).all()
    counts = scope_breakdowns(
        session=session,
        consultation_id=consultation_id,
        scope="theme",
        scope_ids=[theme.id for theme in rows],
        top=LIST_FACETS,
    )
    views = [_theme_view(session, theme, counts[theme.id]) for theme in rows]
    return sorted(views, key=lambda v: (-v.counts.total.raw, v.theme.id))


def theme(*, session: Session, theme_id: int) -> ThemeView:
    return _theme_view(session, get_theme(session=session, theme_id=theme_id))


def theme_members(
    *, session: Session, theme_id: int, limit: int = 100, after: int = 0
) -> list[tuple[int, str, bool]]:
    """A page of the theme's visible opinions in id order, those after opinion `after`."""
    rows = session.execute(
        select(Opinion.id, Opinion.text, ThemeMember.pinned)
        .join(ThemeMember, ThemeMember.opinion_id == Opinion.id)
        .where(
            ThemeMember.theme_id == theme_id,
            Opinion.status != OpinionStatus.HIDDEN,
            ThemeMember.opinion_id > after,
        )
        .order_by(ThemeMember.opinion_id)
        .limit(limit)
    ).all()
    return [(row[0], row[1], bool(row[2])) for row in rows]


def _audit_theme(
    session: Session, theme: Theme, action: str, actor: int | None, **payload: Any
) -> None:
    theme.edited, theme.updated_at = True, utcnow()
    audit.record(
        session=session,
        action=f"theme.{action}",
        entity_type="theme",
        entity_id=theme.id,
        actor_person_id=actor,
        payload=payload,
    )


def rename_theme(
    *, session: Session, theme_id: int, label: str, actor_person_id: int | None
) -> Theme:
    theme = get_theme(session=session, theme_id=theme_id)
    label = " ".join(
        opinions.clean_text(label, limit=300, field_vi="Tên", field_en="The name").split()
    )
    if not label:
        raise _bad("label_required", "Chủ đề cần có tên.", "A theme needs a name.")
    old, theme.label = theme.label, label
    _audit_theme(session, theme, "renamed", actor_person_id, old=old, new=label)
    return theme


def _redescribe(session: Session, theme: Theme, *, keep_label: bool) -> None:
    """Recompute the summary, key phrases and quotes from the theme's members."""
    rows = session.execute(
        select(Opinion.id, Opinion.text)
        .join(ThemeMember, ThemeMember.opinion_id == Opinion.id)
        .where(ThemeMember.theme_id == theme.id, Opinion.status != OpinionStatus.HIDDEN)
        .order_by(Opinion.id)
        .limit(5_000)
    ).all()
    if not rows:
        return
    label, phrases, summary, quotes = theme_algo.describe([(r.id, r.text) for r in rows])
    if not keep_label:
        theme.label = label[:300]
    theme.key_phrases_json = json.dumps(phrases, ensure_ascii=False)
    theme.summary_json = json.dumps(
        [{"text": s.text, "opinion_ids": list(s.opinion_ids)} for s in summary],
        ensure_ascii=False,
    )
    theme.quote_ids_json = json.dumps(quotes)


def merge_themes(
    *, session: Session, target_id: int, source_ids: Sequence[int], actor_person_id: int | None
) -> Theme:
    """Move every opinion of the sources into the target; the sources are marked merged."""
    target = get_theme(session=session, theme_id=target_id)
    sources = [get_theme(session=session, theme_id=i) for i in set(source_ids) - {target_id}]
    if not sources:
        raise _bad("nothing_to_merge", "Hãy chọn chủ đề để gộp.", "Choose themes to merge.")
    for source in sources:
        if source.consultation_id != target.consultation_id:
            raise _bad(
                "other_consultation", "Chủ đề thuộc đợt khác.", "Theme of another consultation."
            )
        _move_members(session, from_theme=source.id, to_theme=target.id)
        source.status, source.merged_into_id = ThemeStatus.MERGED, target.id
        _audit_theme(session, source, "merged", actor_person_id, into=target.id)
    _redescribe(session, target, keep_label=True)
    _audit_theme(session, target, "merged_into", actor_person_id, sources=[s.id for s in sources])
    return target


def _move_members(
    session: Session, *, from_theme: int, to_theme: int, opinion_ids: Sequence[int] | None = None
) -> None:
    query = update(ThemeMember).where(ThemeMember.theme_id == from_theme)
    if opinion_ids is not None:
        query = query.where(ThemeMember.opinion_id.in_(opinion_ids))
    session.execute(query.values(theme_id=to_theme, pinned=True))


def split_theme(*, session: Session, theme_id: int, actor_person_id: int | None) -> list[Theme]:
    """Split a theme in two by clustering its members; both parts are kept by re-runs."""
    theme = get_theme(session=session, theme_id=theme_id)
    rows = session.execute(
        select(Opinion.id, Opinion.text)
        .join(ThemeMember, ThemeMember.opinion_id == Opinion.id)
        .where(ThemeMember.theme_id == theme.id)
        .order_by(Opinion.id)
    ).all()
    if len(rows) < 4:
        raise _bad("too_small", "Chủ đề quá nhỏ để tách.", "The theme is too small to split.")
    parts = theme_algo.split_theme([(r.id, r.text) for r in rows], parts=2)
    created = [theme]
    for part in parts[1:]:
        new = Theme(consultation_id=theme.consultation_id, run_id=theme.run_id, label="")
        session.add(new)
        session.flush()
        _move_members(session, from_theme=theme.id, to_theme=new.id, opinion_ids=part)
        _redescribe(session, new, keep_label=False)
        _audit_theme(session, new, "split_from", actor_person_id, source=theme.id, size=len(part))
        created.append(new)
    _redescribe(session, theme, keep_label=False)
    _audit_theme(session, theme, "split", actor_person_id, into=[t.id for t in created[1:]])
    return created


def move_opinions(
    *, session: Session, opinion_ids: Sequence[int], to_theme_id: int, actor_person_id: int | None
) -> Theme:
    """Place opinions in a theme by hand (taken out of any other theme); re-runs keep them."""
    target = get_theme(session=session, theme_id=to_theme_id)
    chosen = set(opinion_ids)
    found = set(
        session.scalars(
            select(Opinion.id).where(
                Opinion.id.in_(chosen), Opinion.consultation_id == target.consultation_id
            )
        )
    )
    if not chosen or found != chosen:
        raise _bad(
            "not_in_consultation",
            "Có ý kiến không thuộc đợt lấy ý kiến này.",
            "Some opinions are not in this consultation.",
        )
    old_themes = set(
        session.scalars(select(ThemeMember.theme_id).where(ThemeMember.opinion_id.in_(chosen)))
    )
    session.execute(
        ThemeMember.__table__.delete().where(ThemeMember.opinion_id.in_(chosen))  # type: ignore[attr-defined]
    )
    session.add_all(ThemeMember(theme_id=target.id, opinion_id=i, pinned=True) for i in chosen)
    session.flush()
    for old_id in old_themes - {target.id}:
        old = session.get_one(Theme, old_id)
        _audit_theme(session, old, "opinions_moved_out", actor_person_id, to=target.id)
    _audit_theme(session, target, "opinions_moved_in", actor_person_id, opinion_ids=sorted(chosen))
    return target
