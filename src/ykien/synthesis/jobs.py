"""Work done after the request's transaction: e-mail a submission in a session of its own, so a
mail server that is down never undoes (nor delays) what was committed."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from ykien.config import Settings
from ykien.synthesis import notify


def email_submission(
    *, session_factory: sessionmaker[Session], settings: Settings, synthesis_id: int, base_url: str
) -> int:
    """E-mail the parent's secretaries about a committed submission (when SMTP is configured)."""
    with session_factory() as session:
        return notify.send_submission(
            session=session, settings=settings, synthesis_id=synthesis_id, base_url=base_url
        )
