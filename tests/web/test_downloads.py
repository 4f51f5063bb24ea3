"""The OpenAPI schema declares what downloads really answer, and the app's error answers on
every operation."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import World
from tests.web.conftest import PASSWORD

DOWNLOADS = (
    "/c/{consultation_id}/responses/report.{fmt}",
    "/syntheses/{synthesis_id}/report.{fmt}",
    "/c/{consultation_id}/import/{batch_id}/report",
)


def test_downloads_declare_their_media_types_not_json(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in DOWNLOADS:
        declared = set(paths[path]["get"]["responses"]["200"]["content"])
        assert declared - {"application/json"}, path
    reports = set(paths[DOWNLOADS[0]]["get"]["responses"]["200"]["content"])
    assert {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/csv",
    } <= reports
    assert set(paths[DOWNLOADS[2]]["get"]["responses"]["200"]["content"]) == {"text/csv"}


def test_a_download_answers_a_declared_media_type(client: TestClient, web_world: World) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    declared = set(paths[DOWNLOADS[0]]["get"]["responses"]["200"]["content"])
    for fmt in ("docx", "xlsx", "csv"):
        got = client.get(f"/c/{web_world.consultation.id}/responses/report.{fmt}")
        assert got.status_code == 200, got.text
        assert got.headers["content-type"].split(";")[0] in declared


def test_every_operation_documents_its_refusals_in_the_error_schema(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            for status in ("401", "403", "404", "422"):
                answer = operation["responses"].get(status)
                assert answer, (method, path, status)
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)


def test_a_download_refused_to_an_api_token_answers_the_error_json(
    client: TestClient, web_world: World
) -> None:
    token = client.post(
        "/api/v1/tokens", json={"username": "thuky", "password": PASSWORD, "name": "t"}
    ).json()["token"]
    missing = client.get(
        f"/c/{web_world.consultation.id}/import/999/report",
        headers={"authorization": f"Bearer {token}"},
    )
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/json")
    assert set(missing.json()["error"]) == {"code", "message"}
    assert (
        client.get(f"/c/{web_world.consultation.id}/import/999/report")
        .headers["content-type"]
        .startswith("text/html")
    )  # the browser still gets a page
