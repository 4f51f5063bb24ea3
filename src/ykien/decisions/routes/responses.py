"""The public response report of a consultation (its published decisions), the receipt-code
lookup, and the download of the response table; readable by whoever may read the consultation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.consultations.models import Consultation
from ykien.decisions import report
from ykien.decisions import service as decisions
from ykien.decisions.models import Decision
from ykien.decisions.routes.common import TAGS, changes_out, labels
from ykien.decisions.schemas import (
    LookupOut,
    PublicDecisionOut,
    ResponseOut,
    ResponsesOut,
    SynthesisStepOut,
    TraceOut,
)
from ykien.synthesis.routes.downloads import REPORT_FILE, Format, download, issue_of
from ykien.web.access import readable_consultation
from ykien.web.deps import PathId, Principal, current_principal
from ykien.web.ratelimit import ReceiptLookupRate
from ykien.web.templating import render
from ykien.web.tx import Db

router = APIRouter()
Code = Annotated[str, Query(max_length=40)]


def readable(
    consultation_id: PathId,
    db: Db,
    principal: Principal | None = Depends(current_principal),
) -> Consultation:
    """Loader: a published consultation, or an unpublished one for staff who run it; else 404."""
    return readable_consultation(db, consultation_id, principal)


Readable = Depends(readable)


def public_out(decision: Decision | None) -> PublicDecisionOut | None:
    return None if decision is None else PublicDecisionOut.model_validate(decision)


def trace_out(trace: decisions.Trace) -> TraceOut:
    return TraceOut(
        opinion_id=trace.opinion_id,
        campaign_id=trace.campaign_id,
        campaign_size=trace.campaign_size,
        theme_id=trace.theme_id,
        theme_label=trace.theme_label,
        syntheses=[SynthesisStepOut.model_validate(s) for s in trace.syntheses],
        decision=public_out(trace.decision),
        via=trace.via,
    )


def _lookup(db: Session, consultation: Consultation, code: str) -> decisions.Lookup | None:
    if not code:
        return None
    return decisions.lookup(session=db, consultation_id=consultation.id, receipt_code=code)


@router.get(
    "/c/{consultation_id}/responses",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[ReceiptLookupRate],
)
def responses_page(
    request: Request, db: Db, code: Code = "", consultation: Consultation = Readable
) -> HTMLResponse:
    context = {
        "consultation": consultation,
        "responses": decisions.responses(session=db, consultation_id=consultation.id),
        "code": code,
        "found": _lookup(db, consultation, code),
        **labels(),
    }
    return render(request, "decisions/responses.html", context)


def _response_out(found: decisions.Response) -> ResponseOut:
    return ResponseOut(
        decision=public_out(found.decision),
        target_type=found.decision.target_type,
        title=found.title,
        opinion_count=found.opinion_count,
        sections=changes_out(found.sections),
    )


@router.get(
    "/api/v1/consultations/{consultation_id}/responses",
    response_model=ResponsesOut,
    tags=TAGS,
    dependencies=[ReceiptLookupRate],
)
def api_responses(db: Db, code: Code = "", consultation: Consultation = Readable) -> ResponsesOut:
    """The published decisions (response report); with `code`, one opinion by receipt code."""
    found = _lookup(db, consultation, code)
    lookup = None
    if found is not None:
        lookup = LookupOut(
            receipt_code=found.receipt_code,
            status=found.status,
            section_label=found.section_label,
            text=found.text,
            submitted_at=found.submitted_at,
            trace=trace_out(found.trace),
        )
    answered = decisions.responses(session=db, consultation_id=consultation.id)
    return ResponsesOut(
        consultation_id=consultation.id,
        responses=[_response_out(r) for r in answered],
        lookup=lookup,
    )


@router.get("/c/{consultation_id}/responses/report.{fmt}", tags=TAGS, **REPORT_FILE)
def response_table_download(
    request: Request, fmt: Format, db: Db, consultation: Consultation = Readable
) -> Response:
    """ "Bảng tổng hợp tiếp thu, giải trình ý kiến" (published decisions only)."""
    table = report.response_table(
        session=db, consultation_id=consultation.id, issue=issue_of(request)
    )
    return download(table, fmt, f"Bảng tổng hợp tiếp thu, giải trình ý kiến - {consultation.id}")
