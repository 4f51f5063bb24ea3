"""Parse draft documents (.txt, .md, .docx) into a flat, ordered list of sections forming a tree.

Two layouts are understood. Legal texts: Phần, Chương, Mục, Tiểu mục, Điều, and inside an Điều
its Khoản ("1.") and Điểm ("a)"). Political reports and plans: roman-numbered parts ("I."),
numbered items ("1.", "1.1."), lettered sub-items ("a)") and dash paragraphs ("- ", "+ ").
A document containing at least one Điều heading is read as a legal text.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ykien.text import clean, fold

MAX_ZIP_ENTRIES = 5_000
# An entry larger than this must not be compressed more than MAX_ENTRY_RATIO times.
BIG_ENTRY_BYTES = 1_000_000
MAX_ENTRY_RATIO = 200
# The whole archive may not unpack to more than this many times the upload limit.
UNPACKED_FACTOR = 10
# A quotation (amending laws quote articles of other laws) longer than this is a stray quote mark.
MAX_QUOTED_LINES = 500
# A heading line longer than this that ends like a sentence is the section's text, not its title.
MAX_TITLE_CHARS = 200
# Front matter: header lines are short; the document title is cut to fit the database column.
MAX_HEADER_LINE = 120
MAX_DOC_TITLE = 500

FORMATS = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".docx": "docx"}

# Legal and report kinds in nesting order; the rank decides which open section a heading closes.
RANKS = {
    "phan": 1.0,
    "chuong": 2.0,
    "roman": 2.5,
    "muc": 3.0,
    "tieu_muc": 4.0,
    "dieu": 5.0,
    "khoan": 6.0,
    "diem": 7.0,
    "doan": 8.0,
}
KIND_NAMES = {
    "preamble": "Lời nói đầu",
    "phan": "Phần",
    "chuong": "Chương",
    "muc": "Mục",
    "tieu_muc": "Tiểu mục",
    "dieu": "Điều",
    "khoan": "Khoản",
    "diem": "Điểm",
    "doan": "Đoạn",
}
# Kinds whose label stands on its own ("Điều 5", "Chương II", "Phần II").
ANCHOR_KINDS = frozenset({"preamble", "phan", "chuong", "dieu"})
# Kinds whose title may sit on the line after the heading ("Chương I" / "CHẾ ĐỘ CHÍNH TRỊ").
TITLED_KINDS = frozenset({"phan", "chuong", "muc", "tieu_muc"})

_ORDINAL_UNITS = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
_ORDINAL_WORDS = "nhất|một|mốt|hai|ba|tư|bốn|năm|lăm|sáu|bảy|bẩy|tám|chín|mười|mươi"
_ORDINAL = rf"thứ(?:\s+(?:{_ORDINAL_WORDS})(?!\w))+"
_ROMAN = r"(?-i:[IVXLC]+)"
_ROMAN_NUMBER = re.compile(r"[IVXLC]+")
_ARABIC_NUMBER = re.compile(r"\d+(?:\.\d+)*[a-zđA-ZĐ]?")
_LETTER_NUMBER = re.compile(r"[a-zđA-ZĐ]")
_DIGITS = re.compile(r"\d+")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ROMAN_SYMBOLS = (
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def _heading_pattern(keyword: str, number: str, gap: str = r"\s+") -> re.Pattern[str]:
    """A heading line: keyword, number, optional punctuation, then the rest (title or text)."""
    return re.compile(
        rf"{keyword}{gap}(?P<num>{number})(?!\w)\s*(?P<punct>[.:\-–—]*)\s*(?P<rest>.*)",
        re.IGNORECASE,
    )


_KEYWORD_HEADINGS = (
    ("phan", _heading_pattern("phần", rf"{_ORDINAL}|{_ROMAN}|\d{{1,3}}")),
    ("chuong", _heading_pattern("chương", rf"{_ROMAN}|\d{{1,3}}")),
    ("tieu_muc", _heading_pattern(r"tiểu\s+mục", rf"{_ROMAN}|\d{{1,3}}")),
    ("muc", _heading_pattern("mục", rf"{_ROMAN}|\d{{1,3}}")),
    ("dieu", _heading_pattern("điều", r"\d{1,4}[a-zđ]?", gap=r"\s*")),
)
_PREAMBLE = re.compile(r"(?:lời\s+nói\s+đầu|lời\s+mở\s+đầu|mở\s+đầu)\s*[.:]?", re.IGNORECASE)
_KHOAN = re.compile(r"(?P<num>\d{1,3}[a-zđ]?)(?:\.|\)|\s*-)(?!\d)\s*(?P<rest>.*)")
_DIEM = re.compile(r"(?P<num>[a-zđ])(?:\)-?|-)\s*(?P<rest>.*)")
_ROMAN_PART = re.compile(rf"(?P<num>{_ROMAN})\s*[.)/\-–—]\s*(?P<rest>.*)")
_NUMBERED_ITEM = re.compile(
    r"(?P<num>\d{1,3}(?:\.\d{1,3})*)[.)](?![\d)])\s*(?P<rest>.*)"
    r"|(?P<dotted>\d{1,2}(?:\.\d{1,2})+)\s+(?P<rest2>[^\W\d_].*)"
)
# "V.I. Lênin" and "C. Mác" start with initials, not part numbers.
_INITIAL = re.compile(r"[A-ZĐ]\.")
MAX_ROMAN_PART = 40
_BULLET = re.compile(r"(?P<mark>[-–—•+*])\s+(?P<rest>\S.*)")

_DOCX_HEADING_STYLE = re.compile(r"(?:heading|tiêu đề)\s*(\d)", re.IGNORECASE)
_MD_HEADING = re.compile(r"\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])")
_MD_EMPHASIS = re.compile(r"\*\*|__")
_SENTENCE_END = (".", ";", ":", ",")
# Control characters other than tab, newline, vertical tab, form feed and carriage return.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")

_MOTTO = frozenset({"cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc"})
_DOC_NUMBER = re.compile(r"(?:\w+\s){0,3}so\s*:?\s*\d+[\w\-./]*")
_PLACE_DATE = re.compile(r"(?:[\w\s.]{0,40},\s*)?ngay\s+\S+\s+thang\s+\S+\s+nam\b")
_DRAFT_MARK = re.compile(r"\(?\s*du thao(?: lan)?(?: \d+| thu \w+)?\s*\)?")


class DraftParseError(Exception):
    """A draft file that cannot be read, with the reason in Vietnamese and English."""

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


@dataclass(slots=True)
class ParsedSection:
    """One section of a parsed draft; `parent` and `order` are indexes into the section list."""

    kind: str
    number: str
    label: str
    path: str
    heading: str
    text: str
    depth: int
    parent: int | None
    order: int


@dataclass
class ParsedDraft:
    """A draft's title and its sections in document order."""

    title: str
    sections: list[ParsedSection] = field(default_factory=list)


