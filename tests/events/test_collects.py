"""An event collects opinions on several drafts; each opinion goes to the draft chosen on its
line and counts for the organisation it is credited to (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import NOW, World, build_world
from ykien.audit.models import AuditEvent
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.drafts import service as drafts
from ykien.errors import UserError
from ykien.events import collects, entry
from ykien.events import service as events
from ykien.opinions.models import Opinion
from ykien.orgs import service as orgs
from ykien.synthesis import service as synthesis
from ykien.synthesis.rollup import baseline_rollup, rollup

REPORT_DRAFT = """BÁO CÁO CHÍNH TRỊ
Phần I
KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT
Mục 1. Về kinh tế
Kinh tế tăng trưởng khá.
Phần II
PHƯƠNG HƯỚNG, NHIỆM VỤ
Mục 3. Về xây dựng Đảng
Tiếp tục đổi mới phương thức lãnh đạo.
"""


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def _report_consultation(session: Session, world: World) -> Consultation:
    draft = drafts.create_draft(session=session, title="Báo cáo chính trị Khối", kind="other")
    version = drafts.import_version(
        session=session, draft_id=draft.id, data=REPORT_DRAFT.encode(), filename="bc.txt"
    )
    consultation = consultations.create(
        session=session,
        title="Lấy ý kiến Báo cáo chính trị Khối",
        draft_version_id=version.id,
        organiser_id=world.bloc.id,
        opens_at=NOW - timedelta(days=10),
        closes_at=NOW + timedelta(days=20),
    )
    consultations.open_(session=session, consultation_id=consultation.id)
    return consultation


def _seminar(session: Session, world: World, **overrides: Any) -> int:
    fields: dict[str, Any] = {
        "session": session,
        "consultation_id": world.consultation.id,
        "title": "Tọa đàm góp ý các dự thảo văn kiện",
        "kind": "seminar",
        "starts_at": NOW - timedelta(days=1),
        "organiser_ids": [world.unit_b.id, world.unit_a.id],
        "attendees": [events.AttendeeIn(name="Lê Thị Mai", title="Chủ tịch Công đoàn")],
    }
    fields.update(overrides)
    return events.create_event(**fields).id


def test_an_event_collects_for_several_consultations_and_is_listed_under_each(
    session: Session, world: World
) -> None:
    other = _report_consultation(session, world)
    event_id = _seminar(session, world, consultation_ids=[other.id])
    event = events.get_event(session=session, event_id=event_id)
    assert collects.collected_ids(session=session, event=event) == [world.consultation.id, other.id]
    assert [s.event.id for s in events.list_events(session=session, consultation_id=other.id)] == [
        event_id
    ]
    detail = events.event_detail(session=session, event_id=event_id)
    assert [(c.id, c.home) for c in detail.consultations] == [
        (world.consultation.id, True),
        (other.id, False),
    ]
    events.update_event(
        session=session,
        event_id=event_id,
        title=event.title,
        kind=event.kind,
        starts_at=event.starts_at,
        organiser_ids=[world.unit_b.id],
        consultation_ids=[],
    )
    assert collects.collected_ids(session=session, event=event) == [world.consultation.id]
    assert events.list_events(session=session, consultation_id=other.id) == []


def test_a_reference_resolves_in_the_chosen_draft_only_and_is_never_filed_elsewhere(
    session: Session, world: World
) -> None:
    other = _report_consultation(session, world)
    event_id = _seminar(session, world, consultation_ids=[other.id])
    with pytest.raises(UserError) as refused:
        entry.add_event_opinion(
            session=session,
            event_id=event_id,
            text="Cần nói rõ hơn về xây dựng Đảng.",
            speaker_name="Phạm Văn Khách",
            section_ref="mục 3 phần II",
            now=NOW,
        )
    assert refused.value.code == "section_reference_unknown"
    assert world.consultation.title in refused.value.message_vi
    assert session.scalars(select(Opinion).where(Opinion.event_id == event_id)).all() == []
    opinion = entry.add_event_opinion(
        session=session,
        event_id=event_id,
        text="Cần nói rõ hơn về xây dựng Đảng.",
        speaker_name="Phạm Văn Khách",
        section_ref="mục 3 phần II",
        consultation_id=other.id,
        now=NOW,
    )
    section = next(
        s
        for s in drafts.sections_of(session=session, version_id=other.draft_version_id)
        if s.id == opinion.section_id
    )
    assert (opinion.consultation_id, opinion.channel, opinion.event_id) == (
        other.id,
        "event",
        event_id,
    )
    assert section.label.lower().startswith("mục 3")


def test_an_opinion_for_a_consultation_the_event_does_not_collect_for_is_refused(
    session: Session, world: World
) -> None:
    other = _report_consultation(session, world)
    event_id = _seminar(session, world)
    with pytest.raises(UserError) as refused:
        entry.add_event_opinion(
            session=session,
            event_id=event_id,
            text="Ý kiến",
            speaker_name="Phạm Văn Khách",
            consultation_id=other.id,
            now=NOW,
        )
    assert refused.value.code == "consultation_not_collected"
    assert session.scalars(select(Opinion).where(Opinion.event_id == event_id)).all() == []


def test_a_speaker_without_an_organisation_counts_for_the_first_organiser_by_default(
    session: Session, world: World
) -> None:
    event_id = _seminar(session, world)
    opinion = entry.add_event_opinion(
        session=session, event_id=event_id, text="Ý kiến", speaker_name="Phạm Văn Khách", now=NOW
    )
    assert opinion.on_behalf_of_id == world.unit_b.id
    attendee_org = entry.add_event_opinion(
        session=session,
        event_id=_seminar(
            session,
            world,
            attendees=[events.AttendeeIn(name="Lê Thị Mai", organisation_id=world.unit_a.id)],
        ),
        text="Ý kiến khác",
        speaker_name="Lê Thị Mai",
        now=NOW,
    )
    assert attendee_org.on_behalf_of_id == world.unit_a.id
    with pytest.raises(UserError) as refused:
        entry.add_event_opinion(
            session=session,
            event_id=event_id,
            text="Ý kiến",
            speaker_name="Phạm Văn Khách",
            credited_organisation_id=world.outsider.id,
            now=NOW,
        )
    assert refused.value.code == "credit_not_allowed"


def test_a_seminar_of_three_organisers_credits_each_its_own_opinions_in_its_synthesis(
    session: Session, world: World
) -> None:
    youth = orgs.create(
        session=session, name="Đoàn Thanh niên Khối", kind="youth_union", parent_id=world.bloc.id
    )
    organisers = [world.unit_a.id, world.unit_b.id, youth.id]
    event_id = _seminar(session, world, organiser_ids=organisers)
    given: dict[int, set[int]] = {org_id: set() for org_id in organisers}
    for number, org_id in enumerate([*organisers, youth.id, world.unit_b.id]):
        opinion = entry.add_event_opinion(
            session=session,
            event_id=event_id,
            text=f"Ý kiến số {number} về thời hạn lấy ý kiến.",
            speaker_name=f"Đại biểu {number}",
            credited_organisation_id=org_id,
            now=NOW,
        )
        given[org_id].add(opinion.id)
    counts = rollup(session=session, consultation_id=world.consultation.id, submitted_only=False)
    baseline = baseline_rollup(
        session=session, consultation_id=world.consultation.id, submitted_only=False
    )
    for org_id, opinion_ids in given.items():
        drafted = synthesis.draft_synthesis(
            session=session,
            consultation_id=world.consultation.id,
            organisation_id=org_id,
            by=None,
            summarise=False,
        )
        assert set(synthesis.opinions_of(session=session, synthesis_id=drafted.id)) == opinion_ids
        assert counts[org_id].raw == baseline[org_id].raw == len(opinion_ids)
    assert counts[world.bloc.id].raw == 5


def test_unassigned_opinions_are_credited_in_bulk(session: Session, world: World) -> None:
    # the organiser is outside the consultation's scope: nothing to credit by default
    attendee = events.AttendeeIn(name="Lê Thị Mai", organisation_id=world.unit_a.id)
    event_id = _seminar(session, world, organiser_ids=[world.outsider.id], attendees=[attendee])
    for number in range(3):
        entry.add_event_opinion(
            session=session,
            event_id=event_id,
            text=f"Ý kiến {number}",
            speaker_name=f"Đại biểu {number}",
            now=NOW,
        )
    credited = entry.add_event_opinion(
        session=session,
        event_id=event_id,
        text="Ý kiến của hội viên",
        speaker_name="Đại biểu 9",
        credited_organisation_id=world.unit_a.id,
        now=NOW,
    )
    event = events.get_event(session=session, event_id=event_id)
    assert len(collects.unassigned_opinions(session=session, event_id=event_id)) == 3
    for refused_org in (world.unit_b.id, world.outsider.id):  # not a choice; out of scope
        with pytest.raises(UserError):
            collects.credit_unassigned(session=session, event=event, organisation_id=refused_org)
    assert len(collects.unassigned_opinions(session=session, event_id=event_id)) == 3
    count = collects.credit_unassigned(
        session=session, event=event, organisation_id=world.unit_a.id
    )
    assert count == 3
    assert collects.unassigned_opinions(session=session, event_id=event_id) == []
    behalf = session.scalars(select(Opinion.on_behalf_of_id).where(Opinion.event_id == event_id))
    assert set(behalf) == {world.unit_a.id}
    assert credited.on_behalf_of_id == world.unit_a.id


def test_opinions_only_spoken_at_meetings_count_as_the_consultation_says(
    session: Session, world: World
) -> None:
    event_id = _seminar(session, world)
    spoken = entry.add_event_opinion(
        session=session, event_id=event_id, text="Ý kiến tại tọa đàm", speaker_name="A", now=NOW
    )
    drafted = synthesis.draft_synthesis(
        session=session,
        consultation_id=world.consultation.id,
        organisation_id=world.unit_b.id,
        by=None,
        summarise=False,
    )
    assert synthesis.opinions_of(session=session, synthesis_id=drafted.id) == [spoken.id]
    assert "kể cả ý kiến chỉ phát biểu" in drafted.summary
    world.consultation.count_spoken_only = False
    session.flush()
    drafted = synthesis.draft_synthesis(
        session=session,
        consultation_id=world.consultation.id,
        organisation_id=world.unit_b.id,
        by=None,
        summarise=False,
    )
    assert synthesis.opinions_of(session=session, synthesis_id=drafted.id) == []
    assert "không tính ý kiến chỉ phát biểu" in drafted.summary
    assert world.unit_b.id not in rollup(
        session=session, consultation_id=world.consultation.id, submitted_only=False
    )


def test_a_confirmed_report_files_each_opinion_in_its_draft_and_credits_the_chosen_org(
    session: Session, world: World
) -> None:
    from tests.events.test_service import REPORT
    from ykien.events.models import ItemState
    from ykien.events.reports import service as reports

    other = _report_consultation(session, world)
    report = reports.ingest_report(
        session=session, consultation_id=world.consultation.id, text=REPORT, now=NOW
    )
    items = reports.report_items(session=session, report_id=report.id)
    opinion = next(i for i in items if i.field == "opinion")
    for item in items:
        if item.field == "draft":
            reports.review_item(
                session=session, report_id=report.id, item_id=item.id,
                state=ItemState.ACCEPTED, consultation_id=other.id,
            )  # fmt: skip
    reports.review_item(
        session=session, report_id=report.id, item_id=opinion.id, state=ItemState.ACCEPTED,
        consultation_id=other.id, credited_organisation_id=world.unit_a.id,
    )  # fmt: skip
    reports.accept_pending(session=session, report_id=report.id)
    event = reports.confirm_report(session=session, report_id=report.id, now=NOW)
    assert other.id in collects.collected_ids(session=session, event=event)
    recorded = session.scalars(
        select(Opinion).where(Opinion.idempotency_key == f"event-report:{report.id}:{opinion.id}")
    ).one()
    assert (recorded.consultation_id, recorded.on_behalf_of_id) == (other.id, world.unit_a.id)


def test_one_recorded_opinion_is_credited_to_another_organisation_and_it_is_audited(
    session: Session, world: World
) -> None:
    event_id = _seminar(session, world)
    event = events.get_event(session=session, event_id=event_id)
    opinion = entry.add_event_opinion(
        session=session, event_id=event_id, text="Ý kiến", speaker_name="Phạm Văn Khách", now=NOW
    )
    assert opinion.on_behalf_of_id == world.unit_b.id
    changed = collects.credit_opinion(
        session=session, event=event, opinion_id=opinion.id, organisation_id=world.unit_a.id,
        actor_person_id=world.member_a,
    )  # fmt: skip
    assert changed.on_behalf_of_id == world.unit_a.id
    entry_row = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "event.opinion_credited")
    ).one()
    assert (entry_row.entity_id, entry_row.actor_person_id) == (opinion.id, world.member_a)
    assert json.loads(entry_row.payload)["from"] == world.unit_b.id
    for organisation_id, code in ((world.outsider.id, "credit_not_allowed"),):
        with pytest.raises(UserError) as refused:
            collects.credit_opinion(
                session=session, event=event, opinion_id=opinion.id,
                organisation_id=organisation_id,
            )  # fmt: skip
        assert refused.value.code == code
    other = events.get_event(session=session, event_id=_seminar(session, world))
    with pytest.raises(UserError) as elsewhere:
        collects.credit_opinion(
            session=session, event=other, opinion_id=opinion.id, organisation_id=None
        )
    assert elsewhere.value.code == "opinion_not_of_event"
    cleared = collects.credit_opinion(
        session=session, event=event, opinion_id=opinion.id, organisation_id=None
    )
    assert cleared.on_behalf_of_id is None
    assert opinion.id in collects.unassigned_opinions(session=session, event_id=event_id)
