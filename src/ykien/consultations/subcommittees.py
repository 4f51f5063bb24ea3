"""Subcommittees of a consultation (Tiểu ban): create, edit, close; members and the chair;
the sections they handle.

Sections are picked in the table of contents of the consultation's draft version: picking a part
picks every section under it (its chapters, articles, clauses ...), and the whole set is stored,
since opinions are routed by their exact section. A closed subcommittee keeps its history (its
queue up to the closing, its decisions and forwards) but receives nothing new: no forwards, no
opinions submitted after it closed, no new decisions, no edits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.accounts.models import Person
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.consultations.models import Subcommittee, SubcommitteeMember, SubcommitteeSection
from ykien.db.base import utcnow
from ykien.drafts.models import Section
from ykien.errors import Conflict, NotFound, UserError
from ykien.orgs import service as orgs

MAX_MEMBERS = 200


@dataclass(frozen=True, slots=True)
class Seat:
    """A person named to a subcommittee."""

    person_id: int
    full_name: str
    chair: bool


def get(*, session: Session, subcommittee_id: int) -> Subcommittee:
    found = session.get(Subcommittee, subcommittee_id)
    if found is None:
        raise NotFound("subcommittee_not_found", "Không có tiểu ban này.", "No such subcommittee.")
    return found


def of_consultation(*, session: Session, consultation_id: int) -> list[Subcommittee]:
    return list(
        session.scalars(
            select(Subcommittee)
            .where(Subcommittee.consultation_id == consultation_id)
            .order_by(Subcommittee.id)
        )
    )


def with_descendants(*, session: Session, version_id: int, picked: Iterable[int]) -> set[int]:
    """The picked sections and every section under them, in the version; refuses a section of
    another version (or none)."""
    rows = session.execute(
        select(Section.id, Section.parent_id).where(Section.version_id == version_id)
    ).all()
    children: dict[int | None, list[int]] = {}
    for section_id, parent_id in rows:
        children.setdefault(parent_id, []).append(section_id)
    known = {section_id for section_id, _ in rows}
    wanted = set(picked)
    if wanted - known:
        missing = ", ".join(str(i) for i in sorted(wanted - known))
        raise UserError(
            "section_not_in_draft",
            f"Các mục sau không thuộc dự thảo của đợt lấy ý kiến: {missing}.",
            f"These sections are not in the consultation's draft: {missing}.",
        )
    found: set[int] = set()
    stack = list(wanted)
    while stack:
        section_id = stack.pop()
        if section_id not in found:
            found.add(section_id)
            stack.extend(children.get(section_id, []))
    return found


def check_organisation(*, session: Session, consultation_id: int, organisation_id: int) -> None:
    """A subcommittee belongs to an organisation of the consultation (the organiser, its scope
    and what is under them) or to a higher level above the organiser."""
    org = orgs.get(session=session, organisation_id=organisation_id)
    paths = consultations.authority_paths(session=session, consultation_id=consultation_id)
    inside = any(org.tree_path.startswith(path) for path in paths)
    above = any(path.startswith(org.tree_path) for path in paths)
    if not (inside or above):
        raise UserError(
            "subcommittee_org_outside",
            "Tiểu ban phải thuộc đơn vị tổ chức đợt lấy ý kiến, một đơn vị trong phạm vi hoặc "
            "một cấp trên của đơn vị tổ chức.",
            "A subcommittee belongs to the organiser, an organisation in the scope or a level "
            "above the organiser.",
        )


def _checked_seats(
    session: Session, member_ids: Sequence[int], chair_id: int | None
) -> dict[int, bool]:
    """person id -> chair; the chair is a member (added when missing)."""
    seats = {person_id: False for person_id in dict.fromkeys(member_ids)}
    if chair_id is not None:
        seats[chair_id] = True
    if len(seats) > MAX_MEMBERS:
        raise UserError(
            "too_many_members",
            f"Một tiểu ban có tối đa {MAX_MEMBERS} thành viên.",
            f"A subcommittee has at most {MAX_MEMBERS} members.",
        )
    known = set(session.scalars(select(Person.id).where(Person.id.in_(seats))))
    if set(seats) - known:
        missing = ", ".join(str(i) for i in sorted(set(seats) - known))
        raise NotFound("person_not_found", f"Không có người số {missing}.", f"No person {missing}.")
    return seats


def _set_seats(session: Session, subcommittee_id: int, seats: dict[int, bool]) -> None:
    session.execute(
        delete(SubcommitteeMember).where(SubcommitteeMember.subcommittee_id == subcommittee_id)
    )
    session.add_all(
        SubcommitteeMember(subcommittee_id=subcommittee_id, person_id=person_id, chair=chair)
        for person_id, chair in sorted(seats.items())
    )
    session.flush()


def create(
    *,
    session: Session,
    consultation_id: int,
    organisation_id: int,
    name: str,
    section_ids: Sequence[int],
    member_ids: Sequence[int] = (),
    chair_id: int | None = None,
    actor_person_id: int | None = None,
) -> Subcommittee:
    """A new subcommittee with its sections (a part brings its children), members and chair."""
    consultation = consultations.get(session=session, consultation_id=consultation_id)
    check_organisation(
        session=session, consultation_id=consultation_id, organisation_id=organisation_id
    )
    sections = with_descendants(
        session=session, version_id=consultation.draft_version_id, picked=section_ids
    )
    seats = _checked_seats(session, member_ids, chair_id)
    subcommittee = consultations.add_subcommittee(
        session=session,
        consultation_id=consultation_id,
        organisation_id=organisation_id,
        name=name,
        section_ids=sorted(sections),
        actor_person_id=actor_person_id,
    )
    _set_seats(session, subcommittee.id, seats)
    _audit(session, subcommittee, "members_set", actor_person_id, members=_seat_payload(seats))
    return subcommittee


def _seat_payload(seats: dict[int, bool]) -> list[list[int | bool]]:
    return [[person_id, chair] for person_id, chair in sorted(seats.items())]


def _audit(
    session: Session, subcommittee: Subcommittee, what: str, actor: int | None, **payload: object
) -> None:
    audit.record(
        session=session,
        action=f"subcommittee.{what}",
        entity_type="subcommittee",
        entity_id=subcommittee.id,
        actor_person_id=actor,
        payload={"consultation_id": subcommittee.consultation_id, **payload},
    )


def refuse_closed(subcommittee: Subcommittee) -> None:
    if subcommittee.closed_at is not None:
        raise Conflict(
            "subcommittee_closed",
            f"Tiểu ban “{subcommittee.name}” đã kết thúc hoạt động; không nhận thêm nội dung mới.",
            f"The subcommittee “{subcommittee.name}” is closed; it takes nothing new.",
        )


def update(
    *,
    session: Session,
    subcommittee_id: int,
    organisation_id: int,
    name: str,
    section_ids: Sequence[int],
    member_ids: Sequence[int] = (),
    chair_id: int | None = None,
    actor_person_id: int | None = None,
) -> Subcommittee:
    """New name, organisation, sections, members and chair of an open subcommittee."""
    subcommittee = get(session=session, subcommittee_id=subcommittee_id)
    refuse_closed(subcommittee)
    consultation = consultations.get(session=session, consultation_id=subcommittee.consultation_id)
    name = consultations.checked_subcommittee_name(name)
    check_organisation(
        session=session, consultation_id=consultation.id, organisation_id=organisation_id
    )
    sections = with_descendants(
        session=session, version_id=consultation.draft_version_id, picked=section_ids
    )
    seats = _checked_seats(session, member_ids, chair_id)
    subcommittee.name, subcommittee.organisation_id = name, organisation_id
    session.execute(
        delete(SubcommitteeSection).where(SubcommitteeSection.subcommittee_id == subcommittee.id)
    )
    session.add_all(
        SubcommitteeSection(subcommittee_id=subcommittee.id, section_id=section_id)
        for section_id in sorted(sections)
    )
    _set_seats(session, subcommittee.id, seats)
    _audit(
        session, subcommittee, "updated", actor_person_id, name=name,
        organisation_id=organisation_id, sections=sorted(sections), members=_seat_payload(seats),
    )  # fmt: skip
    return subcommittee


def close(
    *,
    session: Session,
    subcommittee_id: int,
    actor_person_id: int | None = None,
    now: datetime | None = None,
) -> Subcommittee:
    """End a subcommittee's work: it keeps its history and takes nothing new."""
    subcommittee = get(session=session, subcommittee_id=subcommittee_id)
    refuse_closed(subcommittee)
    subcommittee.closed_at = now or utcnow()
    session.flush()
    _audit(session, subcommittee, "closed", actor_person_id)
    return subcommittee


