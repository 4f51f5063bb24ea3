"""Report review on several drafts: each opinion of a report naming several drafts is proposed
the draft it is about, with the reason, changeable per item and kept when saved; a gold check
on a realistic report naming three drafts (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.events.test_collects_routes import _second_consultation
from tests.factories import NOW, World, build_world
from tests.web.conftest import csrf_of
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.drafts import service as drafts
from ykien.events.models import ReportItem
from ykien.events.reports import drafts as report_drafts
from ykien.events.reports import service as reports
from ykien.opinions.models import Opinion

REPORT = (Path(__file__).parent / "reports" / "news_three_levels.txt").read_text(encoding="utf-8")

BLOC_DRAFT = (
    "BÁO CÁO CHÍNH TRỊ\nPhần I\nKẾT QUẢ\nMục 1. Về kinh tế\nTăng trưởng khá.\n"
    "Phần II\nPHƯƠNG HƯỚNG\nMục 3. Về xây dựng Đảng\nĐổi mới phương thức lãnh đạo.\n"
)
CITY_DRAFT = (
    "BÁO CÁO CHÍNH TRỊ\nChương I\nTÌNH HÌNH\nNội dung chương một.\n"
    "Chương IV\nCÁC CÔNG TRÌNH TRỌNG ĐIỂM\nNội dung chương bốn.\n"
)
CENTRE_DRAFT = "VĂN KIỆN\nĐiều 1. Mục tiêu\nNội dung điều một.\n" \
    "Điều 12. Đổi mới sáng tạo\nNội dung điều mười hai.\n"  # fmt: skip


def _consultation(session: Session, world: World, title: str, text: str, kind: str) -> int:
    draft = drafts.create_draft(session=session, title=title, kind=kind)
    version = drafts.import_version(
        session=session, draft_id=draft.id, data=text.encode(), filename="dt.txt"
    )
    consultation = consultations.create(
        session=session,
        title=f"Lấy ý kiến {title}",
        draft_version_id=version.id,
        organiser_id=world.bloc.id,
        opens_at=NOW - timedelta(days=10),
        closes_at=NOW + timedelta(days=20),
    )
    consultations.open_(session=session, consultation_id=consultation.id)
    return consultation.id


@pytest.fixture
def three(session: Session) -> tuple[World, int, int, int]:
    world = build_world(session)
    bloc = _consultation(
        session, world, "Dự thảo Báo cáo chính trị Đảng bộ Khối", BLOC_DRAFT, "political_report"
    )
    city = _consultation(
        session, world, "Dự thảo Báo cáo chính trị Đảng bộ thành phố", CITY_DRAFT,
        "political_report",
    )  # fmt: skip
    centre = _consultation(
        session, world, "Dự thảo Văn kiện Đại hội XIV của Đảng", CENTRE_DRAFT, "other"
    )
    return world, bloc, city, centre


def _statements(session: Session, report_id: int) -> list[ReportItem]:
    return [
        i
        for i in reports.report_items(session=session, report_id=report_id)
        if i.field in ("opinion", "recommendation")
    ]


def _gold(bloc: int, city: int, centre: int) -> dict[str, int]:
    """The draft each statement of the report is about, as a secretary reads it."""
    return {
        "nhà ở xã hội": city,
        "không gian xanh": city,
        "chuyển đổi số quốc gia": centre,
        "tổ chức cơ sở đảng": bloc,
        "người đứng đầu cấp ủy": bloc,
        "công trình trọng điểm": city,
        "vai trò của thanh niên": centre,
        "hướng dẫn lấy ý kiến": bloc,
    }


def test_gold_each_opinion_of_a_report_on_three_drafts_is_proposed_its_draft(
    session: Session, three: tuple[World, int, int, int]
) -> None:
    _world, bloc, city, centre = three
    report = reports.ingest_report(session=session, consultation_id=bloc, text=REPORT, now=NOW)
    items = reports.report_items(session=session, report_id=report.id)
    named = {i.consultation_id for i in items if i.field == "draft"}
    assert named == {bloc, city, centre}
    gold = _gold(bloc, city, centre)
    statements = _statements(session, report.id)
    assert len(statements) == len(gold)
    right = 0
    for item in statements:
        expected = next(v for k, v in gold.items() if k in item.text)
        right += item.consultation_id == expected
        assert item.draft_reason in (report_drafts.TITLE, report_drafts.SECTION, "home")
    print(f"gold: {right}/{len(gold)} proposals right")
    assert right == len(gold)
    reasons = {i.text[:20]: (i.draft_reason, i.draft_evidence) for i in statements}
    assert ("section", "Chương IV") in reasons.values()
    assert ("title", "dự thảo Báo cáo chính trị của thành phố") in reasons.values()


def test_a_draft_chosen_by_hand_is_kept_when_saved_and_bulk_accepted_and_is_where_it_goes(
    session: Session, three: tuple[World, int, int, int]
) -> None:
    world, bloc, city, centre = three
    report = reports.ingest_report(session=session, consultation_id=bloc, text=REPORT, now=NOW)
    statements = _statements(session, report.id)
    first = next(i for i in statements if "nhà ở xã hội" in i.text)
    second = next(i for i in statements if "không gian xanh" in i.text)
    assert first.consultation_id == city
    reports.review_item(
        session=session, report_id=report.id, item_id=first.id, state="accepted",
        consultation_id=centre,
    )  # fmt: skip
    reports.review_item(
        session=session, report_id=report.id, item_id=second.id, state="accepted",
        consultation_id=second.consultation_id,
    )  # fmt: skip
    assert (first.consultation_id, first.draft_reason) == (centre, "chosen")
    assert (second.consultation_id, second.draft_reason) == (city, "title")
    reports.review_items(session=session, report_id=report.id, item_ids=None, state="accepted")
    assert first.consultation_id == centre
    event = reports.confirm_report(session=session, report_id=report.id, now=NOW)
    where = {
        o.text: o.consultation_id
        for o in session.scalars(select(Opinion).where(Opinion.event_id == event.id))
    }
    assert where[first.text] == centre and where[second.text] == city
    assert where[next(t for t in where if "Điều 12" in t)] == centre
    assert session.get(Consultation, city) is not None and world.bloc.id


def test_relinking_a_draft_mention_proposes_again_the_opinions_not_chosen_by_hand(
    session: Session, three: tuple[World, int, int, int]
) -> None:
    _world, bloc, _city, centre = three
    report = reports.ingest_report(session=session, consultation_id=bloc, text=REPORT, now=NOW)
    mention = next(
        i
        for i in reports.report_items(session=session, report_id=report.id)
        if i.field == "draft" and "của thành phố" in i.text
    )
    first = next(i for i in _statements(session, report.id) if "nhà ở xã hội" in i.text)
    reports.review_item(
        session=session, report_id=report.id, item_id=mention.id, state="accepted",
        consultation_id=centre,
    )  # fmt: skip
    assert (first.consultation_id, first.draft_reason) == (centre, "title")


def test_a_report_naming_only_its_own_draft_proposes_nothing(session: Session) -> None:
    world = build_world(session)
    text = "Hội nghị góp ý dự thảo Luật thử nghiệm\nÔng A cho rằng cần bổ sung Điều 4.\n"
    report = reports.ingest_report(
        session=session, consultation_id=world.consultation.id, text=text, now=NOW
    )
    assert all(i.draft_reason is None for i in _statements(session, report.id))


TWO_DRAFTS = (
    "Tọa đàm góp ý hai dự thảo\n"
    "Sáng 12/6/2025, Công đoàn Sở Nội vụ tổ chức tọa đàm góp ý dự thảo Luật thử nghiệm"
    " và dự thảo Báo cáo chính trị Khối.\n"
    "Về dự thảo Báo cáo chính trị Khối, bà Lê Thị Mai cho rằng cần bổ sung nhiệm vụ chuyển đổi"
    " số.\n"
    "Về dự thảo Luật thử nghiệm, ông Trần Văn Nam cho rằng cần kéo dài thời hạn lấy ý kiến.\n"
)


def test_the_review_page_shows_each_proposal_and_keeps_it_when_an_item_is_saved(
    login: Callable[[str], TestClient], web_world: World, fresh_engine: Engine
) -> None:
    other = _second_consultation(fresh_engine, web_world)
    client = login("thuky")
    created = client.post(
        f"/c/{web_world.consultation.id}/events/ingest",
        data={"csrf_token": csrf_of(client), "text": TWO_DRAFTS},
        follow_redirects=False,
    )
    report_id = int(created.headers["location"].rsplit("/", 1)[1])
    items = client.get(f"/api/v1/event-reports/{report_id}").json()["items"]
    opinions = {i["text"]: i for i in items if i["field"] == "opinion"}
    tasks = next(i for t, i in opinions.items() if "chuyển đổi số" in t)
    term = next(i for t, i in opinions.items() if "thời hạn" in t)
    assert (tasks["consultation_id"], tasks["draft_reason"]) == (other, "title")
    assert term["consultation_id"] == web_world.consultation.id
    page = client.get(f"/event-reports/{report_id}").text
    assert "nêu tên dự thảo ở gần: “dự thảo Báo cáo chính trị Khối”" in page
    assert f'id="draft-{tasks["id"]}" name="consultation_id"' in page
    assert f'<option value="{other}" selected>' in page
    # saved from the page with the proposal as shown: kept, and the credit is taken
    saved = client.post(
        f"/event-reports/{report_id}/items/{tasks['id']}",
        data={
            "csrf_token": csrf_of(client), "state": "accepted", "edited_text": tasks["text"],
            "consultation_id": str(other), "credit": str(web_world.unit_b.id),
        },
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303
    after = {i["id"]: i for i in client.get(f"/api/v1/event-reports/{report_id}").json()["items"]}
    assert after[tasks["id"]]["consultation_id"] == other
    assert after[tasks["id"]]["draft_reason"] == "title"
    assert after[tasks["id"]]["credited_organisation_id"] == web_world.unit_b.id
    # changed on the page: the secretary's choice
    client.post(
        f"/event-reports/{report_id}/items/{term['id']}",
        data={
            "csrf_token": csrf_of(client), "state": "accepted",
            "consultation_id": str(other),
        },
        follow_redirects=False,
    )  # fmt: skip
    after = {i["id"]: i for i in client.get(f"/api/v1/event-reports/{report_id}").json()["items"]}
    assert (after[term["id"]]["consultation_id"], after[term["id"]]["draft_reason"]) == (
        other,
        "chosen",
    )
    assert "do thư ký chọn" in client.get(f"/event-reports/{report_id}").text
