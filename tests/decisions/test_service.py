"""Queues and forwarding, the decision workflow, precedence, traces and the next version."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.decisions.conftest import NEXT_LAW, DecisionWorld
from ykien.analysis import service as analysis
from ykien.analysis.models import AnalysisRun, DuplicateMember, Theme
from ykien.audit.models import AuditEvent
from ykien.decisions import service as decisions
from ykien.decisions.models import Decision, DecisionStatus, TargetType
from ykien.drafts import service as drafts
from ykien.drafts.models import DraftVersion
from ykien.errors import Conflict, NotFound, UserError
from ykien.events.models import Notification
from ykien.opinions.models import Opinion
from ykien.synthesis.models import Synthesis, SynthesisItem, SynthesisItemOpinion


def _decide(
    session: Session,
    dw: DecisionWorld,
    target: tuple[str, int],
    outcome: str = "accepted",
    *,
    publish: bool = True,
    sections: list[int] | None = None,
) -> Decision:
    decision = decisions.draft(
        session=session,
        subcommittee_id=dw.unit_sub.id,
        target_type=target[0],
        target_id=target[1],
        outcome=outcome,
        explanation=f"Giải trình cho {target[0]} {target[1]}.",
        new_wording="Thời hạn lấy ý kiến ít nhất là 60 ngày.",
        section_ids=sections or [],
    )
    decisions.approve(session=session, decision_id=decision.id)
    if publish:
        decisions.publish(
            session=session, consultation_id=dw.world.consultation.id, decision_ids=[decision.id]
        )
    return decision


def _ids(items: list[decisions.QueueItem]) -> list[int]:
    return [item.target_id for item in items]


def test_queues_route_items_by_the_sections_of_their_opinions(
    session: Session, dw: DecisionWorld
) -> None:
    unit = decisions.queue(session=session, subcommittee_id=dw.unit_sub.id)
    assert _ids(unit.themes) == [dw.theme_id]
    assert _ids(unit.campaigns) == [dw.group_id]
    assert sorted(_ids(unit.opinions)) == sorted([dw.own, *dw.theme_ids])
    assert unit.opinion_total == 5
    assert dw.unsectioned not in _ids(unit.opinions)
    general = decisions.queue(session=session, subcommittee_id=dw.bloc_general.id)
    assert (general.themes, general.campaigns, general.opinions) == ([], [], [])
    page = decisions.queue(
        session=session, subcommittee_id=dw.unit_sub.id, opinion_limit=2, opinion_offset=4
    )
    assert len(page.opinions) == 1 and page.opinion_total == 5


def test_forwarding_up_a_level_moves_the_item_and_keeps_the_trail(
    session: Session, dw: DecisionWorld
) -> None:
    cid = dw.world.consultation.id
    before = decisions.holders(
        session=session, consultation_id=cid, target_type="theme", target_id=dw.theme_id
    )
    assert before == {dw.unit_sub.id, dw.bloc_sub.id}  # Điều 3 and Điều 4
    sent = decisions.forward(
        session=session,
        subcommittee_id=dw.unit_sub.id,
        target_type="theme",
        target_id=dw.theme_id,
        to_subcommittee_id=None,
        note="Vượt thẩm quyền chi bộ",
        actor_person_id=dw.world.member_a,
    )
    assert sent.to_subcommittee_id == dw.bloc_sub.id  # the bloc's, for Điều 4
    assert dw.theme_id not in _ids(
        decisions.queue(session=session, subcommittee_id=dw.unit_sub.id).themes
    )
    bloc = decisions.queue(session=session, subcommittee_id=dw.bloc_sub.id)
    assert [(i.target_id, i.forwarded_in) for i in bloc.themes] == [(dw.theme_id, True)]
    assert [f.note for f in bloc.trail] == ["Vượt thẩm quyền chi bộ"]
    with pytest.raises(Conflict):  # no longer in the unit's queue
        decisions.forward(
            session=session,
            subcommittee_id=dw.unit_sub.id,
            target_type="theme",
            target_id=dw.theme_id,
            to_subcommittee_id=dw.bloc_general.id,
        )
    sideways = decisions.forward(
        session=session,
        subcommittee_id=dw.bloc_sub.id,
        target_type="theme",
        target_id=dw.theme_id,
        to_subcommittee_id=dw.bloc_general.id,
    )
    trail = decisions.trail_of(
        session=session, consultation_id=cid, target_type="theme", target_id=dw.theme_id
    )
    assert [f.id for f in trail] == [sent.id, sideways.id]
    assert decisions.holders(
        session=session, consultation_id=cid, target_type="theme", target_id=dw.theme_id
    ) == {dw.bloc_general.id}
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_type == "theme")
    ).all()
    assert actions.count("queue.forwarded") == 2


def test_no_higher_subcommittee_and_bad_targets_are_refused(
    session: Session, dw: DecisionWorld
) -> None:
    with pytest.raises(UserError, match="higher-level"):
        decisions.forward(
            session=session,
            subcommittee_id=dw.bloc_sub.id,
            target_type="opinion",
            target_id=dw.own,
            to_subcommittee_id=None,
        )
    with pytest.raises(NotFound):
        decisions.forward(
            session=session,
            subcommittee_id=dw.unit_sub.id,
            target_type="theme",
            target_id=999_999,
            to_subcommittee_id=dw.bloc_sub.id,
        )
    with pytest.raises(UserError):
        decisions.forward(
            session=session,
            subcommittee_id=dw.unit_sub.id,
            target_type="opinion",
            target_id=dw.own,
            to_subcommittee_id=dw.unit_sub.id,
        )


def test_workflow_draft_approve_publish_and_frozen(session: Session, dw: DecisionWorld) -> None:
    cid = dw.world.consultation.id
    section = dw.world.section("Điều 4").id
    decision = _decide(session, dw, ("opinion", dw.own), publish=False, sections=[section])
    assert decision.status == DecisionStatus.APPROVED
    with pytest.raises(Conflict):  # one open decision per item
        _decide(session, dw, ("opinion", dw.own), publish=False)
    edited = decisions.edit(
        session=session,
        decision_id=decision.id,
        outcome="partly_accepted",
        explanation="Tiếp thu một phần.",
        section_ids=[section],
    )
    assert edited.status == DecisionStatus.DRAFT and edited.approved_at is None
    with pytest.raises(Conflict):  # a draft must be approved first
        decisions.publish(session=session, consultation_id=cid, decision_ids=[decision.id])
    decisions.approve(session=session, decision_id=decision.id)
    decisions.publish(session=session, consultation_id=cid, decision_ids=[decision.id])
    assert decision.status == DecisionStatus.PUBLISHED and decision.publication_id is not None
    with pytest.raises(Conflict):
        decisions.edit(
            session=session, decision_id=decision.id, outcome="noted", explanation="Sửa."
        )
    with pytest.raises(Conflict):
        decisions.approve(session=session, decision_id=decision.id)
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity_type == "decision", AuditEvent.entity_id == decision.id)
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "decision.drafted",
        "decision.approved",
        "decision.edited",
        "decision.approved",
        "decision.published",
    ]


def test_bad_inputs_change_nothing(session: Session, dw: DecisionWorld) -> None:
    base = {"session": session, "subcommittee_id": dw.unit_sub.id, "target_type": "opinion"}
    with pytest.raises(UserError, match="outcome"):
        decisions.draft(**base, target_id=dw.own, outcome="maybe", explanation="x")
    with pytest.raises(UserError, match="explanation"):
        decisions.draft(**base, target_id=dw.own, outcome="noted", explanation="  ")
    with pytest.raises(UserError, match="sections"):
        decisions.draft(
            **base, target_id=dw.own, outcome="noted", explanation="x", section_ids=[10**6]
        )
    with pytest.raises(NotFound):
        decisions.draft(**base, target_id=10**6, outcome="noted", explanation="x")
    assert session.scalars(select(Decision)).all() == []


def test_a_correction_supersedes_the_published_decision(
    session: Session, dw: DecisionWorld
) -> None:
    first = _decide(session, dw, ("campaign", dw.group_id), "not_accepted")
    with pytest.raises(UserError):  # only a published decision of the same item
        decisions.draft(
            session=session,
            subcommittee_id=dw.unit_sub.id,
            target_type="opinion",
            target_id=dw.own,
            outcome="accepted",
            explanation="x",
            supersedes_id=first.id,
        )
    correction = decisions.draft(
        session=session,
        subcommittee_id=dw.unit_sub.id,
        target_type="campaign",
        target_id=dw.group_id,
        outcome="accepted",
        explanation="Đính chính: tiếp thu.",
        supersedes_id=first.id,
    )
    decisions.approve(session=session, decision_id=correction.id)
    assert (
        decisions.effective_decisions(session=session, opinion_ids=[dw.campaign_ids[0]])[
            dw.campaign_ids[0]
        ].decision.id
        == first.id
    )  # until the correction is published
    decisions.publish(
        session=session, consultation_id=dw.world.consultation.id, decision_ids=[correction.id]
    )
    assert first.status == DecisionStatus.SUPERSEDED and first.explanation.startswith("Giải")
    assert [d.id for d in decisions.history(session=session, decision=correction)] == [
        first.id,
        correction.id,
    ]
    answer = decisions.effective_decisions(session=session, opinion_ids=[dw.campaign_ids[0]])
    assert answer[dw.campaign_ids[0]].decision.id == correction.id


def test_own_decision_wins_then_campaign_then_theme(session: Session, dw: DecisionWorld) -> None:
    theme = _decide(session, dw, ("theme", dw.theme_id), "noted")
    campaign = _decide(session, dw, ("campaign", dw.group_id), "partly_accepted")
    first = dw.campaign_ids[0]
    on_forms = dw.theme_ids[-1]
    found = decisions.effective_decisions(session=session, opinion_ids=[first, on_forms, dw.own])
    assert (found[first].decision.id, found[first].via) == (campaign.id, "campaign")
    assert (found[on_forms].decision.id, found[on_forms].via) == (theme.id, "theme")
    assert dw.own not in found
    own = _decide(session, dw, ("opinion", first), "not_accepted")
    found = decisions.effective_decisions(session=session, opinion_ids=[first])
    assert (found[first].decision.id, found[first].via) == (own.id, "opinion")


def test_the_trace_follows_split_undo_and_moves(session: Session, dw: DecisionWorld) -> None:
    theme = _decide(session, dw, ("theme", dw.theme_id), "noted")
    campaign = _decide(session, dw, ("campaign", dw.group_id), "accepted")
    second = dw.campaign_ids[1]
    assert decisions.traces(session=session, opinion_ids=[second])[second].decision == campaign
    analysis.split_campaign(
        session=session, group_id=dw.group_id, opinion_ids=[second], actor_person_id=None
    )
    trace = decisions.traces(session=session, opinion_ids=[second])[second]
    assert (trace.campaign_id, trace.decision, trace.via) == (None, theme, "theme")
    run_id = session.scalars(select(AnalysisRun.id)).one()
    other = Theme(consultation_id=dw.world.consultation.id, run_id=run_id, label="Khác")
    session.add(other)
    session.flush()
    analysis.move_opinions(
        session=session, opinion_ids=[second], to_theme_id=other.id, actor_person_id=None
    )
    trace = decisions.traces(session=session, opinion_ids=[second])[second]
    assert (trace.theme_label, trace.decision) == ("Khác", None)
    first = dw.campaign_ids[0]
    analysis.decide_campaign(
        session=session, group_id=dw.group_id, action="undo", actor_person_id=None
    )
    trace = decisions.traces(session=session, opinion_ids=[first])[first]
    assert (trace.campaign_id, trace.decision) == (None, theme)


def test_merged_theme_carries_the_target_decision(session: Session, dw: DecisionWorld) -> None:
    run_id = session.scalars(select(AnalysisRun.id)).one()
    target = Theme(consultation_id=dw.world.consultation.id, run_id=run_id, label="Đích")
    session.add(target)
    session.flush()
    answer = _decide(session, dw, ("theme", target.id), "accepted")
    analysis.merge_themes(
        session=session, target_id=target.id, source_ids=[dw.theme_id], actor_person_id=None
    )
    on_forms = dw.theme_ids[-1]
    assert decisions.traces(session=session, opinion_ids=[on_forms])[on_forms].decision == answer


def test_one_notice_per_person_per_publication(session: Session, dw: DecisionWorld) -> None:
    theme = _decide(session, dw, ("theme", dw.theme_id), publish=False)
    campaign = _decide(session, dw, ("campaign", dw.group_id), publish=False)
    published = decisions.publish(
        session=session,
        consultation_id=dw.world.consultation.id,
        decision_ids=[theme.id, campaign.id],
    )
    assert published.recipients == {
        dw.world.member_a: sorted([*dw.campaign_ids[:2], dw.theme_ids[-1]]),
        dw.other_person: [dw.campaign_ids[2]],
    }
    notices = session.scalars(select(Notification).order_by(Notification.person_id)).all()
    assert [n.person_id for n in notices] == sorted([dw.world.member_a, dw.other_person])
    assert "3 ý kiến của bạn" in next(n.text for n in notices if n.person_id == dw.world.member_a)
    assert published.publication.notified_count == 2


def test_section_changes_show_the_next_version(session: Session, dw: DecisionWorld) -> None:
    section = dw.world.section("Điều 4")
    decision = _decide(session, dw, ("opinion", dw.own), sections=[section.id])
    before = decisions.section_changes(session=session, decision=decision)
    assert [(c.label, c.status) for c in before] == [("Điều 4", None)]
    version = session.get_one(DraftVersion, dw.world.consultation.draft_version_id)
    new = drafts.import_version(
        session=session, draft_id=version.draft_id, data=NEXT_LAW.encode(), filename="v2.txt"
    )
    change = decisions.section_changes(session=session, decision=decision)[0]
    assert change.status == "changed" and change.new_label == "Điều 4"
    assert "60" in change.diff
    chosen_version, choices = decisions.section_choices(
        session=session, consultation_id=dw.world.consultation.id
    )
    assert chosen_version.id == new.id
    new_section = next(s for s in choices if s.label == "Điều 4")
    later = _decide(session, dw, ("theme", dw.theme_id), sections=[new_section.id])
    change = decisions.section_changes(session=session, decision=later)[0]
    assert (change.version_number, change.status, change.new_section_id) == (
        2,
        "changed",
        new_section.id,
    )


def test_trace_lists_the_syntheses_reached(session: Session, dw: DecisionWorld) -> None:
    cid = dw.world.consultation.id
    for org, status in [(dw.world.unit_a, "submitted"), (dw.world.bloc, "draft")]:
        synthesis = Synthesis(consultation_id=cid, organisation_id=org.id, status=status)
        session.add(synthesis)
        session.flush()
        item = SynthesisItem(synthesis_id=synthesis.id, title="Điều 4")
        session.add(item)
        session.flush()
        session.add(SynthesisItemOpinion(item_id=item.id, opinion_id=dw.own))
    session.flush()
    steps = decisions.traces(session=session, opinion_ids=[dw.own])[dw.own].syntheses
    assert [(s.organisation, s.status) for s in steps] == [
        ("Chi bộ Sở Tài chính", "submitted"),
        ("Đảng bộ Khối các cơ quan", "draft"),
    ]


def test_lookup_by_receipt_shows_only_what_the_policy_publishes(
    session: Session, dw: DecisionWorld
) -> None:
    cid = dw.world.consultation.id
    answer = _decide(session, dw, ("opinion", dw.own))
    code = session.get_one(Opinion, dw.own).receipt_code
    found = decisions.lookup(session=session, consultation_id=cid, receipt_code=code.lower())
    assert found is not None and found.text and found.trace.decision == answer
    dw.world.consultation.opinions_public = False
    hidden = decisions.lookup(session=session, consultation_id=cid, receipt_code=code)
    assert hidden is not None and hidden.text is None and hidden.section_label == "Điều 4"
    assert decisions.lookup(session=session, consultation_id=cid, receipt_code="NOPE") is None
    responses = decisions.responses(session=session, consultation_id=cid)
    assert [(r.decision.id, r.opinion_count) for r in responses] == [(answer.id, 1)]


def test_excluded_members_are_not_answered_by_the_campaign(
    session: Session, dw: DecisionWorld
) -> None:
    session.execute(
        update(DuplicateMember)
        .where(DuplicateMember.opinion_id == dw.campaign_ids[2])
        .values(excluded=True)
    )
    _decide(session, dw, ("campaign", dw.group_id))
    found = decisions.effective_decisions(session=session, opinion_ids=dw.campaign_ids)
    assert dw.campaign_ids[2] not in found
    assert {found[i].via for i in dw.campaign_ids[:2]} == {TargetType.CAMPAIGN}
