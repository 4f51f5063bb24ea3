"""The two official reports of a consultation, as plain dataclasses, and their writers.

- SynthesisReport: "Báo cáo tổng hợp ý kiến" of one organisation (totals, items per section and
  per theme with summaries, counts and representative quotes with receipt codes).
- ResponseTable: "Bảng tổng hợp tiếp thu, giải trình ý kiến" (per section: opinions summarised,
  who raised them with counts, outcome, explanation, new wording).

Writers: to_docx (administrative layout), to_xlsx, to_csv (UTF-8 with BOM, for Excel) and
to_json (open data); from_json reads the JSON back.

JSON schema (stable; keys never renamed, new keys may be added; dates are ISO 8601 "YYYY-MM-DD"):
  common:      {"schema": "ykien/synthesis-report" | "ykien/response-table", "schema_version": 1,
                "letterhead": {"parent_body": str|null, "issuing_body", "number_symbol", "place",
                               "issued_on": date, "motto": "state"|"party"},
                "signature": {"on_behalf": str|null, "position", "name"},
                "recipients": [str], "consultation_title": str, "introduction": str|null}
  synthesis:   + "period": {"start": date, "end": date},
                 "totals": {"raw": int, "deduplicated": int, "by_organisation": [count],
                            "by_channel": [count], "by_kind": [count]},
                 "sections": [item], "themes": [item], "recommendations": [str],
                 "meetings": [{"title", "held_on": date, "speakers": int, "attendees": int}],
                 "wordings": [{"section", "quote": quote}]  (quote.text: the proposed wording)
                 count = {"label", "raw": int, "deduplicated": int}
                 item  = {"label", "summary", "raw": int, "deduplicated": int,
                          "opinion_ids": [int], "quotes": [quote]}
                 quote = {"opinion_id": int, "receipt_code", "text",
                          "author": str|null, "organisation": str|null}
  response:    + "sections": [{"label", "items": [{"summary",
                   "raised_by": [{"name", "count": int}], "outcome": "accepted"|"partly_accepted"|
                   "not_accepted"|"noted", "outcome_label": str (Vietnamese, informative),
                   "explanation", "new_wording": str|null, "opinion_ids": [int]}]}]
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from docx.document import Document
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ykien.exports import admin_docx
from ykien.exports.admin_docx import Letterhead, Signature

SCHEMA_VERSION = 1
SYNTHESIS_SCHEMA = "ykien/synthesis-report"
RESPONSE_SCHEMA = "ykien/response-table"


class Outcome(StrEnum):
    """The drafting body's answer to an opinion or a group of opinions."""

    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly_accepted"
    NOT_ACCEPTED = "not_accepted"
    NOTED = "noted"

    @property
    def label(self) -> str:
        """The Vietnamese wording used in official tables."""
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.ACCEPTED: "Tiếp thu",
    Outcome.PARTLY_ACCEPTED: "Tiếp thu một phần",
    Outcome.NOT_ACCEPTED: "Không tiếp thu",
    Outcome.NOTED: "Ghi nhận",
}


@dataclass(frozen=True)
class Count:
    """Opinions under one label (an organisation, a channel, a kind), raw and de-duplicated."""

    label: str
    raw: int
    deduplicated: int


@dataclass(frozen=True)
class Totals:
    raw: int
    deduplicated: int
    by_organisation: list[Count] = field(default_factory=list)
    by_channel: list[Count] = field(default_factory=list)
    by_kind: list[Count] = field(default_factory=list)


@dataclass(frozen=True)
class Quote:
    """A representative opinion, cited by its receipt code."""

    opinion_id: int
    receipt_code: str
    text: str
    author: str | None = None
    organisation: str | None = None


@dataclass(frozen=True)
class SynthesisItem:
    """What was said on one section or one theme, with every supporting opinion id."""

    label: str
    summary: str
    raw: int
    deduplicated: int
    quotes: list[Quote] = field(default_factory=list)
    opinion_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Meeting:
    """A meeting whose opinions the report holds: how many spoke against how many attended."""

    title: str
    held_on: date
    speakers: int
    attendees: int


@dataclass(frozen=True)
class Wording:
    """A proposed wording, quoted verbatim (quote.text) with the section it amends."""

    section: str
    quote: Quote


