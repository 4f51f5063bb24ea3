"""Decision pages and API: queue, forward, draft -> approve -> publish, roles, CSRF, the public
response report, the participant's trace and inbox."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.decisions.conftest import NEXT_LAW, DecisionWorld, populate
from tests.factories import World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts import service as accounts
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.decisions import service as decisions
from ykien.decisions.models import Decision, Forward
from ykien.drafts import service as drafts
from ykien.drafts.models import DraftVersion
from ykien.opinions.models import Opinion


@pytest.fixture
def dw(web_world: World, fresh_engine: Engine) -> DecisionWorld:
    """Subcommittees and opinions, a subcommittee member and a chair of the bloc."""
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        for username, role in [("tieuban", "subcommittee_member"), ("chutich", "chair")]:
            person = accounts.create_person(
                session=session, full_name=f"Người {username}", organisation_id=web_world.bloc.id
            )
            accounts.create_account(
                session=session, person_id=person.id, username=username, password=PASSWORD
            )
            accounts.grant_role(
                session=session, person_id=person.id, organisation_id=web_world.bloc.id, role=role
            )
        return populate(session, web_world, now=None)


def _as(client: TestClient, username: str) -> str:
    client.cookies.clear()
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return csrf_of(client)


def _decision_id(location: str) -> int:
    match = re.fullmatch(r"/decisions/(\d+)", location)
    assert match, location
    return int(match.group(1))


def test_queue_page_and_api_for_the_subcommittee(client: TestClient, dw: DecisionWorld) -> None:
    _as(client, "tieuban")
    page = client.get(f"/subcommittees/{dw.bloc_sub.id}")
    assert page.status_code == 200
    assert "Tiểu ban Văn kiện Đảng bộ Khối" in page.text and "Thời hạn lấy ý kiến" in page.text
    api = client.get(f"/api/v1/subcommittees/{dw.bloc_sub.id}/queue").json()
    assert [t["target_id"] for t in api["themes"]] == [dw.theme_id]
    assert api["opinion_total"] == 4  # Điều 4 only
    listing = client.get(f"/c/{dw.world.consultation.id}/subcommittees")
    assert listing.status_code == 200 and "Tiểu ban Tổng hợp" in listing.text


def test_forwarding_from_the_page_keeps_the_trail(
    client: TestClient, dw: DecisionWorld, fresh_engine: Engine
) -> None:
    token = _as(client, "tieuban")
    form = {"target_type": "theme", "target_id": dw.theme_id, "note": "Chuyển tiểu ban tổng hợp"}
    no_csrf = client.post(
        f"/subcommittees/{dw.bloc_sub.id}/forward", data={**form, "to": str(dw.bloc_general.id)}
    )
    assert no_csrf.status_code == 403
    bad = client.post(
        f"/subcommittees/{dw.bloc_sub.id}/forward",
        data={**form, "to": "up", "csrf_token": token},
    )
    assert bad.status_code == 400 and "Không có tiểu ban cấp trên" in bad.text
    done = client.post(
        f"/subcommittees/{dw.bloc_sub.id}/forward",
        data={**form, "to": str(dw.bloc_general.id), "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = client.get(f"/subcommittees/{dw.bloc_general.id}")
    assert "Chuyển tiểu ban tổng hợp" in page.text and "được chuyển đến" in page.text
    with Session(fresh_engine) as session:
        assert session.scalars(select(Forward.to_subcommittee_id)).all() == [dw.bloc_general.id]


def test_draft_approve_publish_and_the_participant_sees_it(
    client: TestClient, dw: DecisionWorld, fresh_engine: Engine
) -> None:
    token = _as(client, "tieuban")
    form = client.get(
        f"/subcommittees/{dw.bloc_sub.id}/decide",
        params={"target_type": "campaign", "target_id": dw.group_id},
    )
    assert form.status_code == 200 and "Tiếp thu một phần" in form.text
    empty = client.post(
        f"/subcommittees/{dw.bloc_sub.id}/decisions",
        data={
            "target_type": "campaign",
            "target_id": dw.group_id,
            "outcome": "accepted",
            "csrf_token": token,
        },
    )
    assert empty.status_code == 400 and "Cần ghi nội dung tiếp thu, giải trình." in empty.text
    made = client.post(
        f"/subcommittees/{dw.bloc_sub.id}/decisions",
        data={
            "target_type": "campaign",
            "target_id": dw.group_id,
            "outcome": "partly_accepted",
            "explanation": "Tiếp thu, nâng thời hạn lên 45 ngày.",
            "new_wording": "Thời hạn lấy ý kiến ít nhất là 45 ngày.",
            "section_ids": [dw.world.section("Điều 4").id],
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    decision_id = _decision_id(made.headers["location"])
    refused = client.post(f"/decisions/{decision_id}/approve", data={"csrf_token": token})
    assert refused.status_code == 403  # only the chair approves
    token = _as(client, "chutich")
    page = client.get(f"/decisions/{decision_id}")
    assert "Phê duyệt" in page.text and "Chưa nhập phiên bản kế tiếp" in page.text
    assert (
        client.post(
            f"/decisions/{decision_id}/approve", data={"csrf_token": token}, follow_redirects=False
        ).status_code
        == 303
    )
    # issue 12: publishing asked nothing; the first step now shows what will happen
    asked = client.post(
        f"/c/{dw.world.consultation.id}/decisions/publish",
        data={"decision_ids": [decision_id], "back": "decision", "csrf_token": token},
        follow_redirects=False,
    )
    assert asked.status_code == 200 and "Xác nhận và công bố" in asked.text
    assert f'href="/decisions/{decision_id}"' in asked.text, "a cancel back to the decision"
    assert "không thể sửa hay rút lại" in asked.text
    with Session(fresh_engine) as session:
        assert session.get_one(Decision, decision_id).status == "approved", "not yet published"
    published = client.post(
        f"/c/{dw.world.consultation.id}/decisions/publish",
        data={"decision_ids": [decision_id], "confirm": "yes", "csrf_token": token},
        follow_redirects=False,
    )
    assert published.status_code == 303
    again = client.post(
        f"/c/{dw.world.consultation.id}/decisions/publish",
        data={"decision_ids": [decision_id], "csrf_token": token},
    )
    assert again.status_code == 409  # frozen, not approved any more
    _as(client, "dangvien")
    fragment = client.get("/me/opinions/trace")
    assert fragment.status_code == 200
    assert fragment.text.count('hx-swap-oob="true"') == 5  # member A's opinions on the page
    assert "Tiếp thu một phần" in fragment.text and "ít nhất là 45 ngày" in fragment.text
    assert "Kết quả này áp dụng cho cả nhóm ý kiến trùng" in fragment.text
    mine = client.get("/me/opinions")
    assert 'hx-get="/me/opinions/trace?page=1"' in mine.text
    assert f'id="trace-{dw.campaign_ids[0]}"' in mine.text
    traces = {t["opinion_id"]: t for t in client.get("/api/v1/me/opinions/trace").json()}
    assert traces[dw.campaign_ids[0]]["decision"]["outcome"] == "partly_accepted"
    assert traces[dw.campaign_ids[0]]["via"] == "campaign"
    assert traces[dw.own]["decision"] is None
    inbox = client.get("/api/v1/me/notifications").json()
    assert len(inbox) == 1 and "2 ý kiến của bạn" in inbox[0]["text"]
    token = csrf_of(client)
    assert (
        client.post(
            "/me/notifications/read", data={"csrf_token": token}, follow_redirects=False
        ).status_code
        == 303
    )
    assert client.get("/api/v1/me/notifications").json()[0]["read"] is True


def test_api_twins_for_the_workflow(client: TestClient, dw: DecisionWorld) -> None:
    token = _as(client, "chutich")
    headers = {"X-CSRF-Token": token}
    made = client.post(
        f"/api/v1/subcommittees/{dw.bloc_sub.id}/decisions",
        json={
            "target_type": "theme",
            "target_id": dw.theme_id,
            "outcome": "maybe",
            "explanation": "x",
        },
        headers=headers,
    )
    assert made.status_code == 400 and made.json()["error"]["code"] == "bad_outcome"
    made = client.post(
        f"/api/v1/subcommittees/{dw.bloc_sub.id}/decisions",
        json={
            "target_type": "theme",
            "target_id": dw.theme_id,
            "outcome": "noted",
            "explanation": "Ghi nhận, sẽ nghiên cứu thêm.",
        },
        headers=headers,
    )
    assert made.status_code == 201
    decision_id = made.json()["id"]
    approved = client.post(f"/api/v1/decisions/{decision_id}/approve", headers=headers)
    assert approved.json()["status"] == "approved"
    published = client.post(
        f"/api/v1/consultations/{dw.world.consultation.id}/decisions/publish",
        json={"decision_ids": [decision_id]},
        headers=headers,
    )
    assert published.status_code == 200 and published.json()["notified_people"] == 2
    listed = client.get(f"/api/v1/consultations/{dw.world.consultation.id}/decisions").json()
    assert [d["status"] for d in listed] == ["published"]
    assert client.get(f"/api/v1/decisions/{decision_id}").json()["outcome"] == "noted"


def test_public_response_report_and_receipt_lookup(
    client: TestClient, dw: DecisionWorld, fresh_engine: Engine
) -> None:
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        from ykien.decisions import service as decisions

        decision = decisions.draft(
            session=session,
            subcommittee_id=dw.unit_sub.id,
            target_type="opinion",
            target_id=dw.own,
            outcome="not_accepted",
            explanation="Đã có quy định tại Điều 4.",
        )
        decisions.approve(session=session, decision_id=decision.id)
        decisions.draft(
            session=session,
            subcommittee_id=dw.unit_sub.id,
            target_type="theme",
            target_id=dw.theme_id,
            outcome="accepted",
            explanation="Chưa công bố: không được hiện.",
        )
        decisions.publish(
            session=session, consultation_id=dw.world.consultation.id, decision_ids=[decision.id]
        )
        code = session.get_one(Opinion, dw.own).receipt_code
    client.cookies.clear()
    cid = dw.world.consultation.id
    page = client.get(f"/c/{cid}/responses")
    assert page.status_code == 200 and "Không tiếp thu" in page.text
    assert "Chưa công bố: không được hiện." not in page.text
    found = client.get(f"/c/{cid}/responses", params={"code": code})
    assert "Đã có quy định tại Điều 4." in found.text and "Điều 4 cần quy định rõ" in found.text
    missing = client.get(f"/c/{cid}/responses", params={"code": "KHONG-CO"})
    assert "Không có ý kiến nào mang mã tiếp nhận này" in missing.text
    api = client.get(f"/api/v1/consultations/{cid}/responses", params={"code": code}).json()
    assert [r["decision"]["id"] for r in api["responses"]] == [decision.id]
    assert api["lookup"]["trace"]["decision"]["outcome"] == "not_accepted"


def test_roles_are_checked_on_the_server(
    client: TestClient, dw: DecisionWorld, login: Callable[[str], TestClient], fresh_engine: Engine
) -> None:
    _as(client, "dangvien")
    assert client.get(f"/subcommittees/{dw.bloc_sub.id}").status_code == 403
    assert client.get(f"/api/v1/subcommittees/{dw.bloc_sub.id}/queue").status_code == 403
    token = _as(client, "thuky")  # the bloc's secretary: sees and publishes, does not draft
    assert client.get(f"/subcommittees/{dw.bloc_sub.id}").status_code == 200
    refused = client.post(
        f"/subcommittees/{dw.bloc_sub.id}/decisions",
        data={
            "target_type": "opinion",
            "target_id": dw.own,
            "outcome": "noted",
            "explanation": "x",
            "csrf_token": token,
        },
    )
    assert refused.status_code == 403
    with Session(fresh_engine) as session:
        assert session.scalars(select(Decision)).all() == []


def test_the_decision_page_shows_the_next_version_as_del_and_ins(
    client: TestClient, dw: DecisionWorld, fresh_engine: Engine
) -> None:
    """Issue 12: the word diff was shown as raw [-…-] {+…+} markup in a <pre> 2,234 px wide."""
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        decision = decisions.draft(
            session=session,
            subcommittee_id=dw.bloc_sub.id,
            target_type="opinion",
            target_id=dw.own,
            outcome="accepted",
            explanation="Tiếp thu.",
            section_ids=[dw.world.section("Điều 4").id],
        )
        version = session.get_one(DraftVersion, dw.world.consultation.draft_version_id)
        drafts.import_version(
            session=session, draft_id=version.draft_id, data=NEXT_LAW.encode(), filename="v2.txt"
        )
        decision_id = decision.id
    _as(client, "tieuban")
    page = client.get(f"/decisions/{decision_id}")
    assert page.status_code == 200
    assert '<div class="diff">' in page.text and "<del>" in page.text and "<ins>" in page.text
    assert "[-" not in page.text and "{+" not in page.text and '<pre class="diff">' not in page.text
