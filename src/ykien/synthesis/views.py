"""Synthesis pages (units and their progress, one synthesis, drill-down), downloads and JSON twins.

Staff whose roles cover a synthesis's ORGANISATION (held there or at an ancestor) may read it;
secretaries and admins covering it draft, edit, sign off, revise and submit it. The parent's
staff therefore read what their units submitted, and drill down to the original opinions.
The response table download is public, like the responses page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ykien.accounts.models import Person
from ykien.analysis.service import Breakdown
from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.drafts.models import Section
from ykien.drafts.views import readable_consultation
from ykien.errors import Forbidden, NotFound, UserError
from ykien.exports import reports as exports
from ykien.opinions.models import Opinion
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.synthesis import notify, reports
from ykien.synthesis import service as syntheses
from ykien.synthesis.models import Synthesis, SynthesisItem, SynthesisStatus
from ykien.synthesis.rollup import RollupCounts, rollup
from ykien.text import fold
from ykien.types import DbId
from ykien.web.deps import (
    MAX_ID,
    MODERATOR_ROLES,
    STAFF_ROLES,
    PathId,
    Principal,
    current_principal,
    get_db,
    get_settings,
    require_staff,
)
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language

router = APIRouter()
Id = PathId
Page = Annotated[int, Query(ge=0, le=1_000_000)]
OrgQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Format = Literal["docx", "xlsx", "csv", "json"]
PAGE_SIZE = 50
PENDING_SHOWN = 200
MAX_TEXT = 20_000

STATUS_LABELS = {
    SynthesisStatus.DRAFT: "Being drafted",
    SynthesisStatus.SIGNED_OFF: "Signed off",
    SynthesisStatus.SUBMITTED: "Submitted to the level above",
}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


# --- access ----------------------------------------------------------------------------------


def _forbidden() -> Forbidden:
    return Forbidden(
        "synthesis_forbidden",
        "Vai trò của bạn không bao gồm đơn vị của báo cáo tổng hợp này.",
        "Your role does not cover the organisation of this synthesis.",
    )


def _check_org(principal: Principal, org: Organisation, roles: Iterable[str]) -> None:
    if not principal.covers(org.tree_path, roles):
        raise _forbidden()


def _may_edit(principal: Principal, org: Organisation) -> bool:
    return principal.covers(org.tree_path, MODERATOR_ROLES)


def _in_scope(db: Session, consultation_id: int, org: Organisation) -> None:
    """Refuse an organisation outside the consultation's organiser and scope subtrees."""
    paths = consultations.authority_paths(session=db, consultation_id=consultation_id)
    if not any(org.tree_path.startswith(path) for path in paths):
        raise UserError(
            "organisation_out_of_scope",
            "Đơn vị này không tham gia đợt lấy ý kiến.",
            "This organisation does not take part in the consultation.",
        )


def _synthesis(
    db: Session, principal: Principal, synthesis_id: int, roles: Iterable[str]
) -> tuple[Synthesis, Organisation]:
    synthesis = syntheses.get(session=db, synthesis_id=synthesis_id)
    org = orgs.get(session=db, organisation_id=synthesis.organisation_id)
    _check_org(principal, org, roles)
    return synthesis, org


def _item(
    db: Session, principal: Principal, item_id: int, roles: Iterable[str]
) -> tuple[SynthesisItem, Synthesis, Organisation]:
    item = syntheses.get_item(session=db, item_id=item_id)
    synthesis, org = _synthesis(db, principal, item.synthesis_id, roles)
    return item, synthesis, org


def _roots(db: Session, principal: Principal, consultation_id: int) -> list[Organisation]:
    """The highest organisations of the consultation that the principal's staff roles cover."""
    authority = consultations.authority_paths(session=db, consultation_id=consultation_id)
    held = {path for role in STAFF_ROLES for path in principal.roles.get(role, ())}
    found: set[str] = set()
    for mine in held:
        for path in authority:
            if mine.startswith(path):
                found.add(mine)
            elif path.startswith(mine):
                found.add(path)
    tops = {p for p in found if not any(p != o and p.startswith(o) for o in found)}
    if not tops:
        raise _forbidden()
    rows = db.scalars(select(Organisation).where(Organisation.tree_path.in_(tops))).all()
    return sorted(rows, key=lambda org: (org.tree_path.count("/"), org.name))


