"""Recommendations' API contract: input models and the shapes answered."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, computed_field

from ykien.types import DbId


class RecommendationOut(BaseModel):
    id: int
    consultation_id: int
    event_id: int | None
    opinion_id: int | None
    text: str
    addressee_organisation_id: int | None
    responsible_person_id: int | None
    responsible_name: str | None
    due_on: date | None
    status: str
    answer: str | None
    answered_at: datetime | None
    raised_by_organisation_id: int | None
    notified_at: datetime | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return f"/recommendations/{self.id}"


class InboxOut(BaseModel):
    inbox: list[RecommendationOut]
    overdue: list[RecommendationOut]
    notifications: list[dict[str, Any]]


class RecommendationIn(BaseModel):
    text: str = Field(max_length=10_000)
    addressee_organisation_id: DbId | None = None
    responsible_person_id: DbId | None = None
    responsible_name: str | None = Field(default=None, max_length=200)
    due_on: date | None = None


class AnswerIn(BaseModel):
    answer: str = Field(max_length=20_000)


class StatusIn(BaseModel):
    status: str = Field(max_length=20, description="open, in_progress or closed")
