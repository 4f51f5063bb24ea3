"""Importing opinions from a file: upload, column mapping, result with the per-row errors; API.

The uploaded file waits between the two steps in `ykien.opinions.uploads`.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.config import Settings
from ykien.consultations.models import Consultation
from ykien.errors import NotFound, UserError
from ykien.opinions import importer
from ykien.opinions.importer import ColumnMapping, ImportResult
from ykien.opinions.models import Channel, ImportBatch
from ykien.opinions.schemas import ImportOut, RowErrorOut
from ykien.opinions.uploads import (
    detected_mapping,
    discard,
    read_columns,
    report_file,
    store_upload,
    stored_upload,
)
from ykien.web.access import ConsultationFor, require_manager
from ykien.web.deps import MODERATOR_ROLES, STAFF_ROLES, PathId, Principal, get_settings
from ykien.web.downloads import download_route
from ykien.web.forms import (
    FormFields,
    Problem,
    clean_filename,
    parse_form,
    redraw_on_error,
    upload_name,
)
from ykien.web.i18n import translator
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language
from ykien.web.tx import Db, Tx, after_commit

router = APIRouter()

ERRORS_ON_PAGE = 1000
CHANNELS = (Channel.IMPORT, Channel.WRITTEN, Channel.EVENT)
Managed = Depends(ConsultationFor(MODERATOR_ROLES))
Staffed = Depends(ConsultationFor(STAFF_ROLES))


def field_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        "text": _("Opinion text"),
        "section": _("Section referred to"),
        "kind": _("Kind of opinion"),
        "author": _("Author"),
        "organisation": _("On behalf of (organisation)"),
        "submitted_at": _("Date given"),
        "proposed_wording": _("Proposed wording"),
        "quote": _("Quoted passage"),
        "external_id": _("Id in the source"),
    }


def channel_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        Channel.IMPORT: _("Imported from a file or spreadsheet"),
        Channel.WRITTEN: _("Written submissions"),
        Channel.EVENT: _("Recorded at a seminar or meeting"),
    }


# --- pages -------------------------------------------------------------------------------------


def _batches(db: Session, consultation_id: int) -> list[ImportBatch]:
    return list(
        db.execute(
            select(ImportBatch)
            .where(ImportBatch.consultation_id == consultation_id)
            .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
            .limit(50)
        ).scalars()
    )


def _page(
    request: Request,
    db: Session,
    consultation: Consultation,
    step: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    _ = translator(request_language(request))
    full = {
        "consultation": consultation,
        "step": step,
        "batches": _batches(db, consultation.id),
        "fields": field_labels(_),
        "channels": channel_labels(_),
        "language": request_language(request),
        **context,
    }
    return render(request, "opinions/import.html", full, status_code=status_code)


def _upload_step(
    request: Request, db: Session, consultation: Consultation, problem: Problem, status: int = 0
) -> HTMLResponse:
    """The upload step again, with why the file was refused."""
    return _page(
        request,
        db,
        consultation,
        "upload",
        error=problem.message,
        status_code=status or problem.status_code,
    )


@router.get("/c/{consultation_id}/import", response_class=HTMLResponse, include_in_schema=False)
def import_page(
    request: Request,
    db: Db,
    principal: Principal = Depends(require_manager),
    consultation: Consultation = Managed,
) -> HTMLResponse:
    return _page(request, db, consultation, "upload")


@router.post(
    "/c/{consultation_id}/import",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def import_upload(
    request: Request,
    db: Db,
    file: Annotated[UploadFile | None, File()] = None,
    principal: Principal = Depends(require_manager),
    consultation: Consultation = Managed,
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    """Step 1: keep the file and show its columns for the mapping."""
    filename = upload_name(file)
    kept: list[str] = []  # the stored upload, deleted again if it cannot be read

    def refused(problem: Problem) -> HTMLResponse:
        for upload_id in kept:
            discard(upload_id, settings)
        return _upload_step(request, db, consultation, problem)

    with redraw_on_error(request, db, refused):
        if file is None or not filename:
            raise UserError(
                "upload_missing",
                "Hãy chọn một tệp CSV, JSONL hoặc XLSX.",
                "Choose a CSV, JSONL or XLSX file.",
            )
        kept.append(store_upload(file.file, filename, settings))
        path = stored_upload(kept[0], settings)
        columns = read_columns(path, path.suffix.lstrip("."))
    return _page(
        request,
        db,
        consultation,
        "map",
        upload_id=kept[0],
        filename=filename,
        columns=columns,
        mapping=detected_mapping(columns.headers),
        channel=Channel.IMPORT.value,
    )


def run_import(
    db: Session,
    settings: Settings,
    *,
    consultation_id: int,
    path: Path,
    filename: str,
    mapping: dict[str, str] | None,
    channel: str,
    actor_person_id: int,
) -> ImportResult:
    """The use case of the page and the API: import in the request's transaction; the error
    report is kept under the batch's id once that transaction is committed."""
    if channel not in set(CHANNELS):
        raise UserError(
            "channel_invalid",
            "Kênh phải là import, written hoặc event.",
            "The channel must be import, written or event.",
        )
    scratch_report = path.with_name(path.name + ".errors.csv")
    try:
        result = importer.import_opinions(
            session=db,
            consultation_id=consultation_id,
            source=path,
            mapping=mapping,
            file_format=path.suffix.lstrip("."),  # the format detected at upload
            channel=channel,
            filename=filename,
            report_path=scratch_report,
            max_chars=settings.max_opinion_chars,
            max_rows=settings.import_max_rows,
            actor_person_id=actor_person_id,
        )
    except BaseException:
        scratch_report.unlink(missing_ok=True)
        raise
    if result.report_path is not None:
        scratch, target = result.report_path, report_file(settings, result.batch_id)

        def keep_report() -> None:
            shutil.move(str(scratch), target)

        after_commit(db, keep_report)
        result.report_path = target
    return result


