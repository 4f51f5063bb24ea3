"""Secretariat pages: start page, creating a consultation, importing opinions; their API twins."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.factories import SMALL_LAW, World, build_world
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts import service as accounts
from ykien.audit import service as audit
from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation, ConsultationScope
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.drafts.models import Draft, DraftVersion, Section
from ykien.opinions.models import ImportBatch, Opinion


@pytest.fixture
def other_secretary(fresh_engine: Engine, web_world: World) -> str:
    """`thuky.b`: secretary of unit B only (outside the bloc's own level)."""
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        person = accounts.create_person(
            session=session, full_name="Phạm Thư Ký B", organisation_id=web_world.unit_b.id
        )
        accounts.create_account(
            session=session, person_id=person.id, username="thuky.b", password=PASSWORD
        )
        accounts.grant_role(
            session=session,
            person_id=person.id,
            organisation_id=web_world.unit_b.id,
            role="secretary",
        )
    return "thuky.b"


def _counts(engine: Engine) -> tuple[int, ...]:
    with Session(engine) as session:
        return tuple(
            session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Draft, DraftVersion, Section, Consultation, ConsultationScope)
        )


def _form(client: TestClient, world: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": csrf_of(client),
        "title": "Lấy ý kiến dự thảo mới",
        "description": "Đợt góp ý thử",
        "draft_kind": "law",
        "organiser_id": str(world.bloc.id),
        "scope": [str(world.unit_a.id), str(world.unit_b.id)],
        "opens_at": "01/07/2030 08:00",
        "closes_at": "31/07/2030 17:00",
        "opinions_public": "true",
        "identity_required": "true",
        "publish": "true",
    }
    data.update(overrides)
    return data


def _audit_ok(engine: Engine) -> None:
    with Session(engine) as session:
        assert audit.verify(session=session).ok


def _docx(paragraphs: list[str]) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- start page and creating a consultation ---------------------------------------------------


def test_start_page_lists_covered_consultations_with_links(
    client: TestClient, login: Callable[[str], TestClient], web_world: World
) -> None:
    login("thuky")
    page = client.get("/secretariat")
    assert page.status_code == 200
    cid = web_world.consultation.id
    assert "Lấy ý kiến Luật thử nghiệm" in page.text
    for link in (f"/c/{cid}", f"/c/{cid}/opinions", f"/c/{cid}/moderation", f"/c/{cid}/import"):
        assert f'href="{link}"' in page.text
    assert 'href="/secretariat/consultations/new"' in page.text
    api = client.get("/api/v1/secretariat/consultations").json()
    assert [item["id"] for item in api] == [cid]
    assert api[0]["import_url"] == f"/c/{cid}/import" and api[0]["can_manage"]


def test_create_from_an_uploaded_txt_and_publish(
    client: TestClient,
    login: Callable[[str], TestClient],
    web_world: World,
    fresh_engine: Engine,
) -> None:
    login("thuky")
    form_page = client.get("/secretariat/consultations/new")
    assert form_page.status_code == 200
    # the covered tree, indented, siblings in Vietnamese order (Chi < Công)
    text = form_page.text
    assert text.index("Chi bộ Sở Tài chính") < text.index("Công đoàn Sở Nội vụ")
    assert "Hội Nông dân xã" not in text  # outside the secretary's subtree
    response = client.post(
        "/secretariat/consultations/new",
        data=_form(client, web_world),
        files={"draft_file": ("du-thao.txt", SMALL_LAW.encode(), "text/plain")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/secretariat"
    start = client.get("/secretariat").text
    assert "Lấy ý kiến dự thảo mới" in start and "đã tạo và công bố" in start.lower()
    with Session(fresh_engine) as session:
        made = session.execute(
            select(Consultation).where(Consultation.title == "Lấy ý kiến dự thảo mới")
        ).scalar_one()
        assert made.status == "open"
        assert made.opens_at == datetime(2030, 7, 1, 1, 0, tzinfo=UTC)  # 08:00 Vietnam time
        scope = set(
            session.execute(
                select(ConsultationScope.organisation_id).where(
                    ConsultationScope.consultation_id == made.id
                )
            ).scalars()
        )
        assert scope == {web_world.unit_a.id, web_world.unit_b.id}
        version = session.get(DraftVersion, made.draft_version_id)
        assert version is not None and version.section_count > 5
        draft = session.get(Draft, version.draft_id)
        assert draft is not None and draft.kind == "law"
    _audit_ok(fresh_engine)


def test_create_from_a_generated_docx_with_browser_datetime(
    client: TestClient,
    login: Callable[[str], TestClient],
    web_world: World,
    fresh_engine: Engine,
) -> None:
    login("thuky")
    data = _docx(
        [
            "QUY CHẾ LÀM VIỆC",
            "Chương I",
            "QUY ĐỊNH CHUNG",
            "Điều 1. Phạm vi",
            "Quy chế này quy định việc làm việc của cơ quan.",
            "Điều 2. Nguyên tắc",
            "1. Tập trung dân chủ.",
            "2. Công khai, minh bạch.",
        ]
    )
    form = _form(client, web_world, title="Góp ý quy chế", publish="", scope=[])
    form.update(opens_at="2030-08-01T08:00", closes_at="2030-08-15T17:30")
    response = client.post(
        "/secretariat/consultations/new",
        data=form,
        files={
            "draft_file": (
                "quy-che.docx",
                data,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    with Session(fresh_engine) as session:
        made = session.execute(
            select(Consultation).where(Consultation.title == "Góp ý quy chế")
        ).scalar_one()
        assert made.status == "draft"
        assert made.closes_at == datetime(2030, 8, 15, 10, 30, tzinfo=UTC)
        labels = session.execute(
            select(Section.label).where(Section.version_id == made.draft_version_id)
        ).scalars()
        assert {"Điều 1", "Điều 2", "Khoản 1 Điều 2"} <= set(labels)
        scope = session.execute(
            select(ConsultationScope.organisation_id).where(
                ConsultationScope.consultation_id == made.id
            )
        ).scalars()
        assert list(scope) == [web_world.bloc.id]  # none ticked: the organiser
    # not published yet: the start page offers to publish it
    start = client.get("/secretariat").text
    assert f'action="/secretariat/consultations/{made.id}/publish"' in start
    published = client.post(
        f"/secretariat/consultations/{made.id}/publish",
        data={"csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert published.status_code == 303
    with Session(fresh_engine) as session:
        again = session.get(Consultation, made.id)
        assert again is not None and again.status == "open"


def test_create_from_an_existing_draft_version(
    client: TestClient, login: Callable[[str], TestClient], web_world: World
) -> None:
    login("thuky")
    version_id = web_world.consultation.draft_version_id
    page = client.get("/secretariat/consultations/new").text
    assert f'<option value="{version_id}"' in page
    response = client.post(
        "/secretariat/consultations/new",
        data=_form(client, web_world, title="Đợt hai", draft_version_id=str(version_id)),
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@pytest.mark.parametrize(
    ("overrides", "upload", "message"),
    [
        ({}, ("du-thao.pdf", b"%PDF-1.4 ...", "application/pdf"), "không thuộc định dạng"),
        (
            {},
            ("hong.docx", b"PK\x03\x04 not really a zip", "application/octet-stream"),
            "hong.docx",
        ),
        ({}, ("rong.txt", b"   \n\n", "text/plain"), "rong.txt"),
        ({"closes_at": "30/06/2030 08:00"}, None, "kết thúc phải sau"),
        ({"title": "   "}, None, "Tiêu đề"),
        ({"opens_at": "32/13/2030"}, None, "32/13/2030"),
        ({"organiser_id": ""}, None, "đơn vị tổ chức"),
        # issue 12: anonymous opinions allowed yet participants identified was accepted silently
        ({"allow_anonymous": "true"}, None, "không thể vừa cho phép góp ý ẩn danh"),
    ],
)
def test_bad_input_keeps_the_form_and_creates_nothing(
    client: TestClient,
    login: Callable[[str], TestClient],
    web_world: World,
    fresh_engine: Engine,
    overrides: dict[str, str],
    upload: tuple[str, bytes, str] | None,
    message: str,
) -> None:
    login("thuky")
    before = _counts(fresh_engine)
    files = {"draft_file": upload or ("luat.txt", SMALL_LAW.encode(), "text/plain")}
    form = _form(client, web_world, description="Mô tả <b>giữ lại</b>", **overrides)
    response = client.post("/secretariat/consultations/new", data=form, files=files)
    assert 400 <= response.status_code < 500
    assert message in response.text
    assert 'role="alert"' in response.text
    assert "Mô tả &lt;b&gt;giữ lại&lt;/b&gt;" in response.text  # kept, and shown as text
    assert "chọn lại tệp dự thảo" in response.text  # the file must be chosen again
    assert f'value="{web_world.unit_a.id}" checked' in response.text
    assert _counts(fresh_engine) == before


def test_file_and_existing_draft_together_is_refused(
    client: TestClient, login: Callable[[str], TestClient], web_world: World, fresh_engine: Engine
) -> None:
    login("thuky")
    before = _counts(fresh_engine)
    form = _form(client, web_world, draft_version_id=str(web_world.consultation.draft_version_id))
    response = client.post(
        "/secretariat/consultations/new",
        data=form,
        files={"draft_file": ("luat2.txt", SMALL_LAW.encode(), "text/plain")},
    )
    assert response.status_code == 400 and "chỉ một trong hai" in response.text
    assert _counts(fresh_engine) == before


def test_secretary_of_another_unit_cannot_organise_for_the_bloc(
    client: TestClient,
    login: Callable[[str], TestClient],
    web_world: World,
    other_secretary: str,
    fresh_engine: Engine,
) -> None:
    login(other_secretary)
    page = client.get("/secretariat/consultations/new").text
    assert "Công đoàn Sở Nội vụ" in page and "Chi bộ Sở Tài chính" not in page
    before = _counts(fresh_engine)
    response = client.post(
        "/secretariat/consultations/new",
        data=_form(client, web_world, scope=[]),
        files={"draft_file": ("luat.txt", SMALL_LAW.encode(), "text/plain")},
    )
    assert response.status_code == 403
    assert "ngoài phạm vi vai trò" in response.text
    assert 'value="Lấy ý kiến dự thảo mới"' in response.text
    # own unit as organiser, but a scope reaching outside it
    response = client.post(
        "/secretariat/consultations/new",
        data=_form(client, web_world, organiser_id=str(web_world.unit_b.id)),
        files={"draft_file": ("luat.txt", SMALL_LAW.encode(), "text/plain")},
    )
    assert response.status_code == 403
    api = client.post(
        "/api/v1/consultations",
        json={
            "title": "API",
            "draft_version_id": web_world.consultation.draft_version_id,
            "organiser_id": web_world.bloc.id,
            "opens_at": "01/07/2030",
            "closes_at": "02/07/2030",
        },
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert api.status_code == 403 and api.json()["error"]["code"] == "organiser_outside_subtree"
    assert _counts(fresh_engine) == before
    # the bloc's consultation is not theirs: not listed, no import
    assert "Lấy ý kiến Luật thử nghiệm" not in client.get("/secretariat").text
    cid = web_world.consultation.id
    assert client.get(f"/c/{cid}/import").status_code == 403
    # their own unit works
    response = client.post(
        "/secretariat/consultations/new",
        data=_form(
            client,
            web_world,
            title="Góp ý của Công đoàn",
            organiser_id=str(web_world.unit_b.id),
            scope=[str(web_world.unit_b.id)],
        ),
        files={"draft_file": ("luat.txt", SMALL_LAW.encode(), "text/plain")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "Góp ý của Công đoàn" in client.get("/secretariat").text


def test_api_creates_a_draft_then_a_consultation(
    client: TestClient, login: Callable[[str], TestClient], web_world: World, fresh_engine: Engine
) -> None:
    login("thuky")
    headers = {"X-CSRF-Token": csrf_of(client)}
    draft = client.post(
        "/api/v1/drafts",
        files={"file": ("luat-moi.txt", SMALL_LAW.encode(), "text/plain")},
        data={"kind": "law", "organisation_id": str(web_world.bloc.id)},
        headers=headers,
    )
    assert draft.status_code == 201, draft.text
    body = draft.json()
    assert body["version"] == 1 and body["section_count"] > 5
    bad = client.post(
        "/api/v1/drafts",
        files={"file": ("x.pdf", b"%PDF", "application/pdf")},
        headers=headers,
    )
    assert bad.status_code == 400 and "định dạng" in bad.json()["error"]["message"]
    created = client.post(
        "/api/v1/consultations",
        json={
            "title": "Qua API",
            "draft_version_id": body["version_id"],
            "organiser_id": web_world.bloc.id,
            "scope_organisation_ids": [web_world.unit_a.id],
            "opens_at": "2030-07-01T08:00",
            "closes_at": "31/07/2030 17:00",
            "publish": True,
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    out = created.json()
    assert out["status"] == "open" and out["scope_organisation_ids"] == [web_world.unit_a.id]
    window = client.post(
        "/api/v1/consultations",
        json={
            "title": "Sai thời gian",
            "draft_version_id": body["version_id"],
            "organiser_id": web_world.bloc.id,
            "opens_at": "02/07/2030",
            "closes_at": "01/07/2030",
        },
        headers=headers,
    )
    assert window.status_code == 400
    assert window.json()["error"]["code"] == "consultation_window_invalid"
    _audit_ok(fresh_engine)


def test_publish_now_from_the_list_says_when_a_later_window_opens(
    client: TestClient, login: Callable[[str], TestClient], web_world: World, fresh_engine: Engine
) -> None:
    login("thuky")
    created = client.post(
        "/secretariat/consultations/new",
        data=_form(client, web_world, publish=""),
        files={"draft_file": ("du-thao.txt", SMALL_LAW.encode(), "text/plain")},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    with Session(fresh_engine) as session:
        made = session.execute(
            select(Consultation).where(Consultation.title == "Lấy ý kiến dự thảo mới")
        ).scalar_one()
        assert made.status == "draft"
    published = client.post(
        f"/secretariat/consultations/{made.id}/publish", data={"csrf_token": csrf_of(client)}
    )
    assert published.status_code == 200
    assert "nhận ý kiến từ 08:00 01/07/2030" in published.text


def test_a_closed_consultation_is_not_published_again(
    client: TestClient, login: Callable[[str], TestClient], web_world: World, fresh_engine: Engine
) -> None:
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        consultations.close(session=session, consultation_id=web_world.consultation.id)
    login("thuky")
    response = client.post(
        f"/api/v1/consultations/{web_world.consultation.id}/publish",
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "consultation_already_closed"


# --- importing opinions -----------------------------------------------------------------------

IMPORT_CSV = (
    "Phát biểu;Điều khoản;Đơn vị;Ngày;Mã\n"
    "Đề nghị bổ sung quy định về thời hạn;Điều 4;Chi bộ Sở Tài chính;10/06/2025;A1\n"
    "Ý kiến về điều không có;Điều 99;Chi bộ Sở Tài chính;10/06/2025;A2\n"
    "Ý kiến của tổ chức lạ;Điều 1;Hội không tồn tại;10/06/2025;A3\n"
    "Ngày sai;Điều 2;Công đoàn Sở Nội vụ;31/02/2025;A4\n"
    ";Điều 3;;;A5\n"
    "Ý kiến tốt thứ hai;khoản 2 Điều 3;cong doan so noi vu;11/06/2025;A6\n"
)


def _upload_id(page: str) -> str:
    match = re.search(r'name="upload_id" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def test_import_with_mapping_shows_the_errors_and_the_report_downloads(
    client: TestClient,
    login: Callable[[str], TestClient],
    web_world: World,
    fresh_engine: Engine,
    app_settings: Settings,
) -> None:
    login("thuky")
    cid = web_world.consultation.id
    assert client.get(f"/c/{cid}/import").status_code == 200
    step1 = client.post(
        f"/c/{cid}/import",
        data={"csrf_token": csrf_of(client)},
        files={"file": ("y-kien.csv", IMPORT_CSV.encode("utf-8-sig"), "text/csv")},
    )
    assert step1.status_code == 200, step1.text
    page = step1.text
    assert "Phát biểu" in page and "Đề nghị bổ sung" in page  # columns and a preview
    # recognised names are pre-selected; the text column is not (an unusual name)
    assert re.search(r'name="map_section".*?<option value="Điều khoản" selected>', page, re.S)
    assert re.search(r'name="map_organisation".*?<option value="Đơn vị" selected>', page, re.S)
    upload_id = _upload_id(page)
    waiting = app_settings.data_dir / "uploads" / upload_id
    assert waiting.is_file()
    # forgetting the text column: told so, the file kept
    again = client.post(
        f"/c/{cid}/import/confirm",
        data={"csrf_token": csrf_of(client), "upload_id": upload_id, "filename": "y-kien.csv"},
    )
    assert again.status_code == 400 and "nội dung ý kiến" in again.text
    assert waiting.is_file()
    result = client.post(
        f"/c/{cid}/import/confirm",
        data={
            "csrf_token": csrf_of(client),
            "upload_id": upload_id,
            "filename": "y-kien.csv",
            "channel": "written",
            "map_text": "Phát biểu",
            "map_section": "Điều khoản",
            "map_organisation": "Đơn vị",
            "map_submitted_at": "Ngày",
            "map_external_id": "Mã",
        },
    )
    assert result.status_code == 200, result.text
    html = result.text
    assert re.search(r"Số dòng đã nhập</dt><dd><strong>2</strong>", html)
    assert re.search(r"Số dòng bị loại</dt><dd><strong>4</strong>", html)
    assert "không tìm thấy mục “Điều 99”" in html
    assert "không có tổ chức “Hội không tồn tại”" in html
    assert "ngày không hợp lệ" in html and "nội dung ý kiến trống" in html
    assert not waiting.exists()  # deleted after the import
    with Session(fresh_engine) as session:
        batch = session.execute(
            select(ImportBatch).where(ImportBatch.consultation_id == cid)
        ).scalar_one()
        channels = set(
            session.execute(
                select(Opinion.channel).where(Opinion.import_batch_id == batch.id)
            ).scalars()
        )
        assert channels == {"written"} and batch.rows_imported == 2
    link = f"/c/{cid}/import/{batch.id}/report"
    assert f'href="{link}"' in html
    report = client.get(link)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert len(rows) == 5 and rows[1][0] == "3" and "Điều 99" in rows[1][2]
    # English, when asked
    client.post("/language", data={"language": "en", "next": "/", "csrf_token": csrf_of(client)})
    assert "Earlier imports" in client.get(f"/c/{cid}/import").text
    # the same file again: refused, nothing more imported
    step1 = client.post(
        f"/c/{cid}/import",
        data={"csrf_token": csrf_of(client)},
        files={"file": ("y-kien.csv", IMPORT_CSV.encode("utf-8-sig"), "text/csv")},
    )
    dup = client.post(
        f"/c/{cid}/import/confirm",
        data={"csrf_token": csrf_of(client), "upload_id": _upload_id(step1.text),
              "filename": "y-kien.csv", "map_text": "Phát biểu"},
    )  # fmt: skip
    assert dup.status_code == 409 and "already imported" in dup.text
    _audit_ok(fresh_engine)


def test_import_refuses_unreadable_files_with_a_message(
    client: TestClient, login: Callable[[str], TestClient], web_world: World
) -> None:
    login("thuky")
    cid = web_world.consultation.id
    cases = [
        (("y-kien.pdf", b"%PDF", "application/pdf"), "CSV, JSONL hoặc XLSX"),
        (("y-kien.csv", "Nội dung\nxin chào\n".encode("utf-16"), "text/csv"), "UTF-8"),
        (("y-kien.xlsx", b"not a zip", "application/octet-stream"), "XLSX"),
        (("y-kien.csv", b"", "text/csv"), "trống"),
    ]
    for upload, message in cases:
        response = client.post(
            f"/c/{cid}/import", data={"csrf_token": csrf_of(client)}, files={"file": upload}
        )
        assert response.status_code == 400, (upload[0], response.text)
        assert message in response.text
    gone = client.post(
        f"/c/{cid}/import/confirm",
        data={"csrf_token": csrf_of(client), "upload_id": "../../etc/passwd", "filename": "x.csv",
              "map_text": "Nội dung"},
    )  # fmt: skip
    assert gone.status_code == 410 and "tải lên lại" in gone.text


def test_api_import_from_xlsx_with_a_json_mapping(
    client: TestClient,
    login: Callable[[str], TestClient],
    web_world: World,
    fresh_engine: Engine,
) -> None:
    login("thuky")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Góp ý", "Vị trí", "Loại"])
    sheet.append(["Nên rút ngắn thời hạn", "Điều 4", "sửa đổi"])
    sheet.append(["Loại lạ", "Điều 4", "kỳ lạ"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    cid = web_world.consultation.id
    response = client.post(
        f"/api/v1/consultations/{cid}/imports",
        files={"file": ("gop-y.xlsx", buffer.getvalue(), "application/octet-stream")},
        data={"mapping": json.dumps({"text": "Góp ý"}), "channel": "event"},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["rows_imported"] == 1 and body["rows_rejected"] == 1
    assert body["errors"][0]["row"] == 3 and body["errors"][0]["column"] == "Loại"
    assert "loại ý kiến không rõ" in body["errors"][0]["reason"]
    assert client.get(body["report_url"]).status_code == 200
    bad = client.post(
        f"/api/v1/consultations/{cid}/imports",
        files={"file": ("gop-y.csv", b"a,b\n1,2\n", "text/csv")},
        data={"mapping": "not json"},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "mapping_invalid"
    _audit_ok(fresh_engine)


def test_uploads_left_for_a_day_are_swept(
    client: TestClient,
    login: Callable[[str], TestClient],
    web_world: World,
    app_settings: Settings,
) -> None:
    import os
    import time

    folder = app_settings.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    stale = folder / ("0" * 32 + ".csv")
    stale.write_text("Nội dung\nx\n", encoding="utf-8")
    old = time.time() - 25 * 3600
    os.utime(stale, (old, old))
    login("thuky")
    client.post(
        f"/c/{web_world.consultation.id}/import",
        data={"csrf_token": csrf_of(client)},
        files={"file": ("moi.csv", "Nội dung\nmột ý kiến\n".encode(), "text/csv")},
    )
    assert not stale.exists()
    assert len(list(Path(folder).iterdir())) == 1  # only the new upload waits


# --- who may do it ----------------------------------------------------------------------------


def _protected(world: World) -> list[tuple[str, str, dict[str, object]]]:
    cid = world.consultation.id
    return [
        ("GET", "/secretariat", {}),
        ("GET", "/secretariat/consultations/new", {}),
        ("POST", "/secretariat/consultations/new", {"data": {"title": "x"}}),
        ("POST", f"/secretariat/consultations/{cid}/publish", {}),
        ("GET", f"/c/{cid}/import", {}),
        ("POST", f"/c/{cid}/import", {"files": {"file": ("a.csv", b"a\n1\n", "text/csv")}}),
        ("POST", f"/c/{cid}/import/confirm", {"data": {"upload_id": "x", "filename": "a.csv"}}),
        ("GET", f"/c/{cid}/import/1/report", {}),
        ("GET", "/api/v1/secretariat/consultations", {}),
        ("POST", "/api/v1/consultations", {"json": {}}),
        ("POST", f"/api/v1/consultations/{cid}/publish", {}),
        ("POST", "/api/v1/drafts", {"files": {"file": ("a.txt", b"x", "text/plain")}}),
        (
            "POST",
            f"/api/v1/consultations/{cid}/imports",
            {"files": {"file": ("a.csv", b"a\n1\n", "text/csv")}},
        ),
    ]


def test_a_participant_is_refused_everywhere(
    client: TestClient, login: Callable[[str], TestClient], web_world: World
) -> None:
    login("dangvien")
    token = csrf_of(client)
    for method, path, kwargs in _protected(web_world):
        extra: dict[str, Any] = dict(kwargs)
        if method != "GET":
            if path.startswith("/api/"):
                extra["headers"] = {"X-CSRF-Token": token}
            else:
                extra["data"] = {**extra.get("data", {}), "csrf_token": token}
        response = client.request(method, path, **extra)
        assert response.status_code == 403, (method, path, response.status_code)


def test_anonymous_is_sent_to_sign_in(client: TestClient, web_world: World) -> None:
    for method, path, _kwargs in _protected(web_world):
        if method != "GET":
            continue
        response = client.get(path, follow_redirects=False)
        if path.startswith("/api/"):
            assert response.status_code == 401
        else:
            assert response.status_code == 303 and "/login" in response.headers["location"]


def test_publish_now_with_the_default_start_opens_now(
    client: TestClient,
    login: Callable[[str], TestClient],
    web_world: World,
    fresh_engine: Engine,
) -> None:
    """Issue 12: the default start was the next full hour, so "Publish now" opened up to an
    hour later."""
    login("thuky")
    page = client.get("/secretariat/consultations/new").text
    opens = re.search(r'name="opens_at" value="([^"]+)"', page)
    closes = re.search(r'name="closes_at" value="([^"]+)"', page)
    assert opens and closes
    before = datetime.now(UTC)
    response = client.post(
        "/secretariat/consultations/new",
        data=_form(client, web_world, opens_at=opens.group(1), closes_at=closes.group(1)),
        files={"draft_file": ("du-thao.txt", SMALL_LAW.encode(), "text/plain")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    with Session(fresh_engine) as session:
        made = session.execute(
            select(Consultation).where(Consultation.title == "Lấy ý kiến dự thảo mới")
        ).scalar_one()
        assert made.opens_at <= datetime.now(UTC)
        assert (before - made.opens_at).total_seconds() < 120, "stored in UTC, Vietnam time shown"
        assert consultations.accepting(made, datetime.now(UTC)), "open from now"


def test_publishing_with_a_later_start_says_when_it_opens(
    client: TestClient, login: Callable[[str], TestClient], web_world: World
) -> None:
    login("thuky")
    response = client.post(
        "/secretariat/consultations/new",
        data=_form(client, web_world),
        files={"draft_file": ("du-thao.txt", SMALL_LAW.encode(), "text/plain")},
    )
    assert response.status_code == 200
    assert "nhận ý kiến từ 08:00 01/07/2030" in response.text


def test_api_refuses_anonymous_with_identity_required(
    client: TestClient, login: Callable[[str], TestClient], web_world: World, fresh_engine: Engine
) -> None:
    login("thuky")
    before = _counts(fresh_engine)
    body = {
        "title": "Chính sách mâu thuẫn",
        "draft_version_id": web_world.consultation.draft_version_id,
        "organiser_id": web_world.bloc.id,
        "opens_at": "01/07/2030 08:00",
        "closes_at": "31/07/2030 17:00",
        "allow_anonymous": True,
        "identity_required": True,
    }
    headers = {"X-CSRF-Token": csrf_of(client)}
    refused = client.post("/api/v1/consultations", json=body, headers=headers)
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["code"] == "consultation_policy_contradictory"
    assert _counts(fresh_engine) == before
    body["identity_required"] = False
    created = client.post("/api/v1/consultations", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert (created.json()["allow_anonymous"], created.json()["identity_required"]) == (True, False)


def test_the_service_derives_identity_from_anonymity(session: Session) -> None:
    """Callers that only allow anonymous opinions (the demo, the CLI) get no identity rule."""
    world = build_world(session)
    made = consultations.create(
        session=session,
        title="Ẩn danh",
        draft_version_id=world.consultation.draft_version_id,
        organiser_id=world.bloc.id,
        opens_at=datetime(2030, 7, 1, tzinfo=UTC),
        closes_at=datetime(2030, 7, 31, tzinfo=UTC),
        allow_anonymous=True,
    )
    assert (made.allow_anonymous, made.identity_required) == (True, False)
    with pytest.raises(consultations.UserError) as refused:
        consultations.create(
            session=session,
            title="Mâu thuẫn",
            draft_version_id=world.consultation.draft_version_id,
            organiser_id=world.bloc.id,
            opens_at=datetime(2030, 7, 1, tzinfo=UTC),
            closes_at=datetime(2030, 7, 31, tzinfo=UTC),
            allow_anonymous=True,
            identity_required=True,
        )
    assert refused.value.code == "consultation_policy_contradictory"
