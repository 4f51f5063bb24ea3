"""Report ingestion and review: a report of an event (bản tin, biên bản) is read, cleaned and
its items extracted, each pending review; confirming the report records the event, its opinions
and its recommendations. Services take a session and never commit."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.accounts import service as accounts
from ykien.accounts.models import Person
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.db.base import utcnow
from ykien.drafts.refs import SectionIndex
from ykien.errors import Conflict, NotFound, UserError
from ykien.events.checks import checked, sha256, today_in_vietnam
from ykien.events.dates import all_dates
from ykien.events.entry import add_event_opinion
from ykien.events.extract import EventProposal, extract_event
from ykien.events.lookups import consultation_sections
from ykien.events.models import (
    Event,
    EventKind,
    EventOrganiser,
    EventReport,
    ItemState,
    ReportItem,
)
from ykien.events.readers import read_document
from ykien.events.recommendations.service import create_recommendation
from ykien.events.reports import drafts as report_drafts
from ykien.events.service import MAX_PERSON_TITLE, AttendeeIn, create_event
from ykien.opinions.models import OpinionKind
from ykien.orgs import service as orgs
from ykien.timefmt import VN_TZ

MAX_REPORT_CHARS = 500_000
# The fields of a report whose items are reviewed one by one, in display order.
REPORT_FIELDS = (
    "title",
    "date",
    "place",
    "organiser",
    "person",
    "organisation",
    "draft",
    "opinion",
    "recommendation",
    "commitment",
    "resolution",
)


# ---------------------------------------------------------------------------------------------
# Report ingestion and review


def get_report(*, session: Session, report_id: int) -> EventReport:
    report = session.get(EventReport, report_id)
    if report is None:
        raise NotFound(
            "event_report_not_found",
            f"Không có bản tin/biên bản số {report_id}.",
            f"Event report {report_id} does not exist.",
        )
    return report


def report_items(*, session: Session, report_id: int) -> list[ReportItem]:
    return list(
        session.scalars(
            select(ReportItem)
            .where(ReportItem.report_id == report_id)
            .order_by(ReportItem.position)
        )
    )


def _proposal_json(proposal: EventProposal, year: int) -> dict[str, Any]:
    starts_at: str | None = None
    if proposal.dates:
        first = proposal.dates[0]
        try:
            local = datetime(
                proposal.year_of(first) or year,
                first.month,
                first.day,
                first.hour or 0,
                first.minute or 0,
                tzinfo=VN_TZ,
            )
            starts_at = local.astimezone(UTC).isoformat()
        except ValueError:
            starts_at = None
    return {
        "title": proposal.title.text if proposal.title else None,
        "kind": proposal.kind,
        "starts_at": starts_at,
        "place": proposal.place.text if proposal.place else None,
        "removed": [{"reason": r.reason, "text": r.text} for r in proposal.removed],
    }


def _proposal_items(proposal: EventProposal) -> list[tuple[str, int, int, str, str]]:
    """(field, start, end, text, detail) of every extracted item, in the review order."""
    found: list[tuple[str, int, int, str, str]] = []
    if proposal.title:
        found.append(("title", proposal.title.start, proposal.title.end, proposal.title.text, ""))
    for d in proposal.dates[:1]:
        found.append(("date", d.mention.start, d.mention.end, d.mention.text, ""))
    if proposal.place:
        found.append(("place", proposal.place.start, proposal.place.end, proposal.place.text, ""))
    simple = {
        "organiser": proposal.organisers,
        "organisation": proposal.organisations,
        "draft": proposal.drafts,
        "opinion": proposal.opinions,
        "recommendation": proposal.recommendations,
        "commitment": proposal.commitments,
        "resolution": proposal.resolutions,
    }
    for p in proposal.people:
        titles = "; ".join(t.text for t in p.titles)
        found.append(("person", p.name.start, p.name.end, p.name.text, titles))
    for field_name in REPORT_FIELDS:
        for m in simple.get(field_name, []):
            found.append((field_name, m.start, m.end, m.text, ""))
    order = {name: i for i, name in enumerate(REPORT_FIELDS)}
    found.sort(key=lambda item: (order[item[0]], item[1]))
    return found


def person_key(name: str) -> str:
    """One key for one person's name: NFC, either tone placement ("Hoà"/"Hòa"), any case and
    spacing; other diacritics count ("Hoà" is not "Hóa")."""
    return " ".join(vt.tone_key(name).split())


def _person_by_name(session: Session, name: str, consultation_id: int) -> int | None:
    """The one person record of that name in the consultation's organisations (or of none)."""
    key = person_key(name)
    scope = consultations.scope_org_ids(session=session, consultation_id=consultation_id)
    found = [
        person.id
        for person in session.scalars(select(Person).where(Person.name_key == vt.name_key(name)))
        if person_key(person.full_name) == key
        and (person.organisation_id is None or person.organisation_id in scope)
    ]
    return found[0] if len(found) == 1 else None


def ingest_report(
    *,
    session: Session,
    consultation_id: int,
    data: bytes | None = None,
    text: str | None = None,
    filename: str = "",
    max_bytes: int = 20_000_000,
    actor_person_id: int | None = None,
    now: datetime | None = None,
) -> EventReport:
    """Read and clean a report, extract the event, store it with every item pending review.

    Nothing here is an opinion yet: confirm_report creates the event and its opinions.
    """
    consultations.get(session=session, consultation_id=consultation_id)
    if data is not None:
        raw = read_document(data, filename=filename or "report.txt", max_bytes=max_bytes)
        digest = sha256(data)
    else:
        raw = vt.clean(text or "")
        if not raw.strip():
            raise UserError(
                "report_empty",
                "Hãy dán nội dung bản tin/biên bản hoặc chọn một tệp.",
                "Paste the report's text or choose a file.",
            )
        digest = sha256(raw.encode("utf-8"))
    if len(raw) > MAX_REPORT_CHARS:
        raise UserError(
            "report_too_long",
            f"Bản tin/biên bản dài quá {MAX_REPORT_CHARS:,} ký tự.".replace(",", "."),
            f"The report is longer than {MAX_REPORT_CHARS:,} characters.",
        )
    now = now or utcnow()
    proposal = extract_event(raw)
    report = EventReport(
        consultation_id=consultation_id,
        source_filename=filename[:300],
        source_sha256=digest,
        raw_text=raw,
        cleaned_text=proposal.text,
        proposal_json=json.dumps(
            _proposal_json(proposal, today_in_vietnam(now).year), ensure_ascii=False
        ),
        created_by_person_id=actor_person_id,
        created_at=now,
    )
    session.add(report)
    session.flush()
    _add_items(session, report, proposal)
    audit.record(
        session=session,
        action="event_report.ingested",
        entity_type="event_report",
        entity_id=report.id,
        actor_person_id=actor_person_id,
        payload={"consultation_id": consultation_id, "sha256": digest, "filename": filename},
        occurred_at=now,
    )
    return report


def _add_items(session: Session, report: EventReport, proposal: EventProposal) -> None:
    """The report's items, pending review: people, organisations and drafts linked when one
    record matches, each opinion proposed its draft when the report names several."""
    consultation_id = report.consultation_id
    index = orgs.name_index(session=session)
    found = report_drafts.candidates(session=session, home_id=consultation_id)
    for position, (field_name, start, end, item_text, detail) in enumerate(
        _proposal_items(proposal)
    ):
        item = ReportItem(
            report_id=report.id, position=position, field=field_name, start=start, end=end,
            text=item_text, detail=detail,
        )  # fmt: skip
        if field_name == "person":
            item.person_id = _person_by_name(session, item_text, consultation_id)
        elif field_name in ("organiser", "organisation"):
            item.organisation_id = orgs.match_name(index, item_text)
        elif field_name == "draft":
            item.consultation_id = report_drafts.match(found, item_text)
        session.add(item)
    session.flush()
    report_drafts.apply_proposals(
        session=session, text=report.cleaned_text, home_id=consultation_id,
        items=report_items(session=session, report_id=report.id),
    )  # fmt: skip


def proposal_of(report: EventReport) -> dict[str, Any]:
    """The stored proposal: title, kind, starts_at (ISO), place, removed noise."""
    loaded: dict[str, Any] = json.loads(report.proposal_json or "{}")
    return loaded


def _ensure_open(report: EventReport) -> None:
    if report.confirmed_at is not None:
        raise Conflict(
            "event_report_confirmed",
            "Bản tin/biên bản này đã được xác nhận; không sửa hay xác nhận lại được.",
            "This report was already confirmed; it cannot be changed or confirmed again.",
        )


def review_item(
    *,
    session: Session,
    report_id: int,
    item_id: int,
    state: str,
    edited_text: str | None = None,
    person_id: int | None = None,
    organisation_id: int | None = None,
    consultation_id: int | None = None,
    credited_organisation_id: int | None = None,
    actor_person_id: int | None = None,
) -> ReportItem:
    """Accept, reject or edit one extracted item and link it to a person or organisation."""
    report = get_report(session=session, report_id=report_id)
    _ensure_open(report)
    item = session.get(ReportItem, item_id)
    if item is None or item.report_id != report_id:
        raise NotFound(
            "report_item_not_found",
            f"Không có mục số {item_id} trong bản tin này.",
            f"Item {item_id} is not part of this report.",
        )
    if state not in set(ItemState):
        raise UserError(
            "item_state_invalid",
            f"Trạng thái không hợp lệ: {state}.",
            f"Unknown review state: {state}.",
        )
    if person_id is not None and session.get(Person, person_id) is None:
        raise NotFound(
            "person_not_found", f"Không có người số {person_id}.", f"No person {person_id}."
        )
    if organisation_id is not None:
        orgs.get(session=session, organisation_id=organisation_id)
    edited = checked(edited_text, limit=10_000, field_vi="Nội dung", field_en="The text")
    item.state = state
    item.edited_text = edited if edited and edited != item.text else None
    item.person_id = person_id
    item.organisation_id = organisation_id
    if consultation_id is not None:
        consultations.get(session=session, consultation_id=consultation_id)
    if credited_organisation_id is not None:
        orgs.get(session=session, organisation_id=credited_organisation_id)
    _choose_draft(session, report, item, consultation_id)
    item.credited_organisation_id = credited_organisation_id
    session.flush()
    audit.record(
        session=session,
        action="event_report.item_reviewed",
        entity_type="event_report",
        entity_id=report_id,
        actor_person_id=actor_person_id,
        payload={"item_id": item_id, "state": state, "edited": item.edited_text is not None},
    )
    return item


def _choose_draft(
    session: Session, report: EventReport, item: ReportItem, consultation_id: int | None
) -> None:
    """Set the item's draft: a statement keeps its proposal's reason when the proposal is
    kept, else it is the secretary's choice; a draft mention linked anew proposes again the
    drafts of the statements not chosen by hand."""
    if item.consultation_id == consultation_id or (
        item.consultation_id is None and consultation_id == report.consultation_id
    ):
        return
    item.consultation_id = consultation_id
    if item.field in report_drafts.STATEMENT_FIELDS:
        item.draft_reason = report_drafts.CHOSEN if consultation_id is not None else None
        item.draft_evidence = None
    elif item.field == "draft":
        session.flush()
        report_drafts.apply_proposals(
            session=session, text=report.cleaned_text, home_id=report.consultation_id,
            items=report_items(session=session, report_id=report.id),
        )  # fmt: skip


BULK_STATES = (ItemState.ACCEPTED, ItemState.REJECTED)


def review_items(
    *,
    session: Session,
    report_id: int,
    item_ids: Iterable[int] | None,
    state: str,
    actor_person_id: int | None = None,
) -> int:
    """Accept or reject several items at once (every item of the report if `item_ids` is
    None); all or nothing: an id not of this report changes nothing. Returns how many."""
    report = get_report(session=session, report_id=report_id)
    _ensure_open(report)
    if state not in BULK_STATES:
        raise UserError(
            "item_state_invalid",
            f"Trạng thái không hợp lệ: {state[:20]}.",
            f"Unknown review state: {state[:20]}.",
        )
    items = {item.id: item for item in report_items(session=session, report_id=report_id)}
    wanted = list(items) if item_ids is None else list(dict.fromkeys(item_ids))
    if not wanted:
        raise UserError(
            "items_not_chosen",
            "Hãy chọn ít nhất một mục.",
            "Choose at least one item.",
        )
    missing = [item_id for item_id in wanted if item_id not in items]
    if missing:
        raise NotFound(
            "report_item_not_found",
            f"Không có mục số {missing[0]} trong bản tin này.",
            f"Item {missing[0]} is not part of this report.",
        )
    for item_id in wanted:
        items[item_id].state = state
    session.flush()
    audit.record(
        session=session,
        action="event_report.items_reviewed",
        entity_type="event_report",
        entity_id=report_id,
        actor_person_id=actor_person_id,
        payload={"state": state, "items": wanted},
    )
    return len(wanted)


def accept_pending(*, session: Session, report_id: int, actor_person_id: int | None = None) -> int:
    """Accept every item still pending; returns how many."""
    report = get_report(session=session, report_id=report_id)
    _ensure_open(report)
    count = 0
    for item in report_items(session=session, report_id=report_id):
        if item.state == ItemState.PENDING:
            item.state = ItemState.ACCEPTED
            count += 1
    session.flush()
    audit.record(
        session=session,
        action="event_report.accepted_pending",
        entity_type="event_report",
        entity_id=report_id,
        actor_person_id=actor_person_id,
        payload={"accepted": count},
    )
    return count


def _value(item: ReportItem) -> str:
    return item.edited_text or item.text


def _org_for(session: Session, item: ReportItem, actor_person_id: int | None) -> int:
    """The linked organisation, or one with the same name, or a new root organisation."""
    if item.organisation_id is not None:
        return item.organisation_id
    found = orgs.find_by_name(session=session, name=_value(item))
    if found is not None:
        return found.id
    return orgs.create(session=session, name=_value(item)[:300], actor_person_id=actor_person_id).id


def _titles_of(item: ReportItem) -> list[str]:
    return [title for title in (item.detail or "").split("; ") if title.strip()]


def _person_for(
    session: Session, item: ReportItem, consultation_id: int, known: dict[str, int]
) -> int:
    """The linked person, else the one of the same name met earlier in the report (`known`,
    by person_key) or recorded before, else a new person record (a delegate with no account)."""
    key = person_key(_value(item))
    person_id = (
        item.person_id or known.get(key) or _person_by_name(session, _value(item), consultation_id)
    )
    if person_id is None:
        titles = _titles_of(item)
        person_id = accounts.create_person(
            session=session, full_name=_value(item), title=titles[0] if titles else None
        ).id
    known.setdefault(key, person_id)
    return person_id


def _first_item(items: list[ReportItem], field_name: str) -> ReportItem | None:
    return next((i for i in items if i.field == field_name and i.state != ItemState.REJECTED), None)


def _first_value(items: list[ReportItem], field_name: str) -> str | None:
    item = _first_item(items, field_name)
    return _value(item) if item is not None else None


_TYPED_MOMENTS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%d/%m/%Y")


def _edited_moment(text: str, extracted: datetime | None, now: datetime) -> datetime | None:
    """The moment a secretary typed for the date item ("25/6/2025", "26/06/2025 09:15",
    "14h30 ngày 20/6"); the extracted year and time fill what is not written; None if no date."""
    typed = " ".join(text.split())
    before = extracted.astimezone(VN_TZ) if extracted else None
    for pattern in _TYPED_MOMENTS:
        try:
            local = datetime.strptime(typed, pattern)
        except ValueError:
            continue
        if "%H" not in pattern and before is not None:
            local = local.replace(hour=before.hour, minute=before.minute)
        return local.replace(tzinfo=VN_TZ).astimezone(UTC)
    found = all_dates(typed)
    if not found:
        return None
    date = found[0]
    year = date.year or (before.year if before else today_in_vietnam(now).year)
    if date.hour is not None:
        hour, minute = date.hour, date.minute or 0
    else:
        hour, minute = (before.hour, before.minute) if before else (0, 0)
    try:
        local = datetime(year, date.month, date.day, hour, minute, tzinfo=VN_TZ)
    except ValueError:
        return None
    return local.astimezone(UTC)


def reviewed_values(
    *, session: Session, report: EventReport, now: datetime | None = None
) -> dict[str, Any]:
    """The event as reviewed: the edited (not rejected) title, date and place, else what was
    extracted; what the confirmation form shows and what confirming takes when not given."""
    proposal = proposal_of(report)
    items = report_items(session=session, report_id=report.id)
    starts = proposal.get("starts_at")
    extracted = datetime.fromisoformat(starts) if starts else None
    date_item = _first_item(items, "date")
    edited = None
    if date_item is not None and date_item.edited_text:
        edited = _edited_moment(date_item.edited_text, extracted, now or utcnow())
    return {
        "title": _first_value(items, "title") or proposal.get("title") or "",
        "kind": proposal.get("kind") or EventKind.SEMINAR.value,
        "starts_at": edited or extracted,
        "place": _first_value(items, "place") or proposal.get("place") or "",
    }


