"""What the synthesis pages share: the status labels and the query types."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from ykien.synthesis.models import SynthesisStatus
from ykien.web.deps import MAX_ID
from ykien.web.forms import FormValue

Page = Annotated[int, Query(ge=0, le=1_000_000)]
OrgQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
TAGS: list[Any] = ["syntheses"]

STATUS_LABELS = {
    SynthesisStatus.DRAFT: "Being drafted",
    SynthesisStatus.SIGNED_OFF: "Signed off",
    SynthesisStatus.SUBMITTED: "Submitted to the level above",
}


def labels() -> dict[str, Any]:
    return {"synthesis_labels": STATUS_LABELS}


def text_of(form: dict[str, FormValue], name: str) -> str:
    """A text field as typed ("" when absent): kept as it is, unlike an optional model field."""
    value = form.get(name, "")
    return value[-1] if isinstance(value, list) else value
