"""Synthesis fixtures: the web app and signed-in clients of tests/web (for the route tests)."""

from __future__ import annotations

from tests.web.conftest import app_settings, client, login, web_world

__all__ = ["app_settings", "client", "login", "web_world"]
