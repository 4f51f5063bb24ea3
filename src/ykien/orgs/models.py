"""Organisation tree."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ykien.db.base import Base, UTCDateTime, utcnow


class OrgKind(StrEnum):
    PARTY_COMMITTEE = "party_committee"
    PARTY_CELL = "party_cell"
    TRADE_UNION = "trade_union"
    VETERANS = "veterans_association"
    YOUTH_UNION = "youth_union"
    WOMENS_UNION = "womens_union"
    AGENCY = "agency"
    PUBLIC = "public"
    OTHER = "other"


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (Index("ix_organisations_name_key", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    # name folded for matching (case, diacritics, tone placement, spacing)
    name_key: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32), default=OrgKind.OTHER)
    level: Mapped[int] = mapped_column(default=0)
    # the named tier (Settings.tiers: Trung ương, Tỉnh/Thành phố, ...); None = not set
    tier: Mapped[str | None] = mapped_column(String(100))
    # materialised path "/1/4/9/" so a subtree is one prefix query
    tree_path: Mapped[str] = mapped_column(String(1000), index=True, default="/")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id])
