"""The request's database session and its one commit point.

Every route takes its session from here: `Db` for pages and JSON that only read, `Tx` for a
state change. `Tx` commits after the route returns and before the answer is sent (a dependency
with scope="function"), so what is acknowledged is committed; any exception rolls back. No route
module calls `commit()` (opinion submissions go through `ykien.opinions.intake.IntakeWriter`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session


def get_db(request: Request) -> Iterator[Session]:
    """One session per request, closed once the answer is sent; reads only unless `Tx` is used."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


AFTER_COMMIT = "ykien.after_commit"


def after_commit(db: Session, action: Callable[[], None]) -> None:
    """Run `action` once the request's transaction is committed (never if it is rolled back):
    for what must not happen unless the change is stored, e.g. moving a file under a new id."""
    db.info.setdefault(AFTER_COMMIT, []).append(action)


def transaction(db: Session = Depends(get_db)) -> Iterator[Session]:
    """The request's session as one transaction: commit when the route returns, else roll back."""
    try:
        yield db
    except BaseException:
        db.info.pop(AFTER_COMMIT, None)
        db.rollback()
        raise
    db.commit()
    for action in db.info.pop(AFTER_COMMIT, []):
        action()


Db = Annotated[Session, Depends(get_db)]
Tx = Annotated[Session, Depends(transaction, scope="function")]
