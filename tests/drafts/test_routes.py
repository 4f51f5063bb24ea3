"""A draft's pages: uploading a new version from the UI (issue 12) and its changes as HTML
<del>/<ins> that wrap; their JSON twins."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.factories import SMALL_LAW, World
from tests.web.conftest import csrf_of
from ykien.drafts.models import DraftVersion

NEXT_LAW = SMALL_LAW.replace("ít nhất là 30 ngày", "ít nhất là 60 ngày")


def _draft_id(engine: Engine, world: World) -> int:
    with Session(engine) as session:
        return session.get_one(DraftVersion, world.consultation.draft_version_id).draft_id


def _versions(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(DraftVersion)) or 0


def test_a_new_version_is_uploaded_from_the_draft_page(
    client: TestClient,
    login: Callable[[str], TestClient],
    web_world: World,
    fresh_engine: Engine,
) -> None:
    login("thuky")
    draft_id = _draft_id(fresh_engine, web_world)
    start = client.get("/secretariat").text
    assert f'href="/secretariat/drafts/{draft_id}"' in start, "reached from the secretariat"
    page = client.get(f"/secretariat/drafts/{draft_id}")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'name="csrf_token"' in page.text
    response = client.post(
        f"/secretariat/drafts/{draft_id}/versions",
        data={"csrf_token": csrf_of(client)},
        files={"draft_file": ("luat-v2.txt", NEXT_LAW.encode(), "text/plain")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    changes = client.get(response.headers["location"])
    assert changes.status_code == 200
    assert "Phiên bản 2" in changes.text or "phiên bản 2" in changes.text
    assert "<del>" in changes.text and "<ins>" in changes.text
    assert "[-" not in changes.text and "{+" not in changes.text, "no raw diff markup"
    assert "30" in changes.text and "60" in changes.text
    css = client.get("/static/ykien.css").text
    assert "white-space: pre-wrap; overflow-wrap: anywhere" in css
    assert _versions(fresh_engine) == 2
    listed = client.get(f"/api/v1/secretariat/drafts/{draft_id}").json()
    assert [v["number"] for v in listed["versions"]] == [1, 2]
    assert listed["versions"][1]["changes"]["changed"] >= 1
    version_id = listed["versions"][1]["id"]
    api = client.get(f"/api/v1/draft-versions/{version_id}/changes").json()
    changed = [c for c in api["changes"] if c["status"] == "changed"]
    assert changed and {"removed", "added"} <= {p["kind"] for p in changed[0]["pieces"]}


def test_bad_uploads_are_refused_with_a_clear_message(
    client: TestClient,
    login: Callable[[str], TestClient],
    web_world: World,
    fresh_engine: Engine,
) -> None:
    login("thuky")
    draft_id = _draft_id(fresh_engine, web_world)
    url = f"/secretariat/drafts/{draft_id}/versions"
    for files, message in (
        ({"draft_file": ("du-thao.pdf", b"%PDF-1.4", "application/pdf")}, "định dạng"),
        ({"draft_file": ("luat.txt", SMALL_LAW.encode(), "text/plain")}, "giống hệt"),
        ({}, "Hãy chọn tệp dự thảo"),
    ):
        response = client.post(url, data={"csrf_token": csrf_of(client)}, files=files)
        assert 400 <= response.status_code < 500, response.text
        assert message in response.text and 'role="alert"' in response.text
    assert _versions(fresh_engine) == 1
    headers = {"X-CSRF-Token": csrf_of(client)}
    api = client.post(
        f"/api/v1/drafts/{draft_id}/versions",
        files={"file": ("x.pdf", b"%PDF", "application/pdf")},
        headers=headers,
    )
    assert api.status_code == 400 and "định dạng" in api.json()["error"]["message"]
    made = client.post(
        f"/api/v1/drafts/{draft_id}/versions",
        files={"file": ("luat-v2.txt", NEXT_LAW.encode(), "text/plain")},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    assert made.json()["number"] == 2 and made.json()["changes_url"]


def test_a_too_large_file_is_refused(
    client: TestClient, login: Callable[[str], TestClient], web_world: World, fresh_engine: Engine
) -> None:
    login("thuky")
    draft_id = _draft_id(fresh_engine, web_world)
    limit = client.app.state.settings.max_upload_bytes  # type: ignore[attr-defined]
    big = ("Điều 1. " + "x" * 100 + "\n").encode() * (limit // 100 + 10)
    response = client.post(
        f"/secretariat/drafts/{draft_id}/versions",
        data={"csrf_token": csrf_of(client)},
        files={"draft_file": ("lon.txt", big, "text/plain")},
    )
    assert 400 <= response.status_code < 500
    # refused by the request size limit, or by the parser's limit with the form shown again
    assert "quá lớn" in response.text or 'role="alert"' in response.text
    assert _versions(fresh_engine) == 1


def test_a_participant_cannot_open_or_upload(
    client: TestClient, login: Callable[[str], TestClient], web_world: World, fresh_engine: Engine
) -> None:
    login("dangvien")
    draft_id = _draft_id(fresh_engine, web_world)
    assert client.get(f"/secretariat/drafts/{draft_id}").status_code == 403
    response = client.post(
        f"/secretariat/drafts/{draft_id}/versions",
        data={"csrf_token": csrf_of(client)},
        files={"draft_file": ("luat-v2.txt", NEXT_LAW.encode(), "text/plain")},
    )
    assert response.status_code == 403
    assert client.get("/secretariat/drafts/999999").status_code in (403, 404)
    assert _versions(fresh_engine) == 1
