"""Real browser on the opinion list (search and highlight) and the moderation queue: a secretary
hides a participant's opinion with a reason, and the participant sees it hidden, with the reason."""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable

import pytest

from tests.web.browser.conftest import needs_route
from tests.web.browser.support import LiveServer, Visitor

pytestmark = pytest.mark.browser


def _folded(text: str) -> str:
    """Lower case without diacritics (đ -> d), to compare what a search highlighted."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_story(visitor: Visitor) -> None:
    """Search "dang uy" without diacritics: results, both tone spellings highlighted."""
    visitor.goto(f"/c/{visitor.server.facts.report_id}/opinions", shot="opinion-list")
    page = visitor.page
    assert page.locator("ol.opinions li.opinion").count() > 0
    visitor.assert_accessible("the opinion list")

    page.fill("#f-q", "dang uy")
    with page.expect_navigation():
        page.locator("form.opinion-filters button[type=submit]").click()
    visitor.screenshot("opinion-list-search-dang-uy")
    assert "q=dang+uy" in page.url
    assert page.input_value("#f-q") == "dang uy", "the typed search stays in the box"
    assert page.locator("ol.opinions li.opinion").count() > 0
    marks = page.locator("ol.opinions mark").all_inner_texts()
    assert marks, "the matches are highlighted"
    folded = {re.sub(r"\s+", " ", _folded(mark)).strip() for mark in marks}
    assert folded <= {"dang uy", "dang", "uy"}, marks
    assert "dang uy" in folded, marks
    # the demo writes both tone placements; the search finds and marks both
    assert {"Đảng ủy", "Đảng uỷ"} <= set(marks), sorted(set(marks))
    visitor.assert_accessible("the opinion list with a search")


@needs_route("/c/{id}/opinions")
def test_opinion_list_search_ignores_diacritics_and_highlights(visitor: Visitor) -> None:
    search_story(visitor)


@needs_route("/c/{id}/opinions")
def test_opinion_list_with_filters_in_english_is_accessible(
    visitor: Visitor, server: LiveServer
) -> None:
    visitor.use_language("en")
    visitor.goto(
        f"/c/{server.facts.regulation_id}/opinions?channel=import&kind=amend",
        shot="opinion-list-filtered-en",
    )
    page = visitor.page
    assert page.get_attribute("html", "lang") == "en"
    badges = page.locator("ol.opinions li.opinion .badge.channel").all_inner_texts()
    assert badges and set(badges) == {"Import"}, badges
    visitor.assert_accessible("the opinion list with filters (en)")


def moderation_story(make_visitor: Callable[..., Visitor], site: LiveServer) -> None:
    """A participant's opinion waits for review; a secretary hides it with a reason in the
    moderation queue; the participant sees it hidden, with the reason, in "my opinions"."""
    facts = site.facts
    participant = make_visitor(name="participant", site=site)
    participant.sign_in("dangvien")
    participant.goto(
        f"/c/{facts.moderated_id}?section={facts.moderated_section_id}", shot="reader-form"
    )
    page = participant.page
    text = f"Ý kiến để thử kiểm duyệt, viết lúc {time.monotonic_ns()}."
    page.fill("#opinion-text", text)
    with page.expect_navigation():
        page.locator("#opinion-form button[type=submit]").click()
    participant.screenshot("my-opinions-received")
    mine = page.locator("li.my-opinion", has_text=text)
    assert mine.locator(".status").inner_text().strip() == "Đã tiếp nhận"

    secretary = make_visitor(name="secretary", site=site)
    secretary.sign_in("thuky.khoi")
    secretary.goto(f"/c/{facts.moderated_id}/moderation", shot="moderation-queue")
    queue = secretary.page
    secretary.assert_accessible("the moderation queue")
    item = queue.locator("ol.opinions li.opinion", has_text=text)
    assert item.count() == 1, "the new opinion waits in the queue"
    reason = "Trùng lặp với ý kiến đã gửi trước đó"
    item.get_by_label("Lý do ẩn").fill(reason)
    with queue.expect_navigation():
        item.get_by_role("button", name="Ẩn", exact=True).click()
    secretary.screenshot("moderation-after-hide")
    hidden = queue.locator("ol.opinions li.opinion", has_text=text)
    assert hidden.count() == 1, "a hidden opinion stays in the queue, counted"
    assert "is-hidden" in (hidden.get_attribute("class") or "")
    assert reason in hidden.locator(".hidden-reason").inner_text()
    assert hidden.get_by_role("button", name="Khôi phục").is_visible()
    assert int(re.sub(r"\D", "", queue.locator(".hidden-count").inner_text())) >= 1
    secretary.assert_accessible("the moderation queue with a hidden opinion")

    participant.goto("/me/opinions", shot="my-opinions-hidden")
    mine = page.locator("li.my-opinion", has_text=text)
    status = mine.locator(".status").inner_text()
    assert status.startswith("Đã ẩn"), status
    assert f"Lý do: {reason}" in status
    participant.assert_accessible("my opinions with a hidden opinion")


@needs_route("/c/{id}")
@needs_route("/c/{id}/moderation")
@needs_route("/me/opinions")
def test_secretary_hides_an_opinion_and_the_participant_sees_why(
    visitor_factory: Callable[..., Visitor], server: LiveServer
) -> None:
    moderation_story(visitor_factory, server)


@needs_route("/c/{id}/moderation")
def test_moderation_queue_is_refused_to_a_participant(visitor: Visitor, server: LiveServer) -> None:
    visitor.sign_in("dangvien")
    visitor.goto(f"/c/{server.facts.moderated_id}/moderation", shot="refused", expect_status=403)
    assert "không có quyền" in visitor.page.inner_text("main")
    visitor.assert_accessible("the 403 page")
