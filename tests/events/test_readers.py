"""read_document: text, DOCX and PDF in; every bad file refused with a bilingual UserError."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import docx
import pypdf
import pytest

from ykien.errors import UserError
from ykien.events.readers import read_document

SENTENCE = "Đồng chí Nguyễn Văn Hùng phát biểu tại hội nghị hoà bình."
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def make_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    document.add_heading("Biên bản hội nghị", 1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pdf(text: str) -> bytes:
    """A one-page PDF whose text layer holds `text` (ASCII, standard Helvetica font)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def blank_pdf(*, password: str | None = None) -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letters precomposed, tone marks as combining characters."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in decomposed if c in _TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
            out += (base + tones).encode("cp1258")
    return bytes(out)


def refused(data: bytes, filename: str = "bao-cao.txt", **kwargs: int) -> UserError:
    with pytest.raises(UserError) as caught:
        read_document(data, filename=filename, **kwargs)
    error = caught.value
    assert error.message_vi and error.message_en and error.message_vi != error.message_en
    return error


@pytest.mark.parametrize(
    "data",
    [
        SENTENCE.encode(),
        b"\xef\xbb\xbf" + SENTENCE.encode(),
        SENTENCE.encode("utf-16"),
        unicodedata.normalize("NFD", SENTENCE).encode(),
        cp1258(SENTENCE),
    ],
    ids=["utf8", "utf8-bom", "utf16", "decomposed", "cp1258"],
)
def test_text_files_come_back_as_nfc(data: bytes) -> None:
    assert read_document(data, filename="bien-ban.txt") == SENTENCE


def test_docx_paragraphs_are_read_without_heading_marks() -> None:
    text = read_document(make_docx(SENTENCE, "Các ý kiến tập trung vào: a; b."), filename="a.docx")
    assert text.split("\n") == ["Biên bản hội nghị", SENTENCE, "Các ý kiến tập trung vào: a; b."]


def test_format_is_sniffed_from_content_not_name() -> None:
    assert SENTENCE in read_document(make_docx(SENTENCE), filename="renamed.txt")
    assert read_document(make_pdf("Hoi nghi doi thoai 2020"), filename="x.docx") == (
        "Hoi nghi doi thoai 2020"
    )


def test_pdf_text_layer_is_read() -> None:
    assert read_document(make_pdf("Bien ban hoi nghi"), filename="a.pdf") == "Bien ban hoi nghi"


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "a.txt", "empty"),
        (b"  \n\t ", "a.txt", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "scan.txt", "unsupported_format"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "old.doc", "unsupported_format"),
        (bytes(range(256)) * 4, "a.txt", "unsupported_format"),
        (b"not a zip at all", "a.docx", "bad_docx"),
        (b"PK\x03\x04 broken archive", "a.docx", "bad_docx"),
        (b"%PDF-1.7 truncated", "a.pdf", "bad_pdf"),
        (b"plain words", "a.pdf", "bad_pdf"),
    ],
)
def test_bad_files_are_refused(data: bytes, filename: str, code: str) -> None:
    assert refused(data, filename).code == code


def test_too_large_is_refused_before_reading() -> None:
    assert refused(b"a" * 101, max_bytes=100).code == "too_large"


def test_zip_without_a_word_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert refused(buffer.getvalue(), "a.docx").code == "bad_docx"


def test_zip_bomb_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/bomb.xml", b"\x00" * 50_000_000)
    assert len(buffer.getvalue()) < 1_000_000
    assert refused(buffer.getvalue(), "bomb.docx").code == "bad_docx"


def test_scanned_pdf_without_text_layer_is_refused() -> None:
    assert refused(blank_pdf(), "scan.pdf").code == "scanned_pdf"


def test_password_protected_pdf_is_refused() -> None:
    assert refused(blank_pdf(password="secret"), "locked.pdf").code == "encrypted_pdf"
