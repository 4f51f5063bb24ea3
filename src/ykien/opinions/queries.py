"""Read-only queries and checks for the participant's pages: counts, "my opinions", receipts."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ykien.consultations.models import Consultation
from ykien.db import keyset
from ykien.drafts.models import Section
from ykien.errors import UserError
from ykien.opinions.models import Opinion, OpinionKind, OpinionStatus
from ykien.opinions.schemas import MyOpinionOut, MyOpinionsOut

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


def opinions_of_person(
    *,
    session: Session,
    person_id: int,
    page: int = 1,
    per_page: int = 50,
    seek: keyset.Seek | None = None,
) -> MyOpinionsOut:
    """The person's own opinions across consultations, newest first, one page of them (keyset
    pagination: `seek` from a page's cursor, else `page` from the nearer end)."""
    total = session.execute(
        select(func.count()).select_from(Opinion).where(Opinion.author_person_id == person_id)
    ).scalar_one()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    columns = [getattr(Opinion, name) for name in MY_OPINION_COLUMNS]
    query = (
        select(
            *columns,
            Consultation.title.label("consultation_title"),
            Section.label.label("section_label"),
        )
        .join(Consultation, Consultation.id == Opinion.consultation_id)
        .outerjoin(Section, Section.id == Opinion.section_id)
        .where(Opinion.author_person_id == person_id)
    )
    rows = keyset.page_rows(
        session,
        query,
        (Opinion.submitted_at, Opinion.id),
        seek=seek or keyset.Seek(),
        page=page,
        pages=pages,
        total=total,
        size=per_page,
    )
    items = [MyOpinionOut.model_validate(row._mapping) for row in rows]
    return MyOpinionsOut(
        items=items,
        total=total,
        page=page,
        pages=pages,
        per_page=per_page,
        next_cursor=_cursor(items[-1]) if items and page < pages else None,
        previous_cursor=_cursor(items[0]) if items and page > 1 else None,
    )


MY_CURSOR_KINDS = (datetime, int)


def _cursor(item: MyOpinionOut) -> str:
    return keyset.encode((item.submitted_at, item.id))


# the opinion's own columns "my opinions" shows (with its consultation's title, section's label)
MY_OPINION_COLUMNS = (
    "id",
    "consultation_id",
    "section_id",
    "kind",
    "text",
    "quote",
    "proposed_wording",
    "status",
    "hidden_reason",
    "receipt_code",
    "submitted_at",
)


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
