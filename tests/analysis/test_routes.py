"""Analysis pages and API: run through the queue, campaigns, themes, proposals, roles, CSRF."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.analysis.conftest import (
    CAMPAIGN_VARIANTS,
    MEETING_TOPIC,
    ONLINE_TOPIC,
    REFERENCED,
    add_opinions,
)
from tests.factories import World
from tests.web.conftest import csrf_of
from ykien.analysis.models import DuplicateGroup, SectionSuggestion, Theme
from ykien.opinions.models import Opinion


@pytest.fixture
def analysed(
    client: TestClient, web_world: World, fresh_engine: Engine, login: Callable[[str], TestClient]
) -> TestClient:
    """Opinions in the consultation and one analysis run, queued from the page as the secretary."""
    add_opinions(
        fresh_engine,
        web_world,
        CAMPAIGN_VARIANTS + ONLINE_TOPIC + MEETING_TOPIC + [REFERENCED],
        now=None,
    )
    login("thuky")
    cid = web_world.consultation.id
    response = client.post(
        f"/c/{cid}/analysis/run",
        data={"min_themes": 2, "max_themes": 6, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return client


def test_running_the_analysis_from_the_page(analysed: TestClient, web_world: World) -> None:
    cid = web_world.consultation.id
    page = analysed.get(f"/c/{cid}/analysis")
    assert page.status_code == 200
    assert "Lần phân tích #1" in page.text
    assert "Hoàn thành" in page.text
    assert "17 ý kiến" in page.text
    assert "12 sau khi gộp trùng" in page.text
    api = analysed.get(f"/api/v1/consultations/{cid}/analysis").json()
    assert api["latest_run"]["status"] == "done"
    assert api["opinions"] == {"raw": 17, "unique": 12}
    progress = analysed.get(f"/c/{cid}/analysis/progress")
    assert "hx-get" not in progress.text  # a finished run is not polled


def test_campaign_pages_and_decisions(
    analysed: TestClient, web_world: World, fresh_engine: Engine
) -> None:
    cid = web_world.consultation.id
    listing = analysed.get(f"/c/{cid}/analysis/campaigns")
    assert listing.status_code == 200
    with Session(fresh_engine) as session:
        group_id = session.scalars(select(DuplicateGroup.id)).one()
    page = analysed.get(f"/analysis/campaigns/{group_id}")
    assert page.status_code == 200 and "Văn bản đại diện" in page.text
    assert "Mẫu chung của nhóm ý kiến" in page.text and "slot-varies" in page.text
    one = analysed.get(f"/api/v1/analysis/campaigns/{group_id}").json()
    assert one["id"] == group_id and one["template_copies"] == 5
    varying = [slot for slot in one["template"] if not slot["fixed"]]
    assert varying and all(sum(n for _, n in s["alternatives"]) == 5 for s in varying)
    assert any({w for w, _ in s["alternatives"]} == {"người", "nhân"} for s in varying)
    assert analysed.get("/api/v1/analysis/campaigns/999999999").status_code == 404
    api = analysed.get(f"/api/v1/consultations/{cid}/analysis/campaigns").json()
    assert api[0]["counts"]["total"] == {"raw": 6, "unique": 1}
    token = csrf_of(analysed)
    empty = analysed.post(f"/analysis/campaigns/{group_id}/split", data={"csrf_token": token})
    assert empty.status_code == 400
    assert "Hãy chọn ý kiến thuộc nhóm này." in empty.text
    done = analysed.post(
        f"/analysis/campaigns/{group_id}/decide",
        data={"action": "confirm", "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    with Session(fresh_engine) as session:
        assert session.get_one(DuplicateGroup, group_id).status == "confirmed"
    no_csrf = analysed.post(f"/analysis/campaigns/{group_id}/decide", data={"action": "undo"})
    assert no_csrf.status_code == 403


def test_theme_rename_keeps_typed_text_on_error_and_escapes(
    analysed: TestClient, web_world: World, fresh_engine: Engine
) -> None:
    cid = web_world.consultation.id
    assert analysed.get(f"/c/{cid}/analysis/themes").status_code == 200
    with Session(fresh_engine) as session:
        theme_id = session.scalars(select(Theme.id).order_by(Theme.id)).first()
    token = csrf_of(analysed)
    blank = analysed.post(
        f"/analysis/themes/{theme_id}/rename", data={"label": "   ", "csrf_token": token}
    )
    assert blank.status_code == 400
    assert "Chủ đề cần có tên." in blank.text
    renamed = analysed.post(
        f"/analysis/themes/{theme_id}/rename",
        data={"label": "<script>alert(1)</script> Góp ý trực tuyến", "csrf_token": token},
        follow_redirects=False,
    )
    assert renamed.status_code == 303
    page = analysed.get(f"/analysis/themes/{theme_id}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Góp ý trực tuyến" in page.text
    assert "<script>alert(1)" not in page.text
    themes = analysed.get(f"/api/v1/consultations/{cid}/analysis/themes").json()
    assert any(t["edited"] for t in themes)
    for theme in themes:
        for sentence in theme["summary"]:
            assert sentence["opinion_ids"]


def test_confirming_a_proposed_section(
    analysed: TestClient, web_world: World, fresh_engine: Engine
) -> None:
    cid = web_world.consultation.id
    page = analysed.get(f"/c/{cid}/analysis/proposals")
    assert page.status_code == 200 and "Điều 4" in page.text
    with Session(fresh_engine) as session:
        suggestion_id = session.scalar(
            select(SectionSuggestion.id)
            .join(Opinion, Opinion.id == SectionSuggestion.opinion_id)
            .where(Opinion.text == REFERENCED, SectionSuggestion.rank == 1)
        )
    assert f'name="suggestion_ids" value="{suggestion_id}" checked' in page.text
    response = analysed.post(
        f"/c/{cid}/analysis/sections",
        data={"suggestion_ids": [suggestion_id], "csrf_token": csrf_of(analysed)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    with Session(fresh_engine) as session:
        opinion = session.scalars(select(Opinion).where(Opinion.text == REFERENCED)).one()
        assert opinion.section_id is not None


def test_participants_and_other_units_are_refused(
    analysed: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    cid = web_world.consultation.id
    analysed.cookies.clear()
    login("dangvien")
    assert analysed.get(f"/c/{cid}/analysis").status_code == 403
    refused = analysed.post(
        f"/c/{cid}/analysis/run", data={"csrf_token": csrf_of(analysed)}, follow_redirects=False
    )
    assert refused.status_code == 403
    analysed.cookies.clear()
    assert analysed.get(f"/api/v1/consultations/{cid}/analysis").status_code == 401


def test_a_second_run_while_one_is_queued_is_refused_with_a_message(
    client: TestClient, web_world: World, fresh_engine: Engine, login: Callable[[str], TestClient]
) -> None:
    from ykien.analysis import service as analysis
    from ykien.db.engine import make_session_factory, unit_of_work

    with unit_of_work(make_session_factory(fresh_engine)) as session:
        analysis.request_run(
            session=session, consultation_id=web_world.consultation.id, requested_by=None
        )
    login("thuky")
    response = client.post(
        f"/c/{web_world.consultation.id}/analysis/run",
        data={"min_themes": 3, "max_themes": 7, "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 409
    assert "đang chờ hoặc đang chạy" in response.text
    assert 'value="7"' in response.text  # what was typed is kept
