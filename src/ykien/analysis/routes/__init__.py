"""The analysis pages (runs, campaigns, themes, proposals) for the secretariat and their JSON
twins: staff whose roles cover the consultation may look, its secretaries and admins may act."""

from fastapi import APIRouter

from ykien.analysis.routes import campaigns, proposals, runs, themes

router = APIRouter()
for part in (runs, campaigns, themes, proposals):
    router.include_router(part.router)
