"""Whether two similar texts make different claims: the check before two opinions join.

Near-copies differ in a few words; usually spelling, a synonym or a courtesy line, sometimes
the one word that carries the claim. Before two texts join, the words they differ in are checked:

- numbers: the numbers (digits, and magnitude words such as "triệu", "million") must be the same;
- negation: the same count of negating words ("không", "chưa", "chẳng", "bất", "not", "never",
  "n't", ...), so "đồng ý" and "không đồng ý" stay apart;
- antonyms: a word on one side whose opposite (a small bilingual lexicon of general opposites:
  tăng/giảm, cho phép/cấm, increase/decrease, legal/illegal) is on the other, and English
  negating prefixes ("affordable" / "unaffordable");
- content words (short texts only, where one word is the claim): a content word replaced by
  another that is not the same word misspelt or typed without diacritics, and not an alternative
  the consultation's copies use again and again (a campaign's slot), e.g. "city" / "town",
  "medical" / "recreational".

Texts are compared by their analysis keys (lower case, one tone placement; see textpipe).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from ykien.analysis.textpipe import EN_STOPWORDS, VI_STOPWORDS
from ykien.text import fold

SHORT_WORDS = 25  # texts up to this many words are checked word by word
KNOWN_ALTERNATIVE = 3  # a substitution seen in this many pairs is a campaign's slot
TYPO_RATIO = 0.75

NEGATIONS = frozenset(
    [
        "không",
        "chưa",
        "chẳng",
        "chả",
        "đừng",
        "chớ",
        "bất",
        "khong",
        "chua",
        "chang",
        "not",
        "no",
        "never",
        "cannot",
        "nor",
        "without",
        "none",
        "neither",
        "nobody",
        "nothing",
        "nowhere",
    ]
)
MAGNITUDES = frozenset(
    [
        "nghìn",
        "ngàn",
        "triệu",
        "tỷ",
        "tỉ",
        "trăm",
        "phần_trăm",
        "nghin",
        "ngan",
        "trieu",
        "ty",
        "ti",
        "tram",
        "hundred",
        "thousand",
        "million",
        "billion",
        "trillion",
        "percent",
    ]
)
NUMBER_WORDS = frozenset(
    [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
    ]
)
# General opposites, both languages (not any one source's words): each line is one pair.
OPPOSITES = """
tăng giảm|cao thấp|nhiều ít|đồng_ý phản_đối|ủng_hộ phản_đối|cho_phép cấm|nên bỏ|thêm bớt
mở đóng|dài ngắn|rộng hẹp|lớn nhỏ|sớm muộn|đắt rẻ|nặng nhẹ|mạnh yếu|tốt xấu|đúng sai
hợp_lý vô_lý|công_khai bí_mật|bắt_buộc tự_nguyện|nông_thôn thành_thị|trước sau|trên dưới
tư công|nam nữ|hay dở|giữ bỏ|tăng_cường hạn_chế|miễn thu|hợp_pháp phi_pháp
increase decrease|raise lower|more less|higher lower|high low|allow ban|allow forbid
permit prohibit|support oppose|for against|agree disagree|legal illegal|open close
public private|mandatory voluntary|urban rural|before after|early late|long short
large small|big small|expensive cheap|strong weak|good bad|right wrong|add remove
keep drop|keep remove|accept reject|include exclude|maximum minimum|rich poor|safe unsafe
always never|all none|male female|up down|over under|cheaper costlier|best worst
"""
_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non")


def _opposite_pairs() -> list[tuple[str, str]]:
    pairs = []
    for chunk in OPPOSITES.replace("\n", "|").split("|"):
        words = chunk.split()
        if len(words) == 2:
            pairs.append((words[0].replace("_", " "), words[1].replace("_", " ")))
    return pairs


OPPOSITE_PAIRS = _opposite_pairs()
_POLE_BITS: dict[str, int] = {}
for _number, (_left, _right) in enumerate(OPPOSITE_PAIRS):
    for _word, _bit in ((_left, 2 * (_number % 32)), (_right, 2 * (_number % 32) + 1)):
        _POLE_BITS[_word] = _POLE_BITS.get(_word, 0) | (1 << _bit)
_LEFT = np.uint64(sum(1 << (2 * i) for i in range(32)))
_STOP = VI_STOPWORDS | EN_STOPWORDS


@dataclass(frozen=True)
class Features:
    """What must agree for two texts to join: numbers, negations, opposite words' poles."""

    numbers: int  # hash of the sorted numbers (0: none)
    negations: int
    poles: int  # bit 2i: the first word of pair i is present, bit 2i + 1: the second


