"""Per-client request rates: opinion submissions, receipt-code lookups and searches.

Counted by the app's shared limiter (ykien.accounts.limiter: Redis when configured, else the
database), so every worker process sees one count. A client is the account when signed in
(session cookie or API token), else its address (`client_address`, which believes proxy
headers only from YKIEN_TRUSTED_PROXIES). Beyond the limit the request is answered 429 with
`Retry-After`, before any work, in the app's error format (JSON for the API, a page else).
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from ykien.accounts.limiter import Limiter
from ykien.accounts.tokens import account_for_token
from ykien.config import Settings
from ykien.errors import UserError
from ykien.web.deps import Principal, client_address, request_credential

WINDOW = 60  # seconds: the limits are per minute
LIMITS = {  # kind -> the setting that holds its limit per minute
    "submit": "rate_submissions_per_minute",
    "receipt": "rate_receipt_lookups_per_minute",
    "search": "rate_searches_per_minute",
}


class TooManyRequests(UserError):
    status_code = 429

    def __init__(self, seconds: int) -> None:
        super().__init__(
            "too_many_requests",
            f"Bạn gửi quá nhiều yêu cầu trong một phút; vui lòng thử lại sau {seconds} giây.",
            f"Too many requests in a minute; try again in {seconds} seconds.",
        )
        self.retry_after = seconds


def client_key(request: Request) -> str:
    """Who is counted: "acct:<id>" for a signed-in account, else "ip:<address>"."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is not None:
        return f"acct:{principal.account_id}"
    credential = request_credential(request)
    account_id = credential.account_id
    if credential.token is not None:  # a route that checks its caller itself (the intake)
        with request.app.state.session_factory() as db:
            account_id = account_for_token(session=db, token=credential.token)
    if account_id is not None:
        return f"acct:{account_id}"
    return f"ip:{client_address(request)}"


def _wait_for(request: Request, kind: str, limit: int) -> int:
    limiter: Limiter = request.app.state.limiter
    return limiter.hit(f"{kind}:{client_key(request)}", limit, WINDOW)


def rate_limited(kind: str, *, only_with: str | None = None) -> Any:
    """A route dependency counting one request of `kind` for the client (only when the query
    parameter `only_with` is given, e.g. the search text); 429 beyond the limit."""
    setting = LIMITS[kind]

    async def check(request: Request) -> None:
        if only_with is not None and not request.query_params.get(only_with, "").strip():
            return
        settings: Settings = request.app.state.settings
        limit: int = getattr(settings, setting)
        if limit <= 0:
            return
        wait = await run_in_threadpool(_wait_for, request, kind, limit)
        if wait:
            raise TooManyRequests(wait)

    return Depends(check)


SubmissionRate = rate_limited("submit")
ReceiptLookupRate = rate_limited("receipt", only_with="code")
SearchRate = rate_limited("search", only_with="q")
