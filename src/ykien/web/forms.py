"""Browser forms: the same input model as the JSON API, filled from form fields, and the one way
a form page answers a bad input (roll back, draw the form again with what was typed).

    @router.post("/x", dependencies=[Depends(verify_csrf)])
    def create_x_page(request: Request, form: FormFields, db: Tx, ...) -> Response:
        with redraw_on_error(request, db, lambda problem: x_page(request, db, form, problem)):
            x = create_x(db, principal, parse_form(XIn, form))
        add_flash(request, ...)
        return see_other(f"/x/{x.id}")
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from ykien.config import Settings
from ykien.errors import UserError
from ykien.timefmt import parse_datetime
from ykien.web.templating import request_language

M = TypeVar("M", bound=BaseModel)
MAX_FORM_VALUES = 5_000  # more repeated fields than any real form has


class Redraw(Exception):
    """Answer with `response` (the form drawn again) after the transaction was rolled back."""

    def __init__(self, response: Response) -> None:
        super().__init__("redraw")
        self.response = response


@dataclass(frozen=True)
class Problem:
    """A refused input as a form page shows it: the message in the reader's language."""

    message: str
    status_code: int
    code: str
    error: UserError | None = None  # the refusal itself, for what it carries beyond its message


@contextmanager
def redraw_on_error(
    request: Request, db: Session, redraw: Callable[[Problem], Response]
) -> Iterator[None]:
    """Run a form's action; on a `UserError` roll back and answer `redraw(problem)` instead."""
    try:
        yield
    except UserError as error:
        db.rollback()
        language = request_language(request)
        problem = Problem(error.message(language), error.status_code, error.code, error)
        raise Redraw(redraw(problem)) from error


def see_other(path: str) -> RedirectResponse:
    """After a state change: go on to `path` with GET (303)."""
    return RedirectResponse(path, status_code=303)


FormValue = str | list[str]


async def form_fields(request: Request) -> dict[str, FormValue]:
    """The submitted form's text fields (repeated names as lists; files are left out)."""
    form = await request.form()
    fields: dict[str, FormValue] = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            continue
        previous = fields.get(name)
        if previous is None:
            fields[name] = value
        elif isinstance(previous, list):
            if len(previous) < MAX_FORM_VALUES:
                previous.append(value)
        else:
            fields[name] = [previous, value]
    return fields


FormFields = Annotated[dict[str, FormValue], Depends(form_fields)]


def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_list(arg) for arg in typing.get_args(annotation))
    return False


def _accepts_none(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(
        None
    ) in typing.get_args(annotation)


def form_input(model: type[M], fields: dict[str, FormValue]) -> dict[str, Any]:
    """The model's fields taken from the form: lists where the model wants lists, an empty
    optional field as None, an unchecked checkbox as false."""
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        raw = fields.get(key)
        if _is_list(info.annotation):
            values = raw if isinstance(raw, list) else ([] if raw is None else [raw])
            data[name] = [v for v in values if v.strip()]
            continue
        value = raw[-1] if isinstance(raw, list) else raw
        if info.annotation is bool:
            data[name] = value is not None and value not in ("", "0", "false", "off")
        elif value is None:
            continue
        elif value.strip() == "" and _accepts_none(info.annotation):
            data[name] = None
        else:
            data[name] = value
    return data


def parse_form(model: type[M], fields: dict[str, FormValue], **extra: Any) -> M:
    """Validate a form into `model` (the JSON API's input); a bad field is a 422 `UserError`."""
    try:
        return model.model_validate({**form_input(model, fields), **extra})
    except ValidationError as error:
        raise InvalidForm(error) from None


class InvalidForm(UserError):
    """A form field the input model refuses, named in the message."""

    status_code = 422

    def __init__(self, error: ValidationError) -> None:
        names = ", ".join(
            sorted({str(e["loc"][0]) for e in error.errors(include_url=False) if e["loc"]})
        )
        super().__init__(
            "invalid_form",
            f"Thông tin chưa hợp lệ ở trường: {names}. Hãy kiểm tra và gửi lại.",
            f"Some fields are not valid: {names}. Check them and send again.",
        )


def clean_filename(name: str) -> str:
    """A file name without its folders, at most 300 characters."""
    return PurePath(name.replace("\\", "/")).name[:300]


def upload_name(upload: UploadFile | None) -> str:
    """The uploaded file's own name (no folders), or "" when no file was chosen."""
    if upload is None or not upload.filename:
        return ""
    return clean_filename(upload.filename)


def parse_moment(value: str, settings: Settings, *, what_vi: str, what_en: str) -> datetime:
    """A date and time typed as dd/mm/yyyy HH:MM (Vietnam time) or as the browser's
    datetime-local (yyyy-mm-ddTHH:MM)."""
    value = value.strip()
    if not value:
        raise UserError(
            "datetime_missing",
            f"Hãy nhập {what_vi} (dd/mm/yyyy HH:MM).",
            f"Enter the {what_en} (dd/mm/yyyy HH:MM).",
        )
    try:
        return parse_datetime(value, settings.tz)
    except (ValueError, OverflowError):
        raise UserError(
            "datetime_invalid",
            f"{what_vi[0].upper()}{what_vi[1:]} không hợp lệ: “{value}” (cần dd/mm/yyyy HH:MM).",
            f"The {what_en} is not valid: “{value}” (expected dd/mm/yyyy HH:MM).",
        ) from None
