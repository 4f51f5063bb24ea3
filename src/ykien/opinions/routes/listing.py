"""The opinion list with filters and search, the moderation queue, and their JSON twins."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.config import Settings
from ykien.consultations.models import Consultation
from ykien.db import keyset
from ykien.opinions import search
from ykien.opinions import service as opinions
from ykien.opinions.access import (
    VisibleOpinion,
    listed_consultation,
    moderated_opinion,
    opinion_for_caller,
    require_moderator,
    visible_opinion,
)
from ykien.opinions.models import Channel, OpinionKind, OpinionStatus
from ykien.opinions.schemas import HideIn, OpinionOut, OpinionPageOut, SearchOut
from ykien.opinions.search import OpinionFilters, OpinionPage
from ykien.web.deps import MAX_ID, Principal, current_principal, get_settings
from ykien.web.forms import FormFields, Problem, parse_form, redraw_on_error, see_other
from ykien.web.ratelimit import SearchRate
from ykien.web.security import verify_csrf
from ykien.web.templating import render
from ykien.web.tx import Db, Tx

router = APIRouter()

MAX_FILTER = 40
Listed = Depends(listed_consultation)


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
        after: Annotated[str | None, CURSOR_AFTER] = None,
        before: Annotated[str | None, CURSOR_BEFORE] = None,
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
        self.after = after
        self.before = before

    def parse(self, settings: Settings) -> OpinionFilters:
        return search.parse_filters(**self.values, tz=settings.tz)

    def seek(self) -> keyset.Seek:
        """Where the page starts, from its cursor (a bad one is a UserError)."""
        kinds = search.cursor_kinds(search.parse_query(self.values["q"]))
        return keyset.Seek(
            after=keyset.decode(self.after, kinds), before=keyset.decode(self.before, kinds)
        )

    def url(self, path: str, page: int, **cursor: str) -> str:
        """The same filters on another page (after or before a cursor, or by its number)."""
        query = {name: value for name, value in self.values.items() if value}
        if page > 1:
            query["page"] = str(page)
        query.update(cursor)
        return f"{path}?{urlencode(query)}" if query else path

    def here(self, path: str, result: OpinionPage | None) -> str:
        """This very page again (after a hide or a restore)."""
        page = result.page if result else 1
        if self.after:
            return self.url(path, page, after=self.after)
        if self.before:
            return self.url(path, page, before=self.before)
        return self.url(path, page)


CURSOR_AFTER = Query(
    max_length=keyset.MAX_CURSOR,
    description="the next page: the opinions after this cursor (`next_cursor` of a page)",
)
CURSOR_BEFORE = Query(
    max_length=keyset.MAX_CURSOR,
    description="the previous page: the opinions before this cursor (`previous_cursor`)",
)


def pagination_links(params: FilterParams, path: str, result: OpinionPage) -> dict[str, str | None]:
    """Previous and next page links: by cursor, except to the first and the last page."""
    links: dict[str, str | None] = {"previous": None, "next": None}
    if result.previous_cursor is not None:
        previous = result.page - 1
        links["previous"] = (
            params.url(path, 1)
            if previous == 1
            else params.url(path, previous, before=result.previous_cursor)
        )
    if result.next_cursor is not None:
        following = result.page + 1
        links["next"] = (
            params.url(path, following)
            if following == result.pages
            else params.url(path, following, after=result.next_cursor)
        )
    return links


def list_page_of(
    db: Session,
    principal: Principal | None,
    settings: Settings,
    consultation: Consultation,
    params: FilterParams,
    *,
    moderation: bool,
) -> OpinionPage:
    """The read function of the pages and their JSON twins: one page of the list or queue."""
    return search.list_opinions(
        session=db,
        consultation=consultation,
        viewer=principal,
        filters=params.parse(settings),
        page=params.page,
        moderation=moderation,
        seek=params.seek(),
    )


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
        pagination = pagination_links(params, path, result)
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
        "here": params.here(path, result),
    }


def _list_page(
    request: Request,
    db: Session,
    principal: Principal | None,
    settings: Settings,
    consultation: Consultation,
    params: FilterParams,
    *,
    moderation: bool,
    typed: dict[int, str] | None = None,
    problem: Problem | None = None,
) -> HTMLResponse:
    path = f"/c/{consultation.id}/{'moderation' if moderation else 'opinions'}"
    template = "opinions/moderation.html" if moderation else "opinions/list.html"

    def draw(result: OpinionPage | None, problem: Problem | None) -> HTMLResponse:
        error = problem.message if problem else None
        context = _page_context(db, consultation, params, result, path, error)
        context["moderation"] = moderation
        context["may_moderate"] = search.may_moderate_any(principal)
        context["typed"] = typed or {}
        return render(request, template, context, problem.status_code if problem else 200)

    with redraw_on_error(request, db, lambda refused: draw(None, refused)):
        result = list_page_of(db, principal, settings, consultation, params, moderation=moderation)
    return draw(result, problem)


@router.get(
    "/c/{consultation_id}/opinions",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[SearchRate],
)
def opinion_list(
    request: Request,
    params: Annotated[FilterParams, Depends()],
    db: Db,
    consultation: Consultation = Listed,
    principal: Principal | None = Depends(current_principal),
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    """The opinions the viewer may see, filtered, searched, 25 a page, newest first."""
    return _list_page(request, db, principal, settings, consultation, params, moderation=False)


@router.get(
    "/c/{consultation_id}/moderation",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[SearchRate],
)
def moderation_queue(
    request: Request,
    params: Annotated[FilterParams, Depends()],
    db: Db,
    principal: Principal = Depends(require_moderator),
    consultation: Consultation = Listed,
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    """Received and hidden opinions in the moderator's subtrees, to hide or restore."""
    return _list_page(request, db, principal, settings, consultation, params, moderation=True)


