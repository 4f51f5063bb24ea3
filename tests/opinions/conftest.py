"""The web fixtures (the app on the small world, signed-in clients) for this domain's route tests."""

from tests.web.conftest import app_settings, client, login, web_world

__all__ = ["app_settings", "client", "login", "web_world"]
