"""The consultations' API contract: the public list, the secretariat's list, creating one."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from ykien.types import DbId


class ConsultationOut(BaseModel):
    id: int
    title: str
    description: str
    status: str
    accepting: bool
    opens_at: datetime
    closes_at: datetime
    organiser: str
    draft_id: int
    draft_title: str
    draft_version_id: int
    draft_version: int
    section_count: int
    opinion_count: int
    allow_anonymous: bool
    opinions_public: bool


class ManagedOut(BaseModel):
    id: int
    title: str
    status: str
    opens_at: datetime
    closes_at: datetime
    organiser: str
    draft_title: str
    draft_version: int
    opinion_count: int
    can_manage: bool
    reader_url: str
    opinions_url: str
    moderation_url: str
    import_url: str | None
    analysis_url: str
    levels_url: str = Field(
        description="The links between levels: the owning level's draft, lower levels' collections"
    )
    draft_url: str | None = None  # the draft's versions (for its secretariat)


class ConsultationIn(BaseModel):
    title: str = Field(max_length=500)
    description: str = Field(default="", max_length=20_000)
    draft_version_id: DbId | None = Field(
        default=None, description="Required unless parent_id is given (then the parent's version)"
    )
    parent_id: DbId | None = Field(
        default=None,
        description="A lower level's collection on this consultation's draft (same version)",
    )
    organiser_id: DbId
    scope_organisation_ids: list[DbId] = Field(default_factory=list, max_length=2000)
    opens_at: str = Field(max_length=40, description="dd/mm/yyyy HH:MM (Vietnam time) or ISO 8601")
    closes_at: str = Field(max_length=40, description="dd/mm/yyyy HH:MM (Vietnam time) or ISO 8601")
    allow_anonymous: bool = False
    opinions_public: bool = True
    identity_required: bool = True
    count_spoken_only: bool = Field(
        default=True,
        description="whether opinions only spoken at meetings (channel event) count in syntheses",
    )
    publish: bool = False


class ConsultationCreatedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    description: str
    status: str
    draft_version_id: int
    parent_id: int | None
    organiser_id: int
    scope_organisation_ids: list[int]
    opens_at: datetime
    closes_at: datetime
    allow_anonymous: bool
    opinions_public: bool
    identity_required: bool
    count_spoken_only: bool


class DraftUploadOut(BaseModel):
    """A draft created from an uploaded file, with its version 1."""

    draft_id: int
    title: str
    kind: str
    organisation_id: int | None
    version_id: int
    version: int
    section_count: int


class SubcommitteeIn(BaseModel):
    """A subcommittee as created or edited: its organisation, the sections it handles (a part
    brings every section under it), its members and chair (the chair is a member)."""

    name: str = Field(max_length=300)
    organisation_id: DbId
    section_ids: list[DbId] = Field(default_factory=list, max_length=5000)
    member_ids: list[DbId] = Field(default_factory=list, max_length=200)
    chair_id: DbId | None = None


class SeatOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    person_id: int
    full_name: str
    chair: bool


class SubcommitteeDetailOut(BaseModel):
    id: int
    consultation_id: int
    name: str
    organisation_id: int
    organisation: str
    closed_at: datetime | None
    section_ids: list[int]
    members: list[SeatOut]
