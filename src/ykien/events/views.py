"""Event pages (list, event, new/edit, fast entry), report ingestion and review, written
submission import, recommendations inbox; their JSON twins under /api/v1.

Staff whose roles cover the consultation may look; its secretaries (and admins) create, review
and confirm. A recommendation is answered by the secretariat of its addressee organisation.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.accounts.models import Person
from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.consultations.secretariat_views import (
    add_flash,
    check_runs,
    may_run,
    parse_moment,
    pop_flashes,
    roots_of,
    upload_name,
)
from ykien.drafts import service as drafts
from ykien.errors import Forbidden, UserError
from ykien.events import service as events
from ykien.events.models import (
    Event,
    EventAttendee,
    EventKind,
    EventReport,
    ItemState,
    Recommendation,
    RecommendationStatus,
    ReportItem,
    Submission,
)
from ykien.opinions.models import Opinion, OpinionKind
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.types import DbId
from ykien.web.deps import (
    MAX_ID,
    MODERATOR_ROLES,
    STAFF_ROLES,
    PathId,
    Principal,
    get_db,
    get_settings,
    require_staff,
)
from ykien.web.i18n import translator
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language

router = APIRouter()
Id = PathId
INPUT_FORMAT = "%d/%m/%Y %H:%M"
MAX_ORG_CHOICES = 2_000
MAX_ATTENDEE_LINES = 500
_PICKED_ID = re.compile(r"\[#(\d{1,10})\]\s*$")


# --- who may do what ---------------------------------------------------------------------------


def _view(db: Session, principal: Principal, consultation_id: int) -> None:
    check_runs(db, principal, consultation_id, STAFF_ROLES)


def _manage(db: Session, principal: Principal, consultation_id: int) -> None:
    check_runs(db, principal, consultation_id, MODERATOR_ROLES)


def _may(db: Session, principal: Principal, consultation_id: int, roles: tuple[str, ...]) -> bool:
    paths = consultations.authority_paths(session=db, consultation_id=consultation_id)
    return may_run(principal, paths, roles)


def _org_path(db: Session, organisation_id: int | None) -> str | None:
    if organisation_id is None:
        return None
    org = db.get(Organisation, organisation_id)
    return org.tree_path if org else None


def _may_answer(db: Session, principal: Principal, recommendation: Recommendation) -> bool:
    """The addressee's secretariat, or the consultation's."""
    path = _org_path(db, recommendation.addressee_organisation_id)
    if path is not None and principal.covers(path, MODERATOR_ROLES):
        return True
    return _may(db, principal, recommendation.consultation_id, MODERATOR_ROLES)


def _check_sees_recommendation(
    db: Session, principal: Principal, recommendation: Recommendation
) -> None:
    path = _org_path(db, recommendation.addressee_organisation_id)
    if path is not None and principal.covers(path, STAFF_ROLES):
        return
    _view(db, principal, recommendation.consultation_id)


def _check_answers(db: Session, principal: Principal, recommendation: Recommendation) -> None:
    if not _may_answer(db, principal, recommendation):
        raise Forbidden(
            "recommendation_forbidden",
            "Chỉ thư ký của đơn vị nhận kiến nghị (hoặc của đợt lấy ý kiến) mới được trả lời.",
            "Only the secretariat of the addressee (or of the consultation) may answer.",
        )


def _covered_org_ids(db: Session, principal: Principal, roles: tuple[str, ...]) -> list[int]:
    return [o.id for o in orgs.subtree_orgs(session=db, roots=roots_of(principal, roles))]


# --- small helpers -----------------------------------------------------------------------------


def kind_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        EventKind.SEMINAR: _("Seminar"),
        EventKind.CONFERENCE: _("Conference"),
        EventKind.DIALOGUE: _("Dialogue meeting"),
        EventKind.SUPERVISION: _("Supervision session"),
    }


def field_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        "title": _("Title"),
        "date": _("Date and time"),
        "place": _("Place"),
        "organiser": _("Organiser"),
        "person": _("Person"),
        "organisation": _("Organisation"),
        "draft": _("Draft discussed"),
        "opinion": _("Opinion"),
        "recommendation": _("Recommendation"),
        "commitment": _("Commitment"),
        "resolution": _("Resolution cited"),
    }


def recommendation_status_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        RecommendationStatus.OPEN: _("Open"),
        RecommendationStatus.IN_PROGRESS: _("In progress"),
        RecommendationStatus.ANSWERED: _("Answered"),
        RecommendationStatus.CLOSED: _("Closed"),
    }


def _labels(request: Request) -> dict[str, Any]:
    _ = translator(request_language(request))
    return {
        "kind_labels": kind_labels(_),
        "field_labels": field_labels(_),
        "rec_labels": recommendation_status_labels(_),
        "flashes": pop_flashes(request),
    }


def _as_id(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        number = int(value.strip())
    except ValueError:
        raise UserError(
            "id_invalid",
            f"Giá trị không hợp lệ: {value[:40]}.",
            f"Not a valid choice: {value[:40]}.",
        ) from None
    if not 1 <= number <= MAX_ID:
        raise UserError(
            "id_invalid", f"Giá trị không hợp lệ: {number}.", f"Not a valid choice: {number}."
        )
    return number


def picked(value: str) -> tuple[int | None, str]:
    """A type-ahead value "Nguyễn Văn A [#12]" -> (12, "Nguyễn Văn A"); free text -> (None, it)."""
    match = _PICKED_ID.search(value)
    if match is None:
        return None, value.strip()
    return int(match.group(1)), value[: match.start()].strip()


def _all_orgs(db: Session) -> list[orgs.TreeRow]:
    return orgs.tree(session=db)[:MAX_ORG_CHOICES]


def _local(moment: datetime | None, settings: Settings) -> str:
    return moment.astimezone(settings.tz).strftime(INPUT_FORMAT) if moment else ""


def parse_attendees(value: str) -> list[events.AttendeeIn]:
    """One attendee per line: "Họ tên, chức danh" (or "Họ tên - chức danh", "Họ tên | ...")."""
    attendees = []
    for line in value.splitlines()[:MAX_ATTENDEE_LINES]:
        line = line.strip().lstrip("-•+* ").strip()
        if not line:
            continue
        person_id, line = picked(line)
        parts = re.split(r"\s*[,|]\s*|\s+[-–]\s+", line, maxsplit=1)
        name = parts[0]
        title = parts[1] if len(parts) > 1 else ""
        attendees.append(events.AttendeeIn(name=name, title=title or None, person_id=person_id))
    return attendees


def attendee_lines(rows: list[EventAttendee]) -> str:
    return "\n".join(f"{a.name}, {a.title}" if a.title else a.name for a in rows)


def _read_upload(upload: UploadFile | None, settings: Settings) -> tuple[bytes | None, str]:
    name = upload_name(upload)
    if upload is None or not name:
        return None, ""
    return upload.file.read(settings.max_upload_bytes + 1), name


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


# --- JSON shapes -------------------------------------------------------------------------------


class AttendeeOut(BaseModel):
    name: str
    title: str | None
    person_id: int | None
    organisation_id: int | None
    organisation_name: str | None


class EventOpinionOut(BaseModel):
    id: int
    text: str
    kind: str
    section_id: int | None
    author_person_id: int | None
    author_name: str | None
    on_behalf_of_id: int | None
    receipt_code: str


class RecommendationOut(BaseModel):
    id: int
    consultation_id: int
    event_id: int | None
    opinion_id: int | None
    text: str
    addressee_organisation_id: int | None
    responsible_person_id: int | None
    responsible_name: str | None
    due_on: date | None
    status: str
    answer: str | None
    answered_at: datetime | None
    raised_by_organisation_id: int | None
    notified_at: datetime | None
    url: str


class EventOut(BaseModel):
    id: int
    consultation_id: int
    title: str
    kind: str
    status: str
    starts_at: datetime
    place: str
    organisers: list[str]
    opinion_count: int
    recommendation_count: int
    url: str


class EventDetailOut(BaseModel):
    id: int
    consultation_id: int
    title: str
    kind: str
    status: str
    starts_at: datetime
    place: str
    chair_name: str | None
    chair_title: str | None
    agenda: str
    minutes: str
    minutes_filename: str | None
    organisers: list[dict[str, Any]]
    attendees: list[AttendeeOut]
    topics: list[dict[str, Any]]
    opinions: list[EventOpinionOut]
    recommendations: list[RecommendationOut]
    earlier_open_recommendations: list[RecommendationOut]


def _opinion_out(o: Opinion) -> EventOpinionOut:
    return EventOpinionOut(
        id=o.id,
        text=o.text,
        kind=o.kind,
        section_id=o.section_id,
        author_person_id=o.author_person_id,
        author_name=o.author_name,
        on_behalf_of_id=o.on_behalf_of_id,
        receipt_code=o.receipt_code,
    )


def _recommendation_out(r: Recommendation) -> RecommendationOut:
    return RecommendationOut(
        id=r.id,
        consultation_id=r.consultation_id,
        event_id=r.event_id,
        opinion_id=r.opinion_id,
        text=r.text,
        addressee_organisation_id=r.addressee_organisation_id,
        responsible_person_id=r.responsible_person_id,
        responsible_name=r.responsible_name,
        due_on=r.due_on,
        status=r.status,
        answer=r.answer,
        answered_at=r.answered_at,
        raised_by_organisation_id=r.raised_by_organisation_id,
        notified_at=r.notified_at,
        url=f"/recommendations/{r.id}",
    )


def _event_summaries(db: Session, consultation_id: int) -> list[EventOut]:
    return [
        EventOut(
            id=s.event.id,
            consultation_id=s.event.consultation_id,
            title=s.event.title,
            kind=s.event.kind,
            status=s.event.status,
            starts_at=s.event.starts_at,
            place=s.event.place,
            organisers=s.organiser_names,
            opinion_count=s.opinion_count,
            recommendation_count=s.recommendation_count,
            url=f"/events/{s.event.id}",
        )
        for s in events.list_events(session=db, consultation_id=consultation_id)
    ]


def _detail_out(detail: events.EventDetail) -> EventDetailOut:
    e = detail.event
    return EventDetailOut(
        id=e.id,
        consultation_id=e.consultation_id,
        title=e.title,
        kind=e.kind,
        status=e.status,
        starts_at=e.starts_at,
        place=e.place,
        chair_name=e.chair_name,
        chair_title=e.chair_title,
        agenda=e.agenda,
        minutes=e.minutes,
        minutes_filename=e.minutes_filename,
        organisers=[{"id": o.id, "name": o.name} for o in detail.organisers],
        attendees=[
            AttendeeOut(
                name=a.name,
                title=a.title,
                person_id=a.person_id,
                organisation_id=a.organisation_id,
                organisation_name=a.organisation_name,
            )
            for a in detail.attendees
        ],
        topics=[
            {"consultation_id": t.consultation_id, "draft_id": t.draft_id, "label": t.label}
            for t in detail.topics
        ],
        opinions=[_opinion_out(o) for o in detail.opinions],
        recommendations=[_recommendation_out(r) for r in detail.recommendations],
        earlier_open_recommendations=[_recommendation_out(r) for r in detail.earlier_open],
    )


# --- events list and event page ------------------------------------------------------------


@router.get("/c/{consultation_id}/events", response_class=HTMLResponse, include_in_schema=False)
def events_page(
    request: Request,
    consultation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    _view(db, principal, consultation_id)
    context = {
        "consultation": consultations.get(session=db, consultation_id=consultation_id),
        "items": _event_summaries(db, consultation_id),
        "may_manage": _may(db, principal, consultation_id, MODERATOR_ROLES),
        **_labels(request),
    }
    return render(request, "events/list.html", context)


@router.get(
    "/api/v1/consultations/{consultation_id}/events",
    response_model=list[EventOut],
    tags=["events"],
)
def api_events(
    consultation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> list[EventOut]:
    """The consultation's events, latest first, with their opinion and recommendation counts."""
    _view(db, principal, consultation_id)
    return _event_summaries(db, consultation_id)


