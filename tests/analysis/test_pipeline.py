"""The analysis job end to end on SQLite and PostgreSQL: stages, re-runs, human edits kept."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tests.analysis.conftest import AnalysisWorld, add_opinions
from ykien.analysis import jobs
from ykien.analysis import service as analysis
from ykien.analysis.models import (
    AnalysisRun,
    DuplicateGroup,
    DuplicateMember,
    OpinionAnalysis,
    RunStatus,
    SectionSuggestion,
    Theme,
    ThemeMember,
    ThemeStatus,
)
from ykien.audit import service as audit
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.drafts.models import Section
from ykien.synthesis.models import ItemKind, Synthesis, SynthesisItem


def run(aw: AnalysisWorld, **options: int) -> AnalysisRun:
    with unit_of_work(make_session_factory(aw.engine)) as session:
        run_id = analysis.request_run(
            session=session,
            consultation_id=aw.world.consultation.id,
            requested_by=None,
            **options,
        ).id
    seen: list[str] = []
    finished = jobs.execute_run(
        engine=aw.engine,
        run_id=run_id,
        settings=aw.settings,
        progress=lambda stage, done, total: seen.append(stage),
    )
    assert {"texts", "campaigns", "sections", "themes"} <= set(seen)
    return finished


def test_a_run_finds_the_campaign_sections_and_themes(analysis_world: AnalysisWorld) -> None:
    finished = run(analysis_world)
    assert finished.status == RunStatus.DONE
    stats = finished.stats
    assert stats["opinions"] == 17
    assert stats["analysed_now"] == 17
    with Session(analysis_world.engine) as session:
        groups = session.scalars(select(DuplicateGroup)).all()
        assert len(groups) == 1
        members = set(session.scalars(select(DuplicateMember.opinion_id)))
        assert members == set(analysis_world.campaign_ids)
        # the campaign counts once in de-duplicated figures
        assert stats["unique"] == 17 - len(analysis_world.campaign_ids) + 1
        # the opinion naming Điều 4 gets Điều 4 first, by reference
        best = session.execute(
            select(Section.label, SectionSuggestion.method)
            .join(Section, Section.id == SectionSuggestion.section_id)
            .where(
                SectionSuggestion.opinion_id == analysis_world.referenced_id,
                SectionSuggestion.rank == 1,
            )
        ).one()
        assert best.label == "Điều 4"
        assert best.method == "reference"
        themes = session.scalars(select(Theme)).all()
        assert len(themes) >= 2
        placed = list(session.scalars(select(ThemeMember.opinion_id)))
        assert len(placed) == len(set(placed)), "an opinion is in one theme only"
        for theme in themes:
            view = analysis.theme(session=session, theme_id=theme.id)
            members_of_theme = {
                m for m, _t, _p in analysis.theme_members(session=session, theme_id=theme.id)
            }
            for sentence in view.summary:
                assert sentence["opinion_ids"], "every summary sentence cites its opinions"
                assert set(sentence["opinion_ids"]) <= members_of_theme
        assert audit.verify(session=session).problem is None


def test_a_rerun_is_incremental_and_keeps_human_edits(analysis_world: AnalysisWorld) -> None:
    aw = analysis_world
    run(aw)
    factory = make_session_factory(aw.engine)
    with unit_of_work(factory) as session:
        theme_id = analysis.theme_list(session=session, consultation_id=aw.world.consultation.id)[
            0
        ].theme.id
        analysis.rename_theme(
            session=session, theme_id=theme_id, label="Tên do thư ký đặt", actor_person_id=None
        )
        kept_members = {
            m for m, _t, _p in analysis.theme_members(session=session, theme_id=theme_id)
        }
        group = session.scalars(select(DuplicateGroup)).one()
        split_out = aw.campaign_ids[-1]
        analysis.split_campaign(
            session=session, group_id=group.id, opinion_ids=[split_out], actor_person_id=None
        )
    new_ids = add_opinions(
        aw.engine,
        aw.world,
        ["Cổng thông tin điện tử cần hỗ trợ góp ý trực tuyến cho người khuyết tật."],
    )
    second = run(aw)
    assert second.stats["analysed_now"] == len(new_ids), "only new opinions are analysed again"
    with Session(aw.engine) as session:
        assert session.scalar(select(func.count()).select_from(OpinionAnalysis)) == 18
        theme = session.get_one(Theme, theme_id)
        assert theme.label == "Tên do thư ký đặt"
        members = {m for m, _t, _p in analysis.theme_members(session=session, theme_id=theme_id)}
        assert members == kept_members
        group = session.get_one(DuplicateGroup, group.id)
        assert group.status == "confirmed"
        excluded = session.scalar(
            select(DuplicateMember.excluded).where(
                DuplicateMember.group_id == group.id, DuplicateMember.opinion_id == split_out
            )
        )
        assert excluded is True
        assert session.scalar(select(func.count()).select_from(DuplicateGroup)) == 1


def test_a_rerun_with_nothing_new_keeps_the_results_and_a_decision_runs_it_again(
    analysis_world: AnalysisWorld,
) -> None:
    aw = analysis_world
    first = run(aw)
    with Session(aw.engine) as session:
        themes_before = set(session.scalars(select(Theme.id)))
    again = run(aw)
    assert again.stats["unchanged"] is True and again.stats["analysed_now"] == 0
    assert again.stats["input_state"] == first.stats["input_state"]
    assert again.stats["unique"] == first.stats["unique"]
    with Session(aw.engine) as session:
        assert set(session.scalars(select(Theme.id))) == themes_before
        group = session.scalars(select(DuplicateGroup)).one()
    with unit_of_work(make_session_factory(aw.engine)) as session:
        analysis.split_campaign(
            session=session,
            group_id=group.id,
            opinion_ids=[aw.campaign_ids[-1]],
            actor_person_id=None,
        )
    third = run(aw)
    assert "unchanged" not in third.stats, "a person's decision is new input"
    assert third.stats["input_state"] != first.stats["input_state"]


def test_one_run_at_a_time_and_bad_bounds_are_refused(analysis_world: AnalysisWorld) -> None:
    with unit_of_work(make_session_factory(analysis_world.engine)) as session:
        consultation_id = analysis_world.world.consultation.id
        analysis.request_run(session=session, consultation_id=consultation_id, requested_by=None)
        with pytest.raises(analysis.Conflict):
            analysis.request_run(
                session=session, consultation_id=consultation_id, requested_by=None
            )
        with pytest.raises(analysis.UserError):
            analysis.request_run(
                session=session,
                consultation_id=consultation_id,
                requested_by=None,
                min_themes=9,
                max_themes=3,
            )


@pytest.mark.slow
def test_the_same_pipeline_runs_on_a_dask_cluster(analysis_world: AnalysisWorld) -> None:
    from distributed import LocalCluster

    aw = analysis_world
    with unit_of_work(make_session_factory(aw.engine)) as session:
        run_id = analysis.request_run(
            session=session,
            consultation_id=aw.world.consultation.id,
            requested_by=None,
            engine="dask",
        ).id
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        finished = jobs.execute_run(
            engine=aw.engine,
            run_id=run_id,
            settings=aw.settings,
            dask_scheduler=cluster.scheduler_address,
        )
    assert finished.status == RunStatus.DONE
    assert finished.stats["analysed_now"] == 17
    with Session(aw.engine) as session:
        members = set(session.scalars(select(DuplicateMember.opinion_id)))
        assert members == set(aw.campaign_ids), "the shuffled LSH finds the same campaign"
        placed = list(session.scalars(select(ThemeMember.opinion_id)))
        assert placed and len(placed) == len(set(placed))
        assert session.scalar(select(func.count()).select_from(Theme)) >= 2


def _synthesis_citing(aw: AnalysisWorld, theme_ids: list[int]) -> list[int]:
    """A unit's synthesis with one item per theme; returns the item ids."""
    with unit_of_work(make_session_factory(aw.engine)) as session:
        synthesis = Synthesis(
            consultation_id=aw.world.consultation.id, organisation_id=aw.world.unit_a.id
        )
        session.add(synthesis)
        session.flush()
        items = [
            SynthesisItem(
                synthesis_id=synthesis.id,
                kind=ItemKind.THEME,
                theme_id=theme_id,
                title=f"Chủ đề {theme_id}",
                position=position,
            )
            for position, theme_id in enumerate(theme_ids)
        ]
        session.add_all(items)
        session.flush()
        return [item.id for item in items]


def test_a_rerun_keeps_the_themes_a_synthesis_cites(analysis_world: AnalysisWorld) -> None:
    """Issue 12: a re-run once a synthesis cites a theme the run no longer finds failed with a
    foreign key error shown to the secretary, and new opinions got no theme from then on."""
    aw = analysis_world
    run(aw)
    with Session(aw.engine) as session:
        theme_ids = list(session.scalars(select(Theme.id).order_by(Theme.id)))
    item_ids = _synthesis_citing(aw, theme_ids)
    with unit_of_work(make_session_factory(aw.engine)) as session:
        # the first theme's opinions were all taken out: the re-run cannot match it again
        session.execute(delete(ThemeMember).where(ThemeMember.theme_id == theme_ids[0]))
    second = run(aw)
    assert second.status == RunStatus.DONE, second.error
    with Session(aw.engine) as session:
        for item_id in item_ids:
            item = session.get_one(SynthesisItem, item_id)
            assert item.title.startswith("Chủ đề ")
            if item.theme_id is not None:
                assert session.get(Theme, item.theme_id) is not None
        stale = session.get_one(Theme, theme_ids[0])
        assert stale.status == ThemeStatus.MERGED, "no longer listed as a theme"
        listed = {
            v.theme.id
            for v in analysis.theme_list(session=session, consultation_id=aw.world.consultation.id)
        }
        assert theme_ids[0] not in listed
    new_ids = add_opinions(
        aw.engine,
        aw.world,
        [
            "Cổng thông tin điện tử cần có chức năng góp ý trực tuyến trên máy tính bảng.",
            "Tọa đàm lấy ý kiến cần mời thêm đại diện đoàn thanh niên ở cơ sở.",
        ],
    )
    third = run(aw)
    assert third.status == RunStatus.DONE, third.error
    with Session(aw.engine) as session:
        placed = set(session.scalars(select(ThemeMember.opinion_id)))
        assert set(new_ids) & placed, "new opinions get a theme again"


def test_a_failed_run_records_no_raw_error_text(analysis_world: AnalysisWorld) -> None:
    """The run keeps a message for people; the exception goes to the log."""
    aw = analysis_world
    with unit_of_work(make_session_factory(aw.engine)) as session:
        run_id = analysis.request_run(
            session=session, consultation_id=aw.world.consultation.id, requested_by=None
        ).id

    def fail(stage: str, done: int, total: int) -> None:
        raise RuntimeError("FOREIGN KEY constraint failed [SQL: DELETE FROM themes]")

    with pytest.raises(RuntimeError):
        jobs.execute_run(engine=aw.engine, run_id=run_id, settings=aw.settings, progress=fail)
    with Session(aw.engine) as session:
        failed = session.get_one(AnalysisRun, run_id)
        assert failed.status == RunStatus.FAILED
        assert failed.error == jobs.FAILED_MESSAGE
        assert "SQL" not in (failed.error or "") and "FOREIGN" not in (failed.error or "")
