"""The response table ("Bảng tổng hợp tiếp thu, giải trình") as DOCX for 1,000 sections.

Prints the time of ykien's writer (the table built as one XML string and parsed once) beside
the straightforward python-docx path on the very same report and document (doc.add_table, then
add_row and cell.text for every cell), and the ratio. --quick: 200 sections.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from docx.document import Document

from ykien.exports import admin_docx, reports
from ykien.exports.render import sample_response_table


def baseline_docx(report: reports.ResponseTable) -> bytes:
    """The same document, its table filled row by row through python-docx's object API."""
    doc = admin_docx.new_document(
        report.letterhead,
        title="Bảng tổng hợp tiếp thu, giải trình ý kiến",
        subtitle=f"Góp ý {report.consultation_title}",
        landscape=True,
    )
    _row_by_row_table(doc, reports.RESPONSE_HEADER, list(reports.response_docx_rows(report)))
    return admin_docx.finish(doc, signature=report.signature, recipients=report.recipients)


def _row_by_row_table(doc: Document, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def timed(
    label: str, build: Callable[[reports.ResponseTable], bytes], report: reports.ResponseTable
) -> float:
    started = time.perf_counter()
    data = build(report)
    elapsed = time.perf_counter() - started
    print(f"  {label:<34} {elapsed:7.2f} s   {len(data) / 1e6:6.2f} MB")
    return elapsed


def run(sections: int) -> None:
    report = sample_response_table(sections=sections)
    rows = sum(len(section.items) for section in report.sections)
    characters = sum(len("".join(cells)) for cells in reports.response_docx_rows(report))
    print(
        f"response table DOCX: {sections:,} sections, {rows:,} rows, "
        f"{characters / 1e6:.1f} M characters (target <= 30 s for 1,000 sections)"
    )
    ours = timed("ykien to_docx (bulk XML)", reports.to_docx, report)
    base = timed("python-docx add_row + cell.text", baseline_docx, report)
    print(f"  ratio: ykien is {base / ours:.1f}x faster than the row-by-row baseline")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="200 sections")
    parser.add_argument("--sections", type=int, default=None)
    args = parser.parse_args(argv)
    run(args.sections or (200 if args.quick else 1000))


if __name__ == "__main__":
    main()
