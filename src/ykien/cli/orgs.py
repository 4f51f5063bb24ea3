"""`ykien org create|list`."""

from __future__ import annotations

import click

from ykien.cli.context import Context, console, handles_user_errors, organisation_id, pass_context


@click.group()
def org() -> None:
    """Organisations."""


@org.command("create")
@click.argument("name")
@click.option("--kind", default="other", show_default=True)
@click.option("--parent", help="Parent organisation: id or name.")
@click.option("--short-name")
@pass_context
@handles_user_errors
def org_create(
    ctx: Context, name: str, kind: str, parent: str | None, short_name: str | None
) -> None:
    """Add an organisation."""
    from ykien.orgs import service as orgs

    with ctx.transaction() as session:
        parent_id = organisation_id(session, parent) if parent else None
        created = orgs.create(
            session=session, name=name, kind=kind, parent_id=parent_id, short_name=short_name
        )
        console.print(f"Đã tạo tổ chức #{created.id}: {created.name}")


@org.command("list")
@pass_context
def org_list(ctx: Context) -> None:
    """Show the organisation tree."""
    from sqlalchemy import select

    from ykien.orgs.models import Organisation

    with ctx.transaction() as session:
        rows = session.execute(select(Organisation).order_by(Organisation.tree_path)).scalars()
        for item in rows:
            console.print(f"{'  ' * item.level}#{item.id} {item.name} [dim]({item.kind})[/]")
