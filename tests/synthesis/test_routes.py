"""Synthesis pages and API: a unit drafts, edits, signs off and submits; the bloc is notified,
consolidates and drills down; roles, CSRF, typed text kept on error; report downloads."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts import service as accounts
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.events.models import Notification
from ykien.exports import reports as exports
from ykien.opinions import service as opinions

Login = Callable[[str], TestClient]


@pytest.fixture
def unit_world(fresh_engine: Engine, web_world: World) -> World:
    """A secretary of unit A ("thuky.a"), a secretary of unit B and three opinions of unit A."""
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        for username, org_id in [
            ("thuky.a", web_world.unit_a.id),
            ("thuky.b", web_world.unit_b.id),
        ]:
            person = accounts.create_person(
                session=session, full_name=f"Thư ký {username}", organisation_id=org_id
            )
            accounts.create_account(
                session=session, person_id=person.id, username=username, password=PASSWORD
            )
            accounts.grant_role(
                session=session, person_id=person.id, organisation_id=org_id, role="secretary"
            )
        for label, text in [
            ("Điều 1", "Đề nghị làm rõ phạm vi điều chỉnh của luật."),
            ("Điều 4", "Thời hạn 30 ngày là quá dài, đề nghị rút ngắn."),
            (None, "Dự thảo cần ngắn gọn, dễ hiểu hơn."),
        ]:
            opinions.submit(
                session=session,
                consultation_id=web_world.consultation.id,
                text=text,
                section_id=web_world.section(label).id if label else None,
                author_person_id=web_world.member_a,
            )
    return web_world


def _post(client: TestClient, url: str, data: dict[str, object] | None = None) -> Any:
    return client.post(
        url, data={**(data or {}), "csrf_token": csrf_of(client)}, follow_redirects=False
    )


def _draft(client: TestClient, world: World, org_id: int) -> int:
    response = client.post(
        f"/c/{world.consultation.id}/syntheses/draft",
        data={"organisation_id": org_id, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/syntheses/")
    return int(location.rsplit("/", 1)[1])


def _switch(client: TestClient, login: Login, username: str) -> TestClient:
    client.cookies.clear()
    return login(username)


def test_unit_drafts_signs_off_submits_and_the_bloc_drills_down(
    client: TestClient, unit_world: World, login: Login, fresh_engine: Engine
) -> None:
    world, cid = unit_world, unit_world.consultation.id
    login("thuky.a")
    units = client.get(f"/c/{cid}/syntheses")
    assert units.status_code == 200
    assert world.unit_a.name in units.text and "Chưa có báo cáo tổng hợp" in units.text
    unit_synthesis = _draft(client, world, world.unit_a.id)
    page = client.get(f"/syntheses/{unit_synthesis}")
    assert "Điều 1. Phạm vi điều chỉnh" in page.text
    assert "3 ý kiến" in page.text
    api = client.get(f"/api/v1/syntheses/{unit_synthesis}").json()
    assert api["status"] == "draft" and api["totals"]["total"]["raw"] == 3
    first = api["items"][0]["id"]

    bad = client.post(
        f"/synthesis-items/{first}/edit",
        data={"title": "   ", "summary": "Tóm tắt đã gõ", "csrf_token": csrf_of(client)},
    )
    assert bad.status_code == 400
    assert "Mục cần có tiêu đề." in bad.text and "Tóm tắt đã gõ" in bad.text
    edited = _post(client, f"/synthesis-items/{first}/edit", {"title": "Phạm vi", "summary": "Rõ"})
    assert edited.status_code == 303
    assert _post(client, f"/synthesis-items/{first}/move", {"direction": "down"}).status_code == 303
    order = [i["id"] for i in client.get(f"/api/v1/syntheses/{unit_synthesis}").json()["items"]]
    assert order[1] == first

    early = client.post(f"/syntheses/{unit_synthesis}/submit", data={"csrf_token": csrf_of(client)})
    assert early.status_code == 400 and "ký duyệt" in early.text
    # issue 12: signing off asked nothing; the first step now shows what will happen
    asked = _post(client, f"/syntheses/{unit_synthesis}/sign-off")
    assert asked.status_code == 200 and "Xác nhận ký duyệt" in asked.text
    assert 'name="confirm" value="yes"' in asked.text
    assert f'href="/syntheses/{unit_synthesis}"' in asked.text, "a cancel back to the synthesis"
    still = client.get(f"/api/v1/syntheses/{unit_synthesis}").json()
    assert still["status"] == "draft", "nothing signed off before the confirmation"
    confirmed = _post(client, f"/syntheses/{unit_synthesis}/sign-off", {"confirm": "yes"})
    assert confirmed.status_code == 303
    frozen = client.get(f"/syntheses/{unit_synthesis}")
    assert 'name="title"' not in frozen.text and "Gửi lên" in frozen.text
    assert _post(client, f"/syntheses/{unit_synthesis}/submit").status_code == 303

    with Session(fresh_engine) as session:
        notices = session.scalars(select(Notification)).all()
    assert [n.link for n in notices] == [f"/syntheses/{unit_synthesis}"]
    assert world.unit_a.name in notices[0].text

    _switch(client, login, "thuky")
    inbox = client.get("/me/notifications")
    assert world.unit_a.name in inbox.text
    bloc_units = client.get(f"/c/{cid}/syntheses")
    assert world.unit_b.name in bloc_units.text and "Chưa gửi báo cáo" in bloc_units.text
    listed = client.get(f"/api/v1/consultations/{cid}/syntheses").json()
    assert listed["unit"]["organisation_id"] == world.bloc.id
    assert listed["unit"]["reached"] == {"raw": 3, "unique": 3}
    assert [p["organisation_id"] for p in listed["pending"]] == [world.unit_b.id]
    bloc_synthesis = _draft(client, world, world.bloc.id)
    bloc = client.get(f"/api/v1/syntheses/{bloc_synthesis}").json()
    assert bloc["totals"]["total"]["raw"] == 3
    consolidated = next(i for i in bloc["items"] if i["child_item_count"])
    drill = client.get(f"/api/v1/synthesis-items/{consolidated['id']}").json()
    assert drill["child_items"][0]["organisation_id"] == world.unit_a.id
    assert drill["opinions"] == [] and drill["beneath_total"] >= 1
    child = client.get(f"/synthesis-items/{drill['child_items'][0]['item_id']}")
    assert child.status_code == 200
    assert any(
        text in child.text
        for text in ("Đề nghị làm rõ phạm vi", "Thời hạn 30 ngày", "Dự thảo cần ngắn gọn")
    )
    top = _post(client, f"/syntheses/{bloc_synthesis}/sign-off", {"confirm": "yes"})
    assert top.status_code == 303
    refused = client.post(f"/api/v1/syntheses/{bloc_synthesis}/submit", headers=_header(client))
    assert refused.status_code == 400  # the top level is final


def _header(client: TestClient) -> dict[str, str]:
    return {"x-csrf-token": csrf_of(client)}


def test_roles_csrf_and_scope(client: TestClient, unit_world: World, login: Login) -> None:
    world, cid = unit_world, unit_world.consultation.id
    login("thuky.a")
    synthesis_id = _draft(client, world, world.unit_a.id)
    no_token = client.post(f"/syntheses/{synthesis_id}/sign-off", follow_redirects=False)
    assert no_token.status_code == 403
    not_mine = client.post(
        f"/c/{cid}/syntheses/draft",
        data={"organisation_id": world.unit_b.id, "csrf_token": csrf_of(client)},
    )
    assert not_mine.status_code == 403
    outside = client.post(
        f"/api/v1/consultations/{cid}/syntheses",
        json={"organisation_id": world.outsider.id},
        headers=_header(client),
    )
    assert outside.status_code == 403  # the outsider is not covered either
    assert client.get(f"/c/{cid}/syntheses?organisation_id={world.bloc.id}").status_code == 403

    _switch(client, login, "thuky.b")
    assert client.get(f"/syntheses/{synthesis_id}").status_code == 403
    assert client.get(f"/api/v1/syntheses/{synthesis_id}").status_code == 403
    assert _post(client, f"/syntheses/{synthesis_id}/sign-off").status_code == 403

    _switch(client, login, "dangvien")
    assert client.get(f"/syntheses/{synthesis_id}").status_code == 403
    assert client.get(f"/c/{cid}/syntheses").status_code == 403

    _switch(client, login, "thuky")  # the bloc covers the unit: reads and may edit it
    assert client.get(f"/syntheses/{synthesis_id}").status_code == 200


def test_api_actions_and_revisions(client: TestClient, unit_world: World, login: Login) -> None:
    world, cid = unit_world, unit_world.consultation.id
    login("thuky.a")
    drafted = client.post(
        f"/api/v1/consultations/{cid}/syntheses",
        json={"organisation_id": world.unit_a.id},
        headers=_header(client),
    ).json()
    sid, items = drafted["id"], [i["id"] for i in drafted["items"]]
    reordered = client.post(
        f"/api/v1/syntheses/{sid}/order", json={"item_ids": items[::-1]}, headers=_header(client)
    ).json()
    assert [i["id"] for i in reordered["items"]] == items[::-1]
    item = client.post(
        f"/api/v1/synthesis-items/{items[0]}",
        json={"summary": "Tóm tắt mới"},
        headers=_header(client),
    ).json()
    assert item["summary"] == "Tóm tắt mới" and item["edited"] is True
    summary = client.post(
        f"/api/v1/syntheses/{sid}/summary", json={"summary": "Chung"}, headers=_header(client)
    )
    assert summary.json()["summary"] == "Chung"
    signed = client.post(f"/api/v1/syntheses/{sid}/sign-off", headers=_header(client)).json()
    assert signed["status"] == "signed_off"
    late = client.post(
        f"/api/v1/syntheses/{sid}/summary", json={"summary": "Muộn"}, headers=_header(client)
    )
    assert late.status_code == 400
    revised = client.post(f"/api/v1/syntheses/{sid}/revisions", headers=_header(client)).json()
    assert revised["revision"] == 2 and revised["status"] == "draft"
    assert [r["revision"] for r in revised["history"]] == [1, 2]
    page = client.get(f"/syntheses/{sid}")
    assert "lần 2" in page.text and f'href="/syntheses/{revised["id"]}"' in page.text


def test_synthesis_report_downloads(client: TestClient, unit_world: World, login: Login) -> None:
    world = unit_world
    login("thuky.a")
    sid = _draft(client, world, world.unit_a.id)
    docx = client.get(f"/syntheses/{sid}/report.docx")
    assert docx.status_code == 200
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert docx.content[:2] == b"PK"
    disposition = docx.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="bao-cao-tong-hop-y-kien-')
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o" in disposition
    xlsx = client.get(f"/syntheses/{sid}/report.xlsx")
    assert xlsx.headers["content-type"].endswith("spreadsheetml.sheet")
    csv_text = client.get(f"/syntheses/{sid}/report.csv")
    assert csv_text.headers["content-type"].startswith("text/csv")
    assert csv_text.content.startswith("\ufeff".encode())
    report = exports.from_json(client.get(f"/syntheses/{sid}/report.json").text)
    assert isinstance(report, exports.SynthesisReport)
    assert report.letterhead.issuing_body == world.unit_a.name
    assert report.letterhead.place == "Hà Nội"
    assert report.totals.raw == 3
    assert client.get(f"/syntheses/{sid}/report.pdf").status_code == 422


def test_response_table_download_is_public(
    client: TestClient, unit_world: World, fresh_engine: Engine
) -> None:
    from ykien.consultations import service as consultations
    from ykien.decisions import service as decisions

    world = unit_world
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        sub = consultations.add_subcommittee(
            session=session,
            consultation_id=world.consultation.id,
            organisation_id=world.bloc.id,
            name="Tiểu ban",
            section_ids=[world.section("Điều 4").id],
        )
        opinion_id = opinions.submit(
            session=session,
            consultation_id=world.consultation.id,
            text="Rút ngắn thời hạn xuống 20 ngày.",
            section_id=world.section("Điều 4").id,
            author_person_id=world.member_a,
        ).opinion.id
        decision = decisions.draft(
            session=session,
            subcommittee_id=sub.id,
            target_type="opinion",
            target_id=opinion_id,
            outcome="accepted",
            explanation="Phù hợp thực tiễn.",
            new_wording="Thời hạn lấy ý kiến ít nhất là 20 ngày.",
        )
        decisions.approve(session=session, decision_id=decision.id)
        decisions.publish(
            session=session, consultation_id=world.consultation.id, decision_ids=[decision.id]
        )
    base = f"/c/{world.consultation.id}/responses/report"
    data = json.loads(client.get(f"{base}.json").text)
    assert data["schema"] == "ykien/response-table"
    (section,) = data["sections"]
    assert section["label"].startswith("Điều 4")
    assert section["items"][0]["raised_by"] == [{"name": world.unit_a.name, "count": 1}]
    assert section["items"][0]["outcome"] == "accepted"
    docx = client.get(f"{base}.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "filename*=UTF-8''B%E1%BA%A3ng" in docx.headers["content-disposition"]
    assert client.get("/c/999999/responses/report.csv").status_code == 404
