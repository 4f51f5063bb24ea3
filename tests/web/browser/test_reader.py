"""Real browser on the draft reader and "my opinions": quoting with the keyboard and the mouse,
submitting, and user text always shown as text."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from sqlalchemy import select

from tests.web.browser.conftest import needs_route
from tests.web.browser.support import LiveServer, Visitor
from ykien.opinions.models import Opinion

pytestmark = [pytest.mark.browser, needs_route("/c/{id}"), needs_route("/me/opinions")]

RECEIPT = re.compile(r"YK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def _opinion(server: LiveServer, receipt: str) -> Opinion:
    with server.session() as session:
        opinion = session.execute(
            select(Opinion).where(Opinion.receipt_code == receipt)
        ).scalar_one()
        session.expunge(opinion)
        return opinion


def _wait_for_quote(page: Any, expected: str) -> None:
    """The reader fills the quote a moment after the selection settles."""
    page.wait_for_function(
        "(expected) => { const q = document.querySelector('#opinion-form input[name=quote]');"
        " return q && q.value === expected; }",
        arg=expected,
        timeout=5_000,
    )


def _created_receipt(visitor: Visitor) -> str:
    page = visitor.page
    assert "/me/opinions" in page.url, f"not on my opinions after submitting: {page.url}"
    match = RECEIPT.search(page.url)
    assert match, page.url
    return match.group(0)


def test_reader_for_a_participant_is_accessible(visitor: Visitor, server: LiveServer) -> None:
    visitor.sign_in("dangvien")
    visitor.goto(f"/c/{server.facts.report_id}", shot="reader-vi-signed-in")
    page = visitor.page
    assert "Báo cáo chính trị" in page.inner_text("h1")
    assert page.locator("nav.toc li").count() > 90  # 93 sections and "the whole draft"
    assert page.locator("article.section").count() > 90
    visitor.assert_accessible("the draft reader (vi, participant)")
    # with the keyboard dialog open, too
    page.locator(f"#section-{server.facts.report_section_id} button.quote-button").click()
    assert page.locator("#quote-dialog").is_visible()
    visitor.screenshot("reader-quote-dialog", full_page=False)
    visitor.assert_accessible("the draft reader's quote dialog")


def test_reader_in_english_is_accessible(visitor: Visitor, server: LiveServer) -> None:
    visitor.use_language("en")
    visitor.goto(f"/c/{server.facts.regulation_id}", shot="reader-en-anonymous")
    page = visitor.page
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("#toc-title").inner_text() == "Contents"
    visitor.assert_accessible("the draft reader (en, anonymous)")


def test_participant_quotes_with_the_keyboard_submits_and_sees_it_in_my_opinions(
    visitor: Visitor, server: LiveServer
) -> None:
    facts = server.facts
    visitor.sign_in("dangvien")
    visitor.goto(f"/c/{facts.report_id}#section-{facts.report_section_id}", shot="reader")
    page = visitor.page
    article = page.locator(f"#section-{facts.report_section_id}")
    label = article.get_attribute("data-label")

    # open the quote dialog from the keyboard: focus its button, press Enter
    article.locator("button.quote-button").focus()
    page.keyboard.press("Enter")
    source = page.locator("#quote-dialog #quote-source")
    assert source.is_visible()
    assert page.evaluate("() => document.activeElement.id") == "quote-source"
    assert source.input_value() == facts.report_section_text

    # move to the 3rd word, select up to the end of the 9th with Shift+ArrowRight, press Enter
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", facts.report_section_text)]
    skip, length = words[2][0], words[8][1] - words[2][0]
    for _ in range(skip):
        page.keyboard.press("ArrowRight")
    for _ in range(length):
        page.keyboard.press("Shift+ArrowRight")
    visitor.screenshot("keyboard-selection", full_page=False)
    page.keyboard.press("Enter")
    raw = facts.report_section_text[skip : skip + length]
    expected_quote = raw.strip()
    expected_start = skip + (len(raw) - len(raw.lstrip()))
    _wait_for_quote(page, expected_quote)
    assert not page.locator("#quote-dialog").is_visible()
    form = article.locator("#opinion-form")
    assert form.count() == 1, "the form moves under the quoted section"
    assert form.locator(".quote-text").inner_text() == expected_quote
    assert form.locator("input[name=quote_start]").input_value() == str(expected_start)
    assert form.locator(".form-target").inner_text() == label
    assert page.evaluate("() => document.activeElement.id") == "opinion-text"

    # write the opinion and send it, still with the keyboard
    text = f"Đề nghị viết rõ hơn đoạn này (bàn phím {time.monotonic_ns()})."
    page.keyboard.type(text)
    visitor.screenshot("form-filled", full_page=False)
    form.locator("button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    receipt = _created_receipt(visitor)
    visitor.screenshot("my-opinions")

    item = page.locator(f"li.my-opinion[data-receipt='{receipt}']")
    assert item.count() == 1
    assert item.locator(".opinion-text").first.inner_text() == text
    assert item.locator("blockquote.quote").inner_text() == expected_quote
    assert item.locator(".section-label").inner_text() == label
    assert item.locator(".status").inner_text().strip().startswith("Đã công khai")
    assert receipt in page.locator("main .flash").inner_text()
    visitor.assert_accessible("my opinions")

    stored = _opinion(server, receipt)
    assert (stored.section_id, stored.quote, stored.quote_start, stored.text) == (
        facts.report_section_id,
        expected_quote,
        expected_start,
        text,
    )


def test_selecting_a_passage_with_the_mouse_fills_the_quote(
    visitor: Visitor, server: LiveServer
) -> None:
    facts = server.facts
    visitor.sign_in("dangvien")
    visitor.goto(f"/c/{facts.report_id}#section-{facts.report_section_id}", shot="reader")
    page = visitor.page
    text_box = page.locator(f"#text-{facts.report_section_id}")
    text_box.scroll_into_view_if_needed()
    source = facts.report_section_text
    words = [m.start() for m in re.finditer(r"(?<=\s)\S", source[:160])]
    start, end = words[1], words[6] - 1  # from the 3rd word to the end of the 7th
    # where those characters are on the screen
    box = page.evaluate(
        """([id, start, end]) => {
            const node = document.getElementById(id).firstChild;
            const rect = (i) => { const r = document.createRange();
                r.setStart(node, i); r.setEnd(node, i + 1); return r.getBoundingClientRect(); };
            const a = rect(start), b = rect(end - 1);
            return {ax: a.left + 1, ay: a.top + a.height / 2, bx: b.right - 1, by: b.top + b.height / 2};
        }""",
        [f"text-{facts.report_section_id}", start, end],
    )
    page.mouse.move(box["ax"], box["ay"])
    page.mouse.down()
    page.mouse.move(box["bx"], box["by"], steps=12)
    page.mouse.up()
    expected = source[start:end].strip()
    _wait_for_quote(page, expected)
    visitor.screenshot("mouse-selection", full_page=False)
    form = page.locator(f"#section-{facts.report_section_id} #opinion-form")
    assert form.locator(".quote-text").inner_text() == expected
    assert form.locator("input[name=quote_start]").input_value() == str(start)

    # the quote goes to the server with its offset
    text = f"Đồng ý với đoạn được trích (chuột {time.monotonic_ns()})."
    form.locator("#opinion-kind").select_option("agree")
    form.locator("#opinion-text").fill(text)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    receipt = _created_receipt(visitor)
    visitor.screenshot("my-opinions")
    stored = _opinion(server, receipt)
    assert (stored.quote, stored.quote_start, stored.kind) == (expected, start, "agree")


def test_script_in_an_opinion_is_shown_as_text(visitor: Visitor, server: LiveServer) -> None:
    facts = server.facts
    visitor.sign_in("dangvien")
    visitor.goto(f"/c/{facts.report_id}?section={facts.report_section_id}", shot="reader-form")
    page = visitor.page
    payload = f"<script>window.__xss = 1</script> <b>in đậm?</b> {time.monotonic_ns()}"
    wording = '<img src=x onerror="window.__xss = 2">'
    form = page.locator("#opinion-form")
    form.locator("#opinion-kind").select_option("amend")
    form.locator("#opinion-text").fill(payload)
    form.locator("#opinion-wording").fill(wording)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    receipt = _created_receipt(visitor)
    visitor.screenshot("my-opinions-with-script")
    item = page.locator(f"li.my-opinion[data-receipt='{receipt}']")
    assert item.locator("p.opinion-text").inner_text() == payload
    assert wording in item.inner_text()
    assert item.locator("script, b, img").count() == 0
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert _opinion(server, receipt).text == payload

    # and in the public list of opinions of that section
    if not _has_list():
        return
    visitor.goto(f"/c/{facts.report_id}/opinions?section={facts.report_section_id}")
    shown = page.locator("ol.opinions li.opinion", has_text=payload)
    assert shown.count() == 1
    assert shown.locator("p.text").inner_text() == payload
    assert shown.locator("script, b, img").count() == 0
    assert page.evaluate("() => typeof window.__xss") == "undefined"


def _has_list() -> bool:
    from tests.web.browser.support import has_route

    return has_route("/c/{id}/opinions")


def test_reader_on_a_phone_is_readable(visitor_factory: Any, server: LiveServer) -> None:
    from tests.web.browser.support import PHONE

    visitor = visitor_factory(viewport=PHONE)
    visitor.sign_in("dangvien")
    visitor.goto(f"/c/{server.facts.report_id}", shot="reader-phone")
    page = visitor.page
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways on a phone by {overflow}px"
    assert page.locator("article.section").first.is_visible()
    visitor.assert_accessible("the draft reader on a phone")


@needs_route("/c/{id}/received")
def test_an_anonymous_opinion_gets_an_accessible_receipt(
    visitor: Visitor, server: LiveServer
) -> None:
    facts = server.facts
    visitor.goto(f"/c/{facts.report_id}?section={facts.report_section_id}", shot="reader-anonymous")
    page = visitor.page
    page.fill("#opinion-text", f"Ý kiến không ghi tên {time.monotonic_ns()}.")
    with page.expect_navigation():
        page.locator("#opinion-form button[type=submit]").click()
    visitor.screenshot("received")
    assert page.url.endswith(f"/c/{facts.report_id}/received"), page.url
    receipt = page.locator("#receipt-code").inner_text()
    assert RECEIPT.fullmatch(receipt), receipt
    stored = _opinion(server, receipt)
    assert stored.author_person_id is None and stored.section_id == facts.report_section_id
    visitor.assert_accessible("the receipt of an anonymous opinion")
