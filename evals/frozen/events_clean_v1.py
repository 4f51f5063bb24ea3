"""Frozen copy of ykien.events.clean before issue 14 (the baseline of evals.events).

Remove the noise that scraping or copying leaves in a published report of an event.

Whole noise lines (photo ids and their captions, related-headline lists, share widgets, empty
"Nguồn :" lines, tag lists) are dropped; an outlet's tag at the start of the lead ("(Baonghean) -")
and a closing byline are cut from their line. Everything removed is returned with its reason so
the secretary can see it; every other line is kept as written (NFC, spaces collapsed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ykien.text import clean, collapse_spaces

# Lines after a "Tin liên quan" heading shorter than this are headlines, not paragraphs.
MAX_HEADLINE_CHARS = 160
# A caption line is short; a longer line ending in "Ảnh: ..." is a paragraph.
MAX_CAPTION_CHARS = 300
# A byline has at most this many words.
MAX_BYLINE_WORDS = 7
# An outlet tag is looked for in this many first lines (title, lead).
TAG_LINES = 3


@dataclass(frozen=True)
class Removed:
    """A piece of noise taken out of the report, and why."""

    reason: str
    text: str


# "1234567_hoi-nghi-lay-y-kien.jpg": an image id and slug, the caption follows on the next line.
_IMAGE_SUFFIX = r"\.(?:jpe?g|png|gif|webp)"
_PHOTO_ID = re.compile(
    rf"\d{{4,}}[-_][\w-]*(?:{_IMAGE_SUFFIX})?|[\w-]+{_IMAGE_SUFFIX}", re.IGNORECASE
)
_PHOTO_CREDIT = re.compile(
    r"(?:^|[\s.(])(?:Ảnh|Ảnh minh họa|Ảnh minh hoạ|Nguồn ảnh|Photo)\s*:\s*[^.!?]{0,80}\)?\s*$",
    re.IGNORECASE,
)
_ILLUSTRATION = re.compile(r"\(?\s*ảnh\s+minh\s+ho[ạa]\s*\)?\.?", re.IGNORECASE)
_RELATED_HEADING = re.compile(
    r"(?:tin|bài)\s+(?:liên\s+quan|cùng\s+chuyên\s+mục|khác|mới)|xem\s+thêm|đọc\s+thêm"
    r"|các\s+tin\s+khác|có\s+thể\s+bạn\s+quan\s+tâm|bài\s+viết\s+liên\s+quan",
    re.IGNORECASE,
)
_RELATED_MARK = re.compile(r"(?:>>+|»|►|▶)\s*\S")
_EMPTY_SOURCE = re.compile(r"nguồn\s*:?\s*[-–—.]*", re.IGNORECASE)
_SOURCE = re.compile(r"nguồn\s*:\s*\S.{0,60}", re.IGNORECASE)
_TAGS = re.compile(r"(?:từ\s+khó[aá]|tags?|chủ\s+đề)\s*:.*", re.IGNORECASE)
_WIDGET_WORDS = frozenset(
    {
        "chia sẻ", "share", "facebook", "twitter", "zalo", "tweet", "email", "e-mail", "in",
        "in bài", "in trang", "bản in", "print", "gửi bài", "gửi email", "gửi", "bình luận",
        "phản hồi", "lưu", "lưu bài", "like", "thích", "google+", "linkedin", "copy link",
        "sao chép liên kết", "cỡ chữ", "a", "a+", "a-", "aa", "theo dõi", "google news",
        "quay lại", "về đầu trang", "lên đầu trang", "tweet this", "chia sẻ bài viết", "pinterest",
    }
)  # fmt: skip
_WIDGET_SPLIT = re.compile(r"\s*[|/•·,]\s*|\s{2,}")
_COUNT = re.compile(r"\d+|\(\d+\)")
# "(Baonghean) -", "[VOV] –", "(ĐTTD)": a bracketed outlet name opening the lead.
_BRACKET_TAG = re.compile(r"\s*[(\[]\s*[^()\[\]\n]{1,30}?\s*[)\]]\s*(?:[-–—:]\s*)?")
# "TTO - ", "VOV.VN - ", "ĐNO –": a short capitalised outlet code and a dash.
_CODE_TAG = re.compile(r"\s*(?-i:[A-ZĐ][A-ZĐa-z.&]{1,14})\s*[-–—]\s+")
_BYLINE_PREFIX = re.compile(
    r"(?:bài\s+và\s+ảnh|bài,?\s+ảnh|tác\s+giả|nhóm\s+phóng\s+viên|phóng\s+viên|theo)\s*:?\s*\S",
    re.IGNORECASE,
)
# Lower-case words a byline may hold besides names: "Nhuệ Mẫn thực hiện", "Hòa Dương (T/h)".
_BYLINE_LOWER = frozenset(
    {"-", "–", "—", "/", "&", "và", "thực", "hiện", "(thực", "hiện)", "ghi", "(ghi)"}
)
_SENTENCE_END = re.compile(r"[.!?…”\"»)]\s*$")
_TAIL_BYLINE = re.compile(r"(?<=[.!?…”\"])\s+(?P<byline>\S+(?:[ \t]+\S+){0,6})\s*$")


def clean_report(raw: str) -> tuple[str, list[Removed]]:
    """The report without scraping noise, and what was removed (in order of appearance)."""
    lines = [line for line in collapse_spaces(clean(raw)).split("\n") if line]
    removed: list[Removed] = []
    kept: list[str] = []
    index = 0
    while index < len(lines):
        index = _take_line(lines, index, kept, removed)
    _cut_outlet_tag(kept, removed)
    _cut_byline(kept, removed)
    return "\n".join(line for line in kept if line), removed


def _take_line(lines: list[str], index: int, kept: list[str], removed: list[Removed]) -> int:
    """Keep or remove lines[index] (and the lines that go with it); the next index to read."""
    line = lines[index]
    if _PHOTO_ID.fullmatch(line):
        removed.append(Removed("photo_caption", line))
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if following and len(following) <= MAX_CAPTION_CHARS:
            removed.append(Removed("photo_caption", following))
            return index + 2
        return index + 1
    if _RELATED_HEADING.fullmatch(line.rstrip(" :")):
        return _skip_headlines(lines, index, removed)
    reason = _noise_reason(line)
    if reason is None:
        kept.append(line)
    else:
        removed.append(Removed(reason, line))
    return index + 1


def _noise_reason(line: str) -> str | None:
    """Why a whole line is noise, or None when it is content."""
    if _RELATED_MARK.match(line) and len(line) <= MAX_HEADLINE_CHARS:
        return "related_headlines"
    if _EMPTY_SOURCE.fullmatch(line):
        return "empty_source"
    if _SOURCE.fullmatch(line) and not _SENTENCE_END.search(line):
        return "source"
    if _TAGS.fullmatch(line) and len(line) <= MAX_HEADLINE_CHARS:
        return "tags"
    if _is_widget(line):
        return "share_widget"
    if _is_caption(line):
        return "photo_caption"
    if _BYLINE_PREFIX.match(line) and len(line.split()) <= MAX_BYLINE_WORDS + 2:
        return "byline"
    return None


def _is_widget(line: str) -> bool:
    """A line made only of share/print/comment buttons and their counters."""
    parts = [part for part in _WIDGET_SPLIT.split(line.lower()) if part]
    return (
        bool(parts)
        and all(p in _WIDGET_WORDS or _COUNT.fullmatch(p) for p in parts)
        and any(p in _WIDGET_WORDS for p in parts)
    )


def _is_caption(line: str) -> bool:
    """A short line ending with a photo credit ("... Ảnh: Văn Bình") or saying it illustrates."""
    if len(line) > MAX_CAPTION_CHARS:
        return False
    return bool(_PHOTO_CREDIT.search(line) or _ILLUSTRATION.fullmatch(line))


def _skip_headlines(lines: list[str], index: int, removed: list[Removed]) -> int:
    """Remove a related-headlines heading and the headline lines under it."""
    removed.append(Removed("related_headlines", lines[index]))
    index += 1
    while index < len(lines) and _is_headline(lines[index]):
        removed.append(Removed("related_headlines", lines[index]))
        index += 1
    return index


def _is_headline(line: str) -> bool:
    """A short line that does not end like a sentence of a paragraph."""
    text = line.lstrip("-–—•*+>» ")
    return len(text) <= MAX_HEADLINE_CHARS and not text.endswith((".", ":", ";"))


def _cut_outlet_tag(kept: list[str], removed: list[Removed]) -> None:
    """Cut the outlet's tag from the start of the lead (at most once, in the first lines)."""
    for position in range(min(TAG_LINES, len(kept))):
        line = kept[position]
        match = _BRACKET_TAG.match(line) or _CODE_TAG.match(line)
        if match is None or match.end() >= len(line) or not _starts_sentence(line[match.end() :]):
            continue
        if _BRACKET_TAG.match(line) is None and position == 0:
            continue  # a title may start with a dash-separated code; only the lead has tags
        removed.append(Removed("outlet_tag", match.group(0).strip()))
        kept[position] = line[match.end() :]
        return


def _starts_sentence(rest: str) -> bool:
    """The text after a tag starts like a sentence: a capital letter, digit or quote."""
    first = rest.lstrip()[:1]
    return bool(first) and (first.isupper() or first.isdigit() or first in "“\"'‘")


def _cut_byline(kept: list[str], removed: list[Removed]) -> None:
    """Remove the author's name closing the report, on its own line or after the last sentence."""
    while kept:
        last = kept[-1]
        if len(kept) > 1 and _is_byline_line(last):
            removed.append(Removed("byline", last))
            kept.pop()
            continue
        match = _TAIL_BYLINE.search(last)
        if match and _is_byline_line(match.group("byline")):
            removed.append(Removed("byline", match.group("byline")))
            kept[-1] = last[: match.start("byline")].rstrip()
        return


def _is_byline_line(line: str) -> bool:
    """A few capitalised words, maybe with an outlet ("Chu Thanh Vân (TTXVN)", "Theo VOV")."""
    words = line.split()
    if not words or len(words) > MAX_BYLINE_WORDS or _SENTENCE_END.search(line.rstrip(")")):
        return False
    if line.lower().startswith("theo "):
        return True
    return all(word[:1].isupper() or word[:1] == "(" or word in _BYLINE_LOWER for word in words)
