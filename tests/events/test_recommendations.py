"""Recommendations (kiến nghị): the words for their statuses, in Vietnamese and English, and who
answers one (the chair or the secretariat of the addressee); in process, on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.factories import World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts import service as accounts
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.events.models import Recommendation, RecommendationStatus
from ykien.events.pages import recommendation_status_labels
from ykien.events.recommendations import service as recommendations
from ykien.opinions.routes.overview import status_labels as consultation_status_labels
from ykien.web.i18n import translator
from ykien.web.templating import LANGUAGE_COOKIE

Login = Callable[[str], TestClient]

EXPECTED = {
    "vi": {
        "open": "Chưa trả lời",
        "in_progress": "Đang xử lý",
        "answered": "Đã trả lời",
        "closed": "Đã đóng",
    },
    "en": {
        "open": "Not answered yet",
        "in_progress": "Being handled",
        "answered": "Answered",
        "closed": "Closed out",
    },
}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_recommendation_status_has_its_own_words(language: str) -> None:
    _ = translator(language)
    labels = recommendation_status_labels(_)
    assert set(labels) == set(RecommendationStatus)
    assert labels == EXPECTED[language]
    # none is a consultation's state ("Đang lấy ý kiến", "Đã kết thúc" ...)
    assert not set(labels.values()) & set(consultation_status_labels(_).values())
    assert _("Open") not in labels.values()


def _person_with_role(engine: Engine, world: World, username: str, role: str) -> int:
    with unit_of_work(make_session_factory(engine)) as session:
        person = accounts.create_person(
            session=session, full_name=f"Người {username}", organisation_id=world.bloc.id
        )
        accounts.create_account(
            session=session, person_id=person.id, username=username, password=PASSWORD
        )
        accounts.grant_role(
            session=session, person_id=person.id, organisation_id=world.bloc.id, role=role
        )
        return person.id


def _recommendation(engine: Engine, world: World, **fields: object) -> int:
    with unit_of_work(make_session_factory(engine)) as session:
        return recommendations.create_recommendation(
            session=session,
            consultation_id=world.consultation.id,
            text="Sớm ban hành hướng dẫn lấy ý kiến",
            addressee_organisation_id=world.bloc.id,
            **fields,  # type: ignore[arg-type]
        ).id


def test_an_open_recommendation_is_shown_as_not_answered_yet_and_overdue(
    login: Login, web_world: World, fresh_engine: Engine
) -> None:
    from datetime import date

    recommendation_id = _recommendation(fresh_engine, web_world, due_on=date(2020, 1, 1))
    client = login("thuky")
    page = client.get(f"/recommendations/{recommendation_id}").text
    assert "Chưa trả lời" in page and "Đang lấy ý kiến" not in page
    assert "Quá hạn" in page
    inbox = client.get("/recommendations").text
    assert "Chưa trả lời" in inbox and "Đang lấy ý kiến" not in inbox
    client.cookies.set(LANGUAGE_COOKIE, "en")
    english = client.get(f"/recommendations/{recommendation_id}").text
    assert "Not answered yet" in english and "Being handled" in english  # the status choices


def test_the_chair_of_the_addressee_answers_a_recommendation(
    login: Login, web_world: World, fresh_engine: Engine
) -> None:
    _person_with_role(fresh_engine, web_world, "chutich", "chair")
    recommendation_id = _recommendation(fresh_engine, web_world)
    client = login("chutich")
    assert "/recommendations/" in client.get("/recommendations").text  # in the chair's inbox
    page = client.get(f"/recommendations/{recommendation_id}")
    assert page.status_code == 200 and 'action="/recommendations/' in page.text
    answered = client.post(
        f"/recommendations/{recommendation_id}/answer",
        data={"csrf_token": csrf_of(client), "answer": "Đảng ủy Khối đã ban hành hướng dẫn."},
        follow_redirects=False,
    )
    assert answered.status_code == 303
    api = client.post(
        f"/api/v1/recommendations/{recommendation_id}/status",
        json={"status": "closed"},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert api.status_code == 200, api.text
    with Session(fresh_engine) as session:
        found = session.get(Recommendation, recommendation_id)
        assert found is not None and found.answer == "Đảng ủy Khối đã ban hành hướng dẫn."


def test_the_responsible_person_answers_and_a_subcommittee_member_does_not(
    login: Login, web_world: World, fresh_engine: Engine
) -> None:
    responsible = _person_with_role(fresh_engine, web_world, "phutrach", "subcommittee_member")
    _person_with_role(fresh_engine, web_world, "tieuban", "subcommittee_member")
    recommendation_id = _recommendation(fresh_engine, web_world, responsible_person_id=responsible)
    client = login("tieuban")
    refused = client.post(
        f"/recommendations/{recommendation_id}/answer",
        data={"csrf_token": csrf_of(client), "answer": "Không phải việc của tôi"},
    )
    assert refused.status_code == 403
    client = login("phutrach")
    answered = client.post(
        f"/recommendations/{recommendation_id}/answer",
        data={"csrf_token": csrf_of(client), "answer": "Đã có hướng dẫn."},
        follow_redirects=False,
    )
    assert answered.status_code == 303
