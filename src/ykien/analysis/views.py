"""Analysis pages (runs, campaigns, themes, proposals) for the secretariat, and their JSON twins.

Staff whose roles cover the consultation may look; secretaries (and admins) covering it may run
the analysis and confirm, undo, split, rename, merge and move.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ykien.analysis import jobs
from ykien.analysis import service as analysis
from ykien.analysis.models import AnalysisRun
from ykien.consultations import service as consultations
from ykien.errors import UserError
from ykien.web.access import check_runs
from ykien.web.deps import MAX_ID, MODERATOR_ROLES, STAFF_ROLES, PathId, Principal, require_staff
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language
from ykien.web.tx import get_db

router = APIRouter()
log = logging.getLogger(__name__)
Id = PathId
IdList = Annotated[list[int], Form(max_length=1_000)]
Page = Annotated[int, Query(ge=0, le=1_000_000)]
PAGE_SIZE = 50


def _view(db: Session, principal: Principal, consultation_id: int) -> None:
    check_runs(db, principal, consultation_id, STAFF_ROLES)


def _edit(db: Session, principal: Principal, consultation_id: int) -> None:
    check_runs(db, principal, consultation_id, MODERATOR_ROLES)


def _may_edit(db: Session, principal: Principal, consultation_id: int) -> bool:
    try:
        _edit(db, principal, consultation_id)
    except UserError:
        return False
    return True


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _page(
    request: Request,
    db: Session,
    principal: Principal,
    consultation_id: int,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    consultation = consultations.get(session=db, consultation_id=consultation_id)
    full = {
        "consultation": consultation,
        "may_edit": _may_edit(db, principal, consultation_id),
        **context,
    }
    return render(request, template, full, status_code)


def _acting(
    request: Request,
    db: Session,
    principal: Principal,
    consultation_id: int,
    action: Callable[[], Any],
    done: str,
    failed: Callable[[str, int], Response],
) -> Response:
    """Run a state change, commit and go to `done`; on bad input show `failed` with the message."""
    try:
        action()
    except UserError as bad:
        db.rollback()
        return failed(bad.message(request_language(request)), bad.status_code)
    db.commit()
    return _back(done)


# --- pages ----------------------------------------------------------------------------------


@router.get("/c/{consultation_id}/analysis", response_class=HTMLResponse, include_in_schema=False)
def analysis_page(
    request: Request,
    consultation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    _view(db, principal, consultation_id)
    return _overview_page(request, db, principal, consultation_id)


def _overview_page(
    request: Request,
    db: Session,
    principal: Principal,
    consultation_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
    typed: dict[str, Any] | None = None,
) -> HTMLResponse:
    return _page(
        request,
        db,
        principal,
        consultation_id,
        "analysis/overview.html",
        {
            "overview": analysis.overview(session=db, consultation_id=consultation_id),
            "runs": analysis.runs(session=db, consultation_id=consultation_id, limit=10),
            "error": error,
            "typed": typed or {"min_themes": 2, "max_themes": 12},
        },
        status_code,
    )


@router.get(
    "/c/{consultation_id}/analysis/progress",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def analysis_progress(
    request: Request,
    consultation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    """The latest run's progress (polled by htmx while it runs)."""
    _view(db, principal, consultation_id)
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
    consultation_id: Id,
    min_themes: Annotated[int, Form(ge=2, le=analysis.MAX_THEMES)] = 2,
    max_themes: Annotated[int, Form(ge=2, le=analysis.MAX_THEMES)] = 12,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    _edit(db, principal, consultation_id)
    try:
        run = analysis.request_run(
            session=db,
            consultation_id=consultation_id,
            requested_by=principal.person_id,
            min_themes=min_themes,
            max_themes=max_themes,
        )
    except UserError as bad:
        db.rollback()
        return _overview_page(
            request,
            db,
            principal,
            consultation_id,
            error=bad.message(request_language(request)),
            status_code=bad.status_code,
            typed={"min_themes": min_themes, "max_themes": max_themes},
        )
    db.commit()
    _enqueue(request, run.id)
    return _back(f"/c/{consultation_id}/analysis")


