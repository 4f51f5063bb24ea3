"""What every `ykien` subcommand shares: the Context (settings, sessions), the consoles, the
user-error reporting and the parsing of organisation references and dates.

The lowest module of the CLI package: the subcommand modules import it, it imports none of them.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.orm import Session, sessionmaker

from ykien.config import Settings
from ykien.db.engine import engine_from_settings, make_session_factory, unit_of_work
from ykien.errors import UserError

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


def current_context() -> Context:
    """The `ykien` command's Context, set on the root click context."""
    found = click.get_current_context().find_object(Context)
    assert found is not None, "run through the ykien command"
    return found


def settings_from(data_dir: Path | None, database_url: str | None) -> Settings:
    """The environment's settings with the command line's overrides (a bad one: usage error)."""
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


def handles_user_errors(command: Callable[..., None]) -> Callable[..., None]:
    """Report a UserError as a message in the configured language and exit with status 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except UserError as error:
            current_context().fail(error)

    return wrapper


def organisation_id(session: Session, reference: str) -> int:
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


def parse_date(value: str) -> Any:
    """A dd/mm/yyyy [HH:MM] date in Vietnam time; a bad one is a UserError."""
    from ykien.timefmt import parse_datetime

    try:
        return parse_datetime(value)
    except ValueError:
        raise UserError(
            "date_invalid",
            f"Ngày không hợp lệ: “{value}” (cần dd/mm/yyyy).",
            f"Invalid date: “{value}” (expected dd/mm/yyyy).",
        ) from None


def progress_bar() -> Progress:
    """A transient progress bar on standard error."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )
