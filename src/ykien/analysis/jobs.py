"""The analysis job: takes a run id, opens its own sessions, records progress and the outcome."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from huey import Huey
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ykien.analysis import tallies
from ykien.analysis.models import AnalysisRun, RunStatus
from ykien.analysis.pipeline import DaskExecutor, Executor, LocalExecutor, RunContext, run_pipeline
from ykien.audit import service as audit
from ykien.config import Settings
from ykien.db.base import utcnow
from ykien.db.engine import engine_from_settings

log = logging.getLogger(__name__)
TASK_NAME = "analysis.run"
# the task wrapper registered on each queue (queues are built per app, never at import time)
_TASKS: WeakKeyDictionary[Huey, Any] = WeakKeyDictionary()
# what a failed run says (the page translates it); the exception itself is logged
FAILED_MESSAGE = (
    "The analysis stopped because of an error. Run it again; if it stops again, "
    "tell the administrator (the error is in the server log)."
)


def register(huey: Huey, settings: Settings) -> None:
    """Register the analysis task on huey; the worker builds its own engine from settings."""

    def run_analysis(run_id: int) -> None:
        engine = engine_from_settings(settings)
        try:
            execute_run(engine=engine, run_id=run_id, settings=settings)
        finally:
            engine.dispose()

    _TASKS[huey] = huey.task(name=TASK_NAME)(run_analysis)


def enqueue(huey: Huey, run_id: int) -> None:
    """Put the run on the queue (with the memory queue it runs now, in the caller)."""
    _TASKS[huey](run_id)


def execute_run(
    *,
    engine: Engine,
    run_id: int,
    settings: Settings,
    progress: Callable[[str, int, int], None] | None = None,
    dask_scheduler: str | None = None,
) -> AnalysisRun:
    """Run every stage of the analysis; a failure is recorded on the run and re-raised."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        run = session.get_one(AnalysisRun, run_id)
        if run.status == RunStatus.RUNNING:
            log.warning("run %s was left running (worker stopped?); running it again", run_id)
        run.status, run.started_at, run.error = RunStatus.RUNNING, utcnow(), None
        consultation_id = run.consultation_id
        scheduler = dask_scheduler or run.params.get("scheduler")
    client = _dask_client(scheduler) if run.engine == "dask" else None
    executor: Executor = DaskExecutor(client) if client is not None else LocalExecutor()
    ctx = RunContext(
        engine=engine,
        run_id=run_id,
        consultation_id=consultation_id,
        executor=executor,
        models_dir=settings.resolved_models_dir,
        progress=progress or (lambda stage, done, total: None),
        dask_client=client,
    )
    try:
        stats = run_pipeline(ctx)
    except Exception:
        # the exception (SQL, paths) is for the server log, never for the page or the API
        log.exception("analysis run %s failed", run_id)
        _finish(engine, run_id, status=RunStatus.FAILED, error=FAILED_MESSAGE)
        raise
    finally:
        if client is not None:
            client.close()
    return _finish(engine, run_id, status=RunStatus.DONE, stats=stats)


def _dask_client(scheduler: str | None) -> Any:
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    return Client(LocalCluster(n_workers=2, threads_per_worker=1, processes=True))


def _finish(
    engine: Engine,
    run_id: int,
    *,
    status: RunStatus,
    stats: dict[str, Any] | None = None,
    error: str | None = None,
) -> AnalysisRun:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        run = session.get_one(AnalysisRun, run_id)
        run.status, run.finished_at, run.error = status, utcnow(), error
        if status == RunStatus.DONE:  # the de-duplicated counts from the new campaigns
            tallies.refresh_campaign_tallies(session=session, consultation_id=run.consultation_id)
        if stats is not None:
            run.stats_json = json.dumps(stats, ensure_ascii=False)
        audit.record(
            session=session,
            action=f"analysis.{status}",
            entity_type="analysis_run",
            entity_id=run_id,
            actor_person_id=None,
            payload={"consultation_id": run.consultation_id, **(stats or {}), "error": error},
        )
    return run
