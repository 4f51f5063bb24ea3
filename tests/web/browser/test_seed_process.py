"""The seed process in a real browser where a secretary works by hand: the joint seminar's fast
entry (a draft picked per line; a reference that does not resolve in the chosen draft is
flagged and nothing written) and forwarding the bloc's syntheses up (preview, confirmation).
The rest of the story goes through HTTP on the same fresh SQLite database, and every check of
the HTTP scenario holds afterwards. Screenshots of the forwarding page and of each
subcommittee's queue go to docs/screenshots/ (the README's "Across levels")."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import tests.scenarios.test_seed_process as seed
from tests.factories import World
from tests.scenarios.story import (
    Given,
    Http,
    Story,
    build_drafts,
    build_levels,
    create_seminar,
    decide_and_publish,
    online,
    syntheses,
)
from tests.web.browser.support import REPO, LiveServer, Visitor, _free_socket
from tests.web.conftest import PASSWORD, make_web_world
from ykien.app import create_app
from ykien.config import Settings
from ykien.db import migrate
from ykien.db.engine import make_engine
from ykien.opinions.models import Opinion

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS = REPO / "docs" / "screenshots"
# (draft collected on, section reference, speaker, credited organiser)
LINES = [
    ("bloc", "đ4", "Lê Thị Mai", "congdoan"),
    ("bloc-centre", "đ3", "Trần Văn Khách", "phunu"),
    ("bloc-city", "mục 3 phần II", "Đỗ Thu Hà", "doanthanhnien"),
    ("bloc-centre", "đ1", "Phạm Quang Huy", "congdoan"),
]
UNRESOLVED = ("bloc-city", "đ4", "Vũ Văn Sai", "phunu")  # the city's report has no Điều 4


@contextmanager
def story_site(data_dir: Path) -> Iterator[tuple[LiveServer, Engine, World, Settings]]:
    """A fresh SQLite database with the small world, served on a free loopback port."""
    import uvicorn

    url = f"sqlite:///{data_dir / 'scenario.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    world = make_web_world(engine)
    settings = Settings(
        environment="test", data_dir=data_dir, database_url=url, queue_url="memory://"
    )
    app = create_app(settings)
    sock = _free_socket()
    host, port = sock.getsockname()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the live server did not start"
        time.sleep(0.02)
    live = LiveServer(
        url=f"http://{host}:{port}", settings=settings, app=app, facts=None,  # type: ignore[arg-type]
        server=server, thread=thread,
    )  # fmt: skip
    try:
        yield live, engine, world, settings
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
        app.state.engine.dispose()
        engine.dispose()


def _doc_shot(visitor: Visitor, name: str) -> None:
    """The page into the test's artifacts; into docs/screenshots/<name>.png as well with
    YKIEN_UPDATE_SCREENSHOTS=1 (so a test run leaves the repository's files alone)."""
    visitor.screenshot(name)
    if os.environ.get("YKIEN_UPDATE_SCREENSHOTS") != "1":
        return
    page = visitor.page
    width, height = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    DOCS.mkdir(parents=True, exist_ok=True)
    clip = {"x": 0, "y": 0, "width": width, "height": min(height, 2400)}
    page.screenshot(path=str(DOCS / f"{name}.png"), full_page=True, clip=clip)


def _line(page: Any, story: Story, line: tuple[str, str, str, str], text: str) -> None:
    cons, ref, speaker, credit = line
    page.select_option("#consultation_id", str(story.cons[cons]))
    page.fill("#speaker", speaker)
    page.fill("#section", ref)
    page.select_option("#credit", str(story.org[credit]))
    page.fill("#text", text)
    page.press("#text", "Enter")


def fast_entry(visitor: Visitor, engine: Engine, story: Story) -> None:
    """The seminar's lines typed in the fast entry, each on the draft picked for it."""
    visitor.sign_in("thuky", PASSWORD)
    visitor.goto(f"/events/{story.event_id}/entry", shot="seminar-fast-entry")
    page = visitor.page
    for number, line in enumerate(LINES, start=1):
        text = f"Ý kiến tại tọa đàm liên tịch số {number}."
        _line(page, story, line, text)
        page.wait_for_selector(f"#entered li:has-text('{text}')")
    bad = "Ý kiến về Điều 4 ghi nhầm vào báo cáo của Thành phố."
    _line(page, story, UNRESOLVED, bad)
    page.wait_for_selector("#entry-error .error")
    visitor.screenshot("seminar-unresolved-line")
    assert "đ4" in page.inner_text("#entry-error")
    assert page.input_value("#text") == bad  # kept for the secretary to correct
    assert page.locator("#entered li").count() == len(LINES)
    with Session(engine) as session:
        rows = session.execute(
            select(Opinion.id, Opinion.text, Opinion.consultation_id, Opinion.section_id,
                   Opinion.on_behalf_of_id)
            .where(Opinion.event_id == story.event_id).order_by(Opinion.id)
        ).all()  # fmt: skip
    assert bad not in {row.text for row in rows}
    assert [(row.consultation_id, row.on_behalf_of_id) for row in rows] == [
        (story.cons[cons], story.org[credit]) for cons, _, _, credit in LINES
    ]
    for row, (cons, *_) in zip(rows, LINES, strict=True):
        assert row.section_id is not None
        draft = cons.split("-")[-1]
        story.given.append(
            Given(row.id, draft, row.consultation_id, row.section_id, {row.on_behalf_of_id}, None)
        )


def forward_in_the_browser(visitor: Visitor, story: Story) -> None:
    """Preview where each item goes, then confirm, for both child collections."""
    visitor.sign_in("thuky", PASSWORD)
    for cons, shot in (("bloc-centre", "forward-up"), ("bloc-city", "forward-up-city")):
        synthesis_id = story.bloc_syntheses[cons]
        visitor.goto(f"/syntheses/{synthesis_id}/forward-up")
        page = visitor.page
        table = page.inner_text("table.list")
        subs = [name for name, sub in story.subs.items() if f"bloc-{sub['draft']}" == cons]
        assert all(name in table for name in subs), table
        _doc_shot(visitor, shot)
        with page.expect_navigation(wait_until="load"):
            page.click(f"form[action='/syntheses/{synthesis_id}/forward-up'] button[type=submit]")
        assert page.url.endswith(f"/c/{story.cons[cons]}/levels"), page.url
        assert "đã được chuyển" in page.inner_text("main")


QUEUE_SHOTS = {
    "Tiểu ban Văn kiện TW": "queue-centre-documents",
    "Tiểu ban Tổ chức TW": "queue-centre-organisation",
    "Tiểu ban Văn kiện Thành phố": "queue-city",
    "Tiểu ban Văn kiện Khối": "queue-bloc",
}


def queue_shots(make: Callable[..., Visitor], site: LiveServer, story: Story) -> None:
    """Each subcommittee's queue as its chair sees it."""
    for name, sub in story.subs.items():
        chair = make(site=site, name=QUEUE_SHOTS[name])
        chair.sign_in(sub["chair"], PASSWORD)
        chair.goto(f"/subcommittees/{sub['id']}")
        assert name in chair.page.inner_text("main")
        _doc_shot(chair, QUEUE_SHOTS[name])


def test_the_seminar_and_the_forwarding_in_a_real_browser(
    visitor_factory: Callable[..., Visitor], tmp_path: Path
) -> None:
    with (
        story_site(tmp_path) as (site, engine, world, settings),
        TestClient(create_app(settings)) as client,
    ):
        http = Http(client)
        story = build_levels(http, engine, world)
        build_drafts(http, story)
        create_seminar(http, story)
        fast_entry(visitor_factory(site=site), engine, story)
        online(http, story)
        syntheses(http, story, forward=False)
        forward_in_the_browser(visitor_factory(site=site, name="forwarding"), story)
        queue_shots(visitor_factory, site, story)
        decide_and_publish(http, story)
        told = (http, story)
        seed.check_counts_at_every_organisation(told)
        seed.check_each_subcommittee_received_exactly_its_drafts_opinions(told)
        seed.check_each_participants_trace(told)
