"""The scenario uses the web fixtures: the app on a migrated database and its client."""

from __future__ import annotations

from tests.web.conftest import app_settings, client, login, web_world

__all__ = ["app_settings", "client", "login", "web_world"]