def seats_of(*, session: Session, subcommittee_id: int) -> list[Seat]:
    """The members, the chair first, then by name."""
    rows = session.execute(
        select(Person.id, Person.full_name, SubcommitteeMember.chair)
        .join(SubcommitteeMember, SubcommitteeMember.person_id == Person.id)
        .where(SubcommitteeMember.subcommittee_id == subcommittee_id)
    ).all()
    seats = [Seat(person_id, full_name, chair) for person_id, full_name, chair in rows]
    return sorted(seats, key=lambda s: (not s.chair, vt.sort_key(s.full_name), s.person_id))


def seat_of(*, session: Session, subcommittee_id: int, person_id: int) -> Seat | None:
    """The person's seat in the subcommittee, if named to it."""
    row = session.execute(
        select(SubcommitteeMember.chair).where(
            SubcommitteeMember.subcommittee_id == subcommittee_id,
            SubcommitteeMember.person_id == person_id,
        )
    ).first()
    return Seat(person_id, "", bool(row[0])) if row is not None else None


def section_ids_of(*, session: Session, subcommittee_id: int) -> set[int]:
    return set(
        session.scalars(
            select(SubcommitteeSection.section_id).where(
                SubcommitteeSection.subcommittee_id == subcommittee_id
            )
        )
    )
