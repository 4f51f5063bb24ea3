"""Recommendation pages and their JSON twins: raised at an event, the inbox of the addressee
organisations, a recommendation's page with its answer, status and assignment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.events import service as events
from ykien.events.access import (
    answered_recommendation,
    assigned_recommendation,
    managed_event,
    may_answer,
    may_manage,
    seen_recommendation,
)
from ykien.events.checks import today_in_vietnam
from ykien.events.models import Event, Recommendation
from ykien.events.pages import (
    API_POST,
    FORM_POST,
    PAGE,
    all_orgs,
    as_id,
    draw,
    field_text,
    org_names,
    picked,
)
from ykien.events.recommendations import service as recommendations
from ykien.events.recommendations.schemas import (
    AnswerIn,
    InboxOut,
    RecommendationIn,
    RecommendationOut,
    StatusIn,
)
from ykien.events.routes import draw_event_page
from ykien.orgs import service as orgs
from ykien.web.access import roots_of
from ykien.web.deps import STAFF_ROLES, Principal, require_staff
from ykien.web.flash import add_flash
from ykien.web.forms import FormFields, Problem, parse_form, redraw_on_error, see_other
from ykien.web.i18n import translator
from ykien.web.templating import request_language
from ykien.web.tx import Db, Tx

router = APIRouter()
Answering = Depends(answered_recommendation)


def recommendation_out(recommendation: Recommendation) -> RecommendationOut:
    return RecommendationOut.model_validate(recommendation, from_attributes=True)


# --- raised at an event --------------------------------------------------------------------


def _first_organiser(db: Session, event_id: int) -> int | None:
    detail = events.event_detail(session=db, event_id=event_id)
    return detail.organisers[0].id if detail.organisers else None


def raise_recommendation(
    db: Session, principal: Principal, event: Event, body: RecommendationIn
) -> Recommendation:
    """Record a recommendation raised at the event: the use case of the page and the API."""
    return recommendations.create_recommendation(
        session=db,
        consultation_id=event.consultation_id,
        event_id=event.id,
        **body.model_dump(),
        raised_by_organisation_id=_first_organiser(db, event.id),
        actor_person_id=principal.person_id,
    )


@router.post("/events/{event_id}/recommendations", **FORM_POST)
def add_recommendation_page(
    request: Request,
    form: FormFields,
    db: Tx,
    event: Event = Depends(managed_event),
    principal: Principal = Depends(require_staff),
) -> Response:
    typed = {name: field_text(form, name) for name in ("text", "addressee_id", "due_on")}

    def redraw(problem: Problem) -> Response:
        return draw_event_page(request, db, principal, event, typed, problem)

    with redraw_on_error(request, db, redraw):
        body = parse_form(
            RecommendationIn,
            {},
            text=typed["text"],
            addressee_organisation_id=as_id(typed["addressee_id"][:20]),
            due_on=recommendations.due_date_of(typed["due_on"][:20]),
        )
        raise_recommendation(db, principal, event, body)
    _ = translator(request_language(request))
    add_flash(request, _("The recommendation was recorded."))
    return see_other(f"/events/{event.id}#recommendations")


@router.post(
    "/api/v1/events/{event_id}/recommendations",
    response_model=RecommendationOut,
    status_code=201,
    **API_POST,
)
def api_add_recommendation(
    body: RecommendationIn,
    db: Tx,
    event: Event = Depends(managed_event),
    principal: Principal = Depends(require_staff),
) -> RecommendationOut:
    """Record a recommendation raised at the event."""
    return recommendation_out(raise_recommendation(db, principal, event, body))


# --- the inbox -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecommendationView:
    recommendation: Recommendation
    addressee: str
    raised_by: str
    event_title: str
    overdue: bool


def _views(db: Session, rows: list[Recommendation]) -> list[RecommendationView]:
    names = org_names(
        db,
        {r.addressee_organisation_id for r in rows} | {r.raised_by_organisation_id for r in rows},
    )
    titles = dict(
        db.execute(
            select(Event.id, Event.title).where(Event.id.in_({r.event_id for r in rows} - {None}))
        ).all()
    )
    today = today_in_vietnam()
    return [
        RecommendationView(
            recommendation=r,
            addressee=names.get(r.addressee_organisation_id or 0, ""),
            raised_by=names.get(r.raised_by_organisation_id or 0, ""),
            event_title=titles.get(r.event_id or 0, ""),
            overdue=bool(r.due_on and r.due_on < today and r.status in ("open", "in_progress")),
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class Inbox:
    inbox: list[Recommendation]
    overdue: list[Recommendation]
    notifications: list[Any]


def inbox_of(db: Session, principal: Principal) -> Inbox:
    """What the page and the API show: addressed to the organisations the caller's roles cover,
    the overdue ones, and the notifications for the caller and those organisations."""
    roots = roots_of(principal, STAFF_ROLES)
    covered = [o.id for o in orgs.subtree_orgs(session=db, roots=roots)]
    return Inbox(
        inbox=recommendations.inbox(session=db, organisation_ids=covered),
        overdue=recommendations.overdue(session=db, organisation_ids=covered),
        notifications=events.notifications_for(
            session=db, person_id=principal.person_id, organisation_ids=covered
        ),
    )


@router.get("/recommendations", **PAGE)
def recommendations_page(
    request: Request, db: Db, principal: Principal = Depends(require_staff)
) -> HTMLResponse:
    found = inbox_of(db, principal)
    context = {
        "inbox": _views(db, found.inbox),
        "overdue": _views(db, found.overdue),
        "notifications": found.notifications,
    }
    return draw(request, "events/recommendations.html", context)


@router.get("/api/v1/recommendations", response_model=InboxOut, tags=["events"])
def api_recommendations(db: Db, principal: Principal = Depends(require_staff)) -> InboxOut:
    """Recommendations addressed to the organisations the caller's roles cover, the overdue
    ones, and the notifications for the caller and those organisations."""
    found = inbox_of(db, principal)
    return InboxOut(
        inbox=[recommendation_out(r) for r in found.inbox],
        overdue=[recommendation_out(r) for r in found.overdue],
        notifications=[
            {
                "id": n.id,
                "text": n.text,
                "link": n.link,
                "created_at": n.created_at.isoformat(),
                "read": n.read_at is not None,
            }
            for n in found.notifications
        ],
    )


# --- one recommendation --------------------------------------------------------------------


def draw_recommendation_page(
    request: Request,
    db: Session,
    principal: Principal,
    recommendation: Recommendation,
    *,
    form: dict[str, Any] | None = None,
    problem: Problem | None = None,
) -> HTMLResponse:
    context = {
        "view": _views(db, [recommendation])[0],
        "may_answer": may_answer(db, principal, recommendation),
        "may_assign": may_manage(db, principal, recommendation.consultation_id),
        "orgs": all_orgs(db),
        "form": {
            "answer": recommendation.answer or "",
            "addressee_id": str(recommendation.addressee_organisation_id or ""),
            "responsible_name": recommendation.responsible_name or "",
            "due_on": recommendation.due_on.strftime("%d/%m/%Y") if recommendation.due_on else "",
            **(form or {}),
        },
    }
    return draw(request, "events/recommendation.html", context, problem)


@router.get("/recommendations/{recommendation_id}", **PAGE)
def recommendation_page(
    request: Request,
    db: Db,
    recommendation: Recommendation = Depends(seen_recommendation),
    principal: Principal = Depends(require_staff),
) -> HTMLResponse:
    return draw_recommendation_page(request, db, principal, recommendation)


def _recommendation_action(
    request: Request,
    db: Session,
    principal: Principal,
    recommendation: Recommendation,
    action: Callable[[], object],
    *,
    form: dict[str, Any],
    done: Callable[[Callable[..., str]], str],
) -> Response:
    """A form on the recommendation's page: done -> flash and back; refused -> drawn again."""

    def redraw(problem: Problem) -> Response:
        return draw_recommendation_page(
            request, db, principal, recommendation, form=form, problem=problem
        )

    with redraw_on_error(request, db, redraw):
        action()
    add_flash(request, done(translator(request_language(request))))
    return see_other(f"/recommendations/{recommendation.id}")


