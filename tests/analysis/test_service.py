"""What people do with the proposals: campaigns, themes, sections, kinds and flags (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.analysis.conftest import AnalysisWorld, add_opinions
from tests.analysis.test_pipeline import run
from ykien.analysis import proposals
from ykien.analysis import service as analysis
from ykien.analysis.models import DuplicateGroup, Theme, ThemeMember, ThemeStatus
from ykien.audit.models import AuditEvent
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.errors import UserError
from ykien.opinions.models import Opinion, OpinionStatus


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_undoing_a_campaign_counts_its_opinions_separately(analysis_world: AnalysisWorld) -> None:
    run(analysis_world)
    cid = analysis_world.world.consultation.id
    with unit_of_work(make_session_factory(analysis_world.engine)) as session:
        before = analysis.overview(session=session, consultation_id=cid).counts
        group = session.scalars(select(DuplicateGroup)).one()
        analysis.decide_campaign(
            session=session, group_id=group.id, action="undo", actor_person_id=None
        )
        after = analysis.overview(session=session, consultation_id=cid).counts
        assert before.raw == after.raw == 17
        assert (before.unique, after.unique) == (12, 17)
        with pytest.raises(UserError):
            analysis.decide_campaign(
                session=session, group_id=group.id, action="delete", actor_person_id=None
            )
        assert "campaign.undo" in _actions(session)
    run(analysis_world)  # an undone grouping is not proposed again
    with Session(analysis_world.engine) as session:
        assert session.scalar(select(func.count()).select_from(DuplicateGroup)) == 1


def test_merge_split_and_move_themes(analysis_world: AnalysisWorld) -> None:
    run(analysis_world)
    cid = analysis_world.world.consultation.id
    with unit_of_work(make_session_factory(analysis_world.engine)) as session:
        views = analysis.theme_list(session=session, consultation_id=cid)
        assert len(views) >= 2
        total = sum(v.counts.total.raw for v in views)
        target, source = views[0].theme, views[1].theme
        merged = analysis.merge_themes(
            session=session, target_id=target.id, source_ids=[source.id], actor_person_id=None
        )
        assert session.get_one(Theme, source.id).status == ThemeStatus.MERGED
        assert merged.edited
        views = analysis.theme_list(session=session, consultation_id=cid)
        assert sum(v.counts.total.raw for v in views) == total, "merging loses no opinion"
        parts = analysis.split_theme(session=session, theme_id=target.id, actor_person_id=None)
        assert len(parts) == 2
        sizes = [
            session.scalar(select(func.count()).where(ThemeMember.theme_id == part.id))
            for part in parts
        ]
        assert all(sizes) and sum(sizes) >= 2
        moved = session.scalars(
            select(ThemeMember.opinion_id).where(ThemeMember.theme_id == parts[1].id)
        ).first()
        assert moved is not None
        analysis.move_opinions(
            session=session, opinion_ids=[moved], to_theme_id=parts[0].id, actor_person_id=None
        )
        homes = session.scalars(
            select(ThemeMember.theme_id).where(ThemeMember.opinion_id == moved)
        ).all()
        assert homes == [parts[0].id]
        with pytest.raises(UserError):
            analysis.move_opinions(
                session=session, opinion_ids=[10**6], to_theme_id=parts[0].id, actor_person_id=None
            )
        actions = _actions(session)
        assert {"theme.merged", "theme.split", "theme.opinions_moved_in"} <= set(actions)


def test_kinds_and_flags_are_proposals_until_confirmed(analysis_world: AnalysisWorld) -> None:
    [rude] = add_opinions(
        analysis_world.engine, analysis_world.world, ["Bọn mày là lũ ngu, cút đi"]
    )
    run(analysis_world)
    cid = analysis_world.world.consultation.id
    with unit_of_work(make_session_factory(analysis_world.engine)) as session:
        kinds = {
            row.opinion_id: row.value
            for row in proposals.kind_proposals(session=session, consultation_id=cid)
        }
        assert kinds[analysis_world.referenced_id] == "amend"
        assert session.get_one(Opinion, analysis_world.referenced_id).kind == "comment"
        assert (
            proposals.decide_kinds(
                session=session,
                consultation_id=cid,
                opinion_ids=[analysis_world.referenced_id],
                accept=True,
                actor_person_id=None,
            )
            == 1
        )
        assert session.get_one(Opinion, analysis_world.referenced_id).kind == "amend"
        flags = [
            row.opinion_id for row in proposals.flag_proposals(session=session, consultation_id=cid)
        ]
        assert flags == [rude]
        with pytest.raises(UserError):  # hiding needs a reason
            proposals.decide_flags(
                session=session,
                consultation_id=cid,
                opinion_ids=[rude],
                hide=True,
                reason=" ",
                actor_person_id=None,
            )
    with unit_of_work(make_session_factory(analysis_world.engine)) as session:
        proposals.decide_flags(
            session=session,
            consultation_id=cid,
            opinion_ids=[rude],
            hide=True,
            reason="Xúc phạm",
            actor_person_id=None,
        )
        opinion = session.get_one(Opinion, rude)
        assert opinion.status == OpinionStatus.HIDDEN and opinion.hidden_reason == "Xúc phạm"
        assert proposals.flag_proposals(session=session, consultation_id=cid) == []
