"""What an event collects opinions for, and whom its opinions are credited to.

An event collects for one or more consultations (drafts): its own (home) consultation, under
which it was recorded, and the others listed in event_consultations. An opinion given at the
event by someone whose organisation is not known is credited to an organisation the secretary
picks (the speaker's if known, else one of the event's organisers): that organisation is the
opinion's on-behalf-of organisation, so it reaches its synthesis. Services take a session and
never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.accounts.models import Person
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.drafts.models import Draft, DraftVersion
from ykien.errors import UserError
from ykien.events.models import Event, EventAttendee, EventConsultation, EventOrganiser
from ykien.opinions.models import Opinion
from ykien.orgs.models import Organisation

MAX_COLLECTED = 50


@dataclass(frozen=True, slots=True)
class CollectedConsultation:
    """A consultation the event collects for, as the pages name it."""

    id: int
    title: str
    draft_title: str
    draft_version_id: int
    home: bool


def collected_ids(*, session: Session, event: Event) -> list[int]:
    """The consultations the event collects for: its home consultation first."""
    others = session.scalars(
        select(EventConsultation.consultation_id)
        .where(EventConsultation.event_id == event.id)
        .order_by(EventConsultation.id)
    )
    return list(dict.fromkeys([event.consultation_id, *others]))


def collected(*, session: Session, event: Event) -> list[CollectedConsultation]:
    ids = collected_ids(session=session, event=event)
    rows = {
        c.id: (c, title)
        for c, title in session.execute(
            select(Consultation, Draft.title)
            .join(DraftVersion, DraftVersion.id == Consultation.draft_version_id)
            .join(Draft, Draft.id == DraftVersion.draft_id)
            .where(Consultation.id.in_(ids))
        )
    }
    return [
        CollectedConsultation(i, rows[i][0].title, rows[i][1], rows[i][0].draft_version_id,
                              i == event.consultation_id)
        for i in ids
        if i in rows
    ]  # fmt: skip


def set_collected(*, session: Session, event: Event, consultation_ids: Iterable[int]) -> None:
    """Replace the consultations the event collects for (the home one is always among them)."""
    wanted = list(dict.fromkeys([event.consultation_id, *consultation_ids]))
    if len(wanted) > MAX_COLLECTED:
        raise UserError(
            "too_many_consultations",
            f"Một sự kiện lấy ý kiến cho tối đa {MAX_COLLECTED} dự thảo.",
            f"An event collects opinions for at most {MAX_COLLECTED} drafts.",
        )
    for consultation_id in wanted:
        consultations.get(session=session, consultation_id=consultation_id)
    existing = {
        row.consultation_id: row
        for row in session.scalars(
            select(EventConsultation).where(EventConsultation.event_id == event.id)
        )
    }
    for consultation_id, row in existing.items():
        if consultation_id not in wanted:
            session.delete(row)
    for consultation_id in wanted:
        if consultation_id not in existing:
            session.add(EventConsultation(event_id=event.id, consultation_id=consultation_id))
    session.flush()


def check_collects(*, session: Session, event: Event, consultation_id: int | None) -> int:
    """The consultation an opinion of the event goes to (default: the home one); refused if
    the event does not collect for it."""
    if consultation_id is None:
        return event.consultation_id
    if consultation_id not in collected_ids(session=session, event=event):
        raise UserError(
            "consultation_not_collected",
            f"Sự kiện này không lấy ý kiến cho đợt lấy ý kiến số {consultation_id}.",
            f"This event does not collect opinions for consultation {consultation_id}.",
        )
    return consultation_id


# ---------------------------------------------------------------------------------------------
# Credit: the organisation an opinion given at the event counts for


@dataclass(frozen=True, slots=True)
class CreditChoice:
    id: int
    name: str
    organiser: bool


def organiser_ids(*, session: Session, event_id: int) -> list[int]:
    return list(
        session.scalars(
            select(EventOrganiser.organisation_id)
            .where(EventOrganiser.event_id == event_id)
            .order_by(EventOrganiser.id)
        )
    )


def credit_choices(*, session: Session, event: Event) -> list[CreditChoice]:
    """The organisations an opinion of the event may be credited to: its organisers, then the
    organisations of its attendees."""
    organisers = organiser_ids(session=session, event_id=event.id)
    attendee_orgs = session.scalars(
        select(EventAttendee.organisation_id)
        .where(EventAttendee.event_id == event.id, EventAttendee.organisation_id.is_not(None))
        .order_by(EventAttendee.id)
    )
    ids = list(dict.fromkeys([*organisers, *attendee_orgs]))
    names: dict[int, str] = {}
    if ids:
        rows = session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        )
        names = {org_id: name for org_id, name in rows}
    return [CreditChoice(i, names[i], i in organisers) for i in ids if i in names]


def speaker_organisation(
    session: Session, event: Event, *, person_id: int | None, name: str | None
) -> int | None:
    """The speaker's organisation if known: their person record's, else their attendee row's."""
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is not None and person.organisation_id is not None:
            return person.organisation_id
    key = vt.name_key(name) if name else None
    for row in session.scalars(select(EventAttendee).where(EventAttendee.event_id == event.id)):
        matches = (person_id is not None and row.person_id == person_id) or (
            key is not None and vt.name_key(row.name) == key
        )
        if matches and row.organisation_id is not None:
            return row.organisation_id
    return None