def _event_and_check(
    db: Session, principal: Principal, event_id: int, *, manage: bool = False
) -> Event:
    event = events.get_event(session=db, event_id=event_id)
    (_manage if manage else _view)(db, principal, event.consultation_id)
    return event


def _names(db: Session, ids: set[int | None], model: Any, column: Any) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {i: name for i, name in db.execute(select(model.id, column).where(model.id.in_(wanted)))}


def _org_names(db: Session, ids: set[int | None]) -> dict[int, str]:
    return _names(db, ids, Organisation, Organisation.name)


def _person_names(db: Session, ids: set[int | None]) -> dict[int, str]:
    return _names(db, ids, Person, Person.full_name)


@router.get("/events/{event_id}", response_class=HTMLResponse, include_in_schema=False)
def event_page(
    request: Request,
    event_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    event = _event_and_check(db, principal, event_id)
    return _event_page(request, db, principal, event, {})


def _event_page(
    request: Request,
    db: Session,
    principal: Principal,
    event: Event,
    form: dict[str, Any],
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    detail = events.event_detail(session=db, event_id=event.id)
    recommendations = detail.recommendations + detail.earlier_open
    context = {
        "consultation": consultations.get(session=db, consultation_id=event.consultation_id),
        "detail": detail,
        "org_names": _org_names(
            db, {r.addressee_organisation_id for r in recommendations} | {None}
        ),
        "person_names": _person_names(
            db, {o.author_person_id for o in detail.opinions} | {event.chair_person_id}
        ),
        "may_manage": _may(db, principal, event.consultation_id, MODERATOR_ROLES),
        "orgs": _all_orgs(db),
        "form": {"text": "", "addressee_id": "", "due_on": "", **form},
        "error": error,
        **_labels(request),
    }
    return render(request, "events/event.html", context, status_code=status_code)


@router.get("/api/v1/events/{event_id}", response_model=EventDetailOut, tags=["events"])
def api_event(
    event_id: Id, principal: Principal = Depends(require_staff), db: Session = Depends(get_db)
) -> EventDetailOut:
    """An event with its organisers, attendees, topics, opinions and recommendations; for a
    dialogue meeting also the earlier recommendations to the same addressees still open."""
    _event_and_check(db, principal, event_id)
    return _detail_out(events.event_detail(session=db, event_id=event_id))


# --- new / edit event --------------------------------------------------------------------------


def _blank_event_form() -> dict[str, Any]:
    return {
        "title": "",
        "kind": EventKind.SEMINAR.value,
        "starts_at": "",
        "place": "",
        "chair_name": "",
        "chair_title": "",
        "organisers": [],
        "agenda": "",
        "attendees": "",
        "minutes": "",
    }


def _event_form_page(
    request: Request,
    db: Session,
    *,
    consultation_id: int,
    form: dict[str, Any],
    event: Event | None = None,
    error: str | None = None,
    status_code: int = 200,
    settings: Settings,
) -> HTMLResponse:
    context = {
        "consultation": consultations.get(session=db, consultation_id=consultation_id),
        "event": event,
        "form": form,
        "error": error,
        "orgs": _all_orgs(db),
        "max_upload_mb": max(settings.max_upload_bytes // 1_000_000, 1),
        **_labels(request),
    }
    return render(request, "events/form.html", context, status_code=status_code)


@router.get("/c/{consultation_id}/events/new", response_class=HTMLResponse, include_in_schema=False)
def new_event_page(
    request: Request,
    consultation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    _manage(db, principal, consultation_id)
    return _event_form_page(
        request, db, consultation_id=consultation_id, form=_blank_event_form(), settings=settings
    )


@dataclass(frozen=True, slots=True)
class _EventForm:
    values: dict[str, Any]
    organiser_ids: list[int]
    minutes_data: bytes | None
    minutes_filename: str


def _event_form(
    title: str,
    kind: str,
    starts_at: str,
    place: str,
    chair_name: str,
    chair_title: str,
    organisers: list[str] | None,
    agenda: str,
    attendees: str,
    minutes: str,
    minutes_file: UploadFile | None,
    settings: Settings,
) -> _EventForm:
    chosen = [o for o in (organisers or [])[:200] if o]
    data, filename = _read_upload(minutes_file, settings)
    values = {
        "title": title,
        "kind": kind,
        "starts_at": starts_at,
        "place": place,
        "chair_name": chair_name,
        "chair_title": chair_title,
        "organisers": chosen,
        "agenda": agenda,
        "attendees": attendees,
        "minutes": minutes,
    }
    ids = [i for i in (_as_id(o) for o in chosen) if i is not None]
    return _EventForm(values, ids, data, filename)


def _minutes(form: _EventForm, settings: Settings) -> tuple[str, str | None, str | None]:
    """The minutes text (from the uploaded file when one was chosen), file name, SHA-256."""
    if form.minutes_data is None:
        return form.values["minutes"], None, None
    text, digest = events.minutes_from_file(
        form.minutes_data, filename=form.minutes_filename, max_bytes=settings.max_upload_bytes
    )
    return text, form.minutes_filename, digest


EventTitle = Annotated[str, Form(max_length=500)]
Short = Annotated[str, Form(max_length=500)]
Long = Annotated[str, Form(max_length=200_000)]


@router.post(
    "/c/{consultation_id}/events/new",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def create_event_page(
    request: Request,
    consultation_id: Id,
    title: EventTitle = "",
    kind: Annotated[str, Form(max_length=20)] = EventKind.SEMINAR.value,
    starts_at: Annotated[str, Form(max_length=40)] = "",
    place: Short = "",
    chair_name: Short = "",
    chair_title: Short = "",
    organisers: Annotated[list[str] | None, Form()] = None,
    agenda: Long = "",
    attendees: Long = "",
    minutes: Long = "",
    minutes_file: Annotated[UploadFile | None, File()] = None,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> Response:
    _manage(db, principal, consultation_id)
    _ = translator(request_language(request))
    form = _event_form(
        title, kind, starts_at, place, chair_name, chair_title, organisers, agenda, attendees,
        minutes, minutes_file, settings,
    )  # fmt: skip
    try:
        text, filename, digest = _minutes(form, settings)
        event = events.create_event(
            session=db,
            consultation_id=consultation_id,
            title=title,
            kind=kind,
            starts_at=parse_moment(starts_at, settings, what_vi="thời gian", what_en="time"),
            place=place,
            chair_name=chair_name,
            chair_title=chair_title,
            agenda=agenda,
            minutes=text,
            minutes_filename=filename,
            minutes_sha256=digest,
            organiser_ids=form.organiser_ids,
            attendees=parse_attendees(attendees),
            actor_person_id=principal.person_id,
        )
        db.commit()
    except UserError as error:
        db.rollback()
        return _event_form_page(
            request,
            db,
            consultation_id=consultation_id,
            form=form.values,
            error=error.message(request_language(request)),
            status_code=error.status_code,
            settings=settings,
        )
    add_flash(request, _("The event “{title}” was recorded.", title=event.title))
    return RedirectResponse(f"/events/{event.id}", status_code=303)


def _filled_form(db: Session, event: Event, settings: Settings) -> dict[str, Any]:
    detail = events.event_detail(session=db, event_id=event.id)
    return {
        "title": event.title,
        "kind": event.kind,
        "starts_at": _local(event.starts_at, settings),
        "place": event.place,
        "chair_name": event.chair_name or "",
        "chair_title": event.chair_title or "",
        "organisers": [str(o.id) for o in detail.organisers],
        "agenda": event.agenda,
        "attendees": attendee_lines(detail.attendees),
        "minutes": event.minutes,
    }


@router.get("/events/{event_id}/edit", response_class=HTMLResponse, include_in_schema=False)
def edit_event_page(
    request: Request,
    event_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    event = _event_and_check(db, principal, event_id, manage=True)
    return _event_form_page(
        request,
        db,
        consultation_id=event.consultation_id,
        form=_filled_form(db, event, settings),
        event=event,
        settings=settings,
    )


@router.post(
    "/events/{event_id}/edit",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def update_event_page(
    request: Request,
    event_id: Id,
    title: EventTitle = "",
    kind: Annotated[str, Form(max_length=20)] = EventKind.SEMINAR.value,
    starts_at: Annotated[str, Form(max_length=40)] = "",
    place: Short = "",
    chair_name: Short = "",
    chair_title: Short = "",
    organisers: Annotated[list[str] | None, Form()] = None,
    agenda: Long = "",
    attendees: Long = "",
    minutes: Long = "",
    minutes_file: Annotated[UploadFile | None, File()] = None,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> Response:
    event = _event_and_check(db, principal, event_id, manage=True)
    _ = translator(request_language(request))
    form = _event_form(
        title, kind, starts_at, place, chair_name, chair_title, organisers, agenda, attendees,
        minutes, minutes_file, settings,
    )  # fmt: skip
    try:
        text, filename, digest = _minutes(form, settings)
        events.update_event(
            session=db,
            event_id=event_id,
            title=title,
            kind=kind,
            starts_at=parse_moment(starts_at, settings, what_vi="thời gian", what_en="time"),
            place=place,
            chair_name=chair_name,
            chair_title=chair_title,
            agenda=agenda,
            minutes=text,
            minutes_filename=filename,
            minutes_sha256=digest,
            organiser_ids=form.organiser_ids,
            attendees=parse_attendees(attendees),
            actor_person_id=principal.person_id,
        )
        db.commit()
    except UserError as error:
        db.rollback()
        return _event_form_page(
            request,
            db,
            consultation_id=event.consultation_id,
            form=form.values,
            event=event,
            error=error.message(request_language(request)),
            status_code=error.status_code,
            settings=settings,
        )
    add_flash(request, _("The event was saved."))
    return RedirectResponse(f"/events/{event_id}", status_code=303)


class AttendeeIn(BaseModel):
    name: str = Field(default="", max_length=200)
    title: str | None = Field(default=None, max_length=300)
    person_id: DbId | None = None
    organisation_id: DbId | None = None
    organisation_name: str | None = Field(default=None, max_length=300)


class EventIn(BaseModel):
    title: str = Field(max_length=500)
    kind: str = Field(default=EventKind.SEMINAR.value, max_length=20)
    starts_at: str = Field(max_length=40, description="dd/mm/yyyy HH:MM (Vietnam time) or ISO")
    place: str = Field(default="", max_length=500)
    chair_person_id: DbId | None = None
    chair_name: str | None = Field(default=None, max_length=200)
    chair_title: str | None = Field(default=None, max_length=300)
    agenda: str = Field(default="", max_length=20_000)
    minutes: str = Field(default="", max_length=2_000_000)
    organiser_ids: list[DbId] = Field(default_factory=list, max_length=200)
    attendees: list[AttendeeIn] = Field(default_factory=list, max_length=2_000)
    topic_draft_ids: list[DbId] = Field(default_factory=list, max_length=50)


@router.post(
    "/api/v1/consultations/{consultation_id}/events",
    response_model=EventDetailOut,
    status_code=201,
    tags=["events"],
    dependencies=[Depends(verify_csrf)],
)
def api_create_event(
    consultation_id: Id,
    body: EventIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> EventDetailOut:
    """Record an event with its organisers, attendees and drafts discussed."""
    _manage(db, principal, consultation_id)
    event = events.create_event(
        session=db,
        consultation_id=consultation_id,
        title=body.title,
        kind=body.kind,
        starts_at=parse_moment(body.starts_at, settings, what_vi="thời gian", what_en="time"),
        place=body.place,
        chair_person_id=body.chair_person_id,
        chair_name=body.chair_name,
        chair_title=body.chair_title,
        agenda=body.agenda,
        minutes=body.minutes,
        organiser_ids=body.organiser_ids,
        attendees=[events.AttendeeIn(**a.model_dump()) for a in body.attendees],
        topic_draft_ids=body.topic_draft_ids,
        actor_person_id=principal.person_id,
    )
    out = _detail_out(events.event_detail(session=db, event_id=event.id))
    db.commit()
    return out


# --- fast entry ------------------------------------------------------------------------------


def opinion_kind_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        OpinionKind.COMMENT: _("Comment"),
        OpinionKind.AMEND: _("Amend"),
        OpinionKind.ADD: _("Add"),
        OpinionKind.DELETE: _("Delete"),
        OpinionKind.AGREE: _("Agree"),
        OpinionKind.DISAGREE: _("Disagree"),
        OpinionKind.RECOMMENDATION: _("Recommendation"),
        OpinionKind.QUESTION: _("Question"),
    }


def _entry_page(
    request: Request,
    db: Session,
    event: Event,
    form: dict[str, Any],
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    _ = translator(request_language(request))
    detail = events.event_detail(session=db, event_id=event.id)
    context = {
        "event": event,
        "entered": detail.opinions,
        "sections": _section_labels(db, event.consultation_id),
        "person_names": _person_names(db, {o.author_person_id for o in detail.opinions}),
        "opinion_kinds": opinion_kind_labels(_),
        "form": {"speaker": "", "section": "", "kind": "comment", "text": "", **form},
        "entry_key": f"entry-{secrets.token_urlsafe(12)}",
        "error": error,
        **_labels(request),
    }
    return render(request, "events/entry.html", context, status_code=status_code)


def _section_labels(db: Session, consultation_id: int) -> dict[int, str]:
    consultation = consultations.get(session=db, consultation_id=consultation_id)
    return {
        s.id: s.label
        for s in drafts.sections_of(session=db, version_id=consultation.draft_version_id)
    }


@router.get("/events/{event_id}/entry", response_class=HTMLResponse, include_in_schema=False)
def entry_page(
    request: Request,
    event_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    event = _event_and_check(db, principal, event_id, manage=True)
    return _entry_page(request, db, event, {})


def _record_opinion(
    db: Session,
    principal: Principal,
    event: Event,
    *,
    speaker: str,
    section: str,
    kind: str,
    text: str,
    key: str | None,
    settings: Settings,
) -> Opinion:
    person_id, name = picked(speaker)
    section_id, section_ref = picked(section)
    return events.add_event_opinion(
        session=db,
        event_id=event.id,
        text=text,
        speaker_person_id=person_id,
        speaker_name=None if person_id else name,
        section_id=section_id,
        section_ref=None if section_id else section_ref,
        kind=kind,
        idempotency_key=key,
        actor_person_id=principal.person_id,
        max_chars=settings.max_opinion_chars,
    )


@router.post(
    "/events/{event_id}/opinions",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def add_opinion_page(
    request: Request,
    event_id: Id,
    speaker: Annotated[str, Form(max_length=300)] = "",
    section: Annotated[str, Form(max_length=300)] = "",
    kind: Annotated[str, Form(max_length=20)] = OpinionKind.COMMENT.value,
    text: Annotated[str, Form(max_length=100_000)] = "",
    key: Annotated[str, Form(max_length=200)] = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> Response:
    """One opinion of the fast entry: the new row for htmx, else back to the entry page."""
    event = _event_and_check(db, principal, event_id, manage=True)
    form = {"speaker": speaker, "section": section, "kind": kind, "text": text}
    try:
        opinion = _record_opinion(
            db, principal, event, speaker=speaker, section=section, kind=kind, text=text,
            key=key or None, settings=settings,
        )  # fmt: skip
        db.commit()
    except UserError as error:
        db.rollback()
        message = error.message(request_language(request))
        if _is_htmx(request):
            return render(
                request, "events/_entry_error.html", {"error": message}, error.status_code
            )
        return _entry_page(request, db, event, form, error=message, status_code=error.status_code)
    if not _is_htmx(request):
        return RedirectResponse(f"/events/{event_id}/entry", status_code=303)
    _ = translator(request_language(request))
    context = {
        "o": opinion,
        "sections": _section_labels(db, event.consultation_id),
        "person_names": _person_names(db, {opinion.author_person_id}),
        "opinion_kinds": opinion_kind_labels(_),
    }
    return render(request, "events/_entry_row.html", context)


class EventOpinionIn(BaseModel):
    text: str = Field(max_length=100_000)
    kind: str = Field(default=OpinionKind.COMMENT.value, max_length=20)
    speaker_person_id: DbId | None = None
    speaker_name: str | None = Field(default=None, max_length=200)
    section_id: DbId | None = None
    section_ref: str | None = Field(default=None, max_length=200, description='"đ5", "k2 đ5"')
    proposed_wording: str | None = Field(default=None, max_length=100_000)
    idempotency_key: str | None = Field(default=None, max_length=200)


@router.post(
    "/api/v1/events/{event_id}/opinions",
    response_model=EventOpinionOut,
    status_code=201,
    tags=["events"],
    dependencies=[Depends(verify_csrf)],
)
def api_add_opinion(
    event_id: Id,
    body: EventOpinionIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> EventOpinionOut:
    """Record an opinion voiced at the event (channel "event")."""
    _event_and_check(db, principal, event_id, manage=True)
    opinion = events.add_event_opinion(
        session=db,
        event_id=event_id,
        text=body.text,
        kind=body.kind,
        speaker_person_id=body.speaker_person_id,
        speaker_name=body.speaker_name,
        section_id=body.section_id,
        section_ref=body.section_ref,
        proposed_wording=body.proposed_wording,
        idempotency_key=body.idempotency_key,
        actor_person_id=principal.person_id,
        max_chars=settings.max_opinion_chars,
    )
    out = _opinion_out(opinion)
    db.commit()
    return out


# --- type-ahead -----------------------------------------------------------------------------

Typed = Annotated[str, Query(max_length=200)]


class PersonChoiceOut(BaseModel):
    id: int
    full_name: str
    title: str | None
    organisation: str | None
    value: str


class SectionChoiceOut(BaseModel):
    id: int
    label: str
    heading: str
    value: str


def _people(db: Session, query: str) -> list[PersonChoiceOut]:
    return [
        PersonChoiceOut(
            id=p.id,
            full_name=p.full_name,
            title=p.title,
            organisation=p.organisation,
            value=f"{p.full_name} [#{p.id}]",
        )
        for p in events.search_people(session=db, query=query)
    ]


def _sections(db: Session, consultation_id: int, query: str) -> list[SectionChoiceOut]:
    return [
        SectionChoiceOut(
            id=s.id,
            label=s.label,
            heading=s.heading,
            value=f"{s.label} {s.heading}"[:120].strip() + f" [#{s.id}]",
        )
        for s in events.search_sections(session=db, consultation_id=consultation_id, query=query)
    ]


@router.get(
    "/c/{consultation_id}/lookup/people", response_class=HTMLResponse, include_in_schema=False
)
def people_options(
    request: Request,
    consultation_id: Id,
    q: Typed = "",
    speaker: Typed = "",
    person: Typed = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    _view(db, principal, consultation_id)
    choices = _people(db, picked(q or speaker or person)[1])
    return render(request, "events/_options.html", {"choices": choices})


@router.get(
    "/c/{consultation_id}/lookup/sections", response_class=HTMLResponse, include_in_schema=False
)
def section_options(
    request: Request,
    consultation_id: Id,
    q: Typed = "",
    section: Typed = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    _view(db, principal, consultation_id)
    choices = _sections(db, consultation_id, picked(q or section)[1])
    return render(request, "events/_options.html", {"choices": choices})


@router.get(
    "/api/v1/consultations/{consultation_id}/lookup/people",
    response_model=list[PersonChoiceOut],
    tags=["events"],
)
def api_people(
    consultation_id: Id,
    q: Typed = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> list[PersonChoiceOut]:
    """People whose names contain the words typed (diacritics and tone placement ignored)."""
    _view(db, principal, consultation_id)
    return _people(db, q)


@router.get(
    "/api/v1/consultations/{consultation_id}/lookup/sections",
    response_model=list[SectionChoiceOut],
    tags=["events"],
)
def api_sections(
    consultation_id: Id,
    q: Typed = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> list[SectionChoiceOut]:
    """Sections of the draft named by a reference as typed: "đ5", "dieu 5", "k2 đ5"."""
    _view(db, principal, consultation_id)
    return _sections(db, consultation_id, q)


# --- report ingestion and review -------------------------------------------------------------


def _ingest_page(
    request: Request,
    db: Session,
    consultation_id: int,
    settings: Settings,
    *,
    text: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "consultation": consultations.get(session=db, consultation_id=consultation_id),
        "text": text,
        "error": error,
        "max_upload_mb": max(settings.max_upload_bytes // 1_000_000, 1),
        **_labels(request),
    }
    return render(request, "events/ingest.html", context, status_code=status_code)


@router.get(
    "/c/{consultation_id}/events/ingest", response_class=HTMLResponse, include_in_schema=False
)
def ingest_page(
    request: Request,
    consultation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    _manage(db, principal, consultation_id)
    return _ingest_page(request, db, consultation_id, settings)


@router.post(
    "/c/{consultation_id}/events/ingest",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def ingest_report_page(
    request: Request,
    consultation_id: Id,
    text: Annotated[str, Form(max_length=1_000_000)] = "",
    report_file: Annotated[UploadFile | None, File()] = None,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> Response:
    _manage(db, principal, consultation_id)
    data, filename = _read_upload(report_file, settings)
    try:
        report = events.ingest_report(
            session=db,
            consultation_id=consultation_id,
            data=data,
            text=text,
            filename=filename,
            max_bytes=settings.max_upload_bytes,
            actor_person_id=principal.person_id,
        )
        db.commit()
    except UserError as error:
        db.rollback()
        return _ingest_page(
            request,
            db,
            consultation_id,
            settings,
            text=text,
            error=error.message(request_language(request)),
            status_code=error.status_code,
        )
    return RedirectResponse(f"/event-reports/{report.id}", status_code=303)


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


def _report_and_check(db: Session, principal: Principal, report_id: int) -> EventReport:
    report = events.get_report(session=db, report_id=report_id)
    _manage(db, principal, report.consultation_id)
    return report


def _review_page(
    request: Request,
    db: Session,
    report: EventReport,
    settings: Settings,
    *,
    error: str | None = None,
    confirm_form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    items = events.report_items(session=db, report_id=report.id)
    proposal = events.proposal_of(report)
    starts = proposal.get("starts_at")
    context = {
        "consultation": consultations.get(session=db, consultation_id=report.consultation_id),
        "report": report,
        "items": items,
        "segments": highlighted(report.cleaned_text, items),
        "removed": proposal.get("removed", []),
        "counts": {state: sum(1 for i in items if i.state == state) for state in set(ItemState)},
        "orgs": _all_orgs(db),
        "person_names": _person_names(db, {i.person_id for i in items}),
        "confirm": confirm_form
        or {
            "title": proposal.get("title") or "",
            "kind": proposal.get("kind") or EventKind.SEMINAR.value,
            "starts_at": _local(datetime.fromisoformat(starts), settings) if starts else "",
            "place": proposal.get("place") or "",
        },
        "error": error,
        **_labels(request),
    }
    return render(request, "events/review.html", context, status_code=status_code)


@router.get("/event-reports/{report_id}", response_class=HTMLResponse, include_in_schema=False)
def review_page(
    request: Request,
    report_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    report = _report_and_check(db, principal, report_id)
    return _review_page(request, db, report, settings)


@router.post(
    "/event-reports/{report_id}/items/{item_id}",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def review_item_page(
    request: Request,
    report_id: Id,
    item_id: Id,
    state: Annotated[str, Form(max_length=10)] = ItemState.ACCEPTED.value,
    edited_text: Annotated[str, Form(max_length=100_000)] = "",
    person: Annotated[str, Form(max_length=300)] = "",
    organisation_id: Annotated[str, Form(max_length=20)] = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> Response:
    report = _report_and_check(db, principal, report_id)
    try:
        events.review_item(
            session=db,
            report_id=report_id,
            item_id=item_id,
            state=state,
            edited_text=edited_text or None,
            person_id=picked(person)[0],
            organisation_id=_as_id(organisation_id),
            actor_person_id=principal.person_id,
        )
        db.commit()
    except UserError as error:
        db.rollback()
        return _review_page(
            request,
            db,
            report,
            settings,
            error=error.message(request_language(request)),
            status_code=error.status_code,
        )
    return RedirectResponse(f"/event-reports/{report_id}#item-{item_id}", status_code=303)


@router.post(
    "/event-reports/{report_id}/accept-all",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def accept_all_page(
    request: Request,
    report_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    _report_and_check(db, principal, report_id)
    count = events.accept_pending(
        session=db, report_id=report_id, actor_person_id=principal.person_id
    )
    db.commit()
    _ = translator(request_language(request))
    add_flash(request, _("{count} items accepted.", count=count))
    return RedirectResponse(f"/event-reports/{report_id}", status_code=303)


@router.post(
    "/event-reports/{report_id}/confirm",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def confirm_report_page(
    request: Request,
    report_id: Id,
    title: EventTitle = "",
    kind: Annotated[str, Form(max_length=20)] = EventKind.SEMINAR.value,
    starts_at: Annotated[str, Form(max_length=40)] = "",
    place: Short = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> Response:
    report = _report_and_check(db, principal, report_id)
    form = {"title": title, "kind": kind, "starts_at": starts_at, "place": place}
    _ = translator(request_language(request))
    try:
        event = events.confirm_report(
            session=db,
            report_id=report_id,
            title=title or None,
            kind=kind,
            starts_at=parse_moment(starts_at, settings, what_vi="thời gian", what_en="time"),
            place=place,
            actor_person_id=principal.person_id,
        )
        db.commit()
    except UserError as error:
        db.rollback()
        return _review_page(
            request,
            db,
            report,
            settings,
            error=error.message(request_language(request)),
            confirm_form=form,
            status_code=error.status_code,
        )
    add_flash(request, _("The event “{title}” was recorded.", title=event.title))
    return RedirectResponse(f"/events/{event.id}", status_code=303)


class ReportItemOut(BaseModel):
    id: int
    field: str
    start: int
    end: int
    text: str
    detail: str
    state: str
    edited_text: str | None
    person_id: int | None
    organisation_id: int | None


class ReportOut(BaseModel):
    id: int
    consultation_id: int
    source_filename: str
    cleaned_text: str
    proposal: dict[str, Any]
    items: list[ReportItemOut]
    event_id: int | None
    confirmed_at: datetime | None
    url: str


def _report_out(db: Session, report: EventReport) -> ReportOut:
    return ReportOut(
        id=report.id,
        consultation_id=report.consultation_id,
        source_filename=report.source_filename,
        cleaned_text=report.cleaned_text,
        proposal=events.proposal_of(report),
        items=[
            ReportItemOut(
                id=i.id,
                field=i.field,
                start=i.start,
                end=i.end,
                text=i.text,
                detail=i.detail,
                state=i.state,
                edited_text=i.edited_text,
                person_id=i.person_id,
                organisation_id=i.organisation_id,
            )
            for i in events.report_items(session=db, report_id=report.id)
        ],
        event_id=report.event_id,
        confirmed_at=report.confirmed_at,
        url=f"/event-reports/{report.id}",
    )


@router.post(
    "/api/v1/consultations/{consultation_id}/event-reports",
    response_model=ReportOut,
    status_code=201,
    tags=["events"],
    dependencies=[Depends(verify_csrf)],
)
def api_ingest_report(
    consultation_id: Id,
    text: Annotated[str, Form(max_length=1_000_000)] = "",
    file: Annotated[UploadFile | None, File(description=".txt, .docx or .pdf")] = None,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> ReportOut:
    """Read a report of an event (pasted text or a file) and propose the event; every item is
    pending review and nothing counts as an opinion until the report is confirmed."""
    _manage(db, principal, consultation_id)
    data, filename = _read_upload(file, settings)
    report = events.ingest_report(
        session=db,
        consultation_id=consultation_id,
        data=data,
        text=text,
        filename=filename,
        max_bytes=settings.max_upload_bytes,
        actor_person_id=principal.person_id,
    )
    out = _report_out(db, report)
    db.commit()
    return out


@router.get("/api/v1/event-reports/{report_id}", response_model=ReportOut, tags=["events"])
def api_report(
    report_id: Id, principal: Principal = Depends(require_staff), db: Session = Depends(get_db)
) -> ReportOut:
    """The report's cleaned text, proposal and items with their spans and review states."""
    report = _report_and_check(db, principal, report_id)
    return _report_out(db, report)


class ReviewIn(BaseModel):
    state: str = Field(max_length=10, description="pending, accepted or rejected")
    edited_text: str | None = Field(default=None, max_length=100_000)
    person_id: DbId | None = None
    organisation_id: DbId | None = None


@router.post(
    "/api/v1/event-reports/{report_id}/items/{item_id}",
    response_model=ReportItemOut,
    tags=["events"],
    dependencies=[Depends(verify_csrf)],
)
def api_review_item(
    report_id: Id,
    item_id: Id,
    body: ReviewIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> ReportItemOut:
    """Accept, reject or edit an item; link it to a person or organisation."""
    _report_and_check(db, principal, report_id)
    item = events.review_item(
        session=db,
        report_id=report_id,
        item_id=item_id,
        state=body.state,
        edited_text=body.edited_text,
        person_id=body.person_id,
        organisation_id=body.organisation_id,
        actor_person_id=principal.person_id,
    )
    out = ReportItemOut.model_validate(item, from_attributes=True)
    db.commit()
    return out


class ConfirmReportIn(BaseModel):
    title: str | None = Field(default=None, max_length=500)
    kind: str | None = Field(default=None, max_length=20)
    starts_at: str | None = Field(default=None, max_length=40)
    place: str | None = Field(default=None, max_length=500)
    accept_pending: bool = False


@router.post(
    "/api/v1/event-reports/{report_id}/confirm",
    response_model=EventDetailOut,
    tags=["events"],
    dependencies=[Depends(verify_csrf)],
)
def api_confirm_report(
    report_id: Id,
    body: ConfirmReportIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> EventDetailOut:
    """Create the event and its opinions and recommendations from the accepted items."""
    _report_and_check(db, principal, report_id)
    if body.accept_pending:
        events.accept_pending(session=db, report_id=report_id, actor_person_id=principal.person_id)
    event = events.confirm_report(
        session=db,
        report_id=report_id,
        title=body.title,
        kind=body.kind,
        starts_at=parse_moment(body.starts_at, settings, what_vi="thời gian", what_en="time")
        if body.starts_at
        else None,
        place=body.place,
        actor_person_id=principal.person_id,
    )
    out = _detail_out(events.event_detail(session=db, event_id=event.id))
    db.commit()
    return out


# --- written submissions -----------------------------------------------------------------------


def _scope_orgs(db: Session, consultation_id: int) -> list[Organisation]:
    ids = consultations.scope_org_ids(session=db, consultation_id=consultation_id)
    if not ids:
        return []
    rows = db.scalars(select(Organisation).where(Organisation.id.in_(ids)))
    return sorted(rows, key=lambda o: (o.tree_path.count("/"), o.name))


def _submission_form_page(
    request: Request,
    db: Session,
    consultation_id: int,
    settings: Settings,
    *,
    organisation_id: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "consultation": consultations.get(session=db, consultation_id=consultation_id),
        "orgs": _scope_orgs(db, consultation_id),
        "organisation_id": organisation_id,
        "error": error,
        "max_upload_mb": max(settings.max_upload_bytes // 1_000_000, 1),
        **_labels(request),
    }
    return render(request, "events/submission_new.html", context, status_code=status_code)


@router.get(
    "/c/{consultation_id}/submissions/new", response_class=HTMLResponse, include_in_schema=False
)
def new_submission_page(
    request: Request,
    consultation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    _manage(db, principal, consultation_id)
    return _submission_form_page(request, db, consultation_id, settings)


def _letter(upload: UploadFile | None, settings: Settings) -> tuple[bytes, str]:
    data, filename = _read_upload(upload, settings)
    if data is None:
        raise UserError(
            "file_missing",
            "Hãy chọn tệp văn bản góp ý (TXT, DOCX hoặc PDF).",
            "Choose the comment letter's file (TXT, DOCX or PDF).",
        )
    return data, filename


@router.post(
    "/c/{consultation_id}/submissions/new",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def preview_submission_page(
    request: Request,
    consultation_id: Id,
    organisation_id: Annotated[str, Form(max_length=20)] = "",
    letter: Annotated[UploadFile | None, File()] = None,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> Response:
    _manage(db, principal, consultation_id)
    try:
        org_id = _as_id(organisation_id)
        if org_id is None:
            raise UserError(
                "organisation_missing",
                "Hãy chọn tổ chức gửi văn bản góp ý.",
                "Choose the organisation that sent the letter.",
            )
        data, filename = _letter(letter, settings)
        submission = events.preview_submission(
            session=db,
            consultation_id=consultation_id,
            organisation_id=org_id,
            data=data,
            filename=filename,
            max_bytes=settings.max_upload_bytes,
            actor_person_id=principal.person_id,
        )
        db.commit()
    except UserError as error:
        db.rollback()
        return _submission_form_page(
            request,
            db,
            consultation_id,
            settings,
            organisation_id=organisation_id,
            error=error.message(request_language(request)),
            status_code=error.status_code,
        )
    return RedirectResponse(f"/submissions/{submission.id}", status_code=303)


def _submission_and_check(db: Session, principal: Principal, submission_id: int) -> Submission:
    submission = events.get_submission(session=db, submission_id=submission_id)
    _manage(db, principal, submission.consultation_id)
    return submission


def _submission_page(
    request: Request,
    db: Session,
    submission: Submission,
    *,
    rows: list[dict[str, Any]] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    _ = translator(request_language(request))
    consultation = consultations.get(session=db, consultation_id=submission.consultation_id)
    sections = drafts.sections_of(session=db, version_id=consultation.draft_version_id)
    items = rows or [{**i, "include": True} for i in events.submission_items(submission)]
    context = {
        "consultation": consultation,
        "submission": submission,
        "organisation": orgs.get(session=db, organisation_id=submission.organisation_id),
        "items": items,
        "sections": sections,
        "opinion_kinds": opinion_kind_labels(_),
        "opinion_ids": events.submission_opinion_ids(session=db, submission_id=submission.id),
        "error": error,
        **_labels(request),
    }
    return render(request, "events/submission.html", context, status_code=status_code)


@router.get("/submissions/{submission_id}", response_class=HTMLResponse, include_in_schema=False)
def submission_page(
    request: Request,
    submission_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    submission = _submission_and_check(db, principal, submission_id)
    return _submission_page(request, db, submission)


def _corrected(
    text: list[str], section_id: list[str], wording: list[str], kind: list[str], include: list[str]
) -> tuple[list[events.SubmissionItemIn], list[dict[str, Any]]]:
    """The corrected table as service input, and as rows to show again after an error."""
    chosen = set(include)
    items: list[events.SubmissionItemIn] = []
    rows: list[dict[str, Any]] = []
    for n, body in enumerate(text[:2_000]):
        section = section_id[n] if n < len(section_id) else ""
        words = wording[n] if n < len(wording) else ""
        what = kind[n] if n < len(kind) else OpinionKind.COMMENT.value
        rows.append(
            {
                "text": body,
                "section_id": _as_id(section) if section.isdigit() else None,
                "proposed_wording": words,
                "kind": what,
                "include": str(n) in chosen,
                "references": [],
            }
        )
        items.append(
            events.SubmissionItemIn(
                text=body,
                section_id=_as_id(section),
                proposed_wording=words or None,
                kind=what,
                include=str(n) in chosen,
            )
        )
    return items, rows


@router.post(
    "/submissions/{submission_id}/confirm",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def confirm_submission_page(
    request: Request,
    submission_id: Id,
    text: Annotated[list[str] | None, Form()] = None,
    section_id: Annotated[list[str] | None, Form()] = None,
    wording: Annotated[list[str] | None, Form()] = None,
    kind: Annotated[list[str] | None, Form()] = None,
    include: Annotated[list[str] | None, Form()] = None,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    submission = _submission_and_check(db, principal, submission_id)
    _ = translator(request_language(request))
    rows: list[dict[str, Any]] | None = None
    try:
        items, rows = _corrected(
            text or [], section_id or [], wording or [], kind or [], include or []
        )
        created = events.confirm_submission(
            session=db,
            submission_id=submission_id,
            items=items,
            actor_person_id=principal.person_id,
        )
        db.commit()
    except UserError as error:
        db.rollback()
        return _submission_page(
            request,
            db,
            submission,
            rows=rows,
            error=error.message(request_language(request)),
            status_code=error.status_code,
        )
    add_flash(request, _("{count} opinions were recorded from the letter.", count=len(created)))
    return RedirectResponse(f"/c/{submission.consultation_id}/events", status_code=303)


class SubmissionItemOut(BaseModel):
    text: str
    start: int
    end: int
    references: list[str]
    section_id: int | None
    section_label: str | None
    proposed_wording: str | None
    kind: str


class SubmissionOut(BaseModel):
    id: int
    consultation_id: int
    organisation_id: int
    filename: str
    sha256: str
    items: list[SubmissionItemOut]
    confirmed_at: datetime | None
    opinion_ids: list[int]
    url: str


def _submission_out(db: Session, submission: Submission) -> SubmissionOut:
    return SubmissionOut(
        id=submission.id,
        consultation_id=submission.consultation_id,
        organisation_id=submission.organisation_id,
        filename=submission.filename,
        sha256=submission.sha256,
        items=[SubmissionItemOut(**i) for i in events.submission_items(submission)],
        confirmed_at=submission.confirmed_at,
        opinion_ids=events.submission_opinion_ids(session=db, submission_id=submission.id),
        url=f"/submissions/{submission.id}",
    )


@router.post(
    "/api/v1/consultations/{consultation_id}/submissions",
    response_model=SubmissionOut,
    status_code=201,
    tags=["events"],
    dependencies=[Depends(verify_csrf)],
)
def api_preview_submission(
    consultation_id: Id,
    organisation_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    file: Annotated[UploadFile, File(description=".txt, .docx or .pdf")],
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> SubmissionOut:
    """Split an organisation's comment letter into proposed opinions (nothing recorded yet)."""
    _manage(db, principal, consultation_id)
    data, filename = _letter(file, settings)
    submission = events.preview_submission(
        session=db,
        consultation_id=consultation_id,
        organisation_id=organisation_id,
        data=data,
        filename=filename,
        max_bytes=settings.max_upload_bytes,
        actor_person_id=principal.person_id,
    )
    out = _submission_out(db, submission)
    db.commit()
    return out


@router.get("/api/v1/submissions/{submission_id}", response_model=SubmissionOut, tags=["events"])
def api_submission(
    submission_id: Id, principal: Principal = Depends(require_staff), db: Session = Depends(get_db)
) -> SubmissionOut:
    """A comment letter's proposed items and, once confirmed, its opinions."""
    submission = _submission_and_check(db, principal, submission_id)
    return _submission_out(db, submission)


class SubmissionItemIn(BaseModel):
    text: str = Field(max_length=100_000)
    section_id: DbId | None = None
    proposed_wording: str | None = Field(default=None, max_length=100_000)
    kind: str = Field(default=OpinionKind.COMMENT.value, max_length=20)
    include: bool = True


class ConfirmSubmissionIn(BaseModel):
    items: list[SubmissionItemIn] | None = Field(default=None, max_length=2_000)


@router.post(
    "/api/v1/submissions/{submission_id}/confirm",
    response_model=SubmissionOut,
    tags=["events"],
    dependencies=[Depends(verify_csrf)],
)
def api_confirm_submission(
    submission_id: Id,
    body: ConfirmSubmissionIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> SubmissionOut:
    """Record the letter's opinions (channel written, on behalf of the organisation); the items
    given replace the proposed ones, as corrected."""
    submission = _submission_and_check(db, principal, submission_id)
    events.confirm_submission(
        session=db,
        submission_id=submission_id,
        items=[events.SubmissionItemIn(**i.model_dump()) for i in body.items]
        if body.items is not None
        else None,
        actor_person_id=principal.person_id,
    )
    out = _submission_out(db, submission)
    db.commit()
    return out


# --- recommendations -----------------------------------------------------------------------


@router.post(
    "/events/{event_id}/recommendations",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def add_recommendation_page(
    request: Request,
    event_id: Id,
    text: Annotated[str, Form(max_length=100_000)] = "",
    addressee_id: Annotated[str, Form(max_length=20)] = "",
    due_on: Annotated[str, Form(max_length=20)] = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    event = _event_and_check(db, principal, event_id, manage=True)
    _ = translator(request_language(request))
    try:
        events.create_recommendation(
            session=db,
            consultation_id=event.consultation_id,
            text=text,
            event_id=event_id,
            addressee_organisation_id=_as_id(addressee_id),
            due_on=events.due_date_of(due_on),
            raised_by_organisation_id=_first_organiser(db, event_id),
            actor_person_id=principal.person_id,
        )
        db.commit()
    except UserError as error:
        db.rollback()
        form = {"text": text, "addressee_id": addressee_id, "due_on": due_on}
        return _event_page(
            request,
            db,
            principal,
            event,
            form,
            error=error.message(request_language(request)),
            status_code=error.status_code,
        )
    add_flash(request, _("The recommendation was recorded."))
    return RedirectResponse(f"/events/{event_id}#recommendations", status_code=303)


def _first_organiser(db: Session, event_id: int) -> int | None:
    detail = events.event_detail(session=db, event_id=event_id)
    return detail.organisers[0].id if detail.organisers else None


@dataclass(frozen=True, slots=True)
class RecommendationView:
    recommendation: Recommendation
    addressee: str
    raised_by: str
    event_title: str
    overdue: bool


def _views(db: Session, rows: list[Recommendation]) -> list[RecommendationView]:
    names = _org_names(
        db,
        {r.addressee_organisation_id for r in rows} | {r.raised_by_organisation_id for r in rows},
    )
    titles = dict(
        db.execute(
            select(Event.id, Event.title).where(Event.id.in_({r.event_id for r in rows} - {None}))
        ).all()
    )
    today = events.today_in_vietnam()
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


@router.get("/recommendations", response_class=HTMLResponse, include_in_schema=False)
def recommendations_page(
    request: Request,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    covered = _covered_org_ids(db, principal, STAFF_ROLES)
    context = {
        "inbox": _views(db, events.inbox(session=db, organisation_ids=covered)),
        "overdue": _views(db, events.overdue(session=db, organisation_ids=covered)),
        "notifications": events.notifications_for(
            session=db, person_id=principal.person_id, organisation_ids=covered
        ),
        **_labels(request),
    }
    return render(request, "events/recommendations.html", context)


class InboxOut(BaseModel):
    inbox: list[RecommendationOut]
    overdue: list[RecommendationOut]
    notifications: list[dict[str, Any]]


@router.get("/api/v1/recommendations", response_model=InboxOut, tags=["events"])
def api_recommendations(
    principal: Principal = Depends(require_staff), db: Session = Depends(get_db)
) -> InboxOut:
    """Recommendations addressed to the organisations the caller's roles cover, the overdue
    ones, and the notifications for the caller and those organisations."""
    covered = _covered_org_ids(db, principal, STAFF_ROLES)
    return InboxOut(
        inbox=[_recommendation_out(r) for r in events.inbox(session=db, organisation_ids=covered)],
        overdue=[
            _recommendation_out(r) for r in events.overdue(session=db, organisation_ids=covered)
        ],
        notifications=[
            {
                "id": n.id,
                "text": n.text,
                "link": n.link,
                "created_at": n.created_at.isoformat(),
                "read": n.read_at is not None,
            }
            for n in events.notifications_for(
                session=db, person_id=principal.person_id, organisation_ids=covered
            )
        ],
    )


def _recommendation_and_check(
    db: Session, principal: Principal, recommendation_id: int
) -> Recommendation:
    recommendation = events.get_recommendation(session=db, recommendation_id=recommendation_id)
    _check_sees_recommendation(db, principal, recommendation)
    return recommendation


def _recommendation_page(
    request: Request,
    db: Session,
    principal: Principal,
    recommendation: Recommendation,
    *,
    form: dict[str, Any] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "view": _views(db, [recommendation])[0],
        "may_answer": _may_answer(db, principal, recommendation),
        "may_assign": _may(db, principal, recommendation.consultation_id, MODERATOR_ROLES),
        "orgs": _all_orgs(db),
        "form": {
            "answer": recommendation.answer or "",
            "addressee_id": str(recommendation.addressee_organisation_id or ""),
            "responsible_name": recommendation.responsible_name or "",
            "due_on": recommendation.due_on.strftime("%d/%m/%Y") if recommendation.due_on else "",
            **(form or {}),
        },
        "error": error,
        **_labels(request),
    }
    return render(request, "events/recommendation.html", context, status_code=status_code)


@router.get(
    "/recommendations/{recommendation_id}", response_class=HTMLResponse, include_in_schema=False
)
def recommendation_page(
    request: Request,
    recommendation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    recommendation = _recommendation_and_check(db, principal, recommendation_id)
    return _recommendation_page(request, db, principal, recommendation)


def _recommendation_action(
    request: Request,
    db: Session,
    principal: Principal,
    recommendation: Recommendation,
    action: Callable[[], object],
    *,
    form: dict[str, Any],
    done: str,
) -> Response:
    try:
        action()
        db.commit()
    except UserError as error:
        db.rollback()
        return _recommendation_page(
            request,
            db,
            principal,
            recommendation,
            form=form,
            error=error.message(request_language(request)),
            status_code=error.status_code,
        )
    add_flash(request, done)
    return RedirectResponse(f"/recommendations/{recommendation.id}", status_code=303)


@router.post(
    "/recommendations/{recommendation_id}/answer",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def answer_page(
    request: Request,
    recommendation_id: Id,
    answer: Annotated[str, Form(max_length=100_000)] = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    recommendation = _recommendation_and_check(db, principal, recommendation_id)
    _check_answers(db, principal, recommendation)
    _ = translator(request_language(request))
    return _recommendation_action(
        request,
        db,
        principal,
        recommendation,
        lambda: events.answer_recommendation(
            session=db,
            recommendation_id=recommendation_id,
            answer=answer,
            actor_person_id=principal.person_id,
        ),
        form={"answer": answer},
        done=_("The answer was recorded and the raiser notified."),
    )


@router.post(
    "/recommendations/{recommendation_id}/status",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def status_page(
    request: Request,
    recommendation_id: Id,
    status: Annotated[str, Form(max_length=20)] = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    recommendation = _recommendation_and_check(db, principal, recommendation_id)
    _check_answers(db, principal, recommendation)
    _ = translator(request_language(request))
    return _recommendation_action(
        request,
        db,
        principal,
        recommendation,
        lambda: events.set_recommendation_status(
            session=db,
            recommendation_id=recommendation_id,
            status=status,
            actor_person_id=principal.person_id,
        ),
        form={},
        done=_("The status was changed."),
    )


@router.post(
    "/recommendations/{recommendation_id}/assign",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def assign_page(
    request: Request,
    recommendation_id: Id,
    addressee_id: Annotated[str, Form(max_length=20)] = "",
    responsible_name: Annotated[str, Form(max_length=300)] = "",
    due_on: Annotated[str, Form(max_length=20)] = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    recommendation = _recommendation_and_check(db, principal, recommendation_id)
    _manage(db, principal, recommendation.consultation_id)
    _ = translator(request_language(request))
    person_id, name = picked(responsible_name)
    return _recommendation_action(
        request,
        db,
        principal,
        recommendation,
        lambda: events.assign_recommendation(
            session=db,
            recommendation_id=recommendation_id,
            addressee_organisation_id=_as_id(addressee_id),
            responsible_person_id=person_id,
            responsible_name=name,
            due_on=events.due_date_of(due_on),
            actor_person_id=principal.person_id,
        ),
        form={"addressee_id": addressee_id, "responsible_name": responsible_name, "due_on": due_on},
        done=_("The recommendation was assigned."),
    )


class RecommendationIn(BaseModel):
    text: str = Field(max_length=10_000)
    addressee_organisation_id: DbId | None = None
    responsible_person_id: DbId | None = None
    responsible_name: str | None = Field(default=None, max_length=200)
    due_on: date | None = None


@router.post(
    "/api/v1/events/{event_id}/recommendations",
    response_model=RecommendationOut,
    status_code=201,
    tags=["events"],
    dependencies=[Depends(verify_csrf)],
)
def api_add_recommendation(
    event_id: Id,
    body: RecommendationIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> RecommendationOut:
    """Record a recommendation raised at the event."""
    event = _event_and_check(db, principal, event_id, manage=True)
    recommendation = events.create_recommendation(
        session=db,
        consultation_id=event.consultation_id,
        text=body.text,
        event_id=event_id,
        addressee_organisation_id=body.addressee_organisation_id,
        responsible_person_id=body.responsible_person_id,
        responsible_name=body.responsible_name,
        due_on=body.due_on,
        raised_by_organisation_id=_first_organiser(db, event_id),
        actor_person_id=principal.person_id,
    )
    out = _recommendation_out(recommendation)
    db.commit()
    return out


class AnswerIn(BaseModel):
    answer: str = Field(max_length=20_000)


@router.post(
    "/api/v1/recommendations/{recommendation_id}/answer",
    response_model=RecommendationOut,
    tags=["events"],
    dependencies=[Depends(verify_csrf)],
)
def api_answer(
    recommendation_id: Id,
    body: AnswerIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> RecommendationOut:
    """Answer a recommendation (the addressee's secretariat); the raiser is notified."""
    recommendation = _recommendation_and_check(db, principal, recommendation_id)
    _check_answers(db, principal, recommendation)
    events.answer_recommendation(
        session=db,
        recommendation_id=recommendation_id,
        answer=body.answer,
        actor_person_id=principal.person_id,
    )
    out = _recommendation_out(recommendation)
    db.commit()
    return out


class StatusIn(BaseModel):
    status: str = Field(max_length=20, description="open, in_progress or closed")


@router.post(
    "/api/v1/recommendations/{recommendation_id}/status",
    response_model=RecommendationOut,
    tags=["events"],
    dependencies=[Depends(verify_csrf)],
)
def api_status(
    recommendation_id: Id,
    body: StatusIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> RecommendationOut:
    """Move a recommendation to open, in progress or closed."""
    recommendation = _recommendation_and_check(db, principal, recommendation_id)
    _check_answers(db, principal, recommendation)
    events.set_recommendation_status(
        session=db,
        recommendation_id=recommendation_id,
        status=body.status,
        actor_person_id=principal.person_id,
    )
    out = _recommendation_out(recommendation)
    db.commit()
    return out
