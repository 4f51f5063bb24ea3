import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import NOW, build_world
from ykien.audit import service as audit
from ykien.audit.models import AuditEvent
from ykien.errors import Conflict, UserError
from ykien.opinions.importer import import_opinions
from ykien.opinions.models import ImportBatch, Opinion

HEADER = ["Mã", "Nội dung ý kiến", "Điều khoản", "Loại", "Người góp ý", "Đơn vị", "Ngày"]
ROWS = [
    ["1", "Đề nghị rút ngắn thời hạn.", "Điều 4", "sửa đổi", "Lê Văn A", "Chi bộ Sở Tài chính", "01/06/2025"],
    ["2", "Đồng ý với phạm vi.", "dieu 1", "Đồng ý", "Phạm B", "CHI BO SO TAI CHINH", "02/06/2025"],
    ["3", "Bổ sung hình thức trực tuyến.", "khoản 2 Điều 3", "bổ sung", "", "Công đoàn Sở Nội vụ", ""],
    ["4", "Điểm đ cần rõ hơn.", "điểm đ khoản 2 Điều 3", "", "Trần C", "", "03/06/2025"],
    ["5", "", "Điều 1", "", "", "", ""],
    ["6", "Về điều không có.", "Điều 99", "", "", "", ""],
    ["7", "Loại lạ.", "Điều 1", "khen ngợi", "", "", ""],
    ["8", "Đơn vị lạ.", "", "", "", "Hội Không Tồn Tại", ""],
    ["9", "Ngày sai.", "", "", "", "", "31/02/2025"],
    ["10", "Ý kiến chung về Chương II.", "Chương II", "góp ý", "", "", ""],
    ["1", "Trùng mã.", "", "", "", "", ""],
    ["12", "Đơn vị ngoài phạm vi.", "", "", "", "Hội Nông dân xã", ""],
]  # fmt: skip


def _write_csv(path: Path, rows: list[list[str]] = ROWS) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _write_jsonl(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in ROWS:
            handle.write(json.dumps(dict(zip(HEADER, row, strict=True)), ensure_ascii=False) + "\n")
        handle.write("{not json\n")
    return path


def _write_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


def _opinions(session: Session) -> list[Opinion]:
    return list(session.execute(select(Opinion).order_by(Opinion.id)).scalars())


@pytest.mark.parametrize("writer", [_write_csv, _write_jsonl, _write_xlsx])
def test_good_rows_kept_bad_rows_reported(session: Session, tmp_path: Path, writer: object) -> None:
    world = build_world(session)
    suffix = {"_write_csv": "csv", "_write_jsonl": "jsonl", "_write_xlsx": "xlsx"}
    source = writer(tmp_path / f"y-kien.{suffix[writer.__name__]}")  # type: ignore[attr-defined, operator]
    result = import_opinions(
        session=session, consultation_id=world.consultation.id, source=source, now=NOW
    )
    stored = _opinions(session)
    assert result.rows_imported == len(stored) == 5
    by_key = {o.idempotency_key: o for o in stored}
    assert by_key["import:1"].section_id == world.section("Điều 4").id
    assert by_key["import:1"].kind == "amend"
    assert by_key["import:1"].on_behalf_of_id == world.unit_a.id
    assert by_key["import:1"].submitted_at.strftime("%d/%m/%Y %H") == "31/05/2025 17"
    assert by_key["import:2"].on_behalf_of_id == world.unit_a.id  # case/diacritics-tolerant
    assert by_key["import:2"].section_id == world.section("Điều 1").id
    khoan = world.section("Khoản 2 Điều 3")
    assert by_key["import:3"].section_id == khoan.id
    assert by_key["import:4"].section_id == world.section("Điểm đ Khoản 2 Điều 3").id
    assert by_key["import:10"].section_id == world.section("Chương II").id
    assert all(o.channel == "import" and o.import_batch_id == result.batch_id for o in stored)
    reasons = {(e.row, e.column): e.reason_en for e in result.errors}
    expected_rows = {6, 7, 8, 9, 10, 12, 13}
    if writer.__name__ == "_write_jsonl":  # type: ignore[attr-defined]
        expected_rows = {r - 1 for r in expected_rows} | {13}
    assert {row for row, _ in reasons} == expected_rows
    assert any("no section “Điều 99”" in r for r in reasons.values())
    assert any("unknown opinion kind" in r for r in reasons.values())
    assert any("already imported" in r for r in reasons.values())
    assert any("outside the consultation's scope" in r for r in reasons.values())
    assert result.report_path is not None and result.report_path.exists()
    report = result.report_path.read_text(encoding="utf-8-sig")
    assert "Điều 99" in report
    batch = session.get(ImportBatch, result.batch_id)
    assert batch is not None and batch.rows_rejected == len(result.errors)
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "opinions.imported")
    ).scalar_one()
    assert json.loads(event.payload)["rows_imported"] == 5
    assert audit.verify(session=session).ok


def test_explicit_mapping_and_progress(session: Session, tmp_path: Path) -> None:
    world = build_world(session)
    source = tmp_path / "khac.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Góp ý", "Vị trí góp ý"])
        writer.writerows([[f"Ý kiến {i}", "Điều 2"] for i in range(50)])
    seen: list[int] = []
    result = import_opinions(
        session=session,
        consultation_id=world.consultation.id,
        source=source,
        mapping={"text": "Góp ý", "section": "Vị trí góp ý"},
        progress=lambda done, total: seen.append(done),
        now=NOW,
    )
    assert result.rows_imported == 50 and not result.errors
    assert seen[-1] == 50


def test_same_file_twice_is_refused(session: Session, tmp_path: Path) -> None:
    world = build_world(session)
    source = _write_csv(tmp_path / "a.csv")
    import_opinions(session=session, consultation_id=world.consultation.id, source=source, now=NOW)
    with pytest.raises(Conflict, match="already imported"):
        import_opinions(
            session=session, consultation_id=world.consultation.id, source=source, now=NOW
        )


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"a,b\n1,2\n", "x.csv", "mapping_text_missing"),
        (b"PK\x03\x04broken", "x.xlsx", "bad_xlsx"),
        (b"text\n\xff\xfe\xfa\n", "x.csv", "not_utf8"),
        (b"text\nabc\n", "x.pdf", "import_format_unsupported"),
    ],
)
def test_unusable_files_change_nothing(
    session: Session, tmp_path: Path, content: bytes, name: str, code: str
) -> None:
    world = build_world(session)
    source = tmp_path / name
    source.write_bytes(content)
    before = session.execute(select(func.count()).select_from(ImportBatch)).scalar_one()
    with pytest.raises(UserError) as caught, session.begin_nested():
        import_opinions(
            session=session, consultation_id=world.consultation.id, source=source, now=NOW
        )
    assert caught.value.code == code
    assert session.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == before
    assert not _opinions(session)


def test_imported_times_are_stored_like_any_other(session: Session, tmp_path: Path) -> None:
    """Bulk-inserted timestamps compare and sort with ORM-written ones (same storage format)."""
    world = build_world(session)
    from ykien.opinions import service as opinions

    online = opinions.submit(
        session=session,
        consultation_id=world.consultation.id,
        text="Trực tuyến",
        author_person_id=world.member_a,
        now=NOW,
    ).opinion
    import_opinions(
        session=session,
        consultation_id=world.consultation.id,
        source=_write_csv(tmp_path / "a.csv"),
        now=NOW,
    )
    session.expire_all()
    later = session.execute(
        select(func.count()).where(Opinion.submitted_at > online.submitted_at)
    ).scalar_one()
    same = session.execute(
        select(func.count()).where(Opinion.submitted_at == online.submitted_at)
    ).scalar_one()
    assert later == 0  # every dated row is before NOW
    assert same == 3  # the online one and the two undated imported rows (given NOW)
