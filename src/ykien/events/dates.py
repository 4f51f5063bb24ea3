"""Dates of an event as a report writes them, and the year they fall in.

Every written form: "23/6", "23-6", "23.6" (after "ngày", "sáng", "chiều" ... when no year
follows), "ngày 23 tháng 6 năm 2020", ranges "24-25/6", with a clock time before or after
("8h30 sáng 12/5", "ngày 12/5, lúc 15 giờ"). A date written without its year takes the year of
the report's own date (its dateline or publication timestamp).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date as Date

from ykien.events.mentions import DateMention, Mention, lower_key, mention

# How far (characters) a time may stand from its date and still belong to it.
TIME_GAP = r"[\s,]*(?:(?:vào\s+)?lúc\s+|ngày\s+|hôm\s+)?"
# An event more than this many months from the report's date lies in the neighbouring year.
YEAR_TURN_MONTHS = 6
# The report's own date is looked for in this many first lines (heading, dateline, lead).
DATELINE_LINES = 6

_YEAR = r"(?:19[4-9]\d|20\d\d|21\d\d)"
_NUMERIC_DATE = re.compile(
    rf"(?<![\d/.\-])(?P<d>\d{{1,2}})(?:\s*(?:và|,|-|–|đến)\s*(?P<d2>\d{{1,2}}))?"
    rf"(?P<sep>[/.\-])(?P<m>\d{{1,2}})(?:(?P=sep)(?P<y>{_YEAR}))?(?![\d/]|[.,]\d|-\w|%)",
    re.IGNORECASE,
)
_VERBAL_DATE = re.compile(
    rf"ngày\s+(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}})(?:\s*(?:,\s*)?năm\s+(?P<y>{_YEAR}))?",
    re.IGNORECASE,
)
_DATE_LEAD = re.compile(
    r"(?:ngày|sáng|trưa|chiều|tối|đêm|hôm|nay|qua|mai|từ|đến|thứ\s+\w+,?|chủ\s+nhật,?)\s*\(?$",
    re.IGNORECASE,
)
# "Chiều 19.6": a dotted day.month without a year needs a time of day or "ngày" just before.
_DOT_LEAD = re.compile(r"(?:ngày|sáng|trưa|chiều|tối|đêm|hôm)\s*(?:nay\s*)?\(?$", re.IGNORECASE)
_PART_OF_DAY = re.compile(r"(?:sáng|chiều|tối|trưa)\s*(?:nay\s*)?\(?$", re.IGNORECASE)
_TIME = re.compile(
    r"(?<![\d/])(?P<h>[01]?\d|2[0-3])\s*(?:h|giờ|:)\s*(?P<mi>[0-5]\d)?(?:\s*phút)?(?![\w/])",
    re.IGNORECASE,
)
_FULL_DATE = re.compile(
    rf"(?P<d>\d{{1,2}})\s*[/.\-]\s*(?P<m>\d{{1,2}})\s*[/.\-]\s*(?P<y>{_YEAR})"
    rf"|ngày\s+(?P<vd>\d{{1,2}})\s+tháng\s+(?P<vm>\d{{1,2}})\s*,?\s*năm\s+(?P<vy>{_YEAR})",
    re.IGNORECASE,
)
_EVENT_WORDS = (
    "tọa đàm", "hội thảo", "hội nghị", "đối thoại", "giám sát", "kỳ họp", "phiên họp",
    "tiếp xúc cử tri", "tổ chức", "diễn ra", "khai mạc", "chủ trì", "họp", "làm việc",
    "thảo luận",
)  # fmt: skip


def all_dates(text: str) -> list[DateMention]:
    """Every date in the text, in text order; a range "24-25/6" gives its first and last day."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for match in _VERBAL_DATE.finditer(text):
        date = _date_from(text, match)
        if date is not None:
            taken.append((match.start(), match.end()))
            found.append(date)
    for match in _NUMERIC_DATE.finditer(text):
        if any(s <= match.start() < e for s, e in taken) or not _is_date_context(text, match):
            continue
        date = _date_from(text, match)
        if date is None:
            continue
        found.append(date)
        if match.group("d2") and 1 <= int(match.group("d2")) <= 31:
            found.append(replace(date, day=int(match.group("d2"))))
    return sorted(found, key=lambda date: date.mention.start)


