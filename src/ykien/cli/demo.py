"""`ykien demo`: build the demo consultation, analyse it and serve it."""

from __future__ import annotations

from pathlib import Path

import click

from ykien.cli.analyse import run_with_progress
from ykien.cli.context import Context, console, err_console, pass_context
from ykien.cli.serve import serve_app
from ykien.db import migrate


@click.command()
@click.option("--fresh", is_flag=True, help="Delete the demo database first.")
@click.option("--seed", type=int, default=2025, show_default=True)
@click.option("--serve/--no-serve", "serve_after", default=True, show_default=True)
@click.option(
    "--analyse/--no-analyse",
    "analyse_after",
    default=True,
    show_default=True,
    help="Analyse the demo consultations (campaigns, themes, sections, flags).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@pass_context
def demo(
    ctx: Context,
    fresh: bool,
    seed: int,
    serve_after: bool,
    analyse_after: bool,
    host: str,
    port: int,
) -> None:
    """Build the demo consultation (SQLite in the data folder), print it, then serve it."""
    from ykien.demo.build import build_demo, print_summary

    ctx.settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = ctx.session_factory.kw["bind"]
    if fresh and engine.dialect.name == "sqlite" and engine.url.database:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(engine.url.database + suffix).unlink(missing_ok=True)
    migrate.upgrade(engine)
    summary = build_demo(
        ctx.session_factory, seed=seed, console=err_console, tiers=ctx.settings.tier_list
    )
    print_summary(summary, console)
    if analyse_after:
        from ykien.analysis import service as analysis

        for consultation_id, _title, _sections, opinion_count in summary.consultations:
            if not opinion_count:  # the centre's and the city's: their opinions come forwarded
                continue
            with ctx.transaction() as session:
                run_id = analysis.request_run(
                    session=session, consultation_id=consultation_id, requested_by=None
                ).id
            run_with_progress(ctx, run_id)
    if serve_after:
        serve_app(ctx.settings, host, port)
