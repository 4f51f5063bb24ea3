"""Revocable sessions, the shared sign-in limiter, trusted proxies, refused inputs (no 500s),
security headers and admission control."""

from __future__ import annotations

import asyncio
import threading
import unicodedata
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import redis_test_url
from tests.factories import World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts import service as accounts
from ykien.accounts.models import Membership
from ykien.app import create_app
from ykien.config import Settings
from ykien.db.engine import unit_of_work
from ykien.opinions.models import Opinion
from ykien.web.guard import AdmissionControl

BIG = 2**40


def _sign_in(client: TestClient, username: str = "thuky", password: str = PASSWORD) -> int:
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    ).status_code


def _me(app: object, cookies: dict[str, str]) -> int:
    with TestClient(app, cookies=cookies) as other:  # type: ignore[arg-type]
        return other.get("/api/v1/me").status_code


def _cookies(client: TestClient) -> dict[str, str]:
    return {"ykien_session": client.cookies["ykien_session"]}


# --- sessions ---------------------------------------------------------------------------------


def test_a_copied_cookie_is_dead_after_sign_out(client: TestClient) -> None:
    assert _sign_in(client) == 303
    stolen = _cookies(client)
    assert _me(client.app, stolen) == 200
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert _me(client.app, stolen) == 401


def test_a_password_change_ends_the_other_sessions_only(client: TestClient) -> None:
    assert _sign_in(client) == 303
    elsewhere = _cookies(client)
    client.cookies.clear()
    assert _sign_in(client) == 303
    new = PASSWORD + "-moi"
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": new, "confirm": new, "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 200
    assert client.get("/api/v1/me").status_code == 200  # this session lives on
    assert _me(client.app, elsewhere) == 401


def test_sign_out_everywhere_and_role_removal_end_every_session(
    client: TestClient, app_settings: Settings
) -> None:
    assert _sign_in(client) == 303
    first = _cookies(client)
    client.post("/account/sessions/end", data={"csrf_token": csrf_of(client)})
    assert _me(client.app, first) == 401
    assert _sign_in(client) == 303
    second = _cookies(client)
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    with unit_of_work(factory) as session:
        membership = session.execute(select(Membership)).scalars().first()
        assert membership is not None
        accounts.revoke_role(session=session, membership_id=membership.id)
    assert _me(client.app, second) == 401


def test_an_idle_session_ends(app_settings: Settings, web_world: World) -> None:
    settings = app_settings.model_copy(update={"session_idle_seconds": 60})
    with TestClient(create_app(settings)) as client:
        assert _sign_in(client) == 303
        assert client.get("/api/v1/me").status_code == 200
        import time as clock

        real = clock.time
        try:
            clock.time = lambda: real() + 120  # type: ignore[assignment]
            assert client.get("/api/v1/me").status_code == 401
        finally:
            clock.time = real  # type: ignore[assignment]


# --- the sign-in limiter ----------------------------------------------------------------------


@pytest.fixture
def two_apps(app_settings: Settings, web_world: World) -> Iterator[tuple[object, object]]:
    """Two app instances on one database, as two worker processes would be, behind a proxy."""
    settings = app_settings.model_copy(update={"trusted_proxies": "127.0.0.1"})
    first, second = create_app(settings), create_app(settings)
    with TestClient(first), TestClient(second):
        yield first, second


def _from(app: object, address: str, proxy: str = "127.0.0.1") -> TestClient:
    client = TestClient(app, client=(proxy, 4000))  # type: ignore[arg-type]
    client.headers["x-forwarded-for"] = address
    return client


def test_failures_count_across_processes_and_block_only_that_place(
    two_apps: tuple[object, object],
) -> None:
    first, second = two_apps
    attacker_1, attacker_2 = _from(first, "203.0.113.9"), _from(second, "203.0.113.9")
    for attempt in range(6):
        assert _sign_in(attacker_1 if attempt % 2 else attacker_2, password="sai") in (400, 429)
    assert _sign_in(attacker_1) == 429  # even with the right password, from that place
    assert _sign_in(_from(second, "198.51.100.7")) == 303  # the owner, elsewhere
    assert _sign_in(_from(first, "203.0.113.9"), username="dangvien") == 303  # another account


