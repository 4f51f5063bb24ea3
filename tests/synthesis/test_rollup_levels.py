"""Property, across levels: over random organisation trees whose organisations run their own
collections on the owning level's draft (child consultations), each organiser's synthesis
forwarded up, the owning level counts the de-duplicated union of its direct opinions and of the
opinions forwarded to it, no opinion twice, and forwarding again changes nothing (both
databases)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.factories import NOW, World, build_world
from ykien.accounts import service as accounts
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.decisions import forwarding
from ykien.decisions.models import ForwardedItem
from ykien.decisions.queues import subcommittees_of
from ykien.errors import UserError
from ykien.opinions import service as opinions
from ykien.orgs import service as orgs
from ykien.synthesis import service as synthesis

SECTIONS = [None, "Điều 1", "Điều 3", "Điều 4"]
MAX_DEPTH = 3


@dataclass(frozen=True)
class Said:
    target: int  # -1: directly at the owning level; else the index of a child collection
    org: int  # index into the collection organiser's subtree (modulo its size)
    behalf_up: int | None  # credited to the ancestor this many levels up (within the subtree)
    section: int


@dataclass(frozen=True)
class LevelPlan:
    parents: list[int]  # parents[i] is the parent index of organisation i + 1; 0 is the bloc
    organisers: list[int]  # the organisations running a child collection (distinct)
    said: list[Said]
    unsubmitted: frozenset[int]


@st.composite
def level_plans(draw: st.DrawFn) -> LevelPlan:
    size = draw(st.integers(min_value=1, max_value=8))
    depth, parents = [0], []
    for node in range(1, size):
        parent = draw(st.integers(min_value=0, max_value=node - 1))
        while depth[parent] >= MAX_DEPTH:
            parent = parents[parent - 1]
        parents.append(parent)
        depth.append(depth[parent] + 1)
    organisers = draw(
        st.lists(st.integers(0, size - 1), min_size=1, max_size=min(3, size), unique=True)
    )
    said = st.builds(
        Said,
        target=st.integers(-1, len(organisers) - 1),
        org=st.integers(0, size - 1),
        behalf_up=st.one_of(st.none(), st.integers(0, MAX_DEPTH)),
        section=st.integers(0, len(SECTIONS) - 1),
    )
    chosen = draw(st.lists(said, max_size=20))
    unsubmitted = draw(st.frozensets(st.integers(1, size - 1), max_size=2)) if size > 1 else None
    return LevelPlan(parents, organisers, chosen, unsubmitted or frozenset())


@dataclass
class Tree:
    ids: list[int]
    parent: dict[int, int | None]

    def subtree(self, top: int) -> list[int]:
        return [org for org in self.ids if top in self.chain(org)]

    def chain(self, org: int) -> list[int]:
        found: list[int] = []
        node: int | None = org
        while node is not None:
            found.append(node)
            node = self.parent[node]
        return found


@dataclass
class LevelWorld:
    world: World
    parent: Consultation
    children: list[tuple[Consultation, int]]  # each child collection and its organiser


@pytest.fixture
def level_world(engine: Engine) -> Iterator[tuple[Session, LevelWorld]]:
    """The centre's consultation on the world's draft with one subcommittee; each example
    runs in a savepoint rolled back after it."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        world = build_world(session)
        centre = orgs.create(session=session, name="Trung ương", kind="party_committee")
        parent = consultations.create(
            session=session, title="Lấy ý kiến của Trung ương",
            draft_version_id=world.consultation.draft_version_id, organiser_id=centre.id,
            scope_organisation_ids=[centre.id, world.bloc.id],
            opens_at=world.consultation.opens_at, closes_at=world.consultation.closes_at,
        )  # fmt: skip
        consultations.open_(session=session, consultation_id=parent.id)
        consultations.add_subcommittee(
            session=session, consultation_id=parent.id, organisation_id=centre.id,
            name="Tiểu ban Văn kiện", section_ids=[s.id for s in world.sections],
        )  # fmt: skip
        yield session, LevelWorld(world, parent, [])
    finally:
        session.close()
        outer.rollback()
        connection.close()


def _tree(session: Session, world: World, plan: LevelPlan) -> Tree:
    ids = [world.bloc.id]
    for number, parent in enumerate(plan.parents, start=1):
        made = orgs.create(
            session=session, name=f"Đơn vị {number}", kind="party_cell", parent_id=ids[parent]
        )
        ids.append(made.id)
    parent_of: dict[int, int | None] = {ids[0]: None}
    parent_of |= {ids[i + 1]: ids[p] for i, p in enumerate(plan.parents)}
    return Tree(ids, parent_of)


def _children(session: Session, lw: LevelWorld, tree: Tree, plan: LevelPlan) -> None:
    for index in plan.organisers:
        child = consultations.create(
            session=session, title=f"Đơn vị {index} lấy ý kiến", parent_id=lw.parent.id,
            draft_version_id=lw.parent.draft_version_id, organiser_id=tree.ids[index],
            opens_at=lw.parent.opens_at, closes_at=lw.parent.closes_at,
        )  # fmt: skip
        consultations.open_(session=session, consultation_id=child.id)
        lw.children.append((child, tree.ids[index]))


