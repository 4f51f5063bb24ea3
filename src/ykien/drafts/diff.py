"""Map the sections of a new draft version onto those of the previous version.

Sections are matched top-down: the roots of both versions first, then the children of every
matched pair, then whatever is left over anywhere in the documents. Inside each group the
matching goes from cheap and certain to costly: identical number and content, content that
occurs exactly once on each side, then fuzzy similarity (rapidfuzz) between the sections lying
in the same gap between those anchors. A section is compared by its own heading and text plus
the beginning of its sub-tree, so that an article whose text sits entirely in its clauses is
still recognised after renumbering.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

# Below this similarity (0..1) two sections are unrelated; sections with the same number in the
# same place need less evidence than sections that moved.
MIN_SIMILARITY = 0.5
MIN_SIMILARITY_SAME_NUMBER = 0.3
# Gaps with at most this many old x new pairs are compared exhaustively; larger ones in a window.
FULL_COMPARISON_PAIRS = 2_500
WINDOW = 12
# Characters of a sub-tree's text that take part in matching.
SIGNATURE_CHARS = 1_000
DIFF_CONTEXT_WORDS = 4
MAX_DIFF_CHARS = 4_000
_WORDS_ONLY_BELOW_LINES = 3


class SectionLike(Protocol):
    """What the mapping reads of a section (parsed or stored)."""

    @property
    def kind(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def heading(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass
class SectionMatch:
    """How one old and/or one new section correspond."""

    old_index: int | None
    new_index: int | None
    status: str  # "same", "changed", "new" or "removed"
    similarity: float
    diff: str = ""


@dataclass(slots=True)
class _Side:
    """One version, pre-digested for matching."""

    kinds: list[str]
    own: list[str]
    signature: list[str]
    paths: list[str]
    numbers: list[str]
    children: list[list[int]]
    roots: list[int]


def map_versions(old: Sequence[SectionLike], new: Sequence[SectionLike]) -> list[SectionMatch]:
    """Every old and every new section exactly once: matched (same/changed), removed or new."""
    before, after = _side(old), _side(new)
    matcher = _Matcher(before, after)
    matcher.run()
    return _results(old, new, before, after, matcher.old_to_new)


# ---------------------------------------------------------------------------------------------
# Preparing a version


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _side(sections: Sequence[SectionLike]) -> _Side:
    """Kinds, texts, numbers and the tree (derived from the paths) of one version."""
    index_of_path: dict[str, int] = {}
    for index, section in enumerate(sections):
        index_of_path.setdefault(section.path, index)
    children: list[list[int]] = [[] for _ in sections]
    roots: list[int] = []
    for index, section in enumerate(sections):
        parent_path, _, _ = section.path.rpartition("/")
        parent = index_of_path.get(parent_path) if parent_path else None
        (children[parent] if parent is not None else roots).append(index)
    own = [_normalise(f"{s.heading} {s.text}") for s in sections]
    return _Side(
        kinds=[s.kind for s in sections],
        own=own,
        signature=_signatures(own, children, roots),
        paths=[s.path for s in sections],
        numbers=[s.path.rpartition("/")[2].partition("~")[0] for s in sections],
        children=children,
        roots=roots,
    )


def _signatures(own: list[str], children: list[list[int]], roots: list[int]) -> list[str]:
    """Each section's own text followed by its sub-tree's, cut to SIGNATURE_CHARS."""
    signature = [""] * len(own)
    for index in _post_order(children, roots):
        parts = [own[index], *(signature[child] for child in children[index])]
        signature[index] = " ".join(part for part in parts if part)[:SIGNATURE_CHARS]
    return signature


def _post_order(children: list[list[int]], roots: list[int]) -> Iterator[int]:
    """Children before their parents, without recursion."""
    stack = [(root, False) for root in reversed(roots)]
    while stack:
        index, expanded = stack.pop()
        if expanded:
            yield index
            continue
        stack.append((index, True))
        stack.extend((child, False) for child in reversed(children[index]))


# ---------------------------------------------------------------------------------------------
# Matching


class _Matcher:
    """Pairs old and new sections, group by group."""

    def __init__(self, old: _Side, new: _Side) -> None:
        self.old = old
        self.new = new
        self.old_to_new: dict[int, int] = {}
        self.new_taken: set[int] = set()

    def run(self) -> None:
        """Roots, then the children of each matched pair, then all that is left."""
        self._descend(self._align(self.old.roots, self.new.roots, self._number_key))
        left_old = [i for i in range(len(self.old.kinds)) if i not in self.old_to_new]
        left_new = [j for j in range(len(self.new.kinds)) if j not in self.new_taken]
        self._descend(self._align(left_old, left_new, self._path_key))

    def _descend(self, pairs: list[tuple[int, int]]) -> None:
        """Match the children of matched pairs with each other, all the way down."""
        while pairs:
            o, n = pairs.pop()
            pairs += self._align(self.old.children[o], self.new.children[n], self._number_key)

    def _number_key(self, side: _Side, index: int) -> tuple[str, str]:
        return side.numbers[index], side.signature[index]

    def _path_key(self, side: _Side, index: int) -> tuple[str, str]:
        return side.paths[index], side.signature[index]

    def _align(
        self,
        olds: list[int],
        news: list[int],
        exact_key: Callable[[_Side, int], tuple[str, str]],
    ) -> list[tuple[int, int]]:
        """Match two ordered lists of sections; returns the new pairs."""
        olds = [i for i in olds if i not in self.old_to_new]
        news = [j for j in news if j not in self.new_taken]
        if not olds or not news:
            return []
        found = self._match_exact(olds, news, exact_key)
        found += self._match_unique(olds, news)
        for gap_olds, gap_news in self._gaps(olds, news, found):
            found += self._match_similar(gap_olds, gap_news)
        return found

    def _pair(self, o: int, n: int) -> tuple[int, int]:
        self.old_to_new[o] = n
        self.new_taken.add(n)
        return o, n

    def _match_exact(
        self,
        olds: list[int],
        news: list[int],
        key: Callable[[_Side, int], tuple[str, str]],
    ) -> list[tuple[int, int]]:
        """Same number (or path) and same content, in document order."""
        waiting: dict[tuple[str, str], list[int]] = {}
        for o in reversed(olds):
            waiting.setdefault(key(self.old, o), []).append(o)
        found = []
        for n in news:
            candidates = waiting.get(key(self.new, n))
            if candidates:
                found.append(self._pair(candidates.pop(), n))  # the first in document order
        return found

    def _match_unique(self, olds: list[int], news: list[int]) -> list[tuple[int, int]]:
        """Content that occurs once among the unmatched sections on each side (moved sections)."""
        old_counts = _content_index(self.old, [o for o in olds if o not in self.old_to_new])
        new_counts = _content_index(self.new, [n for n in news if n not in self.new_taken])
        found = []
        for content, old_list in old_counts.items():
            new_list = new_counts.get(content)
            if len(old_list) == 1 and new_list is not None and len(new_list) == 1:
                found.append(self._pair(old_list[0], new_list[0]))
        return found

    def _gaps(
        self, olds: list[int], news: list[int], anchors: list[tuple[int, int]]
    ) -> Iterator[tuple[list[int], list[int]]]:
        """The unmatched sections between consecutive anchors of an order-keeping backbone."""
        old_pos = {o: k for k, o in enumerate(olds)}
        new_pos = {n: k for k, n in enumerate(news)}
        backbone = _increasing([(old_pos[o], new_pos[n]) for o, n in anchors])
        bounds = [(-1, -1), *backbone, (len(olds), len(news))]
        for (o1, n1), (o2, n2) in pairwise(bounds):
            gap_olds = [o for o in olds[o1 + 1 : o2] if o not in self.old_to_new]
            gap_news = [n for n in news[n1 + 1 : n2] if n not in self.new_taken]
            if gap_olds and gap_news:
                yield gap_olds, gap_news

    def _match_similar(self, olds: list[int], news: list[int]) -> list[tuple[int, int]]:
        """Best-first pairs of similar sections of the same kind within one gap."""
        scored = []
        for o, n, offset in _candidates(olds, news):
            if self.old.kinds[o] != self.new.kinds[n]:
                continue
            score = self._similarity(o, n)
            if score:
                scored.append((-score, offset, o, n))
        scored.sort()
        found = []
        for _, _, o, n in scored:
            if o not in self.old_to_new and n not in self.new_taken:
                found.append(self._pair(o, n))
        return found

    def _similarity(self, o: int, n: int) -> float:
        """Similarity of the two sub-trees, or 0 when below the threshold for this pair."""
        same_number = self.old.numbers[o] == self.new.numbers[n]
        threshold = MIN_SIMILARITY_SAME_NUMBER if same_number else MIN_SIMILARITY
        return fuzz.ratio(
            self.old.signature[o], self.new.signature[n], score_cutoff=threshold * 100
        )


def _content_index(side: _Side, indexes: list[int]) -> dict[tuple[str, str], list[int]]:
    """Sections by (kind, signature)."""
    found: dict[tuple[str, str], list[int]] = {}
    for index in indexes:
        found.setdefault((side.kinds[index], side.signature[index]), []).append(index)
    return found


def _candidates(olds: list[int], news: list[int]) -> Iterator[tuple[int, int, float]]:
    """Pairs worth comparing with how far apart they sit; a window around the diagonal if many."""
    scale = len(news) / len(olds)
    exhaustive = len(olds) * len(news) <= FULL_COMPARISON_PAIRS
    for k, o in enumerate(olds):
        centre = k * scale
        if exhaustive:
            window = range(len(news))
        else:
            window = range(max(0, int(centre) - WINDOW), min(len(news), int(centre) + WINDOW + 1))
        for m in window:
            yield o, news[m], abs(m - centre)


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of (old, new) positions increasing in both (patience sorting)."""
    pairs = sorted(pairs)
    tails: list[int] = []
    tail_at: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for k, (_, new_pos) in enumerate(pairs):
        slot = bisect.bisect_left(tails, new_pos)
        if slot == len(tails):
            tails.append(new_pos)
            tail_at.append(k)
        else:
            tails[slot] = new_pos
            tail_at[slot] = k
        previous[k] = tail_at[slot - 1] if slot else -1
    chain = []
    k = tail_at[-1] if tail_at else -1
    while k != -1:
        chain.append(pairs[k])
        k = previous[k]
    return chain[::-1]


