"""Changing the organisation one recorded opinion of an event counts for, from the event page
and its JSON twin (the bulk control for unassigned lines is in events.routes)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ykien.events import collects
from ykien.events.access import managed_event
from ykien.events.models import Event
from ykien.events.pages import API_POST, FORM_POST, as_id, field_text
from ykien.events.routes import draw_event_page
from ykien.events.schemas import EventOpinionOut, OpinionCreditIn
from ykien.opinions.models import Opinion
from ykien.web.deps import PathId, Principal, require_staff
from ykien.web.flash import add_flash
from ykien.web.forms import FormFields, Problem, parse_form, redraw_on_error, see_other
from ykien.web.i18n import translator
from ykien.web.templating import request_language
from ykien.web.tx import Tx

router = APIRouter()


def credit_one(
    db: Session, principal: Principal, event: Event, opinion_id: int, body: OpinionCreditIn
) -> Opinion:
    """Credit one opinion of the event: the use case of the page and the API."""
    return collects.credit_opinion(
        session=db, event=event, opinion_id=opinion_id, organisation_id=body.organisation_id,
        actor_person_id=principal.person_id,
    )  # fmt: skip


@router.post("/events/{event_id}/opinions/{opinion_id}/credit", **FORM_POST)
def credit_opinion_page(
    request: Request,
    opinion_id: PathId,
    form: FormFields,
    db: Tx,
    event: Event = Depends(managed_event),
    principal: Principal = Depends(require_staff),
) -> Response:
    def redraw(problem: Problem) -> Response:
        return draw_event_page(request, db, principal, event, {}, problem)

    with redraw_on_error(request, db, redraw):
        organisation_id = as_id(field_text(form, "organisation_id")[:20])
        body = parse_form(OpinionCreditIn, {}, organisation_id=organisation_id)
        credit_one(db, principal, event, opinion_id, body)
    _ = translator(request_language(request))
    add_flash(request, _("The organisation the opinion counts for was changed."))
    return see_other(f"/events/{event.id}#opinion-{opinion_id}")


@router.post(
    "/api/v1/events/{event_id}/opinions/{opinion_id}/credit",
    response_model=EventOpinionOut,
    **API_POST,
)
def api_credit_opinion(
    opinion_id: PathId,
    body: OpinionCreditIn,
    db: Tx,
    event: Event = Depends(managed_event),
    principal: Principal = Depends(require_staff),
) -> EventOpinionOut:
    """Change the organisation one opinion of the event counts for (`organisation_id`: one of
    the event's organisers or attendees' organisations, within the draft's scope; null: the
    author's own organisation); audited."""
    opinion = credit_one(db, principal, event, opinion_id, body)
    return EventOpinionOut.model_validate(opinion, from_attributes=True)
