"""The organisations API contract: what a client sends and what it gets back."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ykien.orgs.models import OrgKind
from ykien.types import DbId


class OrganisationIn(BaseModel):
    """A new organisation under a parent the caller administers; no parent (a root): instance
    admins only."""

    name: str = Field(max_length=300)
    short_name: str | None = Field(default=None, max_length=100)
    kind: str = Field(default=OrgKind.OTHER.value, max_length=32)
    tier: str | None = Field(default=None, max_length=100)
    parent_id: DbId | None = Field(default=None, ge=1, le=2_147_483_647)


class OrganisationEditIn(BaseModel):
    """New name, short name, kind and tier of an organisation (its place: `MoveIn`)."""

    name: str = Field(max_length=300)
    short_name: str | None = Field(default=None, max_length=100)
    kind: str = Field(default=OrgKind.OTHER.value, max_length=32)
    tier: str | None = Field(default=None, max_length=100)


class MoveIn(BaseModel):
    """The new parent of an organisation; none: it becomes a root (instance admins only)."""

    parent_id: DbId | None = Field(default=None, ge=1, le=2_147_483_647)


class OrganisationOut(BaseModel):
    id: int
    parent_id: int | None
    name: str
    short_name: str | None
    kind: str
    tier: str | None
    level: int