def answer(
    db: Session, principal: Principal, recommendation: Recommendation, body: AnswerIn
) -> Recommendation:
    return recommendations.answer_recommendation(
        session=db,
        recommendation_id=recommendation.id,
        answer=body.answer,
        actor_person_id=principal.person_id,
    )


def set_status(
    db: Session, principal: Principal, recommendation: Recommendation, body: StatusIn
) -> Recommendation:
    return recommendations.set_recommendation_status(
        session=db,
        recommendation_id=recommendation.id,
        status=body.status,
        actor_person_id=principal.person_id,
    )


@router.post("/recommendations/{recommendation_id}/answer", **FORM_POST)
def answer_page(
    request: Request,
    form: FormFields,
    db: Tx,
    recommendation: Recommendation = Answering,
    principal: Principal = Depends(require_staff),
) -> Response:
    typed = field_text(form, "answer")
    return _recommendation_action(
        request,
        db,
        principal,
        recommendation,
        lambda: answer(db, principal, recommendation, parse_form(AnswerIn, {}, answer=typed)),
        form={"answer": typed},
        done=lambda _: _("The answer was recorded and the raiser notified."),
    )


@router.post("/recommendations/{recommendation_id}/status", **FORM_POST)
def status_page(
    request: Request,
    form: FormFields,
    db: Tx,
    recommendation: Recommendation = Answering,
    principal: Principal = Depends(require_staff),
) -> Response:
    body = {"status": field_text(form, "status")}
    return _recommendation_action(
        request,
        db,
        principal,
        recommendation,
        lambda: set_status(db, principal, recommendation, parse_form(StatusIn, {}, **body)),
        form={},
        done=lambda _: _("The status was changed."),
    )


