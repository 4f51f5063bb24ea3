"""The `ykien` command."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.orm import Session, sessionmaker

from ykien.config import Settings
from ykien.db import migrate
from ykien.db.engine import engine_from_settings, make_session_factory, unit_of_work
from ykien.errors import UserError
from ykien.events.cli import event, submission

if TYPE_CHECKING:
    from ykien.audit.checkpoints import CheckpointFile

console = Console()
err_console = Console(stderr=True)


class Context:
    """What every command needs: the settings and, lazily, a session factory."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._factory: sessionmaker[Session] | None = None

    @property
    def session_factory(self) -> sessionmaker[Session]:
        if self._factory is None:
            self._factory = make_session_factory(engine_from_settings(self.settings))
        return self._factory

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with unit_of_work(self.session_factory) as session:
            yield session

    def fail(self, error: UserError) -> None:
        err_console.print(f"[bold red]{error.message(self.settings.default_language)}[/]")
        sys.exit(2)


pass_context = click.make_pass_decorator(Context)


def _settings(data_dir: Path | None, database_url: str | None) -> Settings:
    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if database_url:
        overrides["database_url"] = database_url
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise click.UsageError(f"invalid settings: {problems}") from exc


@click.group()
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data folder (YKIEN_DATA_DIR).")
@click.option("--database-url", help="Database URL (YKIEN_DATABASE_URL).")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, database_url: str | None) -> None:
    """ykien: lấy ý kiến góp ý dự thảo văn bản / consultations on draft documents."""
    ctx.obj = Context(_settings(data_dir, database_url))


