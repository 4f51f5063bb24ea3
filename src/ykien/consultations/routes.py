"""The secretariat's routes: creating a consultation (with a draft upload), publishing it,
uploading a draft, and reading a draft as far as its consultations publish it; page + JSON.

The lists of consultations with their opinion counts are in `ykien.opinions.routes.overview`
(they read opinions, which lie above consultations).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation, ConsultationScope
from ykien.consultations.schemas import (
    ConsultationCreatedOut,
    ConsultationIn,
    DraftUploadOut,
)
from ykien.consultations.subcommittee_routes import router as subcommittee_router
from ykien.db.base import utcnow
from ykien.drafts import service as drafts
from ykien.drafts.models import Draft, DraftKind, DraftVersion
from ykien.drafts.schemas import DraftOut, DraftVersionOut, SectionOut
from ykien.errors import Forbidden, NotFound, UserError
from ykien.orgs import service as orgs
from ykien.timefmt import format_datetime
from ykien.types import DbId
from ykien.web.access import ConsultationFor, require_manager, roots_of
from ykien.web.deps import MODERATOR_ROLES, PathId, Principal, current_principal, get_settings
from ykien.web.flash import add_flash
from ykien.web.forms import (
    FormFields,
    Problem,
    parse_form,
    parse_moment,
    redraw_on_error,
    see_other,
    upload_name,
)
from ykien.web.i18n import translator
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language
from ykien.web.tx import Db, Tx

router = APIRouter()
router.include_router(subcommittee_router)  # the subcommittees a secretariat manages

INPUT_FORMAT = "%d/%m/%Y %H:%M"
MAX_DRAFT_CHOICES = 300
MAX_SCOPE = 2000
TEXT_FIELDS = ("title", "description", "draft_version_id", "organiser_id", "opens_at", "closes_at")
ManagedConsultation = Depends(ConsultationFor(MODERATOR_ROLES))


def draft_kind_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        DraftKind.POLITICAL_REPORT: _("Political report"),
        DraftKind.LAW: _("Law"),
        DraftKind.REGULATION: _("Regulation"),
        DraftKind.PLAN: _("Plan"),
        DraftKind.OTHER: _("Other document"),
    }


# --- creating a consultation -------------------------------------------------------------------


class ConsultationPageIn(BaseModel):
    """The creation form: `ConsultationIn` where the draft may instead be a file uploaded with
    it (then no version is chosen) and the organiser may be left unchosen (a clear message)."""

    model_config = ConfigDict(populate_by_name=True)

    title: str = Field(max_length=500)
    description: str = Field(default="", max_length=20_000)
    draft_version_id: int | None = None
    parent_id: DbId | None = None
    draft_kind: str = Field(default=DraftKind.OTHER.value, max_length=32)
    organiser_id: int | None = None
    scope_organisation_ids: list[int] = Field(
        default_factory=list, max_length=MAX_SCOPE, alias="scope"
    )
    opens_at: str = Field(default="", max_length=40)
    closes_at: str = Field(default="", max_length=40)
    allow_anonymous: bool = False
    opinions_public: bool = True
    identity_required: bool = True
    count_spoken_only: bool = True
    publish: bool = False


def check_organisations(
    db: Session, principal: Principal, organiser_id: int | None, scope_ids: list[int]
) -> int:
    """The organiser and every scope organisation must lie in the caller's subtree."""
    if organiser_id is None:
        raise UserError(
            "organiser_missing",
            "Hãy chọn đơn vị tổ chức lấy ý kiến.",
            "Choose the organisation that runs the consultation.",
        )
    covered = {
        org.id for org in orgs.subtree_orgs(session=db, roots=roots_of(principal, MODERATOR_ROLES))
    }
    if organiser_id not in covered:
        raise Forbidden(
            "organiser_outside_subtree",
            "Đơn vị tổ chức được chọn nằm ngoài phạm vi vai trò của bạn.",
            "The organiser you chose is outside the organisations your role covers.",
        )
    if any(org_id not in covered for org_id in scope_ids):
        raise Forbidden(
            "scope_outside_subtree",
            "Phạm vi lấy ý kiến có tổ chức nằm ngoài phạm vi vai trò của bạn.",
            "The scope includes an organisation outside those your role covers.",
        )
    return organiser_id


def create_consultation(
    db: Session,
    principal: Principal,
    settings: Settings,
    body: ConsultationPageIn,
    *,
    draft_data: bytes | None = None,
    draft_filename: str = "",
) -> Consultation:
    """The use case of the page and the API: checks, then one service call."""
    consultations.checked_title(body.title)
    organiser = check_organisations(db, principal, body.organiser_id, body.scope_organisation_ids)
    return consultations.create_with_draft(
        session=db,
        title=body.title,
        description=body.description,
        organiser_id=organiser,
        scope_organisation_ids=body.scope_organisation_ids or None,
        opens_at=parse_moment(
            body.opens_at, settings, what_vi="thời điểm bắt đầu", what_en="opening time"
        ),
        closes_at=parse_moment(
            body.closes_at, settings, what_vi="thời điểm kết thúc", what_en="closing time"
        ),
        draft_version_id=body.draft_version_id,
        draft_data=draft_data,
        draft_filename=draft_filename,
        draft_kind=body.draft_kind,
        max_upload_bytes=settings.max_upload_bytes,
        allow_anonymous=body.allow_anonymous,
        opinions_public=body.opinions_public,
        identity_required=body.identity_required,
        count_spoken_only=body.count_spoken_only,
        publish=body.publish,
        parent_id=body.parent_id,
        actor_person_id=principal.person_id,
    )


@dataclass(frozen=True, slots=True)
class DraftChoice:
    version_id: int
    label: str


def _draft_choices(db: Session) -> list[DraftChoice]:
    """Existing draft versions, newest first."""
    rows = db.execute(
        select(DraftVersion.id, DraftVersion.number, DraftVersion.section_count, Draft.title)
        .join(Draft, Draft.id == DraftVersion.draft_id)
        .order_by(DraftVersion.imported_at.desc(), DraftVersion.id.desc())
        .limit(MAX_DRAFT_CHOICES)
    )
    return [
        DraftChoice(version_id, f"{title} · v{number} · {count} §")
        for version_id, number, count, title in rows
    ]


def covered_tree(db: Session, principal: Principal) -> list[orgs.TreeRow]:
    return orgs.tree(session=db, roots=roots_of(principal, MODERATOR_ROLES))


def _local(moment: datetime, settings: Settings) -> str:
    return moment.astimezone(settings.tz).strftime(INPUT_FORMAT)


def _blank_form(settings: Settings) -> dict[str, Any]:
    """Defaults: opens now (this minute, so that "Publish now" opens it at once), closes 30
    days later at 17:00."""
    opens = utcnow().astimezone(settings.tz).replace(second=0, microsecond=0)
    closes = (opens + timedelta(days=30)).replace(hour=17, minute=0)
    return {
        "title": "",
        "description": "",
        "draft_version_id": "",
        "draft_kind": DraftKind.POLITICAL_REPORT.value,
        "organiser_id": "",
        "scope": [],
        "opens_at": _local(opens, settings),
        "closes_at": _local(closes, settings),
        "allow_anonymous": False,
        "opinions_public": True,
        "identity_required": True,
        "count_spoken_only": True,
        "publish": False,
    }


def _typed_form(fields: dict[str, Any]) -> dict[str, Any]:
    """What was typed, as the form shows it again (checkboxes as booleans)."""

    def text(name: str, default: str = "") -> str:
        value = fields.get(name, default)
        return value[-1] if isinstance(value, list) else str(value)

    scope = fields.get("scope", [])
    form: dict[str, Any] = {name: text(name) for name in TEXT_FIELDS}
    form["draft_kind"] = text("draft_kind", DraftKind.OTHER.value)
    form["scope"] = [s for s in (scope if isinstance(scope, list) else [scope])[:MAX_SCOPE] if s]
    for name in (
        "allow_anonymous",
        "opinions_public",
        "identity_required",
        "count_spoken_only",
        "publish",
    ):
        form[name] = text(name) not in ("", "0", "false", "off")
    return form


