"""The participant's path: read a consultation's draft, give an opinion, see "my opinions".

Pages and their JSON twins under /api/v1 (sections, drafts, versions, submit, my opinions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy import Row
from sqlalchemy.orm import Session

from ykien.accounts.credentials import Credential
from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation, ConsultationStatus
from ykien.drafts import service as drafts
from ykien.drafts.models import Draft
from ykien.errors import LoginRequired, NotFound, UserError
from ykien.opinions import queries
from ykien.opinions import service as opinions
from ykien.opinions.intake import IntakeWriter
from ykien.opinions.models import Channel, OpinionKind
from ykien.opinions.service import Submission
from ykien.orgs.models import Organisation
from ykien.types import DbId
from ykien.web.deps import (
    STAFF_ROLES,
    IdempotencyKey,
    PathId,
    Principal,
    authenticates_itself,
    current_principal,
    get_db,
    get_settings,
    request_credential,
    require_principal,
)
from ykien.web.i18n import translator
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language

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
# form/body bounds; the service applies the configured limits with a clear message
MAX_TEXT_FIELD = 1_000_000
MAX_QUOTE_FIELD = 20_000
RECEIPT_SESSION_KEY = "last_receipt"


# --- access ---------------------------------------------------------------------------------


def readable_consultation(
    db: Session, consultation_id: int, principal: Principal | None
) -> Consultation:
    """A published consultation, or an unpublished one for staff who run it; else 404."""
    consultation = consultations.get(session=db, consultation_id=consultation_id)
    if consultation.status != ConsultationStatus.DRAFT:
        return consultation
    if principal is not None:
        paths = consultations.authority_paths(session=db, consultation_id=consultation_id)
        if any(principal.covers(path, STAFF_ROLES) for path in paths):
            return consultation
    raise consultations.not_found(consultation_id)


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


def _accepting_problem(consultation: Consultation, language: str) -> str | None:
    """Why the consultation takes no opinions now, or None when it does."""
    try:
        consultations.ensure_accepting(consultation)
    except UserError as error:
        return error.message(language)
    return None


def _reader_context(
    request: Request,
    db: Session,
    consultation: Consultation,
    principal: Principal | None,
    form: OpinionForm,
) -> dict[str, Any]:
    version = drafts.get_version(session=db, version_id=consultation.draft_version_id)
    draft = db.get(Draft, version.draft_id)
    organiser = db.get(Organisation, consultation.organiser_id)
    sections = drafts.section_rows(session=db, version_id=version.id)
    counts = queries.visible_counts_by_section(session=db, consultation_id=consultation.id)
    by_id = {section.id: section for section in sections}
    if form.section_id not in by_id:
        form.section_id = None
    language = request_language(request)
    closed_message = _accepting_problem(consultation, language)
    in_scope = principal is None or consultations.person_in_scope(
        session=db, consultation_id=consultation.id, person_id=principal.person_id
    )
    can_write = closed_message is None and (principal is not None or consultation.allow_anonymous)
    settings: Settings = request.app.state.settings
    _ = translator(language)
    return {
        "consultation": consultation,
        "version": version,
        "draft": draft,
        "organiser": organiser,
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


@router.get("/c/{consultation_id}", response_class=HTMLResponse, include_in_schema=False)
def reader(
    request: Request,
    consultation_id: int,
    section: Annotated[int | None, Query()] = None,
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    """The draft with its table of contents, opinion counts and the opinion form."""
    consultation = readable_consultation(db, consultation_id, principal)
    form = OpinionForm(section_id=section)
    return render(
        request, "reader/reader.html", _reader_context(request, db, consultation, principal, form)
    )


def _optional_int(value: str, *, code: str, vi: str, en: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 12:
        raise UserError(code, vi, en)
    return int(value)


def _is_checked(value: str) -> bool:
    return value.strip().lower() in ("1", "on", "true", "yes")


@router.post(
    "/c/{consultation_id}/opinions",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def submit_form(
    request: Request,
    consultation_id: int,
    text: Annotated[str, Form(max_length=MAX_TEXT_FIELD)] = "",
    kind: Annotated[str, Form(max_length=20)] = OpinionKind.COMMENT,
    section_id: Annotated[str, Form(max_length=20)] = "",
    proposed_wording: Annotated[str, Form(max_length=MAX_TEXT_FIELD)] = "",
    quote: Annotated[str, Form(max_length=MAX_QUOTE_FIELD)] = "",
    quote_start: Annotated[str, Form(max_length=20)] = "",
    anonymous: Annotated[str, Form(max_length=10)] = "",
    principal: Principal | None = Depends(current_principal),
    settings: Settings = Depends(get_settings),
    db: Session = Depends(get_db),
) -> Response:
    """Record an opinion from the reader's form; on an error the page comes back as typed."""
    consultation = readable_consultation(db, consultation_id, principal)
    as_anonymous = principal is None or _is_checked(anonymous)
    form = OpinionForm(
        kind=kind,
        text=text,
        proposed_wording=proposed_wording,
        quote=quote,
        quote_start=quote_start,
        anonymous=as_anonymous,
    )
    try:
        form.section_id = _optional_int(
            section_id,
            code="section_invalid",
            vi="Mục được chọn không hợp lệ.",
            en="The chosen section is not valid.",
        )
        start = _optional_int(
            quote_start,
            code="quote_start_invalid",
            vi="Vị trí đoạn trích dẫn không hợp lệ.",
            en="The position of the quoted passage is not valid.",
        )
        queries.check_proposed_wording(kind, proposed_wording)
        result = opinions.submit(
            session=db,
            consultation_id=consultation.id,
            text=text,
            kind=kind,
            section_id=form.section_id,
            quote=quote or None,
            quote_start=start,
            proposed_wording=proposed_wording or None,
            author_person_id=principal.person_id if principal else None,
            anonymous=as_anonymous,
            channel=Channel.ONLINE,
            max_chars=settings.max_opinion_chars,
        )
    except UserError as error:
        db.rollback()
        form.error = error.message(request_language(request))
        context = _reader_context(request, db, consultation, principal, form)
        return render(request, "reader/reader.html", context, status_code=error.status_code)
    receipt = result.opinion.receipt_code
    db.commit()
    if as_anonymous:
        # no "my opinions" to show it in: the confirmation page shows the receipt code
        request.session[RECEIPT_SESSION_KEY] = {"consultation_id": consultation.id, "code": receipt}
        return RedirectResponse(f"/c/{consultation.id}/received", status_code=303)
    return RedirectResponse(f"/me/opinions?created={receipt}", status_code=303)


