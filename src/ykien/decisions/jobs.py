"""Work done after the request's transaction: e-mail a publication batch in a unit of work of its
own. The publication is committed before this runs, so a mail server that is down never undoes
it (the in-app notices are already there) and the batch can be sent again later."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from ykien.config import Settings
from ykien.db.engine import unit_of_work
from ykien.decisions import notify


def email_publication(
    *,
    session_factory: sessionmaker[Session],
    settings: Settings,
    publication_id: int,
    base_url: str,
) -> int:
    """E-mail the batch (when SMTP is configured) and record when it went out."""
    with unit_of_work(session_factory) as session:
        return notify.send_publication(
            session=session, settings=settings, publication_id=publication_id, base_url=base_url
        )
