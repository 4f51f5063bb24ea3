"""The secretariat: start page, creating a consultation (with a draft upload), publishing; API."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation, ConsultationScope
from ykien.db.base import utcnow
from ykien.drafts import service as drafts
from ykien.drafts.models import Draft, DraftKind, DraftVersion
from ykien.errors import Forbidden, UserError
from ykien.orgs import service as orgs
from ykien.timefmt import parse_datetime
from ykien.types import DbId
from ykien.web.deps import (
    MODERATOR_ROLES,
    STAFF_ROLES,
    Principal,
    get_db,
    get_settings,
    require_staff,
)
from ykien.web.i18n import translator
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language

router = APIRouter()

FLASHES = "flashes"
INPUT_FORMAT = "%d/%m/%Y %H:%M"
MAX_DRAFT_CHOICES = 300


# --- who may do what -------------------------------------------------------------------------


def roots_of(principal: Principal, roles: Iterable[str]) -> list[str]:
    """The tree paths the principal's `roles` cover."""
    return [path for role in roles for path in principal.roles.get(role, ())]


def require_manager(principal: Principal = Depends(require_staff)) -> Principal:
    """A secretary (or admin) somewhere: may create consultations and import opinions."""
    if not principal.has_any(MODERATOR_ROLES):
        raise Forbidden(
            "forbidden",
            "Chỉ thư ký tổng hợp mới được thực hiện thao tác này.",
            "Only a secretariat may do this.",
        )
    return principal


def may_run(principal: Principal, paths: Iterable[str], roles: Iterable[str]) -> bool:
    """True if the principal holds one of `roles` over the organiser or a scope root."""
    wanted = tuple(roles)
    return any(principal.covers(path, wanted) for path in paths)


def check_runs(
    db: Session, principal: Principal, consultation_id: int, roles: Iterable[str]
) -> None:
    """Refuse unless the principal's roles cover the consultation (404 if it does not exist)."""
    paths = consultations.authority_paths(session=db, consultation_id=consultation_id)
    if not may_run(principal, paths, roles):
        raise Forbidden(
            "consultation_forbidden",
            "Vai trò của bạn không bao gồm đơn vị tổ chức đợt lấy ý kiến này.",
            "Your role does not cover the organisation running this consultation.",
        )


def add_flash(request: Request, message: str) -> None:
    request.session[FLASHES] = [*request.session.get(FLASHES, []), message]


def pop_flashes(request: Request) -> list[str]:
    return list(request.session.pop(FLASHES, []))


# --- labels ------------------------------------------------------------------------------------


def draft_kind_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        DraftKind.POLITICAL_REPORT: _("Political report"),
        DraftKind.LAW: _("Law"),
        DraftKind.REGULATION: _("Regulation"),
        DraftKind.PLAN: _("Plan"),
        DraftKind.OTHER: _("Other document"),
    }


def status_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        "draft": _("Not published"),
        "open": _("Published to participants"),
        "closed": _("Closed"),
    }


# --- start page ----------------------------------------------------------------------------


class ManagedOut(BaseModel):
    id: int
    title: str
    status: str
    opens_at: datetime
    closes_at: datetime
    organiser: str
    draft_title: str
    draft_version: int
    opinion_count: int
    can_manage: bool
    reader_url: str
    opinions_url: str
    moderation_url: str
    import_url: str | None
    analysis_url: str


def _managed(db: Session, principal: Principal) -> list[ManagedOut]:
    items = consultations.managed_under(session=db, roots=roots_of(principal, STAFF_ROLES))
    out = []
    for item in items:
        c = item.consultation
        manage = may_run(principal, item.authority_paths, MODERATOR_ROLES)
        out.append(
            ManagedOut(
                id=c.id,
                title=c.title,
                status=c.status,
                opens_at=c.opens_at,
                closes_at=c.closes_at,
                organiser=item.organiser_name,
                draft_title=item.draft_title,
                draft_version=item.version_number,
                opinion_count=item.opinion_count,
                can_manage=manage,
                reader_url=f"/c/{c.id}",
                opinions_url=f"/c/{c.id}/opinions",
                moderation_url=f"/c/{c.id}/moderation",
                import_url=f"/c/{c.id}/import" if manage else None,
                analysis_url=f"/c/{c.id}/analysis",
            )
        )
    return out


