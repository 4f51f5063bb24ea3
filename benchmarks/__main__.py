"""Run every benchmark: `python -m benchmarks` (make bench). Each prints its figure and baseline."""

from __future__ import annotations

import sys

from benchmarks import bench_import, bench_web


def main() -> None:
    quick = "--quick" in sys.argv
    bench_import.main(["--rows", "100000"] if quick else [])
    bench_web.main(["--opinions", "20000", "--seconds", "5"] if quick else [])


if __name__ == "__main__":
    main()
