"""Real browser on the events pages: fast entry with the keyboard only, then a report read,
reviewed and confirmed."""

from __future__ import annotations

import time

import pytest

from tests.web.browser.conftest import needs_route
from tests.web.browser.support import LiveServer, Visitor
from ykien.db.base import utcnow
from ykien.events import service as events

pytestmark = pytest.mark.browser

REPORT = (
    "Tọa đàm góp ý dự thảo Quy chế lấy ý kiến\n"
    "Sáng 10/6/2025, tại Hội trường Khối, Công đoàn Khối tổ chức tọa đàm góp ý dự thảo Quy chế.\n"
    "Tham dự có bà Lê Thị Mai, Chủ tịch Công đoàn Khối.\n"
    "Các ý kiến tập trung vào các vấn đề: thời hạn lấy ý kiến tại Điều 4 còn ngắn;"
    " cần quy định rõ hình thức tọa đàm.\n"
    "Các đại biểu kiến nghị Đảng ủy Khối sớm ban hành hướng dẫn.\n"
)


def _event(server: LiveServer, title: str) -> int:
    with server.session() as session:
        event = events.create_event(
            session=session,
            consultation_id=server.facts.regulation_id,
            title=title,
            kind="seminar",
            starts_at=utcnow(),
        )
        session.commit()
        return event.id


@needs_route("/events/{id}/entry")
def test_fast_entry_by_keyboard_then_a_report_reviewed_and_confirmed(
    visitor: Visitor, server: LiveServer
) -> None:
    event_id = _event(server, f"Tọa đàm thử {time.monotonic_ns()}")
    visitor.sign_in("thuky.khoi")
    visitor.goto(f"/events/{event_id}/entry", shot="fast-entry")
    page = visitor.page
    visitor.assert_accessible("the fast entry page")
    assert page.evaluate("document.activeElement.id") == "speaker"

    keyboard = page.keyboard
    keyboard.type("Trần Văn Khách")
    keyboard.press("Tab")
    keyboard.type("k1 đ2")
    keyboard.press("Tab")  # the kind stays "comment"
    keyboard.press("Tab")
    keyboard.type("Đề nghị làm rõ đối tượng áp dụng.")
    keyboard.press("Enter")
    page.wait_for_selector("#entered li:has-text('Đề nghị làm rõ đối tượng áp dụng.')")
    assert page.input_value("#text") == "" and page.input_value("#speaker") == ""
    assert page.evaluate("document.activeElement.id") == "speaker"

    keyboard.press("Tab")
    keyboard.type("Điều 999")
    keyboard.press("Tab")
    keyboard.press("Tab")
    keyboard.type("Một ý kiến về điều không có")
    keyboard.press("Enter")
    page.wait_for_selector("#entry-error .error")
    visitor.screenshot("fast-entry-error")
    assert "Điều 999" in page.inner_text("#entry-error")
    assert page.input_value("#text") == "Một ý kiến về điều không có"
    assert page.locator("#entered li").count() == 1

    visitor.goto(f"/c/{server.facts.regulation_id}/events/ingest", shot="ingest")
    visitor.assert_accessible("the report form")
    page.fill("#report-text", REPORT)
    with page.expect_navigation():
        page.get_by_role("button", name="Đọc bản tin").click()
    visitor.screenshot("review")
    assert page.locator(".source mark[data-item]").count() >= 5
    visitor.assert_accessible("the report review")
    first_opinion = page.locator("li.item:has(.field-opinion)").first
    with page.expect_navigation():
        first_opinion.get_by_role("button", name="Loại").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Chấp nhận mọi mục đang chờ").click()
    assert page.locator("li.item.state-rejected").count() == 1
    page.fill("#confirm-starts", "10/06/2025 08:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận và ghi nhận sự kiện").click()
    visitor.screenshot("confirmed-event")
    assert "/events/" in page.url
    opinions = page.locator("ol.event-opinions li")
    assert opinions.count() == 2  # one opinion and the recommendation; the rejected one is out
    assert "Lê Thị Mai" in page.inner_text("#attendees + ul")
    visitor.assert_accessible("the event page")