def _enqueue(request: Request, run_id: int) -> None:
    try:
        jobs.enqueue(request.app.state.queue, run_id)
    except Exception:  # the failure is recorded on the run and shown on the page
        log.exception("analysis run %s failed", run_id)


@router.get(
    "/c/{consultation_id}/analysis/campaigns",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def campaigns_page(
    request: Request,
    consultation_id: Id,
    page: Page = 0,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    _view(db, principal, consultation_id)
    found = analysis.campaigns(
        session=db, consultation_id=consultation_id, limit=PAGE_SIZE + 1, offset=page * PAGE_SIZE
    )
    return _page(
        request,
        db,
        principal,
        consultation_id,
        "analysis/campaigns.html",
        {"campaigns": found[:PAGE_SIZE], "page": page, "more": len(found) > PAGE_SIZE},
    )


@router.get("/analysis/campaigns/{group_id}", response_class=HTMLResponse, include_in_schema=False)
def campaign_page(
    request: Request,
    group_id: Id,
    page: Page = 0,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    return _campaign_page(request, db, principal, group_id, page)


def _campaign_page(
    request: Request,
    db: Session,
    principal: Principal,
    group_id: int,
    page: int = 0,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = analysis.campaign(session=db, group_id=group_id)
    _view(db, principal, view.group.consultation_id)
    members = analysis.campaign_members(
        session=db, group_id=group_id, limit=PAGE_SIZE + 1, offset=page * PAGE_SIZE
    )
    return _page(
        request,
        db,
        principal,
        view.group.consultation_id,
        "analysis/campaign.html",
        {
            "view": view,
            "members": members[:PAGE_SIZE],
            "page": page,
            "more": len(members) > PAGE_SIZE,
            "error": error,
        },
        status_code,
    )


@router.post(
    "/analysis/campaigns/{group_id}/decide",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def decide_campaign_page(
    request: Request,
    group_id: Id,
    action: Annotated[str, Form(max_length=20)],
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    group = analysis.get_campaign(session=db, group_id=group_id)
    _edit(db, principal, group.consultation_id)
    return _acting(
        request,
        db,
        principal,
        group.consultation_id,
        lambda: analysis.decide_campaign(
            session=db, group_id=group_id, action=action, actor_person_id=principal.person_id
        ),
        f"/analysis/campaigns/{group_id}",
        lambda message, status: _campaign_page(
            request, db, principal, group_id, error=message, status_code=status
        ),
    )


@router.post(
    "/analysis/campaigns/{group_id}/split",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def split_campaign_page(
    request: Request,
    group_id: Id,
    opinion_ids: IdList = [],  # noqa: B006 (FastAPI copies defaults)
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    group = analysis.get_campaign(session=db, group_id=group_id)
    _edit(db, principal, group.consultation_id)
    return _acting(
        request,
        db,
        principal,
        group.consultation_id,
        lambda: analysis.split_campaign(
            session=db,
            group_id=group_id,
            opinion_ids=opinion_ids,
            actor_person_id=principal.person_id,
        ),
        f"/analysis/campaigns/{group_id}",
        lambda message, status: _campaign_page(
            request, db, principal, group_id, error=message, status_code=status
        ),
    )


@router.get(
    "/c/{consultation_id}/analysis/themes", response_class=HTMLResponse, include_in_schema=False
)
def themes_page(
    request: Request,
    consultation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    _view(db, principal, consultation_id)
    return _themes_page(request, db, principal, consultation_id)


def _themes_page(
    request: Request,
    db: Session,
    principal: Principal,
    consultation_id: int,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return _page(
        request,
        db,
        principal,
        consultation_id,
        "analysis/themes.html",
        {
            "themes": analysis.theme_list(session=db, consultation_id=consultation_id),
            "error": error,
        },
        status_code,
    )


@router.get("/analysis/themes/{theme_id}", response_class=HTMLResponse, include_in_schema=False)
def theme_page(
    request: Request,
    theme_id: Id,
    page: Page = 0,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    return _theme_page(request, db, principal, theme_id, page)


def _theme_page(
    request: Request,
    db: Session,
    principal: Principal,
    theme_id: int,
    page: int = 0,
    error: str | None = None,
    status_code: int = 200,
    typed_label: str | None = None,
) -> HTMLResponse:
    view = analysis.theme(session=db, theme_id=theme_id)
    consultation_id = view.theme.consultation_id
    _view(db, principal, consultation_id)
    members = analysis.theme_members(
        session=db, theme_id=theme_id, limit=PAGE_SIZE + 1, offset=page * PAGE_SIZE
    )
    others = [
        t.theme
        for t in analysis.theme_list(session=db, consultation_id=consultation_id)
        if t.theme.id != theme_id
    ]
    return _page(
        request,
        db,
        principal,
        consultation_id,
        "analysis/theme.html",
        {
            "view": view,
            "members": members[:PAGE_SIZE],
            "page": page,
            "more": len(members) > PAGE_SIZE,
            "others": others,
            "error": error,
            "typed_label": typed_label if typed_label is not None else view.theme.label,
        },
        status_code,
    )


def _theme_action(
    request: Request,
    db: Session,
    principal: Principal,
    theme_id: int,
    action: Callable[[], Any],
    done: str | None = None,
    typed_label: str | None = None,
) -> Response:
    theme = analysis.get_theme(session=db, theme_id=theme_id)
    _edit(db, principal, theme.consultation_id)
    return _acting(
        request,
        db,
        principal,
        theme.consultation_id,
        action,
        done or f"/analysis/themes/{theme_id}",
        lambda message, status: _theme_page(
            request,
            db,
            principal,
            theme_id,
            error=message,
            status_code=status,
            typed_label=typed_label,
        ),
    )


@router.post(
    "/analysis/themes/{theme_id}/rename",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def rename_theme_page(
    request: Request,
    theme_id: Id,
    label: Annotated[str, Form(max_length=2_000)] = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    return _theme_action(
        request,
        db,
        principal,
        theme_id,
        lambda: analysis.rename_theme(
            session=db, theme_id=theme_id, label=label, actor_person_id=principal.person_id
        ),
        typed_label=label,
    )


@router.post(
    "/analysis/themes/{theme_id}/merge",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def merge_theme_page(
    request: Request,
    theme_id: Id,
    source_ids: IdList = [],  # noqa: B006
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    return _theme_action(
        request,
        db,
        principal,
        theme_id,
        lambda: analysis.merge_themes(
            session=db,
            target_id=theme_id,
            source_ids=source_ids,
            actor_person_id=principal.person_id,
        ),
    )


@router.post(
    "/analysis/themes/{theme_id}/split",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def split_theme_page(
    request: Request,
    theme_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    theme = analysis.get_theme(session=db, theme_id=theme_id)
    return _theme_action(
        request,
        db,
        principal,
        theme_id,
        lambda: analysis.split_theme(
            session=db, theme_id=theme_id, actor_person_id=principal.person_id
        ),
        done=f"/c/{theme.consultation_id}/analysis/themes",
    )


@router.post(
    "/analysis/themes/{theme_id}/move",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def move_opinions_page(
    request: Request,
    theme_id: Id,
    to_theme_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    opinion_ids: IdList = [],  # noqa: B006
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    target = analysis.get_theme(session=db, theme_id=to_theme_id)
    source = analysis.get_theme(session=db, theme_id=theme_id)
    if target.consultation_id != source.consultation_id:
        raise UserError(
            "other_consultation", "Chủ đề thuộc đợt khác.", "Theme of another consultation."
        )
    return _theme_action(
        request,
        db,
        principal,
        theme_id,
        lambda: analysis.move_opinions(
            session=db,
            opinion_ids=opinion_ids,
            to_theme_id=to_theme_id,
            actor_person_id=principal.person_id,
        ),
    )


@router.get(
    "/c/{consultation_id}/analysis/proposals",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def proposals_page(
    request: Request,
    consultation_id: Id,
    min_confidence: Annotated[float, Query(ge=0, le=1)] = 0.0,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    _view(db, principal, consultation_id)
    return _proposals_page(request, db, principal, consultation_id, min_confidence)


def _proposals_page(
    request: Request,
    db: Session,
    principal: Principal,
    consultation_id: int,
    min_confidence: float = 0.0,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return _page(
        request,
        db,
        principal,
        consultation_id,
        "analysis/proposals.html",
        {
            "sections": analysis.section_proposals(
                session=db, consultation_id=consultation_id, min_confidence=min_confidence
            ),
            "kinds": analysis.kind_proposals(session=db, consultation_id=consultation_id),
            "flags": analysis.flag_proposals(session=db, consultation_id=consultation_id),
            "min_confidence": min_confidence,
            "error": error,
        },
        status_code,
    )


def _proposal_action(
    request: Request,
    db: Session,
    principal: Principal,
    consultation_id: int,
    action: Callable[[], Any],
) -> Response:
    _edit(db, principal, consultation_id)
    return _acting(
        request,
        db,
        principal,
        consultation_id,
        action,
        f"/c/{consultation_id}/analysis/proposals",
        lambda message, status: _proposals_page(
            request, db, principal, consultation_id, error=message, status_code=status
        ),
    )


@router.post(
    "/c/{consultation_id}/analysis/sections",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def confirm_sections_page(
    request: Request,
    consultation_id: Id,
    suggestion_ids: IdList = [],  # noqa: B006
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    return _proposal_action(
        request,
        db,
        principal,
        consultation_id,
        lambda: analysis.confirm_sections(
            session=db,
            consultation_id=consultation_id,
            suggestion_ids=suggestion_ids,
            actor_person_id=principal.person_id,
        ),
    )


@router.post(
    "/c/{consultation_id}/analysis/kinds",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def decide_kinds_page(
    request: Request,
    consultation_id: Id,
    decision: Annotated[str, Form(pattern="^(accept|reject)$")],
    opinion_ids: IdList = [],  # noqa: B006
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    return _proposal_action(
        request,
        db,
        principal,
        consultation_id,
        lambda: analysis.decide_kinds(
            session=db,
            consultation_id=consultation_id,
            opinion_ids=opinion_ids,
            accept=decision == "accept",
            actor_person_id=principal.person_id,
        ),
    )


@router.post(
    "/c/{consultation_id}/analysis/flags",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def decide_flags_page(
    request: Request,
    consultation_id: Id,
    decision: Annotated[str, Form(pattern="^(hide|dismiss)$")],
    opinion_ids: IdList = [],  # noqa: B006
    reason: Annotated[str, Form(max_length=2_000)] = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    return _proposal_action(
        request,
        db,
        principal,
        consultation_id,
        lambda: analysis.decide_flags(
            session=db,
            consultation_id=consultation_id,
            opinion_ids=opinion_ids,
            hide=decision == "hide",
            reason=reason,
            actor_person_id=principal.person_id,
        ),
    )


# --- JSON API -------------------------------------------------------------------------------


class CountsOut(BaseModel):
    raw: int = Field(description="every opinion")
    unique: int = Field(description="a campaign counts once")


class FacetOut(BaseModel):
    name: str
    raw: int
    unique: int


class BreakdownOut(BaseModel):
    total: CountsOut
    by_organisation: list[FacetOut]
    by_channel: list[FacetOut]
    by_kind: list[FacetOut]


class RunOut(BaseModel):
    id: int
    consultation_id: int
    engine: str
    status: str
    stage: str
    progress_done: int
    progress_total: int
    params: dict[str, Any]
    stats: dict[str, Any]
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class OverviewOut(BaseModel):
    latest_run: RunOut | None
    opinions: CountsOut
    campaigns: int
    themes: int
    pending_sections: int
    pending_kinds: int
    pending_flags: int


class CampaignOut(BaseModel):
    id: int
    status: str
    exact: bool
    canonical_opinion_id: int
    canonical_text: str
    counts: BreakdownOut
    variants: list[tuple[str, int]] = Field(description="common differences and how often")


class SummarySentenceOut(BaseModel):
    text: str
    opinion_ids: list[int]


class ThemeOut(BaseModel):
    id: int
    label: str
    edited: bool
    key_phrases: list[str]
    summary: list[SummarySentenceOut]
    quotes: list[tuple[int, str]]
    counts: BreakdownOut


class RunRequest(BaseModel):
    engine: str = "local"
    min_themes: int = Field(default=2, ge=2, le=analysis.MAX_THEMES)
    max_themes: int = Field(default=12, ge=2, le=analysis.MAX_THEMES)


def _run_out(run: AnalysisRun) -> RunOut:
    return RunOut(
        id=run.id,
        consultation_id=run.consultation_id,
        engine=run.engine,
        status=run.status,
        stage=run.stage,
        progress_done=run.progress_done,
        progress_total=run.progress_total,
        params=run.params,
        stats=run.stats,
        error=run.error,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
    )


def _facets(items: list[tuple[str, analysis.Counts]]) -> list[FacetOut]:
    return [FacetOut(name=name, raw=c.raw, unique=c.unique) for name, c in items]


def _breakdown_out(found: analysis.Breakdown) -> BreakdownOut:
    return BreakdownOut(
        total=CountsOut(raw=found.total.raw, unique=found.total.unique),
        by_organisation=_facets(found.by_organisation),
        by_channel=_facets(found.by_channel),
        by_kind=_facets(found.by_kind),
    )


@router.get("/api/v1/consultations/{consultation_id}/analysis", response_model=OverviewOut)
def api_overview(
    consultation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> OverviewOut:
    _view(db, principal, consultation_id)
    found = analysis.overview(session=db, consultation_id=consultation_id)
    return OverviewOut(
        latest_run=_run_out(found.run) if found.run else None,
        opinions=CountsOut(raw=found.counts.raw, unique=found.counts.unique),
        campaigns=found.campaigns,
        themes=found.themes,
        pending_sections=found.pending_sections,
        pending_kinds=found.pending_kinds,
        pending_flags=found.pending_flags,
    )


@router.post(
    "/api/v1/consultations/{consultation_id}/analysis/runs",
    response_model=RunOut,
    status_code=202,
    dependencies=[Depends(verify_csrf)],
)
def api_request_run(
    request: Request,
    consultation_id: Id,
    body: RunRequest,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> RunOut:
    """Queue an analysis run; poll GET /api/v1/analysis/runs/{id} for its progress."""
    _edit(db, principal, consultation_id)
    run = analysis.request_run(
        session=db,
        consultation_id=consultation_id,
        requested_by=principal.person_id,
        engine=body.engine,
        min_themes=body.min_themes,
        max_themes=body.max_themes,
    )
    db.commit()
    _enqueue(request, run.id)
    db.refresh(run)
    return _run_out(run)


@router.get("/api/v1/analysis/runs/{run_id}", response_model=RunOut)
def api_run(
    run_id: Id, principal: Principal = Depends(require_staff), db: Session = Depends(get_db)
) -> RunOut:
    run = analysis.get_run(session=db, run_id=run_id)
    _view(db, principal, run.consultation_id)
    return _run_out(run)


@router.get(
    "/api/v1/consultations/{consultation_id}/analysis/campaigns",
    response_model=list[CampaignOut],
)
def api_campaigns(
    consultation_id: Id,
    page: Page = 0,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> list[CampaignOut]:
    _view(db, principal, consultation_id)
    found = analysis.campaigns(
        session=db, consultation_id=consultation_id, limit=PAGE_SIZE, offset=page * PAGE_SIZE
    )
    return [
        CampaignOut(
            id=v.group.id,
            status=v.group.status,
            exact=v.group.exact,
            canonical_opinion_id=v.group.canonical_opinion_id,
            canonical_text=v.canonical_text,
            counts=_breakdown_out(v.counts),
            variants=v.variants,
        )
        for v in found
    ]


@router.get(
    "/api/v1/consultations/{consultation_id}/analysis/themes", response_model=list[ThemeOut]
)
def api_themes(
    consultation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> list[ThemeOut]:
    _view(db, principal, consultation_id)
    return [
        ThemeOut(
            id=v.theme.id,
            label=v.theme.label,
            edited=v.theme.edited,
            key_phrases=v.key_phrases,
            summary=[SummarySentenceOut(**s) for s in v.summary],
            quotes=v.quotes,
            counts=_breakdown_out(v.counts),
        )
        for v in analysis.theme_list(session=db, consultation_id=consultation_id)
    ]