def test_forwarded_for_is_ignored_from_an_untrusted_peer(
    two_apps: tuple[object, object],
) -> None:
    first, _second = two_apps
    results = []
    for i in range(7):
        rotating = _from(first, f"192.0.2.{i}", proxy="198.51.100.50")  # not a trusted proxy
        results.append(_sign_in(rotating, password="sai"))
    assert results[-1] == 429


def test_the_limiter_works_on_redis(app_settings: Settings, web_world: World) -> None:
    settings = app_settings.model_copy(update={"limiter_url": redis_test_url()})
    app = create_app(settings)
    with TestClient(app, client=(f"10.9.{id(app) % 250}.1", 1)) as client:
        statuses = [_sign_in(client, password="sai") for _ in range(6)]
        assert statuses[-1] == 429
        app.state.limiter.succeeded(  # leave Redis clean
            __import__("ykien.accounts.limiter").accounts.limiter.rules(
                "thuky", f"10.9.{id(app) % 250}.1"
            )
        )


# --- refused inputs ---------------------------------------------------------------------------


def _token(client: TestClient) -> dict[str, str]:
    response = client.post(
        "/api/v1/tokens", json={"username": "dangvien", "password": PASSWORD, "name": "t"}
    )
    assert response.status_code == 201, response.text
    return {"authorization": f"Bearer {response.json()['token']}"}


def _error_json(response: object, status: int) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert set(response.json()["error"]) == {"code", "message"}  # type: ignore[attr-defined]


def test_out_of_range_ids_and_nul_bytes_are_4xx_in_the_app_format(
    client: TestClient, web_world: World
) -> None:
    cid = web_world.consultation.id
    _error_json(client.get(f"/api/v1/drafts/{BIG}"), 422)  # the id is validated as DbId
    _error_json(client.get(f"/api/v1/search?q=x&consultation_id={BIG}"), 422)
    _error_json(client.get(f"/api/v1/consultations/{cid}/responses?code=a%00b"), 400)
    auth = _token(client)
    url = f"/api/v1/consultations/{cid}/opinions"
    _error_json(client.post(url, json={"text": "x", "section_id": BIG}, headers=auth), 422)
    _error_json(client.post(url, json={"text": "có\u0000nul"}, headers=auth), 400)
    _error_json(client.post(url, json={"text": "x", "anonymous": "yes"}, headers=auth), 422)
    with db_session(client) as session:
        assert session.execute(select(Opinion.id)).first() is None


def db_session(client: TestClient):  # type: ignore[no-untyped-def]
    return client.app.state.session_factory()  # type: ignore[attr-defined]


def test_an_oversized_chunked_body_is_413(app_settings: Settings, web_world: World) -> None:
    settings = app_settings.model_copy(update={"max_upload_bytes": 1_000})
    with TestClient(create_app(settings)) as client:

        def chunks() -> Iterator[bytes]:
            for _ in range(300):
                yield b'{"text": "' + b"x" * 1_000 + b'"}'

        response = client.post(
            f"/api/v1/consultations/{web_world.consultation.id}/opinions",
            content=chunks(),
            headers={"content-type": "application/json", "authorization": "Bearer x"},
        )
        _error_json(response, 413)


def test_an_unexpected_error_is_answered_as_json(app_settings: Settings) -> None:
    app = create_app(app_settings)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        _error_json(client.get("/api/v1/boom"), 500)


def test_utf8_idempotency_keys_in_either_normal_form_are_one_key(
    client: TestClient, web_world: World
) -> None:
    auth = _token(client)
    url = f"/api/v1/consultations/{web_world.consultation.id}/opinions"
    composed = "khoá-gửi-1"
    statuses = []
    for key in (composed, unicodedata.normalize("NFD", composed)):
        headers = {**auth, "idempotency-key": key.encode("utf-8")}  # type: ignore[dict-item]
        statuses.append(client.post(url, json={"text": "Một ý kiến"}, headers=headers).status_code)
    assert statuses == [201, 200]
    with db_session(client) as session:
        assert session.execute(select(Opinion.idempotency_key)).scalars().all() == [composed]


# --- headers and docs -------------------------------------------------------------------------


