"""Section routing: propose the section(s) of a draft an opinion addresses.

Explicit references ("khoản 2 Điều 5", "dieu 12") are resolved first; otherwise BM25 retrieval
over the sections' texts proposes the closest sections. Sections are indexed by their segmented
words and by their diacritic-free syllables and syllable pairs, so an opinion typed without
diacritics still finds its section.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from scipy import sparse

from ykien.analysis.textpipe import VI_STOPWORDS, Segmenter, fold_key, tokens
from ykien.drafts.refs import Reference, SectionIndex, find_references
from ykien.text import fold

Method = Literal["reference", "retrieval"]


@dataclass(frozen=True)
class SectionDoc:
    """A section as the router needs it."""

    id: int
    path: str
    label: str
    heading: str
    text: str
    parent_id: int | None


@dataclass(frozen=True)
class SectionProposal:
    """One proposed section for an opinion, with how sure the router is and why."""

    section_id: int
    confidence: float
    method: Method
    evidence: str


REFERENCE_CONFIDENCE = 0.97
# A reference followed by another act's name ("Điều 5 Luật Đất đai") may not be about this draft.
EXTERNAL_REFERENCE_CONFIDENCE = 0.6
# A reference that names several sections ("khoản 2" in a law with many) settled by retrieval.
NARROWED_REFERENCE_CONFIDENCE = 0.8
# Retrieval proposals beside an explicit reference are only alternatives.
BESIDE_REFERENCE_FACTOR = 0.5
# A sub-section scoring at least this share of its parent's score is proposed instead of it.
SPECIFICITY_RATIO = 0.85
HEADING_WEIGHT = 2
BATCH_SIZE = 2048
EVIDENCE_TERMS = 4
# Logistic calibration of retrieval confidence (fitted with evals/routing.py on generated
# opinions): features are the share of the top score, the gap to the next candidate and the gap
# to the previous one (both as shares of the top score), and log(1 + score).
_CALIBRATION = (9.87, 6.71, -6.0, 0.84, -13.4)

_EXTERNAL_ACTS = (
    ("luat",),
    ("bo", "luat"),
    ("hien", "phap"),
    ("nghi", "dinh"),
    ("nghi", "quyet"),
    ("thong", "tu"),
    ("phap", "lenh"),
    ("quyet", "dinh"),
    ("chi", "thi"),
)
_INTERNAL_WORDS = frozenset({"nay", "du", "thao"})  # "Luật này", "dự thảo Luật"
_CONNECTORS = frozenset({"cua", "tai", "thuoc", "trong", "o"})
# Words of the opinion frame itself ("đề nghị bổ sung", "góp ý khoản"): they say nothing about
# which section is meant, and would otherwise pull opinions towards sections that use them.
_FRAME_WORDS = """
đề_nghị góp_ý ý_kiến bổ_sung sửa_đổi sửa dự_thảo làm_rõ cân_nhắc xem_xét nội_dung kiến_nghị
đề_xuất soạn_thảo nhất_trí đồng_ý tán_thành hợp_lý phù_hợp cụ_thể rõ_ràng viết_lại thêm bỏ
điều khoản điểm chương mục phần tôi chúng_tôi theo_tôi
"""
_FRAME_KEYS = frozenset(fold(word) for word in _FRAME_WORDS.split())
_FOLDED_STOPWORDS = frozenset(fold(word) for word in VI_STOPWORDS if "_" not in word)
_FOLDED_IGNORED = _FOLDED_STOPWORDS | frozenset(
    syllable for word in _FRAME_KEYS for syllable in word.split("_")
)
_WORD = re.compile(r"\w+")
# Every reference find_references can read starts with one of these words (or is "đ5").
_REFERENCE_HINT = re.compile(
    r"\b(?:dieu|khoan|diem|chuong|muc|phan|doan|loi (?:noi|mo) dau)\b|^\s*d\s*\.?\s*\d"
)


@lru_cache(maxsize=262_144)
def _folded(word: str) -> str:
    return fold(word)


class SectionRouter:
    """Routes opinions to the sections of one draft version."""

    def __init__(
        self,
        sections: Sequence[SectionDoc],
        *,
        segmenter: Segmenter | str | None = None,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        self.sections = list(sections)
        self._segmenter = segmenter
        self._index = SectionIndex(self.sections)
        self._position = {section.id: i for i, section in enumerate(self.sections)}
        self._ancestors = self._ancestor_sets()
        self._nested = any(self._ancestors)
        self._vocabulary: dict[str, int] = {}
        self._doc_weights: list[dict[int, float]] = []
        self._weights_t = self._bm25_matrix(k1=k1, b=b)
        self._terms = {column: term for term, column in self._vocabulary.items()}

    # -- public ---------------------------------------------------------------------------------

    def propose(self, text: str, *, limit: int = 3) -> list[SectionProposal]:
        """The sections text most likely addresses, best first."""
        return self.propose_many([(0, text)], limit=limit)[0]

    def propose_many(
        self,
        items: Sequence[tuple[int, str]],
        *,
        limit: int = 3,
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[int, list[SectionProposal]]:
        """Proposals for many (opinion id, text) pairs, computed in batches."""
        found: dict[int, list[SectionProposal]] = {}
        for start in range(0, len(items), BATCH_SIZE):
            batch = items[start : start + BATCH_SIZE]
            found.update(self._propose_batch(batch, limit=limit))
            if progress is not None:
                progress(start + len(batch), len(items))
        return found

    # -- indexing -------------------------------------------------------------------------------

    def _ancestor_sets(self) -> list[frozenset[int]]:
        """For each section, the positions of its ancestors among the given sections."""
        parents = [
            self._position.get(s.parent_id) if s.parent_id is not None else None
            for s in self.sections
        ]
        result: list[frozenset[int]] = []
        for position in range(len(self.sections)):
            chain: set[int] = set()
            parent = parents[position]
            while parent is not None and parent not in chain:
                chain.add(parent)
                parent = parents[parent]
            result.append(frozenset(chain))
        return result

    def _full_texts(self) -> list[str]:
        """Each section's text with its sub-sections' texts (unless it already contains them)."""
        children: dict[int, list[int]] = {}
        for position, section in enumerate(self.sections):
            parent = (
                self._position.get(section.parent_id) if section.parent_id is not None else None
            )
            if parent is not None:
                children.setdefault(parent, []).append(position)
        full: dict[int, str] = {}

        def build(position: int) -> str:
            if position not in full:
                full[position] = ""  # guards against cycles
                own = self.sections[position].text
                parts = [own]
                for child in children.get(position, []):
                    child_text = build(child)
                    if child_text and child_text not in own:
                        parts.append(child_text)
                full[position] = "\n".join(part for part in parts if part)
            return full[position]

        return [build(position) for position in range(len(self.sections))]

    def _bm25_matrix(self, *, k1: float, b: float) -> sparse.csr_matrix:
        """Vocabulary x sections matrix of BM25 term weights."""
        counts: list[dict[int, float]] = []
        for section, text in zip(self.sections, self._full_texts(), strict=True):
            doc: dict[int, float] = {}
            for term in self._terms_of(text):
                column = self._vocabulary.setdefault(term, len(self._vocabulary))
                doc[column] = doc.get(column, 0.0) + 1.0
            for term in self._terms_of(section.heading):
                column = self._vocabulary.setdefault(term, len(self._vocabulary))
                doc[column] = doc.get(column, 0.0) + HEADING_WEIGHT
            counts.append(doc)
        lengths = np.array([sum(doc.values()) for doc in counts], dtype=np.float64)
        average = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
        frequencies = np.zeros(len(self._vocabulary))
        for doc in counts:
            frequencies[list(doc)] += 1
        total = len(counts)
        idf = np.log(1.0 + (total - frequencies + 0.5) / (frequencies + 0.5))
        rows: list[int] = []
        columns: list[int] = []
        values: list[float] = []
        for row, doc in enumerate(counts):
            norm = k1 * (1.0 - b + b * lengths[row] / average)
            weights = {c: float(idf[c] * tf * (k1 + 1.0) / (tf + norm)) for c, tf in doc.items()}
            self._doc_weights.append(weights)
            rows += [row] * len(weights)
            columns += list(weights)
            values += list(weights.values())
        shape = (max(total, 1), max(len(self._vocabulary), 1))
        matrix = sparse.csr_matrix((values, (rows, columns)), shape=shape, dtype=np.float64)
        return matrix.T.tocsr()

    def _terms_of(self, text: str) -> list[str]:
        """Segmented words, plus diacritic-free syllables and syllable pairs (marked)."""
        if not text.strip():
            return []
        words = tokens(text, segmenter=self._segmenter)
        syllables = fold_key(text).lower().split()
        terms = [f"w:{word}" for word in words if _folded(word) not in _FRAME_KEYS]
        terms += [f"f:{s}" for s in syllables if s not in _FOLDED_IGNORED and not s.isdigit()]
        terms += [
            f"p:{left} {right}"
            for left, right in itertools.pairwise(syllables)
            if not (left in _FOLDED_IGNORED and right in _FOLDED_IGNORED)
            and f"{left}_{right}" not in _FRAME_KEYS
        ]
        return terms

    # -- proposing ------------------------------------------------------------------------------

    def _propose_batch(
        self, batch: Sequence[tuple[int, str]], *, limit: int
    ) -> dict[int, list[SectionProposal]]:
        query_terms = [self._query_columns(text) for _, text in batch]
        scores = self._scores(query_terms)
        found: dict[int, list[SectionProposal]] = {}
        for row, (item_id, text) in enumerate(batch):
            found[item_id] = self._proposals(text, scores[row], query_terms[row], limit=limit)
        return found

    def _query_columns(self, text: str) -> list[int]:
        """The distinct vocabulary columns of the text's terms."""
        known = (self._vocabulary.get(term) for term in self._terms_of(text))
        return sorted({column for column in known if column is not None})

    def _scores(self, query_terms: list[list[int]]) -> np.ndarray:
        """BM25 scores, one row per query and one column per section."""
        if not self.sections:
            return np.zeros((len(query_terms), 0))
        indptr = np.cumsum([0, *(len(columns) for columns in query_terms)])
        indices = np.fromiter((c for columns in query_terms for c in columns), dtype=np.int64)
        data = np.ones(len(indices), dtype=np.float64)
        shape = (len(query_terms), self._weights_t.shape[0])
        queries = sparse.csr_matrix((data, indices, indptr), shape=shape)
        return np.asarray((queries @ self._weights_t).toarray())

    def _proposals(
        self, text: str, scores: np.ndarray, columns: list[int], *, limit: int
    ) -> list[SectionProposal]:
        referenced = self._referenced(text, scores)[:limit]
        taken = {proposal.section_id for proposal in referenced}
        factor = BESIDE_REFERENCE_FACTOR if referenced else 1.0
        retrieved = [
            SectionProposal(p.section_id, round(p.confidence * factor, 3), p.method, p.evidence)
            for p in self._retrieved(scores, columns, limit=limit + len(taken))
            if p.section_id not in taken
        ]
        return (referenced + retrieved)[:limit]

    def _referenced(self, text: str, scores: np.ndarray) -> list[SectionProposal]:
        """Sections named in the text, in order of appearance."""
        proposals: list[SectionProposal] = []
        seen: set[int] = set()
        if not _REFERENCE_HINT.search(fold(text)):
            return []
        for ref in find_references(text):
            position, confidence = self._resolve(ref, scores)
            if position is None or position in seen:
                continue
            seen.add(position)
            if _is_external(text, ref):
                confidence = min(confidence, EXTERNAL_REFERENCE_CONFIDENCE)
            written = text[ref.start : ref.end]
            section_id = self.sections[position].id
            proposals.append(SectionProposal(section_id, confidence, "reference", written))
        return proposals

    def _resolve(self, ref: Reference, scores: np.ndarray) -> tuple[int | None, float]:
        """The referenced section and confidence; retrieval settles a reference naming several."""
        position = self._index.resolve(ref)
        if position is not None:
            return position, REFERENCE_CONFIDENCE
        candidates = [i for i, section in enumerate(self.sections) if _names(ref, section.path)]
        if not candidates:
            return None, 0.0
        best = max(candidates, key=lambda i: scores[i])
        if scores[best] <= 0 or sum(scores[i] == scores[best] for i in candidates) > 1:
            return None, 0.0
        return best, NARROWED_REFERENCE_CONFIDENCE

    def _retrieved(
        self, scores: np.ndarray, columns: list[int], *, limit: int
    ) -> list[SectionProposal]:
        """The best-scoring sections, the most specific of nested ones, with confidences."""
        ranked = self._ranked(scores, limit=limit)
        if not ranked:
            return []
        top = ranked[0][1]
        values = [value for _, value in ranked]
        proposals = []
        ceiling = 1.0
        for rank, (position, value) in enumerate(ranked):
            previous = values[rank - 1] if rank else value
            following = values[rank + 1] if rank + 1 < len(values) else 0.0
            # Never more confident in a section than in one ranked above it.
            confidence = min(_confidence(value, top, previous, following), ceiling)
            ceiling = confidence
            evidence = self._evidence(position, columns)
            section_id = self.sections[position].id
            proposals.append(SectionProposal(section_id, confidence, "retrieval", evidence))
        return proposals

    def _ranked(self, scores: np.ndarray, *, limit: int) -> list[tuple[int, float]]:
        """(position, score) of the best sections, best first, none inside another."""
        pool = min(len(scores), limit * 3 + 2)
        if pool == 0:
            return []
        candidates = np.argpartition(-scores, pool - 1)[:pool]
        ordered = [int(i) for i in candidates[np.argsort(-scores[candidates], kind="stable")]]
        ordered = [i for i in ordered if scores[i] > 0]
        if not self._nested:
            return [(i, float(scores[i])) for i in ordered[: limit + 1]]
        return self._most_specific(ordered, scores)[: limit + 1]

    def _most_specific(self, ordered: list[int], scores: np.ndarray) -> list[tuple[int, float]]:
        """Replace a section by a sub-section that scores nearly as well; drop overlaps."""
        chosen: list[tuple[int, float]] = []
        covered: set[int] = set()
        for position in ordered:
            if position in covered or self._ancestors[position] & covered:
                continue
            pick = position
            while True:
                inner = [
                    i
                    for i in ordered
                    if pick in self._ancestors[i] and scores[i] >= SPECIFICITY_RATIO * scores[pick]
                ]
                if not inner:
                    break
                pick = max(inner, key=lambda i: scores[i])
            chosen.append((pick, float(scores[position])))
            covered.add(pick)
            covered.update(self._ancestors[pick])
        return chosen

    def _evidence(self, position: int, columns: list[int]) -> str:
        """The query's words that weigh most in the section; plain syllables if no word matched."""
        weights = self._doc_weights[position]
        matched = sorted((c for c in columns if weights.get(c, 0.0) > 0), key=lambda c: -weights[c])
        words = [self._terms[c] for c in matched if self._terms[c].startswith("w:")]
        chosen = words or [self._terms[c] for c in matched]
        shown: list[tuple[str, str]] = []  # (display, folded)
        for term in chosen:
            display = term[2:].replace("_", " ")
            key = _folded(display)
            if not any(key in other or other in key for _, other in shown):
                shown.append((display, key))
            if len(shown) == EVIDENCE_TERMS:
                break
        return ", ".join(display for display, _ in shown)


