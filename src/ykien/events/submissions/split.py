"""Split an organisation's comment letter into its opinions, each with the sections it names.

A letter has a header (issuing body, number, "Kính gửi"), an introduction ending in "... có ý
kiến như sau:", the opinions (numbered or dashed items, or paragraphs "Tại khoản 2 Điều 5, đề
nghị sửa thành: ...", "Đối với mục 3 phần II, ..."), and a closing ("Trên đây là ý kiến ...",
"Nơi nhận:", the signature). Only the opinions are returned. A heading such as "Về Điều 5:"
lends its references to the items under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ykien.drafts.refs import find_references
from ykien.text import fold

_NO_MARK = 4
# A heading line (an item that only introduces others) is at most this long.
MAX_HEADING_CHARS = 120


@dataclass(frozen=True)
class SubmissionItem:
    """One opinion of the letter: its span in the text, the sections it names, its wording."""

    text: str
    start: int
    end: int
    references: tuple[str, ...]
    proposed_wording: str | None


@dataclass(slots=True)
class _Line:
    text: str
    start: int
    end: int


_INTRO_END = re.compile(r"(?:như\s+sau|cụ\s+thể)\s*:\s*$", re.IGNORECASE)
_CLOSING = re.compile(
    r"(?:trên\s+đây\s+là|nơi\s+nhận|trân\s+trọng|tm\.|t/m|kt\.|k/t|tl\.|người\s+ký|"
    r"xin\s+trân\s+trọng)",
    re.IGNORECASE,
)
_HEADER = re.compile(
    r"(?:kính\s+gửi|v/v|về\s+việc|số\s*:|cộng\s+hòa|cộng\s+hoà|độc\s+lập|[^,\n]{0,40},\s*ngày\s+"
    r"\d{1,2}\s+tháng)",
    re.IGNORECASE,
)
_LIST_MARK = re.compile(
    r"(?:[IVXLC]+\s*[.)/-]|\d{1,2}(?:\.\d{1,2})*\s*[.)]|[a-zđ]\s*\)|[-–—•+*])\s+", re.UNICODE
)
_WORDING_CUE = re.compile(
    r"(?:sửa(?:\s+đổi)?(?:\s+lại)?|chỉnh\s+sửa|viết\s+lại|bổ\s+sung|thay(?:\s+thế)?|điều\s+chỉnh"
    r"|diễn\s+đạt\s+lại)(?:[^:.;]{0,80}?)\s+(?:thành|như\s+sau|bằng|là)\s*:?\s*",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[“\"«‘']\s*(?P<q>[^“”\"«»‘’']{2,}?)\s*[”\"»’']")


def split_submission(text: str) -> list[SubmissionItem]:
    """The letter's opinions in order, with their references and proposed wording."""
    lines = _body(_lines(text))
    items: list[SubmissionItem] = []
    heading_refs: tuple[str, ...] = ()
    heading_level = _NO_MARK
    group: list[_Line] = []
    for line in lines:
        level = _mark_level(line.text)
        if group and _continues(group[-1].text, line.text):
            group.append(line)
            continue
        _flush(text, group, heading_refs, items)
        group = []
        if level <= heading_level:
            heading_refs, heading_level = (), _NO_MARK
        if _is_heading(line.text):
            heading_refs = _references(line.text) or heading_refs
            heading_level = level
            continue
        group = [line]
    _flush(text, group, heading_refs, items)
    return items


def _mark_level(line: str) -> int:
    """How high a line's list mark ranks: roman 0, number 1, letter 2, dash 3, none 4."""
    mark = _LIST_MARK.match(line)
    if mark is None:
        return _NO_MARK
    first = mark.group(0)[0]
    if first in "IVXLC":
        return 0
    if first.isdigit():
        return 1
    return 2 if first.isalpha() else 3


def _lines(text: str) -> list[_Line]:
    """Non-empty lines with their spans, surrounding white space excluded."""
    lines: list[_Line] = []
    position = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = position + raw.index(stripped)
            lines.append(_Line(stripped, start, start + len(stripped)))
        position += len(raw) + 1
    return lines


def _body(lines: list[_Line]) -> list[_Line]:
    """The lines between the introduction (or the header) and the closing."""
    start = 0
    for index, line in enumerate(lines):
        if _INTRO_END.search(line.text) and not _LIST_MARK.match(line.text):
            start = index + 1
            break
    else:
        while start < len(lines) and _is_header(lines[start].text):
            start += 1
    end = len(lines)
    for index in range(start, len(lines)):
        if _CLOSING.match(lines[index].text):
            end = index
            break
    return lines[start:end]


def _is_header(line: str) -> bool:
    """A line of the letter's administrative header (motto, number, addressee, place and date)."""
    return bool(_HEADER.match(line)) or (line.isupper() and len(line) <= MAX_HEADING_CHARS)


def _is_heading(line: str) -> bool:
    """A short line that only introduces the items below it ("II. Về Chương II:", "Điều 5:")."""
    if len(line) > MAX_HEADING_CHARS or not line.rstrip().endswith(":"):
        return False
    folded = fold(line)
    return not any(cue in folded for cue in ("de nghi", "sua thanh", "bo sung", "kien nghi"))


def _continues(previous: str, line: str) -> bool:
    """The line belongs to the item above: the wording announced by "... như sau:" or a quote."""
    if _LIST_MARK.match(line):
        return False
    if previous.rstrip().endswith(":"):
        return True
    return line[:1] in "“\"«‘'" or line[:1].islower()


def _flush(
    text: str, group: list[_Line], heading_refs: tuple[str, ...], items: list[SubmissionItem]
) -> None:
    """Turn the lines of one opinion into an item (none for an empty group)."""
    if not group:
        return
    start, end = group[0].start, group[-1].end
    mark = _LIST_MARK.match(text, start, end)
    if mark is not None:
        start = mark.end()
    body = text[start:end]
    if not body.strip():
        return
    references = _references(body) or heading_refs
    items.append(SubmissionItem(body, start, end, references, _proposed_wording(body)))


def _references(text: str) -> tuple[str, ...]:
    """The section references as written, in order, without repeats."""
    found: list[str] = []
    for reference in find_references(text):
        written = text[reference.start : reference.end]
        if written not in found:
            found.append(written)
    return tuple(found)


def _proposed_wording(text: str) -> str | None:
    """The new wording after "đề nghị sửa thành:", quoted or up to the end of the item."""
    cue = _WORDING_CUE.search(text)
    if cue is None:
        return None
    rest = text[cue.end() :]
    quoted = _QUOTED.search(rest)
    if quoted is not None and not rest[: quoted.start()].strip():
        return quoted.group("q").strip()
    wording = rest.strip().rstrip(".;").strip()
    return wording.strip('“”"«»') or None
