"""Opinion search, the visibility rule and the opinion lists (page, API, moderation queue).

Search keys
    Every opinion stores two keys of its searchable document — its text, the author's name
    (person or name as given) and the organisation's name (on behalf of, else the author's), one
    part per line — so that no row is folded at query time:

    * ``search_fold``: lower case without any diacritic (`ykien.text.fold`),
      "Đảng uỷ" -> "dang uy";
    * ``search_tone``: lower case with each syllable's tone mark moved to the syllable's end
      (`ykien.text.tone_key`), and a LEVEL character ending each syllable without a tone mark,
      so "Đảng ủy" and "Đảng uỷ" share a key while "đang ủy" and "dâng" do not.

    Runs of white space become one space in both. `opinions.service.submit` and the bulk importer
    fill the keys (the importer per batch, from a per-word cache: no query per row); migration
    0003 backfilled older rows. A person or organisation renamed later keeps the old name in the
    keys of existing opinions until they are recomputed with `document_keys`.

Queries
    A query typed without diacritics is matched against the folded key, a query with diacritics
    (anywhere in it) against the tone key. So "nguyen doan hoan" finds "Nguyễn Doãn Hoàn" and
    "dang uy" finds "Đảng ủy" and "Đảng uỷ" — and also "đang ủy" or "đáng": no diacritics means
    any diacritics, by design, as people type on phones ("dang" does find "đáng"). Typing the
    marks makes the search exact up to case, spacing and tone placement, syllable by syllable,
    the level tone included: "Đảng ủy" finds "Đảng uỷ" but not "đang ủy" nor "dâng"; "đáng" and
    "đang" do not find "Đảng". The query is one phrase, found anywhere in one part of the
    document (text, author or organisation); with marks, its last syllable must be whole ("Đản"
    finds nothing, "nguyen doan ho" finds "Nguyễn Doãn Hoàn").

    `apply_search(query, text)` is the only place that turns a search into SQL: the condition
    is ``key LIKE '%phrase%'`` (escaped) on both databases, answered from a trigram index
    (`ykien.opinions.fulltext`, migration 0015): pg_trgm GIN indexes on the two keys on
    PostgreSQL, an FTS5 trigram table kept by triggers on SQLite (narrowing, then the same LIKE
    decides), so the results are the same on both and with or without the index. A phrase of
    fewer than three characters has no trigram and falls back to the plain LIKE.

Order and pages
    The list is newest first, paginated by keyset (`ykien.db.keyset`): a page's links carry the
    sort key of its first or last row, so the last page costs what the first costs. A search
    sorts on relevance first — a match at the start of a word ("hoa" in "hoà bình") before one
    inside a word ("khoa") — then newest first, while it has at most RANKED_AT_MOST matches;
    past that, newest first only (the relevance sort would read every match).

Highlighting
    `highlight_spans` computes the key of the displayed (original) text together with, for every
    key character, the span of original characters it comes from — the tone key moves marks and
    the input may be composed or decomposed, so offsets are mapped, not assumed equal — and
    returns original-text spans. Templates get (text, is_match) segments and escape each piece.

Visibility
    `visibility` is the one rule for who reads which opinion; the page, the API, the search and
    the moderation queue (`moderation_scope`) all use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeAlias
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased

from ykien import text as vt
from ykien.accounts.models import Person, Role
from ykien.consultations.models import Consultation, ConsultationScope, ConsultationStatus
from ykien.db import keyset
from ykien.drafts.models import Section
from ykien.errors import Forbidden, NotFound, UserError
from ykien.opinions.fulltext import KeyContains, word_start_rank
from ykien.opinions.keys import FOLD as FOLD
from ykien.opinions.keys import LEVEL as LEVEL
from ykien.opinions.keys import MAX_QUERY as MAX_QUERY
from ykien.opinions.keys import TONE as TONE
from ykien.opinions.keys import SearchQuery as SearchQuery
from ykien.opinions.keys import aligned_key as aligned_key
from ykien.opinions.keys import document_keys as document_keys
from ykien.opinions.keys import highlight_spans as highlight_spans
from ykien.opinions.keys import parse_query as parse_query
from ykien.opinions.keys import segments as segments
from ykien.opinions.keys import text_keys as text_keys
from ykien.opinions.models import Channel, Opinion, OpinionKind, OpinionStatus
from ykien.orgs.models import Organisation
from ykien.timefmt import VN_TZ, parse_datetime

PAGE_SIZE = 25
# who may see every status (staff) and who may hide and restore (moderators): the same roles
# as the web layer's STAFF_ROLES and MODERATOR_ROLES
STAFF_ROLES = (Role.SECRETARY, Role.SUBCOMMITTEE_MEMBER, Role.CHAIR, Role.ADMIN)
MODERATOR_ROLES = (Role.SECRETARY, Role.ADMIN)
MAX_ID = 2_147_483_647  # ids are INTEGER columns
AnySelect: TypeAlias = Select[*tuple[Any, ...]]
_DATE_ONLY = re.compile(r"^\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\s*$")


class Viewer(Protocol):
    """Who is asking (the web layer's Principal): their person and the subtrees of their roles."""

    @property
    def person_id(self) -> int: ...

    @property
    def roles(self) -> Mapping[str, tuple[str, ...]]: ...

    def covers(self, tree_path: str, roles: Iterable[str]) -> bool: ...

    def has_any(self, roles: Iterable[str]) -> bool: ...


def forbid() -> Forbidden:
    return Forbidden(
        "forbidden",
        "Bạn không có quyền thực hiện thao tác này.",
        "You are not allowed to do this.",
    )


def _search_condition(parsed: SearchQuery) -> ColumnElement[bool]:
    column = Opinion.search_tone if parsed.mode == TONE else Opinion.search_fold
    return KeyContains(column, Opinion.id, parsed.key)


def search_rank(parsed: SearchQuery) -> ColumnElement[int]:
    """The relevance of a match (`fulltext.word_start_rank` on the query's key)."""
    column = Opinion.search_tone if parsed.mode == TONE else Opinion.search_fold
    return word_start_rank(column, parsed.key)


def apply_search(query: AnySelect, text: str | None) -> AnySelect:
    """`query` (over opinions) restricted to the opinions whose document matches `text`."""
    parsed = parse_query(text)
    return query if parsed is None else query.where(_search_condition(parsed))


# --- who sees what --------------------------------------------------------------------------

_author = aliased(Person, name="author")
_behalf_org = aliased(Organisation, name="behalf_org")
_author_org = aliased(Organisation, name="author_org")


def _joined(query: AnySelect) -> AnySelect:
    """Opinions with their author and the two organisations that may be theirs."""
    return (
        query.select_from(Opinion)
        .outerjoin(_author, _author.id == Opinion.author_person_id)
        .outerjoin(_behalf_org, _behalf_org.id == Opinion.on_behalf_of_id)
        .outerjoin(_author_org, _author_org.id == _author.organisation_id)
    )


def _org_path(organiser_path: str) -> ColumnElement[str]:
    """The tree path of the organisation an opinion belongs to, for role checks.

    On behalf of an organisation, else the author's organisation, else (anonymous or a bare
    name) the consultation's organiser.
    """
    return func.coalesce(_behalf_org.tree_path, _author_org.tree_path, literal(organiser_path))


def _organiser_path(session: Session, consultation: Consultation) -> str:
    organiser = session.get(Organisation, consultation.organiser_id)
    return organiser.tree_path if organiser is not None else "/"


def _role_roots(viewer: Viewer | None, roles: Iterable[str]) -> list[str]:
    if viewer is None:
        return []
    return sorted({root for role in roles for root in viewer.roles.get(role, ())})


def _covered(
    session: Session, viewer: Viewer | None, consultation: Consultation, roles: Iterable[str]
) -> ColumnElement[bool]:
    """Opinions whose organisation lies in a subtree where the viewer holds one of `roles`."""
    roots = _role_roots(viewer, roles)
    if not roots:
        return false()
    organiser_path = _organiser_path(session, consultation)
    scope_paths = session.execute(
        select(Organisation.tree_path)
        .join(ConsultationScope, ConsultationScope.organisation_id == Organisation.id)
        .where(ConsultationScope.consultation_id == consultation.id)
    ).scalars()
    if all(any(path.startswith(root) for root in roots) for path in [organiser_path, *scope_paths]):
        # the roles cover the organiser and the whole scope: every opinion (no joins needed)
        return true()
    path = _org_path(organiser_path)
    return or_(*(path.startswith(root) for root in roots))


def visibility(
    *, session: Session, viewer: Viewer | None, consultation: Consultation
) -> ColumnElement[bool]:
    """The opinions of `consultation` that `viewer` (None: anonymous) may read.

    * published ones, when the consultation makes opinions public;
    * the viewer's own, whatever their status;
    * every status (received, hidden with its reason, merged) where a staff role (secretary,
      subcommittee member, chair, admin) covers the opinion's organisation — on behalf of, else
      the author's, else the organiser's. A secretary of unit A sees none of unit B's
      unpublished or hidden opinions.
    """
    allowed: list[ColumnElement[bool]] = [_covered(session, viewer, consultation, STAFF_ROLES)]
    if consultation.opinions_public:
        allowed.append(Opinion.status == OpinionStatus.PUBLISHED)
    if viewer is not None:
        allowed.append(Opinion.author_person_id == viewer.person_id)
    return or_(*allowed)


def moderation_scope(
    *, session: Session, viewer: Viewer | None, consultation: Consultation
) -> ColumnElement[bool]:
    """The moderation queue: received and hidden opinions in the viewer's moderator subtrees."""
    return and_(
        Opinion.status.in_([str(OpinionStatus.RECEIVED), str(OpinionStatus.HIDDEN)]),
        _covered(session, viewer, consultation, MODERATOR_ROLES),
    )


def may_moderate_any(viewer: Viewer | None) -> bool:
    return viewer is not None and viewer.has_any(MODERATOR_ROLES)


def ensure_may_moderate(*, session: Session, viewer: Viewer, opinion_id: int) -> None:
    """Refuse (403) unless a moderator role of the viewer covers the opinion's organisation."""
    organiser = aliased(Organisation, name="organiser")
    path = session.execute(
        _joined(
            select(func.coalesce(_behalf_org.tree_path, _author_org.tree_path, organiser.tree_path))
        )
        .join(Consultation, Consultation.id == Opinion.consultation_id)
        .join(organiser, organiser.id == Consultation.organiser_id)
        .where(Opinion.id == opinion_id)
    ).scalar_one_or_none()
    if path is None:
        raise NotFound(
            "opinion_not_found",
            f"Không có ý kiến số {opinion_id}.",
            f"Opinion {opinion_id} does not exist.",
        )
    if not viewer.covers(path, MODERATOR_ROLES):
        raise forbid()


def consultation_for(
    *, session: Session, viewer: Viewer | None, consultation_id: int
) -> Consultation:
    """The consultation, if the viewer may see it: not yet published ones only for its staff."""
    consultation = session.get(Consultation, consultation_id)
    hidden_draft = (
        consultation is not None
        and consultation.status == ConsultationStatus.DRAFT
        and (
            viewer is None or not viewer.covers(_organiser_path(session, consultation), STAFF_ROLES)
        )
    )
    if hidden_draft:
        consultation = None
    if consultation is None:
        raise NotFound(
            "consultation_not_found",
            f"Không có đợt lấy ý kiến số {consultation_id}.",
            f"Consultation {consultation_id} does not exist.",
        )
    return consultation


# --- filters --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpinionFilters:
    """What the list is narrowed to; empty fields do not filter."""

    section_id: int | None = None
    organisation_id: int | None = None  # on behalf of or the author's, with its subtree
    channel: str | None = None
    kind: str | None = None
    status: str | None = None
    submitted_from: datetime | None = None
    submitted_before: datetime | None = None  # exclusive
    text: str | None = None  # the search as typed
    query: SearchQuery | None = None


def _bad(code: str, vi: str, en: str) -> UserError:
    return UserError(code, vi, en)


def _as_id(value: str | None, what_vi: str, what_en: str) -> int | None:
    if value is None or not value.strip():
        return None
    cleaned = value.strip()
    if not cleaned.isascii() or not cleaned.isdigit() or int(cleaned) > MAX_ID:
        raise _bad(
            "filter_invalid",
            f"{what_vi} không hợp lệ: “{cleaned[:40]}”.",
            f"{what_en} is not valid: “{cleaned[:40]}”.",
        )
    return int(cleaned)


def _as_choice(value: str | None, choices: Iterable[str], what_vi: str, what_en: str) -> str | None:
    if value is None or not value.strip():
        return None
    cleaned = value.strip()
    if cleaned not in set(choices):
        raise _bad(
            "filter_invalid",
            f"{what_vi} không hợp lệ: “{cleaned[:40]}”.",
            f"{what_en} is not valid: “{cleaned[:40]}”.",
        )
    return cleaned


def _as_moment(value: str | None, tz: ZoneInfo, *, end: bool) -> datetime | None:
    """A dd/mm/yyyy date (Vietnam time by default); as the end of a range, the day after it."""
    if value is None or not value.strip():
        return None
    try:
        moment = parse_datetime(value, tz)
        if end and _DATE_ONLY.match(value):
            moment += timedelta(days=1)
    except (ValueError, OverflowError):
        shown = value.strip()[:40]
        raise _bad(
            "date_invalid",
            f"Ngày không hợp lệ: “{shown}” (cần dạng dd/mm/yyyy).",
            f"Not a valid date: “{shown}” (expected dd/mm/yyyy).",
        ) from None
    return moment


def parse_filters(
    *,
    section: str | None = None,
    organisation: str | None = None,
    channel: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    q: str | None = None,
    tz: ZoneInfo = VN_TZ,
) -> OpinionFilters:
    """Filters from form or query values (strings, "" = none); a bad value is a UserError."""
    start = _as_moment(date_from, tz, end=False)
    before = _as_moment(date_to, tz, end=True)
    if start is not None and before is not None and before <= start:
        raise _bad(
            "date_range_invalid",
            "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.",
            "The end date must be on or after the start date.",
        )
    query = parse_query(q)
    return OpinionFilters(
        section_id=_as_id(section, "Mục", "The section"),
        organisation_id=_as_id(organisation, "Tổ chức", "The organisation"),
        channel=_as_choice(channel, Channel, "Kênh", "The channel"),
        kind=_as_choice(kind, OpinionKind, "Loại ý kiến", "The kind"),
        status=_as_choice(status, OpinionStatus, "Trạng thái", "The status"),
        submitted_from=start,
        submitted_before=before,
        text=query.text if query else None,
        query=query,
    )


def _filter_conditions(session: Session, filters: OpinionFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.section_id is not None:
        conditions.append(Opinion.section_id == filters.section_id)
    if filters.organisation_id is not None:
        root = session.get(Organisation, filters.organisation_id)
        subtree = select(Organisation.id).where(
            Organisation.tree_path.startswith(root.tree_path if root else "#none#")
        )
        conditions.append(
            or_(
                Opinion.on_behalf_of_id.in_(subtree),
                and_(Opinion.on_behalf_of_id.is_(None), _author.organisation_id.in_(subtree)),
            )
        )
    if filters.channel:
        conditions.append(Opinion.channel == filters.channel)
    if filters.kind:
        conditions.append(Opinion.kind == filters.kind)
    if filters.status:
        conditions.append(Opinion.status == filters.status)
    if filters.submitted_from is not None:
        conditions.append(Opinion.submitted_at >= filters.submitted_from)
    if filters.submitted_before is not None:
        conditions.append(Opinion.submitted_at < filters.submitted_before)
    return conditions


# --- the list -------------------------------------------------------------------------------

FIELDS = ("text", "author", "organisation")


@dataclass(slots=True)
class OpinionRow:
    """One opinion as the lists show it, with the spans of each field that match the search."""

    id: int
    consultation_id: int
    section_id: int | None
    section_label: str | None
    kind: str
    channel: str
    status: str
    hidden_reason: str | None
    text: str
    quote: str | None
    proposed_wording: str | None
    author: str | None
    anonymous: bool
    organisation_id: int | None
    organisation: str | None
    submitted_at: datetime
    can_moderate: bool
    highlights: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def segments(self, name: str) -> list[tuple[str, bool]]:
        """The field `name` ("text", "author", "organisation") as (piece, is_match)."""
        value: str | None = getattr(self, name)
        return segments(value, self.highlights.get(name, []))


@dataclass(slots=True)
class OpinionPage:
    items: list[OpinionRow]
    total: int  # opinions matching, all pages
    hidden: int  # of which hidden
    page: int
    pages: int
    page_size: int
    query: SearchQuery | None
    # cursors of the pages beside this one (`keyset.encode` of a row's sort key), None at an end
    next_cursor: str | None = None
    previous_cursor: str | None = None


LIST_KEYS = (Opinion.submitted_at, Opinion.id)  # the list's order, newest first
CURSOR_KINDS = (datetime, int)
SEARCH_CURSOR_KINDS = (int, datetime, int)  # a search's: relevance first
# Sorting on relevance reads every match; past this many, a search lists newest first, which
# its index walk answers without reading them all (a word-start rank over tens of thousands
# of matches says little anyway). UNRANKED stands in the cursor for "newest first".
RANKED_AT_MOST = 2_000
UNRANKED = -1


def cursor_kinds(query: SearchQuery | None) -> tuple[type, ...]:
    """What a cursor of this list holds: a searched list sorts on its relevance first."""
    return CURSOR_KINDS if query is None else SEARCH_CURSOR_KINDS


def list_opinions(
    *,
    session: Session,
    consultation: Consultation,
    viewer: Viewer | None,
    filters: OpinionFilters,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    moderation: bool = False,
    seek: keyset.Seek | None = None,
) -> OpinionPage:
    """One page of the opinions the viewer may see (or moderate), newest first, with counts;
    a search's results by relevance (`search_rank`), then newest first (newest first only past
    RANKED_AT_MOST matches).

    `seek` (from a page's cursor) says where the page starts; `page` is then only its number
    as shown. Without one, `page` is read from the nearer end of the list (`ykien.db.keyset`).
    """
    scope = (moderation_scope if moderation else visibility)(
        session=session, viewer=viewer, consultation=consultation
    )
    where = [
        Opinion.consultation_id == consultation.id,
        scope,
        *_filter_conditions(session, filters),
    ]
    total, hidden_total = _counts(session, where, filters)
    pages = max(1, -(-int(total) // page_size))
    page = min(max(1, page), pages)
    keys: tuple[keyset.KeyColumn, ...] = LIST_KEYS
    listed = apply_search(_rows_query(session, consultation).where(*where), filters.text)
    seek = seek or keyset.Seek()
    ranked = filters.query is not None and total <= RANKED_AT_MOST
    if filters.query is not None:
        # a search's cursor holds its relevance first; UNRANKED when the matches are too many
        rank: ColumnElement[int] = search_rank(filters.query) if ranked else literal(UNRANKED)
        listed = listed.add_columns(rank)
        if ranked:
            keys = (rank, *LIST_KEYS)
        else:
            seek = keyset.Seek(
                after=seek.after[1:] if seek.after else None,
                before=seek.before[1:] if seek.before else None,
            )
    rows = keyset.page_rows(
        session,
        listed,
        keys,
        seek=seek,
        page=page,
        pages=pages,
        total=int(total),
        size=page_size,
    )
    items = [_row(row, consultation.id, viewer, filters.query) for row in rows]
    ranks = [row[-1] if filters.query is not None else None for row in rows]
    return OpinionPage(
        items=items,
        total=int(total),
        hidden=hidden_total,
        page=page,
        pages=pages,
        page_size=page_size,
        query=filters.query,
        next_cursor=_cursor(items[-1], ranks[-1]) if items and page < pages else None,
        previous_cursor=_cursor(items[0], ranks[0]) if items and page > 1 else None,
    )


def _counts(
    session: Session, where: list[ColumnElement[bool]], filters: OpinionFilters
) -> tuple[int, int]:
    """Opinions matching, and of them hidden.

    Without a search, two counts that the indexes answer alone (an index-only scan each; the
    hidden ones from the status index); with one, a single pass over the matches.
    """
    if filters.query is None:
        total = session.execute(_joined(select(func.count())).where(*where)).scalar_one()
        hidden = session.execute(
            _joined(select(func.count())).where(*where, Opinion.status == OpinionStatus.HIDDEN)
        ).scalar_one()
        return int(total), int(hidden)
    is_hidden = case((Opinion.status == OpinionStatus.HIDDEN, 1), else_=0)
    counted = apply_search(
        _joined(select(func.count(), func.coalesce(func.sum(is_hidden), 0))).where(*where),
        filters.text,
    )
    total, hidden = session.execute(counted).one()
    return int(total), int(hidden or 0)


def _cursor(item: OpinionRow, rank: int | None) -> str:
    key = (item.submitted_at, item.id)
    return keyset.encode(key if rank is None else (rank, *key))


def _rows_query(session: Session, consultation: Consultation) -> AnySelect:
    """What a list shows of each opinion, with its section, author and organisation joined."""
    return _joined(
        select(
            Opinion.id,
            Opinion.section_id,
            Section.label,
            Opinion.kind,
            Opinion.channel,
            Opinion.status,
            Opinion.hidden_reason,
            Opinion.text,
            Opinion.quote,
            Opinion.proposed_wording,
            func.coalesce(_author.full_name, Opinion.author_name),
            Opinion.author_person_id,
            func.coalesce(Opinion.on_behalf_of_id, _author.organisation_id),
            func.coalesce(_behalf_org.name, _author_org.name),
            _org_path(_organiser_path(session, consultation)),
            Opinion.submitted_at,
        )
    ).outerjoin(Section, Section.id == Opinion.section_id)


def opinion_row(
    *, session: Session, consultation: Consultation, viewer: Viewer | None, opinion_id: int
) -> OpinionRow:
    """One opinion of the consultation as the lists show it, if the viewer may see it."""
    row = session.execute(
        _rows_query(session, consultation).where(
            Opinion.id == opinion_id,
            Opinion.consultation_id == consultation.id,
            visibility(session=session, viewer=viewer, consultation=consultation),
        )
    ).first()
    if row is None:
        raise NotFound(
            "opinion_not_found",
            f"Không có ý kiến số {opinion_id}.",
            f"Opinion {opinion_id} does not exist.",
        )
    return _row(row, consultation.id, viewer, None)


def _row(
    row: Any, consultation_id: int, viewer: Viewer | None, query: SearchQuery | None
) -> OpinionRow:
    (opinion_id, section_id, label, kind, channel, status, reason, text, quote, wording,
     author, author_person_id, org_id, org_name, org_path, submitted_at) = row[:16]  # fmt: skip
    item = OpinionRow(
        id=opinion_id,
        consultation_id=consultation_id,
        section_id=section_id,
        section_label=label,
        kind=kind,
        channel=channel,
        status=status,
        hidden_reason=reason,
        text=text,
        quote=quote,
        proposed_wording=wording,
        author=author,
        anonymous=author is None and author_person_id is None and org_id is None,
        organisation_id=org_id,
        organisation=org_name,
        submitted_at=submitted_at,
        can_moderate=viewer is not None and viewer.covers(org_path, MODERATOR_ROLES),
    )
    if query is not None:
        for name in FIELDS:
            spans = highlight_spans(getattr(item, name), query)
            if spans:
                item.highlights[name] = spans
    return item


@dataclass(frozen=True, slots=True)
class FilterChoices:
    sections: list[tuple[int, str]]  # document order
    organisations: list[tuple[int, str]]  # Vietnamese alphabetical order


def filter_choices(*, session: Session, consultation: Consultation) -> FilterChoices:
    """The sections of the consultation's draft version and the organisations in its scope."""
    sections = [
        (section_id, label)
        for section_id, label in session.execute(
            select(Section.id, Section.label)
            .where(Section.version_id == consultation.draft_version_id)
            .order_by(Section.position)
        )
    ]
    roots = list(
        session.execute(
            select(Organisation.tree_path)
            .join(ConsultationScope, ConsultationScope.organisation_id == Organisation.id)
            .where(ConsultationScope.consultation_id == consultation.id)
        ).scalars()
    )
    organisations: list[tuple[int, str]] = []
    if roots:
        found = session.execute(
            select(Organisation.id, Organisation.name).where(
                or_(*(Organisation.tree_path.startswith(root) for root in roots))
            )
        )
        organisations = sorted(
            ((org_id, name) for org_id, name in found), key=lambda pair: vt.sort_key(pair[1])
        )
    return FilterChoices(sections=sections, organisations=organisations)
