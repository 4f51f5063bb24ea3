"""The event form lists the other drafts an event collects for; the fast entry and its JSON
twin take the draft and the organisation credited per line; unassigned lines are credited in
bulk."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.events.test_collects import REPORT_DRAFT
from tests.factories import World
from tests.web.conftest import csrf_of
from ykien.consultations import service as consultations
from ykien.db.base import utcnow
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.drafts import service as drafts
from ykien.opinions.models import Opinion


def _second_consultation(engine: Engine, world: World) -> int:
    with unit_of_work(make_session_factory(engine)) as session:
        draft = drafts.create_draft(session=session, title="Báo cáo chính trị Khối", kind="other")
        version = drafts.import_version(
            session=session, draft_id=draft.id, data=REPORT_DRAFT.encode(), filename="bc.txt"
        )
        consultation = consultations.create(
            session=session,
            title="Lấy ý kiến Báo cáo chính trị Khối",
            draft_version_id=version.id,
            organiser_id=world.bloc.id,
            opens_at=utcnow() - timedelta(days=1),
            closes_at=utcnow() + timedelta(days=20),
        )
        consultations.open_(session=session, consultation_id=consultation.id)
        return consultation.id


def test_a_seminar_on_two_drafts_takes_each_line_into_the_draft_chosen(
    login, web_world: World, fresh_engine: Engine
) -> None:
    other = _second_consultation(fresh_engine, web_world)
    client = login("thuky")
    form = client.get(f"/c/{web_world.consultation.id}/events/new")
    assert f'name="consultations" value="{other}"' in form.text
    created = client.post(
        f"/c/{web_world.consultation.id}/events/new",
        data={
            "csrf_token": csrf_of(client),
            "title": "Tọa đàm góp ý các dự thảo",
            "kind": "seminar",
            "starts_at": "12/06/2025 08:30",
            "organisers": [str(web_world.unit_b.id)],
            "consultations": [str(other)],
            "attendees": "Lê Thị Mai, Chủ tịch Công đoàn",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text[:500]
    match = re.match(r"/events/(\d+)$", created.headers["location"])
    assert match
    event_id = int(match.group(1))
    entry = client.get(f"/events/{event_id}/entry")
    assert 'name="consultation_id"' in entry.text and "Báo cáo chính trị Khối" in entry.text
    sections = client.get(
        f"/events/{event_id}/lookup/sections",
        params={"section": "mục 3 phần II", "consultation_id": str(other)},
    )
    assert "Mục 3" in sections.text
    htmx = {"HX-Request": "true"}
    line = {"csrf_token": csrf_of(client), "speaker": "Phạm Văn Khách", "text": "Ý kiến"}
    refused = client.post(
        f"/events/{event_id}/opinions",
        data={
            **line,
            "section": "mục 3 phần II",
            "consultation_id": str(web_world.consultation.id),
        },
        headers=htmx,
    )
    assert refused.status_code == 400 and "Không tìm thấy mục" in refused.text
    saved = client.post(
        f"/events/{event_id}/opinions",
        data={**line, "section": "mục 3 phần II", "consultation_id": str(other)},
        headers=htmx,
    )
    assert saved.status_code == 200 and "Báo cáo chính trị Khối" in saved.text
    plain = client.post(
        f"/events/{event_id}/opinions",
        data={**line, "consultation_id": str(other), "credit": str(web_world.unit_b.id)},
        follow_redirects=False,
    )
    assert plain.headers["location"] == f"/events/{event_id}/entry?draft={other}"
    sticky = client.get(plain.headers["location"])
    assert f'<option value="{other}" selected>' in sticky.text
    api = client.post(
        f"/api/v1/events/{event_id}/opinions",
        json={"text": "Ý kiến qua API", "speaker_name": "Đại biểu", "consultation_id": 999_999},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert api.status_code == 400 and api.json()["error"]["code"] == "consultation_not_collected"
    with Session(fresh_engine) as session:
        rows = session.execute(
            select(Opinion.consultation_id, Opinion.on_behalf_of_id).where(
                Opinion.event_id == event_id
            )
        ).all()
    assert sorted(rows) == [(other, web_world.unit_b.id), (other, web_world.unit_b.id)]


def test_unassigned_lines_are_credited_in_bulk_over_the_api(
    login, web_world: World, fresh_engine: Engine
) -> None:
    client = login("thuky")
    created = client.post(
        f"/api/v1/consultations/{web_world.consultation.id}/events",
        json={
            "title": "Hội nghị đối thoại",
            "starts_at": "12/06/2025 08:30",
            "organiser_ids": [web_world.outsider.id],
            "attendees": [{"name": "Lê Thị Mai", "organisation_id": web_world.unit_a.id}],
        },
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    for number in range(2):
        line = client.post(
            f"/api/v1/events/{event_id}/opinions",
            json={"text": f"Ý kiến {number}", "speaker_name": f"Đại biểu {number}"},
            headers={"X-CSRF-Token": csrf_of(client)},
        )
        assert line.status_code == 201 and line.json()["on_behalf_of_id"] is None
    entry = client.get(f"/events/{event_id}/entry")
    assert 'action="/events/' in entry.text and "/credit" in entry.text
    credited = client.post(
        f"/api/v1/events/{event_id}/credit",
        json={"organisation_id": web_world.unit_a.id},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert credited.status_code == 200 and credited.json() == {"credited": 2}
    with Session(fresh_engine) as session:
        behalf = session.scalars(
            select(Opinion.on_behalf_of_id).where(Opinion.event_id == event_id)
        )
        assert set(behalf) == {web_world.unit_a.id}


def test_one_line_s_credit_is_changed_on_the_event_page_and_over_the_api(
    login, web_world: World, fresh_engine: Engine
) -> None:
    client = login("thuky")
    created = client.post(
        f"/api/v1/consultations/{web_world.consultation.id}/events",
        json={
            "title": "Hội nghị đối thoại",
            "starts_at": "12/06/2025 08:30",
            "organiser_ids": [web_world.unit_a.id, web_world.unit_b.id],
        },
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    event_id = created.json()["id"]
    line = client.post(
        f"/api/v1/events/{event_id}/opinions",
        json={"text": "Ý kiến", "speaker_name": "Đại biểu"},
        headers={"X-CSRF-Token": csrf_of(client)},
    ).json()
    assert line["on_behalf_of_id"] == web_world.unit_a.id
    page = client.get(f"/events/{event_id}").text
    assert f'action="/events/{event_id}/opinions/{line["id"]}/credit"' in page
    assert f'<option value="{web_world.unit_a.id}" selected>' in page
    changed = client.post(
        f"/events/{event_id}/opinions/{line['id']}/credit",
        data={"csrf_token": csrf_of(client), "organisation_id": str(web_world.unit_b.id)},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert changed.headers["location"] == f"/events/{event_id}#opinion-{line['id']}"
    refused = client.post(
        f"/events/{event_id}/opinions/{line['id']}/credit",
        data={"csrf_token": csrf_of(client), "organisation_id": str(web_world.outsider.id)},
    )
    assert refused.status_code == 400 and "Hãy chọn một đơn vị tổ chức" in refused.text
    no_csrf = client.post(
        f"/api/v1/events/{event_id}/opinions/{line['id']}/credit", json={"organisation_id": None}
    )
    assert no_csrf.status_code == 403
    api = client.post(
        f"/api/v1/events/{event_id}/opinions/{line['id']}/credit",
        json={"organisation_id": None},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert api.status_code == 200 and api.json()["on_behalf_of_id"] is None
    with Session(fresh_engine) as session:
        behalf = session.scalars(select(Opinion.on_behalf_of_id).where(Opinion.id == line["id"]))
        assert list(behalf) == [None]
    participant = login("dangvien")
    denied = participant.post(
        f"/api/v1/events/{event_id}/opinions/{line['id']}/credit",
        json={"organisation_id": web_world.unit_b.id},
        headers={"X-CSRF-Token": csrf_of(participant)},
    )
    assert denied.status_code == 403
