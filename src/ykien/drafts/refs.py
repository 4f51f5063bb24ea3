"""References to sections in free text ("khoản 2 Điều 5", "mục 3 phần II") and their resolution.

Matching ignores case, tone placement and missing diacritics ("dieu 5", "Khoan 2 dieu 5",
"Điều 5" with the tone on either vowel). A keyword written with diacritics must carry the right
ones, so "phân 2" (divide) is not read as "phần 2".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, product
from typing import Protocol

from ykien.drafts.parse import normalise_number
from ykien.text import fold, nfc, tone_key

# Nesting order of the kinds; a chain of components must follow it in one direction.
KIND_RANKS = {
    "preamble": 0,
    "phan": 1,
    "chuong": 2,
    "muc": 3,
    "tieu_muc": 4,
    "dieu": 5,
    "khoan": 6,
    "diem": 7,
    "doan": 8,
}
# Keywords as written with diacritics -> kind.
_KEYWORDS = {
    ("lời", "nói", "đầu"): "preamble",
    ("lời", "mở", "đầu"): "preamble",
    ("tiểu", "mục"): "tieu_muc",
    ("phần",): "phan",
    ("chương",): "chuong",
    ("mục",): "muc",
    ("điều",): "dieu",
    ("khoản",): "khoan",
    ("điểm",): "diem",
    ("đoạn",): "doan",
}
_Keyword = tuple[tuple[str, ...], str, tuple[str, ...]]  # folded words, kind, written words


def _keywords_by_start() -> dict[str, list[_Keyword]]:
    """First folded word -> the keywords starting with it, longest first."""
    found: dict[str, list[_Keyword]] = {}
    for words, kind in sorted(_KEYWORDS.items(), key=lambda item: -len(item[0])):
        folded = tuple(fold(word) for word in words)
        found.setdefault(folded[0], []).append((folded, kind, words))
    return found


_KEYWORDS_BY_START = _keywords_by_start()
_ORDINAL_WORDS = frozenset(
    {"nhat", "mot", "hai", "ba", "tu", "bon", "nam", "lam", "sau", "bay", "tam", "chin", "muoi"}
)
_LIST_WORDS = frozenset({"va", "hoac"})
_CONNECTOR_WORDS = frozenset({"cua", "tai", "thuoc", "trong"})
_MAX_CONNECTORS = 2
# Cap on the references one list expression may expand to ("các điểm a, b khoản 1, 2 ...").
_MAX_EXPANSION = 50
# Keys of the index hold up to this many ancestor components besides the section's own.
_KEY_ANCESTORS = 2
_MAX_ROMAN = 40

_TOKEN = re.compile(r"\d+(?:\.\d+)+|[\w\u0300-\u036f]+|[,;]")
_SHORT_CODE = re.compile(r"\s*[dđĐDÐ]\s*\.?\s*(\d{1,4}[a-zA-Z]?)\s*")
_ARTICLE_NUMBER = re.compile(r"\d{1,4}[a-z]?")
_DOTTED_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3})*")
_ROMAN = re.compile(r"[ivxlc]+")
_LETTER = re.compile(r"[a-zđ]")

Component = tuple[str, str]


class HasPath(Protocol):
    """A section as the index needs it."""

    @property
    def path(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Reference:
    """A referenced section: components outermost first, and its place in the text."""

    components: tuple[Component, ...]
    start: int
    end: int


@dataclass(slots=True)
class _Token:
    text: str  # as written, NFC
    folded: str
    start: int
    end: int
    joined: bool  # only white space between this token and the previous one


@dataclass(slots=True)
class _Part:
    """One keyword with its number or list of numbers: "khoản 1, 2 và 3"."""

    kind: str
    numbers: list[str]
    first: int  # token indexes
    last: int


@dataclass(slots=True)
class _Chain:
    """Parts that together name sections: "điểm a khoản 2 Điều 5", and its token span."""

    parts: list[_Part]
    first: int
    last: int


# ---------------------------------------------------------------------------------------------
# Finding references


def find_references(text: str) -> list[Reference]:
    """All references in the text, in order; a list ("Điều 7, 8 và 9") gives one per number."""
    short = _short_code(text)
    if short is not None:
        return [short]
    tokens = _tokens(text)
    chains = list(_chains(tokens))
    _share_outer_parts(chains, tokens)
    return [ref for chain in chains for ref in _expand(chain, tokens)]


def _short_code(text: str) -> Reference | None:
    """ "đ5" / "d5" / "Đ.5" as the whole input means Điều 5."""
    match = _SHORT_CODE.fullmatch(text)
    if match is None:
        return None
    number = normalise_number(match.group(1)) or match.group(1)
    stripped = text.strip()
    start = text.index(stripped[0])
    return Reference((("dieu", number),), start, start + len(stripped))


def _tokens(text: str) -> list[_Token]:
    """Words, numbers and list commas with their offsets in the original text."""
    tokens: list[_Token] = []
    previous_end = 0
    for match in _TOKEN.finditer(text):
        written = _written(match.group(0))
        between = text[previous_end : match.start()]
        tokens.append(
            _Token(written, _fold_word(written), match.start(), match.end(), not between.strip())
        )
        previous_end = match.end()
    return tokens


@lru_cache(maxsize=65_536)
def _written(raw: str) -> str:
    """A token in NFC, with the look-alike eth read as Đ."""
    return raw if raw.isascii() else nfc(raw).replace("ð", "đ").replace("Ð", "Đ")


@lru_cache(maxsize=65_536)
def _fold_word(word: str) -> str:
    return fold(word)


def _chains(tokens: list[_Token]) -> Iterator[_Chain]:
    """Chains of parts, left to right."""
    i = 0
    while i < len(tokens):
        part = _part_at(tokens, i)
        if part is None:
            i += 1
            continue
        chain = _Chain([part], part.first, part.last)
        i = _extend_chain(chain, tokens, part.last + 1)
        chain.last = max(p.last for p in chain.parts)
        yield chain


def _extend_chain(chain: _Chain, tokens: list[_Token], i: int) -> int:
    """Add the parts that continue the chain; returns the index after it."""
    while True:
        j = i
        while (
            j < len(tokens)
            and j - i < _MAX_CONNECTORS
            and tokens[j].joined
            and (tokens[j].folded in _CONNECTOR_WORDS or tokens[j].text == ",")
        ):
            j += 1
        part = _part_at(tokens, j) if j < len(tokens) and tokens[j].joined else None
        if part is None or not _continues(chain, part.kind):
            return i
        chain.parts.append(part)
        i = part.last + 1


def _continues(chain: _Chain, kind: str) -> bool:
    """A new kind, nesting in the same direction as the chain so far."""
    ranks = [KIND_RANKS[part.kind] for part in chain.parts]
    rank = KIND_RANKS[kind]
    if rank in ranks:
        return False
    if len(ranks) == 1:
        return True
    rising = ranks[1] > ranks[0]
    return rank > ranks[-1] if rising else rank < ranks[-1]


def _part_at(tokens: list[_Token], i: int) -> _Part | None:
    """The keyword at token i with its numbers, if any."""
    keyword = _keyword_at(tokens, i)
    if keyword is None:
        return None
    kind, after = keyword
    if kind == "preamble":
        return _Part(kind, [""], i, after - 1)
    first = _number_at(tokens, after, kind)
    if first is None:
        return None
    numbers, last = [first[0]], first[1]
    while True:
        following = _listed_number(tokens, last + 1, kind)
        if following is None:
            return _Part(kind, numbers, i, last)
        numbers.append(following[0])
        last = following[1]


def _keyword_at(tokens: list[_Token], i: int) -> tuple[str, int] | None:
    """(kind, index after the keyword) for a correctly or plainly written keyword at i."""
    for folded, kind, spelled in _KEYWORDS_BY_START.get(tokens[i].folded, ()):
        words = tokens[i : i + len(folded)]
        if (
            len(words) == len(folded)
            and all(t.joined and t.folded == f for t, f in zip(words[1:], folded[1:], strict=True))
            and all(_spelled_well(t.text, w) for t, w in zip(words, spelled, strict=True))
        ):
            return kind, i + len(folded)
    return None


@lru_cache(maxsize=4_096)
def _spelled_well(written: str, word: str) -> bool:
    """Typed without diacritics, or with the right ones (the tone on either vowel)."""
    return written.isascii() or tone_key(written) == tone_key(word)


def _number_at(tokens: list[_Token], i: int, kind: str) -> tuple[str, int] | None:
    """(normalised number, last token index) right after a keyword."""
    if i >= len(tokens) or not tokens[i].joined:
        return None
    if kind in ("phan", "chuong") and tokens[i].folded == "thu":
        return _ordinal_at(tokens, i)
    value = _number_value(tokens[i], kind)
    return None if value is None else (value, i)


def _ordinal_at(tokens: list[_Token], i: int) -> tuple[str, int] | None:
    """ "thứ nhất", "thứ hai mươi mốt" after Phần or Chương."""
    j = i + 1
    while j < len(tokens) and tokens[j].joined and tokens[j].folded in _ORDINAL_WORDS:
        j += 1
    words = " ".join(t.text for t in tokens[i + 1 : j])
    value = normalise_number(f"thứ {words}") if words else None
    return None if value is None else (value, j - 1)


def _listed_number(tokens: list[_Token], i: int, kind: str) -> tuple[str, int] | None:
    """A further number of a list: ", 8", "và 9", ", và 10"."""
    j = i
    while j < len(tokens) and j - i < 2 and _is_list_separator(tokens[j]):
        j += 1
    if j == i or j >= len(tokens) or _keyword_at(tokens, j) is not None:
        return None
    value = _number_value(tokens[j], kind) if tokens[j].joined else None
    return None if value is None else (value, j)


def _number_value(token: _Token, kind: str) -> str | None:
    """The token as a number of this kind of section, normalised as the parser does."""
    folded = token.folded
    if kind == "diem":
        letter = token.text.lower()
        return letter if _LETTER.fullmatch(letter) else None
    if kind in ("dieu", "khoan"):
        return normalise_number(folded) if _ARTICLE_NUMBER.fullmatch(folded) else None
    if _DOTTED_NUMBER.fullmatch(folded):
        return normalise_number(folded)
    if kind != "doan" and _ROMAN.fullmatch(folded):
        return _roman(token.text)
    return None


def _roman(written: str) -> str | None:
    """Roman numerals as written upper-case, or lower-case ones of small value."""
    value = normalise_number(written.upper())
    if value is None or (not written.isupper() and int(value) > _MAX_ROMAN):
        return None
    return value


def _share_outer_parts(chains: list[_Chain], tokens: list[_Token]) -> None:
    """ "khoản 1 và khoản 2 Điều 5": the first chain borrows "Điều 5" from the second."""
    for left, right in zip(reversed(chains[:-1]), reversed(chains[1:]), strict=True):
        if len(left.parts) != 1:
            continue
        gap = tokens[left.last + 1 : right.first]
        if not gap or not all(_is_list_separator(t) for t in gap):
            continue
        rank = KIND_RANKS[left.parts[0].kind]
        if any(KIND_RANKS[part.kind] == rank for part in right.parts):
            left.parts += [part for part in right.parts if KIND_RANKS[part.kind] < rank]


def _is_list_separator(token: _Token) -> bool:
    return token.joined and (token.text == "," or token.folded in _LIST_WORDS)


def _expand(chain: _Chain, tokens: list[_Token]) -> Iterator[Reference]:
    """One reference per combination of listed numbers, components outermost first."""
    parts = sorted(chain.parts, key=lambda part: KIND_RANKS[part.kind])
    start, end = tokens[chain.first].start, tokens[chain.last].end
    combos = product(*([(p.kind, n) for n in p.numbers] for p in parts))
    for count, components in enumerate(combos):
        if count == _MAX_EXPANSION:
            return
        yield Reference(tuple(components), start, end)


# ---------------------------------------------------------------------------------------------
# Resolving references


_AMBIGUOUS = -1


class SectionIndex:
    """Looks up the section a reference names, by dictionary, for bulk imports.

    A section matches when the reference's components appear, in order, among its path's
    components and the last one is the section's own. A section whose path has exactly the
    reference's components wins over deeper ones; two equally good matches mean no answer.
    """

    def __init__(self, sections: Sequence[HasPath]) -> None:
        self._paths = [_path_components(s.path) for s in sections]
        # key -> [best exact-depth index, best deeper index]; _AMBIGUOUS when several.
        self._keys: dict[tuple[Component, ...], list[int | None]] = {}
        self._by_own: dict[Component, list[int]] = {}
        for index, components in enumerate(self._paths):
            self._add(index, components)

    def resolve(self, ref: Reference) -> int | None:
        """Index of the section the reference names, or None if none or several."""
        wanted = ref.components
        if not wanted:
            return None
        if len(wanted) <= _KEY_ANCESTORS + 1:
            slots = self._keys.get(wanted)
            if slots is None:
                return None
            found = slots[0] if slots[0] is not None else slots[1]
            return None if found == _AMBIGUOUS else found
        return self._resolve_long(wanted)

    def resolve_text(self, text: str) -> int | None:
        """The section named by a cell such as "khoản 2 Điều 5" or "Chương II"; None if unclear."""
        found = {self.resolve(ref) for ref in find_references(text)}
        if len(found) != 1:
            return None
        return found.pop()

    def _add(self, index: int, components: tuple[Component, ...]) -> None:
        if not components:
            return
        *ancestors, own = components
        self._by_own.setdefault(own, []).append(index)
        for size in range(min(len(ancestors), _KEY_ANCESTORS) + 1):
            for chosen in combinations(ancestors, size):
                key = (*chosen, own)
                slots = self._keys.setdefault(key, [None, None])
                slot = 0 if len(key) == len(components) else 1
                slots[slot] = index if slots[slot] is None else _AMBIGUOUS

    def _resolve_long(self, wanted: tuple[Component, ...]) -> int | None:
        """References with many components: check the candidates ending in the same section."""
        exact: list[int] = []
        deeper: list[int] = []
        for index in self._by_own.get(wanted[-1], []):
            components = self._paths[index]
            if _is_subsequence(wanted, components):
                (exact if len(components) == len(wanted) else deeper).append(index)
        best = exact or deeper
        return best[0] if len(best) == 1 else None


def _path_components(path: str) -> tuple[Component, ...]:
    """ "chuong:2/dieu:5~2" -> (("chuong", "2"), ("dieu", "5"))."""
    components = []
    for piece in path.split("/"):
        kind, _, number = piece.partition(":")
        components.append((kind, number.partition("~")[0].lower()))
    return tuple(components)


def _is_subsequence(wanted: tuple[Component, ...], components: tuple[Component, ...]) -> bool:
    remaining = iter(components)
    return all(component in remaining for component in wanted)