@dataclass(slots=True)
class _Line:
    """A non-empty line with Markdown decoration removed."""

    text: str
    md_heading: bool = False
    quoted: bool = False


@dataclass(slots=True)
class _Marker:
    """A recognised heading or item line."""

    kind: str
    number: str
    numeral: str
    rank: float
    rest: str


@dataclass(slots=True)
class _Node:
    """A section being built; its text lines are joined at the end."""

    kind: str
    number: str
    numeral: str
    rank: float
    heading: str
    parent: int | None
    depth: int
    path: str
    label: str
    lines: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Entry points


def parse_file(data: bytes, filename: str, *, max_bytes: int = 20_000_000) -> ParsedDraft:
    """Parse an uploaded .txt, .md or .docx draft."""
    fmt = FORMATS.get(PurePath(filename).suffix.lower())
    if fmt is None:
        raise _error("unsupported_format", filename)
    if len(data) > max_bytes:
        raise _error("too_large", filename, limit=max_bytes)
    if not data:
        raise _error("empty", filename)
    text = docx_text(data, filename, max_bytes) if fmt == "docx" else decode_text(data, filename)
    return _parse(text, filename)


def parse_text(text: str) -> ParsedDraft:
    """Parse a draft given as text (plain or Markdown)."""
    return _parse(text, "")


# ---------------------------------------------------------------------------------------------
# Errors


