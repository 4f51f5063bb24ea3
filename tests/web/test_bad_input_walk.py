"""Every route, walked as a signed-in secretary with input that cannot be valid: ids beyond the
databases' INTEGER in the path and in the body, NUL bytes in the query and in the body. No
answer may be a server error, every refusal is in the app's error format, and nothing is
written."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.web.browser.support import _walk_routes
from tests.web.conftest import PASSWORD
from ykien.audit.models import AuditEvent

BIG = 2**40
PARAMETER = re.compile(r"\{([a-z_]+)\}")
NOT_IDS = {"token": "abc", "fmt": "docx"}
# the walker's own credential would end here, and every later request would be a mere 401
ENDS_THE_WALK = {
    ("POST", "/account/tokens/{token_id}/revoke"),
    ("POST", "/logout"),
    ("POST", "/account/sessions/end"),
}
BODY = {
    "text": "có\u0000nul",
    "name": "x\u0000",
    "section_id": BIG,
    "organisation_id": BIG,
    "person_id": BIG,
    "target_id": BIG,
    "decision_ids": [BIG],
    "opinion_ids": [BIG],
}


def _routes(client: TestClient) -> list[tuple[str, str]]:
    found = set()
    for path, methods in _walk_routes(client.app.routes, ""):  # type: ignore[attr-defined]
        if path.startswith(("/static", "/api/docs", "/docs")):
            continue
        for method in methods - {"HEAD", "OPTIONS"}:
            if (method, path) not in ENDS_THE_WALK:
                found.add((method, path))
    return sorted(found)


def _filled(path: str, value: object) -> str:
    return PARAMETER.sub(lambda m: NOT_IDS.get(m.group(1), str(value)), path)


def _token(client: TestClient) -> dict[str, str]:
    response = client.post(
        "/api/v1/tokens", json={"username": "thuky", "password": PASSWORD, "name": "walk"}
    )
    assert response.status_code == 201, response.text
    return {"authorization": f"Bearer {response.json()['token']}"}


def _audit_count(client: TestClient) -> int:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def _audit_actions(client: TestClient, after: int) -> list[str]:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id).offset(after))
        return [f"{row.action} {row.entity_type}" for row in rows]


def test_no_route_answers_bad_input_with_a_server_error(client: TestClient) -> None:
    auth = {**_token(client), "accept": "application/json"}
    before = _audit_count(client)
    problems = []
    for method, path in _routes(client):
        attempts = [
            (_filled(path, BIG), None),
            (_filled(path, 1) + "?q=a%00b&section_id=" + str(BIG), None),
        ]
        if method != "GET":
            attempts.append((_filled(path, 1), BODY))
        for url, body in attempts:
            if body is not None and not url.startswith("/api/"):  # a page takes a form
                form = {
                    k: [str(x) for x in v] if isinstance(v, list) else str(v)
                    for k, v in body.items()
                }
                response = client.request(method, url, data=form, headers=auth)
            else:
                response = client.request(method, url, json=body, headers=auth)
            if response.status_code >= 500:
                problems.append(f"{method} {url}: {response.status_code} {response.text[:120]}")
            elif (
                response.status_code >= 400
                and response.headers.get("content-type", "").startswith("application/json")
                and set(response.json().get("error", {})) != {"code", "message"}
            ):
                problems.append(f"{method} {url}: not the app's error format")
    assert problems == []
    # nothing out of range or with a NUL was recorded
    assert _audit_actions(client, after=before) == []
