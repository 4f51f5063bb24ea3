"""`ykien draft import`."""

from __future__ import annotations

from pathlib import Path

import click

from ykien.cli.context import Context, console, handles_user_errors, organisation_id, pass_context


@click.group()
def draft() -> None:
    """Drafts and their versions."""


@draft.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--draft", "draft_id", type=int, help="Add a new version to this draft.")
@click.option("--title", help="Title of a new draft (default: the file's title).")
@click.option("--kind", default="other", show_default=True)
@click.option("--org", "organisation", help="Owning organisation: id or name.")
@pass_context
@handles_user_errors
def draft_import(
    ctx: Context,
    file: Path,
    draft_id: int | None,
    title: str | None,
    kind: str,
    organisation: str | None,
) -> None:
    """Import FILE (.txt, .md, .docx) as a new draft or as the next version of --draft."""
    from ykien.drafts import service as drafts

    data = file.read_bytes()
    with ctx.transaction() as session:
        if draft_id is None:
            parsed = drafts.parse_upload(data, file.name, max_bytes=ctx.settings.max_upload_bytes)
            org_id = organisation_id(session, organisation) if organisation else None
            created = drafts.create_draft(
                session=session,
                title=title or parsed.title or file.stem,
                kind=kind,
                organisation_id=org_id,
            )
            draft_id = created.id
        version = drafts.import_version(
            session=session,
            draft_id=draft_id,
            data=data,
            filename=file.name,
            max_bytes=ctx.settings.max_upload_bytes,
        )
        sections = drafts.sections_of(session=session, version_id=version.id)
        changes = drafts.change_summary(session=session, version_id=version.id)
    kinds: dict[str, int] = {}
    for section in sections:
        kinds[section.kind] = kinds.get(section.kind, 0) + 1
    console.print(
        f"Dự thảo #{draft_id}, phiên bản {version.number} (#{version.id}): "
        f"{len(sections)} mục — " + ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items()))
    )
    if changes:
        console.print(
            "So với phiên bản trước: " + ", ".join(f"{k}: {n}" for k, n in changes.items())
        )
