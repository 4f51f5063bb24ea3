"""Themes: the list, one theme, renaming, merging, splitting and moving opinions between them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.analysis import service as analysis
from ykien.analysis.access import EditableTheme, Viewable, ViewableTheme
from ykien.analysis.models import Theme
from ykien.analysis.routes.common import PAGE_SIZE, After, IdList, analysis_page
from ykien.analysis.schemas import ThemeOut
from ykien.errors import UserError
from ykien.web.deps import MAX_ID, Principal, require_staff
from ykien.web.forms import Problem, redraw_on_error, see_other
from ykien.web.security import verify_csrf
from ykien.web.tx import Db, Tx

router = APIRouter()


@router.get(
    "/c/{consultation_id}/analysis/themes", response_class=HTMLResponse, include_in_schema=False
)
def themes_page(
    request: Request,
    db: Db,
    principal: Principal = Depends(require_staff),
    consultation_id: int = Viewable,
) -> HTMLResponse:
    context = {"themes": analysis.theme_list(session=db, consultation_id=consultation_id)}
    return analysis_page(request, db, principal, consultation_id, "analysis/themes.html", context)


def theme_page_for(
    request: Request,
    db: Session,
    principal: Principal,
    theme: Theme,
    after: int = 0,
    problem: Problem | None = None,
    typed_label: str | None = None,
) -> HTMLResponse:
    """One theme with a page of its opinions, those after opinion `after` (and the problem of
    a refused change); "next" loads the following page into the table (htmx)."""
    view = analysis.theme(session=db, theme_id=theme.id)
    consultation_id = view.theme.consultation_id
    members = analysis.theme_members(
        session=db, theme_id=theme.id, limit=PAGE_SIZE + 1, after=after
    )
    others = [
        t.theme
        for t in analysis.theme_list(session=db, consultation_id=consultation_id)
        if t.theme.id != theme.id
    ]
    context = {
        "view": view,
        "members": members[:PAGE_SIZE],
        "next_after": members[PAGE_SIZE - 1][0] if len(members) > PAGE_SIZE else None,
        "others": others,
        "typed_label": typed_label if typed_label is not None else view.theme.label,
    }
    return analysis_page(
        request, db, principal, consultation_id, "analysis/theme.html", context, problem
    )


@router.get("/analysis/themes/{theme_id}", response_class=HTMLResponse, include_in_schema=False)
def theme_page(
    request: Request,
    db: Db,
    after: After = 0,
    principal: Principal = Depends(require_staff),
    theme: Theme = ViewableTheme,
) -> HTMLResponse:
    return theme_page_for(request, db, principal, theme, after)


def redraw_theme(
    request: Request,
    db: Session,
    principal: Principal,
    theme: Theme,
    typed_label: str | None = None,
) -> Callable[[Problem], Response]:
    """What a refused change of `theme` answers: the theme page again, with the problem."""
    return lambda problem: theme_page_for(request, db, principal, theme, 0, problem, typed_label)


@router.post(
    "/analysis/themes/{theme_id}/rename",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def rename_theme_page(
    request: Request,
    db: Tx,
    label: Annotated[str, Form(max_length=2_000)] = "",
    principal: Principal = Depends(require_staff),
    theme: Theme = EditableTheme,
) -> Response:
    theme_path = f"/analysis/themes/{theme.id}"
    with redraw_on_error(request, db, redraw_theme(request, db, principal, theme, label)):
        analysis.rename_theme(
            session=db, theme_id=theme.id, label=label, actor_person_id=principal.person_id
        )
    return see_other(theme_path)


@router.post(
    "/analysis/themes/{theme_id}/merge",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def merge_theme_page(
    request: Request,
    db: Tx,
    source_ids: IdList = [],  # noqa: B006 (FastAPI copies defaults)
    principal: Principal = Depends(require_staff),
    theme: Theme = EditableTheme,
) -> Response:
    theme_path = f"/analysis/themes/{theme.id}"
    with redraw_on_error(request, db, redraw_theme(request, db, principal, theme)):
        analysis.merge_themes(
            session=db,
            target_id=theme.id,
            source_ids=source_ids,
            actor_person_id=principal.person_id,
        )
    return see_other(theme_path)


@router.post(
    "/analysis/themes/{theme_id}/split",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def split_theme_page(
    request: Request,
    db: Tx,
    principal: Principal = Depends(require_staff),
    theme: Theme = EditableTheme,
) -> Response:
    themes_path = f"/c/{theme.consultation_id}/analysis/themes"
    with redraw_on_error(request, db, redraw_theme(request, db, principal, theme)):
        analysis.split_theme(session=db, theme_id=theme.id, actor_person_id=principal.person_id)
    return see_other(themes_path)


@router.post(
    "/analysis/themes/{theme_id}/move",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def move_opinions_page(
    request: Request,
    to_theme_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    db: Tx,
    opinion_ids: IdList = [],  # noqa: B006 (FastAPI copies defaults)
    principal: Principal = Depends(require_staff),
    theme: Theme = EditableTheme,
) -> Response:
    target = analysis.get_theme(session=db, theme_id=to_theme_id)
    if target.consultation_id != theme.consultation_id:
        raise UserError(
            "other_consultation", "Chủ đề thuộc đợt khác.", "Theme of another consultation."
        )
    theme_path = f"/analysis/themes/{theme.id}"
    with redraw_on_error(request, db, redraw_theme(request, db, principal, theme)):
        analysis.move_opinions(
            session=db,
            opinion_ids=opinion_ids,
            to_theme_id=to_theme_id,
            actor_person_id=principal.person_id,
        )
    return see_other(theme_path)


@router.get(
    "/api/v1/consultations/{consultation_id}/analysis/themes", response_model=list[ThemeOut]
)
def api_themes(db: Db, consultation_id: int = Viewable) -> list[ThemeOut]:
    return [
        ThemeOut.of(view)
        for view in analysis.theme_list(session=db, consultation_id=consultation_id)
    ]
