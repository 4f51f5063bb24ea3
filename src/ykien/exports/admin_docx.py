"""Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP layout) built with python-docx.

A4, Times New Roman, the two-column header block (issuing body and number on the left, the
national motto or the party name and the place and date line on the right), a centred bold title,
numbered parts, justified body text, tables, page numbers from page 2, the signature block and
the "Nơi nhận:" list. Large tables are built as one XML string and parsed once: python-docx's
row-by-row path is far slower for thousands of rows.
"""

from __future__ import annotations

import io
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal
from xml.sax.saxutils import escape

from docx import Document as new_docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT_NAME = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13
MOTTO_PT = 12
TABLE_PT = 12
RECIPIENTS_TITLE_PT = 12
RECIPIENTS_PT = 11
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 20.0
MARGIN_BOTTOM_MM = 20.0
MARGIN_LEFT_MM = 30.0
MARGIN_RIGHT_MM = 15.0
FIRST_LINE_INDENT_MM = 12.7
STATE_MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
STATE_SLOGAN = "Độc lập - Tự do - Hạnh phúc"
PARTY_MOTTO = "ĐẢNG CỘNG SẢN VIỆT NAM"
TABLE_TEXT_STYLE = "Ykien Table Text"
TABLE_HEADER_STYLE = "Ykien Table Header"
TABLE_GROUP_STYLE = "Ykien Table Group"
TABLE_CENTRED_STYLE = "Ykien Table Centred"

_TWIPS_PER_MM = 1440 / 25.4
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Heading counters per document: python-docx objects cannot carry extra attributes.
_COUNTERS: weakref.WeakKeyDictionary[object, list[int]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Letterhead:
    """Who issues the document, its number and symbol, where and when."""

    parent_body: str | None
    issuing_body: str
    number_symbol: str
    place: str
    issued_on: date
    motto: Literal["state", "party"] = "state"


@dataclass(frozen=True)
class Signature:
    """The signer: authority ("TM. BAN THƯỜNG VỤ"), position ("BÍ THƯ") and full name."""

    on_behalf: str | None
    position: str
    name: str


@dataclass(frozen=True)
class GroupRow:
    """A table row spanning every column (for example the section a block of rows answers)."""

    text: str


def date_line(place: str, issued_on: date) -> str:
    """ "Hà Nội, ngày 05 tháng 3 năm 2026": days below 10 and months 1-2 take a leading zero."""
    month = f"{issued_on.month:02d}" if issued_on.month < 3 else str(issued_on.month)
    return f"{place}, ngày {issued_on.day:02d} tháng {month} năm {issued_on.year}"


def roman(number: int) -> str:
    """Upper-case Roman numeral for 1..3999."""
    if not 0 < number < 4000:
        raise ValueError(f"no Roman numeral for {number}")
    values = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ]  # fmt: skip
    digits = []
    for value, symbol in values:
        count, number = divmod(number, value)
        digits.append(symbol * count)
    return "".join(digits)