def _error(code: str, filename: str, *, limit: int = 0) -> DraftParseError:
    """The error for `code`, naming the file (or "the text" when there is no file)."""
    vi = f"Tệp “{filename}”" if filename else "Văn bản"
    en = f"The file “{filename}”" if filename else "The text"
    messages = {
        "unsupported_format": (
            f"{vi} không thuộc định dạng được hỗ trợ. Hãy tải lên tệp .docx, .txt hoặc .md.",
            f"{en} is not in a supported format. Please upload a .docx, .txt or .md file.",
        ),
        "too_large": (
            f"{vi} quá lớn: giới hạn là {limit:,} byte.".replace(",", "."),
            f"{en} is too large: the limit is {limit:,} bytes.",
        ),
        "empty": (
            f"{vi} không có nội dung.",
            f"{en} is empty.",
        ),
        "not_text": (
            f"{vi} không phải văn bản UTF-8 hoặc UTF-16 đọc được. "
            "Hãy lưu lại với mã hoá UTF-8 rồi tải lên lại.",
            f"{en} is not readable UTF-8 or UTF-16 text. Please save it as UTF-8 and upload again.",
        ),
        "bad_docx": (
            f"{vi} không phải tệp Word (.docx) hợp lệ hoặc bị hỏng.",
            f"{en} is not a valid Word (.docx) file, or it is damaged.",
        ),
        "no_structure": (
            f"{vi} không có cấu trúc nhận biết được (Phần, Chương, Mục, Điều, hoặc các mục "
            "I., II., 1., 2.). Hãy kiểm tra lại các dòng tiêu đề.",
            f"{en} has no recognisable structure (Phần, Chương, Mục, Điều, or parts numbered "
            "I., II., 1., 2.). Please check its heading lines.",
        ),
    }
    message_vi, message_en = messages[code]
    return DraftParseError(code, message_vi, message_en)


# ---------------------------------------------------------------------------------------------
# Reading the bytes


