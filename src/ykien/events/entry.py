"""Fast entry of the opinions voiced at an event: each line is checked against the event (the
draft it is about among those the event collects for, the section in that draft, the speaker,
the organisation it counts for) and recorded with its speaker as author. The web app records
through the IntakeWriter (`record`), as a staff-recorded submission: the speaker stays the
author and the signed-in secretary is the recorder; `add_event_opinion` records in the caller's
transaction (report confirmation, the CLI). Services take a session and never commit.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ykien import text as vt
from ykien.accounts.credentials import Credential
from ykien.accounts.models import Person
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.errors import NotFound, UserError
from ykien.events import collects
from ykien.events.checks import checked
from ykien.events.lookups import resolve_section
from ykien.events.models import Event, EventAttendee
from ykien.events.service import MAX_NAME, AttendeeIn, _attendee_row, get_event
from ykien.opinions import service as opinions
from ykien.opinions.intake import IntakeWriter, Recorded
from ykien.opinions.models import Channel, Opinion, OpinionKind

LINE_KEY_PREFIX = "entry-"
MAX_LINE_KEY = 100


def _author_fields(
    session: Session, consultation_id: int, *, person_id: int | None, name: str | None
) -> dict[str, Any]:
    """submit()'s author fields: the person if in scope, else their name, else none."""
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFound(
                "person_not_found",
                f"Không có người số {person_id}.",
                f"Person {person_id} does not exist.",
            )
        if consultations.person_in_scope(
            session=session, consultation_id=consultation_id, person_id=person_id
        ):
            return {"author_person_id": person_id}
        return {"author_name": person.full_name}
    return {"author_name": name} if name else {}


def _ensure_attendee(session: Session, event: Event, person_id: int | None, name: str) -> None:
    """A speaker not yet listed among the attendees is added to them."""
    rows = session.scalars(select(EventAttendee).where(EventAttendee.event_id == event.id))
    key = vt.name_key(name)
    for row in rows:
        if (person_id is not None and row.person_id == person_id) or vt.name_key(row.name) == key:
            return
    session.add(_attendee_row(session, event.id, AttendeeIn(name=name, person_id=person_id)))


@dataclass(frozen=True, slots=True)
class EventOpinion:
    """An opinion of the event ready to record: the submission (the speaker as its author) and
    the speaker to list among the attendees."""

    submission: opinions.Submission
    speaker_person_id: int | None
    speaker: str


def prepare_event_opinion(
    *,
    session: Session,
    event_id: int,
    text: str,
    speaker_person_id: int | None = None,
    speaker_name: str | None = None,
    section_ref: str | None = None,
    section_id: int | None = None,
    kind: str = OpinionKind.COMMENT,
    proposed_wording: str | None = None,
    idempotency_key: str | None = None,
    consultation_id: int | None = None,
    credited_organisation_id: int | None = None,
    max_chars: int = 10_000,
) -> EventOpinion:
    """One opinion voiced at the event (channel "event") on one of the drafts it collects for
    (default: its own), the section given as typed in that draft, credited to the organisation
    chosen (default: the speaker's, else the first organiser); checked, not yet recorded."""
    event = get_event(session=session, event_id=event_id)
    target = collects.check_collects(session=session, event=event, consultation_id=consultation_id)
    name = checked(speaker_name, limit=MAX_NAME, field_vi="Người phát biểu", field_en="Speaker")
    if section_id is None and section_ref and section_ref.strip():
        section_id = _section_in(session, target, section_ref)
    author = _author_fields(session, target, person_id=speaker_person_id, name=name or None)
    credited = _credit(
        session, event, target, author, chosen=credited_organisation_id,
        person_id=speaker_person_id, name=name or None,
    )  # fmt: skip
    if credited is not None:
        author["on_behalf_of_id"] = credited
    elif not author:
        author["author_name"] = event.title[:MAX_NAME]
    speaker = name
    if not speaker and speaker_person_id is not None:
        person = session.get(Person, speaker_person_id)
        speaker = person.full_name if person else ""
    submission = opinions.Submission(
        consultation_id=target, text=text, kind=kind, section_id=section_id,
        proposed_wording=proposed_wording, channel=Channel.EVENT, event_id=event.id,
        idempotency_key=idempotency_key, max_chars=max_chars, **author,
    )  # fmt: skip
    return EventOpinion(submission, speaker_person_id, speaker)


