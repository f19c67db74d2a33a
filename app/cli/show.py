"""`tapedeck show`: one cassette as a readable transcript or as the contract's JSON."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.cli.common import echo_json, error_line, limits_from, max_size_option, say
from app.cli.transcript import cassette_lines, interaction_lines
from app.loader import load_cassette
from app.markdown import cassette_markdown, interaction_markdown
from app.model import to_json


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--interaction", "-i", "number", type=int, help="Show only interaction N (0-based).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    help="text (default): a transcript; markdown: to paste into an issue or an LLM chat,"
    " secrets masked; json: the Cassette (or Interaction) document.",
)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@max_size_option
def show(
    file: Path, number: int | None, fmt: str | None, as_json: bool, max_size_mb: float
) -> None:
    """Decode one cassette FILE and print it as a transcript, as Markdown or as JSON.

    Exits 1, after printing what could be read, when the file has errors.
    """
    if as_json and fmt not in (None, "json"):
        raise click.UsageError(f"--json is --format json; it cannot go with --format {fmt}")
    fmt = "json" if as_json else fmt or "text"
    if not file.exists() and not file.is_symlink():
        raise click.UsageError(f"no such file: {file}")
    cassette = load_cassette(file, file.name, limits_from(max_size_mb))
    if number is not None:
        matches = [it for it in cassette.interactions if it.index == number]
        if not matches:
            raise click.UsageError(
                f"{file} has {len(cassette.interactions)} interactions; "
                f"--interaction takes 0 to {max(len(cassette.interactions) - 1, 0)}"
            )
        if fmt == "json":
            echo_json(to_json(matches[0]))
        elif fmt == "markdown":
            say(interaction_markdown(cassette, matches[0]), nl=False)
        else:
            for line in interaction_lines(matches[0]):
                say(line)
    elif fmt == "json":
        echo_json(to_json(cassette))
    elif fmt == "markdown":
        say(cassette_markdown(cassette), nl=False)
    else:
        for line in cassette_lines(cassette):
            say(line)
    for note in cassette.errors:
        error_line(str(file), note.message, note.line)
    if cassette.errors:
        sys.exit(1)
