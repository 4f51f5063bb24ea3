"""Report ingestion and review pages and their JSON twins: read a report of an event, review
its items (highlighted in the cleaned text), confirm it as an event with its opinions."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.events.access import ConsultationEvents, report_for
from ykien.events.models import Event, EventKind, EventReport, ItemState, ReportItem
from ykien.events.pages import (
    API_POST,
    FORM_POST,
    PAGE,
    all_orgs,
    as_id,
    draw,
    field_text,
    local,
    max_upload_mb,
    person_names,
    picked,
    read_upload,
)
from ykien.events.reports import drafts as report_drafts
from ykien.events.reports import service as reports
from ykien.events.reports.schemas import (
    BulkReviewIn,
    ConfirmReportIn,
    ReportItemOut,
    ReportOut,
    ReviewIn,
)
from ykien.events.routes import event_detail_of
from ykien.events.schemas import EventDetailOut
from ykien.web.deps import PathId, Principal, get_settings, require_staff
from ykien.web.flash import add_flash
from ykien.web.forms import (
    FormFields,
    Problem,
    parse_form,
    parse_moment,
    redraw_on_error,
    see_other,
)
from ykien.web.i18n import translator
from ykien.web.templating import request_language
from ykien.web.tx import Db, Tx

router = APIRouter()
Managed = Depends(ConsultationEvents(manage=True))
PathItem = PathId
ReportText = Annotated[str, Form(max_length=1_000_000)]
MAX_BULK_ITEMS = 10_000


# --- ingestion -------------------------------------------------------------------------------


def ingest(
    db: Session,
    principal: Principal,
    consultation_id: int,
    *,
    text: str,
    upload: UploadFile | None,
    settings: Settings,
) -> EventReport:
    """Read a report (a file, else the pasted text): the use case of the page and the API."""
    data, filename = read_upload(upload, settings)
    return reports.ingest_report(
        session=db,
        consultation_id=consultation_id,
        data=data,
        text=text,
        filename=filename,
        max_bytes=settings.max_upload_bytes,
        actor_person_id=principal.person_id,
    )


def draw_ingest_page(
    request: Request,
    db: Session,
    consultation_id: int,
    settings: Settings,
    *,
    text: str = "",
    problem: Problem | None = None,
) -> HTMLResponse:
    context = {
        "consultation": consultations.get(session=db, consultation_id=consultation_id),
        "text": text,
        "max_upload_mb": max_upload_mb(settings),
    }
    return draw(request, "events/ingest.html", context, problem)


@router.get("/c/{consultation_id}/events/ingest", **PAGE)
def ingest_page(
    request: Request,
    db: Db,
    consultation: Consultation = Managed,
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    return draw_ingest_page(request, db, consultation.id, settings)


@router.post("/c/{consultation_id}/events/ingest", **FORM_POST)
def ingest_report_page(
    request: Request,
    db: Tx,
    text: ReportText = "",
    report_file: Annotated[UploadFile | None, File()] = None,
    consultation: Consultation = Managed,
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    consultation_id = consultation.id

    def redraw(problem: Problem) -> Response:
        return draw_ingest_page(request, db, consultation_id, settings, text=text, problem=problem)

    with redraw_on_error(request, db, redraw):
        report = ingest(
            db, principal, consultation_id, text=text, upload=report_file, settings=settings
        )
    return see_other(f"/event-reports/{report.id}")


@router.post(
    "/api/v1/consultations/{consultation_id}/event-reports",
    response_model=ReportOut,
    status_code=201,
    **API_POST,
)
def api_ingest_report(
    db: Tx,
    text: ReportText = "",
    file: Annotated[UploadFile | None, File(description=".txt, .docx or .pdf")] = None,
    consultation: Consultation = Managed,
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> ReportOut:
    """Read a report of an event (pasted text or a file) and propose the event; every item is
    pending review and nothing counts as an opinion until the report is confirmed."""
    report = ingest(db, principal, consultation.id, text=text, upload=file, settings=settings)
    return report_out(db, report)


# --- review ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the cleaned text and the items covering it (innermost first)."""

    text: str
    item_ids: tuple[int, ...]
    field: str


def highlighted(text: str, items: list[ReportItem]) -> list[Segment]:
    """The text cut at every item boundary; each piece knows the items that cover it."""
    shown = [i for i in items if i.state != ItemState.REJECTED and 0 <= i.start < i.end]
    cuts = sorted({0, len(text), *(i.start for i in shown), *(i.end for i in shown)})
    segments = []
    for start, end in pairwise(cuts):
        covering = sorted(
            (i for i in shown if i.start <= start and end <= i.end), key=lambda i: i.end - i.start
        )
        segments.append(
            Segment(
                text[start:end],
                tuple(i.id for i in covering),
                covering[0].field if covering else "",
            )
        )
    return segments


