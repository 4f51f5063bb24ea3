"""Dashboard figures over a small world: days in Vietnam time, facets, sections, progress."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.factories import World, build_world
from ykien.analysis.models import (
    AnalysisRun,
    DuplicateGroup,
    DuplicateMember,
    Theme,
    ThemeMember,
)
from ykien.consultations import service as consultations
from ykien.dashboard import service as dashboard
from ykien.dashboard.service import Tally
from ykien.decisions.models import Decision
from ykien.opinions import service as opinions
from ykien.synthesis.models import Synthesis


@dataclass
class Seeded:
    world: World
    ids: dict[str, int]


def _submit(session: Session, world: World, text: str, when: datetime, **extra: Any) -> int:
    return opinions.submit(
        session=session, consultation_id=world.consultation.id, text=text, now=when, **extra
    ).opinion.id


@pytest.fixture
def seeded(session: Session) -> Seeded:
    """Five opinions (one hidden, two in a campaign), a theme, syntheses and decisions."""
    world = build_world(session)
    member = world.member_a
    ids = {
        # 03:00 UTC = 10:00 on 15/06 in Vietnam
        "first": _submit(
            session,
            world,
            "Góp ý Điều 1 về phạm vi điều chỉnh.",
            datetime(2025, 6, 15, 3, 0, tzinfo=UTC),
            author_person_id=member,
            section_id=world.section("Điều 1").id,
        ),
        # 18:30 UTC on 15/06 is already 01:30 on 16/06 in Vietnam
        "late": _submit(
            session,
            world,
            "Đề nghị kéo dài thời hạn lấy ý kiến.",
            datetime(2025, 6, 15, 18, 30, tzinfo=UTC),
            author_person_id=member,
        ),
        "meeting": _submit(
            session,
            world,
            "Đề nghị kéo dài thời hạn lấy ý kiến lên 60 ngày.",
            datetime(2025, 6, 16, 10, 0, tzinfo=UTC),
            author_person_id=member,
            on_behalf_of_id=world.unit_b.id,
            channel="event",
            kind="recommendation",
            section_id=world.section("Điều 3").id,
        ),
        "guest": _submit(
            session,
            world,
            "Ý kiến của khách không thuộc đơn vị nào.",
            datetime(2025, 6, 18, 2, 0, tzinfo=UTC),
            author_name="Khách",
            channel="written",
        ),
        "hidden": _submit(
            session,
            world,
            "Ý kiến bị ẩn.",
            datetime(2025, 6, 18, 2, 0, tzinfo=UTC),
            author_person_id=member,
        ),
    }
    opinions.hide(session=session, opinion_id=ids["hidden"], reason="Xúc phạm")
    cid = world.consultation.id
    run = AnalysisRun(consultation_id=cid, engine="local", status="done", params_json="{}")
    session.add(run)
    session.flush()
    group = DuplicateGroup(
        consultation_id=cid, run_id=run.id, canonical_opinion_id=ids["late"], size=2
    )
    theme = Theme(consultation_id=cid, run_id=run.id, label="Thời hạn <b>lấy ý kiến</b>")
    session.add_all([group, theme])
    session.flush()
    session.add_all(
        [DuplicateMember(group_id=group.id, opinion_id=ids[k]) for k in ("late", "meeting")]
        + [ThemeMember(theme_id=theme.id, opinion_id=ids[k]) for k in ("first", "late", "meeting")]
    )
    submitted_at = datetime(2025, 6, 20, 1, 0, tzinfo=UTC)
    session.add_all(
        [
            Synthesis(consultation_id=cid, organisation_id=world.unit_a.id, status="submitted",
                      submitted_at=submitted_at, counts_json=json.dumps({})),
            Synthesis(consultation_id=cid, organisation_id=world.unit_a.id, revision=2),
            Synthesis(consultation_id=cid, organisation_id=world.unit_b.id, status="signed_off"),
            Synthesis(consultation_id=cid, organisation_id=world.outsider.id, status="submitted"),
        ]
    )  # fmt: skip
    sub = consultations.add_subcommittee(
        session=session,
        consultation_id=cid,
        organisation_id=world.bloc.id,
        name="Tiểu ban Văn kiện",
        section_ids=[world.section("Điều 1").id],
    )

    def decision(status: str, outcome: str) -> Decision:
        return Decision(
            consultation_id=cid,
            subcommittee_id=sub.id,
            target_type="opinion",
            target_id=ids["first"],
            outcome=outcome,
            status=status,
        )

    session.add_all(
        [
            decision("superseded", "not_accepted"),
            decision("published", "accepted"),
            decision("draft", "partly_accepted"),
            decision("approved", "accepted"),
        ]
    )
    session.flush()
    return Seeded(world, ids)


def _board(session: Session, seeded: Seeded) -> dashboard.Dashboard:
    return dashboard.dashboard(session=session, consultation_id=seeded.world.consultation.id)


def test_totals_and_days_in_vietnam_time(session: Session, seeded: Seeded) -> None:
    board = _board(session, seeded)
    assert board.analysed
    assert board.total == Tally(4, 3)
    assert [(d.day, d.tally) for d in board.days] == [
        (date(2025, 6, 15), Tally(1, 1)),
        (date(2025, 6, 16), Tally(2, 1)),  # the 18:30 UTC opinion and its campaign twin
        (date(2025, 6, 17), Tally(0, 0)),  # an empty day is kept, so the axis is even
        (date(2025, 6, 18), Tally(1, 1)),  # the hidden one of that day is left out
    ]


def test_organisations_kinds_channels_and_themes(session: Session, seeded: Seeded) -> None:
    board = _board(session, seeded)
    world = seeded.world
    assert [(f.key, f.name, f.tally) for f in board.organisations] == [
        (str(world.unit_a.id), world.unit_a.name, Tally(2, 2)),
        ("", "", Tally(1, 1)),
        (str(world.unit_b.id), world.unit_b.name, Tally(1, 1)),  # spoken for, not the author's
    ]
    assert [(f.key, f.tally) for f in board.kinds] == [
        ("comment", Tally(3, 3)),
        ("recommendation", Tally(1, 1)),
    ]
    assert [(f.key, f.tally) for f in board.channels] == [
        ("online", Tally(2, 2)),
        ("event", Tally(1, 1)),
        ("written", Tally(1, 1)),
    ]
    assert [(f.name, f.tally) for f in board.themes] == [
        ("Thời hạn <b>lấy ý kiến</b>", Tally(3, 2))
    ]


def test_sections_follow_the_table_of_contents_with_subtree_totals(
    session: Session, seeded: Seeded
) -> None:
    board = _board(session, seeded)
    by_label = {s.label: s for s in board.sections}
    assert [s.label for s in board.sections][:3] == ["Chương I", "Điều 1", "Điều 2"]
    assert by_label["Điều 1"].tally == Tally(1, 1)
    assert by_label["Chương I"].tally == Tally(0, 0)
    assert by_label["Chương I"].subtree_raw == 1
    assert by_label["Chương II"].subtree_raw == 1
    assert by_label["Điều 4"].subtree_raw == 0
    assert board.general == Tally(2, 2)


def test_synthesis_progress_covers_the_organisers_tree_only(
    session: Session, seeded: Seeded
) -> None:
    progress = _board(session, seeded).syntheses
    world = seeded.world
    stages = {unit.organisation_id: unit.stage for unit in progress.units}
    assert stages == {
        world.bloc.id: "not_started",
        world.unit_a.id: "submitted",  # a new revision in draft does not undo the submission
        world.unit_b.id: "signed_off",
    }
    assert progress.by_stage == {"submitted": 1, "signed_off": 1, "draft": 0, "not_started": 1}
    submitted = next(u for u in progress.units if u.organisation_id == world.unit_a.id)
    assert submitted.submitted_at == datetime(2025, 6, 20, 1, 0, tzinfo=UTC)


def test_decisions_by_status_and_outcome_in_force(session: Session, seeded: Seeded) -> None:
    decisions = _board(session, seeded).decisions
    assert decisions.by_status == {"draft": 1, "approved": 1, "published": 1, "superseded": 1}
    assert decisions.by_outcome == {
        "accepted": 2,
        "partly_accepted": 1,
        "not_accepted": 0,  # only the superseded decision said so
        "noted": 0,
    }


def test_an_empty_consultation_has_zero_figures(session: Session) -> None:
    world = build_world(session)
    board = dashboard.dashboard(session=session, consultation_id=world.consultation.id)
    assert not board.analysed
    assert board.total == Tally(0, 0)
    assert board.days == [] and board.organisations == [] and board.themes == []
    assert all(s.tally == Tally(0, 0) for s in board.sections)
    assert board.syntheses.by_stage["not_started"] == 3


def test_subtree_totals_add_children_to_parents() -> None:
    parents = [(1, None), (2, 1), (3, 2), (4, 1), (5, None)]
    totals = dashboard._subtree_totals(parents, {3: 2, 4: 1, 5: 7})
    assert totals == {1: 3, 2: 2, 3: 2, 4: 1, 5: 7}
