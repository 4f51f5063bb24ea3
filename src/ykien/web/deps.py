"""Request dependencies: the database session, the signed-in principal and role checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ykien.accounts.credentials import Credential, TokenInvalid
from ykien.accounts.models import Account, Membership, Person, Role
from ykien.accounts.tokens import account_for_token
from ykien.config import Settings
from ykien.errors import Forbidden, LoginRequired
from ykien.orgs.models import Organisation

SESSION_USER = "account_id"
MAX_ID = 2_147_483_647  # the databases' INTEGER: a larger id is a 422, not a database error
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


def load_principal(session: Session, account_id: int) -> Principal | None:
    row = session.execute(
        select(Account, Person)
        .join(Person, Person.id == Account.person_id)
        .where(Account.id == account_id, Account.is_active.is_(True))
    ).first()
    if row is None:
        return None
    account, person = row
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


def request_credential(request: Request) -> Credential:
    """The caller's credential as sent (API token or session account), not checked yet."""
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return Credential(token=authorization[7:].strip())
    account_id = request.session.get(SESSION_USER)
    return Credential(account_id=account_id if isinstance(account_id, int) else None)


def _principal_of(request: Request, credential: Credential) -> Principal | None:
    with request.app.state.session_factory() as db:
        account_id = credential.account_id
        if credential.token is not None:
            account_id = account_for_token(session=db, token=credential.token)
            if account_id is None:
                raise TokenInvalid()
        return load_principal(db, account_id) if account_id else None


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
