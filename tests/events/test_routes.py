"""Event pages, fast entry, report review, comment letters and recommendations, in process;
their JSON twins; Vietnamese 4xx messages with the typed text kept; CSRF and role checks."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.factories import World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts import service as accounts
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.events.models import Event, EventReport, Notification, Recommendation, Submission
from ykien.opinions.models import Opinion

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
LETTER = (
    "CÔNG ĐOÀN SỞ NỘI VỤ\nKính gửi: Đảng bộ Khối các cơ quan\n"
    "Công đoàn Sở Nội vụ có ý kiến như sau:\n"
    "1. Tại khoản 2 Điều 3, đề nghị sửa thành: “Lấy ý kiến tại hội nghị và tọa đàm”.\n"
    "2. Đối với Điều 4, đề nghị kéo dài thời hạn lấy ý kiến lên 45 ngày.\n"
    "Trên đây là ý kiến của Công đoàn Sở Nội vụ.\n"
)


@pytest.fixture
def unit_b_secretary(fresh_engine: Engine, web_world: World) -> str:
    """`thuky.b`: secretary of unit B only; does not run the bloc's consultation."""
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        person = accounts.create_person(
            session=session, full_name="Phạm Thư Ký B", organisation_id=web_world.unit_b.id
        )
        accounts.create_account(
            session=session, person_id=person.id, username="thuky.b", password=PASSWORD
        )
        accounts.grant_role(
            session=session,
            person_id=person.id,
            organisation_id=web_world.unit_b.id,
            role="secretary",
        )
    return "thuky.b"


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _event_form(client: TestClient, world: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": csrf_of(client),
        "title": "Tọa đàm góp ý Luật thử nghiệm",
        "kind": "seminar",
        "starts_at": "12/06/2025 08:30",
        "place": "Hội trường Khối",
        "organisers": [str(world.unit_b.id)],
        "attendees": "Lê Thị Mai, Chủ tịch Công đoàn\nTrần Văn Bình - Đoàn viên",
    }
    data.update(overrides)
    return data


