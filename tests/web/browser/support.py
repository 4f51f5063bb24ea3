"""The pieces of the real-browser tests, shared by conftest.py and make_screenshots.py.

- LiveServer: the app on a fresh SQLite file with the demo data, served by uvicorn on a free
  loopback port in a background thread.
- launch_chromium: Debian's Chromium driven by Playwright (no downloaded browser build).
- Visitor: a page with helpers to visit a path, sign in through the login form, take a
  screenshot and run axe-core.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ykien.config import Settings
from ykien.demo.build import REGULATION_TITLE, REPORT_TITLE

REPO = Path(__file__).resolve().parents[3]
CHROMIUM = Path(os.environ.get("YKIEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = REPO / "tests" / "web" / "assets" / "axe-4.14.1.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MAX_SHOT_HEIGHT = 2400
DEMO_PASSWORD = "ykien-demo-2025"
DEMO_SEED = 2025
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def chromium_problem() -> str | None:
    """None when a browser test can run here, else what is missing (with the fix)."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return (
            f"{CHROMIUM} is missing: run `bash scripts/system-deps.sh` as root (it installs "
            "Debian's chromium and fonts-noto-core), or set YKIEN_CHROMIUM"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is missing: pip install -e '.[test]'"
    return None


# --- routes ------------------------------------------------------------------------------------


def _shape(path: str) -> str:
    """A route path with its parameter names erased: /c/{id} and /c/{consultation_id} match."""
    return re.sub(r"\{[^}]*\}", "{}", path)


@lru_cache(maxsize=1)
def app_get_routes() -> frozenset[str]:
    """The shapes of the app's GET routes (the app is built but never connects)."""
    import tempfile

    from ykien.app import create_app

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            environment="test", data_dir=Path(folder), database_url="sqlite:///:memory:"
        )
        app = create_app(settings)
        shapes = {
            _shape(path) for path, methods in _walk_routes(app.routes, "") if "GET" in methods
        }
        app.state.engine.dispose()
    return frozenset(shapes)


def _walk_routes(routes: Any, prefix: str) -> Iterator[tuple[str, set[str]]]:
    """(path, methods) of every route, also inside included routers (FastAPI wraps them)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:  # FastAPI >= 0.16x keeps included routers as one entry
            context = getattr(route, "include_context", None)
            yield from _walk_routes(included.routes, prefix + getattr(context, "prefix", ""))
        elif hasattr(route, "path"):
            yield prefix + route.path, set(getattr(route, "methods", None) or ())


def has_route(path: str) -> bool:
    """True if the app answers GET on a path of this shape ('/c/{id}/opinions')."""
    return _shape(path) in app_get_routes()


# --- the live server ---------------------------------------------------------------------------


@dataclass
class DemoFacts:
    """Ids the tests need from the demo database."""

    report_id: int  # the consultation on the political report
    regulation_id: int  # the consultation on the regulation
    report_section_id: int  # a section of the report with a long enough text
    report_section_text: str
    moderated_id: int  # a consultation whose opinions wait for the secretariat (not public)
    moderated_section_id: int


@dataclass
class LiveServer:
    url: str
    settings: Settings
    app: Any
    facts: DemoFacts
    server: Any = None
    thread: threading.Thread | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def session(self) -> Any:
        """A database session on the server's database (for checks and seeding)."""
        return self.app.state.session_factory()


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


MODERATED_TITLE = "Lấy ý kiến nội bộ về dự thảo Quy chế (thư ký xem trước khi công bố)"
# opinions waiting in the moderation queue of the consultation above: (author, section index, text)
MODERATED_OPINIONS = [
    (
        "Nguyễn Doãn Hoàn",
        3,
        "Đề nghị ghi rõ thời hạn thư ký tổng hợp phải trả lời ý kiến của đảng viên.",
    ),
    (
        "Bùi Thị Ngọc Lan",
        5,
        "Nên bổ sung hình thức góp ý qua hội nghị trực tuyến cho các chi bộ ở xa.",
    ),
    (
        "Ngô Quang Vinh",
        8,
        "Quy định về ý kiến ẩn danh cần thống nhất với quy chế bảo vệ bí mật nhà nước.",
    ),
    ("Đặng Văn Hải", 12, "Đề nghị bỏ cụm từ “nếu thấy cần thiết” vì dễ hiểu theo nhiều cách."),
    ("Nguyễn Doãn Hoàn", 15, "Cần quy định Đảng uỷ Khối công khai báo cáo tiếp thu, giải trình."),
    ("Bùi Thị Ngọc Lan", 2, "Mời đăng ký khoá học luyện thi chứng chỉ tin học, giảm 50% học phí."),
]
# the last of them is already hidden, with this reason
MODERATED_HIDDEN_REASON = "Nội dung quảng cáo, không liên quan đến dự thảo"


