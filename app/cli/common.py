"""What every command shares: roots, limits, errors on stderr, quiet output when piped."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from app.formats.base import ReadLimits
from app.model import dump_json

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
    size = int(max_size_mb * 1024 * 1024)
    return ReadLimits(max_bytes=size, max_expanded_bytes=size)


max_size_option = click.option(
    "--max-size",
    "max_size_mb",
    type=click.FloatRange(min=0.001),
    default=100.0,
    show_default=True,
    metavar="MB",
    help="Files larger than this are reported, not read.",
)


# What a terminal would act on rather than show: C0 controls but newline and tab (ESC starts
# every escape sequence: OSC 52 clipboard writes, titles, hyperlinks, screen clears; CR and
# backspace draw fake lines over real ones), DEL, C1 controls (U+009B is a one-character CSI),
# and the bidirectional overrides and isolates that reorder what is shown.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def terminal_safe(text: str) -> str:
    """`text` with every character a terminal would act on shown as a visible escape (`\\x1b`,
    `\\u202e`); lone surrogates (file names that are not UTF-8) become U+FFFD."""
    text = _UNSAFE.sub(_visible, text)
    return _SURROGATE.sub("\ufffd", text)


def _visible(m: re.Match[str]) -> str:
    code = ord(m[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_safe(m: re.Match[str]) -> str:
    return f"\\u{ord(m[0]):04x}"


def say(text: str, err: bool = False, fg: str | None = None, nl: bool = True) -> None:
    """Every line a command prints goes through here, so recorded text cannot drive the
    terminal: a cassette is someone else's file."""
    click.secho(terminal_safe(text), err=err, fg=fg, nl=nl)


def echo_json(value: Any) -> None:
    # JSON already escapes C0 controls; the others are escaped too (as \\uXXXX, still the same
    # JSON string), for whoever pipes the output into a terminal.
    text = dump_json(value, indent=True).decode()
    click.echo(_SURROGATE.sub("\ufffd", _UNSAFE.sub(_json_safe, text)))


def index_note(db: Path) -> str:
    """Where the index is, and how to look inside it without getting in the server's way."""
    return (
        f"index: {db}\n"
        "  (SQLite in WAL mode: it can be read while serving, opened read-only,"
        " e.g. `sqlite3 -readonly FILE` or `datasette FILE`)"
    )


def error_line(path: str, message: str, line: int | None = None) -> None:
    where = f"{path}:{line}" if line else path
    say(f"{where}: {message}", err=True)


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
