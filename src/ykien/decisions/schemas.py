"""The decisions API contract: input models (`*In`, also filled from the pages' forms) and the
output models of queues, decisions, publications, responses and traces."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from ykien.types import DbId

MAX_ID = 2_147_483_647
TARGET_PATTERN = "^(opinion|theme|campaign)$"


class SubcommitteeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    organisation: str
    level: int
    closed: bool = False  # closed: keeps its history, takes nothing new


class DecisionBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str
    outcome: str


class QueueItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    target_type: str
    target_id: int
    title: str
    opinion_count: int
    forwarded_in: bool
    decision: DecisionBrief | None


class ForwardOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    target_type: str
    target_id: int
    from_subcommittee_id: int
    to_subcommittee_id: int
    note: str
    forwarded_by_person_id: int | None
    forwarded_at: datetime


class QueueOut(BaseModel):
    subcommittee_id: int
    themes: list[QueueItemOut]
    campaigns: list[QueueItemOut]
    opinions: list[QueueItemOut]
    opinion_total: int
    trail: list[ForwardOut]


class SectionChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    section_id: int
    label: str
    version_number: int
    new_section_id: int | None
    new_label: str | None
    status: str | None = Field(description="same, changed, new or removed in the next version")
    diff: str


class DecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    consultation_id: int
    subcommittee_id: int
    target_type: str
    target_id: int
    outcome: str
    explanation: str
    new_wording: str | None
    status: str
    supersedes_id: int | None
    created_at: datetime
    approved_at: datetime | None
    published_at: datetime | None
    sections: list[SectionChangeOut]


class ForwardIn(BaseModel):
    target_type: str = Field(pattern=TARGET_PATTERN)
    target_id: DbId = Field(ge=1, le=MAX_ID)
    to_subcommittee_id: DbId | None = Field(default=None, description="None: up a level")
    note: str = Field(default="", max_length=10_000)


class DecisionIn(BaseModel):
    target_type: str = Field(pattern=TARGET_PATTERN)
    target_id: DbId = Field(ge=1, le=MAX_ID)
    outcome: str
    explanation: str = Field(max_length=100_000)
    new_wording: str | None = Field(default=None, max_length=100_000)
    section_ids: list[DbId] = Field(default_factory=list, max_length=1_000)
    supersedes_id: DbId | None = None


class PublishIn(BaseModel):
    decision_ids: list[DbId] = Field(min_length=1, max_length=1_000)


class PublicationOut(BaseModel):
    id: int
    decision_ids: list[int]
    notified_people: int


class SynthesisStepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    organisation: str
    level: int
    status: str
    revision: int
    date: datetime | None


class PublicDecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    outcome: str
    explanation: str
    new_wording: str | None
    published_at: datetime | None


class TraceOut(BaseModel):
    opinion_id: int
    campaign_id: int | None
    campaign_size: int | None
    theme_id: int | None
    theme_label: str | None
    syntheses: list[SynthesisStepOut]
    decision: PublicDecisionOut | None
    via: str | None


class ResponseOut(BaseModel):
    decision: PublicDecisionOut
    target_type: str
    title: str
    opinion_count: int
    sections: list[SectionChangeOut]


class LookupOut(BaseModel):
    receipt_code: str
    status: str
    section_label: str | None
    text: str | None
    submitted_at: datetime
    trace: TraceOut


class ResponsesOut(BaseModel):
    consultation_id: int
    responses: list[ResponseOut]
    lookup: LookupOut | None


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    text: str
    link: str
    created_at: datetime
    read: bool


class DecisionEditIn(BaseModel):
    """A draft decision changed on its page (the target stays)."""

    outcome: str = Field(max_length=20)
    explanation: str = Field(max_length=100_000)
    new_wording: str = Field(default="", max_length=100_000)
    section_ids: list[DbId] = Field(default_factory=list, max_length=1_000)


class PublishFormIn(BaseModel):
    """The publish form of the list and decision pages (none chosen is the service's refusal)."""

    decision_ids: list[DbId] = Field(default_factory=list, max_length=1_000)
    back: str = Field(default="list", pattern="^(list|decision)$")


class ForwardToIn(BaseModel):
    """The forward form's destination: "up" a level or a subcommittee id."""

    to: str = Field(pattern="^(up|[0-9]{1,10})$")
