"""Event pages (list, event, new/edit, fast entry, type-ahead) and their JSON twins under
/api/v1. Report review lives in events.reports.routes, written submissions in
events.submissions.routes, recommendations in events.recommendations.routes; access is declared
in events.access.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.events import collects, entry, lookups
from ykien.events import service as events
from ykien.events.access import (
    ConsultationEvents,
    check_collects_for,
    managed_event,
    may_manage,
    may_manage_event,
    may_record,
    own_organisers,
    runnable_consultations,
    viewed_event,
)
from ykien.events.models import Event, EventAttendee, EventKind
from ykien.events.pages import (
    API_POST,
    FORM_POST,
    PAGE,
    all_orgs,
    as_id,
    draw,
    field_text,
    is_htmx,
    local,
    max_upload_mb,
    opinion_kind_labels,
    org_names,
    person_names,
    picked,
    read_upload,
)
from ykien.events.recommendations.schemas import RecommendationOut
from ykien.events.schemas import (
    AttendeeIn,
    AttendeeOut,
    CreditIn,
    CreditOut,
    EventDetailOut,
    EventIn,
    EventOpinionIn,
    EventOpinionOut,
    EventOut,
    PersonChoiceOut,
    SectionChoiceOut,
)
from ykien.opinions.models import Opinion, OpinionKind
from ykien.web.deps import Principal, get_settings, request_credential, require_staff
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
from ykien.web.templating import render, request_language
from ykien.web.tx import Db, Tx

router = APIRouter()
MAX_ATTENDEE_LINES = 500
ENTRY_FIELDS = ("speaker", "section", "kind", "text", "consultation_id", "credit")
EVENT_FORM_FIELDS = (
    "title", "kind", "starts_at", "place", "chair_name", "chair_title", "agenda", "attendees",
    "minutes",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "consultation_id", "title", "kind", "status", "starts_at", "place", "chair_name",
    "chair_title", "agenda", "minutes", "minutes_filename",
)  # fmt: skip
# Units inside the consultation's scope see its events and record their own (events.access).
Viewed = Depends(ConsultationEvents(units=True))
Managed = Depends(ConsultationEvents(manage=True, units=True))


# --- reads shared by a page and its JSON twin ---------------------------------------------------


def event_summaries(db: Session, consultation_id: int) -> list[EventOut]:
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


def detail_out(detail: events.EventDetail) -> EventDetailOut:
    """The event as the API documents it, from the service's detail."""
    e = detail.event
    recommendation = RecommendationOut.model_validate
    return EventDetailOut.model_validate(
        {
            **{name: getattr(e, name) for name in EVENT_COLUMNS},
            "organisers": [{"id": o.id, "name": o.name} for o in detail.organisers],
            "consultations": [
                {"id": c.id, "title": c.title, "draft_title": c.draft_title, "home": c.home}
                for c in detail.consultations
            ],
            "attendees": [
                AttendeeOut.model_validate(a, from_attributes=True) for a in detail.attendees
            ],
            "topics": [
                {"consultation_id": t.consultation_id, "draft_id": t.draft_id, "label": t.label}
                for t in detail.topics
            ],
            "opinions": [
                EventOpinionOut.model_validate(o, from_attributes=True) for o in detail.opinions
            ],
            "recommendations": [
                recommendation(r, from_attributes=True) for r in detail.recommendations
            ],
            "earlier_open_recommendations": [
                recommendation(r, from_attributes=True) for r in detail.earlier_open
            ],
        }
    )


def event_detail_of(db: Session, event_id: int) -> EventDetailOut:
    return detail_out(events.event_detail(session=db, event_id=event_id))


# --- events list and event page ------------------------------------------------------------


@router.get("/c/{consultation_id}/events", **PAGE)
def events_page(
    request: Request,
    db: Db,
    consultation: Consultation = Viewed,
    principal: Principal = Depends(require_staff),
) -> HTMLResponse:
    context = {
        "consultation": consultation,
        "items": event_summaries(db, consultation.id),
        "may_manage": may_manage(db, principal, consultation.id),
        "may_record": may_record(db, principal, consultation.id),
    }
    return draw(request, "events/list.html", context)