def _chosen_unit(
    db: Session, principal: Principal, consultation_id: int, organisation_id: int | None
) -> tuple[Organisation, list[Organisation]]:
    roots = _roots(db, principal, consultation_id)
    if organisation_id is None:
        return roots[0], roots
    org = orgs.get(session=db, organisation_id=organisation_id)
    _check_org(principal, org, STAFF_ROLES)
    _in_scope(db, consultation_id, org)
    return org, roots


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _labels() -> dict[str, Any]:
    return {"synthesis_labels": STATUS_LABELS}


# --- the units page ---------------------------------------------------------------------------


class UnitRow:
    """A unit with its latest synthesis and the opinions beneath it (reached / in total)."""

    def __init__(
        self,
        org: Organisation,
        latest: Synthesis | None,
        reached: RollupCounts | None,
        beneath: RollupCounts | None,
        has_children: bool,
    ) -> None:
        self.org = org
        self.latest = latest
        self.reached = reached or RollupCounts(0, 0)
        self.beneath = beneath or RollupCounts(0, 0)
        self.has_children = has_children


def _latest_of(db: Session, consultation_id: int, org_ids: list[int]) -> dict[int, Synthesis]:
    rows = db.scalars(
        select(Synthesis)
        .where(Synthesis.consultation_id == consultation_id, Synthesis.organisation_id.in_(org_ids))
        .order_by(Synthesis.revision)
    )
    return {synthesis.organisation_id: synthesis for synthesis in rows}


def _units(db: Session, consultation_id: int, org: Organisation) -> dict[str, Any]:
    children = list(
        db.scalars(
            select(Organisation).where(Organisation.parent_id == org.id).order_by(Organisation.id)
        )
    )
    children.sort(key=lambda child: fold(child.name))
    ids = [org.id, *(child.id for child in children)]
    with_children = set(
        db.scalars(select(Organisation.parent_id).where(Organisation.parent_id.in_(ids)).distinct())
    )
    latest = _latest_of(db, consultation_id, ids)
    reached = rollup(session=db, consultation_id=consultation_id)
    beneath = rollup(session=db, consultation_id=consultation_id, submitted_only=False)

    def row(unit: Organisation) -> UnitRow:
        return UnitRow(
            unit,
            latest.get(unit.id),
            reached.get(unit.id),
            beneath.get(unit.id),
            unit.id in with_children,
        )

    pending = syntheses.pending_children(
        session=db, consultation_id=consultation_id, organisation_id=org.id
    )
    return {
        "unit": row(org),
        "children": [row(child) for child in children],
        "pending": pending[:PENDING_SHOWN],
        "pending_total": len(pending),
    }


