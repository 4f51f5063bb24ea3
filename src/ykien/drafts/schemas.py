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
