"""Which draft each opinion of a report is about, when the report names several.

A draft named in the report (an extracted "draft" item) is matched to the consultation whose
draft title, consultation title or kind its words share most distinctively. Each opinion (or
recommendation) is then proposed the draft named nearest it: in its own sentence (the mention
closest before it), else in the nearest sentence before it that names drafts, if that sentence
names one only; else the one draft in which its section reference resolves; else the report's
own (home) consultation. Services take a session and never commit.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.consultations.models import Consultation, ConsultationStatus
from ykien.drafts.models import Draft, DraftKind, DraftVersion, Section
from ykien.drafts.refs import SectionIndex
from ykien.events.lookups import consultation_sections
from ykien.events.mentions import lower_key, sentences
from ykien.events.models import ReportItem

# why an opinion's draft was proposed
TITLE, SECTION, HOME, CHOSEN = "title", "section", "home", "chosen"
STATEMENT_FIELDS = ("opinion", "recommendation")
MAX_CANDIDATES = 200

_WORD = re.compile(r"[^\W_]+")
_STOP = frozenset(
    [
        "dự",
        "thảo",
        "lấy",
        "ý",
        "kiến",
        "góp",
        "về",
        "của",
        "các",
        "và",
        "cho",
        "trong",
        "với",
        "là",
        "đã",
        "có",
        "những",
        "này",
        "đợt",
        "văn",
        "bản",
    ]
)
_KIND_WORDS: dict[str, str] = {
    DraftKind.LAW: "luật",
    DraftKind.REGULATION: "điều lệ quy chế quy định",
    DraftKind.POLITICAL_REPORT: "báo cáo chính trị",
    DraftKind.PLAN: "kế hoạch chương trình",
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A consultation a report's opinions may be about, with the words that name it."""

    consultation_id: int
    words: frozenset[str]  # single words and pairs of adjacent words of its names


@dataclass(frozen=True, slots=True)
class Proposal:
    consultation_id: int
    reason: str
    evidence: str


def _grams(text: str) -> set[str]:
    words = [w for w in _WORD.findall(lower_key(text))]
    grams = {w for w in words if w not in _STOP}
    grams |= {f"{a} {b}" for a, b in itertools.pairwise(words)}
    return grams


def candidates(
    *, session: Session, home_id: int, ids: Sequence[int] | None = None
) -> list[Candidate]:
    """The home consultation and the others open or closed (not drafts), or those of `ids`,
    with their names."""
    wanted = (
        Consultation.id.in_(ids)
        if ids is not None
        else (Consultation.id == home_id) | (Consultation.status != ConsultationStatus.DRAFT)
    )
    rows = session.execute(
        select(Consultation.id, Consultation.title, Draft.title, Draft.kind)
        .join(DraftVersion, DraftVersion.id == Consultation.draft_version_id)
        .join(Draft, Draft.id == DraftVersion.draft_id)
        .where(wanted)
        .order_by(Consultation.id)
        .limit(MAX_CANDIDATES)
    )
    return [
        Candidate(cid, frozenset(_grams(f"{title}\n{draft_title}\n{_KIND_WORDS.get(kind, '')}")))
        for cid, title, draft_title, kind in rows
    ]


def choices(*, session: Session, home_id: int) -> list[tuple[int, str]]:
    """(id, title) of the consultations an item may be about: the home one first."""
    rows = session.execute(
        select(Consultation.id, Consultation.title)
        .where((Consultation.id == home_id) | (Consultation.status != ConsultationStatus.DRAFT))
        .order_by(Consultation.id)
        .limit(MAX_CANDIDATES)
    )
    found = [(row[0], row[1]) for row in rows]
    return sorted(found, key=lambda row: row[0] != home_id)


def match(found: Sequence[Candidate], text: str) -> int | None:
    """The consultation a draft mention names: the one sharing most of its distinctive words
    (a word shared by k candidates weighs 1/k; a pair of words twice a word); None if no
    candidate scores at least one pair or if two score the same."""
    grams = _grams(text)
    counts: dict[str, int] = {}
    for candidate in found:
        for gram in candidate.words & grams:
            counts[gram] = counts.get(gram, 0) + 1
    scores = sorted(
        (
            (
                sum((2.0 if " " in g else 1.0) / counts[g] for g in c.words & grams),
                c.consultation_id,
            )
            for c in found
        ),
        reverse=True,
    )
    if not scores or scores[0][0] < 2.0 or (len(scores) > 1 and scores[1][0] == scores[0][0]):
        return None
    return scores[0][1]


@dataclass(frozen=True, slots=True)
class _Named:
    """A draft named in the report: its span, its sentence's and its consultation."""

    start: int
    sentence_start: int
    sentence_end: int
    consultation_id: int
    text: str


_CUE = re.compile(r"dự\s+thảo|văn\s+kiện", re.IGNORECASE)
_CUE_STOP = re.compile(r"[,;:.!?\n()]")
_PLURAL = re.compile(r"\b(?:các|những|mọi)\s+$", re.IGNORECASE)
MAX_CUE_WORDS = 14


def _cued(text: str, found: Sequence[Candidate]) -> list[tuple[int, int, int]]:
    """(start, end, consultation) of each "dự thảo …" naming one of the candidates."""
    named: list[tuple[int, int, int]] = []
    covered = 0  # "văn kiện" in "các dự thảo văn kiện" is part of the first cue's words
    for cue in _CUE.finditer(text):
        if cue.start() < covered:
            continue
        stop = _CUE_STOP.search(text, cue.end())
        end = stop.start() if stop else len(text)
        covered = end
        if _PLURAL.search(text[max(0, cue.start() - 12) : cue.start()]):
            continue
        words = text[cue.start() : end].split()[:MAX_CUE_WORDS]
        consultation_id = match(found, " ".join(words))
        if consultation_id is not None:
            named.append((cue.start(), end, consultation_id))
    return named


