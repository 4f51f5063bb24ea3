"""Jinja2 environment (autoescape on) and the page renderer every view uses."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from ykien.config import Settings
from ykien.drafts.diff import diff_pieces
from ykien.timefmt import format_date, format_datetime
from ykien.web.i18n import pick_language, translator
from ykien.web.security import CSRF_FIELD, csrf_token

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGE_COOKIE = "ykien_lang"

KIND_LABELS = {
    "comment": "Comment",
    "amend": "Amend",
    "add": "Add",
    "delete": "Delete",
    "agree": "Agree",
    "disagree": "Disagree",
    "recommendation": "Recommendation",
    "question": "Question",
}
CHANNEL_LABELS = {"online": "Online", "event": "Event", "written": "Written", "import": "Import"}
STATUS_LABELS = {
    "received": "Received",
    "published": "Published",
    "hidden": "Hidden",
    "merged": "Merged",
}

RUN_STATUS_LABELS = {
    "queued": "Queued",
    "running": "Running",
    "done": "Done",
    "failed": "Failed",
}
STAGE_LABELS = {
    "texts": "Reading, classifying and flagging opinions",
    "campaigns": "Finding duplicates and campaigns",
    "sections": "Proposing sections",
    "themes": "Grouping into themes",
}
PROPOSAL_STATUS_LABELS = {"proposed": "Proposed", "confirmed": "Confirmed", "rejected": "Undone"}
METHOD_LABELS = {"reference": "Named in the text", "retrieval": "Similar wording"}
FLAG_LABELS = {"offensive": "Offensive", "hate": "Hateful"}


def make_templates(settings: Settings) -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    templates = Jinja2Templates(env=env)
    env.filters["date"] = lambda value: format_date(value, settings.tz) if value else ""
    env.filters["datetime"] = lambda value: format_datetime(value, settings.tz) if value else ""
    env.filters["diff_pieces"] = diff_pieces
    env.globals["KIND_LABELS"] = KIND_LABELS
    env.globals["CHANNEL_LABELS"] = CHANNEL_LABELS
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    env.globals["RUN_STATUS_LABELS"] = RUN_STATUS_LABELS
    env.globals["STAGE_LABELS"] = STAGE_LABELS
    env.globals["PROPOSAL_STATUS_LABELS"] = PROPOSAL_STATUS_LABELS
    env.globals["METHOD_LABELS"] = METHOD_LABELS
    env.globals["FLAG_LABELS"] = FLAG_LABELS
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    return templates


def request_language(request: Request) -> str:
    """The language cookie if valid, else the signed-in account's, else the default."""
    settings: Settings = request.app.state.settings
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie:
        return pick_language(cookie, settings.default_language)
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        return pick_language(principal.language, settings.default_language)
    return settings.default_language


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page with the translator, CSRF token, principal and language in its context."""
    language = request_language(request)
    templates: Jinja2Templates = request.app.state.templates
    full = {
        "_": translator(language),
        "lang": language,
        "csrf_token": csrf_token(request),
        "principal": getattr(request.state, "principal", None),
        "now": datetime.now(),
        **(context or {}),
    }
    return templates.TemplateResponse(request, template, full, status_code=status_code)
