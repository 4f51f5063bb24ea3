"""The app answers every route it answered before the route refactor (issue 11): the same
(method, path) pairs and OpenAPI operations, or more. tests/web/routes_baseline.json holds them."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI

from tests.web.browser.support import _walk_routes
from ykien.app import create_app
from ykien.config import Settings

BASELINE = json.loads((Path(__file__).parent / "routes_baseline.json").read_text(encoding="utf-8"))


def _app(tmp_path: Path) -> FastAPI:
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'routes.sqlite3'}",
        queue_url="memory://",
    )
    return create_app(settings)


def test_every_route_is_still_answered(tmp_path: Path) -> None:
    app = _app(tmp_path)
    routes = {f"{m} {p}" for p, methods in _walk_routes(app.routes, "") for m in methods}
    assert sorted(set(BASELINE["routes"]) - routes) == []


def test_every_api_operation_is_still_documented(tmp_path: Path) -> None:
    paths = _app(tmp_path).openapi()["paths"]
    operations = {f"{m.upper()} {p}" for p, ops in paths.items() for m in ops}
    assert sorted(set(BASELINE["openapi"]) - operations) == []
