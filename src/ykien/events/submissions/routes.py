"""Written submission pages and their JSON twins: an organisation's comment letter previewed as
proposed opinions, corrected, then confirmed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.drafts import service as drafts
from ykien.errors import UserError
from ykien.events.access import ConsultationEvents, submission_for
from ykien.events.models import Submission
from ykien.events.pages import (
    API_POST,
    FORM_POST,
    PAGE,
    as_id,
    draw,
    max_upload_mb,
    opinion_kind_labels,
    read_upload,
)
from ykien.events.submissions import service as submissions
from ykien.events.submissions.schemas import (
    ConfirmSubmissionIn,
    SubmissionItemOut,
    SubmissionOut,
)
from ykien.opinions.models import OpinionKind
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.web.deps import MAX_ID, Principal, get_settings, require_staff
from ykien.web.flash import add_flash
from ykien.web.forms import FormFields, Problem, parse_form, redraw_on_error, see_other
from ykien.web.i18n import translator
from ykien.web.templating import request_language
from ykien.web.tx import Db, Tx

router = APIRouter()
Managed = Depends(ConsultationEvents(manage=True))
MAX_ITEMS = 2_000


def submission_out(db: Session, submission: Submission) -> SubmissionOut:
    """The letter as the API documents it: its proposed items and, once confirmed, opinions."""
    return SubmissionOut(
        id=submission.id,
        consultation_id=submission.consultation_id,
        organisation_id=submission.organisation_id,
        filename=submission.filename,
        sha256=submission.sha256,
        items=[SubmissionItemOut(**i) for i in submissions.submission_items(submission)],
        confirmed_at=submission.confirmed_at,
        opinion_ids=submissions.submission_opinion_ids(session=db, submission_id=submission.id),
        url=f"/submissions/{submission.id}",
    )


# --- preview -------------------------------------------------------------------------------


def _letter(upload: UploadFile | None, settings: Settings) -> tuple[bytes, str]:
    data, filename = read_upload(upload, settings)
    if data is None:
        raise UserError(
            "file_missing",
            "Hãy chọn tệp văn bản góp ý (TXT, DOCX hoặc PDF).",
            "Choose the comment letter's file (TXT, DOCX or PDF).",
        )
    return data, filename


def preview(
    db: Session,
    principal: Principal,
    consultation_id: int,
    organisation_id: int | None,
    upload: UploadFile | None,
    settings: Settings,
) -> Submission:
    """Split the letter into proposed opinions: the use case of the page and the API."""
    if organisation_id is None:
        raise UserError(
            "organisation_missing",
            "Hãy chọn tổ chức gửi văn bản góp ý.",
            "Choose the organisation that sent the letter.",
        )
    data, filename = _letter(upload, settings)
    return submissions.preview_submission(
        session=db,
        consultation_id=consultation_id,
        organisation_id=organisation_id,
        data=data,
        filename=filename,
        max_bytes=settings.max_upload_bytes,
        actor_person_id=principal.person_id,
    )


def _scope_orgs(db: Session, consultation_id: int) -> list[Organisation]:
    ids = consultations.scope_org_ids(session=db, consultation_id=consultation_id)
    if not ids:
        return []
    rows = db.scalars(select(Organisation).where(Organisation.id.in_(ids)))
    return sorted(rows, key=lambda o: (o.tree_path.count("/"), o.name))


def draw_submission_form(
    request: Request,
    db: Session,
    consultation_id: int,
    settings: Settings,
    *,
    organisation_id: str = "",
    problem: Problem | None = None,
) -> HTMLResponse:
    context = {
        "consultation": consultations.get(session=db, consultation_id=consultation_id),
        "orgs": _scope_orgs(db, consultation_id),
        "organisation_id": organisation_id,
        "max_upload_mb": max_upload_mb(settings),
    }
    return draw(request, "events/submission_new.html", context, problem)


@router.get("/c/{consultation_id}/submissions/new", **PAGE)
def new_submission_page(
    request: Request,
    db: Db,
    consultation: Consultation = Managed,
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    return draw_submission_form(request, db, consultation.id, settings)


@router.post("/c/{consultation_id}/submissions/new", **FORM_POST)
def preview_submission_page(
    request: Request,
    db: Tx,
    organisation_id: Annotated[str, Form(max_length=20)] = "",
    letter: Annotated[UploadFile | None, File()] = None,
    consultation: Consultation = Managed,
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> Response:
    consultation_id = consultation.id

    def redraw(problem: Problem) -> Response:
        return draw_submission_form(
            request, db, consultation_id, settings, organisation_id=organisation_id,
            problem=problem,
        )  # fmt: skip

    with redraw_on_error(request, db, redraw):
        org_id = as_id(organisation_id)
        submission = preview(db, principal, consultation_id, org_id, letter, settings)
    return see_other(f"/submissions/{submission.id}")


@router.post(
    "/api/v1/consultations/{consultation_id}/submissions",
    response_model=SubmissionOut,
    status_code=201,
    **API_POST,
)
def api_preview_submission(
    organisation_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    file: Annotated[UploadFile, File(description=".txt, .docx or .pdf")],
    db: Tx,
    consultation: Consultation = Managed,
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
) -> SubmissionOut:
    """Split an organisation's comment letter into proposed opinions (nothing recorded yet)."""
    submission = preview(db, principal, consultation.id, organisation_id, file, settings)
    return submission_out(db, submission)


