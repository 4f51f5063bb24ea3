"""A draft's pages for its secretariat: its versions, uploading the next version (the parser
and service the CLI uses) and the changes of a version against the previous one; page + JSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.config import Settings
from ykien.drafts import service as drafts
from ykien.drafts.access import ManagedDraft, ManagedVersion
from ykien.drafts.diff import diff_pieces
from ykien.drafts.models import Draft, DraftVersion
from ykien.drafts.schemas import (
    DiffPieceOut,
    DraftVersionOut,
    DraftWorkspaceOut,
    SectionChangeOut,
    VersionChangesOut,
    VersionSummaryOut,
)
from ykien.errors import UserError
from ykien.web.access import require_manager
from ykien.web.deps import Principal, get_settings
from ykien.web.flash import add_flash, pop_flashes
from ykien.web.forms import Problem, redraw_on_error, see_other, upload_name
from ykien.web.i18n import translator
from ykien.web.pairing import page_and_json
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language
from ykien.web.tx import Db, Tx

router = APIRouter()
TAGS: list[Any] = ["drafts"]
CHANGE_LABELS = {"changed": "Changed", "new": "New", "removed": "Removed", "same": "Unchanged"}


def _summary(db: Session, version: DraftVersion) -> VersionSummaryOut:
    return VersionSummaryOut(
        **DraftVersionOut.model_validate(version).model_dump(),
        changes=drafts.change_summary(session=db, version_id=version.id),
        changes_url=(
            f"/secretariat/draft-versions/{version.id}/changes"
            if version.previous_version_id
            else None
        ),
    )


def workspace(db: Session, draft: Draft, settings: Settings) -> DraftWorkspaceOut:
    versions = drafts.versions_of(session=db, draft_id=draft.id)
    return DraftWorkspaceOut(
        id=draft.id,
        title=draft.title,
        kind=draft.kind,
        organisation_id=draft.organisation_id,
        versions=[_summary(db, version) for version in versions],
        upload_url=f"/secretariat/drafts/{draft.id}/versions",
        max_upload_bytes=settings.max_upload_bytes,
    )


@page_and_json(
    router,
    "/secretariat/drafts/{draft_id}",
    "/api/v1/secretariat/drafts/{draft_id}",
    template="drafts/draft.html",
    tags=TAGS,
    summary="A draft's versions, for its secretariat",
)
def draft_workspace(
    db: Db,
    draft: Draft = ManagedDraft,
    settings: Settings = Depends(get_settings),
) -> DraftWorkspaceOut:
    return workspace(db, draft, settings)


def upload_version(
    db: Session, principal: Principal, settings: Settings, draft: Draft, upload: UploadFile | None
) -> DraftVersion:
    """The use case of the page and the API: the file parsed into the draft's next version."""
    filename = upload_name(upload)
    if upload is None or not filename:
        raise UserError(
            "draft_file_missing",
            "Hãy chọn tệp dự thảo của phiên bản mới (.txt, .md hoặc .docx).",
            "Choose the file of the new version (.txt, .md or .docx).",
        )
    return drafts.import_version(
        session=db,
        draft_id=draft.id,
        data=upload.file.read(settings.max_upload_bytes + 1),
        filename=filename,
        max_bytes=settings.max_upload_bytes,
        actor_person_id=principal.person_id,
    )


@router.post(
    "/api/v1/drafts/{draft_id}/versions",
    response_model=VersionSummaryOut,
    status_code=201,
    tags=TAGS,
    dependencies=[Depends(verify_csrf)],
)
def api_upload_version(
    file: Annotated[UploadFile, File(description=".txt, .md or .docx")],
    db: Tx,
    draft: Draft = ManagedDraft,
    principal: Principal = Depends(require_manager),
    settings: Settings = Depends(get_settings),
) -> VersionSummaryOut:
    """Upload the next version of a draft; it is mapped onto the previous version."""
    version = upload_version(db, principal, settings, draft, file)
    return _summary(db, version)


@router.post(
    "/secretariat/drafts/{draft_id}/versions",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def upload_version_page(
    request: Request,
    db: Tx,
    draft_file: Annotated[UploadFile | None, File()] = None,
    draft: Draft = ManagedDraft,
    principal: Principal = Depends(require_manager),
    settings: Settings = Depends(get_settings),
) -> Response:
    _ = translator(request_language(request))

    def redraw(problem: Problem) -> HTMLResponse:
        context = {
            "data": workspace(db, draft, settings),
            "flashes": pop_flashes(request),
            "error": problem.message,
        }
        return render(request, "drafts/draft.html", context, status_code=problem.status_code)

    with redraw_on_error(request, db, redraw):
        version = upload_version(db, principal, settings, draft, draft_file)
    changes = drafts.change_summary(session=db, version_id=version.id)
    add_flash(
        request,
        _(
            "Version {n} was imported: {changed} sections changed, {new} new, {removed} removed.",
            n=version.number,
            changed=changes.get("changed", 0),
            new=changes.get("new", 0),
            removed=changes.get("removed", 0),
        ),
    )
    if version.previous_version_id is None:
        return see_other(f"/secretariat/drafts/{draft.id}")
    return see_other(f"/secretariat/draft-versions/{version.id}/changes")


def changes_of(db: Session, version: DraftVersion) -> VersionChangesOut:
    """What changed in the version against the previous one (the unchanged sections counted)."""
    draft = drafts.get_draft(session=db, draft_id=version.draft_id)
    previous_id = version.previous_version_id
    previous = drafts.get_version(session=db, version_id=previous_id) if previous_id else None
    return VersionChangesOut(
        draft_id=draft.id,
        draft_title=draft.title,
        version=DraftVersionOut.model_validate(version),
        previous_version=previous.number if previous else None,
        summary=drafts.change_summary(session=db, version_id=version.id),
        changes=[
            SectionChangeOut(
                status=row.mapping.status,
                similarity=row.mapping.similarity,
                old_section_id=row.mapping.old_section_id,
                old_label=row.old_label,
                new_section_id=row.mapping.new_section_id,
                new_label=row.new_label,
                diff=row.mapping.diff,
                pieces=[DiffPieceOut.model_validate(p) for p in diff_pieces(row.mapping.diff)],
            )
            for row in drafts.version_changes(session=db, version_id=version.id)
        ],
    )


def _change_labels(_request: Request, _data: object) -> dict[str, Any]:
    return {"CHANGE_LABELS": CHANGE_LABELS}


@page_and_json(
    router,
    "/secretariat/draft-versions/{version_id}/changes",
    "/api/v1/draft-versions/{version_id}/changes",
    template="drafts/changes.html",
    tags=TAGS,
    extras=_change_labels,
    summary="What changed in a version against the previous one",
)
def version_changes(db: Db, version: DraftVersion = ManagedVersion) -> VersionChangesOut:
    return changes_of(db, version)