@dataclass(frozen=True)
class SynthesisReport:
    """ "Báo cáo tổng hợp ý kiến"; consultation_title reads on from "góp ý", e.g. "dự thảo ..."."""

    letterhead: Letterhead
    signature: Signature
    recipients: list[str]
    consultation_title: str
    period_start: date
    period_end: date
    totals: Totals
    sections: list[SynthesisItem] = field(default_factory=list)
    themes: list[SynthesisItem] = field(default_factory=list)
    introduction: str | None = None
    recommendations: list[str] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    wordings: list[Wording] = field(default_factory=list)


@dataclass(frozen=True)
class Contributor:
    """An organisation or person who raised opinions on a point, and how many."""

    name: str
    count: int


@dataclass(frozen=True)
class ResponseItem:
    """One answered point: the opinions summarised, who raised them and the decision."""

    summary: str
    raised_by: list[Contributor]
    outcome: Outcome
    explanation: str
    new_wording: str | None = None
    opinion_ids: list[int] = field(default_factory=list)

    @property
    def opinion_count(self) -> int:
        return sum(contributor.count for contributor in self.raised_by)


@dataclass(frozen=True)
class ResponseSection:
    """A section of the draft ("Điều 5", "Phần II, mục 3") and the points answered on it."""

    label: str
    items: list[ResponseItem]


@dataclass(frozen=True)
class ResponseTable:
    """ "Bảng tổng hợp tiếp thu, giải trình ý kiến"; consultation_title like "dự thảo ..."."""

    letterhead: Letterhead
    signature: Signature
    recipients: list[str]
    consultation_title: str
    sections: list[ResponseSection]
    introduction: str | None = None


Report = SynthesisReport | ResponseTable

RESPONSE_HEADER = [
    "TT",
    "Nội dung dự thảo",
    "Tóm tắt ý kiến góp ý",
    "Cơ quan, tổ chức, cá nhân góp ý (số ý kiến)",
    "Tiếp thu, giải trình",
    "Lý do, giải trình",
    "Nội dung sửa đổi, bổ sung",
]
RESPONSE_WIDTHS_MM = [12.0, 28.0, 62.0, 38.0, 22.0, 50.0, 40.0]  # landscape A4: 252 mm usable
NOT_SUMMED_NOTE = (
    "Ghi chú: các ý kiến trùng nhau được gộp một lần trong mỗi dòng; một nhóm ý kiến trùng có "
    "thể thuộc nhiều dòng nên dòng “Cộng” là tổng số chung, không phải tổng các dòng."
)
MEETING_HEADER = ["STT", "Hội nghị, tọa đàm", "Ngày", "Số người phát biểu", "Số đại biểu dự"]
COUNT_HEADER = ["TT", "Nội dung", "Số ý kiến", "Sau khi gộp trùng"]
RESPONSE_DATA_COLUMNS = [
    "Nội dung dự thảo",
    "TT",
    "Tóm tắt ý kiến góp ý",
    "Cơ quan, tổ chức, cá nhân góp ý",
    "Số ý kiến",
    "Tiếp thu, giải trình",
    "Mã kết quả",
    "Lý do, giải trình",
    "Nội dung sửa đổi, bổ sung",
    "Mã các ý kiến",
]
RESPONSE_DATA_WIDTHS = [22, 6, 60, 40, 10, 18, 16, 50, 40, 20]
SYNTHESIS_DATA_COLUMNS = [
    "Nhóm",
    "Nội dung",
    "Số ý kiến",
    "Sau khi gộp trùng",
    "Tóm tắt",
    "Mã các ý kiến",
]
SYNTHESIS_DATA_WIDTHS = [14, 40, 10, 12, 70, 20]
QUOTE_COLUMNS = [
    "Nhóm",
    "Nội dung",
    "Mã phiếu",
    "Mã ý kiến",
    "Người góp ý",
    "Đơn vị",
    "Trích ý kiến",
]
QUOTE_WIDTHS = [14, 30, 14, 10, 24, 30, 80]


# --- DOCX ------------------------------------------------------------------------------------


def to_docx(report: Report) -> bytes:
    """The report laid out as an administrative document."""
    if isinstance(report, SynthesisReport):
        return _synthesis_docx(report)
    return _response_docx(report)