def _demo_consultation(session: Any, draft_title: str) -> Any:
    """The bloc's own consultation on the demo draft of that title (not a child collection)."""
    from sqlalchemy import select

    from ykien.consultations.models import Consultation
    from ykien.drafts.models import Draft, DraftVersion

    return session.execute(
        select(Consultation)
        .join(DraftVersion, DraftVersion.id == Consultation.draft_version_id)
        .join(Draft, Draft.id == DraftVersion.draft_id)
        .where(Draft.title == draft_title, Consultation.parent_id.is_(None))
        .order_by(Consultation.id)  # before the moderated one added on the same draft
        .limit(1)
    ).scalar_one()


def _add_moderated_consultation(session_factory: Any) -> None:
    """A third consultation, not public: its opinions wait in the moderation queue."""
    from datetime import timedelta

    from sqlalchemy import select

    from ykien.accounts.models import Person
    from ykien.consultations import service as consultations
    from ykien.db.base import utcnow
    from ykien.db.engine import unit_of_work
    from ykien.drafts.models import Section
    from ykien.opinions import service as opinions

    now = utcnow()
    with unit_of_work(session_factory) as session:
        regulation = _demo_consultation(session, REGULATION_TITLE)
        moderated = consultations.create(
            session=session,
            title=MODERATED_TITLE,
            draft_version_id=regulation.draft_version_id,
            organiser_id=regulation.organiser_id,
            opens_at=now - timedelta(days=2),
            closes_at=now + timedelta(days=20),
            allow_anonymous=False,
            opinions_public=False,
        )
        consultations.open_(session=session, consultation_id=moderated.id)
        sections = list(
            session.execute(
                select(Section)
                .where(Section.version_id == regulation.draft_version_id)
                .order_by(Section.position)
            ).scalars()
        )
        submitted = None
        for minutes, (author, index, text) in enumerate(MODERATED_OPINIONS):
            person = session.execute(
                select(Person).where(Person.full_name == author).order_by(Person.id).limit(1)
            ).scalar_one()
            submitted = opinions.submit(
                session=session,
                consultation_id=moderated.id,
                text=text,
                section_id=sections[index].id,
                author_person_id=person.id,
                now=now - timedelta(hours=5, minutes=-minutes * 7),
            )
        assert submitted is not None
        opinions.hide(
            session=session, opinion_id=submitted.opinion.id, reason=MODERATED_HIDDEN_REASON
        )


def _demo_facts(session_factory: Any) -> DemoFacts:
    from sqlalchemy import func, select

    from ykien.consultations.models import Consultation
    from ykien.drafts.models import Section

    with session_factory() as session:
        report = _demo_consultation(session, REPORT_TITLE)
        regulation = _demo_consultation(session, REGULATION_TITLE)
        moderated = session.execute(
            select(Consultation).where(Consultation.title == MODERATED_TITLE)
        ).scalar_one()
        section = session.execute(
            select(Section)
            .where(
                Section.version_id == report.draft_version_id,
                func.length(Section.text) > 120,
            )
            .order_by(Section.position)
            .limit(1)
        ).scalar_one()
        return DemoFacts(
            report_id=report.id,
            regulation_id=regulation.id,
            report_section_id=section.id,
            report_section_text=section.text,
            moderated_id=moderated.id,
            moderated_section_id=session.execute(
                select(Section.id)
                .where(Section.version_id == moderated.draft_version_id, Section.text != "")
                .order_by(Section.position)
                .limit(1)
            ).scalar_one(),
        )


@contextmanager
def live_server(data_dir: Path, database_url: str | None = None) -> Iterator[LiveServer]:
    """Migrate a database, fill it with the demo, serve the app on 127.0.0.1; stop at the end."""
    import uvicorn
    from rich.console import Console

    from ykien.app import create_app
    from ykien.db import migrate
    from ykien.db.engine import make_engine, make_session_factory
    from ykien.demo.build import build_demo

    data_dir.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{data_dir / 'browser.sqlite3'}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        session_factory = make_session_factory(engine)
        build_demo(session_factory, seed=DEMO_SEED, console=Console(quiet=True))
        _add_moderated_consultation(session_factory)
    finally:
        engine.dispose()
    settings = Settings(environment="test", data_dir=data_dir, database_url=url)
    app = create_app(settings)
    facts = _demo_facts(app.state.session_factory)
    sock = _free_socket()
    host, port = sock.getsockname()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="ykien-live-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    live = LiveServer(
        url=f"http://{host}:{port}", settings=settings, app=app, facts=facts, server=server,
        thread=thread,
    )  # fmt: skip
    try:
        yield live
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
        app.state.engine.dispose()


