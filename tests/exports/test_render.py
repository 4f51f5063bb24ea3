"""DOCX reports rendered by LibreOffice headless to PDF, then read with poppler (slow)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from ykien.exports import render, reports

pytestmark = pytest.mark.slow

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _needs_tools() -> None:
    missing = render.missing_tools()
    if missing and not IN_CI:
        pytest.skip(
            f"{', '.join(missing)} not installed (Debian: libreoffice-writer-nogui, poppler-utils)"
        )
    assert not missing, f"CI must install {missing}"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def pages(pdf: Path) -> list[str]:
    return render.pdf_text(pdf).split("\f")


def test_synthesis_report_renders_to_one_or_two_pages(tmp_path: Path) -> None:
    docx = reports.to_docx(render.sample_synthesis_report())
    pdf = render.docx_to_pdf(docx, out_dir=tmp_path, stem="synthesis")
    assert render.pdf_page_count(pdf) in (1, 2)
    text = render.pdf_text(pdf)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/BC-ĐUK",
        "Hà Nội, ngày 05 tháng 3 năm 2026",
        "BÁO CÁO",
        "I. TÌNH HÌNH TỔ CHỨC LẤY Ý KIẾN",
        "Sau khi gộp",
        "Công đoàn Viên chức Thành phố",
        "K7Q2-9XJ",
        "Nơi nhận:",
        "Trần Thị Minh Hòa",
    ):
        assert expected in text, expected
    page_png = render.pdf_to_png(pdf, out=tmp_path / "page1.png", dpi=40)
    width, height = png_size(page_png)
    assert 1.35 < height / width < 1.48  # A4 portrait


def test_page_numbers_start_on_page_two(tmp_path: Path) -> None:
    report = render.sample_response_table(sections=12)
    pdf = render.docx_to_pdf(reports.to_docx(report), out_dir=tmp_path, stem="numbers")
    texts = pages(pdf)
    assert len(texts) > 2
    assert texts[1].split()[0] == "2" and texts[2].split()[0] == "3"
    assert texts[0].split()[0] != "1"


def test_long_response_table_spans_many_landscape_pages_with_repeated_header(
    tmp_path: Path,
) -> None:
    report = render.sample_response_table(sections=60)
    rows = sum(len(section.items) for section in report.sections)
    pdf = render.docx_to_pdf(reports.to_docx(report), out_dir=tmp_path, stem="response")
    count = render.pdf_page_count(pdf)
    assert count > 20, (rows, count)
    texts = pages(pdf)
    assert "BẢNG TỔNG HỢP TIẾP THU, GIẢI TRÌNH Ý KIẾN" in texts[0]
    for page in (texts[0], texts[1], texts[count // 2]):
        assert "Tóm tắt ý kiến góp ý" in page
    assert "Trần Thị Minh Hòa" in texts[count - 1] and "BÍ THƯ" in texts[count - 1]
    assert "Điều 60" in render.pdf_text(pdf)
    last_item = report.sections[-1].items[-1]
    assert last_item.explanation.split()[0] in texts[count - 2] + texts[count - 1]
    width, height = png_size(render.pdf_to_png(pdf, out=tmp_path / "p.png", dpi=40))
    assert 1.35 < width / height < 1.48  # A4 landscape


def test_render_sample_command_writes_a_png(tmp_path: Path) -> None:
    out = tmp_path / "docs" / "report-page.png"
    render.main(["--sample", str(out)])
    width, height = png_size(out)
    assert width > 500 and height > width