def _synthesis_docx(report: SynthesisReport) -> bytes:
    doc = admin_docx.new_document(
        report.letterhead,
        title="Báo cáo",
        subtitle=f"Tổng hợp ý kiến góp ý {report.consultation_title}",
    )
    _synthesis_overview(doc, report)
    for heading, items in (
        ("Tổng hợp ý kiến theo nội dung dự thảo", report.sections),
        ("Tổng hợp ý kiến theo chủ đề", report.themes),
    ):
        if items:
            admin_docx.add_heading(doc, heading, level=1)
            for item in items:
                _synthesis_item(doc, item)
    if report.wordings:
        admin_docx.add_heading(doc, "Đề xuất sửa đổi, bổ sung câu chữ của dự thảo", level=1)
        for wording in report.wordings:
            admin_docx.add_paragraph(
                doc, f"{wording.section}: “{wording.quote.text}” ({quote_source(wording.quote)})."
            )
    if report.recommendations:
        admin_docx.add_heading(doc, "Kiến nghị, đề xuất", level=1)
        for recommendation in report.recommendations:
            admin_docx.add_paragraph(doc, f"- {recommendation}")
    return admin_docx.finish(doc, signature=report.signature, recipients=report.recipients)


def _synthesis_overview(doc: Document, report: SynthesisReport) -> None:
    totals = report.totals
    admin_docx.add_heading(doc, "Tình hình tổ chức lấy ý kiến", level=1)
    if report.introduction:
        admin_docx.add_paragraph(doc, report.introduction)
    admin_docx.add_paragraph(
        doc,
        f"Thời gian lấy ý kiến: từ ngày {report.period_start:%d/%m/%Y} "
        f"đến ngày {report.period_end:%d/%m/%Y}.",
    )
    admin_docx.add_paragraph(
        doc,
        f"Tổng số ý kiến nhận được: {vn_number(totals.raw)} ý kiến; sau khi gộp các ý kiến "
        f"trùng lặp còn {vn_number(totals.deduplicated)} ý kiến.",
    )
    for heading, counts in (
        ("Theo cơ quan, đơn vị", totals.by_organisation),
        ("Theo hình thức góp ý", totals.by_channel),
        ("Theo loại ý kiến", totals.by_kind),
    ):
        if counts:
            admin_docx.add_heading(doc, heading, level=2)
            admin_docx.add_table(
                doc,
                COUNT_HEADER,
                _count_rows(counts, totals),
                widths_mm=[12.0, 93.0, 30.0, 30.0],
                centre_columns=(0, 2, 3),
            )
    if report.meetings:
        admin_docx.add_heading(doc, "Hội nghị, tọa đàm lấy ý kiến", level=2)
        rows = [
            [
                str(n),
                m.title,
                f"{m.held_on:%d/%m/%Y}",
                vn_number(m.speakers),
                vn_number(m.attendees),
            ]
            for n, m in enumerate(report.meetings, start=1)
        ]
        admin_docx.add_table(
            doc,
            MEETING_HEADER,
            rows,
            widths_mm=[12.0, 73.0, 25.0, 27.0, 28.0],
            centre_columns=(0, 2, 3, 4),
        )
    facets = (totals.by_organisation, totals.by_channel, totals.by_kind)
    if any(sum(c.deduplicated for c in counts) != totals.deduplicated for counts in facets):
        admin_docx.add_paragraph(doc, NOT_SUMMED_NOTE, italic=True)


def _count_rows(counts: Sequence[Count], totals: Totals) -> list[list[str]]:
    """The rows and, last, the report's own totals: a campaign whose opinions fall in several
    rows counts once in each row but once only in the total, so the column is not summed."""
    rows = [
        [str(number), count.label, vn_number(count.raw), vn_number(count.deduplicated)]
        for number, count in enumerate(counts, start=1)
    ]
    rows.append(["", "Cộng", vn_number(totals.raw), vn_number(totals.deduplicated)])
    return rows


def _synthesis_item(doc: Document, item: SynthesisItem) -> None:
    admin_docx.add_heading(doc, item.label, level=2)
    admin_docx.add_paragraph(
        doc,
        f"Số ý kiến: {vn_number(item.raw)} (sau khi gộp trùng: {vn_number(item.deduplicated)}).",
        italic=True,
    )
    admin_docx.add_paragraph(doc, item.summary)
    for quote in item.quotes:
        admin_docx.add_paragraph(doc, f"“{quote.text}” ({quote_source(quote)}).", italic=True)


