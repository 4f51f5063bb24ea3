"""Real browser on the report review: "select all" ticks every item, unticking one clears it,
and the ticked items are rejected in one step."""

from __future__ import annotations

import pytest

from tests.web.browser.conftest import needs_route
from tests.web.browser.support import LiveServer, Visitor
from tests.web.browser.test_events import REPORT

pytestmark = pytest.mark.browser


@needs_route("/event-reports/{id}")
def test_select_all_then_reject_the_ticked_items_at_once(
    visitor: Visitor, server: LiveServer
) -> None:
    visitor.sign_in("thuky.khoi")
    visitor.goto(f"/c/{server.facts.regulation_id}/events/ingest")
    page = visitor.page
    page.fill("#report-text", REPORT)
    with page.expect_navigation():
        page.get_by_role("button", name="Đọc bản tin").click()
    picks = page.locator("input.pick")
    total = picks.count()
    assert total >= 5
    page.check("#select-all")
    assert page.locator("input.pick:checked").count() == total
    picks.first.uncheck()
    assert not page.is_checked("#select-all")
    visitor.assert_accessible("the report review with items ticked")
    with page.expect_navigation():
        page.get_by_role("button", name="Loại các mục đã chọn").click()
    assert page.locator("li.item.state-rejected").count() == total - 1
    assert page.locator("li.item.state-pending").count() == 1
    assert f"Đã loại {total - 1} mục." in page.inner_text("body")
