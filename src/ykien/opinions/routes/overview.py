"""The consultations with their opinions: the public home page, the secretariat's start page,
and their JSON twins. (Here, above consultations: the counts are of opinions.)"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from ykien.consultations import service as consultations
from ykien.consultations.schemas import ConsultationOut, ManagedOut
from ykien.db.base import utcnow
from ykien.opinions import queries
from ykien.web.access import may_run, roots_of
from ykien.web.deps import MODERATOR_ROLES, STAFF_ROLES, PathId, Principal, require_staff
from ykien.web.i18n import translator
from ykien.web.pairing import page_and_json
from ykien.web.templating import render, request_language
from ykien.web.tx import Db

router = APIRouter()


def list_consultations(db: Session, *, consultation_id: int | None = None) -> list[ConsultationOut]:
    """Published consultations, open ones first, newest first, with their counts."""
    found = consultations.published(session=db, consultation_id=consultation_id)
    counts = queries.counts_by_consultation(
        session=db, consultation_ids=[item.consultation.id for item in found]
    )
    now = utcnow()
    items = [
        ConsultationOut(
            id=item.consultation.id,
            title=item.consultation.title,
            description=item.consultation.description,
            status=item.consultation.status,
            accepting=consultations.accepting(item.consultation, now),
            opens_at=item.consultation.opens_at,
            closes_at=item.consultation.closes_at,
            organiser=item.organiser_name,
            draft_id=item.draft.id,
            draft_title=item.draft.title,
            draft_version_id=item.version.id,
            draft_version=item.version.number,
            section_count=item.version.section_count,
            opinion_count=counts.get(item.consultation.id, 0),
            allow_anonymous=item.consultation.allow_anonymous,
            opinions_public=item.consultation.opinions_public,
        )
        for item in found
    ]
    items.sort(key=lambda item: not item.accepting)
    return items


def unit_work(db: Session, principal: Principal | None) -> set[int]:
    """The consultations a unit of the signed-in staff member takes part in without running
    them (inside the scope, below the organiser): their cards link to its events and
    syntheses."""
    if principal is None or not principal.is_staff:
        return set()
    roots = roots_of(principal, STAFF_ROLES)
    return {item.consultation.id for item in consultations.taking_part(session=db, roots=roots)}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, db: Db) -> HTMLResponse:
    items = list_consultations(db)
    return render(
        request,
        "opinions/home.html",
        {
            "open_items": [i for i in items if i.accepting],
            "other_items": [i for i in items if not i.accepting],
            "unit_work": unit_work(db, getattr(request.state, "principal", None)),
        },
    )


@router.get("/api/v1/consultations", response_model=list[ConsultationOut], tags=["consultations"])
def api_consultations(db: Db) -> list[ConsultationOut]:
    """Published consultations with their window, draft and opinion counts."""
    return list_consultations(db)


@router.get(
    "/api/v1/consultations/{consultation_id}",
    response_model=ConsultationOut,
    tags=["consultations"],
)
def api_consultation(consultation_id: PathId, db: Db) -> ConsultationOut:
    found = list_consultations(db, consultation_id=consultation_id)
    if not found:
        raise consultations.not_found(consultation_id)
    return found[0]


# --- the secretariat's start page ----------------------------------------------------------


def status_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        "draft": _("Not published"),
        "open": _("Published to participants"),
        "closed": _("Closed"),
    }


def _managed_out(item: consultations.ManagedConsultation, count: int, manage: bool) -> ManagedOut:
    c = item.consultation
    return ManagedOut(
        id=c.id,
        title=c.title,
        status=c.status,
        opens_at=c.opens_at,
        closes_at=c.closes_at,
        organiser=item.organiser_name,
        draft_title=item.draft_title,
        draft_version=item.version_number,
        opinion_count=count,
        can_manage=manage,
        reader_url=f"/c/{c.id}",
        opinions_url=f"/c/{c.id}/opinions",
        moderation_url=f"/c/{c.id}/moderation",
        import_url=f"/c/{c.id}/import" if manage else None,
        analysis_url=f"/c/{c.id}/analysis",
        levels_url=f"/c/{c.id}/levels",
        draft_url=f"/secretariat/drafts/{item.draft_id}" if manage else None,
    )


def _extras(request: Request, _data: object) -> dict[str, object]:
    principal = request.state.principal
    _ = translator(request_language(request))
    return {
        "can_create": principal is not None and principal.has_any(MODERATOR_ROLES),
        "status_labels": status_labels(_),
    }


@page_and_json(
    router,
    "/secretariat",
    "/api/v1/secretariat/consultations",
    template="opinions/secretariat.html",
    tags=["secretariat"],
    extras=_extras,
)
def secretariat_consultations(
    db: Db, principal: Principal = Depends(require_staff)
) -> list[ManagedOut]:
    """The consultations the caller's staff roles cover, published or not, with their links."""
    items = consultations.managed_under(session=db, roots=roots_of(principal, STAFF_ROLES))
    counts = queries.counts_by_consultation(
        session=db, consultation_ids=[item.consultation.id for item in items]
    )
    return [
        _managed_out(
            item,
            counts.get(item.consultation.id, 0),
            may_run(principal, item.authority_paths, MODERATOR_ROLES),
        )
        for item in items
    ]
