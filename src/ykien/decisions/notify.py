"""E-mail notices of published decisions: one message per person per publication batch.

Sent after the publication is committed; a mail server that is down never undoes a publication
(the in-app notice is already there) and the batch can be sent again later.
"""

from __future__ import annotations

import logging
import smtplib
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.db.base import utcnow
from ykien.decisions import service as decisions
from ykien.decisions.models import OUTCOME_VI, Decision, Publication
from ykien.mail import Message, send
from ykien.opinions.models import Opinion
from ykien.timefmt import format_date

__all__ = ["Message", "publication_messages", "send", "send_publication"]

log = logging.getLogger(__name__)
EXCERPT = 300


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _answer_lines(opinion: Opinion, decision: Decision, tz: ZoneInfo) -> list[str]:
    lines = [
        f"- Ý kiến mã {opinion.receipt_code}: «{_excerpt(opinion.text)}»",
        f"  Kết quả: {OUTCOME_VI.get(decision.outcome, decision.outcome)}"
        f" (công bố ngày {format_date(decision.published_at or utcnow(), tz)})",
        f"  Giải trình: {decision.explanation}",
    ]
    if decision.new_wording:
        lines.append(f"  Nội dung mới: {decision.new_wording}")
    return lines


def publication_messages(
    *, session: Session, publication_id: int, tz: ZoneInfo, base_url: str = ""
) -> list[Message]:
    """The messages of a batch: one per author with an e-mail address, listing their answers."""
    publication = session.get_one(Publication, publication_id)
    chosen = list(
        session.scalars(select(Decision).where(Decision.publication_id == publication_id))
    )
    title = consultations.get(session=session, consultation_id=publication.consultation_id).title
    covered: set[int] = set()
    for decision in chosen:
        covered.update(
            session.scalars(decisions.opinions_of_item(decision.target_type, decision.target_id))
        )
    effective = decisions.effective_decisions(session=session, opinion_ids=covered)
    in_batch = {d.id for d in chosen}
    answered = sorted(i for i in covered if i in effective and effective[i].decision.id in in_batch)
    by_person: dict[int, list[Opinion]] = {}
    for opinion in session.scalars(
        select(Opinion).where(Opinion.id.in_(answered), Opinion.author_person_id.is_not(None))
    ):
        by_person.setdefault(opinion.author_person_id or 0, []).append(opinion)
    people = decisions.people_by_id(session=session, person_ids=by_person)
    messages = []
    for person_id, own in sorted(by_person.items()):
        person = people[person_id]
        if not person.email:
            continue
        lines = [
            f"Kính gửi {person.full_name},",
            "",
            f"Đợt lấy ý kiến «{title}» đã công bố kết quả tiếp thu, giải trình "
            f"{len(own)} ý kiến của bạn:",
            "",
        ]
        for opinion in sorted(own, key=lambda o: o.id):
            lines += _answer_lines(opinion, effective[opinion.id].decision, tz)
        lines += ["", f"Xem chi tiết tại: {base_url}/me/opinions", "", "ykien"]
        messages.append(
            Message(
                to_name=person.full_name,
                to_address=person.email,
                subject=f"Kết quả tiếp thu, giải trình ý kiến: {title}"[:250],
                body="\n".join(lines) + "\n",
            )
        )
    return messages


def send_publication(
    *, session: Session, settings: Settings, publication_id: int, base_url: str = ""
) -> int:
    """E-mail a publication batch when SMTP is configured; records when it went out.

    The caller commits. Returns the number of messages sent (0 without an SMTP host).
    """
    if not settings.smtp_host:
        return 0
    messages = publication_messages(
        session=session, publication_id=publication_id, tz=settings.tz, base_url=base_url
    )
    try:
        sent = send(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            messages=messages,
        )
    except (OSError, smtplib.SMTPException):
        log.exception("e-mail of publication %s failed", publication_id)
        return 0
    session.get_one(Publication, publication_id).emailed_at = utcnow()
    return sent
