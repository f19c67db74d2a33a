"""`tapedeck export [PATH ...] --out DIR`: the dashboard as static files, for CI artifacts."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.cli.common import (
    error_line,
    limits_from,
    max_size_option,
    progress_bar,
    roots_or_default,
    say,
)
from app.export import ExportError, export_single, export_site


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the site into (created; never inside a served root).",
)
@click.option(
    "--single-file",
    "single",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="CASSETTE",
    help="Write only this cassette, as one self-contained HTML file in --out.",
)
@max_size_option
def export(paths: tuple[Path, ...], out: Path, single: Path | None, max_size_mb: float) -> None:
    """Write a static HTML site of the cassettes under PATH (default ./cassettes).

    The site opens from file:// with no server: index.html lists the cassettes, each cassette
    and interaction has its page, streamed answers have the player with their chunks inlined,
    and usage.html has the charts. Links are relative and nothing is loaded from the network.
    With --single-file, one cassette becomes one HTML file (styles, scripts and data inlined)
    to attach anywhere. Exits 1 when some file could not be read (it is listed, the rest is
    still written).
    """
    limits = limits_from(max_size_mb)
    try:
        if single is not None:
            roots = [p for p in paths or [Path("cassettes")] if p.exists()]
            file, result = export_single(single, out, roots, limits)
            say(str(file))
        else:
            roots = roots_or_default(paths)
            with progress_bar("Exporting") as update:
                result = export_site(roots, out, limits, update)
            say(
                f"{result.cassettes} cassettes, {result.interactions} interactions,"
                f" {result.pages} pages: {result.out / 'index.html'}"
            )
    except ExportError as exc:
        raise click.UsageError(str(exc)) from exc
    for e in result.errors:
        error_line(e.path, e.error, e.line)
    if result.errors:
        sys.exit(1)
