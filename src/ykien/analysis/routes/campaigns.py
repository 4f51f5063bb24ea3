"""Campaigns (groups of duplicate opinions): the list, one campaign, deciding and splitting it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.analysis import service as analysis
from ykien.analysis.access import EditableCampaign, Viewable, ViewableCampaign
from ykien.analysis.models import DuplicateGroup
from ykien.analysis.routes.common import PAGE_SIZE, Cursor, IdList, Page, analysis_page
from ykien.analysis.schemas import CampaignOut
from ykien.web.deps import Principal, require_staff
from ykien.web.forms import Problem, redraw_on_error, see_other
from ykien.web.security import verify_csrf
from ykien.web.tx import Db, Tx

router = APIRouter()


@router.get(
    "/c/{consultation_id}/analysis/campaigns",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def campaigns_page(
    request: Request,
    db: Db,
    page: Page = 0,
    principal: Principal = Depends(require_staff),
    consultation_id: int = Viewable,
) -> HTMLResponse:
    found = analysis.campaigns(
        session=db, consultation_id=consultation_id, limit=PAGE_SIZE + 1, offset=page * PAGE_SIZE
    )
    context = {"campaigns": found[:PAGE_SIZE], "page": page, "more": len(found) > PAGE_SIZE}
    return analysis_page(
        request, db, principal, consultation_id, "analysis/campaigns.html", context
    )


def campaign_page_for(
    request: Request,
    db: Session,
    principal: Principal,
    group: DuplicateGroup,
    after: str = "",
    problem: Problem | None = None,
) -> HTMLResponse:
    """One campaign with a page of its members, those after the cursor `after` (and the
    problem of a refused decision); "next" loads the following page into the table (htmx)."""
    members = analysis.campaign_members(
        session=db,
        group_id=group.id,
        limit=PAGE_SIZE + 1,
        after=analysis.MemberCursor.decode(after),
    )
    more = len(members) > PAGE_SIZE
    context = {
        "view": analysis.campaign(session=db, group_id=group.id),
        "members": members[:PAGE_SIZE],
        "next_after": analysis.member_cursor(members[PAGE_SIZE - 1]).encode() if more else None,
    }
    return analysis_page(
        request, db, principal, group.consultation_id, "analysis/campaign.html", context, problem
    )


@router.get("/analysis/campaigns/{group_id}", response_class=HTMLResponse, include_in_schema=False)
def campaign_page(
    request: Request,
    db: Db,
    after: Cursor = "",
    principal: Principal = Depends(require_staff),
    group: DuplicateGroup = ViewableCampaign,
) -> HTMLResponse:
    return campaign_page_for(request, db, principal, group, after)


@router.post(
    "/analysis/campaigns/{group_id}/decide",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def decide_campaign_page(
    request: Request,
    action: Annotated[str, Form(max_length=20)],
    db: Tx,
    principal: Principal = Depends(require_staff),
    group: DuplicateGroup = EditableCampaign,
) -> Response:
    group_id = group.id
    with redraw_on_error(
        request, db, lambda problem: campaign_page_for(request, db, principal, group, "", problem)
    ):
        analysis.decide_campaign(
            session=db, group_id=group_id, action=action, actor_person_id=principal.person_id
        )
    return see_other(f"/analysis/campaigns/{group_id}")


@router.post(
    "/analysis/campaigns/{group_id}/split",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def split_campaign_page(
    request: Request,
    db: Tx,
    opinion_ids: IdList = [],  # noqa: B006 (FastAPI copies defaults)
    principal: Principal = Depends(require_staff),
    group: DuplicateGroup = EditableCampaign,
) -> Response:
    group_id = group.id
    with redraw_on_error(
        request, db, lambda problem: campaign_page_for(request, db, principal, group, "", problem)
    ):
        analysis.split_campaign(
            session=db,
            group_id=group_id,
            opinion_ids=opinion_ids,
            actor_person_id=principal.person_id,
        )
    return see_other(f"/analysis/campaigns/{group_id}")


@router.get(
    "/api/v1/consultations/{consultation_id}/analysis/campaigns",
    response_model=list[CampaignOut],
)
def api_campaigns(db: Db, page: Page = 0, consultation_id: int = Viewable) -> list[CampaignOut]:
    found = analysis.campaigns(
        session=db, consultation_id=consultation_id, limit=PAGE_SIZE, offset=page * PAGE_SIZE
    )
    return [CampaignOut.of(view) for view in found]


@router.get("/api/v1/analysis/campaigns/{group_id}", response_model=CampaignOut)
def api_campaign(db: Db, group: DuplicateGroup = ViewableCampaign) -> CampaignOut:
    """One campaign, with its template (the JSON twin of the campaign page)."""
    return CampaignOut.of(analysis.campaign(session=db, group_id=group.id))