@router.get(
    "/api/v1/consultations/{consultation_id}/events",
    response_model=list[EventOut],
    tags=["events"],
)
def api_events(db: Db, consultation: Consultation = Viewed) -> list[EventOut]:
    """The consultation's events, latest first, with their opinion and recommendation counts."""
    return event_summaries(db, consultation.id)


@router.get("/events/{event_id}", **PAGE)
def event_page(
    request: Request,
    db: Db,
    event: Event = Depends(viewed_event),
    principal: Principal = Depends(require_staff),
) -> HTMLResponse:
    return draw_event_page(request, db, principal, event, {})


def draw_event_page(
    request: Request,
    db: Session,
    principal: Principal,
    event: Event,
    form: dict[str, Any],
    problem: Problem | None = None,
) -> HTMLResponse:
    """The event page; `form` and `problem`: the recommendation form drawn again."""
    detail = events.event_detail(session=db, event_id=event.id)
    recommendations = detail.recommendations + detail.earlier_open
    context = {
        "consultation": consultations.get(session=db, consultation_id=event.consultation_id),
        "detail": detail,
        "org_names": org_names(db, {r.addressee_organisation_id for r in recommendations} | {None}),
        "person_names": person_names(
            db, {o.author_person_id for o in detail.opinions} | {event.chair_person_id}
        ),
        "may_manage": may_manage_event(db, principal, event),
        "orgs": all_orgs(db),
        "credit_choices": collects.credit_choices(session=db, event=event),
        "form": {"text": "", "addressee_id": "", "due_on": "", **form},
    }
    return draw(request, "events/event.html", context, problem)


@router.get("/api/v1/events/{event_id}", response_model=EventDetailOut, tags=["events"])
def api_event(db: Db, event: Event = Depends(viewed_event)) -> EventDetailOut:
    """An event with its organisers, attendees, topics, opinions and recommendations; for a
    dialogue meeting also the earlier recommendations to the same addressees still open."""
    return event_detail_of(db, event.id)


# --- record or edit an event: one input model, one use case ---------------------------------


@dataclass(frozen=True, slots=True)
class MinutesFile:
    data: bytes
    filename: str


def save_event(
    db: Session,
    principal: Principal,
    body: EventIn,
    *,
    settings: Settings,
    consultation_id: int,
    event_id: int | None = None,
    minutes_file: MinutesFile | None = None,
) -> Event:
    """Record a new event under the consultation, or change the event `event_id`."""
    organisers = own_organisers(db, principal, consultation_id, body.organiser_ids)
    body = body.model_copy(update={"organiser_ids": organisers})
    fields: dict[str, Any] = body.model_dump(
        exclude={"starts_at", "attendees", "topic_draft_ids", "consultation_ids"}
    )
    fields["consultation_ids"] = _collected_checked(db, principal, body, event_id)
    fields["starts_at"] = parse_moment(
        body.starts_at, settings, what_vi="thời gian", what_en="time"
    )
    fields["attendees"] = [events.AttendeeIn(**a.model_dump()) for a in body.attendees]
    if minutes_file is not None:
        text, digest = events.minutes_from_file(
            minutes_file.data, filename=minutes_file.filename, max_bytes=settings.max_upload_bytes
        )
        fields.update(minutes=text, minutes_filename=minutes_file.filename, minutes_sha256=digest)
    if event_id is None:
        return events.create_event(
            session=db,
            consultation_id=consultation_id,
            topic_draft_ids=body.topic_draft_ids,
            actor_person_id=principal.person_id,
            **{**fields, "consultation_ids": fields["consultation_ids"] or ()},
        )
    return events.update_event(
        session=db, event_id=event_id, actor_person_id=principal.person_id, **fields
    )


def _collected_checked(
    db: Session, principal: Principal, body: EventIn, event_id: int | None
) -> list[int] | None:
    """The consultations asked for; those newly added must be run by the principal."""
    if body.consultation_ids is None:
        return None
    kept = set()
    if event_id is not None:
        kept = set(
            collects.collected_ids(
                session=db, event=events.get_event(session=db, event_id=event_id)
            )
        )
    check_collects_for(db, principal, [i for i in body.consultation_ids if i not in kept])
    return list(body.consultation_ids)