# --- the browser -------------------------------------------------------------------------------


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class AxeViolations(AssertionError):
    pass


def format_violations(violations: list[dict[str, Any]]) -> str:
    """Readable lines: rule, impact, what it means, and each offending element."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation.get('help')} "
            f"[{violation.get('helpUrl', '')}]"
        )
        for node in violation.get("nodes", [])[:10]:
            target = " ".join(json.dumps(t, ensure_ascii=False) for t in node.get("target", []))
            html = re.sub(r"\s+", " ", node.get("html", ""))[:200]
            lines.append(f"    at {target}: {html}")
            summary = re.sub(r"\s+", " ", node.get("failureSummary") or "")[:300]
            if summary:
                lines.append(f"      {summary}")
        if len(violation.get("nodes", [])) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


class Visitor:
    """One browser page on the live server, with the helpers the tests use."""

    def __init__(self, page: Any, server: LiveServer, shots: Path) -> None:
        self.page = page
        self.server = server
        self.shots = shots
        self.taken = 0
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        page.on("response", self._check_asset)

    def _check_asset(self, response: Any) -> None:
        """A stylesheet, script or image the page links to must load."""
        kind = response.request.resource_type
        if kind in ("stylesheet", "script", "image", "font") and response.status >= 400:
            self.errors.append(f"{response.url} answered HTTP {response.status}")

    def url(self, path: str) -> str:
        return self.server.url + path

    def goto(self, path: str, *, shot: str | None = None, expect_status: int | None = 200) -> Any:
        """Open path; check the HTTP status; screenshot the page (named after shot or path)."""
        response = self.page.goto(self.url(path), wait_until="load")
        if expect_status is not None:
            assert response is not None, f"no response for {path}"
            assert response.status == expect_status, (
                f"GET {path}: HTTP {response.status}, expected {expect_status}\n"
                f"{self.page.inner_text('body')[:1500]}"
            )
        self.screenshot(shot or path)
        return response

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        """Save a PNG of the page under the test's screenshot folder.

        A full-page shot stops at MAX_SHOT_HEIGHT pixels: the reader of a 90-section draft is
        tens of thousands of pixels tall, and its top says what the shot is for.
        """
        self.taken += 1
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "page"
        path = self.shots / f"{self.taken:02d}-{slug[:80]}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not full_page:
            self.page.screenshot(path=str(path))
            return path
        width, height = self.page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        clip = {"x": 0, "y": 0, "width": width, "height": min(height, MAX_SHOT_HEIGHT)}
        self.page.screenshot(path=str(path), full_page=True, clip=clip)
        return path

    def sign_in(self, username: str, password: str = DEMO_PASSWORD, *, next: str = "/") -> None:
        """Sign in through the login form, like a person would."""
        self.goto(f"/login?next={next}", shot=f"login-as-{username}")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        with self.page.expect_navigation(wait_until="load"):
            self.page.click("main form button[type=submit]")
        path = self.page.url.removeprefix(self.server.url)
        assert not path.startswith("/login"), (
            f"sign-in as {username} failed: {self.page.inner_text('main')[:500]}"
        )

    def sign_out(self) -> None:
        with self.page.expect_navigation(wait_until="load"):
            self.page.click("header form[action='/logout'] button")

    def use_language(self, language: str) -> None:
        """Set the language cookie directly (the switch itself is tested on its own)."""
        self.page.context.add_cookies(
            [{"name": "ykien_lang", "value": language, "url": self.server.url}]
        )

    def axe_violations(self) -> list[dict[str, Any]]:
        """All axe-core WCAG 2.0/2.1 A and AA violations on the current page."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # evaluated through the devtools protocol: the page's CSP forbids inline scripts,
            # and a <script> tag of ours would be one
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                   resultTypes: ['violations']});
                return r.violations;
            }""",
            AXE_TAGS,
        )
        return list(result)

    def assert_accessible(self, what: str) -> None:
        """No serious or critical WCAG 2.1 AA violation on the current page."""
        blocking = [v for v in self.axe_violations() if v.get("impact") in BLOCKING_IMPACTS]
        if blocking:
            raise AxeViolations(
                f"axe-core found {len(blocking)} serious/critical WCAG 2.1 AA violation(s) on "
                f"{what} ({self.page.url}):\n{format_violations(blocking)}"
            )
