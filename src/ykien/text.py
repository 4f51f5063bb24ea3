"""Vietnamese text primitives: NFC, cleaning, tone-placement-insensitive keys, folding, collation.

Display text always keeps the author's spelling; the keys below are for matching and sorting.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining marks that carry the tone (thanh điệu), in dictionary order of the tones:
# huyền (grave), hỏi (hook above), ngã (tilde), sắc (acute), nặng (dot below).
TONE_MARKS = "\u0300\u0309\u0303\u0301\u0323"
_TONE_RANK = {mark: rank for rank, mark in enumerate(TONE_MARKS, start=1)}
# Marks that change the letter itself (ă, â, ê, ô, ơ, ư): kept by the tone key, removed by folding.
_SHAPE_MARKS = "\u0302\u0306\u031b"

_WORD = re.compile(r"\w+")
# Cc characters other than tab and newline, plus format characters that only hide text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")

# Vietnamese alphabet order for the letters with shape marks; others use their code point.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}


def nfc(text: str) -> str:
    """Return text in Unicode NFC (real files mix composed and decomposed forms)."""
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """NFC, unified newlines, control and invisible characters removed, ends trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", nfc(text)).strip()


def collapse_spaces(text: str) -> str:
    """Collapse runs of spaces and tabs on each line to one space."""
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


@lru_cache(maxsize=65536)
def _syllable_key(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tone = ""
    kept = []
    for ch in decomposed:
        if ch in _TONE_RANK:
            tone = ch
        else:
            kept.append(ch)
    base = unicodedata.normalize("NFC", "".join(kept))
    return base + tone


def tone_key(text: str) -> str:
    """Lower-cased text in which each syllable's tone mark is moved to the syllable's end.

    "hoà" and "hòa" (and "Uỷ"/"ủy") give the same key, while different tones stay different.
    """
    return _WORD.sub(lambda m: _syllable_key(m.group(0)), nfc(text).lower())


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower-case, diacritic-free text: "Đảng ủy" -> "dang uy"."""
    return _WORD.sub(lambda m: _fold_word(m.group(0)), nfc(text).lower())


def name_key(text: str) -> str:
    """Key for matching names tolerant of case, spacing, diacritics and tone placement."""
    return " ".join(fold(text).split())


def _letter_rank(ch: str) -> tuple[int, int]:
    rank = _LETTER_RANK.get(ch)
    return (0, rank) if rank is not None else (1, ord(ch))


def sort_key(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """Vietnamese dictionary order: a < ă < â, d < đ; then by tone, ngang < huyền < ... < nặng."""
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for ch in nfc(text).lower():
        decomposed = unicodedata.normalize("NFD", ch)
        base_chars = [c for c in decomposed if c not in _TONE_RANK]
        tone = next((_TONE_RANK[c] for c in decomposed if c in _TONE_RANK), 0)
        base = unicodedata.normalize("NFC", "".join(base_chars))
        letters.append(_letter_rank(base))
        if base.isalpha():
            tones.append(tone)
    return tuple(letters), tuple(tones)


def person_sort_key(full_name: str) -> tuple[object, ...]:
    """Order Vietnamese names as lists do: by given name (last word), then the rest."""
    words = nfc(full_name).split()
    if not words:
        return ((), ())
    return (sort_key(words[-1]), sort_key(" ".join(words[:-1])))


# An open syllable ending in oa, oe or uy (not after q, where u belongs to the consonant):
# the two spellings differ only here ("hoà"/"hòa", "khoẻ"/"khỏe", "thuỷ"/"thủy").
_OPEN_GLIDE = re.compile(r"^([^\W\d_]*?)([ou])([aey])$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def _classic_syllable(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = next((ch for ch in decomposed if ch in _TONE_RANK), "")
    if not tone:
        return syllable
    bare = unicodedata.normalize("NFC", decomposed.replace(tone, ""))
    match = _OPEN_GLIDE.match(bare)
    if not match or match.group(1).lower().endswith("q"):
        return syllable
    head, glide, vowel = match.groups()
    return unicodedata.normalize("NFC", head + glide + tone + vowel)


def classic_tones(text: str) -> str:
    """Text with the tone of open oa/oe/uy on the first vowel ("hoà" -> "hòa", "uỷ" -> "ủy").

    A real spelling (unlike tone_key), so words built from it can be shown to people.
    """
    return _WORD.sub(lambda m: _classic_syllable(m.group(0)), nfc(text))