def letter(number: int) -> str:
    """a, b, ... z, then aa, ab, ... for point numbering."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def new_document(
    letterhead: Letterhead, *, title: str, subtitle: str | None, landscape: bool = False
) -> Document:
    """An A4 document with the styles, the header block, page numbers and the centred title."""
    doc = new_docx()
    _set_default_font(doc)
    _add_table_styles(doc)
    _set_page(doc, landscape=landscape)
    _add_page_numbers(doc)
    _COUNTERS[doc.element] = [0, 0, 0]
    body = doc.paragraphs[0] if doc.paragraphs else None
    if body is not None and not body.text:
        body._p.getparent().remove(body._p)
    _add_letterhead(doc, letterhead)
    _add_title(doc, title=title, subtitle=subtitle)
    doc.core_properties.title = f"{title} {subtitle or ''}".strip()
    doc.core_properties.author = letterhead.issuing_body
    doc.core_properties.language = "vi-VN"
    return doc


def usable_width_mm(doc: Document) -> float:
    """Width between the margins of the last section, in millimetres."""
    section = doc.sections[-1]
    parts = (section.page_width, section.left_margin, section.right_margin)
    page, left, right = (float(part or 0) / 36000 for part in parts)
    return page - left - right


def add_heading(doc: Document, text: str, *, level: int) -> Paragraph:
    """A numbered part: level 1 "I. TEXT" (bold, upper-case), 2 "1. Text" (bold), 3 "a) Text"."""
    if level not in (1, 2, 3):
        raise ValueError(f"heading level must be 1, 2 or 3, not {level}")
    counters = _COUNTERS.setdefault(doc.element, [0, 0, 0])
    counters[level - 1] += 1
    for deeper in range(level, 3):
        counters[deeper] = 0
    number = counters[level - 1]
    label = {1: f"{roman(number)}. ", 2: f"{number}. ", 3: f"{letter(number)}) "}[level]
    shown = text.upper() if level == 1 else text
    paragraph = _body_paragraph(doc, label + shown, indent=level > 1)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for run in paragraph.runs:
        run.bold = level < 3
        run.italic = level == 3
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def add_paragraph(
    doc: Document, text: str, *, italic: bool = False, bold: bool = False
) -> Paragraph:
    """A justified body paragraph with a first-line indent."""
    paragraph = _body_paragraph(doc, text, indent=True)
    for run in paragraph.runs:
        run.italic = italic
        run.bold = bold
    return paragraph


def add_table(
    doc: Document,
    header: Sequence[str],
    rows: Sequence[Sequence[str] | GroupRow],
    *,
    widths_mm: Sequence[float] | None = None,
    repeat_header: bool = True,
    merge_columns: Sequence[int] = (),
    centre_columns: Sequence[int] = (),
) -> Table:
    """A bordered table, header row bold (repeated on each page); built as XML in one pass.

    In merge_columns, a cell equal to the one above it is merged with it vertically; cells of
    centre_columns are centred (numbers, short codes).
    """
    widths = _column_widths(doc, len(header), widths_mm)
    header_styles = [_style_id(TABLE_HEADER_STYLE)] * len(widths)
    header_xml = _row_xml(header, widths, header_styles, header=repeat_header)
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    table_xml = (
        f"<w:tbl {nsdecls('w')}>{_table_properties_xml(sum(widths))}"
        f"<w:tblGrid>{grid}</w:tblGrid>{header_xml}"
        f"{_body_rows_xml(rows, widths, frozenset(merge_columns), frozenset(centre_columns))}"
        "</w:tbl>"
    )
    element = parse_xml(table_xml)
    _append_block(doc, element)
    return Table(element, doc._body)


def add_page_break(doc: Document) -> None:
    """Start the next content on a new page."""
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def finish(doc: Document, *, signature: Signature, recipients: Sequence[str]) -> bytes:
    """Add the "Nơi nhận:" list (left) and the signature block (right); return the DOCX bytes."""
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_after = Pt(0)
    table = _borderless_table(doc, [0.45, 0.55])
    # The signer's block must not break across pages, leaving the name alone on the last one.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    _fill_recipients(table.cell(0, 0), recipients)
    _fill_signature(table.cell(0, 1), signature)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def clean_text(text: str) -> str:
    """Drop characters XML cannot hold (stray control characters from imported files)."""
    return _XML_INVALID.sub("", text)


# --- page and styles -------------------------------------------------------------------------


def _set_default_font(doc: Document) -> None:
    """Times New Roman for every script and Vietnamese language in the document defaults."""
    styles = doc.styles.element
    run_defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = run_defaults.find(qn("w:rFonts"))
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT_NAME)
    run_defaults.find(qn("w:sz")).set(qn("w:val"), str(BODY_PT * 2))
    run_defaults.find(qn("w:szCs")).set(qn("w:val"), str(BODY_PT * 2))
    language = run_defaults.find(qn("w:lang"))
    language.set(qn("w:val"), "vi-VN")
    language.set(qn("w:eastAsia"), "vi-VN")
    normal = doc.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(BODY_PT)
    normal_format = normal.paragraph_format
    normal_format.space_before = Pt(0)
    normal_format.space_after = Pt(0)
    normal_format.line_spacing = 1.0


def _add_table_styles(doc: Document) -> None:
    for name, bold, align in (
        (TABLE_TEXT_STYLE, False, WD_ALIGN_PARAGRAPH.LEFT),
        (TABLE_HEADER_STYLE, True, WD_ALIGN_PARAGRAPH.CENTER),
        (TABLE_GROUP_STYLE, True, WD_ALIGN_PARAGRAPH.LEFT),
        (TABLE_CENTRED_STYLE, False, WD_ALIGN_PARAGRAPH.CENTER),
    ):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(TABLE_PT)
        style.font.bold = bold
        style.paragraph_format.alignment = align
        style.paragraph_format.space_before = Pt(2)
        style.paragraph_format.space_after = Pt(2)


def _set_page(doc: Document, *, landscape: bool) -> None:
    section = doc.sections[0]
    short, long = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)


def _add_page_numbers(doc: Document) -> None:
    """A centred PAGE field in the header, left out on the first page."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = Pt(HEADER_PT)
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None)):
        if instruction is not None:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = instruction
            run._r.append(text)
        else:
            run._r.append(_field_char(kind or ""))
    run._r.append(_text_element("2"))
    run._r.append(_field_char("end"))


