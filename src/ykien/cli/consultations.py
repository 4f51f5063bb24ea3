"""`ykien consultation create`."""

from __future__ import annotations

import click

from ykien.cli.context import (
    Context,
    console,
    handles_user_errors,
    organisation_id,
    parse_date,
    pass_context,
)


@click.group()
def consultation() -> None:
    """Consultations."""


@consultation.command("create")
@click.option("--version", "version_id", type=int, help="Draft version id (default: the parent's).")
@click.option(
    "--parent",
    "parent_id",
    type=int,
    help="Parent consultation id: a lower level's collection on its draft.",
)
@click.option("--title", required=True)
@click.option("--organiser", required=True, help="Organising organisation: id or name.")
@click.option("--scope", multiple=True, help="Organisation in scope (repeatable; subtree).")
@click.option("--opens", required=True, help="dd/mm/yyyy [HH:MM], Vietnam time.")
@click.option("--closes", required=True, help="dd/mm/yyyy [HH:MM], Vietnam time.")
@click.option("--anonymous/--no-anonymous", default=False, show_default=True)
@click.option("--public/--private", "public", default=True, show_default=True)
@click.option("--open", "open_now", is_flag=True, help="Publish it at once.")
@pass_context
@handles_user_errors
def consultation_create(
    ctx: Context,
    version_id: int | None,
    parent_id: int | None,
    title: str,
    organiser: str,
    scope: tuple[str, ...],
    opens: str,
    closes: str,
    anonymous: bool,
    public: bool,
    open_now: bool,
) -> None:
    """Create a consultation on a draft version."""
    from ykien.consultations import service as consultations

    with ctx.transaction() as session:
        organiser_id = organisation_id(session, organiser)
        if version_id is None and parent_id is not None:
            version_id = consultations.get(
                session=session, consultation_id=parent_id
            ).draft_version_id
        if version_id is None:
            raise click.UsageError("Cần --version hoặc --parent (Give --version or --parent).")
        created = consultations.create(
            session=session,
            title=title,
            draft_version_id=version_id,
            parent_id=parent_id,
            organiser_id=organiser_id,
            scope_organisation_ids=[organisation_id(session, s) for s in scope] or None,
            opens_at=parse_date(opens),
            closes_at=parse_date(closes),
            allow_anonymous=anonymous,
            opinions_public=public,
        )
        if open_now:
            consultations.open_(session=session, consultation_id=created.id)
        console.print(f"Đã tạo đợt lấy ý kiến #{created.id} ({created.status}): {created.title}")
        if parent_id is not None:
            console.print(f"Lấy ý kiến ở cấp dưới trên dự thảo của đợt #{parent_id}.")
