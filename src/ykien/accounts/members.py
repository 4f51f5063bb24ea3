"""The people of an organisation: its members with their roles, and the people an admin may
give a role to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.accounts.models import Account, Membership, Person
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation


@dataclass(frozen=True, slots=True)
class MemberRole:
    membership_id: int
    role: str


@dataclass(slots=True)
class Member:
    """A person of an organisation: it is their home organisation or they hold a role in it."""

    person_id: int
    full_name: str
    title: str | None
    email: str | None
    username: str | None
    home: bool
    roles: list[MemberRole] = field(default_factory=list)


def members(*, session: Session, organisation_id: int) -> list[Member]:
    """The organisation's people with their roles in it, sorted by given name."""
    orgs.get(session=session, organisation_id=organisation_id)
    role_rows = session.execute(
        select(Membership.id, Membership.person_id, Membership.role)
        .where(Membership.organisation_id == organisation_id)
        .order_by(Membership.role)
    ).all()
    person_ids = {person_id for _, person_id, _ in role_rows}
    condition = Person.organisation_id == organisation_id
    if person_ids:
        condition = or_(condition, Person.id.in_(person_ids))
    people = session.execute(
        select(Person, Account.username)
        .outerjoin(Account, Account.person_id == Person.id)
        .where(condition)
    ).all()
    found = {
        person.id: Member(
            person_id=person.id,
            full_name=person.full_name,
            title=person.title,
            email=person.email,
            username=username,
            home=person.organisation_id == organisation_id,
        )
        for person, username in people
    }
    for membership_id, person_id, role in role_rows:
        found[person_id].roles.append(MemberRole(membership_id, role))
    return sorted(found.values(), key=lambda m: (vt.person_sort_key(m.full_name), m.person_id))


def people_of(*, session: Session, organisation_ids: Iterable[int]) -> list[tuple[int, str, str]]:
    """(id, full name, home organisation name) of the people whose home organisation is one of
    `organisation_ids` or who hold a role in one of them, sorted by given name."""
    ids = list(set(organisation_ids))
    if not ids:
        return []
    with_role = select(Membership.person_id).where(Membership.organisation_id.in_(ids))
    rows = session.execute(
        select(Person.id, Person.full_name, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(or_(Person.organisation_id.in_(ids), Person.id.in_(with_role)))
    ).all()
    people = [(person_id, name, org_name or "") for person_id, name, org_name in rows]
    return sorted(people, key=lambda p: (vt.person_sort_key(p[1]), p[0]))


def people_under(*, session: Session, roots: Iterable[str]) -> list[tuple[int, str, str]]:
    """`people_of` the organisations in the subtrees of `roots` (tree paths)."""
    covered = orgs.subtree_orgs(session=session, roots=roots)
    return people_of(session=session, organisation_ids=[org.id for org in covered])