def _field_char(kind: str) -> BaseOxmlElement:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def _text_element(text: str) -> BaseOxmlElement:
    element = OxmlElement("w:t")
    element.text = text
    return element


# --- letterhead, title, body -----------------------------------------------------------------


def _add_letterhead(doc: Document, letterhead: Letterhead) -> None:
    """Two borderless rows: bodies and motto, then number and the place and date line."""
    table = _borderless_table(doc, [0.42, 0.58], rows=2)
    party = letterhead.motto == "party"
    left, right = table.cell(0, 0), table.cell(0, 1)
    if letterhead.parent_body:
        _cell_line(left, letterhead.parent_body.upper(), size=HEADER_PT)
    _cell_line(left, letterhead.issuing_body.upper(), size=HEADER_PT, bold=True)
    if party:
        _cell_line(left, "*", size=HEADER_PT)
    else:
        _rule(left, width_mm=_text_width_mm(letterhead.issuing_body, HEADER_PT) * 0.4)
    if party:
        _cell_line(right, PARTY_MOTTO, size=BODY_PT, bold=True)
        _rule(right, width_mm=_text_width_mm(PARTY_MOTTO, BODY_PT, bold=True))
    else:
        _cell_line(right, STATE_MOTTO, size=MOTTO_PT, bold=True)
        _cell_line(right, STATE_SLOGAN, size=BODY_PT, bold=True)
        _rule(right, width_mm=_text_width_mm(STATE_SLOGAN, BODY_PT, bold=True))
    number = f"Số {letterhead.number_symbol}" if party else f"Số: {letterhead.number_symbol}"
    _cell_line(table.cell(1, 0), number, size=HEADER_PT)
    place_date = date_line(letterhead.place, letterhead.issued_on)
    _cell_line(table.cell(1, 1), place_date, size=BODY_PT, italic=True)


def _add_title(doc: Document, *, title: str, subtitle: str | None) -> None:
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_before = Pt(24)
    heading.paragraph_format.keep_with_next = True
    _styled_run(heading, title.upper(), size=BODY_PT, bold=True)
    if subtitle:
        under = doc.add_paragraph()
        under.alignment = WD_ALIGN_PARAGRAPH.CENTER
        under.paragraph_format.keep_with_next = True
        _styled_run(under, subtitle, size=BODY_PT, bold=True)
    rule = doc.add_paragraph()
    rule.paragraph_format.space_after = Pt(12)
    _rule_paragraph(rule, width_mm=30, available_mm=usable_width_mm(doc), gap_pt=6)