def _form_page(
    request: Request,
    db: Session,
    principal: Principal,
    settings: Settings,
    form: dict[str, Any],
    problem: Problem | None = None,
    *,
    file_was_chosen: bool = False,
) -> HTMLResponse:
    _ = translator(request_language(request))
    context = {
        "form": form,
        "error": problem.message if problem else None,
        "file_was_chosen": file_was_chosen,
        "tree": covered_tree(db, principal),
        "drafts": _draft_choices(db),
        "kinds": draft_kind_labels(_),
        "max_upload_mb": max(settings.max_upload_bytes // 1_000_000, 1),
    }
    status_code = problem.status_code if problem else 200
    return render(request, "consultations/new.html", context, status_code=status_code)


@router.get("/secretariat/consultations/new", response_class=HTMLResponse, include_in_schema=False)
def new_consultation_page(
    request: Request,
    db: Db,
    principal: Principal = Depends(require_manager),
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    return _form_page(request, db, principal, settings, _blank_form(settings))


@router.post(
    "/secretariat/consultations/new",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def create_consultation_page(
    request: Request,
    form: FormFields,
    db: Tx,
    draft_file: Annotated[UploadFile | None, File()] = None,
    principal: Principal = Depends(require_manager),
    settings: Settings = Depends(get_settings),
) -> Response:
    _ = translator(request_language(request))
    filename = upload_name(draft_file)
    typed = _typed_form(form)

    def redraw(problem: Problem) -> Response:
        return _form_page(
            request, db, principal, settings, typed, problem, file_was_chosen=bool(filename)
        )

    with redraw_on_error(request, db, redraw):
        body = parse_form(ConsultationPageIn, {**form, "scope": typed["scope"]})
        data = (
            draft_file.file.read(settings.max_upload_bytes + 1) if draft_file and filename else None
        )
        consultation = create_consultation(
            db, principal, settings, body, draft_data=data, draft_filename=filename
        )
    title = consultation.title
    if not body.publish:
        message = _("The consultation “{title}” was created; it is not published yet.", title=title)
    elif consultation.opens_at > utcnow():
        message = _(
            "The consultation “{title}” was created and published; it takes opinions from {when}.",
            title=title,
            when=format_datetime(consultation.opens_at, settings.tz),
        )
    else:
        message = _("The consultation “{title}” was created and published.", title=title)
    add_flash(request, message)
    return see_other("/secretariat")


def publish_consultation(db: Session, principal: Principal, consultation: Consultation) -> None:
    """The use case of the page and the API (access checked by the loader)."""
    consultations.publish(
        session=db, consultation_id=consultation.id, actor_person_id=principal.person_id
    )


@router.post(
    "/secretariat/consultations/{consultation_id}/publish",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def publish_page(
    request: Request,
    db: Tx,
    principal: Principal = Depends(require_manager),
    consultation: Consultation = ManagedConsultation,
) -> Response:
    _ = translator(request_language(request))
    publish_consultation(db, principal, consultation)
    title = consultation.title
    if consultation.opens_at > utcnow():  # its window starts later: say when it takes opinions
        when = format_datetime(consultation.opens_at, request.app.state.settings.tz)
        message = _("The consultation “{title}” is published; it takes opinions from {when}.",
                    title=title, when=when)  # fmt: skip
    else:
        message = _("The consultation “{title}” is published.", title=title)
    add_flash(request, message)
    return see_other("/secretariat")


# --- JSON API ----------------------------------------------------------------------------------


def created_out(db: Session, consultation: Consultation) -> ConsultationCreatedOut:
    """The consultation as the API answers it, with its scope."""
    db.flush()
    scope = db.execute(
        select(ConsultationScope.organisation_id)
        .where(ConsultationScope.consultation_id == consultation.id)
        .order_by(ConsultationScope.organisation_id)
    ).scalars()
    fields = set(ConsultationCreatedOut.model_fields) - {"scope_organisation_ids"}
    return ConsultationCreatedOut.model_validate(
        {
            **{name: getattr(consultation, name) for name in fields},
            "scope_organisation_ids": list(scope),
        }
    )


@router.post(
    "/api/v1/consultations",
    response_model=ConsultationCreatedOut,
    status_code=201,
    tags=["secretariat"],
    dependencies=[Depends(verify_csrf)],
)
def api_create_consultation(
    body: ConsultationIn,
    db: Tx,
    principal: Principal = Depends(require_manager),
    settings: Settings = Depends(get_settings),
) -> ConsultationCreatedOut:
    """Create a consultation on an existing draft version (upload one with POST /api/v1/drafts)."""
    page_body = ConsultationPageIn.model_validate(body.model_dump())
    return created_out(db, create_consultation(db, principal, settings, page_body))


@router.post(
    "/api/v1/consultations/{consultation_id}/publish",
    response_model=ConsultationCreatedOut,
    tags=["secretariat"],
    dependencies=[Depends(verify_csrf)],
)
def api_publish(
    db: Tx,
    principal: Principal = Depends(require_manager),
    consultation: Consultation = ManagedConsultation,
) -> ConsultationCreatedOut:
    """Publish a consultation: it takes opinions within its window."""
    publish_consultation(db, principal, consultation)
    return created_out(db, consultation)


@router.post(
    "/api/v1/drafts",
    response_model=DraftUploadOut,
    status_code=201,
    tags=["secretariat"],
    dependencies=[Depends(verify_csrf)],
)
def api_create_draft(
    file: Annotated[UploadFile, File(description=".txt, .md or .docx")],
    db: Tx,
    title: Annotated[str, Form(max_length=500)] = "",
    kind: Annotated[str, Form(max_length=32)] = DraftKind.OTHER.value,
    organisation_id: Annotated[int | None, Form()] = None,
    principal: Principal = Depends(require_manager),
    settings: Settings = Depends(get_settings),
) -> DraftUploadOut:
    """Upload a draft file: a new draft with its version 1 (sections parsed from the file)."""
    if organisation_id is not None:
        org = orgs.get(session=db, organisation_id=organisation_id)
        if not principal.covers(org.tree_path, MODERATOR_ROLES):
            raise Forbidden(
                "organisation_outside_subtree",
                "Tổ chức được chọn nằm ngoài phạm vi vai trò của bạn.",
                "The organisation is outside those your role covers.",
            )
    filename = upload_name(file) or "draft.txt"
    data = file.file.read(settings.max_upload_bytes + 1)
    parsed = drafts.parse_upload(data, filename, max_bytes=settings.max_upload_bytes)
    draft = drafts.create_draft(
        session=db,
        title=(title.strip() or parsed.title or PurePath(filename).stem)[:500],
        kind=kind,
        organisation_id=organisation_id,
        actor_person_id=principal.person_id,
    )
    version = drafts.import_version(
        session=db,
        draft_id=draft.id,
        data=data,
        filename=filename,
        max_bytes=settings.max_upload_bytes,
        actor_person_id=principal.person_id,
    )
    return DraftUploadOut(
        draft_id=draft.id,
        title=draft.title,
        kind=draft.kind,
        organisation_id=draft.organisation_id,
        version_id=version.id,
        version=version.number,
        section_count=version.section_count,
    )


# --- drafts as their consultations publish them ------------------------------------------------


def _draft_not_found(draft_id: int) -> NotFound:
    return NotFound("draft_not_found", f"Không có dự thảo số {draft_id}.", f"No draft {draft_id}.")


@router.get("/api/v1/drafts/{draft_id}", response_model=DraftOut, tags=["drafts"])
def api_draft(
    draft_id: PathId, db: Db, principal: Principal | None = Depends(current_principal)
) -> DraftOut:
    """A draft and its versions; others than staff see only versions put to consultation."""
    draft = drafts.get_draft(session=db, draft_id=draft_id)
    versions = drafts.versions_of(session=db, draft_id=draft_id)
    if principal is None or not principal.is_staff:
        published = consultations.published_version_ids(
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
    version_id: PathId, db: Db, principal: Principal | None = Depends(current_principal)
) -> list[SectionOut]:
    """The section tree of one draft version in document order."""
    version = drafts.get_version(session=db, version_id=version_id)
    if (principal is None or not principal.is_staff) and not consultations.published_version_ids(
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