def confirm_report(
    *,
    session: Session,
    report_id: int,
    title: str | None = None,
    kind: str | None = None,
    starts_at: datetime | None = None,
    place: str | None = None,
    actor_person_id: int | None = None,
    now: datetime | None = None,
) -> Event:
    """Create the event from the accepted items: organisers, attendees, drafts discussed,
    opinions and recommendations. Pending and rejected items are left out; a second
    confirmation is refused."""
    now = now or utcnow()
    report = get_report(session=session, report_id=report_id)
    _ensure_open(report)
    reviewed = reviewed_values(session=session, report=report, now=now)
    items = report_items(session=session, report_id=report_id)
    accepted = [i for i in items if i.state == ItemState.ACCEPTED]
    chosen_title = title or reviewed["title"]
    if not chosen_title:
        raise UserError(
            "event_title_missing",
            "Hãy nhập tên sự kiện trước khi xác nhận.",
            "Enter the event's title before confirming.",
        )
    moment = starts_at or reviewed["starts_at"]
    if moment is None:
        raise UserError(
            "event_date_missing",
            "Hãy nhập ngày giờ diễn ra sự kiện trước khi xác nhận.",
            "Enter when the event took place before confirming.",
        )
    organiser_ids = [
        _org_for(session, i, actor_person_id) for i in accepted if i.field == "organiser"
    ]
    attendees = _accepted_attendees(session, accepted, report.consultation_id)
    event = create_event(
        session=session,
        consultation_id=report.consultation_id,
        title=chosen_title,
        kind=kind or reviewed["kind"],
        starts_at=moment,
        place=place if place is not None else reviewed["place"],
        minutes=report.cleaned_text,
        minutes_filename=report.source_filename or None,
        minutes_sha256=report.source_sha256,
        organiser_ids=organiser_ids,
        attendees=attendees,
        topic_labels=[_value(i) for i in accepted if i.field == "draft"],
        consultation_ids=[
            i.consultation_id
            for i in accepted
            if i.field in ("draft", *report_drafts.STATEMENT_FIELDS) and i.consultation_id
        ],
        actor_person_id=actor_person_id,
    )
    opinion_ids = _confirm_statements(session, event, accepted, actor_person_id, now)
    report.event_id = event.id
    report.confirmed_at = now
    session.flush()
    audit.record(
        session=session,
        action="event_report.confirmed",
        entity_type="event_report",
        entity_id=report.id,
        actor_person_id=actor_person_id,
        payload={"event_id": event.id, "opinions": opinion_ids},
        occurred_at=now,
    )
    return event


def _accepted_attendees(
    session: Session, accepted: list[ReportItem], consultation_id: int
) -> list[AttendeeIn]:
    """One attendee per person however often (and however spelt) the report names them, with
    every title found beside the name."""
    known: dict[str, int] = {}
    titles: dict[int, dict[str, str]] = {}  # person -> key of a title -> the title
    first_item: dict[int, ReportItem] = {}
    for item in accepted:
        if item.field != "person":
            continue
        person_id = _person_for(session, item, consultation_id, known)
        first_item.setdefault(person_id, item)
        found = titles.setdefault(person_id, {})
        for title in _titles_of(item):
            found.setdefault(person_key(title), title)
    attendees: list[AttendeeIn] = []
    for person_id, item in first_item.items():
        person = session.get(Person, person_id)
        joined = "; ".join(titles[person_id].values()) or (person.title if person else None)
        attendees.append(
            AttendeeIn(
                name=person.full_name if person else _value(item),
                title=joined[:MAX_PERSON_TITLE] if joined else None,
                person_id=person_id,
                organisation_id=item.organisation_id,
            )
        )
    return attendees


def _confirm_statements(
    session: Session,
    event: Event,
    accepted: list[ReportItem],
    actor_person_id: int | None,
    now: datetime,
) -> list[int]:
    """Opinions (and recommendations with their opinions) from the accepted statements."""
    indexes: dict[int, tuple[list[Any], SectionIndex]] = {}
    raised_by = session.scalars(
        select(EventOrganiser.organisation_id)
        .where(EventOrganiser.event_id == event.id)
        .order_by(EventOrganiser.id)
    ).first()
    created: list[int] = []
    for item in accepted:
        if item.field not in ("opinion", "recommendation"):
            continue
        target = item.consultation_id or event.consultation_id
        if target not in indexes:
            sections = consultation_sections(session, target)
            indexes[target] = (sections, SectionIndex(sections))
        sections, index = indexes[target]
        found = index.resolve_text(_value(item))
        opinion = add_event_opinion(
            session=session,
            event_id=event.id,
            text=_value(item),
            speaker_person_id=item.person_id,
            section_id=sections[found].id if found is not None else None,
            kind=OpinionKind.RECOMMENDATION if item.field == "recommendation" else "comment",
            idempotency_key=f"event-report:{item.report_id}:{item.id}",
            consultation_id=item.consultation_id,
            credited_organisation_id=item.credited_organisation_id,
            now=now,
        )
        created.append(opinion.id)
        if item.field == "recommendation":
            create_recommendation(
                session=session,
                consultation_id=target,
                text=_value(item),
                event_id=event.id,
                opinion_id=opinion.id,
                addressee_organisation_id=item.organisation_id,
                raised_by_organisation_id=raised_by,
                raised_by_person_id=item.person_id,
                actor_person_id=actor_person_id,
            )
    return created
