"""Real browser on the pages everyone sees: home, sign-in, account, errors, language switch."""

from __future__ import annotations

import pytest

from tests.web.browser.support import Visitor

pytestmark = pytest.mark.browser


def test_home_lists_the_demo_consultations_and_is_accessible(visitor: Visitor) -> None:
    visitor.goto("/", shot="home-vi")
    page = visitor.page
    assert page.get_attribute("html", "lang") == "vi"
    assert page.inner_text("h1") == "Lấy ý kiến góp ý dự thảo"
    cards = page.locator("ul.cards li.card")
    assert cards.count() >= 2
    titles = page.locator("ul.cards li.card h3").all_inner_texts()
    assert any("Báo cáo chính trị" in title for title in titles), titles
    assert page.get_by_role("link", name="Đăng nhập").is_visible()
    visitor.assert_accessible("the home page (vi)")


def test_home_in_english_is_accessible(visitor: Visitor) -> None:
    visitor.use_language("en")
    visitor.goto("/", shot="home-en")
    assert visitor.page.get_attribute("html", "lang") == "en"
    assert visitor.page.inner_text("h1") == "Consultations on drafts"
    visitor.assert_accessible("the home page (en)")


def test_login_page_and_a_wrong_password_are_accessible(visitor: Visitor) -> None:
    visitor.goto("/login", shot="login")
    visitor.assert_accessible("the sign-in page")
    page = visitor.page
    page.fill("#username", "dangvien")
    page.fill("#password", "not-the-password")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    visitor.screenshot("login-wrong-password")
    assert (
        page.locator("#login-error")
        .inner_text()
        .endswith("Tên đăng nhập hoặc mật khẩu không đúng.")
    )
    assert page.input_value("#username") == "dangvien"  # the typed name is kept
    visitor.assert_accessible("the sign-in page with an error")


def test_signed_in_account_page_is_accessible(visitor: Visitor) -> None:
    visitor.sign_in("dangvien", next="/account")
    assert visitor.page.url.endswith("/account")
    visitor.screenshot("account")
    assert "Nguyễn Doãn Hoàn" in visitor.page.inner_text("main")
    assert visitor.page.get_by_role("link", name="Ý kiến của tôi").is_visible()
    visitor.assert_accessible("the account page")


def test_a_missing_page_shows_an_accessible_404(visitor: Visitor) -> None:
    visitor.goto("/khong-co-trang-nay", shot="error-404", expect_status=404)
    assert "Trang này không tồn tại." in visitor.page.inner_text("main [role=alert]")
    visitor.assert_accessible("the 404 page")


def test_language_switch_changes_the_interface_and_is_remembered(visitor: Visitor) -> None:
    visitor.goto("/login", shot="before-switch")
    page = visitor.page
    assert page.inner_text("h1") == "Đăng nhập"
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    visitor.screenshot("after-switch")
    assert page.url.endswith("/login"), "the switch goes back to the same page"
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Sign in"
    # remembered on the next page loads, without asking again
    visitor.goto("/", shot="next-page-en")
    assert page.inner_text("h1") == "Consultations on drafts"
    assert page.get_by_role("button", name="Tiếng Việt").is_visible()
    page.reload()
    assert page.get_attribute("html", "lang") == "en"
    # and it switches back
    with page.expect_navigation():
        page.get_by_role("button", name="Tiếng Việt").click()
    assert page.get_attribute("html", "lang") == "vi"
    assert page.inner_text("h1") == "Lấy ý kiến góp ý dự thảo"


def test_the_skip_link_is_the_first_stop_of_the_keyboard(visitor: Visitor) -> None:
    visitor.goto("/")
    page = visitor.page
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == "#main"
    assert page.locator("a.skip").is_visible()
    visitor.screenshot("skip-link-focused", full_page=False)


def test_the_axe_check_really_catches_violations(visitor: Visitor) -> None:
    """The accessibility assertion is not a no-op: a broken page makes it fail, naming the rule."""
    visitor.page.set_content(
        "<!doctype html><html><head><title>x</title></head><body><main>"
        "<h1>Trang lỗi</h1><input type='text' name='unlabelled'>"
        "<p style='color:#bbb;background:#fff'>chữ mờ khó đọc</p>"
        "<img src='data:,'></main></body></html>"
    )
    with pytest.raises(AssertionError) as caught:
        visitor.assert_accessible("a page made to fail")
    message = str(caught.value)
    for rule in ("label", "image-alt", "color-contrast", "html-has-lang"):
        assert f"- {rule} (" in message, message