@router.get("/secretariat", response_class=HTMLResponse, include_in_schema=False)
def secretariat_home(
    request: Request,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    _ = translator(request_language(request))
    context = {
        "items": _managed(db, principal),
        "can_create": principal.has_any(MODERATOR_ROLES),
        "status_labels": status_labels(_),
        "flashes": pop_flashes(request),
    }
    return render(request, "secretariat/home.html", context)


@router.get(
    "/api/v1/secretariat/consultations",
    response_model=list[ManagedOut],
    tags=["secretariat"],
)
def api_secretariat_consultations(
    principal: Principal = Depends(require_staff), db: Session = Depends(get_db)
) -> list[ManagedOut]:
    """The consultations the caller's staff roles cover, published or not, with their links."""
    return _managed(db, principal)


# --- creating a consultation -------------------------------------------------------------------


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
    """Defaults: opens at the next full hour, closes 30 days later at 17:00."""
    local_now = utcnow().astimezone(settings.tz)
    opens = local_now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    closes = (opens + timedelta(days=30)).replace(hour=17)
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
        "publish": False,
    }


def _form_page(
    request: Request,
    db: Session,
    principal: Principal,
    settings: Settings,
    form: dict[str, Any],
    *,
    error: str | None = None,
    file_was_chosen: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    _ = translator(request_language(request))
    context = {
        "form": form,
        "error": error,
        "file_was_chosen": file_was_chosen,
        "tree": covered_tree(db, principal),
        "drafts": _draft_choices(db),
        "kinds": draft_kind_labels(_),
        "max_upload_mb": max(settings.max_upload_bytes // 1_000_000, 1),
    }
    return render(request, "secretariat/new.html", context, status_code=status_code)


@router.get("/secretariat/consultations/new", response_class=HTMLResponse, include_in_schema=False)
def new_consultation_page(
    request: Request,
    principal: Principal = Depends(require_manager),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    return _form_page(request, db, principal, settings, _blank_form(settings))


def parse_moment(value: str, settings: Settings, *, what_vi: str, what_en: str) -> datetime:
    """A date and time typed as dd/mm/yyyy HH:MM (Vietnam time) or as the browser's
    datetime-local (yyyy-mm-ddTHH:MM)."""
    value = value.strip()
    if not value:
        raise UserError(
            "datetime_missing",
            f"Hãy nhập {what_vi} (dd/mm/yyyy HH:MM).",
            f"Enter the {what_en} (dd/mm/yyyy HH:MM).",
        )
    try:
        return parse_datetime(value, settings.tz)
    except (ValueError, OverflowError):
        raise UserError(
            "datetime_invalid",
            f"{what_vi[0].upper()}{what_vi[1:]} không hợp lệ: “{value}” (cần dd/mm/yyyy HH:MM).",
            f"The {what_en} is not valid: “{value}” (expected dd/mm/yyyy HH:MM).",
        ) from None


def _as_id(value: str | int | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise UserError(
            "id_invalid", f"Giá trị không hợp lệ: {value}.", f"Not a valid choice: {value}."
        ) from None


def check_organisations(
    db: Session, principal: Principal, organiser_id: int | None, scope_ids: list[int]
) -> None:
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


def clean_filename(name: str) -> str:
    """A file name without its folders, at most 300 characters."""
    return PurePath(name.replace("\\", "/")).name[:300]


def upload_name(upload: UploadFile | None) -> str:
    """The uploaded file's own name (no folders), or "" when no file was chosen."""
    if upload is None or not upload.filename:
        return ""
    return clean_filename(upload.filename)


@router.post(
    "/secretariat/consultations/new",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def create_consultation_page(
    request: Request,
    title: Annotated[str, Form(max_length=500)] = "",
    description: Annotated[str, Form(max_length=20_000)] = "",
    draft_file: Annotated[UploadFile | None, File()] = None,
    draft_version_id: Annotated[str, Form(max_length=20)] = "",
    draft_kind: Annotated[str, Form(max_length=32)] = DraftKind.OTHER.value,
    organiser_id: Annotated[str, Form(max_length=20)] = "",
    scope: Annotated[list[str] | None, Form()] = None,
    opens_at: Annotated[str, Form(max_length=40)] = "",
    closes_at: Annotated[str, Form(max_length=40)] = "",
    allow_anonymous: Annotated[bool, Form()] = False,
    opinions_public: Annotated[bool, Form()] = False,
    identity_required: Annotated[bool, Form()] = False,
    publish: Annotated[bool, Form()] = False,
    principal: Principal = Depends(require_manager),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> Response:
    _ = translator(request_language(request))
    form: dict[str, Any] = {
        "title": title,
        "description": description,
        "draft_version_id": draft_version_id,
        "draft_kind": draft_kind,
        "organiser_id": organiser_id,
        "scope": [s for s in (scope or [])[:2000] if s],
        "opens_at": opens_at,
        "closes_at": closes_at,
        "allow_anonymous": allow_anonymous,
        "opinions_public": opinions_public,
        "identity_required": identity_required,
        "publish": publish,
    }
    filename = upload_name(draft_file)
    try:
        consultations.checked_title(title)
        scope_ids = [i for i in (_as_id(s) for s in form["scope"]) if i is not None]
        organiser = _as_id(organiser_id)
        check_organisations(db, principal, organiser, scope_ids)
        assert organiser is not None
        data = (
            draft_file.file.read(settings.max_upload_bytes + 1) if draft_file and filename else None
        )
        consultation = consultations.create_with_draft(
            session=db,
            title=title,
            description=description,
            organiser_id=organiser,
            scope_organisation_ids=scope_ids or None,
            opens_at=parse_moment(
                opens_at, settings, what_vi="thời điểm bắt đầu", what_en="opening time"
            ),
            closes_at=parse_moment(
                closes_at, settings, what_vi="thời điểm kết thúc", what_en="closing time"
            ),
            draft_version_id=_as_id(draft_version_id),
            draft_data=data,
            draft_filename=filename,
            draft_kind=draft_kind,
            max_upload_bytes=settings.max_upload_bytes,
            allow_anonymous=allow_anonymous,
            opinions_public=opinions_public,
            identity_required=identity_required,
            publish=publish,
            actor_person_id=principal.person_id,
        )
        db.commit()
    except UserError as error:
        db.rollback()
        return _form_page(
            request,
            db,
            principal,
            settings,
            form,
            error=error.message(request_language(request)),
            file_was_chosen=bool(filename),
            status_code=error.status_code,
        )
    message = (
        _("The consultation “{title}” was created and published.", title=consultation.title)
        if publish
        else _(
            "The consultation “{title}” was created; it is not published yet.",
            title=consultation.title,
        )
    )
    add_flash(request, message)
    return RedirectResponse("/secretariat", status_code=303)


@router.post(
    "/secretariat/consultations/{consultation_id}/publish",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def publish_page(
    request: Request,
    consultation_id: int,
    principal: Principal = Depends(require_manager),
    db: Session = Depends(get_db),
) -> Response:
    _ = translator(request_language(request))
    check_runs(db, principal, consultation_id, MODERATOR_ROLES)
    consultation = consultations.publish(
        session=db, consultation_id=consultation_id, actor_person_id=principal.person_id
    )
    db.commit()
    add_flash(request, _("The consultation “{title}” is published.", title=consultation.title))
    return RedirectResponse("/secretariat", status_code=303)


# --- JSON API ----------------------------------------------------------------------------------


class ConsultationIn(BaseModel):
    title: str = Field(max_length=500)
    description: str = Field(default="", max_length=20_000)
    draft_version_id: DbId
    organiser_id: DbId
    scope_organisation_ids: list[DbId] = Field(default_factory=list, max_length=2000)
    opens_at: str = Field(max_length=40, description="dd/mm/yyyy HH:MM (Vietnam time) or ISO 8601")
    closes_at: str = Field(max_length=40, description="dd/mm/yyyy HH:MM (Vietnam time) or ISO 8601")
    allow_anonymous: bool = False
    opinions_public: bool = True
    identity_required: bool = True
    publish: bool = False


class ConsultationCreatedOut(BaseModel):
    id: int
    title: str
    description: str
    status: str
    draft_version_id: int
    organiser_id: int
    scope_organisation_ids: list[int]
    opens_at: datetime
    closes_at: datetime
    allow_anonymous: bool
    opinions_public: bool
    identity_required: bool


def _created_out(db: Session, consultation: Consultation) -> ConsultationCreatedOut:
    scope = db.execute(
        select(ConsultationScope.organisation_id)
        .where(ConsultationScope.consultation_id == consultation.id)
        .order_by(ConsultationScope.organisation_id)
    ).scalars()
    return ConsultationCreatedOut(
        id=consultation.id,
        title=consultation.title,
        description=consultation.description,
        status=consultation.status,
        draft_version_id=consultation.draft_version_id,
        organiser_id=consultation.organiser_id,
        scope_organisation_ids=list(scope),
        opens_at=consultation.opens_at,
        closes_at=consultation.closes_at,
        allow_anonymous=consultation.allow_anonymous,
        opinions_public=consultation.opinions_public,
        identity_required=consultation.identity_required,
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
    principal: Principal = Depends(require_manager),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> ConsultationCreatedOut:
    """Create a consultation on an existing draft version (upload one with POST /api/v1/drafts)."""
    check_organisations(db, principal, body.organiser_id, body.scope_organisation_ids)
    consultation = consultations.create_with_draft(
        session=db,
        title=body.title,
        description=body.description,
        organiser_id=body.organiser_id,
        scope_organisation_ids=body.scope_organisation_ids or None,
        opens_at=parse_moment(
            body.opens_at, settings, what_vi="thời điểm bắt đầu", what_en="opening time"
        ),
        closes_at=parse_moment(
            body.closes_at, settings, what_vi="thời điểm kết thúc", what_en="closing time"
        ),
        draft_version_id=body.draft_version_id,
        allow_anonymous=body.allow_anonymous,
        opinions_public=body.opinions_public,
        identity_required=body.identity_required,
        publish=body.publish,
        actor_person_id=principal.person_id,
    )
    out = _created_out(db, consultation)
    db.commit()
    return out


@router.post(
    "/api/v1/consultations/{consultation_id}/publish",
    response_model=ConsultationCreatedOut,
    tags=["secretariat"],
    dependencies=[Depends(verify_csrf)],
)
def api_publish(
    consultation_id: int,
    principal: Principal = Depends(require_manager),
    db: Session = Depends(get_db),
) -> ConsultationCreatedOut:
    """Publish a consultation: it takes opinions within its window."""
    check_runs(db, principal, consultation_id, MODERATOR_ROLES)
    consultation = consultations.publish(
        session=db, consultation_id=consultation_id, actor_person_id=principal.person_id
    )
    out = _created_out(db, consultation)
    db.commit()
    return out


class DraftOut(BaseModel):
    draft_id: int
    title: str
    kind: str
    organisation_id: int | None
    version_id: int
    version: int
    section_count: int


@router.post(
    "/api/v1/drafts",
    response_model=DraftOut,
    status_code=201,
    tags=["secretariat"],
    dependencies=[Depends(verify_csrf)],
)
def api_create_draft(
    file: Annotated[UploadFile, File(description=".txt, .md or .docx")],
    title: Annotated[str, Form(max_length=500)] = "",
    kind: Annotated[str, Form(max_length=32)] = DraftKind.OTHER.value,
    organisation_id: Annotated[int | None, Form()] = None,
    principal: Principal = Depends(require_manager),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> DraftOut:
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
    out = DraftOut(
        draft_id=draft.id,
        title=draft.title,
        kind=draft.kind,
        organisation_id=draft.organisation_id,
        version_id=version.id,
        version=version.number,
        section_count=version.section_count,
    )
    db.commit()
    return out
