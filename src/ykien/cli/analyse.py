"""`ykien analyse CONSULTATION_ID` and `ykien worker` (the queue that runs analyses)."""

from __future__ import annotations

from typing import Any

import click

from ykien.cli.context import Context, console, handles_user_errors, pass_context, progress_bar

ANALYSIS_STAGES = {
    "texts": "Chuẩn hoá, phân loại, gắn cờ",
    "campaigns": "Tìm ý kiến trùng lặp",
    "sections": "Đề xuất điều khoản",
    "themes": "Gom chủ đề",
}


@click.command()
@click.argument("consultation_id", type=int)
@click.option("--engine", "engine_name", type=click.Choice(["local", "dask"]), default="local")
@click.option("--scheduler", help="Dask scheduler address (default: a local cluster).")
@click.option("--min-themes", type=int, default=2, show_default=True)
@click.option("--max-themes", type=int, default=12, show_default=True)
@click.option(
    "--queue", "use_queue", is_flag=True, help="Put the job on the task queue and return."
)
@pass_context
@handles_user_errors
def analyse(
    ctx: Context,
    consultation_id: int,
    engine_name: str,
    scheduler: str | None,
    min_themes: int,
    max_themes: int,
    use_queue: bool,
) -> None:
    """Analyse CONSULTATION_ID: campaigns, themes, sections, kinds and moderation flags."""
    from ykien.analysis import jobs
    from ykien.analysis import service as analysis
    from ykien.consultations import service as consultations

    with ctx.transaction() as session:
        consultations.get(session=session, consultation_id=consultation_id)
        run = analysis.request_run(
            session=session,
            consultation_id=consultation_id,
            requested_by=None,
            engine=engine_name,
            min_themes=min_themes,
            max_themes=max_themes,
            scheduler=scheduler,
        )
        run_id = run.id
    if use_queue:
        from ykien.queue import make_queue

        jobs.enqueue(make_queue(ctx.settings), run_id)
        console.print(f"Đợt phân tích #{run_id} đã được đưa vào hàng đợi (ykien worker).")
        return
    run_with_progress(ctx, run_id)


def run_with_progress(ctx: Context, run_id: int) -> None:
    """Execute an analysis run here, with a progress bar per stage, and print what it found."""
    from ykien.analysis import jobs

    with progress_bar() as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(ANALYSIS_STAGES.get(stage, stage), total=None)
            bar.update(tasks[stage], completed=done, total=max(total, done, 1))

        finished = jobs.execute_run(
            engine=ctx.session_factory.kw["bind"],
            run_id=run_id,
            settings=ctx.settings,
            progress=progress,
        )
    stats = finished.stats
    console.print(
        f"Đợt phân tích #{run_id}: {stats['opinions']} ý kiến "
        f"({stats['unique']} sau khi gộp trùng), "
        f"{stats['campaigns']} nhóm trùng lặp mới, {stats['themes']} chủ đề, "
        f"{stats['sections_proposed']} ý kiến được đề xuất điều khoản."
    )


@click.command()
@click.option("--workers", type=int, default=1, show_default=True)
@pass_context
def worker(ctx: Context, workers: int) -> None:
    """Run queued jobs (analysis) until stopped; use with a Redis queue in production."""
    from ykien.queue import make_queue

    queue = make_queue(ctx.settings)
    console.print(f"ykien worker: {ctx.settings.resolved_queue_url} ({workers} worker(s))")
    queue.create_consumer(workers=workers, worker_type="thread").run()
