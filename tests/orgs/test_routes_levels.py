"""Organisation levels on the pages and the API: roots by instance admins only, tiers, moving
a subtree with a confirmation step."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts import service as accounts
from ykien.accounts.models import Membership
from ykien.audit import service as audit
from ykien.audit.models import AuditEvent
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.orgs.models import Organisation


def _admin(engine: Engine, username: str, *org_ids: int) -> str:
    with unit_of_work(make_session_factory(engine)) as session:
        person = accounts.create_person(session=session, full_name=f"Quản trị {username}")
        accounts.create_account(
            session=session, person_id=person.id, username=username, password=PASSWORD
        )
        for org_id in org_ids:
            accounts.grant_role(
                session=session, person_id=person.id, organisation_id=org_id, role="admin"
            )
    return username


@pytest.fixture
def bloc_admin(fresh_engine: Engine, web_world: World) -> str:
    return _admin(fresh_engine, "quantri", web_world.bloc.id)


@pytest.fixture
def instance_admin(fresh_engine: Engine, web_world: World) -> str:
    """Admin over both roots of the world: the bloc and the outsider."""
    return _admin(fresh_engine, "quantrihethong", web_world.bloc.id, web_world.outsider.id)


def _org(engine: Engine, name: str) -> Organisation | None:
    with Session(engine) as session:
        return session.scalars(select(Organisation).where(Organisation.name == name)).first()


def test_only_an_instance_admin_creates_a_root(
    client: TestClient,
    login: Callable[[str], TestClient],
    bloc_admin: str,
    instance_admin: str,
    fresh_engine: Engine,
) -> None:
    login(bloc_admin)
    page = client.get("/admin/organisations").text
    assert "Không có: tổ chức cấp cao nhất" not in page
    assert "Trung ương" in page and "Khối/Huyện" in page  # the tiers to pick
    refused = client.post(
        "/admin/organisations",
        data={"csrf_token": csrf_of(client), "name": "Thành ủy", "kind": "party_committee",
              "parent_id": "", "tier": "Tỉnh/Thành phố"},
    )  # fmt: skip
    assert refused.status_code == 403 and "quản trị toàn hệ thống" in refused.text
    assert 'value="Thành ủy"' in refused.text
    api = client.post(
        "/api/v1/organisations", json={"name": "Thành ủy"},
        headers={"X-CSRF-Token": csrf_of(client)},
    )  # fmt: skip
    assert api.status_code == 403 and api.json()["error"]["code"] == "instance_admin_only"
    assert _org(fresh_engine, "Thành ủy") is None
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    login(instance_admin)
    assert "Không có: tổ chức cấp cao nhất" in client.get("/admin/organisations").text
    made = client.post(
        "/admin/organisations",
        data={"csrf_token": csrf_of(client), "name": "Thành ủy", "kind": "party_committee",
              "parent_id": "", "tier": "Tỉnh/Thành phố"},
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code == 303
    city = _org(fresh_engine, "Thành ủy")
    assert city is not None and city.parent_id is None and city.tier == "Tỉnh/Thành phố"
    page = client.get("/admin/organisations").text
    assert 'class="badge tier">Tỉnh/Thành phố<' in page
    # the creator administers the new root, so stays an instance admin and creates the centre
    centre = client.post(
        "/api/v1/organisations",
        json={"name": "Trung ương", "kind": "party_committee", "tier": "Trung ương"},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert centre.status_code == 201, centre.text
    assert centre.json()["parent_id"] is None and centre.json()["tier"] == "Trung ương"
    with Session(fresh_engine) as session:
        held = session.scalars(
            select(Membership.organisation_id).where(Membership.role == "admin")
        ).all()
        assert {city.id, centre.json()["id"]} <= set(held)


def test_a_tier_not_in_the_list_is_refused_and_edit_changes_it(
    client: TestClient,
    login: Callable[[str], TestClient],
    bloc_admin: str,
    web_world: World,
    fresh_engine: Engine,
) -> None:
    login(bloc_admin)
    bad = client.post(
        "/admin/organisations",
        data={"csrf_token": csrf_of(client), "name": "Chi đoàn", "kind": "youth_union",
              "parent_id": str(web_world.bloc.id), "tier": "Phường"},
    )  # fmt: skip
    assert bad.status_code == 400 and "không có trong danh sách các cấp" in bad.text
    assert client.get("/api/v1/organisation-tiers").json()[0] == "Trung ương"
    unit = web_world.unit_a.id
    form = client.get(f"/admin/organisations/{unit}/edit")
    assert form.status_code == 200 and "Chuyển sang tổ chức cấp trên khác" in form.text
    saved = client.post(
        f"/admin/organisations/{unit}/edit",
        data={"csrf_token": csrf_of(client), "name": "Chi bộ Sở Tài chính", "kind": "party_cell",
              "short_name": "CB STC", "tier": "Cơ sở"},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303
    page = client.get(f"/admin/organisations/{unit}").text
    assert 'class="badge tier">Cơ sở<' in page and "Đã lưu tổ chức" in page
    api = client.patch(
        f"/api/v1/organisations/{unit}",
        json={"name": "Chi bộ Sở Tài chính", "kind": "party_cell", "tier": "Huyện"},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert api.status_code == 400 and api.json()["error"]["code"] == "org_tier_invalid"
    outside = client.patch(
        f"/api/v1/organisations/{web_world.outsider.id}",
        json={"name": "Hội", "kind": "other"}, headers={"X-CSRF-Token": csrf_of(client)},
    )  # fmt: skip
    assert outside.status_code == 403
    org = _org(fresh_engine, "Chi bộ Sở Tài chính")
    assert org is not None and org.tier == "Cơ sở" and org.short_name == "CB STC"


def test_moving_asks_for_confirmation_then_moves_the_subtree(
    client: TestClient,
    login: Callable[[str], TestClient],
    instance_admin: str,
    web_world: World,
    fresh_engine: Engine,
) -> None:
    login(instance_admin)
    bloc, outsider = web_world.bloc.id, web_world.outsider.id
    asked = client.post(
        f"/admin/organisations/{bloc}/move",
        data={"csrf_token": csrf_of(client), "parent_id": str(outsider)},
    )
    assert asked.status_code == 200 and "Xác nhận chuyển" in asked.text
    assert "Công đoàn Sở Nội vụ" in asked.text  # what moves with it
    with Session(fresh_engine) as session:
        assert session.get_one(Organisation, bloc).parent_id is None  # nothing moved yet
    done = client.post(
        f"/admin/organisations/{bloc}/move",
        data={"csrf_token": csrf_of(client), "parent_id": str(outsider), "confirmed": "yes"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    with Session(fresh_engine) as session:
        unit = session.get_one(Organisation, web_world.unit_a.id)
        assert unit.tree_path == f"/{outsider}/{bloc}/{unit.id}/" and unit.level == 2
        assert session.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.action == "organisation.moved")
        ).all() == [bloc]
        assert audit.verify(session=session).ok
    # the secretary of the bloc still runs the bloc's consultation after the move
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    login("thuky")
    cid = web_world.consultation.id
    assert client.get(f"/c/{cid}/subcommittees").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    login(instance_admin)
    # under its own descendant: refused on the confirmation step and in the API
    inside = client.post(
        f"/admin/organisations/{outsider}/move",
        data={"csrf_token": csrf_of(client), "parent_id": str(web_world.unit_b.id)},
    )
    assert inside.status_code == 400 and "cấp dưới của nó" in inside.text
    api = client.post(
        f"/api/v1/organisations/{outsider}/move", json={"parent_id": web_world.unit_b.id},
        headers={"X-CSRF-Token": csrf_of(client)},
    )  # fmt: skip
    assert api.status_code == 400 and api.json()["error"]["code"] == "org_move_into_itself"
    back = client.post(
        f"/api/v1/organisations/{bloc}/move", json={"parent_id": None},
        headers={"X-CSRF-Token": csrf_of(client)},
    )  # fmt: skip
    assert back.status_code == 200 and back.json()["level"] == 0


def test_a_bloc_admin_may_not_move_to_the_top_or_outside(
    client: TestClient, login: Callable[[str], TestClient], bloc_admin: str, web_world: World
) -> None:
    login(bloc_admin)
    token = {"X-CSRF-Token": csrf_of(client)}
    unit = web_world.unit_a.id
    top = client.post(f"/api/v1/organisations/{unit}/move", json={"parent_id": None}, headers=token)
    assert top.status_code == 403
    away = client.post(
        f"/api/v1/organisations/{unit}/move", json={"parent_id": web_world.outsider.id},
        headers=token,
    )  # fmt: skip
    assert away.status_code == 403
    within = client.post(
        f"/api/v1/organisations/{unit}/move", json={"parent_id": web_world.unit_b.id},
        headers=token,
    )  # fmt: skip
    assert within.status_code == 200 and within.json()["level"] == 2
