"""Run the coverage-guided fuzz target (tests/events/fuzz_target.py) for a bounded time from a
seed corpus of real documents; any crash fails the test with libFuzzer's report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.events.test_readers import make_docx, make_pdf

ROOT = Path(__file__).resolve().parents[2]
REPORTS = Path(__file__).parent / "reports"
LAW = "LUẬT THỬ\nChương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi\n1. Khoản một.\na) Điểm a.\nĐiều 2. Nội dung\n"


def seed_corpus(folder: Path) -> None:
    """One file per entry point; the first byte selects it (see fuzz_target.test_one_input)."""
    folder.mkdir()
    seeds = {
        "docx": bytes([1]) + make_docx("Đồng chí Nguyễn Văn A phát biểu.", "Ý kiến: a; b."),
        "pdf": bytes([2]) + make_pdf("Bien ban hoi nghi doi thoai"),
        "law.txt": bytes([0x80]) + LAW.encode(),
        "law.docx": bytes([0x81]) + make_docx(*LAW.splitlines()),
    }
    seeds |= {path.stem: bytes([0]) + path.read_bytes() for path in REPORTS.glob("*.txt")}
    for name, data in seeds.items():
        (folder / name).write_bytes(data)


@pytest.mark.slow
def test_the_parsers_survive_coverage_guided_fuzzing(tmp_path: Path) -> None:
    pytest.importorskip("atheris")
    corpus = tmp_path / "corpus"
    seed_corpus(corpus)
    result = subprocess.run(
        [sys.executable, "-m", "tests.events.fuzz_target", str(corpus),
         "-runs=30000", "-max_total_time=45", "-rss_limit_mb=4096", "-timeout=20"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    report = result.stderr[-6000:]
    assert result.returncode == 0, report
    assert "Done " in report  # libFuzzer ran to its bound
