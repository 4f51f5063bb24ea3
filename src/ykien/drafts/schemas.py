"""The drafts' API contract: a draft with its versions, and a version's sections."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class SectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    parent_id: int | None
    kind: str
    number: str
    label: str
    path: str
    heading: str
    text: str
    depth: int


class DraftVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: int
    title: str
    previous_version_id: int | None
    source_filename: str
    section_count: int
    imported_at: datetime


class DraftOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    kind: str
    organisation_id: int | None
    created_at: datetime
    versions: list[DraftVersionOut]


class VersionSummaryOut(DraftVersionOut):
    """A version with how many of its sections are same, changed, new or removed."""

    changes: dict[str, int]
    changes_url: str | None  # the page of its changes (not for version 1)


class DraftWorkspaceOut(BaseModel):
    """A draft as its secretariat works on it: the versions and where to upload the next."""

    id: int
    title: str
    kind: str
    organisation_id: int | None
    versions: list[VersionSummaryOut]
    upload_url: str
    max_upload_bytes: int


class DiffPieceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str  # same, removed, added, gap
    text: str


class SectionChangeOut(BaseModel):
    """One section of the previous version and its counterpart in this one."""

    status: str  # same, changed, moved, new, removed (see SectionChange)
    similarity: float
    old_section_id: int | None
    old_label: str | None
    new_section_id: int | None
    new_label: str | None
    diff: str  # the stored diff, as text
    pieces: list[DiffPieceOut]  # the diff to show: unchanged, removed and added runs


class VersionChangesOut(BaseModel):
    draft_id: int
    draft_title: str
    version: DraftVersionOut
    previous_version: int | None
    summary: dict[str, int]
    changes: list[SectionChangeOut]