def _safe_next(target: str | None, fallback: str) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


def hide_opinion(db: Session, principal: Principal, opinion_id: int, body: HideIn) -> int:
    """The use case of the page and the API: hide with a reason; the opinion's consultation."""
    opinion = opinions.hide(
        session=db, opinion_id=opinion_id, reason=body.reason, actor_person_id=principal.person_id
    )
    return opinion.consultation_id


def restore_opinion(db: Session, principal: Principal, opinion_id: int) -> int:
    """The use case of the page and the API: put a hidden opinion back; its consultation."""
    opinion = opinions.restore(
        session=db, opinion_id=opinion_id, actor_person_id=principal.person_id
    )
    return opinion.consultation_id


def _next_of(form: dict[str, Any]) -> str:
    value = form.get("next", "")
    return (value[-1] if isinstance(value, list) else value)[:2_000]


@router.post(
    "/opinions/{opinion_id}/hide", include_in_schema=False, dependencies=[Depends(verify_csrf)]
)
def hide_opinion_page(
    request: Request,
    form: FormFields,
    db: Tx,
    opinion_id: int = Depends(moderated_opinion),
    principal: Principal = Depends(require_moderator),
    settings: Settings = Depends(get_settings),
) -> Response:
    reason = form.get("reason", "")
    reason = reason[-1] if isinstance(reason, list) else reason

    def redraw(problem: Problem) -> Response:
        consultation_id = opinions.get(session=db, opinion_id=opinion_id).consultation_id
        consultation = search.consultation_for(
            session=db, viewer=principal, consultation_id=consultation_id
        )
        return _list_page(
            request,
            db,
            principal,
            settings,
            consultation,
            FilterParams(),
            moderation=True,
            typed={opinion_id: reason},
            problem=problem,
        )

    with redraw_on_error(request, db, redraw):
        body = parse_form(HideIn, form, reason=reason)
        consultation_id = hide_opinion(db, principal, opinion_id, body)
    return see_other(_safe_next(_next_of(form), f"/c/{consultation_id}/moderation"))


