"""Organisation admin: the tree, members and roles, invitations and accepting them; API twins."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts import invitations
from ykien.accounts import service as accounts
from ykien.accounts.models import Account, Membership, Person
from ykien.audit import service as audit
from ykien.audit.models import AuditEvent
from ykien.db.base import utcnow
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.orgs.models import Organisation


@pytest.fixture
def admin(fresh_engine: Engine, web_world: World) -> str:
    """`quantri`: organisation admin of the bloc (not of the outsider)."""
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        person = accounts.create_person(
            session=session, full_name="Hoàng Quản Trị", organisation_id=web_world.bloc.id
        )
        accounts.create_account(
            session=session, person_id=person.id, username="quantri", password=PASSWORD
        )
        accounts.grant_role(
            session=session, person_id=person.id, organisation_id=web_world.bloc.id, role="admin"
        )
    return "quantri"


def _audit_ok(engine: Engine) -> None:
    with Session(engine) as session:
        assert audit.verify(session=session).ok


def _actions(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_tree_is_indented_sorted_and_translated(
    client: TestClient, login: Callable[[str], TestClient], admin: str, web_world: World
) -> None:
    login(admin)
    page = client.get("/admin/organisations")
    assert page.status_code == 200
    text = page.text
    assert text.index("Đảng bộ Khối các cơ quan") < text.index("Chi bộ Sở Tài chính")
    assert text.index("Chi bộ Sở Tài chính") < text.index("Công đoàn Sở Nội vụ")
    assert "Hội Nông dân xã" not in text  # another tree
    assert ">Chi bộ</span>" in text and ">Công đoàn</span>" in text  # kinds in Vietnamese
    assert 'style="margin-left: 1.6rem"' in text
    api = client.get("/api/v1/organisations").json()
    assert [o["name"] for o in api] == [
        "Đảng bộ Khối các cơ quan",
        "Chi bộ Sở Tài chính",
        "Công đoàn Sở Nội vụ",
    ]
    assert api[1]["parent_id"] == web_world.bloc.id and api[1]["level"] == 1


def test_admin_creates_an_organisation(
    client: TestClient,
    login: Callable[[str], TestClient],
    admin: str,
    web_world: World,
    fresh_engine: Engine,
) -> None:
    login(admin)
    response = client.post(
        "/admin/organisations",
        data={"csrf_token": csrf_of(client), "name": "Đoàn Thanh niên Sở Tài chính",
              "kind": "youth_union", "parent_id": str(web_world.unit_a.id)},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    page = client.get("/admin/organisations").text
    assert "Đã tạo tổ chức “Đoàn Thanh niên Sở Tài chính”" in page
    assert 'style="margin-left: 3.2rem"' in page  # depth 2
    # under an organisation outside the admin's tree: refused, typed name kept
    refused = client.post(
        "/admin/organisations",
        data={"csrf_token": csrf_of(client), "name": "Chi hội <i>lạ</i>", "kind": "other",
              "parent_id": str(web_world.outsider.id)},
    )  # fmt: skip
    assert refused.status_code == 403 and "ngoài phạm vi quản trị" in refused.text
    assert 'value="Chi hội &lt;i&gt;lạ&lt;/i&gt;"' in refused.text
    empty = client.post(
        "/admin/organisations",
        data={"csrf_token": csrf_of(client), "name": " ", "kind": "other",
              "parent_id": str(web_world.bloc.id)},
    )  # fmt: skip
    assert empty.status_code == 400 and "Tên tổ chức" in empty.text
    api = client.post(
        "/api/v1/organisations",
        json={"name": "Hội Phụ nữ Khối", "kind": "womens_union", "parent_id": web_world.bloc.id},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert api.status_code == 201 and api.json()["level"] == 1
    with Session(fresh_engine) as session:
        names = set(session.execute(select(Organisation.name)).scalars())
        assert {"Đoàn Thanh niên Sở Tài chính", "Hội Phụ nữ Khối"} <= names
        assert "Chi hội <i>lạ</i>" not in names
    _audit_ok(fresh_engine)


def test_admin_grants_and_revokes_a_role(
    client: TestClient,
    login: Callable[[str], TestClient],
    admin: str,
    web_world: World,
    fresh_engine: Engine,
) -> None:
    login(admin)
    unit = web_world.unit_a.id
    page = client.get(f"/admin/organisations/{unit}").text
    assert "Chưa có ai được giao vai trò" in page
    assert page.index("Thành viên chưa có vai trò") < page.rindex("Nguyễn Doãn Hoàn")
    granted = client.post(
        f"/admin/organisations/{unit}/roles",
        data={"csrf_token": csrf_of(client), "person_id": str(web_world.member_a),
              "role": "secretary"},
        follow_redirects=False,
    )  # fmt: skip
    assert granted.status_code == 303
    page = client.get(f"/admin/organisations/{unit}").text
    assert "Đã phân quyền." in page and "Thư ký tổng hợp" in page
    members = client.get(f"/api/v1/organisations/{unit}/members").json()
    member = next(m for m in members if m["person_id"] == web_world.member_a)
    assert [r["role"] for r in member["roles"]] == ["secretary"]
    assert member["username"] == "dangvien"
    membership_id = member["roles"][0]["membership_id"]
    # the person now works as a secretary of unit A
    other = TestClient(client.app)
    token = csrf_of(other)
    other.post("/login", data={"username": "dangvien", "password": PASSWORD, "csrf_token": token})
    assert other.get("/secretariat").status_code == 200
    revoked = client.post(
        f"/admin/memberships/{membership_id}/revoke",
        data={"csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    assert "Đã thu hồi quyền." in client.get(f"/admin/organisations/{unit}").text
    # removing a role ends the person's sessions: signed out, not merely refused
    assert other.get("/secretariat", follow_redirects=False).status_code == 303
    # the API twins
    headers = {"X-CSRF-Token": csrf_of(client)}
    api = client.post(
        f"/api/v1/organisations/{unit}/roles",
        json={"person_id": web_world.member_a, "role": "chair"},
        headers=headers,
    )
    assert api.status_code == 201 and api.json()["role"] == "chair"
    bad_role = client.post(
        f"/api/v1/organisations/{unit}/roles",
        json={"person_id": web_world.member_a, "role": "king"},
        headers=headers,
    )
    assert bad_role.status_code == 400 and bad_role.json()["error"]["code"] == "role_invalid"
    stranger = client.post(
        f"/api/v1/organisations/{unit}/roles",
        json={"person_id": web_world.outsider_person, "role": "secretary"},
        headers=headers,
    )
    assert stranger.status_code == 404
    deleted = client.delete(f"/api/v1/memberships/{api.json()['id']}", headers=headers)
    assert deleted.status_code == 204
    with Session(fresh_engine) as session:
        left = session.execute(
            select(Membership).where(Membership.person_id == web_world.member_a)
        ).scalars()
        assert list(left) == []
    actions = _actions(fresh_engine)
    assert actions.count("role.granted") >= 3 and actions.count("role.revoked") == 2
    _audit_ok(fresh_engine)


def test_admin_cannot_touch_another_tree(
    client: TestClient,
    login: Callable[[str], TestClient],
    admin: str,
    web_world: World,
    fresh_engine: Engine,
) -> None:
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        outside = accounts.grant_role(
            session=session,
            person_id=web_world.outsider_person,
            organisation_id=web_world.outsider.id,
            role="secretary",
        )
        outside_id = outside.id
    login(admin)
    headers = {"X-CSRF-Token": csrf_of(client)}
    assert client.get(f"/admin/organisations/{web_world.outsider.id}").status_code == 403
    assert client.get(f"/api/v1/organisations/{web_world.outsider.id}/members").status_code == 403
    assert client.delete(f"/api/v1/memberships/{outside_id}", headers=headers).status_code == 403
    assert client.get("/admin/organisations/99999").status_code == 404


def _link(page: str) -> str:
    match = re.search(r'id="invite-url" readonly value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def test_invite_accept_and_sign_in(
    client: TestClient,
    login: Callable[[str], TestClient],
    admin: str,
    web_world: World,
    fresh_engine: Engine,
) -> None:
    login(admin)
    unit = web_world.unit_b.id
    response = client.post(
        f"/admin/organisations/{unit}/invitations",
        data={"csrf_token": csrf_of(client), "full_name": "Lê Văn Mới",
              "email": "moi@example.org", "role": "secretary"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "không gửi thư điện tử" in response.text.lower() or "chưa gửi" in response.text
    url = _link(response.text)
    path = url[url.index("/invite/") :]
    token = path.rsplit("/", 1)[1]
    with Session(fresh_engine) as session:  # only the hash is stored
        assert token not in str(session.execute(select(AuditEvent.payload)).scalars().all())
    # shown once: the organisation page lists it without the link
    page = client.get(f"/admin/organisations/{unit}").text
    assert "Lê Văn Mới" in page and token not in page
    bad_email = client.post(
        f"/admin/organisations/{unit}/invitations",
        data={"csrf_token": csrf_of(client), "full_name": "X", "email": "khong-hop-le",
              "role": "participant"},
    )  # fmt: skip
    assert bad_email.status_code == 400 and 'value="khong-hop-le"' in bad_email.text

    guest = TestClient(client.app)
    invite = guest.get(path)
    assert invite.status_code == 200
    assert "Lê Văn Mới" in invite.text and "Công đoàn Sở Nội vụ" in invite.text
    mismatch = guest.post(
        path,
        data={"csrf_token": csrf_of(guest), "username": "levanmoi", "password": "mat-khau-dai-1",
              "confirm": "mat-khau-dai-2"},
    )  # fmt: skip
    assert mismatch.status_code == 400 and 'value="levanmoi"' in mismatch.text
    short = guest.post(
        path,
        data={"csrf_token": csrf_of(guest), "username": "levanmoi", "password": "ngan",
              "confirm": "ngan"},
    )  # fmt: skip
    assert short.status_code == 400 and "10 ký tự" in short.text
    taken = guest.post(
        path,
        data={"csrf_token": csrf_of(guest), "username": "thuky", "password": "mat-khau-dai-1",
              "confirm": "mat-khau-dai-1"},
    )  # fmt: skip
    assert taken.status_code == 409 and "đã được dùng" in taken.text
    accepted = guest.post(
        path,
        data={"csrf_token": csrf_of(guest), "username": "levanmoi", "password": "mat-khau-dai-1",
              "confirm": "mat-khau-dai-1"},
        follow_redirects=False,
    )  # fmt: skip
    assert accepted.status_code == 303 and accepted.headers["location"] == "/"
    me = guest.get("/api/v1/me").json()
    assert me["username"] == "levanmoi" and me["full_name"] == "Lê Văn Mới"
    assert guest.get("/secretariat").status_code == 200  # the invited role works
    # used: a clear message
    used = TestClient(client.app).get(path)
    assert used.status_code == 409 and "đã được sử dụng" in used.text
    # the new account signs in with its password
    fresh = TestClient(client.app)
    signed = fresh.post(
        "/login",
        data={"username": "levanmoi", "password": "mat-khau-dai-1", "csrf_token": csrf_of(fresh)},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    with Session(fresh_engine) as session:
        person = session.execute(
            select(Person).where(Person.full_name == "Lê Văn Mới")
        ).scalar_one()
        assert person.organisation_id == unit and person.email == "moi@example.org"
        assert session.execute(
            select(Account.id).where(Account.person_id == person.id)
        ).scalar_one()
    actions = _actions(fresh_engine)
    for action in ("invitation.created", "account.created", "role.granted", "invitation.accepted"):
        assert action in actions
    _audit_ok(fresh_engine)


def test_invitation_api(
    client: TestClient, login: Callable[[str], TestClient], admin: str, web_world: World
) -> None:
    login(admin)
    response = client.post(
        f"/api/v1/organisations/{web_world.unit_a.id}/invitations",
        json={"full_name": "Đỗ Thị Mời", "role": "participant"},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["url"].endswith(f"/invite/{body['token']}")
    assert TestClient(client.app).get(f"/invite/{body['token']}").status_code == 200
    program = TestClient(client.app)  # a program without a browser session
    info = program.get(f"/api/v1/invitations/{body['token']}")
    assert info.status_code == 200 and info.json()["organisation"] == "Chi bộ Sở Tài chính"
    accepted = program.post(
        f"/api/v1/invitations/{body['token']}/accept",
        json={"username": "dothimoi", "password": "mat-khau-dai-1"},
        headers={"X-CSRF-Token": csrf_of(program)},
    )
    assert accepted.status_code == 201 and accepted.json()["username"] == "dothimoi"
    again = program.get(f"/api/v1/invitations/{body['token']}")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invitation_used"
    token = program.post(
        "/api/v1/tokens", json={"username": "dothimoi", "password": "mat-khau-dai-1"}
    )
    assert token.status_code == 201


def test_expired_and_unknown_invitations_get_a_clear_message(
    client: TestClient, web_world: World, fresh_engine: Engine
) -> None:
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        issued = invitations.create(
            session=session,
            organisation_id=web_world.unit_a.id,
            role="participant",
            full_name="Người Hết Hạn",
            now=utcnow() - timedelta(days=15),
        )
    expired = client.get(f"/invite/{issued.token}")
    assert expired.status_code == 410 and "đã hết hạn" in expired.text
    posted = client.post(
        f"/invite/{issued.token}",
        data={"csrf_token": csrf_of(client), "username": "hethan", "password": "mat-khau-dai-1",
              "confirm": "mat-khau-dai-1"},
    )  # fmt: skip
    assert posted.status_code == 410
    unknown = client.get("/invite/khong-co-loi-moi-nay")
    assert unknown.status_code == 404 and "Không tìm thấy lời mời" in unknown.text
    with Session(fresh_engine) as session:
        assert (
            session.execute(select(Account.id).where(Account.username == "hethan")).first() is None
        )


def test_non_admins_are_refused_everywhere(
    client: TestClient, login: Callable[[str], TestClient], web_world: World
) -> None:
    unit = web_world.unit_a.id
    routes: list[tuple[str, str, dict[str, object]]] = [
        ("GET", "/admin/organisations", {}),
        ("POST", "/admin/organisations", {"data": {"name": "x", "parent_id": str(unit)}}),
        ("GET", f"/admin/organisations/{unit}", {}),
        ("POST", f"/admin/organisations/{unit}/roles", {"data": {"person_id": "1"}}),
        ("POST", "/admin/memberships/1/revoke", {"data": {}}),
        ("POST", f"/admin/organisations/{unit}/invitations", {"data": {"full_name": "x"}}),
        ("GET", "/api/v1/organisations", {}),
        ("POST", "/api/v1/organisations", {"json": {"name": "x", "parent_id": unit}}),
        ("GET", f"/api/v1/organisations/{unit}/members", {}),
        ("POST", f"/api/v1/organisations/{unit}/roles", {"json": {"person_id": 1, "role": "x"}}),
        ("DELETE", "/api/v1/memberships/1", {}),
        ("POST", f"/api/v1/organisations/{unit}/invitations", {"json": {"full_name": "x"}}),
    ]
    for username in ("dangvien", "thuky"):
        login(username)
        token = csrf_of(client)
        for method, path, kwargs in routes:
            if username == "thuky" and path == "/api/v1/organisations" and method == "GET":
                continue  # staff may read the tree they cover
            extra: dict[str, Any] = dict(kwargs)
            if "data" in extra:
                extra["data"] = {**extra["data"], "csrf_token": token}
            else:
                extra["headers"] = {"X-CSRF-Token": token}
            response = client.request(method, path, **extra)
            assert response.status_code == 403, (username, method, path, response.status_code)
        client.post("/logout", data={"csrf_token": token})
    anonymous = TestClient(client.app)
    assert anonymous.get("/api/v1/organisations").status_code == 401
    page = anonymous.get("/admin/organisations", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