class ImportConfirmIn(BaseModel):
    """Step 2 of the page: the waiting file, the channel and the column chosen per field."""

    upload_id: str = Field(max_length=60)
    filename: str = Field(max_length=300)
    channel: str = Field(default=Channel.IMPORT.value, max_length=10)
    map_text: str = Field(default="", max_length=300)
    map_section: str = Field(default="", max_length=300)
    map_kind: str = Field(default="", max_length=300)
    map_author: str = Field(default="", max_length=300)
    map_organisation: str = Field(default="", max_length=300)
    map_submitted_at: str = Field(default="", max_length=300)
    map_proposed_wording: str = Field(default="", max_length=300)
    map_quote: str = Field(default="", max_length=300)
    map_external_id: str = Field(default="", max_length=300)

    def mapping(self) -> dict[str, str]:
        """field -> column, for the fields a column was chosen for."""
        chosen = {name: getattr(self, f"map_{name}") for name in ColumnMapping.field_names()}
        return {name: column for name, column in chosen.items() if column}


@router.post(
    "/c/{consultation_id}/import/confirm",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def import_confirm(
    request: Request,
    form: FormFields,
    db: Tx,
    principal: Principal = Depends(require_manager),
    consultation: Consultation = Managed,
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    """Step 2: import with the chosen mapping and show the result with every rejected row."""
    body = parse_form(ImportConfirmIn, form)
    filename = clean_filename(body.filename) or "upload"
    mapping = body.mapping()
    with redraw_on_error(request, db, lambda p: _upload_step(request, db, consultation, p, 410)):
        path = stored_upload(body.upload_id, settings)

    def refused(problem: Problem) -> HTMLResponse:
        if problem.code.startswith(("mapping_", "channel_")):  # fixable here: keep the file
            return _page(
                request,
                db,
                consultation,
                "map",
                upload_id=body.upload_id,
                filename=filename,
                columns=read_columns(path, path.suffix.lstrip(".")),
                mapping=mapping,
                channel=body.channel,
                error=problem.message,
                status_code=problem.status_code,
            )
        discard(body.upload_id, settings)
        return _upload_step(request, db, consultation, problem)

    with redraw_on_error(request, db, refused):
        if not mapping.get("text"):
            raise UserError(
                "mapping_text_missing",
                "Hãy chọn cột chứa nội dung ý kiến.",
                "Choose the column that holds the opinion text.",
            )
        result = run_import(
            db,
            settings,
            consultation_id=consultation.id,
            path=path,
            filename=filename,
            mapping=mapping,
            channel=body.channel,
            actor_person_id=principal.person_id,
        )
    discard(body.upload_id, settings)
    return _page(
        request,
        db,
        consultation,
        "done",
        result=result,
        errors=result.errors[:ERRORS_ON_PAGE],
        filename=filename,
    )


@router.get(
    "/c/{consultation_id}/import/{batch_id}/report",
    include_in_schema=True,
    tags=["secretariat"],
    **download_route("csv", description="The per-row error report (CSV)"),
)
def import_report(
    batch_id: PathId,
    db: Db,
    consultation: Consultation = Staffed,
    settings: Settings = Depends(get_settings),
) -> Response:
    """The import's per-row error report as CSV (row, column, reason in Vietnamese and English)."""
    batch = db.get(ImportBatch, batch_id)
    if batch is None or batch.consultation_id != consultation.id:
        raise NotFound(
            "import_batch_not_found",
            f"Không có lần nhập số {batch_id} trong đợt lấy ý kiến này.",
            f"No import {batch_id} in this consultation.",
        )
    download = f"loi-nhap-{batch_id}.csv"
    path = report_file(settings, batch_id)
    if path.is_file():
        return FileResponse(path, media_type="text/csv; charset=utf-8", filename=download)
    # the file is gone (another server, a cleaned folder): rebuild from what the batch stored
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["dòng / row", "cột / column", "lý do", "reason"])
    for line in batch.report.splitlines():
        row, column, reason = [*line.split("\t", 2), "", ""][:3]
        writer.writerow([row, column, reason, ""])
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{download}"'},
    )


