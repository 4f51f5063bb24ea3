"""Events domain services on SQLite and PostgreSQL: events, fast entry, report review,
written submissions, recommendations."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import NOW, World, build_world
from ykien.audit.models import AuditEvent
from ykien.errors import Conflict, UserError
from ykien.events import entry, lookups
from ykien.events import service as events
from ykien.events.models import (
    EventAttendee,
    EventReport,
    ItemState,
    Notification,
    Recommendation,
    Submission,
)
from ykien.events.recommendations import service as recommendations
from ykien.events.reports import service as reports
from ykien.events.submissions import service as submissions
from ykien.opinions.models import Opinion
from ykien.timefmt import VN_TZ

REPORTS = Path(__file__).parent / "reports"

LETTER = """CÔNG ĐOÀN SỞ NỘI VỤ
Số: 12/CV-CĐ
V/v góp ý dự thảo Luật thử nghiệm
Kính gửi: Đảng bộ Khối các cơ quan
Công đoàn Sở Nội vụ có ý kiến như sau:
1. Tại khoản 2 Điều 3, đề nghị sửa thành: “Lấy ý kiến tại hội nghị và tọa đàm”.
2. Đối với Điều 4, đề nghị kéo dài thời hạn lấy ý kiến lên 45 ngày.
3. Kiến nghị Đảng ủy Khối sớm tổ chức tập huấn cho cán bộ công đoàn.
Trên đây là ý kiến của Công đoàn Sở Nội vụ.
"""

REPORT = """Tọa đàm góp ý dự thảo Luật thử nghiệm
Sáng 12/6/2025, tại Hội trường Khối, Công đoàn Sở Nội vụ tổ chức tọa đàm góp ý dự thảo Luật thử nghiệm.
Tham dự có ông Nguyễn Doãn Hoàn, Bí thư Chi bộ Sở Tài chính và bà Lê Thị Mai, Chủ tịch Công đoàn Sở Nội vụ.
Các ý kiến tập trung vào các vấn đề: thời hạn lấy ý kiến tại Điều 4 còn ngắn; cần quy định rõ hình thức tọa đàm.
Các đại biểu kiến nghị Đảng ủy Khối sớm ban hành hướng dẫn lấy ý kiến tại hội nghị.
"""


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def _event(session: Session, world: World, **overrides: Any) -> int:
    fields: dict[str, Any] = {
        "session": session,
        "consultation_id": world.consultation.id,
        "title": "Tọa đàm góp ý Luật thử nghiệm",
        "kind": "seminar",
        "starts_at": NOW - timedelta(days=1),
        "place": "Hội trường Khối",
        "organiser_ids": [world.unit_b.id, world.bloc.id],
        "attendees": [events.AttendeeIn(name="Lê Thị Mai", title="Chủ tịch Công đoàn")],
    }
    fields.update(overrides)
    return events.create_event(**fields).id


def _actions(session: Session, entity_type: str) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_type == entity_type)
            .order_by(AuditEvent.id)
        )
    )


def test_an_event_keeps_organisers_attendees_and_topics_and_is_audited(
    session: Session, world: World
) -> None:
    event_id = _event(session, world, topic_labels=["Dự thảo Luật thử nghiệm"])
    detail = events.event_detail(session=session, event_id=event_id)
    assert [o.name for o in detail.organisers] == [world.unit_b.name, world.bloc.name]
    assert [(a.name, a.title) for a in detail.attendees] == [("Lê Thị Mai", "Chủ tịch Công đoàn")]
    assert [t.label for t in detail.topics] == [world.consultation.title, "Dự thảo Luật thử nghiệm"]
    assert _actions(session, "event") == ["event.created"]
    summary = events.list_events(session=session, consultation_id=world.consultation.id)
    assert [s.event.id for s in summary] == [event_id]
    assert summary[0].organiser_names == [world.unit_b.name, world.bloc.name]


def test_an_event_refuses_an_empty_title_and_an_unknown_kind(
    session: Session, world: World
) -> None:
    with pytest.raises(UserError) as empty:
        _event(session, world, title="   ")
    assert "không được để trống" in empty.value.message_vi
    with pytest.raises(UserError) as kind:
        _event(session, world, kind="party")
    assert kind.value.code == "event_kind_invalid"


def test_editing_an_event_keeps_the_person_links_of_its_attendees(
    session: Session, world: World
) -> None:
    event_id = _event(
        session, world, attendees=[events.AttendeeIn(person_id=world.member_a)], organiser_ids=[]
    )
    events.update_event(
        session=session,
        event_id=event_id,
        title="Tọa đàm (sửa)",
        kind="dialogue",
        starts_at=NOW,
        organiser_ids=[world.bloc.id],
        attendees=[events.AttendeeIn(name="nguyễn doãn hoàn", title="Bí thư")],
    )
    detail = events.event_detail(session=session, event_id=event_id)
    assert detail.event.title == "Tọa đàm (sửa)" and detail.event.kind == "dialogue"
    assert [(a.person_id, a.title) for a in detail.attendees] == [(world.member_a, "Bí thư")]
    assert _actions(session, "event") == ["event.created", "event.updated"]


@pytest.mark.parametrize(
    ("typed", "label"),
    [("đ3", "Điều 3"), ("dieu 3", "Điều 3"), ("Điều 3", "Điều 3"), ("k2 đ3", "khoản 2")],
)
def test_sections_are_found_as_secretaries_type_them(
    session: Session, world: World, typed: str, label: str
) -> None:
    found = lookups.search_sections(
        session=session, consultation_id=world.consultation.id, query=typed
    )
    assert found and found[0].label.lower().startswith(label.lower())
    if typed == "k2 đ3":
        section = next(s for s in world.sections if s.id == found[0].id)
        assert section.path.startswith("chuong:2/dieu:3")


def test_people_are_found_without_diacritics_or_with_either_tone_placement(
    session: Session, world: World
) -> None:
    for query in ("nguyen doan hoan", "Hoàn", "DOÃN", "nguyen hoan"):
        names = [p.full_name for p in lookups.search_people(session=session, query=query)]
        assert names == ["Nguyễn Doãn Hoàn"], query
    assert lookups.search_people(session=session, query="   ") == []


def test_fast_entry_records_event_opinions_with_speaker_and_section(
    session: Session, world: World
) -> None:
    event_id = _event(session, world)
    by_member = entry.add_event_opinion(
        session=session,
        event_id=event_id,
        text="Đề nghị bổ sung hình thức tọa đàm trực tuyến.",
        speaker_person_id=world.member_a,
        section_ref="k2 đ3",
        kind="add",
        now=NOW,
    )
    by_name = entry.add_event_opinion(
        session=session,
        event_id=event_id,
        text="Thời hạn 30 ngày là ngắn.",
        speaker_name="Phạm Văn Khách",
        section_ref="dieu 4",
        now=NOW,
    )
    assert (by_member.channel, by_member.event_id, by_member.author_person_id) == (
        "event",
        event_id,
        world.member_a,
    )
    assert world.section("Điều 4").id == by_name.section_id
    assert by_name.author_name == "Phạm Văn Khách" and by_name.author_person_id is None
    names = session.scalars(select(EventAttendee.name).where(EventAttendee.event_id == event_id))
    assert set(names) == {"Lê Thị Mai", "Nguyễn Doãn Hoàn", "Phạm Văn Khách"}


def test_fast_entry_refuses_an_unknown_section_and_records_nothing(
    session: Session, world: World
) -> None:
    event_id = _event(session, world)
    with pytest.raises(UserError) as refused:
        entry.add_event_opinion(
            session=session, event_id=event_id, text="Ý kiến", section_ref="Điều 99", now=NOW
        )
    assert "Điều 99" in refused.value.message_vi
    assert session.scalars(select(Opinion).where(Opinion.event_id == event_id)).all() == []


def test_a_report_is_only_opinions_after_review_and_confirmation(
    session: Session, world: World
) -> None:
    report = reports.ingest_report(
        session=session, consultation_id=world.consultation.id, text=REPORT, now=NOW
    )
    items = reports.report_items(session=session, report_id=report.id)
    fields = {i.field for i in items}
    assert {"title", "date", "person", "opinion", "recommendation"} <= fields
    for item in items:
        assert report.cleaned_text[item.start : item.end] == item.text
        assert item.state == ItemState.PENDING
    hoan = next(i for i in items if i.field == "person" and "Hoàn" in i.text)
    assert hoan.person_id == world.member_a  # linked to the existing record by name
    assert session.scalars(select(Opinion)).all() == []

    opinions_ = [i for i in items if i.field == "opinion"]
    recommendation = next(i for i in items if i.field == "recommendation")
    reports.review_item(
        session=session, report_id=report.id, item_id=opinions_[0].id, state="accepted"
    )
    reports.review_item(
        session=session,
        report_id=report.id,
        item_id=opinions_[1].id,
        state="accepted",
        edited_text="Cần quy định rõ hình thức tọa đàm tại khoản 2 Điều 3.",
    )
    reports.review_item(
        session=session,
        report_id=report.id,
        item_id=recommendation.id,
        state="accepted",
        organisation_id=world.bloc.id,
    )
    for item in items:
        if item.field in ("person", "organiser"):
            reports.review_item(
                session=session,
                report_id=report.id,
                item_id=item.id,
                state="accepted",
                person_id=item.person_id,
                organisation_id=item.organisation_id,
            )
    event = reports.confirm_report(session=session, report_id=report.id, now=NOW)
    assert event.kind == "seminar" and event.minutes == report.cleaned_text
    assert event.starts_at.astimezone(VN_TZ).strftime("%d/%m/%Y") == "12/06/2025"
    recorded = session.scalars(
        select(Opinion).where(Opinion.event_id == event.id).order_by(Opinion.id)
    ).all()
    assert len(recorded) == 3
    assert {o.channel for o in recorded} == {"event"}
    assert recorded[1].text.startswith("Cần quy định rõ") and recorded[1].section_id is not None
    kept = session.scalars(select(Recommendation).where(Recommendation.event_id == event.id)).one()
    assert kept.addressee_organisation_id == world.bloc.id and kept.opinion_id == recorded[2].id
    attendees = events.event_detail(session=session, event_id=event.id).attendees
    assert {a.name for a in attendees} >= {"Nguyễn Doãn Hoàn", "Lê Thị Mai"}
    with pytest.raises(Conflict):
        reports.confirm_report(session=session, report_id=report.id, now=NOW)
    with pytest.raises(Conflict):
        reports.review_item(session=session, report_id=report.id, item_id=hoan.id, state="rejected")
    assert "event_report.confirmed" in _actions(session, "event_report")


def test_a_dialogue_report_confirmed_whole_gives_an_event_with_its_recommendation(
    session: Session, world: World
) -> None:
    report = reports.ingest_report(
        session=session,
        consultation_id=world.consultation.id,
        data=(REPORTS / "minutes_dialogue.txt").read_bytes(),
        filename="bien-ban.txt",
        now=NOW,
    )
    assert reports.accept_pending(session=session, report_id=report.id) > 5
    event = reports.confirm_report(
        session=session, report_id=report.id, starts_at=NOW - timedelta(days=2), now=NOW
    )
    detail = events.event_detail(session=session, event_id=event.id)
    assert event.kind == "dialogue" and event.minutes_filename == "bien-ban.txt"
    assert [o.name for o in detail.organisers] == [
        "Đảng ủy Khối Doanh nghiệp tỉnh",
        "Công đoàn Khối",
    ]
    assert len(detail.opinions) == 4 and len(detail.recommendations) == 1


def test_a_bad_report_file_is_refused_and_nothing_is_stored(session: Session, world: World) -> None:
    with pytest.raises(UserError):
        reports.ingest_report(
            session=session,
            consultation_id=world.consultation.id,
            data=b"\x89PNG\r\n\x1a\nnot text",
            filename="anh.txt",
        )
    with pytest.raises(UserError) as empty:
        reports.ingest_report(session=session, consultation_id=world.consultation.id, text=" ")
    assert empty.value.code == "report_empty"
    assert session.scalars(select(EventReport)).all() == []


def test_a_letter_becomes_written_opinions_on_behalf_of_its_organisation(
    session: Session, world: World
) -> None:
    submission = submissions.preview_submission(
        session=session,
        consultation_id=world.consultation.id,
        organisation_id=world.unit_b.id,
        data=LETTER.encode(),
        filename="cong-van.txt",
    )
    items = submissions.submission_items(submission)
    assert len(items) == 3
    assert items[0]["section_id"] is not None and items[0]["references"] == ["khoản 2 Điều 3"]
    assert items[0]["proposed_wording"] == "Lấy ý kiến tại hội nghị và tọa đàm"
    assert items[0]["kind"] == "amend" and items[2]["kind"] == "recommendation"
    assert items[1]["section_id"] == world.section("Điều 4").id
    assert session.scalars(select(Opinion)).all() == []
    corrected = [
        submissions.SubmissionItemIn(
            text=i["text"],
            section_id=i["section_id"],
            proposed_wording=i["proposed_wording"],
            kind=i["kind"],
            include=n != 1,
        )
        for n, i in enumerate(items)
    ]
    created = submissions.confirm_submission(
        session=session, submission_id=submission.id, items=corrected, now=NOW
    )
    assert len(created) == 2
    assert {(o.channel, o.on_behalf_of_id) for o in created} == {("written", world.unit_b.id)}
    assert submissions.submission_opinion_ids(session=session, submission_id=submission.id) == [
        o.id for o in created
    ]
    raised = session.scalars(select(Recommendation)).one()
    assert raised.raised_by_organisation_id == world.unit_b.id
    with pytest.raises(Conflict):
        submissions.confirm_submission(session=session, submission_id=submission.id, now=NOW)


def test_a_letter_from_outside_the_scope_is_refused_before_anything_is_kept(
    session: Session, world: World
) -> None:
    with pytest.raises(UserError) as refused:
        submissions.preview_submission(
            session=session,
            consultation_id=world.consultation.id,
            organisation_id=world.outsider.id,
            data=LETTER.encode(),
            filename="cong-van.txt",
        )
    assert refused.value.code == "organisation_out_of_scope"
    assert session.scalars(select(Submission)).all() == []


def test_recommendations_are_followed_until_answered_and_the_raiser_is_told(
    session: Session, world: World
) -> None:
    earlier = _event(session, world, kind="seminar", starts_at=NOW - timedelta(days=30))
    late = recommendations.create_recommendation(
        session=session,
        consultation_id=world.consultation.id,
        text="Sớm ban hành hướng dẫn.",
        event_id=earlier,
        raised_by_organisation_id=world.unit_b.id,
    )
    recommendations.assign_recommendation(
        session=session,
        recommendation_id=late.id,
        addressee_organisation_id=world.bloc.id,
        responsible_name="Văn phòng Đảng ủy",
        due_on=date(2025, 6, 1),
    )
    on_time = recommendations.create_recommendation(
        session=session,
        consultation_id=world.consultation.id,
        text="Tổ chức tập huấn.",
        addressee_organisation_id=world.bloc.id,
        due_on=date(2025, 7, 1),
    )
    today = date(2025, 6, 15)
    assert [r.id for r in recommendations.overdue(session=session, today=today)] == [late.id]
    assert [
        r.id for r in recommendations.inbox(session=session, organisation_ids=[world.bloc.id])
    ] == [
        late.id,
        on_time.id,
    ]
    dialogue = _event(session, world, kind="dialogue", organiser_ids=[world.bloc.id])
    still_open = events.event_detail(session=session, event_id=dialogue).earlier_open
    assert late.id in [r.id for r in still_open]

    recommendations.set_recommendation_status(
        session=session, recommendation_id=late.id, status="in_progress"
    )
    with pytest.raises(UserError):
        recommendations.set_recommendation_status(
            session=session, recommendation_id=late.id, status="answered"
        )
    with pytest.raises(UserError):
        recommendations.answer_recommendation(
            session=session, recommendation_id=late.id, answer="  "
        )
    answered = recommendations.answer_recommendation(
        session=session, recommendation_id=late.id, answer="Đã ban hành Hướng dẫn số 5.", now=NOW
    )
    assert answered.status == "answered" and answered.answered_at == NOW
    assert answered.notified_at == NOW
    told = session.scalars(select(Notification)).one()
    assert told.organisation_id == world.unit_b.id and told.link == f"/recommendations/{late.id}"
    assert events.notifications_for(
        session=session, person_id=None, organisation_ids=[world.unit_b.id]
    ) == [told]
    assert recommendations.overdue(session=session, today=today) == []
    assert _actions(session, "recommendation").count("recommendation.answered") == 1


def test_due_dates_are_read_as_typed_in_vietnam() -> None:
    assert recommendations.due_date_of("05/09/2025") == date(2025, 9, 5)
    assert recommendations.due_date_of("2025-09-05") == date(2025, 9, 5)
    assert recommendations.due_date_of("") is None
    with pytest.raises(UserError) as bad:
        recommendations.due_date_of("31/02/2025")
    assert "dd/mm/yyyy" in bad.value.message_vi


def test_a_report_date_without_a_year_takes_the_year_of_its_timestamp(
    session: Session, world: World
) -> None:
    raw = (
        "Tọa đàm góp ý dự thảo văn kiện\n12/05/2020 17:59\n"
        "Sáng 12/5, Công đoàn Khối tổ chức tọa đàm góp ý dự thảo văn kiện Đại hội Đảng bộ Khối."
    )
    report = reports.ingest_report(
        session=session, consultation_id=world.consultation.id, text=raw, now=NOW
    )
    proposal = reports.proposal_of(report)
    starts = datetime.fromisoformat(proposal["starts_at"]).astimezone(VN_TZ)
    assert starts.strftime("%d/%m/%Y") == "12/05/2020"  # not the year of NOW
    assert {"reason": "timestamp", "text": "12/05/2020 17:59"} in proposal["removed"]
