"""The participant's path: read a consultation's draft, give an opinion, see "my opinions".

Pages and their JSON twins under /api/v1 (sections with counts, submit, my opinions). The form
and the API submit through one use case (`ykien.opinions.submission`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.drafts import service as drafts
from ykien.drafts.models import Draft
from ykien.errors import UserError
from ykien.opinions import queries
from ykien.opinions.models import OpinionKind
from ykien.opinions.schemas import (
    ConsultationSectionOut,
    MyOpinionsOut,
    OpinionIn,
    OpinionReceiptOut,
)
from ykien.opinions.submission import form_idempotency_key, submit_opinion
from ykien.orgs.models import Organisation
from ykien.web.access import reader_consultation
from ykien.web.deps import (
    IdempotencyKey,
    PathId,
    Principal,
    authenticates_itself,
    current_principal,
    get_settings,
    request_credential,
    require_principal,
)
from ykien.web.forms import FormFields, Problem, parse_form, redraw_on_error, see_other
from ykien.web.i18n import translator
from ykien.web.paging import PageAt, neighbour_links
from ykien.web.ratelimit import SubmissionRate
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language
from ykien.web.tx import Db

router = APIRouter()

PER_PAGE = 50
# the kinds a participant chooses from (recommendations come from events and syntheses)
FORM_KINDS = (
    OpinionKind.COMMENT,
    OpinionKind.AMEND,
    OpinionKind.ADD,
    OpinionKind.DELETE,
    OpinionKind.AGREE,
    OpinionKind.DISAGREE,
    OpinionKind.QUESTION,
)
RECEIPT_SESSION_KEY = "last_receipt"
FORM_KEY_FIELD = "submission_key"
Readable = Depends(reader_consultation)


# --- the reader page ------------------------------------------------------------------------


@dataclass
class OpinionForm:
    """What the participant typed, kept when the form comes back with an error."""

    section_id: int | None = None
    kind: str = OpinionKind.COMMENT
    text: str = ""
    proposed_wording: str = ""
    quote: str = ""
    quote_start: str = ""
    anonymous: bool = False
    error: str | None = None
    # the form's own key, hidden in it: the same form sent twice stores one opinion
    submission_key: str = ""


def _reader_context(
    request: Request,
    db: Session,
    consultation: Consultation,
    principal: Principal | None,
    form: OpinionForm,
) -> dict[str, Any]:
    version = drafts.get_version(session=db, version_id=consultation.draft_version_id)
    sections = drafts.section_rows(session=db, version_id=version.id)
    counts = queries.visible_counts_by_section(session=db, consultation_id=consultation.id)
    by_id = {section.id: section for section in sections}
    if form.section_id not in by_id:
        form.section_id = None
    if not form.submission_key:
        form.submission_key = secrets.token_urlsafe(18)
    language = request_language(request)
    refusal = consultations.accepting_refusal(consultation)
    closed_message = refusal.message(language) if refusal else None
    in_scope = principal is None or consultations.person_in_scope(
        session=db, consultation_id=consultation.id, person_id=principal.person_id
    )
    can_write = closed_message is None and (principal is not None or consultation.allow_anonymous)
    settings: Settings = request.app.state.settings
    _ = translator(language)
    return {
        "consultation": consultation,
        "version": version,
        "draft": db.get(Draft, version.draft_id),
        "organiser": db.get(Organisation, consultation.organiser_id),
        # (section, count, "N opinions"): the template does as little as possible per section
        "items": [
            (section, counts.get(section.id, 0), _count_text(counts.get(section.id, 0), _))
            for section in sections
        ],
        "general_count": counts.get(None, 0),
        "general_text": _count_text(counts.get(None, 0), _),
        "total_text": _count_text(sum(counts.values()), _),
        "closed_message": closed_message,
        "in_scope": in_scope,
        "can_write": can_write,
        # after an error the form stays so the typed text is not lost
        "show_form": can_write or form.error is not None,
        "form": form,
        "form_section": by_id.get(form.section_id) if form.section_id else None,
        "form_kinds": FORM_KINDS,
        "max_chars": settings.max_opinion_chars,
        "max_chars_text": _grouped(settings.max_opinion_chars, language),
    }


def _count_text(count: int, _: Callable[..., str]) -> str:
    return _("1 opinion") if count == 1 else _("{count} opinions", count=count)


def _grouped(number: int, language: str) -> str:
    """10000 as "10.000" in Vietnamese, "10,000" in English."""
    text = f"{number:,}"
    return text.replace(",", ".") if language == "vi" else text


def _reader_page(
    request: Request,
    db: Session,
    consultation: Consultation,
    principal: Principal | None,
    form: OpinionForm,
    status_code: int = 200,
) -> HTMLResponse:
    context = _reader_context(request, db, consultation, principal, form)
    return render(request, "opinions/reader.html", context, status_code=status_code)


@router.get("/c/{consultation_id}", response_class=HTMLResponse, include_in_schema=False)
def reader(
    request: Request,
    db: Db,
    section: Annotated[int | None, Query()] = None,
    consultation: Consultation = Readable,
    principal: Principal | None = Depends(current_principal),
) -> HTMLResponse:
    """The draft with its table of contents, opinion counts and the opinion form."""
    return _reader_page(request, db, consultation, principal, OpinionForm(section_id=section))


def _optional_int(value: str, *, code: str, vi: str, en: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 12:
        raise UserError(code, vi, en)
    return int(value)


def _field(form: dict[str, Any], name: str, default: str = "") -> str:
    value = form.get(name, default)
    return value[-1] if isinstance(value, list) else str(value)


def _typed(form: dict[str, Any], principal: Principal | None) -> OpinionForm:
    """The form as typed (anonymous when nobody is signed in)."""
    return OpinionForm(
        kind=_field(form, "kind", OpinionKind.COMMENT),
        text=_field(form, "text"),
        proposed_wording=_field(form, "proposed_wording"),
        quote=_field(form, "quote"),
        quote_start=_field(form, "quote_start"),
        anonymous=principal is None
        or _field(form, "anonymous").strip().lower() in ("1", "on", "true", "yes"),
        submission_key=_field(form, FORM_KEY_FIELD)[:100],
    )


def opinion_from_form(form: dict[str, Any], typed: OpinionForm) -> OpinionIn:
    """The API's input model filled from the reader's form (ids checked with clear messages)."""
    section_id = _optional_int(
        _field(form, "section_id"),
        code="section_invalid",
        vi="Mục được chọn không hợp lệ.",
        en="The chosen section is not valid.",
    )
    typed.section_id = section_id
    quote_start = _optional_int(
        typed.quote_start,
        code="quote_start_invalid",
        vi="Vị trí đoạn trích dẫn không hợp lệ.",
        en="The position of the quoted passage is not valid.",
    )
    return parse_form(
        OpinionIn,
        form,
        text=typed.text,
        section_id=section_id,
        quote_start=quote_start,
        anonymous=typed.anonymous,
    )


@router.post(
    "/c/{consultation_id}/opinions",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf), SubmissionRate],
)
async def submit_form(
    request: Request,
    form: FormFields,
    db: Db,
    consultation: Consultation = Readable,
    principal: Principal | None = Depends(current_principal),
    settings: Settings = Depends(get_settings),
) -> Response:
    """Record an opinion from the reader's form through the intake (like the API); on an
    error the page comes back as typed."""
    typed = _typed(form, principal)

    def redraw(problem: Problem) -> Response:
        shown = replace(typed, error=problem.message)
        return _reader_page(request, db, consultation, principal, shown, problem.status_code)

    with redraw_on_error(request, db, redraw):
        body = opinion_from_form(form, typed)
        receipt = await submit_opinion(
            request.app.state.intake,
            consultation_id=consultation.id,
            body=body,
            credential=request_credential(request),
            idempotency_key=form_idempotency_key(typed.submission_key, body),
            max_chars=settings.max_opinion_chars,
        )
    if typed.anonymous:
        # no "my opinions" to show it in: the confirmation page shows the receipt code
        request.session[RECEIPT_SESSION_KEY] = {
            "consultation_id": consultation.id,
            "code": receipt.receipt_code,
        }
        return see_other(f"/c/{consultation.id}/received")
    return see_other(f"/me/opinions?created={receipt.receipt_code}")


@router.get("/c/{consultation_id}/received", response_class=HTMLResponse, include_in_schema=False)
def received(request: Request, db: Db, consultation: Consultation = Readable) -> Response:
    """Confirmation of an anonymous opinion with its receipt code (kept in the session)."""
    last = request.session.get(RECEIPT_SESSION_KEY)
    code = last.get("code") if isinstance(last, dict) else None
    status = None
    mine = isinstance(last, dict) and last.get("consultation_id") == consultation.id
    if mine and isinstance(code, str):
        status = queries.receipt_status(
            session=db, consultation_id=consultation.id, receipt_code=code
        )
    if status is None:
        return RedirectResponse(f"/c/{consultation.id}", status_code=303)
    return render(
        request,
        "opinions/received.html",
        {"consultation": consultation, "receipt_code": code, "status": status},
    )


# --- my opinions ----------------------------------------------------------------------------


def my_opinions(db: Session, principal: Principal, at: PageAt) -> MyOpinionsOut:
    """The read function of the page and the API: the person's opinions, newest first."""
    return queries.opinions_of_person(
        session=db,
        person_id=principal.person_id,
        page=at.page,
        per_page=PER_PAGE,
        seek=at.seek(queries.MY_CURSOR_KINDS),
    )