def _is_date_context(text: str, match: re.Match[str]) -> bool:
    """A numeric date with a year stands alone; without one it needs a lead word."""
    if match.group("y") is not None:
        return True
    lead = text[max(0, match.start() - 20) : match.start()]
    if match.group("sep") == ".":
        return bool(_DOT_LEAD.search(lead))
    return bool(_DATE_LEAD.search(lead))


def _date_from(text: str, match: re.Match[str]) -> DateMention | None:
    """A DateMention for a valid day and month, with the time written next to it."""
    day, month = int(match.group("d")), int(match.group("m"))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    year = int(match.group("y")) if match.group("y") else None
    start, end = match.start(), match.end()
    hour: int | None = None
    minute: int | None = None
    window = text[max(0, start - 30) : start]
    before = re.search(rf"{_TIME.pattern}{TIME_GAP}$", window, re.IGNORECASE)
    after = re.match(rf"{TIME_GAP}{_TIME.pattern}", text[end : end + 30], re.IGNORECASE)
    if before:
        hour, minute = int(before.group("h")), int(before.group("mi") or 0)
        start = start - len(window) + before.start()
    elif after and re.match(r"[\s,]*(?:vào\s+)?lúc", text[end : end + 30], re.IGNORECASE):
        hour, minute = int(after.group("h")), int(after.group("mi") or 0)
        end += after.end()
    return DateMention(mention(text, start, end), day, month, year, hour, minute)


def event_dates(
    text: str, sentences: list[Mention], resolutions: list[Mention]
) -> tuple[list[DateMention], list[DateMention]]:
    """(the event's dates, the likeliest first; every other date) of the text.

    The event's dates are the best-placed date and the dates written in the same sentence
    (a range, a session's first and last day); dates inside cited documents are never the
    event's.
    """
    found = all_dates(text)
    if not found:
        return [], []
    best = max(found, key=lambda date: _date_score(text, date, sentences, resolutions))
    sentence = _sentence_of(sentences, best.mention.start)
    event = [best]
    for date in found:
        if date is best or _in_any(date.mention.start, resolutions) or sentence is None:
            continue
        if sentence.start <= date.mention.start < sentence.end and date.year == best.year:
            event.append(date)
    return event, [date for date in found if all(date is not e for e in event)]


def _sentence_of(sentences: list[Mention], position: int) -> Mention | None:
    return next((s for s in sentences if s.start <= position < s.end), None)


def _in_any(position: int, spans: Iterable[Mention]) -> bool:
    return any(span.start <= position < span.end for span in spans)


def _date_score(
    text: str, date: DateMention, sentences: list[Mention], resolutions: list[Mention]
) -> tuple[int, int]:
    """Higher for a date in a sentence about holding the event; resolutions' dates are last."""
    start = date.mention.start
    if _in_any(start, resolutions):
        return (-10, -start)
    sentence = _sentence_of(sentences, start)
    key = lower_key(sentence.text) if sentence else ""
    score = 0
    if any(word in key for word in _EVENT_WORDS[:8]):
        score += 2
    if any(word in key for word in _EVENT_WORDS[8:]):
        score += 2
    if _PART_OF_DAY.search(text[max(0, start - 12) : start]):
        score += 1
    if date.year is None and date.mention.start > len(text) // 2:
        score -= 1
    return (score, -start)


def report_date(text: str, extra_lines: Iterable[str] = ()) -> Date | None:
    """The report's own date: a publication timestamp, else a full date in its first lines."""
    lines = [*extra_lines, *text.split("\n")[:DATELINE_LINES]]
    for line in lines:
        for match in _FULL_DATE.finditer(line):
            day = int(match.group("d") or match.group("vd"))
            month = int(match.group("m") or match.group("vm"))
            year = int(match.group("y") or match.group("vy"))
            try:
                return Date(year, month, day)
            except ValueError:
                continue
    return None


def anchored_year(date: DateMention, reference: Date | None) -> int | None:
    """The year of a date written without one, from the report's date (None without it).

    A report of 05/01/2021 about "ngày 28/12" tells of the year before; one of 20/12 announcing
    "ngày 5/1" tells of the year after.
    """
    if date.year is not None:
        return date.year
    if reference is None:
        return None
    if date.month - reference.month > YEAR_TURN_MONTHS:
        return reference.year - 1
    if reference.month - date.month > YEAR_TURN_MONTHS:
        return reference.year + 1
    return reference.year
