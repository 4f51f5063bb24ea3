"""The accounts API contract: tokens, the signed-in account, members, roles and invitations."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from ykien.accounts.models import Role
from ykien.types import DbId

MAX_ID = 2_147_483_647


class TokenRequest(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)
    name: str = Field(default="API", max_length=100)


class TokenOut(BaseModel):
    id: int
    token: str


class MeOut(BaseModel):
    account_id: int
    person_id: int
    username: str
    full_name: str
    language: str
    roles: dict[str, list[str]]


class MemberRoleOut(BaseModel):
    membership_id: int
    role: str


class MemberOut(BaseModel):
    person_id: int
    full_name: str
    title: str | None
    email: str | None
    username: str | None
    home: bool
    roles: list[MemberRoleOut]


class RoleIn(BaseModel):
    person_id: DbId = Field(ge=1, le=MAX_ID)
    role: str = Field(max_length=32)


class MembershipOut(BaseModel):
    id: int
    person_id: int
    organisation_id: int
    role: str


class InvitationIn(BaseModel):
    full_name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=254)
    role: str = Field(default=Role.PARTICIPANT.value, max_length=32)


class InvitationOut(BaseModel):
    id: int
    organisation_id: int
    full_name: str
    role: str
    expires_at: datetime
    token: str = Field(description="Shown only now; it cannot be retrieved later.")
    url: str


class InvitationInfoOut(BaseModel):
    full_name: str
    organisation_id: int
    organisation: str
    role: str
    expires_at: datetime


class AcceptIn(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)


class AcceptedOut(BaseModel):
    account_id: int
    person_id: int
    username: str