def test_security_headers_and_no_docs_in_production(
    app_settings: Settings, web_world: World
) -> None:
    with TestClient(create_app(app_settings)) as client:
        page = client.get("/")
        csp = page.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in page.headers
        assert client.get("/api/docs").status_code == 200
    production = app_settings.model_copy(
        update={"environment": "production", "secret_key": "s" * 40}
    )
    with TestClient(create_app(production), base_url="https://testserver") as client:
        page = client.get("/")
        assert page.headers["strict-transport-security"].startswith("max-age=")
        assert client.get("/api/docs").status_code == 404


def test_openapi_documents_the_error_answers(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    submit = schema["paths"]["/api/v1/consultations/{consultation_id}/opinions"]["post"]
    assert {"401", "404", "422", "503"} <= set(submit["responses"])
    assert "ErrorOut" in str(submit["responses"]["503"])


# --- admission control ------------------------------------------------------------------------


def test_beyond_the_bound_requests_are_refused_at_once_with_retry_after() -> None:
    release = asyncio.Event()

    async def slow_app(scope, receive, send):  # type: ignore[no-untyped-def]
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guard = AdmissionControl(slow_app, max_in_flight=2)
    answers: list[tuple[int, dict[bytes, bytes]]] = []

    async def call() -> None:
        sent: list[dict[str, object]] = []

        async def send(message):  # type: ignore[no-untyped-def]
            sent.append(message)

        async def receive():  # type: ignore[no-untyped-def]
            return {"type": "http.request", "body": b""}

        scope = {"type": "http", "path": "/api/v1/x", "headers": []}
        await guard(scope, receive, send)
        start = sent[0]
        answers.append((start["status"], dict(start["headers"])))  # type: ignore[arg-type]

    refused: list[tuple[int, dict[bytes, bytes]]] = []

    async def burst() -> None:
        tasks = [asyncio.create_task(call()) for _ in range(5)]
        await asyncio.sleep(0.05)
        refused.extend(answers)  # answered while two were still in progress
        release.set()
        await asyncio.gather(*tasks)

    # a thread of its own: the browser tests' driver may hold this thread's event loop
    runner = threading.Thread(target=asyncio.run, args=(burst(),))
    runner.start()
    runner.join(timeout=30)
    assert not runner.is_alive()
    assert [status for status, _h in refused] == [503, 503, 503]
    assert all(headers[b"retry-after"] == b"1" for _s, headers in refused)
    assert sorted(status for status, _h in answers) == [200, 200, 503, 503, 503]
    assert guard.in_flight == 0


def test_a_standing_intake_refuses_api_submissions_before_reading_them() -> None:
    """While the intake would refuse, an API submission is answered 503 by the outermost
    layer (the app never runs for it); other requests and the browser's form go through."""
    reached: list[str] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        reached.append(f"{scope['method']} {scope['path']}")
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    class Writer:
        full = True

        def overloaded(self) -> bool:
            return self.full

    writer = Writer()
    guard = AdmissionControl(app, max_in_flight=100, writer=writer)  # type: ignore[arg-type]

    def status(method: str, path: str) -> tuple[int, dict[bytes, bytes]]:
        sent: list[dict[str, object]] = []

        async def send(message):  # type: ignore[no-untyped-def]
            sent.append(message)

        async def receive():  # type: ignore[no-untyped-def]
            raise AssertionError("the body of a refused submission is never read")

        scope = {"type": "http", "method": method, "path": path, "headers": []}
        done = threading.Thread(target=asyncio.run, args=(guard(scope, receive, send),))
        done.start()
        done.join(timeout=30)
        return sent[0]["status"], dict(sent[0]["headers"])  # type: ignore[return-value, arg-type]

    code, headers = status("POST", "/api/v1/consultations/7/opinions")
    assert (code, headers[b"retry-after"]) == (503, b"1")
    assert status("GET", "/api/v1/consultations/7/opinions")[0] == 201
    assert status("POST", "/c/7/opinions")[0] == 201  # the form: redrawn by the intake
    writer.full = False
    assert status("POST", "/api/v1/consultations/7/opinions")[0] == 201
    assert reached == [
        "GET /api/v1/consultations/7/opinions",
        "POST /c/7/opinions",
        "POST /api/v1/consultations/7/opinions",
    ]
    assert guard.refused == 1
