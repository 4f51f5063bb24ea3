"""Invitations to join an organisation with a role.

The token is shown once, when the invitation is made; only its SHA-256 is stored. Accepting it
(choosing a username and a password) creates the person if needed, the account and the
membership, all audited, in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.accounts import service as accounts
from ykien.accounts.models import Account, Invitation, Person, Role
from ykien.audit import service as audit
from ykien.db.base import utcnow
from ykien.errors import Conflict, NotFound, UserError
from ykien.orgs import service as orgs

VALID_DAYS = 14
MAX_TOKEN = 200
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvitationExpired(UserError):
    status_code = 410


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # the only time the secret is available


def _checked_email(email: str | None) -> str | None:
    email = vt.clean(email or "")
    if not email:
        return None
    if len(email) > 254 or not _EMAIL.match(email):
        raise UserError(
            "email_invalid",
            f"Địa chỉ thư điện tử không hợp lệ: {email[:100]}.",
            f"The e-mail address is not valid: {email[:100]}.",
        )
    return email


def create(
    *,
    session: Session,
    organisation_id: int,
    role: str,
    full_name: str,
    email: str | None = None,
    invited_by_person_id: int | None = None,
    now: datetime | None = None,
) -> IssuedInvitation:
    """Record an invitation valid for VALID_DAYS days; returns it with its token."""
    full_name = accounts.checked_full_name(full_name)
    if role not in set(Role):
        raise UserError("role_invalid", f"Vai trò không hợp lệ: {role}.", f"Unknown role: {role}.")
    orgs.get(session=session, organisation_id=organisation_id)
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation_id=organisation_id,
        role=role,
        full_name=full_name,
        email=_checked_email(email),
        token_hash=_digest(token),
        invited_by_person_id=invited_by_person_id,
        created_at=now,
        expires_at=now + timedelta(days=VALID_DAYS),
    )
    session.add(invitation)
    session.flush()
    audit.record(
        session=session,
        action="invitation.created",
        entity_type="invitation",
        entity_id=invitation.id,
        actor_person_id=invited_by_person_id,
        payload={
            "organisation_id": organisation_id,
            "role": role,
            "full_name": full_name,
            "expires_at": invitation.expires_at.isoformat(),
        },
        occurred_at=now,
    )
    return IssuedInvitation(invitation, token)


def find(*, session: Session, token: str, now: datetime | None = None) -> Invitation:
    """The open invitation for `token`; a clear error if it is unknown, used or expired."""
    invitation = None
    if token and len(token) <= MAX_TOKEN:
        invitation = session.execute(
            select(Invitation).where(Invitation.token_hash == _digest(token))
        ).scalar_one_or_none()
    if invitation is None:
        raise NotFound(
            "invitation_unknown",
            "Không tìm thấy lời mời này; hãy kiểm tra lại đường dẫn hoặc xin một lời mời mới.",
            "This invitation does not exist; check the link or ask for a new invitation.",
        )
    if invitation.accepted_at is not None:
        raise Conflict(
            "invitation_used",
            "Lời mời này đã được sử dụng; hãy đăng nhập bằng tài khoản đã tạo.",
            "This invitation was already used; sign in with the account it created.",
        )
    if (now or utcnow()) >= invitation.expires_at:
        raise InvitationExpired(
            "invitation_expired",
            "Lời mời này đã hết hạn; hãy xin người quản trị một lời mời mới.",
            "This invitation has expired; ask the administrator for a new one.",
        )
    return invitation


def _person_for(session: Session, invitation: Invitation) -> tuple[Person, bool]:
    """An existing person of the organisation with the invited e-mail and no account, else a
    new person; the flag says whether the person was created."""
    if invitation.email:
        existing = session.execute(
            select(Person)
            .outerjoin(Account, Account.person_id == Person.id)
            .where(
                func.lower(Person.email) == invitation.email.lower(),
                Person.organisation_id == invitation.organisation_id,
                Account.id.is_(None),
            )
            .order_by(Person.id)
            .limit(1)
        ).scalar_one_or_none()
        if existing is not None:
            return existing, False
    person = accounts.create_person(
        session=session,
        full_name=invitation.full_name,
        organisation_id=invitation.organisation_id,
        email=invitation.email,
    )
    return person, True


def accept(
    *,
    session: Session,
    token: str,
    username: str,
    password: str,
    language: str = "vi",
    now: datetime | None = None,
) -> Account:
    """Use the invitation: person (if needed), account and membership; returns the account."""
    now = now or utcnow()
    invitation = find(session=session, token=token, now=now)
    claimed = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:  # accepted meanwhile by another request
        raise Conflict(
            "invitation_used",
            "Lời mời này đã được sử dụng; hãy đăng nhập bằng tài khoản đã tạo.",
            "This invitation was already used; sign in with the account it created.",
        )
    person, created = _person_for(session, invitation)
    account = accounts.create_account(
        session=session,
        person_id=person.id,
        username=username,
        password=password,
        language=language,
    )
    membership = accounts.grant_role(
        session=session,
        person_id=person.id,
        organisation_id=invitation.organisation_id,
        role=invitation.role,
        actor_person_id=person.id,
    )
    invitation.accepted_at = now
    invitation.accepted_person_id = person.id
    session.flush()
    audit.record(
        session=session,
        action="invitation.accepted",
        entity_type="invitation",
        entity_id=invitation.id,
        actor_person_id=person.id,
        payload={
            "person_id": person.id,
            "person_created": created,
            "account_id": account.id,
            "membership_id": membership.id,
        },
    )
    return account


def pending(
    *, session: Session, organisation_id: int, now: datetime | None = None
) -> list[Invitation]:
    """Invitations to the organisation not yet accepted nor expired, newest first."""
    return list(
        session.execute(
            select(Invitation)
            .where(
                Invitation.organisation_id == organisation_id,
                Invitation.accepted_at.is_(None),
                Invitation.expires_at > (now or utcnow()),
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        ).scalars()
    )
