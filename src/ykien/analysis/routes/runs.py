"""The analysis overview, its progress and running the analysis; the JSON twins.

Staff whose roles cover the consultation may look; secretaries (and admins) covering it may run
the analysis. A run is queued in a background task, after the request's transaction commits.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.analysis import service as analysis
from ykien.analysis.access import Editable, Viewable, ViewableRun
from ykien.analysis.models import AnalysisRun
from ykien.analysis.routes.common import analysis_page, enqueue_after_commit
from ykien.analysis.schemas import OverviewOut, RunOut, RunRequest
from ykien.web.deps import Principal, require_staff
from ykien.web.forms import Problem, redraw_on_error, see_other
from ykien.web.security import verify_csrf
from ykien.web.templating import render
from ykien.web.tx import Db, Tx

router = APIRouter()
ThemeCount = Annotated[int, Form(ge=2, le=analysis.MAX_THEMES)]


def request_run(
    db: Session,
    principal: Principal,
    consultation_id: int,
    body: RunRequest,
    background: BackgroundTasks,
    request: Request,
) -> AnalysisRun:
    """Record a run and queue it once committed (409 while another one waits or runs)."""
    run = analysis.request_run(
        session=db,
        consultation_id=consultation_id,
        requested_by=principal.person_id,
        engine=body.engine,
        min_themes=body.min_themes,
        max_themes=body.max_themes,
    )
    background.add_task(enqueue_after_commit, request, run.id)
    return run


def overview_page(
    request: Request,
    db: Session,
    principal: Principal,
    consultation_id: int,
    problem: Problem | None = None,
    typed: dict[str, Any] | None = None,
) -> HTMLResponse:
    context = {
        "overview": analysis.overview(session=db, consultation_id=consultation_id),
        "runs": analysis.runs(session=db, consultation_id=consultation_id, limit=10),
        "pending_limit": analysis.PENDING_LIMIT,
        "typed": typed or {"min_themes": 2, "max_themes": 12},
    }
    return analysis_page(
        request, db, principal, consultation_id, "analysis/overview.html", context, problem
    )


@router.get("/c/{consultation_id}/analysis", response_class=HTMLResponse, include_in_schema=False)
def analysis_overview_page(
    request: Request,
    db: Db,
    principal: Principal = Depends(require_staff),
    consultation_id: int = Viewable,
) -> HTMLResponse:
    return overview_page(request, db, principal, consultation_id)


@router.get(
    "/c/{consultation_id}/analysis/progress",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def analysis_progress(request: Request, db: Db, consultation_id: int = Viewable) -> HTMLResponse:
    """The latest run's progress (polled by htmx while it runs)."""
    latest = analysis.runs(session=db, consultation_id=consultation_id, limit=1)
    return render(
        request,
        "analysis/_progress.html",
        {"run": latest[0] if latest else None, "consultation_id": consultation_id},
    )


@router.post(
    "/c/{consultation_id}/analysis/run",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def run_analysis_page(
    request: Request,
    background: BackgroundTasks,
    db: Tx,
    min_themes: ThemeCount = 2,
    max_themes: ThemeCount = 12,
    principal: Principal = Depends(require_staff),
    consultation_id: int = Editable,
) -> Response:
    typed = {"min_themes": min_themes, "max_themes": max_themes}

    def again(problem: Problem) -> HTMLResponse:
        return overview_page(request, db, principal, consultation_id, problem, typed)

    with redraw_on_error(request, db, again):
        body = RunRequest(min_themes=min_themes, max_themes=max_themes)
        request_run(db, principal, consultation_id, body, background, request)
    return see_other(f"/c/{consultation_id}/analysis")


@router.get("/api/v1/consultations/{consultation_id}/analysis", response_model=OverviewOut)
def api_overview(db: Db, consultation_id: int = Viewable) -> OverviewOut:
    return OverviewOut.of(analysis.overview(session=db, consultation_id=consultation_id))


@router.post(
    "/api/v1/consultations/{consultation_id}/analysis/runs",
    response_model=RunOut,
    status_code=202,
    dependencies=[Depends(verify_csrf)],
)
def api_request_run(
    request: Request,
    body: RunRequest,
    background: BackgroundTasks,
    db: Tx,
    principal: Principal = Depends(require_staff),
    consultation_id: int = Editable,
) -> RunOut:
    """Queue an analysis run; poll GET /api/v1/analysis/runs/{id} for its progress."""
    run = request_run(db, principal, consultation_id, body, background, request)
    db.flush()
    return RunOut.model_validate(run, from_attributes=True)


@router.get("/api/v1/analysis/runs/{run_id}", response_model=RunOut)
def api_run(run: AnalysisRun = ViewableRun) -> RunOut:
    return RunOut.model_validate(run, from_attributes=True)
