"""`ykien event ingest FILE` and `ykien submission import FILE`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import click

from ykien.cli.context import (
    Context,
    console,
    current_context,
    handles_user_errors,
    organisation_id,
)
from ykien.timefmt import parse_datetime

FIELD_NAMES = {
    "title": "Tên sự kiện",
    "date": "Thời gian",
    "place": "Địa điểm",
    "organiser": "Đơn vị tổ chức",
    "person": "Người tham dự",
    "organisation": "Tổ chức được nêu",
    "draft": "Dự thảo được thảo luận",
    "opinion": "Ý kiến",
    "recommendation": "Kiến nghị",
    "commitment": "Cam kết",
    "resolution": "Văn bản được dẫn",
}


@click.group()
def event() -> None:
    """Events: seminars, conferences, dialogue meetings, supervision sessions."""


@event.command("ingest")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--consultation", "consultation_id", type=int, required=True)
@click.option("--confirm", is_flag=True, help="Accept every item and record the event.")
@click.option("--title", help="The event's title, when the report's is wrong or missing.")
@click.option("--date", "when", help="dd/mm/yyyy [HH:MM], Vietnam time, when missing.")
@handles_user_errors
def event_ingest(
    file: Path, consultation_id: int, confirm: bool, title: str | None, when: str | None
) -> None:
    """Read a report or minutes (TXT, DOCX, PDF) of an event and print what was found."""
    from ykien.events import service as events
    from ykien.events.reports import service as event_reports

    ctx = current_context()
    starts_at = _moment(when, ctx) if when else None
    with ctx.transaction() as session:
        report = event_reports.ingest_report(
            session=session,
            consultation_id=consultation_id,
            data=file.read_bytes(),
            filename=file.name,
            max_bytes=ctx.settings.max_upload_bytes,
        )
        items = event_reports.report_items(session=session, report_id=report.id)
        _print_proposal(event_reports.proposal_of(report), items)
        if not confirm:
            console.print(
                f"Bản tin số {report.id} chờ xem xét: /event-reports/{report.id} "
                "(chạy lại với --confirm để chấp nhận tất cả)."
            )
            return
        event_reports.accept_pending(session=session, report_id=report.id)
        recorded = event_reports.confirm_report(
            session=session, report_id=report.id, title=title, starts_at=starts_at
        )
        detail = events.event_detail(session=session, event_id=recorded.id)
        console.print(
            f"Đã ghi nhận sự kiện số {recorded.id}: {len(detail.attendees)} người tham dự, "
            f"{len(detail.opinions)} ý kiến, {len(detail.recommendations)} kiến nghị."
        )


def _moment(value: str, ctx: Context) -> Any:
    try:
        return parse_datetime(value, ctx.settings.tz)
    except ValueError:
        raise click.BadParameter(f"expected dd/mm/yyyy [HH:MM], got {value!r}") from None


def _print_proposal(proposal: dict[str, Any], items: list[Any]) -> None:
    console.print(f"[bold]Tên:[/] {proposal.get('title') or '—'}")
    console.print(f"[bold]Loại:[/] {proposal.get('kind') or '—'}")
    console.print(f"[bold]Địa điểm:[/] {proposal.get('place') or '—'}")
    counts = Counter(item.field for item in items)
    for field_name, label in FIELD_NAMES.items():
        if field_name in ("title", "place"):
            continue
        shown = [i for i in items if i.field == field_name]
        console.print(f"[bold]{label}:[/] {counts.get(field_name, 0)}")
        for item in shown:
            extra = f" — {item.detail}" if item.detail else ""
            console.print(f"  • {item.text}{extra}", markup=False, highlight=False)
    removed = proposal.get("removed", [])
    console.print(f"[bold]Phần nhiễu đã bỏ:[/] {len(removed)}")


@click.group()
def submission() -> None:
    """Written submissions: an organisation's comment letter."""


@submission.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--consultation", "consultation_id", type=int, required=True)
@click.option("--organisation", required=True, help="The organisation that wrote it: id or name.")
@click.option("--confirm", is_flag=True, help="Record every item as an opinion.")
@handles_user_errors
def submission_import(file: Path, consultation_id: int, organisation: str, confirm: bool) -> None:
    """Split a comment letter (TXT, DOCX, PDF) into opinions anchored to sections."""
    from ykien.events.submissions import service as event_submissions

    ctx = current_context()
    with ctx.transaction() as session:
        letter = event_submissions.preview_submission(
            session=session,
            consultation_id=consultation_id,
            organisation_id=organisation_id(session, organisation),
            data=file.read_bytes(),
            filename=file.name,
            max_bytes=ctx.settings.max_upload_bytes,
        )
        items = event_submissions.submission_items(letter)
        console.print(f"[bold]{len(items)} ý kiến[/] trong {file.name}:")
        for number, item in enumerate(items, 1):
            where = item["section_label"] or ", ".join(item["references"]) or "chung"
            console.print(f"{number}. [{item['kind']}] ({where}) ", end="")
            console.print(item["text"], markup=False, highlight=False)
            if item["proposed_wording"]:
                console.print(f"   → {item['proposed_wording']}", markup=False, highlight=False)
        if not confirm:
            console.print(
                f"Văn bản số {letter.id} chờ xem xét: /submissions/{letter.id} "
                "(chạy lại với --confirm để ghi nhận)."
            )
            return
        created = event_submissions.confirm_submission(session=session, submission_id=letter.id)
        console.print(f"Đã ghi nhận {len(created)} ý kiến (kênh văn bản).")
