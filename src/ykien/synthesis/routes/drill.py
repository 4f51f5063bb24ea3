"""The drill-down: one item of a synthesis, the child items consolidated into it and a page of its
own original opinions; choosing its representative quotes. Page and JSON twin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ykien.accounts.models import Person
from ykien.consultations import service as consultations
from ykien.drafts.models import Section
from ykien.opinions.models import Opinion
from ykien.synthesis import service as syntheses
from ykien.synthesis.access import ItemAt, ItemFor, may_edit
from ykien.synthesis.routes.common import TAGS, Page, labels
from ykien.synthesis.routes.editing import ItemEditor, set_quotes
from ykien.synthesis.schemas import ChildItemOut, DrillDownOut, OpinionOut, QuotesIn
from ykien.web.forms import FormFields, Problem, parse_form, redraw_on_error, see_other
from ykien.web.security import verify_csrf
from ykien.web.templating import render
from ykien.web.tx import Db, Tx

router = APIRouter()
PAGE_SIZE = 50
ItemReader = Depends(ItemFor())


class OpinionRow:
    """An original opinion as the drill-down lists it."""

    def __init__(self, row: Any) -> None:
        (self.id, self.receipt_code, self.text, self.status, self.channel, self.kind) = row[:6]
        self.section_label: str | None = row[6]
        self.author: str | None = row[7]
        self.submitted_at: datetime = row[8]


def _opinion_rows(db: Session, opinion_ids: list[int]) -> list[OpinionRow]:
    if not opinion_ids:
        return []
    rows = db.execute(
        select(
            Opinion.id,
            Opinion.receipt_code,
            Opinion.text,
            Opinion.status,
            Opinion.channel,
            Opinion.kind,
            Section.label,
            func.coalesce(Person.full_name, Opinion.author_name),
            Opinion.submitted_at,
        )
        .outerjoin(Section, Section.id == Opinion.section_id)
        .outerjoin(Person, Person.id == Opinion.author_person_id)
        .where(Opinion.id.in_(opinion_ids))
        .order_by(Opinion.id)
    ).all()
    return [OpinionRow(row) for row in rows]


def drill(db: Session, item_id: int, page: int) -> dict[str, Any]:
    """What both presentations show: child items, one page of own opinions, the totals."""
    found = syntheses.drill_down(session=db, item_id=item_id)
    start = page * PAGE_SIZE
    shown = found.own_opinion_ids[start : start + PAGE_SIZE]
    return {
        "drill": found,
        "opinions": _opinion_rows(db, shown),
        "own_total": len(found.own_opinion_ids),
        "beneath_total": len(syntheses.opinions_under(session=db, item_id=item_id)),
        "page": page,
        "more": len(found.own_opinion_ids) > start + PAGE_SIZE,
    }


@router.get("/synthesis-items/{item_id}", response_class=HTMLResponse, include_in_schema=False)
def item_page(request: Request, db: Db, page: Page = 0, at: ItemAt = ItemReader) -> HTMLResponse:
    return _item_page(request, db, at, page=page)


def _item_page(
    request: Request, db: Session, at: ItemAt, *, page: int = 0, problem: Problem | None = None
) -> HTMLResponse:
    context = {
        "consultation": consultations.get(session=db, consultation_id=at.synthesis.consultation_id),
        "item": at.item,
        "synthesis": at.synthesis,
        "org": at.org,
        "may_edit": may_edit(at.principal, at.org) and not at.synthesis.frozen,
        "error": problem.message if problem else None,
        **drill(db, at.item.id, page),
        **labels(),
    }
    return render(request, "synthesis/item.html", context, problem.status_code if problem else 200)


@router.post(
    "/synthesis-items/{item_id}/quotes",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def quotes_page(request: Request, form: FormFields, db: Tx, at: ItemAt = ItemEditor) -> Response:
    body = parse_form(QuotesIn, form)
    with redraw_on_error(request, db, lambda problem: _item_page(request, db, at, problem=problem)):
        set_quotes(db, at, body)
    return see_other(f"/syntheses/{at.synthesis.id}#item-{at.item.id}")


@router.get("/api/v1/synthesis-items/{item_id}", response_model=DrillDownOut, tags=TAGS)
def api_drill_down(db: Db, page: Page = 0, at: ItemAt = ItemReader) -> DrillDownOut:
    """One level down: the child items consolidated here and a page of the item's own opinions."""
    found = drill(db, at.item.id, page)
    return DrillDownOut(
        item_id=at.item.id,
        synthesis_id=at.synthesis.id,
        title=at.item.title,
        child_items=[ChildItemOut.model_validate(child) for child in found["drill"].child_items],
        opinions=[OpinionOut.model_validate(row) for row in found["opinions"]],
        own_total=found["own_total"],
        beneath_total=found["beneath_total"],
        page=page,
        more=found["more"],
    )
