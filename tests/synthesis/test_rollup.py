"""Property: over random organisation trees and opinion sets, every organisation's synthesis total
equals the de-duplicated union of what lies beneath it, and so do the set-based roll-up and the
straightforward baseline (both databases)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.factories import NOW, World, build_world
from ykien.accounts import service as accounts
from ykien.analysis.models import AnalysisRun, DuplicateGroup, DuplicateMember, ProposalStatus
from ykien.opinions import service as opinions
from ykien.orgs import service as orgs
from ykien.synthesis import rollup
from ykien.synthesis import service as synthesis
from ykien.synthesis.models import SynthesisItem, SynthesisItemOpinion

TEXTS = [
    "Đề nghị bổ sung quy định về trách nhiệm giải trình.",
    "Thời hạn lấy ý kiến cần kéo dài hơn.",
    "Cần làm rõ phạm vi điều chỉnh.",
    "Đồng ý với dự thảo.",
]
CHANNELS = ["online", "event", "written"]
SECTIONS = [None, "Điều 1", "Điều 3", "Điều 4"]
MAX_DEPTH = 4  # the root and four levels beneath it: five levels


@dataclass(frozen=True)
class OpinionPlan:
    org: int  # index of the author's organisation
    behalf_up: int | None  # on behalf of the ancestor this many levels up (0 = its own)
    text: int
    section: int
    channel: int
    hidden: bool


@dataclass(frozen=True)
class Plan:
    parents: list[int]  # parents[i] is the parent index of organisation i + 1; 0 is the root
    opinions: list[OpinionPlan]
    unsubmitted: frozenset[int]


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    size = draw(st.integers(min_value=1, max_value=12))
    depth: list[int] = [0]
    parents: list[int] = []
    for node in range(1, size):
        parent = draw(st.integers(min_value=0, max_value=node - 1))
        while depth[parent] >= MAX_DEPTH:
            parent = parents[parent - 1]
        parents.append(parent)
        depth.append(depth[parent] + 1)
    opinion = st.builds(
        OpinionPlan,
        org=st.integers(0, size - 1),
        behalf_up=st.one_of(st.none(), st.integers(0, MAX_DEPTH)),
        text=st.integers(0, len(TEXTS) - 1),
        section=st.integers(0, len(SECTIONS) - 1),
        channel=st.integers(0, len(CHANNELS) - 1),
        hidden=st.integers(0, 5).map(lambda n: n == 0),
    )
    chosen = draw(st.lists(opinion, max_size=25))
    unsubmitted = draw(st.frozensets(st.integers(1, size - 1), max_size=2)) if size > 1 else None
    return Plan(parents, chosen, unsubmitted or frozenset())


@dataclass
class Built:
    org_ids: list[int]
    parent: dict[int, int | None]
    # opinion id -> (attached organisations, de-duplication key), visible opinions only
    visible: dict[int, tuple[set[int], int]]
    submitted: set[int]


def _ancestor(parents: list[int], node: int, up: int) -> int:
    for _ in range(up):
        if node == 0:
            break
        node = parents[node - 1]
    return node


def _build(session: Session, world: World, plan: Plan) -> Built:
    org_ids = [world.bloc.id]
    for number, parent in enumerate(plan.parents, start=1):
        created = orgs.create(
            session=session, name=f"Đơn vị {number}", kind="party_cell", parent_id=org_ids[parent]
        )
        org_ids.append(created.id)
    people = [
        accounts.create_person(session=session, full_name=f"Người {i}", organisation_id=org).id
        for i, org in enumerate(org_ids)
    ]
    visible: dict[int, tuple[set[int], int]] = {}
    by_text: dict[int, list[int]] = {}
    for spec in plan.opinions:
        behalf = (
            None if spec.behalf_up is None else org_ids[_ancestor(plan.parents, spec.org, spec.behalf_up)]
        )  # fmt: skip
        section = SECTIONS[spec.section]
        opinion_id = opinions.submit(
            session=session,
            consultation_id=world.consultation.id,
            text=TEXTS[spec.text],
            section_id=world.section(section).id if section else None,
            author_person_id=people[spec.org],
            on_behalf_of_id=behalf,
            channel=CHANNELS[spec.channel],
            now=NOW,
        ).opinion.id
        by_text.setdefault(spec.text, []).append(opinion_id)
        if spec.hidden:
            opinions.hide(session=session, opinion_id=opinion_id, reason="thử")
        else:
            attached = {org_ids[spec.org]} | ({behalf} if behalf else set())
            visible[opinion_id] = (attached, opinion_id)
    _campaigns(session, world, by_text, visible)
    parent_of: dict[int, int | None] = {org_ids[0]: None}
    parent_of |= {org_ids[i + 1]: org_ids[p] for i, p in enumerate(plan.parents)}
    submitted = {org_ids[i] for i in range(1, len(org_ids)) if i not in plan.unsubmitted}
    return Built(org_ids, parent_of, visible, submitted)


def _campaigns(
    session: Session,
    world: World,
    by_text: dict[int, list[int]],
    visible: dict[int, tuple[set[int], int]],
) -> None:
    """Identical texts form a confirmed campaign (the analysis would find them)."""
    run = AnalysisRun(consultation_id=world.consultation.id)
    session.add(run)
    session.flush()
    for members in by_text.values():
        if len(members) < 2:
            continue
        group = DuplicateGroup(
            consultation_id=world.consultation.id,
            run_id=run.id,
            canonical_opinion_id=members[0],
            exact=True,
            size=len(members),
            status=ProposalStatus.CONFIRMED,
        )
        session.add(group)
        session.flush()
        session.add_all(DuplicateMember(group_id=group.id, opinion_id=m) for m in members)
        for member in members:
            if member in visible:
                visible[member] = (visible[member][0], -group.id)
    session.flush()


def _expected(built: Built, organisation_id: int) -> tuple[int, int]:
    """Opinions reaching the organisation through submitted chains: (raw, unique)."""

    def reaches(start: int) -> bool:
        node: int | None = start
        while node is not None:
            if node == organisation_id:
                return True
            node = built.parent[node] if node in built.submitted else None
        return False

    found = {
        opinion_id: key
        for opinion_id, (attached, key) in built.visible.items()
        if any(reaches(org) for org in attached)
    }
    return len(found), len(set(found.values()))


def _synthesise_bottom_up(session: Session, world: World, built: Built) -> dict[int, int]:
    depth = {org: 0 for org in built.org_ids}
    for org in built.org_ids:
        node = built.parent[org]
        while node is not None:
            depth[org] += 1
            node = built.parent[node]
    made: dict[int, int] = {}
    for org in sorted(built.org_ids, key=lambda o: -depth[o]):
        drafted = synthesis.draft_synthesis(
            session=session, consultation_id=world.consultation.id, organisation_id=org,
            by=None, summarise=False,
        )  # fmt: skip
        synthesis.sign_off(session=session, synthesis_id=drafted.id, by=None)
        if org in built.submitted:
            synthesis.submit(session=session, synthesis_id=drafted.id, by=None)
        made[org] = drafted.id
    return made


def _no_opinion_twice_in_an_item(session: Session, synthesis_id: int) -> None:
    rows = session.execute(
        select(SynthesisItemOpinion.item_id, SynthesisItemOpinion.opinion_id)
        .join(SynthesisItem, SynthesisItem.id == SynthesisItemOpinion.item_id)
        .where(SynthesisItem.synthesis_id == synthesis_id)
    ).all()
    assert len(rows) == len(set(rows))


@pytest.fixture
def world_session(engine: Engine) -> Iterator[tuple[Session, World]]:
    """A consultation under a bloc; each example runs in a savepoint rolled back after it."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield session, build_world(session)
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=plans())
def test_every_total_is_the_deduplicated_union_beneath(
    world_session: tuple[Session, World], plan: Plan
) -> None:
    session, world = world_session
    savepoint = session.begin_nested()
    try:
        built = _build(session, world, plan)
        made = _synthesise_bottom_up(session, world, built)
        fast = rollup.rollup(session=session, consultation_id=world.consultation.id)
        slow = rollup.baseline_rollup(
            session=session, consultation_id=world.consultation.id, organisation_ids=made
        )
        for org, synthesis_id in made.items():
            expected = _expected(built, org)
            totals = synthesis.view(session=session, synthesis_id=synthesis_id).totals.total
            assert (totals.raw, totals.unique) == expected, org
            assert (
                len(synthesis.opinions_of(session=session, synthesis_id=synthesis_id))
                == (expected[0])
            )
            _no_opinion_twice_in_an_item(session, synthesis_id)
            got = fast.get(org, rollup.RollupCounts(0, 0))
            assert (got.raw, got.unique) == expected, org
            assert slow.get(org, rollup.RollupCounts(0, 0)) == got
    finally:
        savepoint.rollback()


def test_rollup_without_submissions_counts_the_whole_subtree(session: Session) -> None:
    world = build_world(session)
    author = accounts.create_person(
        session=session, full_name="Hà An", organisation_id=world.unit_b.id
    )
    opinions.submit(
        session=session, consultation_id=world.consultation.id, text="Một ý kiến.",
        author_person_id=author.id, now=NOW,
    )  # fmt: skip
    cid = world.consultation.id
    assert world.bloc.id not in rollup.rollup(session=session, consultation_id=cid)
    everything = rollup.rollup(session=session, consultation_id=cid, submitted_only=False)
    assert everything[world.bloc.id] == everything[world.unit_b.id] == rollup.RollupCounts(1, 1)
    assert world.unit_a.id not in everything
    assert (
        rollup.baseline_rollup(session=session, consultation_id=cid, submitted_only=False)
        == everything
    )
