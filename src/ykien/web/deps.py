"""Request dependencies: the database session, the signed-in principal and role checks."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Path, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ykien.accounts.credentials import Credential, TokenInvalid
from ykien.accounts.models import Account, Membership, Person, Role
from ykien.accounts.tokens import account_for_token
from ykien.config import Settings
from ykien.errors import Forbidden, InvalidRequest, LoginRequired, UserError
from ykien.orgs.models import Organisation
from ykien.types import MAX_ID

MAX_IDEMPOTENCY_KEY = 200  # characters, as the opinions table stores it
SESSION_USER = "account_id"
SESSION_GENERATION = "gen"  # the account's session generation when the session began
SESSION_STARTED = "iat"  # when it began (epoch seconds)
SESSION_SEEN = "seen"  # the last request (epoch seconds, refreshed at most once a minute)
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
F = TypeVar("F", bound=Callable[..., Any])


async def get_settings(request: Request) -> Settings:
    """The app's settings (async: nothing to wait for, so no worker thread is needed)."""
    settings: Settings = request.app.state.settings
    return settings


@dataclass(frozen=True)
class Principal:
    """Who is asking, with the tree paths of the organisations each role covers."""

    account_id: int
    person_id: int
    username: str
    full_name: str
    language: str
    organisation_id: int | None
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # role -> tree paths

    def covers(self, tree_path: str, roles: Iterable[str]) -> bool:
        """True if one of `roles` is held over an organisation at or above tree_path."""
        return any(
            tree_path.startswith(root) for role in roles for root in self.roles.get(role, ())
        )

    def has_any(self, roles: Iterable[str]) -> bool:
        return any(self.roles.get(role) for role in roles)

    @property
    def is_staff(self) -> bool:
        return self.has_any(STAFF_ROLES)


STAFF_ROLES = (Role.SECRETARY, Role.SUBCOMMITTEE_MEMBER, Role.CHAIR, Role.ADMIN)
MODERATOR_ROLES = (Role.SECRETARY, Role.ADMIN)
ADMIN_ROLES = (Role.ADMIN,)


def load_principal(
    session: Session, account_id: int, generation: int | None = None
) -> Principal | None:
    """The principal of an active account; with `generation` (a browser session), only while
    the account's sessions have not been ended since."""
    row = session.execute(
        select(Account, Person)
        .join(Person, Person.id == Account.person_id)
        .where(Account.id == account_id, Account.is_active.is_(True))
    ).first()
    if row is None:
        return None
    account, person = row
    if generation is not None and account.session_generation != generation:
        return None
    roles: dict[str, list[str]] = {}
    memberships = session.execute(
        select(Membership.role, Organisation.tree_path)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.person_id == person.id)
    )
    for role, tree_path in memberships:
        roles.setdefault(role, []).append(tree_path)
    return Principal(
        account_id=account.id,
        person_id=person.id,
        username=account.username,
        full_name=person.full_name,
        language=account.language,
        organisation_id=person.organisation_id,
        roles={role: tuple(paths) for role, paths in roles.items()},
    )


def authenticates_itself(endpoint: F) -> F:
    """Mark a route that checks its caller's credentials itself (in its own transaction): the
    app-wide principal dependency then reads nothing for it (see opinions.intake)."""
    endpoint.authenticates_itself = True  # type: ignore[attr-defined]
    return endpoint


def start_session(request: Request, account_id: int, generation: int) -> None:
    """A new browser session for the account (nothing of the old one is kept: no fixation)."""
    now = int(time.time())
    request.session.clear()
    request.session.update(
        {
            SESSION_USER: account_id,
            SESSION_GENERATION: generation,
            SESSION_STARTED: now,
            SESSION_SEEN: now,
        }
    )