@router.post(
    "/opinions/{opinion_id}/restore",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def restore_opinion_page(
    form: FormFields,
    db: Tx,
    opinion_id: int = Depends(moderated_opinion),
    principal: Principal = Depends(require_moderator),
) -> Response:
    consultation_id = restore_opinion(db, principal, opinion_id)
    return see_other(_safe_next(_next_of(form), f"/c/{consultation_id}/moderation"))


# --- JSON API -------------------------------------------------------------------------------


def page_out(result: OpinionPage) -> OpinionPageOut:
    return OpinionPageOut.model_validate(result, from_attributes=True)


@router.get(
    "/api/v1/consultations/{consultation_id}/opinions",
    response_model=OpinionPageOut,
    tags=["opinions"],
    dependencies=[SearchRate],
)
def api_opinions(
    params: Annotated[FilterParams, Depends()],
    db: Db,
    consultation: Consultation = Listed,
    principal: Principal | None = Depends(current_principal),
    settings: Settings = Depends(get_settings),
) -> OpinionPageOut:
    """The opinions the caller may see, with the page's filters, 25 a page, newest first."""
    return page_out(list_page_of(db, principal, settings, consultation, params, moderation=False))


@router.get(
    "/api/v1/search", response_model=SearchOut, tags=["opinions"], dependencies=[SearchRate]
)
def api_search(
    q: Annotated[str, Query(max_length=search.MAX_QUERY * 2)],
    consultation_id: Annotated[int, Query(ge=1, le=MAX_ID)],
    db: Db,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    after: Annotated[str | None, CURSOR_AFTER] = None,
    before: Annotated[str | None, CURSOR_BEFORE] = None,
    principal: Principal | None = Depends(current_principal),
    settings: Settings = Depends(get_settings),
) -> SearchOut:
    """Opinions of a consultation whose text, author or organisation matches `q`, with the
    matched spans; diacritics optional ("dang uy" finds "Đảng ủy" and "Đảng uỷ")."""
    consultation = listed_consultation(consultation_id, principal, db)
    params = FilterParams(q=q, page=page, after=after, before=before)
    result = list_page_of(db, principal, settings, consultation, params, moderation=False)
    return SearchOut(
        **page_out(result).model_dump(),
        query=result.query.text if result.query else "",
        mode=result.query.mode if result.query else None,
    )


@router.get(
    "/api/v1/consultations/{consultation_id}/moderation",
    response_model=OpinionPageOut,
    tags=["opinions"],
    dependencies=[SearchRate],
)
def api_moderation(
    params: Annotated[FilterParams, Depends()],
    db: Db,
    principal: Principal = Depends(require_moderator),
    consultation: Consultation = Listed,
    settings: Settings = Depends(get_settings),
) -> OpinionPageOut:
    """The moderation queue: received and hidden opinions in the caller's subtrees."""
    return page_out(list_page_of(db, principal, settings, consultation, params, moderation=True))


@router.get("/opinions/{opinion_id}", response_class=HTMLResponse, include_in_schema=False)
def opinion_page(
    request: Request, visible: VisibleOpinion = Depends(opinion_for_caller)
) -> HTMLResponse:
    """One opinion (the summaries, campaigns and reports cite opinions by their number)."""
    context = {
        "consultation": visible.consultation,
        "item": visible.row,
        "typed": {},
        "here": request.url.path,
    }
    return render(request, "opinions/opinion.html", context)


@router.get("/api/v1/opinions/{opinion_id}", response_model=OpinionOut, tags=["opinions"])
def api_opinion(visible: VisibleOpinion = Depends(opinion_for_caller)) -> OpinionOut:
    """One opinion, if the consultation's policy or the caller's role lets them see it."""
    return OpinionOut.model_validate(visible.row, from_attributes=True)


def _now_seen(db: Session, principal: Principal, opinion_id: int) -> OpinionOut:
    """The opinion as the caller now sees it (a moderator always may)."""
    db.flush()
    row = visible_opinion(db, principal, opinion_id).row
    return OpinionOut.model_validate(row, from_attributes=True)


@router.post(
    "/api/v1/opinions/{opinion_id}/hide",
    response_model=OpinionOut,
    tags=["opinions"],
    dependencies=[Depends(verify_csrf)],
)
def api_hide(
    body: HideIn,
    db: Tx,
    opinion_id: int = Depends(moderated_opinion),
    principal: Principal = Depends(require_moderator),
) -> OpinionOut:
    """Hide an opinion with a reason (secretary or admin of its organisation); never deleted."""
    hide_opinion(db, principal, opinion_id, body)
    return _now_seen(db, principal, opinion_id)


@router.post(
    "/api/v1/opinions/{opinion_id}/restore",
    response_model=OpinionOut,
    tags=["opinions"],
    dependencies=[Depends(verify_csrf)],
)
def api_restore(
    db: Tx,
    opinion_id: int = Depends(moderated_opinion),
    principal: Principal = Depends(require_moderator),
) -> OpinionOut:
    """Put a hidden opinion back (published or received, as the consultation's policy says)."""
    restore_opinion(db, principal, opinion_id)
    return _now_seen(db, principal, opinion_id)