def _named_in(text: str, items: Sequence[ReportItem], found: Sequence[Candidate]) -> list[_Named]:
    """Every place the report names one of the candidates: each "dự thảo …" that names one,
    and each occurrence of a draft item's words linked to a consultation."""
    spans = [(s.start, s.end) for s in sentences(text)]
    places: list[tuple[int, int, int]] = []  # the items' links first: they are reviewed
    folded = text.lower()
    for item in items if len(folded) == len(text) else []:
        if item.field != "draft" or item.consultation_id is None or item.state == "rejected":
            continue
        words = (item.edited_text or item.text).lower()
        at = folded.find(words) if words.strip() else -1
        while at >= 0:
            places.append((at, at + len(words), item.consultation_id))
            at = folded.find(words, at + 1)
        places.append((item.start, item.end, item.consultation_id))
    named: dict[int, _Named] = {}
    for start, end, consultation_id in [*places, *_cued(text, found)]:
        span = next(((a, b) for a, b in spans if a <= start < b), (start, end))
        named.setdefault(start, _Named(start, span[0], span[1], consultation_id, text[start:end]))
    return sorted(named.values(), key=lambda n: n.start)


def _in_own_sentence(item: ReportItem, named: list[_Named]) -> _Named | None:
    """The draft named in the statement's sentence: the closest mention before it, else the
    first after it."""
    own = [n for n in named if n.sentence_start <= item.start < n.sentence_end]
    before = [n for n in own if n.start <= item.start]
    if before:
        return max(before, key=lambda n: n.start)
    return min(own, key=lambda n: n.start) if own else None


def _in_earlier_sentence(item: ReportItem, named: list[_Named]) -> _Named | None:
    """The draft named in the nearest earlier sentence naming drafts, if it names one only."""
    earlier = [n for n in named if n.sentence_end <= item.start]
    if not earlier:
        return None
    last = max(n.sentence_start for n in earlier)
    there = [n for n in earlier if n.sentence_start == last]
    return there[0] if len({n.consultation_id for n in there}) == 1 else None


_Indexes = dict[int, tuple[list[Section], SectionIndex]]


def _in_one_section(
    session: Session, text: str, ids: Sequence[int], indexes: _Indexes
) -> tuple[int, str] | None:
    """The one draft (of `ids`) in which the statement's section reference resolves."""
    found: list[tuple[int, str]] = []
    for consultation_id in ids:
        if consultation_id not in indexes:
            sections = consultation_sections(session, consultation_id)
            indexes[consultation_id] = (sections, SectionIndex(sections))
        sections, index = indexes[consultation_id]
        position = index.resolve_text(text)
        if position is not None:
            found.append((consultation_id, sections[position].label))
    return found[0] if len(found) == 1 else None


def propose(
    *, session: Session, text: str, home_id: int, items: Sequence[ReportItem]
) -> dict[int, Proposal]:
    """The proposed draft of each statement item of the report (by item id), when the report
    names a draft other than the home one; empty otherwise."""
    linked = [i.consultation_id for i in items if i.field == "draft" and i.consultation_id]
    ids = list(dict.fromkeys([home_id, *linked]))
    if len(ids) < 2:
        return {}
    found = candidates(session=session, home_id=home_id, ids=ids)
    named = _named_in(text, items, found)
    indexes: _Indexes = {}
    proposals: dict[int, Proposal] = {}
    for item in items:
        if item.field in STATEMENT_FIELDS:
            proposals[item.id] = _proposal(session, item, named, ids, indexes)
    return proposals


def _proposal(
    session: Session, item: ReportItem, named: list[_Named], ids: list[int], indexes: _Indexes
) -> Proposal:
    """A draft named in the statement's own sentence, else the one draft its section
    reference resolves in, else a draft named in the nearest earlier sentence, else home."""
    own = _in_own_sentence(item, named)
    if own is not None:
        return Proposal(own.consultation_id, TITLE, own.text[:300])
    by_section = _in_one_section(session, item.edited_text or item.text, ids, indexes)
    if by_section is not None:
        return Proposal(by_section[0], SECTION, by_section[1][:300])
    earlier = _in_earlier_sentence(item, named)
    if earlier is not None:
        return Proposal(earlier.consultation_id, TITLE, earlier.text[:300])
    return Proposal(ids[0], HOME, "")


def apply_proposals(*, session: Session, text: str, home_id: int, items: list[ReportItem]) -> int:
    """Set the proposed draft of each statement item the secretary has not chosen herself;
    returns how many changed."""
    changed = 0
    for item in items:
        if item.field in STATEMENT_FIELDS and item.draft_reason != CHOSEN:
            item.consultation_id, item.draft_reason, item.draft_evidence = None, None, None
    for item_id, proposal in propose(
        session=session, text=text, home_id=home_id, items=items
    ).items():
        item = next(i for i in items if i.id == item_id)
        if item.draft_reason == CHOSEN:
            continue
        item.consultation_id = proposal.consultation_id
        item.draft_reason, item.draft_evidence = proposal.reason, proposal.evidence
        changed += 1
    session.flush()
    return changed
