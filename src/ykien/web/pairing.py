"""One read function, two presentations: a GET page and its JSON twin registered together.

    @page_and_json(router, "/c/{consultation_id}/themes",
                   "/api/v1/consultations/{consultation_id}/themes",
                   template="analysis/themes.html", tags=["analysis"])
    def themes(consultation: Consultation = Depends(ConsultationFor()), db: Db) -> ThemesOut:
        return ThemesOut.model_validate(...)

The JSON route answers the read function's schema; the page renders the template with that same
object as `data` (plus `extras(request, data)` when the page needs labels or choices) and the
flashes. Both take the same parameters and dependencies, so access is checked the same way.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from ykien.web.flash import pop_flashes
from ykien.web.templating import render

R = TypeVar("R", bound=Callable[..., Any])
Extras = Callable[[Request, Any], dict[str, Any]]


def resolved_signature(function: Callable[..., Any]) -> inspect.Signature:
    """The signature with its string annotations resolved in the function's own module."""
    hints = typing.get_type_hints(function, include_extras=True)
    signature = inspect.signature(function)
    parameters = [
        p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()
    ]
    return signature.replace(
        parameters=parameters, return_annotation=hints.get("return", signature.return_annotation)
    )


def page_and_json(
    router: APIRouter,
    page_path: str,
    api_path: str,
    *,
    template: str,
    tags: list[str | Enum],
    extras: Extras | None = None,
    summary: str | None = None,
) -> Callable[[R], R]:
    """Register `read` as GET `api_path` (JSON) and GET `page_path` (the template of its result)."""

    def register(read: R) -> R:
        signature = resolved_signature(read)
        model = signature.return_annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)) and (
            typing.get_origin(model) is not list
        ):
            raise TypeError(f"{read.__name__} must be annotated with the schema it returns")
        read.__signature__ = signature  # type: ignore[attr-defined]
        router.get(api_path, response_model=model, tags=tags, summary=summary)(read)

        def page(request: Request, **kwargs: Any) -> HTMLResponse:
            data = read(**kwargs)
            context = {"data": data, "flashes": pop_flashes(request)}
            if extras is not None:
                context.update(extras(request, data))
            return render(request, template, context)

        request_parameter = inspect.Parameter(
            "request", inspect.Parameter.KEYWORD_ONLY, annotation=Request
        )
        page.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[
                request_parameter,
                *(
                    p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
                    for p in signature.parameters.values()
                ),
            ],
            return_annotation=HTMLResponse,
        )
        page.__name__ = f"{read.__name__}_page"
        page.__doc__ = read.__doc__
        router.get(page_path, response_class=HTMLResponse, include_in_schema=False)(page)
        return read

    return register
