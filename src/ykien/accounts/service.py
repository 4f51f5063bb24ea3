"""People, accounts (argon2 passwords) and role memberships per organisation subtree."""

from __future__ import annotations

import re
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.accounts.models import Account, Membership, Person, Role
from ykien.audit import service as audit
from ykien.errors import Conflict, NotFound, UserError
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation

_hasher = PasswordHasher()
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,99}$")
MIN_PASSWORD = 10


def checked_full_name(value: str) -> str:
    """A person's name cleaned (NFC, spacing) and checked to be 1-200 characters."""
    full_name = vt.collapse_spaces(vt.clean(value))
    if not full_name or len(full_name) > 200:
        raise UserError(
            "person_name_invalid",
            "Họ và tên phải có từ 1 đến 200 ký tự.",
            "A full name must have 1 to 200 characters.",
        )
    return full_name


def create_person(
    *,
    session: Session,
    full_name: str,
    title: str | None = None,
    organisation_id: int | None = None,
    email: str | None = None,
) -> Person:
    full_name = checked_full_name(full_name)
    if organisation_id is not None:
        orgs.get(session=session, organisation_id=organisation_id)
    person = Person(
        full_name=full_name,
        name_key=vt.name_key(full_name),
        title=vt.clean(title)[:300] if title else None,
        organisation_id=organisation_id,
        email=email,
    )
    session.add(person)
    session.flush()
    return person


def create_account(
    *, session: Session, person_id: int, username: str, password: str, language: str = "vi"
) -> Account:
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise UserError(
            "username_invalid",
            "Tên đăng nhập gồm 3-100 ký tự: chữ thường không dấu, số, dấu chấm, gạch.",
            "A username has 3-100 characters: lower-case letters, digits, dots, dashes.",
        )
    if len(password) < MIN_PASSWORD:
        raise UserError(
            "password_too_short",
            f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.",
            f"A password needs at least {MIN_PASSWORD} characters.",
        )
    exists = session.execute(select(Account.id).where(Account.username == username)).first()
    if exists:
        raise Conflict(
            "username_taken",
            f"Tên đăng nhập {username} đã được dùng.",
            f"The username {username} is taken.",
        )
    account = Account(
        person_id=person_id,
        username=username,
        password_hash=_hasher.hash(password),
        language=language,
    )
    session.add(account)
    session.flush()
    audit.record(
        session=session,
        action="account.created",
        entity_type="account",
        entity_id=account.id,
        payload={"username": username, "person_id": person_id},
    )
    return account


def authenticate(*, session: Session, username: str, password: str) -> Account | None:
    """The active account if the password matches, else None (same cost either way)."""
    account = session.execute(
        select(Account).where(Account.username == username.strip().lower())
    ).scalar_one_or_none()
    if account is None or not account.is_active:
        _hasher.hash(password)
        return None
    try:
        _hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    return account


def grant_role(
    *,
    session: Session,
    person_id: int,
    organisation_id: int,
    role: str,
    actor_person_id: int | None = None,
) -> Membership:
    if role not in set(Role):
        raise UserError("role_invalid", f"Vai trò không hợp lệ: {role}.", f"Unknown role: {role}.")
    if session.get(Person, person_id) is None:
        raise NotFound(
            "person_not_found", f"Không có người số {person_id}.", f"No person {person_id}."
        )
    orgs.get(session=session, organisation_id=organisation_id)
    existing = session.execute(
        select(Membership).where(
            Membership.person_id == person_id,
            Membership.organisation_id == organisation_id,
            Membership.role == role,
        )
    ).scalar_one_or_none()
    if existing:
        return existing
    membership = Membership(person_id=person_id, organisation_id=organisation_id, role=role)
    session.add(membership)
    session.flush()
    audit.record(
        session=session,
        action="role.granted",
        entity_type="membership",
        entity_id=membership.id,
        actor_person_id=actor_person_id,
        payload={"person_id": person_id, "organisation_id": organisation_id, "role": role},
    )
    return membership


def revoke_role(
    *, session: Session, membership_id: int, actor_person_id: int | None = None
) -> None:
    membership = session.get(Membership, membership_id)
    if membership is None:
        raise NotFound(
            "membership_not_found",
            f"Không có phân quyền số {membership_id}.",
            f"No membership {membership_id}.",
        )
    payload = {
        "person_id": membership.person_id,
        "organisation_id": membership.organisation_id,
        "role": membership.role,
    }
    person_id = membership.person_id
    session.delete(membership)
    session.flush()
    end_sessions(session=session, person_id=person_id)
    audit.record(
        session=session,
        action="role.revoked",
        entity_type="membership",
        entity_id=membership_id,
        actor_person_id=actor_person_id,
        payload=payload,
    )


def end_sessions(
    *, session: Session, account_id: int | None = None, person_id: int | None = None
) -> int:
    """End every browser session of an account (or of a person's account) at once; returns
    the account's new session generation (0 when there is no such account)."""
    where = Account.id == account_id if account_id is not None else Account.person_id == person_id
    account = session.execute(select(Account).where(where)).scalar_one_or_none()
    if account is None:
        return 0
    account.session_generation = (account.session_generation or 0) + 1
    session.flush()
    return account.session_generation


def active_sessions(*, session: Session, account_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """(person id, session generation) of each active account among `account_ids`."""
    wanted = set(account_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(Account.id, Account.person_id, Account.session_generation).where(
            Account.id.in_(wanted), Account.is_active.is_(True)
        )
    )
    return {account_id: (person_id, generation) for account_id, person_id, generation in rows}


def active_people(*, session: Session, account_ids: Iterable[int]) -> dict[int, int]:
    """The person of each active account among `account_ids` (inactive ones are left out)."""
    wanted = set(account_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(Account.id, Account.person_id).where(
            Account.id.in_(wanted), Account.is_active.is_(True)
        )
    )
    return {account_id: person_id for account_id, person_id in rows}


def organisations_of(*, session: Session, person_id: int) -> list[Organisation]:
    """The person's home organisation and every organisation they hold a role in."""
    person = session.get(Person, person_id)
    if person is None:
        return []
    ids = set(
        session.execute(
            select(Membership.organisation_id).where(Membership.person_id == person_id)
        ).scalars()
    )
    if person.organisation_id is not None:
        ids.add(person.organisation_id)
    if not ids:
        return []
    return list(session.execute(select(Organisation).where(Organisation.id.in_(ids))).scalars())


def set_password(*, session: Session, account_id: int, password: str) -> int:
    """Replace an account's password (the caller has checked the old one); every session of
    the account ends. Returns the new session generation."""
    if len(password) < MIN_PASSWORD:
        raise UserError(
            "password_too_short",
            f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.",
            f"A password needs at least {MIN_PASSWORD} characters.",
        )
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound("account_not_found", "Không có tài khoản này.", "No such account.")
    account.password_hash = _hasher.hash(password)
    generation = end_sessions(session=session, account_id=account_id)
    audit.record(
        session=session,
        action="account.password_changed",
        entity_type="account",
        entity_id=account_id,
        actor_person_id=account.person_id,
    )
    return generation
