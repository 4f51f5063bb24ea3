"""The secretariat manages subcommittees on the pages and the API; a subcommittee made this way
works in the decisions queue; named members and the chair get its rights."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts import service as accounts
from ykien.consultations.models import Subcommittee, SubcommitteeMember
from ykien.db.engine import make_session_factory, unit_of_work


@pytest.fixture
def drafters(fresh_engine: Engine, web_world: World) -> dict[str, int]:
    """`tieuban` and `chutri`: staff of unit B only (their roles do not cover the bloc)."""
    people = {}
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        for username, name in [("tieuban", "Phạm Thành Viên"), ("chutri", "Đỗ Chủ Trì")]:
            person = accounts.create_person(
                session=session, full_name=name, organisation_id=web_world.bloc.id
            )
            accounts.create_account(
                session=session, person_id=person.id, username=username, password=PASSWORD
            )
            accounts.grant_role(
                session=session, person_id=person.id, organisation_id=web_world.unit_b.id,
                role="subcommittee_member",
            )  # fmt: skip
            people[username] = person.id
    return people


def _as(client: TestClient, login: Callable[[str], TestClient], username: str) -> dict[str, str]:
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    login(username)
    return {"X-CSRF-Token": csrf_of(client)}


def test_a_subcommittee_made_through_the_api_gets_its_opinions_and_decisions(
    client: TestClient,
    login: Callable[[str], TestClient],
    web_world: World,
    drafters: dict[str, int],
    fresh_engine: Engine,
) -> None:
    headers = _as(client, login, "thuky")
    made = client.post(
        "/api/v1/consultations",
        json={"title": "Lấy ý kiến lần hai", "draft_version_id": web_world.consultation.draft_version_id,
              "organiser_id": web_world.bloc.id, "opens_at": "01/01/2020",
              "closes_at": "31/12/2099", "publish": True},
        headers=headers,
    )  # fmt: skip
    assert made.status_code == 201, made.text
    cid = made.json()["id"]
    assert "chưa có tiểu ban" in client.get(f"/c/{cid}/subcommittees").text
    chapter = web_world.section("Chương II").id
    sub = client.post(
        f"/api/v1/consultations/{cid}/subcommittees",
        json={"name": "Tiểu ban Văn kiện Khối", "organisation_id": web_world.bloc.id,
              "section_ids": [chapter], "member_ids": [drafters["tieuban"]],
              "chair_id": drafters["chutri"]},
        headers=headers,
    )  # fmt: skip
    assert sub.status_code == 201, sub.text
    body = sub.json()
    assert web_world.section("Điều 4").id in body["section_ids"]  # under Chương II
    assert [(m["full_name"], m["chair"]) for m in body["members"]] == [
        ("Đỗ Chủ Trì", True), ("Phạm Thành Viên", False),
    ]  # fmt: skip
    sub_id = body["id"]
    assert client.get(f"/api/v1/subcommittees/{sub_id}").json() == body
    # a member of the scope gives an opinion on Điều 4
    headers = _as(client, login, "dangvien")
    opinion = client.post(
        f"/api/v1/consultations/{cid}/opinions",
        json={"text": "Đề nghị nâng thời hạn lên 45 ngày.", "kind": "comment",
              "section_id": web_world.section("Điều 4").id},
        headers={**headers, "Idempotency-Key": "tieu-ban-1"},
    )  # fmt: skip
    assert opinion.status_code == 201, opinion.text
    opinion_id = opinion.json()["id"]
    # the named member sees it in the queue and drafts a decision; only the chair approves
    headers = _as(client, login, "tieuban")
    queue = client.get(f"/api/v1/subcommittees/{sub_id}/queue")
    assert queue.status_code == 200, queue.text
    assert [i["target_id"] for i in queue.json()["opinions"]] == [opinion_id]
    assert client.get(f"/subcommittees/{sub_id}").status_code == 200
    draft = client.post(
        f"/api/v1/subcommittees/{sub_id}/decisions",
        json={"target_type": "opinion", "target_id": opinion_id, "outcome": "accepted",
              "explanation": "Tiếp thu."},
        headers=headers,
    )  # fmt: skip
    assert draft.status_code == 201, draft.text
    decision_id = draft.json()["id"]
    refused = client.post(f"/api/v1/decisions/{decision_id}/approve", headers=headers)
    assert refused.status_code == 403
    headers = _as(client, login, "chutri")
    approved = client.post(f"/api/v1/decisions/{decision_id}/approve", headers=headers)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_names_given_to_nobody_grant_nothing(
    client: TestClient,
    login: Callable[[str], TestClient],
    web_world: World,
    drafters: dict[str, int],
) -> None:
    headers = _as(client, login, "thuky")
    cid = web_world.consultation.id
    sub = client.post(
        f"/api/v1/consultations/{cid}/subcommittees",
        json={"name": "Tiểu ban", "organisation_id": web_world.bloc.id,
              "section_ids": [web_world.section("Điều 1").id]},
        headers=headers,
    ).json()  # fmt: skip
    _as(client, login, "tieuban")
    assert client.get(f"/api/v1/subcommittees/{sub['id']}/queue").status_code == 403
    assert client.get(f"/api/v1/subcommittees/{sub['id']}").status_code == 403  # not a secretary


def test_the_secretariat_creates_edits_and_closes_on_the_pages(
    client: TestClient,
    login: Callable[[str], TestClient],
    web_world: World,
    drafters: dict[str, int],
    fresh_engine: Engine,
) -> None:
    _as(client, login, "thuky")
    cid = web_world.consultation.id
    assert "/secretariat/consultations/" in client.get("/secretariat").text
    page = client.get(f"/secretariat/consultations/{cid}/subcommittees/new")
    assert page.status_code == 200 and "Điều 3" in page.text and "Phạm Thành Viên" in page.text
    token = csrf_of(client)
    bad = client.post(
        f"/secretariat/consultations/{cid}/subcommittees",
        data={"csrf_token": token, "name": "Tiểu ban <b>A</b>",
              "organisation_id": str(web_world.outsider.id),
              "section_ids": [str(web_world.section("Điều 3").id)]},
    )  # fmt: skip
    assert bad.status_code == 400 and "Tiểu ban phải thuộc" in bad.text
    assert 'value="Tiểu ban &lt;b&gt;A&lt;/b&gt;"' in bad.text
    assert f'value="{web_world.section("Điều 3").id}" checked' in bad.text  # kept as typed
    made = client.post(
        f"/secretariat/consultations/{cid}/subcommittees",
        data={"csrf_token": token, "name": "Tiểu ban Văn kiện",
              "organisation_id": str(web_world.bloc.id),
              "section_ids": [str(web_world.section("Điều 3").id)],
              "member_ids": [str(drafters["tieuban"])], "chair_id": str(drafters["chutri"])},
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code == 303
    listing = client.get(f"/secretariat/consultations/{cid}/subcommittees").text
    assert "Đã tạo tiểu ban “Tiểu ban Văn kiện”" in listing
    assert "Đỗ Chủ Trì (chủ trì)" in listing and "đang hoạt động" in listing
    with Session(fresh_engine) as session:
        sub = session.scalars(
            select(Subcommittee).where(Subcommittee.name == "Tiểu ban Văn kiện")
        ).one()
    edit = client.get(f"/secretariat/subcommittees/{sub.id}")
    assert f'value="{drafters["tieuban"]}" checked' in edit.text
    saved = client.post(
        f"/secretariat/subcommittees/{sub.id}",
        data={"csrf_token": token, "name": "Tiểu ban Văn kiện Khối",
              "organisation_id": str(web_world.bloc.id),
              "section_ids": [str(web_world.section("Điều 4").id)],
              "member_ids": [str(drafters["tieuban"])]},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303
    with Session(fresh_engine) as session:
        seats = session.scalars(
            select(SubcommitteeMember).where(SubcommitteeMember.subcommittee_id == sub.id)
        ).all()
        assert [(s.person_id, s.chair) for s in seats] == [(drafters["tieuban"], False)]
    asked = client.post(f"/secretariat/subcommittees/{sub.id}/close", data={"csrf_token": token})
    assert asked.status_code == 200 and "Xác nhận kết thúc" in asked.text
    with Session(fresh_engine) as session:
        assert session.get_one(Subcommittee, sub.id).closed_at is None
    closed = client.post(
        f"/secretariat/subcommittees/{sub.id}/close",
        data={"csrf_token": token, "confirmed": "yes"},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    listing = client.get(f"/secretariat/consultations/{cid}/subcommittees").text
    assert "đã kết thúc" in listing
    assert ">đã kết thúc<" in client.get(f"/c/{cid}/subcommittees").text
    again = client.put(
        f"/api/v1/subcommittees/{sub.id}",
        json={"name": "X", "organisation_id": web_world.bloc.id},
        headers={"X-CSRF-Token": token},
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "subcommittee_closed"
    twice = client.post(f"/api/v1/subcommittees/{sub.id}/close", headers={"X-CSRF-Token": token})
    assert twice.status_code == 409


def test_a_secretary_of_another_tree_manages_nothing(
    client: TestClient, login: Callable[[str], TestClient], web_world: World, fresh_engine: Engine
) -> None:
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        person = accounts.create_person(session=session, full_name="Thư ký Xã")
        accounts.create_account(
            session=session, person_id=person.id, username="thukyxa", password=PASSWORD
        )
        accounts.grant_role(
            session=session, person_id=person.id, organisation_id=web_world.outsider.id,
            role="secretary",
        )  # fmt: skip
    headers = _as(client, login, "thukyxa")
    cid = web_world.consultation.id
    assert client.get(f"/secretariat/consultations/{cid}/subcommittees").status_code == 403
    refused = client.post(
        f"/api/v1/consultations/{cid}/subcommittees",
        json={"name": "Tiểu ban", "organisation_id": web_world.outsider.id}, headers=headers,
    )  # fmt: skip
    assert refused.status_code == 403
