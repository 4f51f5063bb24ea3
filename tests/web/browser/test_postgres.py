"""The same browser stories on PostgreSQL, where search and counting run other SQL than SQLite."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.conftest import throwaway_pg_database
from tests.web.browser.conftest import needs_route
from tests.web.browser.support import LiveServer, Visitor, live_server
from tests.web.browser.test_opinions import moderation_story, search_story

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture(scope="module")
def pg_site(chromium_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo site on a throwaway PostgreSQL database (skipped, or failed in CI, without one)."""
    with (
        throwaway_pg_database() as url,
        live_server(tmp_path_factory.mktemp("browser-site-pg"), url) as site,
    ):
        yield site


@needs_route("/c/{id}/opinions")
def test_search_on_postgres_ignores_diacritics_and_highlights(
    visitor_factory: Callable[..., Visitor], pg_site: LiveServer
) -> None:
    search_story(visitor_factory(site=pg_site))


@needs_route("/c/{id}")
@needs_route("/c/{id}/moderation")
@needs_route("/me/opinions")
def test_hiding_with_a_reason_on_postgres(
    visitor_factory: Callable[..., Visitor], pg_site: LiveServer
) -> None:
    moderation_story(visitor_factory, pg_site)