def _body_paragraph(doc: Document, text: str, *, indent: bool) -> Paragraph:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    layout = paragraph.paragraph_format
    layout.space_before = Pt(6)
    layout.line_spacing = 1.15
    if indent:
        layout.first_line_indent = Mm(FIRST_LINE_INDENT_MM)
    paragraph.add_run(clean_text(text))
    return paragraph


def _styled_run(
    paragraph: Paragraph, text: str, *, size: float, bold: bool = False, italic: bool = False
) -> None:
    run = paragraph.add_run(clean_text(text))
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic


def _cell_line(
    cell: _Cell, text: str, *, size: float, bold: bool = False, italic: bool = False
) -> Paragraph:
    """A centred line in a cell; the first empty paragraph of the cell is reused."""
    first = cell.paragraphs[0]
    paragraph = first if not first.runs and len(cell.paragraphs) == 1 else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _styled_run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def _rule(cell: _Cell, *, width_mm: float) -> None:
    """A centred horizontal rule of about width_mm under the previous line of the cell."""
    paragraph = cell.add_paragraph()
    available = float(cell.width or 0) / 36000
    _rule_paragraph(paragraph, width_mm=width_mm, available_mm=available)


def _rule_paragraph(
    paragraph: Paragraph, *, width_mm: float, available_mm: float, gap_pt: float = 2
) -> None:
    """A paragraph whose top border, narrowed by equal indents, draws a short centred line."""
    side = max(0.0, (available_mm - width_mm) / 2)
    layout = paragraph.paragraph_format
    layout.left_indent = Mm(side)
    layout.right_indent = Mm(side)
    layout.space_before = Pt(gap_pt)
    layout.line_spacing = Pt(4)
    properties = paragraph._p.get_or_add_pPr()
    properties.append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:top w:val="single" w:sz="6" w:space="1" '
            f'w:color="000000"/></w:pBdr>'
        )
    )
    run = paragraph.add_run()
    run.font.size = Pt(2)


def _text_width_mm(text: str, size_pt: float, *, bold: bool = False) -> float:
    """A rough width of text in Times New Roman: half an em per character, more for bold."""
    em_mm = size_pt * 25.4 / 72
    return len(text) * em_mm * (0.53 if bold else 0.5)


def _borderless_table(doc: Document, shares: Sequence[float], rows: int = 1) -> Table:
    """A full-width table without borders, its columns sized by the shares of the width."""
    total_mm = usable_width_mm(doc)
    table = doc.add_table(rows=rows, cols=len(shares))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    properties = table._tbl.tblPr
    properties.append(
        parse_xml(
            f"<w:tblBorders {nsdecls('w')}>"
            + "".join(f'<w:{side} w:val="nil"/>' for side in _BORDER_SIDES)
            + "</w:tblBorders>"
        )
    )
    for index, share in enumerate(shares):
        width = Mm(total_mm * share)
        table.columns[index].width = width
        for cell in table.columns[index].cells:
            cell.width = width
    return table


_BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


# --- the recipients and signature block ------------------------------------------------------


def _fill_recipients(cell: _Cell, recipients: Sequence[str]) -> None:
    title = cell.paragraphs[0]
    title.paragraph_format.space_before = Pt(6)
    _styled_run(title, "Nơi nhận:", size=RECIPIENTS_TITLE_PT, bold=True, italic=True)
    for index, name in enumerate(recipients):
        ending = "." if index == len(recipients) - 1 else ";"
        line = cell.add_paragraph()
        _styled_run(line, f"- {name.rstrip(' ;.')}{ending}", size=RECIPIENTS_PT)


