"""The analysis job through the command line and through the queue (SQLite file and Redis)."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.analysis.conftest import AnalysisWorld
from ykien.analysis.models import AnalysisRun, RunStatus
from ykien.cli import main
from ykien.queue import EmbeddedWorker, make_queue


def _cli(aw: AnalysisWorld, *args: str, queue_url: str = "") -> str:
    result = CliRunner().invoke(
        main,
        ["--data-dir", str(aw.settings.data_dir), "--database-url", aw.settings.database_url,
         *args],
        env={"YKIEN_QUEUE_URL": queue_url},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output


def test_ykien_analyse_prints_what_it_found(analysis_world: AnalysisWorld) -> None:
    output = _cli(analysis_world, "analyse", str(analysis_world.world.consultation.id))
    assert "17 ý kiến (12 sau khi gộp trùng)" in output
    assert "1 nhóm trùng lặp mới" in output


def test_an_unknown_consultation_is_a_clear_error(analysis_world: AnalysisWorld) -> None:
    result = CliRunner().invoke(
        main, ["--database-url", analysis_world.settings.database_url, "analyse", "9999"]
    )
    assert result.exit_code == 2
    assert "Không" in result.output


def _queued_run_is_done_by_a_worker(aw: AnalysisWorld, queue_url: str) -> None:
    output = _cli(aw, "analyse", str(aw.world.consultation.id), "--queue", queue_url=queue_url)
    assert "hàng đợi" in output
    queue = make_queue(aw.settings.model_copy(update={"queue_url": queue_url}))
    assert EmbeddedWorker(queue).run_pending() == 1
    with Session(aw.engine) as session:
        run = session.scalars(select(AnalysisRun)).one()
        assert run.status == RunStatus.DONE, run.error
        assert run.stats["campaigns"] == 1


def test_a_run_queued_on_the_embedded_sqlite_queue(analysis_world: AnalysisWorld) -> None:
    _queued_run_is_done_by_a_worker(analysis_world, "")


def test_a_run_queued_on_redis(analysis_world: AnalysisWorld) -> None:
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    _queued_run_is_done_by_a_worker(analysis_world, url)
