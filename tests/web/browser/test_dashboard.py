"""Real browser on the dashboard: a bloc secretary opens it from the secretariat, reads the charts
and their tables in Vietnamese and English (axe-checked, screenshots on a desktop and a phone)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.web.browser.conftest import needs_route
from tests.web.browser.support import PHONE, LiveServer, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@needs_route("/c/{consultation_id}/dashboard")
def test_secretary_reads_the_dashboard(
    visitor_factory: Callable[..., Visitor], server: LiveServer
) -> None:
    report = server.facts.report_id
    visitor = visitor_factory()
    visitor.sign_in("thuky.khoi")
    visitor.goto("/secretariat", shot="secretariat")
    page = visitor.page
    with page.expect_navigation(wait_until="load"):
        page.locator(f"a[href='/c/{report}/dashboard']").first.click()
    visitor.screenshot("dashboard-vi")
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() >= 7
    for index in range(charts.count()):
        name = charts.nth(index).get_attribute("aria-labelledby") or ""
        assert page.locator(f"[id='{name}']").count() == 1, "each chart is named by its title"
    days = page.locator("section[aria-labelledby=h-days]")
    days.locator("details summary").click()
    assert days.locator("table tbody tr").count() >= 1, "the data table opens under the chart"
    heat = page.locator("#chart-sections text")
    assert heat.count() > 3, "the table of contents is drawn with its counts"
    visitor.screenshot("dashboard-table-open")
    visitor.assert_accessible("the dashboard")

    visitor.use_language("en")
    visitor.goto(f"/c/{report}/dashboard", shot="dashboard-en")
    assert page.locator("h2", has_text="Opinions per day").count() == 1
    visitor.assert_accessible("the dashboard in English")

    phone = visitor_factory(viewport=PHONE, name="phone")
    phone.sign_in("thuky.khoi")
    phone.goto(f"/c/{report}/dashboard", shot="dashboard-phone")
    overflow = phone.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, "the charts shrink to the phone's width"
    phone.assert_accessible("the dashboard on a phone")


@needs_route("/c/{consultation_id}/dashboard")
def test_the_dashboard_is_refused_to_a_participant(visitor: Visitor, server: LiveServer) -> None:
    visitor.sign_in("dangvien")
    visitor.goto(
        f"/c/{server.facts.report_id}/dashboard", shot="dashboard-refused", expect_status=403
    )
