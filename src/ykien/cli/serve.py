"""`ykien serve`: the web app."""

from __future__ import annotations

import os

import click

from ykien.cli.context import Context, console, pass_context
from ykien.config import Settings


def serve_app(
    settings: Settings, host: str, port: int, workers: int = 1, manager: str = "gunicorn"
) -> None:
    """Serve the web app until stopped."""
    from ykien.web import serve as server

    console.print(f"ykien: http://{host}:{port}/  (Ctrl+C để dừng / to stop)")
    server.run(
        settings,
        host=host,
        port=port,
        workers=workers,
        manager="reuseport" if manager == "reuseport" else "gunicorn",
    )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes; a dead one is replaced at once.",
)
@click.option(
    "--manager",
    type=click.Choice(["gunicorn", "reuseport"]),
    default=os.environ.get("YKIEN_SERVE_MANAGER", "gunicorn"),
    show_default=True,
    help="gunicorn's arbiter (one shared socket) or one SO_REUSEPORT socket per worker.",
)
@pass_context
def serve(ctx: Context, host: str, port: int, workers: int, manager: str) -> None:
    """Serve the web app (the schema must be up to date: ykien db upgrade)."""
    serve_app(ctx.settings, host, port, workers, manager)
