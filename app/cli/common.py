"""What every command shares: roots, limits, errors on stderr, quiet output when piped."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import orjson

from app.formats.base import ReadLimits

DEFAULT_ROOT = Path("cassettes")


def roots_or_default(paths: Sequence[Path]) -> list[Path]:
    roots = list(paths) or [DEFAULT_ROOT]
    missing = [p for p in roots if not p.exists()]
    if missing:
        names = ", ".join(str(p) for p in missing)
        hint = " (run from a folder that has ./cassettes, or name a PATH)" if not paths else ""
        raise click.UsageError(f"no such file or folder: {names}{hint}")
    return roots


def limits_from(max_size_mb: float) -> ReadLimits:
    return ReadLimits(max_bytes=int(max_size_mb * 1024 * 1024))


max_size_option = click.option(
    "--max-size",
    "max_size_mb",
    type=click.FloatRange(min=0.001),
    default=100.0,
    show_default=True,
    metavar="MB",
    help="Files larger than this are reported, not read.",
)


def echo_json(value: Any) -> None:
    click.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode())


def index_note(db: Path) -> str:
    """Where the index is, and how to look inside it without getting in the server's way."""
    return (
        f"index: {db}\n"
        "  (SQLite in WAL mode: it can be read while serving, opened read-only,"
        " e.g. `sqlite3 -readonly FILE` or `datasette FILE`)"
    )


def error_line(path: str, message: str, line: int | None = None) -> None:
    where = f"{path}:{line}" if line else path
    click.echo(f"{where}: {message}", err=True)


@contextmanager
def progress_bar(label: str) -> Iterator[Any]:
    """A progress bar on stderr for a person at a terminal; nothing at all when piped."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
