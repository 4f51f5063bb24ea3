"""Credentials as a request presents them, and the people behind them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ykien.accounts import service as accounts
from ykien.accounts import tokens
from ykien.errors import UserError


@dataclass(frozen=True, slots=True)
class Credential:
    """Who a request says it comes from: an API token, or the account of a signed-in browser
    session, or nobody. Not checked yet."""

    token: str | None = None
    account_id: int | None = None
    generation: int | None = None  # of the session (see Account.session_generation)


class TokenInvalid(UserError):
    status_code = 401

    def __init__(self) -> None:
        super().__init__(
            "token_invalid",
            "Mã truy cập API không hợp lệ hoặc đã bị thu hồi.",
            "The API token is invalid or revoked.",
        )


def people_of(
    *, session: Session, credentials: Sequence[Credential]
) -> list[int | TokenInvalid | None]:
    """The person behind each credential, checked with one query per kind of credential for all
    of them: None for no account, an inactive one or an ended session, TokenInvalid for an
    unknown or revoked token."""
    by_token = tokens.people_for_tokens(
        session=session, tokens={c.token for c in credentials if c.token is not None}
    )
    by_account = accounts.active_sessions(
        session=session,
        account_ids={c.account_id for c in credentials if c.account_id is not None},
    )
    found: list[int | TokenInvalid | None] = []
    for credential in credentials:
        if credential.token is None:
            person, generation = by_account.get(credential.account_id or 0, (None, None))
            found.append(person if generation == credential.generation else None)
        elif credential.token in by_token:
            found.append(by_token[credential.token])
        else:
            found.append(TokenInvalid())
    return found
