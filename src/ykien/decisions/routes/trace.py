"""The participant: what happened to each of "my opinions" (the trace, swapped into that page by
htmx) and the inbox of notices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import update
from sqlalchemy.orm import Session

from ykien.db.base import utcnow
from ykien.decisions import service as decisions
from ykien.decisions.routes.common import TAGS, labels
from ykien.decisions.routes.responses import trace_out
from ykien.decisions.schemas import NotificationOut, TraceOut
from ykien.events import service as events
from ykien.events.models import Notification
from ykien.opinions import queries
from ykien.web.deps import Principal, require_principal
from ykien.web.forms import see_other
from ykien.web.paging import PageAt
from ykien.web.security import verify_csrf
from ykien.web.templating import render
from ykien.web.tx import Db, Tx

router = APIRouter()
TracePage = Annotated[PageAt, Depends()]


def my_traces(db: Session, principal: Principal, at: PageAt) -> dict[int, decisions.Trace]:
    """The traces of the opinions on one page of "my opinions"."""
    mine = queries.opinions_of_person(
        session=db,
        person_id=principal.person_id,
        page=at.page,
        per_page=50,
        seek=at.seek(queries.MY_CURSOR_KINDS),
    )
    return decisions.traces(session=db, opinion_ids=[item.id for item in mine.items])


@router.get("/me/opinions/trace", response_class=HTMLResponse, include_in_schema=False)
def my_traces_fragment(
    request: Request,
    db: Db,
    at: TracePage,
    principal: Principal = Depends(require_principal),
) -> HTMLResponse:
    """The traces of one page of "my opinions", swapped into that page by htmx (out of band)."""
    context = {"traces": my_traces(db, principal, at), **labels()}
    return render(request, "decisions/_traces.html", context)


@router.get("/api/v1/me/opinions/trace", response_model=list[TraceOut], tags=["opinions"])
def api_my_traces(
    db: Db, at: TracePage, principal: Principal = Depends(require_principal)
) -> list[TraceOut]:
    """What happened to each of the caller's opinions on one page of GET /api/v1/me/opinions."""
    found = my_traces(db, principal, at)
    return [trace_out(found[i]) for i in sorted(found, reverse=True)]


def _inbox(db: Session, principal: Principal) -> list[Notification]:
    return events.notifications_for(session=db, person_id=principal.person_id, organisation_ids=[])


@router.get("/me/notifications", response_class=HTMLResponse, include_in_schema=False)
def inbox_page(
    request: Request, db: Db, principal: Principal = Depends(require_principal)
) -> HTMLResponse:
    return render(request, "decisions/inbox.html", {"notifications": _inbox(db, principal)})


@router.get("/api/v1/me/notifications", response_model=list[NotificationOut], tags=TAGS)
def api_inbox(db: Db, principal: Principal = Depends(require_principal)) -> list[NotificationOut]:
    return [
        NotificationOut(
            id=n.id, text=n.text, link=n.link, created_at=n.created_at, read=n.read_at is not None
        )
        for n in _inbox(db, principal)
    ]


@router.post("/me/notifications/read", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def mark_read(db: Tx, principal: Principal = Depends(require_principal)) -> Response:
    db.execute(
        update(Notification)
        .where(Notification.person_id == principal.person_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return see_other("/me/notifications")
