"""Current screenshots of the main pages for the README, from the demo site in a real browser.

Run from the repository root: `python -m tests.web.browser.make_screenshots [--out docs/screenshots]`.
Needs what the browser tests need (Debian's Chromium: `bash scripts/system-deps.sh`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.web.browser.support import (
    DESKTOP,
    PHONE,
    REPO,
    LiveServer,
    Visitor,
    chromium_problem,
    launch_chromium,
    live_server,
)


def _select_with_mouse(page: Any, element_id: str, first_word: int, last_word: int) -> None:
    """Drag the mouse over words first_word..last_word of an element's text."""
    box = page.evaluate(
        """([id, first, last]) => {
            const node = document.getElementById(id).firstChild;
            const text = node.textContent;
            const starts = [...text.matchAll(/\\S+/g)].map(m => [m.index, m.index + m[0].length]);
            const at = (i, j) => { const r = document.createRange();
                r.setStart(node, i); r.setEnd(node, j); return r.getBoundingClientRect(); };
            const a = at(starts[first][0], starts[first][0] + 1);
            const b = at(starts[last][1] - 1, starts[last][1]);
            return {ax: a.left + 1, ay: a.top + a.height / 2, bx: b.right - 1, by: b.top + b.height / 2};
        }""",
        [element_id, first_word, last_word],
    )
    page.mouse.move(box["ax"], box["ay"])
    page.mouse.down()
    page.mouse.move(box["bx"], box["by"], steps=10)
    page.mouse.up()
    page.wait_for_function(
        "() => document.querySelector('#opinion-form input[name=quote]').value !== ''"
    )


def home(visitor: Visitor) -> None:
    visitor.goto("/")


def reader_with_quote(visitor: Visitor) -> None:
    facts = visitor.server.facts
    visitor.sign_in("dangvien")
    visitor.goto(f"/c/{facts.report_id}")
    page = visitor.page
    article = page.locator("article.section:has(.section-text)").nth(3)
    article.evaluate(
        "node => window.scrollTo(0, node.getBoundingClientRect().top + window.scrollY - 60)"
    )
    text_id = article.locator(".section-text").get_attribute("id")
    _select_with_mouse(page, str(text_id), 3, 14)  # the selection stays highlighted


def opinion_list_search(visitor: Visitor) -> None:
    facts = visitor.server.facts
    visitor.goto(f"/c/{facts.report_id}/opinions?q=dang+uy")
    visitor.page.locator("form.opinion-filters").evaluate(
        "node => window.scrollTo(0, node.getBoundingClientRect().top + window.scrollY - 12)"
    )


def moderation_queue(visitor: Visitor) -> None:
    visitor.sign_in("thuky.khoi")
    visitor.goto(f"/c/{visitor.server.facts.moderated_id}/moderation")
    visitor.page.locator(".results-heading").evaluate(
        "node => window.scrollTo(0, node.getBoundingClientRect().top + window.scrollY - 40)"
    )


def new_consultation(visitor: Visitor) -> None:
    visitor.sign_in("thuky.khoi")
    visitor.goto("/secretariat/consultations/new")
    page = visitor.page
    page.fill("#title", "Lấy ý kiến góp ý dự thảo Quy chế làm việc của Ban Chấp hành")
    page.fill(
        "#description",
        "Đề nghị các chi bộ, đảng bộ cơ sở tổ chức thảo luận và gửi ý kiến trước ngày 30/6.",
    )


def reader_on_a_phone(visitor: Visitor) -> None:
    visitor.sign_in("dangvien")
    visitor.goto(f"/c/{visitor.server.facts.report_id}")


def _analysed(visitor: Visitor) -> int:
    """Sign in as the bloc's secretary and analyse the report consultation (once per site)."""
    report = visitor.server.facts.report_id
    visitor.sign_in("thuky.khoi")
    if not visitor.server.extra.get("analysed"):
        visitor.goto(f"/c/{report}/analysis")
        with visitor.page.expect_navigation(wait_until="load"):
            visitor.page.get_by_role("button", name="Phân tích").click()
        visitor.page.get_by_text("Hoàn thành").first.wait_for(timeout=180_000)
        visitor.server.extra["analysed"] = True
    return report


def analysis_themes(visitor: Visitor) -> None:
    visitor.goto(f"/c/{_analysed(visitor)}/analysis/themes")


def analysis_campaign(visitor: Visitor) -> None:
    visitor.goto(f"/c/{_analysed(visitor)}/analysis/campaigns")
    with visitor.page.expect_navigation(wait_until="load"):
        visitor.page.locator("ol.campaigns > li h2 a").first.click()


def dashboard(visitor: Visitor) -> None:
    visitor.goto(f"/c/{_analysed(visitor)}/dashboard")


# (file name, viewport, what to do before the screenshot)
SHOTS: list[tuple[str, dict[str, int], Callable[[Visitor], None]]] = [
    ("home.png", DESKTOP, home),
    ("reader-quote.png", DESKTOP, reader_with_quote),
    ("opinion-list-search.png", DESKTOP, opinion_list_search),
    ("moderation-queue.png", DESKTOP, moderation_queue),
    ("new-consultation.png", DESKTOP, new_consultation),
    ("reader-phone.png", PHONE, reader_on_a_phone),
    ("analysis-themes.png", DESKTOP, analysis_themes),
    ("analysis-campaign.png", DESKTOP, analysis_campaign),
    ("dashboard.png", DESKTOP, dashboard),
]


def make_screenshots(out: Path, server: LiveServer, browser: Any, scratch: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for name, viewport, prepare in SHOTS:
        context = browser.new_context(viewport=viewport, locale="vi-VN")
        try:
            visitor = Visitor(context.new_page(), server, scratch / name.removesuffix(".png"))
            prepare(visitor)
            time.sleep(0.3)  # let the caret blink settle and fonts finish
            path = out / name
            visitor.page.screenshot(path=str(path), full_page=False)
            made.append(path)
        finally:
            context.close()
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    problem = chromium_problem()
    if problem:
        print(f"cannot take screenshots: {problem}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        with live_server(scratch / "site") as server, launch_chromium() as browser:
            for path in make_screenshots(args.out, server, browser, scratch / "shots"):
                print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}"
                      f"  {path.stat().st_size // 1024} KiB")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