@router.post("/recommendations/{recommendation_id}/assign", **FORM_POST)
def assign_page(
    request: Request,
    form: FormFields,
    db: Tx,
    recommendation: Recommendation = Depends(assigned_recommendation),
    principal: Principal = Depends(require_staff),
) -> Response:
    typed = {
        name: field_text(form, name) for name in ("addressee_id", "responsible_name", "due_on")
    }
    person_id, name = picked(typed["responsible_name"][:300])
    return _recommendation_action(
        request,
        db,
        principal,
        recommendation,
        lambda: recommendations.assign_recommendation(
            session=db,
            recommendation_id=recommendation.id,
            addressee_organisation_id=as_id(typed["addressee_id"][:20]),
            responsible_person_id=person_id,
            responsible_name=name,
            due_on=recommendations.due_date_of(typed["due_on"][:20]),
            actor_person_id=principal.person_id,
        ),
        form=typed,
        done=lambda _: _("The recommendation was assigned."),
    )


@router.post(
    "/api/v1/recommendations/{recommendation_id}/answer",
    response_model=RecommendationOut,
    **API_POST,
)
def api_answer(
    body: AnswerIn,
    db: Tx,
    recommendation: Recommendation = Answering,
    principal: Principal = Depends(require_staff),
) -> RecommendationOut:
    """Answer a recommendation (the addressee's secretariat); the raiser is notified."""
    return recommendation_out(answer(db, principal, recommendation, body))


@router.post(
    "/api/v1/recommendations/{recommendation_id}/status",
    response_model=RecommendationOut,
    **API_POST,
)
def api_status(
    body: StatusIn,
    db: Tx,
    recommendation: Recommendation = Answering,
    principal: Principal = Depends(require_staff),
) -> RecommendationOut:
    """Move a recommendation to open, in progress or closed."""
    return recommendation_out(set_status(db, principal, recommendation, body))
