"""The dashboard page and its JSON twin: figures, SVG with text alternatives, languages, roles."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.analysis.conftest import CAMPAIGN_VARIANTS, MEETING_TOPIC, ONLINE_TOPIC, add_opinions
from tests.factories import World
from tests.web.conftest import csrf_of
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.opinions import service as opinions
from ykien.orgs import service as orgs

SCRIPT_NAME = "<script>alert(1)</script> Chi đoàn"


@pytest.fixture
def with_opinions(
    client: TestClient, web_world: World, fresh_engine: Engine, login: Callable[[str], TestClient]
) -> TestClient:
    """Three opinions of unit A (one on Điều 1) and one given for a unit with a hostile name."""
    add_opinions(fresh_engine, web_world, ONLINE_TOPIC[:3], now=None)
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        hostile = orgs.create(
            session=session, name=SCRIPT_NAME, kind="youth_union", parent_id=web_world.bloc.id
        )
        opinions.submit(
            session=session,
            consultation_id=web_world.consultation.id,
            text="Đề nghị bổ sung quy định về phạm vi điều chỉnh.",
            author_person_id=web_world.member_a,
            on_behalf_of_id=hostile.id,
            section_id=web_world.section("Điều 1").id,
            channel="event",
            kind="recommendation",
        )
    login("thuky")
    return client


def test_the_page_draws_every_chart_with_a_text_alternative(
    with_opinions: TestClient, web_world: World
) -> None:
    page = with_opinions.get(f"/c/{web_world.consultation.id}/dashboard")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Bảng số liệu: Lấy ý kiến Luật thử nghiệm</h1>" in html
    charts = re.findall(r'<svg [^>]*role="img"[^>]*aria-labelledby="([a-z-]+)-title"', html)
    assert charts == [
        "chart-days",
        "chart-organisations",
        "chart-sections",
        "chart-kinds",
        "chart-channels",
        "chart-syntheses",
        "chart-decision-status",
        "chart-outcomes",
    ]  # no themes chart before an analysis
    assert '<title id="chart-days-title">Số ý kiến theo ngày</title>' in html
    assert html.count('<details class="data">') == 8
    assert "Chưa có chủ đề" in html
    # the heat map writes each count in its cell; Điều 1 drew one opinion, Chương I one below
    assert re.search(r">Điều 1 Phạm vi điều chỉnh</text><rect [^>]*/><text [^>]*>1</text>", html)
    assert ">1 kể cả mục con</text>" in html
    assert "Tại hội nghị" in html and "Kiến nghị" in html  # kind and channel labels


def test_organisation_names_are_escaped_in_charts_and_tables(
    with_opinions: TestClient, web_world: World
) -> None:
    html = with_opinions.get(f"/c/{web_world.consultation.id}/dashboard").text
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Chi đoàn" in html


def test_english_through_the_language_switch(with_opinions: TestClient, web_world: World) -> None:
    cid = web_world.consultation.id
    switched = with_opinions.post(
        "/language",
        data={
            "language": "en",
            "next": f"/c/{cid}/dashboard",
            "csrf_token": csrf_of(with_opinions),
        },
        follow_redirects=True,
    )
    assert switched.status_code == 200
    assert '<title id="chart-days-title">Opinions per day</title>' in switched.text
    assert "units have submitted their synthesis" in switched.text


def test_the_json_twin_has_the_same_figures(with_opinions: TestClient, web_world: World) -> None:
    cid = web_world.consultation.id
    body = with_opinions.get(f"/api/v1/consultations/{cid}/dashboard").json()
    assert body["total"] == {"raw": 4, "unique": 4}
    assert body["analysed"] is False
    assert body["timezone"] == "Asia/Ho_Chi_Minh"
    assert sum(day["raw"] for day in body["days"]) == 4
    assert [(o["name"], o["raw"]) for o in body["organisations"]] == [
        ("Chi bộ Sở Tài chính", 3),
        (SCRIPT_NAME, 1),
    ]
    sections = {s["label"]: s for s in body["sections"]}
    assert sections["Điều 1"]["raw"] == 1 and sections["Chương I"]["subtree_raw"] == 1
    assert body["general"]["raw"] == 3
    assert {k["key"]: k["raw"] for k in body["channels"]} == {"online": 3, "event": 1}
    assert body["syntheses"]["by_stage"]["not_started"] == len(body["syntheses"]["units"])
    assert body["decisions"]["by_status"] == {
        "draft": 0,
        "approved": 0,
        "published": 0,
        "superseded": 0,
    }


def test_after_an_analysis_campaigns_count_once_and_themes_appear(
    client: TestClient, web_world: World, fresh_engine: Engine, login: Callable[[str], TestClient]
) -> None:
    add_opinions(
        fresh_engine, web_world, CAMPAIGN_VARIANTS + ONLINE_TOPIC + MEETING_TOPIC, now=None
    )
    login("thuky")
    cid = web_world.consultation.id
    queued = client.post(
        f"/c/{cid}/analysis/run",
        data={"min_themes": 2, "max_themes": 6, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert queued.status_code == 303
    body = client.get(f"/api/v1/consultations/{cid}/dashboard").json()
    assert body["analysed"] is True
    assert body["total"] == {"raw": 16, "unique": 11}
    assert len(body["themes"]) >= 2
    html = client.get(f"/c/{cid}/dashboard").text
    assert 'aria-labelledby="chart-themes-title"' in html
    assert "Sau khi gộp trùng" in html  # the second series is named in the legend


def test_participants_are_refused_and_strangers_asked_to_sign_in(
    client: TestClient, web_world: World, login: Callable[[str], TestClient]
) -> None:
    cid = web_world.consultation.id
    assert client.get(f"/api/v1/consultations/{cid}/dashboard").status_code == 401
    login("dangvien")
    assert client.get(f"/c/{cid}/dashboard").status_code == 403
    assert client.get(f"/api/v1/consultations/{cid}/dashboard").status_code == 403
    assert client.get("/api/v1/consultations/999999/dashboard").status_code in (403, 404)
