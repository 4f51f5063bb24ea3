"""Subcommittee queues, decisions, the public response report, the trace and the inbox; JSON twins.

Who may do what (checked here, on the server): subcommittee members, chairs, secretaries and
admins whose roles cover a subcommittee's organisation see its queue; members and chairs draft
and forward; only a chair approves; a chair or a secretary publishes. Participants see only
published decisions (their trace, the public response report).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import update
from sqlalchemy.orm import Session

from ykien.accounts.models import Role
from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.consultations.models import Subcommittee
from ykien.consultations.secretariat_views import check_runs
from ykien.db.base import utcnow
from ykien.decisions import notify
from ykien.decisions import service as decisions
from ykien.decisions.models import (
    CHANGE_LABELS,
    DECISION_STATUS_LABELS,
    OUTCOME_LABELS,
    SYNTHESIS_LABELS,
    TARGET_LABELS,
    VIA_LABELS,
    Decision,
    Outcome,
)
from ykien.drafts.views import readable_consultation
from ykien.errors import UserError
from ykien.events import service as events
from ykien.events.models import Notification
from ykien.opinions import queries
from ykien.orgs import service as orgs
from ykien.types import DbId
from ykien.web.deps import (
    MAX_ID,
    PathId,
    Principal,
    current_principal,
    forbid,
    get_db,
    get_settings,
    require_principal,
    require_staff,
)
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language

router = APIRouter()
log = logging.getLogger(__name__)
Id = PathId
Page = Annotated[int, Query(ge=0, le=1_000_000)]
PAGE_SIZE = 50
TARGET_PATTERN = "^(opinion|theme|campaign)$"

VIEW_ROLES = (Role.SUBCOMMITTEE_MEMBER, Role.CHAIR, Role.SECRETARY, Role.ADMIN)
DRAFT_ROLES = (Role.SUBCOMMITTEE_MEMBER, Role.CHAIR)
APPROVE_ROLES = (Role.CHAIR,)
PUBLISH_ROLES = (Role.CHAIR, Role.SECRETARY)


# --- who may do what -------------------------------------------------------------------------


def _may(db: Session, principal: Principal, subcommittee: Subcommittee, roles: Any) -> bool:
    org = orgs.get(session=db, organisation_id=subcommittee.organisation_id)
    return principal.covers(org.tree_path, roles)


def _check(db: Session, principal: Principal, subcommittee: Subcommittee, roles: Any) -> None:
    if not _may(db, principal, subcommittee, roles):
        raise forbid()


def _subcommittee(
    db: Session, principal: Principal, subcommittee_id: int, roles: Any
) -> Subcommittee:
    found = decisions.get_subcommittee(session=db, subcommittee_id=subcommittee_id)
    _check(db, principal, found, roles)
    return found


def _decision(db: Session, principal: Principal, decision_id: int, roles: Any) -> Decision:
    decision = decisions.get_decision(session=db, decision_id=decision_id)
    subcommittee = decisions.get_subcommittee(session=db, subcommittee_id=decision.subcommittee_id)
    _check(db, principal, subcommittee, roles)
    return decision


def _labels() -> dict[str, Any]:
    return {
        "OUTCOME_LABELS": OUTCOME_LABELS,
        "DECISION_STATUS_LABELS": DECISION_STATUS_LABELS,
        "TARGET_LABELS": TARGET_LABELS,
        "CHANGE_LABELS": CHANGE_LABELS,
        "VIA_LABELS": VIA_LABELS,
        "SYNTHESIS_LABELS": SYNTHESIS_LABELS,
        "OUTCOMES": list(Outcome),
    }


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _acting(
    request: Request,
    db: Session,
    action: Callable[[], Any],
    done: Callable[[Any], str],
    failed: Callable[[str, int], Response],
) -> Response:
    """Run a state change, commit and go on; on bad input show `failed` with the message."""
    try:
        result = action()
    except UserError as bad:
        db.rollback()
        return failed(bad.message(request_language(request)), bad.status_code)
    db.commit()
    return _back(done(result))


def _email(request: Request, db: Session, settings: Settings, publication_id: int) -> None:
    """After the publication is committed: e-mail its batch (never undoes the publication)."""
    base = str(request.base_url).rstrip("/")
    notify.send_publication(
        session=db, settings=settings, publication_id=publication_id, base_url=base
    )
    db.commit()


# --- subcommittees and queues ----------------------------------------------------------------


@router.get(
    "/c/{consultation_id}/subcommittees", response_class=HTMLResponse, include_in_schema=False
)
def subcommittees_page(
    request: Request,
    consultation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    check_runs(db, principal, consultation_id, VIEW_ROLES)
    return render(
        request,
        "decisions/subcommittees.html",
        {
            "consultation": consultations.get(session=db, consultation_id=consultation_id),
            "rows": _subcommittee_rows(db, principal, consultation_id),
        },
    )


def _subcommittee_rows(
    db: Session, principal: Principal, consultation_id: int
) -> list[dict[str, Any]]:
    rows = []
    for sub in decisions.subcommittees_of(session=db, consultation_id=consultation_id):
        org = orgs.get(session=db, organisation_id=sub.organisation_id)
        rows.append(
            {
                "id": sub.id,
                "name": sub.name,
                "organisation": org.name,
                "level": org.level,
                "mine": principal.covers(org.tree_path, VIEW_ROLES),
            }
        )
    return rows


@router.get(
    "/subcommittees/{subcommittee_id}", response_class=HTMLResponse, include_in_schema=False
)
def queue_page(
    request: Request,
    subcommittee_id: Id,
    page: Page = 0,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    return _queue_page(request, db, principal, subcommittee_id, page)


def _queue_page(
    request: Request,
    db: Session,
    principal: Principal,
    subcommittee_id: int,
    page: int = 0,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    sub = _subcommittee(db, principal, subcommittee_id, VIEW_ROLES)
    found = decisions.queue(
        session=db,
        subcommittee_id=sub.id,
        opinion_limit=PAGE_SIZE,
        opinion_offset=page * PAGE_SIZE,
    )
    others = [
        s
        for s in decisions.subcommittees_of(session=db, consultation_id=sub.consultation_id)
        if s.id != sub.id
    ]
    return render(
        request,
        "decisions/queue.html",
        {
            "consultation": consultations.get(session=db, consultation_id=sub.consultation_id),
            "sub": sub,
            "queue": found,
            "others": others,
            "names": {s.id: s.name for s in [sub, *others]},
            "page": page,
            "more": (page + 1) * PAGE_SIZE < found.opinion_total,
            "may_draft": _may(db, principal, sub, DRAFT_ROLES),
            "error": error,
            **_labels(),
        },
        status_code,
    )


@router.post(
    "/subcommittees/{subcommittee_id}/forward",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def forward_page(
    request: Request,
    subcommittee_id: Id,
    target_type: Annotated[str, Form(pattern=TARGET_PATTERN)],
    target_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    to: Annotated[str, Form(pattern="^(up|[0-9]{1,10})$")],
    note: Annotated[str, Form(max_length=10_000)] = "",
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    _subcommittee(db, principal, subcommittee_id, DRAFT_ROLES)
    return _acting(
        request,
        db,
        lambda: decisions.forward(
            session=db,
            subcommittee_id=subcommittee_id,
            target_type=target_type,
            target_id=target_id,
            to_subcommittee_id=None if to == "up" else int(to),
            note=note,
            actor_person_id=principal.person_id,
        ),
        lambda _: f"/subcommittees/{subcommittee_id}",
        lambda message, status: _queue_page(
            request, db, principal, subcommittee_id, error=message, status_code=status
        ),
    )


# --- drafting and the decision page ------------------------------------------------------------


@router.get(
    "/subcommittees/{subcommittee_id}/decide", response_class=HTMLResponse, include_in_schema=False
)
def decide_form(
    request: Request,
    subcommittee_id: Id,
    target_type: Annotated[str, Query(pattern=TARGET_PATTERN)] = "opinion",
    target_id: Annotated[int, Query(ge=1, le=MAX_ID)] = 1,
    supersedes: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    sub = _subcommittee(db, principal, subcommittee_id, DRAFT_ROLES)
    title = decisions.check_item(
        session=db,
        consultation_id=sub.consultation_id,
        target_type=target_type,
        target_id=target_id,
    )
    typed: dict[str, Any] = {"outcome": "", "explanation": "", "new_wording": "", "sections": []}
    if supersedes is not None:
        old = decisions.get_decision(session=db, decision_id=supersedes)
        typed = {
            "outcome": old.outcome,
            "explanation": old.explanation,
            "new_wording": old.new_wording or "",
            "sections": decisions.section_ids_of(session=db, decision_id=old.id),
        }
    return _form_page(request, db, sub, target_type, target_id, title, supersedes, typed)


def _form_page(
    request: Request,
    db: Session,
    sub: Subcommittee,
    target_type: str,
    target_id: int,
    title: str,
    supersedes: int | None,
    typed: dict[str, Any],
    error: str | None = None,
    status_code: int = 200,
    action: str | None = None,
) -> HTMLResponse:
    version, sections = decisions.section_choices(session=db, consultation_id=sub.consultation_id)
    return render(
        request,
        "decisions/form.html",
        {
            "consultation": consultations.get(session=db, consultation_id=sub.consultation_id),
            "sub": sub,
            "target_type": target_type,
            "target_id": target_id,
            "title": title,
            "supersedes": supersedes,
            "typed": typed,
            "version": version,
            "sections": sections,
            "action": action or f"/subcommittees/{sub.id}/decisions",
            "error": error,
            **_labels(),
        },
        status_code,
    )


@router.post(
    "/subcommittees/{subcommittee_id}/decisions",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def draft_page(
    request: Request,
    subcommittee_id: Id,
    target_type: Annotated[str, Form(pattern=TARGET_PATTERN)],
    target_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    outcome: Annotated[str, Form(max_length=20)] = "",
    explanation: Annotated[str, Form(max_length=100_000)] = "",
    new_wording: Annotated[str, Form(max_length=100_000)] = "",
    section_ids: Annotated[list[int], Form(max_length=1_000)] = [],  # noqa: B006
    supersedes_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    sub = _subcommittee(db, principal, subcommittee_id, DRAFT_ROLES)
    typed = {
        "outcome": outcome,
        "explanation": explanation,
        "new_wording": new_wording,
        "sections": section_ids,
    }

    def failed(message: str, status: int) -> Response:
        title = decisions.check_item(
            session=db,
            consultation_id=sub.consultation_id,
            target_type=target_type,
            target_id=target_id,
        )
        return _form_page(
            request, db, sub, target_type, target_id, title, supersedes_id, typed, message, status
        )

    return _acting(
        request,
        db,
        lambda: decisions.draft(
            session=db,
            subcommittee_id=sub.id,
            target_type=target_type,
            target_id=target_id,
            outcome=outcome,
            explanation=explanation,
            new_wording=new_wording,
            section_ids=section_ids,
            supersedes_id=supersedes_id,
            actor_person_id=principal.person_id,
        ),
        lambda made: f"/decisions/{made.id}",
        failed,
    )


@router.get("/decisions/{decision_id}", response_class=HTMLResponse, include_in_schema=False)
def decision_page(
    request: Request,
    decision_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    return _decision_page(request, db, principal, decision_id)


def _decision_page(
    request: Request,
    db: Session,
    principal: Principal,
    decision_id: int,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    decision = _decision(db, principal, decision_id, VIEW_ROLES)
    sub = decisions.get_subcommittee(session=db, subcommittee_id=decision.subcommittee_id)
    version, sections = decisions.section_choices(session=db, consultation_id=sub.consultation_id)
    past = decisions.history(session=db, decision=decision)
    people = decisions.people_by_id(
        session=db,
        person_ids={
            p
            for d in past
            for p in (d.drafted_by_person_id, d.approved_by_person_id, d.published_by_person_id)
            if p
        },
    )
    return render(
        request,
        "decisions/decision.html",
        {
            "consultation": consultations.get(session=db, consultation_id=decision.consultation_id),
            "decision": decision,
            "sub": sub,
            "title": decisions.check_item_title(db, decision),
            "changes": decisions.section_changes(session=db, decision=decision),
            "history": past,
            "people": {i: p.full_name for i, p in people.items()},
            "version": version,
            "sections": sections,
            "chosen": decisions.section_ids_of(session=db, decision_id=decision.id),
            "may_draft": _may(db, principal, sub, DRAFT_ROLES),
            "may_approve": _may(db, principal, sub, APPROVE_ROLES),
            "may_publish": _may(db, principal, sub, PUBLISH_ROLES),
            "error": error,
            **_labels(),
        },
        status_code,
    )


def _decision_action(
    request: Request,
    db: Session,
    principal: Principal,
    decision_id: int,
    roles: Any,
    action: Callable[[], Any],
) -> Response:
    _decision(db, principal, decision_id, roles)
    return _acting(
        request,
        db,
        action,
        lambda _: f"/decisions/{decision_id}",
        lambda message, status: _decision_page(
            request, db, principal, decision_id, error=message, status_code=status
        ),
    )


@router.post(
    "/decisions/{decision_id}/edit", include_in_schema=False, dependencies=[Depends(verify_csrf)]
)
def edit_page(
    request: Request,
    decision_id: Id,
    outcome: Annotated[str, Form(max_length=20)] = "",
    explanation: Annotated[str, Form(max_length=100_000)] = "",
    new_wording: Annotated[str, Form(max_length=100_000)] = "",
    section_ids: Annotated[list[int], Form(max_length=1_000)] = [],  # noqa: B006
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    return _decision_action(
        request,
        db,
        principal,
        decision_id,
        DRAFT_ROLES,
        lambda: decisions.edit(
            session=db,
            decision_id=decision_id,
            outcome=outcome,
            explanation=explanation,
            new_wording=new_wording,
            section_ids=section_ids,
            actor_person_id=principal.person_id,
        ),
    )


@router.post(
    "/decisions/{decision_id}/approve",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def approve_page(
    request: Request,
    decision_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> Response:
    return _decision_action(
        request,
        db,
        principal,
        decision_id,
        APPROVE_ROLES,
        lambda: decisions.approve(
            session=db, decision_id=decision_id, actor_person_id=principal.person_id
        ),
    )


def _check_publishable(db: Session, principal: Principal, decision_ids: list[int]) -> None:
    for decision_id in set(decision_ids):
        _decision(db, principal, decision_id, PUBLISH_ROLES)


@router.post(
    "/c/{consultation_id}/decisions/publish",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def publish_page(
    request: Request,
    consultation_id: Id,
    decision_ids: Annotated[list[int], Form(max_length=1_000)] = [],  # noqa: B006
    back: Annotated[str, Form(pattern="^(list|decision)$")] = "list",
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
    db: Session = Depends(get_db),
) -> Response:
    check_runs(db, principal, consultation_id, VIEW_ROLES)
    _check_publishable(db, principal, decision_ids)
    try:
        published = decisions.publish(
            session=db,
            consultation_id=consultation_id,
            decision_ids=decision_ids,
            actor_person_id=principal.person_id,
        )
    except UserError as bad:
        db.rollback()
        message = bad.message(request_language(request))
        if back == "decision" and len(decision_ids) == 1:
            return _decision_page(request, db, principal, decision_ids[0], message, bad.status_code)
        return _list_page(request, db, principal, consultation_id, message, bad.status_code)
    publication_id = published.publication.id
    db.commit()
    _email(request, db, settings, publication_id)
    if back == "decision" and len(decision_ids) == 1:
        return _back(f"/decisions/{decision_ids[0]}")
    return _back(f"/c/{consultation_id}/decisions")


@router.get("/c/{consultation_id}/decisions", response_class=HTMLResponse, include_in_schema=False)
def decisions_page(
    request: Request,
    consultation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    return _list_page(request, db, principal, consultation_id)


def _list_page(
    request: Request,
    db: Session,
    principal: Principal,
    consultation_id: int,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    check_runs(db, principal, consultation_id, VIEW_ROLES)
    found = decisions.decisions_of(session=db, consultation_id=consultation_id)
    subs = {
        s.id: s for s in decisions.subcommittees_of(session=db, consultation_id=consultation_id)
    }
    publishable = {s_id for s_id, s in subs.items() if _may(db, principal, s, PUBLISH_ROLES)}
    return render(
        request,
        "decisions/list.html",
        {
            "consultation": consultations.get(session=db, consultation_id=consultation_id),
            "rows": [
                (d, decisions.check_item_title(db, d), subs[d.subcommittee_id].name) for d in found
            ],
            "publishable": publishable,
            "error": error,
            **_labels(),
        },
        status_code,
    )


# --- public response report and receipt lookup ------------------------------------------------


@router.get("/c/{consultation_id}/responses", response_class=HTMLResponse, include_in_schema=False)
def responses_page(
    request: Request,
    consultation_id: Id,
    code: Annotated[str, Query(max_length=40)] = "",
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    consultation = readable_consultation(db, consultation_id, principal)
    found = (
        decisions.lookup(session=db, consultation_id=consultation.id, receipt_code=code)
        if code
        else None
    )
    return render(
        request,
        "decisions/responses.html",
        {
            "consultation": consultation,
            "responses": decisions.responses(session=db, consultation_id=consultation.id),
            "code": code,
            "found": found,
            **_labels(),
        },
    )


# --- the participant: trace on "my opinions" and the inbox -------------------------------------


@router.get("/me/opinions/trace", response_class=HTMLResponse, include_in_schema=False)
def my_traces_fragment(
    request: Request,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    principal: Principal = Depends(require_principal),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    """The traces of one page of "my opinions", swapped into that page by htmx (out of band)."""
    return render(
        request,
        "decisions/_traces.html",
        {"traces": _my_traces(db, principal, page), **_labels()},
    )


def _my_traces(db: Session, principal: Principal, page: int) -> dict[int, decisions.Trace]:
    mine = queries.opinions_of_person(
        session=db, person_id=principal.person_id, page=page, per_page=50
    )
    return decisions.traces(session=db, opinion_ids=[item.id for item in mine.items])


@router.get("/me/notifications", response_class=HTMLResponse, include_in_schema=False)
def inbox_page(
    request: Request,
    principal: Principal = Depends(require_principal),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    found = events.notifications_for(session=db, person_id=principal.person_id, organisation_ids=[])
    return render(request, "decisions/inbox.html", {"notifications": found})


@router.post("/me/notifications/read", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def mark_read(
    principal: Principal = Depends(require_principal), db: Session = Depends(get_db)
) -> Response:
    _mark_read(db, principal)
    db.commit()
    return _back("/me/notifications")


def _mark_read(db: Session, principal: Principal) -> int:
    result = db.execute(
        update(Notification)
        .where(Notification.person_id == principal.person_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- JSON API -------------------------------------------------------------------------------


class SubcommitteeOut(BaseModel):
    id: int
    name: str
    organisation: str
    level: int


class DecisionBrief(BaseModel):
    id: int
    status: str
    outcome: str


class QueueItemOut(BaseModel):
    target_type: str
    target_id: int
    title: str
    opinion_count: int
    forwarded_in: bool
    decision: DecisionBrief | None


class ForwardOut(BaseModel):
    id: int
    target_type: str
    target_id: int
    from_subcommittee_id: int
    to_subcommittee_id: int
    note: str
    forwarded_by_person_id: int | None
    forwarded_at: datetime


class QueueOut(BaseModel):
    subcommittee_id: int
    themes: list[QueueItemOut]
    campaigns: list[QueueItemOut]
    opinions: list[QueueItemOut]
    opinion_total: int
    trail: list[ForwardOut]


class SectionChangeOut(BaseModel):
    section_id: int
    label: str
    version_number: int
    new_section_id: int | None
    new_label: str | None
    status: str | None = Field(description="same, changed, new or removed in the next version")
    diff: str


class DecisionOut(BaseModel):
    id: int
    consultation_id: int
    subcommittee_id: int
    target_type: str
    target_id: int
    outcome: str
    explanation: str
    new_wording: str | None
    status: str
    supersedes_id: int | None
    created_at: datetime
    approved_at: datetime | None
    published_at: datetime | None
    sections: list[SectionChangeOut]


class ForwardIn(BaseModel):
    target_type: str = Field(pattern=TARGET_PATTERN)
    target_id: DbId = Field(ge=1, le=MAX_ID)
    to_subcommittee_id: DbId | None = Field(default=None, description="None: up a level")
    note: str = Field(default="", max_length=10_000)


class DecisionIn(BaseModel):
    target_type: str = Field(pattern=TARGET_PATTERN)
    target_id: DbId = Field(ge=1, le=MAX_ID)
    outcome: str
    explanation: str = Field(max_length=100_000)
    new_wording: str | None = Field(default=None, max_length=100_000)
    section_ids: list[DbId] = Field(default_factory=list, max_length=1_000)
    supersedes_id: DbId | None = None


class PublishIn(BaseModel):
    decision_ids: list[DbId] = Field(min_length=1, max_length=1_000)


class PublicationOut(BaseModel):
    id: int
    decision_ids: list[int]
    notified_people: int


class SynthesisStepOut(BaseModel):
    organisation: str
    level: int
    status: str
    revision: int
    date: datetime | None


class PublicDecisionOut(BaseModel):
    id: int
    outcome: str
    explanation: str
    new_wording: str | None
    published_at: datetime | None


class TraceOut(BaseModel):
    opinion_id: int
    campaign_id: int | None
    campaign_size: int | None
    theme_id: int | None
    theme_label: str | None
    syntheses: list[SynthesisStepOut]
    decision: PublicDecisionOut | None
    via: str | None


class ResponseOut(BaseModel):
    decision: PublicDecisionOut
    target_type: str
    title: str
    opinion_count: int
    sections: list[SectionChangeOut]


class LookupOut(BaseModel):
    receipt_code: str
    status: str
    section_label: str | None
    text: str | None
    submitted_at: datetime
    trace: TraceOut


class ResponsesOut(BaseModel):
    consultation_id: int
    responses: list[ResponseOut]
    lookup: LookupOut | None


class NotificationOut(BaseModel):
    id: int
    text: str
    link: str
    created_at: datetime
    read: bool


def _brief(decision: Decision | None) -> DecisionBrief | None:
    if decision is None:
        return None
    return DecisionBrief(id=decision.id, status=decision.status, outcome=decision.outcome)


def _change_out(change: decisions.SectionChange) -> SectionChangeOut:
    return SectionChangeOut(**change.__dict__)


def _decision_out(db: Session, decision: Decision) -> DecisionOut:
    return DecisionOut(
        id=decision.id,
        consultation_id=decision.consultation_id,
        subcommittee_id=decision.subcommittee_id,
        target_type=decision.target_type,
        target_id=decision.target_id,
        outcome=decision.outcome,
        explanation=decision.explanation,
        new_wording=decision.new_wording,
        status=decision.status,
        supersedes_id=decision.supersedes_id,
        created_at=decision.created_at,
        approved_at=decision.approved_at,
        published_at=decision.published_at,
        sections=[_change_out(c) for c in decisions.section_changes(session=db, decision=decision)],
    )


def _public(decision: Decision | None) -> PublicDecisionOut | None:
    if decision is None:
        return None
    return PublicDecisionOut(
        id=decision.id,
        outcome=decision.outcome,
        explanation=decision.explanation,
        new_wording=decision.new_wording,
        published_at=decision.published_at,
    )


def _trace_out(trace: decisions.Trace) -> TraceOut:
    return TraceOut(
        opinion_id=trace.opinion_id,
        campaign_id=trace.campaign_id,
        campaign_size=trace.campaign_size,
        theme_id=trace.theme_id,
        theme_label=trace.theme_label,
        syntheses=[SynthesisStepOut(**s.__dict__) for s in trace.syntheses],
        decision=_public(trace.decision),
        via=trace.via,
    )


def _items_out(items: list[decisions.QueueItem]) -> list[QueueItemOut]:
    return [
        QueueItemOut(
            target_type=i.target_type,
            target_id=i.target_id,
            title=i.title,
            opinion_count=i.opinion_count,
            forwarded_in=i.forwarded_in,
            decision=_brief(i.decision),
        )
        for i in items
    ]


def _forward_out(forward: Any) -> ForwardOut:
    return ForwardOut(
        id=forward.id,
        target_type=forward.target_type,
        target_id=forward.target_id,
        from_subcommittee_id=forward.from_subcommittee_id,
        to_subcommittee_id=forward.to_subcommittee_id,
        note=forward.note,
        forwarded_by_person_id=forward.forwarded_by_person_id,
        forwarded_at=forward.forwarded_at,
    )


@router.get(
    "/api/v1/consultations/{consultation_id}/subcommittees",
    response_model=list[SubcommitteeOut],
    tags=["decisions"],
)
def api_subcommittees(
    consultation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> list[SubcommitteeOut]:
    check_runs(db, principal, consultation_id, VIEW_ROLES)
    return [
        SubcommitteeOut(
            id=r["id"], name=r["name"], organisation=r["organisation"], level=r["level"]
        )
        for r in _subcommittee_rows(db, principal, consultation_id)
    ]


@router.get(
    "/api/v1/subcommittees/{subcommittee_id}/queue", response_model=QueueOut, tags=["decisions"]
)
def api_queue(
    subcommittee_id: Id,
    page: Page = 0,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> QueueOut:
    """Themes, campaigns and opinions (50 a page) routed to the subcommittee, and its trail."""
    sub = _subcommittee(db, principal, subcommittee_id, VIEW_ROLES)
    found = decisions.queue(
        session=db, subcommittee_id=sub.id, opinion_limit=PAGE_SIZE, opinion_offset=page * PAGE_SIZE
    )
    return QueueOut(
        subcommittee_id=sub.id,
        themes=_items_out(found.themes),
        campaigns=_items_out(found.campaigns),
        opinions=_items_out(found.opinions),
        opinion_total=found.opinion_total,
        trail=[_forward_out(f) for f in found.trail],
    )


@router.post(
    "/api/v1/subcommittees/{subcommittee_id}/forward",
    response_model=ForwardOut,
    status_code=201,
    tags=["decisions"],
    dependencies=[Depends(verify_csrf)],
)
def api_forward(
    subcommittee_id: Id,
    body: ForwardIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> ForwardOut:
    _subcommittee(db, principal, subcommittee_id, DRAFT_ROLES)
    made = decisions.forward(
        session=db,
        subcommittee_id=subcommittee_id,
        target_type=body.target_type,
        target_id=body.target_id,
        to_subcommittee_id=body.to_subcommittee_id,
        note=body.note,
        actor_person_id=principal.person_id,
    )
    answer = _forward_out(made)
    db.commit()
    return answer


@router.post(
    "/api/v1/subcommittees/{subcommittee_id}/decisions",
    response_model=DecisionOut,
    status_code=201,
    tags=["decisions"],
    dependencies=[Depends(verify_csrf)],
)
def api_draft(
    subcommittee_id: Id,
    body: DecisionIn,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> DecisionOut:
    _subcommittee(db, principal, subcommittee_id, DRAFT_ROLES)
    made = decisions.draft(
        session=db,
        subcommittee_id=subcommittee_id,
        actor_person_id=principal.person_id,
        **body.model_dump(),
    )
    answer = _decision_out(db, made)
    db.commit()
    return answer


@router.get("/api/v1/decisions/{decision_id}", response_model=DecisionOut, tags=["decisions"])
def api_decision(
    decision_id: Id, principal: Principal = Depends(require_staff), db: Session = Depends(get_db)
) -> DecisionOut:
    """A decision with its sections, each mapped onto the next version (with the word diff)."""
    return _decision_out(db, _decision(db, principal, decision_id, VIEW_ROLES))


@router.post(
    "/api/v1/decisions/{decision_id}/approve",
    response_model=DecisionOut,
    tags=["decisions"],
    dependencies=[Depends(verify_csrf)],
)
def api_approve(
    decision_id: Id, principal: Principal = Depends(require_staff), db: Session = Depends(get_db)
) -> DecisionOut:
    _decision(db, principal, decision_id, APPROVE_ROLES)
    made = decisions.approve(
        session=db, decision_id=decision_id, actor_person_id=principal.person_id
    )
    answer = _decision_out(db, made)
    db.commit()
    return answer


@router.post(
    "/api/v1/consultations/{consultation_id}/decisions/publish",
    response_model=PublicationOut,
    tags=["decisions"],
    dependencies=[Depends(verify_csrf)],
)
def api_publish(
    request: Request,
    consultation_id: Id,
    body: PublishIn,
    principal: Principal = Depends(require_staff),
    settings: Settings = Depends(get_settings),
    db: Session = Depends(get_db),
) -> PublicationOut:
    """Publish approved decisions as one batch: one notice (and e-mail) per person."""
    check_runs(db, principal, consultation_id, VIEW_ROLES)
    _check_publishable(db, principal, body.decision_ids)
    published = decisions.publish(
        session=db,
        consultation_id=consultation_id,
        decision_ids=body.decision_ids,
        actor_person_id=principal.person_id,
    )
    answer = PublicationOut(
        id=published.publication.id,
        decision_ids=sorted(d.id for d in published.decisions),
        notified_people=len(published.recipients),
    )
    db.commit()
    _email(request, db, settings, answer.id)
    return answer


@router.get(
    "/api/v1/consultations/{consultation_id}/decisions",
    response_model=list[DecisionOut],
    tags=["decisions"],
)
def api_decisions(
    consultation_id: Id,
    principal: Principal = Depends(require_staff),
    db: Session = Depends(get_db),
) -> list[DecisionOut]:
    check_runs(db, principal, consultation_id, VIEW_ROLES)
    return [
        _decision_out(db, d)
        for d in decisions.decisions_of(session=db, consultation_id=consultation_id)
    ]


@router.get(
    "/api/v1/consultations/{consultation_id}/responses",
    response_model=ResponsesOut,
    tags=["decisions"],
)
def api_responses(
    consultation_id: Id,
    code: Annotated[str, Query(max_length=40)] = "",
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
) -> ResponsesOut:
    """The published decisions (response report); with `code`, one opinion by receipt code."""
    consultation = readable_consultation(db, consultation_id, principal)
    found = (
        decisions.lookup(session=db, consultation_id=consultation.id, receipt_code=code)
        if code
        else None
    )
    return ResponsesOut(
        consultation_id=consultation.id,
        responses=[
            ResponseOut(
                decision=_public(r.decision),
                target_type=r.decision.target_type,
                title=r.title,
                opinion_count=r.opinion_count,
                sections=[_change_out(c) for c in r.sections],
            )
            for r in decisions.responses(session=db, consultation_id=consultation.id)
        ],
        lookup=None
        if found is None
        else LookupOut(
            receipt_code=found.receipt_code,
            status=found.status,
            section_label=found.section_label,
            text=found.text,
            submitted_at=found.submitted_at,
            trace=_trace_out(found.trace),
        ),
    )


@router.get("/api/v1/me/opinions/trace", response_model=list[TraceOut], tags=["opinions"])
def api_my_traces(
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    principal: Principal = Depends(require_principal),
    db: Session = Depends(get_db),
) -> list[TraceOut]:
    """What happened to each of the caller's opinions on one page of GET /api/v1/me/opinions."""
    found = _my_traces(db, principal, page)
    return [_trace_out(found[i]) for i in sorted(found, reverse=True)]


@router.get("/api/v1/me/notifications", response_model=list[NotificationOut], tags=["decisions"])
def api_inbox(
    principal: Principal = Depends(require_principal), db: Session = Depends(get_db)
) -> list[NotificationOut]:
    return [
        NotificationOut(
            id=n.id, text=n.text, link=n.link, created_at=n.created_at, read=n.read_at is not None
        )
        for n in events.notifications_for(
            session=db, person_id=principal.person_id, organisation_ids=[]
        )
    ]