def _new_event(client: TestClient, world: World) -> int:
    response = client.post(
        f"/c/{world.consultation.id}/events/new",
        data=_event_form(client, world),
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    match = re.match(r"/events/(\d+)$", response.headers["location"])
    assert match
    return int(match.group(1))


def test_a_secretary_records_an_event_after_a_refused_form_and_sees_it_listed(
    login: Login, web_world: World, fresh_engine: Engine
) -> None:
    client = login("thuky")
    response = client.post(
        f"/c/{web_world.consultation.id}/events/new",
        data=_event_form(client, web_world, starts_at="32/13/2025"),
    )
    assert response.status_code == 400
    assert "không hợp lệ" in response.text and "32/13/2025" in response.text
    assert 'value="Tọa đàm góp ý Luật thử nghiệm"' in response.text
    assert "Trần Văn Bình - Đoàn viên" in response.text
    assert _count(fresh_engine, Event) == 0
    event_id = _new_event(client, web_world)
    page = client.get(f"/events/{event_id}")
    assert page.status_code == 200
    assert "Tọa đàm góp ý Luật thử nghiệm" in page.text and "Trần Văn Bình" in page.text
    assert "Đã ghi nhận sự kiện" in page.text
    listing = client.get(f"/c/{web_world.consultation.id}/events")
    assert listing.status_code == 200 and f"/events/{event_id}" in listing.text
    assert "12/06/2025" in listing.text
    api = client.get(f"/api/v1/consultations/{web_world.consultation.id}/events").json()
    assert [(e["id"], e["organisers"]) for e in api] == [(event_id, [web_world.unit_b.name])]
    detail = client.get(f"/api/v1/events/{event_id}").json()
    assert [a["name"] for a in detail["attendees"]] == ["Lê Thị Mai", "Trần Văn Bình"]
    assert detail["attendees"][1]["title"] == "Đoàn viên"
    edit = client.get(f"/events/{event_id}/edit")
    assert edit.status_code == 200 and "Lê Thị Mai, Chủ tịch Công đoàn" in edit.text
    saved = client.post(
        f"/events/{event_id}/edit",
        data=_event_form(client, web_world, title="Tọa đàm (đã sửa)", kind="dialogue"),
        files={"minutes_file": ("bien-ban.txt", "Biên bản tọa đàm.".encode(), "text/plain")},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    changed = client.get(f"/api/v1/events/{event_id}").json()
    assert (changed["title"], changed["kind"]) == ("Tọa đàm (đã sửa)", "dialogue")
    assert (changed["minutes"], changed["minutes_filename"]) == (
        "Biên bản tọa đàm.",
        "bien-ban.txt",
    )


def test_state_changes_need_the_csrf_token_and_the_right_role(
    client: TestClient, login: Login, web_world: World, unit_b_secretary: str, fresh_engine: Engine
) -> None:
    url = f"/c/{web_world.consultation.id}/events/new"
    login("thuky")
    no_token = client.post(url, data={**_event_form(client, web_world), "csrf_token": "x"})
    assert no_token.status_code == 403 and "hết hạn" in no_token.text
    login(unit_b_secretary)  # a unit inside the scope records its own events, not the bloc's
    bloc_event = _event_form(client, web_world, organisers=[str(web_world.bloc.id)])
    refused = client.post(url, data=bloc_event)
    assert refused.status_code == 403 and "do đơn vị mình tổ chức" in refused.text
    login("dangvien")
    assert client.get(f"/c/{web_world.consultation.id}/events").status_code == 403
    assert _count(fresh_engine, Event) == 0


def test_fast_entry_saves_one_line_at_a_time_over_htmx(
    login: Login, web_world: World, fresh_engine: Engine
) -> None:
    client = login("thuky")
    event_id = _new_event(client, web_world)
    entry = client.get(f"/events/{event_id}/entry")
    assert entry.status_code == 200 and 'hx-post="/events/' in entry.text
    people = client.get(
        f"/c/{web_world.consultation.id}/lookup/people", params={"speaker": "doan hoan"}
    )
    assert f"Nguyễn Doãn Hoàn [#{web_world.member_a}]" in people.text
    sections = client.get(
        f"/c/{web_world.consultation.id}/lookup/sections", params={"section": "k2 đ3"}
    )
    assert "Khoản 2" in sections.text or "khoản 2" in sections.text.lower()
    htmx = {"HX-Request": "true"}
    saved = client.post(
        f"/events/{event_id}/opinions",
        data={
            "csrf_token": csrf_of(client),
            "speaker": f"Nguyễn Doãn Hoàn [#{web_world.member_a}]",
            "section": "đ4",
            "kind": "amend",
            "text": "Đề nghị kéo dài thời hạn lên 45 ngày.",
        },
        headers=htmx,
    )
    assert saved.status_code == 200
    assert saved.text.startswith("<li") and "Nguyễn Doãn Hoàn" in saved.text
    refused = client.post(
        f"/events/{event_id}/opinions",
        data={"csrf_token": csrf_of(client), "section": "Điều 99", "text": "Một ý kiến"},
        headers=htmx,
    )
    assert refused.status_code == 400 and "Không tìm thấy mục" in refused.text
    plain = client.post(
        f"/events/{event_id}/opinions",
        data={"csrf_token": csrf_of(client), "section": "Điều 99", "text": "Ý kiến gõ dở"},
    )
    assert plain.status_code == 400 and 'value="Ý kiến gõ dở"' in plain.text
    with Session(fresh_engine) as session:
        recorded = session.scalars(select(Opinion).where(Opinion.event_id == event_id)).all()
        assert [(o.channel, o.author_person_id, o.kind) for o in recorded] == [
            ("event", web_world.member_a, "amend")
        ]
    api = client.post(
        f"/api/v1/events/{event_id}/opinions",
        json={"text": "Ý kiến qua API", "speaker_name": "Đại biểu X", "section_ref": "dieu 1"},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert api.status_code == 201 and api.json()["author_name"] == "Đại biểu X"


def test_a_report_is_reviewed_then_confirmed_once_on_the_page_and_over_the_api(
    login: Login, web_world: World, fresh_engine: Engine
) -> None:
    client = login("thuky")
    url = f"/c/{web_world.consultation.id}/events/ingest"
    assert client.get(url).status_code == 200
    empty = client.post(url, data={"csrf_token": csrf_of(client), "text": "  "})
    assert empty.status_code == 400 and "Hãy dán nội dung" in empty.text
    bad = client.post(
        url,
        data={"csrf_token": csrf_of(client), "text": "giữ lại"},
        files={"report_file": ("anh.pdf", b"%PDF-1.4 broken", "application/pdf")},
    )
    assert bad.status_code == 400 and "giữ lại" in bad.text
    assert _count(fresh_engine, EventReport) == 0
    response = client.post(
        url, data={"csrf_token": csrf_of(client), "text": REPORT}, follow_redirects=False
    )
    assert response.status_code == 303
    review_url = response.headers["location"]
    report_id = int(review_url.rsplit("/", 1)[1])
    review = client.get(review_url)
    assert review.status_code == 200 and "<mark" in review.text and 'data-item="' in review.text
    assert _count(fresh_engine, Opinion) == 0
    proposal = client.get(f"/api/v1/event-reports/{report_id}").json()
    first_opinion = next(i for i in proposal["items"] if i["field"] == "opinion")
    rejected = client.post(
        f"/event-reports/{report_id}/items/{first_opinion['id']}",
        data={"csrf_token": csrf_of(client), "state": "rejected"},
        follow_redirects=False,
    )
    assert rejected.status_code == 303
    client.post(f"/event-reports/{report_id}/accept-all", data={"csrf_token": csrf_of(client)})
    missing_date = client.post(
        f"/event-reports/{report_id}/confirm",
        data={"csrf_token": csrf_of(client), "title": "Tọa đàm đã sửa", "starts_at": ""},
    )
    assert missing_date.status_code == 400 and 'value="Tọa đàm đã sửa"' in missing_date.text
    confirm = {
        "csrf_token": csrf_of(client),
        "title": "Tọa đàm đã sửa",
        "kind": "seminar",
        "starts_at": "12/06/2025 08:00",
        "place": "Hội trường Khối",
    }
    done = client.post(f"/event-reports/{report_id}/confirm", data=confirm, follow_redirects=False)
    assert done.status_code == 303
    event_page = client.get(done.headers["location"])
    assert "Tọa đàm đã sửa" in event_page.text and "Lê Thị Mai" in event_page.text
    with Session(fresh_engine) as session:
        kinds = sorted(session.scalars(select(Opinion.kind)))
        assert kinds == ["comment", "recommendation"]  # the rejected opinion is left out
        assert session.scalars(select(Recommendation)).one().event_id is not None
    again = client.post(f"/event-reports/{report_id}/confirm", data=confirm)
    assert again.status_code == 409 and "đã được xác nhận" in again.text

    # the same through the JSON API, from a file
    headers = {"X-CSRF-Token": csrf_of(client)}
    created = client.post(
        f"/api/v1/consultations/{web_world.consultation.id}/event-reports",
        files={"file": ("bao.txt", REPORT.encode(), "text/plain")},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    report = created.json()
    for item in report["items"]:
        assert report["cleaned_text"][item["start"] : item["end"]] == item["text"]
    person = next(i for i in report["items"] if i["field"] == "person")
    reviewed = client.post(
        f"/api/v1/event-reports/{report['id']}/items/{person['id']}",
        json={"state": "accepted", "edited_text": "Lê Thị Mai"},
        headers=headers,
    )
    assert reviewed.json()["state"] == "accepted"
    event = client.post(
        f"/api/v1/event-reports/{report['id']}/confirm",
        json={"accept_pending": True},
        headers=headers,
    )
    assert event.status_code == 200, event.text
    assert event.json()["starts_at"].startswith("2025-06-11T17:00")  # 12/06 00:00 in Vietnam
    assert len(event.json()["opinions"]) == 3


def test_a_comment_letter_is_previewed_corrected_and_confirmed(
    login: Login, web_world: World, fresh_engine: Engine
) -> None:
    client = login("thuky")
    url = f"/c/{web_world.consultation.id}/submissions/new"
    assert client.get(url).status_code == 200
    no_org = client.post(
        url,
        data={"csrf_token": csrf_of(client)},
        files={"letter": ("cv.txt", LETTER.encode(), "text/plain")},
    )
    assert no_org.status_code == 400 and "Hãy chọn tổ chức" in no_org.text
    response = client.post(
        url,
        data={"csrf_token": csrf_of(client), "organisation_id": str(web_world.unit_b.id)},
        files={"letter": ("cv.txt", LETTER.encode(), "text/plain")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    submission_id = int(response.headers["location"].rsplit("/", 1)[1])
    preview = client.get(f"/submissions/{submission_id}")
    assert preview.status_code == 200 and "Lấy ý kiến tại hội nghị và tọa đàm" in preview.text
    items = client.get(f"/api/v1/submissions/{submission_id}").json()["items"]
    assert [i["references"] for i in items] == [["khoản 2 Điều 3"], ["Điều 4"]]
    form = {
        "csrf_token": csrf_of(client),
        "text": [items[0]["text"], "Đề nghị kéo dài thời hạn lên 45 ngày (đã sửa)."],
        "section_id": [str(items[0]["section_id"]), str(items[1]["section_id"])],
        "wording": [items[0]["proposed_wording"], ""],
        "kind": ["amend", "comment"],
        "include": ["1"],
    }
    confirmed = client.post(
        f"/submissions/{submission_id}/confirm", data=form, follow_redirects=False
    )
    assert confirmed.status_code == 303
    with Session(fresh_engine) as session:
        opinion = session.scalars(select(Opinion)).one()
        assert opinion.text.endswith("(đã sửa).") and opinion.channel == "written"
        assert opinion.on_behalf_of_id == web_world.unit_b.id
    twice = client.post(f"/submissions/{submission_id}/confirm", data=form)
    assert twice.status_code == 409
    assert _count(fresh_engine, Submission) == 1


def test_recommendations_go_to_the_addressee_who_answers_and_the_raiser_is_told(
    client: TestClient,
    login: Login,
    web_world: World,
    unit_b_secretary: str,
    fresh_engine: Engine,
) -> None:
    login("thuky")
    event_id = _new_event(client, web_world)
    bad = client.post(
        f"/events/{event_id}/recommendations",
        data={"csrf_token": csrf_of(client), "text": "Sớm ban hành hướng dẫn", "due_on": "x"},
    )
    assert bad.status_code == 400 and "Hạn trả lời không hợp lệ" in bad.text
    assert "Sớm ban hành hướng dẫn" in bad.text
    added = client.post(
        f"/events/{event_id}/recommendations",
        data={
            "csrf_token": csrf_of(client),
            "text": "Sớm ban hành hướng dẫn",
            "addressee_id": str(web_world.bloc.id),
            "due_on": "01/01/2020",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    with Session(fresh_engine) as session:
        recommendation = session.scalars(select(Recommendation)).one()
    inbox = client.get("/recommendations")
    assert inbox.status_code == 200 and "Sớm ban hành hướng dẫn" in inbox.text
    assert "quá hạn" in inbox.text
    api = client.get("/api/v1/recommendations").json()
    assert [r["id"] for r in api["overdue"]] == [recommendation.id]
    login(unit_b_secretary)
    refused = client.post(
        f"/recommendations/{recommendation.id}/answer",
        data={"csrf_token": csrf_of(client), "answer": "Không phải việc của tôi"},
    )
    assert refused.status_code == 403
    login("thuky")
    empty = client.post(
        f"/recommendations/{recommendation.id}/answer",
        data={"csrf_token": csrf_of(client), "answer": " "},
    )
    assert empty.status_code == 400 and "không được để trống" in empty.text
    answered = client.post(
        f"/recommendations/{recommendation.id}/answer",
        data={"csrf_token": csrf_of(client), "answer": "Đã ban hành Hướng dẫn số 5."},
        follow_redirects=False,
    )
    assert answered.status_code == 303
    page = client.get(f"/recommendations/{recommendation.id}")
    assert "Đã ban hành Hướng dẫn số 5." in page.text and "Đã trả lời" in page.text
    with Session(fresh_engine) as session:
        told = session.scalars(select(Notification)).one()
        assert told.organisation_id == web_world.unit_b.id
    login(unit_b_secretary)
    assert "Kiến nghị đã được trả lời" in client.get("/recommendations").text
