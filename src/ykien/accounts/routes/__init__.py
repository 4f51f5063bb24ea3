"""The accounts routes: signing in, the account, an organisation's people, invitations."""

from fastapi import APIRouter

from ykien.accounts.routes import account, invitations, members, signin

router = APIRouter()
for part in (signin, account, members, invitations):
    router.include_router(part.router)
