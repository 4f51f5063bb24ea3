"""Report review (events.reports): the confirmation form takes the reviewed items, people are
linked once each with every title, items are accepted or rejected in bulk; on SQLite and
PostgreSQL, in process."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.factories import NOW, World, build_world
from tests.web.conftest import csrf_of
from ykien.accounts import service as accounts
from ykien.accounts.models import Person
from ykien.errors import Conflict, NotFound, UserError
from ykien.events import service as events
from ykien.events.models import ItemState, ReportItem
from ykien.events.reports import service as reports
from ykien.timefmt import VN_TZ

Login = Callable[[str], TestClient]

REPORT = (
    "Tọa đàm góp ý dự thảo Luật thử nghiệm\n"
    "Sáng 12/6/2025, tại Hội trường Khối, Công đoàn Sở Nội vụ tổ chức tọa đàm góp ý dự thảo"
    " Luật thử nghiệm.\n"
    "Tham dự có bà Lê Thị Mai, Chủ tịch Công đoàn Sở Nội vụ.\n"
    "Các ý kiến tập trung vào các vấn đề: thời hạn lấy ý kiến tại Điều 4 còn ngắn;"
    " cần quy định rõ hình thức tọa đàm.\n"
    "Các đại biểu kiến nghị Đảng ủy Khối sớm ban hành hướng dẫn lấy ý kiến tại hội nghị.\n"
)


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def _item(session: Session, report_id: int, field: str, index: int = 0) -> ReportItem:
    found = [
        i for i in reports.report_items(session=session, report_id=report_id) if i.field == field
    ]
    return found[index]


def _edit(session: Session, report_id: int, item: ReportItem, text: str) -> None:
    reports.review_item(
        session=session, report_id=report_id, item_id=item.id, state="accepted", edited_text=text
    )


# --- 1. the confirmation takes the edited title and date ----------------------------------------


def test_the_confirmation_defaults_are_the_edited_title_date_and_place(
    session: Session, world: World
) -> None:
    report = reports.ingest_report(
        session=session, consultation_id=world.consultation.id, text=REPORT, now=NOW
    )
    _edit(session, report.id, _item(session, report.id, "title"), "Tọa đàm về Luật thử nghiệm")
    _edit(session, report.id, _item(session, report.id, "date"), "25/6/2025")
    _edit(session, report.id, _item(session, report.id, "place"), "Phòng họp số 2")
    values = reports.reviewed_values(session=session, report=report)
    assert values["title"] == "Tọa đàm về Luật thử nghiệm"
    assert values["place"] == "Phòng họp số 2"
    assert values["starts_at"].astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") == "25/06/2025 00:00"
    event = reports.confirm_report(session=session, report_id=report.id, now=NOW)
    assert event.title == "Tọa đàm về Luật thử nghiệm" and event.place == "Phòng họp số 2"
    assert event.starts_at.astimezone(VN_TZ).strftime("%d/%m/%Y") == "25/06/2025"


def test_an_edited_date_keeps_a_written_time_and_takes_the_report_year(
    session: Session, world: World
) -> None:
    report = reports.ingest_report(
        session=session, consultation_id=world.consultation.id, text=REPORT, now=NOW
    )
    date_item = _item(session, report.id, "date")
    _edit(session, report.id, date_item, "14h30 ngày 20/6")
    starts = reports.reviewed_values(session=session, report=report)["starts_at"]
    assert starts.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") == "20/06/2025 14:30"
    _edit(session, report.id, date_item, "26/06/2025 09:15")
    starts = reports.reviewed_values(session=session, report=report)["starts_at"]
    assert starts.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") == "26/06/2025 09:15"
    _edit(session, report.id, date_item, "không rõ ngày")  # not a date: the extracted one stays
    starts = reports.reviewed_values(session=session, report=report)["starts_at"]
    assert starts.astimezone(VN_TZ).strftime("%d/%m/%Y") == "12/06/2025"


def test_the_review_page_shows_the_edited_title_and_date_in_the_confirmation_form(
    login: Login, web_world: World
) -> None:
    client = login("thuky")
    created = client.post(
        f"/c/{web_world.consultation.id}/events/ingest",
        data={"csrf_token": csrf_of(client), "text": REPORT},
        follow_redirects=False,
    )
    report_id = int(created.headers["location"].rsplit("/", 1)[1])
    items = client.get(f"/api/v1/event-reports/{report_id}").json()["items"]
    by_field = {i["field"]: i for i in reversed(items)}
    for field, text in (("title", "Tọa đàm đã sửa tên"), ("date", "23/7/2025")):
        done = client.post(
            f"/event-reports/{report_id}/items/{by_field[field]['id']}",
            data={"csrf_token": csrf_of(client), "state": "accepted", "edited_text": text},
            follow_redirects=False,
        )
        assert done.status_code == 303
    page = client.get(f"/event-reports/{report_id}").text
    form = page[page.index('id="confirm"') :]
    assert 'name="title" value="Tọa đàm đã sửa tên"' in form
    assert 'value="23/07/2025 00:00"' in form
    assert "12/06/2025" not in form


# --- 2. people: one record each, with every title ----------------------------------------------

PEOPLE = (
    "Hội nghị đối thoại góp ý dự thảo Luật thử nghiệm\n"
    "Chiều 12/6/2025, tại Hội trường Khối, Công đoàn Sở Nội vụ tổ chức hội nghị đối thoại.\n"
    "Tham dự có ông Phạm Văn Hoà, Bí thư Chi bộ Sở Tài chính; bà Lê Thị Thuỷ,"
    " Chủ tịch Công đoàn Sở Nội vụ.\n"
)


def _accept_everything(session: Session, report_id: int) -> None:
    reports.accept_pending(session=session, report_id=report_id)


def _people_named(session: Session, *keys: str) -> int:
    return session.execute(
        select(func.count()).select_from(Person).where(Person.name_key.in_(keys))
    ).scalar_one()


def test_people_named_several_ways_are_one_record_each_with_every_title(
    session: Session, world: World
) -> None:
    report = reports.ingest_report(
        session=session, consultation_id=world.consultation.id, text=PEOPLE, now=NOW
    )
    people = [i for i in reports.report_items(session=session, report_id=report.id)
              if i.field == "person"]  # fmt: skip
    assert len(people) == 2
    # the secretary corrects the second mention to the other tone placement and case
    extra = ReportItem(
        report_id=report.id, position=99, field="person", start=0, end=0,
        text="PHẠM VĂN HÒA", detail="Đại biểu Hội đồng nhân dân thành phố",
    )  # fmt: skip
    decomposed = ReportItem(
        report_id=report.id, position=100, field="person", start=0, end=0,
        text="Lê Thị Thuỷ".replace("ỷ", "y\u0309"), detail="Chủ tịch Công đoàn Sở Nội vụ",
    )  # fmt: skip
    session.add_all([extra, decomposed])
    session.flush()
    _accept_everything(session, report.id)
    event = reports.confirm_report(session=session, report_id=report.id, now=NOW)
    assert _people_named(session, "pham van hoa", "le thi thuy") == 2
    attendees = events.event_detail(session=session, event_id=event.id).attendees
    assert sorted(a.name for a in attendees) == ["Lê Thị Thuỷ", "Phạm Văn Hoà"]
    hoa = next(a for a in attendees if a.name == "Phạm Văn Hoà")
    assert hoa.title == "Bí thư Chi bộ Sở Tài chính; Đại biểu Hội đồng nhân dân thành phố"
    thuy = next(a for a in attendees if a.name == "Lê Thị Thuỷ")
    assert thuy.title == "Chủ tịch Công đoàn Sở Nội vụ"


def test_a_second_report_reuses_the_people_recorded_by_the_first(
    session: Session, world: World
) -> None:
    first = reports.ingest_report(
        session=session, consultation_id=world.consultation.id, text=PEOPLE, now=NOW
    )
    second = reports.ingest_report(
        session=session, consultation_id=world.consultation.id, text=PEOPLE, now=NOW
    )
    for report in (first, second):
        _accept_everything(session, report.id)
        reports.confirm_report(session=session, report_id=report.id, now=NOW)
    assert _people_named(session, "pham van hoa", "le thi thuy") == 2


def test_a_name_differing_in_diacritics_is_another_person(session: Session, world: World) -> None:
    other = accounts.create_person(session=session, full_name="Phạm Văn Hóa")  # not Hoà
    report = reports.ingest_report(
        session=session, consultation_id=world.consultation.id, text=PEOPLE, now=NOW
    )
    _accept_everything(session, report.id)
    event = reports.confirm_report(session=session, report_id=report.id, now=NOW)
    attendees = events.event_detail(session=session, event_id=event.id).attendees
    assert other.id not in {a.person_id for a in attendees}


# --- 6. bulk accept and reject ------------------------------------------------------------------


def test_items_are_accepted_or_rejected_together_in_one_step(
    session: Session, world: World
) -> None:
    report = reports.ingest_report(
        session=session, consultation_id=world.consultation.id, text=REPORT, now=NOW
    )
    items = reports.report_items(session=session, report_id=report.id)
    organisations = [i.id for i in items if i.field == "organisation"]
    assert reports.review_items(
        session=session, report_id=report.id, item_ids=organisations, state="rejected"
    ) == len(organisations)
    states = {i.id: i.state for i in reports.report_items(session=session, report_id=report.id)}
    assert {states[i] for i in organisations} == {ItemState.REJECTED}
    assert ItemState.PENDING in {s for i, s in states.items() if i not in organisations}
    other = reports.ingest_report(
        session=session, consultation_id=world.consultation.id, text=REPORT, now=NOW
    )
    foreign = reports.report_items(session=session, report_id=other.id)[0].id
    with pytest.raises(NotFound):  # an item of another report: nothing is changed
        reports.review_items(
            session=session, report_id=report.id, item_ids=[items[0].id, foreign], state="accepted"
        )
    with pytest.raises(UserError):
        reports.review_items(session=session, report_id=report.id, item_ids=[], state="accepted")
    with pytest.raises(UserError):
        reports.review_items(
            session=session, report_id=report.id, item_ids=[items[0].id], state="pending!"
        )
    assert reports.review_items(
        session=session, report_id=report.id, item_ids=None, state="accepted"
    ) == len(items)  # None: every item of the report ("select all")
    reports.confirm_report(session=session, report_id=report.id, now=NOW)
    with pytest.raises(Conflict):
        reports.review_items(
            session=session, report_id=report.id, item_ids=[items[0].id], state="rejected"
        )


def _states(engine: Engine, report_id: int) -> dict[int, str]:
    with Session(engine) as session:
        return {
            i.id: i.state
            for i in session.scalars(select(ReportItem).where(ReportItem.report_id == report_id))
        }


def test_the_review_page_rejects_the_checked_items_in_one_post_and_the_api_too(
    login: Login, web_world: World, fresh_engine: Engine
) -> None:
    client = login("thuky")
    created = client.post(
        f"/c/{web_world.consultation.id}/events/ingest",
        data={"csrf_token": csrf_of(client), "text": REPORT},
        follow_redirects=False,
    )
    report_id = int(created.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/event-reports/{report_id}").text
    assert 'id="bulk-review"' in page and 'name="item_id"' in page and 'id="select-all"' in page
    items = client.get(f"/api/v1/event-reports/{report_id}").json()["items"]
    picked = [str(i["id"]) for i in items if i["field"] in ("organisation", "draft")]
    url = f"/event-reports/{report_id}/bulk-review"
    no_token = client.post(url, data={"item_id": picked, "state": "rejected"})
    assert no_token.status_code == 403
    none = client.post(url, data={"csrf_token": csrf_of(client), "state": "rejected"})
    assert none.status_code == 400 and "Hãy chọn" in none.text
    done = client.post(
        url,
        data={"csrf_token": csrf_of(client), "item_id": picked, "state": "rejected"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert f"{len(picked)} mục" in client.get(done.headers["location"]).text  # the flash
    states = _states(fresh_engine, report_id)
    assert {states[int(i)] for i in picked} == {"rejected"}
    assert sum(1 for s in states.values() if s == "pending") == len(items) - len(picked)
    everything = client.post(
        url,
        data={"csrf_token": csrf_of(client), "all": "1", "state": "accepted"},
        follow_redirects=False,
    )
    assert everything.status_code == 303
    assert set(_states(fresh_engine, report_id).values()) == {"accepted"}
    headers = {"X-CSRF-Token": csrf_of(client)}
    api = client.post(
        f"/api/v1/event-reports/{report_id}/bulk-review",
        json={"item_ids": [int(i) for i in picked], "state": "rejected"},
        headers=headers,
    )
    assert api.status_code == 200, api.text
    assert {i["state"] for i in api.json()["items"] if str(i["id"]) in picked} == {"rejected"}
    foreign = client.post(
        f"/api/v1/event-reports/{report_id}/bulk-review",
        json={"item_ids": [int(picked[0]), 2_000_000], "state": "accepted"},
        headers=headers,
    )
    assert foreign.status_code == 404
    assert _states(fresh_engine, report_id)[int(picked[0])] == "rejected"  # nothing changed