def _live_session_account(request: Request) -> tuple[int, int] | None:
    """(account id, generation) of a session that is neither too old nor idle too long."""
    session = request.session
    account_id, generation = session.get(SESSION_USER), session.get(SESSION_GENERATION)
    started, seen = session.get(SESSION_STARTED), session.get(SESSION_SEEN)
    if not (
        isinstance(account_id, int)
        and isinstance(generation, int)
        and isinstance(started, int)
        and isinstance(seen, int)
    ):
        return None
    settings: Settings = request.app.state.settings
    now = int(time.time())
    if (
        now - started > settings.session_max_age_seconds
        or now - seen > settings.session_idle_seconds
    ):
        session.clear()
        return None
    if now - seen > 60:
        session[SESSION_SEEN] = now
    return account_id, generation


def request_credential(request: Request) -> Credential:
    """The caller's credential as sent (API token or session account), not checked yet."""
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return Credential(token=authorization[7:].strip())
    live = _live_session_account(request)
    if live is None:
        return Credential()
    return Credential(account_id=live[0], generation=live[1])


def client_address(request: Request) -> str:
    """The client's address: the connection's peer, or, when the peer is a trusted proxy
    (YKIEN_TRUSTED_PROXIES), the last address in X-Forwarded-For that is not one."""
    peer = request.client.host if request.client else "?"
    settings: Settings = request.app.state.settings
    trusted = settings.trusted_proxy_networks
    if not trusted or not _within(peer, trusted):
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    for hop in reversed([item.strip() for item in forwarded.split(",") if item.strip()]):
        if not _within(hop, trusted):
            return hop if _is_address(hop) else peer
    return peer


def _is_address(value: str) -> bool:
    try:
        ip_address(value)
    except ValueError:
        return False
    return True


def _within(address: str, networks: list[IPv4Network | IPv6Network]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _principal_of(request: Request, credential: Credential) -> Principal | None:
    with request.app.state.session_factory() as db:
        account_id = credential.account_id
        if credential.token is not None:
            account_id = account_for_token(session=db, token=credential.token)
            if account_id is None:
                raise TokenInvalid()
        if not account_id:
            return None
        principal = load_principal(db, account_id, credential.generation)
    if principal is None and credential.token is None:
        request.session.clear()  # an ended session: forget it
    return principal


async def current_principal(request: Request) -> Principal | None:
    """The signed-in account (session cookie) or the API token's account, else None."""
    if hasattr(request.state, "principal"):
        principal: Principal | None = request.state.principal
        return principal
    if getattr(request.scope.get("endpoint"), "authenticates_itself", False):
        return None
    credential = request_credential(request)
    principal = None
    if credential.token is not None or credential.account_id is not None:
        principal = await run_in_threadpool(_principal_of, request, credential)
    request.state.principal = principal
    return principal


async def require_principal(
    principal: Principal | None = Depends(current_principal),
) -> Principal:
    if principal is None:
        raise LoginRequired()
    return principal


async def require_staff(principal: Principal = Depends(require_principal)) -> Principal:
    if not principal.is_staff:
        raise Forbidden(
            "forbidden", "Bạn không có quyền truy cập trang này.", "You may not open this page."
        )
    return principal


def forbid() -> Forbidden:
    return Forbidden(
        "forbidden",
        "Bạn không có quyền thực hiện thao tác này.",
        "You are not allowed to do this.",
    )


def _idempotency_key(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(max_length=800, description="UTF-8; compared in NFC (one key, one opinion)"),
    ] = None,
) -> str | None:
    """The Idempotency-Key header read as UTF-8 (HTTP gives Latin-1) and normalised to NFC,
    so the composed and decomposed spellings of one key are one key."""
    if idempotency_key is None:
        return None
    raw = request.headers.raw
    value = next((v for k, v in raw if k.lower() == b"idempotency-key"), b"")
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            "idempotency_key_invalid",
            "Mã chống gửi trùng phải là văn bản UTF-8.",
            "The Idempotency-Key must be UTF-8 text.",
        ) from exc
    key = unicodedata.normalize("NFC", text)
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise InvalidRequest(
            "invalid_request",
            f"Mã chống gửi trùng dài quá {MAX_IDEMPOTENCY_KEY} ký tự.",
            f"The Idempotency-Key is longer than {MAX_IDEMPOTENCY_KEY} characters.",
        )
    return key


IdempotencyKey = Annotated[str | None, Depends(_idempotency_key)]