# --- the letter, corrected and confirmed ------------------------------------------------------


def draw_submission_page(
    request: Request,
    db: Session,
    submission: Submission,
    *,
    rows: list[dict[str, Any]] | None = None,
    problem: Problem | None = None,
) -> HTMLResponse:
    _ = translator(request_language(request))
    consultation = consultations.get(session=db, consultation_id=submission.consultation_id)
    sections = drafts.sections_of(session=db, version_id=consultation.draft_version_id)
    items = rows or [{**i, "include": True} for i in submissions.submission_items(submission)]
    context = {
        "consultation": consultation,
        "submission": submission,
        "organisation": orgs.get(session=db, organisation_id=submission.organisation_id),
        "items": items,
        "sections": sections,
        "opinion_kinds": opinion_kind_labels(_),
        "opinion_ids": submissions.submission_opinion_ids(session=db, submission_id=submission.id),
    }
    return draw(request, "events/submission.html", context, problem)


@router.get("/submissions/{submission_id}", **PAGE)
def submission_page(
    request: Request, db: Db, submission: Submission = Depends(submission_for)
) -> HTMLResponse:
    return draw_submission_page(request, db, submission)


@router.get("/api/v1/submissions/{submission_id}", response_model=SubmissionOut, tags=["events"])
def api_submission(db: Db, submission: Submission = Depends(submission_for)) -> SubmissionOut:
    """A comment letter's proposed items and, once confirmed, its opinions."""
    return submission_out(db, submission)


def confirm(
    db: Session, principal: Principal, submission: Submission, body: ConfirmSubmissionIn
) -> list[Any]:
    """Record the letter's opinions: the use case of the page and the API."""
    items = (
        [submissions.SubmissionItemIn(**i.model_dump()) for i in body.items]
        if body.items is not None
        else None
    )
    return submissions.confirm_submission(
        session=db, submission_id=submission.id, items=items, actor_person_id=principal.person_id
    )


def _column(form: FormFields, name: str) -> list[str]:
    value = form.get(name, [])
    return [value] if isinstance(value, str) else value


def _form_rows(form: FormFields) -> list[dict[str, Any]]:
    """The corrected table as typed (one row per text), to confirm or to show again."""
    section_id, wording, kind = (_column(form, n) for n in ("section_id", "wording", "kind"))
    chosen = set(_column(form, "include"))
    rows = []
    for n, body in enumerate(_column(form, "text")[:MAX_ITEMS]):
        section = section_id[n] if n < len(section_id) else ""
        rows.append(
            {
                "text": body,
                "section": section,
                "proposed_wording": wording[n] if n < len(wording) else "",
                "kind": kind[n] if n < len(kind) else OpinionKind.COMMENT.value,
                "include": str(n) in chosen,
                "references": [],
            }
        )
    return rows


def _shown(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**{k: v for k, v in r.items() if k != "section"},
         "section_id": int(r["section"]) if r["section"].isdigit() else None}
        for r in rows
    ]  # fmt: skip


def confirm_from_form(rows: list[dict[str, Any]]) -> ConfirmSubmissionIn:
    items = [
        {
            "text": r["text"],
            "section_id": as_id(r["section"]),
            "proposed_wording": r["proposed_wording"] or None,
            "kind": r["kind"],
            "include": r["include"],
        }
        for r in rows
    ]
    return parse_form(ConfirmSubmissionIn, {}, items=items)


@router.post("/submissions/{submission_id}/confirm", **FORM_POST)
def confirm_submission_page(
    request: Request,
    form: FormFields,
    db: Tx,
    submission: Submission = Depends(submission_for),
    principal: Principal = Depends(require_staff),
) -> Response:
    rows = _form_rows(form)
    consultation_id = submission.consultation_id

    def redraw(problem: Problem) -> Response:
        return draw_submission_page(request, db, submission, rows=_shown(rows), problem=problem)

    with redraw_on_error(request, db, redraw):
        created = confirm(db, principal, submission, confirm_from_form(rows))
    _ = translator(request_language(request))
    add_flash(request, _("{count} opinions were recorded from the letter.", count=len(created)))
    return see_other(f"/c/{consultation_id}/events")


@router.post(
    "/api/v1/submissions/{submission_id}/confirm",
    response_model=SubmissionOut,
    **API_POST,
)
def api_confirm_submission(
    body: ConfirmSubmissionIn,
    db: Tx,
    submission: Submission = Depends(submission_for),
    principal: Principal = Depends(require_staff),
) -> SubmissionOut:
    """Record the letter's opinions (channel written, on behalf of the organisation); the items
    given replace the proposed ones, as corrected."""
    confirm(db, principal, submission, body)
    return submission_out(db, submission)