def quote_source(quote: Quote) -> str:
    """ "ý kiến mã K7Q2-9XJ, đồng chí Nguyễn Văn A, Chi bộ Phòng Tổng hợp"."""
    parts = [f"ý kiến mã {quote.receipt_code}"]
    parts += [part for part in (quote.author, quote.organisation) if part]
    return ", ".join(parts)


def _response_docx(report: ResponseTable) -> bytes:
    doc = admin_docx.new_document(
        report.letterhead,
        title="Bảng tổng hợp tiếp thu, giải trình ý kiến",
        subtitle=f"Góp ý {report.consultation_title}",
        landscape=True,
    )
    if report.introduction:
        admin_docx.add_paragraph(doc, report.introduction)
    admin_docx.add_table(
        doc,
        RESPONSE_HEADER,
        list(response_docx_rows(report)),
        widths_mm=RESPONSE_WIDTHS_MM,
        merge_columns=(0, 1),
        centre_columns=(0,),
    )
    return admin_docx.finish(doc, signature=report.signature, recipients=report.recipients)


def response_docx_rows(report: ResponseTable) -> Iterator[list[str]]:
    """The DOCX table rows: number, section, summary, contributors, outcome, reasons, wording."""
    for number, section in enumerate(report.sections, start=1):
        for item in section.items:
            yield [
                str(number),
                section.label,
                item.summary,
                contributors_text(item.raised_by, separator="\n"),
                item.outcome.label,
                item.explanation,
                item.new_wording or "",
            ]


def contributors_text(raised_by: Sequence[Contributor], *, separator: str = "; ") -> str:
    """ "Công đoàn Sở Tài chính (3); Đoàn Thanh niên Sở Nội vụ (1)"."""
    return separator.join(f"{c.name} ({vn_number(c.count)})" for c in raised_by)


def vn_number(value: int) -> str:
    """Thousands separated by dots, as written in Vietnamese: 12.345."""
    return f"{value:,}".replace(",", ".")


# --- tabular rows shared by CSV and XLSX -----------------------------------------------------


def response_rows(report: ResponseTable) -> Iterator[list[str | int]]:
    """One row per answered point, in RESPONSE_DATA_COLUMNS order."""
    for section in report.sections:
        for number, item in enumerate(section.items, start=1):
            yield [
                section.label,
                number,
                item.summary,
                contributors_text(item.raised_by),
                item.opinion_count,
                item.outcome.label,
                item.outcome.value,
                item.explanation,
                item.new_wording or "",
                _ids_text(item.opinion_ids),
            ]


def synthesis_rows(report: SynthesisReport) -> Iterator[list[str | int]]:
    """Totals, counts and items in one long table, in SYNTHESIS_DATA_COLUMNS order."""
    totals = report.totals
    yield ["Tổng số", report.consultation_title, totals.raw, totals.deduplicated, "", ""]
    for group, counts in (
        ("Đơn vị", totals.by_organisation),
        ("Hình thức", totals.by_channel),
        ("Loại ý kiến", totals.by_kind),
    ):
        for count in counts:
            yield [group, count.label, count.raw, count.deduplicated, "", ""]
    for group, items in (("Điều khoản", report.sections), ("Chủ đề", report.themes)):
        for item in items:
            ids = _ids_text(item.opinion_ids)
            yield [group, item.label, item.raw, item.deduplicated, item.summary, ids]


def quote_rows(report: SynthesisReport) -> Iterator[list[str | int]]:
    for group, items in (("Điều khoản", report.sections), ("Chủ đề", report.themes)):
        for item in items:
            for quote in item.quotes:
                yield [
                    group,
                    item.label,
                    quote.receipt_code,
                    quote.opinion_id,
                    quote.author or "",
                    quote.organisation or "",
                    quote.text,
                ]


def _ids_text(ids: Sequence[int]) -> str:
    return " ".join(str(opinion_id) for opinion_id in ids)


# --- CSV and XLSX ----------------------------------------------------------------------------


