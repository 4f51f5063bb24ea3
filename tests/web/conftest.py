"""Web fixtures: the app on a migrated database with the small world, and signed-in clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.factories import World, build_world
from ykien.accounts import service as accounts
from ykien.app import create_app
from ykien.config import Settings
from ykien.db.engine import make_session_factory, unit_of_work

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def web_world(fresh_engine: Engine) -> World:
    return make_web_world(fresh_engine)


def make_web_world(engine: Engine) -> World:
    """The small world opening now, the bloc's secretary `thuky` and member A `dangvien`."""
    with unit_of_work(make_session_factory(engine)) as session:
        world = build_world(session, allow_anonymous=True, opens_now=True)
        person = accounts.create_person(
            session=session, full_name="Thư ký Khối", organisation_id=world.bloc.id
        )
        accounts.create_account(
            session=session, person_id=person.id, username="thuky", password=PASSWORD
        )
        accounts.grant_role(
            session=session, person_id=person.id, organisation_id=world.bloc.id, role="secretary"
        )
        accounts.create_account(
            session=session, person_id=world.member_a, username="dangvien", password=PASSWORD
        )
    return world


@pytest.fixture
def app_settings(fresh_engine: Engine, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path,
        database_url=fresh_engine.url.render_as_string(hide_password=False),
        queue_url="memory://",  # jobs run at once, inside the request that queues them
    )


@pytest.fixture
def client(app_settings: Settings, web_world: World) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as test_client:
        yield test_client


def csrf_of(client: TestClient) -> str:
    """The CSRF token of the client's session (read from a rendered page)."""
    import re

    page = client.get("/login").text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def login(client: TestClient) -> Callable[[str], TestClient]:
    def sign_in(username: str) -> TestClient:
        token = csrf_of(client)
        response = client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return client

    return sign_in
