"""Report downloads: the "Báo cáo tổng hợp ý kiến" of a synthesis as DOCX, XLSX, CSV or JSON, and
the download helpers the response table (decisions) shares."""

from __future__ import annotations

import typing
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ykien.config import Settings
from ykien.exports import reports as exports
from ykien.synthesis import reports
from ykien.synthesis.access import SynthesisAt
from ykien.synthesis.routes.common import TAGS
from ykien.synthesis.routes.editing import Reader
from ykien.text import fold
from ykien.web.downloads import MEDIA_TYPES, download_route
from ykien.web.i18n import translator
from ykien.web.templating import CHANNEL_LABELS, KIND_LABELS
from ykien.web.tx import Db

router = APIRouter()
Format = Literal["docx", "xlsx", "csv", "json"]
CONTENT_TYPES = {fmt: MEDIA_TYPES[fmt] for fmt in typing.get_args(Format)}
REPORT_FILE = download_route(*CONTENT_TYPES, description="The report as a file")


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback and the Vietnamese name (RFC 5987)."""
    ascii_name = "".join(
        ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "-"
        for ch in fold(filename).replace("đ", "d")
    )
    ascii_name = "-".join(part for part in ascii_name.split("-") if part) or "report"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(report: exports.Report, fmt: str, stem: str) -> Response:
    """The report written in `fmt`, as an attachment named after `stem`."""
    if fmt == "docx":
        body: bytes = exports.to_docx(report)
    elif fmt == "xlsx":
        body = exports.to_xlsx(report)
    elif fmt == "csv":
        body = exports.to_csv(report).encode("utf-8")
    else:
        body = exports.to_json(report).encode("utf-8")
    safe_stem = " ".join(stem.replace("/", "-").split())
    return Response(
        body,
        media_type=CONTENT_TYPES[fmt],
        headers={"Content-Disposition": content_disposition(f"{safe_stem}.{fmt}")},
    )


def issue_of(request: Request) -> reports.Issue:
    """Where and when the installation issues its reports (today in its time zone)."""
    settings: Settings = request.app.state.settings
    return reports.Issue(place=settings.report_place, issued_on=reports.vietnam_today(settings.tz))


def report_labels() -> reports.Labels:
    """The Vietnamese names of channels and kinds (official reports are in Vietnamese)."""
    vi = translator("vi")
    return reports.Labels(
        channels={name: vi(label) for name, label in CHANNEL_LABELS.items()},
        kinds={name: vi(label) for name, label in KIND_LABELS.items()},
    )


@router.get("/syntheses/{synthesis_id}/report.{fmt}", tags=TAGS, **REPORT_FILE)
def synthesis_report_download(
    request: Request, fmt: Format, db: Db, at: SynthesisAt = Reader
) -> Response:
    """ "Báo cáo tổng hợp ý kiến" of the synthesis as DOCX, XLSX, CSV or JSON."""
    report = reports.synthesis_report(
        session=db, synthesis_id=at.synthesis.id, issue=issue_of(request), labels=report_labels()
    )
    stem = f"Báo cáo tổng hợp ý kiến - {at.org.name} - lần {at.synthesis.revision}"
    return download(report, fmt, stem)
