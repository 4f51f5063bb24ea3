"""Checks shared by the events services: trimmed and bounded text, the event kind, digests,
today's date in Vietnam."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from ykien import text as vt
from ykien.db.base import utcnow
from ykien.errors import UserError
from ykien.events.models import EventKind
from ykien.timefmt import VN_TZ


def checked(value: str | None, *, limit: int, field_vi: str, field_en: str) -> str:
    """NFC, control characters stripped, spaces trimmed, at most `limit` characters."""
    cleaned = vt.clean(value or "").strip()
    if len(cleaned) > limit:
        raise UserError(
            "too_long",
            f"{field_vi} dài quá {limit:,} ký tự.".replace(",", "."),
            f"{field_en} is longer than {limit:,} characters.",
        )
    return cleaned


def required(value: str | None, *, limit: int, field_vi: str, field_en: str) -> str:
    cleaned = checked(value, limit=limit, field_vi=field_vi, field_en=field_en)
    if not cleaned:
        raise UserError(
            "field_required",
            f"{field_vi} không được để trống.",
            f"{field_en} is required.",
        )
    return cleaned


def checked_kind(kind: str) -> str:
    if kind not in set(EventKind):
        raise UserError(
            "event_kind_invalid",
            f"Loại sự kiện không hợp lệ: {kind}.",
            f"Unknown event kind: {kind}.",
        )
    return kind


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def today_in_vietnam(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(VN_TZ).date()
