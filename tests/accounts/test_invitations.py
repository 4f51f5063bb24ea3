"""Invitations: token stored as a hash, 14 days, acceptance creates person, account, membership."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import NOW, build_world
from ykien.accounts import invitations
from ykien.accounts import service as accounts
from ykien.accounts.models import Account, Invitation, Membership, Person
from ykien.audit import service as audit
from ykien.audit.models import AuditEvent
from ykien.errors import Conflict, NotFound, UserError


def _actions(session: Session) -> list[str]:
    return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_the_token_is_stored_only_as_its_hash_and_lasts_14_days(session: Session) -> None:
    world = build_world(session)
    issued = invitations.create(
        session=session,
        organisation_id=world.unit_a.id,
        role="secretary",
        full_name="  Lê   Văn  Mới ",
        email="moi@example.org",
        now=NOW,
    )
    stored = session.get(Invitation, issued.invitation.id)
    assert stored is not None
    assert stored.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in stored.token_hash
    assert stored.full_name == "Lê Văn Mới"
    assert stored.expires_at == NOW + timedelta(days=14)
    assert len(issued.token) >= 40  # 256 random bits
    assert _actions(session)[-1] == "invitation.created"
    assert invitations.pending(session=session, organisation_id=world.unit_a.id, now=NOW) == [
        stored
    ]


def test_accepting_creates_person_account_and_membership(session: Session) -> None:
    world = build_world(session)
    issued = invitations.create(
        session=session,
        organisation_id=world.unit_b.id,
        role="secretary",
        full_name="Lê Văn Mới",
        now=NOW,
    )
    account = invitations.accept(
        session=session,
        token=issued.token,
        username="LeVanMoi",
        password="mat-khau-dai-1",
        now=NOW + timedelta(days=13),
    )
    assert account.username == "levanmoi"
    person = session.get(Person, account.person_id)
    assert person is not None and person.full_name == "Lê Văn Mới"
    assert person.organisation_id == world.unit_b.id
    membership = session.execute(
        select(Membership).where(Membership.person_id == person.id)
    ).scalar_one()
    assert (membership.organisation_id, membership.role) == (world.unit_b.id, "secretary")
    assert accounts.authenticate(session=session, username="levanmoi", password="mat-khau-dai-1")
    invitation = session.get(Invitation, issued.invitation.id)
    assert invitation is not None and invitation.accepted_person_id == person.id
    assert _actions(session)[-4:] == [
        "invitation.created",
        "account.created",
        "role.granted",
        "invitation.accepted",
    ]
    assert audit.verify(session=session).ok
    with pytest.raises(Conflict) as used:
        invitations.accept(
            session=session, token=issued.token, username="khac", password="mat-khau-dai-1"
        )
    assert "đã được sử dụng" in used.value.message_vi


def test_a_recorded_person_of_the_unit_with_the_same_email_is_reused(session: Session) -> None:
    world = build_world(session)
    delegate = accounts.create_person(
        session=session,
        full_name="Trần Đại Biểu",
        organisation_id=world.unit_a.id,
        email="daibieu@example.org",
    )
    issued = invitations.create(
        session=session,
        organisation_id=world.unit_a.id,
        role="participant",
        full_name="Trần Đại Biểu",
        email="DaiBieu@example.org",
    )
    account = invitations.accept(
        session=session, token=issued.token, username="daibieu", password="mat-khau-dai-1"
    )
    assert account.person_id == delegate.id
    payload = session.execute(
        select(AuditEvent.payload).where(AuditEvent.action == "invitation.accepted")
    ).scalar_one()
    assert '"person_created":false' in payload


def test_expired_unknown_and_bad_invitations(session: Session) -> None:
    world = build_world(session)
    issued = invitations.create(
        session=session,
        organisation_id=world.unit_a.id,
        role="participant",
        full_name="Người Mời",
        now=NOW,
    )
    with pytest.raises(invitations.InvitationExpired) as expired:
        invitations.find(session=session, token=issued.token, now=NOW + timedelta(days=14))
    assert expired.value.status_code == 410 and "hết hạn" in expired.value.message_vi
    with pytest.raises(NotFound):
        invitations.find(session=session, token="nope")
    with pytest.raises(NotFound):
        invitations.find(session=session, token="x" * 5000)
    for bad in (
        {"role": "king", "full_name": "A"},
        {"role": "participant", "full_name": "   "},
        {"role": "participant", "full_name": "A", "email": "not-an-email"},
    ):
        with pytest.raises(UserError):
            invitations.create(session=session, organisation_id=world.unit_a.id, **bad)
    with pytest.raises(NotFound):
        invitations.create(
            session=session, organisation_id=999_999, role="participant", full_name="A"
        )


def test_a_failed_acceptance_leaves_the_invitation_usable(session: Session) -> None:
    world = build_world(session)
    accounts.create_account(
        session=session, person_id=world.member_a, username="dadung", password="mat-khau-dai-1"
    )
    issued = invitations.create(
        session=session,
        organisation_id=world.unit_a.id,
        role="participant",
        full_name="Người Mới",
    )
    session.commit()  # (a savepoint in these tests)
    people_before = session.execute(select(Person.id)).scalars().all()
    with pytest.raises(Conflict):
        invitations.accept(
            session=session, token=issued.token, username="dadung", password="mat-khau-dai-1"
        )
    session.rollback()  # what the request boundary does
    assert session.execute(select(Person.id)).scalars().all() == people_before
    account = invitations.accept(
        session=session, token=issued.token, username="nguoimoi", password="mat-khau-dai-1"
    )
    assert session.get(Account, account.id) is not None
