"""Across levels through the pages and the API: a lower level's collection created from the
parent's page, the forward-up preview and confirmation, the receiving queue and its drill-down,
a decision of the centre reaching the bloc member's trace, and the levels page's counts."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.decisions.crosslevel import CrossWorld, build_cross_world, sign_bloc_synthesis
from tests.factories import World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts import service as accounts
from ykien.consultations.models import Consultation
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.decisions.models import ForwardedItem


@pytest.fixture
def cross(web_world: World, fresh_engine: Engine) -> tuple[CrossWorld, int]:
    """The cross-level world with centre staff, and the bloc's signed synthesis id."""
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        cross = build_cross_world(session, web_world, now=None)
        for username, role in [
            ("tieubantw", "subcommittee_member"),
            ("chutichtw", "chair"),
            ("thukytw", "secretary"),
        ]:
            person = accounts.create_person(
                session=session, full_name=f"Người {username}", organisation_id=cross.centre.id
            )
            accounts.create_account(
                session=session, person_id=person.id, username=username, password=PASSWORD
            )
            accounts.grant_role(
                session=session, person_id=person.id, organisation_id=cross.centre.id, role=role
            )
        return cross, sign_bloc_synthesis(session, cross)


def _as(client: TestClient, username: str) -> dict[str, str]:
    client.cookies.clear()
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return {"X-CSRF-Token": csrf_of(client)}