def _confidence(value: float, top: float, previous: float, following: float) -> float:
    """Calibrated probability that a retrieved section is the one addressed."""
    share_weight, gap_next_weight, gap_prev_weight, score_weight, bias = _CALIBRATION
    share = value / top
    gap_next = (value - following) / top
    gap_prev = (previous - value) / top
    logit = (
        share_weight * share
        + gap_next_weight * gap_next
        + gap_prev_weight * gap_prev
        + score_weight * math.log1p(value)
        + bias
    )
    return round(1.0 / (1.0 + math.exp(-logit)), 3)


def _names(ref: Reference, path: str) -> bool:
    """Whether the section at path is one the reference could mean (last component its own)."""
    components = [
        (kind, number.partition("~")[0].lower())
        for kind, _, number in (piece.partition(":") for piece in path.split("/"))
    ]
    if not components or components[-1] != ref.components[-1]:
        return False
    remaining = iter(components)
    return all(component in remaining for component in ref.components)


def _is_external(text: str, ref: Reference) -> bool:
    """Whether another act's name follows the reference ("Điều 5 Luật Đất đai", not "Luật này")."""
    words = _WORD.findall(fold(text[ref.end : ref.end + 60]))
    while words and words[0] in _CONNECTORS:
        words = words[1:]
    for act in _EXTERNAL_ACTS:
        if tuple(words[: len(act)]) == act:
            rest = words[len(act) : len(act) + 2]
            return not (rest and rest[0] in _INTERNAL_WORDS)
    return False