@router.get("/me/opinions", response_class=HTMLResponse, include_in_schema=False)
def my_opinions_page(
    request: Request,
    db: Db,
    at: Annotated[PageAt, Depends()],
    created: Annotated[str, Query(max_length=40)] = "",
    principal: Principal = Depends(require_principal),
) -> HTMLResponse:
    """The signed-in person's opinions across consultations, newest first."""
    flashes: list[str] = []
    if created and queries.person_has_receipt(
        session=db, person_id=principal.person_id, receipt_code=created
    ):
        _ = translator(request_language(request))
        flashes.append(_("Your opinion was received. Its receipt code is {code}.", code=created))
    else:
        created = ""
    found = my_opinions(db, principal, at)
    context = {
        "found": found,
        "created": created,
        "flashes": flashes,
        "at": at.query(),
        "pagination": neighbour_links(
            "/me/opinions", found.page, found.pages, found.previous_cursor, found.next_cursor
        ),
    }
    return render(request, "opinions/my_opinions.html", context)


@router.get("/api/v1/me/opinions", response_model=MyOpinionsOut, tags=["opinions"])
def api_my_opinions(
    db: Db,
    at: Annotated[PageAt, Depends()],
    principal: Principal = Depends(require_principal),
) -> MyOpinionsOut:
    """The signed-in person's opinions, newest first, 50 per page (`after`/`before` a cursor)."""
    return my_opinions(db, principal, at)


