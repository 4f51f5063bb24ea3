"""Web pages and JSON API (filled in by the issue-3 work)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
