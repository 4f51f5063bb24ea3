"""Read an uploaded report or comment letter (TXT, DOCX, PDF) into NFC text, refusing bad files.

The format is decided by the content, not the file name: a renamed PDF is still read as a PDF,
and an old Word .doc or an image named .txt is refused. Every refusal is a UserError with the
reason in Vietnamese and English.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from pathlib import PurePath
from typing import TYPE_CHECKING

from ykien.drafts import parse as draft_parse
from ykien.errors import UserError
from ykien.text import clean

if TYPE_CHECKING:
    import pypdf

DEFAULT_MAX_BYTES = 20 * 2**20
# A PDF with more pages than this is not an event report or a comment letter.
MAX_PDF_PAGES = 2_000
# Fewer letters than this per page on average means the pages are images (a scan).
MIN_LETTERS_PER_PAGE = 20
# cp1258 text is accepted only when this share of its letters are Vietnamese or ASCII letters.
MIN_PLAIN_SHARE = 0.9

_PDF_MAGIC = b"%PDF-"
# The PDF header may follow some junk, but only within the first kilobyte.
_PDF_HEADER_WINDOW = 1024
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OTHER_BINARY_MAGICS = {
    b"\xd0\xcf\x11\xe0": "doc",  # OLE2: Word 97-2003 .doc, .xls
    b"{\\rtf": "rtf",
    b"\x89PNG": "image",
    b"\xff\xd8\xff": "image",
    b"GIF8": "image",
    b"II*\x00": "image",
    b"MM\x00*": "image",
    b"\x1f\x8b": "archive",
    b"Rar!": "archive",
    b"7z\xbc\xaf": "archive",
}
_MARKDOWN_HEADING = re.compile(r"^#{1,6} ", re.MULTILINE)
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def read_document(data: bytes, *, filename: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The document's text in NFC with unified newlines; UserError for anything unreadable."""
    if not data:
        raise _error("empty", filename)
    if len(data) > max_bytes:
        raise _error("too_large", filename, limit=max_bytes)
    kind = _sniff(data, filename)
    if kind == "docx":
        text = _docx_text(data, filename, max_bytes)
    elif kind == "pdf":
        text = _pdf_text(data, filename)
    else:
        text = _plain_text(data, filename)
    text = clean(text)
    if not text.strip():
        raise _error("empty", filename)
    return text


# ---------------------------------------------------------------------------------------------
# Format


def _sniff(data: bytes, filename: str) -> str:
    """ "docx", "pdf" or "text" from the leading bytes; refuses other binary formats."""
    if data.startswith(_ZIP_MAGICS):
        return "docx"
    if _PDF_MAGIC in data[:_PDF_HEADER_WINDOW]:
        return "pdf"
    for magic, kind in _OTHER_BINARY_MAGICS.items():
        if data.startswith(magic):
            raise _error("unsupported_format", filename, detail=kind)
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".docx":
        raise _error("bad_docx", filename)
    if suffix == ".pdf":
        raise _error("bad_pdf", filename)
    return "text"


# ---------------------------------------------------------------------------------------------
# Plain text


def _plain_text(data: bytes, filename: str) -> str:
    """UTF-8 or UTF-16 (with BOM), else Windows-1258 when it reads as Vietnamese."""
    try:
        return draft_parse.decode_text(data, filename)
    except draft_parse.DraftParseError:
        pass
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)):
        raise _error("not_text", filename)
    legacy = _cp1258(data)
    if legacy is None:
        raise _error("unsupported_format", filename, detail="binary")
    return legacy


def _cp1258(data: bytes) -> str | None:
    """The bytes as Windows-1258 text if that gives plausible letters, else None."""
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        return None
    text = clean(text)
    if b"\x00" in data or len(_CONTROLS.findall(text)) > len(text) / 100:
        return None
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    plain = sum(1 for ch in letters if _is_vietnamese_letter(ch))
    return text if plain >= MIN_PLAIN_SHARE * len(letters) else None


def _is_vietnamese_letter(ch: str) -> bool:
    """ASCII letters and the Latin letters with Vietnamese marks (Latin-1 to Latin Extended)."""
    return ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1ea0" <= ch <= "\u1ef9"


# ---------------------------------------------------------------------------------------------
# DOCX


