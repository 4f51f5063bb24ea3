"""The administrative document writer, checked by reading the DOCX back with python-docx."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ykien.exports import admin_docx
from ykien.exports.admin_docx import GroupRow, Letterhead, Signature

LETTERHEAD = Letterhead(
    parent_body="Đảng bộ Tỉnh Quảng Trị",
    issuing_body="Ban Thường vụ Huyện ủy Gio Linh",
    number_symbol="07/BC-HU",
    place="Gio Linh",
    issued_on=date(2026, 1, 9),
)
SIGNATURE = Signature(on_behalf="TM. Ban Thường vụ", position="Bí thư", name="Lê Thị Thủy")


def reopen(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def finished(doc: Document, recipients: list[str] | None = None) -> Document:
    return reopen(admin_docx.finish(doc, signature=SIGNATURE, recipients=recipients or ["Lưu"]))


def close_to(length: int | None, millimetres: float) -> bool:
    return length is not None and abs(length - Mm(millimetres)) < Mm(0.2)


@pytest.mark.parametrize(
    ("issued_on", "expected"),
    [
        (date(2026, 3, 5), "Hà Nội, ngày 05 tháng 3 năm 2026"),
        (date(2025, 1, 20), "Hà Nội, ngày 20 tháng 01 năm 2025"),
        (date(2025, 2, 1), "Hà Nội, ngày 01 tháng 02 năm 2025"),
        (date(2025, 12, 31), "Hà Nội, ngày 31 tháng 12 năm 2025"),
    ],
)
def test_date_line_pads_days_and_the_first_two_months(issued_on: date, expected: str) -> None:
    assert admin_docx.date_line("Hà Nội", issued_on) == expected


def test_numbering_helpers() -> None:
    assert [admin_docx.roman(n) for n in (1, 4, 9, 14, 40, 1994)] == [
        "I", "IV", "IX", "XIV", "XL", "MCMXCIV",
    ]  # fmt: skip
    assert [admin_docx.letter(n) for n in (1, 2, 26, 27)] == ["a", "b", "z", "aa"]
    with pytest.raises(ValueError):
        admin_docx.roman(0)


def test_page_is_a4_portrait_with_administrative_margins() -> None:
    doc = finished(admin_docx.new_document(LETTERHEAD, title="Báo cáo", subtitle=None))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert close_to(section.page_width, 210) and close_to(section.page_height, 297)
    assert close_to(section.top_margin, 20) and close_to(section.bottom_margin, 20)
    assert close_to(section.left_margin, 30) and close_to(section.right_margin, 15)


def test_landscape_swaps_the_page_sides() -> None:
    doc = finished(admin_docx.new_document(LETTERHEAD, title="Bảng", subtitle=None, landscape=True))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert close_to(section.page_width, 297) and close_to(section.page_height, 210)


def test_times_new_roman_14_for_every_script_and_vietnamese_language() -> None:
    doc = finished(admin_docx.new_document(LETTERHEAD, title="Báo cáo", subtitle=None))
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    run_defaults = defaults.find(qn("w:rPr"))
    fonts = run_defaults.find(qn("w:rFonts"))
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(slot)) == "Times New Roman"
    assert fonts.get(qn("w:asciiTheme")) is None
    assert run_defaults.find(qn("w:sz")).get(qn("w:val")) == "28"
    assert run_defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)


def header_cells(doc: Document) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in doc.tables[0].rows]


def test_state_letterhead_has_bodies_number_motto_and_date_line() -> None:
    doc = finished(admin_docx.new_document(LETTERHEAD, title="Báo cáo", subtitle=None))
    (bodies, motto), (number, place_date) = header_cells(doc)
    assert bodies.split("\n")[:2] == ["ĐẢNG BỘ TỈNH QUẢNG TRỊ", "BAN THƯỜNG VỤ HUYỆN ỦY GIO LINH"]
    assert motto.split("\n")[:2] == [admin_docx.STATE_MOTTO, admin_docx.STATE_SLOGAN]
    assert number == "Số: 07/BC-HU"
    assert place_date == "Gio Linh, ngày 09 tháng 01 năm 2026"
    cells = doc.tables[0].rows
    parent_run, body_run = (p.runs[0] for p in cells[0].cells[0].paragraphs[:2])
    assert not parent_run.bold and body_run.bold
    assert all(p.runs[0].bold for p in cells[0].cells[1].paragraphs[:2])
    assert cells[1].cells[1].paragraphs[0].runs[0].italic
    borders = doc.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert {side.get(qn("w:val")) for side in borders} == {"nil"}


def test_party_letterhead_uses_the_party_name_and_number_without_colon() -> None:
    party = Letterhead(
        parent_body=None,
        issuing_body="Đảng ủy Khối các cơ quan",
        number_symbol="15-BC/ĐUK",
        place="Hà Nội",
        issued_on=date(2026, 4, 30),
        motto="party",
    )
    doc = finished(admin_docx.new_document(party, title="Báo cáo", subtitle=None))
    (bodies, motto), (number, _) = header_cells(doc)
    assert bodies.split("\n")[:2] == ["ĐẢNG ỦY KHỐI CÁC CƠ QUAN", "*"]
    assert motto.split("\n")[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert admin_docx.STATE_SLOGAN not in motto
    assert number == "Số 15-BC/ĐUK"


def test_title_is_centred_bold_upper_case_with_subtitle() -> None:
    doc = finished(
        admin_docx.new_document(LETTERHEAD, title="Báo cáo", subtitle="Tổng hợp ý kiến góp ý")
    )
    title, subtitle = doc.paragraphs[0], doc.paragraphs[1]
    assert title.text == "BÁO CÁO" and subtitle.text == "Tổng hợp ý kiến góp ý"
    for paragraph in (title, subtitle):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert paragraph.runs[0].bold


def test_headings_are_numbered_and_counters_reset_below() -> None:
    doc = admin_docx.new_document(LETTERHEAD, title="Báo cáo", subtitle=None)
    for text, level in [
        ("Tình hình", 1), ("Kết quả", 2), ("Đơn vị", 3), ("Kênh", 3), ("Hạn chế", 2),
        ("Phương hướng", 1), ("Nhiệm vụ", 2), ("Điểm", 3),
    ]:  # fmt: skip
        admin_docx.add_heading(doc, text, level=level)
    texts = [p.text for p in finished(doc).paragraphs if p.text and p.text != "BÁO CÁO"]
    assert texts == [
        "I. TÌNH HÌNH", "1. Kết quả", "a) Đơn vị", "b) Kênh", "2. Hạn chế",
        "II. PHƯƠNG HƯỚNG", "1. Nhiệm vụ", "a) Điểm",
    ]  # fmt: skip
    with pytest.raises(ValueError):
        admin_docx.add_heading(doc, "x", level=4)


def test_body_paragraph_is_justified_with_first_line_indent() -> None:
    doc = admin_docx.new_document(LETTERHEAD, title="Báo cáo", subtitle=None)
    admin_docx.add_paragraph(doc, "Các chi bộ đã tổ chức sinh hoạt chuyên đề.")
    paragraph = next(p for p in finished(doc).paragraphs if p.text.startswith("Các chi bộ"))
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert close_to(paragraph.paragraph_format.first_line_indent, 12.7)


def test_table_rows_widths_header_repeat_and_escaping() -> None:
    doc = admin_docx.new_document(LETTERHEAD, title="Báo cáo", subtitle=None)
    admin_docx.add_table(
        doc,
        ["TT", "Đơn vị", "Số ý kiến"],
        [["1", "Công đoàn <cơ sở> & Đoàn", "12"], ["2", "Hội Phụ nữ\nxã Gio Mỹ", "3\x07"]],
        widths_mm=[15, 110, 40],
    )
    table = finished(doc).tables[1]
    assert len(table.rows) == 3
    assert [c.text for c in table.rows[0].cells] == ["TT", "Đơn vị", "Số ý kiến"]
    assert table.rows[1].cells[1].text == "Công đoàn <cơ sở> & Đoàn"
    assert [p.text for p in table.rows[2].cells[1].paragraphs] == ["Hội Phụ nữ", "xã Gio Mỹ"]
    assert table.rows[2].cells[2].text == "3"
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert table.rows[1]._tr.trPr is None
    assert [round(c.width.mm) for c in table.rows[1].cells] == [15, 110, 40]
    assert table.rows[0].cells[0].paragraphs[0].style.name == admin_docx.TABLE_HEADER_STYLE
    assert table.rows[1].cells[0].paragraphs[0].style.name == admin_docx.TABLE_TEXT_STYLE


def test_table_group_rows_span_and_merge_columns_merge_equal_cells() -> None:
    doc = admin_docx.new_document(LETTERHEAD, title="Báo cáo", subtitle=None)
    admin_docx.add_table(
        doc,
        ["Điều", "Ý kiến"],
        [GroupRow("Chương I"), ["Điều 1", "a"], ["Điều 1", "b"], ["Điều 2", "c"]],
        merge_columns=(0,),
        centre_columns=(0,),
    )
    rows = finished(doc).tables[1].rows
    assert rows[1]._tr.xpath("./w:tc[1]/w:tcPr/w:gridSpan/@w:val") == ["2"]
    assert rows[1].cells[0].text == "Chương I"
    merges = [row._tr.xpath("./w:tc[1]/w:tcPr/w:vMerge")[0] for row in rows[2:]]
    assert [m.get(qn("w:val")) for m in merges] == ["restart", None, "restart"]
    assert rows[2].cells[0].paragraphs[0].style.name == admin_docx.TABLE_CENTRED_STYLE


def test_table_rejects_rows_of_the_wrong_width() -> None:
    doc = admin_docx.new_document(LETTERHEAD, title="Báo cáo", subtitle=None)
    with pytest.raises(ValueError, match="2 cells"):
        admin_docx.add_table(doc, ["a", "b", "c"], [["1", "2"]])
    with pytest.raises(ValueError, match="widths"):
        admin_docx.add_table(doc, ["a", "b"], [], widths_mm=[10])


def test_page_number_field_in_header_from_page_two() -> None:
    doc = finished(admin_docx.new_document(LETTERHEAD, title="Báo cáo", subtitle=None))
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml and 'w:fldCharType="begin"' in header_xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_finish_adds_recipients_and_signature() -> None:
    doc = admin_docx.new_document(LETTERHEAD, title="Báo cáo", subtitle=None)
    done = finished(doc, ["Thường trực Tỉnh ủy;", "Các chi bộ trực thuộc", "Lưu VP."])
    recipients, signature = done.tables[-1].rows[0].cells
    assert recipients.text.split("\n") == [
        "Nơi nhận:", "- Thường trực Tỉnh ủy;", "- Các chi bộ trực thuộc;", "- Lưu VP.",
    ]  # fmt: skip
    lines = [line for line in signature.text.split("\n") if line]
    assert lines == ["TM. BAN THƯỜNG VỤ", "BÍ THƯ", "Lê Thị Thủy"]
    assert recipients.paragraphs[1].runs[0].font.size == Pt(11)