def _fill_signature(cell: _Cell, signature: Signature) -> None:
    if signature.on_behalf:
        _cell_line(cell, signature.on_behalf.upper(), size=BODY_PT, bold=True)
    _cell_line(cell, signature.position.upper(), size=BODY_PT, bold=True)
    for _ in range(4):
        cell.add_paragraph()
    _cell_line(cell, signature.name, size=BODY_PT, bold=True)
    cell.paragraphs[0].paragraph_format.space_before = Pt(6)


# --- fast table XML --------------------------------------------------------------------------


def _column_widths(doc: Document, columns: int, widths_mm: Sequence[float] | None) -> list[int]:
    """Column widths in twips; equal shares of the usable width when none are given."""
    if widths_mm is None:
        widths_mm = [usable_width_mm(doc) / columns] * columns
    if len(widths_mm) != columns:
        raise ValueError(f"{len(widths_mm)} widths for {columns} columns")
    return [round(width * _TWIPS_PER_MM) for width in widths_mm]


def _table_properties_xml(total_twips: int) -> str:
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in _BORDER_SIDES
    )
    return (
        f'<w:tblPr><w:tblW w:w="{total_twips}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>"
    )


def _body_rows_xml(
    rows: Sequence[Sequence[str] | GroupRow],
    widths: Sequence[int],
    merge_columns: frozenset[int],
    centre_columns: frozenset[int],
) -> str:
    group_style = _style_id(TABLE_GROUP_STYLE)
    text, centred = _style_id(TABLE_TEXT_STYLE), _style_id(TABLE_CENTRED_STYLE)
    styles = [centred if index in centre_columns else text for index in range(len(widths))]
    parts: list[str] = []
    previous: Sequence[str] | None = None
    for row in rows:
        if isinstance(row, GroupRow):
            group_cell = _cell_xml(row.text, sum(widths), group_style, span=len(widths))
            parts.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{group_cell}</w:tr>")
            previous = None
            continue
        if len(row) != len(widths):
            raise ValueError(f"a row of {len(row)} cells in a table of {len(widths)} columns")
        merges = [
            _merge_state(index, text, previous, merge_columns) for index, text in enumerate(row)
        ]
        parts.append(_row_xml(row, widths, styles, header=False, merges=merges))
        previous = row
    return "".join(parts)


def _merge_state(
    column: int, text: str, previous: Sequence[str] | None, merge_columns: frozenset[int]
) -> str:
    """'' (no merge), 'restart' (first of a merged run) or 'continue'."""
    if column not in merge_columns:
        return ""
    if previous is not None and previous[column] == text:
        return "continue"
    return "restart"


def _row_xml(
    cells: Sequence[str],
    widths: Sequence[int],
    style_ids: Sequence[str],
    *,
    header: bool,
    merges: Sequence[str] | None = None,
) -> str:
    properties = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    merges = merges or [""] * len(widths)
    body = "".join(
        _cell_xml("" if merge == "continue" else text, width, style_id, merge=merge)
        for text, width, style_id, merge in zip(cells, widths, style_ids, merges, strict=True)
    )
    return f"<w:tr>{properties}{body}</w:tr>"


def _cell_xml(text: str, width: int, style_id: str, *, span: int = 1, merge: str = "") -> str:
    """One cell; each line of the text becomes a paragraph."""
    spanning = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    merging = {"": "", "restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}[merge]
    paragraphs = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>'
        + (f'<w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r>' if line else "")
        + "</w:p>"
        for line in clean_text(text).split("\n")
    )
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{spanning}{merging}</w:tcPr>'
        f"{paragraphs}</w:tc>"
    )


def _style_id(name: str) -> str:
    """The style id python-docx gives a style it adds: the name without spaces."""
    return name.replace(" ", "")


def _append_block(doc: Document, element: object) -> None:
    """Append a block element at the end of the body, before the final section properties."""
    body = doc.element.body
    section_properties = body.sectPr
    if section_properties is None:
        body.append(element)
    else:
        section_properties.addprevious(element)
