"""What the events pages share: labels in the reader's language, type-ahead values, uploads,
names of people and organisations to show."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import Depends, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.accounts.models import Person
from ykien.config import Settings
from ykien.errors import UserError
from ykien.events.models import EventKind, RecommendationStatus
from ykien.opinions.models import OpinionKind
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.web.deps import MAX_ID
from ykien.web.flash import pop_flashes
from ykien.web.forms import FormValue, Problem, upload_name
from ykien.web.i18n import translator
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language

INPUT_FORMAT = "%d/%m/%Y %H:%M"
MAX_ORG_CHOICES = 2_000
_PICKED_ID = re.compile(r"\[#(\d{1,10})\]\s*$")


def kind_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        EventKind.SEMINAR: _("Seminar"),
        EventKind.CONFERENCE: _("Conference"),
        EventKind.DIALOGUE: _("Dialogue meeting"),
        EventKind.SUPERVISION: _("Supervision session"),
    }


def field_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        "title": _("Title"),
        "date": _("Date and time"),
        "place": _("Place"),
        "organiser": _("Organiser"),
        "person": _("Person"),
        "organisation": _("Organisation"),
        "draft": _("Draft discussed"),
        "opinion": _("Opinion"),
        "recommendation": _("Recommendation"),
        "commitment": _("Commitment"),
        "resolution": _("Resolution cited"),
    }


def recommendation_status_labels(_: Callable[..., str]) -> dict[str, str]:
    """A recommendation's statuses as a secretary says them (not a consultation's words)."""
    return {
        RecommendationStatus.OPEN: _("Not answered yet"),
        RecommendationStatus.IN_PROGRESS: _("Being handled"),
        RecommendationStatus.ANSWERED: _("Answered"),
        RecommendationStatus.CLOSED: _("Closed out"),
    }


def opinion_kind_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        OpinionKind.COMMENT: _("Comment"),
        OpinionKind.AMEND: _("Amend"),
        OpinionKind.ADD: _("Add"),
        OpinionKind.DELETE: _("Delete"),
        OpinionKind.AGREE: _("Agree"),
        OpinionKind.DISAGREE: _("Disagree"),
        OpinionKind.RECOMMENDATION: _("Recommendation"),
        OpinionKind.QUESTION: _("Question"),
    }


def labels(request: Request) -> dict[str, Any]:
    """The labels every events template uses, and the flashes."""
    _ = translator(request_language(request))
    return {
        "kind_labels": kind_labels(_),
        "field_labels": field_labels(_),
        "rec_labels": recommendation_status_labels(_),
        "flashes": pop_flashes(request),
    }


def as_id(value: str | None) -> int | None:
    """A chosen id from a form field; empty -> None; not an id -> UserError."""
    if value is None or not value.strip():
        return None
    try:
        number = int(value.strip())
    except ValueError:
        raise UserError(
            "id_invalid",
            f"Giá trị không hợp lệ: {value[:40]}.",
            f"Not a valid choice: {value[:40]}.",
        ) from None
    if not 1 <= number <= MAX_ID:
        raise UserError(
            "id_invalid", f"Giá trị không hợp lệ: {number}.", f"Not a valid choice: {number}."
        )
    return number


def picked(value: str) -> tuple[int | None, str]:
    """A type-ahead value "Nguyễn Văn A [#12]" -> (12, "Nguyễn Văn A"); free text -> (None, it)."""
    match = _PICKED_ID.search(value)
    if match is None:
        return None, value.strip()
    return int(match.group(1)), value[: match.start()].strip()


def all_orgs(db: Session) -> list[orgs.TreeRow]:
    return orgs.tree(session=db)[:MAX_ORG_CHOICES]


def local(moment: datetime | None, settings: Settings) -> str:
    return moment.astimezone(settings.tz).strftime(INPUT_FORMAT) if moment else ""


def read_upload(upload: UploadFile | None, settings: Settings) -> tuple[bytes | None, str]:
    """The uploaded file's bytes (one more than allowed at most) and name; (None, "") if none."""
    name = upload_name(upload)
    if upload is None or not name:
        return None, ""
    return upload.file.read(settings.max_upload_bytes + 1), name


def max_upload_mb(settings: Settings) -> int:
    return max(settings.max_upload_bytes // 1_000_000, 1)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _names(db: Session, ids: set[int | None], model: Any, column: Any) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {i: name for i, name in db.execute(select(model.id, column).where(model.id.in_(wanted)))}


def org_names(db: Session, ids: set[int | None]) -> dict[int, str]:
    return _names(db, ids, Organisation, Organisation.name)


def person_names(db: Session, ids: set[int | None]) -> dict[int, str]:
    return _names(db, ids, Person, Person.full_name)


def draw(
    request: Request, template: str, context: dict[str, Any], problem: Problem | None = None
) -> HTMLResponse:
    """An events page with the labels; `problem`: a refused form, shown with its status."""
    context = {**context, "error": problem.message if problem else None, **labels(request)}
    status_code = problem.status_code if problem else 200
    return render(request, template, context, status_code=status_code)


def field_text(form: dict[str, FormValue], name: str) -> str:
    """A single text field of the posted form ("" when absent; the last of repeated ones)."""
    value = form.get(name, "")
    return value[-1] if isinstance(value, list) else value


# What the events routes declare again and again: a form page's POST (CSRF checked, not in the
# API documentation), a page, and a JSON state change.
FORM_POST: dict[str, Any] = {
    "response_class": HTMLResponse,
    "include_in_schema": False,
    "dependencies": [Depends(verify_csrf)],
}
PAGE: dict[str, Any] = {"response_class": HTMLResponse, "include_in_schema": False}
API_POST: dict[str, Any] = {"tags": ["events"], "dependencies": [Depends(verify_csrf)]}
