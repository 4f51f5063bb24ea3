"""The secretariat manages a consultation's subcommittees: create, edit (name, organisation,
sections, members, chair) and close them; page + JSON. Their queues and decisions are in
`ykien.decisions`."""

from __future__ import annotations

from enum import Enum
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.accounts.models import Person
from ykien.consultations import service as consultations
from ykien.consultations import subcommittees
from ykien.consultations.models import Consultation, Subcommittee
from ykien.consultations.schemas import SeatOut, SubcommitteeDetailOut, SubcommitteeIn
from ykien.drafts import service as drafts
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.web.access import ConsultationFor, check_runs, require_manager
from ykien.web.deps import MODERATOR_ROLES, PathId, Principal
from ykien.web.flash import add_flash, pop_flashes
from ykien.web.forms import FormFields, FormValue, Problem, parse_form, redraw_on_error, see_other
from ykien.web.i18n import translator
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language
from ykien.web.tx import Db, Tx, get_db

router = APIRouter()
TAGS: list[str | Enum] = ["subcommittees"]
MAX_PEOPLE = 1000
ManagedConsultation = Depends(ConsultationFor(MODERATOR_ROLES))
_form: dict[str, Any] = {
    "response_class": HTMLResponse,
    "include_in_schema": False,
    "dependencies": [Depends(verify_csrf)],
}
_api: dict[str, Any] = {"tags": TAGS, "dependencies": [Depends(verify_csrf)]}


def managed_subcommittee(
    subcommittee_id: PathId,
    principal: Principal = Depends(require_manager),
    db: Session = Depends(get_db),
) -> Subcommittee:
    """Loader: the subcommittee of the path, if the principal runs its consultation as a
    secretary (403 otherwise, 404 if there is none)."""
    found = subcommittees.get(session=db, subcommittee_id=subcommittee_id)
    check_runs(db, principal, found.consultation_id, MODERATOR_ROLES)
    return found


ManagedSubcommittee = Depends(managed_subcommittee)


def detail_out(db: Session, sub: Subcommittee) -> SubcommitteeDetailOut:
    """One subcommittee as the API answers it (both presentations read it)."""
    org = orgs.get(session=db, organisation_id=sub.organisation_id)
    seats = subcommittees.seats_of(session=db, subcommittee_id=sub.id)
    return SubcommitteeDetailOut(
        id=sub.id,
        consultation_id=sub.consultation_id,
        name=sub.name,
        organisation_id=org.id,
        organisation=org.name,
        closed_at=sub.closed_at,
        section_ids=sorted(subcommittees.section_ids_of(session=db, subcommittee_id=sub.id)),
        members=[SeatOut.model_validate(seat) for seat in seats],
    )


def create_subcommittee(
    db: Session, principal: Principal, consultation: Consultation, body: SubcommitteeIn
) -> Subcommittee:
    """The use case: a new subcommittee of a consultation the principal runs."""
    return subcommittees.create(
        session=db, consultation_id=consultation.id, actor_person_id=principal.person_id,
        **body.model_dump(),
    )  # fmt: skip


def edit_subcommittee(
    db: Session, principal: Principal, sub: Subcommittee, body: SubcommitteeIn
) -> Subcommittee:
    """The use case: new name, organisation, sections, members and chair."""
    return subcommittees.update(
        session=db, subcommittee_id=sub.id, actor_person_id=principal.person_id,
        **body.model_dump(),
    )  # fmt: skip


def close_subcommittee(db: Session, principal: Principal, sub: Subcommittee) -> Subcommittee:
    """The use case: the subcommittee ends its work, keeping its history."""
    return subcommittees.close(
        session=db, subcommittee_id=sub.id, actor_person_id=principal.person_id
    )


# --- the page of a consultation's subcommittees ------------------------------------------------


def _organisations(db: Session, consultation: Consultation) -> list[Organisation]:
    """Where a subcommittee may sit: the organiser's and the scope's trees, the levels above."""
    paths = consultations.authority_paths(session=db, consultation_id=consultation.id)
    inside = orgs.subtree_orgs(session=db, roots=paths)
    organiser = orgs.get(session=db, organisation_id=consultation.organiser_id)
    above = [int(part) for part in organiser.tree_path.strip("/").split("/")[:-1]]
    higher = list(db.scalars(select(Organisation).where(Organisation.id.in_(above))))
    return sorted([*higher, *inside], key=lambda o: (o.level, vt.sort_key(o.name), o.id))


