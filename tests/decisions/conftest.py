"""Decision fixtures: subcommittees at two levels, opinions on sections, a theme and a campaign."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from tests.factories import NOW, SMALL_LAW, World, build_world
from tests.web.conftest import app_settings, client, login, web_world
from ykien.accounts import service as accounts
from ykien.analysis.models import (
    AnalysisRun,
    DuplicateGroup,
    DuplicateMember,
    ProposalStatus,
    Theme,
    ThemeMember,
)
from ykien.consultations import service as consultations
from ykien.consultations.models import Subcommittee
from ykien.opinions import service as opinions

CAMPAIGN_TEXT = "Đề nghị kéo dài thời hạn lấy ý kiến lên 60 ngày."
__all__ = ["app_settings", "client", "login", "web_world"]  # the route tests use them
NEXT_LAW = SMALL_LAW.replace("ít nhất là 30 ngày", "ít nhất là 60 ngày")


@dataclass
class DecisionWorld:
    world: World
    unit_sub: Subcommittee  # unit A's subcommittee: Điều 3, Điều 4
    bloc_sub: Subcommittee  # the bloc's: Điều 4
    bloc_general: Subcommittee  # the bloc's: Điều 1, Điều 2
    own: int  # member A's opinion on Điều 4, alone
    campaign_ids: list[int]  # three opinions on Điều 4 (two by member A)
    theme_ids: list[int]  # the campaign's opinions plus one on Điều 3
    unsectioned: int
    group_id: int
    theme_id: int
    other_person: int


def build_decision_world(session: Session) -> DecisionWorld:
    return populate(session, build_world(session), now=NOW)


def populate(session: Session, world: World, *, now: datetime | None) -> DecisionWorld:
    """Subcommittees, opinions, a campaign and a theme in the world's consultation."""
    cid = world.consultation.id

    def _opinion(session: Session, world: World, text: str, label: str | None, author: int) -> int:
        return opinions.submit(
            session=session,
            consultation_id=cid,
            text=text,
            section_id=world.section(label).id if label else None,
            author_person_id=author,
            now=now,
        ).opinion.id

    other = accounts.create_person(
        session=session,
        full_name="Lê Văn Bình",
        organisation_id=world.unit_b.id,
    )
    other.email = "binh@example.vn"
    unit_sub, bloc_sub, bloc_general = (
        consultations.add_subcommittee(
            session=session,
            consultation_id=cid,
            organisation_id=org.id,
            name=name,
            section_ids=[world.section(label).id for label in labels],
        )
        for org, name, labels in [
            (world.unit_a, "Tiểu ban Văn kiện Chi bộ", ["Điều 3", "Điều 4"]),
            (world.bloc, "Tiểu ban Văn kiện Đảng bộ Khối", ["Điều 4"]),
            (world.bloc, "Tiểu ban Tổng hợp Đảng bộ Khối", ["Điều 1", "Điều 2"]),
        ]
    )
    member = world.member_a
    own = _opinion(session, world, "Điều 4 cần quy định rõ thời hạn tối đa.", "Điều 4", member)
    campaign = [
        _opinion(session, world, CAMPAIGN_TEXT, "Điều 4", member),
        _opinion(session, world, CAMPAIGN_TEXT + " Xin cảm ơn.", "Điều 4", member),
        _opinion(session, world, CAMPAIGN_TEXT, "Điều 4", other.id),
    ]
    on_forms = _opinion(
        session, world, "Nên bổ sung hình thức lấy ý kiến qua thư.", "Điều 3", member
    )
    unsectioned = _opinion(session, world, "Ý kiến chung về dự thảo.", None, member)
    run = AnalysisRun(consultation_id=cid, status="done")
    session.add(run)
    session.flush()
    group = DuplicateGroup(
        consultation_id=cid,
        run_id=run.id,
        canonical_opinion_id=campaign[0],
        size=3,
        status=ProposalStatus.CONFIRMED,
    )
    theme = Theme(consultation_id=cid, run_id=run.id, label="Thời hạn lấy ý kiến")
    session.add_all([group, theme])
    session.flush()
    session.add_all(DuplicateMember(group_id=group.id, opinion_id=i) for i in campaign)
    session.add_all(ThemeMember(theme_id=theme.id, opinion_id=i) for i in [*campaign, on_forms])
    session.flush()
    return DecisionWorld(
        world=world,
        unit_sub=unit_sub,
        bloc_sub=bloc_sub,
        bloc_general=bloc_general,
        own=own,
        campaign_ids=campaign,
        theme_ids=[*campaign, on_forms],
        unsectioned=unsectioned,
        group_id=group.id,
        theme_id=theme.id,
        other_person=other.id,
    )


@pytest.fixture
def dw(session: Session) -> DecisionWorld:
    return build_decision_world(session)