def _say(
    session: Session, lw: LevelWorld, tree: Tree, plan: LevelPlan
) -> tuple[set[int], dict[int, dict[int, set[int]]]]:
    """Submit the plan's opinions: (direct ids, child index -> opinion id -> attached orgs)."""
    people: dict[int, int] = {}
    direct: set[int] = set()
    given: dict[int, dict[int, set[int]]] = {i: {} for i in range(len(lw.children))}
    for spec in plan.said:
        section = SECTIONS[spec.section]
        section_id = lw.world.section(section).id if section else None
        if spec.target < 0:
            consultation, org, behalf = lw.parent, lw.parent.organiser_id, None
        else:
            consultation, top = lw.children[spec.target]
            members = tree.subtree(top)
            org = members[spec.org % len(members)]
            chain = tree.chain(org)[: chain_len(tree, org, top)]
            behalf = None if spec.behalf_up is None else chain[min(spec.behalf_up, len(chain) - 1)]
        if org not in people:
            people[org] = accounts.create_person(
                session=session, full_name=f"Người {org}", organisation_id=org
            ).id
        opinion_id = opinions.submit(
            session=session, consultation_id=consultation.id, text=f"Ý kiến {len(people)}.",
            section_id=section_id, author_person_id=people[org], on_behalf_of_id=behalf, now=NOW,
        ).opinion.id  # fmt: skip
        if spec.target < 0:
            direct.add(opinion_id)
        else:
            given[spec.target][opinion_id] = {org} | ({behalf} if behalf else set())
    return direct, given


def chain_len(tree: Tree, org: int, top: int) -> int:
    """How many links of the organisation's chain lie inside the organiser's subtree."""
    return tree.chain(org).index(top) + 1


def _reaching(tree: Tree, top: int, attached: set[int], submitted: set[int]) -> bool:
    """Whether an opinion attached to these organisations reaches the organiser `top` through
    submitted syntheses (the organiser's own opinions reach it at once)."""
    for start in attached:
        node: int | None = start
        while node is not None:
            if node == top:
                return True
            node = tree.parent[node] if node in submitted else None
    return False


def _synthesise_and_forward(
    session: Session, lw: LevelWorld, tree: Tree, submitted: set[int]
) -> list[int]:
    """Bottom-up syntheses in each child collection; the organiser's signed and forwarded."""
    forwarded = []
    for child, top in lw.children:
        members = sorted(tree.subtree(top), key=lambda o: -len(tree.chain(o)))
        for org in members:
            made = synthesis.draft_synthesis(
                session=session, consultation_id=child.id, organisation_id=org, by=None,
                summarise=False,
            )  # fmt: skip
            synthesis.sign_off(session=session, synthesis_id=made.id, by=None)
            if org != top and org in submitted:
                synthesis.submit(session=session, synthesis_id=made.id, by=None)
        if not synthesis.items_of(session=session, synthesis_id=made.id):
            with pytest.raises(UserError):  # nothing to forward: refused, every time
                forwarding.forward_up(session=session, synthesis_id=made.id, by=None)
            continue
        done = forwarding.forward_up(session=session, synthesis_id=made.id, by=None)
        assert not done.already
        forwarded.append(made.id)
    return forwarded


def _queue_union(session: Session, lw: LevelWorld) -> list[int]:
    """Every opinion the owning level's subcommittees reach, once per forwarded row it is in."""
    found: list[int] = []
    for sub in subcommittees_of(session=session, consultation_id=lw.parent.id):
        for row in forwarding.forwarded_queue(session=session, subcommittee_id=sub.id):
            drill = forwarding.drill(session=session, subcommittee_id=sub.id, forwarded_id=row.id)
            found.extend(o.id for o in drill.opinions)
    return found


@pytest.mark.slow
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=level_plans())
def test_the_owning_level_counts_the_union_of_direct_and_forwarded(
    level_world: tuple[Session, LevelWorld], plan: LevelPlan
) -> None:
    session, base = level_world
    savepoint = session.begin_nested()
    try:
        lw = LevelWorld(base.world, base.parent, [])
        tree = _tree(session, lw.world, plan)
        _children(session, lw, tree, plan)
        direct, given_in = _say(session, lw, tree, plan)
        submitted = {tree.ids[i] for i in range(1, len(tree.ids)) if i not in plan.unsubmitted}
        forwarded_ids = _synthesise_and_forward(session, lw, tree, submitted)
        reached = {
            opinion_id
            for index, (_, top) in enumerate(lw.children)
            for opinion_id, attached in given_in[index].items()
            if _reaching(tree, top, attached, submitted)
        }
        counts = forwarding.level_counts(session=session, consultation_id=lw.parent.id)
        assert (counts.direct, counts.forwarded) == (len(direct), len(reached))
        assert counts.total == len(direct | reached)
        queued = _queue_union(session, lw)
        assert set(queued) == reached
        assert len(queued) == len(set(queued))  # no opinion under two forwarded items
        for index, (child, _) in enumerate(lw.children):
            below = forwarding.level_counts(session=session, consultation_id=child.id)
            assert (below.direct, below.forwarded) == (len(given_in[index]), 0)
        rows = session.scalar(select(func.count()).select_from(ForwardedItem))
        for synthesis_id in forwarded_ids:
            again = forwarding.forward_up(session=session, synthesis_id=synthesis_id, by=None)
            assert again.already
        assert session.scalar(select(func.count()).select_from(ForwardedItem)) == rows
        assert forwarding.level_counts(session=session, consultation_id=lw.parent.id) == counts
    finally:
        savepoint.rollback()
