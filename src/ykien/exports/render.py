"""Render DOCX to PDF with LibreOffice headless and PDF pages to PNG or text with poppler.

Needs the Debian packages libreoffice-writer-nogui (soffice), fonts-liberation2 (metric twins
of Times New Roman) and poppler-utils (pdftoppm, pdftotext, pdfinfo). Also builds the sample
reports used by the tests, the benchmark and the README picture:

    python -m ykien.exports.render --sample docs/report-page.png
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from ykien.exports.admin_docx import Letterhead, Signature
from ykien.exports.reports import (
    Contributor,
    Count,
    Outcome,
    Quote,
    Report,
    ResponseItem,
    ResponseSection,
    ResponseTable,
    SynthesisItem,
    SynthesisReport,
    Totals,
    to_docx,
)

SOFFICE_NAMES = ("soffice", "libreoffice")
CONVERT_TIMEOUT_S = 600


class RenderError(RuntimeError):
    """A rendering tool is missing or failed."""


def find_soffice() -> str | None:
    """The path of LibreOffice's soffice, or None when it is not installed."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_tools() -> list[str]:
    """Names of the programs this module needs that are not on PATH."""
    missing = [] if find_soffice() else ["soffice"]
    return missing + [
        tool for tool in ("pdftoppm", "pdftotext", "pdfinfo") if not shutil.which(tool)
    ]


def docx_to_pdf(docx: bytes, *, out_dir: Path, stem: str = "document") -> Path:
    """Write docx under out_dir and convert it; returns the PDF path."""
    soffice = find_soffice()
    if soffice is None:
        raise RenderError(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    source = out_dir / f"{stem}.docx"
    source.write_bytes(docx)
    # A private profile: concurrent conversions would otherwise fight over ~/.config.
    with tempfile.TemporaryDirectory(prefix="ykien-lo-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(source),
        ]
        _run(command, timeout=CONVERT_TIMEOUT_S)
    pdf = out_dir / f"{stem}.pdf"
    if not pdf.exists():
        raise RenderError(f"LibreOffice wrote no PDF for {source}")
    return pdf


def pdf_to_png(pdf: Path, *, out: Path, page: int = 1, dpi: int = 110) -> Path:
    """One page of the PDF as a PNG at out."""
    out.parent.mkdir(parents=True, exist_ok=True)
    prefix = out.with_suffix("")
    _run(
        ["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-png", "-singlefile",
         str(pdf), str(prefix)],
        timeout=120,
    )  # fmt: skip
    return prefix.with_suffix(".png")


def pdf_text(pdf: Path) -> str:
    """The text of the PDF, in reading order, with a form feed between pages."""
    return _run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], timeout=120)


def pdf_page_count(pdf: Path) -> int:
    """Number of pages, from pdfinfo."""
    for line in _run(["pdfinfo", str(pdf)], timeout=60).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise RenderError(f"pdfinfo reported no page count for {pdf}")


