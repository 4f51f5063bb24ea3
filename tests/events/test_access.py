"""Who records events in a consultation (events.access): the consultation's secretariat, and the
secretary of a unit inside its scope for her own unit's events; the unit's start page links to
the consultation's events and syntheses. In process, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts import service as accounts
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.events.models import Event, EventOrganiser

Login = Callable[[str], TestClient]


def _secretary(engine: Engine, organisation_id: int, username: str) -> str:
    with unit_of_work(make_session_factory(engine)) as session:
        person = accounts.create_person(
            session=session, full_name=f"Thư ký {username}", organisation_id=organisation_id
        )
        accounts.create_account(
            session=session, person_id=person.id, username=username, password=PASSWORD
        )
        accounts.grant_role(
            session=session, person_id=person.id, organisation_id=organisation_id, role="secretary"
        )
    return username


@pytest.fixture
def unit_b_secretary(fresh_engine: Engine, web_world: World) -> str:
    return _secretary(fresh_engine, web_world.unit_b.id, "thuky.b")


def _form(client: TestClient, **fields: object) -> dict[str, object]:
    return {
        "csrf_token": csrf_of(client),
        "title": "Họp Công đoàn Sở Nội vụ góp ý dự thảo",
        "kind": "conference",
        "starts_at": "12/06/2025 08:30",
        "place": "Phòng họp Sở Nội vụ",
        "attendees": "Lê Thị Mai, Chủ tịch Công đoàn",
        **fields,
    }


def test_a_unit_secretary_records_her_own_meeting_in_the_blocs_consultation(
    login: Login, web_world: World, unit_b_secretary: str, fresh_engine: Engine
) -> None:
    client = login(unit_b_secretary)
    new = f"/c/{web_world.consultation.id}/events/new"
    form_page = client.get(new)
    assert form_page.status_code == 200
    assert f'value="{web_world.unit_b.id}" checked' in form_page.text  # her unit
    other_unit = client.post(new, data=_form(client, organisers=[str(web_world.unit_a.id)]))
    assert other_unit.status_code == 403
    created = client.post(
        new, data=_form(client, organisers=[str(web_world.unit_b.id)]), follow_redirects=False
    )
    assert created.status_code == 303, created.text[:400]
    event_id = int(created.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/events/{event_id}")
    assert page.status_code == 200 and f"/events/{event_id}/entry" in page.text
    recorded = client.post(
        f"/api/v1/events/{event_id}/opinions",
        json={"text": "Đề nghị kéo dài thời hạn lấy ý kiến.", "speaker_name": "Lê Thị Mai"},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert recorded.status_code == 201, recorded.text
    # without a choice the event is her unit's
    api = client.post(
        f"/api/v1/consultations/{web_world.consultation.id}/events",
        json={"title": "Tọa đàm Công đoàn", "kind": "seminar", "starts_at": "13/06/2025 08:00"},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert api.status_code == 201, api.text
    with Session(fresh_engine) as session:
        organisers = session.scalars(
            select(EventOrganiser.organisation_id).where(
                EventOrganiser.event_id == api.json()["id"]
            )
        ).all()
        assert organisers == [web_world.unit_b.id]
    assert client.get(f"/c/{web_world.consultation.id}/events").status_code == 200


def test_a_unit_secretary_does_not_change_the_blocs_events(
    login: Login, web_world: World, unit_b_secretary: str, fresh_engine: Engine
) -> None:
    client = login("thuky")
    created = client.post(
        f"/c/{web_world.consultation.id}/events/new",
        data=_form(client, organisers=[str(web_world.bloc.id)]),
        follow_redirects=False,
    )
    event_id = int(created.headers["location"].rsplit("/", 1)[1])
    client = login(unit_b_secretary)
    assert client.get(f"/events/{event_id}").status_code == 200
    assert client.get(f"/events/{event_id}/edit").status_code == 403
    refused = client.post(
        f"/api/v1/events/{event_id}/opinions",
        json={"text": "Ý kiến"},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert refused.status_code == 403
    with Session(fresh_engine) as session:
        assert session.get(Event, event_id) is not None


def test_a_secretary_outside_the_scope_records_nothing(
    login: Login, web_world: World, fresh_engine: Engine
) -> None:
    client = login(_secretary(fresh_engine, web_world.outsider.id, "thuky.ngoai"))
    new = f"/c/{web_world.consultation.id}/events/new"
    assert client.get(new).status_code == 403
    refused = client.post(new, data=_form(client, organisers=[str(web_world.outsider.id)]))
    assert refused.status_code == 403


def test_the_unit_secretary_lands_on_links_to_the_events_and_syntheses(
    client: TestClient, login: Login, web_world: World, unit_b_secretary: str
) -> None:
    cid = web_world.consultation.id
    links = (f'href="/c/{cid}/syntheses"', f'href="/c/{cid}/events"')
    assert not any(link in client.get("/").text for link in links)  # not signed in
    landed = login(unit_b_secretary).get("/")  # where signing in leads
    assert all(link in landed.text for link in links)
    assert client.get(f"/c/{cid}/syntheses").status_code == 200
    login("thuky")  # the bloc's secretary runs it: her links are on the secretariat page
    assert f'href="/c/{cid}/syntheses"' not in client.get("/").text
