"""Home page (consultations) and the consultations API."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation, ConsultationStatus
from ykien.db.base import utcnow
from ykien.drafts.models import Draft, DraftVersion
from ykien.opinions.models import Opinion
from ykien.orgs.models import Organisation
from ykien.web.templating import render
from ykien.web.tx import get_db

router = APIRouter()


class ConsultationOut(BaseModel):
    id: int
    title: str
    description: str
    status: str
    accepting: bool
    opens_at: datetime
    closes_at: datetime
    organiser: str
    draft_id: int
    draft_title: str
    draft_version_id: int
    draft_version: int
    section_count: int
    opinion_count: int
    allow_anonymous: bool
    opinions_public: bool


def accepting(consultation: Consultation, now: datetime) -> bool:
    return (
        consultation.status == ConsultationStatus.OPEN
        and consultation.opens_at <= now < consultation.closes_at
    )


def list_consultations(db: Session, *, consultation_id: int | None = None) -> list[ConsultationOut]:
    """Published consultations, open ones first, newest first, with their counts."""
    counts = (
        select(Opinion.consultation_id, func.count().label("n"))
        .group_by(Opinion.consultation_id)
        .subquery()
    )
    query = (
        select(Consultation, DraftVersion, Draft, Organisation.name, counts.c.n)
        .join(DraftVersion, DraftVersion.id == Consultation.draft_version_id)
        .join(Draft, Draft.id == DraftVersion.draft_id)
        .join(Organisation, Organisation.id == Consultation.organiser_id)
        .outerjoin(counts, counts.c.consultation_id == Consultation.id)
        .where(Consultation.status != ConsultationStatus.DRAFT)
        .order_by(Consultation.closes_at.desc(), Consultation.id.desc())
    )
    if consultation_id is not None:
        query = query.where(Consultation.id == consultation_id)
    now = utcnow()
    items = [
        ConsultationOut(
            id=c.id,
            title=c.title,
            description=c.description,
            status=c.status,
            accepting=accepting(c, now),
            opens_at=c.opens_at,
            closes_at=c.closes_at,
            organiser=organiser,
            draft_id=draft.id,
            draft_title=draft.title,
            draft_version_id=version.id,
            draft_version=version.number,
            section_count=version.section_count,
            opinion_count=count or 0,
            allow_anonymous=c.allow_anonymous,
            opinions_public=c.opinions_public,
        )
        for c, version, draft, organiser, count in db.execute(query)
    ]
    items.sort(key=lambda item: not item.accepting)
    return items


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, db: Session = Depends(get_db)) -> HTMLResponse:
    items = list_consultations(db)
    return render(
        request,
        "consultations/home.html",
        {
            "open_items": [i for i in items if i.accepting],
            "other_items": [i for i in items if not i.accepting],
        },
    )


@router.get("/api/v1/consultations", response_model=list[ConsultationOut], tags=["consultations"])
def api_consultations(db: Session = Depends(get_db)) -> list[ConsultationOut]:
    """Published consultations with their window, draft and opinion counts."""
    return list_consultations(db)


@router.get(
    "/api/v1/consultations/{consultation_id}",
    response_model=ConsultationOut,
    tags=["consultations"],
)
def api_consultation(consultation_id: int, db: Session = Depends(get_db)) -> ConsultationOut:
    found = list_consultations(db, consultation_id=consultation_id)
    if not found:
        consultations.get(session=db, consultation_id=-1)  # raises the 404 in both languages
    return found[0]
