"""Analysis fixtures: a consultation with a campaign, two topics and opinions without a section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.factories import NOW, World, build_world
from tests.web.conftest import app_settings as app_settings  # the web fixtures, for test_routes
from tests.web.conftest import client as client
from tests.web.conftest import login as login
from tests.web.conftest import web_world as web_world
from ykien.config import Settings
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.opinions import service as opinions

CAMPAIGN = (
    "Chúng tôi đề nghị giữ nguyên quy định về thời hạn lấy ý kiến ít nhất 30 ngày "
    "để người dân có đủ thời gian nghiên cứu dự thảo và góp ý."
)
CAMPAIGN_VARIANTS = [
    CAMPAIGN,
    CAMPAIGN,
    CAMPAIGN.replace("Chúng tôi", "Tôi"),
    CAMPAIGN.replace("người dân", "nhân dân"),
    CAMPAIGN + " Xin cảm ơn.",
    CAMPAIGN.lower(),
]
ONLINE_TOPIC = [
    "Cổng thông tin điện tử cần có chức năng góp ý trực tuyến dễ sử dụng trên điện thoại.",
    "Việc lấy ý kiến trực tuyến phải bảo đảm an toàn thông tin cá nhân của người góp ý.",
    "Đề nghị cổng thông tin điện tử công khai kết quả tiếp thu ý kiến trực tuyến.",
    "Nên cho phép góp ý trực tuyến bằng tài khoản định danh điện tử trên cổng thông tin.",
    "Hệ thống góp ý trực tuyến cần thông báo cho người dân khi ý kiến được tiếp nhận.",
]
MEETING_TOPIC = [
    "Hội nghị, tọa đàm do Đảng ủy tổ chức cần mời đại diện đoàn thể và người lao động.",
    "Tọa đàm lấy ý kiến nên tổ chức ở cơ sở để đoàn viên công đoàn dễ tham gia.",
    "Biên bản hội nghị, tọa đàm phải ghi đầy đủ ý kiến của từng đại biểu phát biểu.",
    "Đề nghị các đoàn thể tổ chức tọa đàm chuyên đề về dự thảo trước khi tổng hợp.",
    "Kết quả hội nghị và tọa đàm cần được gửi về Đảng ủy để tổng hợp kịp thời.",
]
REFERENCED = "Đề nghị sửa Điều 4 thành thời hạn lấy ý kiến ít nhất là 60 ngày."


@dataclass
class AnalysisWorld:
    world: World
    engine: Engine
    settings: Settings
    campaign_ids: list[int]
    topic_ids: list[int]
    referenced_id: int


def add_opinions(
    engine: Engine, world: World, texts: list[str], *, now: datetime | None = NOW
) -> list[int]:
    """Submit texts (no section) by a member of unit A; returns their ids."""
    with unit_of_work(make_session_factory(engine)) as session:
        return [
            opinions.submit(
                session=session,
                consultation_id=world.consultation.id,
                text=text,
                author_person_id=world.member_a,
                now=now,
            ).opinion.id
            for text in texts
        ]


@pytest.fixture
def analysis_world(fresh_engine: Engine, tmp_path: Path) -> AnalysisWorld:
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        world = build_world(session)
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        database_url=fresh_engine.url.render_as_string(hide_password=False),
        queue_url="memory://",
    )
    campaign = add_opinions(fresh_engine, world, CAMPAIGN_VARIANTS)
    topics = add_opinions(fresh_engine, world, ONLINE_TOPIC + MEETING_TOPIC)
    [referenced] = add_opinions(fresh_engine, world, [REFERENCED])
    return AnalysisWorld(world, fresh_engine, settings, campaign, topics, referenced)
