"""Synthesis routes, one module per seam: units (progress, drafting), one synthesis (editing and
its life cycle), the drill-down to original opinions, and the report downloads."""

from __future__ import annotations

from fastapi import APIRouter

from ykien.synthesis.routes import downloads, drill, editing, units

router = APIRouter()
for part in (units, editing, drill, downloads):
    router.include_router(part.router)