# ---------------------------------------------------------------------------------------------
# Results


def _results(
    old: Sequence[SectionLike],
    new: Sequence[SectionLike],
    before: _Side,
    after: _Side,
    old_to_new: dict[int, int],
) -> list[SectionMatch]:
    """Matches in new-document order, each removed section after its old predecessor's match."""
    new_to_old = {n: o for o, n in old_to_new.items()}
    keyed: list[tuple[float, int, SectionMatch]] = []
    for n in range(len(new)):
        o = new_to_old.get(n)
        if o is None:
            match = SectionMatch(None, n, "new", 0.0)
        elif before.own[o] == after.own[n]:
            match = SectionMatch(o, n, "same", 1.0)
        else:
            similarity = round(fuzz.ratio(before.own[o], after.own[n]) / 100, 4)
            match = SectionMatch(o, n, "changed", similarity, _section_diff(old[o], new[n]))
        keyed.append((float(n), 0, match))
    anchor = -0.5
    for o in range(len(old)):
        if o in old_to_new:
            anchor = float(old_to_new[o])
        else:
            keyed.append((anchor + 0.5, o, SectionMatch(o, None, "removed", 0.0)))
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [match for _, _, match in keyed]


# ---------------------------------------------------------------------------------------------
# Diffs


def _section_diff(before: SectionLike, after: SectionLike) -> str:
    """A compact diff of heading and text: by line for long texts, else by word."""
    old_lines = [line for line in (before.heading, *before.text.splitlines()) if line.strip()]
    new_lines = [line for line in (after.heading, *after.text.splitlines()) if line.strip()]
    if max(len(old_lines), len(new_lines)) < _WORDS_ONLY_BELOW_LINES:
        diff = _word_diff(" ".join(old_lines), " ".join(new_lines))
    else:
        diff = _line_diff(old_lines, new_lines)
    return diff if len(diff) <= MAX_DIFF_CHARS else diff[: MAX_DIFF_CHARS - 1] + "…"


