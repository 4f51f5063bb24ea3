"""The web toolkit on a real database: one commit point, form redraw, form -> input model, twins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.testclient import TestClient
from jinja2 import DictLoader
from pydantic import BaseModel, Field
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from starlette.middleware.sessions import SessionMiddleware

from ykien.config import Settings
from ykien.db.engine import make_session_factory
from ykien.errors import UserError
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.web.deps import PathId
from ykien.web.forms import FormFields, Problem, Redraw, parse_form, redraw_on_error, see_other
from ykien.web.pairing import page_and_json
from ykien.web.templating import make_templates
from ykien.web.tx import Db, Tx


class OrgIn(BaseModel):
    name: str = Field(max_length=50)
    parent_id: int | None = None
    tags: list[str] = []
    fail_after_write: bool = False


class OrgOut(BaseModel):
    id: int
    name: str
    level: int


def _create(db: Session, body: OrgIn) -> Organisation:
    org = orgs.create(session=db, name=body.name, parent_id=body.parent_id)
    db.flush()
    if body.fail_after_write:
        raise UserError("late", "Lỗi sau khi ghi.", "Refused after writing.")
    return org


def _app(engine: Engine, tmp_path: Path) -> FastAPI:
    router = APIRouter()

    @router.post("/api/orgs", status_code=201)
    def api_create(body: OrgIn, db: Tx) -> OrgOut:
        return OrgOut.model_validate(_create(db, body), from_attributes=True)

    @router.post("/orgs")
    def page_create(request: Request, form: FormFields, db: Tx) -> Response:
        def redraw(problem: Problem) -> Response:
            count = db.scalar(select(func.count()).select_from(Organisation))
            typed = form.get("name")
            body = f"{problem.code}|{problem.status_code}|{typed}|{count}"
            return HTMLResponse(body, status_code=problem.status_code)

        with redraw_on_error(request, db, redraw):
            org = _create(db, parse_form(OrgIn, form))
        return see_other(f"/orgs/{org.id}")

    @page_and_json(router, "/orgs/{org_id}", "/api/orgs/{org_id}", template="t.html", tags=["t"])
    def read_org(org_id: PathId, db: Db) -> OrgOut:
        """One organisation."""
        return OrgOut.model_validate(
            orgs.get(session=db, organisation_id=org_id), from_attributes=True
        )

    app = FastAPI()
    app.state.session_factory = make_session_factory(engine)
    app.state.settings = Settings(environment="test", data_dir=tmp_path)
    app.include_router(router)

    @app.exception_handler(Redraw)
    async def redrawn(_request: Request, signal: Redraw) -> Response:
        return signal.response

    @app.exception_handler(UserError)
    async def refused(_request: Request, error: UserError) -> Response:
        return HTMLResponse(error.code, status_code=error.status_code)

    app.add_middleware(SessionMiddleware, secret_key="test")
    templates = make_templates(app.state.settings)
    templates.env.loader = DictLoader({"t.html": "{{ data.name }} at level {{ data.level }}"})
    app.state.templates = templates
    return app


@pytest.fixture
def toolkit(fresh_engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, Engine]]:
    with TestClient(_app(fresh_engine, tmp_path)) as client:
        yield client, fresh_engine


def _count(engine: Engine) -> int:
    with Session(engine) as db:
        return db.scalar(select(func.count()).select_from(Organisation)) or 0


def test_json_state_change_is_committed_before_the_answer(
    toolkit: tuple[TestClient, Engine],
) -> None:
    client, engine = toolkit
    answer = client.post("/api/orgs", json={"name": "Khối Cơ quan"})
    assert answer.status_code == 201
    assert _count(engine) == 1
    assert client.get(f"/api/orgs/{answer.json()['id']}").json()["name"] == "Khối Cơ quan"


def test_refused_after_a_write_rolls_back(toolkit: tuple[TestClient, Engine]) -> None:
    client, engine = toolkit
    answer = client.post("/api/orgs", json={"name": "Đoàn", "fail_after_write": True})
    assert answer.status_code == 400
    assert _count(engine) == 0


def test_form_redraws_with_what_was_typed_and_writes_nothing(
    toolkit: tuple[TestClient, Engine],
) -> None:
    client, engine = toolkit
    answer = client.post("/orgs", data={"name": "Hội Cựu chiến binh", "fail_after_write": "on"})
    assert answer.status_code == 400
    # the redraw sees the rolled-back state (0 rows) and the typed name
    assert answer.text == "late|400|Hội Cựu chiến binh|0"
    assert _count(engine) == 0


def test_form_fills_the_api_model_and_goes_on(toolkit: tuple[TestClient, Engine]) -> None:
    client, engine = toolkit
    answer = client.post(
        "/orgs", data={"name": "Công đoàn", "parent_id": ""}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert _count(engine) == 1
    page = client.get(answer.headers["location"])
    assert page.text == "Công đoàn at level 0"


def test_bad_form_field_is_a_422_naming_it(toolkit: tuple[TestClient, Engine]) -> None:
    client, engine = toolkit
    answer = client.post("/orgs", data={"name": "x" * 51, "parent_id": "abc"})
    assert answer.status_code == 422
    assert answer.text.startswith("invalid_form|422|")
    assert _count(engine) == 0


def test_twin_ids_are_bounded(toolkit: tuple[TestClient, Engine]) -> None:
    client, _ = toolkit
    assert client.get("/api/orgs/1099511627776").status_code == 422
    assert client.get("/orgs/0").status_code == 422


def test_parse_form_lists_and_checkboxes() -> None:
    body = parse_form(OrgIn, {"name": "A", "tags": ["x", "", "y"]})
    assert body.tags == ["x", "y"] and body.fail_after_write is False and body.parent_id is None
    assert parse_form(OrgIn, {"name": "A", "tags": "z", "fail_after_write": "1"}).tags == ["z"]
