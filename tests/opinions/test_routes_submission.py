"""The reader's form and the API submit through one path: the group-committing IntakeWriter,
with the form's own idempotency key hidden in it (issue 11)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.factories import World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts.credentials import Credential
from ykien.db.engine import unit_of_work
from ykien.opinions.intake import IntakeWriter, Receipt
from ykien.opinions.models import Opinion
from ykien.opinions.service import Submission

KEY_FIELD = re.compile(r'name="submission_key" value="([^"]+)"')


class RecordingIntake(IntakeWriter):
    """The real writer, noting each submission it is handed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: list[Submission] = []

    async def submit(self, submission: Submission, credential: Credential) -> Receipt:
        self.seen.append(submission)
        return await super().submit(submission, credential)


@pytest.fixture
def intake(client: TestClient) -> Iterator[RecordingIntake]:
    state = client.app.state  # type: ignore[attr-defined]
    writer = RecordingIntake(state.session_factory)
    original, state.intake = state.intake, writer
    yield writer
    state.intake = original
    writer.close()


def opinions_stored(client: TestClient) -> list[Opinion]:
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    with unit_of_work(factory) as session:
        found = list(session.execute(select(Opinion).order_by(Opinion.id)).scalars())
        session.expunge_all()
        return found


def the_form(client: TestClient, world: World, **fields: str) -> dict[str, str]:
    """The reader's form as the page gives it (with its hidden key), filled with `fields`."""
    page = client.get(f"/c/{world.consultation.id}").text
    match = KEY_FIELD.search(page)
    assert match, "the form carries no key of its own"
    return {"csrf_token": csrf_of(client), "submission_key": match.group(1), **fields}


def send(client: TestClient, world: World, form: dict[str, str]) -> Any:
    return client.post(f"/c/{world.consultation.id}/opinions", data=form, follow_redirects=False)


def test_a_form_sent_twice_stores_one_opinion(
    client: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    login("dangvien")
    section = web_world.section("Điều 1")
    form = the_form(
        client, web_world, section_id=str(section.id), text="Gửi hai lần", kind="comment"
    )
    first = send(client, web_world, form)
    again = send(client, web_world, form)  # a double click, or Back and submit again
    assert first.status_code == again.status_code == 303, (first.text, again.text)
    assert first.headers["location"] == again.headers["location"]  # the same receipt
    stored = opinions_stored(client)
    assert [o.text for o in stored] == ["Gửi hai lần"]
    assert stored[0].receipt_code in first.headers["location"]
    # Back, change the opinion and send it: that is another opinion
    changed = send(client, web_world, {**form, "text": "Gửi hai lần, đã sửa"})
    assert changed.status_code == 303
    assert [o.text for o in opinions_stored(client)] == ["Gửi hai lần", "Gửi hai lần, đã sửa"]
    # a new page gives a new key: the same words written again are a new opinion too
    fresh = the_form(client, web_world, section_id=str(section.id), text="Gửi hai lần")
    assert fresh["submission_key"] != form["submission_key"]
    assert send(client, web_world, fresh).status_code == 303
    assert len(opinions_stored(client)) == 3


def test_an_anonymous_form_sent_twice_stores_one_opinion(
    client: TestClient, web_world: World
) -> None:
    form = the_form(client, web_world, text="Ẩn danh, gửi hai lần")
    first, again = send(client, web_world, form), send(client, web_world, form)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"].endswith("/received")
    stored = opinions_stored(client)
    assert len(stored) == 1 and stored[0].author_person_id is None
    page = client.get(again.headers["location"]).text
    assert stored[0].receipt_code in page


def test_the_form_and_the_api_go_through_the_same_intake(
    client: TestClient,
    web_world: World,
    login: Callable[[str], TestClient],
    intake: RecordingIntake,
) -> None:
    login("dangvien")
    form = the_form(client, web_world, text="Qua biểu mẫu")
    assert send(client, web_world, form).status_code == 303
    token = client.post(
        "/api/v1/tokens", json={"username": "dangvien", "password": PASSWORD, "name": "t"}
    ).json()["token"]
    response = client.post(
        f"/api/v1/consultations/{web_world.consultation.id}/opinions",
        json={"text": "Qua API"},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "api-1"},
    )
    assert response.status_code == 201, response.text
    assert [s.text for s in intake.seen] == ["Qua biểu mẫu", "Qua API"]
    form_key, api_key = (s.idempotency_key for s in intake.seen)
    assert form_key and form_key.startswith("form-") and api_key == "api-1"
    assert {s.channel for s in intake.seen} == {"online"}
    stored = opinions_stored(client)
    assert [(o.text, o.idempotency_key) for o in stored] == [
        ("Qua biểu mẫu", form_key),
        ("Qua API", "api-1"),
    ]
    # a refused form is refused by the same use case (before the writer), the text kept
    refused = send(client, web_world, the_form(client, web_world, text="Sửa", kind="amend"))
    assert refused.status_code == 400 and "cần ghi rõ nội dung đề xuất" in refused.text
    assert len(intake.seen) == 2
    with unit_of_work(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        assert session.execute(select(func.count()).select_from(Opinion)).scalar_one() == 2
