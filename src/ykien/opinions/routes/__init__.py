"""The opinions' routes, one module per noun: `reader` (the draft with the opinion form, "my
opinions"), `listing` (lists, search, moderation), `imports` (from files), `overview` (the
consultations with their opinion counts)."""

from fastapi import APIRouter

from ykien.opinions.routes import imports, listing, overview, reader

router = APIRouter()
for module in (overview, reader, listing, imports):
    router.include_router(module.router)

__all__ = ["router"]