def _people(db: Session, org_ids: list[int], seated: list[int]) -> list[tuple[int, str, str]]:
    """(id, name, organisation) of the people who may be named: those of the organisations,
    and those already named."""
    rows = db.execute(
        select(Person.id, Person.full_name, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Person.organisation_id.in_(org_ids) | Person.id.in_(seated))
        .limit(MAX_PEOPLE)
    ).all()
    return sorted(
        ((pid, name, home or "") for pid, name, home in rows), key=lambda r: vt.sort_key(r[1])
    )


def _typed(form: dict[str, FormValue], name: str) -> str:
    raw = form.get(name)
    return raw if isinstance(raw, str) else ""


def _typed_ids(form: dict[str, FormValue], name: str) -> set[str]:
    raw = form.get(name)
    return set(raw if isinstance(raw, list) else ([raw] if raw else []))


def _form_values(
    detail: SubcommitteeDetailOut | None, form: dict[str, FormValue] | None
) -> dict[str, Any]:
    """What the form shows: what was typed, else the subcommittee's, else nothing."""
    if form is not None:
        return {
            "name": _typed(form, "name"),
            "organisation_id": _typed(form, "organisation_id"),
            "sections": _typed_ids(form, "section_ids"),
            "members": _typed_ids(form, "member_ids"),
            "chair_id": _typed(form, "chair_id"),
        }
    if detail is None:
        return {"name": "", "organisation_id": "", "sections": set(), "members": set(),
                "chair_id": ""}  # fmt: skip
    chair_ids = [str(m.person_id) for m in detail.members if m.chair]
    return {
        "name": detail.name,
        "organisation_id": str(detail.organisation_id),
        "sections": {str(i) for i in detail.section_ids},
        "members": {str(m.person_id) for m in detail.members},
        "chair_id": chair_ids[0] if chair_ids else "",
    }


def form_page(
    request: Request,
    db: Session,
    consultation: Consultation,
    sub: Subcommittee | None = None,
    form: dict[str, FormValue] | None = None,
    problem: Problem | None = None,
) -> HTMLResponse:
    """The form of a new subcommittee, or of one to edit (drawn again with what was typed)."""
    detail = detail_out(db, sub) if sub is not None else None
    places = _organisations(db, consultation)
    seated = [m.person_id for m in detail.members] if detail else []
    context = {
        "consultation": consultation,
        "sub": detail,
        "places": places,
        "people": _people(db, [o.id for o in places], seated),
        "sections": drafts.sections_of(session=db, version_id=consultation.draft_version_id),
        "form": _form_values(detail, form),
        "error": problem.message if problem else None,
        "action": (
            f"/secretariat/subcommittees/{sub.id}"
            if sub is not None
            else f"/secretariat/consultations/{consultation.id}/subcommittees"
        ),
    }
    status = problem.status_code if problem else 200
    return render(request, "consultations/subcommittee_form.html", context, status_code=status)