def _run(command: list[str], *, timeout: float) -> str:
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError as exc:
        raise RenderError(f"{command[0]} is not installed") from exc
    if done.returncode != 0:
        raise RenderError(f"{command[0]} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return done.stdout.decode("utf-8", errors="replace")


# --- sample reports --------------------------------------------------------------------------

SAMPLE_LETTERHEAD = Letterhead(
    parent_body="Đảng bộ Thành phố Hà Nội",
    issuing_body="Đảng ủy Khối các cơ quan Thành phố",
    number_symbol="12/BC-ĐUK",
    place="Hà Nội",
    issued_on=date(2026, 3, 5),
)
SAMPLE_SIGNATURE = Signature(
    on_behalf="TM. Ban Thường vụ", position="Phó Bí thư", name="Trần Thị Minh Hòa"
)
SAMPLE_RECIPIENTS = [
    "Thường trực Thành ủy (để báo cáo)",
    "Tiểu ban Văn kiện Đại hội",
    "Các đảng ủy, chi bộ trực thuộc",
    "Lưu Văn phòng Đảng ủy Khối",
]
SAMPLE_TITLE = "dự thảo Báo cáo chính trị trình Đại hội đại biểu Đảng bộ Khối lần thứ VIII"


def sample_synthesis_report() -> SynthesisReport:
    """A short synthesis report with Vietnamese content, for tests and the README picture."""
    return SynthesisReport(
        letterhead=SAMPLE_LETTERHEAD,
        signature=SAMPLE_SIGNATURE,
        recipients=SAMPLE_RECIPIENTS,
        consultation_title=SAMPLE_TITLE,
        period_start=date(2026, 2, 2),
        period_end=date(2026, 2, 27),
        introduction=(
            "Thực hiện Kế hoạch của Ban Thường vụ Đảng ủy Khối về lấy ý kiến góp ý dự thảo các "
            "văn kiện, các tổ chức cơ sở đảng, Công đoàn, Hội Cựu chiến binh và Đoàn Thanh niên "
            "đã tổ chức hội nghị, tọa đàm và lấy ý kiến trực tuyến của cán bộ, đảng viên."
        ),
        totals=Totals(
            raw=1248,
            deduplicated=1032,
            by_organisation=[
                Count("Công đoàn Viên chức Thành phố", 412, 350),
                Count("Hội Cựu chiến binh Khối", 236, 201),
                Count("Đoàn Thanh niên Khối", 600, 481),
            ],
            by_channel=[Count("Trực tuyến", 803, 640), Count("Hội nghị, tọa đàm", 445, 392)],
            by_kind=[Count("Góp ý chung", 690, 571), Count("Đề nghị sửa đổi", 558, 461)],
        ),
        sections=[
            SynthesisItem(
                label="Phần I. Đánh giá kết quả thực hiện Nghị quyết nhiệm kỳ 2020 - 2025",
                summary=(
                    "Đa số ý kiến đồng tình với đánh giá kết quả nổi bật; đề nghị bổ sung số liệu "
                    "về chuyển đổi số, cải cách hành chính và làm rõ nguyên nhân của hạn chế."
                ),
                raw=318,
                deduplicated=260,
                quotes=[
                    Quote(
                        opinion_id=1001,
                        receipt_code="K7Q2-9XJ",
                        text="Đề nghị nêu rõ tỷ lệ hồ sơ giải quyết trực tuyến toàn trình.",
                        author="Nguyễn Văn Thủy",
                        organisation="Chi bộ Phòng Tổng hợp",
                    )
                ],
                opinion_ids=[1001, 1002, 1005],
            ),
        ],
        themes=[
            SynthesisItem(
                label="Công tác cán bộ trẻ",
                summary="Kiến nghị có cơ chế phát hiện, bồi dưỡng và trọng dụng cán bộ trẻ.",
                raw=97,
                deduplicated=81,
                quotes=[Quote(opinion_id=1203, receipt_code="M3H8-2PA", text="Cần giao việc khó.")],
                opinion_ids=[1203, 1207],
            )
        ],
        recommendations=["Tiếp tục tổ chức đối thoại giữa người đứng đầu cấp ủy với đoàn viên."],
    )


_VOCABULARY = """
đề nghị bổ sung làm rõ quy định trách nhiệm của cơ quan tổ chức cá nhân trong việc lấy ý kiến
nhân dân về dự thảo văn kiện đại hội đảng bộ khối chuyển đổi số cải cách hành chính công tác
cán bộ trẻ phòng chống tham nhũng lãng phí nâng cao chất lượng sinh hoạt chi bộ đoàn thanh niên
công đoàn hội cựu chiến binh thành ủy đảng ủy hòa bình phát triển bền vững
"""
_WORDS = tuple(_VOCABULARY.split())
_UNITS = [
    "Công đoàn Sở Tài chính",
    "Đoàn Thanh niên Sở Nội vụ",
    "Hội Cựu chiến binh Khối",
    "Chi bộ Văn phòng",
    "Đảng bộ Sở Xây dựng",
]


def sample_response_table(*, sections: int, seed: int = 1) -> ResponseTable:
    """A response table of generated sections, each with 2-3 points of a few hundred characters."""
    rng = random.Random(seed)
    return ResponseTable(
        letterhead=SAMPLE_LETTERHEAD,
        signature=SAMPLE_SIGNATURE,
        recipients=SAMPLE_RECIPIENTS,
        consultation_title=SAMPLE_TITLE,
        sections=[
            ResponseSection(
                label=f"Điều {number}",
                items=[_sample_item(rng) for _ in range(rng.choice((2, 3)))],
            )
            for number in range(1, sections + 1)
        ],
    )


def _sample_item(rng: random.Random) -> ResponseItem:
    outcome = rng.choice(list(Outcome))
    return ResponseItem(
        summary=_sentence(rng, 45),
        raised_by=[Contributor(name, rng.randint(1, 9)) for name in rng.sample(_UNITS, 2)],
        outcome=outcome,
        explanation=_sentence(rng, 30),
        new_wording=_sentence(rng, 20) if outcome is not Outcome.NOT_ACCEPTED else None,
        opinion_ids=rng.sample(range(1, 100_000), 3),
    )


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(_WORDS, k=words)).capitalize() + "."


def render_sample(out: Path, *, report: Report | None = None) -> Path:
    """Page 1 of the sample synthesis report (or the given report) as a PNG at out."""
    docx = to_docx(report or sample_synthesis_report())
    with tempfile.TemporaryDirectory(prefix="ykien-render-") as folder:
        pdf = docx_to_pdf(docx, out_dir=Path(folder), stem="report")
        png = pdf_to_png(pdf, out=Path(folder) / "page.png", dpi=80)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, out)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Render a sample report page to PNG.")
    parser.add_argument("--sample", type=Path, required=True, help="PNG file to write")
    parser.add_argument("--response", action="store_true", help="the response table instead")
    args = parser.parse_args(argv)
    report = sample_response_table(sections=3) if args.response else None
    print(render_sample(args.sample, report=report))


if __name__ == "__main__":
    main()
