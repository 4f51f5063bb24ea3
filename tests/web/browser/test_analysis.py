"""Real browser on the analysis pages: a secretary runs the analysis on the embedded queue,
watches its progress, then reads the campaigns, themes and proposals (each checked with axe)."""

from __future__ import annotations

import pytest

from tests.web.browser.conftest import needs_route
from tests.web.browser.support import LiveServer, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@needs_route("/c/{consultation_id}/analysis")
def test_secretary_runs_the_analysis_and_reads_themes_and_campaigns(
    visitor: Visitor, server: LiveServer
) -> None:
    report = server.facts.report_id
    visitor.sign_in("thuky.khoi")
    visitor.goto(f"/c/{report}/analysis", shot="analysis-before")
    page = visitor.page
    page.fill("#max_themes", "8")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Phân tích").click()
    # the embedded worker runs the job; htmx polls the progress until it is done
    page.get_by_text("Hoàn thành").first.wait_for(timeout=120_000)
    visitor.screenshot("analysis-done")
    visitor.assert_accessible("the analysis overview")

    visitor.goto(f"/c/{report}/analysis/themes", shot="analysis-themes")
    themes = page.locator("ol.themes > li")
    assert themes.count() >= 2
    assert page.locator("ul.summary .cites a").count() > 0, "summaries cite their opinions"
    visitor.assert_accessible("the themes page")
    with page.expect_navigation(wait_until="load"):
        themes.first.locator("h2 a").click()
    visitor.screenshot("analysis-theme")
    visitor.assert_accessible("a theme page")

    visitor.goto(f"/c/{report}/analysis/campaigns", shot="analysis-campaigns")
    campaigns = page.locator("ol.campaigns > li")
    assert campaigns.count() >= 1
    visitor.assert_accessible("the campaigns page")
    with page.expect_navigation(wait_until="load"):
        campaigns.first.locator("h2 a").click()
    visitor.screenshot("analysis-campaign")
    visitor.assert_accessible("a campaign page")

    visitor.goto(f"/c/{report}/analysis/proposals", shot="analysis-proposals")
    visitor.assert_accessible("the proposals page")


@needs_route("/c/{consultation_id}/analysis")
def test_the_analysis_is_refused_to_a_participant(visitor: Visitor, server: LiveServer) -> None:
    visitor.sign_in("dangvien")
    visitor.goto(
        f"/c/{server.facts.report_id}/analysis", shot="analysis-refused", expect_status=403
    )