_NUMERIC = MAGNITUDES | NUMBER_WORDS
_DIGITS = re.compile(r"\w*\d\w*")


def _is_number(word: str) -> bool:
    return word in _NUMERIC or _DIGITS.fullmatch(word) is not None


@lru_cache(maxsize=262_144)
def _fold_word(word: str) -> str:
    return fold(word)


def _negations(words: Sequence[str]) -> int:
    count = sum(1 for w in words if w in NEGATIONS)
    # "don't" is "don t" once punctuation is gone: a "t" after a word ending in "n".
    count += sum(1 for a, b in itertools.pairwise(words) if b == "t" and a.endswith("n"))
    return count


_SINGLE_POLES = frozenset(w for w in _POLE_BITS if " " not in w)
_PAIR_STARTS = frozenset(w.split()[0] for w in _POLE_BITS if " " in w)


def _poles(words: Sequence[str]) -> int:
    present = set(words)
    if "ít" in present or "it" in present or "few" in present:
        words = _plain(" ".join(words)).split()
        present = set(words)
    bits = 0
    for word in present & _SINGLE_POLES:
        bits |= _POLE_BITS[word]
    if present & _PAIR_STARTS:
        for a, b in itertools.pairwise(words):
            bits |= _POLE_BITS.get(f"{a} {b}", 0)
    return bits


def features(key: str) -> Features:
    """The claim features of an analysis key."""
    words = key.split()
    numbers = sorted(_DIGITS.findall(key) + [w for w in words if w in _NUMERIC])
    digest = (
        int.from_bytes(hashlib.blake2b(" ".join(numbers).encode(), digest_size=8).digest(), "big")
        if numbers
        else 0
    )
    return Features(digest, _negations(words), _poles(words))


def feature_arrays(keys: Sequence[str]) -> tuple[npt.NDArray[np.uint64], ...]:
    """(numbers, negations, poles) arrays of many keys, for vectorised pair checks."""
    found = [features(key) for key in keys]
    return (
        np.fromiter((f.numbers for f in found), dtype=np.uint64, count=len(found)),
        np.fromiter((f.negations for f in found), dtype=np.uint64, count=len(found)),
        np.fromiter((f.poles for f in found), dtype=np.uint64, count=len(found)),
    )


