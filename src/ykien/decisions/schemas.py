"""The decisions API contract: input models (`*In`, also filled from the pages' forms) and the
output models of queues, decisions, publications, responses and traces."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from ykien.types import DbId

MAX_ID = 2_147_483_647
TARGET_PATTERN = "^(opinion|theme|campaign)$"  # what a queue forwards within a consultation
# what a decision answers: also a synthesis item forwarded up from a lower level
DECISION_TARGET_PATTERN = "^(opinion|theme|campaign|item)$"


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
    forwarded: list[ForwardedItemOut] = Field(
        default_factory=list, description="Items forwarded up from lower levels' collections"
    )


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
    target_type: str = Field(pattern=DECISION_TARGET_PATTERN)
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


# --- across levels: child collections, forwarding a synthesis up, the receiving queue ---------


class LevelCountsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    direct: int = Field(description="Opinions given in this consultation (trực tiếp)")
    forwarded: int = Field(
        description="Opinions behind items forwarded up from lower levels "
        "(từ cấp dưới chuyển lên), each counted once and not already counted as direct"
    )
    total: int


class ForwardedItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    title: str
    summary: str
    organisation: str
    from_consultation_id: int
    from_consultation: str
    revision: int
    raw_count: int | None
    unique_count: int | None
    opinion_count: int
    forwarded_at: datetime
    decision: DecisionBrief | None


class ConsultationLinkOut(BaseModel):
    id: int
    title: str
    organiser: str
    url: str


class ChildOut(BaseModel):
    id: int
    title: str
    status: str
    organiser: str
    counts: LevelCountsOut
    forwarded_revision: int | None
    forwarded_at: datetime | None
    items_forwarded: int
    items_answered: int
    url: str


class LevelsOut(BaseModel):
    """A consultation between levels: the one whose draft it collects on, its lower levels'
    collections, and what it forwarded up with the owning level's answers."""

    consultation_id: int
    title: str
    counts: LevelCountsOut
    parent: ConsultationLinkOut | None
    children: list[ChildOut]
    sent: list[ForwardedItemOut]


class ChildConsultationIn(BaseModel):
    """A lower level's collection on this consultation's draft (the page form; the API is
    POST /api/v1/consultations with parent_id)."""

    title: str = Field(max_length=500)
    description: str = Field(default="", max_length=20_000)
    organiser_id: DbId | None = None
    opens_at: str = Field(default="", max_length=40)
    closes_at: str = Field(default="", max_length=40)
    allow_anonymous: bool = False
    opinions_public: bool = True
    identity_required: bool = True
    publish: bool = False


class RouteOut(BaseModel):
    item_id: int
    title: str
    subcommittee_ids: list[int]
    subcommittees: list[str]
    by_default: bool


class ForwardPlanOut(BaseModel):
    synthesis_id: int
    revision: int
    from_consultation_id: int
    to_consultation_id: int
    to_consultation: str
    already_forwarded: bool
    routes: list[RouteOut]


class ForwardUpOut(BaseModel):
    synthesis_id: int
    revision: int
    to_consultation_id: int
    already: bool = Field(description="This revision had been forwarded before: nothing changed")
    superseded: int = Field(description="Rows of an older revision superseded now")
    forwarded: int = Field(description="Routed entries (an item may go to two subcommittees)")


class BoardRowOut(BaseModel):
    """One lower-level collection of the organisation, in the standing board's forwarding."""

    consultation_id: int
    title: str
    to_consultation_id: int | None
    to_consultation: str | None
    synthesis_id: int | None
    revision: int | None
    items: int = Field(description="Items of the synthesis that would go up")
    ready: bool = Field(description="Signed and not yet with the owning level: goes up now")
    forwarded: bool = Field(description="This revision is already with the owning level")
    reason: str | None = Field(description="Why it cannot go up yet (no signed synthesis…)")


class BoardOut(BaseModel):
    organisation_id: int
    organisation: str
    rows: list[BoardRowOut]


class ForwardAllOut(BaseModel):
    forwarded: list[ForwardUpOut]


class OpinionOriginOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    text: str
    section_label: str | None
    kind: str
    channel: str
    event_id: int | None
    event_title: str | None
    organisation: str | None
    via: str | None
    receipt_code: str


class ForwardedDrillOut(BaseModel):
    item: ForwardedItemOut
    child_item_ids: list[int]
    opinions: list[OpinionOriginOut]
