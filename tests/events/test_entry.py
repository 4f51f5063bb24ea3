"""Fast entry through the IntakeWriter: a staff-recorded opinion keeps its speaker as author and
the secretary as recorder; each line carries an idempotency key, so a double submit stores one
opinion (page and JSON API, SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import World
from tests.web.conftest import csrf_of
from ykien.accounts.credentials import Credential
from ykien.accounts.models import Person
from ykien.audit.models import AuditEvent
from ykien.db.base import utcnow
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.errors import LoginRequired
from ykien.events import entry
from ykien.events import service as events
from ykien.events.models import EventAttendee
from ykien.opinions.intake import Recorded, record_batch
from ykien.opinions.models import Channel, Opinion
from ykien.opinions.service import Submission


def _event(engine: Engine, world: World) -> int:
    with unit_of_work(make_session_factory(engine)) as session:
        return events.create_event(
            session=session, consultation_id=world.consultation.id,
            title="Hội nghị góp ý dự thảo", kind="seminar",
            starts_at=utcnow() - timedelta(hours=2), organiser_ids=[world.unit_a.id],
        ).id  # fmt: skip


def _opinions(engine: Engine, event_id: int) -> list[Opinion]:
    with Session(engine) as session:
        return list(session.scalars(select(Opinion).where(Opinion.event_id == event_id)))


def _secretary(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalars(select(Person.id).where(Person.full_name == "Thư ký Khối")).one()


def test_a_line_sent_twice_from_the_page_is_stored_once_with_the_speaker_as_author(
    login: Callable[[str], TestClient], web_world: World, fresh_engine: Engine
) -> None:
    event_id = _event(fresh_engine, web_world)
    client = login("thuky")
    page = client.get(f"/events/{event_id}/entry").text
    key = page.split('id="entry-key" value="', 1)[1].split('"', 1)[0]
    line = {
        "csrf_token": csrf_of(client), "key": key, "text": "Cần bổ sung Điều 4.",
        "speaker": f"Nguyễn Văn A [#{web_world.member_a}]",
    }  # fmt: skip
    first = client.post(f"/events/{event_id}/opinions", data=line, headers={"HX-Request": "1"})
    again = client.post(f"/events/{event_id}/opinions", data=line, headers={"HX-Request": "1"})
    assert first.status_code == again.status_code == 200
    other = client.post(
        f"/events/{event_id}/opinions", data={**line, "text": "Ý kiến khác."},
        headers={"HX-Request": "1"},
    )  # fmt: skip
    assert other.status_code == 200
    stored = _opinions(fresh_engine, event_id)
    assert sorted(o.text for o in stored) == ["Cần bổ sung Điều 4.", "Ý kiến khác."]
    assert {(o.author_person_id, o.channel) for o in stored} == {(web_world.member_a, "event")}
    secretary = _secretary(fresh_engine)
    with Session(fresh_engine) as session:
        recorded = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "event.opinion_recorded")
        ).all()
    assert len(recorded) == 2 and {r.actor_person_id for r in recorded} == {secretary}


def test_the_api_stores_one_opinion_per_idempotency_key_and_keeps_the_named_speaker(
    login: Callable[[str], TestClient], web_world: World, fresh_engine: Engine
) -> None:
    event_id = _event(fresh_engine, web_world)
    client = login("thuky")
    body = {"text": "Ý kiến qua API", "speaker_name": "Bà Lê Thị Mai", "idempotency_key": "l-1"}
    headers = {"X-CSRF-Token": csrf_of(client)}
    first = client.post(f"/api/v1/events/{event_id}/opinions", json=body, headers=headers)
    again = client.post(f"/api/v1/events/{event_id}/opinions", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    (stored,) = _opinions(fresh_engine, event_id)
    assert (stored.author_person_id, stored.author_name) == (None, "Bà Lê Thị Mai")
    with Session(fresh_engine) as session:
        names = list(
            session.scalars(select(EventAttendee.name).where(EventAttendee.event_id == event_id))
        )
    assert names.count("Bà Lê Thị Mai") == 1


def test_a_recorded_submission_needs_a_signed_in_recorder_and_an_event_or_written_channel(
    fresh_engine: Engine, web_world: World
) -> None:
    factory = make_session_factory(fresh_engine)
    event_id = _event(fresh_engine, web_world)
    submission = Submission(
        web_world.consultation.id, "Ý kiến", author_name="Đại biểu", channel=Channel.EVENT,
        event_id=event_id,
    )  # fmt: skip
    with factory() as session:
        (outcome,) = record_batch(session, [(Recorded(submission), Credential())])
    assert isinstance(outcome, LoginRequired)
    with pytest.raises(ValueError):
        Recorded(Submission(web_world.consultation.id, "Ý kiến"))


def test_a_line_key_differs_by_line_and_is_none_without_a_form_key() -> None:
    assert entry.line_key("k", {"text": "a"}) == entry.line_key("k", {"text": "a"})
    assert entry.line_key("k", {"text": "a"}) != entry.line_key("k", {"text": "b"})
    assert entry.line_key("", {"text": "a"}) is None