def after_event_opinion(
    session: Session, prepared: EventOpinion, opinion: Opinion, actor_person_id: int | None
) -> None:
    """Once the opinion is created (in its transaction): its speaker among the attendees, and
    who recorded it in the audit log."""
    event = get_event(session=session, event_id=opinion.event_id or 0)
    if prepared.speaker_person_id is not None or prepared.speaker:
        _ensure_attendee(session, event, prepared.speaker_person_id, prepared.speaker)
        session.flush()
    if actor_person_id is not None:
        audit.record(
            session=session,
            action="event.opinion_recorded",
            entity_type="event",
            entity_id=event.id,
            actor_person_id=actor_person_id,
            payload={"opinion_id": opinion.id, "consultation_id": opinion.consultation_id},
        )


def add_event_opinion(
    *,
    session: Session,
    event_id: int,
    text: str,
    actor_person_id: int | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> Opinion:
    """Record one opinion voiced at the event in the caller's transaction (see
    prepare_event_opinion); the web app records through the intake (events.entry)."""
    prepared = prepare_event_opinion(session=session, event_id=event_id, text=text, **fields)
    result = opinions.submit(session=session, now=now, **asdict(prepared.submission))
    if result.created:
        after_event_opinion(session, prepared, result.opinion, actor_person_id)
    return result.opinion


def _credit(
    session: Session,
    event: Event,
    consultation_id: int,
    author: dict[str, Any],
    *,
    chosen: int | None,
    person_id: int | None,
    name: str | None,
) -> int | None:
    """The on-behalf-of organisation of an event opinion: none when unchosen and the author
    already counts for their own organisation."""
    speaker_org = collects.speaker_organisation(session, event, person_id=person_id, name=name)
    if chosen is None and "author_person_id" in author:
        person = session.get(Person, author["author_person_id"])
        if person is not None and person.organisation_id is not None:
            return None
    return collects.credited_organisation(
        session, event, consultation_id=consultation_id, chosen=chosen, speaker_org=speaker_org
    )


def _section_in(session: Session, consultation_id: int, typed: str) -> int:
    """The section a typed reference names in the consultation's draft; refused otherwise."""
    section = resolve_section(session=session, consultation_id=consultation_id, typed=typed)
    if section is None:
        title = consultations.get(session=session, consultation_id=consultation_id).title
        raise UserError(
            "section_reference_unknown",
            f"Không tìm thấy mục “{typed.strip()[:80]}” trong dự thảo “{title[:120]}”.",
            f"No section “{typed.strip()[:80]}” in the draft “{title[:120]}”.",
        )
    return section.id


# ---------------------------------------------------------------------------------------------
# Through the intake


def line_key(form_key: str, fields: dict[str, Any]) -> str | None:
    """The idempotency key of one fast-entry line: the entry form's own key with what the line
    says, so the same line sent twice (a double press, a retry) is stored once and another
    line of the same page is another opinion. None without a form key."""
    form_key = form_key.strip()[:MAX_LINE_KEY]
    if not form_key:
        return None
    content = json.dumps([form_key, fields], ensure_ascii=False, sort_keys=True, default=str)
    return LINE_KEY_PREFIX + hashlib.sha256(content.encode("utf-8")).hexdigest()


def _load(session_factory: sessionmaker[Session], opinion_id: int) -> Opinion:
    """The opinion as committed, read in a session of its own (the request's may predate it)."""
    with session_factory() as session:
        opinion = session.get(Opinion, opinion_id)
        if opinion is None:  # pragma: no cover - the receipt comes after the commit
            raise NotFound("opinion_not_found", "Không có ý kiến này.", "No such opinion.")
        return opinion


async def record(
    intake: IntakeWriter,
    session: Session,
    *,
    event_id: int,
    fields: dict[str, Any],
    credential: Credential,
    max_chars: int,
) -> Opinion:
    """Check one line in the request's session, then record it through the intake (committed
    before this returns) with the speaker as author and the credential's person as recorder;
    a repeated idempotency key returns the first opinion."""
    prepared = await asyncio.to_thread(
        lambda: prepare_event_opinion(
            session=session, event_id=event_id, max_chars=max_chars, **fields
        )
    )

    def then(tx: Session, opinion: Opinion, recorder_person_id: int) -> None:
        after_event_opinion(tx, prepared, opinion, recorder_person_id)

    receipt = await intake.submit(Recorded(prepared.submission, then), credential)
    return await asyncio.to_thread(_load, intake.session_factory, receipt.opinion_id)