def _line_diff(old_lines: list[str], new_lines: list[str]) -> str:
    """Unified diff lines with one line of context and no file headers."""
    lines = difflib.unified_diff(old_lines, new_lines, n=1, lineterm="")
    return "\n".join(line for line in lines if not line.startswith(("---", "+++")))


def _word_diff(old: str, new: str) -> str:
    """Words removed as [-...-] and added as {+...+}, with a little context around each change."""
    a, b = old.split(), new.split()
    opcodes = list(Indel.opcodes(a, b))
    pieces: list[str] = []
    removed: list[str] = []
    added: list[str] = []
    for k, op in enumerate(opcodes):
        if op.tag != "equal":
            removed += a[op.src_start : op.src_end]
            added += b[op.dest_start : op.dest_end]
            continue
        pieces += _change(removed, added)
        removed, added = [], []
        words = a[op.src_start : op.src_end]
        pieces.append(_context(words, first=k == 0, last=k == len(opcodes) - 1))
    pieces += _change(removed, added)
    return " ".join(piece for piece in pieces if piece)


def _change(removed: list[str], added: list[str]) -> list[str]:
    """One change as "[-old-] {+new+}" pieces."""
    pieces = []
    if removed:
        pieces.append("[-" + " ".join(removed) + "-]")
    if added:
        pieces.append("{+" + " ".join(added) + "+}")
    return pieces