# --- JSON API -------------------------------------------------------------------------------


@router.get(
    "/api/v1/consultations/{consultation_id}/sections",
    response_model=list[ConsultationSectionOut],
    tags=["drafts"],
)
def api_consultation_sections(
    db: Db, consultation: Consultation = Readable
) -> list[ConsultationSectionOut]:
    """The section tree of the consultation's draft in document order, with opinion counts."""
    sections = drafts.section_rows(session=db, version_id=consultation.draft_version_id)
    counts = queries.visible_counts_by_section(session=db, consultation_id=consultation.id)
    return [
        ConsultationSectionOut.model_validate(
            {**section._asdict(), "opinion_count": counts.get(section.id, 0)}
        )
        for section in sections
    ]


@router.post(
    "/api/v1/consultations/{consultation_id}/opinions",
    response_model=OpinionReceiptOut,
    status_code=201,
    tags=["opinions"],
    dependencies=[Depends(verify_csrf), SubmissionRate],
    responses={200: {"model": OpinionReceiptOut, "description": "A retry: the first result"}},
)
@authenticates_itself
async def api_submit(
    consultation_id: PathId,
    body: OpinionIn,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    settings: Settings = Depends(get_settings),
) -> OpinionReceiptOut:
    """Submit an opinion; with an `Idempotency-Key` header a retry returns the first result.

    201 when the opinion is recorded, 200 with the same body when a retry is answered.
    Without a signed-in account only `anonymous: true` is accepted, where the policy allows it.
    The answer comes once the opinion is committed; concurrent submissions are committed
    together (see ykien.opinions.intake).
    """
    receipt = await submit_opinion(
        request.app.state.intake,
        consultation_id=consultation_id,
        body=body,
        credential=request_credential(request),
        idempotency_key=idempotency_key,
        max_chars=settings.max_opinion_chars,
    )
    if not receipt.created:
        response.status_code = 200
    return OpinionReceiptOut.model_validate(receipt, from_attributes=True)
