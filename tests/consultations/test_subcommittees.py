"""Subcommittees: sections picked in the table of contents (a part brings its children),
members and a chair, editing, closing; what a closed one still holds and what it refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.decisions.conftest import DecisionWorld, build_decision_world
from tests.factories import NOW, World, build_world
from ykien.accounts import service as accounts
from ykien.audit import service as audit
from ykien.audit.models import AuditEvent
from ykien.consultations import subcommittees
from ykien.decisions import service as decisions
from ykien.decisions.models import TargetType
from ykien.errors import Conflict, NotFound, UserError
from ykien.opinions import service as opinions
from ykien.orgs import service as orgs


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def _labels(session: Session, world: World, sub_id: int) -> list[str]:
    ids = subcommittees.section_ids_of(session=session, subcommittee_id=sub_id)
    return [s.label for s in world.sections if s.id in ids]


def test_picking_a_chapter_brings_its_articles_and_clauses(session: Session, world: World) -> None:
    chair = accounts.create_person(session=session, full_name="Trần Chủ Trì")
    sub = subcommittees.create(
        session=session,
        consultation_id=world.consultation.id,
        organisation_id=world.bloc.id,
        name="  Tiểu ban   Văn kiện ",
        section_ids=[world.section("Chương II").id, world.section("Điều 1").id],
        member_ids=[world.member_a],
        chair_id=chair.id,
    )
    assert sub.name == "Tiểu ban Văn kiện"
    labels = _labels(session, world, sub.id)
    assert "Chương II" in labels and "Điều 3" in labels and "Điều 4" in labels
    assert "Điều 1" in labels and "Chương I" not in labels and "Điều 2" not in labels
    under_3 = [s.label for s in world.sections if s.parent_id == world.section("Điều 3").id]
    assert under_3 and set(under_3) <= set(labels)  # the clauses of Điều 3 too
    seats = subcommittees.seats_of(session=session, subcommittee_id=sub.id)
    assert [(s.full_name, s.chair) for s in seats] == [
        ("Trần Chủ Trì", True), ("Nguyễn Doãn Hoàn", False),
    ]  # fmt: skip
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_type == "subcommittee")
    ).all()
    assert actions == ["subcommittee.created", "subcommittee.members_set"]


def test_bad_inputs_are_refused(session: Session, world: World) -> None:
    cid = world.consultation.id
    base = {"session": session, "consultation_id": cid, "name": "Tiểu ban"}
    with pytest.raises(UserError) as outside:
        subcommittees.create(**base, organisation_id=world.outsider.id, section_ids=[])
    assert outside.value.code == "subcommittee_org_outside"
    other = build_world(session).sections[0].id  # a section of another draft
    with pytest.raises(UserError) as foreign:
        subcommittees.create(**base, organisation_id=world.bloc.id, section_ids=[other])
    assert foreign.value.code == "section_not_in_draft"
    with pytest.raises(NotFound):
        subcommittees.create(
            **base, organisation_id=world.bloc.id, section_ids=[], member_ids=[2_000_000_000]
        )
    with pytest.raises(UserError):
        subcommittees.create(**{**base, "name": " "}, organisation_id=world.bloc.id, section_ids=[])
    # a level above the organiser is allowed (the bloc's consultation, the city's subcommittee)
    city = orgs.create(session=session, name="Thành ủy")
    orgs.move(session=session, organisation_id=world.bloc.id, parent_id=city.id)
    assert subcommittees.create(**base, organisation_id=city.id, section_ids=[]).id


def test_editing_replaces_sections_members_and_chair(session: Session, world: World) -> None:
    sub = subcommittees.create(
        session=session, consultation_id=world.consultation.id, organisation_id=world.bloc.id,
        name="Tiểu ban", section_ids=[world.section("Điều 1").id], member_ids=[world.member_a],
    )  # fmt: skip
    other = accounts.create_person(session=session, full_name="Lê Văn Bình")
    subcommittees.update(
        session=session, subcommittee_id=sub.id, organisation_id=world.unit_a.id,
        name="Tiểu ban Chi bộ", section_ids=[world.section("Điều 4").id], member_ids=[],
        chair_id=other.id,
    )  # fmt: skip
    assert _labels(session, world, sub.id) == ["Điều 4"]
    seats = subcommittees.seats_of(session=session, subcommittee_id=sub.id)
    assert [(s.person_id, s.chair) for s in seats] == [(other.id, True)]  # the chair is a member
    assert sub.organisation_id == world.unit_a.id and sub.name == "Tiểu ban Chi bộ"
    assert audit.verify(session=session).ok


@pytest.fixture
def dw(session: Session) -> DecisionWorld:
    return build_decision_world(session)


def test_a_closed_subcommittee_keeps_its_history_and_takes_nothing_new(
    session: Session, dw: DecisionWorld
) -> None:
    cid, world = dw.world.consultation.id, dw.world
    before = decisions.queue(session=session, subcommittee_id=dw.bloc_sub.id)
    subcommittees.close(session=session, subcommittee_id=dw.bloc_sub.id, now=NOW + timedelta(1))
    late = opinions.submit(
        session=session, consultation_id=cid, text="Ý kiến gửi sau khi tiểu ban kết thúc.",
        section_id=world.section("Điều 4").id, author_person_id=world.member_a,
        now=NOW + timedelta(2),
    ).opinion.id  # fmt: skip
    after = decisions.queue(session=session, subcommittee_id=dw.bloc_sub.id)
    assert [i.target_id for i in after.opinions] == [i.target_id for i in before.opinions]
    assert late not in [i.target_id for i in after.opinions]
    unit = decisions.queue(session=session, subcommittee_id=dw.unit_sub.id)
    assert late in [i.target_id for i in unit.opinions]  # the open one still takes it
    held = decisions.holders(
        session=session, consultation_id=cid, target_type=TargetType.OPINION, target_id=late
    )
    assert held == {dw.unit_sub.id}
    early = decisions.holders(
        session=session, consultation_id=cid, target_type=TargetType.OPINION, target_id=dw.own
    )
    assert early == {dw.unit_sub.id, dw.bloc_sub.id}
    with pytest.raises(Conflict) as forward:
        decisions.forward(
            session=session, subcommittee_id=dw.unit_sub.id, target_type=TargetType.OPINION,
            target_id=dw.own, to_subcommittee_id=dw.bloc_sub.id,
        )  # fmt: skip
    assert forward.value.code == "subcommittee_closed"
    with pytest.raises(Conflict):
        decisions.draft(
            session=session, subcommittee_id=dw.bloc_sub.id, target_type=TargetType.OPINION,
            target_id=dw.own, outcome="accepted", explanation="Tiếp thu.",
        )  # fmt: skip
    with pytest.raises(Conflict):
        subcommittees.update(
            session=session, subcommittee_id=dw.bloc_sub.id, organisation_id=world.bloc.id,
            name="Đổi tên", section_ids=[],
        )  # fmt: skip
    with pytest.raises(Conflict):
        subcommittees.close(session=session, subcommittee_id=dw.bloc_sub.id)


def test_up_a_level_skips_a_closed_subcommittee(session: Session, dw: DecisionWorld) -> None:
    subcommittees.close(session=session, subcommittee_id=dw.bloc_sub.id)
    sent = decisions.forward(
        session=session, subcommittee_id=dw.unit_sub.id, target_type=TargetType.OPINION,
        target_id=dw.own, to_subcommittee_id=None,
    )  # fmt: skip
    assert sent.to_subcommittee_id == dw.bloc_general.id  # the open one of the bloc