def to_csv(report: Report) -> str:
    """The report's main table as CSV text starting with a BOM (Excel then reads UTF-8)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    if isinstance(report, SynthesisReport):
        writer.writerow(SYNTHESIS_DATA_COLUMNS)
        writer.writerows(synthesis_rows(report))
    else:
        writer.writerow(RESPONSE_DATA_COLUMNS)
        writer.writerows(response_rows(report))
    return buffer.getvalue()


def to_xlsx(report: Report) -> bytes:
    """A workbook: header rows bold and frozen, columns sized, long text wrapped."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if isinstance(report, SynthesisReport):
        _fill_sheet(
            sheet, "Tổng hợp", SYNTHESIS_DATA_COLUMNS, SYNTHESIS_DATA_WIDTHS, synthesis_rows(report)
        )
        quotes = workbook.create_sheet()
        _fill_sheet(quotes, "Trích ý kiến", QUOTE_COLUMNS, QUOTE_WIDTHS, quote_rows(report))
    else:
        _fill_sheet(
            sheet,
            "Tiếp thu, giải trình",
            RESPONSE_DATA_COLUMNS,
            RESPONSE_DATA_WIDTHS,
            response_rows(report),
        )
    workbook.properties.title = report.consultation_title
    workbook.properties.creator = report.letterhead.issuing_body
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill_sheet(
    sheet: Worksheet,
    title: str,
    columns: Sequence[str],
    widths: Sequence[int],
    rows: Iterator[list[str | int]],
) -> None:
    sheet.title = title
    sheet.append(list(columns))
    for row in rows:
        sheet.append([admin_docx.clean_text(v) if isinstance(v, str) else v for v in row])
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            cell.alignment = wrap
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


# --- JSON ------------------------------------------------------------------------------------


def to_json(report: Report) -> str:
    """Open-data JSON following the schema in this module's docstring."""
    if isinstance(report, SynthesisReport):
        data = _synthesis_json(report)
    else:
        data = _response_json(report)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def from_json(text: str) -> Report:
    """Read back a report written by to_json."""
    data = json.loads(text)
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(f"unsupported schema version {data.get('schema_version')!r}")
    if data.get("schema") == SYNTHESIS_SCHEMA:
        return _synthesis_from(data)
    if data.get("schema") == RESPONSE_SCHEMA:
        return _response_from(data)
    raise ValueError(f"not a ykien report: schema {data.get('schema')!r}")


def _common_json(schema: str, report: Report) -> dict[str, Any]:
    head = report.letterhead
    return {
        "schema": schema,
        "schema_version": SCHEMA_VERSION,
        "letterhead": {
            "parent_body": head.parent_body,
            "issuing_body": head.issuing_body,
            "number_symbol": head.number_symbol,
            "place": head.place,
            "issued_on": head.issued_on.isoformat(),
            "motto": head.motto,
        },
        "signature": {
            "on_behalf": report.signature.on_behalf,
            "position": report.signature.position,
            "name": report.signature.name,
        },
        "recipients": list(report.recipients),
        "consultation_title": report.consultation_title,
        "introduction": report.introduction,
    }


def _synthesis_json(report: SynthesisReport) -> dict[str, Any]:
    totals = report.totals
    return _common_json(SYNTHESIS_SCHEMA, report) | {
        "period": {"start": report.period_start.isoformat(), "end": report.period_end.isoformat()},
        "totals": {
            "raw": totals.raw,
            "deduplicated": totals.deduplicated,
            "by_organisation": [_count_json(c) for c in totals.by_organisation],
            "by_channel": [_count_json(c) for c in totals.by_channel],
            "by_kind": [_count_json(c) for c in totals.by_kind],
        },
        "sections": [_item_json(item) for item in report.sections],
        "themes": [_item_json(item) for item in report.themes],
        "recommendations": list(report.recommendations),
        "meetings": [
            {
                "title": m.title,
                "held_on": m.held_on.isoformat(),
                "speakers": m.speakers,
                "attendees": m.attendees,
            }
            for m in report.meetings
        ],
        "wordings": [
            {"section": w.section, "quote": _quote_json(w.quote)} for w in report.wordings
        ],
    }


def _count_json(count: Count) -> dict[str, Any]:
    return {"label": count.label, "raw": count.raw, "deduplicated": count.deduplicated}