def decode_text(data: bytes, filename: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is refused, not guessed."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _error("not_text", filename) from exc
    if _looks_binary(text):
        raise _error("not_text", filename)
    return text


def _looks_binary(text: str) -> bool:
    """NUL characters or more than 1% control characters mean this is not a text file."""
    if "\x00" in text:
        return True
    return len(_BINARY_CONTROLS.findall(text)) > len(text) / 100


def docx_text(data: bytes, filename: str, max_bytes: int) -> str:
    """The DOCX's paragraphs and table cells in body order; Word headings become Markdown."""
    _check_zip(data, filename, max_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(_docx_blocks(document.iter_inner_content()))
    except Exception as exc:  # python-docx raises many kinds of errors for a broken package
        raise _error("bad_docx", filename) from exc


def _check_zip(data: bytes, filename: str, max_bytes: int) -> None:
    """Refuse archives that are not zips, have too many entries, or unpack far too large."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise _error("bad_docx", filename) from exc
    unpacked = sum(entry.file_size for entry in entries)
    names = {entry.filename for entry in entries}
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or "word/document.xml" not in names
        or unpacked > max_bytes * UNPACKED_FACTOR
        or any(_is_bomb_entry(entry) for entry in entries)
    ):
        raise _error("bad_docx", filename)


def _is_bomb_entry(entry: zipfile.ZipInfo) -> bool:
    """A big entry compressed implausibly well."""
    if entry.file_size <= BIG_ENTRY_BYTES:
        return False
    return entry.file_size > MAX_ENTRY_RATIO * max(entry.compress_size, 1)


def _docx_blocks(blocks: Iterator[Paragraph | Table]) -> Iterator[str]:
    """Lines of DOCX paragraphs and tables (cells left to right, merged cells once)."""
    for block in blocks:
        if isinstance(block, Table):
            yield from _docx_table(block)
        else:
            yield _docx_paragraph(block)


def _docx_table(table: Table) -> Iterator[str]:
    """Lines of a table's cells, nested tables included."""
    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            yield from _docx_blocks(cell.iter_inner_content())


def _docx_paragraph(paragraph: Paragraph) -> str:
    """A paragraph's text; heading styles are marked with Markdown #s."""
    text = paragraph.text
    style = paragraph.style
    name = (style.name or "") if style is not None else ""
    level = _DOCX_HEADING_STYLE.match(name)
    if level and text.strip():
        return "#" * int(level.group(1)) + " " + text
    if name.lower() == "title" and text.strip():
        return "# " + text
    return text


# ---------------------------------------------------------------------------------------------
# Lines


def _lines(text: str) -> list[_Line]:
    """Non-empty lines, Markdown decoration removed, with quotations marked."""
    lines = [_strip_markdown(raw) for raw in _fix_eth(clean(text)).split("\n")]
    kept = [line for line in lines if line.text]
    for line, quoted in zip(kept, _quoted_flags([line.text for line in kept]), strict=True):
        line.quoted = quoted
    return kept


def _fix_eth(text: str) -> str:
    """Đ/đ for the look-alike eth (U+00D0/U+00F0) that many Vietnamese files contain."""
    return text.replace("\u00d0", "Đ").replace("\u00f0", "đ")


def _strip_markdown(raw: str) -> _Line:
    """The line without #-heading marks, bold markers and backslash escapes."""
    line = " ".join(raw.split())
    heading = _MD_HEADING.fullmatch(line)
    if heading:
        line = heading.group(2)
    line = _MD_EMPHASIS.sub("", _MD_ESCAPE.sub(r"\1", line)).strip()
    if len(line) > 2 and line[0] == line[-1] == "*" and line[1] != " ":
        line = line[1:-1].strip()
    return _Line(line, md_heading=heading is not None)


def _quoted_flags(lines: list[str]) -> list[bool]:
    """Which lines are inside a quotation (or open one): these never start a section.

    Curly quotes nest; straight quotes toggle. A quotation left open for too long or until the
    end is taken to be a stray quote mark and scanning resumes after it.
    """
    flags = [False] * len(lines)
    start = 0
    while start < len(lines):
        reopen = _scan_quotes(lines, start, flags)
        if reopen is None:
            break
        for i in range(reopen + 1, len(lines)):
            flags[i] = False
        start = reopen + 1
    return flags


def _scan_quotes(lines: list[str], start: int, flags: list[bool]) -> int | None:
    """Mark quoted lines from `start`; the opening line of a runaway quotation, else None."""
    depth, straight, opened = 0, False, -1
    for i in range(start, len(lines)):
        line = lines[i]
        inside = depth > 0 or straight
        flags[i] = inside or line.startswith(("“", '"', "«", "„"))
        depth = max(
            0, depth + line.count("“") + line.count("«") - line.count("”") - line.count("»")
        )
        straight ^= line.count('"') % 2 == 1
        now_inside = depth > 0 or straight
        if now_inside and not inside:
            opened = i
        if now_inside and i - opened > MAX_QUOTED_LINES:
            return opened
    return opened if (depth > 0 or straight) else None


# ---------------------------------------------------------------------------------------------
# Numbers


def _roman_value(numeral: str) -> int | None:
    """The value of a well-formed roman numeral, else None."""
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        following = _ROMAN_VALUES[numeral[i + 1]] if i + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total if total > 0 and _to_roman(total) == numeral else None


def _to_roman(value: int) -> str:
    """Roman numeral for 1..399."""
    parts = []
    for amount, symbol in _ROMAN_SYMBOLS:
        count, value = divmod(value, amount)
        parts.append(symbol * count)
    return "".join(parts)


def _ordinal_value(words: str) -> int | None:
    """Value of Vietnamese ordinal words after "thứ": "nhất" -> 1, "hai mươi mốt" -> 21."""
    tokens = fold(words).split()
    if tokens == ["nhat"]:
        return 1
    if tokens and tokens[0] == "muoi":
        rest = _units(tokens[1:])
        return None if rest is None else 10 + rest
    if len(tokens) >= 2 and tokens[1] == "muoi":
        tens, rest = _units(tokens[:1]), _units(tokens[2:])
        return None if not tens or rest is None else tens * 10 + rest
    value = _units(tokens)
    return value or None


def _units(tokens: list[str]) -> int | None:
    """0 for no token, the digit for one unit word, else None."""
    if not tokens:
        return 0
    if len(tokens) == 1:
        return _ORDINAL_UNITS.get(tokens[0])
    return None


@lru_cache(maxsize=65_536)
def normalise_number(raw: str) -> str | None:
    """Arabic digits for roman numerals and "thứ ..." ordinals; letters lower-cased; else None."""
    raw = raw.strip()
    if _ROMAN_NUMBER.fullmatch(raw):
        value = _roman_value(raw)
    elif raw.lower().startswith("thứ"):
        value = _ordinal_value(raw[3:])
    elif _ARABIC_NUMBER.fullmatch(raw):
        return ".".join(str(int(part)) for part in _DIGITS.findall(raw)) + _letter(raw)
    elif _LETTER_NUMBER.fullmatch(raw):
        return raw.lower()
    else:
        return None
    return None if value is None else str(value)


def _letter(raw: str) -> str:
    """The lower-cased letter suffix of "19a", else ""."""
    return raw[-1].lower() if raw[-1].isalpha() else ""


def _numeral(raw: str) -> str:
    """How a number is shown in labels: roman as written, ordinals lower-case, else normalised."""
    if raw.lower().startswith("thứ"):
        return " ".join(raw.lower().split())
    if _ROMAN_NUMBER.fullmatch(raw):
        return raw
    return normalise_number(raw) or raw


# ---------------------------------------------------------------------------------------------
# Recognising headings


def _keyword_marker(text: str) -> _Marker | None:
    """Phần / Chương / Mục / Tiểu mục / Điều headings and "Lời nói đầu"."""
    if _PREAMBLE.fullmatch(text):
        return _Marker("preamble", "", "", 0.0, text)
    for kind, pattern in _KEYWORD_HEADINGS:
        match = pattern.match(text)
        if match is None:
            continue
        rest = match.group("rest")
        if not match.group("punct") and rest[:1].islower():
            return None  # "Điều 11 của Luật này." is a wrapped sentence, not a heading
        number = normalise_number(match.group("num"))
        if number is None:
            return None
        return _Marker(kind, number, _numeral(match.group("num")), RANKS[kind], rest)
    return None


def _legal_item_marker(text: str) -> _Marker | None:
    """Khoản "1." and Điểm "a)" lines inside an Điều."""
    match = _KHOAN.fullmatch(text)
    if match:
        number = normalise_number(match.group("num")) or match.group("num")
        return _Marker("khoan", number, number, RANKS["khoan"], match.group("rest"))
    match = _DIEM.fullmatch(text)
    if match:
        return _Marker(
            "diem", match.group("num"), match.group("num"), RANKS["diem"], match.group("rest")
        )
    return None


def _report_part_marker(text: str) -> _Marker | None:
    """Roman-numbered parts "II." and numbered items "1." / "1.1." of reports and plans."""
    match = _ROMAN_PART.fullmatch(text)
    value = _roman_value(match.group("num")) if match else None
    if match and value and value <= MAX_ROMAN_PART and not _INITIAL.match(match.group("rest")):
        return _Marker("phan", str(value), match.group("num"), RANKS["roman"], match.group("rest"))
    match = _NUMBERED_ITEM.fullmatch(text)
    if match is None:
        return None
    raw = match.group("num") or match.group("dotted")
    rest = match.group("rest") if match.group("num") else match.group("rest2")
    if match.group("dotted") and not rest[0].isupper():
        return None  # "2.5 triệu người" is a sentence
    number = normalise_number(raw) or raw
    rank = RANKS["muc"] + 0.1 * number.count(".")
    return _Marker("muc", number, number, rank, rest or "")


def _report_item_marker(text: str) -> _Marker | None:
    """Lettered sub-items "a)" and dash/plus paragraphs of reports."""
    match = _DIEM.fullmatch(text)
    if match:
        return _Marker(
            "diem", match.group("num"), match.group("num"), RANKS["diem"], match.group("rest")
        )
    match = _BULLET.fullmatch(text)
    if match:
        rank = RANKS["doan"] + (1.0 if match.group("mark") == "+" else 0.0)
        return _Marker("doan", "", "", rank, match.group("rest"))
    return None


def _is_upper(text: str) -> bool:
    return any(ch.isalpha() for ch in text) and text == text.upper()


def _title_and_text(rest: str) -> tuple[str, str]:
    """Split a heading's remainder into (title, text): long sentences are text."""
    if len(rest) > MAX_TITLE_CHARS and rest.endswith(_SENTENCE_END):
        return "", rest
    return rest, ""


# ---------------------------------------------------------------------------------------------
# The front matter: title and implicit preamble


def _is_header_junk(text: str) -> bool:
    """Separators, the national motto, document numbers, place-and-date and "Dự thảo" marks."""
    if not any(ch.isalnum() for ch in text):
        return True
    folded = fold(text)
    letters = " ".join(re.findall(r"[a-z0-9]+", folded))
    return (
        letters in _MOTTO
        or (len(text) < 60 and _DOC_NUMBER.fullmatch(folded) is not None)
        or (len(text) < 100 and _PLACE_DATE.match(folded) is not None)
        or _DRAFT_MARK.fullmatch(letters) is not None
    )


def _split_front(front: list[_Line]) -> tuple[str, list[str]]:
    """The title and the preamble lines among the lines before the first heading.

    The title is the last run of upper-case lines or Markdown headings before the first
    paragraph of prose, else the first short line; what follows the title is the preamble.
    """
    runs: list[list[int]] = [[]]
    short_lines: list[int] = []
    for i, line in enumerate(front):
        if _is_header_junk(line.text):
            runs.append([])
        elif line.md_heading or _is_upper(line.text):
            runs[-1].append(i)
        elif _is_short(line.text):
            short_lines.append(i)
            runs.append([])
        else:
            break  # prose: the front matter is over
    filled = [run for run in runs if run]
    if filled:
        title = " ".join(front[i].text for i in filled[-1])
        return _cut_title(title), _body(front[filled[-1][-1] + 1 :])
    if short_lines:
        return _cut_title(front[short_lines[0]].text), _body(front[short_lines[0] + 1 :])
    return "", _body(front)


def _is_short(text: str) -> bool:
    """A line short enough, and unpunctuated enough, to be a title or a header line."""
    return len(text) <= MAX_HEADER_LINE and not text.endswith(_SENTENCE_END)


def _cut_title(title: str) -> str:
    return title if len(title) <= MAX_DOC_TITLE else title[: MAX_DOC_TITLE - 1] + "…"


def _body(lines: list[_Line]) -> list[str]:
    return [line.text for line in lines if not _is_header_junk(line.text)]


# ---------------------------------------------------------------------------------------------
# Building the tree


class _TreeBuilder:
    """Turns classified lines into nodes, keeping the stack of open sections."""

    def __init__(self, legal: bool) -> None:
        self.legal = legal
        self.nodes: list[_Node] = []
        self.stack: list[int] = []
        self.awaiting_title: int | None = None
        self.title_upper_only = False
        self.path_copies: dict[str, int] = {}
        self.bullets: dict[int | None, int] = {}

    def marker(self, line: _Line) -> _Marker | None:
        """The heading or item this line starts, given the open sections."""
        if line.quoted:
            return None
        found = _keyword_marker(line.text)
        if found is not None:
            return found
        if self.legal:
            return _legal_item_marker(line.text) if self._inside("dieu") else None
        found = _report_part_marker(line.text)
        if found is None and self._inside_structure():
            found = _report_item_marker(line.text)
        return found

    def add_line(self, line: _Line) -> None:
        """Add one line after the front matter."""
        if self._take_as_title(line):
            return
        found = self.marker(line)
        if found is None:
            self._append_text(line.text)
        else:
            self.open(found)

    def open(self, found: _Marker) -> None:
        """Open a section for a heading, closing those it ends."""
        if found.kind == "preamble" and self._merge_preamble(found):
            return
        while self.stack and self._closes(found.rank, self.nodes[self.stack[-1]]):
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        number, numeral = found.number, found.numeral
        if found.kind == "doan":
            number = numeral = self._bullet_number(parent)
        heading, text = self._heading_and_text(found)
        node = self._new_node(found.kind, number, numeral, found.rank, heading, parent)
        if text:
            node.lines.append(text)
        self.awaiting_title = (
            len(self.nodes) - 1 if found.kind in TITLED_KINDS and not heading else None
        )
        self.title_upper_only = False

    def add_preamble(self, heading: str, lines: list[str]) -> None:
        """The implicit preamble: text between the title and the first heading."""
        node = self._new_node("preamble", "", "", 0.0, heading, None)
        node.lines.extend(lines)

    def sections(self) -> list[ParsedSection]:
        """The finished sections in document order."""
        return [
            ParsedSection(
                kind=node.kind,
                number=node.number,
                label=node.label,
                path=node.path,
                heading=node.heading,
                text="\n".join(node.lines),
                depth=node.depth,
                parent=node.parent,
                order=order,
            )
            for order, node in enumerate(self.nodes)
        ]

    # -- helpers -------------------------------------------------------------------------------

    def _inside(self, kind: str) -> bool:
        return any(self.nodes[i].kind == kind for i in self.stack)

    def _inside_structure(self) -> bool:
        return any(self.nodes[i].kind != "preamble" for i in self.stack)

    @staticmethod
    def _closes(rank: float, open_node: _Node) -> bool:
        return open_node.kind == "preamble" or open_node.rank >= rank

    def _merge_preamble(self, found: _Marker) -> bool:
        """An explicit "Lời nói đầu" right after an implicit preamble names that preamble."""
        if len(self.nodes) == 1 and self.nodes[0].kind == "preamble" and not self.nodes[0].heading:
            self.nodes[0].heading = found.rest
            self.stack = [0]
            return True
        return False

    def _heading_and_text(self, found: _Marker) -> tuple[str, str]:
        if found.kind in ("khoan", "diem", "doan"):
            return "", found.rest
        if found.kind == "preamble":
            return found.rest, ""
        return _title_and_text(found.rest)

    def _bullet_number(self, parent: int | None) -> str:
        """Running index of a dash paragraph within its parent; "3.1" under dash paragraph 3."""
        count = self.bullets.get(parent, 0) + 1
        self.bullets[parent] = count
        if parent is not None and self.nodes[parent].kind == "doan":
            return f"{self.nodes[parent].number}.{count}"
        return str(count)

    def _new_node(
        self, kind: str, number: str, numeral: str, rank: float, heading: str, parent: int | None
    ) -> _Node:
        parent_node = self.nodes[parent] if parent is not None else None
        component = f"{kind}:{number}" if number else kind
        path = f"{parent_node.path}/{component}" if parent_node else component
        node = _Node(
            kind=kind,
            number=number,
            numeral=numeral,
            rank=rank,
            heading=heading,
            parent=parent,
            depth=parent_node.depth + 1 if parent_node else 0,
            path=self._unique_path(path),
            label="",
        )
        node.label = self._label(node)
        self.nodes.append(node)
        self.stack.append(len(self.nodes) - 1)
        return node

    def _unique_path(self, path: str) -> str:
        """The path, with "~2", "~3"... appended when a document repeats a number."""
        copies = self.path_copies.get(path, 0) + 1
        self.path_copies[path] = copies
        return path if copies == 1 else f"{path}~{copies}"

    def _label(self, node: _Node) -> str:
        """Human label: the section and its ancestors up to one that names itself."""
        parts = [_own_label(node)]
        below, parent = node.kind, node.parent
        while node.kind not in ANCHOR_KINDS and parent is not None:
            ancestor = self.nodes[parent]
            if ancestor.kind == "preamble":
                break
            if ancestor.kind != below:  # "Mục 1.1" already says it is inside "Mục 1"
                parts.append(_own_label(ancestor))
            if ancestor.kind in ANCHOR_KINDS:
                break
            below, parent = ancestor.kind, ancestor.parent
        return " ".join(parts)

    def _take_as_title(self, line: _Line) -> bool:
        """Use the line as the title of a "Chương I" heading that had none on its own line."""
        target, upper_only = self.awaiting_title, self.title_upper_only
        self.awaiting_title, self.title_upper_only = None, False
        if target is None or line.quoted or self.marker(line) is not None:
            return False
        upper = _is_upper(line.text)
        short = len(line.text) <= MAX_TITLE_CHARS and not line.text.endswith(_SENTENCE_END)
        if not (upper or (not upper_only and (line.md_heading or short))):
            return False
        node = self.nodes[target]
        node.heading = f"{node.heading} {line.text}".strip()
        if upper:  # an upper-case title may go on over several lines
            self.awaiting_title, self.title_upper_only = target, True
        return True

    def _append_text(self, text: str) -> None:
        """A plain paragraph belongs to the innermost open section that is not a dash paragraph."""
        while self.stack and self.nodes[self.stack[-1]].kind == "doan":
            self.stack.pop()
        if self.stack:
            self.nodes[self.stack[-1]].lines.append(text)


def _own_label(node: _Node) -> str:
    name = KIND_NAMES[node.kind]
    return f"{name} {node.numeral}" if node.numeral else name


def _parse(text: str, filename: str) -> ParsedDraft:
    """Parse cleaned text into a title and sections."""
    lines = _lines(text)
    if not lines:
        raise _error("empty", filename)
    legal = any(
        not line.quoted and (m := _keyword_marker(line.text)) is not None and m.kind == "dieu"
        for line in lines
    )
    builder = _TreeBuilder(legal)
    first = next((i for i, line in enumerate(lines) if builder.marker(line) is not None), None)
    if first is None:
        raise _error("no_structure", filename)
    title, preamble = _split_front(lines[:first])
    if preamble:
        builder.add_preamble("", preamble)
    for line in lines[first:]:
        builder.add_line(line)
    sections = builder.sections()
    if all(section.kind == "preamble" for section in sections):
        raise _error("no_structure", filename)
    return ParsedDraft(title=title, sections=sections)