def parse_attendees(value: str) -> list[AttendeeIn]:
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
        attendees.append(AttendeeIn(name=name, title=title or None, person_id=person_id))
    return attendees


def attendee_lines(rows: list[EventAttendee]) -> str:
    return "\n".join(f"{a.name}, {a.title}" if a.title else a.name for a in rows)


def _organisers(form: FormFields, name: str = "organisers") -> list[str]:
    value = form.get(name, [])
    return [o for o in ([value] if isinstance(value, str) else value)[:200] if o]


def event_form_values(form: FormFields) -> dict[str, Any]:
    """The event form as typed, to draw it again."""
    return {
        **{name: field_text(form, name) for name in EVENT_FORM_FIELDS},
        "kind": field_text(form, "kind") or EventKind.SEMINAR.value,
        "organisers": _organisers(form),
        "consultations": _organisers(form, "consultations"),
    }


def event_from_form(form: FormFields) -> EventIn:
    """The event form as the API's input model (attendees one per line, organisers chosen)."""
    organiser_ids = [i for i in (as_id(o) for o in _organisers(form)) if i is not None]
    collected = [as_id(o) for o in _organisers(form, "consultations")]
    return parse_form(
        EventIn,
        form,
        organiser_ids=organiser_ids,
        consultation_ids=[i for i in collected if i is not None],
        attendees=parse_attendees(field_text(form, "attendees")),
        kind=field_text(form, "kind") or EventKind.SEMINAR.value,
        starts_at=field_text(form, "starts_at"),
        title=field_text(form, "title"),
        chair_person_id=None,
        topic_draft_ids=[],
    )


def minutes_upload(upload: UploadFile | None, settings: Settings) -> MinutesFile | None:
    data, filename = read_upload(upload, settings)
    return None if data is None else MinutesFile(data, filename)


def draw_event_form(
    request: Request,
    db: Session,
    principal: Principal,
    settings: Settings,
    *,
    consultation_id: int,
    form: dict[str, Any],
    event: Event | None = None,
    problem: Problem | None = None,
) -> HTMLResponse:
    context = {
        "consultation": consultations.get(session=db, consultation_id=consultation_id),
        "event": event,
        "form": form,
        "orgs": all_orgs(db),
        "collect_choices": collect_choices(db, principal, consultation_id, event),
        "max_upload_mb": max_upload_mb(settings),
    }
    return draw(request, "events/form.html", context, problem)


def collect_choices(
    db: Session, principal: Principal, home_id: int, event: Event | None
) -> list[tuple[int, str]]:
    """The other consultations an event may collect for: those the secretary runs, and those
    it already collects for."""
    choices = {
        m.consultation.id: f"{m.consultation.title} · {m.draft_title}"
        for m in runnable_consultations(db, principal)
    }
    if event is not None:
        for c in collects.collected(session=db, event=event):
            choices.setdefault(c.id, f"{c.title} · {c.draft_title}")
    return [(i, label) for i, label in choices.items() if i != home_id]


def _blank_event_form() -> dict[str, Any]:
    return {
        **dict.fromkeys(EVENT_FORM_FIELDS, ""),
        "kind": EventKind.SEMINAR.value,
        "organisers": [],
        "consultations": [],
    }


