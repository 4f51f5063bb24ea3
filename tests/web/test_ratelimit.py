"""Per-client request rates (submissions, receipt lookups, searches) on the shared limiter: the
database (SQLite and PostgreSQL) and Redis; 429 with Retry-After before any work."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import redis_test_url
from tests.factories import World
from tests.opinions.test_routes_submission import the_form
from tests.web.conftest import PASSWORD, csrf_of
from ykien.app import create_app
from ykien.config import Settings
from ykien.opinions.models import Opinion


def _app(settings: Settings, **limits: Any) -> FastAPI:
    return create_app(settings.model_copy(update={"trusted_proxies": "127.0.0.1", **limits}))


def _client(app: FastAPI, address: str) -> TestClient:
    """A client seen from `address` (through the trusted proxy on loopback)."""
    client = TestClient(app, client=("127.0.0.1", 4000))
    client.headers["x-forwarded-for"] = address
    return client


def _stored(app: FastAPI) -> int:
    with app.state.session_factory() as session:
        return int(session.execute(select(func.count(Opinion.id))).scalar_one())


def _submit(client: TestClient, world: World, text: str) -> Any:
    url = f"/api/v1/consultations/{world.consultation.id}/opinions"
    headers = {"x-csrf-token": csrf_of(client)}  # an anonymous browser client's API call
    return client.post(url, json={"text": text, "anonymous": True}, headers=headers)


def _refused(response: Any) -> None:
    assert response.status_code == 429, response.text
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["error"]["code"] == "too_many_requests"


@pytest.fixture
def app(app_settings: Settings, web_world: World) -> Iterator[FastAPI]:
    limited = _app(
        app_settings,
        rate_submissions_per_minute=3,
        rate_receipt_lookups_per_minute=2,
        rate_searches_per_minute=2,
    )
    with TestClient(limited):
        yield limited


def test_submissions_beyond_the_limit_are_429_and_not_stored(
    app: FastAPI, web_world: World
) -> None:
    client = _client(app, "203.0.113.20")
    assert [_submit(client, web_world, f"Ý kiến {i}").status_code for i in range(3)] == [201] * 3
    _refused(_submit(client, web_world, "Ý kiến thứ tư"))
    assert _stored(app) == 3
    assert _submit(_client(app, "203.0.113.21"), web_world, "Nơi khác").status_code == 201


def test_the_form_beyond_the_limit_gets_a_page_with_retry_after(
    app: FastAPI, web_world: World
) -> None:
    client = _client(app, "203.0.113.30")
    for i in range(3):
        form = the_form(client, web_world, text=f"Biểu mẫu {i}")
        sent = client.post(f"/c/{web_world.consultation.id}/opinions", data=form)
        assert sent.status_code == 200, sent.text  # the confirmation page, after 303
    form = the_form(client, web_world, text="Biểu mẫu thứ tư")
    refused = client.post(f"/c/{web_world.consultation.id}/opinions", data=form)
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("text/html")
    assert "thử lại sau" in refused.text and int(refused.headers["retry-after"]) >= 1
    assert _stored(app) == 3


def test_a_signed_in_account_has_its_own_count(app: FastAPI, web_world: World) -> None:
    """Two accounts behind one address (an office's gateway) do not share a budget; a token
    counts as its account."""
    shared_address = "203.0.113.40"
    url = f"/api/v1/search?q=luat&consultation_id={web_world.consultation.id}"
    secretary, member = _client(app, shared_address), _client(app, shared_address)
    for client, username in ((secretary, "thuky"), (member, "dangvien")):
        signed_in = client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(client)},
            follow_redirects=False,
        )
        assert signed_in.status_code == 303
    assert [secretary.get(url).status_code for _ in range(2)] == [200, 200]
    _refused(secretary.get(url))
    assert member.get(url).status_code == 200
    token = member.post(
        "/api/v1/tokens", json={"username": "dangvien", "password": PASSWORD, "name": "t"}
    ).json()["token"]
    by_token = _client(app, "198.51.100.41")
    bearer = {"authorization": f"Bearer {token}"}
    assert by_token.get(url, headers=bearer).status_code == 200  # the account's second
    _refused(by_token.get(url, headers=bearer))
    assert _client(app, shared_address).get(url).status_code == 200  # anonymous: the address


def test_receipt_lookups_and_searches_are_counted_only_when_asked(
    app: FastAPI, web_world: World
) -> None:
    cid = web_world.consultation.id
    client = _client(app, "203.0.113.50")
    for _ in range(5):  # the report itself and the unfiltered list are not limited
        assert client.get(f"/api/v1/consultations/{cid}/responses").status_code == 200
        assert client.get(f"/c/{cid}/opinions").status_code == 200
    lookups = [client.get(f"/api/v1/consultations/{cid}/responses?code=K{i}") for i in range(2)]
    assert [r.status_code for r in lookups] == [200, 200]
    _refused(client.get(f"/api/v1/consultations/{cid}/responses?code=K9"))
    page = client.get(f"/c/{cid}/responses?code=K9")
    assert page.status_code == 429 and page.headers["content-type"].startswith("text/html")
    assert client.get(f"/c/{cid}/opinions?q=luat").status_code == 200
    assert client.get(f"/api/v1/consultations/{cid}/opinions?q=luat").status_code == 200
    listed = client.get(f"/c/{cid}/opinions?q=luat")
    assert listed.status_code == 429 and "retry-after" in listed.headers


def test_the_count_is_shared_by_two_processes(app_settings: Settings, web_world: World) -> None:
    first = _app(app_settings, rate_searches_per_minute=4)
    second = _app(app_settings, rate_searches_per_minute=4)
    url = f"/api/v1/search?q=luat&consultation_id={web_world.consultation.id}"
    with TestClient(first), TestClient(second):
        clients = [_client(first, "203.0.113.60"), _client(second, "203.0.113.60")]
        assert [clients[i % 2].get(url).status_code for i in range(4)] == [200] * 4
        _refused(clients[0].get(url))
        _refused(clients[1].get(url))


def test_forwarded_for_from_an_untrusted_peer_does_not_escape_the_limit(
    app: FastAPI, web_world: World
) -> None:
    url = f"/api/v1/search?q=luat&consultation_id={web_world.consultation.id}"
    statuses = []
    for i in range(3):
        client = TestClient(app, client=("198.51.100.70", 4000))  # not a trusted proxy
        client.headers["x-forwarded-for"] = f"192.0.2.{i}"
        statuses.append(client.get(url).status_code)
    assert statuses == [200, 200, 429]


def test_the_limits_hold_on_redis(app_settings: Settings, web_world: World) -> None:
    url = redis_test_url()
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    settings = {"limiter_url": url, "rate_submissions_per_minute": 2}
    first, second = _app(app_settings, **settings), _app(app_settings, **settings)
    with TestClient(first), TestClient(second):
        assert _submit(_client(first, address), web_world, "Một").status_code == 201
        assert _submit(_client(second, address), web_world, "Hai").status_code == 201
        _refused(_submit(_client(first, address), web_world, "Ba"))
        assert _stored(first) == 2
        first.state.limiter.redis.delete(f"ykien:rate:submit:ip:{address}")  # leave Redis clean
