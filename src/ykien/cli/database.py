"""`ykien init`, `ykien db upgrade` and `ykien audit verify`: the database and its audit log."""

from __future__ import annotations

import sys

import click

from ykien.cli.context import Context, console, err_console, pass_context
from ykien.db import migrate


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


@audit.command("verify")
@pass_context
def audit_verify(ctx: Context) -> None:
    """Recompute the audit hash chain; exit 1 at the first altered, inserted or deleted event."""
    from ykien.audit import service as audit_service

    with ctx.transaction() as session:
        result = audit_service.verify(session=session)
    if result.problem is None:
        console.print(f"Nhật ký kiểm toán nguyên vẹn: {result.checked} sự kiện đã kiểm tra.")
        return
    err_console.print(
        f"[bold red]Nhật ký kiểm toán bị can thiệp:[/] {result.problem.describe()} "
        f"(after {result.checked} intact events)"
    )
    sys.exit(1)