def _context(words: list[str], *, first: bool, last: bool) -> str:
    """Unchanged words between changes, shortened to a few words on each side."""
    keep = DIFF_CONTEXT_WORDS
    head = [] if first else words[:keep]
    tail = [] if last else words[-keep:]
    if len(words) <= len(head) + len(tail):
        return " ".join(words)
    return " ".join([*head, "…", *tail]).strip()


# ---------------------------------------------------------------------------------------------
# Showing a stored diff


@dataclass(frozen=True)
class DiffPiece:
    """A run of a stored diff: "same" (context), "removed", "added" or "gap" (lines left out)."""

    kind: str
    text: str


_WORD_CHANGE = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}", re.DOTALL)


def diff_pieces(diff: str) -> list[DiffPiece]:
    """A stored diff (word diff with [-…-] and {+…+}, or unified lines) as pieces to show."""
    if diff.startswith("@@"):
        return [_line_piece(line) for line in diff.split("\n")]
    pieces: list[DiffPiece] = []
    at = 0
    for match in _WORD_CHANGE.finditer(diff):
        if match.start() > at:
            pieces.append(DiffPiece("same", diff[at : match.start()]))
        removed, added = match.group(1), match.group(2)
        pieces.append(
            DiffPiece("removed", removed) if removed is not None else DiffPiece("added", added)
        )
        at = match.end()
    if at < len(diff):
        pieces.append(DiffPiece("same", diff[at:]))
    return pieces


def _line_piece(line: str) -> DiffPiece:
    if line.startswith("@@"):
        return DiffPiece("gap", "…\n")
    kind = {"-": "removed", "+": "added"}.get(line[:1], "same")
    return DiffPiece(kind, (line[1:] if line[:1] in "-+ " and line else line) + "\n")
