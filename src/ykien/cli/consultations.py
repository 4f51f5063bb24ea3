"""`ykien consultation create`, `ykien consultation subcommittee create|edit|close|list`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ykien.cli.context import (
    Context,
    console,
    handles_user_errors,
    organisation_id,
    parse_date,
    pass_context,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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


@consultation.group("subcommittee")
def subcommittee() -> None:
    """A consultation's subcommittees (Tiểu ban): create, edit, close, list."""


def _section_ids(session: Session, consultation_id: int, labels: tuple[str, ...]) -> list[int]:
    """Section ids from ids or labels ("Điều 4", "Chương I") of the consultation's draft."""
    from ykien.consultations import service as consultations
    from ykien.drafts import service as drafts
    from ykien.errors import UserError

    found = consultations.get(session=session, consultation_id=consultation_id)
    by_label = {
        s.label.casefold(): s.id
        for s in drafts.sections_of(session=session, version_id=found.draft_version_id)
    }
    ids = []
    for label in labels:
        if label.isdigit():
            ids.append(int(label))
        elif label.strip().casefold() in by_label:
            ids.append(by_label[label.strip().casefold()])
        else:
            raise UserError(
                "section_not_in_draft",
                f"Không có mục “{label}” trong dự thảo của đợt lấy ý kiến.",
                f"No section “{label}” in the consultation's draft.",
            )
    return ids


@subcommittee.command("create")
@click.argument("consultation_id", type=click.IntRange(1, 2_147_483_647))
@click.argument("name")
@click.option("--org", "organisation", required=True, help="Its organisation: id or name.")
@click.option("--section", "sections", multiple=True, help="Section id or label (repeatable).")
@click.option("--member", "members", multiple=True, type=int, help="Person id (repeatable).")
@click.option("--chair", type=int, help="Person id of the chair.")
@pass_context
@handles_user_errors
def subcommittee_create(
    ctx: Context,
    consultation_id: int,
    name: str,
    organisation: str,
    sections: tuple[str, ...],
    members: tuple[int, ...],
    chair: int | None,
) -> None:
    """Add a subcommittee; a part or chapter brings every section under it."""
    from ykien.consultations import subcommittees

    with ctx.transaction() as session:
        made = subcommittees.create(
            session=session,
            consultation_id=consultation_id,
            organisation_id=organisation_id(session, organisation),
            name=name,
            section_ids=_section_ids(session, consultation_id, sections),
            member_ids=list(members),
            chair_id=chair,
        )
        count = len(subcommittees.section_ids_of(session=session, subcommittee_id=made.id))
        console.print(f"Đã tạo tiểu ban #{made.id}: {made.name} ({count} mục)")


@subcommittee.command("edit")
@click.argument("subcommittee_id", type=click.IntRange(1, 2_147_483_647))
@click.option("--name")
@click.option("--org", "organisation", help="Its organisation: id or name.")
@click.option("--section", "sections", multiple=True, help="Replaces the sections (repeatable).")
@click.option("--member", "members", multiple=True, type=int, help="Replaces the members.")
@click.option("--chair", type=int, help="Person id of the chair (0: none).")
@pass_context
@handles_user_errors
def subcommittee_edit(
    ctx: Context,
    subcommittee_id: int,
    name: str | None,
    organisation: str | None,
    sections: tuple[str, ...],
    members: tuple[int, ...],
    chair: int | None,
) -> None:
    """Change a subcommittee (what is not given is kept)."""
    from ykien.consultations import subcommittees

    with ctx.transaction() as session:
        sub = subcommittees.get(session=session, subcommittee_id=subcommittee_id)
        seats = subcommittees.seats_of(session=session, subcommittee_id=sub.id)
        old_chair = next((s.person_id for s in seats if s.chair), None)
        edited = subcommittees.update(
            session=session,
            subcommittee_id=sub.id,
            name=name or sub.name,
            organisation_id=(
                organisation_id(session, organisation) if organisation else sub.organisation_id
            ),
            section_ids=(
                _section_ids(session, sub.consultation_id, sections)
                if sections
                else sorted(subcommittees.section_ids_of(session=session, subcommittee_id=sub.id))
            ),
            member_ids=list(members) if members else [s.person_id for s in seats],
            chair_id=old_chair if chair is None else (chair or None),
        )
        console.print(f"Đã lưu tiểu ban #{edited.id}: {edited.name}")


@subcommittee.command("close")
@click.argument("subcommittee_id", type=click.IntRange(1, 2_147_483_647))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_context
@handles_user_errors
def subcommittee_close(ctx: Context, subcommittee_id: int, yes: bool) -> None:
    """Close a subcommittee: it keeps its history and takes nothing new."""
    from ykien.consultations import subcommittees

    if not yes:
        click.confirm(f"Kết thúc hoạt động của tiểu ban #{subcommittee_id}?", abort=True)
    with ctx.transaction() as session:
        closed = subcommittees.close(session=session, subcommittee_id=subcommittee_id)
        console.print(f"Đã kết thúc tiểu ban #{closed.id}: {closed.name}")


@subcommittee.command("list")
@click.argument("consultation_id", type=click.IntRange(1, 2_147_483_647))
@pass_context
@handles_user_errors
def subcommittee_list(ctx: Context, consultation_id: int) -> None:
    """The consultation's subcommittees with their members."""
    from ykien.consultations import service as consultations
    from ykien.consultations import subcommittees

    with ctx.transaction() as session:
        consultations.get(session=session, consultation_id=consultation_id)
        for sub in subcommittees.of_consultation(session=session, consultation_id=consultation_id):
            seats = subcommittees.seats_of(session=session, subcommittee_id=sub.id)
            people = ", ".join(f"{s.full_name}{' (chủ trì)' if s.chair else ''}" for s in seats)
            state = "đã kết thúc" if sub.closed_at else "đang hoạt động"
            count = len(subcommittees.section_ids_of(session=session, subcommittee_id=sub.id))
            console.print(f"#{sub.id} {sub.name} [dim]({state}, {count} mục)[/] {people}")
