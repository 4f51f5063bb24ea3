"""Across levels: a bloc's collection on the centre's draft, its signed synthesis forwarded to the
centre's subcommittees, their queues and drill-down, and the centre's decisions flowing back."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.decisions.crosslevel import CrossWorld, build_cross_world, sign_bloc_synthesis
from ykien.accounts.models import Person
from ykien.audit.models import AuditEvent
from ykien.decisions import forwarding, notify
from ykien.decisions import service as decisions
from ykien.decisions.models import ForwardedItem, TargetType
from ykien.errors import Conflict, UserError
from ykien.events.models import Notification
from ykien.synthesis import service as synthesis


@pytest.fixture
def cross(session: Session) -> CrossWorld:
    return build_cross_world(session)


def _queue_opinions(session: Session, sub_id: int) -> dict[str, set[int]]:
    """Title of each forwarded item in the queue -> the opinions its drill-down reaches."""
    found = {}
    for row in forwarding.forwarded_queue(session=session, subcommittee_id=sub_id):
        drill = forwarding.drill(session=session, subcommittee_id=sub_id, forwarded_id=row.id)
        found[row.title] = {o.id for o in drill.opinions}
    return found


def test_each_subcommittee_receives_exactly_its_sections_items(
    session: Session, cross: CrossWorld
) -> None:
    bloc_synthesis = sign_bloc_synthesis(session, cross)
    done = forwarding.forward_up(session=session, synthesis_id=bloc_synthesis, by=cross.chair)
    assert not done.already
    general = _queue_opinions(session, cross.general_sub.id)
    terms = _queue_opinions(session, cross.terms_sub.id)
    assert {title.split(".")[0]: ids for title, ids in terms.items()} == {
        "Điều 3": {cross.on_3},
        "Điều 4": {cross.on_4},
    }
    # Điều 1 and the general item (no section: the parent's first subcommittee)
    assert sorted(general.values(), key=sorted) == [{cross.on_1}, {cross.general}]
    assert cross.direct not in set().union(*general.values(), *terms.values())


def test_the_drill_down_gives_each_opinions_origin(session: Session, cross: CrossWorld) -> None:
    forwarding.forward_up(
        session=session, synthesis_id=sign_bloc_synthesis(session, cross), by=None
    )
    rows = forwarding.forwarded_queue(session=session, subcommittee_id=cross.terms_sub.id)
    row = next(r for r in rows if r.title.startswith("Điều 4"))
    assert (row.organisation, row.from_consultation_id, row.revision) == (
        cross.world.bloc.name,
        cross.child.id,
        1,
    )
    assert (row.raw_count, row.opinion_count) == (1, 1)
    drill = forwarding.drill(
        session=session, subcommittee_id=cross.terms_sub.id, forwarded_id=row.id
    )
    [origin] = drill.opinions
    assert (origin.organisation, origin.via, origin.channel) == (
        cross.world.unit_a.name,
        cross.world.unit_a.name,  # brought in by unit A's consolidated synthesis
        "online",
    )
    assert len(drill.child_items) == 1
    behalf = next(r for r in rows if r.title.startswith("Điều 3"))
    [own] = forwarding.drill(
        session=session, subcommittee_id=cross.terms_sub.id, forwarded_id=behalf.id
    ).opinions
    assert (own.organisation, own.via) == (cross.world.bloc.name, None)
    with pytest.raises(UserError):  # another subcommittee's row is not in this queue
        forwarding.drill(session=session, subcommittee_id=cross.general_sub.id, forwarded_id=row.id)


def test_forwarding_is_idempotent_and_a_new_revision_supersedes(
    session: Session, cross: CrossWorld
) -> None:
    first = sign_bloc_synthesis(session, cross)
    rows = forwarding.forward_up(session=session, synthesis_id=first, by=None).rows
    again = forwarding.forward_up(session=session, synthesis_id=first, by=None)
    assert again.already and [r.id for r in again.rows] == [r.id for r in rows]
    second = synthesis.new_revision(session=session, synthesis_id=first, by=None)
    with pytest.raises(UserError):  # a draft is not forwarded
        forwarding.forward_up(session=session, synthesis_id=second.id, by=None)
    with pytest.raises(Conflict):  # nor an older revision once a newer one exists
        forwarding.forward_up(session=session, synthesis_id=first, by=None)
    synthesis.sign_off(session=session, synthesis_id=second.id, by=None)
    revised = forwarding.forward_up(session=session, synthesis_id=second.id, by=None)
    assert revised.superseded == len(rows)
    all_rows = session.scalars(select(ForwardedItem)).all()
    assert len(all_rows) == 2 * len(rows)  # the history is kept
    assert {r.synthesis_id for r in all_rows if r.superseded_at is None} == {second.id}
    queued = forwarding.forwarded_queue(session=session, subcommittee_id=cross.terms_sub.id)
    assert {r.revision for r in queued} == {2}
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "synthesis.forwarded_up")
    ).all()
    assert len(actions) == 2


def test_only_a_signed_synthesis_of_a_child_organiser_goes_up(
    session: Session, cross: CrossWorld
) -> None:
    world = cross.world
    unit = synthesis.draft_synthesis(
        session=session,
        consultation_id=cross.child.id,
        organisation_id=world.unit_a.id,
        by=None,
        summarise=False,
    )
    synthesis.sign_off(session=session, synthesis_id=unit.id, by=None)
    with pytest.raises(UserError) as refused:
        forwarding.forward_up(session=session, synthesis_id=unit.id, by=None)
    assert refused.value.code == "not_organiser_synthesis"
    top = synthesis.draft_synthesis(
        session=session,
        consultation_id=world.consultation.id,
        organisation_id=world.bloc.id,
        by=None,
        summarise=False,
    )
    synthesis.sign_off(session=session, synthesis_id=top.id, by=None)
    with pytest.raises(UserError) as refused:
        forwarding.forward_up(session=session, synthesis_id=top.id, by=None)
    assert refused.value.code == "no_parent_consultation"


def test_a_centre_decision_reaches_the_childs_author(session: Session, cross: CrossWorld) -> None:
    forwarding.forward_up(
        session=session, synthesis_id=sign_bloc_synthesis(session, cross), by=None
    )
    row = next(
        r
        for r in forwarding.forwarded_queue(session=session, subcommittee_id=cross.terms_sub.id)
        if r.title.startswith("Điều 4")
    )
    decision = decisions.draft(
        session=session,
        subcommittee_id=cross.terms_sub.id,
        target_type=TargetType.ITEM,
        target_id=row.item_id,
        outcome="accepted",
        explanation="Tiếp thu: nâng thời hạn lên 60 ngày.",
    )
    decisions.approve(session=session, decision_id=decision.id, actor_person_id=cross.chair)
    published = decisions.publish(
        session=session, consultation_id=cross.parent.id, decision_ids=[decision.id]
    )
    assert published.recipients == {cross.world.member_a: [cross.on_4]}
    trace = decisions.traces(session=session, opinion_ids=[cross.on_4, cross.on_1])
    assert trace[cross.on_4].decision is not None and trace[cross.on_4].decision.id == decision.id
    assert trace[cross.on_4].via == TargetType.ITEM
    assert trace[cross.on_1].decision is None
    notices = session.scalars(
        select(Notification).where(Notification.person_id == cross.world.member_a)
    ).all()
    assert any("1 ý kiến" in n.text for n in notices)
    # the child's view: its forwarded item was answered by the owning level
    sent = forwarding.forwarded_from(session=session, consultation_id=cross.child.id)
    answered = [r for r in sent if r.decision is not None]
    assert [r.item_id for r in answered] == [row.item_id]
    [child_row] = forwarding.children(session=session, consultation_id=cross.parent.id)
    assert (child_row.items_forwarded, child_row.items_answered) == (4, 1)
    report = decisions.responses(session=session, consultation_id=cross.parent.id)
    assert [(r.decision.id, r.opinion_count) for r in report] == [(decision.id, 1)]
    # the e-mail of the batch, as for a decision on the opinion itself
    session.get_one(Person, cross.world.member_a).email = "hoan@example.vn"
    [message] = notify.publication_messages(
        session=session, publication_id=published.publication.id, tz=ZoneInfo("Asia/Ho_Chi_Minh")
    )
    assert message.to_address == "hoan@example.vn"
    assert "Thời hạn 30 ngày là quá ngắn." in message.body and "nâng thời hạn" in message.body


def test_an_item_not_forwarded_to_the_consultation_cannot_be_decided(
    session: Session, cross: CrossWorld
) -> None:
    bloc = sign_bloc_synthesis(session, cross)
    item = synthesis.items_of(session=session, synthesis_id=bloc)[0]
    with pytest.raises(UserError):
        decisions.draft(
            session=session,
            subcommittee_id=cross.terms_sub.id,
            target_type=TargetType.ITEM,
            target_id=item.id,
            outcome="accepted",
            explanation="Tiếp thu.",
        )


def test_the_parent_counts_direct_and_forwarded_opinions_separately(
    session: Session, cross: CrossWorld
) -> None:
    before = forwarding.level_counts(session=session, consultation_id=cross.parent.id)
    assert (before.direct, before.forwarded, before.total) == (1, 0, 1)
    forwarding.forward_up(
        session=session, synthesis_id=sign_bloc_synthesis(session, cross), by=None
    )
    after = forwarding.level_counts(session=session, consultation_id=cross.parent.id)
    assert (after.direct, after.forwarded, after.total) == (1, 4, 5)
    [child] = forwarding.children(session=session, consultation_id=cross.parent.id)
    assert (child.counts.direct, child.counts.forwarded, child.forwarded_revision) == (4, 0, 1)


def test_up_a_level_in_a_childs_queue_points_to_forwarding_the_synthesis(
    session: Session, cross: CrossWorld
) -> None:
    from ykien.consultations import service as consultations

    world = cross.world
    bloc_sub = consultations.add_subcommittee(
        session=session,
        consultation_id=cross.child.id,
        organisation_id=world.bloc.id,
        name="Tiểu ban Văn kiện Đảng bộ Khối",
        section_ids=[world.section("Điều 4").id],
    )
    with pytest.raises(UserError) as refused:
        decisions.forward(
            session=session,
            subcommittee_id=bloc_sub.id,
            target_type=TargetType.OPINION,
            target_id=cross.on_4,
            to_subcommittee_id=None,
        )
    assert refused.value.code == "forward_through_synthesis"


def test_an_empty_synthesis_is_not_forwarded_so_forwarding_stays_idempotent(
    session: Session, cross: CrossWorld
) -> None:
    """A collection no opinion reached has a synthesis without items: forwarding it would send
    nothing and, having left no row, could not tell a second forwarding from the first (a new
    audit entry and notice each time), so it is refused with a clear message."""
    from ykien.consultations import service as consultations

    world = cross.world
    quiet = consultations.create(
        session=session,
        title="Chi bộ Sở Tài chính lấy ý kiến",
        draft_version_id=cross.parent.draft_version_id,
        organiser_id=world.unit_a.id,
        opens_at=cross.parent.opens_at,
        closes_at=cross.parent.closes_at,
        parent_id=cross.parent.id,
    )
    empty = synthesis.draft_synthesis(
        session=session,
        consultation_id=quiet.id,
        organisation_id=world.unit_a.id,
        by=None,
        summarise=False,
    )
    synthesis.sign_off(session=session, synthesis_id=empty.id, by=None)
    for _ in range(2):
        with pytest.raises(UserError) as refused:
            forwarding.forward_up(session=session, synthesis_id=empty.id, by=None)
        assert refused.value.code == "nothing_to_forward"
    assert not session.scalars(
        select(AuditEvent).where(AuditEvent.action == "synthesis.forwarded_up")
    ).all()
    assert not session.scalars(select(ForwardedItem)).all()
