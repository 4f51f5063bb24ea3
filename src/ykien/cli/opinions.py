"""`ykien opinions import`."""

from __future__ import annotations

from pathlib import Path

import click

from ykien.cli.context import Context, console, handles_user_errors, pass_context, progress_bar


@click.group()
def opinions() -> None:
    """Opinions."""


def parse_mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    """FIELD=COLUMN pairs as a mapping; a malformed pair is a bad --map."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise click.BadParameter(f"expected FIELD=COLUMN, got {pair!r}", param_hint="--map")
        mapping[name.strip()] = column.strip()
    return mapping


@opinions.command("import")
@click.argument("consultation_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--map", "pairs", multiple=True, help="FIELD=COLUMN (text, section, kind, ...).")
@click.option("--format", "file_format", type=click.Choice(["csv", "jsonl", "xlsx"]))
@click.option(
    "--channel",
    type=click.Choice(["import", "written", "event", "online"]),
    default="import",
    show_default=True,
)
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Error report.")
@pass_context
@handles_user_errors
def opinions_import(
    ctx: Context,
    consultation_id: int,
    file: Path,
    pairs: tuple[str, ...],
    file_format: str | None,
    channel: str,
    report: Path | None,
) -> None:
    """Import opinions from FILE (CSV, JSONL, XLSX) into CONSULTATION_ID."""
    from ykien.opinions.importer import import_opinions

    mapping = parse_mapping(pairs)
    with progress_bar() as bar, ctx.transaction() as session:
        task = bar.add_task("Đang nhập ý kiến", total=None)
        result = import_opinions(
            session=session,
            consultation_id=consultation_id,
            source=file,
            mapping=mapping,
            file_format=file_format,
            channel=channel,
            report_path=report,
            max_chars=ctx.settings.max_opinion_chars,
            max_rows=ctx.settings.import_max_rows,
            progress=lambda done, total: bar.update(task, completed=done, total=max(total, done)),
        )
    console.print(
        f"Lần nhập #{result.batch_id}: {result.rows_imported}/{result.rows_total} dòng được nhập, "
        f"{len(result.errors)} dòng lỗi."
    )
    if result.errors:
        for error in result.errors[:10]:
            console.print(f"  dòng {error.row}, cột {error.column}: {error.reason_vi}")
        if len(result.errors) > 10:
            console.print(f"  … và {len(result.errors) - 10} dòng lỗi khác.")
        console.print(f"Báo cáo lỗi đầy đủ: {result.report_path}")