def test_forward_up_preview_confirm_and_idempotence(
    client: TestClient, cross: tuple[CrossWorld, int], fresh_engine: Engine
) -> None:
    world, synthesis_id = cross
    headers = _as(client, "thuky")
    assert f"/syntheses/{synthesis_id}/forward-up" in client.get(f"/syntheses/{synthesis_id}").text
    preview = client.get(f"/syntheses/{synthesis_id}/forward-up")
    assert preview.status_code == 200
    assert "Tiểu ban Tổ chức lấy ý kiến" in preview.text and "Xác nhận" in preview.text
    plan = client.get(f"/api/v1/syntheses/{synthesis_id}/forward-up").json()
    routed = {r["title"].split(".")[0]: r["subcommittee_ids"] for r in plan["routes"]}
    assert routed["Điều 4"] == [world.terms_sub.id] and routed["Điều 1"] == [world.general_sub.id]
    assert plan["already_forwarded"] is False
    done = client.post(
        f"/syntheses/{synthesis_id}/forward-up",
        data={"csrf_token": headers["X-CSRF-Token"]},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/c/{world.child.id}/levels"
    assert "4 mục đã được chuyển" in client.get(done.headers["location"]).text
    again = client.post(f"/api/v1/syntheses/{synthesis_id}/forward-up", headers=headers)
    assert again.status_code == 200 and again.json()["already"] is True
    with Session(fresh_engine) as session:
        assert len(session.scalars(select(ForwardedItem)).all()) == 4
    # without the CSRF token nothing is forwarded
    assert client.post(f"/api/v1/syntheses/{synthesis_id}/forward-up").status_code == 403


def test_a_draft_synthesis_is_refused_with_a_clear_message(
    client: TestClient, cross: tuple[CrossWorld, int]
) -> None:
    _, synthesis_id = cross
    headers = _as(client, "thuky")
    revised = client.post(
        f"/syntheses/{synthesis_id}/revise",
        data={"csrf_token": headers["X-CSRF-Token"]},
        follow_redirects=False,
    )
    assert revised.status_code == 303
    new_id = int(re.findall(r"\d+", revised.headers["location"])[-1])
    page = client.get(f"/syntheses/{new_id}/forward-up")
    assert page.status_code == 400 and "Cần ký duyệt" in page.text
    api = client.post(f"/api/v1/syntheses/{new_id}/forward-up", headers=headers)
    assert api.status_code == 400 and api.json()["error"]["code"] == "not_signed_off"
    # the centre's staff do not run the bloc's synthesis
    _as(client, "thukytw")
    assert client.get(f"/syntheses/{synthesis_id}/forward-up").status_code == 403


def test_the_receiving_queue_drill_down_and_decision_flow_back(
    client: TestClient, cross: tuple[CrossWorld, int]
) -> None:
    world, synthesis_id = cross
    headers = _as(client, "thuky")
    client.post(f"/api/v1/syntheses/{synthesis_id}/forward-up", headers=headers)
    # the bloc's secretary does not see the centre's queues
    assert client.get(f"/api/v1/subcommittees/{world.terms_sub.id}/queue").status_code == 403
    _as(client, "tieubantw")
    queue = client.get(f"/api/v1/subcommittees/{world.terms_sub.id}/queue").json()
    titles = sorted(row["title"].split(".")[0] for row in queue["forwarded"])
    assert titles == ["Điều 3", "Điều 4"]
    other = client.get(f"/api/v1/subcommittees/{world.general_sub.id}/queue").json()
    assert len(other["forwarded"]) == 2
    row = next(r for r in queue["forwarded"] if r["title"].startswith("Điều 4"))
    assert row["organisation"] == world.world.bloc.name
    page = client.get(f"/subcommittees/{world.terms_sub.id}")
    assert f"/subcommittees/{world.terms_sub.id}/forwarded/{row['id']}" in page.text
    drill = client.get(f"/subcommittees/{world.terms_sub.id}/forwarded/{row['id']}")
    assert drill.status_code == 200 and "Thời hạn 30 ngày là quá ngắn." in drill.text
    api = client.get(f"/api/v1/subcommittees/{world.terms_sub.id}/forwarded/{row['id']}").json()
    assert [o["id"] for o in api["opinions"]] == [world.on_4]
    assert api["opinions"][0]["organisation"] == world.world.unit_a.name
    wrong = client.get(f"/api/v1/subcommittees/{world.general_sub.id}/forwarded/{row['id']}")
    assert wrong.status_code == 404
    headers = _as(client, "chutichtw")
    made = client.post(
        f"/api/v1/subcommittees/{world.terms_sub.id}/decisions",
        json={
            "target_type": "item",
            "target_id": row["item_id"],
            "outcome": "accepted",
            "explanation": "Tiếp thu, nâng thời hạn lên 60 ngày.",
        },
        headers=headers,
    )
    assert made.status_code == 201, made.text
    decision_id = made.json()["id"]
    client.post(f"/api/v1/decisions/{decision_id}/approve", headers=headers)
    published = client.post(
        f"/api/v1/consultations/{world.parent.id}/decisions/publish",
        json={"decision_ids": [decision_id]},
        headers=headers,
    )
    assert published.status_code == 200 and published.json()["notified_people"] == 1
    _as(client, "dangvien")  # member A of unit A, who gave the opinion in the bloc's collection
    traces = {t["opinion_id"]: t for t in client.get("/api/v1/me/opinions/trace").json()}
    assert traces[world.on_4]["decision"]["outcome"] == "accepted"
    assert traces[world.on_4]["via"] == "item"
    assert traces[world.on_1]["decision"] is None
    _as(client, "thuky")
    sent = client.get(f"/api/v1/consultations/{world.child.id}/levels").json()["sent"]
    answered = [r for r in sent if r["decision"] and r["decision"]["status"] == "published"]
    assert [r["item_id"] for r in answered] == [row["item_id"]]
    assert "Tiếp thu" in client.get(f"/c/{world.child.id}/levels").text


def test_the_levels_page_links_both_ways_with_separate_counts(
    client: TestClient, cross: tuple[CrossWorld, int]
) -> None:
    world, synthesis_id = cross
    headers = _as(client, "thuky")
    client.post(f"/api/v1/syntheses/{synthesis_id}/forward-up", headers=headers)
    _as(client, "thukytw")
    levels = client.get(f"/api/v1/consultations/{world.parent.id}/levels").json()
    assert levels["counts"] == {"direct": 1, "forwarded": 4, "total": 5}
    [child] = levels["children"]
    assert (child["id"], child["items_forwarded"], child["counts"]["direct"]) == (
        world.child.id,
        4,
        4,
    )
    page = client.get(f"/c/{world.parent.id}/levels")
    assert "Từ cấp dưới chuyển lên" in page.text and f"/c/{world.child.id}/levels" in page.text
    _as(client, "thuky")
    below = client.get(f"/c/{world.child.id}/levels").text
    assert f"/c/{world.parent.id}/levels" in below


def test_a_lower_levels_collection_from_the_parents_page_and_the_api(
    client: TestClient, cross: tuple[CrossWorld, int], fresh_engine: Engine
) -> None:
    world, _ = cross
    headers = _as(client, "thuky")
    form = {
        "csrf_token": headers["X-CSRF-Token"],
        "title": "Chi bộ Sở Tài chính lấy ý kiến",
        "organiser_id": str(world.world.unit_a.id),
        "opens_at": "01/07/2030 08:00",
        "closes_at": "31/07/2030 17:00",
    }
    made = client.post(f"/c/{world.parent.id}/levels/children", data=form, follow_redirects=False)
    assert made.status_code == 303
    # the same organiser as the parent's is refused, with what was typed kept
    _as(client, "thukytw")
    same = client.post(
        f"/c/{world.parent.id}/levels/children",
        data={**form, "csrf_token": csrf_of(client), "organiser_id": str(world.centre.id)},
    )
    assert same.status_code == 400 and "phải khác đơn vị tổ chức" in same.text
    assert 'value="Chi bộ Sở Tài chính lấy ý kiến"' in same.text
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        secretary = accounts.create_person(
            session=session, full_name="Thư ký hai nơi", organisation_id=world.world.bloc.id
        )
        accounts.create_account(
            session=session, person_id=secretary.id, username="thukyhai", password=PASSWORD
        )
        for org in (world.world.bloc, world.world.outsider):
            accounts.grant_role(
                session=session, person_id=secretary.id, organisation_id=org.id, role="secretary"
            )
    _as(client, "thukyhai")
    api = client.post(
        "/api/v1/consultations",
        json={
            "title": "Công đoàn lấy ý kiến",
            "parent_id": world.parent.id,
            "organiser_id": world.world.unit_b.id,
            "opens_at": "01/07/2030",
            "closes_at": "02/07/2030",
        },
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert api.status_code == 201, api.text
    assert api.json()["parent_id"] == world.parent.id
    assert api.json()["draft_version_id"] == world.parent.draft_version_id
    outside = client.post(
        "/api/v1/consultations",
        json={
            "title": "Ngoài phạm vi",
            "parent_id": world.parent.id,
            "organiser_id": world.world.outsider.id,
            "opens_at": "01/07/2030",
            "closes_at": "02/07/2030",
        },
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert outside.status_code == 400
    assert outside.json()["error"]["code"] == "child_organiser_out_of_scope"
    with Session(fresh_engine) as session:
        children = session.scalars(
            select(Consultation).where(Consultation.parent_id == world.parent.id)
        ).all()
        assert sorted(c.organiser_id for c in children) == sorted(
            [world.world.bloc.id, world.world.unit_a.id, world.world.unit_b.id]
        )
        assert {c.draft_version_id for c in children} == {world.parent.draft_version_id}


def test_the_standing_board_forwards_every_signed_synthesis_in_one_action(
    client: TestClient, cross: tuple[CrossWorld, int], fresh_engine: Engine
) -> None:
    world, synthesis_id = cross
    bloc = world.child.organiser_id
    _as(client, "dangvien")
    assert client.get(f"/organisations/{bloc}/forward-up").status_code == 403
    headers = _as(client, "thuky")
    board = client.get(f"/api/v1/organisations/{bloc}/forward-up").json()
    assert [
        (r["consultation_id"], r["synthesis_id"], r["ready"], r["items"]) for r in board["rows"]
    ] == [(world.child.id, synthesis_id, True, 4)]
    page = client.get(f"/organisations/{bloc}/forward-up")
    assert page.status_code == 200 and "Xác nhận chuyển tất cả" in page.text
    done = client.post(
        f"/organisations/{bloc}/forward-up",
        data={"csrf_token": headers["X-CSRF-Token"]},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "Đã chuyển 1 báo cáo tổng hợp" in client.get(done.headers["location"]).text
    with Session(fresh_engine) as session:
        assert len(session.scalars(select(ForwardedItem)).all()) == 4
    again = client.post(f"/api/v1/organisations/{bloc}/forward-up", headers=headers)
    assert again.status_code == 400 and again.json()["error"]["code"] == "nothing_to_forward"
    board = client.get(f"/api/v1/organisations/{bloc}/forward-up").json()
    assert board["rows"][0]["forwarded"] is True and board["rows"][0]["ready"] is False
    with Session(fresh_engine) as session:
        assert len(session.scalars(select(ForwardedItem)).all()) == 4
