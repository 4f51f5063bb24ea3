"""The opinion list with filters and search, the moderation queue, and their JSON twins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ykien.config import Settings
from ykien.consultations.models import Consultation
from ykien.errors import UserError
from ykien.opinions import search
from ykien.opinions import service as opinions
from ykien.opinions.models import Channel, OpinionKind, OpinionStatus
from ykien.opinions.search import OpinionFilters, OpinionPage, OpinionRow
from ykien.web.deps import (
    MAX_ID,
    PathId,
    Principal,
    current_principal,
    forbid,
    get_settings,
    require_principal,
)
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language
from ykien.web.tx import get_db

router = APIRouter()

MAX_FILTER = 40
ConsultationId = PathId
OpinionId = PathId
MAX_REASON_FORM = 2_000  # the service's limit (1,000) answers with a clear message below this


class FilterParams:
    """The list's filters as query parameters (strings: an empty value does not filter)."""

    def __init__(
        self,
        section: Annotated[str | None, Query(max_length=MAX_FILTER)] = None,
        organisation: Annotated[str | None, Query(max_length=MAX_FILTER)] = None,
        channel: Annotated[str | None, Query(max_length=MAX_FILTER)] = None,
        kind: Annotated[str | None, Query(max_length=MAX_FILTER)] = None,
        status: Annotated[str | None, Query(max_length=MAX_FILTER)] = None,
        date_from: Annotated[
            str | None, Query(max_length=MAX_FILTER, description="dd/mm/yyyy, Vietnam time")
        ] = None,
        date_to: Annotated[
            str | None, Query(max_length=MAX_FILTER, description="dd/mm/yyyy, inclusive")
        ] = None,
        q: Annotated[
            str | None,
            Query(
                max_length=search.MAX_QUERY * 2, description="search text, with or without marks"
            ),
        ] = None,
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    ) -> None:
        self.values = {
            "section": section or "",
            "organisation": organisation or "",
            "channel": channel or "",
            "kind": kind or "",
            "status": status or "",
            "date_from": date_from or "",
            "date_to": date_to or "",
            "q": q or "",
        }
        self.page = page

    def parse(self, settings: Settings) -> OpinionFilters:
        return search.parse_filters(**self.values, tz=settings.tz)

    def url(self, path: str, page: int) -> str:
        """The same filters on another page."""
        query = {name: value for name, value in self.values.items() if value}
        if page > 1:
            query["page"] = str(page)
        return f"{path}?{urlencode(query)}" if query else path


# --- pages ----------------------------------------------------------------------------------


def _page_context(
    db: Session,
    consultation: Consultation,
    params: FilterParams,
    result: OpinionPage | None,
    path: str,
    error: str | None = None,
) -> dict[str, Any]:
    choices = search.filter_choices(session=db, consultation=consultation)
    pagination: dict[str, str | None] = {"previous": None, "next": None}
    if result is not None:
        if result.page > 1:
            pagination["previous"] = params.url(path, result.page - 1)
        if result.page < result.pages:
            pagination["next"] = params.url(path, result.page + 1)
    return {
        "consultation": consultation,
        "values": params.values,
        "result": result,
        "choices": choices,
        "kinds": list(OpinionKind),
        "channels": list(Channel),
        "statuses": list(OpinionStatus),
        "pagination": pagination,
        "error": error,
        "here": params.url(path, result.page if result else 1),
    }


def _list_page(
    request: Request,
    db: Session,
    principal: Principal | None,
    settings: Settings,
    consultation_id: int,
    params: FilterParams,
    *,
    moderation: bool,
    error: str | None = None,
    status_code: int = 200,
    typed: dict[int, str] | None = None,
) -> HTMLResponse:
    consultation = search.consultation_for(
        session=db, viewer=principal, consultation_id=consultation_id
    )
    path = f"/c/{consultation_id}/{'moderation' if moderation else 'opinions'}"
    result: OpinionPage | None = None
    try:
        result = search.list_opinions(
            session=db,
            consultation=consultation,
            viewer=principal,
            filters=params.parse(settings),
            page=params.page,
            moderation=moderation,
        )
    except UserError as bad:
        error, status_code = bad.message(request_language(request)), bad.status_code
    context = _page_context(db, consultation, params, result, path, error)
    context["moderation"] = moderation
    context["may_moderate"] = search.may_moderate_any(principal)
    context["typed"] = typed or {}
    template = "opinions/moderation.html" if moderation else "opinions/list.html"
    return render(request, template, context, status_code)


