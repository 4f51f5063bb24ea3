"""Syntheses: drafting from own opinions and children, freezing, revisions, submission, drill-down
(both databases)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import NOW, World, build_world
from ykien.accounts import service as accounts
from ykien.analysis.models import (
    AnalysisRun,
    DuplicateGroup,
    DuplicateMember,
    ProposalStatus,
    Theme,
    ThemeMember,
)
from ykien.audit.models import AuditEvent
from ykien.errors import Conflict, UserError
from ykien.opinions import service as opinions
from ykien.synthesis import service as synthesis
from ykien.synthesis.models import ItemKind, SynthesisItem, SynthesisStatus


@dataclass
class Unit:
    world: World
    member_b: int
    bloc_secretary: int


def _world(session: Session) -> Unit:
    world = build_world(session)
    member_b = accounts.create_person(
        session=session, full_name="Lê Văn Bình", organisation_id=world.unit_b.id
    )
    secretary = accounts.create_person(
        session=session, full_name="Phạm Thị Thư", organisation_id=world.bloc.id
    )
    return Unit(world, member_b.id, secretary.id)


def _say(
    session: Session,
    world: World,
    text: str,
    *,
    author: int,
    section: str | None = None,
    on_behalf_of: int | None = None,
    channel: str = "online",
) -> int:
    result = opinions.submit(
        session=session,
        consultation_id=world.consultation.id,
        text=text,
        section_id=world.section(section).id if section else None,
        author_person_id=author,
        on_behalf_of_id=on_behalf_of,
        channel=channel,
        now=NOW,
    )
    return result.opinion.id


def _draft(session: Session, world: World, org_id: int) -> int:
    drafted = synthesis.draft_synthesis(
        session=session,
        consultation_id=world.consultation.id,
        organisation_id=org_id,
        by=None,
        summarise=False,
    )
    return drafted.id


def _submit_up(session: Session, world: World, org_id: int) -> int:
    synthesis_id = _draft(session, world, org_id)
    synthesis.sign_off(session=session, synthesis_id=synthesis_id, by=None)
    synthesis.submit(session=session, synthesis_id=synthesis_id, by=None)
    return synthesis_id


def _item(session: Session, synthesis_id: int, title_start: str) -> SynthesisItem:
    items = synthesis.items_of(session=session, synthesis_id=synthesis_id)
    return next(item for item in items if item.title.startswith(title_start))


def test_parent_consolidates_children_counting_each_opinion_once(session: Session) -> None:
    unit = _world(session)
    world = unit.world
    article_1 = _say(session, world, "Cần nói rõ phạm vi.", author=world.member_a, section="Điều 1")
    general = _say(session, world, "Dự thảo nhìn chung tốt.", author=world.member_a)
    behalf = _say(
        session,
        world,
        "Thời hạn 30 ngày là quá ngắn.",
        author=world.member_a,
        section="Điều 4",
        on_behalf_of=world.bloc.id,
        channel="event",
    )
    from_b = _say(
        session, world, "Phạm vi cần hẹp hơn.", author=unit.member_b, section="Điều 1",
        channel="written",
    )  # fmt: skip
    child_a = _submit_up(session, world, world.unit_a.id)
    child_b = _submit_up(session, world, world.unit_b.id)
    assert synthesis.opinions_of(session=session, synthesis_id=child_a) == sorted(
        [article_1, general, behalf]
    )

    parent = _draft(session, world, world.bloc.id)

    assert synthesis.opinions_of(session=session, synthesis_id=parent) == sorted(
        [article_1, general, behalf, from_b]
    )
    shown = synthesis.view(session=session, synthesis_id=parent)
    assert shown.totals.total.raw == 4
    by_title = {v.item.title.split(".")[0]: v for v in shown.items}
    assert by_title["Điều 1"].counts.total.raw == 2
    assert by_title["Điều 4"].counts.total.raw == 1  # own (on behalf) and via unit A: once
    assert dict((k, c.raw) for k, c in by_title["Điều 1"].counts.by_channel) == {
        "online": 1,
        "written": 1,
    }
    assert [v.item.kind for v in shown.items][-1] == ItemKind.OTHER
    article_item = by_title["Điều 1"].item
    down = synthesis.drill_down(session=session, item_id=article_item.id)
    assert down.own_opinion_ids == []
    assert {(c.synthesis_id, c.raw) for c in down.child_items} == {(child_a, 1), (child_b, 1)}
    assert synthesis.opinions_under(session=session, item_id=article_item.id) == sorted(
        [article_1, from_b]
    )
    deadline = synthesis.drill_down(session=session, item_id=by_title["Điều 4"].item.id)
    assert deadline.own_opinion_ids == [behalf]
    next_level = synthesis.drill_down(session=session, item_id=deadline.child_items[0].item_id)
    assert next_level.own_opinion_ids == [behalf] and next_level.child_items == []


def test_the_top_level_is_final_and_submission_needs_a_sign_off(session: Session) -> None:
    unit = _world(session)
    world = unit.world
    _say(session, world, "Ý kiến của đơn vị A.", author=world.member_a)
    draft = _draft(session, world, world.unit_a.id)
    with pytest.raises(UserError) as refused:
        synthesis.submit(session=session, synthesis_id=draft, by=None)
    assert refused.value.code == "not_signed_off"
    synthesis.sign_off(session=session, synthesis_id=draft, by=None)
    synthesis.submit(session=session, synthesis_id=draft, by=None)
    with pytest.raises(Conflict):
        synthesis.submit(session=session, synthesis_id=draft, by=None)
    top = _draft(session, world, world.bloc.id)
    synthesis.sign_off(session=session, synthesis_id=top, by=unit.bloc_secretary)
    with pytest.raises(UserError) as final:
        synthesis.submit(session=session, synthesis_id=top, by=None)
    assert final.value.code == "top_level_final"
    assert synthesis.get(session=session, synthesis_id=top).status == SynthesisStatus.SIGNED_OFF


def test_a_signed_off_synthesis_is_frozen_and_a_new_revision_keeps_history(
    session: Session,
) -> None:
    unit = _world(session)
    world = unit.world
    first = _say(session, world, "Cần nói rõ phạm vi.", author=world.member_a, section="Điều 1")
    _say(session, world, "Phạm vi nên rộng hơn.", author=world.member_a, section="Điều 1")
    draft = _draft(session, world, world.unit_a.id)
    item = _item(session, draft, "Điều 1")
    synthesis.edit_item(
        session=session, item_id=item.id, title="Về phạm vi điều chỉnh", summary="Hai ý kiến.",
        by=world.member_a,
    )  # fmt: skip
    synthesis.edit_summary(session=session, synthesis_id=draft, summary="Tóm tắt.", by=None)
    synthesis.sign_off(session=session, synthesis_id=draft, by=world.member_a)

    with pytest.raises(UserError) as frozen:
        synthesis.edit_item(session=session, item_id=item.id, title="Khác", by=None)
    assert frozen.value.code == "synthesis_frozen"
    with pytest.raises(Conflict):
        _draft(session, world, world.unit_a.id)
    opinions.hide(session=session, opinion_id=first, reason="trùng")
    later = _say(session, world, "Thêm một ý kiến.", author=world.member_a, section="Điều 1")
    assert synthesis.view(session=session, synthesis_id=draft).totals.total.raw == 2

    revision = synthesis.new_revision(session=session, synthesis_id=draft, by=None)
    assert (revision.revision, revision.previous_revision_id) == (2, draft)
    assert revision.status == SynthesisStatus.DRAFT and revision.summary == "Tóm tắt."
    refreshed = _draft(session, world, world.unit_a.id)
    assert refreshed == revision.id
    again = _item(session, refreshed, "Về phạm vi")
    assert again.summary == "Hai ý kiến." and again.edited
    ids = synthesis.opinions_under(session=session, item_id=again.id)
    assert first not in ids and later in ids and len(ids) == 2
    assert synthesis.opinions_under(session=session, item_id=item.id)[0] == first
    assert [s.revision for s in synthesis.history(
        session=session, consultation_id=world.consultation.id, organisation_id=world.unit_a.id
    )] == [1, 2]  # fmt: skip
    with pytest.raises(Conflict):
        synthesis.new_revision(session=session, synthesis_id=draft, by=None)
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_type == "synthesis")
    ).all()
    for action in ("drafted", "item_edited", "summary_edited", "signed_off", "revised"):
        assert f"synthesis.{action}" in actions


def test_a_campaign_counts_once_in_the_deduplicated_figure(session: Session) -> None:
    unit = _world(session)
    world = unit.world
    text = "Đề nghị giữ thời hạn 30 ngày."
    copies = [_say(session, world, text, author=world.member_a, section="Điều 4") for _ in range(3)]
    _say(session, world, "Ý kiến khác về thời hạn.", author=world.member_a, section="Điều 4")
    run = AnalysisRun(consultation_id=world.consultation.id)
    session.add(run)
    session.flush()
    group = DuplicateGroup(
        consultation_id=world.consultation.id,
        run_id=run.id,
        canonical_opinion_id=copies[0],
        exact=True,
        size=3,
        status=ProposalStatus.CONFIRMED,
    )
    session.add(group)
    session.flush()
    session.add_all(DuplicateMember(group_id=group.id, opinion_id=i) for i in copies)
    session.flush()
    draft = _draft(session, world, world.unit_a.id)
    synthesis.sign_off(session=session, synthesis_id=draft, by=None)
    item = _item(session, draft, "Điều 4")
    assert (item.raw_count, item.unique_count) == (4, 2)
    assert synthesis.view(session=session, synthesis_id=draft).totals.total.unique == 2


def test_theme_items_merge_across_levels_and_follow_theme_merges(session: Session) -> None:
    unit = _world(session)
    world = unit.world
    mine = _say(session, world, "Về chuyển đổi số.", author=world.member_a)
    theirs = _say(session, world, "Chuyển đổi số cơ sở.", author=unit.member_b)
    run = AnalysisRun(consultation_id=world.consultation.id)
    session.add(run)
    session.flush()
    old, new = (Theme(consultation_id=world.consultation.id, run_id=run.id, label=n) for n in "XY")
    session.add_all([old, new])
    session.flush()
    session.add_all([ThemeMember(theme_id=old.id, opinion_id=mine)])
    session.flush()
    _submit_up(session, world, world.unit_a.id)
    old.status, old.merged_into_id = "merged", new.id
    session.add(ThemeMember(theme_id=new.id, opinion_id=theirs))
    session.add(ThemeMember(theme_id=new.id, opinion_id=mine))
    session.flush()
    _submit_up(session, world, world.unit_b.id)
    parent = _draft(session, world, world.bloc.id)
    themes = [
        item
        for item in synthesis.items_of(session=session, synthesis_id=parent)
        if item.kind == ItemKind.THEME
    ]
    assert [(t.theme_id, t.title) for t in themes] == [(new.id, "Y")]
    assert synthesis.opinions_under(session=session, item_id=themes[0].id) == sorted([mine, theirs])
    assert len(synthesis.drill_down(session=session, item_id=themes[0].id).child_items) == 2


def test_pending_children_lists_the_units_yet_to_submit(session: Session) -> None:
    unit = _world(session)
    world = unit.world
    cid = world.consultation.id
    pending = synthesis.pending_children(
        session=session, consultation_id=cid, organisation_id=world.bloc.id
    )
    assert {(p.organisation_id, p.depth, p.status) for p in pending} == {
        (world.unit_a.id, 1, None),
        (world.unit_b.id, 1, None),
    }
    _submit_up(session, world, world.unit_a.id)
    _draft(session, world, world.unit_b.id)
    pending = synthesis.pending_children(
        session=session, consultation_id=cid, organisation_id=world.bloc.id
    )
    assert [(p.organisation_id, p.status) for p in pending] == [(world.unit_b.id, "draft")]


def test_reorder_and_quotes_are_checked(session: Session) -> None:
    unit = _world(session)
    world = unit.world
    one = _say(session, world, "Ý kiến về Điều 1.", author=world.member_a, section="Điều 1")
    two = _say(session, world, "Ý kiến về Điều 2.", author=world.member_a, section="Điều 2")
    draft = _draft(session, world, world.unit_a.id)
    items = synthesis.items_of(session=session, synthesis_id=draft)
    with pytest.raises(UserError):
        synthesis.reorder(session=session, synthesis_id=draft, item_ids=[items[0].id], by=None)
    synthesis.reorder(
        session=session, synthesis_id=draft, item_ids=[i.id for i in reversed(items)], by=None
    )
    assert [i.title[:6] for i in synthesis.items_of(session=session, synthesis_id=draft)] == [
        "Điều 2",
        "Điều 1",
    ]
    with pytest.raises(UserError):
        synthesis.set_quotes(session=session, item_id=items[0].id, opinion_ids=[two], by=None)
    synthesis.set_quotes(session=session, item_id=items[0].id, opinion_ids=[one], by=None)
    quotes = synthesis.view(session=session, synthesis_id=draft).items[1].quotes
    assert quotes == [(one, "Ý kiến về Điều 1.")]
    _draft(session, world, world.unit_a.id)  # a refresh keeps the order people chose
    assert [i.title[:6] for i in synthesis.items_of(session=session, synthesis_id=draft)] == [
        "Điều 2",
        "Điều 1",
    ]


def test_drafting_pre_fills_summaries_from_the_analysis(session: Session) -> None:
    unit = _world(session)
    world = unit.world
    for text in (
        "Đề nghị làm rõ phạm vi điều chỉnh của luật đối với cơ quan nhà nước.",
        "Phạm vi điều chỉnh cần bao gồm cả tổ chức chính trị xã hội.",
        "Cần quy định rõ phạm vi điều chỉnh đối với việc lấy ý kiến trực tuyến.",
    ):
        _say(session, world, text, author=world.member_a, section="Điều 1")
    drafted = synthesis.draft_synthesis(
        session=session, consultation_id=world.consultation.id, organisation_id=world.unit_a.id,
        by=None,
    )  # fmt: skip
    item = _item(session, drafted.id, "Điều 1")
    assert "phạm vi" in item.summary.lower() and item.quote_ids
    assert "3 ý kiến" in drafted.summary