def credited_organisation(
    session: Session,
    event: Event,
    *,
    consultation_id: int,
    chosen: int | None,
    speaker_org: int | None,
) -> int | None:
    """The organisation chosen (one of the event's organisers or attendees' organisations, or
    the speaker's), else the speaker's, else the first organiser in the consultation's scope."""
    if chosen is not None:
        allowed = {c.id for c in credit_choices(session=session, event=event)} | {speaker_org}
        if chosen not in allowed:
            raise UserError(
                "credit_not_allowed",
                "Chỉ ghi nhận ý kiến cho đơn vị của người phát biểu hoặc một đơn vị tổ chức "
                "sự kiện.",
                "An opinion is credited to the speaker's organisation or one of the event's "
                "organisers.",
            )
        return chosen
    if speaker_org is not None:
        return speaker_org
    scope = consultations.scope_org_ids(session=session, consultation_id=consultation_id)
    for organisation_id in organiser_ids(session=session, event_id=event.id):
        if organisation_id in scope:
            return organisation_id
    return None


def unassigned_opinions(*, session: Session, event_id: int) -> list[int]:
    """The event's opinions that count for no organisation: no on-behalf-of organisation and
    no author with an organisation."""
    return list(
        session.scalars(
            select(Opinion.id)
            .outerjoin(Person, Person.id == Opinion.author_person_id)
            .where(
                Opinion.event_id == event_id,
                Opinion.on_behalf_of_id.is_(None),
                or_(Opinion.author_person_id.is_(None), Person.organisation_id.is_(None)),
            )
            .order_by(Opinion.id)
        )
    )


def credit_unassigned(
    *, session: Session, event: Event, organisation_id: int, actor_person_id: int | None = None
) -> int:
    """Credit every unassigned opinion of the event to the organisation; returns how many."""
    if organisation_id not in {c.id for c in credit_choices(session=session, event=event)}:
        raise UserError(
            "credit_not_allowed",
            "Hãy chọn một đơn vị tổ chức sự kiện hoặc đơn vị của người dự.",
            "Choose one of the event's organisers or an attendee's organisation.",
        )
    ids = unassigned_opinions(session=session, event_id=event.id)
    targets = set(session.scalars(select(Opinion.consultation_id).where(Opinion.id.in_(ids))))
    for consultation_id in targets:
        if organisation_id not in consultations.scope_org_ids(
            session=session, consultation_id=consultation_id
        ):
            raise UserError(
                "organisation_out_of_scope",
                "Đơn vị này không thuộc phạm vi lấy ý kiến của dự thảo.",
                "This organisation is not within the consultation's scope.",
            )
    if ids:
        session.execute(
            update(Opinion).where(Opinion.id.in_(ids)).values(on_behalf_of_id=organisation_id)
        )
        session.expire_all()
    audit.record(
        session=session,
        action="event.opinions_credited",
        entity_type="event",
        entity_id=event.id,
        actor_person_id=actor_person_id,
        payload={"organisation_id": organisation_id, "opinions": ids},
    )
    return len(ids)


def credit_opinion(
    *,
    session: Session,
    event: Event,
    opinion_id: int,
    organisation_id: int | None,
    actor_person_id: int | None = None,
) -> Opinion:
    """Change the organisation one opinion of the event counts for: one of its organisers or
    attendees' organisations (within the draft's scope), or none (it counts for its author's
    own organisation, if any). Audited with the organisation before and after."""
    opinion = session.get(Opinion, opinion_id)
    if opinion is None or opinion.event_id != event.id:
        raise UserError(
            "opinion_not_of_event",
            f"Ý kiến số {opinion_id} không thuộc sự kiện này.",
            f"Opinion {opinion_id} was not given at this event.",
        )
    if organisation_id is not None and organisation_id != opinion.on_behalf_of_id:
        if organisation_id not in {c.id for c in credit_choices(session=session, event=event)}:
            raise UserError(
                "credit_not_allowed",
                "Hãy chọn một đơn vị tổ chức sự kiện hoặc đơn vị của người dự.",
                "Choose one of the event's organisers or an attendee's organisation.",
            )
        scope = consultations.scope_org_ids(
            session=session, consultation_id=opinion.consultation_id
        )
        if organisation_id not in scope:
            raise UserError(
                "organisation_out_of_scope",
                "Đơn vị này không thuộc phạm vi lấy ý kiến của dự thảo.",
                "This organisation is not within the consultation's scope.",
            )
    before = opinion.on_behalf_of_id
    opinion.on_behalf_of_id = organisation_id
    session.flush()
    audit.record(
        session=session,
        action="event.opinion_credited",
        entity_type="opinion",
        entity_id=opinion.id,
        actor_person_id=actor_person_id,
        payload={"event_id": event.id, "from": before, "to": organisation_id},
    )
    return opinion