def report_out(db: Session, report: EventReport) -> ReportOut:
    """The report as the API documents it: its proposal and its items."""
    items = reports.report_items(session=db, report_id=report.id)
    return ReportOut(
        id=report.id,
        consultation_id=report.consultation_id,
        source_filename=report.source_filename,
        cleaned_text=report.cleaned_text,
        proposal=reports.proposal_of(report),
        items=[ReportItemOut.model_validate(i, from_attributes=True) for i in items],
        event_id=report.event_id,
        confirmed_at=report.confirmed_at,
        url=f"/event-reports/{report.id}",
    )


def _confirm_defaults(db: Session, report: EventReport, settings: Settings) -> dict[str, str]:
    """The confirmation form as reviewed: the items' edits, else what was extracted."""
    values = reports.reviewed_values(session=db, report=report)
    return {**values, "starts_at": local(values["starts_at"], settings)}


def draw_review_page(
    request: Request,
    db: Session,
    report: EventReport,
    settings: Settings,
    *,
    problem: Problem | None = None,
    confirm_form: dict[str, Any] | None = None,
) -> HTMLResponse:
    items = reports.report_items(session=db, report_id=report.id)
    proposal = reports.proposal_of(report)
    choices = report_drafts.choices(session=db, home_id=report.consultation_id)
    context = {
        "consultation": consultations.get(session=db, consultation_id=report.consultation_id),
        "report": report,
        "items": items,
        "segments": highlighted(report.cleaned_text, items),
        "removed": proposal.get("removed", []),
        "counts": {state: sum(1 for i in items if i.state == state) for state in set(ItemState)},
        "orgs": all_orgs(db),
        "draft_choices": choices,
        "draft_names": dict(choices),
        "person_names": person_names(db, {i.person_id for i in items}),
        "confirm": confirm_form or _confirm_defaults(db, report, settings),
    }
    return draw(request, "events/review.html", context, problem)


