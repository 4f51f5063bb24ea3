"""The synthesis report and the response table as DOCX, XLSX, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date

import docx
import openpyxl
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from ykien.exports import reports
from ykien.exports.admin_docx import Letterhead, Signature
from ykien.exports.reports import (
    Contributor,
    Count,
    Outcome,
    Quote,
    ResponseItem,
    ResponseSection,
    ResponseTable,
    SynthesisItem,
    SynthesisReport,
    Totals,
)

LETTERHEAD = Letterhead(
    parent_body="Liên đoàn Lao động Thành phố Đà Nẵng",
    issuing_body="Công đoàn Viên chức Thành phố",
    number_symbol="31/BC-CĐVC",
    place="Đà Nẵng",
    issued_on=date(2026, 2, 14),
)
SIGNATURE = Signature(on_behalf="TM. Ban Thường vụ", position="Chủ tịch", name="Phan Văn Hòa")
RECIPIENTS = ["Liên đoàn Lao động Thành phố", "Các công đoàn cơ sở", "Lưu VT"]


def synthesis() -> SynthesisReport:
    return SynthesisReport(
        letterhead=LETTERHEAD,
        signature=SIGNATURE,
        recipients=RECIPIENTS,
        consultation_title="dự thảo Luật Công đoàn (sửa đổi)",
        period_start=date(2026, 1, 5),
        period_end=date(2026, 2, 6),
        introduction="Công đoàn Viên chức đã gửi dự thảo tới 42 công đoàn cơ sở trực thuộc.",
        totals=Totals(
            raw=2315,
            deduplicated=1987,
            by_organisation=[
                Count("Công đoàn Sở Y tế", 1300, 1100),
                Count("Công đoàn Sở Giáo dục", 1015, 887),
            ],
            by_channel=[Count("Trực tuyến", 2000, 1700), Count("Văn bản", 315, 287)],
            by_kind=[Count("Đề nghị sửa đổi", 2315, 1987)],
        ),
        sections=[
            SynthesisItem(
                label="Điều 10. Quyền của đoàn viên",
                summary="Đề nghị bổ sung quyền được hỗ trợ pháp lý miễn phí khi có tranh chấp.",
                raw=120,
                deduplicated=95,
                quotes=[
                    Quote(
                        opinion_id=77,
                        receipt_code="D4N9-Q2RT",
                        text="Nên quy định rõ đoàn viên được tư vấn pháp luật miễn phí.",
                        author="Võ Thị Thùy",
                        organisation="Công đoàn Bệnh viện C",
                    )
                ],
                opinion_ids=[77, 78, 91],
            )
        ],
        themes=[
            SynthesisItem(
                label="Kinh phí công đoàn",
                summary="Nhiều ý kiến đề nghị giữ mức đóng 2% quỹ tiền lương.",
                raw=64,
                deduplicated=40,
                quotes=[Quote(opinion_id=5, receipt_code="A1B2-C3D4", text="Giữ mức 2%.")],
                opinion_ids=[5, 6],
            )
        ],
        recommendations=["Tổ chức đối thoại với người lao động khu công nghiệp."],
    )


def response(sections: int = 2) -> ResponseTable:
    items = [
        ResponseItem(
            summary="Đề nghị làm rõ khái niệm “người lao động là thành viên công đoàn”.",
            raised_by=[Contributor("Công đoàn Sở Y tế", 3), Contributor("Nguyễn Hữu Thoại", 1)],
            outcome=Outcome.ACCEPTED,
            explanation="Đã bổ sung định nghĩa tại khoản 3.",
            new_wording="3. Thành viên công đoàn là người lao động tự nguyện gia nhập...",
            opinion_ids=[11, 12, 13, 14],
        ),
        ResponseItem(
            summary="Đề nghị bỏ quy định về thời hạn sinh hoạt.",
            raised_by=[Contributor("Công đoàn Sở Giáo dục", 2)],
            outcome=Outcome.NOT_ACCEPTED,
            explanation="Quy định này bảo đảm tính liên tục của sinh hoạt công đoàn.",
            opinion_ids=[20, 21],
        ),
    ]
    return ResponseTable(
        letterhead=LETTERHEAD,
        signature=SIGNATURE,
        recipients=RECIPIENTS,
        consultation_title="dự thảo Luật Công đoàn (sửa đổi)",
        introduction="Tiểu ban đã xem xét toàn bộ ý kiến theo từng điều của dự thảo.",
        sections=[ResponseSection(f"Điều {n}", items) for n in range(1, sections + 1)],
    )


def test_outcome_labels_and_small_helpers() -> None:
    assert [o.label for o in Outcome] == [
        "Tiếp thu", "Tiếp thu một phần", "Không tiếp thu", "Ghi nhận",
    ]  # fmt: skip
    assert reports.vn_number(1234567) == "1.234.567"
    people = [Contributor("Công đoàn A", 3), Contributor("Bà B", 1)]
    assert reports.contributors_text(people) == "Công đoàn A (3); Bà B (1)"
    assert response().sections[0].items[0].opinion_count == 4


def test_synthesis_docx_has_title_parts_counts_and_quotes() -> None:
    document = docx.Document(io.BytesIO(reports.to_docx(synthesis())))
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    assert "Tổng hợp ý kiến góp ý dự thảo Luật Công đoàn (sửa đổi)" in texts
    assert "I. TÌNH HÌNH TỔ CHỨC LẤY Ý KIẾN" in texts
    assert "II. TỔNG HỢP Ý KIẾN THEO NỘI DUNG DỰ THẢO" in texts
    assert "III. TỔNG HỢP Ý KIẾN THEO CHỦ ĐỀ" in texts
    assert "IV. KIẾN NGHỊ, ĐỀ XUẤT" in texts
    assert "1. Điều 10. Quyền của đoàn viên" in texts
    assert any("2.315 ý kiến" in t and "1.987 ý kiến" in t for t in texts)
    assert any("từ ngày 05/01/2026 đến ngày 06/02/2026" in t for t in texts)
    quote = next(t for t in texts if "D4N9-Q2RT" in t)
    assert "Võ Thị Thùy" in quote and "Công đoàn Bệnh viện C" in quote
    organisations = document.tables[1]
    assert [c.text for c in organisations.rows[1].cells] == [
        "1",
        "Công đoàn Sở Y tế",
        "1.300",
        "1.100",
    ]
    assert [c.text for c in organisations.rows[-1].cells] == ["", "Cộng", "2.315", "1.987"]


def test_synthesis_docx_leaves_out_empty_parts() -> None:
    bare = SynthesisReport(
        letterhead=LETTERHEAD,
        signature=SIGNATURE,
        recipients=RECIPIENTS,
        consultation_title="dự thảo Quy chế",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        totals=Totals(raw=0, deduplicated=0),
    )
    document = docx.Document(io.BytesIO(reports.to_docx(bare)))
    headings = [p.text for p in document.paragraphs if p.text.startswith(("I", "V"))]
    assert headings == ["I. TÌNH HÌNH TỔ CHỨC LẤY Ý KIẾN"]
    assert len(document.tables) == 2  # the letterhead and the signature block


def test_response_docx_is_landscape_with_one_row_per_point_and_merged_sections() -> None:
    document = docx.Document(io.BytesIO(reports.to_docx(response(sections=3))))
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert "BẢNG TỔNG HỢP TIẾP THU, GIẢI TRÌNH Ý KIẾN" in [p.text for p in document.paragraphs]
    table = document.tables[1]
    assert [c.text for c in table.rows[0].cells] == reports.RESPONSE_HEADER
    assert len(table.rows) == 1 + 3 * 2
    first = [c.text for c in table.rows[1].cells]
    assert first[:2] == ["1", "Điều 1"]
    assert first[3] == "Công đoàn Sở Y tế (3)\nNguyễn Hữu Thoại (1)"
    assert first[4:] == [
        "Tiếp thu",
        "Đã bổ sung định nghĩa tại khoản 3.",
        "3. Thành viên công đoàn là người lao động tự nguyện gia nhập...",
    ]
    merge = table.rows[2]._tr.xpath("./w:tc[2]/w:tcPr/w:vMerge")
    assert len(merge) == 1 and merge[0].get(qn("w:val")) is None  # continues "Điều 1"
    assert table.rows[2].cells[4].text == "Không tiếp thu"
    assert table.rows[2].cells[6].text == ""
    assert table.rows[3].cells[1].text == "Điều 2"


def test_response_xlsx_header_frozen_bold_wrapped_and_rows() -> None:
    book = openpyxl.load_workbook(io.BytesIO(reports.to_xlsx(response())))
    sheet = book["Tiếp thu, giải trình"]
    assert [c.value for c in sheet[1]] == reports.RESPONSE_DATA_COLUMNS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width == 60
    assert sheet.max_row == 1 + 4
    row = [c.value for c in sheet[2]]
    assert row[:2] == ["Điều 1", 1]
    assert row[3] == "Công đoàn Sở Y tế (3); Nguyễn Hữu Thoại (1)"
    assert row[4] == 4 and row[5] == "Tiếp thu" and row[6] == "accepted"
    assert row[9] == "11 12 13 14"
    assert sheet["C2"].alignment.wrap_text


def test_synthesis_xlsx_has_the_long_table_and_the_quotes() -> None:
    book = openpyxl.load_workbook(io.BytesIO(reports.to_xlsx(synthesis())))
    assert book.sheetnames == ["Tổng hợp", "Trích ý kiến"]
    rows = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert rows[1][:4] == ("Tổng số", "dự thảo Luật Công đoàn (sửa đổi)", 2315, 1987)
    assert ("Chủ đề", "Kinh phí công đoàn", 64, 40) in [r[:4] for r in rows]
    quotes = list(book["Trích ý kiến"].iter_rows(min_row=2, values_only=True))
    assert quotes[0][2:5] == ("D4N9-Q2RT", 77, "Võ Thị Thùy")
    assert book["Trích ý kiến"].freeze_panes == "A2"


def test_csv_has_a_bom_and_round_trips() -> None:
    report = response()
    text = reports.to_csv(report)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == reports.RESPONSE_DATA_COLUMNS
    expected = [[str(v) for v in row] for row in reports.response_rows(report)]
    assert rows[1:] == expected
    assert rows[2][5] == "Không tiếp thu" and rows[2][8] == ""


def test_synthesis_csv_round_trips() -> None:
    report = synthesis()
    rows = list(csv.reader(io.StringIO(reports.to_csv(report).removeprefix("\ufeff"))))
    assert rows[0] == reports.SYNTHESIS_DATA_COLUMNS
    assert rows[1:] == [[str(v) for v in row] for row in reports.synthesis_rows(report)]
    assert ["Điều khoản", "Điều 10. Quyền của đoàn viên", "120", "95"] in [r[:4] for r in rows]


@pytest.mark.parametrize("build", [synthesis, response])
def test_json_round_trips(build: Callable[[], reports.Report]) -> None:
    report = build()
    assert reports.from_json(reports.to_json(report)) == report


def test_json_schema_is_stable_with_iso_dates() -> None:
    data = json.loads(reports.to_json(synthesis()))
    assert data["schema"] == "ykien/synthesis-report" and data["schema_version"] == 1
    assert data["letterhead"]["issued_on"] == "2026-02-14"
    assert data["period"] == {"start": "2026-01-05", "end": "2026-02-06"}
    assert set(data) == {
        "schema", "schema_version", "letterhead", "signature", "recipients",
        "consultation_title", "introduction", "period", "totals", "sections", "themes",
        "recommendations", "meetings", "wordings",  # keys added by issue 12
    }  # fmt: skip
    assert data["sections"][0]["quotes"][0]["receipt_code"] == "D4N9-Q2RT"
    table = json.loads(reports.to_json(response()))
    item = table["sections"][0]["items"][1]
    assert table["schema"] == "ykien/response-table"
    assert item["outcome"] == "not_accepted" and item["outcome_label"] == "Không tiếp thu"
    assert item["new_wording"] is None
    assert item["raised_by"] == [{"name": "Công đoàn Sở Giáo dục", "count": 2}]


def test_from_json_rejects_other_documents() -> None:
    with pytest.raises(ValueError, match="schema"):
        reports.from_json(json.dumps({"schema": "other", "schema_version": 1}))
    with pytest.raises(ValueError, match="version"):
        reports.from_json(json.dumps({"schema": "ykien/response-table", "schema_version": 9}))
