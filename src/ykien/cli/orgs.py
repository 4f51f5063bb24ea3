"""`ykien org create|edit|move|list`."""

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
@click.option("--tier", help="One of the tiers of YKIEN_TIERS (e.g. 'Khối/Huyện').")
@pass_context
@handles_user_errors
def org_create(
    ctx: Context,
    name: str,
    kind: str,
    parent: str | None,
    short_name: str | None,
    tier: str | None,
) -> None:
    """Add an organisation (without --parent: a top-level one)."""
    from ykien.orgs import service as orgs

    with ctx.transaction() as session:
        parent_id = organisation_id(session, parent) if parent else None
        created = orgs.create(
            session=session, name=name, kind=kind, parent_id=parent_id, short_name=short_name,
            tier=tier, tiers=ctx.settings.tier_list,
        )  # fmt: skip
        console.print(f"Đã tạo tổ chức #{created.id}: {created.name}")


@org.command("edit")
@click.argument("organisation")
@click.option("--name", help="New full name.")
@click.option("--kind")
@click.option("--short-name")
@click.option("--tier", help="One of the tiers of YKIEN_TIERS; '' clears it.")
@pass_context
@handles_user_errors
def org_edit(
    ctx: Context,
    organisation: str,
    name: str | None,
    kind: str | None,
    short_name: str | None,
    tier: str | None,
) -> None:
    """Change an organisation's name, kind, short name or tier (what is not given is kept)."""
    from ykien.orgs import service as orgs

    with ctx.transaction() as session:
        found = orgs.get(session=session, organisation_id=organisation_id(session, organisation))
        edited = orgs.update(
            session=session,
            organisation_id=found.id,
            name=name if name is not None else found.name,
            kind=kind if kind is not None else found.kind,
            short_name=short_name if short_name is not None else found.short_name,
            tier=tier if tier is not None else found.tier,
            tiers=ctx.settings.tier_list,
        )
        console.print(f"Đã lưu tổ chức #{edited.id}: {edited.name} [dim]({edited.tier or '-'})[/]")


@org.command("move")
@click.argument("organisation")
@click.option("--parent", help="New parent: id or name.")
@click.option("--root", is_flag=True, help="Make it a top-level organisation.")
@pass_context
@handles_user_errors
def org_move(ctx: Context, organisation: str, parent: str | None, root: bool) -> None:
    """Move an organisation and everything under it under another parent (or to the top)."""
    from ykien.orgs import service as orgs

    if root == (parent is not None):
        raise click.UsageError("give exactly one of --parent and --root")
    with ctx.transaction() as session:
        org_id = organisation_id(session, organisation)
        parent_id = organisation_id(session, parent) if parent else None
        moved = orgs.move(session=session, organisation_id=org_id, parent_id=parent_id)
        console.print(f"Đã chuyển tổ chức #{moved.id} {moved.name} (cấp {moved.level})")


@org.command("list")
@pass_context
def org_list(ctx: Context) -> None:
    """Show the organisation tree."""
    from sqlalchemy import select

    from ykien.orgs.models import Organisation

    with ctx.transaction() as session:
        rows = session.execute(select(Organisation).order_by(Organisation.tree_path)).scalars()
        for item in rows:
            tier = f", {item.tier}" if item.tier else ""
            console.print(f"{'  ' * item.level}#{item.id} {item.name} [dim]({item.kind}{tier})[/]")
