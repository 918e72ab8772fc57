"""CLI plumbing: the root Typer app, shared sub-groups, one transaction per command, clean errors."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from citydip.core.actor import Actor, set_actor
from citydip.core.config import Settings, get_settings
from citydip.core.database import make_engine, make_sessionmaker, transaction
from citydip.core.errors import AppError
from citydip.core.tenancy import Scope, set_scope

console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")

app = typer.Typer(
    name="citydip",
    help="CityDip: city diplomacy in one place. Start with `citydip demo --serve`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
_groups: dict[str, typer.Typer] = {}


def group(name: str, help_text: str) -> typer.Typer:
    """A command group such as ``citydip sdg``, shared by every domain that adds commands to it."""
    if name not in _groups:
        sub = typer.Typer(help=help_text, no_args_is_help=True, pretty_exceptions_enable=False)
        _groups[name] = sub
        app.add_typer(sub, name=name)
    return _groups[name]


_engine_cache: dict[str, Engine] = {}


def engine_for(settings: Settings | None = None) -> Engine:
    """The engine for the configured database (one per process)."""
    settings = settings or get_settings()
    url = settings.resolved_database_url()
    if url not in _engine_cache:
        _engine_cache[url] = make_engine(url)
    return _engine_cache[url]


@contextmanager
def cli_session(scope: Scope | None = None) -> Iterator[Session]:
    """One transaction for a command, with system scope and the OS user as actor (audit)."""
    from citydip.domains import install_session_hooks

    install_session_hooks()
    factory = make_sessionmaker(engine_for())
    with transaction(factory) as session:
        set_scope(session, scope or Scope.system_scope("cli"))
        set_actor(session, Actor(f"cli:{_os_user()}"))
        yield session


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error in red and exit."""
    err_console.print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def run(action: Callable[[], T]) -> T:
    """Run a command body, turning known errors into a clean message and exit code 1."""
    try:
        return action()
    except AppError as exc:
        fail(str(exc))
    except FileNotFoundError as exc:
        fail(f"file not found: {exc.filename or exc}")
    except PermissionError as exc:
        fail(f"permission denied: {exc.filename or exc}")
    except KeyboardInterrupt:
        fail("interrupted; nothing was saved", 130)


def progress() -> Progress:
    """A progress bar for long work."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=not sys.stderr.isatty(),
    )


def print_json(data: Any) -> None:
    """Print JSON to standard output (for scripts)."""
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
