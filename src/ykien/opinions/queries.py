"""Read-only queries and checks for the participant's pages: counts, "my opinions", receipts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ykien.consultations.models import Consultation
from ykien.drafts.models import Section
from ykien.errors import UserError
from ykien.opinions.models import Opinion, OpinionKind, OpinionStatus

# what the public sees counted: never hidden, never merged-away duplicates
VISIBLE_STATUSES = (OpinionStatus.PUBLISHED, OpinionStatus.RECEIVED)
# kinds that propose a text: the proposal itself is needed
KINDS_NEEDING_WORDING = (OpinionKind.AMEND, OpinionKind.ADD)
RECEIPT_PATTERN = re.compile(r"^YK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def visible_counts_by_section(*, session: Session, consultation_id: int) -> dict[int | None, int]:
    """Visible opinions per section in one grouped query; None holds general opinions."""
    rows = session.execute(
        select(Opinion.section_id, func.count())
        .where(
            Opinion.consultation_id == consultation_id,
            Opinion.status.in_([str(status) for status in VISIBLE_STATUSES]),
        )
        .group_by(Opinion.section_id)
    )
    return {section_id: count for section_id, count in rows}


def counts_by_consultation(*, session: Session, consultation_ids: list[int]) -> dict[int, int]:
    """All opinions (any status) per consultation, in one grouped query."""
    if not consultation_ids:
        return {}
    rows = session.execute(
        select(Opinion.consultation_id, func.count())
        .where(Opinion.consultation_id.in_(consultation_ids))
        .group_by(Opinion.consultation_id)
    )
    return {consultation_id: count for consultation_id, count in rows}


def check_proposed_wording(kind: str, proposed_wording: str | None) -> None:
    """An amendment or an addition needs the wording it proposes."""
    if kind in KINDS_NEEDING_WORDING and not (proposed_wording or "").strip():
        raise UserError(
            "proposed_wording_required",
            "Ý kiến sửa đổi hoặc bổ sung cần ghi rõ nội dung đề xuất.",
            "An amendment or an addition needs the proposed wording.",
        )


@dataclass(frozen=True, slots=True)
class MyOpinion:
    """One of a person's opinions, with what the "my opinions" page shows beside it."""

    id: int
    consultation_id: int
    consultation_title: str
    section_id: int | None
    section_label: str | None
    kind: str
    text: str
    quote: str | None
    proposed_wording: str | None
    status: str
    hidden_reason: str | None
    receipt_code: str
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class MyOpinionsPage:
    items: list[MyOpinion]
    total: int
    page: int
    pages: int
    per_page: int


def opinions_of_person(
    *, session: Session, person_id: int, page: int = 1, per_page: int = 50
) -> MyOpinionsPage:
    """The person's own opinions across consultations, newest first, one page of them."""
    total = session.execute(
        select(func.count()).select_from(Opinion).where(Opinion.author_person_id == person_id)
    ).scalar_one()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = session.execute(
        select(Opinion, Consultation.title, Section.label)
        .join(Consultation, Consultation.id == Opinion.consultation_id)
        .outerjoin(Section, Section.id == Opinion.section_id)
        .where(Opinion.author_person_id == person_id)
        .order_by(Opinion.submitted_at.desc(), Opinion.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    items = [
        MyOpinion(
            id=opinion.id,
            consultation_id=opinion.consultation_id,
            consultation_title=title,
            section_id=opinion.section_id,
            section_label=label,
            kind=opinion.kind,
            text=opinion.text,
            quote=opinion.quote,
            proposed_wording=opinion.proposed_wording,
            status=opinion.status,
            hidden_reason=opinion.hidden_reason,
            receipt_code=opinion.receipt_code,
            submitted_at=opinion.submitted_at,
        )
        for opinion, title, label in rows
    ]
    return MyOpinionsPage(items=items, total=total, page=page, pages=pages, per_page=per_page)


def person_has_receipt(*, session: Session, person_id: int, receipt_code: str) -> bool:
    """True if the receipt code is one of the person's opinions (a well-formed code first)."""
    if not RECEIPT_PATTERN.match(receipt_code):
        return False
    found = session.execute(
        select(Opinion.id).where(
            Opinion.receipt_code == receipt_code, Opinion.author_person_id == person_id
        )
    ).first()
    return found is not None


def receipt_status(*, session: Session, consultation_id: int, receipt_code: str) -> str | None:
    """The status of the opinion with this receipt in the consultation, if there is one."""
    if not RECEIPT_PATTERN.match(receipt_code):
        return None
    status: str | None = session.execute(
        select(Opinion.status).where(
            Opinion.receipt_code == receipt_code, Opinion.consultation_id == consultation_id
        )
    ).scalar_one_or_none()
    return status