def handles_user_errors(command: Callable[..., None]) -> Callable[..., None]:
    """Report a UserError as a message in the configured language and exit with status 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except UserError as error:
            obj = click.get_current_context().find_object(Context)
            assert obj is not None
            obj.fail(error)

    return wrapper


@main.command()
@pass_context
def init(ctx: Context) -> None:
    """Create the data folder and bring the database schema up to date."""
    ctx.settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(ctx.session_factory.kw["bind"])
    console.print(f"Cơ sở dữ liệu sẵn sàng: {ctx.settings.resolved_database_url}")


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_context
def db_upgrade(ctx: Context, revision: str) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    migrate.upgrade(ctx.session_factory.kw["bind"], revision)
    console.print(f"Đã nâng cấp lược đồ cơ sở dữ liệu lên {revision}.")


def _org_id(session: Session, reference: str) -> int:
    """An organisation given by id or by (tolerant) name."""
    from ykien.orgs import service as orgs

    if reference.isdigit():
        return orgs.get(session=session, organisation_id=int(reference)).id
    org = orgs.find_by_name(session=session, name=reference)
    if org is None:
        raise UserError(
            "org_not_found",
            f"Không tìm thấy tổ chức “{reference}”.",
            f"No organisation named “{reference}”.",
        )
    return org.id


@main.group()
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
        parent_id = _org_id(session, parent) if parent else None
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


@main.group()
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
            org_id = _org_id(session, organisation) if organisation else None
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


@main.group()
def consultation() -> None:
    """Consultations."""


@consultation.command("create")
@click.option("--version", "version_id", type=int, required=True, help="Draft version id.")
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
    version_id: int,
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
        organiser_id = _org_id(session, organiser)
        created = consultations.create(
            session=session,
            title=title,
            draft_version_id=version_id,
            organiser_id=organiser_id,
            scope_organisation_ids=[_org_id(session, s) for s in scope] or None,
            opens_at=_date(opens),
            closes_at=_date(closes),
            allow_anonymous=anonymous,
            opinions_public=public,
        )
        if open_now:
            consultations.open_(session=session, consultation_id=created.id)
        console.print(f"Đã tạo đợt lấy ý kiến #{created.id} ({created.status}): {created.title}")


def _date(value: str) -> Any:
    from ykien.timefmt import parse_datetime

    try:
        return parse_datetime(value)
    except ValueError:
        raise UserError(
            "date_invalid",
            f"Ngày không hợp lệ: “{value}” (cần dd/mm/yyyy).",
            f"Invalid date: “{value}” (expected dd/mm/yyyy).",
        ) from None


@main.group()
def opinions() -> None:
    """Opinions."""


def _parse_mapping(pairs: tuple[str, ...]) -> dict[str, str]:
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

    mapping = _parse_mapping(pairs)
    with _progress_bar() as bar, ctx.transaction() as session:
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


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )


ANALYSIS_STAGES = {
    "texts": "Chuẩn hoá, phân loại, gắn cờ",
    "campaigns": "Tìm ý kiến trùng lặp",
    "sections": "Đề xuất điều khoản",
    "themes": "Gom chủ đề",
}


@main.command()
@click.argument("consultation_id", type=int)
@click.option("--engine", "engine_name", type=click.Choice(["local", "dask"]), default="local")
@click.option("--scheduler", help="Dask scheduler address (default: a local cluster).")
@click.option("--min-themes", type=int, default=2, show_default=True)
@click.option("--max-themes", type=int, default=12, show_default=True)
@click.option(
    "--queue", "use_queue", is_flag=True, help="Put the job on the task queue and return."
)
@pass_context
@handles_user_errors
def analyse(
    ctx: Context,
    consultation_id: int,
    engine_name: str,
    scheduler: str | None,
    min_themes: int,
    max_themes: int,
    use_queue: bool,
) -> None:
    """Analyse CONSULTATION_ID: campaigns, themes, sections, kinds and moderation flags."""
    from ykien.analysis import jobs
    from ykien.analysis import service as analysis
    from ykien.consultations import service as consultations

    with ctx.transaction() as session:
        consultations.get(session=session, consultation_id=consultation_id)
        run = analysis.request_run(
            session=session,
            consultation_id=consultation_id,
            requested_by=None,
            engine=engine_name,
            min_themes=min_themes,
            max_themes=max_themes,
            scheduler=scheduler,
        )
        run_id = run.id
    if use_queue:
        from ykien.queue import make_queue

        jobs.enqueue(make_queue(ctx.settings), run_id)
        console.print(f"Đợt phân tích #{run_id} đã được đưa vào hàng đợi (ykien worker).")
        return
    _run_with_progress(ctx, run_id)


def _run_with_progress(ctx: Context, run_id: int) -> None:
    """Execute an analysis run here, with a progress bar per stage, and print what it found."""
    from ykien.analysis import jobs

    with _progress_bar() as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(ANALYSIS_STAGES.get(stage, stage), total=None)
            bar.update(tasks[stage], completed=done, total=max(total, done, 1))

        finished = jobs.execute_run(
            engine=ctx.session_factory.kw["bind"],
            run_id=run_id,
            settings=ctx.settings,
            progress=progress,
        )
    stats = finished.stats
    console.print(
        f"Đợt phân tích #{run_id}: {stats['opinions']} ý kiến "
        f"({stats['unique']} sau khi gộp trùng), "
        f"{stats['campaigns']} nhóm trùng lặp mới, {stats['themes']} chủ đề, "
        f"{stats['sections_proposed']} ý kiến được đề xuất điều khoản."
    )


@main.command()
@click.option("--workers", type=int, default=1, show_default=True)
@pass_context
def worker(ctx: Context, workers: int) -> None:
    """Run queued jobs (analysis) until stopped; use with a Redis queue in production."""
    from ykien.queue import make_queue

    queue = make_queue(ctx.settings)
    console.print(f"ykien worker: {ctx.settings.resolved_queue_url} ({workers} worker(s))")
    queue.create_consumer(workers=workers, worker_type="thread").run()


@main.group()
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


def _serve(
    settings: Settings, host: str, port: int, workers: int = 1, manager: str = "gunicorn"
) -> None:
    from ykien.web import serve

    console.print(f"ykien: http://{host}:{port}/  (Ctrl+C để dừng / to stop)")
    serve.run(
        settings,
        host=host,
        port=port,
        workers=workers,
        manager="reuseport" if manager == "reuseport" else "gunicorn",
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes; a dead one is replaced at once.",
)
@click.option(
    "--manager",
    type=click.Choice(["gunicorn", "reuseport"]),
    default=os.environ.get("YKIEN_SERVE_MANAGER", "gunicorn"),
    show_default=True,
    help="gunicorn's arbiter (one shared socket) or one SO_REUSEPORT socket per worker.",
)
@pass_context
def serve(ctx: Context, host: str, port: int, workers: int, manager: str) -> None:
    """Serve the web app (the schema must be up to date: ykien db upgrade)."""
    _serve(ctx.settings, host, port, workers, manager)


@main.command()
@click.option("--fresh", is_flag=True, help="Delete the demo database first.")
@click.option("--seed", type=int, default=2025, show_default=True)
@click.option("--serve/--no-serve", "serve_after", default=True, show_default=True)
@click.option(
    "--analyse/--no-analyse",
    "analyse_after",
    default=True,
    show_default=True,
    help="Analyse the demo consultations (campaigns, themes, sections, flags).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@pass_context
def demo(
    ctx: Context,
    fresh: bool,
    seed: int,
    serve_after: bool,
    analyse_after: bool,
    host: str,
    port: int,
) -> None:
    """Build the demo consultation (SQLite in the data folder), print it, then serve it."""
    from ykien.demo.build import build_demo, print_summary

    ctx.settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = ctx.session_factory.kw["bind"]
    if fresh and engine.dialect.name == "sqlite" and engine.url.database:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(engine.url.database + suffix).unlink(missing_ok=True)
    migrate.upgrade(engine)
    summary = build_demo(ctx.session_factory, seed=seed, console=err_console)
    print_summary(summary, console)
    if analyse_after:
        from ykien.analysis import service as analysis

        for consultation_id, *_rest in summary.consultations:
            with ctx.transaction() as session:
                run_id = analysis.request_run(
                    session=session, consultation_id=consultation_id, requested_by=None
                ).id
            _run_with_progress(ctx, run_id)
    if serve_after:
        _serve(ctx.settings, host, port)


main.add_command(event)
main.add_command(submission)


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUTF8", "1")
    main()
