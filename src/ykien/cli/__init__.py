"""The `ykien` command: the root group and its subcommands, one module per group.

The subcommand modules import downwards (`ykien.cli.context`, the domains' services), never
this module: it only gathers them.
"""

from __future__ import annotations

from pathlib import Path

import click

from ykien.cli.analyse import analyse, worker
from ykien.cli.consultations import consultation
from ykien.cli.context import Context, settings_from
from ykien.cli.database import audit, db, init
from ykien.cli.demo import demo
from ykien.cli.drafts import draft
from ykien.cli.events import event, submission
from ykien.cli.opinions import opinions
from ykien.cli.orgs import org
from ykien.cli.serve import serve

__all__ = ["main"]


@click.group()
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data folder (YKIEN_DATA_DIR).")
@click.option("--database-url", help="Database URL (YKIEN_DATABASE_URL).")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, database_url: str | None) -> None:
    """ykien: lấy ý kiến góp ý dự thảo văn bản / consultations on draft documents."""
    ctx.obj = Context(settings_from(data_dir, database_url))


for command in (init, db, org, draft, consultation, opinions, analyse, worker, audit, serve, demo):
    main.add_command(command)
main.add_command(event)
main.add_command(submission)