# --- JSON API ----------------------------------------------------------------------------------


def _parse_mapping(text: str) -> dict[str, str] | None:
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise UserError(
            "mapping_invalid",
            'Ánh xạ cột phải là một đối tượng JSON dạng {"text": "Nội dung", ...}.',
            'The column mapping must be a JSON object like {"text": "Content", ...}.',
        )
    return {k: v for k, v in value.items() if v}


def import_out(result: ImportResult, consultation_id: int, language: str) -> ImportOut:
    return ImportOut(
        batch_id=result.batch_id,
        rows_total=result.rows_total,
        rows_imported=result.rows_imported,
        rows_rejected=len(result.errors),
        errors=[
            RowErrorOut(
                row=e.row,
                column=e.column,
                reason=e.reason_vi if language == "vi" else e.reason_en,
                reason_vi=e.reason_vi,
                reason_en=e.reason_en,
            )
            for e in result.errors[:ERRORS_ON_PAGE]
        ],
        errors_truncated=len(result.errors) > ERRORS_ON_PAGE,
        report_url=(
            f"/c/{consultation_id}/import/{result.batch_id}/report" if result.errors else None
        ),
    )


@router.post(
    "/api/v1/consultations/{consultation_id}/imports",
    response_model=ImportOut,
    status_code=201,
    tags=["secretariat"],
    dependencies=[Depends(verify_csrf)],
)
def api_import(
    request: Request,
    file: Annotated[UploadFile, File(description="CSV, JSONL or XLSX")],
    db: Tx,
    mapping: Annotated[
        str, Form(max_length=5000, description='JSON: {"text": "column", "section": ...}')
    ] = "",
    channel: Annotated[str, Form(max_length=10)] = Channel.IMPORT.value,
    principal: Principal = Depends(require_manager),
    consultation: Consultation = Managed,
    settings: Settings = Depends(get_settings),
) -> ImportOut:
    """Import opinions from a file; unmapped fields are recognised from the column names."""
    parsed_mapping = _parse_mapping(mapping)
    filename = upload_name(file) or "upload.csv"
    upload_id = store_upload(file.file, filename, settings)
    try:
        result = run_import(
            db,
            settings,
            consultation_id=consultation.id,
            path=stored_upload(upload_id, settings),
            filename=filename,
            mapping=parsed_mapping,
            channel=channel,
            actor_person_id=principal.person_id,
        )
    finally:
        discard(upload_id, settings)
    return import_out(result, consultation.id, request_language(request))
