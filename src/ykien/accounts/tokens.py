"""API tokens: shown once at creation, stored as a SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.accounts.models import Account, ApiToken
from ykien.audit import service as audit
from ykien.db.base import utcnow
from ykien.errors import NotFound, UserError

PREFIX = "yk_"
MAX_TOKEN = 200


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedToken:
    id: int
    token: str  # the only time the secret is available


def issue(*, session: Session, account_id: int, name: str) -> IssuedToken:
    name = vt.collapse_spaces(vt.clean(name))
    if not name or len(name) > 100:
        raise UserError(
            "token_name_invalid",
            "Tên mã truy cập phải có từ 1 đến 100 ký tự.",
            "A token name must have 1 to 100 characters.",
        )
    if session.get(Account, account_id) is None:
        raise NotFound("account_not_found", "Không có tài khoản này.", "No such account.")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(account_id=account_id, name=name, token_hash=_digest(token))
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        action="api_token.issued",
        entity_type="api_token",
        entity_id=row.id,
        payload={"account_id": account_id, "name": name},
    )
    return IssuedToken(row.id, token)


def revoke(*, session: Session, token_id: int, account_id: int) -> None:
    row = session.get(ApiToken, token_id)
    if row is None or row.account_id != account_id:
        raise NotFound("token_not_found", "Không có mã truy cập này.", "No such token.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(
            session=session,
            action="api_token.revoked",
            entity_type="api_token",
            entity_id=row.id,
            payload={"account_id": account_id},
        )


def live_tokens(*, session: Session, account_id: int) -> list[ApiToken]:
    """The account's tokens not revoked, oldest first."""
    return list(
        session.execute(
            select(ApiToken)
            .where(ApiToken.account_id == account_id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.id)
        ).scalars()
    )


def _live(tokens: Iterable[str]) -> dict[str, str]:
    """digest -> token for the tokens that could be ours."""
    return {
        _digest(token): token for token in tokens if token.startswith(PREFIX) and len(token) <= 200
    }


def account_for_token(*, session: Session, token: str) -> int | None:
    """The account id of a live token, or None."""
    digests = _live([token])
    if not digests:
        return None
    return session.execute(
        select(ApiToken.account_id).where(
            ApiToken.token_hash.in_(digests), ApiToken.revoked_at.is_(None)
        )
    ).scalar_one_or_none()


def people_for_tokens(*, session: Session, tokens: Iterable[str]) -> dict[str, int | None]:
    """For each live token among `tokens`, its account's person, or None if the account is
    inactive (unknown and revoked tokens are left out); one query."""
    digests = _live(tokens)
    if not digests:
        return {}
    rows = session.execute(
        select(ApiToken.token_hash, Account.person_id, Account.is_active)
        .join(Account, Account.id == ApiToken.account_id)
        .where(ApiToken.token_hash.in_(digests), ApiToken.revoked_at.is_(None))
    )
    return {digests[digest]: person if active else None for digest, person, active in rows}