@router.get("/event-reports/{report_id}", **PAGE)
def review_page(
    request: Request,
    db: Db,
    report: EventReport = Depends(report_for),
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    return draw_review_page(request, db, report, settings)


@router.get("/api/v1/event-reports/{report_id}", response_model=ReportOut, tags=["events"])
def api_report(db: Db, report: EventReport = Depends(report_for)) -> ReportOut:
    """The report's cleaned text, proposal and items with their spans and review states."""
    return report_out(db, report)


def review(
    db: Session, principal: Principal, report: EventReport, item_id: int, body: ReviewIn
) -> ReportItem:
    """Accept, reject or edit one item: the use case of the page and the API."""
    return reports.review_item(
        session=db,
        report_id=report.id,
        item_id=item_id,
        **body.model_dump(),
        actor_person_id=principal.person_id,
    )


def review_from_form(form: FormFields) -> ReviewIn:
    return parse_form(
        ReviewIn,
        {},
        state=field_text(form, "state") or ItemState.ACCEPTED.value,
        edited_text=field_text(form, "edited_text") or None,
        person_id=picked(field_text(form, "person")[:300])[0],
        organisation_id=as_id(field_text(form, "organisation_id")[:20]),
        consultation_id=as_id(field_text(form, "consultation_id")[:20]),
        credited_organisation_id=as_id(field_text(form, "credit")[:20]),
    )


@router.post("/event-reports/{report_id}/items/{item_id}", **FORM_POST)
def review_item_page(
    request: Request,
    item_id: PathItem,
    form: FormFields,
    db: Tx,
    report: EventReport = Depends(report_for),
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    def redraw(problem: Problem) -> Response:
        return draw_review_page(request, db, report, settings, problem=problem)

    with redraw_on_error(request, db, redraw):
        review(db, principal, report, item_id, review_from_form(form))
    return see_other(f"/event-reports/{report.id}#item-{item_id}")


@router.post(
    "/api/v1/event-reports/{report_id}/items/{item_id}",
    response_model=ReportItemOut,
    **API_POST,
)
def api_review_item(
    item_id: PathItem,
    body: ReviewIn,
    db: Tx,
    report: EventReport = Depends(report_for),
    principal: Principal = Depends(require_staff),
) -> ReportItemOut:
    """Accept, reject or edit an item; link it to a person or organisation."""
    item = review(db, principal, report, item_id, body)
    return ReportItemOut.model_validate(item, from_attributes=True)


@router.post("/event-reports/{report_id}/accept-all", **FORM_POST)
def accept_all_page(
    request: Request,
    db: Tx,
    report: EventReport = Depends(report_for),
    principal: Principal = Depends(require_staff),
) -> Response:
    count = reports.accept_pending(
        session=db, report_id=report.id, actor_person_id=principal.person_id
    )
    _ = translator(request_language(request))
    add_flash(request, _("{count} items accepted.", count=count))
    return see_other(f"/event-reports/{report.id}")


def review_many(db: Session, principal: Principal, report: EventReport, body: BulkReviewIn) -> int:
    """Accept or reject the chosen items (or all) at once: the use case of the page and API."""
    return reports.review_items(
        session=db,
        report_id=report.id,
        item_ids=None if body.all else body.item_ids,
        state=body.state,
        actor_person_id=principal.person_id,
    )


def bulk_from_form(form: FormFields) -> BulkReviewIn:
    """The ticked items (`item_id`, repeated), the button pressed (`state`), "select all"."""
    chosen = form.get("item_id", [])
    values = [chosen] if isinstance(chosen, str) else chosen[:MAX_BULK_ITEMS]
    return parse_form(
        BulkReviewIn,
        {},
        item_ids=[i for i in (as_id(v[:20]) for v in values) if i is not None],
        state=field_text(form, "state")[:10],
        all=field_text(form, "all") == "1",
    )


@router.post("/event-reports/{report_id}/bulk-review", **FORM_POST)
def bulk_review_page(
    request: Request,
    form: FormFields,
    db: Tx,
    report: EventReport = Depends(report_for),
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    def redraw(problem: Problem) -> Response:
        return draw_review_page(request, db, report, settings, problem=problem)

    with redraw_on_error(request, db, redraw):
        body = bulk_from_form(form)
        count = review_many(db, principal, report, body)
    _ = translator(request_language(request))
    if body.state == ItemState.ACCEPTED:
        add_flash(request, _("{count} items accepted.", count=count))
    else:
        add_flash(request, _("{count} items rejected.", count=count))
    return see_other(f"/event-reports/{report.id}")


@router.post("/api/v1/event-reports/{report_id}/bulk-review", response_model=ReportOut, **API_POST)
def api_bulk_review(
    body: BulkReviewIn,
    db: Tx,
    report: EventReport = Depends(report_for),
    principal: Principal = Depends(require_staff),
) -> ReportOut:
    """Accept or reject several items (item_ids, or every item with `all`) in one step; an id
    not of this report changes nothing."""
    review_many(db, principal, report, body)
    return report_out(db, report)


# --- confirmation ------------------------------------------------------------------------------


def confirm(
    db: Session,
    principal: Principal,
    report: EventReport,
    body: ConfirmReportIn,
    settings: Settings,
) -> Event:
    """Create the event from the accepted items: the use case of the page and the API."""
    if body.accept_pending:
        reports.accept_pending(session=db, report_id=report.id, actor_person_id=principal.person_id)
    starts_at = body.starts_at
    return reports.confirm_report(
        session=db,
        report_id=report.id,
        title=body.title or None,
        kind=body.kind,
        starts_at=parse_moment(starts_at, settings, what_vi="thời gian", what_en="time")
        if starts_at is not None
        else None,
        place=body.place,
        actor_person_id=principal.person_id,
    )


def confirm_from_form(form: FormFields) -> ConfirmReportIn:
    """The page always sends the date (an empty one is refused, not taken from the report)."""
    return parse_form(
        ConfirmReportIn,
        {},
        title=field_text(form, "title"),
        kind=field_text(form, "kind") or EventKind.SEMINAR.value,
        starts_at=field_text(form, "starts_at"),
        place=field_text(form, "place"),
    )


@router.post("/event-reports/{report_id}/confirm", **FORM_POST)
def confirm_report_page(
    request: Request,
    form: FormFields,
    db: Tx,
    report: EventReport = Depends(report_for),
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    typed = {name: field_text(form, name) for name in ("title", "kind", "starts_at", "place")}
    typed["kind"] = typed["kind"] or EventKind.SEMINAR.value

    def redraw(problem: Problem) -> Response:
        return draw_review_page(request, db, report, settings, problem=problem, confirm_form=typed)

    with redraw_on_error(request, db, redraw):
        event = confirm(db, principal, report, confirm_from_form(form), settings)
    _ = translator(request_language(request))
    add_flash(request, _("The event “{title}” was recorded.", title=event.title))
    return see_other(f"/events/{event.id}")


@router.post(
    "/api/v1/event-reports/{report_id}/confirm",
    response_model=EventDetailOut,
    **API_POST,
)
def api_confirm_report(
    body: ConfirmReportIn,
    db: Tx,
    report: EventReport = Depends(report_for),
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> EventDetailOut:
    """Create the event and its opinions and recommendations from the accepted items."""
    body = body.model_copy(update={"starts_at": body.starts_at or None})
    event = confirm(db, principal, report, body, settings)
    return event_detail_of(db, event.id)
