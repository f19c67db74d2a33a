"""`tapedeck index`: build or refresh the index and say what it holds."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.cli.common import (
    echo_json,
    error_line,
    index_note,
    limits_from,
    max_size_option,
    progress_bar,
    roots_or_default,
    say,
)
from app.index import Index, IndexLocationError, default_index_path


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--index",
    "index_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Index file to use (default: one per set of roots in the user cache folder).",
)
@click.option("--json", "as_json", is_flag=True, help="Print {cassettes, interactions, errors}.")
@max_size_option
def index(
    paths: tuple[Path, ...], index_file: Path | None, as_json: bool, max_size_mb: float
) -> None:
    """Build or refresh the index of every cassette under PATH (default ./cassettes).

    Only files whose size or modification time changed are read again. Prints how many
    cassettes and interactions the index holds and every file that could not be read; exits 1
    when there is such a file.
    """
    roots = roots_or_default(paths)
    db = index_file or default_index_path(roots)
    try:
        idx = Index(db, roots, limits_from(max_size_mb))
    except IndexLocationError as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        with progress_bar("Indexing") as update:
            result = idx.refresh(update)
    finally:
        idx.close()
    if as_json:
        echo_json(
            {
                "cassettes": result.cassettes,
                "interactions": result.interactions,
                "errors": [e.to_json() for e in result.errors],
            }
        )
    else:
        for e in result.errors:
            error_line(e.path, e.error, e.line)
        say(
            f"{result.cassettes} cassettes, {result.interactions} interactions"
            f" ({result.read} read, {result.removed} removed, {len(result.errors)} unreadable)"
        )
        say(index_note(db))
    if result.errors:
        sys.exit(1)
