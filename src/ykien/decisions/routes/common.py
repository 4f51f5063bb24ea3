"""What the decisions pages share: labels, the page query and the output builders."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from sqlalchemy.orm import Session

from ykien.decisions import service as decisions
from ykien.decisions.models import (
    CHANGE_LABELS,
    DECISION_STATUS_LABELS,
    OUTCOME_LABELS,
    SYNTHESIS_LABELS,
    TARGET_LABELS,
    VIA_LABELS,
    Decision,
    Outcome,
)
from ykien.decisions.schemas import DecisionOut, SectionChangeOut
from ykien.web.forms import FormValue

Page = Annotated[int, Query(ge=0, le=1_000_000)]
PAGE_SIZE = 50
TAGS: list[Any] = ["decisions"]


def labels() -> dict[str, Any]:
    return {
        "OUTCOME_LABELS": OUTCOME_LABELS,
        "DECISION_STATUS_LABELS": DECISION_STATUS_LABELS,
        "TARGET_LABELS": TARGET_LABELS,
        "CHANGE_LABELS": CHANGE_LABELS,
        "VIA_LABELS": VIA_LABELS,
        "SYNTHESIS_LABELS": SYNTHESIS_LABELS,
        "OUTCOMES": list(Outcome),
    }


def text_of(form: dict[str, FormValue], name: str) -> str:
    """A text field as typed ("" when absent)."""
    value = form.get(name, "")
    return value[-1] if isinstance(value, list) else value


def changes_out(changes: list[decisions.SectionChange]) -> list[SectionChangeOut]:
    return [SectionChangeOut.model_validate(change) for change in changes]


def decision_out(db: Session, decision: Decision) -> DecisionOut:
    """The decision as the API documents it, with its sections mapped onto the next version."""
    changes = decisions.section_changes(session=db, decision=decision)
    return DecisionOut.model_validate({**_fields(decision), "sections": changes_out(changes)})


def _fields(decision: Decision) -> dict[str, Any]:
    names = set(DecisionOut.model_fields) - {"sections"}
    return {name: getattr(decision, name) for name in names}