@router.get("/c/{consultation_id}/opinions", response_class=HTMLResponse, include_in_schema=False)
def opinion_list(
    request: Request,
    consultation_id: ConsultationId,
    params: Annotated[FilterParams, Depends()],
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    """The opinions the viewer may see, filtered, searched, 25 a page, newest first."""
    return _list_page(request, db, principal, settings, consultation_id, params, moderation=False)


def require_moderator(principal: Principal = Depends(require_principal)) -> Principal:
    if not search.may_moderate_any(principal):
        raise forbid()
    return principal


@router.get("/c/{consultation_id}/moderation", response_class=HTMLResponse, include_in_schema=False)
def moderation_queue(
    request: Request,
    consultation_id: ConsultationId,
    params: Annotated[FilterParams, Depends()],
    principal: Principal = Depends(require_moderator),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    """Received and hidden opinions in the moderator's subtrees, to hide or restore."""
    return _list_page(request, db, principal, settings, consultation_id, params, moderation=True)


def _safe_next(target: str | None, fallback: str) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


@router.post(
    "/opinions/{opinion_id}/hide", include_in_schema=False, dependencies=[Depends(verify_csrf)]
)
def hide_opinion(
    request: Request,
    opinion_id: OpinionId,
    reason: Annotated[str, Form(max_length=MAX_REASON_FORM)] = "",
    next: Annotated[str, Form(max_length=2_000)] = "",
    principal: Principal = Depends(require_moderator),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> Response:
    search.ensure_may_moderate(session=db, viewer=principal, opinion_id=opinion_id)
    try:
        opinion = opinions.hide(
            session=db, opinion_id=opinion_id, reason=reason, actor_person_id=principal.person_id
        )
    except UserError as bad:
        db.rollback()
        consultation_id = opinions.get(session=db, opinion_id=opinion_id).consultation_id
        return _list_page(
            request,
            db,
            principal,
            settings,
            consultation_id,
            FilterParams(),
            moderation=True,
            error=bad.message(request_language(request)),
            status_code=bad.status_code,
            typed={opinion_id: reason},
        )
    db.commit()
    fallback = f"/c/{opinion.consultation_id}/moderation"
    return RedirectResponse(_safe_next(next, fallback), status_code=303)


@router.post(
    "/opinions/{opinion_id}/restore",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def restore_opinion(
    opinion_id: OpinionId,
    next: Annotated[str, Form(max_length=2_000)] = "",
    principal: Principal = Depends(require_moderator),
    db: Session = Depends(get_db),
) -> Response:
    search.ensure_may_moderate(session=db, viewer=principal, opinion_id=opinion_id)
    opinion = opinions.restore(
        session=db, opinion_id=opinion_id, actor_person_id=principal.person_id
    )
    db.commit()
    fallback = f"/c/{opinion.consultation_id}/moderation"
    return RedirectResponse(_safe_next(next, fallback), status_code=303)


# --- JSON API -------------------------------------------------------------------------------


class HighlightOut(BaseModel):
    """A matched span of a field, in code points of the field's text as returned."""

    field: str = Field(description="text, author or organisation")
    start: int
    end: int


class OpinionOut(BaseModel):
    id: int
    consultation_id: int
    section_id: int | None
    section_label: str | None
    kind: str
    channel: str
    status: str
    hidden_reason: str | None
    text: str
    quote: str | None
    proposed_wording: str | None
    author: str | None = Field(description="the person's name or the name given; null if none")
    anonymous: bool
    organisation_id: int | None
    organisation: str | None
    submitted_at: datetime
    can_moderate: bool = Field(description="the caller may hide or restore it")
    highlights: list[HighlightOut]


class OpinionPageOut(BaseModel):
    items: list[OpinionOut]
    total: int = Field(description="opinions matching, all pages")
    hidden: int = Field(description="of which hidden (never deleted, counted apart)")
    page: int
    pages: int
    page_size: int


class SearchOut(OpinionPageOut):
    query: str
    mode: str | None = Field(
        description="fold: typed without diacritics, matched ignoring them; "
        "tone: typed with them, matched exactly up to case and tone placement"
    )


class HideIn(BaseModel):
    reason: str = Field(max_length=MAX_REASON_FORM)


def _opinion_out(item: OpinionRow) -> OpinionOut:
    return OpinionOut(
        id=item.id,
        consultation_id=item.consultation_id,
        section_id=item.section_id,
        section_label=item.section_label,
        kind=item.kind,
        channel=item.channel,
        status=item.status,
        hidden_reason=item.hidden_reason,
        text=item.text,
        quote=item.quote,
        proposed_wording=item.proposed_wording,
        author=item.author,
        anonymous=item.anonymous,
        organisation_id=item.organisation_id,
        organisation=item.organisation,
        submitted_at=item.submitted_at,
        can_moderate=item.can_moderate,
        highlights=[
            HighlightOut(field=name, start=start, end=end)
            for name, spans in item.highlights.items()
            for start, end in spans
        ],
    )


def _page_out(result: OpinionPage) -> OpinionPageOut:
    return OpinionPageOut(
        items=[_opinion_out(item) for item in result.items],
        total=result.total,
        hidden=result.hidden,
        page=result.page,
        pages=result.pages,
        page_size=result.page_size,
    )


def _api_list(
    db: Session,
    principal: Principal | None,
    settings: Settings,
    consultation_id: int,
    params: FilterParams,
    *,
    moderation: bool,
) -> OpinionPage:
    consultation = search.consultation_for(
        session=db, viewer=principal, consultation_id=consultation_id
    )
    return search.list_opinions(
        session=db,
        consultation=consultation,
        viewer=principal,
        filters=params.parse(settings),
        page=params.page,
        moderation=moderation,
    )


@router.get(
    "/api/v1/consultations/{consultation_id}/opinions",
    response_model=OpinionPageOut,
    tags=["opinions"],
)
def api_opinions(
    consultation_id: ConsultationId,
    params: Annotated[FilterParams, Depends()],
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> OpinionPageOut:
    """The opinions the caller may see, with the page's filters, 25 a page, newest first."""
    return _page_out(_api_list(db, principal, settings, consultation_id, params, moderation=False))


@router.get("/api/v1/search", response_model=SearchOut, tags=["opinions"])
def api_search(
    q: Annotated[str, Query(max_length=search.MAX_QUERY * 2)],
    consultation_id: Annotated[int, Query(ge=1, le=MAX_ID)],
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> SearchOut:
    """Opinions of a consultation whose text, author or organisation matches `q`, with the
    matched spans; diacritics optional ("dang uy" finds "Đảng ủy" and "Đảng uỷ")."""
    params = FilterParams(q=q, page=page)
    result = _api_list(db, principal, settings, consultation_id, params, moderation=False)
    return SearchOut(
        **_page_out(result).model_dump(),
        query=result.query.text if result.query else "",
        mode=result.query.mode if result.query else None,
    )


@router.get(
    "/api/v1/consultations/{consultation_id}/moderation",
    response_model=OpinionPageOut,
    tags=["opinions"],
)
def api_moderation(
    consultation_id: ConsultationId,
    params: Annotated[FilterParams, Depends()],
    principal: Principal = Depends(require_moderator),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> OpinionPageOut:
    """The moderation queue: received and hidden opinions in the caller's subtrees."""
    return _page_out(_api_list(db, principal, settings, consultation_id, params, moderation=True))


def _visible_row(
    db: Session, principal: Principal | None, opinion_id: int
) -> tuple[Consultation, search.OpinionRow]:
    """The opinion as the caller may see it (404 when the policy hides it from them)."""
    consultation_id = opinions.get(session=db, opinion_id=opinion_id).consultation_id
    consultation = search.consultation_for(
        session=db, viewer=principal, consultation_id=consultation_id
    )
    item = search.opinion_row(
        session=db, consultation=consultation, viewer=principal, opinion_id=opinion_id
    )
    return consultation, item


def _one(db: Session, principal: Principal, opinion_id: int) -> OpinionOut:
    """The opinion as the caller now sees it (a moderator always may)."""
    return _opinion_out(_visible_row(db, principal, opinion_id)[1])


@router.get("/opinions/{opinion_id}", response_class=HTMLResponse, include_in_schema=False)
def opinion_page(
    request: Request,
    opinion_id: OpinionId,
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    """One opinion (the summaries, campaigns and reports cite opinions by their number)."""
    consultation, item = _visible_row(db, principal, opinion_id)
    context = {"consultation": consultation, "item": item, "typed": {}, "here": request.url.path}
    return render(request, "opinions/opinion.html", context)


@router.get("/api/v1/opinions/{opinion_id}", response_model=OpinionOut, tags=["opinions"])
def api_opinion(
    opinion_id: OpinionId,
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
) -> OpinionOut:
    """One opinion, if the consultation's policy or the caller's role lets them see it."""
    return _opinion_out(_visible_row(db, principal, opinion_id)[1])


@router.post(
    "/api/v1/opinions/{opinion_id}/hide",
    response_model=OpinionOut,
    tags=["opinions"],
    dependencies=[Depends(verify_csrf)],
)
def api_hide(
    opinion_id: OpinionId,
    body: HideIn,
    principal: Principal = Depends(require_moderator),
    db: Session = Depends(get_db),
) -> OpinionOut:
    """Hide an opinion with a reason (secretary or admin of its organisation); never deleted."""
    search.ensure_may_moderate(session=db, viewer=principal, opinion_id=opinion_id)
    opinions.hide(
        session=db, opinion_id=opinion_id, reason=body.reason, actor_person_id=principal.person_id
    )
    db.commit()
    return _one(db, principal, opinion_id)


@router.post(
    "/api/v1/opinions/{opinion_id}/restore",
    response_model=OpinionOut,
    tags=["opinions"],
    dependencies=[Depends(verify_csrf)],
)
def api_restore(
    opinion_id: OpinionId,
    principal: Principal = Depends(require_moderator),
    db: Session = Depends(get_db),
) -> OpinionOut:
    """Put a hidden opinion back (published or received, as the consultation's policy says)."""
    search.ensure_may_moderate(session=db, viewer=principal, opinion_id=opinion_id)
    opinions.restore(session=db, opinion_id=opinion_id, actor_person_id=principal.person_id)
    db.commit()
    return _one(db, principal, opinion_id)