@router.get(
    "/secretariat/consultations/{consultation_id}/subcommittees",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def manage_page(
    request: Request,
    db: Db,
    principal: Principal = Depends(require_manager),
    consultation: Consultation = ManagedConsultation,
) -> HTMLResponse:
    """The consultation's subcommittees with their members and state; links to edit and add."""
    rows = [
        detail_out(db, sub)
        for sub in subcommittees.of_consultation(session=db, consultation_id=consultation.id)
    ]
    context = {"consultation": consultation, "rows": rows, "flashes": pop_flashes(request)}
    return render(request, "consultations/subcommittees.html", context)


@router.get(
    "/secretariat/consultations/{consultation_id}/subcommittees/new",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def new_page(
    request: Request,
    db: Db,
    principal: Principal = Depends(require_manager),
    consultation: Consultation = ManagedConsultation,
) -> HTMLResponse:
    return form_page(request, db, consultation)


@router.post("/secretariat/consultations/{consultation_id}/subcommittees", **_form)
def create_page(
    request: Request,
    form: FormFields,
    db: Tx,
    principal: Principal = Depends(require_manager),
    consultation: Consultation = ManagedConsultation,
) -> Response:
    _ = translator(request_language(request))
    redraw = lambda problem: form_page(request, db, consultation, None, form, problem)  # noqa: E731
    with redraw_on_error(request, db, redraw):
        made = create_subcommittee(db, principal, consultation, parse_form(SubcommitteeIn, form))
    add_flash(request, _("The subcommittee “{sub}” was created.", sub=made.name))
    return see_other(f"/secretariat/consultations/{consultation.id}/subcommittees")


@router.get(
    "/secretariat/subcommittees/{subcommittee_id}",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def edit_form_page(
    request: Request,
    db: Db,
    principal: Principal = Depends(require_manager),
    sub: Subcommittee = ManagedSubcommittee,
) -> HTMLResponse:
    consultation = consultations.get(session=db, consultation_id=sub.consultation_id)
    return form_page(request, db, consultation, sub)


@router.post("/secretariat/subcommittees/{subcommittee_id}", **_form)
def edit_page(
    request: Request,
    form: FormFields,
    db: Tx,
    principal: Principal = Depends(require_manager),
    sub: Subcommittee = ManagedSubcommittee,
) -> Response:
    _ = translator(request_language(request))
    consultation = consultations.get(session=db, consultation_id=sub.consultation_id)
    redraw = lambda problem: form_page(request, db, consultation, sub, form, problem)  # noqa: E731
    with redraw_on_error(request, db, redraw):
        edit_subcommittee(db, principal, sub, parse_form(SubcommitteeIn, form))
    add_flash(request, _("The subcommittee “{sub}” was saved.", sub=sub.name))
    return see_other(f"/secretariat/consultations/{consultation.id}/subcommittees")


@router.post("/secretariat/subcommittees/{subcommittee_id}/close", **_form)
def close_page(
    request: Request,
    form: FormFields,
    db: Tx,
    principal: Principal = Depends(require_manager),
    sub: Subcommittee = ManagedSubcommittee,
) -> Response:
    """First the confirmation, then, confirmed, the closing."""
    _ = translator(request_language(request))
    consultation = consultations.get(session=db, consultation_id=sub.consultation_id)
    redraw = lambda problem: form_page(request, db, consultation, sub, None, problem)  # noqa: E731
    with redraw_on_error(request, db, redraw):
        if form.get("confirmed") != "yes":
            subcommittees.refuse_closed(sub)
            context = {"consultation": consultation, "sub": detail_out(db, sub)}
            return render(request, "consultations/subcommittee_close.html", context)
        close_subcommittee(db, principal, sub)
    add_flash(request, _("The subcommittee “{sub}” was closed.", sub=sub.name))
    return see_other(f"/secretariat/consultations/{consultation.id}/subcommittees")


# --- JSON API ----------------------------------------------------------------------------------


@router.post(
    "/api/v1/consultations/{consultation_id}/subcommittees",
    response_model=SubcommitteeDetailOut,
    status_code=201,
    **_api,
)
def api_create(
    body: SubcommitteeIn,
    db: Tx,
    principal: Principal = Depends(require_manager),
    consultation: Consultation = ManagedConsultation,
) -> SubcommitteeDetailOut:
    """Create a subcommittee: `section_ids` of the consultation's draft version (a part brings
    every section under it), `member_ids` and `chair_id` people (the chair is a member)."""
    return detail_out(db, create_subcommittee(db, principal, consultation, body))


@router.get(
    "/api/v1/subcommittees/{subcommittee_id}", response_model=SubcommitteeDetailOut, tags=TAGS
)
def api_detail(db: Db, sub: Subcommittee = ManagedSubcommittee) -> SubcommitteeDetailOut:
    """A subcommittee with its sections and members (for the secretariat)."""
    return detail_out(db, sub)


@router.put("/api/v1/subcommittees/{subcommittee_id}", response_model=SubcommitteeDetailOut, **_api)
def api_edit(
    body: SubcommitteeIn,
    db: Tx,
    principal: Principal = Depends(require_manager),
    sub: Subcommittee = ManagedSubcommittee,
) -> SubcommitteeDetailOut:
    """Replace a subcommittee's name, organisation, sections, members and chair (open ones)."""
    return detail_out(db, edit_subcommittee(db, principal, sub, body))


@router.post(
    "/api/v1/subcommittees/{subcommittee_id}/close", response_model=SubcommitteeDetailOut, **_api
)
def api_close(
    db: Tx,
    principal: Principal = Depends(require_manager),
    sub: Subcommittee = ManagedSubcommittee,
) -> SubcommitteeDetailOut:
    """Close a subcommittee: it keeps its history and takes no new forwards, opinions or
    decisions."""
    return detail_out(db, close_subcommittee(db, principal, sub))