@router.get("/c/{consultation_id}/events/new", **PAGE)
def new_event_page(
    request: Request,
    db: Db,
    consultation: Consultation = Managed,
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    form = _blank_event_form()
    form["organisers"] = [str(i) for i in own_organisers(db, principal, consultation.id, [])]
    return draw_event_form(
        request, db, principal, settings, consultation_id=consultation.id, form=form
    )


MinutesUpload = Annotated[UploadFile | None, File()]


@router.post("/c/{consultation_id}/events/new", **FORM_POST)
def create_event_page(
    request: Request,
    form: FormFields,
    db: Tx,
    minutes_file: MinutesUpload = None,
    consultation: Consultation = Managed,
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    def redraw(problem: Problem) -> Response:
        values = event_form_values(form)
        return draw_event_form(
            request, db, principal, settings, consultation_id=consultation.id, form=values,
            problem=problem,
        )  # fmt: skip

    with redraw_on_error(request, db, redraw):
        event = save_event(
            db,
            principal,
            event_from_form(form),
            settings=settings,
            consultation_id=consultation.id,
            minutes_file=minutes_upload(minutes_file, settings),
        )
    _ = translator(request_language(request))
    add_flash(request, _("The event “{title}” was recorded.", title=event.title))
    return see_other(f"/events/{event.id}")


def _filled_form(db: Session, event: Event, settings: Settings) -> dict[str, Any]:
    detail = events.event_detail(session=db, event_id=event.id)
    return {
        "title": event.title,
        "kind": event.kind,
        "starts_at": local(event.starts_at, settings),
        "place": event.place,
        "chair_name": event.chair_name or "",
        "chair_title": event.chair_title or "",
        "organisers": [str(o.id) for o in detail.organisers],
        "consultations": [str(c.id) for c in detail.consultations if not c.home],
        "agenda": event.agenda,
        "attendees": attendee_lines(detail.attendees),
        "minutes": event.minutes,
    }


@router.get("/events/{event_id}/edit", **PAGE)
def edit_event_page(
    request: Request,
    db: Db,
    event: Event = Depends(managed_event),
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    form = _filled_form(db, event, settings)
    return draw_event_form(
        request, db, principal, settings, consultation_id=event.consultation_id, form=form,
        event=event,
    )  # fmt: skip


@router.post("/events/{event_id}/edit", **FORM_POST)
def update_event_page(
    request: Request,
    form: FormFields,
    db: Tx,
    minutes_file: MinutesUpload = None,
    event: Event = Depends(managed_event),
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    consultation_id = event.consultation_id

    def redraw(problem: Problem) -> Response:
        values = event_form_values(form)
        return draw_event_form(
            request, db, principal, settings, consultation_id=consultation_id, form=values,
            event=event, problem=problem,
        )  # fmt: skip

    with redraw_on_error(request, db, redraw):
        save_event(
            db,
            principal,
            event_from_form(form),
            settings=settings,
            consultation_id=consultation_id,
            event_id=event.id,
            minutes_file=minutes_upload(minutes_file, settings),
        )
    _ = translator(request_language(request))
    add_flash(request, _("The event was saved."))
    return see_other(f"/events/{event.id}")


@router.post(
    "/api/v1/consultations/{consultation_id}/events",
    response_model=EventDetailOut,
    status_code=201,
    **API_POST,
)
def api_create_event(
    body: EventIn,
    db: Tx,
    consultation: Consultation = Managed,
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> EventDetailOut:
    """Record an event with its organisers, attendees and drafts discussed."""
    event = save_event(db, principal, body, settings=settings, consultation_id=consultation.id)
    return event_detail_of(db, event.id)


# --- fast entry ------------------------------------------------------------------------------


def draw_entry_page(
    request: Request,
    db: Session,
    event: Event,
    form: dict[str, Any],
    problem: Problem | None = None,
) -> HTMLResponse:
    _ = translator(request_language(request))
    detail = events.event_detail(session=db, event_id=event.id)
    blank = {"speaker": "", "section": "", "kind": "comment", "text": "", "credit": ""}
    context = {
        "event": event,
        "entered": detail.opinions,
        **row_context(db, event, detail.opinions),
        "opinion_kinds": opinion_kind_labels(_),
        "credit_choices": collects.credit_choices(session=db, event=event),
        "unassigned": len(collects.unassigned_opinions(session=db, event_id=event.id)),
        "form": {**blank, "consultation_id": str(event.consultation_id), **form},
        "entry_key": f"entry-{secrets.token_urlsafe(12)}",
    }
    return draw(request, "events/entry.html", context, problem)


def row_context(db: Session, event: Event, opinions: list[Opinion]) -> dict[str, Any]:
    """What a recorded line shows: its draft (when the event collects for several), section,
    speaker and the organisation it is credited to."""
    drafts = collects.collected(session=db, event=event)
    sections = {s.id: s.label for c in drafts for s in lookups.consultation_sections(db, c.id)}
    return {
        "drafts": drafts,
        "draft_names": {c.id: c.draft_title for c in drafts} if len(drafts) > 1 else {},
        "sections": sections,
        "person_names": person_names(db, {o.author_person_id for o in opinions}),
        "org_names": org_names(db, {o.on_behalf_of_id for o in opinions}),
    }


@router.get("/events/{event_id}/entry", **PAGE)
def entry_page(
    request: Request,
    db: Db,
    draft: Annotated[str, Query(max_length=20)] = "",
    event: Event = Depends(managed_event),
) -> HTMLResponse:
    """The fast entry; `draft`: the draft chosen on the last line (kept for the next)."""
    chosen = draft if draft.isdigit() else str(event.consultation_id)
    return draw_entry_page(request, db, event, {"consultation_id": chosen})


async def record_event_opinion(
    request: Request, db: Session, event: Event, body: EventOpinionIn, settings: Settings
) -> Opinion:
    """One opinion voiced at the event (channel "event"), from the entry form or the API:
    through the intake, the speaker as author and the signed-in secretary as recorder."""
    return await entry.record(
        request.app.state.intake, db, event_id=event.id, fields=body.model_dump(),
        credential=request_credential(request), max_chars=settings.max_opinion_chars,
    )  # fmt: skip


def entry_from_form(form: FormFields) -> EventOpinionIn:
    """The fast-entry line as the API's input: a picked speaker or section, else as typed."""
    person_id, name = picked(field_text(form, "speaker")[:300])
    section_id, section_ref = picked(field_text(form, "section")[:300])
    line = parse_form(
        EventOpinionIn,
        {},
        consultation_id=as_id(field_text(form, "consultation_id")[:20]),
        credited_organisation_id=as_id(field_text(form, "credit")[:20]),
        text=field_text(form, "text"),
        kind=field_text(form, "kind") or OpinionKind.COMMENT.value,
        speaker_person_id=person_id,
        speaker_name=None if person_id else name,
        section_id=section_id,
        section_ref=None if section_id else section_ref,
    )
    key = entry.line_key(field_text(form, "key"), line.model_dump())
    return line.model_copy(update={"idempotency_key": key})


@router.post("/events/{event_id}/opinions", **FORM_POST)
async def add_opinion_page(
    request: Request,
    form: FormFields,
    db: Tx,
    event: Event = Depends(managed_event),
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    """One opinion of the fast entry: the new row for htmx, else back to the entry page."""
    typed = {name: field_text(form, name) for name in ENTRY_FIELDS}

    def redraw(problem: Problem) -> Response:
        if is_htmx(request):
            context = {"error": problem.message}
            return render(request, "events/_entry_error.html", context, problem.status_code)
        return draw_entry_page(request, db, event, typed, problem)

    with redraw_on_error(request, db, redraw):
        opinion = await record_event_opinion(request, db, event, entry_from_form(form), settings)
    if not is_htmx(request):
        return see_other(f"/events/{event.id}/entry?draft={opinion.consultation_id}")
    _ = translator(request_language(request))
    context = {
        "o": opinion,
        **row_context(db, event, [opinion]),
        "opinion_kinds": opinion_kind_labels(_),
    }
    return render(request, "events/_entry_row.html", context)


@router.post(
    "/api/v1/events/{event_id}/opinions",
    response_model=EventOpinionOut,
    status_code=201,
    **API_POST,
)
async def api_add_opinion(
    request: Request,
    body: EventOpinionIn,
    db: Tx,
    event: Event = Depends(managed_event),
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> EventOpinionOut:
    """Record an opinion voiced at the event (channel "event") on one of the drafts it collects
    for (`consultation_id`, default its own; another is refused), the section reference
    resolved in that draft only, credited to `credited_organisation_id` (default: the speaker's
    organisation, else the first organiser)."""
    opinion = await record_event_opinion(request, db, event, body, settings)
    return EventOpinionOut.model_validate(opinion, from_attributes=True)


# --- credit: the organisation unassigned opinions count for ----------------------------------


def credit(db: Session, principal: Principal, event: Event, body: CreditIn) -> int:
    """Credit the event's unassigned opinions: the use case of the page and the API."""
    return collects.credit_unassigned(
        session=db, event=event, organisation_id=body.organisation_id,
        actor_person_id=principal.person_id,
    )  # fmt: skip


@router.post("/events/{event_id}/credit", **FORM_POST)
def credit_page(
    request: Request,
    form: FormFields,
    db: Tx,
    event: Event = Depends(managed_event),
    principal: Principal = Depends(require_staff),
) -> Response:
    def redraw(problem: Problem) -> Response:
        return draw_entry_page(request, db, event, {}, problem)

    with redraw_on_error(request, db, redraw):
        organisation_id = as_id(field_text(form, "organisation_id")[:20])
        count = credit(
            db, principal, event, parse_form(CreditIn, {}, organisation_id=organisation_id)
        )
    _ = translator(request_language(request))
    add_flash(request, _("{count} opinions were credited.", count=count))
    return see_other(f"/events/{event.id}/entry")


@router.post("/api/v1/events/{event_id}/credit", response_model=CreditOut, **API_POST)
def api_credit(
    body: CreditIn,
    db: Tx,
    event: Event = Depends(managed_event),
    principal: Principal = Depends(require_staff),
) -> CreditOut:
    """Credit every opinion of the event that counts for no organisation (no on-behalf-of
    organisation, no author with an organisation) to one of its organisers or attendees'
    organisations."""
    return CreditOut(credited=credit(db, principal, event, body))


# --- type-ahead -----------------------------------------------------------------------------

Typed = Annotated[str, Query(max_length=200)]


def people_choices(db: Session, query: str) -> list[PersonChoiceOut]:
    return [
        PersonChoiceOut(
            id=p.id,
            full_name=p.full_name,
            title=p.title,
            organisation=p.organisation,
            value=f"{p.full_name} [#{p.id}]",
        )
        for p in lookups.search_people(session=db, query=query)
    ]


def section_choices(db: Session, consultation_id: int, query: str) -> list[SectionChoiceOut]:
    return [
        SectionChoiceOut(
            id=s.id,
            label=s.label,
            heading=s.heading,
            value=f"{s.label} {s.heading}"[:120].strip() + f" [#{s.id}]",
        )
        for s in lookups.search_sections(session=db, consultation_id=consultation_id, query=query)
    ]


@router.get("/c/{consultation_id}/lookup/people", **PAGE)
def people_options(
    request: Request,
    db: Db,
    q: Typed = "",
    speaker: Typed = "",
    person: Typed = "",
    consultation: Consultation = Viewed,
) -> HTMLResponse:
    choices = people_choices(db, picked(q or speaker or person)[1])
    return render(request, "events/_options.html", {"choices": choices})


@router.get("/events/{event_id}/lookup/sections", **PAGE)
def event_section_options(
    request: Request,
    db: Db,
    section: Typed = "",
    consultation_id: Annotated[str, Query(max_length=20)] = "",
    event: Event = Depends(managed_event),
) -> HTMLResponse:
    """Sections of the draft chosen on the fast-entry line (default: the event's own)."""
    chosen = (
        int(consultation_id) if consultation_id.isdigit() and len(consultation_id) < 10 else None
    )
    target = collects.check_collects(session=db, event=event, consultation_id=chosen)
    choices = section_choices(db, target, picked(section)[1])
    return render(request, "events/_options.html", {"choices": choices})


@router.get("/c/{consultation_id}/lookup/sections", **PAGE)
def section_options(
    request: Request,
    db: Db,
    q: Typed = "",
    section: Typed = "",
    consultation: Consultation = Viewed,
) -> HTMLResponse:
    choices = section_choices(db, consultation.id, picked(q or section)[1])
    return render(request, "events/_options.html", {"choices": choices})


@router.get(
    "/api/v1/consultations/{consultation_id}/lookup/people",
    response_model=list[PersonChoiceOut],
    tags=["events"],
)
def api_people(db: Db, q: Typed = "", consultation: Consultation = Viewed) -> list[PersonChoiceOut]:
    """People whose names contain the words typed (diacritics and tone placement ignored)."""
    return people_choices(db, q)


@router.get(
    "/api/v1/consultations/{consultation_id}/lookup/sections",
    response_model=list[SectionChoiceOut],
    tags=["events"],
)
def api_sections(
    db: Db, q: Typed = "", consultation: Consultation = Viewed
) -> list[SectionChoiceOut]:
    """Sections of the draft named by a reference as typed: "đ5", "dieu 5", "k2 đ5"."""
    return section_choices(db, consultation.id, q)
