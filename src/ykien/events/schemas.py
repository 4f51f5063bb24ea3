"""Events' API contract: the event input model (one for the page and the API, create and
edit), the fast-entry opinion, and the shapes answered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from ykien.events.models import EventKind
from ykien.events.recommendations.schemas import RecommendationOut
from ykien.opinions.models import OpinionKind
from ykien.types import DbId


class AttendeeIn(BaseModel):
    name: str = Field(default="", max_length=200)
    title: str | None = Field(default=None, max_length=300)
    person_id: DbId | None = None
    organisation_id: DbId | None = None
    organisation_name: str | None = Field(default=None, max_length=300)


class EventIn(BaseModel):
    """An event as recorded or edited, from the JSON API or from the event form."""

    title: str = Field(max_length=500)
    kind: str = Field(default=EventKind.SEMINAR.value, max_length=20)
    starts_at: str = Field(max_length=40, description="dd/mm/yyyy HH:MM (Vietnam time) or ISO")
    place: str = Field(default="", max_length=500)
    chair_person_id: DbId | None = None
    chair_name: str | None = Field(default=None, max_length=200)
    chair_title: str | None = Field(default=None, max_length=300)
    agenda: str = Field(default="", max_length=20_000)
    minutes: str = Field(default="", max_length=2_000_000)
    organiser_ids: list[DbId] = Field(default_factory=list, max_length=200)
    attendees: list[AttendeeIn] = Field(default_factory=list, max_length=2_000)
    topic_draft_ids: list[DbId] = Field(default_factory=list, max_length=50)
    consultation_ids: list[DbId] | None = Field(
        default=None,
        max_length=50,
        description="the other consultations (drafts) the event collects opinions for; "
        "its own is always one; omitted on edit: unchanged",
    )


class EventOpinionIn(BaseModel):
    text: str = Field(max_length=100_000)
    kind: str = Field(default=OpinionKind.COMMENT.value, max_length=20)
    speaker_person_id: DbId | None = None
    speaker_name: str | None = Field(default=None, max_length=200)
    section_id: DbId | None = None
    section_ref: str | None = Field(default=None, max_length=200, description='"đ5", "k2 đ5"')
    proposed_wording: str | None = Field(default=None, max_length=100_000)
    idempotency_key: str | None = Field(default=None, max_length=200)
    consultation_id: DbId | None = Field(
        default=None, description="one the event collects for; default: the event's own"
    )
    credited_organisation_id: DbId | None = Field(
        default=None,
        description="the organisation the opinion counts for: the speaker's or an organiser; "
        "default: the speaker's, else the first organiser",
    )


class AttendeeOut(BaseModel):
    name: str
    title: str | None
    person_id: int | None
    organisation_id: int | None
    organisation_name: str | None


class EventOpinionOut(BaseModel):
    id: int
    consultation_id: int
    text: str
    kind: str
    section_id: int | None
    author_person_id: int | None
    author_name: str | None
    on_behalf_of_id: int | None
    receipt_code: str


class EventOut(BaseModel):
    id: int
    consultation_id: int
    title: str
    kind: str
    status: str
    starts_at: datetime
    place: str
    organisers: list[str]
    opinion_count: int
    recommendation_count: int
    url: str


class EventDetailOut(BaseModel):
    id: int
    consultation_id: int
    title: str
    kind: str
    status: str
    starts_at: datetime
    place: str
    chair_name: str | None
    chair_title: str | None
    agenda: str
    minutes: str
    minutes_filename: str | None
    organisers: list[dict[str, Any]]
    consultations: list[dict[str, Any]]
    attendees: list[AttendeeOut]
    topics: list[dict[str, Any]]
    opinions: list[EventOpinionOut]
    recommendations: list[RecommendationOut]
    earlier_open_recommendations: list[RecommendationOut]


class CreditIn(BaseModel):
    """Credit every opinion of the event that counts for no organisation to this one."""

    organisation_id: DbId


class OpinionCreditIn(BaseModel):
    """The organisation one opinion of the event counts for; none: its author's own."""

    organisation_id: DbId | None = None


class CreditOut(BaseModel):
    credited: int


class PersonChoiceOut(BaseModel):
    id: int
    full_name: str
    title: str | None
    organisation: str | None
    value: str


class SectionChoiceOut(BaseModel):
    id: int
    label: str
    heading: str
    value: str
