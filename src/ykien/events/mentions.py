"""Spans of a cleaned report (Mention, DateMention), sentences, and lookup keys of words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ykien.text import classic_tones

_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"”»’)]*\s+(?=[\"“«‘(\-–]?[^\W\d_])|\n+")
_ABBREVIATIONS = frozenset({"tp", "tt", "pgs", "gs", "ts", "ths", "th.s", "st", "no", "q", "p"})


@dataclass(frozen=True)
class Mention:
    """A piece of the text: text[start:end] == text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class DateMention:
    """A date (and maybe a time) as written, with its values."""

    mention: Mention
    day: int
    month: int
    year: int | None
    hour: int | None
    minute: int | None


def mention(text: str, start: int, end: int) -> Mention:
    """The mention of text[start:end], trimmed of surrounding white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Mention(text[start:end], start, end)


@lru_cache(maxsize=65_536)
def word_key(word: str) -> str:
    """A word for gazetteer lookups: lower case, classic tone placement ("uỷ" -> "ủy")."""
    return classic_tones(word).lower()


def lower_key(text: str) -> str:
    return classic_tones(text).lower()


def sentences(text: str) -> Iterator[Mention]:
    """Sentences (and lines) with their spans; abbreviations like "TP." do not end one."""
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        if _ends_with_abbreviation(text, match.start()):
            continue
        if text[start : match.start()].strip():
            yield mention(text, start, match.start())
        start = match.end()
    if text[start:].strip():
        yield mention(text, start, len(text))


def _ends_with_abbreviation(text: str, end: int) -> bool:
    words = text[max(0, end - 8) : end].rstrip('."”»’)').split()
    return bool(words) and words[-1].lower().rstrip(".") in _ABBREVIATIONS
