"""`ykien init`, `ykien db upgrade`, `ykien audit verify` and `ykien audit checkpoint`: the
database and its audit log."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ykien.cli.context import Context, console, err_console, pass_context
from ykien.config import Settings
from ykien.db import migrate

if TYPE_CHECKING:
    from ykien.audit.checkpoints import CheckpointFile


@click.command()
@pass_context
def init(ctx: Context) -> None:
    """Create the data folder and bring the database schema up to date."""
    ctx.settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(ctx.session_factory.kw["bind"])
    console.print(f"Cơ sở dữ liệu sẵn sàng: {ctx.settings.resolved_database_url}")


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_context
def db_upgrade(ctx: Context, revision: str) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    migrate.upgrade(ctx.session_factory.kw["bind"], revision)
    console.print(f"Đã nâng cấp lược đồ cơ sở dữ liệu lên {revision}.")


@click.group()
def audit() -> None:
    """Audit log."""


def _checkpoints(settings: Settings) -> CheckpointFile:
    from ykien.audit.checkpoints import CheckpointFile

    return CheckpointFile(settings.resolved_audit_checkpoint_file, settings.resolved_audit_key)


@audit.command("verify")
@pass_context
def audit_verify(ctx: Context) -> None:
    """Verify the audit chains against the last signed checkpoint and the opinions against the
    log; exit 1 at the first altered, inserted, deleted or truncated record."""
    from ykien.audit.checkpoints import CheckpointInvalid
    from ykien.opinions import integrity

    store = _checkpoints(ctx.settings)
    try:
        checkpoint = store.latest()
    except CheckpointInvalid as exc:
        err_console.print(
            f"[bold red]Tệp điểm kiểm tra bị can thiệp / checkpoint file altered:[/] {exc}"
        )
        sys.exit(1)
    if checkpoint is None:
        err_console.print(f"[yellow]Chưa có điểm kiểm tra / no checkpoint yet[/] ({store.path})")
    with ctx.transaction() as session:
        result = integrity.verify_all(session=session, checkpoint=checkpoint)
    if result.problem is None:
        console.print(f"Nhật ký kiểm toán nguyên vẹn: {result.checked} sự kiện đã kiểm tra.")
        return
    err_console.print(
        f"[bold red]Nhật ký kiểm toán bị can thiệp:[/] {result.problem.describe()} "
        f"(after {result.checked} intact events)"
    )
    sys.exit(1)


@audit.command("checkpoint")
@pass_context
def audit_checkpoint(ctx: Context) -> None:
    """Append a signed checkpoint of every chain's head to the checkpoint file."""
    from ykien.audit import checkpoints

    store = _checkpoints(ctx.settings)
    with ctx.transaction() as session:
        taken = checkpoints.write(session=session, store=store)
    total = sum(seq for seq, _hash in taken.chains.values())
    console.print(
        f"Điểm kiểm tra / checkpoint: {len(taken.chains)} chains, {total} events -> {store.path}"
    )
