"""Event-report extraction: 1,000 reports of about 1,500 words, beside the pre-issue-14 extractor.

Reports are built from the real articles of ../shared/data/vn-news (YKIEN_SHARED_DATA elsewhere)
that mention a consultation, several articles joined under one headline until about 1,500
words; without the data, from the reports of tests/events/reports. Prints the time of
ykien.events.extract.extract_event (cleaning, dates, people, documents, sentence roles) on all
of them, the time of the pre-issue extractor (read from git history by evals.events) on the
same reports, and the ratio. Target: at most 60 s for 1,000 reports on this machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evals.events import _frozen_extractor
from ykien.events.extract import extract_event
from ykien.text import nfc

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("YKIEN_SHARED_DATA", REPO / ".." / "shared" / "data"))
NEWS = SHARED / "vn-news"
REPORTS = REPO / "tests" / "events" / "reports"
WORDS = 1_500
TARGET_S = 60.0


def _articles() -> list[str]:
    manifest = NEWS / "manifest.csv"
    if manifest.exists():
        with manifest.open(encoding="utf-8") as handle:
            rows = [r for r in csv.DictReader(handle) if r["consultation_keyword_hit"] == "1"]
        return [nfc((NEWS / "data" / r["file"]).read_text(encoding="utf-8")) for r in rows]
    return [nfc(path.read_text(encoding="utf-8")) for path in sorted(REPORTS.glob("*.txt"))]


def make_reports(count: int) -> list[str]:
    """count reports of about WORDS words: a headline, then articles' bodies one after another."""
    articles = _articles()
    reports: list[str] = []
    position = 0
    for _ in range(count):
        lines: list[str] = []
        words = 0
        while words < WORDS:
            article = articles[position % len(articles)]
            position += 1
            for line in article.split("\n"):
                if words >= WORDS:
                    break
                lines.append(line)
                words += len(line.split())
        reports.append("\n".join(lines))
    return reports


def timed(extract: Callable[[str], Any], reports: list[str]) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of this process): the machine is shared."""
    started, cpu = time.perf_counter(), time.process_time()
    for report in reports:
        extract(report)
    return time.perf_counter() - started, time.process_time() - cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=1_000)
    parser.add_argument("--quick", action="store_true", help="100 reports")
    args = parser.parse_args(argv)
    count = 100 if args.quick else args.reports
    reports = make_reports(count)
    mean_words = sum(len(r.split()) for r in reports) / len(reports)
    ours, ours_cpu = timed(extract_event, reports)
    # the pre-issue-14 extractor, read from git history (evals.events keeps no copy of it)
    frozen_extract = _frozen_extractor()
    if frozen_extract is None:
        raise SystemExit("the extractor before issue 14 is not in this checkout's history")
    before, before_cpu = timed(frozen_extract, reports)
    print(f"event extraction: {count:,} reports of {mean_words:,.0f} words on average")
    print(f"  ykien.events.extract  {ours:7.2f} s wall  {ours_cpu:7.2f} s CPU")
    print(
        f"  before issue 14       {before:7.2f} s wall  {before_cpu:7.2f} s CPU"
        f"  ratio {ours_cpu / before_cpu:.2f}x (CPU)"
    )
    scaled, scaled_cpu = ours * 1_000 / count, ours_cpu * 1_000 / count
    verdict = "met" if scaled <= TARGET_S else "NOT met"
    print(
        f"  1,000 reports: {scaled:.1f} s wall, {scaled_cpu:.1f} s CPU"
        f" (target {TARGET_S:.0f} s wall: {verdict})"
    )


if __name__ == "__main__":
    main()
