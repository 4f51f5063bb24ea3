"""What the analysis pages share: the page frame, paging, and queueing a run after commit."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from ykien.analysis import jobs
from ykien.analysis.access import may_edit
from ykien.consultations import service as consultations
from ykien.web.deps import MAX_ID, Principal
from ykien.web.forms import Problem
from ykien.web.templating import render

log = logging.getLogger("ykien.analysis.routes")
IdList = Annotated[list[int], Form(max_length=1_000)]
Page = Annotated[int, Query(ge=0, le=1_000_000)]
After = Annotated[int, Query(ge=0, le=MAX_ID, description="the last opinion id of the page before")]
Cursor = Annotated[str, Query(max_length=60, description="where the page before ended")]
PAGE_SIZE = 50


def analysis_page(
    request: Request,
    db: Session,
    principal: Principal,
    consultation_id: int,
    template: str,
    context: dict[str, Any],
    problem: Problem | None = None,
) -> HTMLResponse:
    """An analysis page of the consultation (with the problem of a refused form, if any)."""
    full = {
        "consultation": consultations.get(session=db, consultation_id=consultation_id),
        "may_edit": may_edit(db, principal, consultation_id),
        **context,
        "error": problem.message if problem else None,
    }
    return render(request, template, full, problem.status_code if problem else 200)


def enqueue_after_commit(request: Request, run_id: int) -> None:
    """Queue the run (a background task: it runs once the request's transaction is committed)."""
    try:
        jobs.enqueue(request.app.state.queue, run_id)
    except Exception:  # the failure is recorded on the run and shown on the page
        log.exception("analysis run %s failed", run_id)
