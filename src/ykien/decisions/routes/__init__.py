"""Decisions routes, one module per seam: the subcommittees' queues (and forwarding), drafting and
publishing decisions, the links between levels (forwarding a child's synthesis up), the
public responses (page, lookup, download) and the participant's trace
and inbox."""

from __future__ import annotations

from fastapi import APIRouter

from ykien.decisions.routes import board, drafting, levels, queues, responses, trace

router = APIRouter()
for part in (queues, drafting, responses, trace, levels, board):
    router.include_router(part.router)
