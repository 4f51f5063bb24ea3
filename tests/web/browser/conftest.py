"""Real-browser fixtures: the demo site served live, Debian's Chromium, a fresh page per test.

In CI (CI=true) a missing Chromium fails the browser tests; elsewhere they are skipped with the
command that installs it.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser.support import (
    ARTIFACTS,
    DESKTOP,
    IN_CI,
    LiveServer,
    Visitor,
    chromium_problem,
    has_route,
    launch_chromium,
    live_server,
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: real-browser test (Playwright + Debian Chromium)")


def needs_route(path: str) -> pytest.MarkDecorator:
    """Skip a test whose page is not built yet (no GET route of that shape in the app)."""
    return pytest.mark.skipif(not has_route(path), reason=f"no GET {path} route in the app yet")


@pytest.fixture(scope="session")
def chromium_ready() -> None:
    problem = chromium_problem()
    if problem is None:
        return
    if IN_CI:
        pytest.fail(f"browser tests must run in CI: {problem}", pytrace=False)
    pytest.skip(f"browser tests skipped: {problem}")


@pytest.fixture(scope="session")
def server(chromium_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo site (fresh SQLite file, migrated, demo data) on 127.0.0.1 for the whole run."""
    with live_server(tmp_path_factory.mktemp("browser-site")) as live:
        yield live


@pytest.fixture(scope="session")
def browser(chromium_ready: None) -> Iterator[Any]:
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def screenshots_root() -> Path:
    """test-artifacts/screenshots/: one folder per test, emptied when the test starts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")[:120]


@pytest.fixture
def visitor_factory(
    browser: Any, screenshots_root: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Visitor]]:
    """Make a Visitor in a fresh browser context (own cookies); several may exist per test.

    It visits the SQLite demo site (`server`) unless given another `site`.
    """
    contexts: list[Any] = []
    visitors: list[Visitor] = []
    test_folder = screenshots_root / _slug(request.node.name)
    shutil.rmtree(test_folder, ignore_errors=True)  # no stale shots from an earlier run

    def make(
        *, viewport: dict[str, int] | None = None, name: str = "", site: LiveServer | None = None
    ) -> Visitor:
        context = browser.new_context(viewport=viewport or DESKTOP, locale="vi-VN")
        # generous: a report read or a synthesis drafted on a loaded shared machine takes
        # seconds, and a navigation waits for it (failing is about behaviour, not speed)
        context.set_default_timeout(30_000)
        contexts.append(context)
        folder = test_folder
        if name or visitors:
            folder = folder / (name or f"visitor-{len(visitors) + 1}")
        visitor = Visitor(context.new_page(), site or request.getfixturevalue("server"), folder)
        visitors.append(visitor)
        return visitor

    yield make
    failed = getattr(request.node, "rep_call", None)
    for visitor in visitors:
        if failed is not None and failed.failed:
            # the page may be gone; the failure itself is what matters
            with contextlib.suppress(Exception):
                visitor.screenshot("at-failure")
    for context in contexts:
        context.close()
    errors = [error for visitor in visitors for error in visitor.errors]
    assert not errors, "the pages had broken scripts or assets:\n" + "\n".join(errors)


@pytest.fixture
def visitor(visitor_factory: Callable[..., Visitor]) -> Visitor:
    """A fresh browser context and page, 1280x800, Vietnamese by default."""
    return visitor_factory()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


@pytest.fixture
def page(visitor: Visitor) -> Any:
    """The Playwright page of the test's visitor (fresh context, 1280x800)."""
    return visitor.page
