"""`ykien event ingest` and `ykien submission import` end to end on a real SQLite file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from tests.events.test_service import LETTER
from tests.factories import SMALL_LAW
from ykien.cli import main

REPORTS = Path(__file__).parent.parent / "events" / "reports"
Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, ["--data-dir", str(tmp_path / "data"), *args])

    return invoke


@pytest.fixture
def consultation(run: Run, tmp_path: Path) -> Path:
    """An open consultation (id 1) on the small law, organised by a bloc with two units."""
    assert run("init").exit_code == 0
    run("org", "create", "Đảng bộ Khối các cơ quan", "--kind", "party_committee")
    run("org", "create", "Công đoàn Sở Nội vụ", "--parent", "1", "--kind", "trade_union")
    law = tmp_path / "luat.txt"
    law.write_text(SMALL_LAW, encoding="utf-8")
    assert run("draft", "import", str(law), "--kind", "law", "--org", "1").exit_code == 0
    result = run(
        "consultation", "create", "--version", "1", "--title", "Lấy ý kiến", "--organiser", "1",
        "--opens", "01/01/2020", "--closes", "31/12/2099", "--open",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return tmp_path / "data" / "ykien.sqlite3"


def _count(database: Path, table: str) -> int:
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        count = conn.execute(text(f"select count(*) from {table}")).scalar_one()
    engine.dispose()
    return int(count)


def test_event_ingest_prints_the_proposal_and_records_only_with_confirm(
    run: Run, consultation: Path
) -> None:
    report = REPORTS / "minutes_dialogue.txt"
    shown = run("event", "ingest", str(report), "--consultation", "1")
    assert shown.exit_code == 0, shown.output
    # Phạm Minh Đức is named twice (chair, then commitment): one attendee
    assert "Người tham dự: 2" in shown.output and "Phạm Minh Đức" in shown.output
    assert "Kiến nghị: 1" in shown.output and "chờ xem xét" in shown.output
    assert _count(consultation, "opinions") == 0
    done = run("event", "ingest", str(report), "--consultation", "1", "--confirm")
    assert done.exit_code == 0, done.output
    assert "4 ý kiến, 1 kiến nghị" in done.output
    assert _count(consultation, "opinions") == 4 and _count(consultation, "events") == 1


def test_event_ingest_refuses_an_empty_file_with_a_clear_message(
    run: Run, consultation: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "trong.txt"
    empty.write_bytes(b"")
    result = run("event", "ingest", str(empty), "--consultation", "1", "--confirm")
    assert result.exit_code == 2
    assert "không có nội dung" in result.output
    assert _count(consultation, "event_reports") == 0


def test_submission_import_splits_the_letter_and_confirms_it(
    run: Run, consultation: Path, tmp_path: Path
) -> None:
    letter = tmp_path / "cong-van.txt"
    letter.write_text(LETTER, encoding="utf-8")
    args = ("submission", "import", str(letter), "--consultation", "1")
    shown = run(*args, "--organisation", "cong doan so noi vu")
    assert shown.exit_code == 0, shown.output
    assert "3 ý kiến" in shown.output and "Lấy ý kiến tại hội nghị và tọa đàm" in shown.output
    assert _count(consultation, "opinions") == 0
    done = run(*args, "--organisation", "2", "--confirm")
    assert done.exit_code == 0 and "Đã ghi nhận 3 ý kiến" in done.output
    unknown = run(*args, "--organisation", "Hội không có")
    assert unknown.exit_code == 2 and "Không tìm thấy tổ chức" in unknown.output
