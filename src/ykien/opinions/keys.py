"""Search keys of opinion texts and queries, and the highlighting of matches.

`text_keys` gives the two stored keys of a text (diacritics folded away; tones kept, moved to
the end of each syllable), `parse_query` tells which key a search is matched on, and
`highlight_spans` finds the matches in the displayed text (see `ykien.opinions.search`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ykien import text as vt
from ykien.errors import UserError

MAX_QUERY = 200
FOLD = "fold"
TONE = "tone"
# In the tone key, a syllable without a tone mark (thanh ngang) ends with LEVEL, so that "đang"
# typed with marks finds "đang" and not "Đảng" (whose key is "đang" + hook above). A control
# character: `ykien.text.clean` removes those from every text and query, so none is ambiguous.
LEVEL = "\x1a"
_AFTER_SYLLABLE = vt.TONE_MARKS + LEVEL
_TONE_MARKS = frozenset(_AFTER_SYLLABLE)
_LEVEL_SYLLABLE = re.compile(f"\\w++(?![{vt.TONE_MARKS}])")
_TOKEN = re.compile(r"\S+")

# --- search keys ----------------------------------------------------------------------------

_CACHE_LIMIT = 200_000
# token -> its key; texts reuse their words, so most tokens are found here (the importer's speed)
_fold_cache: dict[str, str] = {}
_tone_cache: dict[str, str] = {}


def _token_keys(token: str) -> tuple[str, str]:
    """(folded key, tone key) of one white-space-free token, cached."""
    try:
        return _fold_cache[token], _tone_cache[token]
    except KeyError:
        pass
    if len(_fold_cache) >= _CACHE_LIMIT:
        _fold_cache.clear()
        _tone_cache.clear()
    folded = _fold_cache[token] = vt.fold(token)
    toned = _tone_cache[token] = _LEVEL_SYLLABLE.sub(_level, vt.tone_key(token))
    return folded, toned


def _level(match: re.Match[str]) -> str:
    return match.group() + LEVEL


# between the parts of a document: a line break, which a query never contains
_PART_BREAK = ["\n"]


def _keys_of_tokens(tokens: list[str]) -> tuple[str, str]:
    for _attempt in range(2):
        try:
            return (
                " ".join(map(_fold_cache.__getitem__, tokens)),
                " ".join(map(_tone_cache.__getitem__, tokens)),
            )
        except KeyError:
            for token in tokens:
                _token_keys(token)
    pairs = [_token_keys(token) for token in tokens]  # the cache was cleared meanwhile
    return " ".join(pair[0] for pair in pairs), " ".join(pair[1] for pair in pairs)


def text_keys(value: str) -> tuple[str, str]:
    """(folded key, tone key) of a text, white space collapsed to single spaces."""
    return _keys_of_tokens(value.split())


def document_keys(
    text: str, author: str | None = None, organisation: str | None = None
) -> tuple[str, str]:
    """The stored (search_fold, search_tone) of an opinion: its non-empty parts, one per line.

    The parts are separated by " \\n " (a line break between spaces), which no query can match
    across: a query's white space is collapsed to single spaces.
    """
    tokens = text.split()
    if author:
        tokens += _PART_BREAK
        tokens += author.split()
    if organisation:
        tokens += _PART_BREAK
        tokens += organisation.split()
    return _keys_of_tokens(tokens)


# --- queries and highlighting ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed search: the text as typed, which key it is matched on, and its key."""

    text: str
    mode: str  # FOLD (typed without diacritics) or TONE (typed with them)
    key: str


def parse_query(text: str | None) -> SearchQuery | None:
    """The search for `text`, or None when there is nothing to search for."""
    if not text:
        return None
    cleaned = vt.clean(text)
    if len(cleaned) > MAX_QUERY:
        raise UserError(
            "query_too_long",
            f"Nội dung tìm kiếm dài quá {MAX_QUERY} ký tự.",
            f"The search is longer than {MAX_QUERY} characters.",
        )
    folded, toned = text_keys(cleaned)
    if not folded:
        return None
    if toned.replace(LEVEL, "") != folded:  # typed with a diacritic somewhere
        return SearchQuery(cleaned, TONE, toned)
    return SearchQuery(cleaned, FOLD, folded)


def _clusters(value: str) -> list[tuple[int, int]]:
    """(start, end) of each character together with the combining marks that follow it."""
    spans: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(value) + 1):
        if index == len(value) or not unicodedata.combining(value[index]):
            spans.append((start, index))
            start = index
    return spans


def _align_token(token: str, key: str, mode: str) -> list[tuple[int, int]] | None:
    """For each character of the token's key, the token span it comes from (None: no match).

    Each character cluster contributes its own key (a tone-key cluster without its tone mark);
    a tone mark that the tone key moved to the end of the syllable belongs to the cluster
    before it.
    """
    owners: list[tuple[int, int]] = []
    at = 0
    last: tuple[int, int] | None = None
    for span in _clusters(token):
        folded, toned = _token_keys(token[span[0] : span[1]])
        piece = folded if mode == FOLD else toned.rstrip(_AFTER_SYLLABLE)
        while (
            last is not None
            and at < len(key)
            and not key.startswith(piece, at)
            and key[at] in _TONE_MARKS
        ):
            owners.append(last)
            at += 1
        if not key.startswith(piece, at):
            return None
        owners.extend([span] * len(piece))
        at += len(piece)
        last = span
    while last is not None and at < len(key) and key[at] in _TONE_MARKS:
        owners.append(last)
        at += 1
    return owners if at == len(key) else None


def aligned_key(value: str, mode: str) -> tuple[str, list[tuple[int, int]]] | None:
    """The key of `value` (as `text_keys` makes it) and, per key character, its source span."""
    parts: list[str] = []
    origin: list[tuple[int, int]] = []
    previous_end: int | None = None
    for match in _TOKEN.finditer(value):
        token = match.group()
        folded, toned = _token_keys(token)
        key = folded if mode == FOLD else toned
        owners = _align_token(token, key, mode)
        if owners is None:
            return None
        if previous_end is not None:
            parts.append(" ")
            origin.append((previous_end, match.start()))
        offset = match.start()
        origin.extend((offset + start, offset + end) for start, end in owners)
        parts.append(key)
        previous_end = match.end()
    return "".join(parts), origin


def highlight_spans(value: str | None, query: SearchQuery | None) -> list[tuple[int, int]]:
    """Spans of `value` (offsets in code points of the text as given) that match the query."""
    if not value or query is None:
        return []
    aligned = aligned_key(value, query.mode)
    if aligned is None:
        return []
    key, origin = aligned
    spans: list[tuple[int, int]] = []
    at = key.find(query.key)
    while at >= 0:
        end = at + len(query.key)
        start_at, end_at = origin[at][0], origin[end - 1][1]
        if spans and start_at <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end_at))
        else:
            spans.append((start_at, end_at))
        at = key.find(query.key, end)
    return spans


def segments(value: str | None, spans: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """`value` cut into (piece, is_match) for templates, which escape every piece."""
    if not value:
        return []
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in spans:
        if start > at:
            pieces.append((value[at:start], False))
        pieces.append((value[start:end], True))
        at = end
    if at < len(value):
        pieces.append((value[at:], False))
    return pieces