@router.get("/c/{consultation_id}/received", response_class=HTMLResponse, include_in_schema=False)
def received(
    request: Request,
    consultation_id: int,
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
) -> Response:
    """Confirmation of an anonymous opinion with its receipt code (kept in the session)."""
    consultation = readable_consultation(db, consultation_id, principal)
    last = request.session.get(RECEIPT_SESSION_KEY)
    if not isinstance(last, dict) or last.get("consultation_id") != consultation.id:
        return RedirectResponse(f"/c/{consultation.id}", status_code=303)
    code = last.get("code")
    if not isinstance(code, str):
        return RedirectResponse(f"/c/{consultation.id}", status_code=303)
    status = queries.receipt_status(session=db, consultation_id=consultation.id, receipt_code=code)
    if status is None:
        return RedirectResponse(f"/c/{consultation.id}", status_code=303)
    return render(
        request,
        "reader/received.html",
        {"consultation": consultation, "receipt_code": code, "status": status},
    )


# --- my opinions ----------------------------------------------------------------------------


@router.get("/me/opinions", response_class=HTMLResponse, include_in_schema=False)
def my_opinions(
    request: Request,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    created: Annotated[str, Query(max_length=40)] = "",
    principal: Principal = Depends(require_principal),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    """The signed-in person's opinions across consultations, newest first."""
    found = queries.opinions_of_person(
        session=db, person_id=principal.person_id, page=page, per_page=PER_PAGE
    )
    flashes: list[str] = []
    if created and queries.person_has_receipt(
        session=db, person_id=principal.person_id, receipt_code=created
    ):
        _ = translator(request_language(request))
        flashes.append(_("Your opinion was received. Its receipt code is {code}.", code=created))
    else:
        created = ""
    return render(
        request,
        "reader/my_opinions.html",
        {"found": found, "created": created, "flashes": flashes},
    )


# --- JSON API -------------------------------------------------------------------------------


class SectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    parent_id: int | None
    kind: str
    number: str
    label: str
    path: str
    heading: str
    text: str
    depth: int


class ConsultationSectionOut(SectionOut):
    opinion_count: int = Field(description="Published and received opinions (never hidden)")


class DraftVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: int
    title: str
    previous_version_id: int | None
    source_filename: str
    section_count: int
    imported_at: datetime


class DraftOut(BaseModel):
    id: int
    title: str
    kind: str
    organisation_id: int | None
    created_at: datetime
    versions: list[DraftVersionOut]


class OpinionIn(BaseModel):
    text: str = Field(max_length=MAX_TEXT_FIELD)
    kind: str = Field(default=OpinionKind.COMMENT, max_length=20)
    section_id: DbId | None = None
    quote: str | None = Field(default=None, max_length=MAX_QUOTE_FIELD)
    quote_start: int | None = Field(default=None, ge=0)
    proposed_wording: str | None = Field(default=None, max_length=MAX_TEXT_FIELD)
    anonymous: StrictBool = False


class OpinionReceiptOut(BaseModel):
    id: int
    receipt_code: str
    status: str
    created: bool = Field(description="False when an earlier submission with the key is returned")


class MyOpinionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    consultation_id: int
    consultation_title: str
    section_id: int | None
    section_label: str | None
    kind: str
    text: str
    quote: str | None
    proposed_wording: str | None
    status: str
    hidden_reason: str | None
    receipt_code: str
    submitted_at: datetime


class MyOpinionsOut(BaseModel):
    items: list[MyOpinionOut]
    total: int
    page: int
    pages: int
    per_page: int


def _section_out(section: Row[Any], counts: dict[int | None, int]) -> ConsultationSectionOut:
    return ConsultationSectionOut(
        id=section.id,
        parent_id=section.parent_id,
        kind=section.kind,
        number=section.number,
        label=section.label,
        path=section.path,
        heading=section.heading,
        text=section.text,
        depth=section.depth,
        opinion_count=counts.get(section.id, 0),
    )


@router.get(
    "/api/v1/consultations/{consultation_id}/sections",
    response_model=list[ConsultationSectionOut],
    tags=["drafts"],
)
def api_consultation_sections(
    consultation_id: int,
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
) -> list[ConsultationSectionOut]:
    """The section tree of the consultation's draft in document order, with opinion counts."""
    consultation = readable_consultation(db, consultation_id, principal)
    sections = drafts.section_rows(session=db, version_id=consultation.draft_version_id)
    counts = queries.visible_counts_by_section(session=db, consultation_id=consultation.id)
    return [_section_out(section, counts) for section in sections]


def _draft_not_found(draft_id: int) -> NotFound:
    return NotFound("draft_not_found", f"Không có dự thảo số {draft_id}.", f"No draft {draft_id}.")


@router.get("/api/v1/drafts/{draft_id}", response_model=DraftOut, tags=["drafts"])
def api_draft(
    draft_id: int,
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
) -> DraftOut:
    """A draft and its versions; others than staff see only versions put to consultation."""
    draft = drafts.get_draft(session=db, draft_id=draft_id)
    versions = drafts.versions_of(session=db, draft_id=draft_id)
    if principal is None or not principal.is_staff:
        published = drafts.published_version_ids(
            session=db, version_ids=[version.id for version in versions]
        )
        versions = [version for version in versions if version.id in published]
        if not versions:
            raise _draft_not_found(draft_id)
    return DraftOut(
        id=draft.id,
        title=draft.title,
        kind=draft.kind,
        organisation_id=draft.organisation_id,
        created_at=draft.created_at,
        versions=[DraftVersionOut.model_validate(version) for version in versions],
    )


@router.get(
    "/api/v1/draft-versions/{version_id}/sections",
    response_model=list[SectionOut],
    tags=["drafts"],
)
def api_version_sections(
    version_id: int,
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
) -> list[SectionOut]:
    """The section tree of one draft version in document order."""
    version = drafts.get_version(session=db, version_id=version_id)
    if (principal is None or not principal.is_staff) and not drafts.published_version_ids(
        session=db, version_ids=[version.id]
    ):
        raise NotFound(
            "version_not_found",
            f"Không có phiên bản dự thảo số {version_id}.",
            f"Draft version {version_id} does not exist.",
        )
    return [
        SectionOut.model_validate(section)
        for section in drafts.section_rows(session=db, version_id=version.id)
    ]


@router.post(
    "/api/v1/consultations/{consultation_id}/opinions",
    response_model=OpinionReceiptOut,
    status_code=201,
    tags=["opinions"],
    dependencies=[Depends(verify_csrf)],
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
    credential = request_credential(request)
    if credential == Credential() and not body.anonymous:
        raise LoginRequired()
    queries.check_proposed_wording(body.kind, body.proposed_wording)
    intake: IntakeWriter = request.app.state.intake
    receipt = await intake.submit(
        Submission(
            consultation_id=consultation_id,
            text=body.text,
            kind=body.kind,
            section_id=body.section_id,
            quote=body.quote or None,
            quote_start=body.quote_start,
            proposed_wording=body.proposed_wording or None,
            anonymous=body.anonymous,
            channel=Channel.ONLINE,
            idempotency_key=idempotency_key,
            max_chars=settings.max_opinion_chars,
        ),
        credential,
    )
    if not receipt.created:
        response.status_code = 200
    return OpinionReceiptOut(
        id=receipt.opinion_id,
        receipt_code=receipt.receipt_code,
        status=receipt.status,
        created=receipt.created,
    )


@router.get("/api/v1/me/opinions", response_model=MyOpinionsOut, tags=["opinions"])
def api_my_opinions(
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    principal: Principal = Depends(require_principal),
    db: Session = Depends(get_db),
) -> MyOpinionsOut:
    """The signed-in person's opinions, newest first, 50 per page."""
    found = queries.opinions_of_person(
        session=db, person_id=principal.person_id, page=page, per_page=PER_PAGE
    )
    return MyOpinionsOut(
        items=[MyOpinionOut.model_validate(item) for item in found.items],
        total=found.total,
        page=found.page,
        pages=found.pages,
        per_page=found.per_page,
    )
