"""Run every benchmark: `python -m benchmarks` (make bench). Each prints its figure and baseline."""

from __future__ import annotations

import sys

from benchmarks import (
    bench_dedupe,
    bench_events,
    bench_import,
    bench_report_docx,
    bench_rollup,
    bench_search,
    bench_themes,
    bench_web,
)


def main() -> None:
    quick = "--quick" in sys.argv
    bench_import.main(["--rows", "100000"] if quick else [])
    bench_web.main(["--opinions", "20000", "--seconds", "5"] if quick else [])
    bench_search.main(["--opinions", "20000", "--repeat", "5"] if quick else [])
    bench_dedupe.main(["--quick"] if quick else [])
    bench_themes.main(["--quick"] if quick else [])
    bench_report_docx.main(["--quick"] if quick else [])
    bench_rollup.main(["--quick"] if quick else [])
    bench_events.main(["--quick"] if quick else [])


if __name__ == "__main__":
    main()
