"""The `ykien` command end to end on a real SQLite file."""

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.factories import SMALL_LAW
from ykien.cli import main


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, ["--data-dir", str(tmp_path / "data"), *args])

    return invoke


def test_a_consultation_from_the_command_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init").exit_code == 0
    assert run("org", "create", "Đảng bộ Khối", "--kind", "party_committee").exit_code == 0
    result = run("org", "create", "Chi bộ Sở Tài chính", "--parent", "dang bo khoi")
    assert result.exit_code == 0, result.output
    law = tmp_path / "luat.txt"
    law.write_text(SMALL_LAW, encoding="utf-8")
    result = run("draft", "import", str(law), "--kind", "law", "--org", "1")
    assert result.exit_code == 0, result.output
    assert "phiên bản 1" in result.output
    result = run(
        "consultation", "create", "--version", "1", "--title", "Lấy ý kiến", "--organiser",
        "Đảng bộ Khối", "--opens", "01/01/2020", "--closes", "31/12/2099", "--open",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    source = tmp_path / "y-kien.csv"
    source.write_text(
        "Nội dung,Điều khoản,Đơn vị\nĐề nghị sửa,Điều 2,chi bo so tai chinh\n,Điều 1,\n",
        encoding="utf-8",
    )
    result = run("opinions", "import", "1", str(source))
    assert result.exit_code == 0, result.output
    assert "1/2 dòng được nhập" in result.output
    assert "dòng 3" in result.output
    assert (tmp_path / "y-kien.csv.errors.csv").exists()
    result = run("audit", "verify")
    assert result.exit_code == 0 and "nguyên vẹn" in result.output


def test_audit_verify_fails_after_tampering(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("init")
    run("org", "create", "Đảng bộ Khối")
    run("org", "create", "Chi bộ A", "--parent", "1")
    with sqlite3.connect(tmp_path / "data" / "ykien.sqlite3") as db:
        db.execute("update audit_events set payload = '{}' where seq = 1")
    result = run("audit", "verify")
    assert result.exit_code == 1
    assert "event #1" in result.output and "altered" in result.output


def test_user_errors_exit_2_with_a_vietnamese_message(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("init")
    empty = tmp_path / "trong.txt"
    empty.write_text("", encoding="utf-8")
    result = run("draft", "import", str(empty))
    assert result.exit_code == 2
    assert "trong.txt" in result.output
    result = run("org", "create", "X", "--parent", "Không có")
    assert result.exit_code == 2 and "Không tìm thấy tổ chức" in result.output


@pytest.mark.slow
def test_demo_builds_a_realistic_consultation(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("demo", "--fresh", "--no-serve")
    assert result.exit_code == 0, result.output
    output = result.output
    assert "Dự thảo Báo cáo chính trị" in output and "Quy chế" in output
    for username in ("quantri", "chutich", "thuky.khoi", "tieuban", "dangvien", "thuky.trunguong"):
        assert username in output
    assert "chuỗi băm nguyên vẹn" in output
    assert "Trung ương" in output and "Tỉnh/Thành phố" in output and "Khối/Huyện" in output
    assert output.count("Đợt phân tích #") == 4  # the bloc's four collections analysed
    again = run("demo", "--no-serve", "--no-analyse")  # a second run keeps the data
    assert again.exit_code == 0 and "giữ nguyên" in again.output
    with sqlite3.connect(tmp_path / "data" / "ykien.sqlite3") as db:
        opinions = db.execute("select count(*) from opinions").fetchone()[0]
        channels = {row[0] for row in db.execute("select distinct channel from opinions")}
        kinds = {row[0] for row in db.execute("select distinct kind from opinions")}
        units = db.execute(
            "select count(*) from organisations where parent_id is not null"
        ).fetchone()[0]
        subcommittees = db.execute("select count(*) from subcommittee_sections").fetchone()[0]
        sections = db.execute("select count(*) from sections").fetchone()[0]
        themes = db.execute("select count(*) from themes").fetchone()[0]
    assert themes >= 4
    assert opinions >= 500
    assert channels == {"online", "event", "written", "import"}
    assert len(kinds) == 8
    assert units >= 9
    assert sections >= 45 + 20
    assert subcommittees > 0


def test_org_tiers_and_moves_from_the_command_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("init")
    assert run("org", "create", "Thành ủy", "--tier", "Tỉnh/Thành phố").exit_code == 0
    assert run("org", "create", "Đảng bộ Khối", "--tier", "Khối/Huyện").exit_code == 0
    assert run("org", "create", "Chi bộ A", "--parent", "dang bo khoi").exit_code == 0
    bad = run("org", "create", "Phường", "--tier", "Phường")
    assert bad.exit_code != 0 and "không có trong danh sách các cấp" in bad.output
    moved = run("org", "move", "Đảng bộ Khối", "--parent", "Thành ủy")
    assert moved.exit_code == 0, moved.output
    inside = run("org", "move", "Thành ủy", "--parent", "Chi bộ A")
    assert inside.exit_code != 0 and "cấp dưới của nó" in inside.output
    assert run("org", "edit", "Chi bộ A", "--tier", "Cơ sở").exit_code == 0
    assert run("org", "move", "Chi bộ A").exit_code != 0  # neither --parent nor --root
    listing = run("org", "list").output
    assert "    #3 Chi bộ A (other, Cơ sở)" in listing and "  #2 Đảng bộ Khối" in listing
    with sqlite3.connect(tmp_path / "data" / "ykien.sqlite3") as db:
        rows = db.execute("select id, tree_path, level from organisations order by id").fetchall()
    assert rows == [(1, "/1/", 0), (2, "/1/2/", 1), (3, "/1/2/3/", 2)]
    assert run("org", "move", "Đảng bộ Khối", "--root").exit_code == 0


def test_subcommittees_from_the_command_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("init")
    run("org", "create", "Đảng bộ Khối")
    law = tmp_path / "luat.txt"
    law.write_text(SMALL_LAW, encoding="utf-8")
    run("draft", "import", str(law), "--kind", "law", "--org", "1")
    run(
        "consultation", "create", "--version", "1", "--title", "Lấy ý kiến", "--organiser", "1",
        "--opens", "01/01/2020", "--closes", "31/12/2099",
    )  # fmt: skip
    with sqlite3.connect(tmp_path / "data" / "ykien.sqlite3") as db:
        for name in ("Trần Chủ Trì", "Lê Thành Viên"):
            db.execute(
                "insert into people (full_name, name_key, created_at) values (?, ?, '2026-01-01')",
                (name, name.lower()),
            )
    made = run(
        "consultation", "subcommittee", "create", "1", "Tiểu ban Văn kiện", "--org", "Đảng bộ Khối",
        "--section", "Chương II", "--member", "2", "--chair", "1",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert (
        "Đã tạo tiểu ban #1" in made.output and "(8 mục)" in made.output
    )  # Chương II, Điều 3 (2 khoản, 3 điểm), Điều 4
    bad = run(
        "consultation", "subcommittee", "create", "1", "X", "--org", "1", "--section", "Điều 9"
    )
    assert bad.exit_code != 0 and "Không có mục “Điều 9”" in bad.output
    edited = run("consultation", "subcommittee", "edit", "1", "--section", "Điều 4", "--chair", "0")
    assert edited.exit_code == 0, edited.output
    listing = run("consultation", "subcommittee", "list", "1").output
    assert "đang hoạt động, 1 mục" in listing and "Lê Thành Viên" in listing
    assert "chủ trì" not in listing
    assert run("consultation", "subcommittee", "close", "1", "--yes").exit_code == 0
    assert "đã kết thúc" in run("consultation", "subcommittee", "list", "1").output
    again = run("consultation", "subcommittee", "close", "1", "--yes")
    assert again.exit_code != 0 and "đã kết thúc hoạt động" in again.output
