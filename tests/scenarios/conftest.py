"""The scenario uses the web fixtures (the app on a migrated database and its client) and, for
its browser part, the browser fixtures (Debian's Chromium; CI fails without it)."""

from __future__ import annotations

from tests.web.browser.conftest import browser, chromium_ready, screenshots_root, visitor_factory
from tests.web.conftest import app_settings, client, login, web_world

__all__ = [
    "app_settings",
    "browser",
    "chromium_ready",
    "client",
    "login",
    "screenshots_root",
    "visitor_factory",
    "web_world",
]
