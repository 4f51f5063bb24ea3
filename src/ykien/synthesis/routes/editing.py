"""One synthesis: its page and JSON twin, editing (summary, items, order, quotes) and its life
cycle (sign off, new revision, submit to the level above). Secretaries and admins covering the
synthesis's organisation change it; the submission is e-mailed after the commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.accounts.models import Person
from ykien.analysis.service import Breakdown
from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.orgs import service as orgs
from ykien.synthesis import jobs
from ykien.synthesis import service as syntheses
from ykien.synthesis.access import ItemAt, ItemFor, SynthesisAt, SynthesisFor, may_edit
from ykien.synthesis.models import Synthesis
from ykien.synthesis.reading import ITEMS_PAGE
from ykien.synthesis.routes.common import TAGS, labels, text_of
from ykien.synthesis.schemas import (
    BreakdownOut,
    CountsOut,
    FacetOut,
    ItemIn,
    ItemOut,
    MoveIn,
    OrderIn,
    QuoteOut,
    QuotesIn,
    RevisionOut,
    SummaryIn,
    SynthesisOut,
)
from ykien.web.deps import MODERATOR_ROLES, get_settings
from ykien.web.forms import FormFields, Problem, parse_form, redraw_on_error, see_other
from ykien.web.security import verify_csrf
from ykien.web.templating import render
from ykien.web.tx import Db, Tx

router = APIRouter()
Reader = Depends(SynthesisFor())
Editor = Depends(SynthesisFor(MODERATOR_ROLES))
ItemEditor = Depends(ItemFor(MODERATOR_ROLES))


# --- the read function of both presentations -----------------------------------------------


def _facets(rows: list[tuple[str, Any]]) -> list[FacetOut]:
    return [FacetOut(name=name, raw=c.raw, unique=c.unique) for name, c in rows]


def _breakdown_out(found: Breakdown) -> BreakdownOut:
    return BreakdownOut(
        total=CountsOut.model_validate(found.total),
        by_organisation=_facets(found.by_organisation),
        by_channel=_facets(found.by_channel),
        by_kind=_facets(found.by_kind),
    )


def _attrs(obj: Any, model: type[BaseModel], **given: Any) -> dict[str, Any]:
    """The model's fields read from the object's attributes, with `given` ones instead."""
    return {
        name: given[name] if name in given else getattr(obj, name) for name in model.model_fields
    }


def item_out(view: syntheses.ItemView) -> ItemOut:
    quotes = [QuoteOut(opinion_id=i, text=text) for i, text in view.quotes]
    return ItemOut.model_validate(
        _attrs(
            view.item,
            ItemOut,
            counts=_breakdown_out(view.counts),
            quotes=quotes,
            child_item_count=view.child_item_count,
        )
    )


def synthesis_out(db: Session, synthesis_id: int, after: str = "") -> SynthesisOut:
    """The synthesis as the API documents it: a page of items with counts and quotes (the next
    page from `next_after`), and its revisions."""
    found = syntheses.view(session=db, synthesis_id=synthesis_id, after=after, limit=ITEMS_PAGE)
    synthesis = found.synthesis
    revisions = syntheses.history(
        session=db,
        consultation_id=synthesis.consultation_id,
        organisation_id=synthesis.organisation_id,
    )
    fields = _attrs(
        synthesis,
        SynthesisOut,
        organisation_name=found.organisation_name,
        totals=_breakdown_out(found.totals),
        items=[item_out(view) for view in found.items],
        next_after=found.next_after,
        history=[RevisionOut.model_validate(r) for r in revisions],
    )
    return SynthesisOut.model_validate(fields)


def _item_of(db: Session, synthesis_id: int, item_id: int) -> ItemOut:
    found = syntheses.view(session=db, synthesis_id=synthesis_id)
    return next(item_out(view) for view in found.items if view.item.id == item_id)


# --- the page ------------------------------------------------------------------------------


ItemsAfter = Annotated[
    str,
    Query(
        max_length=40, pattern=r"^(\d{1,9}:\d{1,19})?$", description="next_after of the page before"
    ),
]


@router.get("/syntheses/{synthesis_id}", response_class=HTMLResponse, include_in_schema=False)
def synthesis_page(
    request: Request, db: Db, after: ItemsAfter = "", at: SynthesisAt = Reader
) -> HTMLResponse:
    """The synthesis with a page of its items; "next" loads the following items (htmx)."""
    return _synthesis_page(request, db, at, after=after)


def _names(db: Session, person_ids: Iterable[int | None]) -> dict[int, str]:
    ids = [i for i in person_ids if i is not None]
    if not ids:
        return {}
    return dict(db.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids))).all())


def _synthesis_page(
    request: Request,
    db: Session,
    at: SynthesisAt,
    problem: Problem | None = None,
    typed: dict[str, Any] | None = None,
    after: str = "",
) -> HTMLResponse:
    synthesis, org = at.synthesis, at.org
    revisions = syntheses.history(
        session=db, consultation_id=synthesis.consultation_id, organisation_id=org.id
    )
    parent = orgs.get(session=db, organisation_id=org.parent_id) if org.parent_id else None
    signers = [synthesis.signed_off_by_person_id, synthesis.submitted_by_person_id]
    context = {
        "consultation": consultations.get(session=db, consultation_id=synthesis.consultation_id),
        "view": syntheses.view(
            session=db, synthesis_id=synthesis.id, after=after, limit=ITEMS_PAGE
        ),
        "synthesis": synthesis,
        "org": org,
        "parent": parent,
        "revisions": revisions,
        "is_latest": revisions[-1].id == synthesis.id,
        "may_edit": may_edit(at.principal, org),
        "people": _names(db, signers),
        "error": problem.message if problem else None,
        "typed": typed or {},
        **labels(),
    }
    return render(
        request, "synthesis/synthesis.html", context, problem.status_code if problem else 200
    )


def _redraw(
    request: Request, db: Session, at: SynthesisAt, typed: dict[str, Any] | None = None
) -> Callable[[Problem], Response]:
    """The synthesis page again, with the message and what was typed."""
    return lambda problem: _synthesis_page(request, db, at, problem, typed)


# --- the use cases: one function each, called by the page and by the API ------------------


def edit_summary(db: Session, at: SynthesisAt, body: SummaryIn) -> Synthesis:
    return syntheses.edit_summary(
        session=db, synthesis_id=at.synthesis.id, summary=body.summary, by=at.principal.person_id
    )


def sign_off(db: Session, at: SynthesisAt) -> Synthesis:
    return syntheses.sign_off(session=db, synthesis_id=at.synthesis.id, by=at.principal.person_id)


def revise(db: Session, at: SynthesisAt) -> Synthesis:
    """A new draft revision copied from the signed-off one: the answer is the new revision."""
    return syntheses.new_revision(
        session=db, synthesis_id=at.synthesis.id, by=at.principal.person_id
    )


def submit(
    request: Request, db: Session, at: SynthesisAt, background: BackgroundTasks, settings: Settings
) -> Synthesis:
    """Send it to the parent; the e-mail goes out after the commit, in a session of its own."""
    sent = syntheses.submit(session=db, synthesis_id=at.synthesis.id, by=at.principal.person_id)
    background.add_task(
        jobs.email_submission,
        session_factory=request.app.state.session_factory,
        settings=settings,
        synthesis_id=sent.id,
        base_url=str(request.base_url).rstrip("/"),
    )
    return sent


def edit_item(db: Session, at: ItemAt, body: ItemIn) -> None:
    syntheses.edit_item(
        session=db,
        item_id=at.item.id,
        by=at.principal.person_id,
        title=body.title,
        summary=body.summary,
    )


def reorder(db: Session, at: SynthesisAt, body: OrderIn) -> None:
    syntheses.reorder(
        session=db, synthesis_id=at.synthesis.id, item_ids=body.item_ids, by=at.principal.person_id
    )


def set_quotes(db: Session, at: ItemAt, body: QuotesIn) -> None:
    syntheses.set_quotes(
        session=db, item_id=at.item.id, opinion_ids=body.opinion_ids, by=at.principal.person_id
    )


# --- pages ---------------------------------------------------------------------------------

_form: dict[str, Any] = {"include_in_schema": False, "dependencies": [Depends(verify_csrf)]}


@router.post("/syntheses/{synthesis_id}/summary", **_form)
def summary_page(request: Request, form: FormFields, db: Tx, at: SynthesisAt = Editor) -> Response:
    body = parse_form(SummaryIn, form, summary=text_of(form, "summary"))
    with redraw_on_error(request, db, _redraw(request, db, at, {"summary": body.summary})):
        edit_summary(db, at, body)
    return see_other(f"/syntheses/{at.synthesis.id}")


@router.post("/syntheses/{synthesis_id}/sign-off", **_form)
def sign_off_page(request: Request, form: FormFields, db: Tx, at: SynthesisAt = Editor) -> Response:
    """Signing off cannot be undone: the page asks first (what is frozen, with a cancel)."""
    if form.get("confirm") != "yes" and not at.synthesis.frozen:
        found = syntheses.view(session=db, synthesis_id=at.synthesis.id)
        context = {"synthesis": at.synthesis, "org": at.org, "view": found}
        return render(request, "synthesis/confirm_sign_off.html", context)
    with redraw_on_error(request, db, _redraw(request, db, at)):
        sign_off(db, at)
    return see_other(f"/syntheses/{at.synthesis.id}")


@router.post("/syntheses/{synthesis_id}/revise", **_form)
def revise_page(request: Request, db: Tx, at: SynthesisAt = Editor) -> Response:
    with redraw_on_error(request, db, _redraw(request, db, at)):
        revised = revise(db, at)
    return see_other(f"/syntheses/{revised.id}")


@router.post("/syntheses/{synthesis_id}/submit", **_form)
def submit_page(
    request: Request,
    background: BackgroundTasks,
    db: Tx,
    at: SynthesisAt = Editor,
    settings: Settings = Depends(get_settings),
) -> Response:
    with redraw_on_error(request, db, _redraw(request, db, at)):
        submit(request, db, at, background, settings)
    return see_other(f"/syntheses/{at.synthesis.id}")


@router.post("/synthesis-items/{item_id}/edit", **_form)
def edit_item_page(request: Request, form: FormFields, db: Tx, at: ItemAt = ItemEditor) -> Response:
    body = parse_form(ItemIn, form, title=text_of(form, "title"), summary=text_of(form, "summary"))
    typed = {"item_id": at.item.id, "title": body.title, "summary": body.summary}
    with redraw_on_error(request, db, _redraw(request, db, at, typed)):
        edit_item(db, at, body)
    return see_other(f"/syntheses/{at.synthesis.id}#item-{at.item.id}")


def _moved(item_ids: list[int], item_id: int, direction: str) -> list[int]:
    """The order with the item swapped with its neighbour above ("up") or below ("down")."""
    order = list(item_ids)
    here = order.index(item_id)
    there = here - 1 if direction == "up" else here + 1
    if 0 <= there < len(order):
        order[here], order[there] = order[there], order[here]
    return order


@router.post("/synthesis-items/{item_id}/move", **_form)
def move_item_page(request: Request, form: FormFields, db: Tx, at: ItemAt = ItemEditor) -> Response:
    direction = parse_form(MoveIn, form).direction
    current = [i.id for i in syntheses.items_of(session=db, synthesis_id=at.synthesis.id)]
    body = OrderIn(item_ids=_moved(current, at.item.id, direction))
    with redraw_on_error(request, db, _redraw(request, db, at)):
        reorder(db, at, body)
    return see_other(f"/syntheses/{at.synthesis.id}#item-{at.item.id}")


# --- JSON ----------------------------------------------------------------------------------

_api: dict[str, Any] = {
    "response_model": SynthesisOut,
    "tags": TAGS,
    "dependencies": [Depends(verify_csrf)],
}
_api_item: dict[str, Any] = {
    "response_model": ItemOut,
    "tags": TAGS,
    "dependencies": [Depends(verify_csrf)],
}


@router.get("/api/v1/syntheses/{synthesis_id}", response_model=SynthesisOut, tags=TAGS)
def api_synthesis(db: Db, after: ItemsAfter = "", at: SynthesisAt = Reader) -> SynthesisOut:
    return synthesis_out(db, at.synthesis.id, after)


@router.post("/api/v1/syntheses/{synthesis_id}/summary", **_api)
def api_summary(body: SummaryIn, db: Tx, at: SynthesisAt = Editor) -> SynthesisOut:
    return synthesis_out(db, edit_summary(db, at, body).id)


@router.post("/api/v1/syntheses/{synthesis_id}/order", **_api)
def api_order(body: OrderIn, db: Tx, at: SynthesisAt = Editor) -> SynthesisOut:
    """Put the items in this order (every item once)."""
    reorder(db, at, body)
    return synthesis_out(db, at.synthesis.id)


@router.post("/api/v1/syntheses/{synthesis_id}/sign-off", **_api)
def api_sign_off(db: Tx, at: SynthesisAt = Editor) -> SynthesisOut:
    """Freeze the synthesis and its counts."""
    return synthesis_out(db, sign_off(db, at).id)


@router.post("/api/v1/syntheses/{synthesis_id}/revisions", **_api)
def api_revise(db: Tx, at: SynthesisAt = Editor) -> SynthesisOut:
    """A new draft revision copied from this signed-off one (answers the new revision)."""
    return synthesis_out(db, revise(db, at).id)


@router.post("/api/v1/syntheses/{synthesis_id}/submit", **_api)
def api_submit(
    request: Request,
    background: BackgroundTasks,
    db: Tx,
    at: SynthesisAt = Editor,
    settings: Settings = Depends(get_settings),
) -> SynthesisOut:
    """Send the signed-off synthesis to the parent organisation; its secretaries are notified
    in the app and, when SMTP is configured, by e-mail."""
    return synthesis_out(db, submit(request, db, at, background, settings).id)


@router.post("/api/v1/synthesis-items/{item_id}", **_api_item)
def api_edit_item(body: ItemIn, db: Tx, at: ItemAt = ItemEditor) -> ItemOut:
    """Change the item's title and/or summary (kept when the draft is refreshed)."""
    edit_item(db, at, body)
    return _item_of(db, at.synthesis.id, at.item.id)


@router.post("/api/v1/synthesis-items/{item_id}/quotes", **_api_item)
def api_quotes(body: QuotesIn, db: Tx, at: ItemAt = ItemEditor) -> ItemOut:
    """Choose the item's representative quotes (at most five of its opinions)."""
    set_quotes(db, at, body)
    return _item_of(db, at.synthesis.id, at.item.id)
