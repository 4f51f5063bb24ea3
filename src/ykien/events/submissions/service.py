"""Written submissions (văn bản góp ý): an organisation's comment letter is split into proposed
opinions, corrected, then confirmed as opinions on its behalf (channel written). Services take a
session and never commit."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.db.base import utcnow
from ykien.drafts.refs import SectionIndex
from ykien.errors import Conflict, NotFound, UserError
from ykien.events.checks import sha256
from ykien.events.lookups import consultation_sections
from ykien.events.models import (
    Submission,
    SubmissionOpinion,
)
from ykien.events.readers import read_document
from ykien.events.recommendations.service import create_recommendation
from ykien.events.submissions.split import split_submission
from ykien.opinions import service as opinions
from ykien.opinions.models import Channel, Opinion, OpinionKind
from ykien.orgs import service as orgs

# ---------------------------------------------------------------------------------------------
# Written submissions


@dataclass(frozen=True, slots=True)
class SubmissionItemIn:
    """One item of a letter as corrected before confirmation."""

    text: str
    section_id: int | None = None
    proposed_wording: str | None = None
    kind: str = OpinionKind.COMMENT
    include: bool = True


def get_submission(*, session: Session, submission_id: int) -> Submission:
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise NotFound(
            "submission_not_found",
            f"Không có văn bản góp ý số {submission_id}.",
            f"Submission {submission_id} does not exist.",
        )
    return submission


def _guess_kind(text: str, wording: str | None) -> str:
    folded = vt.fold(text)
    if "kien nghi" in folded:
        return OpinionKind.RECOMMENDATION
    if wording:
        return OpinionKind.AMEND
    if re.search(r"\bbo sung\b", folded):
        return OpinionKind.ADD
    if re.search(r"\b(?:bo|loai bo|bai bo)\b", folded):
        return OpinionKind.DELETE
    return OpinionKind.COMMENT


def preview_submission(
    *,
    session: Session,
    consultation_id: int,
    organisation_id: int,
    data: bytes,
    filename: str,
    max_bytes: int = 20_000_000,
    actor_person_id: int | None = None,
) -> Submission:
    """Read the letter and split it into proposed opinions; nothing is an opinion yet."""
    organisation = orgs.get(session=session, organisation_id=organisation_id)
    if organisation_id not in consultations.scope_org_ids(
        session=session, consultation_id=consultation_id
    ):
        raise UserError(
            "organisation_out_of_scope",
            f"{organisation.name} không thuộc phạm vi lấy ý kiến của đợt này.",
            f"{organisation.name} is not within the consultation's scope.",
        )
    text = read_document(data, filename=filename or "letter.txt", max_bytes=max_bytes)
    sections = consultation_sections(session, consultation_id)
    index = SectionIndex(sections)
    items = []
    for item in split_submission(text):
        found = {i for i in (index.resolve_text(ref) for ref in item.references) if i is not None}
        section = sections[found.pop()] if len(found) == 1 else None
        items.append(
            {
                "text": item.text,
                "start": item.start,
                "end": item.end,
                "references": list(item.references),
                "section_id": section.id if section else None,
                "section_label": section.label if section else None,
                "proposed_wording": item.proposed_wording,
                "kind": _guess_kind(item.text, item.proposed_wording),
            }
        )
    if not items:
        raise UserError(
            "submission_no_items",
            "Không tìm thấy ý kiến nào trong văn bản góp ý này.",
            "No opinion was found in this comment letter.",
        )
    submission = Submission(
        consultation_id=consultation_id,
        organisation_id=organisation_id,
        filename=(filename or "letter.txt")[:300],
        sha256=sha256(data),
        text=text,
        items_json=json.dumps(items, ensure_ascii=False),
        created_by_person_id=actor_person_id,
    )
    session.add(submission)
    session.flush()
    audit.record(
        session=session,
        action="submission.previewed",
        entity_type="submission",
        entity_id=submission.id,
        actor_person_id=actor_person_id,
        payload={"organisation_id": organisation_id, "sha256": submission.sha256},
    )
    return submission


def submission_items(submission: Submission) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(submission.items_json or "[]")
    return loaded


def confirm_submission(
    *,
    session: Session,
    submission_id: int,
    items: Sequence[SubmissionItemIn] | None = None,
    actor_person_id: int | None = None,
    now: datetime | None = None,
) -> list[Opinion]:
    """Create the letter's opinions (channel written, on behalf of the organisation)."""
    now = now or utcnow()
    submission = get_submission(session=session, submission_id=submission_id)
    if submission.confirmed_at is not None:
        raise Conflict(
            "submission_confirmed",
            "Văn bản góp ý này đã được xác nhận.",
            "This submission was already confirmed.",
        )
    if items is None:
        items = [
            SubmissionItemIn(
                text=i["text"],
                section_id=i["section_id"],
                proposed_wording=i["proposed_wording"],
                kind=i["kind"],
            )
            for i in submission_items(submission)
        ]
    created: list[Opinion] = []
    for number, item in enumerate(items):
        if not item.include:
            continue
        result = opinions.submit(
            session=session,
            consultation_id=submission.consultation_id,
            text=item.text,
            kind=item.kind,
            section_id=item.section_id,
            proposed_wording=item.proposed_wording,
            on_behalf_of_id=submission.organisation_id,
            channel=Channel.WRITTEN,
            idempotency_key=f"submission:{submission.id}:{number}",
            now=now,
        )
        session.add(SubmissionOpinion(submission_id=submission.id, opinion_id=result.opinion.id))
        created.append(result.opinion)
        if item.kind == OpinionKind.RECOMMENDATION:
            create_recommendation(
                session=session,
                consultation_id=submission.consultation_id,
                text=result.opinion.text,
                opinion_id=result.opinion.id,
                raised_by_organisation_id=submission.organisation_id,
                actor_person_id=actor_person_id,
            )
    if not created:
        raise UserError(
            "submission_nothing_chosen",
            "Chưa chọn ý kiến nào để ghi nhận.",
            "No item was chosen to record.",
        )
    submission.confirmed_at = now
    session.flush()
    audit.record(
        session=session,
        action="submission.confirmed",
        entity_type="submission",
        entity_id=submission.id,
        actor_person_id=actor_person_id,
        payload={"opinions": [o.id for o in created]},
        occurred_at=now,
    )
    return created


def submission_opinion_ids(*, session: Session, submission_id: int) -> list[int]:
    return list(
        session.scalars(
            select(SubmissionOpinion.opinion_id)
            .where(SubmissionOpinion.submission_id == submission_id)
            .order_by(SubmissionOpinion.id)
        )
    )
