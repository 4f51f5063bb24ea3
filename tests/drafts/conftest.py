"""Draft fixtures: the web fixtures, for test_routes."""

from tests.web.conftest import app_settings, client, login, web_world

__all__ = ["app_settings", "client", "login", "web_world"]