def _docx_text(data: bytes, filename: str, max_bytes: int) -> str:
    """Paragraphs and table cells, with the zip-bomb and structure checks of the draft reader."""
    try:
        text = draft_parse.docx_text(data, filename, max_bytes)
    except draft_parse.DraftParseError as exc:
        raise _error("bad_docx", filename) from exc
    # The draft reader marks Word headings with Markdown #s; a report wants the plain text.
    return _MARKDOWN_HEADING.sub("", text)


# ---------------------------------------------------------------------------------------------
# PDF


def _pdf_text(data: bytes, filename: str) -> str:
    """The text layer of every page; scans and password-protected files are refused."""
    import pypdf  # imported here: only PDF uploads pay for it

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        _unlock(reader, filename)
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise _error("too_many_pages", filename, limit=MAX_PDF_PAGES)
        texts = [page.extract_text() or "" for page in pages]
    except UserError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors for a damaged file
        raise _error("bad_pdf", filename) from exc
    text = "\n".join(texts)
    if not texts or _letter_count(text) < MIN_LETTERS_PER_PAGE * len(texts) / 4:
        raise _error("scanned_pdf", filename)
    return text


def _unlock(reader: pypdf.PdfReader, filename: str) -> None:
    """Open a PDF encrypted with an empty user password (print/copy restrictions only)."""
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # missing crypto backend or a damaged encryption dictionary
        raise _error("encrypted_pdf", filename) from exc
    if not opened:
        raise _error("encrypted_pdf", filename)


def _letter_count(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


# ---------------------------------------------------------------------------------------------
# Errors


def _error(code: str, filename: str, *, limit: int = 0, detail: str = "") -> UserError:
    """The error for `code`, naming the file (or "the text" when there is no name)."""
    vi = f"Tệp “{filename}”" if filename else "Văn bản"
    en = f"The file “{filename}”" if filename else "The text"
    accepted_vi = "Hãy tải lên tệp .docx, .pdf (có lớp chữ) hoặc .txt."
    accepted_en = "Please upload a .docx, a .pdf with a text layer, or a .txt file."
    kinds_vi = {"doc": "tệp Word cũ (.doc)", "rtf": "tệp RTF", "image": "ảnh", "archive": "tệp nén"}
    kinds_en = {"doc": "an old Word file (.doc)", "rtf": "an RTF file", "image": "an image"}
    kinds_en["archive"] = "a compressed archive"
    messages = {
        "empty": (f"{vi} không có nội dung.", f"{en} is empty."),
        "too_large": (
            f"{vi} quá lớn: giới hạn là {limit:,} byte.".replace(",", "."),
            f"{en} is too large: the limit is {limit:,} bytes.",
        ),
        "too_many_pages": (
            f"{vi} có quá nhiều trang: giới hạn là {limit} trang.",
            f"{en} has too many pages: the limit is {limit} pages.",
        ),
        "unsupported_format": (
            f"{vi} là {kinds_vi.get(detail, 'dữ liệu nhị phân')}, không phải định dạng được hỗ "
            f"trợ. {accepted_vi}",
            f"{en} is {kinds_en.get(detail, 'binary data')}, not a supported format. {accepted_en}",
        ),
        "not_text": (
            f"{vi} không phải văn bản UTF-8 hoặc UTF-16 đọc được. Hãy lưu lại với mã hoá UTF-8.",
            f"{en} is not readable UTF-8 or UTF-16 text. Please save it as UTF-8.",
        ),
        "bad_docx": (
            f"{vi} không phải tệp Word (.docx) hợp lệ, bị hỏng, hoặc giải nén ra quá lớn.",
            f"{en} is not a valid Word (.docx) file, is damaged, or unpacks far too large.",
        ),
        "bad_pdf": (
            f"{vi} không phải tệp PDF hợp lệ hoặc bị hỏng.",
            f"{en} is not a valid PDF file, or it is damaged.",
        ),
        "scanned_pdf": (
            f"{vi} là bản quét (ảnh), không có lớp chữ để đọc. Hãy tải lên bản Word hoặc PDF "
            "xuất từ Word, hoặc nhận dạng chữ (OCR) trước.",
            f"{en} is a scan (images) with no text layer. Please upload the Word file, a PDF "
            "exported from Word, or run OCR first.",
        ),
        "encrypted_pdf": (
            f"{vi} được bảo vệ bằng mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại.",
            f"{en} is password-protected. Please remove the password and upload again.",
        ),
    }
    message_vi, message_en = messages[code]
    return UserError(code, message_vi, message_en)
