"""The scenario uses the web fixtures (the app on a migrated database and its client); its
browser part lives with the other browser tests (tests/web/browser/test_seed_process.py), which
share one Chromium for the whole run."""

from __future__ import annotations

from tests.web.conftest import app_settings, client, login, web_world

__all__ = ["app_settings", "client", "login", "web_world"]