@router.get("/c/{consultation_id}/syntheses", response_class=HTMLResponse, include_in_schema=False)
def syntheses_page(
    request: Request,
    consultation_id: Id,
    organisation_id: OrgQuery = None,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    return _units_page(request, db, principal, consultation_id, organisation_id)


def _units_page(
    request: Request,
    db: Session,
    principal: Principal,
    consultation_id: int,
    organisation_id: int | None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    consultation = consultations.get(session=db, consultation_id=consultation_id)
    org, roots = _chosen_unit(db, principal, consultation_id, organisation_id)
    parent = orgs.get(session=db, organisation_id=org.parent_id) if org.parent_id else None
    return render(
        request,
        "synthesis/units.html",
        {
            "consultation": consultation,
            "org": org,
            "parent": parent
            if parent and principal.covers(parent.tree_path, STAFF_ROLES)
            else None,
            "roots": roots,
            "may_edit": _may_edit(principal, org),
            "error": error,
            **_units(db, consultation_id, org),
            **_labels(),
        },
        status_code,
    )


@router.post(
    "/c/{consultation_id}/syntheses/draft",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def draft_page(
    request: Request,
    consultation_id: Id,
    organisation_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    """Draft the unit's synthesis, or refresh its current draft, then show it."""
    try:
        drafted = _draft(db, principal, consultation_id, organisation_id)
    except (Forbidden, NotFound):
        raise
    except UserError as bad:
        db.rollback()
        return _units_page(
            request,
            db,
            principal,
            consultation_id,
            organisation_id,
            error=bad.message(request_language(request)),
            status_code=bad.status_code,
        )
    db.commit()
    return _back(f"/syntheses/{drafted.id}")


def _draft(
    db: Session, principal: Principal, consultation_id: int, organisation_id: int
) -> Synthesis:
    consultations.get(session=db, consultation_id=consultation_id)
    org = orgs.get(session=db, organisation_id=organisation_id)
    _check_org(principal, org, MODERATOR_ROLES)
    _in_scope(db, consultation_id, org)
    return syntheses.draft_synthesis(
        session=db,
        consultation_id=consultation_id,
        organisation_id=organisation_id,
        by=principal.person_id,
    )


# --- one synthesis ---------------------------------------------------------------------------


@router.get("/syntheses/{synthesis_id}", response_class=HTMLResponse, include_in_schema=False)
def synthesis_page(
    request: Request,
    synthesis_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    return _synthesis_page(request, db, principal, synthesis_id)


def _synthesis_page(
    request: Request,
    db: Session,
    principal: Principal,
    synthesis_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
    typed: dict[str, Any] | None = None,
) -> HTMLResponse:
    synthesis, org = _synthesis(db, principal, synthesis_id, STAFF_ROLES)
    found = syntheses.view(session=db, synthesis_id=synthesis_id)
    revisions = syntheses.history(
        session=db, consultation_id=synthesis.consultation_id, organisation_id=org.id
    )
    parent = orgs.get(session=db, organisation_id=org.parent_id) if org.parent_id else None
    return render(
        request,
        "synthesis/synthesis.html",
        {
            "consultation": consultations.get(
                session=db, consultation_id=synthesis.consultation_id
            ),
            "view": found,
            "synthesis": synthesis,
            "org": org,
            "parent": parent,
            "revisions": revisions,
            "is_latest": revisions[-1].id == synthesis.id,
            "may_edit": _may_edit(principal, org),
            "people": _names(
                db, [synthesis.signed_off_by_person_id, synthesis.submitted_by_person_id]
            ),
            "error": error,
            "typed": typed or {},
            **_labels(),
        },
        status_code,
    )


def _names(db: Session, person_ids: Iterable[int | None]) -> dict[int, str]:
    ids = [i for i in person_ids if i is not None]
    if not ids:
        return {}
    return dict(db.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids))).all())


def _acting(
    request: Request,
    db: Session,
    principal: Principal,
    synthesis_id: int,
    action: Callable[[], Any],
    *,
    done: Callable[[], str] | None = None,
    typed: dict[str, Any] | None = None,
) -> Response:
    """Run a change to the synthesis, commit and show it; on bad input show it with the message."""
    _synthesis(db, principal, synthesis_id, MODERATOR_ROLES)
    try:
        result = action()
    except UserError as bad:
        db.rollback()
        return _synthesis_page(
            request,
            db,
            principal,
            synthesis_id,
            error=bad.message(request_language(request)),
            status_code=bad.status_code,
            typed=typed,
        )
    db.commit()
    if done is not None:
        return _back(done())
    # a new revision is another synthesis: show that one
    shown = result.id if isinstance(result, Synthesis) else synthesis_id
    return _back(f"/syntheses/{shown}")


@router.post(
    "/syntheses/{synthesis_id}/summary",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def summary_page(
    request: Request,
    synthesis_id: Id,
    summary: Annotated[str, Form(max_length=MAX_TEXT * 2)] = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    return _acting(
        request,
        db,
        principal,
        synthesis_id,
        lambda: syntheses.edit_summary(
            session=db, synthesis_id=synthesis_id, summary=summary, by=principal.person_id
        ),
        typed={"summary": summary},
    )


@router.post(
    "/syntheses/{synthesis_id}/sign-off",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def sign_off_page(
    request: Request,
    synthesis_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    return _acting(
        request,
        db,
        principal,
        synthesis_id,
        lambda: syntheses.sign_off(session=db, synthesis_id=synthesis_id, by=principal.person_id),
    )


@router.post(
    "/syntheses/{synthesis_id}/revise",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def revise_page(
    request: Request,
    synthesis_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    return _acting(
        request,
        db,
        principal,
        synthesis_id,
        lambda: syntheses.new_revision(
            session=db, synthesis_id=synthesis_id, by=principal.person_id
        ),
    )


@router.post(
    "/syntheses/{synthesis_id}/submit",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def submit_page(
    request: Request,
    synthesis_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> Response:
    response = _acting(
        request,
        db,
        principal,
        synthesis_id,
        lambda: syntheses.submit(session=db, synthesis_id=synthesis_id, by=principal.person_id),
    )
    if response.status_code == 303:
        _email_submission(request, db, settings, synthesis_id)
    return response


def _email_submission(request: Request, db: Session, settings: Settings, synthesis_id: int) -> None:
    """After the commit: e-mail the parent's secretaries (when SMTP is configured)."""
    base_url = str(request.base_url).rstrip("/")
    notify.send_submission(
        session=db, settings=settings, synthesis_id=synthesis_id, base_url=base_url
    )


@router.post(
    "/synthesis-items/{item_id}/edit",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def edit_item_page(
    request: Request,
    item_id: Id,
    title: Annotated[str, Form(max_length=MAX_TEXT)] = "",
    summary: Annotated[str, Form(max_length=MAX_TEXT * 2)] = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    item = syntheses.get_item(session=db, item_id=item_id)
    return _acting(
        request,
        db,
        principal,
        item.synthesis_id,
        lambda: syntheses.edit_item(
            session=db, item_id=item_id, by=principal.person_id, title=title, summary=summary
        ),
        done=lambda: f"/syntheses/{item.synthesis_id}#item-{item_id}",
        typed={"item_id": item_id, "title": title, "summary": summary},
    )


def _moved(item_ids: list[int], item_id: int, direction: str) -> list[int]:
    """The order with the item swapped with its neighbour above ("up") or below ("down")."""
    order = list(item_ids)
    here = order.index(item_id)
    there = here - 1 if direction == "up" else here + 1
    if 0 <= there < len(order):
        order[here], order[there] = order[there], order[here]
    return order


@router.post(
    "/synthesis-items/{item_id}/move",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def move_item_page(
    request: Request,
    item_id: Id,
    direction: Annotated[str, Form(pattern="^(up|down)$")],
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    item = syntheses.get_item(session=db, item_id=item_id)
    current = [i.id for i in syntheses.items_of(session=db, synthesis_id=item.synthesis_id)]
    return _acting(
        request,
        db,
        principal,
        item.synthesis_id,
        lambda: syntheses.reorder(
            session=db,
            synthesis_id=item.synthesis_id,
            item_ids=_moved(current, item_id, direction),
            by=principal.person_id,
        ),
        done=lambda: f"/syntheses/{item.synthesis_id}#item-{item_id}",
    )


@router.post(
    "/synthesis-items/{item_id}/quotes",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def quotes_page(
    request: Request,
    item_id: Id,
    opinion_ids: Annotated[list[int], Form(max_length=1_000)] = [],  # noqa: B006
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    item, _, _ = _item(db, principal, item_id, MODERATOR_ROLES)
    try:
        syntheses.set_quotes(
            session=db, item_id=item_id, opinion_ids=opinion_ids, by=principal.person_id
        )
    except UserError as bad:
        db.rollback()
        return _item_page(
            request,
            db,
            principal,
            item_id,
            error=bad.message(request_language(request)),
            status_code=bad.status_code,
        )
    db.commit()
    return _back(f"/syntheses/{item.synthesis_id}#item-{item_id}")


# --- drill-down ------------------------------------------------------------------------------


class OpinionRow:
    """An original opinion as the drill-down lists it."""

    def __init__(self, row: Any) -> None:
        (self.id, self.receipt_code, self.text, self.status, self.channel, self.kind) = row[:6]
        self.section_label: str | None = row[6]
        self.author: str | None = row[7]
        self.submitted_at: datetime = row[8]


def _opinion_rows(db: Session, opinion_ids: list[int]) -> list[OpinionRow]:
    if not opinion_ids:
        return []
    rows = db.execute(
        select(
            Opinion.id,
            Opinion.receipt_code,
            Opinion.text,
            Opinion.status,
            Opinion.channel,
            Opinion.kind,
            Section.label,
            func.coalesce(Person.full_name, Opinion.author_name),
            Opinion.submitted_at,
        )
        .outerjoin(Section, Section.id == Opinion.section_id)
        .outerjoin(Person, Person.id == Opinion.author_person_id)
        .where(Opinion.id.in_(opinion_ids))
        .order_by(Opinion.id)
    ).all()
    return [OpinionRow(row) for row in rows]


def _drill(db: Session, item_id: int, page: int) -> dict[str, Any]:
    found = syntheses.drill_down(session=db, item_id=item_id)
    start = page * PAGE_SIZE
    shown = found.own_opinion_ids[start : start + PAGE_SIZE]
    return {
        "drill": found,
        "opinions": _opinion_rows(db, shown),
        "own_total": len(found.own_opinion_ids),
        "beneath_total": len(syntheses.opinions_under(session=db, item_id=item_id)),
        "page": page,
        "more": len(found.own_opinion_ids) > start + PAGE_SIZE,
    }


@router.get("/synthesis-items/{item_id}", response_class=HTMLResponse, include_in_schema=False)
def item_page(
    request: Request,
    item_id: Id,
    page: Page = 0,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    return _item_page(request, db, principal, item_id, page=page)


def _item_page(
    request: Request,
    db: Session,
    principal: Principal,
    item_id: int,
    *,
    page: int = 0,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    item, synthesis, org = _item(db, principal, item_id, STAFF_ROLES)
    return render(
        request,
        "synthesis/item.html",
        {
            "consultation": consultations.get(
                session=db, consultation_id=synthesis.consultation_id
            ),
            "item": item,
            "synthesis": synthesis,
            "org": org,
            "may_edit": _may_edit(principal, org) and not synthesis.frozen,
            "error": error,
            **_drill(db, item_id, page),
            **_labels(),
        },
        status_code,
    )


# --- downloads -------------------------------------------------------------------------------


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback and the Vietnamese name (RFC 5987)."""
    ascii_name = "".join(
        ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "-"
        for ch in fold(filename).replace("đ", "d")
    )
    ascii_name = "-".join(part for part in ascii_name.split("-") if part) or "report"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _download(report: exports.Report, fmt: str, stem: str) -> Response:
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


def _issue(request: Request) -> reports.Issue:
    settings: Settings = request.app.state.settings
    place = settings.report_place
    return reports.Issue(place=place, issued_on=reports.vietnam_today(settings.tz))


@router.get("/syntheses/{synthesis_id}/report.{fmt}", tags=["syntheses"])
def synthesis_report_download(
    request: Request,
    synthesis_id: Id,
    fmt: Format,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    """ "Báo cáo tổng hợp ý kiến" of the synthesis as DOCX, XLSX, CSV or JSON."""
    synthesis, org = _synthesis(db, principal, synthesis_id, STAFF_ROLES)
    report = reports.synthesis_report(session=db, synthesis_id=synthesis.id, issue=_issue(request))
    return _download(
        report, fmt, f"Báo cáo tổng hợp ý kiến - {org.name} - lần {synthesis.revision}"
    )


@router.get("/c/{consultation_id}/responses/report.{fmt}", tags=["decisions"])
def response_table_download(
    request: Request,
    consultation_id: Id,
    fmt: Format,
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
) -> Response:
    """ "Bảng tổng hợp tiếp thu, giải trình ý kiến" (published decisions only)."""
    consultation: Consultation = readable_consultation(db, consultation_id, principal)
    report = reports.response_table(
        session=db, consultation_id=consultation.id, issue=_issue(request)
    )
    return _download(report, fmt, f"Bảng tổng hợp tiếp thu, giải trình ý kiến - {consultation.id}")


# --- JSON API -------------------------------------------------------------------------------


class CountsOut(BaseModel):
    raw: int = Field(description="every opinion")
    unique: int = Field(description="a campaign counts once")


class FacetOut(BaseModel):
    name: str
    raw: int
    unique: int


class BreakdownOut(BaseModel):
    total: CountsOut
    by_organisation: list[FacetOut]
    by_channel: list[FacetOut]
    by_kind: list[FacetOut]


class SynthesisBrief(BaseModel):
    id: int
    revision: int
    status: str


class UnitOut(BaseModel):
    organisation_id: int
    name: str
    latest: SynthesisBrief | None
    reached: CountsOut = Field(description="opinions that reached it through submitted syntheses")
    beneath: CountsOut = Field(description="every opinion beneath it, submitted or not")
    has_children: bool


class PendingOut(BaseModel):
    organisation_id: int
    name: str
    parent_id: int | None
    depth: int
    status: str | None


class UnitsOut(BaseModel):
    consultation_id: int
    unit: UnitOut
    children: list[UnitOut]
    pending: list[PendingOut]
    pending_total: int


class QuoteOut(BaseModel):
    opinion_id: int
    text: str


class ItemOut(BaseModel):
    id: int
    kind: str
    section_id: int | None
    theme_id: int | None
    title: str
    summary: str
    position: int
    edited: bool
    counts: BreakdownOut
    quotes: list[QuoteOut]
    child_item_count: int


class RevisionOut(BaseModel):
    id: int
    revision: int
    status: str
    signed_off_at: datetime | None
    submitted_at: datetime | None


class SynthesisOut(BaseModel):
    id: int
    consultation_id: int
    organisation_id: int
    organisation_name: str
    revision: int
    status: str
    summary: str
    signed_off_at: datetime | None
    submitted_at: datetime | None
    submitted_to_id: int | None
    totals: BreakdownOut
    items: list[ItemOut]
    history: list[RevisionOut]


class ChildItemOut(BaseModel):
    item_id: int
    synthesis_id: int
    organisation_id: int
    organisation_name: str
    title: str
    raw: int | None
    unique: int | None


class OpinionOut(BaseModel):
    id: int
    receipt_code: str
    text: str
    status: str
    channel: str
    kind: str
    section_label: str | None
    author: str | None
    submitted_at: datetime


class DrillDownOut(BaseModel):
    item_id: int
    synthesis_id: int
    title: str
    child_items: list[ChildItemOut]
    opinions: list[OpinionOut] = Field(description="the item's own opinions, one page")
    own_total: int
    beneath_total: int = Field(description="original opinions at any depth below the item")
    page: int
    more: bool


class DraftIn(BaseModel):
    organisation_id: DbId = Field(ge=1, le=MAX_ID)


class SummaryIn(BaseModel):
    summary: str = Field(max_length=MAX_TEXT * 2)


class OrderIn(BaseModel):
    item_ids: list[DbId] = Field(max_length=10_000)


class ItemIn(BaseModel):
    title: str | None = Field(default=None, max_length=MAX_TEXT)
    summary: str | None = Field(default=None, max_length=MAX_TEXT * 2)


class QuotesIn(BaseModel):
    opinion_ids: list[DbId] = Field(max_length=1_000)


def _facets(rows: list[tuple[str, Any]]) -> list[FacetOut]:
    return [FacetOut(name=name, raw=c.raw, unique=c.unique) for name, c in rows]


def _breakdown_out(found: Breakdown) -> BreakdownOut:
    return BreakdownOut(
        total=CountsOut(raw=found.total.raw, unique=found.total.unique),
        by_organisation=_facets(found.by_organisation),
        by_channel=_facets(found.by_channel),
        by_kind=_facets(found.by_kind),
    )


def _unit_out(row: UnitRow) -> UnitOut:
    latest = row.latest
    return UnitOut(
        organisation_id=row.org.id,
        name=row.org.name,
        latest=SynthesisBrief(id=latest.id, revision=latest.revision, status=latest.status)
        if latest
        else None,
        reached=CountsOut(raw=row.reached.raw, unique=row.reached.unique),
        beneath=CountsOut(raw=row.beneath.raw, unique=row.beneath.unique),
        has_children=row.has_children,
    )


def _item_out(view: syntheses.ItemView) -> ItemOut:
    item = view.item
    return ItemOut(
        id=item.id,
        kind=item.kind,
        section_id=item.section_id,
        theme_id=item.theme_id,
        title=item.title,
        summary=item.summary,
        position=item.position,
        edited=item.edited,
        counts=_breakdown_out(view.counts),
        quotes=[QuoteOut(opinion_id=i, text=text) for i, text in view.quotes],
        child_item_count=view.child_item_count,
    )


def _synthesis_out(db: Session, synthesis_id: int) -> SynthesisOut:
    found = syntheses.view(session=db, synthesis_id=synthesis_id)
    synthesis = found.synthesis
    revisions = syntheses.history(
        session=db,
        consultation_id=synthesis.consultation_id,
        organisation_id=synthesis.organisation_id,
    )
    return SynthesisOut(
        id=synthesis.id,
        consultation_id=synthesis.consultation_id,
        organisation_id=synthesis.organisation_id,
        organisation_name=found.organisation_name,
        revision=synthesis.revision,
        status=synthesis.status,
        summary=synthesis.summary,
        signed_off_at=synthesis.signed_off_at,
        submitted_at=synthesis.submitted_at,
        submitted_to_id=synthesis.submitted_to_id,
        totals=_breakdown_out(found.totals),
        items=[_item_out(view) for view in found.items],
        history=[
            RevisionOut(
                id=r.id,
                revision=r.revision,
                status=r.status,
                signed_off_at=r.signed_off_at,
                submitted_at=r.submitted_at,
            )
            for r in revisions
        ],
    )


@router.get(
    "/api/v1/consultations/{consultation_id}/syntheses", response_model=UnitsOut, tags=["syntheses"]
)
def api_units(
    consultation_id: Id,
    organisation_id: OrgQuery = None,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> UnitsOut:
    """A unit (default: the highest one your roles cover), its children and who has not
    submitted yet."""
    consultations.get(session=db, consultation_id=consultation_id)
    org, _ = _chosen_unit(db, principal, consultation_id, organisation_id)
    found = _units(db, consultation_id, org)
    return UnitsOut(
        consultation_id=consultation_id,
        unit=_unit_out(found["unit"]),
        children=[_unit_out(row) for row in found["children"]],
        pending=[
            PendingOut(
                organisation_id=p.organisation_id,
                name=p.name,
                parent_id=p.parent_id,
                depth=p.depth,
                status=p.status,
            )
            for p in found["pending"]
        ],
        pending_total=found["pending_total"],
    )


@router.post(
    "/api/v1/consultations/{consultation_id}/syntheses",
    response_model=SynthesisOut,
    tags=["syntheses"],
    dependencies=[Depends(verify_csrf)],
)
def api_draft(
    consultation_id: Id,
    body: DraftIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> SynthesisOut:
    """Draft the organisation's synthesis, or refresh its current draft."""
    drafted = _draft(db, principal, consultation_id, body.organisation_id)
    db.commit()
    return _synthesis_out(db, drafted.id)


@router.get("/api/v1/syntheses/{synthesis_id}", response_model=SynthesisOut, tags=["syntheses"])
def api_synthesis(
    synthesis_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> SynthesisOut:
    _synthesis(db, principal, synthesis_id, STAFF_ROLES)
    return _synthesis_out(db, synthesis_id)


def _api_change(
    db: Session, principal: Principal, synthesis_id: int, action: Callable[[], Any]
) -> SynthesisOut:
    _synthesis(db, principal, synthesis_id, MODERATOR_ROLES)
    result = action()
    db.commit()
    return _synthesis_out(db, result.id if isinstance(result, Synthesis) else synthesis_id)


@router.post(
    "/api/v1/syntheses/{synthesis_id}/summary",
    response_model=SynthesisOut,
    tags=["syntheses"],
    dependencies=[Depends(verify_csrf)],
)
def api_summary(
    synthesis_id: Id,
    body: SummaryIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> SynthesisOut:
    return _api_change(
        db,
        principal,
        synthesis_id,
        lambda: syntheses.edit_summary(
            session=db, synthesis_id=synthesis_id, summary=body.summary, by=principal.person_id
        ),
    )


@router.post(
    "/api/v1/syntheses/{synthesis_id}/order",
    response_model=SynthesisOut,
    tags=["syntheses"],
    dependencies=[Depends(verify_csrf)],
)
def api_order(
    synthesis_id: Id,
    body: OrderIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> SynthesisOut:
    """Put the items in this order (every item once)."""
    return _api_change(
        db,
        principal,
        synthesis_id,
        lambda: syntheses.reorder(
            session=db, synthesis_id=synthesis_id, item_ids=body.item_ids, by=principal.person_id
        ),
    )


@router.post(
    "/api/v1/syntheses/{synthesis_id}/sign-off",
    response_model=SynthesisOut,
    tags=["syntheses"],
    dependencies=[Depends(verify_csrf)],
)
def api_sign_off(
    synthesis_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> SynthesisOut:
    """Freeze the synthesis and its counts."""
    return _api_change(
        db,
        principal,
        synthesis_id,
        lambda: syntheses.sign_off(session=db, synthesis_id=synthesis_id, by=principal.person_id),
    )


@router.post(
    "/api/v1/syntheses/{synthesis_id}/revisions",
    response_model=SynthesisOut,
    tags=["syntheses"],
    dependencies=[Depends(verify_csrf)],
)
def api_revise(
    synthesis_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> SynthesisOut:
    """A new draft revision copied from this signed-off one (answers the new revision)."""
    return _api_change(
        db,
        principal,
        synthesis_id,
        lambda: syntheses.new_revision(
            session=db, synthesis_id=synthesis_id, by=principal.person_id
        ),
    )


@router.post(
    "/api/v1/syntheses/{synthesis_id}/submit",
    response_model=SynthesisOut,
    tags=["syntheses"],
    dependencies=[Depends(verify_csrf)],
)
def api_submit(
    request: Request,
    synthesis_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> SynthesisOut:
    """Send the signed-off synthesis to the parent organisation; its secretaries are notified
    in the app and, when SMTP is configured, by e-mail."""
    out = _api_change(
        db,
        principal,
        synthesis_id,
        lambda: syntheses.submit(session=db, synthesis_id=synthesis_id, by=principal.person_id),
    )
    _email_submission(request, db, settings, synthesis_id)
    return out


@router.get("/api/v1/synthesis-items/{item_id}", response_model=DrillDownOut, tags=["syntheses"])
def api_drill_down(
    item_id: Id,
    page: Page = 0,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> DrillDownOut:
    """One level down: the child items consolidated here and a page of the item's own opinions."""
    item, synthesis, _ = _item(db, principal, item_id, STAFF_ROLES)
    found = _drill(db, item_id, page)
    return DrillDownOut(
        item_id=item.id,
        synthesis_id=synthesis.id,
        title=item.title,
        child_items=[ChildItemOut(**vars(child)) for child in found["drill"].child_items],
        opinions=[OpinionOut(**vars(row)) for row in found["opinions"]],
        own_total=found["own_total"],
        beneath_total=found["beneath_total"],
        page=page,
        more=found["more"],
    )


@router.post(
    "/api/v1/synthesis-items/{item_id}",
    response_model=ItemOut,
    tags=["syntheses"],
    dependencies=[Depends(verify_csrf)],
)
def api_edit_item(
    item_id: Id,
    body: ItemIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> ItemOut:
    """Change the item's title and/or summary (kept when the draft is refreshed)."""
    item, synthesis, _ = _item(db, principal, item_id, MODERATOR_ROLES)
    syntheses.edit_item(
        session=db, item_id=item_id, by=principal.person_id, title=body.title, summary=body.summary
    )
    db.commit()
    return _api_item(db, synthesis.id, item.id)


@router.post(
    "/api/v1/synthesis-items/{item_id}/quotes",
    response_model=ItemOut,
    tags=["syntheses"],
    dependencies=[Depends(verify_csrf)],
)
def api_quotes(
    item_id: Id,
    body: QuotesIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> ItemOut:
    """Choose the item's representative quotes (at most five of its opinions)."""
    item, synthesis, _ = _item(db, principal, item_id, MODERATOR_ROLES)
    syntheses.set_quotes(
        session=db, item_id=item_id, opinion_ids=body.opinion_ids, by=principal.person_id
    )
    db.commit()
    return _api_item(db, synthesis.id, item.id)


def _api_item(db: Session, synthesis_id: int, item_id: int) -> ItemOut:
    found = syntheses.view(session=db, synthesis_id=synthesis_id)
    return next(_item_out(view) for view in found.items if view.item.id == item_id)
