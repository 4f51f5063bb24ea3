"""E-mail to the parent organisation's secretaries when a unit submits its synthesis.

Sent after the submission is committed (the in-app notice is written with it); a mail server that
is down is logged and never undoes a submission.
"""

from __future__ import annotations

import logging
import smtplib

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.accounts.models import Membership, Person, Role
from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.mail import Message, send
from ykien.orgs.models import Organisation
from ykien.synthesis.models import Synthesis
from ykien.timefmt import format_datetime

log = logging.getLogger(__name__)


def submission_messages(
    *, session: Session, synthesis_id: int, settings: Settings, base_url: str = ""
) -> list[Message]:
    """One message per secretary (with an e-mail address) of the organisation it was sent to."""
    synthesis = session.get_one(Synthesis, synthesis_id)
    if synthesis.submitted_to_id is None or synthesis.submitted_at is None:
        return []
    unit = session.get_one(Organisation, synthesis.organisation_id)
    consultation = consultations.get(session=session, consultation_id=synthesis.consultation_id)
    secretaries = session.scalars(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.organisation_id == synthesis.submitted_to_id,
            Membership.role == Role.SECRETARY,
            Person.email.is_not(None),
        )
        .distinct()
        .order_by(Person.id)
    ).all()
    when = format_datetime(synthesis.submitted_at, settings.tz)
    body = (
        f"{unit.name} đã gửi báo cáo tổng hợp ý kiến (lần {synthesis.revision}) lúc {when} "
        f"về đợt lấy ý kiến “{consultation.title}”.\n\n"
        f"Xem và tổng hợp vào báo cáo của đơn vị: {base_url}/syntheses/{synthesis.id}\n"
    )
    return [
        Message(
            to_name=person.full_name,
            to_address=str(person.email),
            subject=f"{unit.name} đã gửi báo cáo tổng hợp ý kiến"[:250],
            body=body,
        )
        for person in secretaries
    ]


def send_submission(
    *, session: Session, settings: Settings, synthesis_id: int, base_url: str = ""
) -> int:
    """E-mail the submission when SMTP is configured; returns how many messages went out."""
    if not settings.smtp_host:
        return 0
    messages = submission_messages(
        session=session, synthesis_id=synthesis_id, settings=settings, base_url=base_url
    )
    try:
        return send(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            messages=messages,
        )
    except (OSError, smtplib.SMTPException):
        log.exception("e-mail of the submission of synthesis %s failed", synthesis_id)
        return 0
