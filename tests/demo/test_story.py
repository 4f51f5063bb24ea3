"""The demo tells the whole story across levels: the tree with its tiers, the four drafts and
their owners, the joint seminar on three drafts, meetings with recommendations, syntheses
forwarded up and decisions published at each level."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ykien.accounts.models import Account
from ykien.consultations import subcommittees
from ykien.consultations.models import Consultation, SubcommitteeMember
from ykien.db import migrate
from ykien.db.engine import make_engine, make_session_factory
from ykien.decisions import forwarding
from ykien.decisions.models import Decision, TargetType
from ykien.demo.build import (
    CENTRE_TITLE,
    CITY_TITLE,
    REGULATION_TITLE,
    REPORT_TITLE,
    DemoSummary,
    build_demo,
    print_summary,
)
from ykien.demo.levels import BLOC, CENTRE, CITY, MASS_ORGS, UNITS
from ykien.demo.story import SEMINAR_PEOPLE
from ykien.drafts.models import Draft, DraftVersion
from ykien.events.models import (
    Event,
    EventAttendee,
    EventConsultation,
    EventKind,
    Recommendation,
    RecommendationStatus,
)
from ykien.events.recommendations import service as recommendations
from ykien.opinions.models import Opinion
from ykien.orgs.models import Organisation
from ykien.synthesis.models import Synthesis, SynthesisStatus


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[sessionmaker[Session], DemoSummary]]:
    path: Path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    summary = build_demo(factory, seed=2025, console=Console(quiet=True))
    yield factory, summary
    engine.dispose()


@pytest.fixture
def db(demo: tuple[sessionmaker[Session], DemoSummary]) -> Iterator[Session]:
    with demo[0]() as session:
        yield session


def _org(session: Session, name: str) -> Organisation:
    return session.scalars(select(Organisation).where(Organisation.name == name)).one()


def _consultations_on(session: Session, draft_title: str) -> list[Consultation]:
    return list(
        session.scalars(
            select(Consultation)
            .join(DraftVersion, DraftVersion.id == Consultation.draft_version_id)
            .join(Draft, Draft.id == DraftVersion.draft_id)
            .where(Draft.title == draft_title)
            .order_by(Consultation.id)
        )
    )


def test_the_tree_runs_from_the_centre_down_with_its_tiers(db: Session) -> None:
    centre, city, bloc = _org(db, CENTRE), _org(db, CITY), _org(db, BLOC)
    assert (centre.parent_id, centre.tier) == (None, "Trung ương")
    assert (city.parent_id, city.tier) == (centre.id, "Tỉnh/Thành phố")
    assert (bloc.parent_id, bloc.tier) == (city.id, "Khối/Huyện")
    for name, *_rest in [*UNITS, *MASS_ORGS]:
        member = _org(db, name)
        assert (member.parent_id, member.tier) == (bloc.id, "Cơ sở")
    assert all(org.kind == "party_committee" for org in (centre, city, bloc))


def test_each_draft_is_owned_by_its_level_and_the_bloc_collects_on_the_higher_ones(
    db: Session,
) -> None:
    owners = {CENTRE_TITLE: CENTRE, CITY_TITLE: CITY, REPORT_TITLE: BLOC, REGULATION_TITLE: BLOC}
    bloc = _org(db, BLOC)
    for title, owner in owners.items():
        draft = db.scalars(select(Draft).where(Draft.title == title)).one()
        assert draft.organisation_id == _org(db, owner).id
        found = _consultations_on(db, title)
        own = [c for c in found if c.parent_id is None]
        assert [c.organiser_id for c in own] == [draft.organisation_id]
        if owner != BLOC:  # the bloc's child collection on the higher level's draft
            [child] = [c for c in found if c.parent_id is not None]
            assert (child.parent_id, child.organiser_id) == (own[0].id, bloc.id)
            opinions = db.scalars(select(Opinion.id).where(Opinion.consultation_id == child.id))
            assert len(list(opinions)) >= 50


def test_each_level_has_its_document_subcommittee_with_members_and_chair(db: Session) -> None:
    accounts = {u: p for u, p in db.execute(select(Account.username, Account.person_id))}
    seats = {
        CENTRE_TITLE: ("tieuban.trunguong", "chutich.trunguong"),
        CITY_TITLE: ("tieuban.thanhpho", "chutich.thanhpho"),
        REPORT_TITLE: ("tieuban", "chutich"),
    }
    for title, (member, chair) in seats.items():
        [own] = [c for c in _consultations_on(db, title) if c.parent_id is None]
        subs = subcommittees.of_consultation(session=db, consultation_id=own.id)
        assert subs and all(s.name.startswith("Tiểu ban Văn kiện") for s in subs)
        for sub in subs:
            rows = db.execute(
                select(SubcommitteeMember.person_id, SubcommitteeMember.chair).where(
                    SubcommitteeMember.subcommittee_id == sub.id
                )
            )
            members = {person_id: chair for person_id, chair in rows}
            assert members == {accounts[member]: False, accounts[chair]: True}


def test_the_joint_seminar_collects_on_three_drafts_credited_to_its_organisers(
    db: Session,
) -> None:
    [seminar] = db.scalars(select(Event).where(Event.kind == EventKind.SEMINAR)).all()
    collected = set(
        db.scalars(
            select(EventConsultation.consultation_id).where(
                EventConsultation.event_id == seminar.id
            )
        )
    )
    report = _consultations_on(db, REPORT_TITLE)[0]
    children = {
        c.id for t in (CENTRE_TITLE, CITY_TITLE) for c in _consultations_on(db, t) if c.parent_id
    }
    assert collected == {report.id, *children}
    attendees = list(
        db.scalars(select(EventAttendee.name).where(EventAttendee.event_id == seminar.id))
    )
    assert sorted(attendees) == sorted(name for name, *_ in SEMINAR_PEOPLE)  # entered once
    voiced = db.execute(
        select(Opinion.consultation_id, Opinion.on_behalf_of_id).where(
            Opinion.event_id == seminar.id
        )
    ).all()
    assert {consultation for consultation, _ in voiced} == collected
    mass = {_org(db, name).id for name, *_ in MASS_ORGS}
    assert {credited for _, credited in voiced} == mass


def test_dialogue_and_supervision_leave_recommendations_answered_and_overdue(
    db: Session,
) -> None:
    kinds = set(db.scalars(select(Event.kind)))
    assert {EventKind.DIALOGUE, EventKind.SUPERVISION} <= kinds
    statuses = [r.status for r in db.scalars(select(Recommendation))]
    assert statuses.count(RecommendationStatus.ANSWERED) >= 2
    [late] = recommendations.overdue(session=db)
    assert late.event_id is not None and late.answer is None
    supervision = db.scalars(select(Event).where(Event.kind == EventKind.SUPERVISION)).one()
    assert db.scalars(select(Recommendation).where(Recommendation.event_id == supervision.id)).all()


def test_syntheses_go_up_and_the_higher_levels_answer_the_forwarded_items(db: Session) -> None:
    bloc = _org(db, BLOC)
    submitted = db.scalars(
        select(Synthesis).where(Synthesis.status == SynthesisStatus.SUBMITTED)
    ).all()
    assert submitted and {s.submitted_to_id for s in submitted} == {bloc.id}
    for title in (CENTRE_TITLE, CITY_TITLE):
        own = next(c for c in _consultations_on(db, title) if c.parent_id is None)
        [sub] = subcommittees.of_consultation(session=db, consultation_id=own.id)
        queue = forwarding.forwarded_queue(session=db, subcommittee_id=sub.id)
        assert queue and {row.organisation for row in queue} == {BLOC}
        answered = db.scalars(
            select(Decision).where(
                Decision.consultation_id == own.id, Decision.published_at.is_not(None)
            )
        ).all()
        assert answered and {d.target_type for d in answered} == {TargetType.ITEM}


def test_the_report_leaves_work_for_the_secretaries(db: Session) -> None:
    """On the report, Sở Tài chính has not yet sent its synthesis and the bloc has not started
    its own (the browser tests walk those steps)."""
    report = _consultations_on(db, REPORT_TITLE)[0]
    started = set(
        db.scalars(select(Synthesis.organisation_id).where(Synthesis.consultation_id == report.id))
    )
    assert started and _org(db, UNITS[0][0]).id not in started
    assert _org(db, BLOC).id not in started


def test_the_summary_shows_each_level_answering_and_the_chain_intact(
    demo: tuple[sessionmaker[Session], DemoSummary],
) -> None:
    summary = demo[1]
    assert [(tier, name) for tier, name, _held, _answered in summary.levels] == [
        ("Trung ương", CENTRE),
        ("Tỉnh/Thành phố", CITY),
        ("Khối/Huyện", BLOC),
    ]
    assert all(answered > 0 for *_rest, answered in summary.levels)
    assert summary.audit_intact and summary.audit_events > 0
    assert summary.story["Mục chuyển lên cấp trên"] > 0
    out = StringIO()
    print_summary(summary, Console(file=out, width=200))
    text = out.getvalue()
    assert "Tỉnh/Thành phố" in text and "thuky.trunguong" in text and "chuỗi băm nguyên vẹn" in text


def test_a_second_build_keeps_the_data(demo: tuple[sessionmaker[Session], DemoSummary]) -> None:
    again = build_demo(demo[0], seed=2025, console=Console(quiet=True))
    assert again.consultations == demo[1].consultations