def _item_json(item: SynthesisItem) -> dict[str, Any]:
    return {
        "label": item.label,
        "summary": item.summary,
        "raw": item.raw,
        "deduplicated": item.deduplicated,
        "opinion_ids": list(item.opinion_ids),
        "quotes": [_quote_json(quote) for quote in item.quotes],
    }


def _quote_json(quote: Quote) -> dict[str, Any]:
    return {
        "opinion_id": quote.opinion_id,
        "receipt_code": quote.receipt_code,
        "text": quote.text,
        "author": quote.author,
        "organisation": quote.organisation,
    }


def _response_json(report: ResponseTable) -> dict[str, Any]:
    return _common_json(RESPONSE_SCHEMA, report) | {
        "sections": [
            {"label": section.label, "items": [_response_item_json(i) for i in section.items]}
            for section in report.sections
        ]
    }


def _response_item_json(item: ResponseItem) -> dict[str, Any]:
    return {
        "summary": item.summary,
        "raised_by": [{"name": c.name, "count": c.count} for c in item.raised_by],
        "outcome": item.outcome.value,
        "outcome_label": item.outcome.label,
        "explanation": item.explanation,
        "new_wording": item.new_wording,
        "opinion_ids": list(item.opinion_ids),
    }


def _letterhead_from(data: dict[str, Any]) -> Letterhead:
    head = data["letterhead"]
    return Letterhead(
        parent_body=head["parent_body"],
        issuing_body=head["issuing_body"],
        number_symbol=head["number_symbol"],
        place=head["place"],
        issued_on=date.fromisoformat(head["issued_on"]),
        motto=head["motto"],
    )


def _signature_from(data: dict[str, Any]) -> Signature:
    sign = data["signature"]
    return Signature(on_behalf=sign["on_behalf"], position=sign["position"], name=sign["name"])


def _synthesis_from(data: dict[str, Any]) -> SynthesisReport:
    totals = data["totals"]
    return SynthesisReport(
        letterhead=_letterhead_from(data),
        signature=_signature_from(data),
        recipients=list(data["recipients"]),
        consultation_title=data["consultation_title"],
        period_start=date.fromisoformat(data["period"]["start"]),
        period_end=date.fromisoformat(data["period"]["end"]),
        totals=Totals(
            raw=totals["raw"],
            deduplicated=totals["deduplicated"],
            by_organisation=[Count(**c) for c in totals["by_organisation"]],
            by_channel=[Count(**c) for c in totals["by_channel"]],
            by_kind=[Count(**c) for c in totals["by_kind"]],
        ),
        sections=[_item_from(item) for item in data["sections"]],
        themes=[_item_from(item) for item in data["themes"]],
        introduction=data["introduction"],
        recommendations=list(data["recommendations"]),
        meetings=[
            Meeting(m["title"], date.fromisoformat(m["held_on"]), m["speakers"], m["attendees"])
            for m in data.get("meetings", [])
        ],
        wordings=[Wording(w["section"], Quote(**w["quote"])) for w in data.get("wordings", [])],
    )


def _item_from(item: dict[str, Any]) -> SynthesisItem:
    return SynthesisItem(
        label=item["label"],
        summary=item["summary"],
        raw=item["raw"],
        deduplicated=item["deduplicated"],
        quotes=[Quote(**quote) for quote in item["quotes"]],
        opinion_ids=list(item["opinion_ids"]),
    )


def _response_from(data: dict[str, Any]) -> ResponseTable:
    return ResponseTable(
        letterhead=_letterhead_from(data),
        signature=_signature_from(data),
        recipients=list(data["recipients"]),
        consultation_title=data["consultation_title"],
        sections=[
            ResponseSection(
                label=section["label"],
                items=[_response_item_from(item) for item in section["items"]],
            )
            for section in data["sections"]
        ],
        introduction=data["introduction"],
    )


def _response_item_from(item: dict[str, Any]) -> ResponseItem:
    return ResponseItem(
        summary=item["summary"],
        raised_by=[Contributor(name=c["name"], count=c["count"]) for c in item["raised_by"]],
        outcome=Outcome(item["outcome"]),
        explanation=item["explanation"],
        new_wording=item["new_wording"],
        opinion_ids=list(item["opinion_ids"]),
    )