def _opposed(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
    """Pole masks with one word of a pair only on one side and its opposite only on the other."""
    only_a, only_b = a & ~b, b & ~a
    left_a, right_a = only_a & _LEFT, (only_a >> np.uint64(1)) & _LEFT
    left_b, right_b = only_b & _LEFT, (only_b >> np.uint64(1)) & _LEFT
    return np.asarray(((left_a & right_b) | (right_a & left_b)) != 0)


def pair_reasons(
    arrays: tuple[npt.NDArray[np.uint64], ...],
    first: npt.NDArray[np.int64],
    second: npt.NDArray[np.int64],
) -> npt.NDArray[np.int8]:
    """Per pair: 0 compatible, 1 numbers differ, 2 negation differs, 3 opposite words."""
    numbers, negations, poles = arrays
    reason = np.zeros(len(first), dtype=np.int8)
    reason[_opposed(poles[first], poles[second])] = 3
    reason[negations[first] != negations[second]] = 2
    reason[numbers[first] != numbers[second]] = 1
    return reason


REASONS = {1: "numbers differ", 2: "negation differs", 3: "opposite words", 4: "claim word differs"}


def conflicting_pairs(
    keys: Sequence[str], first: npt.NDArray[np.int64], second: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Which pairs of keys (positions) make different claims.

    The features flag the pairs whose numbers, negations or opposite words differ at all
    (vectorised); those and the short pairs are then read word by word (diff_reason).
    """
    return pair_codes(keys, first, second) > 0


def pair_codes(
    keys: Sequence[str], first: npt.NDArray[np.int64], second: npt.NDArray[np.int64]
) -> npt.NDArray[np.int8]:
    """Per pair the REASONS code against the join (0: none)."""
    involved = np.unique(np.concatenate([first, second]))
    local = {int(p): n for n, p in enumerate(involved)}
    arrays = feature_arrays([keys[int(p)] for p in involved])
    a = np.fromiter((local[int(p)] for p in first), dtype=np.int64, count=len(first))
    b = np.fromiter((local[int(p)] for p in second), dtype=np.int64, count=len(second))
    codes = pair_reasons(arrays, a, b)
    short = np.fromiter(
        (keys[int(p)].count(" ") < SHORT_WORDS for p in involved), dtype=bool, count=len(involved)
    )
    # Short pairs are read word by word even when their features agree: "for" in both texts
    # says nothing when one of them replaced another "for" by "against".
    for n in np.flatnonzero((codes > 0) | (short[a] & short[b])):
        codes[n] = diff_code(keys[first[n]], keys[second[n]])
    codes[content_conflicts(keys, first, second, skip=codes > 0)] = 4
    return codes


_LITOTES = {"không ít": "nhiều", "chẳng ít": "nhiều", "khong it": "nhieu", "not a few": "many"}


def _plain(run: str) -> str:
    """A run with its litotes read as what they mean ("không ít" is "nhiều")."""
    for phrase, meaning in _LITOTES.items():
        run = run.replace(phrase, meaning)
    return run


def _unmatched(left: list[str], right: list[str], fuzzy: bool) -> list[str]:
    """Words of left with no counterpart in right (the same word, or misspelt when fuzzy)."""
    pool = list(right)
    rest = []
    for word in left:
        match = next((w for w in pool if w == word), None)
        if match is None and fuzzy:
            match = next((w for w in pool if _same_word(word, w)), None)
        if match is None:
            rest.append(word)
        else:
            pool.remove(match)
    return rest


def diff_code(a: str, b: str) -> int:
    """REASONS code from the words two keys differ in (numbers, negation, opposites), or 0.

    A long text (more than SHORT_WORDS words) with a misspelt number or negation ("180" /
    "1180", "chưa" / "cưha") is the same claim; in a short one any other number counts.
    """
    fuzzy = min(len(a.split()), len(b.split())) > SHORT_WORDS
    changes = _changes(_contractions(a.split()), _contractions(b.split()))
    removed = _plain(" ".join(left for left, _ in changes)).split()
    added = _plain(" ".join(right for _, right in changes)).split()
    for kind, test in ((1, _is_number), (2, lambda w: w in NEGATIONS)):
        mine = [w for w in removed if test(w)]
        theirs = [w for w in added if test(w)]
        if _unmatched(mine, added, fuzzy) or _unmatched(theirs, removed, fuzzy):
            return kind
    poles_a, poles_b = _poles(removed), _poles(added)
    only_mine, only_theirs = poles_a & ~poles_b, poles_b & ~poles_a
    left = int(_LEFT)
    if ((only_mine & left) & ((only_theirs >> 1) & left)) or (
        ((only_mine >> 1) & left) & (only_theirs & left)
    ):
        return 3
    return 0


def _contractions(words: list[str]) -> list[str]:
    """ "doesn t" (doesn't without its apostrophe) read as "does not"."""
    out: list[str] = []
    for word in words:
        if word == "t" and out and out[-1].endswith("n") and len(out[-1]) > 2:
            out[-1] = out[-1][:-1]
            out.append("not")
        else:
            out.append(word)
    return out


def _changes(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, str]]:
    """Every non-equal run (a side, b side) of two word lists aligned on folded words."""
    matcher = SequenceMatcher(
        a=[_fold_word(w) for w in a], b=[_fold_word(w) for w in b], autojunk=False
    )
    return [
        (" ".join(a[i1:i2]), " ".join(b[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def numbers_differ(
    keys: Sequence[str], first: npt.NDArray[np.int64], second: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Which pairs of keys (positions) give different numbers."""
    cache: dict[int, int] = {}

    def of(position: int) -> int:
        found = cache.get(position)
        if found is None:
            found = cache[position] = features(keys[position]).numbers
        return found

    return np.fromiter(
        (of(int(a)) != of(int(b)) for a, b in zip(first, second, strict=True)),
        dtype=bool,
        count=len(first),
    )


# ---------------------------------------------------------------- content words in short texts


def _diff(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, str]]:
    """Replaced runs (a side, b side) of two word lists aligned on their folded words."""
    matcher = SequenceMatcher(
        a=[_fold_word(w) for w in a], b=[_fold_word(w) for w in b], autojunk=False
    )
    return [
        (" ".join(a[i1:i2]), " ".join(b[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag == "replace"
    ]


@lru_cache(maxsize=65_536)
def _same_word(a: str, b: str) -> bool:
    """One word misspelt or typed without diacritics (or both), not another word."""
    fa, fb = fold(a), fold(b)
    if fa == fb:
        return True
    return SequenceMatcher(a=fa, b=fb, autojunk=False).ratio() >= TYPO_RATIO and not _prefixed(
        fa, fb
    )


def _prefixed(a: str, b: str) -> bool:
    """affordable / unaffordable: one is the other with a negating prefix."""
    return any(a == p + b or b == p + a for p in _PREFIXES)


def _content(words: str) -> bool:
    return any(w not in _STOP and not w.isdigit() for w in words.split())


def substitutions(
    keys: Sequence[str], first: Iterable[int], second: Iterable[int]
) -> Counter[tuple[str, str]]:
    """How often each replaced run (in a canonical order) occurs among these short pairs."""
    seen: Counter[tuple[str, str]] = Counter()
    for a, b in zip(first, second, strict=True):
        left, right = keys[a].split(), keys[b].split()
        if len(left) <= SHORT_WORDS and len(right) <= SHORT_WORDS:
            seen.update(_ordered(x, y) for x, y in _diff(left, right))
    return seen


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if fold(a) <= fold(b) else (b, a)


def content_conflicts(
    keys: Sequence[str],
    first: npt.NDArray[np.int64],
    second: npt.NDArray[np.int64],
    *,
    skip: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.bool_]:
    """Short pairs in which a content word is replaced by a different one (not a known slot)."""
    out = np.zeros(len(first), dtype=bool)
    involved = np.unique(np.concatenate([first, second]))
    short = np.zeros(int(involved.max()) + 1 if len(involved) else 0, dtype=bool)
    short[involved] = [keys[int(p)].count(" ") < SHORT_WORDS for p in involved]
    wanted = short[first] & short[second]
    if skip is not None:
        wanted &= ~skip
    todo = np.flatnonzero(wanted).tolist()
    if not todo:
        return out
    known = substitutions(keys, (int(first[n]) for n in todo), (int(second[n]) for n in todo))
    for n in todo:
        out[n] = claim_word_changed(keys[first[n]], keys[second[n]], known)
    return out


def claim_word_changed(a: str, b: str, known: Counter[tuple[str, str]] | None = None) -> bool:
    """Whether a content word of a is replaced in b by another word (not a slot seen often)."""
    for left, right in _diff(a.split(), b.split()):
        if not (_content(left) or _content(right)):
            continue
        if _same_word(left, right):
            continue
        if known is not None and known[_ordered(left, right)] >= KNOWN_ALTERNATIVE:
            continue
        return True
    return False


def reason(a: str, b: str) -> str | None:
    """Why two analysis keys must not join (None: nothing found against it)."""
    code = int(pair_codes([a, b], np.array([0]), np.array([1]))[0])
    return REASONS[code] if code else None
